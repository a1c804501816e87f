//! Building AppSync-capable clients and groups, and the group operations an
//! application (or a conformance harness) needs.

use mls_rs::client_builder::{
    BaseConfig, MlsConfig, WithCryptoProvider, WithIdentityProvider, WithMlsRules,
};
use mls_rs::error::IntoAnyError;
use mls_rs::error::MlsError;
use mls_rs::extension::built_in::{ExternalSendersExt, RequiredCapabilitiesExt};
use mls_rs::group::proposal::Proposal;
use mls_rs::group::{CommitEffect, CommitMessageDescription, CommitOutput, ProposalSender};
use mls_rs::identity::SigningIdentity;
use mls_rs::identity::basic::{BasicCredential, BasicIdentityProvider};
use mls_rs::{
    CipherSuite, CipherSuiteProvider, Client, CryptoProvider, ExtensionList, Group, MlsMessage,
};
use mls_rs_crypto_rustcrypto::RustCryptoProvider;

use crate::codec::{AppSync, ApplicationState, CodecError};
use crate::constants::{
    APP_SYNC_PROPOSAL_TYPE, APPLICATION_STATES_EXTENSION_TYPE, DEFAULT_CIPHER_SUITE,
};
use crate::error::{AppSyncError, RejectionReason, SetupError, StatesDefect};
use crate::extension::{application_states, with_application_states};
use crate::proposal::{decode_app_sync, is_app_sync, to_custom_proposal};
use crate::receive;
use crate::rules::{AppSyncRules, WireFormatPolicy, r10_well_formed_application_states};

/// The mls-rs configuration of an AppSync client: in-memory storage, basic
/// credentials, the RustCrypto provider and [`AppSyncRules`].
pub type AppSyncConfig = WithIdentityProvider<
    BasicIdentityProvider,
    WithCryptoProvider<RustCryptoProvider, WithMlsRules<AppSyncRules, BaseConfig>>,
>;

/// A group of an [`AppSyncClient`]. It is a plain mls-rs `Group` (and `Clone`).
pub type AppSyncGroup = Group<AppSyncConfig>;

/// An mls-rs client that supports AppSync, with its rules and identity.
#[derive(Clone, Debug)]
pub struct AppSyncClient {
    client: Client<AppSyncConfig>,
    rules: AppSyncRules,
    signing_identity: SigningIdentity,
    cipher_suite: CipherSuite,
}

/// A fresh signature key pair and basic credential for `name`.
pub(crate) fn new_identity(
    name: &[u8],
    cipher_suite: CipherSuite,
) -> Result<(SigningIdentity, mls_rs::crypto::SignatureSecretKey), SetupError> {
    let provider = RustCryptoProvider::default()
        .cipher_suite_provider(cipher_suite)
        .ok_or_else(|| SetupError::Crypto(format!("unsupported cipher suite {cipher_suite:?}")))?;
    let (secret, public) = provider
        .signature_key_generate()
        .map_err(|e| SetupError::Crypto(format!("{e:?}")))?;
    let credential = BasicCredential::new(name.to_vec()).into_credential();
    Ok((SigningIdentity::new(credential, public), secret))
}

impl AppSyncClient {
    /// A client named `name` with default rules and cipher suite 1.
    pub fn new(name: impl AsRef<[u8]>) -> Result<Self, SetupError> {
        Self::with_rules(name, AppSyncRules::new(), DEFAULT_CIPHER_SUITE)
    }

    /// A client named `name` using `rules` and `cipher_suite`.
    ///
    /// Both AppSync code points are registered, so the client's leaves
    /// advertise the extension and the proposal type in their capabilities.
    pub fn with_rules(
        name: impl AsRef<[u8]>,
        rules: AppSyncRules,
        cipher_suite: CipherSuite,
    ) -> Result<Self, SetupError> {
        let (signing_identity, secret) = new_identity(name.as_ref(), cipher_suite)?;
        let client = Client::builder()
            .mls_rules(rules.clone())
            .crypto_provider(RustCryptoProvider::default())
            .identity_provider(BasicIdentityProvider::new())
            .extension_type(APPLICATION_STATES_EXTENSION_TYPE)
            .custom_proposal_type(APP_SYNC_PROPOSAL_TYPE)
            .signing_identity(signing_identity.clone(), secret, cipher_suite)
            .build();
        Ok(Self {
            client,
            rules,
            signing_identity,
            cipher_suite,
        })
    }

    /// The underlying mls-rs client.
    pub fn mls_client(&self) -> &Client<AppSyncConfig> {
        &self.client
    }

    /// The rules installed on this client (shared with all its groups).
    pub fn rules(&self) -> &AppSyncRules {
        &self.rules
    }

    /// This client's signing identity (to list it, e.g., as an external sender).
    pub fn signing_identity(&self) -> &SigningIdentity {
        &self.signing_identity
    }

    /// The cipher suite of this client.
    pub fn cipher_suite(&self) -> CipherSuite {
        self.cipher_suite
    }

