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

use mls_rs::time::MlsTime;
use mls_rs::{CipherSuite, CryptoProvider, MlsMessage};
use mls_rs_crypto_awslc::AwsLcCryptoProvider;
use mls_rs_crypto_rustcrypto::RustCryptoProvider;
use serde::Deserialize;

use super::error::{VectorError, at, expect_bytes};
use super::hexbytes::HexBytes;
use super::passive::{self, PassiveInvitation};

/// One passive-client test case, as in the working group's JSON files.
#[derive(Clone, Debug, Deserialize)]
pub struct PassiveClientCase {
    /// The cipher suite of the group.
    pub cipher_suite: u16,
    /// External PSKs the client must know before joining.
    #[serde(default)]
    pub external_psks: Vec<ExternalPsk>,
    /// The client's keys, its Welcome, and the authenticator on joining.
    #[serde(flatten)]
    pub invitation: PassiveInvitation,
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

/// What happened to one case.
#[derive(Debug)]
pub enum CaseOutcome {
    /// Every epoch authenticator matched.
    Passed,
    /// The case was not run; the reason names the cipher suite.
    Skipped(String),
    /// The case ran and failed.
    Failed(VectorError),
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
    pub failures: Vec<(usize, VectorError)>,
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
pub fn load(path: &Path) -> Result<Vec<PassiveClientCase>, VectorError> {
    let text = std::fs::read_to_string(path).map_err(|source| VectorError::Io {
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
pub fn run_file(path: &Path, provider: Provider) -> Result<FileReport, VectorError> {
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
    if crypto.cipher_suite_provider(suite).is_none() {
        return CaseOutcome::Skipped(format!(
            "{} does not implement suite {} ({})",
            provider.name(),
            case.cipher_suite,
            suite_name(case.cipher_suite),
        ));
    }
    match run_supported_case(case, crypto) {
        Ok(()) => CaseOutcome::Passed,
        Err(error) => CaseOutcome::Failed(error),
    }
}

fn run_supported_case<C: CryptoProvider + Clone>(
    case: &PassiveClientCase,
    crypto: C,
) -> Result<(), VectorError> {
    let psks: Vec<(&[u8], &[u8])> = case
        .external_psks
        .iter()
        .map(|p| (p.psk_id.0.as_slice(), p.psk.0.as_slice()))
        .collect();
    let mut group = passive::join(crypto, &case.invitation, &psks)?;

    for (e, epoch) in case.epochs.iter().enumerate() {
        for (p, proposal) in epoch.proposals.iter().enumerate() {
            let step = format!("epoch {e} proposal {p}");
            let message = MlsMessage::from_bytes(&proposal.0).map_err(at(step.clone()))?;
            group
                .process_incoming_message_with_time(message, MlsTime::now())
                .map_err(at(step))?;
        }
        let step = format!("epoch {e} commit");
        let message = MlsMessage::from_bytes(&epoch.commit.0).map_err(at(step.clone()))?;
        group
            .process_incoming_message_with_time(message, MlsTime::now())
            .map_err(at(step.clone()))?;
        expect_bytes(
            &step,
            "epoch_authenticator",
            &epoch.epoch_authenticator.0,
            &group.epoch_authenticator().map_err(at(step.clone()))?,
        )?;
    }
    Ok(())
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
