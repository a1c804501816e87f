//! Test-vector runners.
//!
//! * [`rfc9420`]: the MLS working group's passive-client vectors, run through
//!   a client that has the AppSync rules installed, to show that installing
//!   them does not break ordinary MLS.
//! * [`codec`]: AppSync codec vectors (values and their bytes, and bytes
//!   that must not decode).
//! * [`processing`]: AppSync processing vectors for a passive client: the
//!   format and the verifier; [`generate`] makes them.
//! * [`passive`]: the passive client both processing formats start with.
//! * [`app_data_codec`], [`app_data_processing`], [`app_data_generate`]: the
//!   same for the successor's AppDataUpdate (draft-ietf-mls-extensions).
//! * [`openmls_runner`]: runs the AppDataUpdate vectors through OpenMLS.
//! * [`hexbytes`]: the hex-string encoding shared by every vector file.

pub mod app_data_codec;
pub mod app_data_generate;
pub mod app_data_processing;
pub mod codec;
pub mod error;
pub mod generate;
pub mod hexbytes;
pub mod openmls_runner;
pub mod passive;
pub mod processing;
pub mod rfc9420;

pub use error::VectorError;

use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Reads a JSON vector file.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, VectorError> {
    let text = std::fs::read_to_string(path).map_err(|source| VectorError::Io {
        path: path.display().to_string(),
        source,
    })?;
    Ok(serde_json::from_str(&text)?)
}

/// Writes a JSON vector file (pretty, with a final newline).
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), VectorError> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    std::fs::write(path, text).map_err(|source| VectorError::Io {
        path: path.display().to_string(),
        source,
    })
}
