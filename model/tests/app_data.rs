//! The successor model (`app_data`): pinned state counts per preset, the
//! verdict on every property per preset (component x setting), shortest
//! counterexamples, seeded faults that break each `always` property, and
//! the rule twins U1 to U10.

use appsync_model::Profile;
use appsync_model::app_data::config::{self, AduConfig, PRESETS};
use appsync_model::app_data::format_path;
use appsync_model::app_data::properties::*;
use appsync_model::app_data::rules::{self, Direction, Faults, Rules, Violation};
use appsync_model::app_data::types::*;
use appsync_model::shortest_discoveries;
use stateright::{Checker, Model};
use std::collections::BTreeSet;

/// Unique states and the discovered properties of `cfg` (BFS).
fn check(cfg: AduConfig) -> (usize, BTreeSet<&'static str>) {
    let checker = cfg.into_model().checker().spawn_bfs().join();
    assert!(checker.is_done());
    (
        checker.unique_state_count(),
        checker.discoveries().keys().copied().collect(),
    )
}

fn set(names: &[&'static str]) -> BTreeSet<&'static str> {
    names.iter().copied().collect()
}

fn preset(name: &str) -> AduConfig {
    config::find(name).unwrap().config()
}

/// Per preset: unique states, the `always` properties that fail, and the
/// `sometimes` witnesses reached (every other `always` holds, every other
/// witness is out of reach: its actor or setting is off, or, for `cas
/// refusal`, a `replace` component never refuses, and for several updates
/// under `cas` without updates by value, the second of two concurrent
/// updates is refused).
struct Expected {
    states: usize,
    fails: &'static [&'static str],
    reached: &'static [&'static str],
}

fn expected(name: &str) -> Expected {
    let (states, fails, reached): (usize, &[&str], &[&str]) = match name {
        "replace" => (
            32_721,
            &[NO_LOST_UPDATE],
            &[ENTRY_CREATED, ENTRY_REMOVED, SEVERAL_UPDATES],
        ),
        "cas" => (
            23_609,
            &[],
            &[ENTRY_CREATED, ENTRY_REMOVED, SEVERAL_UPDATES, CAS_REFUSAL],
        ),
        "replace-outsiders" => (
            393_757,
            &[NO_LOST_UPDATE],
            &[
                ENTRY_CREATED,
                SEVERAL_UPDATES,
                EXTERNAL_SENDER_APPLIED,
                EXTERNAL_COMMIT_APPLIED,
            ],
        ),
        "cas-outsiders" => (
            347_409,
            &[],
            &[
                ENTRY_CREATED,
                CAS_REFUSAL,
                EXTERNAL_SENDER_APPLIED,
                EXTERNAL_COMMIT_APPLIED,
            ],
        ),
        "replace-gce-required" => (
            15_447,
            &[NO_LOST_UPDATE],
            &[
                ENTRY_CREATED,
                ENTRY_REMOVED,
                SEVERAL_UPDATES,
                GCE_WITH_UPDATES,
                GCE_REWRITE_DROPPED,
            ],
        ),
        "cas-gce-required" => (
            15_327,
            &[],
            &[
                ENTRY_CREATED,
                ENTRY_REMOVED,
                CAS_REFUSAL,
                GCE_WITH_UPDATES,
                GCE_REWRITE_DROPPED,
            ],
        ),
        "replace-gce-open" => (
            19_115,
            &[NO_LOST_UPDATE],
            &[
                ENTRY_CREATED,
                ENTRY_REMOVED,
                SEVERAL_UPDATES,
                GCE_WITH_UPDATES,
                GCE_REWRITE_APPLIED,
            ],
        ),
        "cas-gce-open" => (
            18_755,
            &[],
            &[
                ENTRY_CREATED,
                ENTRY_REMOVED,
                CAS_REFUSAL,
                GCE_WITH_UPDATES,
                GCE_REWRITE_APPLIED,
            ],
        ),
        "replace-retry" => (
            925_052,
            &[NO_LOST_UPDATE],
            &[ENTRY_CREATED, ENTRY_REMOVED, SEVERAL_UPDATES],
        ),
        "cas-retry" => (
            811_402,
            &[NO_LOST_UPDATE],
            &[ENTRY_CREATED, ENTRY_REMOVED, SEVERAL_UPDATES, CAS_REFUSAL],
        ),
        _ => panic!("no expectation for {name}"),
    };
    Expected {
        states,
        fails,
        reached,
    }
}

