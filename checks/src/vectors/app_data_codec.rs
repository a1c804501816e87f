//! AppDataUpdate codec vectors (draft-ietf-mls-extensions, "Updating
//! Application Data in the GroupContext"): `ComponentData`,
//! `AppDataDictionary` and `AppDataUpdate` values with their exact bytes,
//! the AppDataUpdate as a whole `Proposal` (in the draft's framing and in
//! the framing mls-rs gives a custom proposal), and byte strings that must
//! be refused.
//!
//! Edge cases: empty data and lists, lengths on both sides of each
//! variable-length-integer boundary (1-, 2- and 4-byte prefixes), component
//! ids 0x0000, 0x7fff, 0x8000 (the first of the draft's private range),
//! 0xfffe and 0xffff.

use mls_rs::group::proposal::Proposal;
use mls_rs::mls_rs_codec::MlsEncode;
use serde::{Deserialize, Serialize};

use mls_appsync::app_data::codec::decode_app_data_update;
use mls_appsync::app_data::proposal::to_custom_proposal;
use mls_appsync::app_data::{
    AppDataDictionary, AppDataOperation, AppDataUpdate, ComponentData, ComponentId, Dictionary,
};
use mls_appsync::codec::{decode_exact, encode};
use mls_appsync::constants::APP_DATA_UPDATE_PROPOSAL_TYPE;

use super::codec::{InvalidVector, LENGTHS, blob, codec, round_trip};
use super::error::{VectorError, expect_bytes};
use super::hexbytes::HexBytes;

/// An AppDataUpdate's `op`, as the vector files spell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpName {
    /// `update(1)`.
    Update,
    /// `remove(2)`.
    Remove,
}

/// One AppDataUpdate by its fields (also how processing vectors list what a
/// commit carries).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateFields {
    /// `component_id`.
    pub component_id: ComponentId,
    /// `op`.
    pub op: OpName,
    /// The `update` field; absent for `remove`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<HexBytes>,
}

impl UpdateFields {
    /// The fields of `update`.
    pub fn of(update: &AppDataUpdate) -> Self {
        Self {
            component_id: update.component_id(),
            op: match update.operation() {
                AppDataOperation::Update(_) => OpName::Update,
                AppDataOperation::Remove => OpName::Remove,
            },
            update: update.update_bytes().map(|b| HexBytes(b.to_vec())),
        }
    }

    /// The AppDataUpdate these fields describe; an `update` without bytes
    /// or a `remove` with bytes is malformed.
    pub fn to_update(&self) -> Result<AppDataUpdate, VectorError> {
        match (self.op, &self.update) {
            (OpName::Update, Some(bytes)) => {
                Ok(AppDataUpdate::update(self.component_id, bytes.0.clone()))
            }
            (OpName::Remove, None) => Ok(AppDataUpdate::remove(self.component_id)),
            _ => Err(VectorError::Malformed(format!(
                "component {}: op {:?} with update {:?}",
                self.component_id, self.op, self.update
            ))),
        }
    }
}

/// One `ComponentData` (also an entry of a dictionary vector).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ComponentDataVector {
    /// `component_id`.
    pub component_id: ComponentId,
    /// `data`.
    pub data: HexBytes,
    /// The encoding; absent inside a dictionary vector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoded: Option<HexBytes>,
}

/// One `AppDataDictionary` (the `app_data_dictionary` extension body).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DictionaryVector {
    /// `component_data`, sorted by id.
    pub component_data: Vec<ComponentDataVector>,
    /// The encoding.
    pub encoded: HexBytes,
}

/// One `AppDataUpdate`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UpdateVector {
    /// The fields.
    #[serde(flatten)]
    pub fields: UpdateFields,
    /// The encoding of the struct.
    pub encoded: HexBytes,
}

/// One AppDataUpdate as a whole RFC 9420 `Proposal`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProposalVector {
    /// The fields.
    #[serde(flatten)]
    pub fields: UpdateFields,
    /// The draft's framing: `uint16 proposal_type` (0x0008), then the
    /// AppDataUpdate struct.
    pub encoded: HexBytes,
    /// What this project sends: mls-rs frames a custom proposal as
    /// `uint16 proposal_type` and `opaque data<V>`, one length prefix more.
    pub mls_rs_custom_proposal: HexBytes,
}

/// The AppDataUpdate codec vector file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppDataCodecVectors {
    /// `ComponentData` values.
    pub component_data: Vec<ComponentDataVector>,
    /// `AppDataDictionary` values.
    pub app_data_dictionary: Vec<DictionaryVector>,
    /// `AppDataUpdate` values.
    pub app_data_update: Vec<UpdateVector>,
    /// AppDataUpdate proposals, framed.
    pub proposal: Vec<ProposalVector>,
    /// Byte strings every implementation must refuse.
    pub invalid: Vec<InvalidVector>,
}

