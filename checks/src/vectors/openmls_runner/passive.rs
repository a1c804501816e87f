//! The processing vectors byte for byte, with OpenMLS as the passive
//! client: it joins by Welcome with the vector's keys (the key package and
//! its two private keys go into OpenMLS's storage as a `KeyPackageBundle`),
//! then processes each epoch's proposals, invalid messages and commit, and
//! its dictionary and epoch authenticator are compared with the vector's.
//! Once OpenMLS refuses a commit it must accept (or ends in another state),
//! the rest of the case is not run.

use openmls::prelude::*;
use openmls_rust_crypto::OpenMlsRustCrypto;
use openmls_traits::storage::StorageProvider as _;

use crate::vectors::app_data_processing::{AppDataCase, AppDataProcessingVectors, ComponentAssignment};
use crate::vectors::passive::PassiveInvitation;

use super::app::{Processed, dictionary, process, show};
use super::{Report, Verdict};

/// OpenMLS's passive client, joined.
struct Passive {
    provider: OpenMlsRustCrypto,
    group: MlsGroup,
}

/// Stores the vector's key package with its private keys, as OpenMLS keeps
/// a `KeyPackageBundle` (built through its serde form: OpenMLS offers no
/// public constructor outside its test utilities).
fn store_key_package(
    provider: &OpenMlsRustCrypto,
    keys: &PassiveInvitation,
) -> Result<(), String> {
    let message = super::codec::decode::<MlsMessageIn>(&keys.key_package.0)
        .map_err(|e| format!("key_package: {e}"))?;
    let MlsMessageBodyIn::KeyPackage(key_package) = message.extract() else {
        return Err("key_package is not a KeyPackage".into());
    };
    let key_package = key_package
        .validate(provider.crypto(), ProtocolVersion::Mls10)
        .map_err(|e| format!("key_package: {e}"))?;
    let reference = key_package
        .hash_ref(provider.crypto())
        .map_err(|e| format!("key package reference: {e}"))?;
    let bundle = serde_json::json!({
        "key_package": key_package,
        "private_init_key": HpkePrivateKey::from(keys.init_priv.0.clone()),
        "private_encryption_key": { "key": HpkePrivateKey::from(keys.encryption_priv.0.clone()) },
    });
    let bundle: KeyPackageBundle =
        serde_json::from_value(bundle).map_err(|e| format!("key package bundle: {e}"))?;
    provider
        .storage()
        .write_key_package(&reference, &bundle)
        .map_err(|e| format!("storing the key package: {e}"))
}

/// Joins as the vector's passive client.
fn join(keys: &PassiveInvitation) -> Result<Passive, String> {
    let provider = OpenMlsRustCrypto::default();
    store_key_package(&provider, keys)?;
    let message = super::codec::decode::<MlsMessageIn>(&keys.welcome.0)
        .map_err(|e| format!("welcome: {e}"))?;
    let MlsMessageBodyIn::Welcome(welcome) = message.extract() else {
        return Err("welcome is not a Welcome".into());
    };
    let config = MlsGroupJoinConfig::builder()
        .wire_format_policy(MIXED_PLAINTEXT_WIRE_FORMAT_POLICY)
        .build();
    let group = StagedWelcome::new_from_welcome(&provider, &config, welcome, None)
        .map_err(|e| format!("{e}"))?
        .into_group(&provider)
        .map_err(|e| format!("{e}"))?;
    Ok(Passive { provider, group })
}

impl Passive {
    fn authenticator(&self) -> Vec<u8> {
        self.group.epoch_authenticator().as_slice().to_vec()
    }

    /// Whether the state is the vector's; `Disagrees` says how not.
    fn compare(&self, dictionary_expected: &Option<Vec<u8>>, authenticator: &[u8]) -> Verdict {
        let ours = dictionary(&self.group);
        if &ours != dictionary_expected {
            return Verdict::Disagrees(format!("dictionary {}", show(&ours)));
        }
        if self.authenticator() != authenticator {
            return Verdict::Disagrees(format!(
                "epoch authenticator {}",
                hex::encode(self.authenticator())
            ));
        }
        Verdict::Agrees
    }
}

fn bytes(d: &Option<crate::vectors::hexbytes::HexBytes>) -> Option<Vec<u8>> {
    d.as_ref().map(|d| d.0.clone())
}

