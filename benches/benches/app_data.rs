//! The successor's cost beside AppSync's: one receiver processing one commit
//! that carries one update by value, in a group of 8, for the same
//! application state of S bytes, in one run.
//!
//! Ids: `app_data/process/{kind}/state=S`, S in 16 B, 1 KiB and 64 KiB:
//! * `appsync`: an AppSync replacing the state (draft-barnes-mls-appsync);
//! * `replace`: an AppDataUpdate to a `Replace` component (the successor's
//!   equivalent of AppSync);
//! * `cas`: an AppDataUpdate to the `Cas` component (the update also
//!   carries a 32-byte digest of the data it was computed from, and the
//!   component checks it);
//! * `hash_only`: an AppDataUpdate to a `Replace` component whose data is
//!   the SHA-256 of the state, not the state: what an application pays if
//!   it keeps the state out of the GroupContext (it must then carry the
//!   state some other way, which is not measured here).
//!
//! The receiver is cloned outside the timed region and processes the commit
//! with `AppSyncGroupExt::process` (all or nothing). PublicMessage, so that
//! no copy of the group is timed. Each commit is checked once before timing.

use appsync_benches::receiver::{check_applies, time_process};
use appsync_benches::settings;
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use mls_appsync::app_data::{
    AppDataGroupExt, AppDataRequirement, AppDataUpdate, AppDataUpdateRules, Cas, ComponentData,
    ComponentId, Replace, cas_update, create_app_data_members,
};
use mls_appsync::mls_rs::MlsMessage;
use mls_appsync::{
    AppSync, AppSyncClient, AppSyncGroupExt, AppSyncRules, ApplicationState, WireFormatPolicy,
    create_members,
};
use sha2::{Digest, Sha256};

const MEMBERS: usize = 8;
const REPLACE: ComponentId = 1;
const CAS: ComponentId = 2;
const SIZES: [usize; 3] = [16, 1024, 64 * 1024];

/// A receiver that has not yet seen `message`, and `message`.
type Prepared<G> = (G, MlsMessage);

fn state(size: usize, fill: u8) -> Vec<u8> {
    vec![fill; size]
}

fn app_sync(size: usize) -> Prepared<impl AppSyncGroupExt + Clone> {
    let clients: Vec<_> = (0..MEMBERS)
        .map(|i| {
            AppSyncClient::builder(format!("member{i}"))
                .rules(AppSyncRules::new().with_wire_format(WireFormatPolicy::Public))
                .build()
                .expect("client")
        })
        .collect();
    let initial = vec![ApplicationState::new(1, state(size, 0))];
    let mut groups = create_members(&clients, initial, Vec::new()).expect("group");
    let commit = groups[0]
        .commit_app_syncs(&[AppSync::new(1, state(size, 1))])
        .expect("commit");
    let receiver = groups.pop().expect("a receiver");
    let message = commit.output.commit_message;
    check_applies(&receiver, &message, &groups[0], |g| {
        g.application_states().expect("states")
    });
    (receiver, message)
}

/// The AppDataUpdate group: component 1 holds `initial_replace`, component
/// 2 holds `initial_cas`; member 0 commits `update`.
fn app_data_update(
    initial_replace: Vec<u8>,
    initial_cas: Vec<u8>,
    update: impl FnOnce(&[u8]) -> AppDataUpdate,
) -> Prepared<impl AppSyncGroupExt + Clone> {
    let clients: Vec<_> = (0..MEMBERS)
        .map(|i| {
            let rules = AppDataUpdateRules::new()
                .with_component(REPLACE, Replace)
                .with_component(CAS, Cas)
                .with_wire_format(WireFormatPolicy::Public);
            AppSyncClient::builder(format!("member{i}"))
                .rules(rules)
                .build()
                .expect("client")
        })
        .collect();
    let initial = vec![
        ComponentData::new(REPLACE, initial_replace),
        ComponentData::new(CAS, initial_cas.clone()),
    ];
    let mut groups =
        create_app_data_members(&clients, initial, Vec::new(), AppDataRequirement::Required)
            .expect("group");
    let commit = groups[0]
        .commit_app_data_updates(&[update(&initial_cas)])
        .expect("commit");
    let receiver = groups.pop().expect("a receiver");
    let message = commit.output.commit_message;
    check_applies(&receiver, &message, &groups[0], |g| {
        g.app_data_dictionary().expect("dictionary")
    });
    (receiver, message)
}

fn time<G: AppSyncGroupExt + Clone>(
    c: &mut Criterion,
    kind: &str,
    size: usize,
    (receiver, message): Prepared<G>,
) {
    let mut group = c.benchmark_group(format!("app_data/process/{kind}"));
    group.sampling_mode(SamplingMode::Flat);
    let id = BenchmarkId::from_parameter(format!("state={}", settings::size_label(size)));
    time_process(&mut group, id, &receiver, &message);
    group.finish();
}

fn benches(c: &mut Criterion) {
    for size in SIZES {
        time(c, "appsync", size, app_sync(size));
        let replace = |_: &[u8]| AppDataUpdate::update(REPLACE, state(size, 1));
        time(
            c,
            "replace",
            size,
            app_data_update(state(size, 0), Vec::new(), replace),
        );
        let cas = |read: &[u8]| cas_update(CAS, Some(read), state(size, 1)).expect("cas update");
        time(
            c,
            "cas",
            size,
            app_data_update(Vec::new(), state(size, 0), cas),
        );
        let digest = |bytes: Vec<u8>| Sha256::digest(&bytes).to_vec();
        let hash_only = |_: &[u8]| AppDataUpdate::update(REPLACE, digest(state(size, 1)));
        time(
            c,
            "hash_only",
            size,
            app_data_update(digest(state(size, 0)), Vec::new(), hash_only),
        );
    }
}

criterion_group! {
    name = app_data;
    config = settings::criterion();
    targets = benches
}
criterion_main!(app_data);
