//! A forging adversary for tests and the conformance harness (cargo feature
//! `forge`).
//!
//! [`ForgingRules`] wraps [`AppSyncRules`] the way the benchmarks' rules
//! do: it delegates everything, except that while a forgery is being built
//! its Send side lets every proposal through. The rules a user ships never
//! see it. Honest members must reject what this module builds:
//!
//! * [`forge_commit`] makes a member commit a [`ForgeryKind`] while its rules
//!   let everything through on Send (the receive side stays honest);
//! * [`external_commit_with_app_sync`] makes a non-member join by external
//!   commit carrying an AppSync (a NewMemberCommit sender, R7);
//! * [`unauthorized_app_sync_proposal`] hand-builds a PublicMessage AppSync
//!   proposal signed by a key the group does not list (R7, R9).

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use mls_rs::client_builder::MlsConfig;
use mls_rs::error::MlsError;
use mls_rs::group::proposal::{CustomProposal, Proposal};
use mls_rs::group::{GroupContext, Roster};
use mls_rs::mls_rules::{
    CommitDirection, CommitOptions, CommitSource, EncryptionOptions, ProposalBundle, ProposalSource,
};
use mls_rs::{
    CipherSuite, CipherSuiteProvider, CryptoProvider, ExtensionList, Group, MlsMessage, MlsRules,
};
use mls_rs_crypto_rustcrypto::RustCryptoProvider;
use tls_codec::VLBytes;

use crate::client::{AppSyncClient, AppSyncGroup, WrapsAppSyncRules};
use crate::codec::{self, AppSync, ApplicationState, CodecError};
use crate::constants::APP_SYNC_PROPOSAL_TYPE;
use crate::error::AppSyncError;
use crate::extension::with_application_states;
use crate::group::AppSyncGroupExt;
use crate::proposal::{decode_app_sync, is_app_sync, to_custom_proposal};
use crate::rules::{
    AppSyncRules, UnknownIdPolicy, committer_sender, r3_apply_app_sync,
    r9_inject_application_states, r10_well_formed_application_states,
};

/// How the Send side behaves while forging.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ForgeMode {
    /// No validation; apply every AppSync in bundle order (creating unknown
    /// ids) unless a GroupContextExtensions proposal is present.
    PassThroughApply = 1,
    /// No validation and no application: the commit carries AppSyncs that
    /// the committer's own next GroupContext does not reflect.
    PassThroughSkip = 2,
}

/// Shared switch read by [`ForgingRules`] on Send.
#[derive(Clone, Debug, Default)]
struct ForgeSwitch(Arc<AtomicU8>);

impl ForgeSwitch {
    fn mode(&self) -> Option<ForgeMode> {
        match self.0.load(Ordering::SeqCst) {
            1 => Some(ForgeMode::PassThroughApply),
            2 => Some(ForgeMode::PassThroughSkip),
            _ => None,
        }
    }

    fn set(&self, mode: Option<ForgeMode>) {
        self.0.store(mode.map_or(0, |m| m as u8), Ordering::SeqCst);
    }
}

/// Turns forging on for as long as it lives; back to honest on drop, even
/// if commit building fails.
struct ForgeGuard<'a>(&'a ForgeSwitch);

impl<'a> ForgeGuard<'a> {
    fn new(switch: &'a ForgeSwitch, mode: ForgeMode) -> Self {
        switch.set(Some(mode));
        Self(switch)
    }
}

impl Drop for ForgeGuard<'_> {
    fn drop(&mut self) {
        self.0.set(None);
    }
}

/// [`AppSyncRules`] plus a switch that, while a forgery is built, replaces
/// the Send side. Clones share the switch (mls-rs clones the rules into every
/// group of the client). Install it with
/// `AppSyncClient::builder(name).rules(ForgingRules::new(rules))`.
#[derive(Clone, Debug, Default)]
pub struct ForgingRules {
    honest: AppSyncRules,
    switch: ForgeSwitch,
}

impl ForgingRules {
    /// `honest` rules that can be made to forge.
    pub fn new(honest: AppSyncRules) -> Self {
        Self {
            honest,
            switch: ForgeSwitch::default(),
        }
    }
}

impl WrapsAppSyncRules for ForgingRules {
    fn app_sync_rules(&self) -> &AppSyncRules {
        &self.honest
    }
}

impl MlsRules for ForgingRules {
    type Error = AppSyncError;

    fn filter_proposals(
        &self,
        direction: CommitDirection,
        source: CommitSource,
        roster: &Roster,
        context: &GroupContext,
        bundle: ProposalBundle,
    ) -> Result<ProposalBundle, AppSyncError> {
        match (direction, self.switch.mode()) {
            (CommitDirection::Send, Some(mode)) => forged_send(mode, &source, context, bundle),
            _ => self
                .honest
                .filter_proposals(direction, source, roster, context, bundle),
        }
    }

    fn commit_options(
        &self,
        roster: &Roster,
        context: &GroupContext,
        bundle: &ProposalBundle,
    ) -> Result<CommitOptions, AppSyncError> {
        self.honest.commit_options(roster, context, bundle)
    }

    fn encryption_options(
        &self,
        roster: &Roster,
        context: &GroupContext,
    ) -> Result<EncryptionOptions, AppSyncError> {
        self.honest.encryption_options(roster, context)
    }

    fn custom_proposal_requires_update_path(&self, proposal: &CustomProposal) -> bool {
        self.honest.custom_proposal_requires_update_path(proposal)
    }
}

