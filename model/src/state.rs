//! The model's state: members, the delivery service's log, and ghost
//! variables. Everything is small and flat because the checker clones and
//! hashes a state for every transition (the packed containers are in
//! [`compact`](crate::compact), the renaming of members in
//! [`symmetry`](crate::symmetry)).

use crate::compact::{ApplicationStates, ByValue, ProposalList, ProposalSet};
use crate::semantics::{
    AppSync, AppSyncDefect, ApplicationState, GcePolicy, Item, MAX_IDS, Proposal, Reason, Rules,
    Sender, UnknownIdPolicy, writer_values,
};

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
    /// A cached AppSync for an id without an entry, committed by reference
    /// next to the adversary's own AppSync by value (breaks R3 under the
    /// reject reading). Offered only while the adversary holds such a
    /// proposal at the group's newest epoch.
    UnknownIdByReference,
    /// An AppSync by value (`app1` set to the adversary's value) followed by
    /// an AppSync proposal whose bytes do not decode (breaks R2).
    UndecodableAppSync(AppSyncDefect),
}

impl Forgery {
    pub const ALL: [Forgery; 11] = [
        Forgery::AppSyncWithGce,
        Forgery::DuplicateId,
        Forgery::UnknownId,
        Forgery::StateMismatch,
        Forgery::UndecodableStates,
        Forgery::RepeatedIdStates,
        Forgery::UnknownIdByReference,
        Forgery::UndecodableAppSync(AppSyncDefect::Truncated),
        Forgery::UndecodableAppSync(AppSyncDefect::TrailingBytes),
        Forgery::UndecodableAppSync(AppSyncDefect::NonMinimalLength),
        Forgery::UndecodableAppSync(AppSyncDefect::TooLongLength),
    ];

    /// Whether the forgery commits a cached proposal by reference (the rest
    /// carry only by-value proposals).
    pub fn by_reference(&self) -> bool {
        matches!(self, Forgery::UnknownIdByReference)
    }
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
    /// An AppSync proposal by value whose bytes do not decode (forgeries
    /// only), after the by-value AppSyncs.
    pub undecodable_by_value: Option<AppSyncDefect>,
    /// The `application_states` of the committer's next GroupContext (what
    /// its confirmation tag commits to).
    pub claimed: ApplicationStates,
    /// Set on adversary commits: which rule they break.
    pub forgery: Option<Forgery>,
    /// A non-member's external commit: its by-value AppSyncs come from
    /// someone outside the group (`Sender::NonMember`).
    pub outsider: bool,
    /// Which commit this is, and the commit the committer's epoch came from
    /// (its branch). Only an unordered delivery service can fork the group,
    /// so only then are they counted; otherwise both stay 0.
    pub id: u8,
    pub parent: u8,
}

