//! AppSync (draft-barnes-mls-appsync) on mls-rs 0.57.
//!
//! The draft lets an MLS group agree on application state: a GroupContext
//! extension `application_states` holds one opaque state per application id,
//! and an AppSync proposal replaces one of them. Because the GroupContext
//! enters the key schedule, members that disagree on the states derive
//! different keys.
//!
//! This crate adds both to mls-rs without forking it:
//!
//! * [`codec`]: the wire structures (R1, R2), with exact decoding;
//! * [`extension`], [`proposal`]: their registration with mls-rs, under the
//!   private-use code points of [`constants`];
//! * [`app_sync_rules`]: [`AppSyncRules`], the `MlsRules` that validate and
//!   apply AppSync on the committer and on every receiver;
//! * [`rules`]: the rule functions it calls, one per rule (R3 to R10);
//! * [`wrap`]: wrappers around the rules, for tests and benchmarks that
//!   change one answer of them;
//! * [`client`]: building clients and groups, generic over the crypto
//!   provider and the rules ([`AppSyncClient::builder`]);
//! * [`group`]: the group operations ([`AppSyncGroupExt`]);
//! * [`receive`]: all-or-nothing processing of incoming messages, with
//!   arrival verdicts on proposals;
//! * [`external`]: an external sender that proposes AppSync (R7);
//! * [`error`]: [`AppSyncError`] and the [`RejectionReason`] classes;
//! * [`app_data`]: the successor's AppDataUpdate and `app_data_dictionary`
//!   (draft-ietf-mls-extensions), with their own rules, beside AppSync.
//!
//! Test-only features: `fault-injection` (seeded faults for the conformance
//! harness) and `forge` ([`forge::ForgingRules`], a wrapper around the rules
//! whose committer breaks them, and hand-made messages from unauthorized
//! senders).
//!
//! # Example
//!
//! Three members; Alice commits an AppSync; everyone agrees.
//!
//! ```
//! use mls_appsync::{AppSync, AppSyncClient, AppSyncGroupExt, ApplicationState};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let alice = AppSyncClient::new("alice")?;
//! let bob = AppSyncClient::new("bob")?;
//! let carol = AppSyncClient::new("carol")?;
//!
//! let initial = vec![ApplicationState::new(7, b"draft".to_vec())];
//! let mut a = alice.create_group(initial, vec![])?;
//! let added = a.add_members(vec![bob.key_package()?, carol.key_package()?])?;
//! let mut b = bob.join_group(&added.output.welcome_messages[0])?;
//! let mut c = carol.join_group(&added.output.welcome_messages[0])?;
//!
//! let commit = a.commit_app_syncs(&[AppSync::new(7, b"final".to_vec())])?;
//! b.process(commit.output.commit_message.clone())?;
//! c.process(commit.output.commit_message)?;
//!
//! let expected = vec![ApplicationState::new(7, b"final".to_vec())];
//! for group in [&a, &b, &c] {
//!     assert_eq!(group.application_states()?, expected);
//!     assert_eq!(group.current_epoch(), 2);
//! }
//! assert_eq!(a.epoch_authenticator_bytes()?, b.epoch_authenticator_bytes()?);
//! assert_eq!(a.epoch_authenticator_bytes()?, c.epoch_authenticator_bytes()?);
//! # Ok(())
//! # }
//! ```
//!
//! # Deviations and choices
//!
//! * **Code points.** The draft assigns none; this crate uses the private-use
//!   values 0xF0A5 (`application_states`) and 0xF0A6 (AppSync).
//! * **Framing.** mls-rs encodes a custom proposal as its `uint16` type
//!   followed by `opaque data<V>` holding the AppSync struct: one length
//!   prefix more than a natively registered proposal type would have.
//! * **Unknown ids.** By default an AppSync for an id without an entry makes
//!   the proposal list invalid; [`UnknownIdPolicy::Create`] instead appends
//!   the entry at the end of the list.
//! * **No extension.** A group without `application_states` is read as having
//!   an empty list.
//! * **Canonical Send order.** mls-rs hands cached proposals to the rules in
//!   `HashMap` order, so the committer sorts AppSyncs canonically before
//!   validating them; see [`app_sync_rules`].
//! * **Senders.** Members and listed external senders may send AppSync. New
//!   members may not: an external commit cannot carry AppSync.
//! * **Several violations.** A rejected commit reports the first violated
//!   rule in this order: malformed body, sender, duplicate id, unknown id,
//!   GroupContextExtensions next to AppSync.
//! * **Own GroupContextExtensions.** A committer's by-value
//!   GroupContextExtensions proposal wins over cached by-reference AppSyncs
//!   (they are dropped); next to its own by-value AppSync it is an error.
//! * **Codec strictness.** `tls_codec` is built with its `mls` feature, so
//!   non-minimal and 2^30-or-more lengths are rejected; decoding is exact
//!   (no trailing bytes), also for the extension and the custom proposal
//!   registered with mls-rs.
//! * **Wire format.** Chosen per client with [`AppSyncRules::set_wire_format`]
//!   (default PrivateMessage); external senders always use PublicMessage.

#![deny(missing_docs)]

pub mod app_data;
pub mod app_sync_rules;
pub mod client;
pub mod codec;
pub mod committed;
pub mod constants;
pub mod error;
pub mod extension;
pub mod external;
#[cfg(feature = "fault-injection")]
pub mod fault;
#[cfg(not(feature = "fault-injection"))]
mod fault;
#[cfg(feature = "forge")]
pub mod forge;
pub mod group;
pub mod proposal;
pub mod receive;
pub mod rules;
pub mod wrap;

pub use app_sync_rules::{AppSyncRules, UnknownIdPolicy, WireFormatPolicy};
pub use client::{
    AppSyncClient, AppSyncClientBuilder, AppSyncGroup, ClientConfig, NewGroup, ProfileRules,
    WrapsAppSyncRules, create_members, create_members_joining,
};
pub use codec::{AppSync, ApplicationState, ApplicationStatesExtension, CodecError};
pub use committed::CommittedAppSync;
pub use error::{
    AppSyncError, RejectionReason, SetupError, StatesDefect, app_sync_error, app_sync_reason,
    rejection_reason,
};
pub use external::ExternalSender;
pub use group::{AppSyncCommit, AppSyncGroupExt};
pub use receive::{Processed, Rejected};
pub use wrap::{RulesWrapper, Wrapped};

/// mls-rs, re-exported so users get the exact version this crate is built on.
pub use mls_rs;

// The project README's Rust example runs as a doctest of this crate.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
