//! Paths as text and replay: the action encoding round trip, replaying a
//! path and its member views, every discovery replayed from its text, and the
//! shortest paths the READMEs quote, pinned as text.

use appsync_model::properties::{self, LIST_ORDER_NOT_ID_ORDER, NO_LOST_UPDATE};
use appsync_model::*;
use stateright::{Checker, Model};

/// A shortest path to a list out of id order, replayed step by step: the
/// member views show the list order the harness compares with mls-rs.
#[test]
fn create_order_shortest_witness_and_views() {
    let cfg = AppSyncConfig::create_order();
    let actions = shortest_discovery(&cfg, LIST_ORDER_NOT_ID_ORDER, 10).unwrap();
    let text = encode_path(&actions);
    let model = cfg.clone().into_model();
    println!("{text}\n{}", format_trace(&model, &actions).unwrap());
    assert_eq!(text, "commit(m0,[app3=1,app2=1]) deliver(m0)");
    let states = replay(&model, &actions).unwrap();
    assert!(properties::list_order_not_id_order(states.last().unwrap()));
    // Both members apply the commit: same list, same (non-id) order.
    let path = decode_path(&format!("{text} deliver(m1)")).unwrap();
    let states = replay(&model, &path).unwrap();
    for m in 0..2 {
        let view = model.member_view(states.last().unwrap(), m);
        assert_eq!(view.epoch, 1);
        assert_eq!(view.application_states, vec![(1, 0), (3, 1), (2, 1)]);
        assert_eq!(view.last, LastOutcome::Accepted);
    }
    // By reference first, then by value: a cached `app2` and `[app3]` keep id order.
    let path =
        decode_path("propose(m0,app2=1) deliver(m1) commit(m1,[app3=2]) deliver(m1) deliver(m0)")
            .unwrap();
    let states = replay(&model, &path).unwrap();
    for m in 0..2 {
        let view = model.member_view(states.last().unwrap(), m);
        assert_eq!(view.application_states, vec![(1, 0), (2, 1), (3, 2)]);
    }
    // Honest commits list two unknown ids only in descending order.
    let ascending = decode_path("commit(m0,[app2=1,app3=1])").unwrap();
    assert_eq!(replay(&model, &ascending).unwrap_err().step, 0);
}

/// The shortest lost update (BFS), pinned as text: it goes into the README.
#[test]
fn lost_update_shortest_counterexample() {
    let actions = shortest_discovery(&AppSyncConfig::default(), NO_LOST_UPDATE, 20).unwrap();
    let text = encode_path(&actions);
    let model = AppSyncConfig::default().into_model();
    println!("{text}\n{}", format_trace(&model, &actions).unwrap());
    assert_eq!(decode_path(&text).unwrap(), actions);
    // Stateright agrees that this path is a counterexample.
    let checker = AppSyncConfig::default()
        .into_model()
        .checker()
        .spawn_bfs()
        .join();
    checker.assert_discovery(NO_LOST_UPDATE, actions.clone());
    let states = replay(&model, &actions).unwrap();
    assert!(properties::lost_update(states.last().unwrap()).is_some());
    assert!(
        states[..states.len() - 1]
            .iter()
            .all(|s| properties::lost_update(s).is_none())
    );
    assert_eq!(
        text,
        "propose(m0,app1=1) deliver(m1) propose(m1,app1=2) deliver(m0) commit(m0,[]) \
         deliver(m1) propose(m1,app1=2) commit(m1,[])"
    );
}

#[test]
fn actions_round_trip_as_text() {
    let text = "propose(m1,app2=2) propose_gce(m0) commit(m0,[]) commit(m1,[app1=2]) \
                commit(m0,[app1=1,app2=1]) commit(m0,[app3=1,app2=1]) external(app1=6) inject(app1=7) forge(adv,gce) \
                forge(adv,dup) forge(adv,unknown) forge(adv,mismatch) deliver(m2)";
    let actions = decode_path(text).unwrap();
    assert_eq!(actions.len(), 13);
    assert_eq!(
        actions[5],
        Action::Commit {
            member: 0,
            by_value: ByValue::new(&[
                AppSync {
                    application_id: 3,
                    new_state: 1
                },
                AppSync {
                    application_id: 2,
                    new_state: 1
                },
            ]),
        }
    );
    assert_eq!(
        encode_path(&actions),
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    assert!("commit(m0,app1=1)".parse::<Action>().is_err());
    assert!("forge(adv,other)".parse::<Action>().is_err());
}

#[test]
fn replay_rejects_disabled_actions() {
    let model = AppSyncConfig::default().into_model();
    let actions = decode_path("deliver(m0)").unwrap();
    assert_eq!(replay(&model, &actions).unwrap_err().step, 0);
    let actions =
        decode_path("propose(m0,app1=1) deliver(m1) commit(m1,[]) deliver(m1) deliver(m0)")
            .unwrap();
    let states = replay(&model, &actions).unwrap();
    let last = states.last().unwrap();
    for m in 0..2 {
        let view = model.member_view(last, m);
        assert_eq!(view.epoch, 1);
        assert_eq!(view.application_states, vec![(1, 1), (2, 0)]);
        assert_eq!(view.members, vec![0, 1]);
        assert_eq!(view.last, LastOutcome::Accepted);
    }
}

/// Every path the checker takes replays through the text encoding (a sample).
#[test]
fn discoveries_replay_from_text() {
    for cfg in [AppSyncConfig::adversarial(), AppSyncConfig::create_order()] {
        let checker = cfg.clone().into_model().checker().spawn_dfs().join();
        let model = cfg.into_model();
        for (name, path) in checker.discoveries() {
            let actions = path.clone().into_actions();
            let decoded = decode_path(&encode_path(&actions)).unwrap();
            let states = replay(&model, &decoded).unwrap();
            assert_eq!(states.last().unwrap(), path.last_state(), "{name}");
        }
    }
}
