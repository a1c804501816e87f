//! Errors: why the rules reject an AppSync, and how to read a rejection back
//! out of the `MlsError` that mls-rs returns.

use mls_rs::error::{IntoAnyError, MlsError};
use mls_rs::group::Sender;

use crate::codec::CodecError;

/// A violation of the AppSync rules, raised by [`AppSyncRules`](crate::AppSyncRules).
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
    /// R10: the `application_states` a GroupContextExtensions proposal would
    /// install (or the group's own) is not a well-formed list.
    #[error("R10: application_states would be ill-formed: {0}")]
    InvalidApplicationStates(StatesDefect),
}

/// What is wrong with an `application_states` extension (R10).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatesDefect {
    /// Its bytes are not exactly one `ApplicationStatesExtension` (R1).
    #[error("it does not decode: {0}")]
    Malformed(CodecError),
    /// Two entries have this `application_id`.
    #[error("application_id {0} has two entries")]
    RepeatedApplicationId(u32),
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

/// The class of a rejection: which rule a message broke, or why it could not
/// be processed at all. The conformance harness compares these classes with
/// the model's reasons, and the AppSync vectors record them by [`name`].
///
/// [`name`]: RejectionReason::name
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RejectionReason {
    /// R4: AppSync next to a GroupContextExtensions proposal.
    AppSyncWithGce,
    /// R5: two AppSyncs for one `application_id`.
    DuplicateApplicationId,
    /// R3: AppSync for an `application_id` without an entry.
    UnknownApplicationId,
    /// R2: AppSync body does not decode.
    MalformedAppSync,
    /// R7/R9: an authenticated sender that may not do this (our rules, or
    /// mls-rs refusing a sender kind after authenticating it). Never the
    /// class of a message that failed authentication.
    UnauthorizedSender,
    /// R10: the commit or proposal would leave `application_states`
    /// ill-formed.
    InvalidApplicationStates,
    /// R9: the committer's GroupContext differs from the receiver's (seen as
    /// an invalid confirmation tag), e.g. a committer that did not apply an AppSync.
    StateMismatch,
    /// The message could not be authenticated: signature, membership tag or
    /// AEAD failure, or a claimed sender the group cannot verify.
    AuthenticationFailure,
    /// The message belongs to another epoch.
    WrongEpoch,
    /// The message belongs to another group.
    WrongGroup,
    /// The bytes are not a message this group can process: they do not
    /// decode, or their framing breaks RFC 9420 (a sender kind or content
    /// type that cannot go together, an unencrypted application message).
    MalformedMessage,
    /// A commit covers a proposal by reference that this member does not have.
    UnknownProposal,
    /// Anything else (e.g. a PrivateMessage whose key was already used: a replay).
    Other,
}

impl RejectionReason {
    /// Every class, in declaration order.
    pub const ALL: [RejectionReason; 13] = [
        RejectionReason::AppSyncWithGce,
        RejectionReason::DuplicateApplicationId,
        RejectionReason::UnknownApplicationId,
        RejectionReason::MalformedAppSync,
        RejectionReason::UnauthorizedSender,
        RejectionReason::InvalidApplicationStates,
        RejectionReason::StateMismatch,
        RejectionReason::AuthenticationFailure,
        RejectionReason::WrongEpoch,
        RejectionReason::WrongGroup,
        RejectionReason::MalformedMessage,
        RejectionReason::UnknownProposal,
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
            RejectionReason::InvalidApplicationStates => "invalid_application_states",
            RejectionReason::StateMismatch => "state_mismatch",
            RejectionReason::AuthenticationFailure => "authentication_failure",
            RejectionReason::WrongEpoch => "wrong_epoch",
            RejectionReason::WrongGroup => "wrong_group",
            RejectionReason::MalformedMessage => "malformed_message",
            RejectionReason::UnknownProposal => "unknown_proposal",
            RejectionReason::Other => "other",
        }
    }

    /// The class named `name` (see [`RejectionReason::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// The class of an [`AppSyncError`]: the rule it reports.
pub fn app_sync_reason(error: &AppSyncError) -> RejectionReason {
    match error {
        AppSyncError::AppSyncWithGroupContextExtensions => RejectionReason::AppSyncWithGce,
        AppSyncError::DuplicateApplicationId { .. } => RejectionReason::DuplicateApplicationId,
        AppSyncError::UnknownApplicationId { .. } => RejectionReason::UnknownApplicationId,
        AppSyncError::MalformedAppSync(_) => RejectionReason::MalformedAppSync,
        AppSyncError::UnauthorizedSender { .. } => RejectionReason::UnauthorizedSender,
        AppSyncError::InvalidApplicationStates(_) => RejectionReason::InvalidApplicationStates,
    }
}

/// Classify an error returned by mls-rs while processing a message.
///
/// mls-rs checks framing and authentication before the AppSync rules run.
/// Its refusals are sorted so that a message that failed authentication is
/// never blamed on its (claimed) sender: [`RejectionReason::UnauthorizedSender`]
/// is only for senders mls-rs has authenticated.
pub fn rejection_reason(error: &MlsError) -> RejectionReason {
    if let Some(app_sync) = app_sync_error(error) {
        return app_sync_reason(&app_sync);
    }
    match error {
        MlsError::InvalidConfirmationTag => RejectionReason::StateMismatch,
        MlsError::InvalidEpoch | MlsError::EpochNotFound => RejectionReason::WrongEpoch,
        MlsError::GroupIdMismatch => RejectionReason::WrongGroup,
        MlsError::ProposalNotFound => RejectionReason::UnknownProposal,
        // Signature, membership tag, AEAD (reported by the crypto provider),
        // or a claimed sender whose key the group does not have.
        MlsError::InvalidSignature
        | MlsError::InvalidMembershipTag
        | MlsError::CryptoProviderError(_)
        | MlsError::LeafNotFound(_)
        | MlsError::MemberNotFound
        | MlsError::UnknownSigningIdentityForExternalSender
        | MlsError::InvalidExternalSigningIdentity
        | MlsError::ExternalProposalsDisabled => RejectionReason::AuthenticationFailure,
        // Framing that RFC 9420 does not allow, or no group message at all.
        MlsError::SerializationError(_)
        | MlsError::UnexpectedMessageType
        | MlsError::UnencryptedApplicationMessage
        | MlsError::MembershipTagForNonMember
        | MlsError::ExpectedAddProposalForNewMemberProposal
        | MlsError::ExpectedCommitForNewMemberCommit
        | MlsError::InvalidSender
        | MlsError::UnsupportedProtocolVersion(_)
        | MlsError::ProtocolVersionMismatch
        | MlsError::CipherSuiteMismatch => RejectionReason::MalformedMessage,
        // Authenticated senders doing what their kind may not.
        MlsError::InvalidProposalTypeForSender
        | MlsError::ExternalSenderCannotCommit
        | MlsError::OnlyMembersCanCommitProposalsByRef => RejectionReason::UnauthorizedSender,
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
    /// The initial `application_states` breaks another rule (R10).
    #[error(transparent)]
    Rules(AppSyncError),
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
