//! The `application_states` GroupContext extension registered with mls-rs (R1).
//!
//! [`ApplicationStatesExtension`] implements `MlsExtension` directly rather
//! than through the `MlsCodecExtension` convenience: that convenience decodes
//! a prefix and ignores trailing bytes, while the key schedule commits to the
//! exact bytes, so this crate decodes the extension exactly.

use mls_rs::ExtensionList;
use mls_rs_core::extension::{ExtensionType, MlsExtension};

use crate::codec::{self, ApplicationState, ApplicationStatesExtension, CodecError};
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
/// the draft does not say what a group without the extension holds).
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
