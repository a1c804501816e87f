//! Unit tests of the rule functions (`model/src/rules.rs`): each rule on
//! small proposal lists, both sides of the hook, and the seeded faults.

use appsync_model::compact::{ApplicationStates, ProposalList};
use appsync_model::rules::*;
use appsync_model::semantics::{
    AppSync, Faults, GcePolicy, Item, Proposal, Reason, Rules, Sender, UnknownIdPolicy,
};

fn rules() -> Rules {
    Rules {
        application_ids: 2,
        unknown_id: UnknownIdPolicy::Reject,
        gce: GcePolicy::MayRewrite,
        faults: Faults::default(),
    }
}

fn app(sender: Sender, id: u8, v: u8, by_value: bool) -> Item {
    let proposal = Proposal::AppSync(AppSync {
        application_id: id,
        new_state: v,
    });
    Item {
        sender,
        proposal,
        by_value,
    }
}

fn gce(sender: Sender, by_value: bool) -> Item {
    Item {
        sender,
        proposal: Proposal::Gce,
        by_value,
    }
}

const M0: Sender = Sender::Member(0);
const M1: Sender = Sender::Member(1);

#[test]
fn r3_replaces_and_rejects_unknown() {
    let s = ApplicationStates::initial(2);
    let l = ProposalList::from_iter([app(M0, 2, 1, true)]);
    let next = process_commit(&l, &r5_apply_in_order(&l, &s, &rules()), &s, &rules());
    assert_eq!(next.unwrap().get(2), Some(1));
    let bad = ProposalList::from_iter([app(M0, 3, 1, true)]);
    assert_eq!(
        validate(&bad, &s, &rules()),
        Err(Reason::UnknownApplicationId)
    );
    let create = Rules {
        unknown_id: UnknownIdPolicy::Create,
        ..rules()
    };
    assert_eq!(r5_apply_in_order(&bad, &s, &create).get(3), Some(1));
}

#[test]
fn r3_create_appends_in_commit_order() {
    let create = Rules {
        application_ids: 1,
        unknown_id: UnknownIdPolicy::Create,
        ..rules()
    };
    let s = ApplicationStates::initial(1);
    let ids = |s: &ApplicationStates| s.entries().map(|e| e.application_id).collect::<Vec<_>>();
    let l = ProposalList::from_iter([app(M0, 3, 1, true), app(M0, 2, 1, true)]);
    let next = r5_apply_in_order(&l, &s, &create);
    assert_eq!(ids(&next), vec![1, 3, 2]);
    assert!(!next.in_id_order());
    assert_eq!(process_commit(&l, &next, &s, &create), Ok(next));
    // Same entries in the other order: another GroupContext.
    let reversed = ProposalList::from_iter([app(M0, 2, 1, true), app(M0, 3, 1, true)]);
    let other = r5_apply_in_order(&reversed, &s, &create);
    assert_eq!(ids(&other), vec![1, 2, 3]);
    assert!(other.in_id_order());
    assert_ne!(other, next);
    assert_eq!(
        process_commit(&l, &other, &s, &create),
        Err(Reason::StateMismatch)
    );
    // A replacement keeps the entry's position; values map in place.
    let again = ProposalList::from_iter([app(M1, 3, 2, true)]);
    let replaced = r5_apply_in_order(&again, &next, &create);
    assert_eq!(ids(&replaced), vec![1, 3, 2]);
    assert_eq!(replaced.get(3), Some(2));
    assert_eq!(ids(&replaced.map_values(|v| v + 1)), vec![1, 3, 2]);
    // A lone GCE restores the initial list, in id order.
    let g = ProposalList::from_iter([gce(M1, false)]);
    assert_eq!(r5_apply_in_order(&g, &replaced, &create), s);
}

#[test]
fn r4_r5_r7_reject() {
    let s = ApplicationStates::initial(2);
    let l = ProposalList::from_iter([app(M0, 1, 1, false), gce(M1, false)]);
    assert_eq!(validate(&l, &s, &rules()), Err(Reason::AppSyncWithGce));
    let l = ProposalList::from_iter([app(M0, 1, 1, false), app(M1, 1, 0, false)]);
    assert_eq!(
        validate(&l, &s, &rules()),
        Err(Reason::DuplicateApplicationId)
    );
    let l = ProposalList::from_iter([app(Sender::NonMember, 1, 1, false)]);
    assert_eq!(validate(&l, &s, &rules()), Err(Reason::UnauthorizedSender));
    let l = ProposalList::from_iter([app(Sender::External, 1, 1, false)]);
    assert_eq!(validate(&l, &s, &rules()), Ok(()));
}

