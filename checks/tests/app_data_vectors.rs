//! The committed AppDataUpdate vectors verify against this implementation,
//! fresh ones too, and the verifier notices tampering (so a pass means
//! something).
use std::path::PathBuf;

use appsync_checks::cli::vectors::{
    APP_DATA_CODEC_FILE, APP_DATA_PROCESSING_FILE, Verified, verify,
};
use appsync_checks::vectors::VectorError;
use appsync_checks::vectors::app_data_codec::{self, AppDataCodecVectors};
use appsync_checks::vectors::app_data_generate::{CAS_ID, generate_cases};
use appsync_checks::vectors::app_data_processing::{
    AppDataEpoch, AppDataProcessingVectors, verify_case,
};
use appsync_checks::vectors::read_json;
use mls_rs_crypto_rustcrypto::RustCryptoProvider;

fn committed(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../vectors")
        .join(name)
}

fn processing() -> AppDataProcessingVectors {
    read_json(&committed(APP_DATA_PROCESSING_FILE)).unwrap()
}

fn codec() -> AppDataCodecVectors {
    read_json(&committed(APP_DATA_CODEC_FILE)).unwrap()
}

#[test]
fn committed_codec_vectors_verify() {
    match verify(&committed(APP_DATA_CODEC_FILE)).expect("codec vectors verify") {
        Verified::AppDataCodec(counts) => {
            assert_eq!((counts.values, counts.invalid), (26, 24));
        }
        other => panic!("not an AppDataUpdate codec file: {other:?}"),
    }
}

#[test]
fn committed_processing_vectors_verify() {
    match verify(&committed(APP_DATA_PROCESSING_FILE)).expect("processing file loads") {
        Verified::AppDataProcessing(cases) => {
            let suites: Vec<u16> = cases.iter().map(|(s, _, _)| *s).collect();
            assert_eq!(suites, vec![1, 1, 2, 2, 3, 3, 7, 7]);
            for (suite, scenario, outcome) in cases {
                let epochs = outcome.unwrap_or_else(|e| panic!("suite {suite}, {scenario}: {e}"));
                assert_eq!(epochs, if scenario.contains("without") { 5 } else { 8 });
            }
        }
        other => panic!("not an AppDataUpdate processing file: {other:?}"),
    }
}

/// Verifies the committed first case (suite 1, the dictionary group) after
/// `edit`, which must break it.
fn verify_tampered(edit: impl FnOnce(&mut AppDataProcessingVectors)) -> VectorError {
    let mut vectors = processing();
    edit(&mut vectors);
    verify_case(
        &vectors.components,
        &vectors.cases[0],
        RustCryptoProvider::default(),
    )
    .unwrap_err()
}

fn epoch_with_invalid(vectors: &mut AppDataProcessingVectors) -> &mut AppDataEpoch {
    vectors.cases[0]
        .epochs
        .iter_mut()
        .rfind(|e| !e.messages.invalid.is_empty())
        .unwrap()
}

type Edit = fn(&mut AppDataProcessingVectors);
/// What the verifier must say about an edited file.
type Expect = fn(&VectorError) -> bool;

#[test]
fn tampered_processing_vectors_are_caught() {
    let flip_dictionary: Edit = |v| {
        let dictionary = v.cases[0].epochs[1].app_data_dictionary.as_mut().unwrap();
        *dictionary.0.last_mut().unwrap() ^= 1;
    };
    let flip_authenticator: Edit = |v| v.cases[0].epochs[3].epoch_authenticator.0[0] ^= 1;
    let wrong_reason: Edit = |v| {
        epoch_with_invalid(v).messages.invalid[0].rejected.reason = "several_removes".into();
    };
    let genuine_as_invalid: Edit = |v| {
        let messages = &mut epoch_with_invalid(v).messages;
        messages.invalid[0].rejected.message = messages.commit.clone();
    };
    // Without the cas component, the first commit that updates component 5
    // is refused: a passive client must install what the file says.
    let no_cas: Edit = |v| v.components.cas.retain(|&id| id != CAS_ID);
    let cases: [(Edit, Expect); 5] = [
        (flip_dictionary, |e| {
            matches!(
                e,
                VectorError::Mismatch {
                    what: "app_data_dictionary",
                    ..
                }
            )
        }),
        (flip_authenticator, |e| {
            matches!(
                e,
                VectorError::Mismatch {
                    what: "epoch_authenticator",
                    ..
                }
            )
        }),
        (wrong_reason, |e| {
            matches!(e, VectorError::WrongRejection { .. })
        }),
        (genuine_as_invalid, |e| {
            matches!(e, VectorError::UnexpectedAccept { .. })
        }),
        (no_cas, |e| matches!(e, VectorError::Mls { .. })),
    ];
    for (i, (edit, caught)) in cases.into_iter().enumerate() {
        let error = verify_tampered(edit);
        assert!(caught(&error), "edit {i}: {error}");
    }
}

#[test]
fn tampered_codec_vectors_are_caught() {
    let mut vectors = codec();
    vectors.app_data_update[2].encoded.0[3] ^= 0x40;
    assert!(app_data_codec::verify(&vectors).is_err());

    let mut vectors = codec();
    vectors.proposal[0].encoded = vectors.proposal[0].mls_rs_custom_proposal.clone();
    assert!(app_data_codec::verify(&vectors).is_err());

    let mut vectors = codec();
    vectors.invalid[0].encoded = vectors.component_data[0].encoded.clone().unwrap();
    assert!(app_data_codec::verify(&vectors).is_err());

    // A dictionary listed as valid must be sorted.
    let mut vectors = codec();
    vectors.app_data_dictionary[2].component_data.swap(0, 1);
    assert!(app_data_codec::verify(&vectors).is_err());
}

#[test]
fn fresh_vectors_verify() {
    let vectors = app_data_codec::generate().unwrap();
    app_data_codec::verify(&vectors).unwrap();
    let components = processing().components;
    for case in generate_cases(mls_rs::CipherSuite::from(1)).unwrap() {
        verify_case(&components, &case, RustCryptoProvider::default()).unwrap();
    }
}
