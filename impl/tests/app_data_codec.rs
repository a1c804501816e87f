//! The successor's decoders on hostile input: every truncation and bit flip
//! of valid encodings, and random bytes. None panics; every failure is a
//! typed error (never the catch-all); whatever decodes re-encodes to the
//! same bytes.

use mls_appsync::app_data::codec::{AppDataUpdateDecodeError, decode_app_data_update};
use mls_appsync::app_data::{
    AppDataDictionary, AppDataUpdate, Cas, CasUpdate, Component, ComponentData, ComponentRefusal,
    Dictionary, DictionaryDefect,
};
use mls_appsync::codec::{CodecError, decode_exact, encode};

/// Truncations, single-bit flips and 500 pseudo-random strings (fixed seed).
fn mutants(valid: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = (0..valid.len()).map(|n| valid[..n].to_vec()).collect();
    for bit in 0..valid.len() * 8 {
        let mut flipped = valid.to_vec();
        flipped[bit / 8] ^= 1 << (bit % 8);
        out.push(flipped);
    }
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..500 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        let len = (state >> 59) as usize;
        out.push(
            (0..len)
                .map(|i| (state.rotate_left(i as u32 * 8) & 0xff) as u8)
                .collect(),
        );
    }
    out
}

fn typed(error: &CodecError) -> bool {
    !matches!(error, CodecError::Malformed(_))
}

#[test]
fn app_data_update_decoding_is_exact_and_typed() {
    for valid in [
        AppDataUpdate::update(0x1234, b"hello".to_vec()),
        AppDataUpdate::remove(7),
    ] {
        let bytes = encode(&valid).unwrap();
        assert_eq!(decode_app_data_update(&bytes), Ok(valid));
        for mutant in mutants(&bytes) {
            match decode_app_data_update(&mutant) {
                Ok(decoded) => assert_eq!(encode(&decoded).unwrap(), mutant),
                Err(AppDataUpdateDecodeError::InvalidOperation(op)) => {
                    assert!(!matches!(op, 1 | 2))
                }
                Err(AppDataUpdateDecodeError::Codec(e)) => assert!(typed(&e), "{e:?}"),
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
    }
}

#[test]
fn dictionary_decoding_is_exact_typed_and_checked_for_order() {
    let valid = AppDataDictionary::new(vec![
        ComponentData::new(1, b"a".to_vec()),
        ComponentData::new(2, b"bb".to_vec()),
        ComponentData::new(300, Vec::new()),
    ]);
    let bytes = encode(&valid).unwrap();
    for mutant in mutants(&bytes) {
        match decode_exact::<AppDataDictionary>(&mutant) {
            Ok(decoded) => {
                assert_eq!(encode(&decoded).unwrap(), mutant);
                // Every decoded list is either a dictionary or refused with
                // the defect that makes it none.
                if let Err(defect) = Dictionary::new(decoded.into_entries()) {
                    assert!(matches!(
                        defect,
                        DictionaryDefect::RepeatedComponentId(_)
                            | DictionaryDefect::Unsorted { .. }
                    ));
                }
            }
            Err(e) => assert!(typed(&e), "{e:?}"),
        }
    }
}

#[test]
fn cas_updates_that_do_not_decode_are_refused_as_malformed() {
    let bytes = CasUpdate::new(Some(b"read"), b"new".to_vec())
        .encode()
        .unwrap();
    assert_eq!(Cas.apply(Some(b"read"), &bytes), Ok(b"new".to_vec()));
    for mutant in mutants(&bytes) {
        match Cas.apply(Some(b"read"), &mutant) {
            Ok(_) => assert_eq!(
                CasUpdate::decode(&mutant).unwrap().encode().unwrap(),
                mutant
            ),
            Err(ComponentRefusal::Malformed(e)) => assert!(typed(&e), "{e:?}"),
            Err(ComponentRefusal::Conflict | ComponentRefusal::InvalidDigestLength(_)) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
}