/// Checks preset `name` against [`expected`].
fn preset_verdict(name: &str) {
    let want = expected(name);
    let (states, found) = check(preset(name));
    assert_eq!(states, want.states, "{name}: unique states");
    let fails: BTreeSet<_> = found
        .iter()
        .copied()
        .filter(|p| ALWAYS.contains(p))
        .collect();
    let reached: BTreeSet<_> = found
        .iter()
        .copied()
        .filter(|p| SOMETIMES.contains(p))
        .collect();
    assert_eq!(
        fails,
        set(want.fails),
        "{name}: always properties that fail"
    );
    assert_eq!(reached, set(want.reached), "{name}: witnesses reached");
    let findings: BTreeSet<_> = ALWAYS
        .into_iter()
        .filter(|p| finding(&preset(name), p).is_some())
        .collect();
    assert_eq!(findings, set(want.fails), "{name}: the known findings");
}

macro_rules! preset_tests {
    ($($test:ident => $name:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                preset_verdict($name);
            }
        )*
    };
}

preset_tests! {
    preset_replace => "replace",
    preset_cas => "cas",
    preset_replace_outsiders => "replace-outsiders",
    preset_cas_outsiders => "cas-outsiders",
    preset_replace_gce_required => "replace-gce-required",
    preset_cas_gce_required => "cas-gce-required",
    preset_replace_gce_open => "replace-gce-open",
    preset_cas_gce_open => "cas-gce-open",
    preset_replace_retry => "replace-retry",
    preset_cas_retry => "cas-retry",
}

#[test]
fn every_preset_has_an_expectation_and_together_they_reach_every_witness() {
    let mut reached = BTreeSet::new();
    for p in &PRESETS {
        reached.extend(expected(p.name).reached.iter().copied());
    }
    assert_eq!(reached, set(&SOMETIMES));
}

/// The lost update under `replace`: shortest paths, pinned. Two members
/// update component 1 from the same data; the committer keeps both (one
/// component, several updates, in order), and the second overwrites the
/// first without having seen it.
#[test]
fn lost_update_under_replace_shortest_paths() {
    let two_members = "propose(m0,Update(1)) deliver(m0) propose(m1,Update(1)) deliver(m0) \
                       commit(m0,Nothing) deliver(m0)";
    for (name, path) in [
        (
            "replace",
            "propose(m0,Update(1)) deliver(m0) commit(m0,TwoUpdates(1)) deliver(m0)",
        ),
        ("replace-outsiders", two_members),
        ("replace-gce-required", two_members),
        ("replace-gce-open", two_members),
        ("replace-retry", two_members),
    ] {
        let model = preset(name).into_model();
        let paths = shortest_discoveries(&model, &[NO_LOST_UPDATE], usize::MAX).paths;
        assert_eq!(format_path(&paths[NO_LOST_UPDATE]), path, "{name}");
    }
}

/// `cas` loses no update while every update reaches the component, but a
/// `remove` never does: a stale retried remove erases a concurrent update.
/// Without removes, `cas-retry` holds.
#[test]
fn lost_update_under_cas_needs_a_stale_remove() {
    let model = preset("cas-retry").into_model();
    let paths = shortest_discoveries(&model, &[NO_LOST_UPDATE], usize::MAX).paths;
    assert_eq!(
        format_path(&paths[NO_LOST_UPDATE]),
        "propose(m0,Update(1)) commit(m0,Nothing) deliver(m1) propose(m1,Remove(1)) deliver(m1) \
         deliver(m1) repropose(m1) deliver(m1) commit(m1,Nothing) deliver(m1)"
    );
    let (states, found) = check(AduConfig {
        removes: false,
        ..preset("cas-retry")
    });
    assert_eq!(states, 114_471);
    assert!(!found.contains(NO_LOST_UPDATE));
    let (_, found) = check(AduConfig {
        removes: false,
        ..preset("replace-retry")
    });
    assert!(found.contains(NO_LOST_UPDATE));
}

