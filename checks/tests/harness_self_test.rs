//! The harness is only trusted once it has caught seeded faults. Each test
//! makes every honest member's rules wrong in one rule (the `fault-injection`
//! feature of mls-appsync, enabled only for this crate's tests) and asserts
//! that exhaustive conformance reports a divergence, and names the step.
use std::sync::Arc;

use appsync_checks::conformance::view::{self, Difference};
use appsync_checks::conformance::world::Observed;
use appsync_checks::conformance::{
    ConformanceError, RealWorld, RulesFactory, exhaustive, honest_rules,
};
use appsync_model::{Action, AppSyncConfig};
use mls_appsync::fault::Fault;
use mls_appsync::{AppSyncRules, RejectionReason};

fn faulty(fault: Fault) -> RulesFactory {
    Arc::new(move |_, policy| {
        AppSyncRules::new()
            .with_unknown_id_policy(policy)
            .with_fault(fault)
    })
}

/// Runs conformance with `fault` in every honest member and returns the
/// diverging path.
fn caught(cfg: AppSyncConfig, fault: Fault) -> Vec<Action> {
    caught_with(cfg, faulty(fault), |_| true)
}

/// Runs conformance with `rules`, asserts that it diverges with a
/// difference `expected` accepts, and returns the diverging path.
fn caught_with(
    cfg: AppSyncConfig,
    rules: RulesFactory,
    expected: impl Fn(&Difference) -> bool,
) -> Vec<Action> {
    match exhaustive::run(&cfg, &rules, |_| {}) {
        Err(ConformanceError::Divergence(d)) => {
            eprintln!("caught:\n{d}");
            assert!(expected(&d.difference), "{d}");
            d.path
        }
        Err(other) => panic!("harness error {other}"),
        Ok(report) => panic!("not caught after {report:?}"),
    }
}

/// The configuration with the adversary and the non-member.
fn hostile() -> AppSyncConfig {
    AppSyncConfig::adversarial()
}

fn has_forgery(path: &[Action]) -> bool {
    path.iter().any(|a| matches!(a, Action::Forge { .. }))
}

#[test]
fn accept_app_sync_with_gce_is_caught() {
    let path = caught(hostile(), Fault::AcceptAppSyncWithGce);
    assert!(
        path.iter().any(|a| a.to_string().contains("gce")),
        "{path:?}"
    );
}

/// The hostile configuration without the by-value lists the committer must
/// refuse: a fault in the receiving rules can then only be seen on receipt.
fn hostile_receivers_only() -> AppSyncConfig {
    AppSyncConfig {
        by_value_refusals: false,
        ..hostile()
    }
}

fn is_refusable_commit(path: &[Action]) -> bool {
    matches!(path, [Action::Commit { .. }])
}

#[test]
fn accept_duplicate_ids_is_caught_at_the_committer() {
    // The model offers the committer `[app1=1,app1=1]`; R4 says refuse.
    let path = caught(hostile(), Fault::AcceptDuplicateIds);
    assert!(is_refusable_commit(&path), "{path:?}");
}

#[test]
fn accept_duplicate_ids_is_caught_at_the_receiver() {
    // Without refusable lists, only the adversary's forgery can show it.
    let path = caught(hostile_receivers_only(), Fault::AcceptDuplicateIds);
    assert!(has_forgery(&path), "{path:?}");
}

#[test]
fn accept_unknown_id_is_caught_at_the_committer() {
    let path = caught(hostile(), Fault::AcceptUnknownId);
    assert!(is_refusable_commit(&path), "{path:?}");
}

#[test]
fn accept_unknown_id_is_caught_at_the_receiver() {
    let path = caught(hostile_receivers_only(), Fault::AcceptUnknownId);
    assert!(has_forgery(&path), "{path:?}");
}

#[test]
fn accept_unauthorized_sender_is_caught() {
    // The non-member's proposal fails its signature before any AppSync rule
    // runs; its external commit reaches R7, which must refuse it.
    let path = caught(
        appsync_model::presets::OUTSIDERS.config(),
        Fault::AcceptUnauthorizedSender,
    );
    assert!(
        path.iter()
            .any(|a| matches!(a, Action::ExternalCommit { .. })),
        "{path:?}"
    );
}

