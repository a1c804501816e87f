//! An external sender that proposes AppSync (R7).
//!
//! The draft: "An AppSync proposal can be sent by an authorized external
//! sender." An external sender is authorized when the group's
//! `external_senders` extension lists its signing identity. It tracks the
//! group as an mls-rs `ExternalGroup` (running the same [`AppSyncRules`], so
//! it follows `application_states`) and sends AppSync proposals by reference.
//! mls-rs always sends external proposals as PublicMessage.

use mls_rs::error::{IntoAnyError, MlsError};
use mls_rs::external_client::builder::{
    ExternalBaseConfig, WithCryptoProvider, WithIdentityProvider, WithMlsRules,
};
use mls_rs::external_client::{ExternalClient, ExternalGroup};
use mls_rs::identity::SigningIdentity;
use mls_rs::identity::basic::BasicIdentityProvider;
use mls_rs::{CipherSuite, MlsMessage};
use mls_rs_crypto_rustcrypto::RustCryptoProvider;

use crate::app_sync_rules::AppSyncRules;
use crate::client::new_identity;
use crate::codec::{AppSync, ApplicationState, CodecError};
use crate::constants::{APP_SYNC_PROPOSAL_TYPE, APPLICATION_STATES_EXTENSION_TYPE};
use crate::error::SetupError;
use crate::extension::application_states;
use crate::proposal::to_custom_proposal;

/// The mls-rs configuration of an [`ExternalSender`].
pub type ExternalSenderConfig = WithIdentityProvider<
    BasicIdentityProvider,
    WithCryptoProvider<RustCryptoProvider, WithMlsRules<AppSyncRules, ExternalBaseConfig>>,
>;

/// The view of a group held by an [`ExternalSender`].
pub type ExternalAppSyncGroup = ExternalGroup<ExternalSenderConfig>;

/// A client outside the group that can propose AppSync when listed in the
/// group's `external_senders`.
pub struct ExternalSender {
    client: ExternalClient<ExternalSenderConfig>,
    signing_identity: SigningIdentity,
}

impl ExternalSender {
    /// An external sender named `name`, with a fresh signature key, using
    /// `rules` to follow the group and `cipher_suite` for its key.
    pub fn new(
        name: impl AsRef<[u8]>,
        rules: AppSyncRules,
        cipher_suite: CipherSuite,
    ) -> Result<Self, SetupError> {
        let (signing_identity, secret) =
            new_identity(&RustCryptoProvider::default(), name.as_ref(), cipher_suite)?;
        let client = ExternalClient::builder()
            .mls_rules(rules)
            .crypto_provider(RustCryptoProvider::default())
            .identity_provider(BasicIdentityProvider::new())
            .extension_type(APPLICATION_STATES_EXTENSION_TYPE)
            .custom_proposal_types([APP_SYNC_PROPOSAL_TYPE])
            .signer(secret, signing_identity.clone())
            .build();
        Ok(Self {
            client,
            signing_identity,
        })
    }

    /// The identity to list in the group's `external_senders`.
    pub fn signing_identity(&self) -> &SigningIdentity {
        &self.signing_identity
    }

    /// Start following a group from a GroupInfo that carries the ratchet
    /// tree (`Group::group_info_message(true)`).
    pub fn observe(&self, group_info: MlsMessage) -> Result<ExternalAppSyncGroup, MlsError> {
        self.client.observe_group(group_info, None, None)
    }
}

/// Send an AppSync by reference from an external sender. Fails with
/// `MlsError::InvalidExternalSigningIdentity` when the group does not list
/// the sender.
pub fn propose_app_sync_external(
    group: &mut ExternalAppSyncGroup,
    app_sync: &AppSync,
) -> Result<MlsMessage, MlsError> {
    let proposal = to_custom_proposal(app_sync)
        .map_err(|e| MlsError::SerializationError(e.into_any_error()))?;
    group.propose_custom(proposal, Vec::new())
}

/// The `application_states` as the external sender sees them.
pub fn external_application_states(
    group: &ExternalAppSyncGroup,
) -> Result<Vec<ApplicationState>, CodecError> {
    application_states(&group.group_context().extensions)
}
