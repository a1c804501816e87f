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
//! its writer, which makes authenticity and lost updates precise.

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

/// R1: the `application_states` extension, in list order.
///
/// Stored flat so that cloning a model state stays cheap: slot `i` holds the
/// value of id `i+1` (`ABSENT` marks an id with no entry), and `ranks` holds,
/// two bits per slot, the entry's position in the list (0 for an absent slot,
/// so that equal lists have equal representations). The list starts in id
/// order (ids `1..=K`); an entry created under [`UnknownIdPolicy::Create`] goes
/// at the end, as the real extension appends it. Comparison looks at the values
/// first, and the ranks of a list in id order follow from its values, so lists
/// in id order compare (and sort, for symmetry) exactly as by value alone.
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApplicationStates {
    slots: [u8; MAX_IDS],
    ranks: u8,
}

const ABSENT: u8 = u8::MAX;
const RANK_BITS: usize = 2;
const RANK_MASK: u8 = (1 << RANK_BITS) - 1;
// Every position of a list of MAX_IDS entries fits in a rank field.
const _: () = assert!(MAX_IDS <= 1 << RANK_BITS && MAX_IDS * RANK_BITS <= 8);

impl ApplicationStates {
    /// The initial extension: ids `1..=k` in id order, each with value 0.
    pub fn initial(k: u8) -> Self {
        let mut states = Self {
            slots: [ABSENT; MAX_IDS],
            ranks: 0,
        };
        for id in 1..=k {
            states.append(id, 0);
        }
        states
    }

    /// The value of `id`, or `None` when the extension has no entry for it.
    pub fn get(&self, id: ApplicationId) -> Option<u8> {
        let slot = *self.slots.get((id as usize).checked_sub(1)?)?;
        (slot != ABSENT).then_some(slot)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|v| **v != ABSENT).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn rank(&self, slot: usize) -> usize {
        ((self.ranks >> (slot * RANK_BITS)) & RANK_MASK) as usize
    }

    /// Replaces the value of an existing entry; its position stays.
    pub(crate) fn replace(&mut self, id: ApplicationId, value: u8) {
        debug_assert!(self.get(id).is_some(), "replace needs an entry");
        self.slots[id as usize - 1] = value;
    }

    /// Adds an entry for an id that has none, at the end of the list.
    pub(crate) fn append(&mut self, id: ApplicationId, value: u8) {
        debug_assert!(self.get(id).is_none(), "append needs an id without entry");
        let position = self.len() as u8;
        let slot = id as usize - 1;
        self.slots[slot] = value;
        self.ranks |= position << (slot * RANK_BITS);
    }

    /// The same entries, in the same order, with every value mapped by `f`
    /// (symmetry reduction).
    pub fn map_values(&self, f: impl Fn(u8) -> u8) -> Self {
        Self {
            slots: self.slots.map(|v| if v == ABSENT { v } else { f(v) }),
            ranks: self.ranks,
        }
    }

    /// The entries in list order, as the wire list holds them.
    pub fn entries(&self) -> impl Iterator<Item = ApplicationState> + '_ {
        (0..self.len()).map(move |position| {
            let slot = (0..MAX_IDS)
                .find(|&i| self.slots[i] != ABSENT && self.rank(i) == position)
                .expect("ranks are the positions 0..len");
            ApplicationState {
                application_id: slot as u8 + 1,
                state: self.slots[slot],
            }
        })
    }

    /// Whether the list is in `application_id` order (always so unless two
    /// entries were created in descending id order).
    pub fn in_id_order(&self) -> bool {
        let mut last = 0;
        self.entries().all(|e| {
            let ascending = e.application_id > last;
            last = e.application_id;
            ascending
        })
    }
}

impl fmt::Debug for ApplicationStates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, e) in self.entries().enumerate() {
            let sep = if i == 0 { "" } else { "," };
            write!(f, "{sep}app{}={}", e.application_id, e.state)?;
        }
        f.write_str("}")
    }
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

/// The value `sender` writes with every AppSync (see the module header).
pub fn writer_value(sender: Sender) -> u8 {
    match sender {
        Sender::Member(m) => m + 1,
        Sender::External => MAX_MEMBERS as u8 + 1,
        Sender::NonMember => MAX_MEMBERS as u8 + 2,
    }
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
    /// Variant "GCE must not change `application_states`" only.
    GceChangesApplicationStates,
    /// The committer's claimed GroupContext differs from what the proposals
    /// produce (real mls-rs: confirmation tag mismatch).
    StateMismatch,
    WrongEpoch,
}

impl Reason {
    pub const ALL: [Reason; 7] = [
        Reason::AppSyncWithGce,
        Reason::DuplicateApplicationId,
        Reason::UnknownApplicationId,
        Reason::UnauthorizedSender,
        Reason::GceChangesApplicationStates,
        Reason::StateMismatch,
        Reason::WrongEpoch,
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

/// A short proposal list, kept on the stack (commits hold a handful of items).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ProposalList {
    items: [Item; Self::CAPACITY],
    len: u8,
}

impl ProposalList {
    pub const CAPACITY: usize = 16;

    pub fn new() -> Self {
        let filler = Item {
            sender: Sender::NonMember,
            proposal: Proposal::Gce,
            by_value: false,
        };
        Self {
            items: [filler; Self::CAPACITY],
            len: 0,
        }
    }

    pub fn push(&mut self, item: Item) {
        assert!(
            (self.len as usize) < Self::CAPACITY,
            "proposal list too long"
        );
        self.items[self.len as usize] = item;
        self.len += 1;
    }

    pub fn as_slice(&self) -> &[Item] {
        &self.items[..self.len as usize]
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The AppSyncs of the list, in order.
    pub fn app_syncs(&self) -> impl Iterator<Item = (Sender, AppSync)> + Clone + '_ {
        self.as_slice().iter().filter_map(|i| match i.proposal {
            Proposal::AppSync(a) => Some((i.sender, a)),
            Proposal::Gce => None,
        })
    }

    pub fn has_gce(&self) -> bool {
        self.as_slice().iter().any(|i| i.proposal == Proposal::Gce)
    }
}

impl Default for ProposalList {
    fn default() -> Self {
        Self::new()
    }
}

impl FromIterator<Item> for ProposalList {
    fn from_iter<T: IntoIterator<Item = Item>>(iter: T) -> Self {
        let mut list = Self::new();
        for item in iter {
            list.push(item);
        }
        list
    }
}
