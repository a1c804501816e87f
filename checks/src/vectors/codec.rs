//! AppSync codec vectors: `ApplicationState`, `ApplicationStatesExtension`
//! and `AppSync` values with their exact bytes, and byte strings that must
//! not decode.
//!
//! Edge cases covered: empty state, empty list, and lengths on both sides of
//! each variable-length-integer boundary (63/64 bytes: 1- and 2-byte
//! prefixes; 16383/16384 bytes: 2- and 4-byte prefixes).

use serde::{Deserialize, Serialize};

use mls_appsync::codec::{LengthLimits, decode_exact, encode};
use mls_appsync::{AppSync, ApplicationState, ApplicationStatesExtension, CodecError};

use super::error::{VectorError, expect_bytes};
use super::hexbytes::HexBytes;

/// One `ApplicationState` (also used inside the extension vectors).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StateVector {
    /// `applicationId`.
    pub application_id: u32,
    /// `state`.
    pub state: HexBytes,
    /// The encoding; absent inside an extension vector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoded: Option<HexBytes>,
}

/// One `ApplicationStatesExtension`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExtensionVector {
    /// `applicationStates`, in list order.
    pub application_states: Vec<StateVector>,
    /// The encoding.
    pub encoded: HexBytes,
}

/// One `AppSync`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppSyncVector {
    /// `applicationId`.
    pub application_id: u32,
    /// `new_state`.
    pub new_state: HexBytes,
    /// The encoding.
    pub encoded: HexBytes,
}

/// Bytes that must not decode as `structure` (both codec files use it).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InvalidVector {
    /// `application_state`, `application_states_extension` or `app_sync`;
    /// in the AppDataUpdate file `component_data`, `app_data_dictionary` or
    /// `app_data_update`.
    pub structure: String,
    /// Why they are invalid (informative).
    pub description: String,
    /// The bytes.
    pub encoded: HexBytes,
}

/// The codec vector file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CodecVectors {
    /// `ApplicationState` values.
    pub application_state: Vec<StateVector>,
    /// `ApplicationStatesExtension` values.
    pub application_states_extension: Vec<ExtensionVector>,
    /// `AppSync` values.
    pub app_sync: Vec<AppSyncVector>,
    /// Byte strings that every decoder must refuse.
    pub invalid: Vec<InvalidVector>,
}

pub(super) fn codec(step: &str) -> impl FnOnce(CodecError) -> VectorError + '_ {
    move |e| VectorError::Malformed(format!("{step}: {e}"))
}

/// A state blob of `len` bytes with a recognisable pattern.
pub(super) fn blob(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Lengths that sit on each side of the varint boundaries, plus empty.
pub(super) const LENGTHS: [usize; 6] = [0, 1, 63, 64, 16383, 16384];

/// Generates the codec vectors.
pub fn generate() -> Result<CodecVectors, VectorError> {
    let mut states = Vec::new();
    let mut app_syncs = Vec::new();
    for (i, len) in LENGTHS.into_iter().enumerate() {
        let id = [0, 1, 0x0102_0304, u32::MAX, 7, 8][i];
        let state = ApplicationState::new(id, blob(len));
        states.push(StateVector {
            application_id: id,
            state: blob(len).into(),
            encoded: Some(encode(&state).map_err(codec("encode"))?.into()),
        });
        let app_sync = AppSync::new(id, blob(len));
        app_syncs.push(AppSyncVector {
            application_id: id,
            new_state: blob(len).into(),
            encoded: encode(&app_sync).map_err(codec("encode"))?.into(),
        });
    }

    let lists: Vec<Vec<(u32, usize)>> = vec![
        vec![],
        vec![(1, 0)],
        vec![(1, 5), (2, 0), (3, 64)],
        // Descending ids: the list order is the wire order; nothing sorts it.
        vec![(9, 1), (4, 2)],
        // Total length needs a 4-byte prefix although each entry needs 2.
        vec![(1, 10000), (2, 10000)],
    ];
    let mut extensions = Vec::new();
    for list in lists {
        let entries: Vec<ApplicationState> = list
            .iter()
            .map(|&(id, len)| ApplicationState::new(id, blob(len)))
            .collect();
        let encoded = encode(&ApplicationStatesExtension::new(entries)).map_err(codec("encode"))?;
        extensions.push(ExtensionVector {
            application_states: list
                .iter()
                .map(|&(id, len)| StateVector {
                    application_id: id,
                    state: blob(len).into(),
                    encoded: None,
                })
                .collect(),
            encoded: encoded.into(),
        });
    }

    let invalid = |structure: &str, description: &str, bytes: &[u8]| InvalidVector {
        structure: structure.into(),
        description: description.into(),
        encoded: bytes.to_vec().into(),
    };
    let invalid = vec![
        invalid("app_sync", "empty input", &[]),
        invalid("app_sync", "truncated application_id", &[0, 0, 1]),
        invalid("app_sync", "missing new_state length", &[0, 0, 0, 1]),
        invalid(
            "app_sync",
            "length 3, only 2 bytes follow",
            &[0, 0, 0, 1, 3, 0xaa, 0xbb],
        ),
        invalid(
            "app_sync",
            "one trailing byte",
            &[0, 0, 0, 1, 1, 0xaa, 0xff],
        ),
        invalid(
            "app_sync",
            "non-minimal 2-byte length 1",
            &[0, 0, 0, 1, 0x40, 1, 0xaa],
        ),
        invalid(
            "app_sync",
            "length prefix 0b11 (2^30 or more)",
            &[0, 0, 0, 1, 0xc0, 0, 0, 0, 0, 0, 0, 1],
        ),
        invalid(
            "application_state",
            "truncated state",
            &[0, 0, 0, 2, 2, 0xaa],
        ),
        invalid(
            "application_state",
            "two trailing bytes",
            &[0, 0, 0, 2, 0, 0, 0],
        ),
        invalid(
            "application_states_extension",
            "list length 6, only 5 bytes follow",
            &[6, 0, 0, 0, 1, 0],
        ),
        invalid(
            "application_states_extension",
            "list holds a partial entry",
            &[3, 0, 0, 0],
        ),
        invalid(
            "application_states_extension",
            "non-minimal 4-byte list length 0",
            &[0x80, 0, 0, 0],
        ),
    ];

    Ok(CodecVectors {
        application_state: states,
        application_states_extension: extensions,
        app_sync: app_syncs,
        invalid,
    })
}

/// How many values and invalid byte strings a verification checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CodecCounts {
    /// Values encoded and decoded.
    pub values: usize,
    /// Invalid byte strings refused.
    pub invalid: usize,
}

