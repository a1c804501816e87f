//! The `application_states` GroupContext extension registered with mls-rs
//! (R1), and [`IndexedStates`], the list with an index by `application_id`
//! that the rules apply AppSyncs to in constant time per AppSync.
//!
//! [`ApplicationStatesExtension`] implements `MlsExtension` directly rather
//! than through the `MlsCodecExtension` convenience: that convenience decodes
//! a prefix and ignores trailing bytes, while the key schedule commits to the
//! exact bytes, so this crate decodes the extension exactly.

use std::collections::HashMap;

use mls_rs::ExtensionList;
use mls_rs_core::extension::{ExtensionType, MlsExtension};

use crate::codec::{self, AppSync, ApplicationState, ApplicationStatesExtension, CodecError};
use crate::constants::APPLICATION_STATES_EXTENSION_TYPE;

impl MlsExtension for ApplicationStatesExtension {
    type SerializationError = CodecError;
    type DeserializationError = CodecError;

    fn extension_type() -> ExtensionType {
        APPLICATION_STATES_EXTENSION_TYPE
    }

    fn to_bytes(&self) -> Result<Vec<u8>, CodecError> {
        codec::encode(self)
    }

    fn from_bytes(data: &[u8]) -> Result<Self, CodecError> {
        codec::decode_exact(data)
    }
}

/// The `application_states` held in `extensions`, in list order.
///
/// A list without the extension is read as an empty list (a design choice:
/// the draft does not say what a group without the extension holds). This
/// only decodes; [`crate::rules::r10_well_formed_application_states`] also
/// checks that no id repeats.
pub fn application_states(extensions: &ExtensionList) -> Result<Vec<ApplicationState>, CodecError> {
    match extensions.get(APPLICATION_STATES_EXTENSION_TYPE) {
        None => Ok(Vec::new()),
        Some(extension) => {
            codec::decode_exact::<ApplicationStatesExtension>(&extension.extension_data)
                .map(ApplicationStatesExtension::into_states)
        }
    }
}

/// A copy of `extensions` whose `application_states` extension holds `states`
/// (added if it was absent, replaced otherwise; other extensions untouched).
pub fn with_application_states(
    extensions: &ExtensionList,
    states: Vec<ApplicationState>,
) -> Result<ExtensionList, CodecError> {
    let mut updated = extensions.clone();
    let extension = mls_rs_core::extension::Extension::new(
        APPLICATION_STATES_EXTENSION_TYPE,
        codec::encode(&ApplicationStatesExtension::new(states))?,
    );
    updated.set(extension);
    Ok(updated)
}

/// An `application_states` list whose ids are known to be distinct, with the
/// position of each id, so that applying N AppSyncs to E entries costs
/// O(N + E) instead of a linear search per AppSync.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexedStates {
    entries: Vec<ApplicationState>,
    position: HashMap<u32, usize>,
}

impl IndexedStates {
    /// Index `entries`; the first repeated `application_id`, if any, is the
    /// error.
    pub fn new(entries: Vec<ApplicationState>) -> Result<Self, u32> {
        let mut position = HashMap::with_capacity(entries.len());
        for (at, entry) in entries.iter().enumerate() {
            if position.insert(entry.application_id(), at).is_some() {
                return Err(entry.application_id());
            }
        }
        Ok(Self { entries, position })
    }

    /// Whether `application_id` has an entry.
    pub fn contains(&self, application_id: u32) -> bool {
        self.position.contains_key(&application_id)
    }

    /// Replace the state of an existing entry (its place in the list stays),
    /// or, if `create` is set, append a new entry at the end. Returns whether
    /// the AppSync was applied.
    pub fn apply(&mut self, app_sync: &AppSync, create: bool) -> bool {
        let id = app_sync.application_id();
        match self.position.get(&id) {
            Some(&at) => self.entries[at].set_state(app_sync.new_state()),
            None if create => {
                self.position.insert(id, self.entries.len());
                self.entries
                    .push(ApplicationState::new(id, app_sync.new_state()));
            }
            None => return false,
        }
        true
    }

    /// The entries, in list order.
    pub fn entries(&self) -> &[ApplicationState] {
        &self.entries
    }

    /// Take the entries out, in list order.
    pub fn into_entries(self) -> Vec<ApplicationState> {
        self.entries
    }
}
