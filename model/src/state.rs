//! The model's state: members, the delivery service's log, and ghost
//! variables. Everything is small and flat because the checker clones and
//! hashes a state for every transition.

use crate::semantics::{
    AppSync, ApplicationState, ApplicationStates, Item, MAX_IDS, MAX_MEMBERS, Proposal,
    ProposalList, Reason, Sender, writer_value,
};
use stateright::{Representative, Rewrite, RewritePlan};
use std::fmt;

/// A member id as stateright's symmetry machinery wants it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemberId(pub u8);

impl From<usize> for MemberId {
    fn from(i: usize) -> Self {
        MemberId(i as u8)
    }
}

impl From<MemberId> for usize {
    fn from(m: MemberId) -> usize {
        m.0 as usize
    }
}

/// A set of by-reference proposals (a member's cache, or a commit's references),
/// one bit per (sender, proposal); an AppSync's `new_state` is its sender's
/// [`writer_value`], so it needs no bits. Bit order is the canonical order of
/// the send rules: sender (members by leaf, then the external sender, then the
/// non-member), then `application_id` (then `new_state`, fixed per sender); a
/// sender's GCE last.
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProposalSet(u64);

const KINDS: u32 = MAX_IDS as u32 + 1;
const EXTERNAL_SLOT: u32 = MAX_MEMBERS as u32;
const NON_MEMBER_SLOT: u32 = MAX_MEMBERS as u32 + 1;
const BLOCK: u64 = (1 << KINDS) - 1;

impl ProposalSet {
    fn bit(sender: Sender, proposal: Proposal) -> u32 {
        let slot = match sender {
            Sender::Member(m) => m as u32,
            Sender::External => EXTERNAL_SLOT,
            Sender::NonMember => NON_MEMBER_SLOT,
        };
        let kind = match proposal {
            Proposal::AppSync(a) => {
                debug_assert_eq!(a.new_state, writer_value(sender), "values are writer tags");
                a.application_id as u32 - 1
            }
            Proposal::Gce => KINDS - 1,
        };
        slot * KINDS + kind
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
            Proposal::AppSync(AppSync {
                application_id: kind as u8 + 1,
                new_state: writer_value(sender),
            })
        };
        (sender, proposal)
    }

    pub fn insert(&mut self, sender: Sender, proposal: Proposal) {
        self.0 |= 1 << Self::bit(sender, proposal);
    }

    pub fn contains(&self, sender: Sender, proposal: Proposal) -> bool {
        self.0 & (1 << Self::bit(sender, proposal)) != 0
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

    /// The proposals of a member's own block, shifted to block 0 (for symmetry keys).
    fn own_block(&self, m: usize) -> u64 {
        (self.0 >> (m as u32 * KINDS)) & BLOCK
    }
}

impl fmt::Debug for ProposalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|i| (i.sender, i.proposal)))
            .finish()
    }
}

impl Rewrite<MemberId> for ProposalSet {
    fn rewrite<S>(&self, plan: &RewritePlan<MemberId, S>) -> Self {
        // Keep the external and non-member blocks; move each member block.
        let fixed = (BLOCK << (EXTERNAL_SLOT * KINDS)) | (BLOCK << (NON_MEMBER_SLOT * KINDS));
        let mut out = self.0 & fixed;
        for m in 0..MAX_MEMBERS {
            let block = self.own_block(m);
            if block != 0 {
                let to = plan.rewrite(&MemberId(m as u8)).0 as u32;
                out |= block << (to * KINDS);
            }
        }
        ProposalSet(out)
    }
}

/// Up to two AppSyncs carried by value in a commit (in the order given).
#[derive(Copy, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ByValue {
    items: [Option<AppSync>; 2],
}

impl ByValue {
    pub fn new(app_syncs: &[AppSync]) -> Self {
        assert!(app_syncs.len() <= 2, "at most two by-value AppSyncs");
        let mut items = [None; 2];
        for (slot, a) in items.iter_mut().zip(app_syncs) {
            *slot = Some(*a);
        }
        Self { items }
    }

    pub fn iter(&self) -> impl Iterator<Item = AppSync> + '_ {
        self.items.iter().flatten().copied()
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.items[0].is_none()
    }
}

impl fmt::Debug for ByValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, a) in self.iter().enumerate() {
            write!(f, "{}{a}", if i == 0 { "" } else { "," })?;
        }
        f.write_str("]")
    }
}

/// The invalid commit kinds the adversary forges.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Forgery {
    /// AppSync and GCE in one commit (breaks R4).
    AppSyncWithGce,
    /// Two AppSyncs for one id (breaks R5).
    DuplicateId,
    /// An AppSync for id K+1 (breaks R3 under the reject reading).
    UnknownId,
    /// A commit whose claimed state is not what its proposals produce (R9).
    StateMismatch,
}

