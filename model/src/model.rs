//! The stateright `Model`: [`AppSyncConfig::into_model`] builds it; guards
//! in `actions()`, effects in `next_state()`. What the delivery service and a
//! member's queue do with a message is in `delivery.rs`; the commits each
//! actor builds (and the rules they ask) are in `commits.rs`.
//!
//! One file over 400 lines on purpose: `actions()` and `next_state()` are
//! read side by side, each guard beside its effect, as in stateright's
//! examples.

use crate::compact::{ApplicationStates, ByValue, ProposalSet};
use crate::config::{AppSyncConfig, DeliveryPolicy, RetryPolicy};
use crate::delivery;
use crate::semantics::{
    AppSync, Faults, Proposal, Rules, Sender, UnknownIdPolicy, writer_value, writer_values,
};
use crate::state::{Forgery, Ghost, Intent, Member, MemberView, Message, Outcome, State};
use stateright::{Model, Property};

/// One protocol step. Each carries what a harness needs to replay it.
/// (`Debug` prints the path encoding, see `display.rs`.)
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
pub enum Action {
    /// `member` sends AppSync by reference for its current epoch.
    Propose { member: u8, app_sync: AppSync },
    /// `member` sends a GCE by reference (content: the initial `application_states`).
    ProposeGce { member: u8 },
    /// `member` commits every proposal in its cache (filtered by the send rules)
    /// plus `by_value`, and submits the commit to the DS.
    Commit { member: u8, by_value: ByValue },
    /// The authorized external sender proposes AppSync at the group's newest epoch.
    External { app_sync: AppSync },
    /// A non-member injects an AppSync proposal at the group's newest epoch
    /// (signed by a key the group does not know).
    Inject { app_sync: AppSync },
    /// A non-member joins by external commit carrying an AppSync by value,
    /// at the group's newest epoch.
    ExternalCommit { app_sync: AppSync },
    /// The adversary member sends a forged commit at the group's newest epoch.
    Forge { forgery: Forgery },
    /// `member` processes the first message of its queue it has not
    /// processed.
    Deliver { member: u8 },
    /// `member` processes the message at log position `at`, ahead of earlier
    /// ones (unordered delivery service only).
    DeliverAt { member: u8, at: u8 },
}

impl Action {
    /// For a delivery, the member and the log position of the message it
    /// processes in `state`; `None` for any other action, or when the member
    /// has nothing left to process. The one reading of a delivery, for the
    /// model's effects and for everything that explains or checks a step.
    pub fn delivery(&self, state: &State) -> Option<(usize, usize)> {
        match *self {
            Action::Deliver { member } => {
                let m = member as usize;
                state.unseen(m).next().map(|at| (m, at))
            }
            Action::DeliverAt { member, at } => Some((member as usize, at as usize)),
            _ => None,
        }
    }
}

/// The model: a config plus precomputed choices.
#[derive(Clone, Debug)]
pub struct AppSyncModel {
    pub cfg: AppSyncConfig,
    /// The rules honest members run (with any seeded faults).
    pub rules: Rules,
    /// Our rules without faults: the yardstick of the ghost audits.
    pub correct: Rules,
    /// The rules by which the delivery service's order advances the group's
    /// newest epoch.
    group_rules: Rules,
    /// The adversary's client: applies AppSyncs to existing entries, checks nothing.
    pub(crate) adversary_rules: Rules,
    /// Ids a member may propose.
    proposable: Vec<u8>,
    /// Id lists an honest commit may add by value, each in the order it is
    /// sent, and whether a GroupContextExtensions proposal goes with them.
    by_value_choices: Vec<(Vec<u8>, bool)>,
    /// Property names for stateright's Explorer (`explorer.rs`), in the
    /// order of `properties()`; `None`: the plain names.
    pub(crate) explorer_names: Option<Vec<&'static str>>,
}

impl AppSyncConfig {
    /// Builds the model.
    ///
    /// # Panics
    ///
    /// If [`AppSyncConfig::validate`] fails: a bad configuration in code is a
    /// programmer error. Callers with untrusted input call `validate` first.
    pub fn into_model(self) -> AppSyncModel {
        if let Err(e) = self.validate() {
            panic!("{e}");
        }
        AppSyncModel::new(self)
    }
}

