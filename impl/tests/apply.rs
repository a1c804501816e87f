//! AppSync applied on real mls-rs groups of three or more members.

mod common;

use common::{committed, group, group_with_rules, states};
use mls_appsync::constants::DEFAULT_CIPHER_SUITE;
use mls_appsync::external::{external_application_states, propose_app_sync_external};
use mls_appsync::mls_rs::WireFormat;
use mls_appsync::mls_rs::group::ProposalSender;
use mls_appsync::{
    AppSync, AppSyncGroupExt, AppSyncRules, ExternalSender, Processed, UnknownIdPolicy,
    WireFormatPolicy,
};

#[test]
fn app_sync_by_value_is_applied_by_all() {
    let mut m = group(3, states(&[(1, b"one"), (2, b"two")]));
    let before = m.assert_agree();

    let commit = m.groups[0]
        .commit_app_syncs(&[AppSync::new(2, b"TWO".to_vec())])
        .unwrap();
    assert_eq!(commit.app_syncs, vec![AppSync::new(2, b"TWO".to_vec())]);
    let outcomes = m.deliver(0, &commit.output.commit_message);

    assert_eq!(
        committed(&outcomes),
        vec![vec![AppSync::new(2, b"TWO".to_vec())]; 2]
    );
    let after = m.assert_agree();
    assert_eq!(after.epoch, before.epoch + 1);
    assert_eq!(after.states, states(&[(1, b"one"), (2, b"TWO")]));
    assert_ne!(after.authenticator, before.authenticator);
}

#[test]
fn app_sync_by_reference_is_applied_by_all() {
    let mut m = group(4, states(&[(5, b"old")]));
    // PublicMessage, so that the test can look inside the commit.
    m.set_wire_format(WireFormatPolicy::Public);
    let proposal = m.groups[1]
        .propose_app_sync(&AppSync::new(5, b"new".to_vec()))
        .unwrap();
    for outcome in m.deliver(1, &proposal) {
        assert_eq!(
            outcome,
            Processed::Proposal {
                sender: ProposalSender::Member(1),
                app_sync: Some(AppSync::new(5, b"new".to_vec())),
            }
        );
    }
    // Nothing changes until someone commits.
    assert_eq!(m.assert_agree().states, states(&[(5, b"old")]));

    let commit = m.groups[2].commit_app_syncs(&[]).unwrap();
    assert_eq!(commit.app_syncs, vec![AppSync::new(5, b"new".to_vec())]);
    assert_eq!(
        commit.output.commit_message.proposals_by_reference().len(),
        1
    );
    m.deliver(2, &commit.output.commit_message);
    let after = m.assert_agree();
    assert_eq!(after.states, states(&[(5, b"new")]));
    assert_eq!(after.epoch, 2);
}

#[test]
fn two_app_syncs_for_different_ids_apply_in_commit_order() {
    let mut m = group(3, states(&[(1, b"a"), (2, b"b"), (3, b"c")]));
    m.set_wire_format(WireFormatPolicy::Public);
    let syncs = vec![
        AppSync::new(3, b"C".to_vec()),
        AppSync::new(1, b"A".to_vec()),
    ];
    let commit = m.groups[1].commit_app_syncs(&syncs).unwrap();
    assert_eq!(commit.app_syncs, syncs);
    // Wire order is the caller's order.
    let on_wire: Vec<AppSync> = commit
        .output
        .commit_message
        .custom_proposals_by_value()
        .into_iter()
        .map(|c| mls_appsync::proposal::decode_app_sync(c).unwrap())
        .collect();
    assert_eq!(on_wire, syncs);
    let outcomes = m.deliver(1, &commit.output.commit_message);
    assert_eq!(committed(&outcomes), vec![syncs.clone(); 2]);
    // List order of application_states is unchanged; only states are replaced.
    assert_eq!(
        m.assert_agree().states,
        states(&[(1, b"A"), (2, b"b"), (3, b"C")])
    );
}

#[test]
fn order_matters_and_is_kept_when_unknown_ids_create_entries() {
    let rules = || AppSyncRules::new().with_unknown_id_policy(UnknownIdPolicy::Create);
    let mut m = group_with_rules(
        vec![rules(), rules(), rules()],
        states(&[(1, b"a")]),
        vec![],
    );
    let syncs = vec![
        AppSync::new(20, b"x".to_vec()),
        AppSync::new(10, b"y".to_vec()),
    ];
    let commit = m.groups[0].commit_app_syncs(&syncs).unwrap();
    m.deliver(0, &commit.output.commit_message);
    // Appended at the end, in commit order, not sorted.
    assert_eq!(
        m.assert_agree().states,
        states(&[(1, b"a"), (20, b"x"), (10, b"y")])
    );
}

