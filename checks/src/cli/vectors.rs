//! `appsync vectors ...`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use mls_rs::CipherSuite;
use mls_rs_crypto_rustcrypto::RustCryptoProvider;

use crate::vectors::app_data_codec::{self, AppDataCodecVectors};
use crate::vectors::app_data_generate;
use crate::vectors::app_data_processing::{self, AppDataProcessingVectors};
use crate::vectors::codec::{self, CodecVectors};
use crate::vectors::openmls_runner;
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
    /// Check vector files (AppSync or AppDataUpdate, codec or processing;
    /// told apart by their shape) against this implementation.
    Verify {
        /// The vector files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Run AppDataUpdate files through OpenMLS instead, and print per
        /// case whether it agrees.
        #[arg(long)]
        openmls: bool,
    },
}

/// File names of the AppSync vectors.
pub const CODEC_FILE: &str = "appsync-codec.json";
/// See [`CODEC_FILE`].
pub const PROCESSING_FILE: &str = "appsync-processing.json";
/// File names of the AppDataUpdate vectors.
pub const APP_DATA_CODEC_FILE: &str = "app-data-update-codec.json";
/// See [`APP_DATA_CODEC_FILE`].
pub const APP_DATA_PROCESSING_FILE: &str = "app-data-update-processing.json";

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
            write_json(&out.join(APP_DATA_CODEC_FILE), &app_data_codec::generate()?)?;
            write_json(
                &out.join(APP_DATA_PROCESSING_FILE),
                &app_data_generate::generate()?,
            )?;
            let files = [
                CODEC_FILE,
                PROCESSING_FILE,
                APP_DATA_CODEC_FILE,
                APP_DATA_PROCESSING_FILE,
            ]
            .map(|name| out.join(name));
            writeln!(stdout, "wrote {}", out.display())?;
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
        VectorsCommand::Verify { files, openmls } => {
            let mut ok = true;
            for file in files {
                ok &= match openmls {
                    true => openmls_file(&mut stdout, &file)?,
                    false => verify_file(&mut stdout, &file)?,
                };
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
    /// An AppDataUpdate codec file.
    AppDataCodec(app_data_codec::AppDataCodecCounts),
    /// An AppDataUpdate processing file: per case, its suite, scenario and
    /// the outcome (epochs passed).
    AppDataProcessing(Vec<(u16, String, Result<usize, VectorError>)>),
}

/// Checks one vector file, telling the four kinds apart by their shape: an
/// array (AppSync processing), an object with `cases` (AppDataUpdate
/// processing), with `component_data` (AppDataUpdate codec), or else
/// AppSync codec.
pub fn verify(path: &Path) -> Result<Verified, VectorError> {
    let value: serde_json::Value = read_json(path)?;
    if value.get("cases").is_some() {
        let file: AppDataProcessingVectors = serde_json::from_value(value)?;
        return Ok(Verified::AppDataProcessing(
            file.cases
                .iter()
                .map(|case| {
                    let outcome = app_data_processing::verify_case(
                        &file.components,
                        case,
                        RustCryptoProvider::default(),
                    );
                    (case.cipher_suite, case.description.clone(), outcome)
                })
                .collect(),
        ));
    }
    if value.get("component_data").is_some() {
        let vectors: AppDataCodecVectors = serde_json::from_value(value)?;
        return Ok(Verified::AppDataCodec(app_data_codec::verify(&vectors)?));
    }
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
        Verified::AppDataCodec(app_data_codec::AppDataCodecCounts { values, invalid })
        | Verified::Codec(codec::CodecCounts { values, invalid }) => {
            writeln!(
                stdout,
                "  codec: {values} values encode and decode exactly, {invalid} invalid encodings refused"
            )?;
            Ok(true)
        }
        Verified::AppDataProcessing(cases) => {
            let mut ok = true;
            for (suite, scenario, outcome) in cases {
                match outcome {
                    Ok(epochs) => writeln!(
                        stdout,
                        "  suite {suite}, {scenario}: passed ({epochs} epochs)"
                    )?,
                    Err(error) => {
                        ok = false;
                        writeln!(stdout, "  suite {suite}, {scenario}: FAILED: {error}")?;
                    }
                }
            }
            Ok(ok)
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

/// Runs one AppDataUpdate file through OpenMLS and prints its verdicts;
/// true when OpenMLS agrees on every case.
fn openmls_file(stdout: &mut impl Write, path: &Path) -> Result<bool, Box<dyn std::error::Error>> {
    writeln!(stdout, "{} (OpenMLS)", path.display())?;
    let report = openmls_runner::run_file(path)?;
    write!(stdout, "{}", report.table())?;
    Ok(report.all_agree())
}
