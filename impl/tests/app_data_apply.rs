//! AppDataUpdate applied on real mls-rs groups of three or more members:
//! order, creation at the sorted place, removal, the Replace and Cas
//! components, external senders and external commits, both wire formats,
//! a GroupContextExtensions proposal in the same commit.

mod app_data_common;

use app_data_common::{
    APPEND, CAS, REPLACE, REPLACE_HIGH, REPLACE_LOW, client, entries, group, group_with,
};
use mls_appsync::app_data::external::{
    external_app_data_dictionary, propose_app_data_update_external,
};
use mls_appsync::app_data::proposal::to_custom_proposal;
use mls_appsync::app_data::{
    AppDataError, AppDataGroupExt, AppDataRequirement, AppDataUpdate, ComponentRefusal,
    app_data_error, cas_update,
};
use mls_appsync::constants::{APP_DATA_DICTIONARY_EXTENSION_TYPE, DEFAULT_CIPHER_SUITE};
use mls_appsync::mls_rs::WireFormat;
use mls_appsync::mls_rs::extension::built_in::ExternalSendersExt;
use mls_appsync::mls_rs::group::ProposalSender;
use mls_appsync::{AppSyncGroupExt, AppSyncRules, ExternalSender, Processed, WireFormatPolicy};

#[test]
fn several_updates_to_one_component_apply_in_commit_order() {
    let mut m = group(3, &[(APPEND, b"x")]);
    let before = m.assert_agree();
    let updates = vec![
        AppDataUpdate::update(APPEND, b"a".to_vec()),
        AppDataUpdate::update(APPEND, b"b".to_vec()),
        AppDataUpdate::update(APPEND, b"c".to_vec()),
    ];
    let commit = m.groups[1].commit_app_data_updates(&updates).unwrap();
    assert_eq!(commit.updates, updates);
    m.deliver(1, &commit.output.commit_message);
    let after = m.assert_agree();
    assert_eq!(after.dictionary, entries(&[(APPEND, b"xabc")]));
    assert_eq!(after.epoch, before.epoch + 1);
    assert_ne!(after.authenticator, before.authenticator);
}

#[test]
fn a_chain_of_cas_updates_applies_in_order_and_not_in_reverse() {
    let mut m = group(3, &[(CAS, b"v1")]);
    let first = cas_update(CAS, Some(b"v1"), b"v2".to_vec()).unwrap();
    let second = cas_update(CAS, Some(b"v2"), b"v3".to_vec()).unwrap();
    // Reversed, the first update applied names data that is not there yet.
    let refused = m.groups[0]
        .commit_app_data_updates(&[second.clone(), first.clone()])
        .unwrap_err();
    assert_eq!(
        app_data_error(&refused),
        Some(AppDataError::ComponentRefused {
            component_id: CAS,
            refusal: ComponentRefusal::Conflict
        })
    );
    assert_eq!(
        m.commit(0, &[first, second]).dictionary,
        entries(&[(CAS, b"v3")])
    );
}

#[test]
fn updates_create_missing_entries_at_their_sorted_place() {
    let mut m = group(3, &[(REPLACE, b"r"), (APPEND, b"a")]);
    let updates = vec![
        AppDataUpdate::update(REPLACE_HIGH, b"high".to_vec()),
        cas_update(CAS, None, b"cas".to_vec()).unwrap(),
        AppDataUpdate::update(REPLACE_LOW, b"low".to_vec()),
    ];
    // The wire keeps the committer's order; the dictionary is sorted.
    assert_eq!(
        m.commit_applying(2, &updates, &updates).dictionary,
        entries(&[
            (REPLACE_LOW, b"low"),
            (REPLACE, b"r"),
            (CAS, b"cas"),
            (APPEND, b"a"),
            (REPLACE_HIGH, b"high"),
        ])
    );
}

