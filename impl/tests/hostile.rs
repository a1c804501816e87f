//! The hostile-input suite: whatever bytes arrive, no panic, a typed error,
//! bounded memory, no state change, and the genuine message still goes
//! through.
//!
//! One file (over 400 lines) because both parts share the allocation
//! counter and the mutation generators.
//!
//! Part 1 feeds every public decoder random bytes, mutations of valid
//! encodings, and length prefixes that claim 2^29 to 2^62 bytes over short
//! buffers. Whatever decodes must re-encode to the same bytes; whatever does
//! not must fail with a precise [`CodecError`] (never the catch-all), and no
//! allocation may follow a declared length.
//!
//! Part 2 takes real commits, proposals and application messages of a
//! three-member group, in both wire formats, and delivers every single-bit
//! flip and every truncation of each (plus appended bytes and random
//! multi-byte mutations) to a copy of a receiver, followed by the genuine
//! message: every mutant must be rejected, none as an unauthorized sender,
//! the receiver's whole state must be unchanged, and the genuine message
//! must then be processed exactly as by a receiver that never saw a mutant.
//!
//! Seeds are fixed. `APPSYNC_HOSTILE_SCALE=N` multiplies the random parts
//! (default 1, a few seconds in CI).

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeMap;

use common::{Fingerprint, Kind, Members, fingerprint, genuine, group, snapshot, states};
use mls_appsync::codec::{self, CodecError, decode_exact};
use mls_appsync::constants::{APP_SYNC_PROPOSAL_TYPE, APPLICATION_STATES_EXTENSION_TYPE};
use mls_appsync::extension::application_states;
use mls_appsync::mls_rs::group::proposal::{CustomProposal, MlsCustomProposal};
use mls_appsync::mls_rs::mls_rs_codec::MlsDecode;
use mls_appsync::mls_rs::{Extension, ExtensionList, MlsMessage};
use mls_appsync::proposal::decode_app_sync;
use mls_appsync::{
    AppSync, AppSyncGroupExt, ApplicationState, ApplicationStatesExtension, Processed,
    RejectionReason, WireFormatPolicy,
};
use mls_rs_core::extension::MlsExtension;

// ---------------------------------------------------------------------------
// Measuring: the largest single allocation, per thread.
// ---------------------------------------------------------------------------

struct Tracking;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    // `try_with`: the thread-local may already be gone while a thread exits.
    let _ = LARGEST.try_with(|l| l.set(l.get().max(size)));
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// only addition is recording a size in a thread-local `Cell`, which does not
// allocate.
unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Tracking = Tracking;

/// Runs `f` and returns its result with the largest allocation it made.
fn largest_allocation<R>(f: impl FnOnce() -> R) -> (R, usize) {
    LARGEST.with(|l| l.set(0));
    let result = f();
    (result, LARGEST.with(Cell::get))
}

/// tls_codec reserves at most this much for a vector before reading it
/// (its `MAX_PREALLOC`), whatever length the input declares.
const PREALLOCATION_CAP: usize = 4096;

// ---------------------------------------------------------------------------
// Fixed-seed randomness and the scale knob.
// ---------------------------------------------------------------------------

/// SplitMix64: tiny, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

