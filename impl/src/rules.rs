//! The AppSync rules, one function per rule, each named with its rule id
//! and quoting the draft: the twin of `model/src/rules.rs`. They judge the
//! proposals mls-rs hands to [`AppSyncRules`](crate::AppSyncRules) on Send
//! and Receive, and the proposals that arrive by reference
//! ([`arrival_verdict`]).
//!
//! One file (a little over 400 lines) so that it can be read beside its
//! twin and the draft, rule for rule.
//!
//! | rule | function |
//! |------|----------|
//! | R2 | [`r2_read_app_sync`] |
//! | R3 | [`r3_apply_app_sync`] |
//! | R4 | [`r4_no_gce_with_app_sync`] |
//! | R5 | [`r5_one_app_sync_per_id`] (one per id, the Send order), [`r5_apply_in_order`] |
//! | R7 | [`r7_authorized_sender`] |
//! | R9 | [`r9_inject_application_states`] |
//! | R10 | [`r10_well_formed_application_states`] |
//!
//! R6 and R8 are answers the `MlsRules` give mls-rs, not judgements of a
//! proposal list: see [`crate::app_sync_rules`].
//!
//! On Receive a violation rejects the commit; on Send a by-reference
//! proposal that breaks a rule is dropped and a by-value one fails commit
//! building ([`on_violation`]).

use std::collections::BTreeMap;

use mls_rs::ExtensionList;
use mls_rs::extension::built_in::ExternalSendersExt;
use mls_rs::group::proposal::{CustomProposal, Proposal};
use mls_rs::group::{GroupContext, Roster, Sender};
use mls_rs::mls_rules::{
    CommitDirection, CommitSource, ProposalBundle, ProposalInfo, ProposalSource,
};

use crate::codec::{AppSyncRef, read_app_sync};
use crate::error::{AppSyncError, StatesDefect};
use crate::extension::{IndexedStates, application_states_in_place, with_application_states_data};
use crate::fault::Fault;
use crate::proposal::is_app_sync;

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

/// An AppSync found in the bundle, read in place, with how it got there.
#[derive(Clone, Copy, Debug)]
struct Candidate<'a> {
    /// Its position in the bundle's custom proposals.
    at: usize,
    app_sync: AppSyncRef<'a>,
    sender: Sender,
    source: &'a ProposalSource,
}

impl Candidate<'_> {
    fn by_reference(&self) -> bool {
        matches!(self.source, ProposalSource::ByReference(_))
    }
}

/// The disposition of a proposal that breaks a rule: on Receive the commit is
/// rejected; on Send a by-reference proposal is dropped (`Ok`) and a by-value
/// one fails commit building.
pub(crate) fn on_violation(
    direction: CommitDirection,
    source: &ProposalSource,
    error: AppSyncError,
) -> Result<(), AppSyncError> {
    match (direction, source) {
        (CommitDirection::Send, ProposalSource::ByReference(_)) => Ok(()),
        _ => Err(error),
    }
}

/// R2: the bytes of an AppSync proposal are exactly one encoded AppSync.
///
/// Draft: "`struct { uint32 applicationId; opaque new_state<V>; }
/// AppSync;`". The bytes are read in place ([`read_app_sync`]): a length
/// prefix that is not minimal or announces 2^30 bytes or more, a field
/// shorter than its prefix says, or bytes after the struct make the
/// proposal malformed, and the error says which.
pub fn r2_read_app_sync(bytes: &[u8]) -> Result<AppSyncRef<'_>, AppSyncError> {
    read_app_sync(bytes).map_err(AppSyncError::MalformedAppSync)
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

/// What R4 asks of a bundle on Send (on Receive it only rejects).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum R4Outcome {
    /// Nothing to change.
    Keep,
    /// Drop the by-reference GroupContextExtensions proposals.
    DropByReferenceGce,
    /// Drop the by-reference GroupContextExtensions proposals and every
    /// AppSync: the committer's own by-value GroupContextExtensions proposal
    /// wins over AppSyncs that all came by reference.
    DropByReferenceGceAndAppSyncs,
}

