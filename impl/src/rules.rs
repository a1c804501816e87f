//! [`AppSyncRules`]: the `MlsRules` that give AppSync its meaning in mls-rs.
//!
//! mls-rs calls [`MlsRules::filter_proposals`] on the committer
//! (`CommitDirection::Send`) and on every receiver (`CommitDirection::Receive`)
//! with the proposals of a commit, before it applies them. This hook is the
//! only place AppSync is interpreted. It validates the AppSyncs, applies them
//! in order to a copy of the current `application_states`, and adds one
//! GroupContextExtensions proposal with `ProposalSource::Local` carrying the
//! result. Local proposals are applied but never sent, so the wire carries
//! the AppSyncs alone and every member computes the same next GroupContext.
//!
//! Each rule is enforced in exactly one function:
//!
//! | rule | function |
//! |------|----------|
//! | R3 | [`r3_apply_app_sync`] |
//! | R4 | [`r4_no_gce_with_app_sync`] |
//! | R5 | [`r5_one_app_sync_per_id`] (one per id, the Send order), [`r5_apply_in_order`] |
//! | R6 | [`AppSyncRules::custom_proposal_requires_update_path`] |
//! | R7 | [`r7_authorized_sender`] |
//! | R8 | [`AppSyncRules::encryption_options`] |
//! | R9 | [`r9_inject_application_states`] |
//! | R10 | [`r10_well_formed_application_states`] |
//!
//! R10 is this project's rule, not the draft's: no commit may leave the next
//! GroupContext with an `application_states` that does not decode or names
//! an id twice, whether or not the commit holds an AppSync (else one
//! GroupContextExtensions commit could break AppSync for everyone).
//!
//! # Receive and Send
//!
//! mls-rs calls the rules for commits. A by-reference proposal is judged
//! again when it arrives ([`arrival_verdict`], called by the crate's
//! `process`): R2, R7 and R10 depend on the proposal alone.
//!
//! On Receive any violation rejects the commit: mls-rs then leaves the group
//! state unchanged. Checks run in this order, which decides the reported
//! reason when a commit breaks several rules: GroupContextExtensions content
//! (R10), malformed body (R2), sender (R7), duplicate id (R5), unknown id
//! (R3), GroupContextExtensions next to AppSync (R4).
//!
//! On Send the same functions run, but a proposal that came by reference
//! (someone else's cached proposal) and breaks a rule is dropped, so one bad
//! cached proposal never blocks a commit, while a proposal the committer
//! added by value makes commit building fail with the typed error.
//!
//! # Canonical order on Send
//!
//! With `std`, mls-rs keeps cached proposals in a `HashMap`, so they reach
//! this hook in an arbitrary order. To make the committer deterministic, the
//! Send side first sorts the AppSyncs: by-reference ones by (sender: members
//! by leaf index, then external senders by index; `application_id`;
//! `new_state` bytes), then the by-value ones in the order the caller gave.
//! Per `application_id` it keeps the by-value AppSync if there is one, else
//! the first by-reference one. The survivors go on the wire in that order,
//! which is also the order in which every receiver applies them (R5).
//!
//! The check order above holds on Send too, so R4 only looks at the AppSyncs
//! that survived the other rules. Next to a surviving AppSync, a
//! by-reference GroupContextExtensions proposal is dropped; a by-value one is
//! an error if some surviving AppSync is by value too, and otherwise the
//! committer's own proposal wins and the by-reference AppSyncs are dropped.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use mls_rs::ExtensionList;
use mls_rs::MlsRules;
use mls_rs::client_builder::PaddingMode;
use mls_rs::extension::built_in::ExternalSendersExt;
use mls_rs::group::proposal::{CustomProposal, Proposal};
use mls_rs::group::{GroupContext, Roster, Sender};
use mls_rs::mls_rules::{
    CommitDirection, CommitOptions, CommitSource, EncryptionOptions, ProposalBundle, ProposalInfo,
    ProposalSource,
};

use crate::codec::AppSync;
use crate::error::{AppSyncError, StatesDefect};
use crate::extension::{IndexedStates, application_states, with_application_states};
use crate::fault::Fault;
use crate::proposal::{decode_app_sync, is_app_sync};

