//! The model in its own words: states, steps, shortest discoveries and why
//! they violate, as the Explorer and the command line show them.

use appsync_model::explain::{describe_step, why};
use appsync_model::properties::{self, NO_LOST_UPDATE};
use appsync_model::*;
use stateright::Model;

const LOST_UPDATE: &str = "propose(m0,app1=1) deliver(m1) propose(m1,app1=2) deliver(m0) \
                           commit(m0,[]) deliver(m1) propose(m1,app1=2) commit(m1,[])";

/// A state reads as members named m0, m1, the group, and what is in flight
/// to whom; nothing of Rust's `Debug` structure shows.
#[test]
fn a_state_reads_in_the_model_s_words() {
    let model = AppSyncConfig::default().into_model();
    let path = decode_path("propose(m0,app2=1) deliver(m1) commit(m1,[])").unwrap();
    let states = replay(&model, &path).unwrap();
    let text = format!("{:#?}", states.last().unwrap());
    println!("{text}");
    assert!(text.starts_with("m0  epoch 0  {app1=0,app2=0}"), "{text}");
    assert!(text.contains("wants app2:=1 (read app2=0)"), "{text}");
    assert!(text.contains("m1  epoch 0  {app1=0,app2=0}  cache [m0 app2:=1]  pending commit"));
    assert!(text.contains("commit e0 by m1 [m0 app2:=1] claims {app1=0,app2=1} -> m0, m1"));
    assert!(
        !text.contains("Member {") && !text.contains("ghost"),
        "{text}"
    );
    // Actions print as the path encoding, also through Debug.
    assert_eq!(
        format!("{:?}", path),
        "[propose(m0,app2=1), deliver(m1), commit(m1,[])]"
    );
}

/// The Explorer's step text says what happened, names the configuration,
/// and marks exactly the lines the step changed.
#[test]
fn a_step_marks_what_it_changed() {
    let model = AppSyncConfig::adversarial().into_model();
    let state = model.initial_state();
    let text = model
        .format_step(&state, "forge(adv,dup)".parse().unwrap())
        .unwrap();
    println!("{text}");
    assert!(
        text.contains("adv forges two AppSyncs for one id (breaks R5)"),
        "{text}"
    );
    assert!(
        text.contains("configuration: preset adversarial: 2 members"),
        "{text}"
    );
    let marked: Vec<&str> = text.lines().filter(|l| l.starts_with("> ")).collect();
    assert!(marked.iter().any(|l| l.contains("adv forged 1")), "{text}");
    assert!(marked.iter().any(|l| l.contains("-> m0, m1")), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("  m0  epoch 0")),
        "{text}"
    );
}

/// The Explorer marks a witness the configuration cannot reach as not
/// applicable, and the expected finding as one; the checker keeps the plain
/// names.
#[test]
fn the_explorer_names_properties_that_cannot_apply() {
    let cfg = AppSyncConfig::default();
    let names = |model: AppSyncModel| -> Vec<&'static str> {
        model.properties().iter().map(|p| p.name).collect()
    };
    let plain = names(cfg.clone().into_model());
    let shown = names(cfg.into_model().for_explorer());
    assert_eq!(plain.len(), shown.len());
    assert!(
        shown.contains(&"forged AppSync+GCE rejected (not applicable here: needs an adversary)")
    );
    assert!(shown.contains(&"no lost update (expected to fail: a finding)"));
    assert!(shown.contains(&"agreement"));
    assert!(plain.contains(&"forged AppSync+GCE rejected"));
}

