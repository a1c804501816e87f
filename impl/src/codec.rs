//! Wire structures of the draft, encoded with `tls_codec` (R1, R2).
//!
//! `opaque x<V>` and `T x<V>` use the variable-length integer of RFC 9420,
//! section 2.1.2. `tls_codec` is built with its `mls` feature, so decoding
//! rejects a length that is not minimally encoded or that is 2^30 or more,
//! exactly as RFC 9420 requires.
//!
//! Decoding goes through [`decode_exact`], which refuses trailing bytes: the
//! same structure must never have two encodings that both decode.

use tls_codec::{Deserialize, Serialize, TlsDeserialize, TlsSerialize, TlsSize, VLBytes};

/// One entry of the `application_states` extension (R1).
///
/// ```text
/// struct {
///   uint32 applicationId;
///   opaque state<V>;
/// } ApplicationState;
/// ```
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, TlsSerialize, TlsDeserialize, TlsSize,
)]
pub struct ApplicationState {
    application_id: u32,
    state: VLBytes,
}

impl ApplicationState {
    /// An entry holding `state` for `application_id`.
    pub fn new(application_id: u32, state: impl Into<Vec<u8>>) -> Self {
        Self {
            application_id,
            state: VLBytes::new(state.into()),
        }
    }

    /// The application this state belongs to.
    pub fn application_id(&self) -> u32 {
        self.application_id
    }

    /// The opaque state blob.
    pub fn state(&self) -> &[u8] {
        self.state.as_slice()
    }

    /// Replace the state blob (what applying an AppSync does, R3).
    pub(crate) fn set_state(&mut self, state: &[u8]) {
        self.state = VLBytes::new(state.to_vec());
    }
}

/// The body of the `application_states` GroupContext extension (R1).
///
/// ```text
/// struct {
///   ApplicationState applicationStates<V>;
/// } ApplicationStatesExtension;
/// ```
///
/// The list keeps the order in which entries were created; the draft does
/// not ask for any sorting and this crate adds none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, TlsSerialize, TlsDeserialize, TlsSize)]
pub struct ApplicationStatesExtension {
    application_states: Vec<ApplicationState>,
}

impl ApplicationStatesExtension {
    /// An extension holding `states`, in the given order.
    pub fn new(states: Vec<ApplicationState>) -> Self {
        Self {
            application_states: states,
        }
    }

    /// The entries, in list order.
    pub fn states(&self) -> &[ApplicationState] {
        &self.application_states
    }

    /// Take the entries out, in list order.
    pub fn into_states(self) -> Vec<ApplicationState> {
        self.application_states
    }
}

/// The AppSync proposal body (R2).
///
/// ```text
/// struct {
///   uint32 applicationId;
///   opaque new_state<V>;
/// } AppSync;
/// ```
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, TlsSerialize, TlsDeserialize, TlsSize,
)]
pub struct AppSync {
    application_id: u32,
    new_state: VLBytes,
}

impl AppSync {
    /// A proposal to set the state of `application_id` to `new_state`.
    pub fn new(application_id: u32, new_state: impl Into<Vec<u8>>) -> Self {
        Self {
            application_id,
            new_state: VLBytes::new(new_state.into()),
        }
    }

    /// The application whose state changes.
    pub fn application_id(&self) -> u32 {
        self.application_id
    }

    /// The replacement state blob.
    pub fn new_state(&self) -> &[u8] {
        self.new_state.as_slice()
    }
}

/// Why bytes could not be encoded or decoded as one of the wire structures.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// The input ends before the structure is complete. This includes a
    /// length prefix announcing more bytes than the input (or the enclosing
    /// vector) still holds: an oversized length.
    #[error("input truncated: it ends before the structure is complete")]
    Truncated,
    /// The structure was decoded but `count` bytes were left over.
    #[error("{count} trailing bytes after the structure")]
    TrailingBytes {
        /// How many bytes were left over.
        count: usize,
    },
    /// A length prefix is not minimally encoded, or announces 2^30 bytes or
    /// more (RFC 9420, section 2.1.2 allows neither).
    #[error("invalid length prefix: not minimal, or 2^30 bytes or more")]
    InvalidLength,
    /// Any other decoding failure reported by `tls_codec`.
    #[error("malformed encoding: {0}")]
    Malformed(String),
}

impl From<tls_codec::Error> for CodecError {
    fn from(error: tls_codec::Error) -> Self {
        match error {
            tls_codec::Error::EndOfStream => CodecError::Truncated,
            tls_codec::Error::TrailingData => CodecError::TrailingBytes { count: 0 },
            tls_codec::Error::InvalidVectorLength => CodecError::InvalidLength,
            other => CodecError::Malformed(other.to_string()),
        }
    }
}

impl mls_rs_core::error::IntoAnyError for CodecError {
    fn into_dyn_error(self) -> Result<Box<dyn std::error::Error + Send + Sync>, Self> {
        Ok(Box::new(self))
    }
}

/// Encode `value` in the TLS presentation language.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, CodecError> {
    Ok(value.tls_serialize_detached()?)
}

/// Decode a `T` that spans all of `bytes`.
///
/// Uses the reader-based decoder of `tls_codec`, which reports truncation as
/// an error. (In tls_codec 0.5.0 the slice-based decoder of `opaque<V>` hits
/// a `debug_assert` and panics on truncated input in builds with debug
/// assertions; see RustCrypto/formats pull request 2414. The types here do
/// not implement that decoder.)
pub fn decode_exact<T: Deserialize>(bytes: &[u8]) -> Result<T, CodecError> {
    let mut reader = bytes;
    let value = T::tls_deserialize(&mut reader)?;
    if reader.is_empty() {
        Ok(value)
    } else {
        Err(CodecError::TrailingBytes {
            count: reader.len(),
        })
    }
}