/// Runs one case; returns its rows.
fn run_case(components: &ComponentAssignment, case: &AppDataCase, report: &mut Report) {
    let name = format!("suite {}, {}", case.cipher_suite, case.description);
    let supported = Ciphersuite::try_from(case.cipher_suite)
        .ok()
        .filter(|&suite| OpenMlsRustCrypto::default().crypto().supports(suite).is_ok());
    if supported.is_none() {
        let why = "cipher suite not implemented by openmls_rust_crypto";
        report.push(format!("{name}: join"), "joins", Verdict::NotRun(why.into()));
        return;
    }
    let mut passive = match join(&case.invitation) {
        Ok(passive) => passive,
        Err(e) => {
            report.push(format!("{name}: join"), "joins", Verdict::Disagrees(e));
            return;
        }
    };
    let verdict = passive.compare(
        &bytes(&case.initial_app_data_dictionary),
        &case.invitation.initial_epoch_authenticator.0,
    );
    report.push(
        format!("{name}: join"),
        "joins with the dictionary and epoch authenticator",
        verdict,
    );
    let mut behind: Option<String> = None;
    for (e, epoch) in case.epochs.iter().enumerate() {
        let step = |what: String| format!("{name}: epoch {e} {what}");
        let mut steps: Vec<(String, String, &[u8], bool)> = Vec::new();
        for (p, proposal) in epoch.proposals.iter().enumerate() {
            steps.push((step(format!("proposal {p}")), "accepted".into(), &proposal.0, true));
        }
        for (i, invalid) in epoch.invalid.iter().enumerate() {
            steps.push((
                step(format!("invalid {i} ({})", invalid.description)),
                format!("rejected ({})", invalid.reason),
                &invalid.message.0,
                false,
            ));
        }
        for (case_name, expected, message, valid) in steps {
            if let Some(why) = &behind {
                report.push(case_name, expected, Verdict::NotRun(why.clone()));
                continue;
            }
            let before = (passive.group.epoch(), passive.authenticator());
            let verdict = match (process(&passive.provider, &mut passive.group, components, message), valid) {
                (Processed::Proposal, true) => Verdict::Agrees,
                (Processed::Refused(e), false) => Verdict::Agrees.or_changed(&passive, before, e),
                (Processed::Refused(e), true) => Verdict::Disagrees(format!("refuses it: {e}")),
                (Processed::Commit(_), false) => Verdict::Disagrees("accepts it".into()),
                (Processed::Commit(_), true) | (Processed::Proposal, false) => {
                    Verdict::Disagrees("takes it for another kind of message".into())
                }
            };
            report.push(case_name, expected, verdict);
        }
        let case_name = step(format!("commit ({})", epoch.description));
        let expected = "accepted, with the dictionary and epoch authenticator";
        if let Some(why) = &behind {
            report.push(case_name, expected, Verdict::NotRun(why.clone()));
            continue;
        }
        let verdict = match process(&passive.provider, &mut passive.group, components, &epoch.commit.0) {
            Processed::Commit(staged) => match passive.group.merge_staged_commit(&passive.provider, *staged) {
                Ok(()) => passive.compare(&bytes(&epoch.app_data_dictionary), &epoch.epoch_authenticator.0),
                Err(e) => Verdict::Disagrees(format!("cannot merge it: {e}")),
            },
            Processed::Refused(e) => Verdict::Disagrees(format!("refuses it: {e}")),
            Processed::Proposal => Verdict::Disagrees("takes it for a proposal".into()),
        };
        if verdict != Verdict::Agrees {
            behind = Some(format!("OpenMLS parted from the vector at epoch {e}"));
        }
        report.push(case_name, expected, verdict);
    }
}

impl Verdict {
    /// `self`, unless the rejected message changed the epoch or the epoch
    /// authenticator since `before`.
    fn or_changed(self, passive: &Passive, before: (GroupEpoch, Vec<u8>), error: String) -> Verdict {
        if (passive.group.epoch(), passive.authenticator()) != before {
            return Verdict::Disagrees(format!("rejects it ({error}) but its state changed"));
        }
        self
    }
}

/// Runs every case of the file with OpenMLS as the passive client.
pub fn run(vectors: &AppDataProcessingVectors) -> Report {
    let mut report = Report::default();
    for case in &vectors.cases {
        run_case(&vectors.components, case, &mut report);
    }
    report
}