/// What to do with an AppSync whose `application_id` has no entry (R3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UnknownIdPolicy {
    /// The proposal list is invalid (this crate's reading of the draft's
    /// "identify ... which contains the same applicationId"). Default.
    #[default]
    Reject,
    /// Append a new entry at the end of the list (the reading taken by the
    /// successor text, AppDataUpdate). The list is not re-sorted.
    Create,
}

/// Whether this member sends its handshake messages (proposals and
/// commits) as PublicMessage or PrivateMessage (R8).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WireFormatPolicy {
    /// PublicMessage: readable by intermediaries, e.g. to enforce policy.
    Public,
    /// PrivateMessage: confidential to the group. The draft says
    /// applications "should generally prefer" it. Default.
    #[default]
    Private,
}

/// The `MlsRules` implementing AppSync (R3 to R9). Install it on every client.
///
/// Cloning shares the wire-format switch: mls-rs clones the rules into every
/// group of a client, and the application keeps a clone to choose the wire
/// format per message.
#[derive(Clone, Debug)]
pub struct AppSyncRules {
    unknown_id_policy: UnknownIdPolicy,
    private_handshake: Arc<AtomicBool>,
    #[cfg(feature = "fault-injection")]
    fault: Option<Fault>,
}

impl Default for AppSyncRules {
    fn default() -> Self {
        Self {
            unknown_id_policy: UnknownIdPolicy::default(),
            private_handshake: Arc::new(AtomicBool::new(
                WireFormatPolicy::default() == WireFormatPolicy::Private,
            )),
            #[cfg(feature = "fault-injection")]
            fault: None,
        }
    }
}

impl AppSyncRules {
    /// Rules with the defaults: unknown ids rejected, PrivateMessage.
    pub fn new() -> Self {
        Self::default()
    }

    /// Choose the reading of R3 for unknown ids.
    pub fn with_unknown_id_policy(mut self, policy: UnknownIdPolicy) -> Self {
        self.unknown_id_policy = policy;
        self
    }

    /// Choose the initial wire format (R8).
    pub fn with_wire_format(self, policy: WireFormatPolicy) -> Self {
        self.set_wire_format(policy);
        self
    }

    /// Switch the wire format of the next handshake messages (R8). Affects
    /// every group of the client these rules were installed on.
    pub fn set_wire_format(&self, policy: WireFormatPolicy) {
        self.private_handshake
            .store(policy == WireFormatPolicy::Private, Ordering::SeqCst);
    }

    /// The current wire format (R8).
    pub fn wire_format(&self) -> WireFormatPolicy {
        if self.private_handshake.load(Ordering::SeqCst) {
            WireFormatPolicy::Private
        } else {
            WireFormatPolicy::Public
        }
    }

    /// The reading of R3 in force.
    pub fn unknown_id_policy(&self) -> UnknownIdPolicy {
        self.unknown_id_policy
    }

    /// Make these rules wrong on purpose (see [`Fault`]).
    #[cfg(feature = "fault-injection")]
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }

    /// The seeded fault, if any.
    #[cfg(feature = "fault-injection")]
    pub fn fault(&self) -> Option<Fault> {
        self.fault
    }

    /// Whether `fault` is seeded. Always false without `fault-injection`.
    fn faulty(&self, fault: Fault) -> bool {
        #[cfg(feature = "fault-injection")]
        {
            self.fault == Some(fault)
        }
        #[cfg(not(feature = "fault-injection"))]
        {
            let _ = fault;
            false
        }
    }
}

/// An AppSync found in the bundle, with how it got there.
#[derive(Clone, Debug)]
struct Candidate {
    app_sync: AppSync,
    sender: Sender,
    source: ProposalSource,
    proposal: CustomProposal,
}

impl Candidate {
    fn by_reference(&self) -> bool {
        matches!(self.source, ProposalSource::ByReference(_))
    }
}

