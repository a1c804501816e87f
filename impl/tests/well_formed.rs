//! `application_states` stays well-formed: no commit may leave the next
//! GroupContext with an `application_states` extension that does not decode
//! exactly or that names an `application_id` twice, whether or not the commit
//! holds an AppSync. The committer refuses such a list (by value) or drops
//! the proposal (by reference); receivers reject it, state unchanged; a
//! by-reference proposal carrying it is rejected on arrival.

mod common;

use common::{Members, fingerprint, group, snapshot, states};
use mls_appsync::codec::{self, ApplicationStatesExtension};
use mls_appsync::constants::APPLICATION_STATES_EXTENSION_TYPE;
use mls_appsync::forge::{ForgedCommit, forge_custom_commit};
use mls_appsync::mls_rs::{Extension, ExtensionList};
use mls_appsync::{AppSync, AppSyncGroupExt, ApplicationState, app_sync_error};

/// Extension bodies that must never become a group's `application_states`.
fn bad_bodies() -> Vec<(&'static str, Vec<u8>)> {
    let valid = codec::encode(&ApplicationStatesExtension::new(vec![
        ApplicationState::new(1, b"x".to_vec()),
    ]))
    .unwrap();
    let mut trailing = valid.clone();
    trailing.push(0);
    let duplicate = codec::encode(&ApplicationStatesExtension::new(vec![
        ApplicationState::new(1, b"x".to_vec()),
        ApplicationState::new(2, b"y".to_vec()),
        ApplicationState::new(1, b"z".to_vec()),
    ]))
    .unwrap();
    vec![
        ("not a list", vec![0xff]),
        ("trailing byte", trailing),
        ("truncated", valid[..valid.len() - 1].to_vec()),
        ("id 1 twice", duplicate),
    ]
}

/// The group's extensions with `application_states` set to raw `body`.
fn with_raw_states(m: &Members, body: &[u8]) -> ExtensionList {
    let mut extensions = m.groups[0].context().extensions.clone();
    extensions.set(Extension::new(
        APPLICATION_STATES_EXTENSION_TYPE,
        body.to_vec(),
    ));
    extensions
}

fn fresh() -> Members {
    group(3, states(&[(1, b"a"), (2, b"b")]))
}

#[test]
fn committer_refuses_a_bad_list_by_value() {
    for (name, body) in bad_bodies() {
        let mut m = fresh();
        let before = snapshot(&m.groups[0]);
        let extensions = with_raw_states(&m, &body);
        let error = m.groups[0]
            .commit_builder()
            .set_group_context_ext(extensions)
            .and_then(|b| b.build())
            .map(|_| ())
            .expect_err(name);
        assert!(app_sync_error(&error).is_some(), "{name}: {error}");
        assert!(!m.groups[0].has_pending_commit(), "{name}");
        assert_eq!(snapshot(&m.groups[0]), before, "{name}");
    }
}

#[test]
fn receivers_reject_a_bad_list_without_app_sync() {
    for (name, body) in bad_bodies() {
        let mut m = fresh();
        let forgery = ForgedCommit {
            proposals: Vec::new(),
            group_context_extensions: Some(with_raw_states(&m, &body)),
            apply: true,
            create_unknown_ids: true,
            by_reference: None,
        };
        let forged = forge_custom_commit(m.clients[0].rules(), &mut m.groups[0], &forgery)
            .unwrap_or_else(|e| panic!("{name}: forging failed: {e}"));
        for i in 1..3 {
            let before = fingerprint(&m.clients[i], &m.groups[i]);
            let rejected = m.groups[i]
                .process(forged.clone())
                .expect_err("a bad application_states must be rejected");
            assert_eq!(
                rejected.reason.name(),
                "invalid_application_states",
                "{name}: {}",
                rejected.error
            );
            assert!(app_sync_error(&rejected.error).is_some(), "{name}");
            assert_eq!(fingerprint(&m.clients[i], &m.groups[i]), before, "{name}");
            assert!(m.groups[i].application_states().is_ok(), "{name}");
        }
        // The group goes on.
        let commit = m.groups[1]
            .commit_app_syncs(&[AppSync::new(2, b"next".to_vec())])
            .unwrap();
        m.deliver(1, &commit.output.commit_message);
        assert_eq!(m.assert_agree().states[1].state(), b"next", "{name}");
    }
}

#[test]
fn a_bad_list_proposed_by_reference_is_rejected_on_arrival_and_never_committed() {
    for (name, body) in bad_bodies() {
        let mut m = fresh();
        let extensions = with_raw_states(&m, &body);
        let proposal = m.groups[1]
            .propose_group_context_extensions(extensions, Vec::new())
            .unwrap();
        let before = fingerprint(&m.clients[0], &m.groups[0]);
        let rejected = m.groups[0]
            .process(proposal)
            .expect_err("a proposal carrying a bad list is rejected on arrival");
        assert_eq!(
            rejected.reason.name(),
            "invalid_application_states",
            "{name}"
        );
        assert_eq!(fingerprint(&m.clients[0], &m.groups[0]), before, "{name}");
        // Its own sender keeps it cached, but drops it when committing.
        let commit = m.groups[1].commit_app_syncs(&[]).unwrap();
        m.deliver(1, &commit.output.commit_message);
        let after = m.assert_agree();
        assert_eq!(after.states, states(&[(1, b"a"), (2, b"b")]), "{name}");
    }
}

#[test]
fn a_valid_rewrite_without_app_sync_is_still_allowed() {
    // The draft forbids GroupContextExtensions only next to an AppSync; a
    // well-formed rewrite in a commit of its own stays valid.
    let mut m = fresh();
    let body = codec::encode(&ApplicationStatesExtension::new(vec![
        ApplicationState::new(3, b"c".to_vec()),
    ]))
    .unwrap();
    let extensions = with_raw_states(&m, &body);
    let output = common::commit_extensions(&mut m.groups[0], extensions);
    m.deliver(0, &output.commit_message);
    assert_eq!(m.assert_agree().states, states(&[(3, b"c")]));
}
