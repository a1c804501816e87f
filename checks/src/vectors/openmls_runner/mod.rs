//! The AppDataUpdate vectors run through OpenMLS 0.9 (crate `openmls`,
//! feature `extensions-draft`, RustCrypto provider and memory storage), a
//! second implementation of draft-ietf-mls-extensions. OpenMLS is not
//! patched: where it disagrees with a vector, the disagreement is recorded.
//!
//! * [`codec`]: every codec value decoded and encoded with OpenMLS's types,
//!   every invalid encoding offered to them, and the AppDataUpdate proposal
//!   in both framings.
//! * [`passive`]: the processing vectors byte for byte, with OpenMLS as the
//!   passive client (joined by Welcome with the vector's keys).
//! * [`replay`]: the processing vectors' proposal lists replayed on OpenMLS
//!   groups of its own, since OpenMLS cannot read this project's messages
//!   (see [`codec`]: the framing); it compares dictionaries, not epoch
//!   authenticators.
//! * [`app`]: the application logic OpenMLS leaves to the application:
//!   the vector's components, and nothing more.
//!
//! Every step becomes a [`Row`]: what the vector expects, what OpenMLS did,
//! and whether they agree.

pub mod app;
pub mod codec;
pub mod passive;
pub mod replay;

use std::fmt::Write as _;
use std::path::Path;

use super::app_data_codec::AppDataCodecVectors;
use super::app_data_processing::AppDataProcessingVectors;
use super::{VectorError, read_json};

/// OpenMLS's verdict on one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// OpenMLS does what the vector expects.
    Agrees,
    /// OpenMLS does something else.
    Disagrees,
    /// The step could not be run (an earlier disagreement left OpenMLS in
    /// another state, or OpenMLS lacks the cipher suite).
    NotRun,
}

impl Verdict {
    /// `agrees`, `DISAGREES` or `not run`.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Agrees => "agrees",
            Verdict::Disagrees => "DISAGREES",
            Verdict::NotRun => "not run",
        }
    }
}

/// A verdict and what OpenMLS did, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The verdict.
    pub verdict: Verdict,
    /// What OpenMLS did (its error, or what it accepted).
    pub openmls: String,
}

impl Outcome {
    /// OpenMLS did `what`, as the vector expects.
    pub fn agrees(what: impl Into<String>) -> Self {
        Self {
            verdict: Verdict::Agrees,
            openmls: what.into(),
        }
    }

    /// OpenMLS did `what`, which the vector does not expect.
    pub fn disagrees(what: impl Into<String>) -> Self {
        Self {
            verdict: Verdict::Disagrees,
            openmls: what.into(),
        }
    }

    /// The step was not run, for `why`.
    pub fn not_run(why: impl Into<String>) -> Self {
        Self {
            verdict: Verdict::NotRun,
            openmls: why.into(),
        }
    }
}

/// One step and OpenMLS's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Which step ("suite 1, ...: epoch 2 commit", ...).
    pub case: String,
    /// What the vector expects.
    pub expected: String,
    /// The verdict and what OpenMLS did.
    pub outcome: Outcome,
}

/// The rows of one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Every step, in file order.
    pub rows: Vec<Row>,
}

impl Report {
    pub(crate) fn push(
        &mut self,
        case: impl Into<String>,
        expected: impl Into<String>,
        outcome: Outcome,
    ) {
        self.rows.push(Row {
            case: case.into(),
            expected: expected.into(),
            outcome,
        });
    }

    /// Whether OpenMLS agrees on every step.
    pub fn all_agree(&self) -> bool {
        self.rows
            .iter()
            .all(|r| r.outcome.verdict == Verdict::Agrees)
    }

    /// How many rows have each label: (agrees, disagrees, not run).
    pub fn counts(&self) -> (usize, usize, usize) {
        self.rows
            .iter()
            .fold((0, 0, 0), |(a, d, n), r| match r.outcome.verdict {
                Verdict::Agrees => (a + 1, d, n),
                Verdict::Disagrees => (a, d + 1, n),
                Verdict::NotRun => (a, d, n + 1),
            })
    }

    /// One line per row, then the counts.
    pub fn table(&self) -> String {
        let mut out = String::new();
        for row in &self.rows {
            let _ = writeln!(
                out,
                "  {:<9} {}: expected {}; OpenMLS: {}",
                row.outcome.verdict.label(),
                row.case,
                row.expected,
                row.outcome.openmls
            );
        }
        let (agree, disagree, not_run) = self.counts();
        let _ = writeln!(
            out,
            "  {agree} agree, {disagree} disagree, {not_run} not run"
        );
        out
    }
}

/// Runs an AppDataUpdate vector file through OpenMLS: a processing file
/// (an object with `cases`) byte for byte and by replay, a codec file
/// through OpenMLS's types.
pub fn run_file(path: &Path) -> Result<Report, VectorError> {
    let value: serde_json::Value = read_json(path)?;
    if value.get("cases").is_some() {
        let vectors: AppDataProcessingVectors = serde_json::from_value(value)?;
        let mut report = passive::run(&vectors);
        report.rows.extend(replay::run(&vectors).rows);
        return Ok(report);
    }
    let vectors: AppDataCodecVectors = serde_json::from_value(value)?;
    Ok(codec::run(&vectors))
}
