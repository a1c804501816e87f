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
use mls_rs_core::extension::{Extension, ExtensionType, MlsExtension};

use crate::codec::{
    self, AppSyncRef, ApplicationState, ApplicationStatesExtension, CodecError, StateRef,
};
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
    Ok(application_states_in_place(extensions)?
        .iter()
        .map(StateRef::to_owned_state)
        .collect())
}

/// [`application_states`], read in place: the blobs borrow `extensions`.
pub fn application_states_in_place(
    extensions: &ExtensionList,
) -> Result<Vec<StateRef<'_>>, CodecError> {
    // `ExtensionList::get` would copy the extension's bytes.
    match extensions
        .iter()
        .find(|e| e.extension_type == APPLICATION_STATES_EXTENSION_TYPE)
    {
        None => Ok(Vec::new()),
        Some(extension) => codec::read_states(&extension.extension_data),
    }
}

/// A copy of `extensions` whose `application_states` extension holds `states`
/// (added if it was absent, replaced otherwise; other extensions untouched).
pub fn with_application_states(
    extensions: &ExtensionList,
    states: Vec<ApplicationState>,
) -> Result<ExtensionList, CodecError> {
    let data = codec::encode(&ApplicationStatesExtension::new(states))?;
    Ok(with_application_states_data(extensions, data))
}

/// A copy of `extensions` whose `application_states` extension holds the
/// encoded list `data` (in the old one's place, or appended if there was
/// none). The old `application_states` bytes are not copied.
pub fn with_application_states_data(extensions: &ExtensionList, data: Vec<u8>) -> ExtensionList {
    let mut new = Some(Extension::new(APPLICATION_STATES_EXTENSION_TYPE, data));
    let mut list: Vec<Extension> = extensions
        .iter()
        .map(|e| {
            if e.extension_type == APPLICATION_STATES_EXTENSION_TYPE {
                new.take().unwrap_or_else(|| e.clone())
            } else {
                e.clone()
            }
        })
        .collect();
    list.extend(new);
    ExtensionList::from(list)
}

/// An `application_states` list whose ids are known to be distinct, with the
/// position of each id, so that applying N AppSyncs to E entries costs
/// O(N + E) instead of a linear search per AppSync. The entries are read in
/// place: they borrow the extension they were read from and the AppSyncs
/// applied to them, and nothing is copied until [`IndexedStates::encode`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexedStates<'a> {
    entries: Vec<StateRef<'a>>,
    position: HashMap<u32, usize>,
}

impl<'a> IndexedStates<'a> {
    /// Index `entries`; the first repeated `application_id`, if any, is the
    /// error.
    pub fn new(entries: Vec<StateRef<'a>>) -> Result<Self, u32> {
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
    pub fn apply(&mut self, app_sync: AppSyncRef<'a>, create: bool) -> bool {
        let id = app_sync.application_id();
        let entry = StateRef::from(app_sync);
        match self.position.get(&id) {
            Some(&at) => self.entries[at] = entry,
            None if create => {
                self.position.insert(id, self.entries.len());
                self.entries.push(entry);
            }
            None => return false,
        }
        true
    }

    /// The entries, in list order.
    pub fn entries(&self) -> &[StateRef<'a>] {
        &self.entries
    }

    /// Owned copies of the entries, in list order.
    pub fn to_owned_entries(&self) -> Vec<ApplicationState> {
        self.entries.iter().map(StateRef::to_owned_state).collect()
    }

    /// The encoded `ApplicationStatesExtension` holding the entries.
    pub fn encode(&self) -> Result<Vec<u8>, CodecError> {
        codec::encode_states(&self.entries)
    }
}
