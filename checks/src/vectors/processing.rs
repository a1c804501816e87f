//! AppSync processing vectors: a passive client joins by Welcome into a group
//! with `application_states`, then processes epochs of AppSync commits (by
//! value, by reference, several per commit, from an external sender, in
//! PublicMessage and PrivateMessage). Before some commits it is handed
//! invalid messages that it must reject, each with its reason class and
//! without any change of state.
//!
//! Per epoch the verifier processes `proposals` (all accepted), then each of
//! `invalid` (each rejected for `reason`, state unchanged), then `commit`,
//! and compares `application_states` (the encoded extension body) and
//! `epoch_authenticator`.

use mls_rs::client_builder::MlsConfig;
use mls_rs::{CryptoProvider, Group, MlsMessage};
use serde::{Deserialize, Serialize};

use mls_appsync::codec::encode;
use mls_appsync::{AppSyncGroupExt, ApplicationState, ApplicationStatesExtension, RejectionReason};

use super::error::{VectorError, at, expect_bytes};
use super::hexbytes::HexBytes;
pub use super::passive::InvalidMessage;
use super::passive::{self, EpochMessages, PassiveInvitation, process_epoch};

/// One processing vector (one cipher suite).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProcessingCase {
    /// The cipher suite.
    pub cipher_suite: u16,
    /// The passive client's keys, its Welcome (the ratchet tree travels
    /// inside), and the epoch authenticator on joining.
    #[serde(flatten)]
    pub invitation: PassiveInvitation,
    /// The encoded `ApplicationStatesExtension` right after joining.
    pub initial_application_states: HexBytes,
    /// The epochs to process.
    pub epochs: Vec<ProcessingEpoch>,
}

/// One epoch of a processing vector.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProcessingEpoch {
    /// The description, proposals, invalid messages and commit.
    #[serde(flatten)]
    pub messages: EpochMessages<InvalidMessage>,
    /// The encoded `ApplicationStatesExtension` after the commit.
    pub application_states: HexBytes,
    /// The epoch authenticator after the commit.
    pub epoch_authenticator: HexBytes,
}

pub(super) fn parse_reason(name: &str) -> Result<RejectionReason, VectorError> {
    RejectionReason::from_name(name)
        .ok_or_else(|| VectorError::Malformed(format!("unknown rejection reason {name:?}")))
}

pub(super) fn bytes(message: &MlsMessage) -> Result<HexBytes, VectorError> {
    message
        .to_bytes()
        .map(HexBytes)
        .map_err(at("encode message"))
}

fn encoded_states(states: Vec<ApplicationState>) -> Result<HexBytes, VectorError> {
    encode(&ApplicationStatesExtension::new(states))
        .map(HexBytes)
        .map_err(|e| VectorError::Malformed(format!("encode application_states: {e}")))
}

pub(super) fn states_of<C: MlsConfig>(group: &Group<C>) -> Result<HexBytes, VectorError> {
    let states = group
        .application_states()
        .map_err(|e| VectorError::Malformed(format!("group application_states: {e}")))?;
    encoded_states(states)
}

// ---------------------------------------------------------------------------
// Verification

/// Checks one processing vector with a fresh passive client.
pub fn verify_case<C: CryptoProvider + Clone>(
    case: &ProcessingCase,
    crypto: C,
) -> Result<(), VectorError> {
    let mut group = passive::join(crypto, &case.invitation, &[])?;
    expect_bytes(
        "join",
        "application_states",
        &case.initial_application_states.0,
        &states_of(&group)?.0,
    )?;

    for (e, epoch) in case.epochs.iter().enumerate() {
        for invalid in &epoch.messages.invalid {
            parse_reason(&invalid.reason)?;
        }
        let expected = (&epoch.messages, &epoch.epoch_authenticator);
        let step = process_epoch(&mut group, e, expected, states_of, |r| {
            r.reason.name().to_string()
        })?;
        expect_bytes(
            &step,
            "application_states",
            &epoch.application_states.0,
            &states_of(&group)?.0,
        )?;
    }
    Ok(())
}

pub use super::generate::{GENERATED_SUITES, generate_case};