/// Component ids at the edges of `uint16` and of the private range.
const IDS: [ComponentId; 6] = [0x0000, 0x0001, 0x7fff, 0x8000, 0xfffe, 0xffff];

fn entry(id: ComponentId, len: usize) -> ComponentDataVector {
    ComponentDataVector {
        component_id: id,
        data: blob(len).into(),
        encoded: None,
    }
}

/// The draft's framing of an AppDataUpdate proposal.
pub fn draft_proposal_bytes(update: &AppDataUpdate) -> Result<Vec<u8>, VectorError> {
    let mut bytes = APP_DATA_UPDATE_PROPOSAL_TYPE
        .raw_value()
        .to_be_bytes()
        .to_vec();
    bytes.extend(encode(update).map_err(codec("encode proposal"))?);
    Ok(bytes)
}

/// How mls-rs frames the same proposal (a custom proposal).
pub fn mls_rs_proposal_bytes(update: &AppDataUpdate) -> Result<Vec<u8>, VectorError> {
    let custom = to_custom_proposal(update).map_err(codec("custom proposal"))?;
    Proposal::Custom(custom)
        .mls_encode_to_vec()
        .map_err(|e| VectorError::Malformed(format!("mls-rs proposal: {e}")))
}

/// Generates the codec vectors.
pub fn generate() -> Result<AppDataCodecVectors, VectorError> {
    let mut component_data = Vec::new();
    let mut updates = Vec::new();
    for (id, len) in IDS.into_iter().zip(LENGTHS) {
        let value = ComponentData::new(id, blob(len));
        component_data.push(ComponentDataVector {
            encoded: Some(encode(&value).map_err(codec("encode"))?.into()),
            ..entry(id, len)
        });
        let update = AppDataUpdate::update(id, blob(len));
        updates.push(UpdateVector {
            fields: UpdateFields::of(&update),
            encoded: encode(&update).map_err(codec("encode"))?.into(),
        });
    }
    for id in [0x0000, 0x0102, 0xffff] {
        let remove = AppDataUpdate::remove(id);
        updates.push(UpdateVector {
            fields: UpdateFields::of(&remove),
            encoded: encode(&remove).map_err(codec("encode"))?.into(),
        });
    }

    let lists: [&[(ComponentId, usize)]; 5] = [
        &[],
        &[(0x0000, 0)],
        &[(1, 5), (2, 0), (3, 64)],
        &[(0x0000, 1), (0x8000, 2), (0xffff, 3)],
        // The list needs a 4-byte length prefix although each entry needs 2.
        &[(1, 10000), (2, 10000)],
    ];
    let mut dictionaries = Vec::new();
    for list in lists {
        let entries = list
            .iter()
            .map(|&(id, len)| ComponentData::new(id, blob(len)))
            .collect();
        dictionaries.push(DictionaryVector {
            component_data: list.iter().map(|&(id, len)| entry(id, len)).collect(),
            encoded: encode(&AppDataDictionary::new(entries))
                .map_err(codec("encode"))?
                .into(),
        });
    }

    let mut proposals = Vec::new();
    for update in [
        AppDataUpdate::update(1, b"ab".to_vec()),
        AppDataUpdate::update(0xffff, Vec::new()),
        AppDataUpdate::remove(7),
    ] {
        proposals.push(ProposalVector {
            fields: UpdateFields::of(&update),
            encoded: draft_proposal_bytes(&update)?.into(),
            mls_rs_custom_proposal: mls_rs_proposal_bytes(&update)?.into(),
        });
    }

    Ok(AppDataCodecVectors {
        component_data,
        app_data_dictionary: dictionaries,
        app_data_update: updates,
        proposal: proposals,
        invalid: invalid_vectors(),
    })
}

