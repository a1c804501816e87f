//! The successor's rules, one function per rule, each named with its id
//! (U1 to U10) and quoting draft-ietf-mls-extensions, section "Updating
//! Application Data in the GroupContext". They judge the proposals mls-rs
//! hands to [`AppDataUpdateRules`](super::AppDataUpdateRules) on Send and
//! Receive; the order in which that hook calls them is in
//! [`crate::app_data::mls_rules`].
//!
//! | rule | function |
//! |------|----------|
//! | U1 | [`u1_well_formed_dictionary`] |
//! | U2 | [`u2_decode_app_data_update`] |
//! | U3 | [`u3_known_component`] |
//! | U4 | [`u4_one_remove_or_updates`] |
//! | U5 | [`u5_apply_remove`] |
//! | U6 | [`u6_apply_update`] |
//! | U7 | [`u7_inject_dictionary`] (and [`Dictionary::merge`]) |
//! | U8 | [`u8_gce_leaves_dictionary`] |
//! | U9 | [`u9_base_extensions`] |
//! | U10 | [`u10_authorized_sender`] |
//!
//! U11 (no UpdatePath) and U12 (wire format) are answers the `MlsRules`
//! give mls-rs, not judgements of a proposal list.
//!
//! On Receive a violation rejects the commit; on Send a by-reference
//! proposal that breaks a rule is dropped and a by-value one fails commit
//! building ([`on_violation`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use mls_rs::ExtensionList;
use mls_rs::extension::built_in::RequiredCapabilitiesExt;
use mls_rs::group::proposal::{CustomProposal, Proposal};
use mls_rs::group::{GroupContext, Roster, Sender};
use mls_rs::mls_rules::{CommitDirection, ProposalBundle, ProposalSource};

use super::candidate::{Candidate, on_violation};
use super::codec::{AppDataOperation, AppDataUpdate, ComponentId};
use super::component::{Component, Components};
use super::dictionary::Dictionary;
use super::error::AppDataError;
use super::proposal::decode_custom;
use crate::constants::{APP_DATA_DICTIONARY_EXTENSION_TYPE, APP_DATA_UPDATE_PROPOSAL_TYPE};
use crate::rules::r7_authorized_sender;

/// U1: the dictionary in `extensions` is absent, or decodes exactly and is
/// sorted and unique.
///
/// Draft: "The entries in the `component_data` MUST be sorted by
/// `component_id`, and there MUST be at most one entry for each
/// `component_id`." Checked wherever a dictionary is used: the group's own
/// before applying AppDataUpdates, one a GroupContextExtensions proposal
/// would install, and a group's at creation and on join.
pub fn u1_well_formed_dictionary(
    extensions: &ExtensionList,
) -> Result<Option<Dictionary>, AppDataError> {
    Dictionary::from_extensions(extensions).map_err(AppDataError::InvalidDictionary)
}

/// U2: a custom proposal of the AppDataUpdate type carries exactly one
/// AppDataUpdate.
///
/// Draft: "`struct { ComponentID component_id; AppDataUpdateOperation op;
/// select (AppDataUpdate.op) { case update: opaque update<V>; case remove:
/// struct{}; }; } AppDataUpdate;`", with `op` one of `update(1)` and
/// `remove(2)` (`invalid(0)` is not an operation).
pub fn u2_decode_app_data_update(proposal: &CustomProposal) -> Result<AppDataUpdate, AppDataError> {
    decode_custom(proposal).map_err(AppDataError::MalformedAppDataUpdate)
}

/// U3: the component must be known to the application.
///
/// Draft: "An AppDataUpdate proposal is invalid if its `component_id`
/// references a component that is not known to the application". Known
/// means registered on the rules; this holds for `remove` too.
pub fn u3_known_component(
    components: &Components,
    component_id: ComponentId,
) -> Result<Arc<dyn Component>, AppDataError> {
    components
        .get(component_id)
        .cloned()
        .ok_or(AppDataError::UnknownComponent { component_id })
}

