//! The successor's rules as pure functions, one per rule, named with the
//! rule ids of `impl/src/app_data/rules.rs` (U1 to U10) and quoting
//! draft-ietf-mls-extensions, section "Updating Application Data in the
//! GroupContext". They are this model's twin of the implementation's
//! rules, written again on the model's types: the model does not depend on
//! the implementation, so a harness can measure where the twins agree.
//!
//! [`process_commit`] composes them for a receiver, [`build_commit`] for a
//! committer (which asks the same functions about each proposal it holds).
//! The order of the checks follows the implementation's hook: the
//! GroupContextExtensions proposal (U8), then per proposal the sender (U10)
//! and the component (U3), then the operations per id (U4), then applying
//! in commit order (U5, U6) onto the base dictionary (U9), stored sorted
//! (U7); the group's own dictionary is checked first (U1).
//!
//! Each seeded [`Faults`] flag is honoured only in the function of the rule
//! it breaks (or, for the two that break the composition, in
//! [`process_commit`]).

use super::types::{
    AppDataUpdate, ComponentData, ComponentId, ComponentKind, Data, Dictionary, Item, Operation,
    Origin, Proposal, Sender, Update, gce_dictionary,
};

/// Seeded faults: each breaks one rule, to show that a property notices.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Faults {
    /// U4: accept an update and a remove, or two removes, for one id (and,
    /// on Send, keep them all).
    pub accept_mixed_operations: bool,
    /// U6: the `cas` component ignores the data the update names.
    pub cas_ignores_expected: bool,
    /// U7: a new entry goes to the end of the dictionary, not its sorted
    /// place.
    pub append_new_entry: bool,
    /// U8: a GroupContextExtensions proposal may rewrite the dictionary
    /// even when `app_data_update` is required.
    pub gce_may_rewrite: bool,
    /// Receive: apply every cached proposal, not those the commit names.
    pub apply_cached: bool,
    /// Receive: move to the next epoch but keep the old dictionary (and,
    /// standing in for a missing key-schedule check, do not notice).
    pub keep_dictionary: bool,
}

/// The rules a member runs: the group's setup and any seeded faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rules {
    /// Components `1..=components` are known, all of this kind.
    pub components: u8,
    pub kind: ComponentKind,
    /// `app_data_update` is in the group's `required_capabilities`.
    pub required: bool,
    /// The group lists an external sender.
    pub external_sender: bool,
    pub faults: Faults,
}

/// Which side asks: a committer building its commit, or a receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Send,
    Receive,
}

/// Why a proposal or a proposal list is invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Violation {
    /// U1: the dictionary is not sorted, or names an id twice.
    InvalidDictionary,
    /// U2: an operation code other than `update(1)` or `remove(2)`.
    MalformedAppDataUpdate,
    /// U3.
    UnknownComponent(ComponentId),
    /// U4: two removes for one id.
    SeveralRemoves(ComponentId),
    /// U4: an update and a remove for one id.
    UpdateAndRemove(ComponentId),
    /// U5.
    RemoveOfAbsentEntry(ComponentId),
    /// U6: the component refused an update.
    ComponentRefused(ComponentId),
    /// U8.
    GceChangesDictionary,
    /// U10.
    UnauthorizedSender(Sender),
    /// RFC 9420: at most one GroupContextExtensions proposal per commit.
    SeveralGce,
    /// A commit names a proposal the receiver has not cached.
    UnknownProposal,
}

/// U1: the dictionary is sorted by id, one entry per id.
///
/// Draft: "The entries in the `component_data` MUST be sorted by
/// `component_id`, and there MUST be at most one entry for each
/// `component_id`."
pub fn u1_well_formed_dictionary(dictionary: &Dictionary) -> Result<(), Violation> {
    let sorted = dictionary
        .entries
        .windows(2)
        .all(|w| w[0].component_id < w[1].component_id);
    if sorted {
        Ok(())
    } else {
        Err(Violation::InvalidDictionary)
    }
}

