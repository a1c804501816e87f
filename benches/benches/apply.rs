//! Applying many AppSyncs: one commit that carries N AppSyncs by value,
//! processed by one receiver, as N and the list grow. The rules must cost
//! O(N + E) (or with a log factor) for N AppSyncs over E entries: a 10x
//! larger commit may cost at most about 12x, else one member could make
//! every receiver burn CPU with a single commit.
//!
//! Ids (E in 1,000 and 10,000; N in 1,000, 10,000 and 40,000):
//! `apply/update_all/entries=E` (E entries, one AppSync for each, 8-byte
//! states, unknown ids rejected) and `apply/create/new_ids=N` (an empty list,
//! N AppSyncs for new ids, the "create" reading). The receiver is cloned
//! outside the timed region and processes the commit with
//! `AppSyncGroupExt::process`, the all-or-nothing entry point an application
//! calls. PublicMessage, so that no copy of the group is timed.

use appsync_benches::receiver::{check_applies, time_process};
use appsync_benches::settings;
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use mls_appsync::mls_rs::MlsMessage;
use mls_appsync::{
    AppSync, AppSyncClient, AppSyncGroup, AppSyncGroupExt, AppSyncRules, ApplicationState,
    Processed, UnknownIdPolicy, WireFormatPolicy,
};

/// A committer and a receiver holding `initial`, and the commit of `syncs`
/// by value, checked once before timing.
fn prepare(
    policy: UnknownIdPolicy,
    initial: Vec<ApplicationState>,
    syncs: &[AppSync],
) -> (AppSyncGroup, MlsMessage) {
    let rules = || {
        AppSyncRules::new()
            .with_unknown_id_policy(policy)
            .with_wire_format(WireFormatPolicy::Public)
    };
    let alice = AppSyncClient::builder("alice")
        .rules(rules())
        .build()
        .unwrap();
    let bob = AppSyncClient::builder("bob")
        .rules(rules())
        .build()
        .unwrap();
    let mut a = alice.create_group(initial, Vec::new()).unwrap();
    let added = a.add_members(vec![bob.key_package().unwrap()]).unwrap();
    let b = bob.join_group(&added.output.welcome_messages[0]).unwrap();
    let commit = a.commit_app_syncs(syncs).unwrap();
    let message = commit.output.commit_message;
    let processed = check_applies(&b, &message, &a, |g| g.application_states().unwrap());
    if let Processed::Commit { app_syncs, .. } = processed {
        assert_eq!(app_syncs.len(), syncs.len());
    }
    (b, message)
}

fn time_receiver(
    c: &mut Criterion,
    name: &str,
    param: String,
    prepared: (AppSyncGroup, MlsMessage),
) {
    let (receiver, message) = prepared;
    let mut group = c.benchmark_group(format!("apply/{name}"));
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    time_process(
        &mut group,
        BenchmarkId::from_parameter(param),
        &receiver,
        &message,
    );
    group.finish();
}

fn benches(c: &mut Criterion) {
    for entries in [1_000u32, 10_000] {
        let initial = (1..=entries)
            .map(|id| ApplicationState::new(id, id.to_be_bytes().repeat(2)))
            .collect();
        let syncs: Vec<AppSync> = (1..=entries)
            .map(|id| AppSync::new(id, (!id).to_be_bytes().repeat(2)))
            .collect();
        let prepared = prepare(UnknownIdPolicy::Reject, initial, &syncs);
        time_receiver(c, "update_all", format!("entries={entries}"), prepared);
    }
    for new_ids in [1_000u32, 10_000, 40_000] {
        let syncs: Vec<AppSync> = (1..=new_ids)
            .map(|id| AppSync::new(id, id.to_be_bytes().repeat(2)))
            .collect();
        let prepared = prepare(UnknownIdPolicy::Create, Vec::new(), &syncs);
        time_receiver(c, "create", format!("new_ids={new_ids}"), prepared);
    }
}

criterion_group! {
    name = apply;
    config = settings::criterion();
    targets = benches
}
criterion_main!(apply);