fn scale() -> usize {
    std::env::var("APPSYNC_HOSTILE_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
}

/// One random mutation of `bytes`: overwrite, insert, delete or duplicate a
/// span, or set a byte to an edge value.
fn mutate(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = if out.is_empty() {
            0
        } else {
            rng.below(out.len())
        };
        match rng.below(5) {
            0 if !out.is_empty() => out[at] = rng.next() as u8,
            1 => out.insert(at, rng.next() as u8),
            2 if !out.is_empty() => {
                out.remove(at);
            }
            3 if !out.is_empty() => {
                let end = (at + 1 + rng.below(8)).min(out.len());
                let span = out[at..end].to_vec();
                out.splice(at..at, span);
            }
            _ if !out.is_empty() => {
                out[at] = [0x00, 0x3f, 0x40, 0x7f, 0x80, 0xbf, 0xc0, 0xff][rng.below(8)]
            }
            _ => out.push(rng.next() as u8),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Part 1: the decoders.
// ---------------------------------------------------------------------------

/// What one decoder did with one input.
#[derive(Debug, Default)]
struct Tally {
    decoded: usize,
    refused: BTreeMap<&'static str, usize>,
}

fn class(error: &CodecError) -> &'static str {
    match error {
        CodecError::Truncated => "truncated",
        CodecError::TrailingBytes { .. } => "trailing bytes",
        CodecError::InvalidLength => "invalid length",
        CodecError::TooLarge { .. } => "too large",
        other => panic!("untyped decoding error: {other:?}"),
    }
}

/// Every public decoder of the crate, by name, as "bytes in, bytes that
/// re-encode out".
type Decoder = fn(&[u8]) -> Result<Vec<u8>, CodecError>;

fn decoders() -> Vec<(&'static str, Decoder)> {
    fn via<T>(bytes: &[u8]) -> Result<Vec<u8>, CodecError>
    where
        T: tls_codec::Deserialize + tls_codec::Serialize + codec::LengthLimits,
    {
        codec::encode(&decode_exact::<T>(bytes)?)
    }
    vec![
        ("ApplicationState", via::<ApplicationState>),
        (
            "ApplicationStatesExtension",
            via::<ApplicationStatesExtension>,
        ),
        ("AppSync", via::<AppSync>),
        ("decode_app_sync (custom proposal)", |bytes| {
            let proposal = CustomProposal::new(APP_SYNC_PROPOSAL_TYPE, bytes.to_vec());
            codec::encode(&decode_app_sync(&proposal)?)
        }),
        ("application_states (extension list)", |bytes| {
            let mut list = ExtensionList::new();
            list.set(Extension::new(
                APPLICATION_STATES_EXTENSION_TYPE,
                bytes.to_vec(),
            ));
            codec::encode(&ApplicationStatesExtension::new(application_states(&list)?))
        }),
        ("MlsExtension::from_bytes", |bytes| {
            ApplicationStatesExtension::from_bytes(bytes)?.to_bytes()
        }),
        ("MlsCustomProposal::from_custom_proposal", |bytes| {
            let proposal = CustomProposal::new(APP_SYNC_PROPOSAL_TYPE, bytes.to_vec());
            // The mls-rs adapter reports only "invalid content"; map it back
            // onto the exact decoder's verdict, which it must agree with.
            match AppSync::from_custom_proposal(&proposal) {
                Ok(value) => codec::encode(&value),
                Err(_) => Err(decode_exact::<AppSync>(bytes).expect_err("adapters agree")),
            }
        }),
        ("MlsDecode for AppSync", |bytes| {
            let mut reader = bytes;
            match AppSync::mls_decode(&mut reader) {
                // mls_decode reads a prefix; the rest is the caller's.
                Ok(value) => {
                    let used = bytes.len() - reader.len();
                    let encoded = codec::encode(&value)?;
                    assert_eq!(encoded, bytes[..used], "prefix re-encodes");
                    Ok(bytes.to_vec())
                }
                Err(_) => Err(decode_exact::<AppSync>(bytes)
                    .err()
                    .unwrap_or(CodecError::Truncated)),
            }
        }),
    ]
}

/// Runs every decoder on `input`: no panic, exact re-encoding, typed errors,
/// and no allocation larger than the input allows.
fn feed(input: &[u8], tallies: &mut BTreeMap<&'static str, Tally>) {
    for (name, decode) in decoders() {
        let (result, largest) = largest_allocation(|| decode(input));
        let bound = PREALLOCATION_CAP + 4 * input.len() + 64;
        assert!(
            largest <= bound,
            "{name}: allocated {largest} bytes for {} input bytes",
            input.len()
        );
        let tally = tallies.entry(name).or_default();
        match result {
            Ok(reencoded) => {
                assert_eq!(
                    reencoded, input,
                    "{name}: decodes but re-encodes differently"
                );
                tally.decoded += 1;
            }
            Err(error) => *tally.refused.entry(class(&error)).or_default() += 1,
        }
    }
}

fn valid_encodings() -> Vec<Vec<u8>> {
    let states = ApplicationStatesExtension::new(vec![
        ApplicationState::new(1, b"alpha".to_vec()),
        ApplicationState::new(2, vec![0x5a; 70]),
        ApplicationState::new(0xffff_ffff, Vec::new()),
    ]);
    vec![
        codec::encode(&AppSync::new(7, b"state".to_vec())).unwrap(),
        codec::encode(&AppSync::new(1, vec![0xab; 300])).unwrap(),
        codec::encode(&ApplicationState::new(3, vec![1; 64])).unwrap(),
        codec::encode(&states).unwrap(),
        codec::encode(&ApplicationStatesExtension::default()).unwrap(),
    ]
}

/// The MLS variable-length integer for `n`, in the form RFC 9420 allows, or
/// (for 2^30 and more) the 8-byte form QUIC has and RFC 9420 forbids.
fn varint(n: u64) -> Vec<u8> {
    match n {
        0..=0x3f => vec![n as u8],
        0x40..=0x3fff => ((n as u16) | 0x4000).to_be_bytes().to_vec(),
        0x4000..=0x3fff_ffff => ((n as u32) | 0x8000_0000).to_be_bytes().to_vec(),
        _ => (n | 0xc000_0000_0000_0000).to_be_bytes().to_vec(),
    }
}

#[test]
fn decoders_survive_random_bytes_and_mutations() {
    let mut rng = Rng(0x6170_7073_796e_6331);
    let mut tallies = BTreeMap::new();
    let mut inputs = 0;
    for _ in 0..2000 * scale() {
        let len = rng.below(64);
        feed(&rng.bytes(len), &mut tallies);
        inputs += 1;
    }
    for valid in valid_encodings() {
        feed(&valid, &mut tallies);
        for cut in 0..valid.len() {
            feed(&valid[..cut], &mut tallies);
        }
        for bit in 0..valid.len() * 8 {
            let mut flipped = valid.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            feed(&flipped, &mut tallies);
        }
        for _ in 0..300 * scale() {
            feed(&mutate(&mut rng, &valid), &mut tallies);
        }
        inputs += 1 + valid.len() * 9 + 300 * scale();
    }
    println!("{inputs} inputs per decoder");
    for (name, tally) in &tallies {
        println!(
            "  {name}: {} decoded, refused {:?}",
            tally.decoded, tally.refused
        );
        assert!(
            tally.decoded > 0,
            "{name}: nothing decoded, the test is blind"
        );
        assert!(tally.refused.len() >= 2, "{name}: too few error kinds");
    }
}

#[test]
fn huge_declared_lengths_over_short_buffers_allocate_nothing_big() {
    let mut tallies = BTreeMap::new();
    let mut cases = 0;
    for exponent in 29..=62u32 {
        for length in [
            1u64 << exponent,
            (1u64 << exponent) + 1,
            (1u64 << (exponent + 1)) - 1,
        ] {
            let prefix = varint(length);
            let tail = [0x41u8; 16];
            // The claim as the first length (a list), after an id (a state
            // blob), and inside a list entry.
            let mut as_list = prefix.clone();
            as_list.extend_from_slice(&tail);
            let mut as_state = 7u32.to_be_bytes().to_vec();
            as_state.extend_from_slice(&prefix);
            as_state.extend_from_slice(&tail);
            let mut in_entry = varint(5 + prefix.len() as u64 + 16);
            in_entry.extend_from_slice(&as_state);
            for input in [as_list, as_state, in_entry] {
                feed(&input, &mut tallies);
                let (result, largest) = largest_allocation(|| decode_exact::<AppSync>(&input));
                assert!(
                    result.is_err(),
                    "a {length}-byte claim over 16 bytes decoded"
                );
                assert!(
                    largest <= PREALLOCATION_CAP,
                    "{largest} bytes for a {length}-byte claim"
                );
                cases += 1;
            }
        }
    }
    println!("{cases} inputs with a declared length of 2^29 to 2^63-1 bytes");
    for (name, tally) in &tallies {
        println!(
            "  {name}: {} decoded, refused {:?}",
            tally.decoded, tally.refused
        );
        // `mls_decode` reads a prefix and leaves the rest to its caller, so
        // it may find an AppSync before the claim; the exact decoders never
        // may.
        if *name != "MlsDecode for AppSync" {
            assert_eq!(tally.decoded, 0, "{name}");
        }
    }
}

// ---------------------------------------------------------------------------
// Part 2: real messages, mutated on the way.
// ---------------------------------------------------------------------------

/// A receiver (member 1) as it is before the message, what it must look like
/// after the genuine message, and the genuine message itself.
struct Target {
    name: String,
    receiver: common::Group,
    client: common::Client,
    before: Fingerprint,
    genuine: Vec<u8>,
    after_genuine: common::Snapshot,
}

fn target(policy: WireFormatPolicy, kind: Kind) -> Target {
    let mut m: Members = group(3, states(&[(1, b"a"), (2, b"b")]));
    m.set_wire_format(policy);
    let message = genuine(&mut m, kind);
    let receiver = m.groups[1].clone();
    let before = fingerprint(&m.clients[1], &receiver);
    let mut reference = receiver.clone();
    reference
        .process(message.clone())
        .expect("genuine message accepted");
    Target {
        name: format!("{policy:?} {kind:?}"),
        receiver,
        client: m.clients[1].clone(),
        before,
        genuine: message.to_bytes().unwrap(),
        after_genuine: snapshot(&reference),
    }
}

/// Delivers `mutant`, then the genuine message, to a copy of the receiver.
/// Returns the mutant's rejection class, or `None` if the mutant equals the
/// genuine message.
fn attack(t: &Target, mutant: &[u8]) -> Option<RejectionReason> {
    if mutant == t.genuine.as_slice() {
        return None;
    }
    let mut receiver = t.receiver.clone();
    let rejected = match receiver.process_bytes(mutant) {
        Ok(processed) => panic!(
            "{}: mutant accepted as {processed:?}: {}",
            t.name,
            hex(mutant)
        ),
        Err(rejected) => rejected,
    };
    assert_ne!(
        rejected.reason,
        RejectionReason::UnauthorizedSender,
        "{}: a tampered message blamed on its sender: {}",
        t.name,
        rejected.error
    );
    assert_eq!(
        fingerprint(&t.client, &receiver),
        t.before,
        "{}: rejected mutant ({:?}) changed the receiver: {}",
        t.name,
        rejected.reason,
        hex(mutant)
    );
    match receiver.process_bytes(&t.genuine) {
        Ok(Processed::Commit { .. } | Processed::Proposal { .. } | Processed::Other) => {}
        Ok(other) => panic!("{}: unexpected outcome {other:?}", t.name),
        Err(lost) => panic!(
            "{}: genuine message lost after a {:?} mutant: {}",
            t.name, rejected.reason, lost.error
        ),
    }
    assert_eq!(snapshot(&receiver), t.after_genuine, "{}", t.name);
    Some(rejected.reason)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every single-bit flip, every truncation, appended bytes and random
/// mutations of one message.
fn attack_all(policy: WireFormatPolicy, kind: Kind) {
    let t = target(policy, kind);
    let mut reasons: BTreeMap<RejectionReason, usize> = BTreeMap::new();
    let mut count = |reason: Option<RejectionReason>| {
        if let Some(reason) = reason {
            *reasons.entry(reason).or_default() += 1;
        }
    };
    let len = t.genuine.len();
    for bit in 0..len * 8 {
        let mut flipped = t.genuine.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        count(attack(&t, &flipped));
    }
    for cut in 0..len {
        count(attack(&t, &t.genuine[..cut]));
    }
    for extra in [&[0u8][..], &[0xff], &[0; 16]] {
        count(attack(&t, &[t.genuine.as_slice(), extra].concat()));
    }
    let mut rng = Rng(len as u64);
    for _ in 0..100 * scale() {
        count(attack(&t, &mutate(&mut rng, &t.genuine)));
    }
    let total: usize = reasons.values().sum();
    println!(
        "{}: {len} bytes, {total} mutants rejected: {reasons:?}",
        t.name
    );
    assert!(total >= len * 9, "{}: too few mutants", t.name);
}

#[test]
fn mutated_private_commits_cost_nothing() {
    attack_all(WireFormatPolicy::Private, Kind::Commit);
}

#[test]
fn mutated_private_proposals_cost_nothing() {
    attack_all(WireFormatPolicy::Private, Kind::Proposal);
}

#[test]
fn mutated_application_messages_cost_nothing() {
    attack_all(WireFormatPolicy::Private, Kind::Application);
}

#[test]
fn mutated_public_commits_cost_nothing() {
    attack_all(WireFormatPolicy::Public, Kind::Commit);
}

#[test]
fn mutated_public_proposals_cost_nothing() {
    attack_all(WireFormatPolicy::Public, Kind::Proposal);
}

#[test]
fn random_bytes_are_malformed_messages() {
    let t = target(WireFormatPolicy::Private, Kind::Commit);
    let mut rng = Rng(0x6d6c_7321);
    let mut reasons: BTreeMap<RejectionReason, usize> = BTreeMap::new();
    for _ in 0..500 * scale() {
        let len = rng.below(200);
        if let Some(reason) = attack(&t, &rng.bytes(len)) {
            *reasons.entry(reason).or_default() += 1;
        }
    }
    println!("random bytes: {reasons:?}");
    assert!(reasons.contains_key(&RejectionReason::MalformedMessage));
    let _ = MlsMessage::from_bytes(&t.genuine).unwrap();
}
