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

use crate::vectors::app_data_processing::{
    AppDataCase, AppDataProcessingVectors, ComponentAssignment,
};
use crate::vectors::passive::PassiveInvitation;

use super::app::{Processed, dictionary, process, show};
use super::{Outcome, Report, Verdict};

/// OpenMLS's passive client, joined.
struct Passive {
    provider: OpenMlsRustCrypto,
    group: MlsGroup,
}

/// Stores the vector's key package with its private keys, as OpenMLS keeps
/// a `KeyPackageBundle` (built through its serde form: OpenMLS offers no
/// public constructor outside its test utilities).
fn store_key_package(provider: &OpenMlsRustCrypto, keys: &PassiveInvitation) -> Result<(), String> {
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

    /// Whether the state is the vector's.
    fn compare(&self, dictionary_expected: &Option<Vec<u8>>, authenticator: &[u8]) -> Outcome {
        let ours = dictionary(&self.group);
        if &ours != dictionary_expected {
            return Outcome::disagrees(format!("dictionary {}", show(&ours)));
        }
        if self.authenticator() != authenticator {
            return Outcome::disagrees(format!(
                "epoch authenticator {}",
                hex::encode(self.authenticator())
            ));
        }
        Outcome::agrees("same dictionary and epoch authenticator")
    }
}

fn bytes(d: &Option<crate::vectors::hexbytes::HexBytes>) -> Option<Vec<u8>> {
    d.as_ref().map(|d| d.0.clone())
}

/// What a step must do.
struct Step<'a> {
    name: String,
    expected: String,
    message: &'a [u8],
    valid: bool,
}

/// Processes a proposal or an invalid message.
fn run_step(passive: &mut Passive, components: &ComponentAssignment, step: &Step<'_>) -> Outcome {
    let before = (passive.group.epoch(), passive.authenticator());
    match process(
        &passive.provider,
        &mut passive.group,
        components,
        step.message,
    ) {
        Processed::Proposal if step.valid => Outcome::agrees("stored"),
        Processed::Refused(e) if !step.valid => {
            if (passive.group.epoch(), passive.authenticator()) != before {
                return Outcome::disagrees(format!("rejects it ({e}) but its state changed"));
            }
            Outcome::agrees(format!("rejects it: {e}"))
        }
        Processed::Refused(e) => Outcome::disagrees(format!("refuses it: {e}")),
        Processed::Commit(_) if !step.valid => Outcome::disagrees("accepts it"),
        _ => Outcome::disagrees("takes it for another kind of message"),
    }
}

/// Runs one case; returns its rows.
fn run_case(components: &ComponentAssignment, case: &AppDataCase, report: &mut Report) {
    let name = format!("suite {}, {}", case.cipher_suite, case.description);
    let join_step = format!("{name}: join");
    if !suite_supported(case.cipher_suite) {
        let why = "cipher suite not implemented by openmls_rust_crypto";
        report.push(join_step, "joins", Outcome::not_run(why));
        return;
    }
    let mut passive = match join(&case.invitation) {
        Ok(passive) => passive,
        Err(e) => {
            report.push(join_step, "joins", Outcome::disagrees(e));
            return;
        }
    };
    let outcome = passive.compare(
        &bytes(&case.initial_app_data_dictionary),
        &case.invitation.initial_epoch_authenticator.0,
    );
    report.push(
        join_step,
        "joins with the dictionary and epoch authenticator",
        outcome,
    );
    let mut behind: Option<String> = None;
    for (e, epoch) in case.epochs.iter().enumerate() {
        let name = |what: String| format!("{name}: epoch {e} {what}");
        let mut steps: Vec<Step<'_>> = Vec::new();
        for (p, proposal) in epoch.messages.proposals.iter().enumerate() {
            steps.push(Step {
                name: name(format!("proposal {p}")),
                expected: "accepted".into(),
                message: &proposal.0,
                valid: true,
            });
        }
        for (i, invalid) in epoch
            .messages
            .invalid
            .iter()
            .map(|i| &i.rejected)
            .enumerate()
        {
            steps.push(Step {
                name: name(format!("invalid {i} ({})", invalid.description)),
                expected: format!("rejected ({})", invalid.reason),
                message: &invalid.message.0,
                valid: false,
            });
        }
        for step in steps {
            let outcome = match &behind {
                Some(why) => Outcome::not_run(why.clone()),
                None => run_step(&mut passive, components, &step),
            };
            report.push(step.name, step.expected, outcome);
        }
        let step = name(format!("commit ({})", epoch.messages.description));
        let expected = "accepted, with the dictionary and epoch authenticator";
        if let Some(why) = &behind {
            report.push(step, expected, Outcome::not_run(why.clone()));
            continue;
        }
        let outcome = match process(
            &passive.provider,
            &mut passive.group,
            components,
            &epoch.messages.commit.0,
        ) {
            Processed::Commit(staged) => match passive
                .group
                .merge_staged_commit(&passive.provider, *staged)
            {
                Ok(()) => passive.compare(
                    &bytes(&epoch.app_data_dictionary),
                    &epoch.epoch_authenticator.0,
                ),
                Err(e) => Outcome::disagrees(format!("cannot merge it: {e}")),
            },
            Processed::Refused(e) => Outcome::disagrees(format!("refuses it: {e}")),
            Processed::Proposal => Outcome::disagrees("takes it for a proposal"),
        };
        if outcome.verdict != Verdict::Agrees {
            behind = Some(format!("OpenMLS parted from the vector at epoch {e}"));
        }
        report.push(step, expected, outcome);
    }
}

/// Whether OpenMLS's RustCrypto provider implements the suite.
pub(super) fn suite_supported(suite: u16) -> bool {
    Ciphersuite::try_from(suite).is_ok_and(|suite| {
        OpenMlsRustCrypto::default()
            .crypto()
            .supports(suite)
            .is_ok()
    })
}

/// Runs every case of the file with OpenMLS as the passive client.
pub fn run(vectors: &AppDataProcessingVectors) -> Report {
    let mut report = Report::default();
    for case in &vectors.cases {
        run_case(&vectors.components, case, &mut report);
    }
    report
}
