//! The model's state: members, the delivery service's log, and ghost
//! variables. Everything is small and flat because the checker clones and
//! hashes a state for every transition (the packed containers are in
//! [`compact`](crate::compact), the renaming of members in
//! [`symmetry`](crate::symmetry)).

use crate::compact::{ApplicationStates, ByValue, ProposalList, ProposalSet};
use crate::rules::{r3_known_application_id, r7_authorized_sender, validate};
use crate::semantics::{AppSync, ApplicationState, Item, MAX_IDS, Proposal, Reason, Rules, Sender};

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
    /// A lone GCE whose `application_states` bytes do not decode (R10).
    UndecodableStates,
    /// A lone GCE whose `application_states` names an id twice (R10).
    RepeatedIdStates,
}

impl Forgery {
    pub const ALL: [Forgery; 6] = [
        Forgery::AppSyncWithGce,
        Forgery::DuplicateId,
        Forgery::UnknownId,
        Forgery::StateMismatch,
        Forgery::UndecodableStates,
        Forgery::RepeatedIdStates,
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
    /// A GCE committed by value (forgeries only): `Proposal::Gce` or
    /// `Proposal::IllFormedGce`.
    pub gce_by_value: Option<Proposal>,
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
        let gce = self.gce_by_value.map(|proposal| Item {
            sender: committer,
            proposal,
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

    /// Ghost audit of one commit application by an honest member: sets the
    /// bit of every guarantee it breaks, judged by our rules without faults
    /// (`correct`), so that a faulty member's own rules cannot excuse it.
    pub(crate) fn audit(
        &mut self,
        list: &ProposalList,
        commit: &Commit,
        old: &ApplicationStates,
        new: &ApplicationStates,
        correct: &Rules,
    ) {
        if validate(list, old, correct).is_err() {
            self.0 |= Ghost::INVALID_LIST_APPLIED;
        }
        if commit.forgery.is_some() {
            self.0 |= Ghost::FORGED_COMMIT_APPLIED;
        }
        let initial = ApplicationStates::initial(correct.application_ids);
        for id in 1..=MAX_IDS as u8 {
            let after = new.get(id);
            let writes = list.app_syncs().filter(|(_, a)| a.application_id == id);
            if old.get(id) != after {
                if writes.clone().next().is_none() {
                    self.0 |= Ghost::WRITE_WITHOUT_APP_SYNC;
                }
                let authorized = writes.clone().any(|(sender, a)| {
                    r7_authorized_sender(sender, correct).is_ok() && Some(a.new_state) == after
                });
                if !(after.is_none() || after == initial.get(id) || authorized) {
                    self.0 |= Ghost::UNAUTHENTIC_VALUE;
                }
            }
            if let Some((_, last)) = writes.last()
                && r3_known_application_id(old, &last, correct).is_ok()
                && after != Some(last.new_state)
            {
                self.0 |= Ghost::COMMITTED_APP_SYNC_INVISIBLE;
            }
        }
    }
}

/// The whole system. (`Debug` prints it in the model's words, see
/// `display.rs`.)
#[derive(Clone, PartialEq, Eq, Hash)]
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
