//! Invalid AppDataUpdate proposal lists on real mls-rs groups: receivers
//! reject each forged kind with its typed error and an unchanged state; the
//! committer refuses its own invalid by-value proposals and drops invalid
//! cached ones; the GroupContextExtensions rule (U8) with and without
//! `app_data_update` in `required_capabilities`.

mod app_data_common;

use app_data_common::{
    APPEND, CAS, Members, REPLACE, REPLACE_LOW, UNKNOWN, entries, fingerprint, group, group_with,
};
use mls_appsync::app_data::codec::AppDataUpdateDecodeError;
use mls_appsync::app_data::forge::forge_app_data_commit;
use mls_appsync::app_data::proposal::to_custom_proposal;
use mls_appsync::app_data::{
    AppDataDictionary, AppDataError, AppDataGroupExt, AppDataRequirement, AppDataUpdate,
    ComponentRefusal, Dictionary, DictionaryDefect, app_data_error, cas_update,
};
use mls_appsync::codec::encode;
use mls_appsync::constants::{APP_DATA_DICTIONARY_EXTENSION_TYPE, APP_DATA_UPDATE_PROPOSAL_TYPE};
use mls_appsync::mls_rs::ExtensionList;
use mls_appsync::mls_rs::group::proposal::CustomProposal;
use mls_rs_core::extension::Extension;

/// Member `from` forges a commit of `updates` (and a GroupContextExtensions
/// proposal setting `gce`), skipping its Send-side rules.
fn forge(
    m: &mut Members,
    from: usize,
    updates: &[AppDataUpdate],
    gce: Option<ExtensionList>,
) -> mls_appsync::mls_rs::MlsMessage {
    let proposals: Vec<CustomProposal> = updates
        .iter()
        .map(|u| to_custom_proposal(u).unwrap())
        .collect();
    forge_raw(m, from, &proposals, gce)
}

fn forge_raw(
    m: &mut Members,
    from: usize,
    proposals: &[CustomProposal],
    gce: Option<ExtensionList>,
) -> mls_appsync::mls_rs::MlsMessage {
    let rules = m.clients[from].rules().clone();
    forge_app_data_commit(&rules, &mut m.groups[from], proposals, gce).unwrap()
}

/// After a rejected forgery, an honest commit still works for everyone.
fn next_valid_commit_works(m: &mut Members) {
    m.commit(1, &[AppDataUpdate::update(REPLACE, b"after".to_vec())]);
    let dictionary = m.assert_agree().dictionary;
    assert!(dictionary.contains(&entries(&[(REPLACE, b"after")])[0]));
}

/// A copy of the group's extensions whose dictionary holds `pairs`.
fn extensions_with(m: &Members, pairs: &[(u16, &[u8])]) -> ExtensionList {
    Dictionary::new(entries(pairs))
        .unwrap()
        .into_extensions(&m.groups[0].context().extensions)
        .unwrap()
}

fn initial() -> Vec<(u16, &'static [u8])> {
    vec![(REPLACE, b"r"), (CAS, b"v1"), (APPEND, b"a")]
}

#[test]
fn receivers_reject_each_invalid_list_and_stay_unchanged() {
    let stale = || cas_update(CAS, Some(b"v1"), b"x".to_vec()).unwrap();
    let cases: Vec<(Vec<AppDataUpdate>, AppDataError)> = vec![
        (
            vec![AppDataUpdate::update(UNKNOWN, b"x".to_vec())],
            AppDataError::UnknownComponent {
                component_id: UNKNOWN,
            },
        ),
        (
            vec![AppDataUpdate::remove(REPLACE_LOW)],
            AppDataError::RemoveOfAbsentEntry {
                component_id: REPLACE_LOW,
            },
        ),
        (
            vec![
                AppDataUpdate::remove(REPLACE),
                AppDataUpdate::remove(REPLACE),
            ],
            AppDataError::SeveralRemoves {
                component_id: REPLACE,
            },
        ),
        (
            vec![
                AppDataUpdate::update(REPLACE, b"x".to_vec()),
                AppDataUpdate::remove(REPLACE),
            ],
            AppDataError::UpdateAndRemove {
                component_id: REPLACE,
            },
        ),
        (
            vec![AppDataUpdate::update(APPEND, Vec::new())],
            AppDataError::ComponentRefused {
                component_id: APPEND,
                refusal: ComponentRefusal::Invalid("empty append".into()),
            },
        ),
        // The lost update, forced into one commit: two Cas updates computed
        // from the same data; the second no longer matches.
        (
            vec![
                stale(),
                cas_update(CAS, Some(b"v1"), b"y".to_vec()).unwrap(),
            ],
            AppDataError::ComponentRefused {
                component_id: CAS,
                refusal: ComponentRefusal::Conflict,
            },
        ),
    ];
    for (updates, expected) in cases {
        let mut m = group(3, &initial());
        let forged = forge(&mut m, 0, &updates, None);
        m.all_reject(0, &forged, expected);
        next_valid_commit_works(&mut m);
    }
}