#[test]
fn r5_applies_in_order_and_mismatch_is_detected() {
    let s = ApplicationStates::initial(2);
    let l = ProposalList::from_iter([app(M0, 2, 1, false), app(M1, 1, 1, true)]);
    let next = r5_apply_in_order(&l, &s, &rules());
    assert_eq!(
        next.entries().map(|e| e.state).collect::<Vec<_>>(),
        vec![1, 1]
    );
    assert_eq!(
        process_commit(&l, &s, &s, &rules()),
        Err(Reason::StateMismatch)
    );
}

#[test]
fn send_side_drops_and_refuses() {
    let s = ApplicationStates::initial(2);
    let cached = ProposalList::from_iter([
        app(M0, 1, 1, false),
        app(M0, 3, 1, false),
        gce(M1, false),
        app(M1, 1, 0, false),
    ]);
    let by_value = ProposalList::from_iter([app(M1, 2, 1, true)]);
    let list = build_commit(&cached, &by_value, &s, &rules()).unwrap();
    assert_eq!(
        list.as_slice(),
        &[app(M0, 1, 1, false), app(M1, 2, 1, true)]
    );
    // By value wins over by reference for the same id.
    let by_value = ProposalList::from_iter([app(M1, 1, 0, true)]);
    let list = build_commit(&cached, &by_value, &s, &rules()).unwrap();
    assert_eq!(list.as_slice(), &[app(M1, 1, 0, true)]);
    // Bad by-value content refuses the commit.
    let bad = ProposalList::from_iter([app(M1, 1, 0, true), gce(M1, true)]);
    assert_eq!(
        build_commit(&cached, &bad, &s, &rules()),
        Err(Reason::AppSyncWithGce)
    );
    let bad = ProposalList::from_iter([app(M1, 3, 0, true)]);
    assert_eq!(
        build_commit(&cached, &bad, &s, &rules()),
        Err(Reason::UnknownApplicationId)
    );
    // A lone GCE survives; under MustNotChange only if it changes nothing.
    let only_gce = ProposalList::from_iter([gce(M1, false), gce(M0, false)]);
    let empty = ProposalList::new();
    assert_eq!(
        build_commit(&only_gce, &empty, &s, &rules())
            .unwrap()
            .as_slice()
            .len(),
        1
    );
    let strict = Rules {
        gce: GcePolicy::MustNotChange,
        ..rules()
    };
    // Member 0 wrote app1 (a value the GCE would undo).
    let changed = r5_apply_in_order(&ProposalList::from_iter([app(M0, 1, 1, true)]), &s, &strict);
    assert!(
        build_commit(&only_gce, &empty, &changed, &strict)
            .unwrap()
            .is_empty()
    );
}

/// R5 compares ids exactly, over the whole `u8` range of the model's ids.
#[test]
fn r5_tells_every_pair_of_ids_apart() {
    let s = ApplicationStates::initial(2);
    let distinct = ProposalList::from_iter([app(M0, 31, 1, true), app(M0, 40, 1, true)]);
    assert_eq!(r5_one_app_sync_per_id(&distinct, &rules()), Ok(()));
    let high = ProposalList::from_iter([app(M0, 255, 1, true), app(M0, 63, 1, true)]);
    assert_eq!(r5_one_app_sync_per_id(&high, &rules()), Ok(()));
    let twice = ProposalList::from_iter([app(M0, 200, 1, true), app(M1, 200, 2, true)]);
    assert_eq!(
        r5_one_app_sync_per_id(&twice, &rules()),
        Err(Reason::DuplicateApplicationId)
    );
    // On the receive side R5 runs before R3, so the reason is the duplicate.
    assert_eq!(
        validate(&twice, &s, &rules()),
        Err(Reason::DuplicateApplicationId)
    );
}

