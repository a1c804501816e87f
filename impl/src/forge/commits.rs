//! The forged commits: a [`ForgeryKind`] of rule-breaking commit, or a
//! [`ForgedCommit`] of the caller's own design, built by a member whose
//! [`ForgingRules`] let everything through on Send; and a non-member's
//! external commit carrying an AppSync.

use mls_rs::client_builder::MlsConfig;
use mls_rs::error::MlsError;
use mls_rs::group::Sender;
use mls_rs::group::proposal::{CustomProposal, Proposal};
use mls_rs::{CryptoProvider, ExtensionList, Group, MlsMessage};

use super::{ForgeGuard, ForgeMode, Forging, ForgingRules};
use crate::client::{AppSyncClient, AppSyncGroup};
use crate::codec::{AppSync, ApplicationState, CodecError};
use crate::constants::APP_SYNC_PROPOSAL_TYPE;
use crate::extension::with_application_states;
use crate::group::AppSyncGroupExt;
use crate::proposal::to_custom_proposal;

/// The rule-breaking commits a forging member can make.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ForgeryKind {
    /// An AppSync and a GroupContextExtensions proposal in one commit (R4).
    AppSyncWithGce,
    /// Two AppSyncs for the same id (R5).
    DuplicateId,
    /// An AppSync for an id without an entry (R3).
    UnknownId,
    /// A valid AppSync that the committer does not apply to its own next
    /// GroupContext (R9: receivers see a confirmation tag mismatch).
    UnappliedAppSync,
    /// A custom proposal of the AppSync type whose body is not an AppSync
    /// (R2).
    MalformedBody,
    /// No AppSync, but a GroupContextExtensions proposal whose
    /// `application_states` names the first entry's id twice (R10).
    IllFormedApplicationStates,
}

impl ForgeryKind {
    /// The AppSyncs a forged commit of this kind carries by value, for a
    /// group whose `application_states` are `states`: the first entry's id is
    /// the "known" id and the smallest id without an entry the "unknown" one.
    /// (`AppSyncWithGce` also carries a GroupContextExtensions proposal with
    /// the current extensions; `MalformedBody` carries a truncated body.)
    pub fn payload(&self, states: &[ApplicationState]) -> Result<Vec<AppSync>, ForgeError> {
        let known = || {
            states
                .first()
                .map(|s| s.application_id())
                .ok_or(ForgeError::NoApplicationState)
        };
        Ok(match self {
            ForgeryKind::AppSyncWithGce => {
                vec![AppSync::new(known()?, b"forged-with-gce".to_vec())]
            }
            ForgeryKind::DuplicateId => vec![
                AppSync::new(known()?, b"forged-first".to_vec()),
                AppSync::new(known()?, b"forged-second".to_vec()),
            ],
            ForgeryKind::UnknownId => {
                let unknown = (0..=u32::MAX)
                    .find(|id| states.iter().all(|s| s.application_id() != *id))
                    .ok_or(ForgeError::NoApplicationState)?;
                vec![AppSync::new(unknown, b"forged-unknown".to_vec())]
            }
            ForgeryKind::UnappliedAppSync => {
                vec![AppSync::new(known()?, b"forged-unapplied".to_vec())]
            }
            ForgeryKind::MalformedBody | ForgeryKind::IllFormedApplicationStates => Vec::new(),
        })
    }
}

