//! Byte-exact known answers, round trips and typed decode errors for the
//! wire structures (R1, R2). Expected bytes are written by hand from the TLS
//! presentation language: uint32 big-endian; `<V>` lengths are the RFC 9420
//! varint (1 byte below 64, 2 bytes 0x40.. below 16384, 4 bytes 0x80..).

use mls_appsync::codec::{
    StateRef, decode_exact, encode, encode_states, read_app_sync, read_states,
};
use mls_appsync::extension::{IndexedStates, application_states, with_application_states};
use mls_appsync::mls_rs::ExtensionList;
use mls_appsync::mls_rs::group::proposal::{MlsCustomProposal, Proposal};
use mls_appsync::mls_rs::mls_rs_codec::MlsDecode;
use mls_appsync::mls_rs::mls_rs_codec::MlsEncode;
use mls_appsync::{AppSync, ApplicationState, ApplicationStatesExtension, CodecError};
use mls_rs_core::extension::{Extension, MlsExtension};
use proptest::prelude::*;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn app_sync_with_empty_state() {
    let bytes = encode(&AppSync::new(1, Vec::new())).unwrap();
    assert_eq!(hex(&bytes), "0000000100");
}

#[test]
fn app_sync_with_short_state_and_big_endian_id() {
    let bytes = encode(&AppSync::new(0x0102_0304, b"abc".to_vec())).unwrap();
    assert_eq!(hex(&bytes), "0102030403616263");
}

#[test]
fn one_byte_length_up_to_63() {
    let bytes = encode(&AppSync::new(0xFFFF_FFFF, vec![0xAB; 63])).unwrap();
    assert_eq!(&bytes[..5], &[0xFF, 0xFF, 0xFF, 0xFF, 0x3F]);
    assert_eq!(bytes.len(), 4 + 1 + 63);
}

#[test]
fn two_byte_length_from_64() {
    let bytes = encode(&AppSync::new(7, vec![0xAA; 64])).unwrap();
    assert_eq!(&bytes[..6], &[0, 0, 0, 7, 0x40, 0x40]);
    assert_eq!(bytes.len(), 4 + 2 + 64);
}

#[test]
fn two_byte_length_up_to_16383() {
    let bytes = encode(&ApplicationState::new(2, vec![0; 16383])).unwrap();
    assert_eq!(&bytes[..6], &[0, 0, 0, 2, 0x7F, 0xFF]);
    assert_eq!(bytes.len(), 4 + 2 + 16383);
}

#[test]
fn four_byte_length_from_16384() {
    let bytes = encode(&ApplicationState::new(3, vec![0x11; 16384])).unwrap();
    assert_eq!(&bytes[..8], &[0, 0, 0, 3, 0x80, 0x00, 0x40, 0x00]);
    assert_eq!(bytes.len(), 4 + 4 + 16384);
    assert_eq!(
        decode_exact::<ApplicationState>(&bytes)
            .unwrap()
            .state()
            .len(),
        16384
    );
}

#[test]
fn empty_extension() {
    let bytes = encode(&ApplicationStatesExtension::default()).unwrap();
    assert_eq!(hex(&bytes), "00");
}

#[test]
fn extension_with_two_entries_keeps_list_order() {
    let ext = ApplicationStatesExtension::new(vec![
        ApplicationState::new(2, b"x".to_vec()),
        ApplicationState::new(1, Vec::new()),
    ]);
    let bytes = encode(&ext).unwrap();
    // 11 bytes of content: 00000002 01 78 | 00000001 00
    assert_eq!(hex(&bytes), "0b".to_owned() + "000000020178" + "0000000100");
    assert_eq!(
        decode_exact::<ApplicationStatesExtension>(&bytes).unwrap(),
        ext
    );
}

#[test]
fn extension_with_two_byte_vector_length() {
    // 13 entries of 5 bytes = 65 bytes of content.
    let states: Vec<_> = (0..13)
        .map(|i| ApplicationState::new(i, Vec::new()))
        .collect();
    let bytes = encode(&ApplicationStatesExtension::new(states)).unwrap();
    assert_eq!(&bytes[..2], &[0x40, 65]);
    assert_eq!(bytes.len(), 2 + 65);
}

#[test]
fn mls_rs_frames_app_sync_inside_an_opaque_vector() {
    // uint16 proposal type 0xF0A6, then opaque data<V> holding the AppSync.
    let proposal = AppSync::new(1, b"a".to_vec()).to_custom_proposal().unwrap();
    let bytes = Proposal::Custom(proposal).mls_encode_to_vec().unwrap();
    assert_eq!(hex(&bytes), "f0a6".to_owned() + "06" + "0000000101" + "61");
    let decoded = Proposal::mls_decode(&mut &*bytes).unwrap();
    let Proposal::Custom(custom) = decoded else {
        panic!("not custom")
    };
    assert_eq!(
        AppSync::from_custom_proposal(&custom).unwrap(),
        AppSync::new(1, b"a".to_vec())
    );
}