#[test]
fn skip_apply_is_caught() {
    let path = caught(AppSyncConfig::default(), Fault::SkipApply);
    assert!(path.iter().any(|a| matches!(a, Action::Commit { .. })));
}

#[test]
fn apply_in_reverse_order_is_caught() {
    // Order shows only when it changes the result: under the "create"
    // reading, two new ids in one commit are appended in application order.
    let path = caught(AppSyncConfig::create_order(), Fault::ApplyInReverseOrder);
    assert!(
        path.iter().any(|a| matches!(a, Action::Commit { .. })),
        "{path:?}"
    );
}

#[test]
fn the_correct_rules_pass_the_hostile_configuration() {
    // The same configuration without a fault conforms: the faults above are
    // caught because they are faults.
    let report = exhaustive::run(
        &hostile(),
        &appsync_checks::conformance::honest_rules(),
        |_| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.transitions > 0);
}

#[test]
fn the_correct_rules_pass_the_create_order_configuration() {
    let report = exhaustive::run(
        &AppSyncConfig::create_order(),
        &appsync_checks::conformance::honest_rules(),
        |_| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.transitions > 0);
}

#[test]
fn random_conformance_catches_a_fault_and_shrinks_the_trace() {
    let cfg = appsync_checks::conformance::random::random_config();
    let result = appsync_checks::conformance::random::run(
        &cfg,
        &faulty(Fault::SkipApply),
        16,
        30,
        60,
        Some(1),
        &|_| {},
    );
    match result {
        Err(ConformanceError::Divergence(d)) => {
            eprintln!("SkipApply caught by random traces:\n{d}");
            // Shrinking removes every step the failure does not need: a
            // commit carrying an AppSync (a member's, or the adversary's:
            // with seed 1 it is `forge(adv,mismatch)`, whose claimed state
            // a member that skips applying finds), and a delivery; far
            // fewer than the 30 steps generated.
            assert!(d.path.len() < 30, "not shrunk: {} steps", d.path.len());
            assert!(
                d.path
                    .iter()
                    .any(|a| matches!(a, Action::Commit { .. } | Action::Forge { .. }))
            );
            assert!(matches!(d.path.last(), Some(Action::Deliver { .. })));
        }
        Err(other) => panic!("harness error {other}"),
        Ok(report) => panic!("SkipApply not caught by {report:?}"),
    }
}

/// Evidence for the README's finding on R5's order: with every AppSync
/// naming an existing id and one AppSync per id, applying a commit's
/// AppSyncs in reverse order changes nothing the harness can see. Slow
/// (minutes): `cargo test --release -p appsync-checks --test harness_self_test -- --ignored`.
#[test]
#[ignore]
fn reverse_order_is_invisible_without_creation() {
    for cfg in [AppSyncConfig::default(), AppSyncConfig::adversarial()] {
        let report = exhaustive::run(&cfg, &faulty(Fault::ApplyInReverseOrder), |_| {})
            .unwrap_or_else(|e| panic!("reverse order seen: {e}"));
        eprintln!("reverse order unseen on {} transitions", report.transitions);
        assert!(report.transitions > 100_000);
    }
}

/// Member `faulty` alone runs `fault`; the others are honest.
fn faulty_in_one(fault: Fault, faulty: usize) -> RulesFactory {
    Arc::new(move |member, policy| {
        let rules = AppSyncRules::new().with_unknown_id_policy(policy);
        if member == faulty {
            rules.with_fault(fault)
        } else {
            rules
        }
    })
}

#[test]
fn a_fault_in_one_member_is_caught_by_the_others_confirmation_tag() {
    // m1 alone writes the right states in the wrong place (last in the
    // extension list): its own view is right, but its commit's GroupContext
    // differs from the one m0 computes, so m0 rejects the commit (invalid
    // confirmation tag) where the model accepts it.
    let path = caught_with(
        AppSyncConfig::default(),
        faulty_in_one(Fault::MoveStatesToEnd, 1),
        |d| matches!(d, Difference::View { member: 0, .. }),
    );
    assert!(
        path.iter().any(|a| a.to_string().starts_with("commit(m1")),
        "{path:?}"
    );
}

