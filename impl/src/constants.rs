//! Code points and defaults, kept in one place.
//!
//! The draft's IANA section is still a TODO, so no code points are assigned.
//! Both values below come from the private-use range of the MLS registries
//! (RFC 9420, section 17.1: 0xF000 to 0xFFFF), so they cannot collide with a
//! future standard assignment.

use mls_rs::CipherSuite;
use mls_rs_core::{extension::ExtensionType, group::ProposalType};

/// Extension type of the `application_states` GroupContext extension (R1).
pub const APPLICATION_STATES_EXTENSION_TYPE: ExtensionType = ExtensionType::new(0xF0A5);

/// Proposal type of the AppSync proposal (R2).
pub const APP_SYNC_PROPOSAL_TYPE: ProposalType = ProposalType::new(0xF0A6);

/// Cipher suite used when the caller does not choose one:
/// MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (suite 1).
pub const DEFAULT_CIPHER_SUITE: CipherSuite = CipherSuite::CURVE25519_AES128;
