//! The MLS working group's passive-client test vectors (RFC 9420 interop
//! repository, `passive-client-*.json`), run through a client that has the
//! AppSync rules installed.
//!
//! Procedure, per case: build a client from the case's signature key, store
//! its key package with the init and encryption private keys, register the
//! external PSKs, join with `welcome` (and `ratchet_tree` when given), check
//! `initial_epoch_authenticator`; then for each epoch process the
//! by-reference `proposals` and the `commit`, and check `epoch_authenticator`.
//!
//! The point is negative: installing the AppSync rules (which hook into every
//! commit through `MlsRules::filter_proposals`) must not change how ordinary
//! MLS commits are processed.

use std::collections::BTreeMap;
use std::path::Path;

use mls_rs::crypto::SignatureSecretKey;
use mls_rs::group::ExportedTree;
use mls_rs::identity::basic::BasicIdentityProvider;
use mls_rs::psk::{ExternalPskId, PreSharedKey};
use mls_rs::storage_provider::in_memory::InMemoryKeyPackageStorage;
use mls_rs::time::MlsTime;
use mls_rs::{CipherSuite, CipherSuiteProvider, CryptoProvider, MlsMessage};
use mls_rs_core::crypto::HpkeSecretKey;
use mls_rs_core::key_package::KeyPackageData;
use mls_rs_crypto_awslc::AwsLcCryptoProvider;
use mls_rs_crypto_rustcrypto::RustCryptoProvider;
use serde::Deserialize;

use mls_appsync::AppSyncRules;
use mls_appsync::constants::{APP_SYNC_PROPOSAL_TYPE, APPLICATION_STATES_EXTENSION_TYPE};

use super::hexbytes::HexBytes;

/// One passive-client test case, as in the working group's JSON files.
#[derive(Clone, Debug, Deserialize)]
pub struct PassiveClientCase {
    /// The cipher suite of the group.
    pub cipher_suite: u16,
    /// External PSKs the client must know before joining.
    #[serde(default)]
    pub external_psks: Vec<ExternalPsk>,
    /// The client's KeyPackage, as an MLSMessage.
    pub key_package: HexBytes,
    /// The client's signature private key.
    pub signature_priv: HexBytes,
    /// The private key of the KeyPackage's leaf node encryption key.
    pub encryption_priv: HexBytes,
    /// The private key of the KeyPackage's init key.
    pub init_priv: HexBytes,
    /// The Welcome that adds the client, as an MLSMessage.
    pub welcome: HexBytes,
    /// The ratchet tree, when the Welcome does not carry it.
    pub ratchet_tree: Option<HexBytes>,
    /// The epoch authenticator right after joining.
    pub initial_epoch_authenticator: HexBytes,
    /// The epochs to process after joining.
    pub epochs: Vec<PassiveClientEpoch>,
}

/// An external PSK of a test case.
#[derive(Clone, Debug, Deserialize)]
pub struct ExternalPsk {
    /// The PSK id.
    pub psk_id: HexBytes,
    /// The PSK value.
    pub psk: HexBytes,
}

/// One epoch of a test case: by-reference proposals, then the commit.
#[derive(Clone, Debug, Deserialize)]
pub struct PassiveClientEpoch {
    /// Proposal MLSMessages, processed before the commit.
    pub proposals: Vec<HexBytes>,
    /// The commit MLSMessage.
    pub commit: HexBytes,
    /// The epoch authenticator after the commit.
    pub epoch_authenticator: HexBytes,
}

/// Why a case failed.
#[derive(Debug, thiserror::Error)]
pub enum PassiveClientError {
    /// The vector file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The vector file is not a JSON list of passive-client cases.
    #[error("not a passive-client vector file: {0}")]
    Json(#[from] serde_json::Error),
    /// mls-rs refused a step.
    #[error("{step}: {source}")]
    Mls {
        /// Which step failed ("join", "epoch 3 proposal 1", ...).
        step: String,
        /// What mls-rs said.
        source: mls_rs::error::MlsError,
    },
    /// A message was of the wrong kind (a key package that is not one, ...).
    #[error("{0}")]
    Malformed(String),
    /// The client reached a different epoch authenticator.
    #[error("{step}: epoch_authenticator {actual}, expected {expected}")]
    AuthenticatorMismatch {
        /// "join" or "epoch N".
        step: String,
        /// The expected value, hex.
        expected: String,
        /// The value the client computed, hex.
        actual: String,
    },
}

/// What happened to one case.
#[derive(Debug)]
pub enum CaseOutcome {
    /// Every epoch authenticator matched.
    Passed,
    /// The case was not run; the reason names the cipher suite.
    Skipped(String),
    /// The case ran and failed.
    Failed(PassiveClientError),
}

/// Counts for one cipher suite.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SuiteTally {
    /// Cases run (passed + failed).
    pub run: usize,
    /// Cases passed.
    pub passed: usize,
    /// Cases failed.
    pub failed: usize,
    /// Cases skipped.
    pub skipped: usize,
}

