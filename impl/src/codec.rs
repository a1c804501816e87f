//! Wire structures of the draft, encoded with `tls_codec` (R1, R2).
//!
//! `opaque x<V>` and `T x<V>` use the variable-length integer of RFC 9420,
//! section 2.1.2. `tls_codec` is built with its `mls` feature, so decoding
//! rejects a length that is not minimally encoded or that is 2^30 or more,
//! exactly as RFC 9420 requires.
//!
//! Decoding goes through [`decode_exact`], which refuses trailing bytes: the
//! same structure must never have two encodings that both decode. Encoding
//! goes through [`encode`], which first checks every length against
//! [`MAX_OPAQUE_LEN`], so an oversized state is refused with its size and the
//! limit before a byte is copied.

use tls_codec::{Deserialize, Serialize, Size, TlsDeserialize, TlsSerialize, TlsSize, VLBytes};

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

/// The largest length an `opaque x<V>` or `T x<V>` can declare: the
/// variable-length integer of RFC 9420, section 2.1.2, has 30 bits.
pub const MAX_OPAQUE_LEN: usize = (1 << 30) - 1;

/// Why bytes could not be encoded or decoded as one of the wire structures.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// A field is longer than a variable-length vector can declare.
    #[error("{field} of {size} bytes exceeds the limit of {limit} bytes (RFC 9420, section 2.1.2)")]
    TooLarge {
        /// Which field.
        field: &'static str,
        /// Its length in bytes.
        size: usize,
        /// The largest length allowed, [`MAX_OPAQUE_LEN`].
        limit: usize,
    },
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

/// The wire structures' length limits, checked before encoding.
pub trait LengthLimits {
    /// Every variable-length field of `self` fits [`MAX_OPAQUE_LEN`].
    fn check_lengths(&self) -> Result<(), CodecError>;
}

fn within_limit(field: &'static str, size: usize) -> Result<(), CodecError> {
    if size > MAX_OPAQUE_LEN {
        return Err(CodecError::TooLarge {
            field,
            size,
            limit: MAX_OPAQUE_LEN,
        });
    }
    Ok(())
}

impl LengthLimits for ApplicationState {
    fn check_lengths(&self) -> Result<(), CodecError> {
        within_limit("application state", self.state.as_slice().len())
    }
}

impl LengthLimits for AppSync {
    fn check_lengths(&self) -> Result<(), CodecError> {
        within_limit("AppSync new_state", self.new_state.as_slice().len())
    }
}

impl LengthLimits for ApplicationStatesExtension {
    fn check_lengths(&self) -> Result<(), CodecError> {
        let mut total = 0usize;
        for entry in &self.application_states {
            entry.check_lengths()?;
            // Each entry is a uint32, a length prefix and the state.
            total = total.saturating_add(entry.tls_serialized_len());
        }
        within_limit("application_states list", total)
    }
}

impl LengthLimits for VLBytes {
    fn check_lengths(&self) -> Result<(), CodecError> {
        within_limit("opaque field", self.as_slice().len())
    }
}

/// Encode `value` in the TLS presentation language, after checking its
/// lengths (an oversized field is [`CodecError::TooLarge`]).
pub fn encode<T: Serialize + LengthLimits>(value: &T) -> Result<Vec<u8>, CodecError> {
    value.check_lengths()?;
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
