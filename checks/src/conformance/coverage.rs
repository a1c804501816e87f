//! Rule-path coverage: which ways through the rules the exhaustive replay
//! took on mls-rs. Each replayed transition is classified by what the model
//! says happened (a committer refusing a by-value list, dropping a cached
//! proposal, a receiver rejecting a commit or a proposal on arrival, a
//! commit applied), with the rule that decided. The harness has just
//! checked that mls-rs did the same (same outcome class, same carried
//! AppSyncs, same refusal class), so a path counted here is a path the real
//! rules took. [`REQUIRED`] lists the paths the main job must reach.

use std::collections::BTreeMap;

use appsync_model::{
    Action, AppSyncDefect, AppSyncModel, Commit, Message, Outcome, Proposal, ProposalList, Reason,
    State, rules,
};

/// Where in the rules a step went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    /// The committer refused its own by-value list (Send, by value).
    Refused,
    /// The committer left a cached proposal out (Send, by reference).
    Dropped,
    /// The committer left a cached AppSync out for its own by-value
    /// GroupContextExtensions proposal (Send, R4).
    DroppedForOwnGce,
    /// A receiver rejected a commit (Receive).
    RejectedCommit,
    /// A receiver rejected a commit for a proposal it carries by reference
    /// (Receive): the rules accept its by-value part alone. Only the
    /// adversary sends such a commit.
    RejectedByReference,
    /// A receiver rejected a proposal as it arrived.
    RejectedProposal,
    /// A receiver applied a commit carrying AppSync by value.
    AppliedByValue,
    /// A receiver applied a commit carrying AppSync by reference.
    AppliedByReference,
}

impl Place {
    /// Every place, in the table's order.
    pub const ALL: [Place; 8] = [
        Place::Refused,
        Place::Dropped,
        Place::DroppedForOwnGce,
        Place::RejectedCommit,
        Place::RejectedByReference,
        Place::RejectedProposal,
        Place::AppliedByValue,
        Place::AppliedByReference,
    ];
}

/// One path: where, and (for a refusal, drop or rejection) why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RulePath {
    /// Where.
    pub place: Place,
    /// Why, if it is a refusal, drop or rejection.
    pub reason: Option<Reason>,
    /// For a rejection of an AppSync whose bytes do not decode (R2): the
    /// defect, and so the codec error the harness checked mls-rs reported.
    pub defect: Option<AppSyncDefect>,
}

impl RulePath {
    /// A path for `reason` at `place`.
    pub const fn new(place: Place, reason: Option<Reason>) -> Self {
        Self {
            place,
            reason,
            defect: None,
        }
    }

    /// A receiver rejecting a commit for an AppSync whose bytes have
    /// `defect` (R2).
    pub const fn undecodable(defect: AppSyncDefect) -> Self {
        Self {
            place: Place::RejectedCommit,
            reason: Some(Reason::MalformedAppSync),
            defect: Some(defect),
        }
    }

    /// The path that [`Self::describe`] puts in these words, if any (shard
    /// reports name paths so).
    pub fn from_description(text: &str) -> Option<RulePath> {
        let reasons = std::iter::once(None).chain(Reason::ALL.into_iter().map(Some));
        Place::ALL
            .into_iter()
            .flat_map(|place| {
                reasons
                    .clone()
                    .map(move |reason| RulePath::new(place, reason))
            })
            .chain(AppSyncDefect::ALL.into_iter().map(RulePath::undecodable))
            .find(|path| path.describe() == text)
    }

    /// The path in words, as the table prints it.
    pub fn describe(&self) -> String {
        let place = match self.place {
            Place::Refused => "committer refuses by value",
            Place::Dropped => "committer drops by reference",
            Place::DroppedForOwnGce => "committer drops by reference for its own GCE by value",
            Place::RejectedCommit => "receiver rejects commit",
            Place::RejectedByReference => "receiver rejects commit (by reference)",
            Place::RejectedProposal => "receiver rejects proposal on arrival",
            Place::AppliedByValue => "receiver applies AppSync by value",
            Place::AppliedByReference => "receiver applies AppSync by reference",
        };
        let codec = self.defect.map(|defect| match defect {
            AppSyncDefect::Truncated => "Truncated",
            AppSyncDefect::TrailingBytes => "TrailingBytes",
            AppSyncDefect::NonMinimalLength => "InvalidLength: not minimal",
            AppSyncDefect::TooLongLength => "InvalidLength: 2^30",
        });
        match (self.reason, codec) {
            (Some(reason), Some(codec)) => format!("{place}: {reason:?} ({codec})"),
            (Some(reason), None) => format!("{place}: {reason:?}"),
            (None, _) => place.to_string(),
        }
    }
}

