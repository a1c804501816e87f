//! The commits the model's actors build: an honest member's (what the send
//! rules keep of its cache and its by-value choice, and why they refuse a
//! list), the adversary's forgeries, and a non-member's external commit.

use crate::compact::{ByValue, ProposalList, ProposalSet};
use crate::model::AppSyncModel;
use crate::rules;
use crate::semantics::{ADVERSARY_VALUE, AppSync, Item, Proposal, Reason, Sender, StatesDefect};
use crate::state::{Commit, Forgery, State};

impl AppSyncModel {
    /// The commit `member` would build with `by_value`, or `None` if the send
    /// rules refuse it or it would be empty.
    pub fn build_commit(&self, state: &State, member: usize, by_value: ByValue) -> Option<Commit> {
        let m = &state.members[member];
        let cached: ProposalList = m.cache.iter().collect();
        let values = by_value_list(member as u8, by_value);
        let rules = self.cfg.rules_of(member as u8);
        let list = rules::build_commit(&cached, &values, &m.application_states, &rules).ok()?;
        if list.is_empty() {
            return None;
        }
        let applied = rules::r5_apply_in_order(&list, &m.application_states, &rules);
        // A committer that does not apply its own AppSyncs (seeded fault)
        // claims the state it had.
        let claimed = match rules.faults.committer_skips_apply && list.app_syncs().next().is_some()
        {
            true => m.application_states,
            false => applied,
        };
        let mut by_reference = ProposalSet::default();
        for item in list.as_slice().iter().filter(|i| !i.by_value) {
            by_reference.insert(item.sender, item.proposal);
        }
        Some(Commit {
            committer: member as u8,
            epoch: m.epoch,
            by_reference,
            by_value,
            gce_by_value: by_value.has_gce().then_some(Proposal::Gce),
            undecodable_by_value: None,
            claimed,
            forgery: None,
            outsider: false,
            id: 0,
            parent: m.branch,
        })
    }

    /// A non-member's external commit carrying `app_sync` by value: it claims
    /// the state its AppSync produces (its own client applies it).
    pub fn external_commit(&self, state: &State, app_sync: AppSync) -> Commit {
        let mut commit = Commit {
            committer: self.leaves(),
            epoch: state.group_epoch,
            by_reference: ProposalSet::default(),
            by_value: ByValue::new(&[app_sync]),
            gce_by_value: None,
            undecodable_by_value: None,
            claimed: state.group_states,
            forgery: None,
            outsider: true,
            id: 0,
            parent: state.group_branch,
        };
        commit.claimed = rules::r5_apply_in_order(
            &commit.proposals(),
            &state.group_states,
            &self.adversary_rules,
        );
        commit
    }

    /// Why the send rules refuse the commit `member` would build with
    /// `by_value` (`None` if they build it, or if it would merely be empty).
    pub fn commit_refusal(
        &self,
        state: &State,
        member: usize,
        by_value: ByValue,
    ) -> Option<Reason> {
        let m = &state.members[member];
        let cached: ProposalList = m.cache.iter().collect();
        let values = by_value_list(member as u8, by_value);
        let rules = self.cfg.rules_of(member as u8);
        rules::build_commit(&cached, &values, &m.application_states, &rules).err()
    }

    /// The cached proposals that `member`'s commit with `by_value` leaves
    /// out, each with the rule that drops it (none if the commit is refused).
    pub fn commit_drops(
        &self,
        state: &State,
        member: usize,
        by_value: ByValue,
    ) -> Vec<(Item, Reason)> {
        let m = &state.members[member];
        let cached: ProposalList = m.cache.iter().collect();
        let values = by_value_list(member as u8, by_value);
        let rules = self.cfg.rules_of(member as u8);
        let mut drops = Vec::new();
        let built = rules::build_commit_telling_drops(
            &cached,
            &values,
            &m.application_states,
            &rules,
            |item, reason| drops.push((item, reason)),
        );
        match built {
            Ok(_) => drops,
            Err(_) => Vec::new(),
        }
    }