#[test]
fn receivers_reject_a_malformed_body() {
    let mut m = group(3, &initial());
    for (body, expected) in [
        (
            vec![0, 10, 0],
            AppDataUpdateDecodeError::InvalidOperation(0),
        ),
        (
            vec![0, 10, 3],
            AppDataUpdateDecodeError::InvalidOperation(3),
        ),
        (
            vec![0, 10, 1, 5, b'x'],
            AppDataUpdateDecodeError::Codec(mls_appsync::CodecError::Truncated),
        ),
    ] {
        let proposal = CustomProposal::new(APP_DATA_UPDATE_PROPOSAL_TYPE, body);
        let forged = forge_raw(&mut m, 2, &[proposal], None);
        m.all_reject(2, &forged, AppDataError::MalformedAppDataUpdate(expected));
    }
    next_valid_commit_works(&mut m);
}

#[test]
fn the_committer_refuses_its_own_invalid_updates_and_stays_unchanged() {
    let mut m = group(3, &initial());
    let cases: Vec<(Vec<AppDataUpdate>, AppDataError)> = vec![
        (
            vec![AppDataUpdate::remove(UNKNOWN)],
            AppDataError::UnknownComponent {
                component_id: UNKNOWN,
            },
        ),
        (
            vec![AppDataUpdate::remove(REPLACE_LOW)],
            AppDataError::RemoveOfAbsentEntry {
                component_id: REPLACE_LOW,
            },
        ),
        (
            vec![AppDataUpdate::remove(CAS), AppDataUpdate::remove(CAS)],
            AppDataError::SeveralRemoves { component_id: CAS },
        ),
        (
            vec![
                AppDataUpdate::remove(APPEND),
                AppDataUpdate::update(APPEND, b"x".to_vec()),
            ],
            AppDataError::UpdateAndRemove {
                component_id: APPEND,
            },
        ),
    ];
    for (updates, expected) in cases {
        let before = fingerprint(&m.clients[0], &m.groups[0]);
        let refused = m.groups[0].commit_app_data_updates(&updates).unwrap_err();
        assert_eq!(app_data_error(&refused), Some(expected));
        assert_eq!(fingerprint(&m.clients[0], &m.groups[0]), before);
    }
    next_valid_commit_works(&mut m);
}

#[test]
fn the_committer_drops_invalid_cached_proposals_and_keeps_the_valid_ones() {
    let mut m = group(4, &initial());
    let proposals = [
        (1, AppDataUpdate::update(UNKNOWN, b"x".to_vec())),
        (1, AppDataUpdate::remove(REPLACE_LOW)),
        (2, AppDataUpdate::update(APPEND, Vec::new())),
        (2, AppDataUpdate::remove(CAS)),
        (3, AppDataUpdate::remove(CAS)),
        (3, AppDataUpdate::update(APPEND, b"ok".to_vec())),
    ];
    for (from, update) in proposals {
        m.propose(from, &update);
    }
    // Member 2's remove of CAS comes first in canonical order and is kept
    // alone; the empty append is refused by the component and dropped.
    let applied = [
        AppDataUpdate::remove(CAS),
        AppDataUpdate::update(APPEND, b"ok".to_vec()),
    ];
    assert_eq!(
        m.commit_applying(0, &[], &applied).dictionary,
        entries(&[(REPLACE, b"r"), (APPEND, b"aok")])
    );
}

#[test]
fn the_committers_own_remove_wins_over_cached_updates_of_the_same_component() {
    let mut m = group(3, &initial());
    let cached = AppDataUpdate::update(REPLACE, b"cached".to_vec());
    m.propose(1, &cached);
    let own = [AppDataUpdate::remove(REPLACE)];
    assert_eq!(
        m.commit_applying(0, &own, &own).dictionary,
        entries(&[(CAS, b"v1"), (APPEND, b"a")])
    );
}