impl Forgery {
    pub const ALL: [Forgery; 4] = [
        Forgery::AppSyncWithGce,
        Forgery::DuplicateId,
        Forgery::UnknownId,
        Forgery::StateMismatch,
    ];
}

/// A commit as the DS fans it out.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Commit {
    /// Leaf index of the committer (the adversary's leaf is N).
    pub committer: u8,
    pub epoch: u8,
    /// Proposals committed by reference, in canonical order.
    pub by_reference: ProposalSet,
    /// AppSyncs committed by value, after the by-reference ones.
    pub by_value: ByValue,
    /// A GCE committed by value (forgeries only).
    pub gce_by_value: bool,
    /// The `application_states` of the committer's next GroupContext (what
    /// its confirmation tag commits to).
    pub claimed: ApplicationStates,
    /// Set on adversary commits: which rule they break.
    pub forgery: Option<Forgery>,
}

impl Commit {
    /// The proposal list in commit order.
    pub fn proposals(&self) -> ProposalList {
        let committer = Sender::Member(self.committer);
        let by_value = self.by_value.iter().map(|a| Item {
            sender: committer,
            proposal: Proposal::AppSync(a),
            by_value: true,
        });
        let gce = self.gce_by_value.then_some(Item {
            sender: committer,
            proposal: Proposal::Gce,
            by_value: true,
        });
        self.by_reference
            .iter()
            .chain(by_value)
            .chain(gce)
            .collect()
    }
}

/// A message in the delivery service's total order.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Message {
    /// A proposal sent by reference.
    Proposal {
        sender: Sender,
        epoch: u8,
        proposal: Proposal,
    },
    Commit(Commit),
}

impl Rewrite<MemberId> for Message {
    fn rewrite<S>(&self, plan: &RewritePlan<MemberId, S>) -> Self {
        match *self {
            Message::Proposal {
                sender: Sender::Member(m),
                epoch,
                proposal,
            } => Message::Proposal {
                sender: Sender::Member(plan.rewrite(&MemberId(m)).0),
                epoch,
                proposal,
            },
            Message::Proposal { .. } => *self,
            Message::Commit(c) => Message::Commit(Commit {
                // The adversary is not permuted: only honest members are symmetric.
                committer: match c.forgery {
                    None => plan.rewrite(&MemberId(c.committer)).0,
                    Some(_) => c.committer,
                },
                by_reference: c.by_reference.rewrite(plan),
                by_value: ByValue {
                    items: c
                        .by_value
                        .items
                        .map(|a| a.map(|a| rewrite_app_sync(a, plan))),
                },
                claimed: rewrite_states(&c.claimed, plan),
                ..c
            }),
        }
    }
}

/// What the application wanted when it proposed an AppSync by reference: the
/// update and the value it read. Real clients re-propose an update that did not
/// make it into a commit (RFC 9420: proposals are not carried across epochs), so
/// the model keeps the intent until it is committed. This ghost never reaches
/// the wire; it is what makes a *lost update* observable.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Intent {
    pub app_sync: AppSync,
    /// The value of `application_id` when the application chose `new_state`.
    pub read: Option<u8>,
}

/// The outcome of the last message a member processed.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    Nothing,
    AcceptedProposal,
    /// A commit applied: how many AppSyncs it held, and whether one came from the
    /// external sender (witnesses need this; the harness view drops it).
    AcceptedCommit {
        app_syncs: u8,
        external: bool,
    },
    Rejected(Reason),
}

/// One honest member's protocol state.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Member {
    pub epoch: u8,
    pub application_states: ApplicationStates,
    /// By-reference proposals received (or sent) in the current epoch.
    pub cache: ProposalSet,
    /// A commit of ours is in the DS log and not yet processed by us.
    pub pending: bool,
    /// Position of the next message for us in the DS log.
    pub cursor: u8,
    pub last: Outcome,
    pub intent: Option<Intent>,
}

/// Renames a member's writer value (`m+1`); other values are fixed.
fn rewrite_value<S>(v: u8, plan: &RewritePlan<MemberId, S>) -> u8 {
    match v {
        1..=5 => plan.rewrite(&MemberId(v - 1)).0 + 1,
        _ => v,
    }
}

fn rewrite_states<S>(s: &ApplicationStates, plan: &RewritePlan<MemberId, S>) -> ApplicationStates {
    s.map_values(|v| rewrite_value(v, plan))
}

fn rewrite_app_sync<S>(a: AppSync, plan: &RewritePlan<MemberId, S>) -> AppSync {
    AppSync {
        new_state: rewrite_value(a.new_state, plan),
        ..a
    }
}

