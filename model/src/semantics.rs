//! The data of draft-barnes-mls-appsync as the model sees it: the
//! `application_states` extension, the AppSync proposal, senders, proposal
//! lists, rejection reasons, the draft's open questions as policies, and the
//! seeded faults. The rules that act on these types are in
//! [`rules`](crate::rules).
//!
//! A blob `state` of the draft is abstracted to one small value `v`; the real
//! blob for `v` is the single byte `[v]`. The rules never look inside a blob,
//! only compare blobs, so (data independence) it is enough that each writer
//! writes its own value: 0 is the initial value, member `m` writes `m+1`, the
//! external sender 6, the non-member 7, the adversary 8 ([`writer_value`]).
//! Every overwrite by another writer is then visible, and every value names
//! its writer, which makes authenticity and lost updates precise. A writer
//! that writes one value cannot show a write that returns an id to an
//! earlier value of the same writer (A, B, A again), so configurations may
//! give each writer a second value, its first plus [`SECOND_VALUE_OFFSET`]
//! ([`writer_values`]).

use std::fmt;

/// Largest number of honest members the model supports.
pub const MAX_MEMBERS: usize = 5;
/// Largest `application_id` (K <= 3, plus the "unknown" id K+1).
pub const MAX_IDS: usize = 4;
/// Value an adversary writes (see [`writer_value`]).
pub const ADVERSARY_VALUE: u8 = 8;

/// An `application_id` (1-based, as in the draft; the real type is `uint32`).
pub type ApplicationId = u8;

/// R1: one entry of the `application_states` GroupContext extension.
///
/// `struct { uint32 applicationId; opaque state<V>; } ApplicationState;`
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApplicationState {
    pub application_id: ApplicationId,
    pub state: u8,
}

/// R2: the AppSync proposal.
///
/// `struct { uint32 applicationId; opaque new_state<V>; } AppSync;`
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AppSync {
    pub application_id: ApplicationId,
    pub new_state: u8,
}

impl fmt::Display for AppSync {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "app{}={}", self.application_id, self.new_state)
    }
}

/// The proposals the model knows. A GroupContextExtensions proposal (GCE) always
/// carries the initial `application_states` (ids `1..=K`, all 0) next to the
/// group's other extensions: that is the concrete "rewrite" we explore.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Proposal {
    AppSync(AppSync),
    Gce,
    /// A GCE whose `application_states` is not a well-formed list (R10).
    /// Only the adversary makes one, by value; honest members never send it,
    /// so no cache ([`ProposalSet`](crate::compact::ProposalSet)) holds one.
    IllFormedGce(StatesDefect),
    /// A custom proposal of the AppSync type whose bytes are not one encoded
    /// AppSync (R2). Only the adversary makes one, by value, like
    /// [`Proposal::IllFormedGce`].
    UndecodableAppSync(AppSyncDefect),
}

/// How an AppSync proposal's bytes fail to decode (R2: `struct { uint32
/// applicationId; opaque new_state<V>; }`, the length a variable-length
/// integer of RFC 9420, section 2.1.2). The real bytes of each are in the
/// conformance harness; each reaches one error path of the implementation's
/// codec.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AppSyncDefect {
    /// `new_state` is shorter than its length prefix says (a 2-byte prefix
    /// announcing 64 bytes, one present).
    Truncated,
    /// A byte follows the AppSync.
    TrailingBytes,
    /// The length prefix is not minimally encoded (a 4-byte prefix for a
    /// 1-byte state).
    NonMinimalLength,
    /// The length prefix announces 2^30 bytes (an 8-byte prefix), more than
    /// RFC 9420 allows.
    TooLongLength,
}

impl AppSyncDefect {
    pub const ALL: [AppSyncDefect; 4] = [
        AppSyncDefect::Truncated,
        AppSyncDefect::TrailingBytes,
        AppSyncDefect::NonMinimalLength,
        AppSyncDefect::TooLongLength,
    ];
}

/// How a GCE's `application_states` is ill-formed (R10).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatesDefect {
    /// Bytes that are not one encoded list.
    Undecodable,
    /// A list that names one `application_id` twice.
    RepeatedId,
}

/// Who sent a proposal.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sender {
    /// A member, by leaf index.
    Member(u8),
    /// The sender listed in the `external_senders` extension.
    External,
    /// Anyone else: not a member and not listed.
    NonMember,
}