/// The disposition of a proposal that breaks a rule: on Receive the commit is
/// rejected; on Send a by-reference proposal is dropped (`Ok`) and a by-value
/// one fails commit building.
fn on_violation(
    direction: CommitDirection,
    source: &ProposalSource,
    error: AppSyncError,
) -> Result<(), AppSyncError> {
    match (direction, source) {
        (CommitDirection::Send, ProposalSource::ByReference(_)) => Ok(()),
        _ => Err(error),
    }
}

/// R7, R9: only members and authorized external senders may send AppSync.
///
/// Draft: "An AppSync proposal can be sent by an authorized external sender."
/// and "Nobody outside the group can make changes to the application state".
/// A member is a leaf of the current roster; an authorized external sender is
/// an index into the group's `external_senders` extension. New members
/// (NewMemberCommit, i.e. external commits, and NewMemberProposal) are not
/// authorized: the draft does not say they are.
pub fn r7_authorized_sender(
    sender: &Sender,
    roster: &Roster,
    context: &GroupContext,
) -> Result<(), AppSyncError> {
    let authorized = match sender {
        Sender::Member(index) => roster.member_with_index(*index).is_ok(),
        Sender::External(index) => context
            .extensions
            .get_as::<ExternalSendersExt>()
            .ok()
            .flatten()
            .is_some_and(|ext| (*index as usize) < ext.allowed_senders.len()),
        _ => false,
    };
    if authorized {
        Ok(())
    } else {
        Err(AppSyncError::UnauthorizedSender { sender: *sender })
    }
}

/// R4: no GroupContextExtensions proposal next to an AppSync.
///
/// Draft: "A proposal list that contains both an AppSync proposal and a
/// GroupContextExtensions proposal is invalid."
///
/// Receive: any GroupContextExtensions proposal that came on the wire, next
/// to an AppSync, rejects the commit. Send: by-reference ones are dropped; a
/// by-value one is an error next to a by-value AppSync, and makes the
/// by-reference AppSyncs drop otherwise.
pub fn r4_no_gce_with_app_sync(
    direction: CommitDirection,
    bundle: &mut ProposalBundle,
    app_syncs: &mut Vec<AppSyncCandidate>,
) -> Result<(), AppSyncError> {
    let wire_gce = |p: &ProposalInfo<mls_rs::ExtensionList>| p.source != ProposalSource::Local;
    if app_syncs.is_empty() || !bundle.group_context_ext_proposals().iter().any(wire_gce) {
        return Ok(());
    }
    if direction == CommitDirection::Receive {
        return Err(AppSyncError::AppSyncWithGroupContextExtensions);
    }
    bundle.retain_by_type::<mls_rs::ExtensionList, _, _>(|p| {
        Ok::<_, AppSyncError>(!matches!(p.source, ProposalSource::ByReference(_)))
    })?;
    if bundle.group_context_ext_proposals().iter().any(wire_gce) {
        if app_syncs.iter().any(|c| !c.0.by_reference()) {
            return Err(AppSyncError::AppSyncWithGroupContextExtensions);
        }
        app_syncs.clear();
    }
    Ok(())
}

