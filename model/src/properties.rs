//! Properties, named after the guarantee they check.
//!
//! `always` properties read the state, or a ghost bit that `Ghost::audit`
//! (in `state.rs`) sets at the moment an honest member applies a commit (a
//! history variable, as in TLA+). `sometimes` properties are non-vacuity
//! witnesses.

use crate::config::{AppSyncConfig, DeliveryPolicy};
use crate::model::AppSyncModel;
use crate::semantics::{GcePolicy, Proposal, Reason, Sender, UnknownIdPolicy};
use crate::state::{Ghost, Message, Outcome, State};
use stateright::Property;

pub const AGREEMENT: &str = "agreement";
pub const NO_FORK: &str = "no fork";
pub const NO_INVALID_LIST_APPLIED: &str = "no invalid proposal list applied";
pub const FORGED_COMMITS_REJECTED: &str = "forged commits rejected";
pub const AUTHENTICITY: &str = "authenticity";
pub const COMMITTED_APP_SYNC_VISIBLE: &str = "committed AppSync visible";
pub const CONVERGENCE: &str = "convergence";
pub const ONLY_APP_SYNC_WRITES: &str = "only AppSync writes application_states";
pub const KNOWN_IDS_ONLY: &str = "known application ids only";
pub const NO_LOST_UPDATE: &str = "no lost update";

pub const TWO_APP_SYNCS_APPLIED: &str = "commit with two AppSyncs applied by all";
pub const EXTERNAL_APP_SYNC_APPLIED: &str = "external AppSync applied";
pub const FORGED_GCE_REJECTED: &str = "forged AppSync+GCE rejected";
pub const FORGED_DUPLICATE_REJECTED: &str = "forged duplicate id rejected";
pub const FORGED_UNKNOWN_REJECTED: &str = "forged unknown id rejected";
pub const FORGED_ILL_FORMED_REJECTED: &str = "forged ill-formed application_states rejected";
pub const FORGED_MISMATCH_REJECTED: &str = "forged state mismatch rejected";
pub const FORGED_UNDECODABLE_REJECTED: &str = "forged undecodable AppSync rejected";
pub const NON_MEMBER_REJECTED: &str = "non-member proposal rejected";
pub const EXTERNAL_COMMIT_REJECTED: &str = "external commit with AppSync rejected";
pub const CONCURRENT_COMMITS_ONE_WINS: &str = "concurrent commits, one wins";
pub const OWN_OTHER_VALUE_REPLACED: &str = "writer replaces its own other value";
/// Only checked when `by_value_unknown_ids` is on (see [`claims`]).
pub const LIST_ORDER_NOT_ID_ORDER: &str = "list order differs from id order";

type M = AppSyncModel;

/// A property, with the outcome this project expects of it where the usual
/// verdict (a counterexample to an `always` property fails, a `sometimes`
/// witness not found fails) does not apply.
pub struct Claim {
    /// The property; its `expectation` says `always` or `sometimes`.
    pub property: Property<M>,
    /// Why, on a configuration, the outcome that would otherwise fail is
    /// expected: a counterexample that is a known finding about the draft,
    /// or a witness the configuration cannot reach (the actor it needs is
    /// off). `None`: that outcome is a failure.
    pub excuse: fn(&AppSyncConfig) -> Option<&'static str>,
}

impl Claim {
    /// A property whose failing outcome is never expected.
    fn plain(property: Property<M>) -> Self {
        Self {
            property,
            excuse: |_| None,
        }
    }

    /// A witness of the adversary's forgeries, out of reach without one.
    fn of_forgery(property: Property<M>) -> Self {
        Self {
            property,
            excuse: needs_adversary,
        }
    }
}

/// `what`, unless `present`: the excuse of a witness whose actor may be off.
fn needs(present: bool, what: &'static str) -> Option<&'static str> {
    (!present).then_some(what)
}

/// The excuse of agreement, no fork and convergence without an ordering
/// delivery service: RFC 9420 leaves ordering commits to the delivery
/// service, and AppSync inherits that.
fn forks(cfg: &AppSyncConfig) -> Option<&'static str> {
    (cfg.delivery == DeliveryPolicy::Unordered).then_some(
        "without a delivery service that orders commits, two commits of one epoch reach \
         members in different orders and the group forks (RFC 9420 leaves ordering to the DS)",
    )
}