#[test]
fn extension_registered_with_mls_rs_is_exact() {
    let ext = ApplicationStatesExtension::new(vec![ApplicationState::new(9, b"s".to_vec())]);
    let mut list = ExtensionList::new();
    list.set_from(ext.clone()).unwrap();
    let raw = list
        .get(<ApplicationStatesExtension as MlsExtension>::extension_type())
        .unwrap();
    assert_eq!(
        raw.extension_type,
        mls_appsync::constants::APPLICATION_STATES_EXTENSION_TYPE
    );
    assert_eq!(hex(&raw.extension_data), "06000000090173");
    assert_eq!(application_states(&list).unwrap(), ext.states().to_vec());

    // Trailing bytes inside the extension data are refused.
    let mut data = raw.extension_data.clone();
    data.push(0);
    let mut bad = ExtensionList::new();
    bad.set(Extension::new(raw.extension_type, data));
    assert_eq!(
        application_states(&bad),
        Err(CodecError::TrailingBytes { count: 1 })
    );
}

#[test]
fn missing_extension_reads_as_empty_list_and_can_be_added() {
    let empty = ExtensionList::new();
    assert_eq!(application_states(&empty).unwrap(), vec![]);
    let states = vec![ApplicationState::new(4, b"q".to_vec())];
    let list = with_application_states(&empty, states.clone()).unwrap();
    assert_eq!(application_states(&list).unwrap(), states);
}

#[test]
fn custom_proposal_with_trailing_bytes_is_refused() {
    let mut data = encode(&AppSync::new(1, Vec::new())).unwrap();
    data.push(0xFF);
    let custom = mls_appsync::mls_rs::group::proposal::CustomProposal::new(
        mls_appsync::constants::APP_SYNC_PROPOSAL_TYPE,
        data,
    );
    assert_eq!(
        mls_appsync::proposal::decode_app_sync(&custom),
        Err(CodecError::TrailingBytes { count: 1 })
    );
    assert!(AppSync::from_custom_proposal(&custom).is_err());
}

#[test]
fn empty_input_is_truncated() {
    assert_eq!(decode_exact::<AppSync>(&[]), Err(CodecError::Truncated));
    assert_eq!(
        decode_exact::<ApplicationStatesExtension>(&[]),
        Err(CodecError::Truncated)
    );
}

#[test]
fn truncated_id_is_truncated() {
    assert_eq!(
        decode_exact::<AppSync>(&[0, 0, 0]),
        Err(CodecError::Truncated)
    );
}

#[test]
fn trailing_bytes_are_counted() {
    assert_eq!(
        decode_exact::<AppSync>(&[0, 0, 0, 1, 0, 9, 9]),
        Err(CodecError::TrailingBytes { count: 2 })
    );
}

#[test]
fn length_beyond_input_is_truncated() {
    // Announces 5 bytes, holds 3.
    assert_eq!(
        decode_exact::<AppSync>(&[0, 0, 0, 1, 5, b'a', b'b', b'c']),
        Err(CodecError::Truncated)
    );
    // Announces 2^30 - 1 bytes, holds 1.
    assert_eq!(
        decode_exact::<AppSync>(&[0, 0, 0, 1, 0xBF, 0xFF, 0xFF, 0xFF, 0]),
        Err(CodecError::Truncated)
    );
}

#[test]
fn element_crossing_the_vector_end_is_truncated() {
    // The vector announces 5 bytes, its only element needs 7.
    let bytes = [5, 0, 0, 0, 1, 2, b'a', b'b'];
    assert_eq!(
        decode_exact::<ApplicationStatesExtension>(&bytes),
        Err(CodecError::Truncated)
    );
}

#[test]
fn eight_byte_length_is_invalid() {
    // 0xC0 prefix: a 62-bit varint, not allowed for MLS vectors.
    let mut bytes = vec![0, 0, 0, 1, 0xC0, 0, 0, 0, 0, 0, 0, 1, b'a'];
    assert_eq!(
        decode_exact::<AppSync>(&bytes),
        Err(CodecError::InvalidLength)
    );
    bytes[4..12].copy_from_slice(&[0xC0, 0, 0, 0, 0x40, 0, 0, 0]);
    assert_eq!(
        decode_exact::<AppSync>(&bytes[..12]),
        Err(CodecError::InvalidLength)
    );
}

