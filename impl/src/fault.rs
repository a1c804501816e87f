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
}