impl AppSyncModel {
    fn new(cfg: AppSyncConfig) -> Self {
        let rules = cfg.rules();
        let correct = Rules {
            faults: Faults::default(),
            ..rules
        };
        // The group's newest epoch follows the delivery service's order as the
        // members apply it: with every member faulty, as they do; with one
        // faulty member, as the honest majority does.
        let group_rules = match cfg.faulty_member {
            None => rules,
            Some(_) => correct,
        };
        let adversary_rules = Rules {
            unknown_id: UnknownIdPolicy::Reject,
            faults: Faults {
                accept_app_sync_with_gce: true,
                accept_duplicate_ids: true,
                skip_apply: false,
                skip_sender_check: true,
                accept_ill_formed_states: true,
                ..Faults::default()
            },
            ..rules
        };
        let known: Vec<u8> = (1..=cfg.application_ids).collect();
        let mut proposable = known.clone();
        if cfg.propose_unknown_id {
            proposable.push(cfg.unknown_id());
        }
        let mut by_value_choices = vec![vec![]];
        if cfg.max_by_value >= 1 {
            by_value_choices.extend(known.iter().map(|a| vec![*a]));
        }
        if cfg.max_by_value >= 2 {
            for a in &known {
                for b in known.iter().filter(|b| *b > a) {
                    by_value_choices.push(vec![*a, *b]);
                }
            }
        }
        if cfg.by_value_unknown_ids {
            // Both unknown ids alone, then together in descending id order: one
            // commit creates two entries, listed in the order applied.
            let (first, second) = (cfg.unknown_id(), cfg.unknown_id() + 1);
            by_value_choices.extend([vec![first], vec![second], vec![second, first]]);
        }
        let mut by_value_choices: Vec<(Vec<u8>, bool)> = by_value_choices
            .into_iter()
            .map(|ids| (ids, false))
            .collect();
        if cfg.gce_proposals && cfg.max_by_value >= 1 {
            // The committer's own GroupContextExtensions proposal by value,
            // alone: next to cached AppSyncs it drops them (R4), next to a
            // cached one it is the commit's one GCE (RFC 9420).
            by_value_choices.push((vec![], true));
        }
        if cfg.by_value_refusals {
            // Lists an honest committer must refuse to build: an AppSync next
            // to a GroupContextExtensions proposal (R4), one id twice (R5), an
            // id without an entry under the "reject" reading (R3).
            for a in &known {
                by_value_choices.push((vec![*a], true));
                by_value_choices.push((vec![*a, *a], false));
            }
            if cfg.unknown_id == UnknownIdPolicy::Reject {
                by_value_choices.push((vec![cfg.unknown_id()], false));
            }
        }
        Self {
            cfg,
            rules,
            correct,
            group_rules,
            adversary_rules,
            proposable,
            by_value_choices,
            explorer_names: None,
        }
    }

    /// Number of leaves in the group: honest members plus the adversary.
    pub fn leaves(&self) -> u8 {
        self.cfg.members + u8::from(self.cfg.adversary_leaf().is_some())
    }

    /// The view the conformance harness compares for `member`.
    pub fn member_view(&self, state: &State, member: usize) -> MemberView {
        state.members[member].view(self.leaves())
    }

    /// The unique initial state.
    pub fn initial_state(&self) -> State {
        let k = self.cfg.application_ids;
        let member = Member {
            epoch: 0,
            application_states: ApplicationStates::initial(k),
            cache: ProposalSet::default(),
            pending: false,
            cursor: 0,
            seen_ahead: 0,
            branch: 0,
            last: Outcome::Nothing,
            intent: None,
        };
        State {
            members: vec![member; self.cfg.members as usize],
            log: Vec::new(),
            group_epoch: 0,
            group_states: ApplicationStates::initial(k),
            group_branch: 0,
            commits: 0,
            external_sent: 0,
            external_last_epoch: None,
            injected: 0,
            external_commits: 0,
            forged: 0,
            adversary_cache: ProposalSet::default(),
            ghost: Ghost::default(),
        }
    }

    /// A member may propose or commit: nothing pending, epoch below the bound.
    fn can_act(&self, m: &Member) -> bool {
        !m.pending && m.epoch < self.cfg.max_epoch
    }