/// U2: the operation code of an AppDataUpdate.
///
/// Draft: "`enum { invalid(0), update(1), remove(2), (255) }
/// AppDataUpdateOperation;`" and "`select (AppDataUpdate.op) { case update:
/// opaque update<V>; case remove: struct{}; }`". The model's proposals are
/// typed, so only the code is left to judge: `invalid(0)` and unassigned
/// codes do not decode.
pub fn u2_decode_operation(code: u8, update: Option<Update>) -> Result<Operation, Violation> {
    match (code, update) {
        (1, Some(update)) => Ok(Operation::Update(update)),
        (2, None) => Ok(Operation::Remove),
        _ => Err(Violation::MalformedAppDataUpdate),
    }
}

/// U3: the component must be known to the application.
///
/// Draft: "An AppDataUpdate proposal is invalid if its `component_id`
/// references a component that is not known to the application".
pub fn u3_known_component(rules: &Rules, id: ComponentId) -> Result<ComponentKind, Violation> {
    if (1..=rules.components).contains(&id) {
        Ok(rules.kind)
    } else {
        Err(Violation::UnknownComponent(id))
    }
}

/// U4: per `component_id`, a single `remove` or one or more `update`s.
///
/// Draft: "A proposal list is invalid if it includes multiple AppDataUpdate
/// proposals that `remove` state for the same `component_id`, or proposals
/// that both `update` and `remove` state for the same `component_id`. In
/// other words, for a given `component_id`, a proposal list is valid only
/// if it contains (a) a single `remove` operation or (b) one or more
/// `update` operations."
///
/// Receive: a violation is an error. Send (`items` in the commit's order,
/// cached ones first): the committer's own (by-value) proposals must be
/// valid on their own and win; cached ones that do not fit next to them
/// are dropped; among cached ones alone the first decides (a remove is
/// kept alone, an update keeps every update). As the implementation does.
pub fn u4_one_remove_or_updates(
    rules: &Rules,
    direction: Direction,
    items: Vec<(Item, AppDataUpdate)>,
) -> Result<Vec<(Item, AppDataUpdate)>, Violation> {
    let ids: Vec<ComponentId> = {
        let mut ids: Vec<_> = items.iter().map(|(_, u)| u.component_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let count = |id: ComponentId, own_only: bool| {
        let of = |remove: bool| {
            items
                .iter()
                .filter(|(i, u)| {
                    u.component_id == id && u.is_remove() == remove && !(own_only && i.by_reference)
                })
                .count()
        };
        (of(true), of(false))
    };
    let verdict = |id, (removes, updates): (usize, usize)| match (removes, updates) {
        (0, _) | (1, 0) => Ok(()),
        (1, _) => Err(Violation::UpdateAndRemove(id)),
        _ => Err(Violation::SeveralRemoves(id)),
    };
    if rules.faults.accept_mixed_operations {
        return Ok(items);
    }
    for &id in &ids {
        verdict(id, count(id, direction == Direction::Send))?;
    }
    if direction == Direction::Receive {
        return Ok(items);
    }
    let own: Vec<(ComponentId, (usize, usize))> =
        ids.iter().map(|&id| (id, count(id, true))).collect();
    let mut kept: Vec<(Item, AppDataUpdate)> = Vec::with_capacity(items.len());
    for (item, update) in items {
        let id = update.component_id;
        let keep = if !item.by_reference {
            true
        } else {
            let counts = own.iter().find(|(i, _)| *i == id).map(|(_, c)| *c);
            match counts.unwrap_or_default() {
                (0, 0) => match kept.iter().find(|(_, u)| u.component_id == id) {
                    // The first cached proposal for the id decides.
                    None => true,
                    Some((_, first)) => !first.is_remove() && !update.is_remove(),
                },
                (_, 0) => false,
                _ => !update.is_remove(),
            }
        };
        if keep {
            kept.push((item, update));
        }
    }
    Ok(kept)
}

/// U5: a `remove` removes the entry; without one it is invalid.
///
/// Draft: "If there is an entry in the `component_data` vector in the
/// `app_data_dictionary` extension with the specified `component_id`,
/// remove it. Otherwise, the proposal is invalid."
pub fn u5_apply_remove(id: ComponentId, current: Option<Data>) -> Result<Option<Data>, Violation> {
    match current {
        Some(_) => Ok(None),
        None => Err(Violation::RemoveOfAbsentEntry(id)),
    }
}

/// U6: an `update` goes to the component's logic, which returns the new
/// data or refuses; a refusal makes the proposal list invalid.
///
/// Draft: "Provide the application logic registered to the `component_id`
/// value with the content of the `update` field from each proposal, in the
/// order specified." "The application logic returns either an opaque value
/// `new_data` that will be stored as the new application data for this
/// component, or else an indication that it considers this update
/// invalid." "If the application logic considers the update invalid, the
/// MLS client MUST consider the proposal list invalid."
///
/// `current` is the data after the earlier updates of the same commit (the
/// implementation's fold). An update shaped for another component is
/// refused.
pub fn u6_apply_update(
    rules: &Rules,
    kind: ComponentKind,
    id: ComponentId,
    current: Option<Data>,
    update: Update,
) -> Result<Data, Violation> {
    match (kind, update) {
        (ComponentKind::Replace, Update::Replace { new_data }) => Ok(new_data),
        (ComponentKind::Cas, Update::Cas { expected, new_data }) => {
            if expected == current || rules.faults.cas_ignores_expected {
                Ok(new_data)
            } else {
                Err(Violation::ComponentRefused(id))
            }
        }
        _ => Err(Violation::ComponentRefused(id)),
    }
}

/// U7: store the component's new data (or its removal) in the dictionary.
///
/// Draft: "If no `app_data_dictionary` extension is present in the
/// GroupContext, add one to the end of the `extensions` list in the
/// GroupContext." "If there is an entry in the `component_data` vector in
/// the `app_data_dictionary` extension with the specified `component_id`,
/// then set its `data` field to the specified `new_data`." "Otherwise,
/// insert a new entry in the `component_data` vector with the specified
/// `component_id` and the `data` field set to the `new_data` value. The new
/// entry is inserted at the proper point to keep the `component_data`
/// vector sorted by `component_id`."
///
/// `data: None` removes the entry (U5's effect). The model's dictionary is
/// always present (possibly empty), so "add one" has nothing to model.
pub fn u7_inject_dictionary(
    rules: &Rules,
    dictionary: &mut Dictionary,
    id: ComponentId,
    data: Option<Data>,
    origin: Origin,
) {
    let at = dictionary.entries.iter().position(|e| e.component_id == id);
    match (at, data) {
        (Some(at), None) => {
            dictionary.entries.remove(at);
        }
        (Some(at), Some(data)) => {
            dictionary.entries[at].data = data;
            dictionary.entries[at].origin = origin;
        }
        (None, None) => {}
        (None, Some(data)) => {
            let entry = ComponentData {
                component_id: id,
                data,
                origin,
            };
            let place = if rules.faults.append_new_entry {
                dictionary.entries.len()
            } else {
                dictionary
                    .entries
                    .iter()
                    .position(|e| e.component_id > id)
                    .unwrap_or(dictionary.entries.len())
            };
            dictionary.entries.insert(place, entry);
        }
    }
}

/// U8: with `app_data_update` required, a GroupContextExtensions proposal
/// leaves the dictionary exactly as it was.
///
/// Draft: "When an MLS group contains the AppDataUpdate proposal type in
/// the `proposal_types` list in the group's `required_capabilities`
/// extension, a GroupContextExtensions proposal MUST NOT add, remove, or
/// modify the `app_data_dictionary` GroupContext extension."
pub fn u8_gce_leaves_dictionary(rules: &Rules, rewrite: bool) -> Result<(), Violation> {
    if rules.required && rewrite && !rules.faults.gce_may_rewrite {
        Err(Violation::GceChangesDictionary)
    } else {
        Ok(())
    }
}

/// U9: AppDataUpdates apply after the proposals of RFC 9420, so to the
/// dictionary a GroupContextExtensions proposal of the same commit leaves.
///
/// Draft: "AppDataUpdate proposals are processed after any default
/// proposals (i.e., those defined in {{RFC9420}})" and "A commit can
/// contain a GroupContextExtensions proposal which modifies GroupContext
/// extensions other than `app_data_dictionary`, and can be followed by zero
/// or more AppDataUpdate proposals."
pub fn u9_base_dictionary(current: &Dictionary, gce: Option<&Item>) -> Dictionary {
    match gce {
        Some(Item {
            origin: Origin::Item { at, .. },
            proposal: Proposal::Gce { rewrite: true },
            ..
        }) => gce_dictionary(*at),
        _ => current.clone(),
    }
}

/// U10: who may send an AppDataUpdate: a member, the group's listed
/// external sender, and a new member in its external commit.
///
/// Draft: "An AppDataUpdate proposal can be sent by an external sender.
/// Likewise, AppDataUpdate proposals can be included in an external
/// Commit."
pub fn u10_authorized_sender(rules: &Rules, sender: Sender) -> Result<(), Violation> {
    match sender {
        Sender::Member(_) | Sender::NewMember => Ok(()),
        Sender::External if rules.external_sender => Ok(()),
        Sender::External => Err(Violation::UnauthorizedSender(sender)),
    }
}

/// What applying a list gives: the new dictionary and the proposals
/// applied, in order; and, for a committer, what it dropped and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub dictionary: Dictionary,
    pub items: Vec<Item>,
    pub dropped: Vec<Violation>,
}

/// The AppDataUpdates of `items`, paired with their items.
fn updates_of(items: &[Item]) -> Vec<(Item, AppDataUpdate)> {
    items
        .iter()
        .filter_map(|i| match i.proposal {
            Proposal::AppDataUpdate(u) => Some((*i, u)),
            Proposal::Gce { .. } => None,
        })
        .collect()
}

/// The rules composed, for both sides: on Receive a violation is an error;
/// on Send a cached proposal that breaks a rule is dropped (and recorded)
/// and a by-value one is an error.
fn apply(
    rules: &Rules,
    direction: Direction,
    current: &Dictionary,
    items: &[Item],
) -> Result<Applied, Violation> {
    let mut dropped = Vec::new();
    // A violation of `item`: dropped if the committer cached it.
    let mut judge = |item: &Item, verdict: Result<(), Violation>| match verdict {
        Ok(()) => Ok(true),
        Err(v) if direction == Direction::Send && item.by_reference => {
            dropped.push(v);
            Ok(false)
        }
        Err(v) => Err(v),
    };
    u1_well_formed_dictionary(current)?;
    let mut gce: Option<Item> = None;
    let mut kept: Vec<Item> = Vec::with_capacity(items.len());
    for item in items {
        match item.proposal {
            Proposal::Gce { rewrite } => {
                let one = if gce.is_some() {
                    Err(Violation::SeveralGce)
                } else {
                    u8_gce_leaves_dictionary(rules, rewrite)
                };
                if judge(item, one)? {
                    gce = Some(*item);
                    kept.push(*item);
                }
            }
            Proposal::AppDataUpdate(u) => {
                let verdict = u10_authorized_sender(rules, item.sender)
                    .and_then(|()| u3_known_component(rules, u.component_id).map(|_| ()));
                if judge(item, verdict)? {
                    kept.push(*item);
                }
            }
        }
    }
    let updates = u4_one_remove_or_updates(rules, direction, updates_of(&kept))?;
    let mut dictionary = u9_base_dictionary(current, gce.as_ref());
    let mut applied: Vec<Item> = gce.into_iter().collect();
    for (item, update) in updates {
        let id = update.component_id;
        let now = dictionary.get(id);
        let result = match update.op {
            Operation::Remove => u5_apply_remove(id, now),
            Operation::Update(bytes) => u3_known_component(rules, id)
                .and_then(|kind| u6_apply_update(rules, kind, id, now, bytes))
                .map(Some),
        };
        match result {
            Ok(data) => {
                u7_inject_dictionary(rules, &mut dictionary, id, data, item.origin);
                applied.push(item);
            }
            Err(v) => {
                judge(&item, Err(v))?;
            }
        }
    }
    Ok(Applied {
        dictionary,
        items: applied,
        dropped,
    })
}

/// A receiver's verdict on a commit's list (in the commit's order): the new
/// dictionary, or the first violation.
pub fn process_commit(
    rules: &Rules,
    current: &Dictionary,
    items: &[Item],
) -> Result<Applied, Violation> {
    apply(rules, Direction::Receive, current, items)
}

/// A committer's list: its cached proposals in canonical order (sender,
/// then id, then content), filtered by the rules, then its own by value,
/// which must be valid. Returns what the commit carries, in order, with
/// the dictionary it gives.
pub fn build_commit(
    rules: &Rules,
    current: &Dictionary,
    cached: &[Item],
    own: &[Item],
) -> Result<Applied, Violation> {
    let mut items: Vec<Item> = cached.to_vec();
    items.sort_by_key(|i| (i.sender, i.proposal, i.origin));
    items.extend_from_slice(own);
    apply(rules, Direction::Send, current, &items)
}