fn needs_adversary(cfg: &AppSyncConfig) -> Option<&'static str> {
    needs(cfg.forgeries > 0, "needs an adversary")
}

/// Every claim of the model: the `always` properties, then the `sometimes`
/// witnesses.
pub fn all() -> Vec<Claim> {
    vec![
        Claim {
            property: Property::always(AGREEMENT, agreement),
            excuse: forks,
        },
        Claim {
            property: Property::always(NO_FORK, no_fork),
            excuse: forks,
        },
        Claim::plain(Property::always(
            NO_INVALID_LIST_APPLIED,
            |_: &M, s: &State| !s.ghost.has(Ghost::INVALID_LIST_APPLIED),
        )),
        Claim::plain(Property::always(
            FORGED_COMMITS_REJECTED,
            |_: &M, s: &State| !s.ghost.has(Ghost::FORGED_COMMIT_APPLIED),
        )),
        Claim::plain(Property::always(AUTHENTICITY, |_: &M, s: &State| {
            !s.ghost.has(Ghost::UNAUTHENTIC_VALUE)
        })),
        Claim::plain(Property::always(
            COMMITTED_APP_SYNC_VISIBLE,
            |_: &M, s: &State| !s.ghost.has(Ghost::COMMITTED_APP_SYNC_INVISIBLE),
        )),
        Claim {
            property: Property::always(CONVERGENCE, convergence),
            excuse: forks,
        },
        Claim {
            property: Property::always(ONLY_APP_SYNC_WRITES, |_: &M, s: &State| {
                !s.ghost.has(Ghost::WRITE_WITHOUT_APP_SYNC)
            }),
            excuse: |cfg| {
                (cfg.gce == GcePolicy::MayRewrite && cfg.gce_proposals).then_some(
                    "the draft forbids GCE only next to AppSync: a GCE in a later commit \
                     rewrites application_states",
                )
            },
        },
        Claim {
            property: Property::always(KNOWN_IDS_ONLY, known_ids_only),
            excuse: |cfg| {
                (cfg.unknown_id == UnknownIdPolicy::Create)
                    .then_some("under the 'create' reading an AppSync for an unknown id creates it")
            },
        },
        Claim {
            property: Property::always(NO_LOST_UPDATE, |_: &M, s: &State| lost_update(s).is_none()),
            excuse: |_| {
                Some(
                    "whole-blob replacement has no compare-and-swap: a later commit overwrites \
                     an update its proposer never saw",
                )
            },
        },
        Claim {
            property: Property::sometimes(TWO_APP_SYNCS_APPLIED, two_app_syncs_applied_by_all),
            excuse: |cfg| {
                needs(
                    cfg.application_ids >= 2 || cfg.unknown_id == UnknownIdPolicy::Create,
                    "needs two ids an AppSync may name (R5: one AppSync per id)",
                )
            },
        },
        Claim {
            property: Property::sometimes(EXTERNAL_APP_SYNC_APPLIED, |_: &M, s: &State| {
                s.members
                    .iter()
                    .any(|m| matches!(m.last, Outcome::AcceptedCommit { external: true, .. }))
            }),
            excuse: |cfg| needs(cfg.external_proposals > 0, "needs an external sender"),
        },
        Claim::of_forgery(Property::sometimes(
            FORGED_GCE_REJECTED,
            |_: &M, s: &State| rejected(s, Reason::AppSyncWithGce),
        )),
        Claim::of_forgery(Property::sometimes(
            FORGED_DUPLICATE_REJECTED,
            |_: &M, s: &State| rejected(s, Reason::DuplicateApplicationId),
        )),
        Claim {
            property: Property::sometimes(FORGED_UNKNOWN_REJECTED, |_: &M, s: &State| {
                rejected(s, Reason::UnknownApplicationId)
            }),
            excuse: |cfg| {
                needs_adversary(cfg).or(needs(
                    cfg.unknown_id == UnknownIdPolicy::Reject,
                    "needs the 'reject' reading of unknown ids",
                ))
            },
        },
        Claim::of_forgery(Property::sometimes(
            FORGED_MISMATCH_REJECTED,
            |_: &M, s: &State| rejected(s, Reason::StateMismatch),
        )),
        Claim {
            property: Property::sometimes(FORGED_UNDECODABLE_REJECTED, |_: &M, s: &State| {
                rejected(s, Reason::MalformedAppSync)
            }),
            excuse: |cfg| {
                needs_adversary(cfg).or(needs(
                    cfg.undecodable_app_syncs,
                    "needs the adversary's undecodable AppSyncs",
                ))
            },
        },
        Claim::of_forgery(Property::sometimes(
            FORGED_ILL_FORMED_REJECTED,
            |_: &M, s: &State| rejected(s, Reason::InvalidApplicationStates),
        )),
        Claim {
            property: Property::sometimes(NON_MEMBER_REJECTED, |_: &M, s: &State| {
                rejected(s, Reason::AuthenticationFailure)
            }),
            excuse: |cfg| {
                needs(cfg.injections > 0, "needs a non-member injector").or(needs(
                    cfg.delivery != DeliveryPolicy::Unordered,
                    "a fork's authentication failures would stand in for it",
                ))
            },
        },
        Claim {
            property: Property::sometimes(EXTERNAL_COMMIT_REJECTED, |_: &M, s: &State| {
                rejected(s, Reason::UnauthorizedSender)
            }),
            excuse: |cfg| {
                needs(
                    cfg.external_commits > 0,
                    "needs a non-member's external commit",
                )
            },
        },
        Claim {
            property: Property::sometimes(CONCURRENT_COMMITS_ONE_WINS, concurrent_commits_one_wins),
            excuse: |cfg| {
                needs(
                    cfg.delivery == DeliveryPolicy::Relay,
                    "needs the relay delivery service (the sequencer refuses the second commit)",
                )
            },
        },
        Claim {
            property: Property::sometimes(OWN_OTHER_VALUE_REPLACED, |_: &M, s: &State| {
                s.ghost.has(Ghost::OWN_OTHER_VALUE_REPLACED)
            }),
            excuse: |cfg| needs(cfg.values_per_writer == 2, "needs two values per writer"),
        },
        Claim {
            property: Property::sometimes(LIST_ORDER_NOT_ID_ORDER, |_: &M, s: &State| {
                list_order_not_id_order(s)
            }),
            excuse: |cfg| {
                needs(
                    cfg.unknown_id == UnknownIdPolicy::Create
                        && (cfg.by_value_unknown_ids || cfg.propose_unknown_id),
                    "needs the 'create' reading with unknown ids proposed",
                )
            },
        },
    ]
}

