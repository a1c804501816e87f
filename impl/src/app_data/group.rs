//! Groups of the successor profile: creating them with an initial
//! dictionary ([`AppDataClientExt`]), and the group operations
//! ([`AppDataGroupExt`]) on any mls-rs group whose client runs
//! [`AppDataUpdateRules`](super::AppDataUpdateRules). Incoming messages go
//! through the crate's all-or-nothing [`process`](crate::AppSyncGroupExt::process),
//! which is generic over the group and works for these groups unchanged.

use mls_rs::error::{IntoAnyError, MlsError};
use mls_rs::extension::built_in::{ExternalSendersExt, RequiredCapabilitiesExt};
use mls_rs::group::proposal::Proposal;
use mls_rs::group::{CommitEffect, CommitMessageDescription, CommitOutput};
use mls_rs::identity::SigningIdentity;
use mls_rs::{CryptoProvider, ExtensionList, Group, MlsMessage, client_builder::MlsConfig};

use super::codec::{AppDataUpdate, ComponentData, ComponentId};
use super::dictionary::Dictionary;
use super::error::AppDataError;
use super::mls_rules::WrapsAppDataRules;
use super::proposal::{decode_custom, is_app_data_update, to_custom_proposal};
use super::rules::u1_well_formed_dictionary;
use crate::client::{AppSyncClient, AppSyncGroup};
use crate::constants::{APP_DATA_DICTIONARY_EXTENSION_TYPE, APP_DATA_UPDATE_PROPOSAL_TYPE};
use crate::error::SetupError;
use crate::group::AppSyncGroupExt;

/// Whether a new group lists `app_data_update` in `required_capabilities`,
/// which decides U8 (a GroupContextExtensions proposal may not touch the
/// dictionary when it is required).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AppDataRequirement {
    /// `required_capabilities` lists `app_data_dictionary` and
    /// `app_data_update`: every member supports them, and only
    /// AppDataUpdate changes the dictionary. Default.
    #[default]
    Required,
    /// `required_capabilities` lists only `app_data_dictionary`: a
    /// GroupContextExtensions proposal may also rewrite the dictionary.
    NotRequired,
}

/// A commit this member made and applied.
#[derive(Clone, Debug)]
pub struct AppDataCommit {
    /// The mls-rs output: the commit message to send, Welcome messages, ...
    pub output: CommitOutput,
    /// The committer's new epoch.
    pub epoch: u64,
    /// The AppDataUpdates the commit applied, in wire (= application) order.
    pub updates: Vec<AppDataUpdate>,
}

/// Creating groups of the successor profile.
pub trait AppDataClientExt {
    /// The group type the client makes.
    type Group;

    /// Create a group whose `app_data_dictionary` holds `initial` (which
    /// must be sorted by id and unique, U1), listing `external_senders`,
    /// with `app_data_update` required or not. An empty `initial` makes a
    /// group without the extension (the first update appends it, U7).
    fn create_app_data_group(
        &self,
        initial: Vec<ComponentData>,
        external_senders: Vec<SigningIdentity>,
        requirement: AppDataRequirement,
    ) -> Result<Self::Group, SetupError>;
}

impl<P: CryptoProvider + Clone, R: WrapsAppDataRules> AppDataClientExt for AppSyncClient<P, R> {
    type Group = AppSyncGroup<P, R>;

    fn create_app_data_group(
        &self,
        initial: Vec<ComponentData>,
        external_senders: Vec<SigningIdentity>,
        requirement: AppDataRequirement,
    ) -> Result<Self::Group, SetupError> {
        let invalid =
            |e: AppDataError| SetupError::Mls(MlsError::MlsRulesError(e.into_any_error()));
        let dictionary = Dictionary::new(initial)
            .map_err(|defect| invalid(AppDataError::InvalidDictionary(defect)))?;
        let mut extensions = match dictionary.entries().is_empty() {
            true => ExtensionList::new(),
            false => dictionary.into_extensions(&ExtensionList::new())?,
        };
        let proposals = match requirement {
            AppDataRequirement::Required => vec![APP_DATA_UPDATE_PROPOSAL_TYPE],
            AppDataRequirement::NotRequired => vec![],
        };
        extensions.set_from(RequiredCapabilitiesExt::new(
            vec![APP_DATA_DICTIONARY_EXTENSION_TYPE],
            proposals,
            vec![],
        ))?;
        if !external_senders.is_empty() {
            extensions.set_from(ExternalSendersExt::new(external_senders))?;
        }
        Ok(self
            .mls_client()
            .create_group(extensions, ExtensionList::new(), None)?)
    }
}