/// Each seeded fault, on the preset that shows it: the `always` properties
/// it violates. Every `always` property is violated by one of them.
fn faulty(name: &str, faults: Faults, faulty_member: Option<u8>) -> BTreeSet<&'static str> {
    let (_, found) = check(AduConfig {
        faults,
        faulty_member,
        ..preset(name)
    });
    found.into_iter().filter(|p| ALWAYS.contains(p)).collect()
}

#[test]
fn seeded_faults_are_caught() {
    let none = Faults::default();
    let cases: [(&str, Faults, Option<u8>, &[&str]); 6] = [
        (
            "cas",
            Faults {
                keep_dictionary: true,
                ..none
            },
            Some(1),
            &[AGREEMENT, VALIDITY],
        ),
        (
            "cas",
            Faults {
                accept_mixed_operations: true,
                ..none
            },
            None,
            &[VALIDITY, NO_LOST_UPDATE],
        ),
        (
            "cas",
            Faults {
                apply_cached: true,
                ..none
            },
            Some(1),
            &[AGREEMENT, VALIDITY, AUTHENTICITY],
        ),
        (
            "cas-gce-required",
            Faults {
                gce_may_rewrite: true,
                ..none
            },
            None,
            &[VALIDITY, AUTHENTICITY],
        ),
        (
            "cas",
            Faults {
                cas_ignores_expected: true,
                ..none
            },
            None,
            &[VALIDITY, NO_LOST_UPDATE],
        ),
        (
            "cas",
            Faults {
                append_new_entry: true,
                ..none
            },
            None,
            &[VALIDITY, SORTED_AND_UNIQUE],
        ),
    ];
    let mut caught = BTreeSet::new();
    for (name, faults, member, want) in cases {
        let got = faulty(name, faults, member);
        assert_eq!(got, set(want), "{name} with {faults:?} in {member:?}");
        caught.extend(got);
        // The same preset without the fault: nothing fails.
        assert!(faulty(name, none, None).is_empty(), "{name} without faults");
    }
    assert_eq!(caught, set(&ALWAYS));
}

#[test]
fn profiles_by_name() {
    assert_eq!(Profile::default(), Profile::AppSync);
    for p in Profile::ALL {
        assert_eq!(Profile::parse(p.name()), Some(p));
        assert!(!p.presets().is_empty());
    }
    assert_eq!(
        Profile::parse("app-data-update"),
        Some(Profile::AppDataUpdate)
    );
    assert_eq!(Profile::AppDataUpdate.presets().len(), PRESETS.len());
    assert!(Profile::AppSync.presets().contains(&"default"));
    assert_eq!(Profile::parse("x"), None);
}

#[test]
fn configs_validate() {
    for p in &PRESETS {
        assert_eq!(p.config().validate(), Ok(()), "{}", p.name);
    }
    let bad = [
        AduConfig {
            members: 4,
            ..preset("cas")
        },
        AduConfig {
            initial: vec![(2, 0), (1, 0)],
            ..preset("cas")
        },
        AduConfig {
            initial: vec![(3, 0)],
            ..preset("cas")
        },
        AduConfig {
            faulty_member: Some(2),
            ..preset("cas")
        },
    ];
    for cfg in bad {
        assert!(cfg.validate().is_err(), "{}", cfg.describe());
    }
    assert!(preset("replace").describe().contains("by value"));
    assert_eq!(preset("replace").by_value, vec![ByValue::TwoUpdates(1)]);
}

// ---- the rule twins ----

fn rules(kind: ComponentKind, required: bool) -> Rules {
    Rules {
        components: 2,
        kind,
        required,
        external_sender: true,
        faults: Faults::default(),
    }
}

fn entry(component_id: u8, data: u8) -> ComponentData {
    ComponentData {
        component_id,
        data,
        origin: Origin::Initial,
    }
}

fn dict(entries: &[(u8, u8)]) -> Dictionary {
    Dictionary {
        entries: entries.iter().map(|&(i, d)| entry(i, d)).collect(),
    }
}

fn item(at: u8, sender: Sender, by_reference: bool, u: AppDataUpdate) -> Item {
    Item {
        origin: Origin::Item { at, index: 0 },
        sender,
        by_reference,
        proposal: Proposal::AppDataUpdate(u),
    }
}

fn replace(id: u8, read: Option<u8>, new_data: u8) -> AppDataUpdate {
    appsync_model::app_data::model::make_update(ComponentKind::Replace, id, read, new_data)
}

