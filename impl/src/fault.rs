//! Seeded faults for the conformance harness (cargo feature `fault-injection`).
//!
//! A harness is only trusted once it has caught deliberate mistakes. Each
//! [`Fault`] makes [`AppSyncRules`](crate::AppSyncRules) wrong in one
//! rule: the first ones negate a whole rule, on the receive side and, where
//! it means something, on the send side; the later ones imitate the smaller
//! bugs an implementer really writes, some on one side only (each says
//! which). Without the feature the rules have no way to hold a fault.

use crate::extension::IndexedStates;

/// One deliberate mistake in the AppSync rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    /// Break R4: accept AppSync next to a GroupContextExtensions proposal
    /// (the GroupContextExtensions proposal then decides the new extensions).
    AcceptAppSyncWithGce,
    /// Break R5: accept several AppSyncs for one id (applied in order).
    AcceptDuplicateIds,
    /// Break R3: an AppSync for an unknown id creates the entry instead of
    /// being rejected.
    AcceptUnknownId,
    /// Break R5: apply the AppSyncs of a commit in reverse order.
    ApplyInReverseOrder,
    /// Break R7: accept AppSync from any sender, including a new member
    /// joining by external commit.
    AcceptUnauthorizedSender,
    /// Break R3/R9: validate AppSyncs but never apply them to the GroupContext.
    SkipApply,
    /// Break R9 quietly: write the right `application_states`, but rebuild
    /// the extension list with it last (an order lost when a structure is
    /// rebuilt; OpenMLS does this to its dictionary, finding A6). The states
    /// read back correctly; only the GroupContext bytes, and so the keys,
    /// differ.
    MoveStatesToEnd,

    // The faults below imitate the small mistakes an implementer really
    // makes: a check on one side only, an off-by-one at the edge of a list,
    // a choice made in another order, a field lost when a structure is
    // rebuilt. Each is a few characters away from the correct rules.
    /// Break R5 on Send only: the committer sorts the AppSyncs but never
    /// removes a second one for an id (the check was written for incoming
    /// commits). Its commits carry one id twice, which every receiver
    /// rejects.
    SendSkipsDuplicateCheck,
    /// Break R5 on Receive only: the duplicate check runs when building a
    /// commit but not when processing one, so a forged commit that names an
    /// id twice is applied (in order) instead of rejected.
    ReceiveSkipsDuplicateCheck,
    /// Break R5 by comparing each AppSync's id with the previous one only
    /// (a check that assumes the list is sorted by id; it is sorted by
    /// sender first). Two AppSyncs for one id with another between them both
    /// pass, on Send and on Receive.
    DuplicateCheckAdjacentOnly,
    /// Break R4 by looking only at GroupContextExtensions proposals carried
    /// by value: a cached one next to an AppSync is neither dropped (Send)
    /// nor rejected (Receive), and it then decides the new extensions.
    GceCheckByValueOnly,
    /// Break R3 under the "reject" reading by checking only the first
    /// AppSync of a commit for an unknown id: a later AppSync for an id
    /// without an entry is committed and accepted, and changes nothing.
    UnknownIdCheckFirstOnly,
    /// Break R3/R9 with an off-by-one when re-encoding: the new
    /// `application_states` loses its last entry (`0..len - 1`).
    DropLastEntry,
    /// Break R5 by applying a commit's AppSyncs in `application_id` order
    /// (collected into a map by id) instead of the order they are sent; the
    /// committer then also sends them in id order. Visible only where order
    /// decides the result: new ids under the "create" reading.
    ApplyInIdOrder,
    /// Break R5 by applying the AppSyncs carried by value before the ones
    /// carried by reference (two loops, one per kind, in the wrong order);
    /// the committer sends them in that order too.
    ByValueBeforeByReference,
    /// Break R3 under the "create" reading by rebuilding the list in id
    /// order (states kept in a map by id) instead of appending new entries
    /// at the end: the order is lost when the structure is rebuilt.
    StatesRebuiltInIdOrder,
    /// Break R5's canonical Send order by ranking external senders before
    /// members: where both propose one id, the external sender's AppSync is
    /// kept, and AppSyncs of both go on the wire in another order.
    ExternalSendersFirst,
    /// Break R5's choice on Send among cached AppSyncs for one id: the last
    /// in canonical order wins instead of the first (a map insert that
    /// overwrites).
    LastByReferenceWins,
    /// Break R5's choice on Send between a cached AppSync and the
    /// committer's own AppSync for one id: the first seen (the cached one)
    /// is kept and the committer's own is dropped, as a plain "seen" set
    /// does; two by-value AppSyncs for one id are still refused.
    CachedWinsOverByValue,
    /// Break R3 on Send: the committer judges unknown ids under the default
    /// "reject" reading whatever reading was configured (the policy lost
    /// when the Send-side rules are built), so under "create" it refuses
    /// by-value AppSyncs for new ids and drops cached ones.
    SendIgnoresUnknownIdPolicy,
    /// Break R10 by screening GroupContextExtensions proposals only after
    /// the early return for commits without an AppSync: a lone
    /// GroupContextExtensions proposal with an ill-formed
    /// `application_states` is applied.
    GceScreenedOnlyWithAppSync,
    /// Break R3/R4/R5/R10 on Receive by judging an incoming commit as if
    /// building it: a by-reference proposal that breaks a rule is dropped
    /// from the commit instead of rejecting it.
    ReceiveDropsInvalidByReference,
    /// Break R2 on Receive: an AppSync proposal whose bytes do not decode
    /// is skipped instead of rejecting the commit (a `filter_map` over the
    /// decoded proposals, `read_app_sync(..).ok()`), so the commit's other
    /// AppSyncs are applied. The committer still refuses one by value.
    ReceiveSkipsMalformedAppSync,
}

/// `states` without its last entry, as [`Fault::DropLastEntry`] writes it.
pub(crate) fn without_last_entry(states: IndexedStates<'_>) -> IndexedStates<'_> {
    let mut entries = states.entries().to_vec();
    entries.pop();
    // Fewer entries of a list without repeated ids repeat no id either.
    IndexedStates::new(entries).unwrap_or_default()
}

/// `states` sorted by `application_id`, as [`Fault::StatesRebuiltInIdOrder`]
/// writes it.
pub(crate) fn in_id_order(states: IndexedStates<'_>) -> IndexedStates<'_> {
    let mut entries = states.entries().to_vec();
    entries.sort_by_key(|e| e.application_id());
    // Reordering a list without repeated ids repeats no id either.
    IndexedStates::new(entries).unwrap_or_default()
}

/// The context as [`Fault::MoveStatesToEnd`] sees it: `application_states`
/// taken out, so that writing it again appends it after the others.
pub(crate) fn states_moved_to_end(
    context: &mls_rs::group::GroupContext,
) -> mls_rs::group::GroupContext {
    let mut moved = context.clone();
    moved
        .extensions
        .remove(crate::constants::APPLICATION_STATES_EXTENSION_TYPE);
    moved
}
