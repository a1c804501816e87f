//! The application logic an OpenMLS application supplies for
//! AppDataUpdate, and OpenMLS helpers shared by the passive client and the
//! replay.
//!
//! OpenMLS hands the application a commit's AppDataUpdate proposals
//! (sorted by component id, removes first within an id) and takes back the
//! changes per id. What this application does is what the draft gives the
//! application, and no more: it runs the component registered for the id
//! (the vector's `replace` and `cas`, this project's [`Replace`] and
//! [`Cas`]), refuses an id without a component ("not known to the
//! application", which only the application can know), and turns a remove
//! into a removal. The MLS-level rules (one remove or only updates per id,
//! no remove of an absent entry) are OpenMLS's to check; the application
//! does not repeat them, as the examples in OpenMLS's own tests and book do
//! not.

use std::collections::BTreeMap;

use openmls::component::ComponentData;
use openmls::prelude::tls_codec::Serialize as _;
use openmls::prelude::*;
use openmls_rust_crypto::OpenMlsRustCrypto;

use mls_appsync::app_data::{Cas, Component, ComponentId, Replace};

use crate::vectors::app_data_processing::ComponentAssignment;

/// How the application treats a list its components refuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conduct {
    /// Refuse the list (a receiver, an honest committer).
    Honest,
    /// Keep what the component's updates gave up to the first refusal
    /// (nothing, for an unknown component) and go on (a forging committer,
    /// to see what a receiver does with the list).
    Forging,
}

/// Runs the components over `proposals` and records the changes in
/// `updater`; `Err` when the application refuses the list.
pub fn apply<'a>(
    components: &ComponentAssignment,
    conduct: Conduct,
    updater: &mut AppDataDictionaryUpdater<'_>,
    proposals: impl Iterator<Item = &'a AppDataUpdateProposal>,
) -> Result<(), String> {
    let mut per_id: BTreeMap<ComponentId, Vec<&AppDataUpdateOperation>> = BTreeMap::new();
    for proposal in proposals {
        per_id
            .entry(proposal.component_id())
            .or_default()
            .push(proposal.operation());
    }
    for (id, operations) in per_id {
        match (fold(components, conduct, updater, id, &operations), conduct) {
            (Ok(Some(data)), _) => updater.set(ComponentData::from_parts(id, data.into())),
            (Ok(None), _) => updater.remove(&id),
            (Err(refusal), Conduct::Honest) => return Err(refusal),
            (Err(_), Conduct::Forging) => {}
        }
    }
    Ok(())
}

/// One component's operations folded over its current data: the new data,
/// `None` for removed, or the refusal.
fn fold(
    components: &ComponentAssignment,
    conduct: Conduct,
    updater: &AppDataDictionaryUpdater<'_>,
    id: ComponentId,
    operations: &[&AppDataUpdateOperation],
) -> Result<Option<Vec<u8>>, String> {
    let component: &dyn Component = if components.replace.contains(&id) {
        &Replace
    } else if components.cas.contains(&id) {
        &Cas
    } else {
        return Err(format!("component {id} is not known to the application"));
    };
    let mut data = updater.old_value(id).map(<[u8]>::to_vec);
    for operation in operations {
        data = match operation {
            AppDataUpdateOperation::Remove => None,
            AppDataUpdateOperation::Update(update) => {
                match (component.apply(data.as_deref(), update.as_slice()), conduct) {
                    (Ok(new_data), _) => Some(new_data),
                    (Err(_), Conduct::Forging) => break,
                    (Err(refusal), Conduct::Honest) => {
                        return Err(format!("component {id} refuses: {refusal}"));
                    }
                }
            }
        };
    }
    Ok(data)
}

/// What processing a message did.
pub enum Processed {
    /// A proposal, stored for the next commit.
    Proposal,
    /// A commit, staged (not merged).
    Commit(Box<StagedCommit>),
    /// Refused (OpenMLS's error, or the application's refusal).
    Refused(String),
}

/// Processes `bytes` at `group`, with `components` as the application
/// logic for AppDataUpdate commits. Proposals are stored; commits are
/// staged and returned unmerged.
pub fn process(
    provider: &OpenMlsRustCrypto,
    group: &mut MlsGroup,
    components: &ComponentAssignment,
    bytes: &[u8],
) -> Processed {
    let message = match super::codec::decode::<MlsMessageIn>(bytes) {
        Ok(message) => message,
        Err(e) => return Processed::Refused(format!("the message does not decode: {e}")),
    };
    let Ok(message) = message.try_into_protocol_message() else {
        return Processed::Refused("not a protocol message".into());
    };
    process_protocol(provider, group, components, message)
}

/// [`process`] for a message already decoded.
pub fn process_protocol(
    provider: &OpenMlsRustCrypto,
    group: &mut MlsGroup,
    components: &ComponentAssignment,
    message: ProtocolMessage,
) -> Processed {
    let processed = match group.process_message(provider, message) {
        Ok(processed) => processed,
        Err(e) => return Processed::Refused(format!("{e}")),
    };
    match processed.into_content() {
        ProcessedMessageContent::ProposalMessage(proposal) => {
            match group.store_pending_proposal(provider.storage(), *proposal) {
                Ok(()) => Processed::Proposal,
                Err(e) => Processed::Refused(format!("storing the proposal: {e}")),
            }
        }
        ProcessedMessageContent::StagedCommitMessage(staged) => Processed::Commit(staged),
        ProcessedMessageContent::UnresolvedAppDataCommit(unresolved) => {
            let mut updater = group.app_data_dictionary_updater();
            if let Err(refusal) = apply(
                components,
                Conduct::Honest,
                &mut updater,
                unresolved.app_data_update_proposals(),
            ) {
                return Processed::Refused(format!("the application: {refusal}"));
            }
            let changes = updater.changes();
            match group.stage_app_data_commit(provider, *unresolved, changes) {
                Ok(staged) => Processed::Commit(Box::new(staged)),
                Err(e) => Processed::Refused(format!("{e}")),
            }
        }
        _ => Processed::Refused("neither a proposal nor a commit".into()),
    }
}

/// The group's `app_data_dictionary` body, `None` without the extension.
pub fn dictionary(group: &MlsGroup) -> Option<Vec<u8>> {
    group
        .extensions()
        .app_data_dictionary()
        .map(|e| e.dictionary().tls_serialize_detached().unwrap_or_default())
}

/// The group's GroupContext extension types, in order.
pub fn extension_types(group: &MlsGroup) -> Vec<u16> {
    group
        .extensions()
        .iter()
        .map(|e| u16::from(e.extension_type()))
        .collect()
}

/// `bytes` as hex, `null` for none.
pub fn show(bytes: &Option<Vec<u8>>) -> String {
    bytes.as_ref().map_or_else(|| "null".into(), hex::encode)
}