/// The send side asks R4 and R5 about the list a cached proposal would join,
/// so a fault that breaks either rule shows on the send side too.
#[test]
fn send_side_faults_come_from_the_rule_functions() {
    let s = ApplicationStates::initial(2);
    let cached = ProposalList::from_iter([app(M0, 1, 1, false), gce(M1, false)]);
    let by_value = ProposalList::from_iter([app(M1, 1, 2, true)]);
    // Honest: by value wins id 1, and the GCE cannot sit next to an AppSync.
    let honest = build_commit(&cached, &by_value, &s, &rules()).unwrap();
    assert_eq!(honest.as_slice(), &[app(M1, 1, 2, true)]);
    // Without R5 both AppSyncs for id 1 stay (by reference first).
    let faulty = |faults| Rules { faults, ..rules() };
    let duplicates = faulty(Faults {
        accept_duplicate_ids: true,
        ..Faults::default()
    });
    let list = build_commit(&cached, &by_value, &s, &duplicates).unwrap();
    assert_eq!(
        list.as_slice(),
        &[app(M0, 1, 1, false), app(M1, 1, 2, true)]
    );
    // Without R4 the GCE stays next to the AppSync; a by-value pair passes too.
    let with_gce = faulty(Faults {
        accept_app_sync_with_gce: true,
        ..Faults::default()
    });
    let list = build_commit(&cached, &by_value, &s, &with_gce).unwrap();
    assert_eq!(list.as_slice(), &[gce(M1, false), app(M1, 1, 2, true)]);
    let both = ProposalList::from_iter([app(M1, 2, 1, true), gce(M1, true)]);
    let list = build_commit(&ProposalList::new(), &both, &s, &with_gce).unwrap();
    assert_eq!(list.as_slice(), both.as_slice());
    // At most one GCE per commit, whatever the faults.
    let two = ProposalList::from_iter([gce(M0, false), gce(M1, false)]);
    let list = build_commit(&two, &ProposalList::new(), &s, &with_gce).unwrap();
    assert_eq!(list.as_slice(), &[gce(M0, false)]);
}

/// The committer's own GroupContextExtensions proposal, alone by value, wins
/// over cached AppSyncs: R4 drops them (as `impl/src/rules.rs` does with
/// `R4Outcome::DropByReferenceGceAndAppSyncs`), so that the commit it builds
/// is one its receivers accept.
#[test]
fn a_by_value_gce_drops_cached_app_syncs() {
    let s = ApplicationStates::initial(2);
    let cached = ProposalList::from_iter([app(M0, 1, 1, false), gce(M0, false)]);
    let by_value = ProposalList::from_iter([gce(M1, true)]);
    let mut drops = Vec::new();
    let list = build_commit_telling_drops(&cached, &by_value, &s, &rules(), |item, reason| {
        drops.push((item, reason))
    })
    .unwrap();
    assert_eq!(list.as_slice(), &[gce(M1, true)]);
    assert_eq!(
        drops,
        vec![(app(M0, 1, 1, false), Reason::AppSyncWithGce)],
        "the cached GCE is left out untold (one GCE per commit)"
    );
    assert_eq!(validate(&list, &s, &rules()).map(|_| ()), Ok(()));
}

#[test]
fn r2_rejects_undecodable_app_sync_bytes_before_the_later_rules() {
    use appsync_model::semantics::{AppSyncDefect, StatesDefect};
    let s = ApplicationStates::initial(2);
    for defect in AppSyncDefect::ALL {
        let undecodable = Item {
            sender: M0,
            proposal: Proposal::UndecodableAppSync(defect),
            by_value: true,
        };
        assert_eq!(
            r2_app_sync_decodes(&undecodable.proposal),
            Err(Reason::MalformedAppSync)
        );
        // Next to a valid AppSync, and before R5 (one id twice), R3 (an id
        // without an entry) and R4 (a GCE), as the implementation checks.
        for other in [app(M0, 1, 1, true), app(M0, 3, 1, true), gce(M0, true)] {
            let list = ProposalList::from_iter([app(M0, 1, 1, true), undecodable, other]);
            assert_eq!(
                validate(&list, &s, &rules()),
                Err(Reason::MalformedAppSync),
                "{defect:?}, {other:?}"
            );
        }
        // The AppSync bytes are not applied: only the valid AppSync is.
        let list = ProposalList::from_iter([app(M0, 1, 1, true), undecodable]);
        assert_eq!(r5_apply_in_order(&list, &s, &rules()).get(1), Some(1));
        // R10 comes first.
        let ill_formed = Item {
            sender: M0,
            proposal: Proposal::IllFormedGce(StatesDefect::Undecodable),
            by_value: true,
        };
        let list = ProposalList::from_iter([undecodable, ill_formed]);
        assert_eq!(
            validate(&list, &s, &rules()),
            Err(Reason::InvalidApplicationStates)
        );
    }
    assert_eq!(r2_app_sync_decodes(&app(M0, 1, 1, true).proposal), Ok(()));
}