/// U10: who may send AppDataUpdate: whoever may send AppSync (members and
/// the group's listed external senders, [`r7_authorized_sender`]), and
/// also a new member in its external commit.
///
/// Draft: "An AppDataUpdate proposal can be sent by an external sender.
/// Likewise, AppDataUpdate proposals can be included in an external
/// Commit." A prospective member's proposal (NewMemberProposal) stays
/// refused: RFC 9420 lets that sender propose only Add.
pub fn u10_authorized_sender(
    sender: &Sender,
    roster: &Roster,
    context: &GroupContext,
) -> Result<(), AppDataError> {
    if *sender == Sender::NewMemberCommit {
        return Ok(());
    }
    r7_authorized_sender(sender, roster, context)
        .map_err(|_| AppDataError::UnauthorizedSender { sender: *sender })
}

/// U4: per `component_id`, a proposal list holds either a single `remove`
/// or one or more `update`s.
///
/// Draft: "A proposal list is invalid if it includes multiple AppDataUpdate
/// proposals that `remove` state for the same `component_id`, or proposals
/// that both `update` and `remove` state for the same `component_id`. In
/// other words, for a given `component_id`, a proposal list is valid only
/// if it contains (a) a single `remove` operation or (b) one or more
/// `update` operations."
///
/// Receive: a violation rejects the commit. Send (the candidates are in the
/// canonical order): the committer's by-value proposals for an id must be
/// valid on their own and win; by-reference ones that do not fit next to
/// them are dropped. Among by-reference ones alone, the first decides: a
/// `remove` is kept alone, an `update` keeps every `update`. Two passes,
/// linear in the number of proposals.
pub fn u4_one_remove_or_updates(
    direction: CommitDirection,
    candidates: Vec<Candidate>,
) -> Result<Vec<Candidate>, AppDataError> {
    /// Per id: the removes and updates, all and the committer's own
    /// (by value), and whether the first proposal is a remove.
    #[derive(Clone, Copy, Default)]
    struct Count {
        removes: usize,
        updates: usize,
        own_removes: usize,
        own_updates: usize,
        first_is_remove: Option<bool>,
    }
    let mut counts: HashMap<ComponentId, Count> = HashMap::new();
    for c in &candidates {
        let count = counts.entry(c.update.component_id()).or_default();
        count.first_is_remove.get_or_insert(c.is_remove());
        let own = usize::from(!c.by_reference());
        if c.is_remove() {
            count.removes += 1;
            count.own_removes += own;
        } else {
            count.updates += 1;
            count.own_updates += own;
        }
    }
    let verdict = |component_id, removes: usize, updates: usize| match (removes, updates) {
        (0, _) | (1, 0) => Ok(()),
        (1, _) => Err(AppDataError::UpdateAndRemove { component_id }),
        _ => Err(AppDataError::SeveralRemoves { component_id }),
    };
    // In commit order, so that the reported id does not depend on the
    // hash map's order.
    for c in &candidates {
        let id = c.update.component_id();
        let count = counts.get(&id).copied().unwrap_or_default();
        match direction {
            CommitDirection::Receive => verdict(id, count.removes, count.updates)?,
            CommitDirection::Send => verdict(id, count.own_removes, count.own_updates)?,
        }
    }
    if direction == CommitDirection::Receive {
        return Ok(candidates);
    }
    let mut removed: HashSet<ComponentId> = HashSet::new();
    Ok(candidates
        .into_iter()
        .filter(|c| {
            let id = c.update.component_id();
            let count = counts.get(&id).copied().unwrap_or_default();
            if !c.by_reference() {
                return true;
            }
            match (count.own_removes, count.own_updates) {
                // Only cached proposals: the first one decides.
                (0, 0) if count.first_is_remove == Some(true) => {
                    c.is_remove() && removed.insert(id)
                }
                (0, 0) => !c.is_remove(),
                // The committer's own remove: nothing cached fits next to it.
                (_, 0) => false,
                // The committer's own updates: cached updates join them.
                _ => !c.is_remove(),
            }
        })
        .collect())
}