#[test]
fn a_group_without_the_dictionary_gets_it_appended_at_the_end() {
    let mut m = group(3, &[]);
    let before = m.assert_agree();
    assert!(before.dictionary.is_empty());
    let dictionary_type = APP_DATA_DICTIONARY_EXTENSION_TYPE.raw_value();
    assert!(!before.extension_order.contains(&dictionary_type));

    m.commit(0, &[AppDataUpdate::update(REPLACE, b"first".to_vec())]);
    let after = m.assert_agree();
    assert_eq!(after.dictionary, entries(&[(REPLACE, b"first")]));
    let mut expected_order = before.extension_order.clone();
    expected_order.push(dictionary_type);
    assert_eq!(after.extension_order, expected_order);
}

#[test]
fn remove_deletes_the_entry_and_an_emptied_dictionary_stays() {
    let mut m = group(3, &[(REPLACE_LOW, b"l"), (REPLACE, b"r")]);
    assert_eq!(
        m.commit(1, &[AppDataUpdate::remove(REPLACE_LOW)])
            .dictionary,
        entries(&[(REPLACE, b"r")])
    );

    m.commit(2, &[AppDataUpdate::remove(REPLACE)]);
    let after = m.assert_agree();
    assert!(after.dictionary.is_empty());
    let dictionary_type = APP_DATA_DICTIONARY_EXTENSION_TYPE.raw_value();
    assert!(after.extension_order.contains(&dictionary_type));
}

#[test]
fn updates_and_removes_of_different_components_share_a_commit() {
    let mut m = group(4, &[(REPLACE_LOW, b"l"), (REPLACE, b"r"), (APPEND, b"a")]);
    let updates = vec![
        AppDataUpdate::update(APPEND, b"1".to_vec()),
        AppDataUpdate::remove(REPLACE_LOW),
        AppDataUpdate::update(REPLACE, b"R".to_vec()),
        AppDataUpdate::update(APPEND, b"2".to_vec()),
    ];
    assert_eq!(
        m.commit(3, &updates).dictionary,
        entries(&[(REPLACE, b"R"), (APPEND, b"a12")])
    );
}

#[test]
fn replace_loses_a_concurrent_update_and_cas_refuses_it() {
    let mut m = group(3, &[(REPLACE, b"v1"), (CAS, b"v1")]);
    // Members 1 and 2 both read v1 and compute their updates from it.
    let read_1 = m.groups[1].component_data(CAS).unwrap();
    let read_2 = m.groups[2].component_data(CAS).unwrap();
    assert_eq!(read_1.as_deref(), Some(&b"v1"[..]));

    let first = m.groups[1]
        .commit_app_data_updates(&[
            AppDataUpdate::update(REPLACE, b"from-1".to_vec()),
            cas_update(CAS, read_1.as_deref(), b"from-1".to_vec()).unwrap(),
        ])
        .unwrap();
    m.deliver(1, &first.output.commit_message);

    // Replace: member 2's update silently overwrites member 1's.
    let lost = m.groups[2]
        .commit_app_data_updates(&[AppDataUpdate::update(REPLACE, b"from-2".to_vec())])
        .unwrap();
    m.deliver(2, &lost.output.commit_message);
    assert_eq!(
        m.groups[0].component_data(REPLACE).unwrap().as_deref(),
        Some(&b"from-2"[..])
    );

    // Cas: member 2's update names v1, which is gone: refused, nothing changes.
    let epoch = m.groups[2].current_epoch();
    let stale = cas_update(CAS, read_2.as_deref(), b"from-2".to_vec()).unwrap();
    let refused = m.groups[2].commit_app_data_updates(&[stale]).unwrap_err();
    assert_eq!(
        app_data_error(&refused),
        Some(AppDataError::ComponentRefused {
            component_id: CAS,
            refusal: ComponentRefusal::Conflict
        })
    );
    assert_eq!(m.groups[2].current_epoch(), epoch);
    assert_eq!(
        m.assert_agree().dictionary,
        entries(&[(REPLACE, b"from-2"), (CAS, b"from-1")])
    );

    // Member 2 reads again and retries: accepted.
    let reread = m.groups[2].component_data(CAS).unwrap();
    let retry = cas_update(CAS, reread.as_deref(), b"from-2".to_vec()).unwrap();
    assert_eq!(
        m.commit(2, &[retry]).dictionary,
        entries(&[(REPLACE, b"from-2"), (CAS, b"from-2")])
    );
}