/// R5 (validity half, and the order on Send): at most one AppSync per
/// `application_id`.
///
/// Draft: "a proposal list in a Commit MAY contain more than one AppSync
/// proposal, but no more than one AppSync proposal per `applicationId`."
///
/// Receive: the order is the wire order, and a repeated id rejects the
/// commit. Send: the AppSyncs are first put in the canonical order described
/// in the module documentation (which then becomes the wire order); per id a
/// by-value AppSync wins over by-reference ones, two by-value ones are an
/// error, and among by-reference ones the first in canonical order wins.
///
/// `allow_duplicates` exists only for the `AcceptDuplicateIds` seeded fault
/// (feature `fault-injection`); honest rules pass `false`.
pub fn r5_one_app_sync_per_id(
    direction: CommitDirection,
    mut app_syncs: Vec<AppSyncCandidate>,
    allow_duplicates: bool,
) -> Result<Vec<AppSyncCandidate>, AppSyncError> {
    if direction == CommitDirection::Send {
        // Stable sort: by-value proposals keep the caller's order.
        app_syncs.sort_by_key(|c| canonical_key(&c.0));
    }
    if allow_duplicates {
        return Ok(app_syncs);
    }
    let mut kept: Vec<Option<AppSyncCandidate>> = Vec::with_capacity(app_syncs.len());
    let mut slot_of_id: BTreeMap<u32, usize> = BTreeMap::new();
    for candidate in app_syncs {
        let id = candidate.0.app_sync.application_id();
        let duplicate = AppSyncError::DuplicateApplicationId { application_id: id };
        let Some(earlier) = slot_of_id.get(&id).and_then(|&slot| kept.get_mut(slot)) else {
            slot_of_id.insert(id, kept.len());
            kept.push(Some(candidate));
            continue;
        };
        if direction == CommitDirection::Receive {
            return Err(duplicate);
        }
        if candidate.0.by_reference() {
            // An earlier proposal (by reference, or by value) already holds the id.
            continue;
        }
        if !earlier.as_ref().is_some_and(|c| c.0.by_reference()) {
            return Err(duplicate);
        }
        // The committer's own AppSync replaces the cached one; it keeps its
        // place among the by-value proposals, after all by-reference ones.
        *earlier = None;
        slot_of_id.insert(id, kept.len());
        kept.push(Some(candidate));
    }
    Ok(kept.into_iter().flatten().collect())
}

/// Sort key of the canonical Send order: all by-reference proposals first,
/// sorted by sender, id and state; then the by-value ones (equal keys).
fn canonical_key(candidate: &Candidate) -> (u8, u8, u32, u32, Vec<u8>) {
    if !candidate.by_reference() {
        return (1, 0, 0, 0, Vec::new());
    }
    let (rank, index) = match candidate.sender {
        Sender::Member(index) => (0, index),
        Sender::External(index) => (1, index),
        _ => (2, 0),
    };
    (
        0,
        rank,
        index,
        candidate.app_sync.application_id(),
        candidate.app_sync.new_state().to_vec(),
    )
}

/// R3: apply one AppSync to `states`.
///
/// Draft: "Identify an `application_states` GroupContext extension which
/// contains the same `applicationId` state as the AppSync proposal" and
/// "Replace the contents of `state` in the relevant `applicationId` with the
/// `new_state` in the Proposal."
///
/// An id without an entry is an error under [`UnknownIdPolicy::Reject`] and
/// appends an entry under [`UnknownIdPolicy::Create`]. On error `states` is
/// unchanged. Constant time: [`IndexedStates`] knows each id's position.
pub fn r3_apply_app_sync(
    states: &mut IndexedStates,
    app_sync: &AppSync,
    policy: UnknownIdPolicy,
) -> Result<(), AppSyncError> {
    if states.apply(app_sync, policy == UnknownIdPolicy::Create) {
        Ok(())
    } else {
        Err(AppSyncError::UnknownApplicationId {
            application_id: app_sync.application_id(),
        })
    }
}

/// R10: the `application_states` in `extensions` is well-formed: absent, or
/// exactly one encoded list in which no `application_id` repeats.
///
/// R1 gives the structure ("`struct { ApplicationState application_states<V>;
/// }`"), and R3's "identify [the entry] which contains the same
/// applicationId" presumes one entry per id. The draft states neither as a
/// validity rule; this project does, on every commit, so that no member can
/// make the state unreadable for the others.
pub fn r10_well_formed_application_states(
    extensions: &ExtensionList,
) -> Result<IndexedStates, AppSyncError> {
    let invalid = AppSyncError::InvalidApplicationStates;
    let entries =
        application_states(extensions).map_err(|e| invalid(StatesDefect::Malformed(e)))?;
    IndexedStates::new(entries).map_err(|id| invalid(StatesDefect::RepeatedApplicationId(id)))
}

