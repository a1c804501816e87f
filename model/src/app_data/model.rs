//! The successor's stateright `Model`: state, actions (guards in
//! `actions()`, effects in `next_state()`), and the ghost bookkeeping the
//! properties read.

use stateright::{Model, Property};

use super::audit;
use super::config::{AduConfig, EXTERNAL_DATA, NEW_MEMBER_DATA, SECOND};
use super::properties;
use super::rules::{Applied, Rules, Violation, build_commit, process_commit};
use super::types::{
    AppDataUpdate, ByValue, ComponentId, ComponentKind, Data, Dictionary, Item, Message, Operation,
    Origin, Proposal, Sender, Update,
};

/// One honest member.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Member {
    pub epoch: u8,
    pub dictionary: Dictionary,
    /// Next log position to process.
    pub cursor: u8,
    /// Log positions of the proposals cached for this epoch (its own from
    /// the moment it sends them, others' when it reads them).
    pub cache: Vec<u8>,
    /// Sent its one proposal of this epoch.
    pub proposed: bool,
    /// Has sent a commit in this epoch (it commits at most once per epoch:
    /// a client discards its pending commit when it moves on, and one its
    /// own rules reject is not sent again).
    pub pending: bool,
    /// The application's open update (only with `retry`): sent, not yet
    /// applied.
    pub intent: Option<AppDataUpdate>,
}

/// History variables: set when an honest member applies a commit (or a
/// committer drops a proposal), read by the properties.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Ghost {
    /// A member applied a list the audit finds invalid, or got another
    /// dictionary than the audit expects.
    pub invalid_applied: bool,
    pub lost_update: bool,
    /// Origins of every proposal in a commit some honest member applied.
    pub committed: Vec<Origin>,
    pub created: bool,
    pub removed: bool,
    pub several_updates: bool,
    pub cas_refused: bool,
    pub external_applied: bool,
    pub external_commit_applied: bool,
    pub gce_with_updates: bool,
    pub gce_rewrite_dropped: bool,
    pub gce_rewrite_applied: bool,
}

/// The whole system.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct State {
    pub members: Vec<Member>,
    /// The delivery service's log: one total order for everyone (relay).
    pub log: Vec<Message>,
    /// The group's newest epoch and dictionary, as the log's order decides
    /// them (what the external sender and a new member read).
    pub group: (u8, Dictionary),
    /// The epoch the external sender last proposed in.
    pub external_epoch: Option<u8>,
    /// The new member has sent its external commit.
    pub joined: bool,
    pub ghost: Ghost,
}

/// What a member's application proposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Choice {
    /// An update of the component, from the data the member holds.
    Update(ComponentId),
    /// Remove the component's entry (one the member holds).
    Remove(ComponentId),
    /// A GroupContextExtensions proposal leaving the dictionary.
    GceKeep,
    /// A GroupContextExtensions proposal rewriting the dictionary.
    GceRewrite,
}

/// One protocol step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// `member` sends a proposal by reference for its epoch.
    Propose { member: u8, choice: Choice },
    /// `member` re-sends its open update (computed from its first read).
    Repropose { member: u8 },
    /// `member` commits its cached proposals (as the send rules filter
    /// them) plus `by_value`.
    Commit { member: u8, by_value: ByValue },
    /// The external sender proposes an update at the group's newest epoch.
    External { component: ComponentId },
    /// A new member joins by external commit carrying an update by value.
    ExternalCommit { component: ComponentId },
    /// `member` processes the next message of the log.
    Deliver { member: u8 },
}

/// The model: a configuration plus the rules each actor runs.
#[derive(Clone, Debug)]
pub struct AduModel {
    pub cfg: AduConfig,
    /// Per member, the rules it runs (faults included).
    pub rules: Vec<Rules>,
    /// The rules by which the log's order decides the group's newest epoch:
    /// the members' when all are faulty, else the correct ones.
    pub group_rules: Rules,
}

impl AduConfig {
    /// Builds the model.
    ///
    /// # Panics
    ///
    /// If [`AduConfig::validate`] fails.
    pub fn into_model(self) -> AduModel {
        if let Err(e) = self.validate() {
            panic!("{e}");
        }
        AduModel {
            rules: (0..self.members).map(|m| self.rules_of(Some(m))).collect(),
            group_rules: self.rules_of(None),
            cfg: self,
        }
    }
}

