//! AppDataUpdate from an external sender (U10: "An AppDataUpdate proposal
//! can be sent by an external sender.").
//!
//! The crate's [`ExternalSender`](crate::ExternalSender) proposes any
//! custom proposal, so it serves the successor profile too: list its
//! identity in the group's `external_senders`, observe the group from a
//! GroupInfo, and send AppDataUpdate by reference (always PublicMessage, as
//! mls-rs sends external proposals). It runs AppSync's rules, which ignore
//! AppDataUpdate, so it must follow an AppDataUpdate group by GroupInfo
//! rather than by processing its commits.

use mls_rs::MlsMessage;
use mls_rs::error::{IntoAnyError, MlsError};

use super::codec::{AppDataUpdate, ComponentData};
use super::dictionary::Dictionary;
use super::error::AppDataError;
use super::proposal::to_custom_proposal;
use super::rules::u1_well_formed_dictionary;
use crate::external::ExternalAppSyncGroup;

/// Send an AppDataUpdate by reference from an external sender. Fails with
/// `MlsError::InvalidExternalSigningIdentity` when the group does not list
/// the sender.
pub fn propose_app_data_update_external(
    group: &mut ExternalAppSyncGroup,
    update: &AppDataUpdate,
) -> Result<MlsMessage, MlsError> {
    let proposal =
        to_custom_proposal(update).map_err(|e| MlsError::SerializationError(e.into_any_error()))?;
    group.propose_custom(proposal, Vec::new())
}

/// The `app_data_dictionary` as the external sender sees it.
pub fn external_app_data_dictionary(
    group: &ExternalAppSyncGroup,
) -> Result<Vec<ComponentData>, AppDataError> {
    Ok(
        u1_well_formed_dictionary(&group.group_context().extensions)?
            .map(Dictionary::into_entries)
            .unwrap_or_default(),
    )
}