/// R9 (and R4's "a GroupContextExtensions proposal is not necessary"): put
/// the new `application_states` into the next GroupContext.
///
/// Draft: "Note that the `application_states` extension is updated directly
/// by AppSync proposals" and, in the security considerations, "the members
/// of an MLS group agree on application state": the GroupContext enters the
/// key schedule, so members that disagree derive different keys.
///
/// Adds one GroupContextExtensions proposal with `ProposalSource::Local`: it
/// is applied by mls-rs but never transmitted.
pub fn r9_inject_application_states(
    bundle: &mut ProposalBundle,
    committer: Sender,
    context: &GroupContext,
    states: IndexedStates,
) -> Result<(), AppSyncError> {
    let extensions = with_application_states(&context.extensions, states.into_entries())
        .map_err(|e| AppSyncError::InvalidApplicationStates(StatesDefect::Malformed(e)))?;
    bundle.add(
        Proposal::GroupContextExtensions(extensions),
        committer,
        ProposalSource::Local,
    );
    Ok(())
}

/// An AppSync of the bundle as the rule functions see it (opaque to callers).
#[derive(Clone, Debug)]
pub struct AppSyncCandidate(Candidate);

impl AppSyncRules {
    /// Decode the AppSyncs of the bundle and check their senders (R2, R7).
    fn candidates(
        &self,
        direction: CommitDirection,
        bundle: &ProposalBundle,
        roster: &Roster,
        context: &GroupContext,
    ) -> Result<Vec<AppSyncCandidate>, AppSyncError> {
        let mut out = Vec::new();
        for info in bundle
            .custom_proposals()
            .iter()
            .filter(|p| is_app_sync(&p.proposal))
        {
            let app_sync = match decode_app_sync(&info.proposal) {
                Ok(app_sync) => app_sync,
                Err(error) => {
                    on_violation(
                        direction,
                        &info.source,
                        AppSyncError::MalformedAppSync(error),
                    )?;
                    continue;
                }
            };
            let authorized = r7_authorized_sender(&info.sender, roster, context);
            if let (false, Err(error)) = (self.faulty(Fault::AcceptUnauthorizedSender), authorized)
            {
                on_violation(direction, &info.source, error)?;
                continue;
            }
            out.push(AppSyncCandidate(Candidate {
                app_sync,
                sender: info.sender,
                source: info.source.clone(),
                proposal: info.proposal.clone(),
            }));
        }
        Ok(out)
    }
}

/// R5 (effect half): apply the AppSyncs in the order they are sent.
///
/// Draft: "The proposals are applied in the order that they are sent in the
/// Commit." Each goes through [`r3_apply_app_sync`]; on Send a by-reference
/// AppSync that cannot be applied is dropped. Returns the new states and the
/// AppSyncs applied, in order.
///
/// `reverse` exists only for the `ApplyInReverseOrder` seeded fault (feature
/// `fault-injection`); honest rules pass `false`.
pub fn r5_apply_in_order(
    direction: CommitDirection,
    mut states: IndexedStates,
    app_syncs: Vec<AppSyncCandidate>,
    policy: UnknownIdPolicy,
    reverse: bool,
) -> Result<(IndexedStates, Vec<AppSyncCandidate>), AppSyncError> {
    let mut order = app_syncs;
    if reverse {
        order.reverse();
    }
    let mut applied = Vec::with_capacity(order.len());
    for candidate in order {
        match r3_apply_app_sync(&mut states, &candidate.0.app_sync, policy) {
            Ok(()) => applied.push(candidate),
            Err(error) => on_violation(direction, &candidate.0.source, error)?,
        }
    }
    if reverse {
        applied.reverse();
    }
    Ok((states, applied))
}

/// Apply R10 to every GroupContextExtensions proposal that came on the wire:
/// on Receive an ill-formed one rejects the commit; on Send a by-reference
/// one is dropped and a by-value one fails commit building.
fn screen_group_context_extensions(
    direction: CommitDirection,
    bundle: &mut ProposalBundle,
) -> Result<(), AppSyncError> {
    bundle.retain_by_type::<mls_rs::ExtensionList, _, _>(|p| {
        if p.source == ProposalSource::Local {
            return Ok(true);
        }
        match r10_well_formed_application_states(&p.proposal) {
            Ok(_) => Ok(true),
            Err(error) => on_violation(direction, &p.source, error).map(|()| false),
        }
    })
}