impl Commit {
    /// The proposal list in commit order.
    pub fn proposals(&self) -> ProposalList {
        let committer = match self.outsider {
            true => Sender::NonMember,
            false => Sender::Member(self.committer),
        };
        let by_value = self.by_value.iter().map(|a| Item {
            sender: committer,
            proposal: Proposal::AppSync(a),
            by_value: true,
        });
        let undecodable = self.undecodable_by_value.map(|defect| Item {
            sender: committer,
            proposal: Proposal::UndecodableAppSync(defect),
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
            .chain(undecodable)
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
        /// The sender's branch (see [`Commit::parent`]).
        branch: u8,
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
    /// Position of the first message in the DS log we have not processed.
    pub cursor: u8,
    /// Positions after `cursor` we have already processed (our own
    /// proposals, and messages taken out of order): bit `p` is position `p`.
    pub seen_ahead: u64,
    /// The id of the last commit we applied (0: the group's creation): with
    /// the epoch, which keys we hold. Two members in one epoch on different
    /// branches are a fork.
    pub branch: u8,
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
    /// A writer's AppSync replaced the writer's own other value (only with
    /// two values per writer: the witness that writes which return an id
    /// to a writer's earlier value are explored).
    pub const OWN_OTHER_VALUE_REPLACED: u8 = 32;

    pub fn has(&self, bit: u8) -> bool {
        self.0 & bit != 0
    }

    /// Ghost audit of one commit application by an honest member: sets the
    /// bit of every guarantee it breaks. It judges by the draft's text
    /// directly ([`list_breaks_the_draft`], [`may_write`]), never by the rule
    /// functions of `rules.rs` it is there to judge, so that a mistake in
    /// one of those is not copied into the property.
    pub(crate) fn audit(
        &mut self,
        list: &ProposalList,
        commit: &Commit,
        old: &ApplicationStates,
        new: &ApplicationStates,
        correct: &Rules,
    ) {
        if list_breaks_the_draft(list, old, correct) {
            self.0 |= Ghost::INVALID_LIST_APPLIED;
        }
        if commit.forgery.is_some() || commit.outsider {
            self.0 |= Ghost::FORGED_COMMIT_APPLIED;
        }
        let lone_gce = list.app_syncs().next().is_none()
            && list
                .as_slice()
                .iter()
                .any(|i| matches!(i.proposal, Proposal::Gce));
        for id in 1..=MAX_IDS as u8 {
            let after = new.get(id);
            // The AppSync that decides the id's value: the last one for it.
            let last = list
                .app_syncs()
                .filter(|(_, a)| a.application_id == id)
                .last();
            if old.get(id) != after && last.is_none() {
                self.0 |= Ghost::WRITE_WITHOUT_APP_SYNC;
            }
            // Provenance: the value an id holds after the commit came from
            // the AppSync that decided it, from a member's GroupContext-
            // Extensions rewrite, or was already there. Anything else, or an
            // AppSync from a writer the draft does not allow, is unauthentic,
            // whatever the value (a reset to the initial value included).
            let authentic = old.get(id) == after
                || match last {
                    Some((sender, a)) => may_write(sender) && Some(a.new_state) == after,
                    None => lone_gce,
                };
            if !authentic {
                self.0 |= Ghost::UNAUTHENTIC_VALUE;
            }
            if let (Some((sender, a)), Some(before)) = (last, old.get(id))
                && before != a.new_state
                && writer_values(sender, 2).any(|v| v == before)
            {
                self.0 |= Ghost::OWN_OTHER_VALUE_REPLACED;
            }
            // A committed AppSync for an id the list may name must show.
            let nameable =
                |id| old.get(id).is_some() || correct.unknown_id == UnknownIdPolicy::Create;
            if let Some((_, a)) = last
                && nameable(id)
                && after != Some(a.new_state)
            {
                self.0 |= Ghost::COMMITTED_APP_SYNC_INVISIBLE;
            }
        }
    }
}

/// Who may change the state, read from the draft: "Only group members and
/// authorized external senders can change the state" (R7, R9).
fn may_write(sender: Sender) -> bool {
    matches!(sender, Sender::Member(_) | Sender::External)
}

/// Whether `list` breaks one of the draft's validity sentences, judged from
/// the list as a whole (counts and kinds), independently of `rules.rs`:
/// an AppSync from someone who may not write; an AppSync next to a
/// GroupContextExtensions proposal; two AppSyncs for one id; an AppSync for
/// an id without an entry (under the "reject" reading); a
/// GroupContextExtensions proposal with an ill-formed list (R10); an AppSync
/// whose bytes are not the draft's struct (R2); and, under the stricter GCE
/// variant, a lone GCE that changes the state.
pub(crate) fn list_breaks_the_draft(
    list: &ProposalList,
    old: &ApplicationStates,
    correct: &Rules,
) -> bool {
    let items = list.as_slice();
    let app_syncs: Vec<(Sender, AppSync)> = list.app_syncs().collect();
    let gces = items
        .iter()
        .filter(|i| matches!(i.proposal, Proposal::Gce | Proposal::IllFormedGce(_)))
        .count();
    let ill_formed = items
        .iter()
        .any(|i| matches!(i.proposal, Proposal::IllFormedGce(_)));
    let undecodable = items
        .iter()
        .any(|i| matches!(i.proposal, Proposal::UndecodableAppSync(_)));
    let repeated = app_syncs.iter().enumerate().any(|(i, (_, a))| {
        app_syncs[..i]
            .iter()
            .any(|(_, b)| b.application_id == a.application_id)
    });
    let unknown = correct.unknown_id == UnknownIdPolicy::Reject
        && app_syncs
            .iter()
            .any(|(_, a)| old.get(a.application_id).is_none());
    let initial = ApplicationStates::initial(correct.application_ids);
    let strict_rewrite = correct.gce == GcePolicy::MustNotChange
        && gces > 0
        && app_syncs.is_empty()
        && *old != initial;
    items.iter().any(|i| !may_write(i.sender))
        || (gces > 0 && !app_syncs.is_empty())
        || repeated
        || unknown
        || ill_formed
        || undecodable
        || strict_rewrite
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
    pub group_branch: u8,
    /// Commits sent so far (their ids), counted under unordered delivery only.
    pub commits: u8,
    /// External proposals sent so far, and the epoch of the last one.
    pub external_sent: u8,
    pub external_last_epoch: Option<u8>,
    pub injected: u8,
    /// External commits sent so far.
    pub external_commits: u8,
    pub forged: u8,
    /// The adversary's proposal cache: the proposals its real client holds
    /// at the group's newest epoch (it processes every message the DS
    /// takes). Kept only where there is an adversary.
    pub adversary_cache: ProposalSet,
    pub ghost: Ghost,
}

impl State {
    /// The next message `member` will process in order, if any.
    pub fn next_message(&self, member: usize) -> Option<&Message> {
        self.log.get(self.members[member].cursor as usize)
    }

    /// Log positions `member` has not processed yet, in log order.
    pub fn unseen(&self, member: usize) -> impl Iterator<Item = usize> + '_ {
        let m = &self.members[member];
        (m.cursor as usize..self.log.len()).filter(move |&p| m.seen_ahead & (1 << p) == 0)
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