/// The paths the main job must reach, each with the rule it exercises. R2's
/// rows are one per codec error path (the defect of the AppSync's bytes,
/// [`RulePath::undecodable`]).
/// Left out, because nothing can take them on mls-rs: a by-reference drop
/// for R7 (a proposal from an unauthorized sender is rejected on arrival, so
/// it never reaches a committer's cache) and for R10 (no honest member
/// proposes an ill-formed GroupContextExtensions).
pub const REQUIRED: &[(&str, RulePath)] = {
    use Place::*;
    use Reason::*;
    &[
        ("R2", RulePath::undecodable(AppSyncDefect::Truncated)),
        ("R2", RulePath::undecodable(AppSyncDefect::TrailingBytes)),
        ("R2", RulePath::undecodable(AppSyncDefect::NonMinimalLength)),
        ("R2", RulePath::undecodable(AppSyncDefect::TooLongLength)),
        ("R3", RulePath::new(Refused, Some(UnknownApplicationId))),
        ("R3", RulePath::new(Dropped, Some(UnknownApplicationId))),
        (
            "R3",
            RulePath::new(RejectedCommit, Some(UnknownApplicationId)),
        ),
        (
            "R3",
            RulePath::new(RejectedByReference, Some(UnknownApplicationId)),
        ),
        ("R4", RulePath::new(Refused, Some(AppSyncWithGce))),
        ("R4", RulePath::new(Dropped, Some(AppSyncWithGce))),
        ("R4", RulePath::new(DroppedForOwnGce, Some(AppSyncWithGce))),
        ("R4", RulePath::new(RejectedCommit, Some(AppSyncWithGce))),
        ("R5", RulePath::new(Refused, Some(DuplicateApplicationId))),
        ("R5", RulePath::new(Dropped, Some(DuplicateApplicationId))),
        (
            "R5",
            RulePath::new(RejectedCommit, Some(DuplicateApplicationId)),
        ),
        ("R5", RulePath::new(AppliedByValue, None)),
        ("R5", RulePath::new(AppliedByReference, None)),
        (
            "R7",
            RulePath::new(RejectedCommit, Some(UnauthorizedSender)),
        ),
        ("R9", RulePath::new(RejectedCommit, Some(StateMismatch))),
        (
            "R10",
            RulePath::new(RejectedCommit, Some(InvalidApplicationStates)),
        ),
    ]
};

/// Whether member `m` rejects `commit` for `reason` because of a proposal
/// the commit carries by reference: its rules reject the whole list for
/// that reason and accept the by-value part alone. (The draft: a commit
/// whose proposal list is invalid is rejected whole, however its proposals
/// came.)
fn rejected_for_by_reference(
    model: &AppSyncModel,
    before: &State,
    m: usize,
    commit: &Commit,
    reason: Reason,
) -> bool {
    if commit.by_reference.is_empty() {
        return false;
    }
    let rules = model.cfg.rules_of(m as u8);
    let states = &before.members[m].application_states;
    let whole = commit.proposals();
    let by_value: ProposalList = whole
        .as_slice()
        .iter()
        .filter(|i| i.by_value)
        .copied()
        .collect();
    rules::validate(&whole, states, &rules) == Err(reason)
        && rules::validate(&by_value, states, &rules).is_ok()
}

/// How often each path was taken.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage(BTreeMap<RulePath, usize>);

impl Coverage {
    fn add(&mut self, place: Place, reason: Option<Reason>, n: usize) {
        self.insert(RulePath::new(place, reason), n);
    }

    /// Counts `path` `n` more times.
    pub fn insert(&mut self, path: RulePath, n: usize) {
        if n > 0 {
            *self.0.entry(path).or_default() += n;
        }
    }

    /// A commit the model's committer refuses, for `reason`.
    pub fn record_refusal(&mut self, reason: Reason) {
        self.add(Place::Refused, Some(reason), 1);
    }

    /// One replayed transition, `before` to `after` by `action`.
    pub fn record_step(
        &mut self,
        model: &AppSyncModel,
        before: &State,
        action: &Action,
        after: &State,
    ) {
        if let Action::Commit { member, by_value } = *action {
            for (item, reason) in model.commit_drops(before, member as usize, by_value) {
                // A cached AppSync dropped for R4 meets the committer's own
                // GroupContextExtensions proposal (cached ones come after
                // the AppSyncs are judged).
                let own_gce = reason == Reason::AppSyncWithGce
                    && matches!(item.proposal, Proposal::AppSync(_));
                let place = match own_gce {
                    true => Place::DroppedForOwnGce,
                    false => Place::Dropped,
                };
                self.add(place, Some(reason), 1);
            }
            return;
        }
        let Some((m, at)) = action.delivery(before) else {
            return;
        };
        let message = before.log.get(at);
        match (message, after.members[m].last) {
            (Some(Message::Commit(commit)), Outcome::Rejected(reason)) => {
                if let (Reason::MalformedAppSync, Some(defect)) =
                    (reason, commit.undecodable_by_value)
                {
                    // The harness checked the codec error (`step.rs`).
                    return self.insert(RulePath::undecodable(defect), 1);
                }
                let place = match rejected_for_by_reference(model, before, m, commit, reason) {
                    true => Place::RejectedByReference,
                    false => Place::RejectedCommit,
                };
                self.add(place, Some(reason), 1)
            }
            (Some(Message::Proposal { .. }), Outcome::Rejected(reason)) => {
                self.add(Place::RejectedProposal, Some(reason), 1)
            }
            (Some(Message::Commit(commit)), _)
                if after.members[m].epoch > before.members[m].epoch =>
            {
                for item in commit.proposals().as_slice() {
                    if let Proposal::AppSync(_) = item.proposal {
                        let place = match item.by_value {
                            true => Place::AppliedByValue,
                            false => Place::AppliedByReference,
                        };
                        self.add(place, None, 1);
                    }
                }
            }
            _ => {}
        }
    }

    /// Adds another run's counts.
    pub fn merge(&mut self, other: &Coverage) {
        for (path, n) in &other.0 {
            *self.0.entry(*path).or_default() += n;
        }
    }

    /// How often `path` was taken.
    pub fn count(&self, path: &RulePath) -> usize {
        self.0.get(path).copied().unwrap_or(0)
    }

    /// Every path taken, with its count.
    pub fn iter(&self) -> impl Iterator<Item = (&RulePath, &usize)> {
        self.0.iter()
    }

    /// The required paths not taken.
    pub fn unreached(&self) -> Vec<(&'static str, RulePath)> {
        REQUIRED
            .iter()
            .filter(|(_, path)| self.count(path) == 0)
            .copied()
            .collect()
    }
}
