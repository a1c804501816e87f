//! Compact containers: the `application_states` list, a commit's proposal
//! list, a set of by-reference proposals and a commit's by-value AppSyncs,
//! each `Copy` and a few bytes, because the checker clones and hashes a model
//! state for every transition. What they hold means what
//! [`semantics`](crate::semantics) says; here is only how it is packed.

use crate::semantics::{
    AppSync, ApplicationId, ApplicationState, Item, MAX_IDS, MAX_MEMBERS, Proposal,
    SECOND_VALUE_OFFSET, Sender, StatesDefect, is_second_value, writer_value,
};
use std::fmt;

/// R1: the `application_states` extension, in list order.
///
/// Stored flat so that cloning a model state stays cheap: slot `i` holds the
/// value of id `i+1` (`ABSENT` marks an id with no entry), and `ranks` holds,
/// two bits per slot, the entry's position in the list (0 for an absent slot,
/// so that equal lists have equal representations). The list starts in id
/// order (ids `1..=K`); an entry created under
/// [`UnknownIdPolicy::Create`](crate::semantics::UnknownIdPolicy::Create) goes
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
            Proposal::Gce | Proposal::IllFormedGce(_) | Proposal::UndecodableAppSync(_) => None,
        })
    }

    /// A GroupContextExtensions proposal, well-formed or not.
    pub fn has_gce(&self) -> bool {
        self.as_slice()
            .iter()
            .any(|i| matches!(i.proposal, Proposal::Gce | Proposal::IllFormedGce(_)))
    }

    /// The defect of the first ill-formed GCE of the list, if any (R10).
    pub fn ill_formed_gce(&self) -> Option<StatesDefect> {
        self.as_slice().iter().find_map(|i| match i.proposal {
            Proposal::IllFormedGce(defect) => Some(defect),
            _ => None,
        })
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

/// A set of by-reference proposals (a member's cache, or a commit's references),
/// one bit per (sender, proposal); an AppSync's `new_state` is one of its
/// sender's two [`writer_values`](crate::semantics::writer_values), so it
/// needs one bit per id. Bit order is the canonical order of the send rules:
/// sender (members by leaf, then the external sender, then the non-member),
/// then `application_id`, then `new_state` (the first value before the
/// second); a sender's GCE last.
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProposalSet(u64);

/// Per sender: two values for each id, then the GCE.
const KINDS: u32 = 2 * MAX_IDS as u32 + 1;
const EXTERNAL_SLOT: u32 = MAX_MEMBERS as u32;
const NON_MEMBER_SLOT: u32 = MAX_MEMBERS as u32 + 1;
const BLOCK: u64 = (1 << KINDS) - 1;
// Every sender's block fits in the 64 bits.
const _: () = assert!((NON_MEMBER_SLOT + 1) * KINDS <= 64);

impl ProposalSet {
    /// The bit of a proposal, or `None` for one no set can hold (an
    /// ill-formed GCE or an undecodable AppSync, which only the adversary
    /// makes, by value).
    fn bit(sender: Sender, proposal: Proposal) -> Option<u32> {
        let slot = match sender {
            Sender::Member(m) => m as u32,
            Sender::External => EXTERNAL_SLOT,
            Sender::NonMember => NON_MEMBER_SLOT,
        };
        let kind = match proposal {
            Proposal::AppSync(a) => {
                let second = is_second_value(sender, a.new_state);
                debug_assert!(
                    second || a.new_state == writer_value(sender),
                    "values are writer tags"
                );
                2 * (a.application_id as u32 - 1) + u32::from(second)
            }
            Proposal::Gce => KINDS - 1,
            Proposal::IllFormedGce(_) | Proposal::UndecodableAppSync(_) => return None,
        };
        Some(slot * KINDS + kind)
    }

    fn decode(bit: u32) -> (Sender, Proposal) {
        let (slot, kind) = (bit / KINDS, bit % KINDS);
        let sender = match slot {
            EXTERNAL_SLOT => Sender::External,
            NON_MEMBER_SLOT => Sender::NonMember,
            m => Sender::Member(m as u8),
        };
        let proposal = if kind == KINDS - 1 {
            Proposal::Gce
        } else {
            let second = if kind % 2 == 1 {
                SECOND_VALUE_OFFSET
            } else {
                0
            };
            Proposal::AppSync(AppSync {
                application_id: (kind / 2) as u8 + 1,
                new_state: writer_value(sender) + second,
            })
        };
        (sender, proposal)
    }

    /// Adds a by-reference proposal (an ill-formed GCE or an undecodable
    /// AppSync is never one).
    pub fn insert(&mut self, sender: Sender, proposal: Proposal) {
        if let Some(bit) = Self::bit(sender, proposal) {
            self.0 |= 1 << bit;
        }
    }

    pub fn contains(&self, sender: Sender, proposal: Proposal) -> bool {
        Self::bit(sender, proposal).is_some_and(|bit| self.0 & (1 << bit) != 0)
    }

    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// The proposals in canonical order, as by-reference items.
    pub fn iter(&self) -> impl Iterator<Item = Item> {
        let mut rest = self.0;
        std::iter::from_fn(move || {
            if rest == 0 {
                return None;
            }
            let bit = rest.trailing_zeros();
            rest &= rest - 1;
            let (sender, proposal) = Self::decode(bit);
            Some(Item {
                sender,
                proposal,
                by_value: false,
            })
        })
    }

    /// The proposals of member `m`'s block, shifted to block 0 (symmetry keys
    /// compare members by their own proposals, which name no other member).
    pub(crate) fn member_block(&self, m: usize) -> u64 {
        (self.0 >> (m as u32 * KINDS)) & BLOCK
    }

    /// The blocks of the external sender and the non-member, shifted to block
    /// 0: the part of a set that renaming members leaves alone.
    pub(crate) fn outsider_blocks(&self) -> u64 {
        self.0 >> (EXTERNAL_SLOT * KINDS)
    }

    /// The same set with member `m`'s block moved to member `rename(m)`'s
    /// (symmetry); the external sender and the non-member keep theirs.
    pub(crate) fn rename_members(&self, rename: impl Fn(u8) -> u8) -> Self {
        let fixed = (BLOCK << (EXTERNAL_SLOT * KINDS)) | (BLOCK << (NON_MEMBER_SLOT * KINDS));
        let mut out = self.0 & fixed;
        for m in 0..MAX_MEMBERS {
            let block = self.member_block(m);
            if block != 0 {
                out |= block << (rename(m as u8) as u32 * KINDS);
            }
        }
        ProposalSet(out)
    }
}

impl fmt::Debug for ProposalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|i| (i.sender, i.proposal)))
            .finish()
    }
}

