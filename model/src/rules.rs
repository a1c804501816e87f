//! The rules of draft-barnes-mls-appsync as pure functions, mirroring
//! `impl/src/rules.rs` (the same rules on mls-rs; the two are written apart on
//! purpose, and the conformance harness measures their agreement).
//!
//! Each rule lives in exactly one function, named with its id, whose doc
//! comment quotes the draft; each seeded fault
//! ([`Faults`](crate::semantics::Faults)) is honoured in the one rule function
//! it breaks. The rest of the file composes them into the two sides of a
//! member's hook: receive ([`validate`], [`process_commit`],
//! [`accept_proposal`]) and send ([`build_commit`]).
//!
//! | rule | function |
//! |------|----------|
//! | R2 | [`r2_app_sync_decodes`] |
//! | R3 | [`r3_known_application_id`], [`r3_apply_app_sync`] |
//! | R4 | [`r4_no_gce_with_app_sync`] |
//! | R5 | [`r5_one_app_sync_per_id`], [`r5_apply_in_order`] |
//! | R7 (and R9's "nobody outside the group") | [`r7_authorized_sender`] |
//! | R10 (this project's: `application_states` stays well-formed) | [`r10_well_formed_application_states`] |
//! | GCE variant (open question) | [`gce_keeps_application_states`] |

use crate::compact::{ApplicationStates, ProposalList};
use crate::semantics::{
    AppSync, GcePolicy, Item, MAX_IDS, Proposal, Reason, Rules, Sender, UnknownIdPolicy,
};

// ---------------------------------------------------------------------------
// One function per rule.
// ---------------------------------------------------------------------------

/// R2: an AppSync proposal's bytes must be the draft's struct.
///
/// "`struct { uint32 applicationId; opaque new_state<V>; } AppSync;`": a
/// custom proposal of the AppSync type whose bytes are not exactly one
/// encoded AppSync ([`Proposal::UndecodableAppSync`]) makes the list
/// invalid, whatever its defect.
pub fn r2_app_sync_decodes(proposal: &Proposal) -> Result<(), Reason> {
    match proposal {
        Proposal::UndecodableAppSync(_) => Err(Reason::MalformedAppSync),
        _ => Ok(()),
    }
}

/// R3 (validity half): an AppSync must name an id that has an entry.
///
/// "Identify an `application_states` GroupContext extension which contains the
/// same `applicationId` state as the AppSync proposal". Under
/// [`UnknownIdPolicy::Create`] every id is acceptable.
pub fn r3_known_application_id(
    states: &ApplicationStates,
    app_sync: &AppSync,
    rules: &Rules,
) -> Result<(), Reason> {
    let in_range = (1..=MAX_IDS as u8).contains(&app_sync.application_id);
    match rules.unknown_id {
        _ if !in_range => Err(Reason::UnknownApplicationId),
        UnknownIdPolicy::Create => Ok(()),
        UnknownIdPolicy::Reject if rules.faults.accept_unknown_id => Ok(()),
        UnknownIdPolicy::Reject if states.get(app_sync.application_id).is_some() => Ok(()),
        UnknownIdPolicy::Reject => Err(Reason::UnknownApplicationId),
    }
}

/// R3 (effect half): apply one AppSync.
///
/// "Replace the contents of `state` in the relevant `applicationId` with the
/// `new_state` in the Proposal." An existing entry keeps its position in the
/// list. An id with no entry gets one under [`UnknownIdPolicy::Create`],
/// appended at the end of the list (so two entries created by one commit appear
/// in application order); under `Reject` such a list never gets here.
pub fn r3_apply_app_sync(states: &mut ApplicationStates, app_sync: &AppSync, rules: &Rules) {
    if rules.faults.skip_apply {
        return;
    }
    let AppSync {
        application_id,
        new_state,
    } = *app_sync;
    if states.get(application_id).is_some() {
        states.replace(application_id, new_state);
    } else if rules.unknown_id == UnknownIdPolicy::Create || rules.faults.accept_unknown_id {
        states.append(application_id, new_state);
    }
}

/// R4: no GCE next to an AppSync.
///
/// "A proposal list that contains both an AppSync proposal and a
/// GroupContextExtensions proposal is invalid."
pub fn r4_no_gce_with_app_sync(list: &ProposalList, rules: &Rules) -> Result<(), Reason> {
    let both = list.has_gce() && list.app_syncs().next().is_some();
    if both && !rules.faults.accept_app_sync_with_gce {
        Err(Reason::AppSyncWithGce)
    } else {
        Ok(())
    }
}

