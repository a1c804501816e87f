//! The successor model's properties, named after the guarantee. `always`
//! properties read the members' state or a ghost the audit sets
//! (`audit.rs`, which judges lists without the rule functions); provenance
//! reads the log. `sometimes` properties are witnesses that the
//! interesting steps happen at all.

use stateright::Property;

use super::config::AduConfig;
use super::model::{AduModel, State};
use super::types::ComponentKind;
use super::types::{GCE_DATA, Message, Operation, Origin, Proposal, Sender};

pub const AGREEMENT: &str = "agreement";
pub const VALIDITY: &str = "validity";
pub const AUTHENTICITY: &str = "authenticity";
pub const NO_LOST_UPDATE: &str = "no lost update";
pub const SORTED_AND_UNIQUE: &str = "dictionary sorted and unique";

pub const ENTRY_CREATED: &str = "entry created";
pub const ENTRY_REMOVED: &str = "entry removed";
pub const SEVERAL_UPDATES: &str = "several updates for one id in one commit";
pub const CAS_REFUSAL: &str = "cas refusal";
pub const EXTERNAL_SENDER_APPLIED: &str = "external sender's update applied";
pub const EXTERNAL_COMMIT_APPLIED: &str = "external commit's update applied";
pub const GCE_WITH_UPDATES: &str = "GroupContextExtensions and AppDataUpdate in one commit";
pub const GCE_REWRITE_DROPPED: &str = "dictionary-rewriting GroupContextExtensions dropped";
pub const GCE_REWRITE_APPLIED: &str = "dictionary-rewriting GroupContextExtensions applied";

/// The `always` properties.
pub const ALWAYS: [&str; 5] = [
    AGREEMENT,
    VALIDITY,
    AUTHENTICITY,
    NO_LOST_UPDATE,
    SORTED_AND_UNIQUE,
];

/// The `sometimes` witnesses.
pub const SOMETIMES: [&str; 9] = [
    ENTRY_CREATED,
    ENTRY_REMOVED,
    SEVERAL_UPDATES,
    CAS_REFUSAL,
    EXTERNAL_SENDER_APPLIED,
    EXTERNAL_COMMIT_APPLIED,
    GCE_WITH_UPDATES,
    GCE_REWRITE_DROPPED,
    GCE_REWRITE_APPLIED,
];

/// Why a violation of `always` property `property` on `cfg` is a known
/// finding about the draft rather than a failure of the check; `None`: a
/// violation is a failure.
pub fn finding(cfg: &AduConfig, property: &str) -> Option<&'static str> {
    if property != NO_LOST_UPDATE {
        return None;
    }
    if cfg.component == ComponentKind::Replace {
        return Some(
            "several updates per id are valid in one commit and a replace component \
             applies them in order: the later overwrites the earlier, unseen",
        );
    }
    (cfg.retry && cfg.removes).then_some(
        "a remove goes to no component logic, so a cas component cannot refuse a stale \
         remove",
    )
}

/// Members in one epoch hold the same dictionary (MLS enforces this
/// through the key schedule, which the model does not have: the property
/// checks the rules, not the keys).
fn agreement(_: &AduModel, s: &State) -> bool {
    s.members.iter().all(|a| {
        s.members
            .iter()
            .filter(|b| b.epoch == a.epoch)
            .all(|b| b.dictionary.plain() == a.dictionary.plain())
    })
}

/// The data a proposal at `origin` writes into `id` (`None`: it writes
/// nothing there), read from the log.
fn written(s: &State, origin: Origin, id: u8) -> Option<(Sender, Option<u8>, bool)> {
    let Origin::Item { at, index } = origin else {
        return None;
    };
    let of_update = |sender: Sender, u: &super::types::AppDataUpdate| match u.op {
        Operation::Update(update) if u.component_id == id => {
            Some((sender, Some(update.new_data()), false))
        }
        _ => None,
    };
    match s.log.get(at as usize)? {
        Message::Proposal {
            sender,
            proposal: Proposal::AppDataUpdate(u),
            ..
        } => of_update(*sender, u),
        Message::Proposal {
            sender,
            proposal: Proposal::Gce { rewrite: true },
            ..
        } => (id == 1).then_some((*sender, Some(GCE_DATA), true)),
        Message::Proposal { .. } => None,
        Message::Commit {
            committer,
            by_value,
            ..
        } => of_update(*committer, by_value.get(index as usize)?),
    }
}

/// Every entry's data was written by a proposal that was committed (by a
/// commit an honest member applied), from an authorized sender, and says
/// what that proposal wrote; an entry the group was created with still
/// holds its initial data. With `app_data_update` required, no entry was
/// written by a GroupContextExtensions proposal.
fn authenticity(model: &AduModel, s: &State) -> bool {
    let cfg = &model.cfg;
    s.members.iter().all(|m| {
        m.dictionary.entries.iter().all(|e| match e.origin {
            Origin::Initial => cfg.initial.contains(&(e.component_id, e.data)),
            origin => {
                s.ghost.committed.binary_search(&origin).is_ok()
                    && match written(s, origin, e.component_id) {
                        Some((sender, data, by_gce)) => {
                            data == Some(e.data)
                                && !(by_gce && cfg.required)
                                && (sender != Sender::External || cfg.external_sender)
                        }
                        None => false,
                    }
            }
        })
    })
}

/// Every member's dictionary is sorted by id, one entry per id.
fn sorted_and_unique(_: &AduModel, s: &State) -> bool {
    s.members.iter().all(|m| {
        m.dictionary
            .entries
            .windows(2)
            .all(|w| w[0].component_id < w[1].component_id)
    })
}

/// Every property.
pub fn all() -> Vec<Property<AduModel>> {
    vec![
        Property::always(AGREEMENT, agreement),
        Property::always(VALIDITY, |_, s: &State| !s.ghost.invalid_applied),
        Property::always(AUTHENTICITY, authenticity),
        Property::always(NO_LOST_UPDATE, |_, s: &State| !s.ghost.lost_update),
        Property::always(SORTED_AND_UNIQUE, sorted_and_unique),
        Property::sometimes(ENTRY_CREATED, |_, s: &State| s.ghost.created),
        Property::sometimes(ENTRY_REMOVED, |_, s: &State| s.ghost.removed),
        Property::sometimes(SEVERAL_UPDATES, |_, s: &State| s.ghost.several_updates),
        Property::sometimes(CAS_REFUSAL, |_, s: &State| s.ghost.cas_refused),
        Property::sometimes(EXTERNAL_SENDER_APPLIED, |_, s: &State| {
            s.ghost.external_applied
        }),
        Property::sometimes(EXTERNAL_COMMIT_APPLIED, |_, s: &State| {
            s.ghost.external_commit_applied
        }),
        Property::sometimes(GCE_WITH_UPDATES, |_, s: &State| s.ghost.gce_with_updates),
        Property::sometimes(GCE_REWRITE_DROPPED, |_, s: &State| {
            s.ghost.gce_rewrite_dropped
        }),
        Property::sometimes(GCE_REWRITE_APPLIED, |_, s: &State| {
            s.ghost.gce_rewrite_applied
        }),
    ]
}