/// Up to two AppSyncs carried by value in a commit (in the order given).
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ByValue {
    items: [Option<AppSync>; 2],
    /// A GroupContextExtensions proposal (the initial `application_states`)
    /// by value after the AppSyncs: a list the send rules must refuse next
    /// to an AppSync (R4).
    gce: bool,
}

impl ByValue {
    pub fn new(app_syncs: &[AppSync]) -> Self {
        assert!(app_syncs.len() <= 2, "at most two by-value AppSyncs");
        let mut items = [None; 2];
        for (slot, a) in items.iter_mut().zip(app_syncs) {
            *slot = Some(*a);
        }
        Self { items, gce: false }
    }

    /// The same AppSyncs plus a GroupContextExtensions proposal by value.
    pub fn with_gce(self) -> Self {
        Self { gce: true, ..self }
    }

    /// Whether a GroupContextExtensions proposal goes by value too.
    pub fn has_gce(&self) -> bool {
        self.gce
    }

    pub fn iter(&self) -> impl Iterator<Item = AppSync> + '_ {
        self.items.iter().flatten().copied()
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// No proposal by value at all.
    pub fn is_empty(&self) -> bool {
        self.items[0].is_none() && !self.gce
    }

    /// The same AppSyncs, in the same order, each mapped by `f` (symmetry).
    pub(crate) fn map(&self, f: impl Fn(AppSync) -> AppSync) -> Self {
        Self {
            items: self.items.map(|a| a.map(&f)),
            gce: self.gce,
        }
    }
}

impl fmt::Debug for ByValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, a) in self.iter().enumerate() {
            write!(f, "{}{a}", if i == 0 { "" } else { "," })?;
        }
        if self.gce {
            f.write_str(if self.items[0].is_some() {
                ",gce"
            } else {
                "gce"
            })?;
        }
        f.write_str("]")
    }
}