/// R4: no GroupContextExtensions proposal next to an AppSync.
///
/// Draft: "A proposal list that contains both an AppSync proposal and a
/// GroupContextExtensions proposal is invalid."
///
/// Receive: any GroupContextExtensions proposal that came on the wire, next
/// to an AppSync, rejects the commit. Send: by-reference ones are dropped; a
/// by-value one is an error next to a by-value AppSync, and makes the
/// by-reference AppSyncs drop otherwise. `app_syncs` are the AppSyncs that
/// survived the other rules (empty for a bundle without AppSync); the
/// caller carries the outcome out ([`carry_out_r4`]), because the AppSyncs
/// borrow the bundle.
///
/// The committer's own by-value GroupContextExtensions proposal also wins
/// over cached ones with no AppSync in the bundle: RFC 9420, section 12.2,
/// says a proposal list is invalid if "It contains multiple
/// GroupContextExtensions proposals", so the cached ones are dropped (else
/// mls-rs refuses to build the commit).
///
/// `fault` exists only for the seeded faults (feature `fault-injection`);
/// honest rules pass `None`.
pub fn r4_no_gce_with_app_sync(
    direction: CommitDirection,
    bundle: &ProposalBundle,
    app_syncs: &[AppSyncCandidate<'_>],
    fault: Option<Fault>,
) -> Result<R4Outcome, AppSyncError> {
    let by_value_only = fault == Some(Fault::GceCheckByValueOnly);
    let wire_gce = |p: &ProposalInfo<ExtensionList>| match by_value_only {
        false => p.source != ProposalSource::Local,
        true => p.source == ProposalSource::ByValue,
    };
    let gces = bundle.group_context_ext_proposals();
    if app_syncs.is_empty() || !gces.iter().any(wire_gce) {
        // One GroupContextExtensions proposal per commit (RFC 9420): on
        // Send the committer's own by-value one wins over cached ones.
        let by_value = |p: &ProposalInfo<ExtensionList>| p.source == ProposalSource::ByValue;
        let cached =
            |p: &ProposalInfo<ExtensionList>| matches!(p.source, ProposalSource::ByReference(_));
        let own_wins = direction == CommitDirection::Send
            && gces.iter().any(by_value)
            && gces.iter().any(cached);
        return Ok(match own_wins {
            true => R4Outcome::DropByReferenceGce,
            false => R4Outcome::Keep,
        });
    }
    if direction == CommitDirection::Receive {
        return Err(AppSyncError::AppSyncWithGroupContextExtensions);
    }
    let by_value_gce = gces
        .iter()
        .any(|p| wire_gce(p) && !matches!(p.source, ProposalSource::ByReference(_)));
    if !by_value_gce {
        return Ok(R4Outcome::DropByReferenceGce);
    }
    if app_syncs.iter().any(|c| !c.0.by_reference()) {
        return Err(AppSyncError::AppSyncWithGroupContextExtensions);
    }
    Ok(R4Outcome::DropByReferenceGceAndAppSyncs)
}

/// Carry out R4's outcome on the bundle (the AppSyncs it drops are left out
/// by the caller's rewrite).
pub(crate) fn carry_out_r4(bundle: &mut ProposalBundle, outcome: R4Outcome) {
    if outcome == R4Outcome::Keep {
        return;
    }
    let _ = bundle.retain_by_type::<ExtensionList, _, _>(|p| {
        Ok::<_, AppSyncError>(!matches!(p.source, ProposalSource::ByReference(_)))
    });
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
/// `fault` exists only for the seeded faults (feature `fault-injection`);
/// honest rules pass `None`.
pub fn r5_one_app_sync_per_id<'a>(
    direction: CommitDirection,
    mut app_syncs: Vec<AppSyncCandidate<'a>>,
    fault: Option<Fault>,
) -> Result<Vec<AppSyncCandidate<'a>>, AppSyncError> {
    let send = direction == CommitDirection::Send;
    if send {
        // Stable sort: by-value proposals keep the caller's order.
        let external_first = fault == Some(Fault::ExternalSendersFirst);
        app_syncs.sort_by_key(|c| canonical_key(&c.0, external_first));
    }
    let unchecked = match fault {
        Some(Fault::AcceptDuplicateIds) => true,
        Some(Fault::SendSkipsDuplicateCheck) => send,
        Some(Fault::ReceiveSkipsDuplicateCheck) => !send,
        _ => false,
    };
    if unchecked {
        return Ok(app_syncs);
    }
    let adjacent_only = fault == Some(Fault::DuplicateCheckAdjacentOnly);
    if !send && !adjacent_only {
        // The wire order stands: the id repeated first rejects the commit.
        return match first_repeated_id(&app_syncs) {
            Some(application_id) => Err(AppSyncError::DuplicateApplicationId { application_id }),
            None => Ok(app_syncs),
        };
    }
    let mut kept: Vec<Option<AppSyncCandidate<'a>>> = Vec::with_capacity(app_syncs.len());
    let mut slot_of_id: BTreeMap<u32, usize> = BTreeMap::new();
    for candidate in app_syncs {
        let id = candidate.0.app_sync.application_id();
        let duplicate = AppSyncError::DuplicateApplicationId { application_id: id };
        let slot = slot_of_id
            .get(&id)
            .copied()
            .filter(|&slot| !adjacent_only || slot + 1 == kept.len());
        let Some(earlier) = slot.and_then(|slot| kept.get_mut(slot)) else {
            slot_of_id.insert(id, kept.len());
            kept.push(Some(candidate));
            continue;
        };
        // Receive reaches the loop only under DuplicateCheckAdjacentOnly
        // (otherwise `first_repeated_id` above decides).
        if direction == CommitDirection::Receive {
            return Err(duplicate);
        }
        let earlier_by_reference = earlier.as_ref().is_some_and(|c| c.0.by_reference());
        if candidate.0.by_reference() {
            if earlier_by_reference && fault == Some(Fault::LastByReferenceWins) {
                *earlier = None;
                slot_of_id.insert(id, kept.len());
                kept.push(Some(candidate));
            }
            // An earlier proposal (by reference, or by value) already holds the id.
            continue;
        }
        if !earlier_by_reference {
            return Err(duplicate);
        }
        if fault == Some(Fault::CachedWinsOverByValue) {
            continue;
        }
        // The committer's own AppSync replaces the cached one; it keeps its
        // place among the by-value proposals, after all by-reference ones.
        *earlier = None;
        slot_of_id.insert(id, kept.len());
        kept.push(Some(candidate));
    }
    Ok(kept.into_iter().flatten().collect())
}

