//! The per-message tax of `application_states`: protecting and unprotecting
//! one application message in a 2-member group whose `application_states`
//! holds one entry of 0 B, 1 KiB, 64 KiB or 1 MiB.
//!
//! The GroupContext is part of FramedContentTBS, which every message signs
//! and every receiver verifies, so its size is paid per message.
//!
//! Ids: `message/{protect,unprotect}/state=S/provider=P`.

use appsync_benches::settings::{self, size_label};
use appsync_benches::{Members, Provider};
use criterion::{BatchSize, BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use mls_appsync::ApplicationState;
use mls_rs::group::ReceivedMessage;

/// A typical chat-sized application payload.
const PAYLOAD: [u8; 64] = [0x42; 64];

/// Milliseconds per message at 1 MiB: sample flat rather than linearly.
fn sampling(state: usize) -> SamplingMode {
    if state >= 64 * 1024 {
        SamplingMode::Flat
    } else {
        SamplingMode::Auto
    }
}

fn tax_benches<P: Provider>(c: &mut Criterion) {
    for state in settings::message_state_sizes() {
        let param = format!("state={}/provider={}", size_label(state), P::NAME);
        // Built on first use, so that a filtered run skips unused groups.
        let mut members: Option<Members<P>> = None;
        let mut build = || {
            members
                .get_or_insert_with(|| {
                    Members::build(2, true, vec![ApplicationState::new(1, vec![0xA0; state])])
                })
                .clone()
        };

        let mut group = c.benchmark_group("message/protect");
        group.sampling_mode(sampling(state));
        group.bench_function(BenchmarkId::from_parameter(&param), |b| {
            let mut sender = build().committer().clone();
            b.iter(|| {
                sender
                    .encrypt_application_message(&PAYLOAD, Vec::new())
                    .expect("protecting a message")
            });
        });
        group.finish();

        let mut group = c.benchmark_group("message/unprotect");
        group.sampling_mode(sampling(state));
        group.bench_function(BenchmarkId::from_parameter(&param), |b| {
            let members = build();
            let message = members
                .committer()
                .clone()
                .encrypt_application_message(&PAYLOAD, Vec::new())
                .expect("protecting a message");
            // Checked once, outside the timing: the receiver reads the payload.
            match members
                .receiver()
                .clone()
                .process_incoming_message(message.clone())
            {
                Ok(ReceivedMessage::ApplicationMessage(m)) if m.data() == PAYLOAD => {}
                other => panic!("application message not received intact: {other:?}"),
            }
            b.iter_batched(
                || (members.receiver().clone(), message.clone()),
                |(mut receiver, message)| {
                    let received = receiver
                        .process_incoming_message(message)
                        .expect("unprotecting a message");
                    (receiver, received)
                },
                BatchSize::LargeInput,
            );
        });
        group.finish();
    }
}

fn benches(c: &mut Criterion) {
    tax_benches::<mls_rs_crypto_rustcrypto::RustCryptoProvider>(c);
    #[cfg(feature = "awslc")]
    if !settings::quick() {
        tax_benches::<mls_rs_crypto_awslc::AwsLcCryptoProvider>(c);
    }
}

criterion_group! {
    name = message_tax;
    config = settings::criterion();
    targets = benches
}
criterion_main!(message_tax);