    fn may_send_proposal(&self, state: &State) -> bool {
        state.proposals_in_flight() < self.cfg.max_in_flight as usize && self.may_send(state)
    }

    /// The DS takes `msg` (see `delivery::append`).
    fn append(&self, state: &mut State, msg: Message) {
        let adversary = self.cfg.adversary_leaf().is_some();
        delivery::append(&self.group_rules, adversary, state, msg);
    }

    /// The log has room for one more message.
    fn may_send(&self, state: &State) -> bool {
        state.log.len() < delivery::MAX_LOG
    }
}

impl Model for AppSyncModel {
    type State = State;
    type Action = Action;

    fn init_states(&self) -> Vec<State> {
        vec![self.initial_state()]
    }

    fn actions(&self, state: &State, actions: &mut Vec<Action>) {
        let may_propose = self.may_send_proposal(state);
        for (i, m) in state.members.iter().enumerate() {
            let member = i as u8;
            let mut unseen = state.unseen(i);
            if unseen.next().is_some() {
                actions.push(Action::Deliver { member });
            }
            if self.cfg.delivery == DeliveryPolicy::Unordered {
                for at in unseen {
                    actions.push(Action::DeliverAt {
                        member,
                        at: at as u8,
                    });
                }
            }
            if !self.can_act(m) {
                continue;
            }
            if may_propose {
                match m.intent {
                    // Retry an update that did not make it into a commit.
                    Some(intent) => {
                        if !m
                            .cache
                            .contains(Sender::Member(member), Proposal::AppSync(intent.app_sync))
                        {
                            actions.push(Action::Propose {
                                member,
                                app_sync: intent.app_sync,
                            });
                        }
                    }
                    None => {
                        let values =
                            writer_values(Sender::Member(member), self.cfg.values_per_writer);
                        for new_state in values {
                            for &application_id in &self.proposable {
                                let app_sync = AppSync {
                                    application_id,
                                    new_state,
                                };
                                actions.push(Action::Propose { member, app_sync });
                            }
                        }
                    }
                }
                if self.cfg.gce_proposals
                    && !m.cache.contains(Sender::Member(member), Proposal::Gce)
                {
                    actions.push(Action::ProposeGce { member });
                }
            }
            let sequenced = self.cfg.delivery == DeliveryPolicy::Sequencer;
            if !sequenced || m.epoch == state.group_epoch {
                let new_state = writer_value(Sender::Member(member));
                for (ids, gce) in &self.by_value_choices {
                    let app_syncs: Vec<AppSync> = ids
                        .iter()
                        .map(|&application_id| AppSync {
                            application_id,
                            new_state,
                        })
                        .collect();
                    let by_value = match gce {
                        true => ByValue::new(&app_syncs).with_gce(),
                        false => ByValue::new(&app_syncs),
                    };
                    if !by_value.is_empty() || self.build_commit(state, i, by_value).is_some() {
                        actions.push(Action::Commit { member, by_value });
                        if m.epoch < state.group_epoch {
                            // A late commit (relay only) loses: every member rejects it
                            // as WrongEpoch whatever it holds, so one content suffices.
                            break;
                        }
                    }
                }
            }
        }
        if state.group_epoch >= self.cfg.max_epoch {
            return;
        }
        let fresh_epoch = state.external_last_epoch != Some(state.group_epoch);
        if may_propose && state.external_sent < self.cfg.external_proposals && fresh_epoch {
            let new_state = writer_value(Sender::External);
            for application_id in 1..=self.cfg.application_ids {
                actions.push(Action::External {
                    app_sync: AppSync {
                        application_id,
                        new_state,
                    },
                });
            }
        }
        if may_propose && state.injected < self.cfg.injections {
            let app_sync = AppSync {
                application_id: 1,
                new_state: writer_value(Sender::NonMember),
            };
            actions.push(Action::Inject { app_sync });
        }
        if state.external_commits < self.cfg.external_commits && self.may_send(state) {
            let app_sync = AppSync {
                application_id: 1,
                new_state: writer_value(Sender::NonMember),
            };
            actions.push(Action::ExternalCommit { app_sync });
        }
        if state.forged < self.cfg.forgeries {
            for forgery in Forgery::ALL {
                if self.forgeable(state, forgery) {
                    actions.push(Action::Forge { forgery });
                }
            }
        }
    }