#[test]
fn concurrent_cas_proposals_by_reference_commit_only_the_first() {
    let mut m = group(4, &[(CAS, b"v1")]);
    m.set_wire_format(WireFormatPolicy::Public);
    // Sent in the "wrong" order: member 3 first, then member 1.
    for from in [3, 1] {
        let update = cas_update(CAS, Some(b"v1"), format!("from-{from}").into_bytes()).unwrap();
        m.propose(from, &update);
    }
    // Canonical order puts member 1's first; member 3's then conflicts and
    // is dropped, so the commit carries one proposal.
    let commit = m.groups[0].commit_app_data_updates(&[]).unwrap();
    assert_eq!(
        commit.updates,
        vec![cas_update(CAS, Some(b"v1"), b"from-1".to_vec()).unwrap()]
    );
    assert_eq!(
        commit.output.commit_message.proposals_by_reference().len(),
        1
    );
    m.deliver(0, &commit.output.commit_message);
    assert_eq!(m.assert_agree().dictionary, entries(&[(CAS, b"from-1")]));
}

#[test]
fn updates_by_reference_enter_the_commit_in_canonical_order() {
    let mut m = group(4, &[(APPEND, b"")]);
    for from in [3, 2, 1] {
        let update = AppDataUpdate::update(APPEND, format!("{from}").into_bytes());
        m.propose(from, &update);
    }
    // By leaf index, then the committer's own by-value update last; clones
    // commit the same list whatever the order of mls-rs's proposal cache.
    let mut results = Vec::new();
    for _ in 0..4 {
        let mut fork = m.groups[0].clone();
        let own = AppDataUpdate::update(APPEND, b"0".to_vec());
        fork.commit_app_data_updates(&[own]).unwrap();
        results.push(fork.component_data(APPEND).unwrap());
    }
    assert!(results.iter().all(|r| r.as_deref() == Some(&b"1230"[..])));
    assert_eq!(
        m.commit(0, &[AppDataUpdate::update(APPEND, b"0".to_vec())])
            .dictionary,
        entries(&[(APPEND, b"1230")])
    );
}

#[test]
fn an_external_sender_may_send_app_data_update() {
    let external =
        ExternalSender::new("server", AppSyncRules::new(), DEFAULT_CIPHER_SUITE).unwrap();
    let mut m = group_with(
        3,
        &[(REPLACE, b"v1")],
        vec![external.signing_identity().clone()],
        AppDataRequirement::Required,
    );
    let mut observer = external
        .observe(m.groups[0].group_info_message(true).unwrap())
        .unwrap();
    assert_eq!(
        external_app_data_dictionary(&observer).unwrap(),
        entries(&[(REPLACE, b"v1")])
    );
    let update = AppDataUpdate::update(REPLACE, b"v2".to_vec());
    let proposal = propose_app_data_update_external(&mut observer, &update).unwrap();
    assert_eq!(proposal.wire_format(), WireFormat::PublicMessage);
    let outcomes = m.deliver(usize::MAX, &proposal);
    let from_external = |o: &Processed| matches!(o, Processed::Proposal { sender, .. } if *sender == ProposalSender::External(0));
    assert!(outcomes.iter().all(from_external), "{outcomes:?}");
    let after = m.commit_applying(2, &[], &[update]);
    assert_eq!(after.dictionary, entries(&[(REPLACE, b"v2")]));
}

#[test]
fn an_external_commit_may_carry_app_data_update() {
    let mut m = group(3, &[(REPLACE, b"v1")]);
    m.set_wire_format(WireFormatPolicy::Public);
    let newcomer = client("newcomer");
    let group_info = m.groups[0]
        .group_info_message_allowing_ext_commit(true)
        .unwrap();
    let update = AppDataUpdate::update(REPLACE, b"from-newcomer".to_vec());
    let (joined, commit) = newcomer
        .mls_client()
        .external_commit_builder()
        .unwrap()
        .with_custom_proposal(to_custom_proposal(&update).unwrap())
        .build(group_info)
        .unwrap();
    m.deliver(usize::MAX, &commit);
    m.clients.push(newcomer);
    m.groups.push(joined);
    let snapshot = m.assert_agree();
    assert_eq!(snapshot.dictionary, entries(&[(REPLACE, b"from-newcomer")]));
    assert_eq!(m.groups[0].member_indexes(), vec![0, 1, 2, 3]);
}