/// The result of running one vector file.
#[derive(Debug, Default)]
pub struct FileReport {
    /// Counts per cipher suite.
    pub by_suite: BTreeMap<u16, SuiteTally>,
    /// Why each skipped suite was skipped.
    pub skip_reasons: BTreeMap<u16, String>,
    /// The failures, by case index.
    pub failures: Vec<(usize, PassiveClientError)>,
}

impl FileReport {
    /// Sums over all suites.
    pub fn total(&self) -> SuiteTally {
        self.by_suite
            .values()
            .fold(SuiteTally::default(), |acc, t| SuiteTally {
                run: acc.run + t.run,
                passed: acc.passed + t.passed,
                failed: acc.failed + t.failed,
                skipped: acc.skipped + t.skipped,
            })
    }
}

/// Reads a vector file.
pub fn load(path: &Path) -> Result<Vec<PassiveClientCase>, PassiveClientError> {
    let text = std::fs::read_to_string(path).map_err(|source| PassiveClientError::Io {
        path: path.display().to_string(),
        source,
    })?;
    Ok(serde_json::from_str(&text)?)
}

/// The crypto provider a run uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Provider {
    /// `mls-rs-crypto-rustcrypto` (pure Rust): suites 1, 2, 3, 7.
    RustCrypto,
    /// `mls-rs-crypto-awslc` (AWS-LC): suites 1, 2, 3, 5, 7.
    AwsLc,
}

impl Provider {
    /// The crate name, for reports.
    pub fn name(self) -> &'static str {
        match self {
            Provider::RustCrypto => "mls-rs-crypto-rustcrypto",
            Provider::AwsLc => "mls-rs-crypto-awslc",
        }
    }
}

/// Runs every case of a vector file with one crypto provider.
pub fn run_file(path: &Path, provider: Provider) -> Result<FileReport, PassiveClientError> {
    let cases = load(path)?;
    let mut report = FileReport::default();
    for (index, case) in cases.iter().enumerate() {
        let tally = report.by_suite.entry(case.cipher_suite).or_default();
        let outcome = match provider {
            Provider::RustCrypto => run_case(case, RustCryptoProvider::default(), provider),
            Provider::AwsLc => run_case(case, AwsLcCryptoProvider::default(), provider),
        };
        match outcome {
            CaseOutcome::Passed => {
                tally.run += 1;
                tally.passed += 1;
            }
            CaseOutcome::Skipped(reason) => {
                tally.skipped += 1;
                report.skip_reasons.insert(case.cipher_suite, reason);
            }
            CaseOutcome::Failed(error) => {
                tally.run += 1;
                tally.failed += 1;
                report.failures.push((index, error));
            }
        }
    }
    Ok(report)
}

/// The RFC 9420 name of a cipher suite, for skip reasons.
fn suite_name(suite: u16) -> &'static str {
    match suite {
        1 => "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
        2 => "MLS_128_DHKEMP256_AES128GCM_SHA256_P256",
        3 => "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519",
        4 => "MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448",
        5 => "MLS_256_DHKEMP521_AES256GCM_SHA512_P521",
        6 => "MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448",
        7 => "MLS_256_DHKEMP384_AES256GCM_SHA384_P384",
        _ => "an unknown suite",
    }
}

/// Runs one case with the given crypto provider.
pub fn run_case<C: CryptoProvider + Clone>(
    case: &PassiveClientCase,
    crypto: C,
    provider: Provider,
) -> CaseOutcome {
    let suite = CipherSuite::from(case.cipher_suite);
    let Some(suite_provider) = crypto.cipher_suite_provider(suite) else {
        return CaseOutcome::Skipped(format!(
            "{} does not implement suite {} ({})",
            provider.name(),
            case.cipher_suite,
            suite_name(case.cipher_suite),
        ));
    };
    match run_supported_case(case, suite, &suite_provider, crypto) {
        Ok(()) => CaseOutcome::Passed,
        Err(error) => CaseOutcome::Failed(error),
    }
}

fn mls(step: impl Into<String>) -> impl FnOnce(mls_rs::error::MlsError) -> PassiveClientError {
    let step = step.into();
    move |source| PassiveClientError::Mls { step, source }
}