fn cas(id: u8, read: Option<u8>, new_data: u8) -> AppDataUpdate {
    appsync_model::app_data::model::make_update(ComponentKind::Cas, id, read, new_data)
}

fn remove(id: u8, read: Option<u8>) -> AppDataUpdate {
    AppDataUpdate {
        component_id: id,
        op: Operation::Remove,
        read,
    }
}

#[test]
fn u1_u2_u3_u10() {
    assert_eq!(
        rules::u1_well_formed_dictionary(&dict(&[(1, 0), (2, 0)])),
        Ok(())
    );
    for bad in [&[(2, 0), (1, 0)][..], &[(1, 0), (1, 1)]] {
        assert_eq!(
            rules::u1_well_formed_dictionary(&dict(bad)),
            Err(Violation::InvalidDictionary)
        );
    }
    let u = Update::Replace { new_data: 1 };
    assert_eq!(
        rules::u2_decode_operation(1, Some(u)),
        Ok(Operation::Update(u))
    );
    assert_eq!(rules::u2_decode_operation(2, None), Ok(Operation::Remove));
    for (code, body) in [(0, None), (1, None), (2, Some(u)), (3, None)] {
        assert_eq!(
            rules::u2_decode_operation(code, body),
            Err(Violation::MalformedAppDataUpdate)
        );
    }
    let r = rules(ComponentKind::Cas, true);
    assert_eq!(rules::u3_known_component(&r, 2), Ok(ComponentKind::Cas));
    assert_eq!(
        rules::u3_known_component(&r, 3),
        Err(Violation::UnknownComponent(3))
    );
    for s in [Sender::Member(0), Sender::External, Sender::NewMember] {
        assert_eq!(rules::u10_authorized_sender(&r, s), Ok(()));
    }
    let closed = Rules {
        external_sender: false,
        ..r
    };
    assert_eq!(
        rules::u10_authorized_sender(&closed, Sender::External),
        Err(Violation::UnauthorizedSender(Sender::External))
    );
}

#[test]
fn u4_receive_and_send() {
    let r = rules(ComponentKind::Replace, true);
    let pair = |a: AppDataUpdate, ra: bool, b: AppDataUpdate, rb: bool| {
        vec![
            (item(0, Sender::Member(0), ra, a), a),
            (item(1, Sender::Member(1), rb, b), b),
        ]
    };
    let two_updates = pair(replace(1, None, 1), true, replace(1, None, 2), true);
    assert_eq!(
        rules::u4_one_remove_or_updates(&r, Direction::Receive, two_updates.clone()),
        Ok(two_updates)
    );
    let mixed = pair(replace(1, Some(0), 1), true, remove(1, Some(0)), true);
    assert_eq!(
        rules::u4_one_remove_or_updates(&r, Direction::Receive, mixed.clone()),
        Err(Violation::UpdateAndRemove(1))
    );
    let removes = pair(remove(1, Some(0)), true, remove(1, Some(0)), true);
    assert_eq!(
        rules::u4_one_remove_or_updates(&r, Direction::Receive, removes.clone()),
        Err(Violation::SeveralRemoves(1))
    );
    // Send: among cached proposals the first decides.
    let kept = rules::u4_one_remove_or_updates(&r, Direction::Send, mixed).unwrap();
    assert_eq!(kept.len(), 1);
    assert!(!kept[0].1.is_remove());
    let kept = rules::u4_one_remove_or_updates(&r, Direction::Send, removes).unwrap();
    assert_eq!(kept.len(), 1);
    // Send: the committer's own remove wins over a cached update.
    let own = pair(replace(1, Some(0), 1), true, remove(1, Some(0)), false);
    let kept = rules::u4_one_remove_or_updates(&r, Direction::Send, own).unwrap();
    assert_eq!(kept.len(), 1);
    assert!(kept[0].1.is_remove());
    // Send: the committer's own update and remove: refused.
    let own = pair(replace(1, Some(0), 1), false, remove(1, Some(0)), false);
    assert_eq!(
        rules::u4_one_remove_or_updates(&r, Direction::Send, own),
        Err(Violation::UpdateAndRemove(1))
    );
}