/// The claims checked on `cfg`: [`all`], but the witness
/// [`LIST_ORDER_NOT_ID_ORDER`] only when `cfg.by_value_unknown_ids` is on (the
/// only configurations where it is reachable in one epoch; elsewhere it would
/// be reported missing, and cost a test of every state).
pub fn claims(cfg: &AppSyncConfig) -> Vec<Claim> {
    all()
        .into_iter()
        .filter(|c| cfg.by_value_unknown_ids || c.property.name != LIST_ORDER_NOT_ID_ORDER)
        .collect()
}

/// The properties of a model built from `cfg` (those of [`claims`]).
pub fn for_config(cfg: &AppSyncConfig) -> Vec<Property<M>> {
    claims(cfg).into_iter().map(|c| c.property).collect()
}

/// Some member's `application_states` list is not in `application_id` order
/// (two entries were created, the higher id first).
pub fn list_order_not_id_order(s: &State) -> bool {
    s.members
        .iter()
        .any(|m| !m.application_states.in_id_order())
}

/// Members in the same epoch hold the same `application_states` (membership is
/// static, so it agrees trivially). R9: else they would derive different keys.
fn agreement(_: &M, s: &State) -> bool {
    s.members.iter().all(|a| {
        s.members
            .iter()
            .all(|b| a.epoch != b.epoch || a.application_states == b.application_states)
    })
}