#[test]
fn the_authenticator_cross_check_reports_one_member_with_other_keys() {
    // A member whose view is right but whose keys are not: m1 is taken from
    // a second world built the same way (same epoch, states and roster,
    // other secrets). No rule fault can do this alone, since the confirmation
    // tag turns every GroupContext disagreement into a rejection first (see
    // above); the check is the harness's second line, and it must fire.
    let cfg = AppSyncConfig::default();
    let model = cfg.clone().into_model();
    let state = model.initial_state();
    let mut world = RealWorld::new(&cfg, &honest_rules()).expect("world");
    assert!(view::compare(&model, &state, &world).is_ok());
    let other = RealWorld::new(&cfg, &honest_rules()).expect("world");
    world.members[1] = other.members[1].clone();
    assert_eq!(
        view::real_view(&world, 1),
        view::model_view(&model, &state, 1)
    );
    assert!(
        matches!(
            view::compare(&model, &state, &world),
            Err(Difference::Authenticator {
                members: (0, 1),
                epoch: 0,
                forked_in_model: false
            })
        ),
        "{:?}",
        view::compare(&model, &state, &world)
    );
}

// Realistic faults: each a few characters away from the correct rules (see
// `mls_appsync::fault::Fault` for the bug each imitates). Every test runs a
// main-job preset that reaches the fault's situation (not shown to be the
// smallest) and asserts the kind of path that shows it.

fn preset(name: &str) -> AppSyncConfig {
    appsync_model::presets::find(name)
        .unwrap_or_else(|| panic!("no preset {name}"))
        .config()
}

fn steps(path: &[Action]) -> Vec<String> {
    path.iter().map(|a| a.to_string()).collect()
}

/// The application ids proposed by reference along `path`, in order.
fn proposed_ids(path: &[Action]) -> Vec<u8> {
    path.iter()
        .filter_map(|a| match a {
            Action::Propose { app_sync, .. } | Action::External { app_sync } => {
                Some(app_sync.application_id)
            }
            _ => None,
        })
        .collect()
}

fn last_is_delivery(path: &[Action]) -> bool {
    matches!(path.last(), Some(Action::Deliver { .. }))
}

#[test]
fn send_skips_duplicate_check_is_caught() {
    // Commits go by reference only in `default`: the committer sends two
    // cached AppSyncs for one id and, applying its own commit, ends with
    // the later one's value where the model keeps the first (the receivers,
    // whose check runs, would reject the commit; the committer is seen
    // first).
    let path = caught_with(
        AppSyncConfig::default(),
        faulty(Fault::SendSkipsDuplicateCheck),
        |d| matches!(d, Difference::View { .. }),
    );
    let ids = proposed_ids(&path);
    assert!(
        ids.iter()
            .any(|id| ids.iter().filter(|i| *i == id).count() > 1),
        "{:?}",
        steps(&path)
    );
    assert!(last_is_delivery(&path), "{:?}", steps(&path));
}

#[test]
fn receive_skips_duplicate_check_is_caught_by_the_forgery() {
    // Honest committers never send one id twice: only the adversary's
    // forgery reaches the receiving side.
    let path = caught(hostile(), Fault::ReceiveSkipsDuplicateCheck);
    assert!(
        path.iter().any(|a| matches!(
            a,
            Action::Forge {
                forgery: appsync_model::Forgery::DuplicateId
            }
        )),
        "{:?}",
        steps(&path)
    );
    assert!(last_is_delivery(&path), "{:?}", steps(&path));
}

#[test]
fn duplicate_check_of_adjacent_ids_only_is_caught() {
    // A cached AppSync for app1, another for app2, and the committer's own
    // for app1: sorted by sender, the two app1 are not neighbours, and both
    // go into the commit (the model keeps the committer's own only).
    let path = caught_with(
        hostile(),
        faulty(Fault::DuplicateCheckAdjacentOnly),
        |d| matches!(d, Difference::Carried { model, real, .. } if real.len() > model.len()),
    );
    assert!(proposed_ids(&path).len() >= 2, "{:?}", steps(&path));
    assert!(last_is_delivery(&path), "{:?}", steps(&path));
}

#[test]
fn gce_check_by_value_only_is_caught() {
    // Only `rule-paths` lets members propose GroupContextExtensions by
    // reference: the cached one next to an AppSync must be dropped.
    let path = caught(preset("rule-paths"), Fault::GceCheckByValueOnly);
    assert!(
        path.iter().any(|a| matches!(a, Action::ProposeGce { .. })),
        "{:?}",
        steps(&path)
    );
}