fn invalid_vectors() -> Vec<InvalidVector> {
    let invalid = |structure: &str, description: &str, bytes: &[u8]| InvalidVector {
        structure: structure.into(),
        description: description.into(),
        encoded: bytes.to_vec().into(),
    };
    let (cd, dict, update) = ("component_data", "app_data_dictionary", "app_data_update");
    vec![
        invalid(cd, "empty input", &[]),
        invalid(cd, "truncated component_id", &[0]),
        invalid(cd, "missing data length", &[0, 1]),
        invalid(cd, "length 3, only 2 bytes follow", &[0, 1, 3, 0xaa, 0xbb]),
        invalid(cd, "one trailing byte", &[0, 1, 1, 0xaa, 0xff]),
        invalid(cd, "non-minimal 2-byte length 1", &[0, 1, 0x40, 1, 0xaa]),
        invalid(
            cd,
            "length prefix 0b11 (2^30 or more)",
            &[0, 1, 0xc0, 0, 0, 0, 0, 0, 0, 1],
        ),
        invalid(dict, "not sorted: 2 before 1", &[6, 0, 2, 0, 0, 1, 0]),
        invalid(
            dict,
            "not sorted: 0xffff before 0x0000",
            &[6, 0xff, 0xff, 0, 0, 0, 0],
        ),
        invalid(dict, "component 1 twice", &[7, 0, 1, 0, 0, 1, 1, 0xaa]),
        invalid(dict, "list length 4, only 3 bytes follow", &[4, 0, 1, 0]),
        invalid(dict, "list holds a partial entry", &[2, 0, 1]),
        invalid(dict, "one trailing byte", &[3, 0, 1, 0, 0]),
        invalid(dict, "non-minimal 4-byte list length 0", &[0x80, 0, 0, 0]),
        invalid(update, "empty input", &[]),
        invalid(update, "missing op", &[0, 1]),
        invalid(update, "op invalid(0)", &[0, 1, 0]),
        invalid(update, "op 3, not declared", &[0, 1, 3, 0]),
        invalid(update, "op 255, not declared", &[0, 1, 0xff]),
        invalid(update, "update without its length", &[0, 1, 1]),
        invalid(
            update,
            "update length 2, one byte follows",
            &[0, 1, 1, 2, 0xaa],
        ),
        invalid(update, "update with one trailing byte", &[0, 1, 1, 0, 0xff]),
        invalid(update, "remove with one trailing byte", &[0, 1, 2, 0]),
        invalid(update, "update, non-minimal length 0", &[0, 1, 1, 0x40, 0]),
    ]
}

/// How many values and invalid byte strings a verification checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AppDataCodecCounts {
    /// Values encoded and decoded (proposals counted once per framing).
    pub values: usize,
    /// Invalid byte strings refused.
    pub invalid: usize,
}

/// The ComponentData of a vector entry.
pub fn component_data(v: &ComponentDataVector) -> ComponentData {
    ComponentData::new(v.component_id, v.data.0.clone())
}

/// Whether this implementation refuses `bytes` as `structure`: exact
/// decoding, and for a dictionary also sorted and unique (U1).
pub fn refuses(structure: &str, bytes: &[u8]) -> Result<bool, VectorError> {
    Ok(match structure {
        "component_data" => decode_exact::<ComponentData>(bytes).is_err(),
        "app_data_dictionary" => decode_exact::<AppDataDictionary>(bytes)
            .ok()
            .and_then(|d| Dictionary::new(d.into_entries()).ok())
            .is_none(),
        "app_data_update" => decode_app_data_update(bytes).is_err(),
        other => {
            return Err(VectorError::Malformed(format!("unknown structure {other}")));
        }
    })
}

/// Checks every vector against this implementation.
pub fn verify(vectors: &AppDataCodecVectors) -> Result<AppDataCodecCounts, VectorError> {
    let mut counts = AppDataCodecCounts::default();
    for (i, v) in vectors.component_data.iter().enumerate() {
        let step = format!("component_data {i}");
        let expected = v
            .encoded
            .as_ref()
            .ok_or_else(|| VectorError::Malformed(format!("{step}: no encoded")))?;
        round_trip(&step, &component_data(v), &expected.0)?;
        counts.values += 1;
    }
    for (i, v) in vectors.app_data_dictionary.iter().enumerate() {
        let step = format!("app_data_dictionary {i}");
        let entries: Vec<ComponentData> = v.component_data.iter().map(component_data).collect();
        Dictionary::new(entries.clone())
            .map_err(|e| VectorError::Malformed(format!("{step}: {e}")))?;
        round_trip(&step, &AppDataDictionary::new(entries), &v.encoded.0)?;
        counts.values += 1;
    }
    for (i, v) in vectors.app_data_update.iter().enumerate() {
        let step = format!("app_data_update {i}");
        let update = v.fields.to_update()?;
        round_trip(&step, &update, &v.encoded.0)?;
        let decoded = decode_app_data_update(&v.encoded.0)
            .map_err(|e| VectorError::Malformed(format!("{step}: {e}")))?;
        if decoded != update {
            return Err(VectorError::Malformed(format!(
                "{step}: decodes to another value"
            )));
        }
        counts.values += 1;
    }
    for (i, v) in vectors.proposal.iter().enumerate() {
        let step = format!("proposal {i}");
        let update = v.fields.to_update()?;
        expect_bytes(
            &step,
            "draft framing",
            &v.encoded.0,
            &draft_proposal_bytes(&update)?,
        )?;
        expect_bytes(
            &step,
            "mls-rs framing",
            &v.mls_rs_custom_proposal.0,
            &mls_rs_proposal_bytes(&update)?,
        )?;
        counts.values += 2;
    }
    for (i, v) in vectors.invalid.iter().enumerate() {
        if !refuses(&v.structure, &v.encoded.0)? {
            return Err(VectorError::Malformed(format!(
                "invalid {i} ({}): accepted, but must be refused",
                v.description
            )));
        }
        counts.invalid += 1;
    }
    Ok(counts)
}
