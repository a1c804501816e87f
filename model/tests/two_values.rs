//! Two values per writer (`two-values` preset): a member that wrote A and
//! then B can write A again, so a write that returns an id to an earlier
//! value is explored, and a property that cannot tell such a write from
//! no write would be seen. Pinned counts, the witness and its shortest path.

use appsync_model::presets::TWO_VALUES;
use appsync_model::properties::*;
use appsync_model::*;
use std::collections::BTreeSet;

mod common;
use common::check;

/// Under re-read, with and without symmetry: every `always` property holds
/// (the lost update included, in three epochs), and the witness is reached.
#[test]
fn two_values_per_writer_violate_nothing_and_reach_the_witness() {
    for (symmetry, expected) in [(false, 65_101), (true, 36_806)] {
        let (unique, found) = check(TWO_VALUES.config(), symmetry);
        assert_eq!(unique, expected, "symmetry={symmetry}");
        let expected_found =
            BTreeSet::from([OWN_OTHER_VALUE_REPLACED, CONCURRENT_COMMITS_ONE_WINS]);
        assert_eq!(found, expected_found, "symmetry={symmetry}");
    }
}

/// The same bounds with one value per writer: far fewer states, and the
/// witness is out of reach, so the second value is what adds the behaviour.
#[test]
fn one_value_per_writer_cannot_return_to_an_earlier_value() {
    let cfg = AppSyncConfig {
        values_per_writer: 1,
        ..TWO_VALUES.config()
    };
    let (unique, found) = check(cfg, false);
    assert_eq!(unique, 6_541);
    assert!(!found.contains(OWN_OTHER_VALUE_REPLACED));
}

/// Under the stale retry policy the lost update comes back with two values.
#[test]
fn stale_retry_still_loses_an_update() {
    let cfg = AppSyncConfig {
        retry: RetryPolicy::StaleRetry,
        ..TWO_VALUES.config()
    };
    let (unique, found) = check(cfg, false);
    assert_eq!(unique, 99_309);
    assert!(found.contains(NO_LOST_UPDATE));
}

/// The shortest witness: one member writes one of its values and then the
/// other, over two commits (pinned as text, for the README).
#[test]
fn the_shortest_return_is_a_to_b_by_one_writer() {
    let actions = shortest_discovery(&TWO_VALUES.config(), OWN_OTHER_VALUE_REPLACED, 20).unwrap();
    let text = encode_path(&actions);
    let model = TWO_VALUES.config().into_model();
    println!("{text}\n{}", format_trace(&model, &actions).unwrap());
    assert_eq!(decode_path(&text).unwrap(), actions);
    let proposals: Vec<AppSync> = actions
        .iter()
        .filter_map(|a| match a {
            Action::Propose {
                member: 0,
                app_sync,
            } => Some(*app_sync),
            _ => None,
        })
        .collect();
    let values: BTreeSet<u8> = proposals.iter().map(|a| a.new_state).collect();
    assert_eq!(values.len(), 2, "{text}");
    assert_eq!(
        text,
        "propose(m0,app1=1) commit(m0,[]) deliver(m0) deliver(m1) \
         propose(m0,app1=17) commit(m0,[]) deliver(m0)"
    );
}
