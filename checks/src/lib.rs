//! Conformance harness, test-vector runners and the `appsync` command.
pub mod cli;
pub mod conformance;
pub mod modelcheck;
pub mod vectors;