/// An update of `id` by `kind`, computed from `read`, writing `new_data`.
pub fn make_update(
    kind: ComponentKind,
    id: ComponentId,
    read: Option<Data>,
    new_data: Data,
) -> AppDataUpdate {
    let update = match kind {
        ComponentKind::Replace => Update::Replace { new_data },
        ComponentKind::Cas => Update::Cas {
            expected: read,
            new_data,
        },
    };
    AppDataUpdate {
        component_id: id,
        op: Operation::Update(update),
        read,
    }
}

/// The cached proposal at log position `at`, as an item of a list.
fn cached_item(log: &[Message], at: u8) -> Item {
    match &log[at as usize] {
        Message::Proposal {
            sender, proposal, ..
        } => Item {
            origin: Origin::Item { at, index: 0 },
            sender: *sender,
            by_reference: true,
            proposal: *proposal,
        },
        Message::Commit { .. } => unreachable!("only proposals are cached"),
    }
}

/// The by-value items of a commit at log position `at`.
fn own_items(sender: Sender, at: u8, by_value: &[AppDataUpdate]) -> Vec<Item> {
    by_value
        .iter()
        .zip(0u8..)
        .map(|(u, index)| Item {
            origin: Origin::Item { at, index },
            sender,
            by_reference: false,
            proposal: Proposal::AppDataUpdate(*u),
        })
        .collect()
}

/// The list the commit at log position `at` carries, in order.
pub fn commit_items(log: &[Message], at: u8) -> Vec<Item> {
    match &log[at as usize] {
        Message::Commit {
            committer,
            by_reference,
            by_value,
            ..
        } => {
            let mut items: Vec<Item> = by_reference.iter().map(|r| cached_item(log, *r)).collect();
            items.extend(own_items(*committer, at, by_value));
            items
        }
        Message::Proposal { .. } => Vec::new(),
    }
}

/// A receiver holding `cache` and `current` processes the commit at `at`.
fn receive(
    rules: &Rules,
    log: &[Message],
    at: u8,
    cache: &[u8],
    current: &Dictionary,
) -> Result<Applied, Violation> {
    let Message::Commit {
        committer,
        by_reference,
        by_value,
        ..
    } = &log[at as usize]
    else {
        unreachable!("a commit")
    };
    if by_reference.iter().any(|r| !cache.contains(r)) {
        return Err(Violation::UnknownProposal);
    }
    let items = if rules.faults.apply_cached {
        let mut items: Vec<Item> = cache.iter().map(|r| cached_item(log, *r)).collect();
        items.sort_by_key(|i| (i.sender, i.proposal, i.origin));
        items.extend(own_items(*committer, at, by_value));
        items
    } else {
        commit_items(log, at)
    };
    let mut applied = process_commit(rules, current, &items)?;
    if rules.faults.keep_dictionary {
        applied.dictionary = current.clone();
    }
    Ok(applied)
}

impl AduModel {
    pub fn initial_state(&self) -> State {
        let member = Member {
            epoch: 0,
            dictionary: self.cfg.initial_dictionary(),
            cursor: 0,
            cache: Vec::new(),
            proposed: false,
            pending: false,
            intent: None,
        };
        State {
            members: vec![member; self.cfg.members as usize],
            log: Vec::new(),
            group: (0, self.cfg.initial_dictionary()),
            external_epoch: None,
            joined: false,
            ghost: Ghost::default(),
        }
    }

    fn ids(&self) -> impl Iterator<Item = ComponentId> {
        1..=self.cfg.components
    }

    /// The proposal `member`'s application makes for `choice`.
    fn proposal_of(&self, state: &State, member: u8, choice: Choice) -> Proposal {
        let held = &state.members[member as usize].dictionary;
        match choice {
            Choice::Update(id) => Proposal::AppDataUpdate(make_update(
                self.cfg.component,
                id,
                held.get(id),
                member + 1,
            )),
            Choice::Remove(id) => Proposal::AppDataUpdate(AppDataUpdate {
                component_id: id,
                op: Operation::Remove,
                read: held.get(id),
            }),
            Choice::GceKeep => Proposal::Gce { rewrite: false },
            Choice::GceRewrite => Proposal::Gce { rewrite: true },
        }
    }

    /// The updates `member` adds by value for `by_value`.
    fn by_value_of(&self, state: &State, member: u8, by_value: ByValue) -> Vec<AppDataUpdate> {
        let held = &state.members[member as usize].dictionary;
        let kind = self.cfg.component;
        let mine = member + 1;
        match by_value {
            ByValue::Nothing => vec![],
            ByValue::Update(id) => vec![make_update(kind, id, held.get(id), mine)],
            ByValue::TwoUpdates(id) => vec![
                make_update(kind, id, held.get(id), mine),
                make_update(kind, id, Some(mine), mine + SECOND),
            ],
            ByValue::Remove(id) => vec![AppDataUpdate {
                component_id: id,
                op: Operation::Remove,
                read: held.get(id),
            }],
        }
    }

