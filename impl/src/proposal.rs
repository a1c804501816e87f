//! The AppSync proposal registered with mls-rs as a custom proposal (R2).
//!
//! mls-rs frames a custom proposal as its `uint16` proposal type followed by
//! `opaque data<V>`; the encoded [`AppSync`] struct sits inside that opaque
//! field. A natively registered proposal type would carry the struct directly,
//! without that extra length prefix.

use mls_rs::group::proposal::{CustomProposal, MlsCustomProposal};
use mls_rs::mls_rs_codec::{self, MlsDecode, MlsEncode, MlsSize};
use mls_rs_core::group::ProposalType;
use tls_codec::Size;

use crate::codec::{self, AppSync, CodecError};
use crate::constants::APP_SYNC_PROPOSAL_TYPE;

// mls-rs asks custom proposals for its own codec traits; these adapters
// delegate to the tls_codec encoding so that there is one wire format.

impl MlsSize for AppSync {
    fn mls_encoded_len(&self) -> usize {
        self.tls_serialized_len()
    }
}

impl MlsEncode for AppSync {
    fn mls_encode(&self, writer: &mut Vec<u8>) -> Result<(), mls_rs_codec::Error> {
        let bytes = codec::encode(self).map_err(|_| mls_rs_codec::Error::VarIntOutOfRange)?;
        writer.extend_from_slice(&bytes);
        Ok(())
    }
}

impl MlsDecode for AppSync {
    fn mls_decode(reader: &mut &[u8]) -> Result<Self, mls_rs_codec::Error> {
        // `&[u8]` is an `io::Read` that advances past what it consumed, which
        // is what `mls_decode` must do with its reader.
        <AppSync as tls_codec::Deserialize>::tls_deserialize(reader).map_err(|error| {
            match CodecError::from(error) {
                CodecError::Truncated => mls_rs_codec::Error::UnexpectedEOF,
                CodecError::InvalidLength => mls_rs_codec::Error::VarIntMinimumLengthEncoding,
                _ => mls_rs_codec::Error::InvalidContent,
            }
        })
    }
}

impl MlsCustomProposal for AppSync {
    fn proposal_type() -> ProposalType {
        APP_SYNC_PROPOSAL_TYPE
    }

    fn from_custom_proposal(proposal: &CustomProposal) -> Result<Self, mls_rs_codec::Error> {
        // Exact decoding: the default implementation would accept trailing
        // bytes after the AppSync struct.
        decode_app_sync(proposal).map_err(|_| mls_rs_codec::Error::InvalidContent)
    }
}

/// Whether `proposal` has the AppSync proposal type.
pub fn is_app_sync(proposal: &CustomProposal) -> bool {
    proposal.proposal_type() == APP_SYNC_PROPOSAL_TYPE
}

/// Decode the AppSync carried by a custom proposal, exactly (no trailing
/// bytes). The caller checks the proposal type first with [`is_app_sync`].
pub fn decode_app_sync(proposal: &CustomProposal) -> Result<AppSync, CodecError> {
    codec::decode_exact(proposal.data())
}

/// Wrap an AppSync into the custom proposal that mls-rs sends.
pub fn to_custom_proposal(app_sync: &AppSync) -> Result<CustomProposal, CodecError> {
    Ok(CustomProposal::new(
        APP_SYNC_PROPOSAL_TYPE,
        codec::encode(app_sync)?,
    ))
}