/// The value `sender` writes with every AppSync (see the module header), and
/// its first value when it has two.
pub fn writer_value(sender: Sender) -> u8 {
    match sender {
        Sender::Member(m) => m + 1,
        Sender::External => MAX_MEMBERS as u8 + 1,
        Sender::NonMember => MAX_MEMBERS as u8 + 2,
    }
}

/// A writer's second value is its first plus this: 17..=21 for members,
/// 22 for the external sender, 23 for the non-member, so that it names its
/// writer too and meets no first value, the adversary's 8 or the initial 0.
pub const SECOND_VALUE_OFFSET: u8 = 16;

/// The values `sender` may write when each writer has `per_writer` (1 or 2).
pub fn writer_values(sender: Sender, per_writer: u8) -> impl Iterator<Item = u8> {
    let first = writer_value(sender);
    [first, first + SECOND_VALUE_OFFSET]
        .into_iter()
        .take(per_writer as usize)
}

/// Whether `value` is `sender`'s second value.
pub fn is_second_value(sender: Sender, value: u8) -> bool {
    value == writer_value(sender) + SECOND_VALUE_OFFSET
}

/// One proposal of a commit's proposal list.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Item {
    pub sender: Sender,
    pub proposal: Proposal,
    /// Carried by value inside the commit (else by reference).
    pub by_value: bool,
}

/// Why a message is rejected. These are the reason classes the conformance
/// harness compares.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    AppSyncWithGce,
    DuplicateApplicationId,
    UnknownApplicationId,
    UnauthorizedSender,
    /// R10: a GCE would make `application_states` ill-formed.
    InvalidApplicationStates,
    /// Variant "GCE must not change `application_states`" only.
    GceChangesApplicationStates,
    /// The committer's claimed GroupContext differs from what the proposals
    /// produce (real mls-rs: confirmation tag mismatch).
    StateMismatch,
    WrongEpoch,
    /// A commit names a proposal by reference that the member has not
    /// received (only when the delivery service does not order messages).
    UnknownProposal,
    /// A message from another branch of a forked group: same epoch, other
    /// keys, so its membership tag or AEAD fails.
    AuthenticationFailure,
    /// R2: an AppSync's bytes do not decode.
    MalformedAppSync,
}

impl Reason {
    pub const ALL: [Reason; 11] = [
        Reason::AppSyncWithGce,
        Reason::DuplicateApplicationId,
        Reason::UnknownApplicationId,
        Reason::UnauthorizedSender,
        Reason::InvalidApplicationStates,
        Reason::GceChangesApplicationStates,
        Reason::StateMismatch,
        Reason::WrongEpoch,
        Reason::UnknownProposal,
        Reason::AuthenticationFailure,
        Reason::MalformedAppSync,
    ];
}

/// Open question: what does an AppSync for an id with no entry do?
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum UnknownIdPolicy {
    /// Our reading of R3: the proposal list is invalid (default).
    Reject,
    /// The successor draft's reading: the entry is created.
    Create,
}

/// Open question: may a GCE in a later commit rewrite `application_states`?
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum GcePolicy {
    /// The draft as written: only GCE next to AppSync is forbidden (default).
    MayRewrite,
    /// Our stricter rule: a GCE must leave `application_states` unchanged.
    MustNotChange,
}

/// Seeded faults: a member implementation that breaks one rule. Each exists to
/// show that the property guarding that rule is not vacuous.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Faults {
    /// Skip R4.
    pub accept_app_sync_with_gce: bool,
    /// Skip R5's "at most one per application_id".
    pub accept_duplicate_ids: bool,
    /// Skip R3's replacement (AppSyncs are accepted but not applied).
    pub skip_apply: bool,
    /// Skip R7/R9's sender authorization.
    pub skip_sender_check: bool,
    /// Skip R10: accept a GCE that makes `application_states` ill-formed.
    pub accept_ill_formed_states: bool,
    /// Apply what the member computes even when it differs from what the
    /// committer claims (a member that does not check the confirmation tag).
    pub skip_confirmation: bool,
    /// As a committer, send AppSyncs without applying them to its own next
    /// GroupContext (its claimed state stays the old one).
    pub committer_skips_apply: bool,
    /// Skip R3's validity half under the "reject" reading: an unknown id is
    /// accepted and its entry created.
    pub accept_unknown_id: bool,
}

/// Everything a member's rules depend on besides the message itself.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rules {
    /// K: ids `1..=K` exist initially.
    pub application_ids: u8,
    pub unknown_id: UnknownIdPolicy,
    pub gce: GcePolicy,
    pub faults: Faults,
}