    /// The commit `member` would send: its list (cached then own) and what
    /// the send rules dropped; `None` if the rules refuse its by-value
    /// proposals or nothing is left to commit.
    fn build(&self, state: &State, member: u8, by_value: ByValue) -> Option<Applied> {
        let m = &state.members[member as usize];
        let at = state.log.len() as u8;
        let cached: Vec<Item> = m
            .cache
            .iter()
            .map(|r| cached_item(&state.log, *r))
            .collect();
        let own = own_items(
            Sender::Member(member),
            at,
            &self.by_value_of(state, member, by_value),
        );
        build_commit(&self.rules[member as usize], &m.dictionary, &cached, &own)
            .ok()
            .filter(|applied| !applied.items.is_empty())
    }

    /// Appends `message`; a commit of the group's newest epoch that the
    /// group's rules accept advances it.
    fn append(&self, state: &mut State, message: Message) {
        let at = state.log.len() as u8;
        let epoch = match &message {
            Message::Commit { epoch, .. } => Some(*epoch),
            Message::Proposal { .. } => None,
        };
        state.log.push(message);
        if epoch != Some(state.group.0) {
            return;
        }
        let cache: Vec<u8> = (0..at)
            .filter(|p| {
                matches!(state.log[*p as usize],
                    Message::Proposal { epoch: e, .. } if Some(e) == epoch)
            })
            .collect();
        if let Ok(applied) = receive(&self.group_rules, &state.log, at, &cache, &state.group.1) {
            state.group = (state.group.0 + 1, applied.dictionary);
        }
    }

    /// `member` processes the next message of the log.
    fn deliver(&self, state: &mut State, member: u8) {
        let mi = member as usize;
        let at = state.members[mi].cursor;
        state.members[mi].cursor += 1;
        let message = state.log[at as usize].clone();
        match message {
            Message::Proposal { epoch, .. } => {
                let m = &mut state.members[mi];
                if epoch == m.epoch && !m.cache.contains(&at) {
                    m.cache.push(at);
                }
            }
            Message::Commit { epoch, .. } => {
                let m = &state.members[mi];
                if epoch != m.epoch {
                    return;
                }
                let Ok(applied) = receive(&self.rules[mi], &state.log, at, &m.cache, &m.dictionary)
                else {
                    return;
                };
                self.audit(state, member, at, &applied.dictionary);
                let m = &mut state.members[mi];
                m.epoch += 1;
                m.dictionary = applied.dictionary;
                m.cache.clear();
                m.proposed = false;
                m.pending = false;
                if let Some(intent) = m.intent {
                    let done = commit_items(&state.log, at).iter().any(|i| {
                        i.sender == Sender::Member(member)
                            && i.proposal == Proposal::AppDataUpdate(intent)
                    });
                    if done {
                        m.intent = None;
                    }
                }
            }
        }
    }

    /// The ghost audit of `member` applying the commit at `at` and getting
    /// `result` (see `audit.rs`).
    fn audit(&self, state: &mut State, member: u8, at: u8, result: &Dictionary) {
        let items = commit_items(&state.log, at);
        let list: Vec<(Sender, Proposal)> = items.iter().map(|i| (i.sender, i.proposal)).collect();
        let before = state.members[member as usize].dictionary.plain();
        let v = audit::judge(&self.cfg, &before, &list);
        let g = &mut state.ghost;
        g.invalid_applied |= v.invalid || v.expected != result.plain();
        g.lost_update |= v.lost_update;
        g.created |= v.created;
        g.removed |= v.removed;
        g.several_updates |= v.several_updates;
        g.external_applied |= v.external;
        g.external_commit_applied |= v.new_member;
        g.gce_with_updates |= v.gce_with_updates;
        g.gce_rewrite_applied |= v.gce_rewrite;
        for i in items {
            if let Err(p) = g.committed.binary_search(&i.origin) {
                g.committed.insert(p, i.origin);
            }
        }
    }
}

impl Model for AduModel {
    type State = State;
    type Action = Action;

    fn init_states(&self) -> Vec<State> {
        vec![self.initial_state()]
    }

