//! Why a vector file or case failed.

use mls_appsync::Rejected;

/// A failure while loading or checking test vectors.
#[derive(Debug, thiserror::Error)]
pub enum VectorError {
    /// The vector file could not be read or written.
    #[error("cannot access {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid JSON of the expected shape.
    #[error("not a vector file of this kind: {0}")]
    Json(#[from] serde_json::Error),
    /// mls-rs refused a step that should have succeeded.
    #[error("{step}: {source}")]
    Mls {
        /// Which step failed ("join", "epoch 3 proposal 1", ...).
        step: String,
        /// What mls-rs said.
        source: mls_rs::error::MlsError,
    },
    /// A field does not hold what its name says (a key package that is not
    /// one, bytes that do not decode, ...).
    #[error("{0}")]
    Malformed(String),
    /// A computed value differs from the vector's.
    #[error("{step}: {what} is {actual}, expected {expected}")]
    Mismatch {
        /// Where ("join", "epoch 2", ...).
        step: String,
        /// Which value (`epoch_authenticator`, `application_states`, ...).
        what: &'static str,
        /// The vector's value, hex.
        expected: String,
        /// The computed value, hex.
        actual: String,
    },
    /// A message that must be rejected was accepted.
    #[error("{step}: accepted a message that must be rejected ({expected})")]
    UnexpectedAccept {
        /// Where.
        step: String,
        /// The rejection the vector expects, by its name in the file.
        expected: String,
    },
    /// A message was rejected for another reason than the vector's.
    #[error("{step}: rejected as {actual}, expected {expected}")]
    WrongRejection {
        /// Where.
        step: String,
        /// The rejection the vector expects, by its name in the file.
        expected: String,
        /// The rejection seen, named the same way.
        actual: String,
    },
}

/// Maps an mls-rs error to [`VectorError::Mls`] at `step`.
pub(crate) fn at(step: impl Into<String>) -> impl FnOnce(mls_rs::error::MlsError) -> VectorError {
    let step = step.into();
    move |source| VectorError::Mls { step, source }
}

/// Compares a computed byte string with the vector's.
pub(crate) fn expect_bytes(
    step: &str,
    what: &'static str,
    expected: &[u8],
    actual: &[u8],
) -> Result<(), VectorError> {
    if expected == actual {
        return Ok(());
    }
    Err(VectorError::Mismatch {
        step: step.to_string(),
        what,
        expected: hex::encode(expected),
        actual: hex::encode(actual),
    })
}

/// Checks that `outcome` is a rejection whose name (as `name` gives it) is
/// `expected`.
pub(crate) fn expect_rejection<T>(
    step: &str,
    outcome: Result<T, Rejected>,
    expected: &str,
    name: impl Fn(&Rejected) -> String,
) -> Result<(), VectorError> {
    match outcome {
        Ok(_) => Err(VectorError::UnexpectedAccept {
            step: step.into(),
            expected: expected.into(),
        }),
        Err(rejected) if name(&rejected) != expected => Err(VectorError::WrongRejection {
            step: step.into(),
            expected: expected.into(),
            actual: name(&rejected),
        }),
        Err(_) => Ok(()),
    }
}