/// R5 (validity half): at most one AppSync per `application_id`.
///
/// "a proposal list in a Commit MAY contain more than one AppSync proposal, but
/// no more than one AppSync proposal per `applicationId`."
pub fn r5_one_app_sync_per_id(list: &ProposalList, rules: &Rules) -> Result<(), Reason> {
    if rules.faults.accept_duplicate_ids {
        return Ok(());
    }
    // One bit per possible id (an `ApplicationId` is a `u8`), so that no two
    // ids share a bit whatever their value.
    let mut seen = [0u64; 4];
    for (_, a) in list.app_syncs() {
        let id = a.application_id as usize;
        let (word, bit) = (id / 64, 1u64 << (id % 64));
        if seen[word] & bit != 0 {
            return Err(Reason::DuplicateApplicationId);
        }
        seen[word] |= bit;
    }
    Ok(())
}

/// R5 (effect half): apply the AppSyncs in list order; R4 makes GCE and AppSync
/// exclusive, so a list with AppSyncs ignores any GCE (under the fault that lets
/// both through, our hook's own GroupContext update supersedes the GCE).
///
/// "The proposals are applied in the order that they are sent in the Commit."
/// The order shows in the result only under [`UnknownIdPolicy::Create`], when
/// one list creates two entries: [`r3_apply_app_sync`] appends each in turn.
/// A GCE alone replaces `application_states` with its content, the initial
/// extension (allowed only where [`gce_keeps_application_states`] permits).
pub fn r5_apply_in_order(
    list: &ProposalList,
    states: &ApplicationStates,
    rules: &Rules,
) -> ApplicationStates {
    let mut next = *states;
    let mut any_app_sync = false;
    for (_, a) in list.app_syncs() {
        any_app_sync = true;
        r3_apply_app_sync(&mut next, &a, rules);
    }
    if !any_app_sync && list.has_gce() {
        next = ApplicationStates::initial(rules.application_ids);
    }
    next
}

/// R7 (and R9's "nobody outside the group"): only members and the authorized
/// external sender may propose.
///
/// "An AppSync proposal can be sent by an authorized external sender." /
/// "Nobody outside the group can make changes to the application state".
pub fn r7_authorized_sender(sender: Sender, rules: &Rules) -> Result<(), Reason> {
    match sender {
        Sender::Member(_) | Sender::External => Ok(()),
        Sender::NonMember if rules.faults.skip_sender_check => Ok(()),
        Sender::NonMember => Err(Reason::UnauthorizedSender),
    }
}

/// R10: no proposal may leave `application_states` ill-formed.
///
/// The draft gives the structure (R1: "`struct { ApplicationState
/// application_states<V>; }`") and R3 presumes one entry per id ("Identify
/// an `application_states` GroupContext extension which contains the same
/// `applicationId`"), but states no validity rule for a GCE that writes
/// something else. This project makes every list holding such a GCE
/// invalid, whether or not it holds an AppSync.
pub fn r10_well_formed_application_states(
    list: &ProposalList,
    rules: &Rules,
) -> Result<(), Reason> {
    match list.ill_formed_gce() {
        Some(_) if !rules.faults.accept_ill_formed_states => Err(Reason::InvalidApplicationStates),
        _ => Ok(()),
    }
}