/// Checks every vector: values encode to their bytes and decode back;
/// invalid byte strings do not decode.
pub fn verify(vectors: &CodecVectors) -> Result<CodecCounts, VectorError> {
    let mut counts = CodecCounts::default();
    for (i, v) in vectors.application_state.iter().enumerate() {
        let step = format!("application_state {i}");
        let value = ApplicationState::new(v.application_id, v.state.0.clone());
        let expected = v
            .encoded
            .as_ref()
            .ok_or_else(|| VectorError::Malformed(format!("{step}: no encoded")))?;
        round_trip(&step, &value, &expected.0)?;
        counts.values += 1;
    }
    for (i, v) in vectors.application_states_extension.iter().enumerate() {
        let step = format!("application_states_extension {i}");
        let entries = v
            .application_states
            .iter()
            .map(|s| ApplicationState::new(s.application_id, s.state.0.clone()))
            .collect();
        round_trip(
            &step,
            &ApplicationStatesExtension::new(entries),
            &v.encoded.0,
        )?;
        counts.values += 1;
    }
    for (i, v) in vectors.app_sync.iter().enumerate() {
        let step = format!("app_sync {i}");
        round_trip(
            &step,
            &AppSync::new(v.application_id, v.new_state.0.clone()),
            &v.encoded.0,
        )?;
        counts.values += 1;
    }
    for (i, v) in vectors.invalid.iter().enumerate() {
        let bytes = &v.encoded.0;
        let decoded = match v.structure.as_str() {
            "app_sync" => decode_exact::<AppSync>(bytes).is_ok(),
            "application_state" => decode_exact::<ApplicationState>(bytes).is_ok(),
            "application_states_extension" => {
                decode_exact::<ApplicationStatesExtension>(bytes).is_ok()
            }
            other => {
                return Err(VectorError::Malformed(format!(
                    "invalid {i}: unknown structure {other}"
                )));
            }
        };
        if decoded {
            return Err(VectorError::Malformed(format!(
                "invalid {i} ({}): decoded, but must be refused",
                v.description
            )));
        }
        counts.invalid += 1;
    }
    Ok(counts)
}

pub(super) fn round_trip<T>(step: &str, value: &T, expected: &[u8]) -> Result<(), VectorError>
where
    T: tls_codec::Serialize + tls_codec::Deserialize + LengthLimits + PartialEq,
{
    let actual = encode(value).map_err(codec(step))?;
    expect_bytes(step, "encoding", expected, &actual)?;
    let decoded: T = decode_exact(expected).map_err(codec(step))?;
    if &decoded != value {
        return Err(VectorError::Malformed(format!(
            "{step}: decodes to another value"
        )));
    }
    Ok(())
}
