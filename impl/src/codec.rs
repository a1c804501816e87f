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
//!
//! The rules read AppSyncs and the `application_states` list in place
//! ([`read_app_sync`], [`read_states`]): the same exact decoding, with the
//! same verdict and the same error for every input (`impl/tests/codec.rs`
//! checks this against [`decode_exact`]), but the state blobs stay borrowed
//! from the proposal and the extension, so a commit replacing a 1 MiB state
//! copies it once, into the new extension ([`encode_states`]).

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

/// An [`AppSync`] read in place from the bytes of its proposal
/// ([`read_app_sync`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppSyncRef<'a> {
    application_id: u32,
    new_state: &'a [u8],
    encoded: &'a [u8],
}

impl<'a> AppSyncRef<'a> {
    /// The application whose state changes.
    pub fn application_id(&self) -> u32 {
        self.application_id
    }

    /// The replacement state blob.
    pub fn new_state(&self) -> &'a [u8] {
        self.new_state
    }

    /// The whole encoded AppSync. `uint32 applicationId; opaque
    /// new_state<V>` is also the encoding of the `ApplicationState` entry it
    /// produces.
    pub fn encoded(&self) -> &'a [u8] {
        self.encoded
    }

    /// An owned copy.
    pub fn to_owned_app_sync(&self) -> AppSync {
        AppSync::new(self.application_id, self.new_state)
    }
}

/// An [`ApplicationState`] entry read in place: its encoded bytes, borrowed.
/// 24 bytes, smaller than an owned entry, so reading a list never takes more
/// memory than decoding it did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateRef<'a> {
    application_id: u32,
    /// Bytes of the id and the length prefix, before the state.
    header: u8,
    encoded: &'a [u8],
}

impl<'a> StateRef<'a> {
    /// The application this state belongs to.
    pub fn application_id(&self) -> u32 {
        self.application_id
    }

    /// The opaque state blob.
    pub fn state(&self) -> &'a [u8] {
        self.encoded
            .get(usize::from(self.header)..)
            .unwrap_or_default()
    }

    /// The whole encoded entry (the id, the length prefix and the state).
    pub fn encoded(&self) -> &'a [u8] {
        self.encoded
    }

    /// An owned copy of the entry.
    pub fn to_owned_state(&self) -> ApplicationState {
        ApplicationState::new(self.application_id, self.state())
    }
}

impl<'a> From<AppSyncRef<'a>> for StateRef<'a> {
    /// The entry an AppSync produces: its encoding is the AppSync's own.
    fn from(app_sync: AppSyncRef<'a>) -> Self {
        let header = app_sync
            .encoded
            .len()
            .saturating_sub(app_sync.new_state.len());
        Self {
            application_id: app_sync.application_id,
            // 4 bytes of id and at most 8 of length prefix.
            header: u8::try_from(header).unwrap_or(u8::MAX),
            encoded: app_sync.encoded,
        }
    }
}

/// Reads the wire structures in place, with the checks `tls_codec` (feature
/// `mls`) makes when it decodes them from a reader, in the same order.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, count: usize) -> Result<&'a [u8], CodecError> {
        if self.rest.len() < count {
            return Err(CodecError::Truncated);
        }
        let (head, tail) = self.rest.split_at(count);
        self.rest = tail;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, CodecError> {
        let bytes = self.take(4)?;
        Ok(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    /// The variable-length integer of RFC 9420, section 2.1.2, used as a
    /// vector length: the two top bits of the first byte give its size (1,
    /// 2, 4 or 8 bytes), it must be minimal, and below 2^30.
    fn length(&mut self) -> Result<usize, CodecError> {
        let first = self.take(1)?[0];
        let size = 1usize << (first >> 6);
        let mut value = u64::from(first & 0x3f);
        for &byte in self.take(size - 1)? {
            value = (value << 8) | u64::from(byte);
        }
        if varint_size(value) != size || value > MAX_OPAQUE_LEN as u64 {
            return Err(CodecError::InvalidLength);
        }
        // At most 2^30 - 1: fits any usize this crate builds for.
        usize::try_from(value).map_err(|_| CodecError::InvalidLength)
    }

    fn opaque(&mut self) -> Result<&'a [u8], CodecError> {
        let length = self.length()?;
        self.take(length)
    }

    /// `uint32 id; opaque data<V>`: the AppSync and the entry share it.
    fn id_and_opaque(&mut self) -> Result<AppSyncRef<'a>, CodecError> {
        let start = self.rest;
        let application_id = self.u32()?;
        let new_state = self.opaque()?;
        let encoded = &start[..start.len() - self.rest.len()];
        Ok(AppSyncRef {
            application_id,
            new_state,
            encoded,
        })
    }

    fn finish(&self) -> Result<(), CodecError> {
        match self.rest.len() {
            0 => Ok(()),
            count => Err(CodecError::TrailingBytes { count }),
        }
    }
}

/// Bytes of the minimal variable-length encoding of `value`.
fn varint_size(value: u64) -> usize {
    match value {
        0..=0x3f => 1,
        0x40..=0x3fff => 2,
        0x4000..=0x3fff_ffff => 4,
        _ => 8,
    }
}

/// Read one AppSync spanning all of `bytes`, in place: the same verdict
/// and error as [`decode_exact::<AppSync>`](decode_exact).
pub fn read_app_sync(bytes: &[u8]) -> Result<AppSyncRef<'_>, CodecError> {
    let mut reader = Reader { rest: bytes };
    let app_sync = reader.id_and_opaque()?;
    reader.finish()?;
    Ok(app_sync)
}

/// Read an `ApplicationStatesExtension` spanning all of `bytes`, in place:
/// the same verdict and error as
/// [`decode_exact::<ApplicationStatesExtension>`](decode_exact).
pub fn read_states(bytes: &[u8]) -> Result<Vec<StateRef<'_>>, CodecError> {
    let mut reader = Reader { rest: bytes };
    let declared = reader.length()?;
    // Like tls_codec's bounded reader: the entries are read from at most
    // `declared` bytes; if the input holds fewer, it ends too early.
    let available = declared.min(reader.rest.len());
    let mut entries = Reader {
        rest: reader.take(available)?,
    };
    let mut states = Vec::new();
    while !entries.rest.is_empty() {
        states.push(StateRef::from(entries.id_and_opaque()?));
    }
    if available < declared {
        return Err(CodecError::Truncated);
    }
    reader.finish()?;
    Ok(states)
}

/// Encode `entries` as an `ApplicationStatesExtension`: the same bytes and
/// the same length checks as [`encode`] of an extension holding them. Each
/// entry is copied as it is already encoded (an unchanged entry from the
/// list it was read from, a replaced one from its AppSync), so nothing is
/// re-encoded and the output is allocated once, at its final size.
pub fn encode_states(entries: &[StateRef<'_>]) -> Result<Vec<u8>, CodecError> {
    let mut total = 0usize;
    for entry in entries {
        within_limit("application state", entry.state().len())?;
        total = total.saturating_add(entry.encoded.len());
    }
    within_limit("application_states list", total)?;
    // `total` < 2^30, so at most a 4-byte prefix.
    let mut out = Vec::with_capacity(4 + total);
    match varint_size(total as u64) {
        1 => out.push(total as u8),
        2 => out.extend_from_slice(&(0x4000 | total as u16).to_be_bytes()),
        _ => out.extend_from_slice(&(0x8000_0000 | total as u32).to_be_bytes()),
    }
    for entry in entries {
        out.extend_from_slice(entry.encoded);
    }
    Ok(out)
}