/// The rules a by-reference proposal must meet on arrival, before it enters
/// the cache: an AppSync must decode (R2) and come from an authorized sender
/// (R7); a GroupContextExtensions proposal must keep `application_states`
/// well-formed (R10). A proposal that fails here could never be committed
/// validly, so accepting it would only let its sender's commits fail.
pub fn arrival_verdict(
    proposal: &Proposal,
    sender: &Sender,
    roster: &Roster,
    context: &GroupContext,
) -> Result<(), AppSyncError> {
    match proposal {
        Proposal::Custom(custom) if is_app_sync(custom) => {
            decode_app_sync(custom).map_err(AppSyncError::MalformedAppSync)?;
            r7_authorized_sender(sender, roster, context)
        }
        Proposal::GroupContextExtensions(extensions) => {
            r10_well_formed_application_states(extensions).map(|_| ())
        }
        _ => Ok(()),
    }
}

/// The sender to attribute the local GroupContextExtensions proposal to.
pub(crate) fn committer_sender(source: &CommitSource) -> Sender {
    match source {
        CommitSource::ExistingMember(member) => Sender::Member(member.index),
        CommitSource::NewMember(_) => Sender::NewMemberCommit,
    }
}

/// Replace the AppSyncs of the bundle by `survivors`, in that order.
fn rewrite_app_syncs(bundle: &mut ProposalBundle, survivors: &[AppSyncCandidate]) {
    let _ = bundle.retain_custom(|p| Ok::<_, AppSyncError>(!is_app_sync(&p.proposal)));
    for candidate in survivors {
        let c = &candidate.0;
        bundle.add(
            Proposal::Custom(c.proposal.clone()),
            c.sender,
            c.source.clone(),
        );
    }
}

impl MlsRules for AppSyncRules {
    type Error = AppSyncError;

    fn filter_proposals(
        &self,
        direction: CommitDirection,
        source: CommitSource,
        roster: &Roster,
        context: &GroupContext,
        mut bundle: ProposalBundle,
    ) -> Result<ProposalBundle, AppSyncError> {
        screen_group_context_extensions(direction, &mut bundle)?;
        if !bundle
            .custom_proposals()
            .iter()
            .any(|p| is_app_sync(&p.proposal))
        {
            return Ok(bundle);
        }
        let states = r10_well_formed_application_states(&context.extensions)?;

        let candidates = self.candidates(direction, &bundle, roster, context)?;
        let candidates = r5_one_app_sync_per_id(
            direction,
            candidates,
            self.faulty(Fault::AcceptDuplicateIds),
        )?;
        let policy = if self.faulty(Fault::AcceptUnknownId) {
            UnknownIdPolicy::Create
        } else {
            self.unknown_id_policy
        };
        let reverse = self.faulty(Fault::ApplyInReverseOrder);
        let (new_states, mut survivors) =
            r5_apply_in_order(direction, states, candidates, policy, reverse)?;
        // Last, so that on Send a GroupContextExtensions proposal is only
        // dropped for an AppSync that really goes into the commit.
        if !self.faulty(Fault::AcceptAppSyncWithGce) {
            r4_no_gce_with_app_sync(direction, &mut bundle, &mut survivors)?;
        }

        if direction == CommitDirection::Send {
            rewrite_app_syncs(&mut bundle, &survivors);
        }
        let wire_gce_left = bundle
            .group_context_ext_proposals()
            .iter()
            .any(|p| p.source != ProposalSource::Local);
        // With a GroupContextExtensions proposal still present (only possible
        // under Fault::AcceptAppSyncWithGce), that proposal decides the new
        // extensions: adding a second one would make mls-rs refuse the list.
        if !survivors.is_empty() && !wire_gce_left && !self.faulty(Fault::SkipApply) {
            r9_inject_application_states(
                &mut bundle,
                committer_sender(&source),
                context,
                new_states,
            )?;
        }
        Ok(bundle)
    }

    fn commit_options(
        &self,
        _: &Roster,
        _: &GroupContext,
        _: &ProposalBundle,
    ) -> Result<CommitOptions, AppSyncError> {
        Ok(CommitOptions::new())
    }

