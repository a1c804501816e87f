//! `appsync vectors ...`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use mls_rs::CipherSuite;
use mls_rs_crypto_rustcrypto::RustCryptoProvider;

use crate::vectors::codec::{self, CodecVectors};
use crate::vectors::processing::{self, GENERATED_SUITES, ProcessingCase};
use crate::vectors::rfc9420::{self, Provider};
use crate::vectors::{VectorError, read_json, write_json};

/// Test-vector commands.
#[derive(Debug, Subcommand)]
pub enum VectorsCommand {
    /// Run an RFC 9420 passive-client vector file (the MLS working group's
    /// `passive-client-*.json` format) through the AppSync client.
    Rfc9420 {
        /// The vector files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The crypto provider (run both to cover suites 1, 2, 3, 5, 7).
        #[arg(long, value_enum, default_value = "rust-crypto")]
        provider: Provider,
    },
    /// Write fresh AppSync vectors: `appsync-codec.json` and
    /// `appsync-processing.json`.
    Generate {
        /// The folder to write into.
        #[arg(long, default_value = "vectors")]
        out: PathBuf,
    },
    /// Check AppSync vector files (codec or processing) against this
    /// implementation.
    Verify {
        /// The vector files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// File names of the AppSync vectors.
pub const CODEC_FILE: &str = "appsync-codec.json";
/// See [`CODEC_FILE`].
pub const PROCESSING_FILE: &str = "appsync-processing.json";

/// Runs a vectors command.
pub fn run(command: VectorsCommand) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let mut stdout = std::io::stdout().lock();
    match command {
        VectorsCommand::Rfc9420 { files, provider } => {
            let mut ok = true;
            for file in files {
                let report = rfc9420::run_file(&file, provider)?;
                writeln!(stdout, "{} ({})", file.display(), provider.name())?;
                write!(stdout, "{}", report.table())?;
                for (index, error) in &report.failures {
                    writeln!(stdout, "  FAILED case {index}: {error}")?;
                }
                ok &= report.failures.is_empty();
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        VectorsCommand::Generate { out } => {
            std::fs::create_dir_all(&out)?;
            let codec_vectors = codec::generate()?;
            write_json(&out.join(CODEC_FILE), &codec_vectors)?;
            let cases = GENERATED_SUITES
                .iter()
                .map(|&s| processing::generate_case(CipherSuite::from(s)))
                .collect::<Result<Vec<_>, _>>()?;
            write_json(&out.join(PROCESSING_FILE), &cases)?;
            writeln!(
                stdout,
                "wrote {} and {}",
                out.join(CODEC_FILE).display(),
                out.join(PROCESSING_FILE).display()
            )?;
            let mut ok = true;
            for file in [out.join(CODEC_FILE), out.join(PROCESSING_FILE)] {
                ok &= verify_file(&mut stdout, &file)?;
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        VectorsCommand::Verify { files } => {
            let mut ok = true;
            for file in files {
                ok &= verify_file(&mut stdout, &file)?;
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

/// What a verified AppSync vector file held.
#[derive(Debug)]
pub enum Verified {
    /// A codec file: values and invalid byte strings checked.
    Codec(codec::CodecCounts),
    /// A processing file: per case, its suite and the outcome.
    Processing(Vec<(u16, Result<usize, VectorError>)>),
}

/// Checks one AppSync vector file, telling codec from processing files by
/// their shape.
pub fn verify(path: &Path) -> Result<Verified, VectorError> {
    let value: serde_json::Value = read_json(path)?;
    if value.is_array() {
        let cases: Vec<ProcessingCase> = serde_json::from_value(value)?;
        Ok(Verified::Processing(
            cases
                .iter()
                .map(|case| {
                    let outcome = processing::verify_case(case, RustCryptoProvider::default())
                        .map(|()| case.epochs.len());
                    (case.cipher_suite, outcome)
                })
                .collect(),
        ))
    } else {
        let vectors: CodecVectors = serde_json::from_value(value)?;
        Ok(Verified::Codec(codec::verify(&vectors)?))
    }
}

fn verify_file(stdout: &mut impl Write, path: &Path) -> Result<bool, Box<dyn std::error::Error>> {
    writeln!(stdout, "{}", path.display())?;
    match verify(path)? {
        Verified::Codec(counts) => {
            writeln!(
                stdout,
                "  codec: {} values encode and decode exactly, {} invalid encodings refused",
                counts.values, counts.invalid
            )?;
            Ok(true)
        }
        Verified::Processing(cases) => {
            let mut ok = true;
            for (suite, outcome) in cases {
                match outcome {
                    Ok(epochs) => writeln!(stdout, "  suite {suite}: passed ({epochs} epochs)")?,
                    Err(error) => {
                        ok = false;
                        writeln!(stdout, "  suite {suite}: FAILED: {error}")?;
                    }
                }
            }
            Ok(ok)
        }
    }
}