#[test]
fn unknown_id_check_of_the_first_app_sync_only_is_caught() {
    // `rule-paths` caches AppSyncs for the unknown id 3: after a cached
    // AppSync for a known id, it goes into the commit.
    let cfg = preset("rule-paths");
    let unknown = cfg.unknown_id();
    let path = caught(cfg, Fault::UnknownIdCheckFirstOnly);
    let ids = proposed_ids(&path);
    assert!(ids.contains(&unknown), "{:?}", steps(&path));
    assert!(ids.iter().any(|id| *id != unknown), "{:?}", steps(&path));
}

#[test]
fn dropping_the_last_entry_is_caught() {
    let path = caught(AppSyncConfig::default(), Fault::DropLastEntry);
    assert!(
        path.iter().any(|a| matches!(a, Action::Commit { .. })),
        "{:?}",
        steps(&path)
    );
}

#[test]
fn apply_in_id_order_is_caught() {
    // Only new ids created in one commit, out of id order, show it.
    let path = caught(AppSyncConfig::create_order(), Fault::ApplyInIdOrder);
    assert!(
        path.iter()
            .any(|a| matches!(a, Action::Commit { by_value, .. } if by_value.len() == 2)),
        "{:?}",
        steps(&path)
    );
}

#[test]
fn by_value_before_by_reference_is_caught() {
    // A cached AppSync for a new id and the committer's own for another:
    // the by-reference one is applied first and so listed first.
    let path = caught(
        AppSyncConfig::create_order(),
        Fault::ByValueBeforeByReference,
    );
    assert!(!proposed_ids(&path).is_empty(), "{:?}", steps(&path));
    assert!(
        path.iter()
            .any(|a| matches!(a, Action::Commit { by_value, .. } if !by_value.is_empty())),
        "{:?}",
        steps(&path)
    );
}

#[test]
fn states_rebuilt_in_id_order_is_caught() {
    let path = caught(AppSyncConfig::create_order(), Fault::StatesRebuiltInIdOrder);
    assert!(
        path.iter()
            .any(|a| matches!(a, Action::Commit { by_value, .. } if by_value.len() == 2)),
        "{:?}",
        steps(&path)
    );
}

#[test]
fn external_senders_first_is_caught() {
    // Only `default` (and `sequencer`) have the external sender.
    let path = caught(AppSyncConfig::default(), Fault::ExternalSendersFirst);
    assert!(
        path.iter().any(|a| matches!(a, Action::External { .. })),
        "{:?}",
        steps(&path)
    );
    assert!(
        path.iter().any(|a| matches!(a, Action::Propose { .. })),
        "{:?}",
        steps(&path)
    );
}

#[test]
fn last_by_reference_wins_is_caught() {
    let path = caught(AppSyncConfig::default(), Fault::LastByReferenceWins);
    let ids = proposed_ids(&path);
    assert!(
        ids.iter()
            .any(|id| ids.iter().filter(|i| *i == id).count() > 1),
        "{:?}",
        steps(&path)
    );
}

#[test]
fn cached_wins_over_by_value_is_caught() {
    // `outsiders` commits one AppSync by value and offers no list the
    // committer must refuse: only the cached-against-own choice shows it.
    let path = caught(preset("outsiders"), Fault::CachedWinsOverByValue);
    let own = path.iter().find_map(|a| match a {
        Action::Commit { by_value, .. } => by_value.iter().next(),
        _ => None,
    });
    let own = own.unwrap_or_else(|| panic!("no by-value AppSync: {:?}", steps(&path)));
    assert!(
        proposed_ids(&path).contains(&own.application_id),
        "{:?}",
        steps(&path)
    );
}

#[test]
fn send_ignoring_the_unknown_id_policy_is_caught_at_the_committer() {
    // The committer refuses a commit creating an id that the model builds.
    let path = caught(
        AppSyncConfig::create_order(),
        Fault::SendIgnoresUnknownIdPolicy,
    );
    assert!(
        matches!(path.last(), Some(Action::Commit { .. })),
        "{:?}",
        steps(&path)
    );
}

