//! Code points and defaults, kept in one place.
//!
//! AppSync: the seed draft's IANA section is still a TODO, so no code points
//! are assigned. Its two values come from the private-use range of the MLS
//! registries (RFC 9420, section 17.1: 0xF000 to 0xFFFF), so they cannot
//! collide with a future standard assignment.
//!
//! AppDataUpdate (the successor, draft-ietf-mls-extensions): the draft
//! suggests values in the standard range; they are used as suggested, and
//! are suggestions, not IANA assignments.

use mls_rs::CipherSuite;
use mls_rs_core::{extension::ExtensionType, group::ProposalType};

/// Extension type of the `application_states` GroupContext extension (R1).
pub const APPLICATION_STATES_EXTENSION_TYPE: ExtensionType = ExtensionType::new(0xF0A5);

/// Proposal type of the AppSync proposal (R2).
pub const APP_SYNC_PROPOSAL_TYPE: ProposalType = ProposalType::new(0xF0A6);

/// Cipher suite used when the caller does not choose one:
/// MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (suite 1).
pub const DEFAULT_CIPHER_SUITE: CipherSuite = CipherSuite::CURVE25519_AES128;

/// Extension type of the successor's `app_data_dictionary` extension
/// (draft-ietf-mls-extensions, "Attaching Application Data to MLS
/// Messages"; see [`crate::app_data`]).
///
/// 0x0006 is the value the draft's IANA section *suggests* ("Value: 0x0006
/// (suggested)"). It is not an IANA assignment: the registry may give the
/// extension another value, and until then 0x0006 is unassigned, so another
/// stack could use it for something else.
pub const APP_DATA_DICTIONARY_EXTENSION_TYPE: ExtensionType = ExtensionType::new(0x0006);

/// Proposal type of the successor's `AppDataUpdate` proposal
/// (draft-ietf-mls-extensions, "Updating Application Data in the
/// GroupContext"; see [`crate::app_data`]).
///
/// 0x0008 is the value the draft's IANA section *suggests* ("Value: 0x0008
/// (suggested)"), not an IANA assignment (see
/// [`APP_DATA_DICTIONARY_EXTENSION_TYPE`]).
pub const APP_DATA_UPDATE_PROPOSAL_TYPE: ProposalType = ProposalType::new(0x0008);