/// The id whose second occurrence comes first in `app_syncs`, if an id
/// repeats. Sorting (id, position) pairs allocates once and costs less than
/// a map for the short lists of a commit, and stays O(n log n) for long ones.
fn first_repeated_id(app_syncs: &[AppSyncCandidate<'_>]) -> Option<u32> {
    let mut ids: Vec<(u32, usize)> = app_syncs
        .iter()
        .enumerate()
        .map(|(at, c)| (c.0.app_sync.application_id(), at))
        .collect();
    ids.sort_unstable();
    ids.windows(2)
        .filter(|pair| pair[0].0 == pair[1].0)
        .map(|pair| pair[1])
        .min_by_key(|&(_, at)| at)
        .map(|(id, _)| id)
}

/// Sort key of the canonical Send order: all by-reference proposals first,
/// sorted by sender, id and state; then the by-value ones (equal keys). The
/// state is compared in place.
///
/// `external_first` exists only for the `ExternalSendersFirst` seeded fault;
/// honest rules pass `false`.
fn canonical_key<'a>(
    candidate: &Candidate<'a>,
    external_first: bool,
) -> (u8, u8, u32, u32, &'a [u8]) {
    if !candidate.by_reference() {
        return (1, 0, 0, 0, &[]);
    }
    let (rank, index) = match candidate.sender {
        Sender::Member(index) => (u8::from(external_first), index),
        Sender::External(index) => (u8::from(!external_first), index),
        _ => (2, 0),
    };
    (
        0,
        rank,
        index,
        candidate.app_sync.application_id(),
        candidate.app_sync.new_state(),
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
pub fn r3_apply_app_sync<'a>(
    states: &mut IndexedStates<'a>,
    app_sync: AppSyncRef<'a>,
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
) -> Result<IndexedStates<'_>, AppSyncError> {
    let invalid = AppSyncError::InvalidApplicationStates;
    let entries =
        application_states_in_place(extensions).map_err(|e| invalid(StatesDefect::Malformed(e)))?;
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
/// Adds one GroupContextExtensions proposal with `ProposalSource::Local`
/// carrying `extensions` (from [`next_extensions`]): it is applied by mls-rs
/// but never transmitted.
pub fn r9_inject_application_states(
    bundle: &mut ProposalBundle,
    committer: Sender,
    extensions: ExtensionList,
) {
    bundle.add(
        Proposal::GroupContextExtensions(extensions),
        committer,
        ProposalSource::Local,
    );
}

/// The next GroupContext's extensions: the context's, with
/// `application_states` holding `states`. The new list is encoded once; the
/// other extensions are copied, the old `application_states` is not.
pub fn next_extensions(
    states: &IndexedStates<'_>,
    context: &GroupContext,
) -> Result<ExtensionList, AppSyncError> {
    let data = states
        .encode()
        .map_err(|e| AppSyncError::InvalidApplicationStates(StatesDefect::Malformed(e)))?;
    Ok(with_application_states_data(&context.extensions, data))
}

/// An AppSync of the bundle as the rule functions see it (opaque to
/// callers): read in place, so it borrows the bundle.
#[derive(Clone, Copy, Debug)]
pub struct AppSyncCandidate<'a>(Candidate<'a>);