    fn next_state(&self, last: &State, action: Action) -> Option<State> {
        let mut state = last.clone();
        match action {
            Action::Propose { member, app_sync } => {
                let m = &mut state.members[member as usize];
                let proposal = Proposal::AppSync(app_sync);
                m.cache.insert(Sender::Member(member), proposal);
                let read = m.application_states.get(app_sync.application_id);
                match &mut m.intent {
                    None => m.intent = Some(Intent { app_sync, read }),
                    // An application that reads again before it re-sends
                    // computes from what it sees now.
                    Some(intent) if self.cfg.retry == RetryPolicy::ReRead => intent.read = read,
                    Some(_) => {}
                }
                let (epoch, branch) = (m.epoch, m.branch);
                let msg = Message::Proposal {
                    sender: Sender::Member(member),
                    epoch,
                    proposal,
                    branch,
                };
                self.append(&mut state, msg);
            }
            Action::ProposeGce { member } => {
                let m = &mut state.members[member as usize];
                m.cache.insert(Sender::Member(member), Proposal::Gce);
                let (epoch, branch) = (m.epoch, m.branch);
                let msg = Message::Proposal {
                    sender: Sender::Member(member),
                    epoch,
                    proposal: Proposal::Gce,
                    branch,
                };
                self.append(&mut state, msg);
            }
            Action::Commit { member, by_value } => {
                if !self.may_send(&state) {
                    return None;
                }
                let mut commit = self.build_commit(&state, member as usize, by_value)?;
                commit.id = delivery::next_commit_id(&self.cfg, &mut state);
                state.members[member as usize].pending = true;
                self.append(&mut state, Message::Commit(commit));
            }
            Action::External { app_sync } => {
                state.external_sent += 1;
                state.external_last_epoch = Some(state.group_epoch);
                let msg = Message::Proposal {
                    sender: Sender::External,
                    epoch: state.group_epoch,
                    proposal: Proposal::AppSync(app_sync),
                    branch: state.group_branch,
                };
                self.append(&mut state, msg);
            }
            Action::ExternalCommit { app_sync } => {
                state.external_commits += 1;
                let mut commit = self.external_commit(&state, app_sync);
                commit.id = delivery::next_commit_id(&self.cfg, &mut state);
                self.append(&mut state, Message::Commit(commit));
            }
            Action::Inject { app_sync } => {
                state.injected += 1;
                let msg = Message::Proposal {
                    sender: Sender::NonMember,
                    epoch: state.group_epoch,
                    proposal: Proposal::AppSync(app_sync),
                    branch: state.group_branch,
                };
                self.append(&mut state, msg);
            }
            Action::Forge { forgery } => {
                state.forged += 1;
                if !self.may_send(&state) || !self.forgeable(&state, forgery) {
                    return None;
                }
                let mut commit = self.forge(&state, forgery);
                commit.id = delivery::next_commit_id(&self.cfg, &mut state);
                self.append(&mut state, Message::Commit(commit));
            }
            Action::Deliver { member } | Action::DeliverAt { member, .. } => {
                let (m, at) = action.delivery(&state)?;
                let rules = self.cfg.rules_of(member);
                delivery::deliver(&rules, &self.correct, &mut state, m, at)
            }
        }
        delivery::normalize(&mut state);
        Some(state)
    }

    fn format_action(&self, action: &Action) -> String {
        action.to_string()
    }

    fn format_step(&self, last_state: &State, action: Action) -> Option<String> {
        self.explain_step(last_state, action)
    }

    fn as_svg(&self, path: stateright::Path<State, Action>) -> Option<String> {
        self.path_chart(&path.into_actions())
    }

    fn properties(&self) -> Vec<Property<Self>> {
        let mut properties = crate::properties::for_config(&self.cfg);
        if let Some(names) = &self.explorer_names {
            for (property, name) in properties.iter_mut().zip(names) {
                property.name = name;
            }
        }
        properties
    }

    /// Guards already stop every action past a bound; this restates the bounds
    /// so that a state beyond them is never explored.
    fn within_boundary(&self, state: &State) -> bool {
        state.group_epoch <= self.cfg.max_epoch
            && state.members.iter().all(|m| m.epoch <= self.cfg.max_epoch)
            && state.proposals_in_flight() <= self.cfg.max_in_flight as usize
    }
}