/// One group of `clients`: `clients[0]` creates it (see
/// [`AppDataClientExt::create_app_data_group`]), adds the others in one
/// commit, and they join by Welcome. The groups, in client order, are at
/// epoch 1.
pub fn create_app_data_members<P: CryptoProvider + Clone, R: WrapsAppDataRules>(
    clients: &[AppSyncClient<P, R>],
    initial: Vec<ComponentData>,
    external_senders: Vec<SigningIdentity>,
    requirement: AppDataRequirement,
) -> Result<Vec<AppSyncGroup<P, R>>, SetupError> {
    let Some((creator, others)) = clients.split_first() else {
        return Ok(Vec::new());
    };
    let mut first = creator.create_app_data_group(initial, external_senders, requirement)?;
    if others.is_empty() {
        return Ok(vec![first]);
    }
    let key_packages = others
        .iter()
        .map(AppSyncClient::key_package)
        .collect::<Result<Vec<_>, _>>()?;
    let added = first.add_members(key_packages)?;
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

/// The AppDataUpdates a processed or applied commit carried, in order
/// (the local GroupContextExtensions proposal is not among them).
pub fn committed_app_data_updates(description: &CommitMessageDescription) -> Vec<AppDataUpdate> {
    let new_epoch = match &description.effect {
        CommitEffect::NewEpoch(new_epoch) | CommitEffect::Removed { new_epoch, .. } => new_epoch,
        CommitEffect::ReInit(_) => return Vec::new(),
    };
    new_epoch
        .applied_proposals
        .iter()
        .filter_map(|info| match &info.proposal {
            Proposal::Custom(custom) if is_app_data_update(custom) => decode_custom(custom).ok(),
            _ => None,
        })
        .collect()
}

/// AppDataUpdate operations on an mls-rs group.
pub trait AppDataGroupExt {
    /// The group's `app_data_dictionary` entries, sorted by id (empty when
    /// the extension is absent); an ill-formed dictionary is an error (U1).
    fn app_data_dictionary(&self) -> Result<Vec<ComponentData>, AppDataError>;

    /// The data of one component (`None`: no entry), e.g. what a
    /// [`Cas`](super::Cas) update is computed from.
    fn component_data(&self, component_id: ComponentId) -> Result<Option<Vec<u8>>, AppDataError>;

    /// Send an AppDataUpdate by reference: returns the proposal message to
    /// deliver, and caches it for this member's next commit.
    fn propose_app_data_update(&mut self, update: &AppDataUpdate) -> Result<MlsMessage, MlsError>;

    /// Commit `updates` by value (in that order, after any cached
    /// by-reference proposals) and apply the commit. An invalid by-value
    /// update fails with the typed error (see
    /// [`app_data_error`](super::app_data_error)); invalid cached proposals
    /// are dropped.
    fn commit_app_data_updates(
        &mut self,
        updates: &[AppDataUpdate],
    ) -> Result<AppDataCommit, MlsError>;
}

impl<C: MlsConfig> AppDataGroupExt for Group<C> {
    fn app_data_dictionary(&self) -> Result<Vec<ComponentData>, AppDataError> {
        Ok(u1_well_formed_dictionary(&self.context().extensions)?
            .map(Dictionary::into_entries)
            .unwrap_or_default())
    }

    fn component_data(&self, component_id: ComponentId) -> Result<Option<Vec<u8>>, AppDataError> {
        Ok(u1_well_formed_dictionary(&self.context().extensions)?
            .and_then(|d| d.get(component_id).map(<[u8]>::to_vec)))
    }

    fn propose_app_data_update(&mut self, update: &AppDataUpdate) -> Result<MlsMessage, MlsError> {
        let proposal = to_custom_proposal(update)
            .map_err(|e| MlsError::SerializationError(e.into_any_error()))?;
        self.propose_custom(proposal, Vec::new())
    }

    fn commit_app_data_updates(
        &mut self,
        updates: &[AppDataUpdate],
    ) -> Result<AppDataCommit, MlsError> {
        let mut builder = self.commit_builder();
        for update in updates {
            let proposal = to_custom_proposal(update)
                .map_err(|e| MlsError::SerializationError(e.into_any_error()))?;
            builder = builder.custom_proposal(proposal);
        }
        let output = builder.build()?;
        let description = self.apply_pending_commit()?;
        Ok(AppDataCommit {
            output,
            epoch: self.current_epoch(),
            updates: committed_app_data_updates(&description),
        })
    }
}
