//! Test-vector runners.
//!
//! * [`rfc9420`]: the MLS working group's passive-client vectors, run through
//!   a client that has the AppSync rules installed, to show that installing
//!   them does not break ordinary MLS.
//! * [`hexbytes`]: the hex-string encoding shared by every vector file.

pub mod error;
pub mod hexbytes;
pub mod passive;
pub mod rfc9420;

pub use error::VectorError;
