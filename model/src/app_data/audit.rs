//! The ghost audit: a second, independent reading of the draft that judges
//! every list an honest member applies. It never calls the rule functions
//! of `rules.rs` (which it is there to judge); it reads the draft's
//! sentences directly, on plain `(id, data)` pairs:
//!
//! * per id, the list is "(a) a single `remove` operation or (b) one or
//!   more `update` operations", the remove names a present entry, and the
//!   component's logic accepts each update in order (`replace`: always;
//!   `cas`: the data it names is the data there);
//! * with `app_data_update` required, a GroupContextExtensions proposal
//!   does not touch the dictionary; AppDataUpdates apply after it;
//! * senders are members, the listed external sender, or a new member in
//!   its external commit.
//!
//! It also says what the list should give (the expected dictionary, as a
//! map), and what happened that the properties and witnesses record: an
//! update applied on data other than the data it was computed from (a lost
//! update), an entry created or removed, several updates for one id.

use std::collections::BTreeMap;

use super::config::AduConfig;
use super::types::{ComponentKind, Data, GCE_DATA, Operation, Proposal, Sender, Update};

/// The audit's verdict on one applied list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// The list breaks one of the draft's rules.
    pub invalid: bool,
    /// What the list should give, sorted by id (meaningful when valid).
    pub expected: Vec<(u8, Data)>,
    /// Some update or remove was applied to data other than the data its
    /// application read.
    pub lost_update: bool,
    pub created: bool,
    pub removed: bool,
    pub several_updates: bool,
    pub gce_with_updates: bool,
    pub gce_rewrite: bool,
    pub external: bool,
    pub new_member: bool,
}

/// Judges the list `items` (sender, proposal) applied to `current`.
pub fn judge(cfg: &AduConfig, current: &[(u8, Data)], items: &[(Sender, Proposal)]) -> Verdict {
    let mut v = Verdict::default();
    let mut map: BTreeMap<u8, Data> = current.iter().copied().collect();
    let gces: Vec<bool> = items
        .iter()
        .filter_map(|(_, p)| match p {
            Proposal::Gce { rewrite } => Some(*rewrite),
            Proposal::AppDataUpdate(_) => None,
        })
        .collect();
    if gces.len() > 1 {
        v.invalid = true;
    }
    if gces.iter().any(|r| *r) {
        v.gce_rewrite = true;
        if cfg.required {
            v.invalid = true;
        }
        map = BTreeMap::from([(1, GCE_DATA)]);
    }
    let updates: Vec<_> = items
        .iter()
        .filter_map(|(s, p)| match p {
            Proposal::AppDataUpdate(u) => Some((*s, *u)),
            Proposal::Gce { .. } => None,
        })
        .collect();
    v.gce_with_updates = !gces.is_empty() && !updates.is_empty();
    let mut ids: Vec<u8> = updates.iter().map(|(_, u)| u.component_id).collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        if !(1..=cfg.components).contains(&id) {
            v.invalid = true;
            continue;
        }
        let list: Vec<_> = updates
            .iter()
            .filter(|(_, u)| u.component_id == id)
            .collect();
        let removes = list
            .iter()
            .filter(|(_, u)| u.op == Operation::Remove)
            .count();
        if removes > 0 && list.len() > 1 {
            v.invalid = true;
        }
        v.several_updates |= removes == 0 && list.len() > 1;
        for (sender, u) in list {
            if *sender == Sender::External && !cfg.external_sender {
                v.invalid = true;
            }
            v.external |= *sender == Sender::External;
            v.new_member |= *sender == Sender::NewMember;
            let here = map.get(&id).copied();
            if u.read != here {
                v.lost_update = true;
            }
            match u.op {
                Operation::Remove => {
                    if here.is_none() {
                        v.invalid = true;
                    }
                    v.removed = true;
                    map.remove(&id);
                }
                Operation::Update(update) => {
                    let accepted = match (cfg.component, update) {
                        (ComponentKind::Replace, Update::Replace { .. }) => true,
                        (ComponentKind::Cas, Update::Cas { expected, .. }) => expected == here,
                        _ => false,
                    };
                    if !accepted {
                        v.invalid = true;
                    }
                    v.created |= here.is_none();
                    map.insert(id, update.new_data());
                }
            }
        }
    }
    v.expected = map.into_iter().collect();
    v
}