    fn actions(&self, state: &State, actions: &mut Vec<Action>) {
        let max = self.cfg.max_epoch;
        for (mi, m) in state.members.iter().enumerate() {
            let member = mi as u8;
            if (m.cursor as usize) < state.log.len() {
                actions.push(Action::Deliver { member });
            }
            if m.epoch >= max {
                continue;
            }
            if !m.proposed {
                for id in self.ids() {
                    actions.push(Action::Propose {
                        member,
                        choice: Choice::Update(id),
                    });
                    if self.cfg.removes && m.dictionary.get(id).is_some() {
                        actions.push(Action::Propose {
                            member,
                            choice: Choice::Remove(id),
                        });
                    }
                }
                if self.cfg.gce {
                    for choice in [Choice::GceKeep, Choice::GceRewrite] {
                        actions.push(Action::Propose { member, choice });
                    }
                }
                if self.cfg.retry && m.intent.is_some() {
                    actions.push(Action::Repropose { member });
                }
            }
            if !m.pending {
                let choices =
                    std::iter::once(ByValue::Nothing).chain(self.cfg.by_value.iter().copied());
                for by_value in choices {
                    if self.build(state, member, by_value).is_some() {
                        actions.push(Action::Commit { member, by_value });
                    }
                }
            }
        }
        let newest = state.group.0;
        if newest < max {
            if self.cfg.external_sender && state.external_epoch != Some(newest) {
                for component in self.ids() {
                    actions.push(Action::External { component });
                }
            }
            if self.cfg.external_commit && !state.joined {
                for component in self.ids() {
                    actions.push(Action::ExternalCommit { component });
                }
            }
        }
    }

    fn next_state(&self, last: &State, action: Action) -> Option<State> {
        let mut state = last.clone();
        match action {
            Action::Propose { member, choice } => {
                let proposal = self.proposal_of(last, member, choice);
                let m = &mut state.members[member as usize];
                m.proposed = true;
                if let (true, Proposal::AppDataUpdate(u)) = (self.cfg.retry, proposal) {
                    m.intent = Some(u);
                }
                let epoch = m.epoch;
                // A client caches its own proposal when it sends it.
                m.cache.push(last.log.len() as u8);
                self.append(
                    &mut state,
                    Message::Proposal {
                        epoch,
                        sender: Sender::Member(member),
                        proposal,
                    },
                );
            }
            Action::Repropose { member } => {
                let m = &mut state.members[member as usize];
                m.proposed = true;
                let (epoch, intent) = (m.epoch, m.intent?);
                m.cache.push(last.log.len() as u8);
                self.append(
                    &mut state,
                    Message::Proposal {
                        epoch,
                        sender: Sender::Member(member),
                        proposal: Proposal::AppDataUpdate(intent),
                    },
                );
            }
            Action::Commit { member, by_value } => {
                let built = self.build(last, member, by_value)?;
                let g = &mut state.ghost;
                g.cas_refused |= built
                    .dropped
                    .iter()
                    .any(|v| matches!(v, Violation::ComponentRefused(_)));
                g.gce_rewrite_dropped |= built.dropped.contains(&Violation::GceChangesDictionary);
                let by_reference = built
                    .items
                    .iter()
                    .filter_map(|i| match (i.by_reference, i.origin) {
                        (true, Origin::Item { at, .. }) => Some(at),
                        _ => None,
                    })
                    .collect();
                let m = &mut state.members[member as usize];
                m.pending = true;
                let epoch = m.epoch;
                self.append(
                    &mut state,
                    Message::Commit {
                        epoch,
                        committer: Sender::Member(member),
                        by_reference,
                        by_value: self.by_value_of(last, member, by_value),
                    },
                );
            }
            Action::External { component } => {
                let (epoch, held) = &last.group;
                let update = make_update(
                    self.cfg.component,
                    component,
                    held.get(component),
                    EXTERNAL_DATA,
                );
                state.external_epoch = Some(*epoch);
                self.append(
                    &mut state,
                    Message::Proposal {
                        epoch: *epoch,
                        sender: Sender::External,
                        proposal: Proposal::AppDataUpdate(update),
                    },
                );
            }
            Action::ExternalCommit { component } => {
                let (epoch, held) = &last.group;
                let update = make_update(
                    self.cfg.component,
                    component,
                    held.get(component),
                    NEW_MEMBER_DATA,
                );
                state.joined = true;
                self.append(
                    &mut state,
                    Message::Commit {
                        epoch: *epoch,
                        committer: Sender::NewMember,
                        by_reference: vec![],
                        by_value: vec![update],
                    },
                );
            }
            Action::Deliver { member } => self.deliver(&mut state, member),
        }
        Some(state)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        properties::all()
    }
}