    /// Send the next proposals and commits of all this client's groups as
    /// PublicMessage or PrivateMessage (R8).
    pub fn set_wire_format(&self, policy: WireFormatPolicy) {
        self.rules.set_wire_format(policy);
    }

    /// A key package message, for being added to a group.
    pub fn key_package(&self) -> Result<MlsMessage, MlsError> {
        self.client
            .generate_key_package_message(ExtensionList::new(), ExtensionList::new(), None)
    }

    /// Create a group whose `application_states` holds `initial_states` (in
    /// that order) and whose `external_senders` lists `external_senders`.
    ///
    /// The group requires both AppSync code points of every member
    /// (`required_capabilities`). Ids must be distinct.
    pub fn create_group(
        &self,
        initial_states: Vec<ApplicationState>,
        external_senders: Vec<SigningIdentity>,
    ) -> Result<AppSyncGroup, SetupError> {
        let mut extensions = with_application_states(&ExtensionList::new(), initial_states)?;
        r10_well_formed_application_states(&extensions).map_err(|error| match error {
            AppSyncError::InvalidApplicationStates(StatesDefect::RepeatedApplicationId(id)) => {
                SetupError::DuplicateInitialId(id)
            }
            other => SetupError::Rules(other),
        })?;
        extensions.set_from(RequiredCapabilitiesExt::new(
            vec![APPLICATION_STATES_EXTENSION_TYPE],
            vec![APP_SYNC_PROPOSAL_TYPE],
            vec![],
        ))?;
        if !external_senders.is_empty() {
            extensions.set_from(ExternalSendersExt::new(external_senders))?;
        }
        Ok(self
            .client
            .create_group(extensions, ExtensionList::new(), None)?)
    }

    /// Join a group from a Welcome (the ratchet tree travels in the Welcome).
    ///
    /// A group whose `application_states` is ill-formed (R10) is refused:
    /// no AppSync could ever be committed in it.
    pub fn join_group(&self, welcome: &MlsMessage) -> Result<AppSyncGroup, MlsError> {
        let group = self.client.join_group(None, welcome, None)?.0;
        r10_well_formed_application_states(&group.context().extensions)
            .map_err(|e| MlsError::MlsRulesError(e.into_any_error()))?;
        Ok(group)
    }
}

/// Create one group for `clients`: `clients[0]` creates it with
/// `initial_states` and `external_senders`, adds all the others in one
/// commit, and they join by Welcome. Returns the groups in client order
/// (leaf `i` is `clients[i]`), all at epoch 1.
pub fn create_members(
    clients: &[AppSyncClient],
    initial_states: Vec<ApplicationState>,
    external_senders: Vec<SigningIdentity>,
) -> Result<Vec<AppSyncGroup>, SetupError> {
    let Some((creator, others)) = clients.split_first() else {
        return Ok(Vec::new());
    };
    let mut first = creator.create_group(initial_states, external_senders)?;
    if others.is_empty() {
        return Ok(vec![first]);
    }
    let key_packages = others
        .iter()
        .map(AppSyncClient::key_package)
        .collect::<Result<Vec<_>, _>>()?;
    let added = first.add_members(key_packages)?;
    // mls-rs makes one Welcome for all new members by default.
    let welcome = added
        .output
        .welcome_messages
        .first()
        .ok_or(MlsError::WelcomeKeyPackageNotFound)?;
    let mut groups = vec![first];
    for client in others {
        groups.push(client.join_group(welcome)?);
    }
    Ok(groups)
}

/// What processing an incoming message did.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Processed {
    /// A commit was accepted; the group is now at `epoch`.
    Commit {
        /// The new epoch.
        epoch: u64,
        /// Leaf index of the committer.
        committer: u32,
        /// The AppSyncs the commit applied, in application order.
        app_syncs: Vec<AppSync>,
    },
    /// A proposal was accepted and cached for a later commit.
    Proposal {
        /// Who sent it.
        sender: ProposalSender,
        /// The AppSync it carries, if it is one.
        app_sync: Option<AppSync>,
    },
    /// Any other message (application data, ...).
    Other,
}

/// A message the group refused; the group state is unchanged.
#[derive(Debug, thiserror::Error)]
#[error("message rejected ({reason:?}): {error}")]
pub struct Rejected {
    /// The class of the rejection.
    pub reason: RejectionReason,
    /// The error mls-rs returned.
    pub error: MlsError,
}

/// A commit this member made and applied.
#[derive(Clone, Debug)]
pub struct AppSyncCommit {
    /// The mls-rs output: the commit message to send, Welcome messages, ...
    pub output: CommitOutput,
    /// The committer's new epoch.
    pub epoch: u64,
    /// The AppSyncs the commit applied, in application (= wire) order.
    pub app_syncs: Vec<AppSync>,
}

