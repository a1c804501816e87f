//! The committed AppSync vectors verify against this implementation, and the
//! verifier notices tampering (so a pass means something).
use std::path::PathBuf;

use appsync_checks::cli::vectors::{CODEC_FILE, PROCESSING_FILE, Verified, verify};
use appsync_checks::vectors::VectorError;
use appsync_checks::vectors::codec::{self, CodecVectors};
use appsync_checks::vectors::processing::{ProcessingCase, ProcessingEpoch, verify_case};
use appsync_checks::vectors::read_json;
use mls_rs_crypto_rustcrypto::RustCryptoProvider;

fn committed(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../vectors")
        .join(name)
}

#[test]
fn committed_codec_vectors_verify() {
    match verify(&committed(CODEC_FILE)).expect("codec vectors verify") {
        Verified::Codec(counts) => {
            assert_eq!((counts.values, counts.invalid), (17, 12));
        }
        other => panic!("not a codec file: {other:?}"),
    }
}

#[test]
fn committed_processing_vectors_verify() {
    match verify(&committed(PROCESSING_FILE)).expect("processing file loads") {
        Verified::Processing(cases) => {
            let suites: Vec<u16> = cases.iter().map(|(s, _)| *s).collect();
            assert_eq!(suites, vec![1, 2, 3, 7]);
            for (suite, outcome) in cases {
                assert_eq!(outcome.expect("case passes"), 6, "suite {suite}");
            }
        }
        other => panic!("not a processing file: {other:?}"),
    }
}

/// Verifies the committed suite-1 case after `edit`, which must break it.
fn verify_tampered(edit: impl FnOnce(&mut ProcessingCase)) -> VectorError {
    let cases: Vec<ProcessingCase> = read_json(&committed(PROCESSING_FILE)).unwrap();
    let mut case = cases.into_iter().next().unwrap();
    edit(&mut case);
    verify_case(&case, RustCryptoProvider::default()).unwrap_err()
}

/// The epoch that carries invalid messages.
fn epoch_with_invalid(case: &mut ProcessingCase) -> &mut ProcessingEpoch {
    case.epochs
        .iter_mut()
        .find(|e| !e.messages.invalid.is_empty())
        .unwrap()
}

#[test]
fn tampered_application_states_are_caught() {
    let error = verify_tampered(|case| {
        *case.epochs[0].application_states.0.last_mut().unwrap() ^= 1;
    });
    assert!(
        matches!(
            error,
            VectorError::Mismatch {
                what: "application_states",
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn tampered_epoch_authenticator_is_caught() {
    let error = verify_tampered(|case| case.epochs[2].epoch_authenticator.0[0] ^= 1);
    assert!(
        matches!(
            error,
            VectorError::Mismatch {
                what: "epoch_authenticator",
                ..
            }
        ),
        "{error}"
    );
}

#[test]
fn wrong_rejection_reason_is_caught() {
    let error = verify_tampered(|case| {
        epoch_with_invalid(case).messages.invalid[0].reason = "unknown_application_id".into();
    });
    assert!(
        matches!(error, VectorError::WrongRejection { .. }),
        "{error}"
    );
}

#[test]
fn accepted_invalid_message_is_caught() {
    let error = verify_tampered(|case| {
        let epoch = epoch_with_invalid(case);
        epoch.messages.invalid[0].message = epoch.messages.commit.clone();
    });
    assert!(
        matches!(error, VectorError::UnexpectedAccept { .. }),
        "{error}"
    );
}

#[test]
fn tampered_codec_bytes_are_caught() {
    let mut vectors: CodecVectors = read_json(&committed(CODEC_FILE)).unwrap();
    vectors.app_sync[2].encoded.0[4] ^= 0x40;
    assert!(codec::verify(&vectors).is_err());

    let mut vectors: CodecVectors = read_json(&committed(CODEC_FILE)).unwrap();
    vectors.invalid[0].encoded = vectors.app_sync[0].encoded.clone();
    assert!(codec::verify(&vectors).is_err());
}

#[test]
fn fresh_vectors_verify() {
    let vectors = codec::generate().unwrap();
    codec::verify(&vectors).unwrap();
    let case =
        appsync_checks::vectors::processing::generate_case(mls_rs::CipherSuite::from(1)).unwrap();
    verify_case(&case, RustCryptoProvider::default()).unwrap();
}
