//! One configuration's result as `appsync check` keeps it: the model check
//! and the optional conformance run, the flags that select the
//! configuration, and the charts written. `check.rs` makes runs; `report.rs`
//! and `json.rs` print them.

use std::path::PathBuf;

use crate::conformance::{ConformanceError, ExhaustiveReport};
use crate::modelcheck::CheckReport;

/// One configuration's model check and (optional) conformance run.
pub(crate) struct Run {
    /// The preset's name, or `custom`.
    pub name: String,
    /// The flags that select this configuration (an error if none can).
    pub flags: Result<Vec<String>, String>,
    pub report: CheckReport,
    pub conformance: Option<Result<ExhaustiveReport, ConformanceError>>,
    /// The chart written per property, with `--svg`.
    pub charts: Vec<(&'static str, PathBuf)>,
}