/// The AppSyncs a processed commit applied, in order.
///
/// `NewEpoch::applied_proposals` also lists the local GroupContextExtensions
/// proposal that carries the new `application_states`; it never went on the
/// wire, so it is left out here.
pub fn committed_app_syncs(description: &CommitMessageDescription) -> Vec<AppSync> {
    let new_epoch = match &description.effect {
        CommitEffect::NewEpoch(new_epoch) => new_epoch,
        CommitEffect::Removed { new_epoch, .. } => new_epoch,
        CommitEffect::ReInit(_) => return Vec::new(),
    };
    new_epoch
        .applied_proposals
        .iter()
        .filter_map(|info| match &info.proposal {
            Proposal::Custom(custom) if is_app_sync(custom) => decode_app_sync(custom).ok(),
            _ => None,
        })
        .collect()
}

/// AppSync operations on an mls-rs group.
pub trait AppSyncGroupExt {
    /// The group's current `application_states`, in list order (empty if
    /// the extension is absent).
    fn application_states(&self) -> Result<Vec<ApplicationState>, CodecError>;

    /// Send an AppSync by reference: returns the proposal message to deliver
    /// to the other members, and caches it for this member's next commit.
    fn propose_app_sync(&mut self, app_sync: &AppSync) -> Result<MlsMessage, MlsError>;

    /// Commit `app_syncs` by value (in that order), together with every
    /// cached by-reference proposal, and apply the commit locally.
    ///
    /// An invalid by-value AppSync makes this fail with the typed error (see
    /// [`app_sync_error`](crate::error::app_sync_error)); invalid cached
    /// proposals are dropped. Returns the message to deliver.
    fn commit_app_syncs(&mut self, app_syncs: &[AppSync]) -> Result<AppSyncCommit, MlsError>;

    /// Add members by key package, commit and apply; the Welcome is in the
    /// returned output.
    fn add_members(&mut self, key_packages: Vec<MlsMessage>) -> Result<AppSyncCommit, MlsError>;

    /// Process a message from another member or an external sender, all or
    /// nothing: a rejected message leaves the group exactly as it was, so the
    /// genuine message that follows a tampered one is still processed (see
    /// [`crate::receive`]). A proposal that breaks the rules on its own
    /// (malformed AppSync, unauthorized sender, ill-formed
    /// `application_states`) is rejected on arrival.
    fn process(&mut self, message: MlsMessage) -> Result<Processed, Rejected>;

    /// [`process`](AppSyncGroupExt::process) the message encoded in `bytes`;
    /// bytes that are no MLS message are rejected as a malformed message.
    fn process_bytes(&mut self, bytes: &[u8]) -> Result<Processed, Rejected>;

    /// The epoch authenticator of the current epoch, as bytes.
    fn epoch_authenticator_bytes(&self) -> Result<Vec<u8>, MlsError>;

    /// Leaf indexes of the current members, ascending.
    fn member_indexes(&self) -> Vec<u32>;
}

impl<C: MlsConfig> AppSyncGroupExt for Group<C> {
    fn application_states(&self) -> Result<Vec<ApplicationState>, CodecError> {
        application_states(&self.context().extensions)
    }

    fn propose_app_sync(&mut self, app_sync: &AppSync) -> Result<MlsMessage, MlsError> {
        let proposal = to_custom_proposal(app_sync).map_err(|e| {
            MlsError::SerializationError(mls_rs::error::IntoAnyError::into_any_error(e))
        })?;
        self.propose_custom(proposal, Vec::new())
    }

    fn commit_app_syncs(&mut self, app_syncs: &[AppSync]) -> Result<AppSyncCommit, MlsError> {
        let mut builder = self.commit_builder();
        for app_sync in app_syncs {
            let proposal = to_custom_proposal(app_sync).map_err(|e| {
                MlsError::SerializationError(mls_rs::error::IntoAnyError::into_any_error(e))
            })?;
            builder = builder.custom_proposal(proposal);
        }
        let output = builder.build()?;
        finish_commit(self, output)
    }

    fn add_members(&mut self, key_packages: Vec<MlsMessage>) -> Result<AppSyncCommit, MlsError> {
        let mut builder = self.commit_builder();
        for key_package in key_packages {
            builder = builder.add_member(key_package)?;
        }
        let output = builder.build()?;
        finish_commit(self, output)
    }

    fn process(&mut self, message: MlsMessage) -> Result<Processed, Rejected> {
        receive::process(self, message)
    }

    fn process_bytes(&mut self, bytes: &[u8]) -> Result<Processed, Rejected> {
        receive::process_bytes(self, bytes)
    }

    fn epoch_authenticator_bytes(&self) -> Result<Vec<u8>, MlsError> {
        Ok(self.epoch_authenticator()?.as_bytes().to_vec())
    }

    fn member_indexes(&self) -> Vec<u32> {
        let mut indexes: Vec<u32> = self.roster().members_iter().map(|m| m.index).collect();
        indexes.sort_unstable();
        indexes
    }
}

/// Apply the pending commit and describe it.
fn finish_commit<C: MlsConfig>(
    group: &mut Group<C>,
    output: CommitOutput,
) -> Result<AppSyncCommit, MlsError> {
    let description = group.apply_pending_commit()?;
    Ok(AppSyncCommit {
        output,
        epoch: group.current_epoch(),
        app_syncs: committed_app_syncs(&description),
    })
}