/// Why a forgery could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ForgeError {
    /// mls-rs refused to build it.
    #[error(transparent)]
    Mls(#[from] MlsError),
    /// Encoding failed.
    #[error(transparent)]
    Codec(#[from] CodecError),
    /// The forgery needs an existing application id and the group has none.
    #[error("the group has no application state to target")]
    NoApplicationState,
    /// The crypto provider failed.
    #[error("crypto provider: {0}")]
    Crypto(String),
}

/// Build, as the member owning `group`, a commit of kind `kind` that skips
/// the Send-side rules. `rules` must be the [`ForgingRules`] installed on
/// that member's client ([`AppSyncClient::rules`]).
///
/// The commit is not applied: the forger's group stays where it was, so the
/// test can go on with it. Cached by-reference proposals are included, as
/// mls-rs always does.
pub fn forge_commit<C: MlsConfig>(
    rules: &ForgingRules,
    group: &mut Group<C>,
    kind: ForgeryKind,
) -> Result<MlsMessage, ForgeError> {
    let message = forge_commit_pending(rules, group, kind)?;
    group.clear_pending_commit();
    Ok(message)
}

/// Like [`forge_commit`], but leave the forged commit pending in `group`, so
/// that `apply_pending_commit` moves the forger into the epoch it forged.
pub fn forge_commit_pending<C: MlsConfig>(
    rules: &ForgingRules,
    group: &mut Group<C>,
    kind: ForgeryKind,
) -> Result<MlsMessage, ForgeError> {
    let mut proposals = kind
        .payload(&group.application_states()?)?
        .iter()
        .map(to_custom_proposal)
        .collect::<Result<Vec<_>, _>>()?;
    if kind == ForgeryKind::MalformedBody {
        // A uint32 id and nothing else: the state length is missing.
        proposals.push(CustomProposal::new(
            APP_SYNC_PROPOSAL_TYPE,
            vec![0, 0, 0, 1],
        ));
    }
    let group_context_extensions = match kind {
        ForgeryKind::AppSyncWithGce => Some(group.context().extensions.clone()),
        ForgeryKind::IllFormedApplicationStates => {
            let mut states = group.application_states()?;
            let first = states
                .first()
                .cloned()
                .ok_or(ForgeError::NoApplicationState)?;
            states.push(first);
            Some(with_application_states(
                &group.context().extensions,
                states,
            )?)
        }
        _ => None,
    };
    let forgery = ForgedCommit {
        proposals,
        group_context_extensions,
        apply: !matches!(
            kind,
            ForgeryKind::UnappliedAppSync | ForgeryKind::MalformedBody
        ),
        create_unknown_ids: true,
        by_reference: None,
    };
    forge_custom_commit_pending(rules, group, &forgery)
}

/// A commit of the adversary's own design, for replaying arbitrary
/// rule-breaking steps (e.g. from model traces).
#[derive(Clone, Debug, Default)]
pub struct ForgedCommit {
    /// Custom proposals to commit by value, in this order (build AppSyncs
    /// with [`to_custom_proposal`]; any bytes are allowed).
    pub proposals: Vec<CustomProposal>,
    /// A by-value GroupContextExtensions proposal to add, if any.
    pub group_context_extensions: Option<ExtensionList>,
    /// Whether the forger applies the AppSyncs to its own next
    /// GroupContext (in order, creating unknown ids, last write wins, and
    /// not when a GroupContextExtensions proposal is present). `false`
    /// yields a commit that honest receivers see as a state mismatch.
    pub apply: bool,
    /// With `apply`, whether an AppSync for an id without an entry creates
    /// the entry in the forger's next GroupContext (`false`: it changes
    /// nothing there, as for a member under the "reject" reading).
    pub create_unknown_ids: bool,
    /// The cached (by-reference) proposals the commit keeps, each named by
    /// its sender and content; every other cached proposal is left out.
    /// `None` keeps them all, as mls-rs's commit builder does.
    pub by_reference: Option<Vec<(Sender, Proposal)>>,
}

/// Build `forgery` as the member owning `group`, skipping the Send-side
/// rules, and leave the group unchanged (see [`forge_commit`]).
pub fn forge_custom_commit<C: MlsConfig>(
    rules: &ForgingRules,
    group: &mut Group<C>,
    forgery: &ForgedCommit,
) -> Result<MlsMessage, ForgeError> {
    let message = forge_custom_commit_pending(rules, group, forgery)?;
    group.clear_pending_commit();
    Ok(message)
}

/// Like [`forge_custom_commit`], but leave the commit pending.
pub fn forge_custom_commit_pending<C: MlsConfig>(
    rules: &ForgingRules,
    group: &mut Group<C>,
    forgery: &ForgedCommit,
) -> Result<MlsMessage, ForgeError> {
    let mode = if forgery.apply {
        ForgeMode::PassThroughApply
    } else {
        ForgeMode::PassThroughSkip
    };
    let forging = Forging {
        mode,
        create_unknown_ids: forgery.create_unknown_ids,
        by_reference: forgery.by_reference.clone(),
    };
    let _guard = ForgeGuard::new(&rules.0.switch, forging);
    let mut builder = group.commit_builder();
    for proposal in &forgery.proposals {
        builder = builder.custom_proposal(proposal.clone());
    }
    if let Some(extensions) = &forgery.group_context_extensions {
        builder = builder.raw_proposal(Proposal::GroupContextExtensions(extensions.clone()));
    }
    Ok(builder.build()?.commit_message)
}

/// Make `joiner` (not a member) join by external commit carrying `app_sync`
/// by value, bypassing its own Send-side rules. `group_info` must allow
/// external commits (`Group::group_info_message_allowing_ext_commit(true)`).
///
/// Returns the joiner's group (which believes the commit succeeded) and the
/// commit to deliver. Honest members reject it: a NewMemberCommit sender is
/// not authorized to send AppSync (R7).
pub fn external_commit_with_app_sync<P: CryptoProvider + Clone>(
    joiner: &AppSyncClient<P, ForgingRules>,
    group_info: MlsMessage,
    app_sync: &AppSync,
) -> Result<(AppSyncGroup<P, ForgingRules>, MlsMessage), ForgeError> {
    let _guard = ForgeGuard::new(&joiner.rules().0.switch, Forging::applying());
    let (group, commit) = joiner
        .mls_client()
        .external_commit_builder()?
        .with_custom_proposal(to_custom_proposal(app_sync)?)
        .build(group_info)?;
    Ok((group, commit))
}
