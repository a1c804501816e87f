//! Unit tests of the rule functions in `impl/src/rules.rs`, on plain
//! values (the group-level behaviour is in the other test files). The rules
//! read the list and the AppSyncs in place, so the values are encoded first.

use mls_appsync::codec::{encode, read_app_sync, read_states};
use mls_appsync::extension::{IndexedStates, with_application_states};
use mls_appsync::mls_rs::ExtensionList;
use mls_appsync::rules::{r3_apply_app_sync, r10_well_formed_application_states};
use mls_appsync::{
    AppSync, AppSyncError, ApplicationState, ApplicationStatesExtension, StatesDefect,
    UnknownIdPolicy,
};

/// The encoded list `1 = "a", 2 = "b"`.
fn list() -> Vec<u8> {
    encode(&ApplicationStatesExtension::new(vec![
        ApplicationState::new(1, b"a".to_vec()),
        ApplicationState::new(2, b"b".to_vec()),
    ]))
    .unwrap()
}

fn app_sync(id: u32, state: &[u8]) -> Vec<u8> {
    encode(&AppSync::new(id, state.to_vec())).unwrap()
}

#[test]
fn apply_replaces_the_matching_entry_in_place() {
    let list = list();
    let mut s = IndexedStates::new(read_states(&list).unwrap()).unwrap();
    let sync = app_sync(2, b"B");
    r3_apply_app_sync(
        &mut s,
        read_app_sync(&sync).unwrap(),
        UnknownIdPolicy::Reject,
    )
    .unwrap();
    let expected = vec![
        ApplicationState::new(1, b"a".to_vec()),
        ApplicationState::new(2, b"B".to_vec()),
    ];
    assert_eq!(s.to_owned_entries(), expected);
    assert_eq!(
        s.encode().unwrap(),
        encode(&ApplicationStatesExtension::new(expected)).unwrap()
    );
}

#[test]
fn apply_of_unknown_id_rejects_without_change_or_appends() {
    let list = list();
    let mut s = IndexedStates::new(read_states(&list).unwrap()).unwrap();
    let before = s.clone();
    let sync = app_sync(3, b"c");
    let sync = read_app_sync(&sync).unwrap();
    assert_eq!(
        r3_apply_app_sync(&mut s, sync, UnknownIdPolicy::Reject),
        Err(AppSyncError::UnknownApplicationId { application_id: 3 })
    );
    assert_eq!(s, before);
    r3_apply_app_sync(&mut s, sync, UnknownIdPolicy::Create).unwrap();
    assert_eq!(
        s.to_owned_entries().last(),
        Some(&ApplicationState::new(3, b"c".to_vec()))
    );
    assert_eq!(s.entries().len(), 3);
    // The created entry is indexed: a second AppSync replaces it.
    let again = app_sync(3, b"C");
    r3_apply_app_sync(
        &mut s,
        read_app_sync(&again).unwrap(),
        UnknownIdPolicy::Reject,
    )
    .unwrap();
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
        r10_well_formed_application_states(&ExtensionList::new()).map(|s| s.to_owned_entries()),
        Ok(Vec::new())
    );
}
