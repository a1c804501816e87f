//! The AppDataUpdate proposal as an mls-rs custom proposal (U2).
//!
//! mls-rs frames a custom proposal as its `uint16` type followed by
//! `opaque data<V>`, with the encoded [`AppDataUpdate`] inside that opaque
//! field: one length prefix more than a natively registered proposal type
//! would carry (the same framing deviation as AppSync's, see
//! [`crate::proposal`]).

use mls_rs::group::proposal::CustomProposal;

use super::codec::{AppDataUpdate, AppDataUpdateDecodeError, decode_app_data_update};
use crate::codec::{self, CodecError};
use crate::constants::APP_DATA_UPDATE_PROPOSAL_TYPE;

/// Whether `proposal` has the AppDataUpdate proposal type.
pub fn is_app_data_update(proposal: &CustomProposal) -> bool {
    proposal.proposal_type() == APP_DATA_UPDATE_PROPOSAL_TYPE
}

/// Decode the AppDataUpdate a custom proposal carries, exactly. The caller
/// checks the type first with [`is_app_data_update`].
pub fn decode_custom(proposal: &CustomProposal) -> Result<AppDataUpdate, AppDataUpdateDecodeError> {
    decode_app_data_update(proposal.data())
}

/// Wrap an AppDataUpdate into the custom proposal mls-rs sends.
pub fn to_custom_proposal(update: &AppDataUpdate) -> Result<CustomProposal, CodecError> {
    Ok(CustomProposal::new(
        APP_DATA_UPDATE_PROPOSAL_TYPE,
        codec::encode(update)?,
    ))
}