    /// Whether the adversary can forge `forgery` in `state`: a by-value
    /// kind always, except [`Forgery::UndecodableAppSync`], only where the
    /// configuration asks for it (`undecodable_app_syncs`);
    /// [`Forgery::UnknownIdByReference`] only while its cache holds an
    /// AppSync that R3 refuses.
    pub fn forgeable(&self, state: &State, forgery: Forgery) -> bool {
        match forgery {
            Forgery::UnknownIdByReference => self.cached_unknown_id(state).is_some(),
            Forgery::UndecodableAppSync(_) => self.cfg.undecodable_app_syncs,
            _ => true,
        }
    }

    /// The first AppSync (in canonical order) in the adversary's cache whose
    /// id has no entry in the group's newest state, under the "reject"
    /// reading: R3, "Identify an `application_states` GroupContext
    /// extension which contains the same `applicationId` state as the
    /// AppSync proposal", finds none for it.
    fn cached_unknown_id(&self, state: &State) -> Option<Item> {
        state
            .adversary_cache
            .iter()
            .find(|item| match item.proposal {
                Proposal::AppSync(a) => {
                    rules::r3_known_application_id(&state.group_states, &a, &self.correct).is_err()
                }
                _ => false,
            })
    }

    /// The adversary's commit of kind `forgery` at the group's newest epoch.
    /// A by-value kind carries only by-value proposals (its rules drop every
    /// cached proposal); [`Forgery::UnknownIdByReference`] keeps exactly one
    /// cached proposal by reference (see [`Self::forgeable`]).
    pub fn forge(&self, state: &State, forgery: Forgery) -> Commit {
        let s = state.group_states;
        let bump = AppSync {
            application_id: 1,
            new_state: ADVERSARY_VALUE,
        };
        let unknown = AppSync {
            application_id: self.cfg.unknown_id(),
            new_state: ADVERSARY_VALUE,
        };
        let ill_formed = |defect| Some(Proposal::IllFormedGce(defect));
        let (by_value, gce_by_value) = match forgery {
            Forgery::AppSyncWithGce => (ByValue::new(&[bump]), Some(Proposal::Gce)),
            Forgery::DuplicateId => (ByValue::new(&[bump, bump]), None),
            Forgery::UnknownId => (ByValue::new(&[unknown]), None),
            Forgery::StateMismatch => (ByValue::new(&[bump]), None),
            Forgery::UndecodableStates => {
                (ByValue::new(&[]), ill_formed(StatesDefect::Undecodable))
            }
            Forgery::RepeatedIdStates => (ByValue::new(&[]), ill_formed(StatesDefect::RepeatedId)),
            Forgery::UnknownIdByReference | Forgery::UndecodableAppSync(_) => {
                (ByValue::new(&[bump]), None)
            }
        };
        let undecodable_by_value = match forgery {
            Forgery::UndecodableAppSync(defect) => Some(defect),
            _ => None,
        };
        let mut by_reference = ProposalSet::default();
        if forgery == Forgery::UnknownIdByReference
            && let Some(item) = self.cached_unknown_id(state)
        {
            by_reference.insert(item.sender, item.proposal);
        }
        let mut commit = Commit {
            committer: self.cfg.members,
            epoch: state.group_epoch,
            by_reference,
            by_value,
            gce_by_value,
            undecodable_by_value,
            claimed: s,
            forgery: Some(forgery),
            outsider: false,
            id: 0,
            parent: state.group_branch,
        };
        if forgery != Forgery::StateMismatch {
            commit.claimed =
                rules::r5_apply_in_order(&commit.proposals(), &s, &self.adversary_rules);
        }
        commit
    }
}

/// The proposals `member` adds by value, in the order it sends them.
fn by_value_list(member: u8, by_value: ByValue) -> ProposalList {
    let sender = Sender::Member(member);
    let gce = by_value.has_gce().then_some(Item {
        sender,
        proposal: Proposal::Gce,
        by_value: true,
    });
    by_value
        .iter()
        .map(|a| Item {
            sender,
            proposal: Proposal::AppSync(a),
            by_value: true,
        })
        .chain(gce)
        .collect()
}