#[test]
fn gce_screened_only_with_app_sync_is_caught() {
    // Only the adversary sends a GroupContextExtensions proposal with an
    // ill-formed `application_states`, alone in its commit.
    let path = caught(hostile(), Fault::GceScreenedOnlyWithAppSync);
    assert!(
        path.iter().any(|a| matches!(
            a,
            Action::Forge {
                forgery: appsync_model::Forgery::UndecodableStates
                    | appsync_model::Forgery::RepeatedIdStates
            }
        )),
        "{:?}",
        steps(&path)
    );
}

#[test]
fn receive_drops_invalid_by_reference_is_caught() {
    // A receiver that judges an incoming commit as if building it drops a
    // by-reference proposal that breaks a rule instead of rejecting the
    // commit. No honest committer sends one (it drops it itself): only the
    // adversary's forgery in `by-reference` commits a cached AppSync for an
    // id without an entry, next to its own AppSync by value. The faulty
    // receiver drops the cached one, applies the other, finds the claimed
    // state and accepts; the model rejects (R3).
    let path = caught_with(
        preset("by-reference"),
        faulty(Fault::ReceiveDropsInvalidByReference),
        |d| {
            matches!(d, Difference::View { model, real, .. }
                if real.last == Observed::Accepted
                    && model.last == Observed::Rejected(RejectionReason::UnknownApplicationId))
        },
    );
    let forge = path.iter().rposition(|a| {
        matches!(
            a,
            Action::Forge {
                forgery: appsync_model::Forgery::UnknownIdByReference
            }
        )
    });
    let forge = forge.unwrap_or_else(|| panic!("no by-reference forgery: {:?}", steps(&path)));
    // Nothing but deliveries after the forgery: the step that shows it is
    // a receiver processing the forged commit.
    assert!(
        path[forge + 1..]
            .iter()
            .all(|a| matches!(a, Action::Deliver { .. } | Action::DeliverAt { .. })),
        "{:?}",
        steps(&path)
    );
    assert!(last_is_delivery(&path), "{:?}", steps(&path));
}

#[test]
fn receive_skips_malformed_app_sync_is_caught() {
    // A receiver that skips an AppSync whose bytes do not decode, instead
    // of rejecting the commit (R2), applies the forgery's valid AppSync
    // (`app1=8`), finds the state the adversary claims and accepts; the
    // model rejects (MalformedAppSync). Only the adversary sends such
    // bytes: its forgeries in `by-reference`.
    let path = caught_with(
        preset("by-reference"),
        faulty(Fault::ReceiveSkipsMalformedAppSync),
        |d| {
            matches!(d, Difference::View { model, real, .. }
                if real.last == Observed::Accepted
                    && real.application_states == [(1, Some(8))]
                    && model.last == Observed::Rejected(RejectionReason::MalformedAppSync))
        },
    );
    let forge = path.iter().rposition(|a| {
        matches!(
            a,
            Action::Forge {
                forgery: appsync_model::Forgery::UndecodableAppSync(_)
            }
        )
    });
    let forge = forge.unwrap_or_else(|| panic!("no undecodable AppSync: {:?}", steps(&path)));
    assert!(
        path[forge + 1..]
            .iter()
            .all(|a| matches!(a, Action::Deliver { .. })),
        "{:?}",
        steps(&path)
    );
    assert!(last_is_delivery(&path), "{:?}", steps(&path));
}

#[test]
fn the_authenticator_cross_check_includes_the_adversary() {
    // The adversary is a real member: at the start it holds the honest
    // members' keys. Replace both honest members by their twins from a
    // second world: they agree with each other, and only the adversary,
    // still in the first group, can show that they hold other keys.
    let cfg = AppSyncConfig::adversarial();
    let model = cfg.clone().into_model();
    let state = model.initial_state();
    let mut world = RealWorld::new(&cfg, &honest_rules()).expect("world");
    let own = mls_appsync::AppSyncGroupExt::epoch_authenticator_bytes(&world.members[0]).ok();
    assert_eq!(world.adversary_keys(), Some((0, own)));
    let other = RealWorld::new(&cfg, &honest_rules()).expect("world");
    world.members[0] = other.members[0].clone();
    world.members[1] = other.members[1].clone();
    let adversary = world.members.len();
    assert!(
        matches!(
            view::compare(&model, &state, &world),
            Err(Difference::Authenticator { members: (0, a), epoch: 0, forked_in_model: false }) if a == adversary
        ),
        "{:?}",
        view::compare(&model, &state, &world)
    );
}