#[test]
fn non_minimal_lengths_are_invalid() {
    // Three bytes of state with a 2-byte and a 4-byte length.
    assert_eq!(
        decode_exact::<AppSync>(&[0, 0, 0, 1, 0x40, 0x03, b'a', b'b', b'c']),
        Err(CodecError::InvalidLength)
    );
    assert_eq!(
        decode_exact::<AppSync>(&[0, 0, 0, 1, 0x80, 0, 0, 0x03, b'a', b'b', b'c']),
        Err(CodecError::InvalidLength)
    );
    // Empty state with a 2-byte zero length.
    assert_eq!(
        decode_exact::<AppSync>(&[0, 0, 0, 1, 0x40, 0x00]),
        Err(CodecError::InvalidLength)
    );
    // Same for the vector length of the extension.
    assert_eq!(
        decode_exact::<ApplicationStatesExtension>(&[0x40, 0x05, 0, 0, 0, 1, 0]),
        Err(CodecError::InvalidLength)
    );
}

fn app_sync() -> impl Strategy<Value = AppSync> {
    (any::<u32>(), prop::collection::vec(any::<u8>(), 0..200))
        .prop_map(|(id, s)| AppSync::new(id, s))
}

fn state() -> impl Strategy<Value = ApplicationState> {
    (any::<u32>(), prop::collection::vec(any::<u8>(), 0..100))
        .prop_map(|(id, s)| ApplicationState::new(id, s))
}

fn extension() -> impl Strategy<Value = ApplicationStatesExtension> {
    prop::collection::vec(state(), 0..20).prop_map(ApplicationStatesExtension::new)
}

proptest! {
    #[test]
    fn app_sync_round_trips(value in app_sync()) {
        let bytes = encode(&value).unwrap();
        prop_assert_eq!(decode_exact::<AppSync>(&bytes).unwrap(), value.clone());
        // Same bytes through the mls-rs custom proposal adapter.
        let custom = value.to_custom_proposal().unwrap();
        prop_assert_eq!(custom.data(), &bytes[..]);
        prop_assert_eq!(AppSync::from_custom_proposal(&custom).unwrap(), value);
    }

    #[test]
    fn extension_round_trips(value in extension()) {
        let bytes = encode(&value).unwrap();
        prop_assert_eq!(decode_exact::<ApplicationStatesExtension>(&bytes).unwrap(), value);
    }

    #[test]
    fn every_strict_prefix_is_truncated(value in extension()) {
        let bytes = encode(&value).unwrap();
        for cut in 0..bytes.len() {
            prop_assert_eq!(
                decode_exact::<ApplicationStatesExtension>(&bytes[..cut]),
                Err(CodecError::Truncated)
            );
        }
    }

    #[test]
    fn extra_bytes_are_trailing(value in app_sync(), extra in prop::collection::vec(any::<u8>(), 1..10)) {
        let mut bytes = encode(&value).unwrap();
        bytes.extend_from_slice(&extra);
        prop_assert_eq!(
            decode_exact::<AppSync>(&bytes),
            Err(CodecError::TrailingBytes { count: extra.len() })
        );
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = decode_exact::<AppSync>(&bytes);
        let _ = decode_exact::<ApplicationStatesExtension>(&bytes);
    }
}

// Reading in place (`read_app_sync`, `read_states`) and encoding entries as
// they are (`encode_states`) must agree with the tls_codec structures on
// every input: same verdict, same error, same bytes.

/// A blob whose length needs a 1-, 2- or 4-byte length prefix.
fn blob() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..70),
        prop::collection::vec(any::<u8>(), 16_380..16_390),
    ]
}

fn big_extension() -> impl Strategy<Value = ApplicationStatesExtension> {
    prop::collection::vec((any::<u32>(), blob()), 0..6).prop_map(|entries| {
        ApplicationStatesExtension::new(
            entries
                .into_iter()
                .map(|(id, s)| ApplicationState::new(id, s))
                .collect(),
        )
    })
}

/// `bytes` after some edits: bytes overwritten, then cut or extended.
fn mutated(bytes: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = bytes.len().max(1);
    (
        prop::collection::vec((0..len, any::<u8>()), 0..3),
        prop_oneof![Just(None), (0..len).prop_map(Some),],
        prop::collection::vec(any::<u8>(), 0..3),
    )
        .prop_map(move |(edits, cut, extra)| {
            let mut out = bytes.clone();
            for (at, value) in edits {
                if let Some(byte) = out.get_mut(at) {
                    *byte = value;
                }
            }
            if let Some(cut) = cut {
                out.truncate(cut);
            }
            out.extend(extra);
            out
        })
}

fn app_sync_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..24),
        (any::<u32>(), blob())
            .prop_map(|(id, s)| encode(&AppSync::new(id, s)).unwrap())
            .prop_flat_map(mutated),
    ]
}

