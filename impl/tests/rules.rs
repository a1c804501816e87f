//! Unit tests of the rule functions in `impl/src/rules.rs`, on plain
//! values (the group-level behaviour is in the other test files).

use mls_appsync::extension::{IndexedStates, with_application_states};
use mls_appsync::mls_rs::ExtensionList;
use mls_appsync::rules::{r3_apply_app_sync, r10_well_formed_application_states};
use mls_appsync::{AppSync, AppSyncError, ApplicationState, StatesDefect, UnknownIdPolicy};

fn states() -> IndexedStates {
    IndexedStates::new(vec![
        ApplicationState::new(1, b"a".to_vec()),
        ApplicationState::new(2, b"b".to_vec()),
    ])
    .unwrap()
}

#[test]
fn apply_replaces_the_matching_entry_in_place() {
    let mut s = states();
    r3_apply_app_sync(
        &mut s,
        &AppSync::new(2, b"B".to_vec()),
        UnknownIdPolicy::Reject,
    )
    .unwrap();
    assert_eq!(
        s.entries(),
        &[
            ApplicationState::new(1, b"a".to_vec()),
            ApplicationState::new(2, b"B".to_vec())
        ]
    );
}

#[test]
fn apply_of_unknown_id_rejects_without_change_or_appends() {
    let mut s = states();
    let sync = AppSync::new(3, b"c".to_vec());
    assert_eq!(
        r3_apply_app_sync(&mut s, &sync, UnknownIdPolicy::Reject),
        Err(AppSyncError::UnknownApplicationId { application_id: 3 })
    );
    assert_eq!(s, states());
    r3_apply_app_sync(&mut s, &sync, UnknownIdPolicy::Create).unwrap();
    assert_eq!(
        s.entries().last(),
        Some(&ApplicationState::new(3, b"c".to_vec()))
    );
    assert_eq!(s.entries().len(), 3);
    // The created entry is indexed: a second AppSync replaces it.
    let again = AppSync::new(3, b"C".to_vec());
    r3_apply_app_sync(&mut s, &again, UnknownIdPolicy::Reject).unwrap();
    assert_eq!(s.entries()[2].state(), b"C");
}

#[test]
fn a_repeated_id_is_not_well_formed() {
    let repeated = vec![
        ApplicationState::new(1, b"a".to_vec()),
        ApplicationState::new(1, b"b".to_vec()),
    ];
    let extensions = with_application_states(&ExtensionList::new(), repeated).unwrap();
    assert_eq!(
        r10_well_formed_application_states(&extensions),
        Err(AppSyncError::InvalidApplicationStates(
            StatesDefect::RepeatedApplicationId(1)
        ))
    );
    assert_eq!(
        r10_well_formed_application_states(&ExtensionList::new()).map(|s| s.into_entries()),
        Ok(Vec::new())
    );
}
