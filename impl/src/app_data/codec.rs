//! The successor's wire structures, encoded with `tls_codec` (U1, U2):
//! `ComponentData`, the `app_data_dictionary` body and the AppDataUpdate
//! proposal body.
//!
//! Decoding is exact, through the crate's [`decode_exact`](crate::codec::decode_exact);
//! encoding checks every length first ([`LengthLimits`]), like AppSync's
//! structures in [`crate::codec`]. The dictionary's order rule is not a
//! codec matter: [`AppDataDictionary`] decodes any list, and
//! [`u1_well_formed_dictionary`](super::rules::u1_well_formed_dictionary)
//! refuses one that is not sorted and unique before it is used.

use tls_codec::{Size, TlsDeserialize, TlsSerialize, TlsSize, VLBytes};

use crate::codec::{self, CodecError, LengthLimits, MAX_OPAQUE_LEN};

/// A component's id: "A component ID is a two-byte value that uniquely
/// identifies a component within the scope of an application."
/// (`uint16 ComponentID;`)
pub type ComponentId = u16;

/// One entry of the `app_data_dictionary` (U1).
///
/// ```text
/// struct {
///     ComponentID component_id;
///     opaque data<V>;
/// } ComponentData;
/// ```
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, TlsSerialize, TlsDeserialize, TlsSize,
)]
pub struct ComponentData {
    component_id: ComponentId,
    data: VLBytes,
}

impl ComponentData {
    /// An entry holding `data` for `component_id`.
    pub fn new(component_id: ComponentId, data: impl Into<Vec<u8>>) -> Self {
        Self {
            component_id,
            data: VLBytes::new(data.into()),
        }
    }

    /// The component this data belongs to.
    pub fn component_id(&self) -> ComponentId {
        self.component_id
    }

    /// The component's opaque data.
    pub fn data(&self) -> &[u8] {
        self.data.as_slice()
    }
}

/// The body of the `app_data_dictionary` extension (U1).
///
/// ```text
/// struct {
///     ComponentData component_data<V>;
/// } AppDataDictionary;
/// ```
///
/// "The entries in the `component_data` MUST be sorted by `component_id`,
/// and there MUST be at most one entry for each `component_id`." Decoding
/// does not check this; [`u1_well_formed_dictionary`](super::rules::u1_well_formed_dictionary)
/// does, wherever a dictionary is used.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, TlsSerialize, TlsDeserialize, TlsSize)]
pub struct AppDataDictionary {
    component_data: Vec<ComponentData>,
}

impl AppDataDictionary {
    /// A dictionary holding `entries` in the given order (not checked).
    pub fn new(entries: Vec<ComponentData>) -> Self {
        Self {
            component_data: entries,
        }
    }

    /// The entries, in list order.
    pub fn entries(&self) -> &[ComponentData] {
        &self.component_data
    }

    /// Take the entries out, in list order.
    pub fn into_entries(self) -> Vec<ComponentData> {
        self.component_data
    }
}

/// The operation of an AppDataUpdate and its payload (U2): the `op` field
/// and the `select` that follows it, which `tls_codec` encodes exactly as
/// the draft's presentation language does, the one-byte discriminant
/// followed by the variant's data.
///
/// ```text
/// enum {
///     invalid(0),
///     update(1),
///     remove(2),
///     (255)
/// } AppDataUpdateOperation;
///
/// select (AppDataUpdate.op) {
///     case update: opaque update<V>;
///     case remove: struct{};
/// };
/// ```
///
/// The `(255)` makes `AppDataUpdateOperation` one byte wide (TLS 1.3,
/// section 3.5: an enum takes as many bytes as its largest declared value
/// needs). `invalid(0)` and the undeclared values 3 to 255 do not decode.
#[derive(Clone, Debug, PartialEq, Eq, Hash, TlsSerialize, TlsDeserialize, TlsSize)]
#[repr(u8)]
pub enum AppDataOperation {
    /// `update(1)`: hand `update` to the component's logic.
    #[tls_codec(discriminant = 1)]
    Update(VLBytes),
    /// `remove(2)`: remove the component's entry.
    #[tls_codec(discriminant = 2)]
    Remove,
}

/// The AppDataUpdate proposal body (U2).
///
/// ```text
/// struct {
///     ComponentID component_id;
///     AppDataUpdateOperation op;
///
///     select (AppDataUpdate.op) {
///         case update: opaque update<V>;
///         case remove: struct{};
///     };
/// } AppDataUpdate;
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, TlsSerialize, TlsDeserialize, TlsSize)]
pub struct AppDataUpdate {
    component_id: ComponentId,
    op: AppDataOperation,
}