#[test]
fn with_app_data_update_required_a_gce_may_not_touch_the_dictionary() {
    let mut m = group(3, &initial());
    let rewritten = extensions_with(&m, &[(REPLACE, b"by-gce")]);
    let expected = AppDataError::GroupContextExtensionsChangeDictionary;

    // Receivers reject a forged one, alone or next to an AppDataUpdate.
    let forged = forge(&mut m, 0, &[], Some(rewritten.clone()));
    m.all_reject(0, &forged, expected.clone());
    let update = AppDataUpdate::update(APPEND, b"x".to_vec());
    let forged = forge(&mut m, 0, &[update], Some(rewritten.clone()));
    m.all_reject(0, &forged, expected.clone());

    // Removing the dictionary is a change too.
    let mut removed = m.groups[0].context().extensions.clone();
    removed.remove(APP_DATA_DICTIONARY_EXTENSION_TYPE);
    let forged = forge(&mut m, 0, &[], Some(removed));
    m.all_reject(0, &forged, expected.clone());

    // The committer refuses its own.
    let refused = m.groups[1]
        .commit_builder()
        .set_group_context_ext(rewritten.clone())
        .unwrap()
        .build()
        .unwrap_err();
    assert_eq!(app_data_error(&refused), Some(expected));

    // A cached one is dropped; the AppDataUpdate next to it goes through.
    m.propose_extensions(2, rewritten);
    assert_eq!(
        m.commit(1, &[AppDataUpdate::update(APPEND, b"x".to_vec())])
            .dictionary,
        entries(&[(REPLACE, b"r"), (CAS, b"v1"), (APPEND, b"ax")])
    );
}

#[test]
fn without_the_requirement_a_gce_may_rewrite_the_dictionary() {
    let mut m = group_with(3, &initial(), vec![], AppDataRequirement::NotRequired);
    let rewritten = extensions_with(&m, &[(REPLACE, b"by-gce"), (APPEND, b"g")]);
    let commit = m.groups[0]
        .commit_builder()
        .set_group_context_ext(rewritten)
        .unwrap()
        .build()
        .unwrap();
    m.groups[0].apply_pending_commit().unwrap();
    m.deliver(0, &commit.commit_message);
    assert_eq!(
        m.assert_agree().dictionary,
        entries(&[(REPLACE, b"by-gce"), (APPEND, b"g")])
    );

    // U9: AppDataUpdates apply after it, to the dictionary it installs.
    let rewritten = extensions_with(&m, &[(APPEND, b"G")]);
    m.propose_extensions(2, rewritten);
    assert_eq!(
        m.commit(1, &[AppDataUpdate::update(APPEND, b"+".to_vec())])
            .dictionary,
        entries(&[(APPEND, b"G+")])
    );
}

#[test]
fn a_gce_installing_an_ill_formed_dictionary_is_rejected() {
    let mut m = group_with(3, &initial(), vec![], AppDataRequirement::NotRequired);
    let unsorted = AppDataDictionary::new(entries(&[(CAS, b"c"), (REPLACE, b"r")]));
    let mut extensions = m.groups[0].context().extensions.clone();
    extensions.set(Extension::new(
        APP_DATA_DICTIONARY_EXTENSION_TYPE,
        encode(&unsorted).unwrap(),
    ));
    let forged = forge(&mut m, 0, &[], Some(extensions));
    m.all_reject(
        0,
        &forged,
        AppDataError::InvalidDictionary(DictionaryDefect::Unsorted {
            earlier: CAS,
            later: REPLACE,
        }),
    );
    next_valid_commit_works(&mut m);
}

#[test]
fn the_committer_cannot_send_its_own_gce_with_its_own_updates_on_mls_rs() {
    let mut m = group(3, &initial());
    let unchanged = m.groups[0].context().extensions.clone();
    let proposal = to_custom_proposal(&AppDataUpdate::update(REPLACE, b"x".to_vec())).unwrap();
    let refused = m.groups[0]
        .commit_builder()
        .set_group_context_ext(unchanged)
        .unwrap()
        .custom_proposal(proposal)
        .build()
        .unwrap_err();
    assert_eq!(
        app_data_error(&refused),
        Some(AppDataError::ByValueGroupContextExtensionsWithUpdates)
    );
}