/// Members in one epoch hold the same keys: they applied the same commits.
/// The model names a member's keys by its epoch and the id of the last commit
/// it applied (its branch); two branches in one epoch are a fork, which MLS
/// itself cannot heal (the two sides cannot read each other's messages).
fn no_fork(_: &M, s: &State) -> bool {
    s.members.iter().all(|a| {
        s.members
            .iter()
            .all(|b| a.epoch != b.epoch || a.branch == b.branch)
    })
}

/// Quiescent (nothing left in the DS log) implies everyone is in the same epoch
/// with the same state. Stands in for an `eventually`, which stateright checks
/// unsoundly on cycles and truncated paths.
fn convergence(_: &M, s: &State) -> bool {
    let first = &s.members[0];
    !s.is_quiescent()
        || s.members
            .iter()
            .all(|m| m.epoch == first.epoch && m.application_states == first.application_states)
}

/// Only ids `1..=K` ever have an entry (fails by design under the "create"
/// reading of an unknown id).
fn known_ids_only(model: &M, s: &State) -> bool {
    let k = model.cfg.application_ids;
    s.members.iter().all(|m| {
        m.application_states
            .entries()
            .all(|e| e.application_id <= k)
    })
}

fn rejected(s: &State, reason: Reason) -> bool {
    s.members
        .iter()
        .any(|m| m.last == Outcome::Rejected(reason))
}

fn two_app_syncs_applied_by_all(_: &M, s: &State) -> bool {
    let first = &s.members[0];
    s.members.iter().all(|m| {
        m.epoch == first.epoch && matches!(m.last, Outcome::AcceptedCommit { app_syncs: 2.., .. })
    })
}

/// Two honest commits for one epoch are in the DS log and one of them already
/// moved a member past that epoch.
fn concurrent_commits_one_wins(_: &M, s: &State) -> bool {
    let honest = |m: &Message| match m {
        Message::Commit(c) if c.forgery.is_none() && !c.outsider => Some(c.epoch),
        _ => None,
    };
    s.log.iter().enumerate().any(|(i, a)| {
        let Some(e) = honest(a) else { return false };
        s.log[i + 1..].iter().any(|b| honest(b) == Some(e)) && s.members.iter().any(|m| m.epoch > e)
    })
}

/// A lost update, if the state shows one: the commit that wins its epoch (first
/// honest commit for it in the DS order, its committer still pending) carries
/// a member's AppSync whose `new_state` was chosen from a value that has since
/// been overwritten, and it overwrites that newer value. Its proposer never saw
/// the update it clobbers: whole-blob replacement has no compare-and-swap.
///
/// Returns the committer and the offending AppSync's proposer.
pub fn lost_update(s: &State) -> Option<(u8, u8)> {
    for (pos, msg) in s.log.iter().enumerate() {
        let Message::Commit(c) = msg else { continue };
        let earlier = s.log[..pos]
            .iter()
            .any(|m| matches!(m, Message::Commit(d) if d.epoch == c.epoch && d.forgery.is_none() && !d.outsider));
        let Some(committer) = s.members.get(c.committer as usize) else {
            continue;
        };
        if c.forgery.is_some() || earlier || !committer.pending || committer.epoch != c.epoch {
            continue;
        }
        for item in c.by_reference.iter() {
            let (Sender::Member(p), Proposal::AppSync(a)) = (item.sender, item.proposal) else {
                continue;
            };
            // The proposer must still be in the commit's epoch: once it applies
            // the commit its intent is done and a new one may look the same.
            let proposer = &s.members[p as usize];
            let Some(intent) = proposer.intent.filter(|_| proposer.epoch == c.epoch) else {
                continue;
            };
            let now = committer.application_states.get(a.application_id);
            if intent.app_sync == a && intent.read != now && Some(a.new_state) != now {
                return Some((c.committer, p));
            }
        }
    }
    None
}