#[test]
fn public_message_shows_the_update_to_intermediaries_and_private_message_hides_it() {
    let mut m = group(3, &[(REPLACE, b"a")]);
    for (policy, wire, visible) in [
        (WireFormatPolicy::Public, WireFormat::PublicMessage, 1),
        (WireFormatPolicy::Private, WireFormat::PrivateMessage, 0),
    ] {
        m.set_wire_format(policy);
        let value = format!("{policy:?}").into_bytes();
        let commit = m.groups[1]
            .commit_app_data_updates(&[AppDataUpdate::update(REPLACE, value.clone())])
            .unwrap();
        let message = commit.output.commit_message;
        assert_eq!(message.wire_format(), wire);
        // What a delivery service can read of the commit without the keys.
        assert_eq!(message.custom_proposals_by_value().len(), visible);
        m.deliver(1, &message);
        assert_eq!(m.assert_agree().dictionary, entries(&[(REPLACE, &value)]));
    }
    // Proposals by reference follow the same switch.
    let proposal = m.groups[2]
        .propose_app_data_update(&AppDataUpdate::update(REPLACE, b"p".to_vec()))
        .unwrap();
    assert_eq!(proposal.wire_format(), WireFormat::PrivateMessage);
}

#[test]
fn an_app_data_update_commit_has_no_update_path_and_no_gce_on_the_wire() {
    let mut m = group(3, &[(REPLACE, b"a")]);
    m.set_wire_format(WireFormatPolicy::Public);
    let commit = m.groups[0]
        .commit_app_data_updates(&[AppDataUpdate::update(REPLACE, b"b".to_vec())])
        .unwrap();
    let message = &commit.output.commit_message;
    assert!(message.commit_path_leaf_node().is_none());
    assert_eq!(message.proposals_by_value().len(), 1);
    assert_eq!(message.custom_proposals_by_value().len(), 1);
    m.deliver(0, message);
    m.assert_agree();
}

#[test]
fn a_gce_by_reference_next_to_app_data_update_changes_the_other_extensions() {
    let mut m = group(3, &[(REPLACE, b"a")]);
    m.set_wire_format(WireFormatPolicy::Public);
    // Member 1 proposes a GroupContextExtensions that adds an external
    // sender and leaves the dictionary as it is (U8 holds).
    let server = ExternalSender::new("server", AppSyncRules::new(), DEFAULT_CIPHER_SUITE).unwrap();
    let mut extensions = m.groups[1].context().extensions.clone();
    extensions
        .set_from(ExternalSendersExt::new(vec![
            server.signing_identity().clone(),
        ]))
        .unwrap();
    m.propose_extensions(1, extensions);

    let commit = m.groups[0]
        .commit_app_data_updates(&[AppDataUpdate::update(REPLACE, b"b".to_vec())])
        .unwrap();
    let message = &commit.output.commit_message;
    assert_eq!(message.proposals_by_reference().len(), 1);
    // A GroupContextExtensions proposal needs the UpdatePath (RFC 9420).
    assert!(message.commit_path_leaf_node().is_some());
    m.deliver(0, message);
    assert_eq!(m.assert_agree().dictionary, entries(&[(REPLACE, b"b")]));
    for group in &m.groups {
        let senders = group
            .context()
            .extensions
            .get_as::<ExternalSendersExt>()
            .unwrap()
            .unwrap();
        assert_eq!(senders.allowed_senders.len(), 1);
    }
}

#[test]
fn members_added_later_see_the_current_dictionary() {
    let mut m = group(3, &[(REPLACE, b"a")]);
    m.commit(0, &[AppDataUpdate::update(REPLACE, b"z".to_vec())]);
    let dave = client("dave");
    let added = m.groups[1]
        .add_members(vec![dave.key_package().unwrap()])
        .unwrap();
    m.deliver(1, &added.output.commit_message);
    m.groups
        .push(dave.join_group(&added.output.welcome_messages[0]).unwrap());
    m.clients.push(dave);
    assert_eq!(m.assert_agree().dictionary, entries(&[(REPLACE, b"z")]));
}