/// The shortest lost update ends at the first violating state, and the
/// explanation names the commit, the value the proposer read, the value it
/// overwrites, and what everyone holds once it is delivered.
#[test]
fn the_lost_update_explains_itself() {
    let cfg = AppSyncConfig::default();
    let model = cfg.clone().into_model();
    let found = shortest_discoveries(&model, &[NO_LOST_UPDATE], usize::MAX);
    assert!(found.complete);
    let path = &found.paths[NO_LOST_UPDATE];
    assert_eq!(encode_path(path), LOST_UPDATE);
    let states = replay(&model, path).unwrap();
    let violating: Vec<bool> = states
        .iter()
        .map(|s| properties::lost_update(s).is_some())
        .collect();
    assert_eq!(violating.iter().position(|v| *v), Some(path.len()));
    let text = why(&model, NO_LOST_UPDATE, &states, path);
    println!("{text}");
    assert!(text.starts_with("The commit e1 by m1 [m1 app1:=2] claims {app1=2,app2=0}: it is the first commit of epoch 1"), "{text}");
    assert!(
        text.contains("chose when app1 was 0; app1 is now 1 (m0's update)"),
        "{text}"
    );
    assert!(text.contains("overwrites 1 with 2"), "{text}");
    assert!(
        text.contains("Once everything in flight is processed: m0 app1=2, m1 app1=2."),
        "{text}"
    );
    let step = describe_step(&states[6], &path[6], &states[7]);
    assert_eq!(
        step,
        "m1 re-sends its update app1:=2 for epoch 1: chosen when app1 was 0, app1 is now 1"
    );
}

/// One breadth-first pass finds every discovery of a preset at its
/// shortest: no shorter path exists for any of them (checked by the
/// iterative-deepening definition: no discovery within one step less).
#[test]
fn every_discovery_is_shortest() {
    let cfg = AppSyncConfig::adversarial();
    let model = cfg.clone().into_model();
    let names: Vec<&str> = model.properties().iter().map(|p| p.name).collect();
    let found = shortest_discoveries(&model, &names, usize::MAX);
    assert!(found.complete);
    let forged = &found.paths[properties::FORGED_DUPLICATE_REJECTED];
    assert_eq!(encode_path(forged), "forge(adv,dup) deliver(m0)");
    for (name, path) in &found.paths {
        let shorter = shortest_discovery(&cfg, name, path.len().saturating_sub(1));
        assert!(shorter.is_none(), "{name}");
        replay(&model, path).unwrap();
    }
}

/// A path the model cannot take names the step, why, and what was enabled.
#[test]
fn a_path_that_cannot_be_taken_says_what_could() {
    let model = AppSyncConfig::default().into_model();
    let path = decode_path("propose(m0,app1=1) propose(m7,app1=1)").unwrap();
    let error = replay(&model, &path).unwrap_err();
    assert_eq!(error.step, 1);
    let text = error.to_string();
    assert!(
        text.starts_with(
            "step 2 (propose(m7,app1=1)) cannot be taken: the model does not offer it"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("enabled there: commit(m0,[]) deliver(m1)"),
        "{text}"
    );
    assert!(
        !error
            .enabled
            .iter()
            .any(|a| a.to_string().starts_with("propose(m0"))
    );
}

/// A search that runs out of its state budget says so and claims nothing;
/// a longer discovery path is cut back to its first violating state.
#[test]
fn a_search_over_budget_is_incomplete_and_long_paths_are_cut() {
    let model = AppSyncConfig::default().into_model();
    let found = shortest_discoveries(&model, &[NO_LOST_UPDATE], 100);
    assert!(!found.complete);
    assert!(found.paths.is_empty());
    let shortest = decode_path(LOST_UPDATE).unwrap();
    let mut longer = decode_path("external(app2=6) deliver(m0) deliver(m1)").unwrap();
    longer.extend(&shortest);
    longer.extend(decode_path("deliver(m0)").unwrap());
    let cut = cut_at_first_discovery(&model, NO_LOST_UPDATE, &longer);
    assert_eq!(cut.len(), longer.len() - 1, "{}", encode_path(&cut));
    let states = replay(&model, &cut).unwrap();
    assert!(properties::lost_update(states.last().unwrap()).is_some());
}
