//! The codec vectors through OpenMLS's types: each value must decode
//! exactly to its fields and encode back to its bytes, each invalid
//! encoding must be refused, and an AppDataUpdate proposal in the draft's
//! framing must decode as an AppDataUpdate. The mls-rs framing, which this
//! project sends, is offered too; the vector expects a draft
//! implementation to refuse it or to read something else from it.

use openmls::component::ComponentData;
use openmls::extensions::AppDataDictionary;
use openmls::prelude::tls_codec::{Deserialize, Serialize as _};
use openmls::prelude::*;

use crate::vectors::app_data_codec::{AppDataCodecVectors, OpName, UpdateFields, component_data};

use super::{Outcome, Report};

/// Decodes exactly one `T` from `bytes`, with the reader-based decoder
/// (tls_codec 0.5.0's slice-based one panics on a truncated `opaque<V>` in
/// builds with debug assertions).
pub(super) fn decode<T: Deserialize>(bytes: &[u8]) -> Result<T, String> {
    T::tls_deserialize_exact(bytes).map_err(|e| format!("{e}"))
}

/// Whether OpenMLS's encoding of `value` is `expected`, and `decoded`
/// (what OpenMLS decoded from `expected`) equals `value`.
fn round_trip<T: tls_codec::Serialize + PartialEq + std::fmt::Debug>(
    value: &T,
    decoded: Result<T, String>,
    expected: &[u8],
) -> Outcome {
    match (value.tls_serialize_detached(), decoded) {
        (Err(e), _) => Outcome::disagrees(format!("cannot encode: {e}")),
        (Ok(bytes), _) if bytes != expected => {
            Outcome::disagrees(format!("encodes as {}", hex::encode(bytes)))
        }
        (_, Err(e)) => Outcome::disagrees(format!("refuses the bytes: {e}")),
        (_, Ok(decoded)) if &decoded != value => {
            Outcome::disagrees(format!("decodes to {decoded:?}"))
        }
        _ => Outcome::agrees("same bytes, same value"),
    }
}

/// OpenMLS's AppDataUpdate with these fields.
pub(super) fn openmls_update(fields: &UpdateFields) -> AppDataUpdateProposal {
    match (&fields.op, &fields.update) {
        (OpName::Update, Some(bytes)) => {
            AppDataUpdateProposal::update(fields.component_id, bytes.0.clone())
        }
        _ => AppDataUpdateProposal::remove(fields.component_id),
    }
}

fn describe(fields: &UpdateFields) -> String {
    match &fields.update {
        Some(bytes) => format!(
            "update of {:#06x}, {} bytes",
            fields.component_id,
            bytes.0.len()
        ),
        None => format!("remove of {:#06x}", fields.component_id),
    }
}

/// What OpenMLS makes of a framed proposal.
fn read_proposal(bytes: &[u8]) -> Result<AppDataUpdateProposal, String> {
    match decode::<ProposalIn>(bytes)? {
        ProposalIn::AppDataUpdate(update) => Ok(*update),
        other => Err(format!(
            "decodes as a proposal of type {:?}",
            other.proposal_type()
        )),
    }
}

/// Runs the codec vectors through OpenMLS's types.
pub fn run(vectors: &AppDataCodecVectors) -> Report {
    let mut report = Report::default();
    for (i, v) in vectors.component_data.iter().enumerate() {
        let ours = component_data(v);
        let value = ComponentData::from_parts(ours.component_id(), ours.data().to_vec().into());
        let verdict = match &v.encoded {
            Some(expected) => round_trip(&value, decode(&expected.0), &expected.0),
            None => Outcome::not_run("no encoded"),
        };
        report.push(
            format!(
                "component_data {i} (id {:#06x}, {} bytes)",
                v.component_id,
                v.data.0.len()
            ),
            "round trip",
            verdict,
        );
    }
    for (i, v) in vectors.app_data_dictionary.iter().enumerate() {
        let mut value = AppDataDictionary::new();
        for entry in &v.component_data {
            let _ = value.insert(entry.component_id, entry.data.0.clone());
        }
        report.push(
            format!(
                "app_data_dictionary {i} ({} entries)",
                v.component_data.len()
            ),
            "round trip",
            round_trip(&value, decode(&v.encoded.0), &v.encoded.0),
        );
    }
    for (i, v) in vectors.app_data_update.iter().enumerate() {
        let value = openmls_update(&v.fields);
        report.push(
            format!("app_data_update {i} ({})", describe(&v.fields)),
            "round trip",
            round_trip(&value, decode(&v.encoded.0), &v.encoded.0),
        );
    }
    for (i, v) in vectors.proposal.iter().enumerate() {
        let value = openmls_update(&v.fields);
        let framed = Proposal::AppDataUpdate(Box::new(value.clone()));
        let verdict = match (framed.tls_serialize_detached(), read_proposal(&v.encoded.0)) {
            (Ok(bytes), _) if bytes != v.encoded.0 => {
                Outcome::disagrees(format!("encodes as {}", hex::encode(bytes)))
            }
            (Err(e), _) => Outcome::disagrees(format!("cannot encode: {e}")),
            (_, Err(e)) => Outcome::disagrees(e),
            (_, Ok(decoded)) if decoded != value => {
                Outcome::disagrees(format!("decodes to {decoded:?}"))
            }
            _ => Outcome::agrees("same bytes, same AppDataUpdate"),
        };
        report.push(
            format!("proposal {i} ({}), draft framing", describe(&v.fields)),
            "decodes as that AppDataUpdate, encodes back",
            verdict,
        );
        let verdict = match read_proposal(&v.mls_rs_custom_proposal.0) {
            Ok(decoded) if decoded == value => {
                Outcome::disagrees("reads the same AppDataUpdate from the mls-rs framing")
            }
            Ok(decoded) => Outcome::disagrees(format!("reads another AppDataUpdate: {decoded:?}")),
            Err(e) => Outcome::agrees(format!("refused: {e}")),
        };
        report.push(
            format!("proposal {i} ({}), mls-rs framing", describe(&v.fields)),
            "refused as an AppDataUpdate proposal (one length prefix too many)",
            verdict,
        );
    }
    for (i, v) in vectors.invalid.iter().enumerate() {
        let bytes = &v.encoded.0;
        let accepted = match v.structure.as_str() {
            "component_data" => decode::<ComponentData>(bytes).map(|d| format!("{d:?}")),
            "app_data_dictionary" => decode::<AppDataDictionary>(bytes).map(|d| format!("{d:?}")),
            "app_data_update" => decode::<AppDataUpdateProposal>(bytes).map(|d| format!("{d:?}")),
            other => Err(format!("unknown structure {other}")),
        };
        report.push(
            format!("invalid {i} ({}: {})", v.structure, v.description),
            "refused",
            match accepted {
                Ok(value) => Outcome::disagrees(format!("decodes as {value}")),
                Err(e) => Outcome::agrees(format!("refused: {e}")),
            },
        );
    }
    report
}
