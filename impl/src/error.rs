//! Errors: why the rules reject an AppSync, and how to read a rejection back
//! out of the `MlsError` that mls-rs returns.

use mls_rs::error::{IntoAnyError, MlsError};
use mls_rs::group::Sender;

use crate::codec::CodecError;

/// A violation of the AppSync rules, raised by [`AppSyncRules`](crate::rules::AppSyncRules).
///
/// mls-rs wraps it into `MlsError::MlsRulesError`; use [`app_sync_error`] to
/// get it back, or [`rejection_reason`] to classify any processing error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AppSyncError {
    /// R4: the proposal list holds an AppSync and a GroupContextExtensions proposal.
    #[error("R4: a proposal list holds both AppSync and GroupContextExtensions")]
    AppSyncWithGroupContextExtensions,
    /// R5: more than one AppSync for the same `application_id`.
    #[error("R5: more than one AppSync for application_id {application_id}")]
    DuplicateApplicationId {
        /// The repeated id.
        application_id: u32,
    },
    /// R3: no `application_states` entry has this `application_id`.
    #[error("R3: no application_states entry for application_id {application_id}")]
    UnknownApplicationId {
        /// The id that has no entry.
        application_id: u32,
    },
    /// R2: the custom proposal data is not exactly one encoded AppSync.
    #[error("R2: malformed AppSync body: {0}")]
    MalformedAppSync(CodecError),
    /// R7/R9: the AppSync comes from neither a member nor a listed external sender.
    #[error("R7: AppSync from an unauthorized sender {sender:?}")]
    UnauthorizedSender {
        /// The sender as mls-rs reported it.
        sender: Sender,
    },
    /// The group's own `application_states` extension does not decode (R1).
    #[error("R1: the group's application_states extension is malformed: {0}")]
    MalformedApplicationStates(CodecError),
}

impl IntoAnyError for AppSyncError {
    fn into_dyn_error(self) -> Result<Box<dyn std::error::Error + Send + Sync>, Self> {
        // Boxing the typed error (instead of the default Debug string) is
        // what lets `app_sync_error` downcast it later.
        Ok(Box::new(self))
    }
}

/// Recover the [`AppSyncError`] behind an error returned by mls-rs
/// (`process_incoming_message`, `CommitBuilder::build`, ...).
///
/// Returns `None` when the error did not come from the AppSync rules.
pub fn app_sync_error(error: &MlsError) -> Option<AppSyncError> {
    match error {
        MlsError::MlsRulesError(any) => any
            .inner_dyn_error()
            .downcast_ref::<AppSyncError>()
            .cloned(),
        _ => None,
    }
}

/// The class of a rejection, shared with the model and the conformance harness.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RejectionReason {
    /// R4: AppSync next to a GroupContextExtensions proposal.
    AppSyncWithGce,
    /// R5: two AppSyncs for one `application_id`.
    DuplicateApplicationId,
    /// R3: AppSync for an `application_id` without an entry.
    UnknownApplicationId,
    /// R2: AppSync body does not decode.
    MalformedAppSync,
    /// R7/R9: sender is neither a member nor a listed external sender (also
    /// when mls-rs itself refuses the sender, e.g. a bad external signature).
    UnauthorizedSender,
    /// R9: the committer's GroupContext differs from the receiver's (seen as
    /// an invalid confirmation tag), e.g. a committer that did not apply an AppSync.
    StateMismatch,
    /// The message belongs to another epoch.
    WrongEpoch,
    /// Anything else.
    Other,
}

impl RejectionReason {
    /// Every class, in declaration order.
    pub const ALL: [RejectionReason; 8] = [
        RejectionReason::AppSyncWithGce,
        RejectionReason::DuplicateApplicationId,
        RejectionReason::UnknownApplicationId,
        RejectionReason::MalformedAppSync,
        RejectionReason::UnauthorizedSender,
        RejectionReason::StateMismatch,
        RejectionReason::WrongEpoch,
        RejectionReason::Other,
    ];

    /// A stable snake_case name (used in test-vector files).
    pub fn name(self) -> &'static str {
        match self {
            RejectionReason::AppSyncWithGce => "app_sync_with_gce",
            RejectionReason::DuplicateApplicationId => "duplicate_application_id",
            RejectionReason::UnknownApplicationId => "unknown_application_id",
            RejectionReason::MalformedAppSync => "malformed_app_sync",
            RejectionReason::UnauthorizedSender => "unauthorized_sender",
            RejectionReason::StateMismatch => "state_mismatch",
            RejectionReason::WrongEpoch => "wrong_epoch",
            RejectionReason::Other => "other",
        }
    }

    /// The class named `name` (see [`RejectionReason::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// Classify an error returned by mls-rs while processing a message.
pub fn rejection_reason(error: &MlsError) -> RejectionReason {
    if let Some(app_sync) = app_sync_error(error) {
        return match app_sync {
            AppSyncError::AppSyncWithGroupContextExtensions => RejectionReason::AppSyncWithGce,
            AppSyncError::DuplicateApplicationId { .. } => RejectionReason::DuplicateApplicationId,
            AppSyncError::UnknownApplicationId { .. } => RejectionReason::UnknownApplicationId,
            AppSyncError::MalformedAppSync(_) => RejectionReason::MalformedAppSync,
            AppSyncError::UnauthorizedSender { .. } => RejectionReason::UnauthorizedSender,
            AppSyncError::MalformedApplicationStates(_) => RejectionReason::Other,
        };
    }
    match error {
        MlsError::InvalidConfirmationTag => RejectionReason::StateMismatch,
        MlsError::InvalidEpoch | MlsError::EpochNotFound => RejectionReason::WrongEpoch,
        // mls-rs authenticates senders before our rules run; these are its
        // ways of saying "not a member, not a listed external sender".
        MlsError::InvalidSignature
        | MlsError::InvalidMembershipTag
        | MlsError::MembershipTagForNonMember
        | MlsError::UnknownSigningIdentityForExternalSender
        | MlsError::ExternalProposalsDisabled
        | MlsError::InvalidExternalSigningIdentity
        | MlsError::ExpectedAddProposalForNewMemberProposal
        | MlsError::ExpectedCommitForNewMemberCommit
        | MlsError::InvalidSender
        | MlsError::InvalidProposalTypeForSender => RejectionReason::UnauthorizedSender,
        _ => RejectionReason::Other,
    }
}

/// Errors while setting up clients and groups (key generation, encoding the
/// initial extensions, mls-rs calls).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// mls-rs refused an operation.
    #[error(transparent)]
    Mls(#[from] MlsError),
    /// An initial extension could not be encoded.
    #[error(transparent)]
    Codec(#[from] CodecError),
    /// An extension could not be set.
    #[error(transparent)]
    Extension(#[from] mls_rs::error::ExtensionError),
    /// The crypto provider failed (unsupported cipher suite, key generation).
    #[error("crypto provider: {0}")]
    Crypto(String),
    /// Two initial application states have the same id.
    #[error("two initial application states have id {0}")]
    DuplicateInitialId(u32),
}

#[cfg(test)]
mod tests {
    use super::RejectionReason;

    #[test]
    fn reason_names_round_trip_and_are_distinct() {
        for reason in RejectionReason::ALL {
            assert_eq!(RejectionReason::from_name(reason.name()), Some(reason));
        }
        let mut names: Vec<_> = RejectionReason::ALL.iter().map(|r| r.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RejectionReason::ALL.len());
        assert_eq!(RejectionReason::from_name("no such reason"), None);
    }
}