impl AppSyncCandidate<'_> {
    /// Its position in the bundle's custom proposals.
    pub(crate) fn slot(&self) -> usize {
        self.0.at
    }
}

/// Decode the AppSyncs of the bundle and check their senders (R2, R7).
///
/// `fault` exists only for the seeded faults (feature `fault-injection`);
/// honest rules pass `None`.
pub(crate) fn collect_candidates<'a>(
    direction: CommitDirection,
    bundle: &'a ProposalBundle,
    roster: &Roster,
    context: &GroupContext,
    fault: Option<Fault>,
) -> Result<Vec<AppSyncCandidate<'a>>, AppSyncError> {
    let accept_unauthorized = fault == Some(Fault::AcceptUnauthorizedSender);
    let skip_malformed =
        fault == Some(Fault::ReceiveSkipsMalformedAppSync) && direction == CommitDirection::Receive;
    let mut out = Vec::with_capacity(bundle.custom_proposals().len());
    // One commit may carry thousands of AppSyncs from a few senders: each
    // sender is judged once (a roster lookup builds a whole `Member`).
    let mut judged: Vec<(Sender, Result<(), AppSyncError>)> = Vec::new();
    for (at, info) in bundle.custom_proposals().iter().enumerate() {
        if !is_app_sync(&info.proposal) {
            continue;
        }
        let app_sync = match r2_read_app_sync(info.proposal.data()) {
            Ok(app_sync) => app_sync,
            Err(_) if skip_malformed => continue,
            Err(error) => {
                on_violation(direction, &info.source, error)?;
                continue;
            }
        };
        let authorized = match judged.iter().find(|(sender, _)| *sender == info.sender) {
            Some((_, verdict)) => verdict.clone(),
            None => {
                let verdict = r7_authorized_sender(&info.sender, roster, context);
                judged.push((info.sender, verdict.clone()));
                verdict
            }
        };
        if let (false, Err(error)) = (accept_unauthorized, authorized) {
            on_violation(direction, &info.source, error)?;
            continue;
        }
        out.push(AppSyncCandidate(Candidate {
            at,
            app_sync,
            sender: info.sender,
            source: &info.source,
        }));
    }
    Ok(out)
}