/// U5: a `remove` removes the entry, and is invalid when there is none.
///
/// Draft: "If there is an entry in the `component_data` vector in the
/// `app_data_dictionary` extension with the specified `component_id`,
/// remove it. Otherwise, the proposal is invalid." and "An AppDataUpdate
/// proposal is invalid if [...] it specifies the removal of state for a
/// `component_id` that has no state present."
pub fn u5_apply_remove(
    component_id: ComponentId,
    current: Option<&[u8]>,
) -> Result<Option<Vec<u8>>, AppDataError> {
    match current {
        Some(_) => Ok(None),
        None => Err(AppDataError::RemoveOfAbsentEntry { component_id }),
    }
}

/// U6: an `update` goes to the component's logic, which returns the new
/// data or refuses; a refusal makes the proposal list invalid.
///
/// Draft: "Provide the application logic registered to the `component_id`
/// value with the content of the `update` field from each proposal, in the
/// order specified." "The application logic returns either an opaque value
/// `new_data` that will be stored as the new application data for this
/// component, or else an indication that it considers this update invalid."
/// "If the application logic considers the update invalid, the MLS client
/// MUST consider the proposal list invalid."
///
/// `current` is the data after the earlier updates of the same commit (see
/// [`crate::app_data::component`] for this reading).
pub fn u6_apply_update(
    component: &dyn Component,
    component_id: ComponentId,
    current: Option<&[u8]>,
    update: &[u8],
) -> Result<Vec<u8>, AppDataError> {
    component
        .apply(current, update)
        .map_err(|refusal| AppDataError::ComponentRefused {
            component_id,
            refusal,
        })
}

/// Apply the AppDataUpdates in the order they are sent (U5, U6), one
/// component's list after the other's, and return the new dictionary (if
/// anything was applied) and the proposals applied, in order. On Send a
/// by-reference proposal that cannot be applied is dropped.
///
/// Draft: "For each `component_id` field that appears in an AppDataUpdate
/// proposal in the Commit, the client assembles a list of AppDataUpdate
/// proposals with that `component_id`, in the order in which they appear
/// in the Commit, and processes them". Components are independent, so
/// applying in commit order gives each component its list in order.
///
/// Cost: one hash lookup per proposal, then [`Dictionary::merge`]: linear
/// in the proposals and entries, plus sorting the ids that changed.
pub fn apply_in_order(
    direction: CommitDirection,
    base: Option<Dictionary>,
    candidates: Vec<Candidate>,
) -> Result<(Option<Dictionary>, Vec<Candidate>), AppDataError> {
    let mut changed: HashMap<ComponentId, Option<Vec<u8>>> = HashMap::new();
    let mut applied = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let id = candidate.update.component_id();
        let current = match changed.get(&id) {
            Some(data) => data.as_deref(),
            None => base.as_ref().and_then(|d| d.get(id)),
        };
        let result = match candidate.update.operation() {
            AppDataOperation::Remove => u5_apply_remove(id, current),
            AppDataOperation::Update(bytes) => {
                u6_apply_update(candidate.component.as_ref(), id, current, bytes.as_slice())
                    .map(Some)
            }
        };
        match result {
            Ok(data) => {
                changed.insert(id, data);
                applied.push(candidate);
            }
            Err(error) => on_violation(direction, &candidate.source, error)?,
        }
    }
    if applied.is_empty() {
        return Ok((base, applied));
    }
    let dictionary = base
        .unwrap_or_default()
        .merge(changed.into_iter().collect::<BTreeMap<_, _>>());
    Ok((Some(dictionary), applied))
}

/// Whether the group requires `app_data_update` of every member (U8's
/// condition): the proposal type is in `required_capabilities`.
pub fn app_data_update_required(extensions: &ExtensionList) -> bool {
    extensions
        .get_as::<RequiredCapabilitiesExt>()
        .ok()
        .flatten()
        .is_some_and(|required| required.proposals.contains(&APP_DATA_UPDATE_PROPOSAL_TYPE))
}