impl Rewrite<MemberId> for Member {
    fn rewrite<S>(&self, plan: &RewritePlan<MemberId, S>) -> Self {
        Member {
            application_states: rewrite_states(&self.application_states, plan),
            cache: self.cache.rewrite(plan),
            intent: self.intent.map(|i| Intent {
                app_sync: rewrite_app_sync(i.app_sync, plan),
                read: i.read.map(|v| rewrite_value(v, plan)),
            }),
            ..*self
        }
    }
}

/// Ghost bits: history facts that a state alone cannot show. They are only
/// ever set under seeded faults or open-question variants, so they do not
/// enlarge the state space of the real protocol.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Ghost(pub u8);

impl Ghost {
    /// An honest member applied a list our rules call invalid.
    pub const INVALID_LIST_APPLIED: u8 = 1;
    /// An honest member applied a forged commit.
    pub const FORGED_COMMIT_APPLIED: u8 = 2;
    /// A value entered a member's state without an AppSync from an authorized sender.
    pub const UNAUTHENTIC_VALUE: u8 = 4;
    /// An AppSync was applied but its `new_state` is not in the result.
    pub const COMMITTED_APP_SYNC_INVISIBLE: u8 = 8;
    /// A value changed without an AppSync for its id (a GCE rewrite).
    pub const WRITE_WITHOUT_APP_SYNC: u8 = 16;

    pub fn has(&self, bit: u8) -> bool {
        self.0 & bit != 0
    }
}

/// The whole system.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct State {
    /// Honest members, by leaf index.
    pub members: Vec<Member>,
    /// The DS log: messages not yet delivered to every member, in total order.
    pub log: Vec<Message>,
    /// The group's newest epoch: reached by applying every valid commit in the
    /// DS order. The external sender, the non-member and the adversary act here
    /// (the harness keeps their clients in sync by feeding them the DS log).
    pub group_epoch: u8,
    pub group_states: ApplicationStates,
    /// External proposals sent so far, and the epoch of the last one.
    pub external_sent: u8,
    pub external_last_epoch: Option<u8>,
    pub injected: u8,
    pub forged: u8,
    pub ghost: Ghost,
}

impl State {
    /// The next message `member` will process, if any.
    pub fn next_message(&self, member: usize) -> Option<&Message> {
        self.log.get(self.members[member].cursor as usize)
    }

    /// Proposal messages not yet delivered to everyone.
    pub fn proposals_in_flight(&self) -> usize {
        self.log
            .iter()
            .filter(|m| matches!(m, Message::Proposal { .. }))
            .count()
    }

    /// Nothing in flight: every member has processed the whole log.
    pub fn is_quiescent(&self) -> bool {
        self.log.is_empty()
    }
}

impl Representative for State {
    /// Sorts honest members by the parts of their state that name no other
    /// member, then renames member ids everywhere (caches, log senders).
    fn representative(&self) -> Self {
        let keys: Vec<_> = self
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let foreign = m.cache.0 >> (EXTERNAL_SLOT * KINDS);
                (
                    m.epoch,
                    m.application_states,
                    m.pending,
                    m.cursor,
                    m.last,
                    m.intent,
                    m.cache.own_block(i),
                    foreign,
                )
            })
            .collect();
        let plan = RewritePlan::<MemberId, _>::from_values_to_sort(&keys);
        State {
            members: plan.reindex(&self.members),
            log: self.log.iter().map(|m| m.rewrite(&plan)).collect(),
            group_states: rewrite_states(&self.group_states, &plan),
            ..*self
        }
    }
}

/// The outcome as the conformance harness compares it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum LastOutcome {
    /// No message processed yet.
    None,
    Accepted,
    Rejected(Reason),
}

/// Per-member view compared after every step by the conformance harness.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MemberView {
    pub epoch: u8,
    /// `(application_id, value)` in list order (the order of the real
    /// extension: ids `1..=K`, then created entries in creation order); the
    /// real blob of value v is `[v]`.
    pub application_states: Vec<(u32, u8)>,
    /// Leaf indexes in the group (static: honest members plus the adversary).
    pub members: Vec<u32>,
    pub last: LastOutcome,
}

impl Member {
    pub(crate) fn view(&self, leaves: u8) -> MemberView {
        MemberView {
            epoch: self.epoch,
            application_states: self
                .application_states
                .entries()
                .map(
                    |ApplicationState {
                         application_id,
                         state,
                     }| (application_id as u32, state),
                )
                .collect(),
            members: (0..leaves as u32).collect(),
            last: match self.last {
                Outcome::Nothing => LastOutcome::None,
                Outcome::AcceptedProposal | Outcome::AcceptedCommit { .. } => LastOutcome::Accepted,
                Outcome::Rejected(r) => LastOutcome::Rejected(r),
            },
        }
    }
}