/// The Send side of a forging committer.
fn forged_send(
    mode: ForgeMode,
    source: &CommitSource,
    context: &GroupContext,
    mut bundle: ProposalBundle,
) -> Result<ProposalBundle, AppSyncError> {
    if mode == ForgeMode::PassThroughSkip {
        return Ok(bundle);
    }
    let mut states = r10_well_formed_application_states(&context.extensions)?;
    let mut any = false;
    for info in bundle
        .custom_proposals()
        .iter()
        .filter(|p| is_app_sync(&p.proposal))
    {
        if let Ok(app_sync) = decode_app_sync(&info.proposal) {
            r3_apply_app_sync(&mut states, &app_sync, UnknownIdPolicy::Create)?;
            any = true;
        }
    }
    let has_gce = bundle
        .group_context_ext_proposals()
        .iter()
        .any(|p| p.source != ProposalSource::Local);
    if any && !has_gce {
        r9_inject_application_states(&mut bundle, committer_sender(source), context, states)?;
    }
    Ok(bundle)
}

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
    let forgery = Forgery {
        proposals,
        group_context_extensions,
        apply: !matches!(
            kind,
            ForgeryKind::UnappliedAppSync | ForgeryKind::MalformedBody
        ),
    };
    forge_custom_commit_pending(rules, group, &forgery)
}

/// A commit of the adversary's own design, for replaying arbitrary
/// rule-breaking steps (e.g. from model traces).
#[derive(Clone, Debug, Default)]
pub struct Forgery {
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
}

/// Build `forgery` as the member owning `group`, skipping the Send-side
/// rules, and leave the group unchanged (see [`forge_commit`]).
pub fn forge_custom_commit<C: MlsConfig>(
    rules: &ForgingRules,
    group: &mut Group<C>,
    forgery: &Forgery,
) -> Result<MlsMessage, ForgeError> {
    let message = forge_custom_commit_pending(rules, group, forgery)?;
    group.clear_pending_commit();
    Ok(message)
}

/// Like [`forge_custom_commit`], but leave the commit pending.
pub fn forge_custom_commit_pending<C: MlsConfig>(
    rules: &ForgingRules,
    group: &mut Group<C>,
    forgery: &Forgery,
) -> Result<MlsMessage, ForgeError> {
    let mode = if forgery.apply {
        ForgeMode::PassThroughApply
    } else {
        ForgeMode::PassThroughSkip
    };
    let _guard = ForgeGuard::new(&rules.switch, mode);
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
    let _guard = ForgeGuard::new(&joiner.rules().switch, ForgeMode::PassThroughApply);
    let (group, commit) = joiner
        .mls_client()
        .external_commit_builder()?
        .with_custom_proposal(to_custom_proposal(app_sync)?)
        .build(group_info)?;
    Ok((group, commit))
}

/// Who a hand-built proposal claims to come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ForgedSender {
    /// `external_senders[index]`, signed with a key that is not the listed one
    /// (or an index past the end of the list).
    External(u32),
    /// A prospective member (RFC 9420 allows only Add from this sender).
    NewMemberProposal,
}

/// Hand-build a PublicMessage carrying `app_sync` as a proposal of `group_id`
/// at `epoch`, from `sender`, signed with a fresh key that the group does not
/// know. mls-rs cannot produce this (its `ExternalGroup` refuses unlisted
/// signers), hence the manual encoding (RFC 9420, section 6).
pub fn unauthorized_app_sync_proposal(
    group_id: &[u8],
    epoch: u64,
    cipher_suite: CipherSuite,
    sender: ForgedSender,
    app_sync: &AppSync,
) -> Result<MlsMessage, ForgeError> {
    const MLS10: u16 = 1;
    const PUBLIC_MESSAGE: u16 = 1;
    const CONTENT_PROPOSAL: u8 = 2;

    // FramedContent
    let mut content = codec::encode(&VLBytes::new(group_id.to_vec()))?;
    content.extend_from_slice(&epoch.to_be_bytes());
    match sender {
        ForgedSender::External(index) => {
            content.push(2);
            content.extend_from_slice(&index.to_be_bytes());
        }
        ForgedSender::NewMemberProposal => content.push(3),
    }
    content.extend(codec::encode(&VLBytes::new(Vec::new()))?); // authenticated_data
    content.push(CONTENT_PROPOSAL);
    content.extend_from_slice(&APP_SYNC_PROPOSAL_TYPE.raw_value().to_be_bytes());
    content.extend(codec::encode(&VLBytes::new(codec::encode(app_sync)?))?);

    // FramedContentTBS: no GroupContext for external / new-member-proposal senders.
    let mut tbs = Vec::new();
    tbs.extend_from_slice(&MLS10.to_be_bytes());
    tbs.extend_from_slice(&PUBLIC_MESSAGE.to_be_bytes());
    tbs.extend_from_slice(&content);
    let mut sign_content = codec::encode(&VLBytes::new(b"MLS 1.0 FramedContentTBS".to_vec()))?;
    sign_content.extend(codec::encode(&VLBytes::new(tbs))?);

    let provider = RustCryptoProvider::default()
        .cipher_suite_provider(cipher_suite)
        .ok_or_else(|| ForgeError::Crypto(format!("unsupported cipher suite {cipher_suite:?}")))?;
    let (secret, _public) = provider
        .signature_key_generate()
        .map_err(|e| ForgeError::Crypto(format!("{e:?}")))?;
    let signature = provider
        .sign(&secret, &sign_content)
        .map_err(|e| ForgeError::Crypto(format!("{e:?}")))?;

    // MLSMessage { version, wire_format, PublicMessage { content, auth } };
    // no membership tag for non-member senders.
    let mut message = Vec::new();
    message.extend_from_slice(&MLS10.to_be_bytes());
    message.extend_from_slice(&PUBLIC_MESSAGE.to_be_bytes());
    message.extend_from_slice(&content);
    message.extend(codec::encode(&VLBytes::new(signature))?);
    Ok(MlsMessage::from_bytes(&message)?)
}
