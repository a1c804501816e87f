//! How the AppDataUpdate rules meet mls-rs's `ProposalBundle`: collecting
//! the proposals as candidates, the canonical Send order, screening
//! GroupContextExtensions proposals, and the bundle's rewriting. The rules
//! themselves are in [`super::rules`]; a candidate and what a violation does
//! with it are in [`super::candidate`].

use mls_rs::ExtensionList;
use mls_rs::group::proposal::Proposal;
use mls_rs::group::{GroupContext, Roster, Sender};
use mls_rs::mls_rules::{CommitDirection, ProposalBundle, ProposalSource};

use super::candidate::{Candidate, on_violation};
use super::component::Components;
use super::error::AppDataError;
use super::proposal::is_app_data_update;
use super::rules::{
    u2_decode_app_data_update, u3_known_component, u8_gce_leaves_dictionary, u10_authorized_sender,
};

/// Decode the AppDataUpdates of the bundle, in bundle order, and check
/// their sender and component (U2, U10, U3).
pub fn collect_candidates(
    direction: CommitDirection,
    bundle: &ProposalBundle,
    roster: &Roster,
    context: &GroupContext,
    components: &Components,
) -> Result<Vec<Candidate>, AppDataError> {
    let mut out = Vec::new();
    for info in bundle
        .custom_proposals()
        .iter()
        .filter(|p| is_app_data_update(&p.proposal))
    {
        let checked = u2_decode_app_data_update(&info.proposal).and_then(|update| {
            u10_authorized_sender(&info.sender, roster, context)?;
            let component = u3_known_component(components, update.component_id())?;
            Ok((update, component))
        });
        match checked {
            Ok((update, component)) => out.push(Candidate {
                update,
                component,
                sender: info.sender,
                source: info.source.clone(),
                proposal: info.proposal.clone(),
            }),
            Err(error) => on_violation(direction, &info.source, error)?,
        }
    }
    Ok(out)
}

/// The canonical Send order (mls-rs hands cached proposals over in
/// `HashMap` order): by-reference proposals sorted by sender (members by
/// leaf index, then external senders), `component_id` and encoded bytes,
/// then the committer's by-value ones in the caller's order. It becomes the
/// wire order, hence the order every receiver applies.
pub fn canonical_order(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    // By-value proposals all get the same key, and the sort is stable, so
    // they keep the caller's order after every by-reference one.
    let key = |c: &Candidate| match (c.by_reference(), c.sender) {
        (false, _) => (1u8, 0u8, 0u32, 0u16),
        (true, Sender::Member(index)) => (0, 0, index, c.update.component_id()),
        (true, Sender::External(index)) => (0, 1, index, c.update.component_id()),
        (true, _) => (0, 2, 0, c.update.component_id()),
    };
    candidates.sort_by(|a, b| {
        key(a).cmp(&key(b)).then_with(|| match a.by_reference() {
            true => a.proposal.data().cmp(b.proposal.data()),
            false => std::cmp::Ordering::Equal,
        })
    });
    candidates
}

/// Screen every GroupContextExtensions proposal that came on the wire with
/// U8 (and U1 when the dictionary may change): on Receive a violation
/// rejects the commit; on Send a by-reference one is dropped and a by-value
/// one fails commit building.
pub fn screen_group_context_extensions(
    direction: CommitDirection,
    context: &GroupContext,
    bundle: &mut ProposalBundle,
) -> Result<(), AppDataError> {
    bundle.retain_by_type::<ExtensionList, _, _>(|p| {
        if p.source == ProposalSource::Local {
            return Ok(true);
        }
        match u8_gce_leaves_dictionary(&context.extensions, &p.proposal) {
            Ok(()) => Ok(true),
            Err(error) => on_violation(direction, &p.source, error).map(|()| false),
        }
    })
}

/// On Send, the committer's own by-value GroupContextExtensions proposal
/// cannot share the commit with AppDataUpdates on mls-rs (it applies
/// exactly what it sends, so the dictionary change would have to travel
/// inside the GroupContextExtensions proposal, and receivers would apply
/// it twice). Its own by-value AppDataUpdates then fail commit building;
/// by-reference ones are dropped, and the committer's proposal wins.
pub fn by_value_gce_wins(
    direction: CommitDirection,
    bundle: &ProposalBundle,
    candidates: Vec<Candidate>,
) -> Result<Vec<Candidate>, AppDataError> {
    let own_gce = bundle
        .group_context_ext_proposals()
        .iter()
        .any(|p| p.source == ProposalSource::ByValue);
    if direction == CommitDirection::Receive || !own_gce || candidates.is_empty() {
        return Ok(candidates);
    }
    if candidates.iter().any(|c| !c.by_reference()) {
        return Err(AppDataError::ByValueGroupContextExtensionsWithUpdates);
    }
    Ok(Vec::new())
}

/// Replace the AppDataUpdates of the bundle by `survivors`, in that order
/// (Send: what the committer keeps goes on the wire in canonical order).
pub fn rewrite_app_data_updates(bundle: &mut ProposalBundle, survivors: &[Candidate]) {
    let _ = bundle.retain_custom(|p| Ok::<_, AppDataError>(!is_app_data_update(&p.proposal)));
    for c in survivors {
        bundle.add(
            Proposal::Custom(c.proposal.clone()),
            c.sender,
            c.source.clone(),
        );
    }
}