/// U8: with `app_data_update` required, a GroupContextExtensions proposal
/// leaves the dictionary exactly as it was.
///
/// Draft: "When an MLS group contains the AppDataUpdate proposal type in
/// the `proposal_types` list in the group's `required_capabilities`
/// extension, a GroupContextExtensions proposal MUST NOT add, remove, or
/// modify the `app_data_dictionary` GroupContext extension."
///
/// "The group's" `required_capabilities` is read from the current
/// GroupContext, before the commit (a proposal that also changes
/// `required_capabilities` does not change which rule judges it). Without
/// the requirement a GroupContextExtensions proposal may change the
/// dictionary, which must then be well-formed (U1).
pub fn u8_gce_leaves_dictionary(
    current: &ExtensionList,
    proposed: &ExtensionList,
) -> Result<(), AppDataError> {
    if !app_data_update_required(current) {
        return u1_well_formed_dictionary(proposed).map(|_| ());
    }
    let before = current.get(APP_DATA_DICTIONARY_EXTENSION_TYPE);
    let after = proposed.get(APP_DATA_DICTIONARY_EXTENSION_TYPE);
    if before.map(|e| e.extension_data) == after.map(|e| e.extension_data) {
        Ok(())
    } else {
        Err(AppDataError::GroupContextExtensionsChangeDictionary)
    }
}

/// U9: AppDataUpdate is applied after the proposals of RFC 9420, so the
/// dictionary it changes is the one a GroupContextExtensions proposal of
/// the same commit leaves (the current one when there is none).
///
/// Draft: "AppDataUpdate proposals are processed after any default
/// proposals (i.e., those defined in {{RFC9420}})" and "A commit can
/// contain a GroupContextExtensions proposal which modifies GroupContext
/// extensions other than `app_data_dictionary`, and can be followed by
/// zero or more AppDataUpdate proposals."
pub fn u9_base_extensions(bundle: &ProposalBundle, context: &GroupContext) -> ExtensionList {
    bundle
        .group_context_ext_proposals()
        .iter()
        .find(|p| p.source != ProposalSource::Local)
        .map_or_else(|| context.extensions.clone(), |p| p.proposal.clone())
}

/// U7: store the new dictionary in the next GroupContext.
///
/// Draft: "If no `app_data_dictionary` extension is present in the
/// GroupContext, add one to the end of the `extensions` list in the
/// GroupContext." "If there is an entry [...] with the specified
/// `component_id`, then set its `data` field to the specified `new_data`."
/// "Otherwise, insert a new entry [...]. The new entry is inserted at the
/// proper point to keep the `component_data` vector sorted by
/// `component_id`." (the entries are placed by [`Dictionary::merge`]).
///
/// Without a GroupContextExtensions proposal on the wire, one is added with
/// `ProposalSource::Local` (applied by mls-rs, never transmitted), as
/// AppSync does. With one (U9), its content is replaced by the same content
/// with the new dictionary, keeping its sender and source, so what goes on
/// the wire is unchanged (its reference, or, on Receive, what was received)
/// and mls-rs still requires the UpdatePath a GroupContextExtensions
/// proposal needs.
pub fn u7_inject_dictionary(
    bundle: &mut ProposalBundle,
    committer: Sender,
    base_extensions: &ExtensionList,
    dictionary: Dictionary,
) -> Result<(), AppDataError> {
    let extensions = dictionary
        .into_extensions(base_extensions)
        .map_err(AppDataError::Encoding)?;
    let wire = bundle
        .group_context_ext_proposals()
        .iter()
        .position(|p| p.source != ProposalSource::Local);
    let (sender, source) = match wire {
        Some(at) => {
            let p = &bundle.group_context_ext_proposals()[at];
            let kept = (p.sender, p.source.clone());
            bundle.remove::<ExtensionList>(at);
            kept
        }
        None => (committer, ProposalSource::Local),
    };
    bundle.add(Proposal::GroupContextExtensions(extensions), sender, source);
    Ok(())
}