    /// R8: "The application data synchronized via this mechanism may or may
    /// not be confidential to the group, depending on whether the AppSync
    /// proposal is sent as an MLS PublicMessage or PrivateMessage."
    ///
    /// The application chooses with [`AppSyncRules::set_wire_format`].
    fn encryption_options(
        &self,
        _: &Roster,
        _: &GroupContext,
    ) -> Result<EncryptionOptions, AppSyncError> {
        let private = self.wire_format() == WireFormatPolicy::Private;
        Ok(EncryptionOptions::new(private, PaddingMode::None))
    }

    /// R6: "AppSync proposals do not need to contain an UpdatePath."
    ///
    /// Other custom proposal types keep the conservative mls-rs default.
    fn custom_proposal_requires_update_path(&self, proposal: &CustomProposal) -> bool {
        !is_app_sync(proposal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::ApplicationState;

    fn states() -> IndexedStates {
        IndexedStates::new(vec![
            ApplicationState::new(1, b"a".to_vec()),
            ApplicationState::new(2, b"b".to_vec()),
        ])
        .unwrap()
    }

    #[test]
    fn apply_replaces_the_matching_entry_in_place() {
        let mut s = states();
        r3_apply_app_sync(
            &mut s,
            &AppSync::new(2, b"B".to_vec()),
            UnknownIdPolicy::Reject,
        )
        .unwrap();
        assert_eq!(
            s.entries(),
            &[
                ApplicationState::new(1, b"a".to_vec()),
                ApplicationState::new(2, b"B".to_vec())
            ]
        );
    }

    #[test]
    fn apply_of_unknown_id_rejects_without_change_or_appends() {
        let mut s = states();
        let sync = AppSync::new(3, b"c".to_vec());
        assert_eq!(
            r3_apply_app_sync(&mut s, &sync, UnknownIdPolicy::Reject),
            Err(AppSyncError::UnknownApplicationId { application_id: 3 })
        );
        assert_eq!(s, states());
        r3_apply_app_sync(&mut s, &sync, UnknownIdPolicy::Create).unwrap();
        assert_eq!(
            s.entries().last(),
            Some(&ApplicationState::new(3, b"c".to_vec()))
        );
        assert_eq!(s.entries().len(), 3);
        // The created entry is indexed: a second AppSync replaces it.
        let again = AppSync::new(3, b"C".to_vec());
        r3_apply_app_sync(&mut s, &again, UnknownIdPolicy::Reject).unwrap();
        assert_eq!(s.entries()[2].state(), b"C");
    }

    #[test]
    fn a_repeated_id_is_not_well_formed() {
        let repeated = vec![
            ApplicationState::new(1, b"a".to_vec()),
            ApplicationState::new(1, b"b".to_vec()),
        ];
        let extensions = with_application_states(&ExtensionList::new(), repeated).unwrap();
        assert_eq!(
            r10_well_formed_application_states(&extensions),
            Err(AppSyncError::InvalidApplicationStates(
                StatesDefect::RepeatedApplicationId(1)
            ))
        );
        assert_eq!(
            r10_well_formed_application_states(&ExtensionList::new()).map(|s| s.into_entries()),
            Ok(Vec::new())
        );
    }

    #[test]
    fn default_is_private_and_the_switch_is_shared_by_clones() {
        let rules = AppSyncRules::default();
        assert_eq!(rules.wire_format(), WireFormatPolicy::Private);
        assert_eq!(rules.unknown_id_policy(), UnknownIdPolicy::Reject);
        let clone = rules.clone();
        rules.set_wire_format(WireFormatPolicy::Public);
        assert_eq!(clone.wire_format(), WireFormatPolicy::Public);
    }

    #[test]
    fn only_app_sync_skips_the_update_path() {
        let rules = AppSyncRules::new();
        let app_sync = crate::proposal::to_custom_proposal(&AppSync::new(1, vec![])).unwrap();
        assert!(!rules.custom_proposal_requires_update_path(&app_sync));
        let other = CustomProposal::new(mls_rs_core::group::ProposalType::new(0xF0FF), vec![]);
        assert!(rules.custom_proposal_requires_update_path(&other));
    }
}
