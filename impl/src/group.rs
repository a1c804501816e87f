//! The group operations an application (or a conformance harness) needs, on
//! any mls-rs group whose client runs the AppSync rules: proposing and
//! committing AppSync, reading `application_states`, and processing
//! incoming messages all or nothing ([`crate::receive`]).

use mls_rs::client_builder::MlsConfig;
use mls_rs::error::MlsError;
use mls_rs::group::CommitOutput;
use mls_rs::{Group, MlsMessage};

use crate::codec::{AppSync, ApplicationState, CodecError};
use crate::committed::committed_app_syncs;
use crate::extension::application_states;
use crate::proposal::to_custom_proposal;
use crate::receive::{self, Processed, Rejected};

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