impl AppDataUpdate {
    /// An `update` of `component_id` carrying `update` (what it means is up
    /// to the component's logic).
    pub fn update(component_id: ComponentId, update: impl Into<Vec<u8>>) -> Self {
        Self {
            component_id,
            op: AppDataOperation::Update(VLBytes::new(update.into())),
        }
    }

    /// A `remove` of `component_id`'s entry.
    pub fn remove(component_id: ComponentId) -> Self {
        Self {
            component_id,
            op: AppDataOperation::Remove,
        }
    }

    /// The component the proposal is for.
    pub fn component_id(&self) -> ComponentId {
        self.component_id
    }

    /// The operation and its payload.
    pub fn operation(&self) -> &AppDataOperation {
        &self.op
    }

    /// The `update` payload, or `None` for a `remove`.
    pub fn update_bytes(&self) -> Option<&[u8]> {
        match &self.op {
            AppDataOperation::Update(bytes) => Some(bytes.as_slice()),
            AppDataOperation::Remove => None,
        }
    }
}

/// Where the `op` byte sits in an encoded AppDataUpdate: after the two-byte
/// `component_id`.
const OP_OFFSET: usize = 2;

/// Why bytes are not exactly one AppDataUpdate.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AppDataUpdateDecodeError {
    /// The `op` byte is `invalid(0)` or a value the draft does not declare.
    #[error("op {0} is neither update(1) nor remove(2)")]
    InvalidOperation(u8),
    /// The bytes are truncated, too long, or have a bad length prefix.
    #[error(transparent)]
    Codec(#[from] CodecError),
}

/// Decode exactly one AppDataUpdate from `bytes`.
///
/// The `op` byte is looked at first, so that an undeclared operation is
/// reported as such rather than as `tls_codec`'s untyped "unknown value".
pub fn decode_app_data_update(bytes: &[u8]) -> Result<AppDataUpdate, AppDataUpdateDecodeError> {
    if let Some(&op) = bytes.get(OP_OFFSET)
        && !matches!(op, 1 | 2)
    {
        return Err(AppDataUpdateDecodeError::InvalidOperation(op));
    }
    Ok(codec::decode_exact(bytes)?)
}

// Each opaque field is checked by the crate's `VLBytes` limit; the
// dictionary's list also as a whole, since its entries' sizes add up.

impl LengthLimits for ComponentData {
    fn check_lengths(&self) -> Result<(), CodecError> {
        self.data.check_lengths()
    }
}

impl LengthLimits for AppDataDictionary {
    fn check_lengths(&self) -> Result<(), CodecError> {
        self.component_data
            .iter()
            .try_for_each(LengthLimits::check_lengths)?;
        let size = self
            .component_data
            .iter()
            .map(Size::tls_serialized_len)
            .fold(0, usize::saturating_add);
        match size > MAX_OPAQUE_LEN {
            true => Err(CodecError::TooLarge {
                field: "app_data_dictionary component_data",
                size,
                limit: MAX_OPAQUE_LEN,
            }),
            false => Ok(()),
        }
    }
}

impl LengthLimits for AppDataUpdate {
    fn check_lengths(&self) -> Result<(), CodecError> {
        match &self.op {
            AppDataOperation::Update(bytes) => bytes.check_lengths(),
            AppDataOperation::Remove => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::encode;

    #[test]
    fn update_and_remove_encode_as_the_draft_says() {
        // uint16 id, uint8 op, then opaque<V> (one-byte varint length) or nothing.
        let update = AppDataUpdate::update(0x0102, b"ab".to_vec());
        assert_eq!(
            encode(&update).unwrap(),
            [0x01, 0x02, 0x01, 0x02, b'a', b'b']
        );
        assert_eq!(
            encode(&AppDataUpdate::remove(7)).unwrap(),
            [0x00, 0x07, 0x02]
        );
        let dictionary = AppDataDictionary::new(vec![ComponentData::new(1, b"x".to_vec())]);
        assert_eq!(encode(&dictionary).unwrap(), [0x04, 0x00, 0x01, 0x01, b'x']);
    }

    #[test]
    fn invalid_and_undeclared_operations_do_not_decode() {
        for op in [0u8, 3, 255] {
            assert_eq!(
                decode_app_data_update(&[0, 1, op]),
                Err(AppDataUpdateDecodeError::InvalidOperation(op))
            );
        }
        assert_eq!(
            decode_app_data_update(&[0, 1, 2, 0]),
            Err(AppDataUpdateDecodeError::Codec(CodecError::TrailingBytes {
                count: 1
            }))
        );
        assert_eq!(
            decode_app_data_update(&[0, 1]),
            Err(AppDataUpdateDecodeError::Codec(CodecError::Truncated))
        );
    }
}