#[test]
fn u5_u6_u7() {
    assert_eq!(rules::u5_apply_remove(1, Some(3)), Ok(None));
    assert_eq!(
        rules::u5_apply_remove(1, None),
        Err(Violation::RemoveOfAbsentEntry(1))
    );
    let r = rules(ComponentKind::Cas, true);
    let swap = |expected, new_data| Update::Cas { expected, new_data };
    assert_eq!(
        rules::u6_apply_update(&r, ComponentKind::Cas, 1, Some(0), swap(Some(0), 4)),
        Ok(4)
    );
    assert_eq!(
        rules::u6_apply_update(&r, ComponentKind::Cas, 1, None, swap(None, 4)),
        Ok(4)
    );
    assert_eq!(
        rules::u6_apply_update(&r, ComponentKind::Cas, 1, Some(1), swap(Some(0), 4)),
        Err(Violation::ComponentRefused(1))
    );
    assert_eq!(
        rules::u6_apply_update(&r, ComponentKind::Cas, 1, Some(0), swap(None, 4)),
        Err(Violation::ComponentRefused(1))
    );
    assert_eq!(
        rules::u6_apply_update(
            &r,
            ComponentKind::Replace,
            1,
            Some(9),
            Update::Replace { new_data: 4 }
        ),
        Ok(4)
    );
    // An update shaped for the other component is refused.
    assert_eq!(
        rules::u6_apply_update(&r, ComponentKind::Replace, 1, None, swap(None, 4)),
        Err(Violation::ComponentRefused(1))
    );
    let mut d = dict(&[(2, 0)]);
    let o = Origin::Item { at: 3, index: 0 };
    rules::u7_inject_dictionary(&r, &mut d, 1, Some(5), o);
    assert_eq!(d.plain(), vec![(1, 5), (2, 0)]);
    assert_eq!(d.entries[0].origin, o);
    rules::u7_inject_dictionary(&r, &mut d, 2, Some(6), o);
    assert_eq!(d.plain(), vec![(1, 5), (2, 6)]);
    rules::u7_inject_dictionary(&r, &mut d, 1, None, o);
    assert_eq!(d.plain(), vec![(2, 6)]);
    let appending = Rules {
        faults: Faults {
            append_new_entry: true,
            ..Faults::default()
        },
        ..r
    };
    rules::u7_inject_dictionary(&appending, &mut d, 1, Some(5), o);
    assert_eq!(d.plain(), vec![(2, 6), (1, 5)]);
}

#[test]
fn u8_u9_and_the_composition() {
    let required = rules(ComponentKind::Cas, true);
    let open = rules(ComponentKind::Cas, false);
    assert_eq!(rules::u8_gce_leaves_dictionary(&required, false), Ok(()));
    assert_eq!(
        rules::u8_gce_leaves_dictionary(&required, true),
        Err(Violation::GceChangesDictionary)
    );
    assert_eq!(rules::u8_gce_leaves_dictionary(&open, true), Ok(()));
    let current = dict(&[(2, 0)]);
    let gce = |rewrite| Item {
        origin: Origin::Item { at: 0, index: 0 },
        sender: Sender::Member(1),
        by_reference: true,
        proposal: Proposal::Gce { rewrite },
    };
    assert_eq!(rules::u9_base_dictionary(&current, None), current);
    assert_eq!(
        rules::u9_base_dictionary(&current, Some(&gce(false))),
        current
    );
    assert_eq!(
        rules::u9_base_dictionary(&current, Some(&gce(true))).plain(),
        vec![(1, GCE_DATA)]
    );
    // Receive: a rewrite next to an update for the rewritten data applies
    // on top of it without the requirement, and is refused with it.
    let list = [
        gce(true),
        item(1, Sender::Member(0), true, cas(1, Some(GCE_DATA), 1)),
    ];
    let applied = rules::process_commit(&open, &current, &list).unwrap();
    assert_eq!(applied.dictionary.plain(), vec![(1, 1)]);
    assert_eq!(
        rules::process_commit(&required, &current, &list),
        Err(Violation::GceChangesDictionary)
    );
    // Send: the rewrite is dropped under the requirement, the update then
    // refused (computed from the rewritten data) and dropped too.
    let built = rules::build_commit(&required, &current, &list, &[]).unwrap();
    assert!(built.items.is_empty());
    assert_eq!(
        built.dropped,
        vec![
            Violation::GceChangesDictionary,
            Violation::ComponentRefused(1)
        ]
    );
    // Send: two cached cas updates from the same data: the second is
    // dropped; on Receive it rejects the commit.
    let a = item(0, Sender::Member(0), true, cas(1, None, 1));
    let b = item(1, Sender::Member(1), true, cas(1, None, 2));
    let built = rules::build_commit(&open, &current, &[b, a], &[]).unwrap();
    assert_eq!(built.items, vec![a]);
    assert_eq!(built.dictionary.plain(), vec![(1, 1), (2, 0)]);
    assert_eq!(
        rules::process_commit(&open, &current, &[a, b]),
        Err(Violation::ComponentRefused(1))
    );
    // Under replace both apply, in order.
    let ra = item(0, Sender::Member(0), true, replace(1, None, 1));
    let rb = item(1, Sender::Member(1), true, replace(1, None, 2));
    let r = rules(ComponentKind::Replace, true);
    let applied = rules::process_commit(&r, &current, &[ra, rb]).unwrap();
    assert_eq!(applied.dictionary.plain(), vec![(1, 2), (2, 0)]);
    // A by-value proposal that breaks a rule fails commit building.
    let own = item(5, Sender::Member(0), false, remove(1, None));
    assert_eq!(
        rules::build_commit(&r, &current, &[], &[own]),
        Err(Violation::RemoveOfAbsentEntry(1))
    );
}