/// R5 (effect half): apply the AppSyncs in the order they are sent.
///
/// Draft: "The proposals are applied in the order that they are sent in the
/// Commit." Each goes through [`r3_apply_app_sync`]; on Send a by-reference
/// AppSync that cannot be applied is dropped. Returns the new states and the
/// AppSyncs applied, in order.
///
/// `fault` exists only for the seeded faults (feature `fault-injection`);
/// honest rules pass `None`.
pub fn r5_apply_in_order<'a>(
    direction: CommitDirection,
    mut states: IndexedStates<'a>,
    app_syncs: Vec<AppSyncCandidate<'a>>,
    policy: UnknownIdPolicy,
    fault: Option<Fault>,
) -> Result<(IndexedStates<'a>, Vec<AppSyncCandidate<'a>>), AppSyncError> {
    let mut order = app_syncs;
    let reverse = fault == Some(Fault::ApplyInReverseOrder);
    match fault {
        Some(Fault::ApplyInReverseOrder) => order.reverse(),
        Some(Fault::ApplyInIdOrder) => order.sort_by_key(|c| c.0.app_sync.application_id()),
        Some(Fault::ByValueBeforeByReference) => order.sort_by_key(|c| c.0.by_reference()),
        _ => {}
    }
    let first_only = fault == Some(Fault::UnknownIdCheckFirstOnly);
    let mut applied = Vec::with_capacity(order.len());
    for (at, candidate) in order.into_iter().enumerate() {
        match r3_apply_app_sync(&mut states, candidate.0.app_sync, policy) {
            Ok(()) => applied.push(candidate),
            Err(_) if first_only && at > 0 => applied.push(candidate),
            Err(error) => on_violation(direction, candidate.0.source, error)?,
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
pub(crate) fn screen_group_context_extensions(
    direction: CommitDirection,
    bundle: &mut ProposalBundle,
) -> Result<(), AppSyncError> {
    bundle.retain_by_type::<ExtensionList, _, _>(|p| {
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
            r2_read_app_sync(custom.data())?;
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

/// Replace the AppSyncs of the bundle by the ones at `survivors` (positions
/// in the bundle's custom proposals), in that order, after the other custom
/// proposals. When the AppSyncs already stand last and in that order, the
/// bundle is left as it is: no proposal is copied.
pub(crate) fn rewrite_app_syncs(bundle: &mut ProposalBundle, survivors: &[usize]) {
    let custom = bundle.custom_proposals();
    let first = custom
        .iter()
        .position(|p| is_app_sync(&p.proposal))
        .unwrap_or(custom.len());
    let in_place = custom[first..].iter().all(|p| is_app_sync(&p.proposal))
        && survivors.iter().copied().eq(first..custom.len());
    if in_place {
        return;
    }
    let kept: Vec<ProposalInfo<CustomProposal>> = survivors
        .iter()
        .filter_map(|&at| custom.get(at).cloned())
        .collect();
    let _ = bundle.retain_custom(|p| Ok::<_, AppSyncError>(!is_app_sync(&p.proposal)));
    for info in kept {
        bundle.add(Proposal::Custom(info.proposal), info.sender, info.source);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{AppSync, encode};

    #[test]
    fn the_id_repeated_first_in_wire_order_is_reported() {
        let wire = |ids: &[u32]| -> Vec<Vec<u8>> {
            ids.iter()
                .map(|&id| encode(&AppSync::new(id, [id as u8])).expect("small AppSync"))
                .collect()
        };
        let first = |bytes: &[Vec<u8>]| {
            let candidates: Vec<AppSyncCandidate<'_>> = bytes
                .iter()
                .enumerate()
                .map(|(at, b)| {
                    AppSyncCandidate(Candidate {
                        at,
                        app_sync: read_app_sync(b).expect("well-formed"),
                        sender: Sender::Member(0),
                        source: &ProposalSource::ByValue,
                    })
                })
                .collect();
            first_repeated_id(&candidates)
        };
        assert_eq!(first(&wire(&[])), None);
        assert_eq!(first(&wire(&[7, 3, 9])), None);
        // 9 repeats at position 3, before 3 repeats at position 4.
        assert_eq!(first(&wire(&[3, 9, 1, 9, 3])), Some(9));
        assert_eq!(first(&wire(&[3, 9, 3, 9])), Some(3));
        assert_eq!(first(&wire(&[5, 5, 5])), Some(5));
    }
}
