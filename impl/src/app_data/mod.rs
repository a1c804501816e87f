//! AppDataUpdate (draft-ietf-mls-extensions, section "Updating Application
//! Data in the GroupContext"), the successor of AppSync, on mls-rs 0.57,
//! beside the AppSync profile (which this module does not change).
//!
//! An `app_data_dictionary` GroupContext extension holds one opaque `data`
//! per `uint16` component id, sorted by id; an AppDataUpdate proposal either
//! hands an `update` to the component's own logic, which returns the new
//! data or refuses, or `remove`s the component's entry.
//!
//! * [`codec`]: the wire structures (U1, U2), exact decoding;
//! * [`dictionary`]: the extension registered with mls-rs, and
//!   [`Dictionary`], sorted and unique, changed in one linear merge;
//! * [`proposal`]: the proposal as an mls-rs custom proposal;
//! * [`component`]: the [`Component`] trait (the application's logic per
//!   id) and [`Replace`]; [`cas`]: [`Cas`], compare-and-swap;
//! * [`rules`]: one function per rule; [`candidate`]: one proposal as the
//!   rules see it; [`bundle`]: how they meet mls-rs's
//!   proposal bundle; [`mls_rules`]: the `MlsRules`, [`AppDataUpdateRules`];
//! * [`group`]: creating groups, the group operations; [`external`]: an
//!   external sender's proposals; [`error`]: [`AppDataError`].
//!
//! Code points: the draft's suggested values, 0x0006 and 0x0008
//! ([`crate::constants`]); suggestions, not IANA assignments.
//!
//! # Rules
//!
//! | id | rule (draft) | function |
//! |----|--------------|----------|
//! | U1 | "The entries in the `component_data` MUST be sorted by `component_id`, and there MUST be at most one entry for each `component_id`." | [`rules::u1_well_formed_dictionary`] |
//! | U2 | `struct { ComponentID component_id; AppDataUpdateOperation op; select (AppDataUpdate.op) { case update: opaque update<V>; case remove: struct{}; }; } AppDataUpdate;` | [`rules::u2_decode_app_data_update`] |
//! | U3 | "An AppDataUpdate proposal is invalid if its `component_id` references a component that is not known to the application" | [`rules::u3_known_component`] |
//! | U4 | "for a given `component_id`, a proposal list is valid only if it contains (a) a single `remove` operation or (b) one or more `update` operations." | [`rules::u4_one_remove_or_updates`] |
//! | U5 | "If there is an entry [...] with the specified `component_id`, remove it. Otherwise, the proposal is invalid." | [`rules::u5_apply_remove`] |
//! | U6 | "Provide the application logic registered to the `component_id` value with the content of the `update` field from each proposal, in the order specified." "If the application logic considers the update invalid, the MLS client MUST consider the proposal list invalid." | [`rules::u6_apply_update`], in order by [`rules::apply_in_order`] |
//! | U7 | "If no `app_data_dictionary` extension is present in the GroupContext, add one to the end of the `extensions` list" and "The new entry is inserted at the proper point to keep the `component_data` vector sorted by `component_id`." | [`rules::u7_inject_dictionary`], [`Dictionary::merge`] |
//! | U8 | "a GroupContextExtensions proposal MUST NOT add, remove, or modify the `app_data_dictionary` GroupContext extension" (when `app_data_update` is required) | [`rules::u8_gce_leaves_dictionary`] |
//! | U9 | "AppDataUpdate proposals are processed after any default proposals"; a GroupContextExtensions proposal "can be followed by zero or more AppDataUpdate proposals" | [`rules::u9_base_extensions`] |
//! | U10 | "An AppDataUpdate proposal can be sent by an external sender. Likewise, AppDataUpdate proposals can be included in an external Commit." | [`rules::u10_authorized_sender`] |
//! | U11 | "AppDataUpdate proposals do not require an UpdatePath." | [`AppDataUpdateRules`]`::custom_proposal_requires_update_path` |
//! | U12 | (the application chooses PublicMessage or PrivateMessage) | [`AppDataUpdateRules::set_wire_format`] (`encryption_options`) |
//!
//! # Choices where the draft is open
//!
//! * **The component's logic is a fold**: each update sees the data the
//!   previous one produced ([`component`]).
//! * **Unregistered component ids** are refused (U3), `remove` included.
//! * **"The group's `required_capabilities`"** (U8) is read from the
//!   GroupContext before the commit.
//! * **An emptied dictionary stays**: removing the last entry leaves an
//!   extension with no entries.
//! * **On Send** the committer orders AppDataUpdates canonically, keeps its
//!   own by-value ones and drops cached ones that conflict with them
//!   ([`rules::u4_one_remove_or_updates`], [`bundle::canonical_order`]).
//! * **mls-rs limit**: a committer cannot commit its own by-value
//!   GroupContextExtensions proposal with its own AppDataUpdates
//!   ([`AppDataError::ByValueGroupContextExtensionsWithUpdates`]); a cached
//!   (by-reference) one works, and receivers accept both.

pub mod bundle;
pub mod candidate;
pub mod cas;
pub mod codec;
pub mod component;
pub mod dictionary;
pub mod error;
pub mod external;
#[cfg(feature = "forge")]
pub mod forge;
pub mod group;
pub mod mls_rules;
pub mod proposal;
pub mod rules;

pub use cas::{Cas, CasUpdate, cas_update};
pub use codec::{AppDataDictionary, AppDataOperation, AppDataUpdate, ComponentData, ComponentId};
pub use component::{Component, ComponentRefusal, Replace};
pub use dictionary::Dictionary;
pub use error::{AppDataError, DictionaryDefect, app_data_error};
pub use group::{
    AppDataClientExt, AppDataCommit, AppDataGroupExt, AppDataRequirement, create_app_data_members,
};
pub use mls_rules::{AppDataUpdateRules, WrapsAppDataRules};