/// Prints, per preset and per seeded fault, the unique states and the
/// shortest path to each discovery (the README's tables):
/// `cargo test -p appsync-model --test app_data -- --ignored --nocapture survey`.
#[test]
#[ignore]
fn survey() {
    let show = |label: &str, cfg: AduConfig| {
        let (states, found) = check(cfg.clone());
        let model = cfg.into_model();
        let wanted: Vec<&str> = found.iter().copied().collect();
        let paths = shortest_discoveries(&model, &wanted, usize::MAX).paths;
        println!("{label}: {states} states");
        for (name, path) in paths {
            let kind = if ALWAYS.contains(&name) {
                "FAILS"
            } else {
                "reached"
            };
            println!(
                "  {kind} {name} ({} steps): {}",
                path.len(),
                format_path(&path)
            );
        }
    };
    for p in &PRESETS {
        show(p.name, p.config());
    }
    let none = Faults::default();
    for (name, faults, member) in [
        (
            "cas",
            Faults {
                keep_dictionary: true,
                ..none
            },
            Some(1),
        ),
        (
            "cas",
            Faults {
                accept_mixed_operations: true,
                ..none
            },
            None,
        ),
        (
            "cas",
            Faults {
                apply_cached: true,
                ..none
            },
            Some(1),
        ),
        (
            "cas-gce-required",
            Faults {
                gce_may_rewrite: true,
                ..none
            },
            None,
        ),
        (
            "cas",
            Faults {
                cas_ignores_expected: true,
                ..none
            },
            None,
        ),
        (
            "cas",
            Faults {
                append_new_entry: true,
                ..none
            },
            None,
        ),
    ] {
        let cfg = AduConfig {
            faults,
            faulty_member: member,
            ..preset(name)
        };
        show(&format!("{name} + {faults:?} in {member:?}"), cfg);
    }
}

/// Three members on the smallest preset, `cas`: the state space outgrows
/// this machine (an uncapped BFS passed 11 GB in 4.5 minutes), so the
/// checker stops once it has generated 3,000,000 states (stateright counts
/// generated states, revisits included, against the target) and the test
/// prints the unique states and discoveries by then: `cargo test --release
/// -p appsync-model --test app_data -- --ignored --nocapture three_members`.
#[test]
#[ignore]
fn three_members() {
    let started = std::time::Instant::now();
    let cfg = AduConfig {
        members: 3,
        ..preset("cas")
    };
    let checker = cfg
        .into_model()
        .checker()
        .target_state_count(3_000_000)
        .spawn_bfs()
        .join();
    let found: Vec<_> = checker.discoveries().keys().copied().collect();
    println!(
        "cas, 3 members, stopped at 3,000,000 generated states: {} unique, discovered \
         {found:?}, {:?}",
        checker.unique_state_count(),
        started.elapsed()
    );
}