fn check_authenticator(
    step: &str,
    expected: &HexBytes,
    actual: &[u8],
) -> Result<(), PassiveClientError> {
    if expected.0 == actual {
        return Ok(());
    }
    Err(PassiveClientError::AuthenticatorMismatch {
        step: step.to_string(),
        expected: hex::encode(&expected.0),
        actual: hex::encode(actual),
    })
}

fn run_supported_case<P: CipherSuiteProvider, C: CryptoProvider + Clone>(
    case: &PassiveClientCase,
    suite: CipherSuite,
    provider: &P,
    crypto: C,
) -> Result<(), PassiveClientError> {
    let key_package = MlsMessage::from_bytes(&case.key_package.0)
        .map_err(mls("decode key_package"))?
        .into_key_package()
        .ok_or_else(|| PassiveClientError::Malformed("key_package is not a KeyPackage".into()))?;
    let reference = key_package
        .to_reference(provider)
        .map_err(mls("key package reference"))?;

    let key_packages = InMemoryKeyPackageStorage::new();
    key_packages.insert(
        reference.to_vec(),
        KeyPackageData::new(
            mls_rs_codec_bytes(&key_package)?,
            HpkeSecretKey::from(case.init_priv.0.clone()),
            HpkeSecretKey::from(case.encryption_priv.0.clone()),
            u64::MAX,
        ),
    );

    let mut builder = mls_rs::client_builder::ClientBuilder::new()
        .mls_rules(AppSyncRules::new())
        .crypto_provider(crypto)
        .identity_provider(BasicIdentityProvider::new())
        .extension_type(APPLICATION_STATES_EXTENSION_TYPE)
        .custom_proposal_type(APP_SYNC_PROPOSAL_TYPE)
        .key_package_repo(key_packages);
    for psk in &case.external_psks {
        builder = builder.psk(
            ExternalPskId::new(psk.psk_id.0.clone()),
            PreSharedKey::new(psk.psk.0.clone()),
        );
    }
    let client = builder
        .signing_identity(
            key_package.signing_identity().clone(),
            SignatureSecretKey::from(case.signature_priv.0.clone()),
            suite,
        )
        .build();

    let welcome = MlsMessage::from_bytes(&case.welcome.0).map_err(mls("decode welcome"))?;
    let tree = case
        .ratchet_tree
        .as_ref()
        .map(|t| ExportedTree::from_bytes(&t.0))
        .transpose()
        .map_err(mls("decode ratchet_tree"))?;
    let (mut group, _) = client
        .join_group(tree, &welcome, None)
        .map_err(mls("join"))?;
    check_authenticator(
        "join",
        &case.initial_epoch_authenticator,
        &group.epoch_authenticator().map_err(mls("join"))?,
    )?;

    for (e, epoch) in case.epochs.iter().enumerate() {
        for (p, proposal) in epoch.proposals.iter().enumerate() {
            let step = format!("epoch {e} proposal {p}");
            let message = MlsMessage::from_bytes(&proposal.0).map_err(mls(step.clone()))?;
            group
                .process_incoming_message_with_time(message, MlsTime::now())
                .map_err(mls(step))?;
        }
        let step = format!("epoch {e} commit");
        let message = MlsMessage::from_bytes(&epoch.commit.0).map_err(mls(step.clone()))?;
        group
            .process_incoming_message_with_time(message, MlsTime::now())
            .map_err(mls(step.clone()))?;
        check_authenticator(
            &step,
            &epoch.epoch_authenticator,
            &group.epoch_authenticator().map_err(mls(step.clone()))?,
        )?;
    }
    Ok(())
}

fn mls_rs_codec_bytes(key_package: &mls_rs::KeyPackage) -> Result<Vec<u8>, PassiveClientError> {
    use mls_rs::mls_rs_codec::MlsEncode;
    key_package
        .mls_encode_to_vec()
        .map_err(|e| PassiveClientError::Malformed(format!("re-encode key package: {e}")))
}

impl FileReport {
    /// A plain-text table: one row per cipher suite, then the total.
    pub fn table(&self) -> String {
        let mut out = String::from("  suite    run  passed  failed  skipped  note\n");
        let row = |name: &str, t: &SuiteTally, note: &str| {
            format!(
                "  {name:<6} {:>5} {:>7} {:>7} {:>8}  {note}\n",
                t.run, t.passed, t.failed, t.skipped
            )
        };
        for (suite, tally) in &self.by_suite {
            let note = self.skip_reasons.get(suite).map_or("", String::as_str);
            out += &row(&suite.to_string(), tally, note);
        }
        out += &row("total", &self.total(), "");
        out
    }
}
