//! Seeded faults for the conformance harness (cargo feature `fault-injection`).
//!
//! A harness is only trusted once it has caught deliberate mistakes. Each
//! [`Fault`] makes [`AppSyncRules`](crate::AppSyncRules) wrong in one
//! rule, on the receive side and, where it means something, on the send side.
//! Without the feature the rules have no way to hold a fault.

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