#[test]
fn by_reference_app_syncs_enter_the_commit_in_canonical_order() {
    let mut m = group(4, states(&[(1, b"a"), (2, b"b"), (3, b"c")]));
    // Sent in the "wrong" order on purpose: member 3 first, then member 1.
    let p3 = m.groups[3]
        .propose_app_sync(&AppSync::new(1, b"from-3".to_vec()))
        .unwrap();
    m.deliver(3, &p3);
    let p1 = m.groups[1]
        .propose_app_sync(&AppSync::new(3, b"from-1".to_vec()))
        .unwrap();
    m.deliver(1, &p1);

    // Member 0 adds one by value too: by-value ones come last.
    let commit = m.groups[0]
        .commit_app_syncs(&[AppSync::new(2, b"own".to_vec())])
        .unwrap();
    let expected = vec![
        AppSync::new(3, b"from-1".to_vec()),
        AppSync::new(1, b"from-3".to_vec()),
        AppSync::new(2, b"own".to_vec()),
    ];
    assert_eq!(commit.app_syncs, expected);
    let outcomes = m.deliver(0, &commit.output.commit_message);
    assert_eq!(committed(&outcomes), vec![expected; 3]);
    m.assert_agree();
}

#[test]
fn canonical_order_makes_the_committer_deterministic() {
    let mut m = group(3, states(&[(1, b"a"), (2, b"b")]));
    let p2 = m.groups[2]
        .propose_app_sync(&AppSync::new(1, b"x".to_vec()))
        .unwrap();
    m.deliver(2, &p2);
    let p1 = m.groups[1]
        .propose_app_sync(&AppSync::new(2, b"y".to_vec()))
        .unwrap();
    m.deliver(1, &p1);
    // Clones of the same state commit the same proposal list every time,
    // whatever the HashMap order of the cache.
    let mut orders = Vec::new();
    for _ in 0..5 {
        let mut fork = m.groups[0].clone();
        orders.push(fork.commit_app_syncs(&[]).unwrap().app_syncs);
    }
    assert!(orders.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(orders[0][0], AppSync::new(2, b"y".to_vec()));
}

#[test]
fn authorized_external_sender_app_sync_is_applied() {
    let external =
        ExternalSender::new("server", AppSyncRules::new(), DEFAULT_CIPHER_SUITE).unwrap();
    let rules = || AppSyncRules::new();
    let mut m = group_with_rules(
        vec![rules(), rules(), rules()],
        states(&[(9, b"v1")]),
        vec![external.signing_identity().clone()],
    );
    // The external sender follows PublicMessage commits.
    m.set_wire_format(WireFormatPolicy::Public);
    let mut observer = external
        .observe(m.groups[0].group_info_message(true).unwrap())
        .unwrap();
    assert_eq!(
        external_application_states(&observer).unwrap(),
        states(&[(9, b"v1")])
    );

    let proposal =
        propose_app_sync_external(&mut observer, &AppSync::new(9, b"v2".to_vec())).unwrap();
    assert_eq!(proposal.wire_format(), WireFormat::PublicMessage);
    for outcome in m.deliver(usize::MAX, &proposal) {
        assert!(matches!(
            outcome,
            Processed::Proposal {
                sender: ProposalSender::External(0),
                app_sync: Some(_)
            }
        ));
    }
    let commit = m.groups[1].commit_app_syncs(&[]).unwrap();
    assert_eq!(commit.app_syncs, vec![AppSync::new(9, b"v2".to_vec())]);
    m.deliver(1, &commit.output.commit_message);
    assert_eq!(m.assert_agree().states, states(&[(9, b"v2")]));

    observer
        .process_incoming_message(commit.output.commit_message)
        .unwrap();
    assert_eq!(
        external_application_states(&observer).unwrap(),
        states(&[(9, b"v2")])
    );
}

#[test]
fn app_sync_travels_as_public_or_private_message() {
    let mut m = group(3, states(&[(1, b"a")]));
    for (policy, wire) in [
        (WireFormatPolicy::Public, WireFormat::PublicMessage),
        (WireFormatPolicy::Private, WireFormat::PrivateMessage),
    ] {
        m.set_wire_format(policy);
        let value = format!("{policy:?}").into_bytes();
        let proposal = m.groups[1]
            .propose_app_sync(&AppSync::new(1, value.clone()))
            .unwrap();
        assert_eq!(proposal.wire_format(), wire);
        m.deliver(1, &proposal);
        let commit = m.groups[2].commit_app_syncs(&[]).unwrap();
        assert_eq!(commit.output.commit_message.wire_format(), wire);
        m.deliver(2, &commit.output.commit_message);
        assert_eq!(
            m.assert_agree().states,
            vec![mls_appsync::ApplicationState::new(1, value)]
        );
    }
}

#[test]
fn app_sync_only_commit_has_no_update_path_and_no_gce_on_the_wire() {
    let mut m = group(3, states(&[(1, b"a")]));
    m.set_wire_format(WireFormatPolicy::Public);
    let commit = m.groups[0]
        .commit_app_syncs(&[AppSync::new(1, b"b".to_vec())])
        .unwrap();
    let message = &commit.output.commit_message;
    assert!(
        message.commit_path_leaf_node().is_none(),
        "AppSync-only commit carries an UpdatePath"
    );
    // Only the AppSync is on the wire: the GroupContextExtensions proposal is local.
    assert_eq!(message.proposals_by_value().len(), 1);
    assert_eq!(message.custom_proposals_by_value().len(), 1);
    m.deliver(0, message);
    m.assert_agree();

    // Contrast: an empty commit does carry a path, so the check above can fail.
    let empty = m.groups[0].commit_app_syncs(&[]).unwrap();
    assert!(
        empty
            .output
            .commit_message
            .commit_path_leaf_node()
            .is_some()
    );
    m.deliver(0, &empty.output.commit_message);
    m.assert_agree();
}

/// R6 the other way: AppSync needs no UpdatePath, but may sit next to one. A
/// commit that removes a member (which needs a path) and carries an AppSync
/// is accepted by the remaining members, who agree on the new state.
#[test]
fn app_sync_next_to_a_remove_and_its_update_path() {
    let mut m = group(3, states(&[(1, b"a")]));
    m.set_wire_format(WireFormatPolicy::Public);
    let app_sync =
        mls_appsync::proposal::to_custom_proposal(&AppSync::new(1, b"b".to_vec())).unwrap();
    let output = m.groups[0]
        .commit_builder()
        .remove_member(2)
        .unwrap()
        .custom_proposal(app_sync)
        .build()
        .unwrap();
    m.groups[0].apply_pending_commit().unwrap();
    let message = output.commit_message;
    assert!(
        message.commit_path_leaf_node().is_some(),
        "a Remove carries a path"
    );
    let processed = m.groups[1].process(message.clone()).unwrap();
    assert_eq!(
        committed(&[processed]),
        vec![vec![AppSync::new(1, b"b".to_vec())]]
    );
    // The removed member learns it is out; it applies nothing after that.
    let _ = m.groups[2].process(message);
    m.groups.truncate(2);
    m.clients.truncate(2);
    let after = m.assert_agree();
    assert_eq!(after.states, states(&[(1, b"b")]));
    assert_eq!(after.members, vec![0, 1]);
}

#[test]
fn members_added_later_see_the_current_states() {
    let mut m = group(3, states(&[(1, b"a")]));
    let commit = m.groups[0]
        .commit_app_syncs(&[AppSync::new(1, b"z".to_vec())])
        .unwrap();
    m.deliver(0, &commit.output.commit_message);

    let dave = common::client("dave", AppSyncRules::new());
    let added = m.groups[1]
        .add_members(vec![dave.key_package().unwrap()])
        .unwrap();
    m.deliver(1, &added.output.commit_message);
    let d = dave.join_group(&added.output.welcome_messages[0]).unwrap();
    m.clients.push(dave);
    m.groups.push(d);
    let snapshot = m.assert_agree();
    assert_eq!(snapshot.states, states(&[(1, b"z")]));
    assert_eq!(snapshot.members, vec![0, 1, 2, 3]);
}

#[test]
fn external_join_without_app_sync_is_still_accepted() {
    let mut m = group(3, states(&[(1, b"a")]));
    m.set_wire_format(WireFormatPolicy::Public);
    let newcomer = common::client("newcomer", AppSyncRules::new());
    let group_info = m.groups[0]
        .group_info_message_allowing_ext_commit(true)
        .unwrap();
    let (joined, commit) = newcomer
        .mls_client()
        .external_commit_builder()
        .unwrap()
        .build(group_info)
        .unwrap();
    m.deliver(usize::MAX, &commit);
    m.clients.push(newcomer);
    m.groups.push(joined);
    let snapshot = m.assert_agree();
    assert_eq!(snapshot.members, vec![0, 1, 2, 3]);
    assert_eq!(snapshot.states, states(&[(1, b"a")]));
}