/// Section 5 variant: does a lone GCE leave `application_states` alone?
///
/// The draft only says "A proposal list that contains both an AppSync proposal
/// and a GroupContextExtensions proposal is invalid", so under
/// [`GcePolicy::MayRewrite`] a GCE in a later commit may rewrite the state.
pub fn gce_keeps_application_states(
    list: &ProposalList,
    states: &ApplicationStates,
    rules: &Rules,
) -> Result<(), Reason> {
    let lone_gce = list.has_gce() && list.app_syncs().next().is_none();
    let changes = *states != ApplicationStates::initial(rules.application_ids);
    if rules.gce == GcePolicy::MustNotChange && lone_gce && changes {
        Err(Reason::GceChangesApplicationStates)
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// The two sides of the hook, composed from the rules above.
// ---------------------------------------------------------------------------

/// Receive side: is this proposal list acceptable? Checks run in a fixed order
/// (R10; then per proposal R2 and the sender; R5, R3, R4, GCE variant) and the
/// first failure is the reason. The order is the implementation's
/// (`impl/src/rules.rs`), so that a list that breaks several rules gets the
/// same reason class on both sides.
pub fn validate(
    list: &ProposalList,
    states: &ApplicationStates,
    rules: &Rules,
) -> Result<(), Reason> {
    r10_well_formed_application_states(list, rules)?;
    for item in list.as_slice() {
        r2_app_sync_decodes(&item.proposal)?;
        r7_authorized_sender(item.sender, rules)?;
    }
    r5_one_app_sync_per_id(list, rules)?;
    for (_, a) in list.app_syncs() {
        r3_known_application_id(states, &a, rules)?;
    }
    r4_no_gce_with_app_sync(list, rules)?;
    gce_keeps_application_states(list, states, rules)
}

/// Receive side of a commit: validate, apply, and compare with the state the
/// committer claims (R9: "members that disagree ... derive different keys").
pub fn process_commit(
    list: &ProposalList,
    claimed: &ApplicationStates,
    states: &ApplicationStates,
    rules: &Rules,
) -> Result<ApplicationStates, Reason> {
    validate(list, states, rules)?;
    let next = r5_apply_in_order(list, states, rules);
    if next == *claimed {
        Ok(next)
    } else {
        Err(Reason::StateMismatch)
    }
}

/// Receive side of a proposal (by reference): may it enter the cache?
pub fn accept_proposal(sender: Sender, rules: &Rules) -> Result<(), Reason> {
    r7_authorized_sender(sender, rules)
}

/// Send side: the list a committer puts in its commit, or the reason it refuses
/// to build the commit.
///
/// `cached` must be in canonical order (sender: members by leaf index, then the
/// external sender; then `application_id`; then `new_state`); `by_value` keeps
/// the caller's order. Someone else's bad by-reference proposal is dropped, never
/// fatal (else one bad proposal would block every commit); a bad by-value one
/// refuses the commit. A by-reference proposal is judged by the same rule
/// functions as a received list, asked about the list it would join: what is
/// already taken (by value first, so by value wins an id), plus itself.
pub fn build_commit(
    cached: &ProposalList,
    by_value: &ProposalList,
    states: &ApplicationStates,
    rules: &Rules,
) -> Result<ProposalList, Reason> {
    build_commit_telling_drops(cached, by_value, states, rules, |_, _| {})
}

/// [`build_commit`], telling `dropped` each cached proposal it leaves out and
/// the rule that drops it (the conformance harness counts rule paths with
/// it). A second GroupContextExtensions proposal is left out untold: one
/// per commit is RFC 9420's rule, not the draft's.
pub fn build_commit_telling_drops(
    cached: &ProposalList,
    by_value: &ProposalList,
    states: &ApplicationStates,
    rules: &Rules,
    mut dropped: impl FnMut(Item, Reason),
) -> Result<ProposalList, Reason> {
    // By value: the committer's own choice, so any violation refuses the commit.
    r10_well_formed_application_states(by_value, rules)?;
    r4_no_gce_with_app_sync(by_value, rules)?;
    r5_one_app_sync_per_id(by_value, rules)?;
    for (_, a) in by_value.app_syncs() {
        r3_known_application_id(states, &a, rules)?;
    }
    // By reference, AppSyncs: keep one unless R7, R3, R5 or R4 refuses it
    // (R4: the committer's own by-value GroupContextExtensions proposal wins
    // over cached AppSyncs).
    let mut taken = *by_value;
    let mut kept = ProposalList::new();
    for item in cached.as_slice() {
        if let Err(reason) = r7_authorized_sender(item.sender, rules) {
            dropped(*item, reason);
            continue;
        }
        if let Proposal::AppSync(a) = item.proposal {
            let mut joined = taken;
            joined.push(*item);
            let verdict = r3_known_application_id(states, &a, rules)
                .and_then(|()| r5_one_app_sync_per_id(&joined, rules))
                .and_then(|()| r4_no_gce_with_app_sync(&joined, rules));
            if let Err(reason) = verdict {
                dropped(*item, reason);
                continue;
            }
            taken = joined;
        }
        kept.push(*item);
    }
    // By reference, GCE: R4 drops it next to any AppSync kept above; at most
    // one GCE per commit; the GCE variant may drop it too.
    let mut list = ProposalList::new();
    let mut gce_kept = by_value.has_gce();
    for item in kept.as_slice() {
        if item.proposal == Proposal::Gce {
            if gce_kept {
                continue;
            }
            let mut joined = taken;
            joined.push(*item);
            let alone = ProposalList::from_iter([*item]);
            let verdict = r4_no_gce_with_app_sync(&joined, rules)
                .and_then(|()| gce_keeps_application_states(&alone, states, rules));
            if let Err(reason) = verdict {
                dropped(*item, reason);
                continue;
            }
            gce_kept = true;
        }
        list.push(*item);
    }
    for item in by_value.as_slice() {
        list.push(*item);
    }
    Ok(list)
}