fn states_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..40),
        big_extension()
            .prop_map(|e| encode(&e).unwrap())
            .prop_flat_map(mutated),
    ]
}

proptest! {
    #[test]
    fn reading_an_app_sync_in_place_agrees_with_decoding(bytes in app_sync_bytes()) {
        match (read_app_sync(&bytes), decode_exact::<AppSync>(&bytes)) {
            (Ok(in_place), Ok(decoded)) => {
                prop_assert_eq!(in_place.encoded(), &bytes[..]);
                prop_assert_eq!(in_place.to_owned_app_sync(), decoded);
            }
            (Err(in_place), Err(decoded)) => prop_assert_eq!(in_place, decoded),
            (in_place, decoded) => {
                prop_assert!(false, "in place {:?}, decoded {:?}", in_place, decoded)
            }
        }
    }

    #[test]
    fn reading_states_in_place_agrees_with_decoding(bytes in states_bytes()) {
        let in_place = read_states(&bytes).map(|entries| {
            entries.iter().map(StateRef::to_owned_state).collect::<Vec<_>>()
        });
        let decoded = decode_exact::<ApplicationStatesExtension>(&bytes)
            .map(ApplicationStatesExtension::into_states);
        prop_assert_eq!(in_place, decoded);
    }

    #[test]
    fn encoding_entries_in_place_gives_the_same_bytes(value in big_extension()) {
        let bytes = encode(&value).unwrap();
        let entries = read_states(&bytes).unwrap();
        prop_assert_eq!(encode_states(&entries).unwrap(), bytes);
    }

    #[test]
    fn applying_in_place_gives_the_bytes_of_the_owned_list(
        value in big_extension(),
        syncs in prop::collection::vec((any::<prop::sample::Index>(), blob()), 0..4),
    ) {
        let bytes = encode(&value).unwrap();
        let mut indexed = match IndexedStates::new(read_states(&bytes).unwrap()) {
            Ok(indexed) => indexed,
            Err(_) => return Ok(()), // a repeated id: not a list the rules apply to
        };
        let mut expected = value.into_states();
        let encoded: Vec<Vec<u8>> = syncs
            .iter()
            .filter(|_| !expected.is_empty())
            .map(|(at, s)| {
                let id = expected[at.index(expected.len())].application_id();
                encode(&AppSync::new(id, s.clone())).unwrap()
            })
            .collect();
        for bytes in &encoded {
            let app_sync = read_app_sync(bytes).unwrap();
            prop_assert!(indexed.apply(app_sync, false));
            let entry = expected
                .iter_mut()
                .find(|e| e.application_id() == app_sync.application_id())
                .unwrap();
            *entry = ApplicationState::new(app_sync.application_id(), app_sync.new_state());
        }
        prop_assert_eq!(indexed.to_owned_entries(), expected.clone());
        prop_assert_eq!(
            indexed.encode().unwrap(),
            encode(&ApplicationStatesExtension::new(expected)).unwrap()
        );
    }
}

#[test]
fn in_place_reading_refuses_what_decoding_refuses() {
    // Non-minimal and 8-byte lengths, a 2^30 length, truncation, trailing bytes.
    for bytes in [
        &[0, 0, 0, 1, 0x40, 0x01, 0xAA][..],
        &[0, 0, 0, 1, 0xC0, 0, 0, 0, 0, 0, 0, 1, 0xAA],
        &[0, 0, 0, 1, 0xC0, 0, 0, 0, 0x40, 0, 0, 0],
        &[0, 0, 0, 1, 0x80, 0, 0],
        &[0, 0, 0, 1, 0x01, 0xAA, 0xBB],
        &[0, 0, 1],
    ] {
        let in_place = read_app_sync(bytes).map(|a| a.to_owned_app_sync());
        assert_eq!(in_place, decode_exact::<AppSync>(bytes), "{}", hex(bytes));
        assert!(in_place.is_err());
    }
    for bytes in [
        &[0x05, 0, 0, 0, 1, 0x01][..],
        &[0x06, 0, 0, 0, 1, 0x00, 0x00],
        &[0x40, 0x05, 0, 0, 0, 1, 0x00],
        &[0x05, 0, 0, 0, 1, 0x00, 0xFF],
        &[0x02, 0, 0, 0, 1, 0x00],
    ] {
        let in_place =
            read_states(bytes).map(|e| e.iter().map(StateRef::to_owned_state).collect::<Vec<_>>());
        let decoded = decode_exact::<ApplicationStatesExtension>(bytes)
            .map(ApplicationStatesExtension::into_states);
        assert_eq!(in_place, decoded, "{}", hex(bytes));
        assert!(in_place.is_err());
    }
}
