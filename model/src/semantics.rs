//! Abstract protocol semantics of draft-barnes-mls-appsync as pure functions.
//!
//! Nothing here knows about the model checker: these functions take a proposal
//! list and a group context and say what an MLS client running our rules does
//! with them. Each rule of the design notes (R1..R9) is enforced in exactly one
//! function, whose doc comment cites the id and quotes the draft.
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
    fn replace(&mut self, id: ApplicationId, value: u8) {
        debug_assert!(self.get(id).is_some(), "replace needs an entry");
        self.slots[id as usize - 1] = value;
    }

    /// Adds an entry for an id that has none, at the end of the list.
    fn append(&mut self, id: ApplicationId, value: u8) {
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

// ---------------------------------------------------------------------------
// One function per rule.
// ---------------------------------------------------------------------------

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
    } else if rules.unknown_id == UnknownIdPolicy::Create {
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
    let mut seen = 0u32;
    for (_, a) in list.app_syncs() {
        let bit = 1u32 << a.application_id.min(31);
        if seen & bit != 0 {
            return Err(Reason::DuplicateApplicationId);
        }
        seen |= bit;
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
/// (sender, R5, R3, R4, GCE variant) and the first failure is the reason. The
/// order is the implementation's (`impl/src/rules.rs`), so that a list that
/// breaks several rules gets the same reason class on both sides.
pub fn validate(
    list: &ProposalList,
    states: &ApplicationStates,
    rules: &Rules,
) -> Result<(), Reason> {
    for item in list.as_slice() {
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
/// refuses the commit.
pub fn build_commit(
    cached: &ProposalList,
    by_value: &ProposalList,
    states: &ApplicationStates,
    rules: &Rules,
) -> Result<ProposalList, Reason> {
    // By value: the committer's own choice, so any violation refuses the commit.
    r4_no_gce_with_app_sync(by_value, rules)?;
    r5_one_app_sync_per_id(by_value, rules)?;
    for (_, a) in by_value.app_syncs() {
        r3_known_application_id(states, &a, rules)?;
    }
    let mut ids_taken = 0u32;
    for (_, a) in by_value.app_syncs() {
        ids_taken |= 1 << a.application_id;
    }
    // By reference: keep the first AppSync per id unless by value took it.
    let mut kept = ProposalList::new();
    for item in cached.as_slice() {
        if r7_authorized_sender(item.sender, rules).is_err() {
            continue;
        }
        if let Proposal::AppSync(a) = item.proposal {
            if r3_known_application_id(states, &a, rules).is_err() {
                continue;
            }
            let bit = 1u32 << a.application_id;
            if ids_taken & bit != 0 && !rules.faults.accept_duplicate_ids {
                continue;
            }
            ids_taken |= bit;
        }
        kept.push(*item);
    }
    // GCE by reference: dropped next to any AppSync; at most one otherwise.
    let any_app_sync = ids_taken != 0;
    let mut list = ProposalList::new();
    let mut gce_kept = by_value.has_gce();
    for item in kept.as_slice() {
        if item.proposal == Proposal::Gce {
            if gce_kept || (any_app_sync && !rules.faults.accept_app_sync_with_gce) {
                continue;
            }
            let alone = ProposalList::from_iter([*item]);
            if gce_keeps_application_states(&alone, states, rules).is_err() {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules {
            application_ids: 2,
            unknown_id: UnknownIdPolicy::Reject,
            gce: GcePolicy::MayRewrite,
            faults: Faults::default(),
        }
    }

    fn app(sender: Sender, id: u8, v: u8, by_value: bool) -> Item {
        let proposal = Proposal::AppSync(AppSync {
            application_id: id,
            new_state: v,
        });
        Item {
            sender,
            proposal,
            by_value,
        }
    }

    fn gce(sender: Sender, by_value: bool) -> Item {
        Item {
            sender,
            proposal: Proposal::Gce,
            by_value,
        }
    }

    const M0: Sender = Sender::Member(0);
    const M1: Sender = Sender::Member(1);

    #[test]
    fn r3_replaces_and_rejects_unknown() {
        let s = ApplicationStates::initial(2);
        let l = ProposalList::from_iter([app(M0, 2, 1, true)]);
        let next = process_commit(&l, &r5_apply_in_order(&l, &s, &rules()), &s, &rules());
        assert_eq!(next.unwrap().get(2), Some(1));
        let bad = ProposalList::from_iter([app(M0, 3, 1, true)]);
        assert_eq!(
            validate(&bad, &s, &rules()),
            Err(Reason::UnknownApplicationId)
        );
        let create = Rules {
            unknown_id: UnknownIdPolicy::Create,
            ..rules()
        };
        assert_eq!(r5_apply_in_order(&bad, &s, &create).get(3), Some(1));
    }

    #[test]
    fn r3_create_appends_in_commit_order() {
        let create = Rules {
            application_ids: 1,
            unknown_id: UnknownIdPolicy::Create,
            ..rules()
        };
        let s = ApplicationStates::initial(1);
        let ids = |s: &ApplicationStates| s.entries().map(|e| e.application_id).collect::<Vec<_>>();
        let l = ProposalList::from_iter([app(M0, 3, 1, true), app(M0, 2, 1, true)]);
        let next = r5_apply_in_order(&l, &s, &create);
        assert_eq!(ids(&next), vec![1, 3, 2]);
        assert!(!next.in_id_order());
        assert_eq!(process_commit(&l, &next, &s, &create), Ok(next));
        // Same entries in the other order: another GroupContext.
        let reversed = ProposalList::from_iter([app(M0, 2, 1, true), app(M0, 3, 1, true)]);
        let other = r5_apply_in_order(&reversed, &s, &create);
        assert_eq!(ids(&other), vec![1, 2, 3]);
        assert!(other.in_id_order());
        assert_ne!(other, next);
        assert_eq!(
            process_commit(&l, &other, &s, &create),
            Err(Reason::StateMismatch)
        );
        // A replacement keeps the entry's position; values map in place.
        let again = ProposalList::from_iter([app(M1, 3, 2, true)]);
        let replaced = r5_apply_in_order(&again, &next, &create);
        assert_eq!(ids(&replaced), vec![1, 3, 2]);
        assert_eq!(replaced.get(3), Some(2));
        assert_eq!(ids(&replaced.map_values(|v| v + 1)), vec![1, 3, 2]);
        // A lone GCE restores the initial list, in id order.
        let g = ProposalList::from_iter([gce(M1, false)]);
        assert_eq!(r5_apply_in_order(&g, &replaced, &create), s);
    }

    #[test]
    fn r4_r5_r7_reject() {
        let s = ApplicationStates::initial(2);
        let l = ProposalList::from_iter([app(M0, 1, 1, false), gce(M1, false)]);
        assert_eq!(validate(&l, &s, &rules()), Err(Reason::AppSyncWithGce));
        let l = ProposalList::from_iter([app(M0, 1, 1, false), app(M1, 1, 0, false)]);
        assert_eq!(
            validate(&l, &s, &rules()),
            Err(Reason::DuplicateApplicationId)
        );
        let l = ProposalList::from_iter([app(Sender::NonMember, 1, 1, false)]);
        assert_eq!(validate(&l, &s, &rules()), Err(Reason::UnauthorizedSender));
        let l = ProposalList::from_iter([app(Sender::External, 1, 1, false)]);
        assert_eq!(validate(&l, &s, &rules()), Ok(()));
    }

    #[test]
    fn r5_applies_in_order_and_mismatch_is_detected() {
        let s = ApplicationStates::initial(2);
        let l = ProposalList::from_iter([app(M0, 2, 1, false), app(M1, 1, 1, true)]);
        let next = r5_apply_in_order(&l, &s, &rules());
        assert_eq!(
            next.entries().map(|e| e.state).collect::<Vec<_>>(),
            vec![1, 1]
        );
        assert_eq!(
            process_commit(&l, &s, &s, &rules()),
            Err(Reason::StateMismatch)
        );
    }

    #[test]
    fn send_side_drops_and_refuses() {
        let s = ApplicationStates::initial(2);
        let cached = ProposalList::from_iter([
            app(M0, 1, 1, false),
            app(M0, 3, 1, false),
            gce(M1, false),
            app(M1, 1, 0, false),
        ]);
        let by_value = ProposalList::from_iter([app(M1, 2, 1, true)]);
        let list = build_commit(&cached, &by_value, &s, &rules()).unwrap();
        assert_eq!(
            list.as_slice(),
            &[app(M0, 1, 1, false), app(M1, 2, 1, true)]
        );
        // By value wins over by reference for the same id.
        let by_value = ProposalList::from_iter([app(M1, 1, 0, true)]);
        let list = build_commit(&cached, &by_value, &s, &rules()).unwrap();
        assert_eq!(list.as_slice(), &[app(M1, 1, 0, true)]);
        // Bad by-value content refuses the commit.
        let bad = ProposalList::from_iter([app(M1, 1, 0, true), gce(M1, true)]);
        assert_eq!(
            build_commit(&cached, &bad, &s, &rules()),
            Err(Reason::AppSyncWithGce)
        );
        let bad = ProposalList::from_iter([app(M1, 3, 0, true)]);
        assert_eq!(
            build_commit(&cached, &bad, &s, &rules()),
            Err(Reason::UnknownApplicationId)
        );
        // A lone GCE survives; under MustNotChange only if it changes nothing.
        let only_gce = ProposalList::from_iter([gce(M1, false), gce(M0, false)]);
        let empty = ProposalList::new();
        assert_eq!(
            build_commit(&only_gce, &empty, &s, &rules())
                .unwrap()
                .as_slice()
                .len(),
            1
        );
        let strict = Rules {
            gce: GcePolicy::MustNotChange,
            ..rules()
        };
        let mut changed = s;
        changed.replace(1, 1);
        assert!(
            build_commit(&only_gce, &empty, &changed, &strict)
                .unwrap()
                .is_empty()
        );
    }
}
