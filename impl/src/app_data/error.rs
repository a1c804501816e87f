//! Why the AppDataUpdate rules refuse a proposal list, and how to read the
//! refusal back out of the `MlsError` that mls-rs returns.

use mls_rs::error::{IntoAnyError, MlsError};
use mls_rs::group::Sender;

use super::codec::{AppDataUpdateDecodeError, ComponentId};
use super::component::ComponentRefusal;
use crate::codec::CodecError;

/// A violation of the successor's rules, raised by
/// [`AppDataUpdateRules`](super::AppDataUpdateRules). Each variant names
/// the rule (see the table in [`crate::app_data`]).
///
/// mls-rs wraps it into `MlsError::MlsRulesError`; [`app_data_error`] gets
/// it back.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AppDataError {
    /// U1: a dictionary (the group's, or one a GroupContextExtensions
    /// proposal would install) is not well-formed.
    #[error("U1: app_data_dictionary is ill-formed: {0}")]
    InvalidDictionary(DictionaryDefect),
    /// U2: the custom proposal data is not exactly one AppDataUpdate.
    #[error("U2: malformed AppDataUpdate: {0}")]
    MalformedAppDataUpdate(AppDataUpdateDecodeError),
    /// U3: no component is registered for this id.
    #[error("U3: component {component_id} is not known to the application")]
    UnknownComponent {
        /// The id without a component.
        component_id: ComponentId,
    },
    /// U4: more than one `remove` for one id.
    #[error("U4: more than one remove for component {component_id}")]
    SeveralRemoves {
        /// The id removed twice.
        component_id: ComponentId,
    },
    /// U4: an `update` and a `remove` for one id.
    #[error("U4: update and remove for component {component_id}")]
    UpdateAndRemove {
        /// The id both updated and removed.
        component_id: ComponentId,
    },
    /// U5: a `remove` for an id without an entry.
    #[error("U5: remove of component {component_id}, which has no entry")]
    RemoveOfAbsentEntry {
        /// The id without an entry.
        component_id: ComponentId,
    },
    /// U6: the component's logic refused an update.
    #[error("U6: component {component_id} refused an update: {refusal}")]
    ComponentRefused {
        /// The component that refused.
        component_id: ComponentId,
        /// Why.
        refusal: ComponentRefusal,
    },
    /// U8: with `app_data_update` in `required_capabilities`, a
    /// GroupContextExtensions proposal adds, removes or modifies the
    /// dictionary.
    #[error("U8: a GroupContextExtensions proposal changes app_data_dictionary")]
    GroupContextExtensionsChangeDictionary,
    /// U10: the sender may not send AppDataUpdate.
    #[error("U10: AppDataUpdate from an unauthorized sender {sender:?}")]
    UnauthorizedSender {
        /// The sender as mls-rs reported it.
        sender: Sender,
    },
    /// U9 on mls-rs (a limit of this implementation, not a rule of the
    /// draft): a committer cannot send its own GroupContextExtensions
    /// proposal by value together with its own AppDataUpdate proposals,
    /// because mls-rs applies exactly what it sends. Send the
    /// GroupContextExtensions proposal by reference first.
    #[error(
        "a by-value GroupContextExtensions proposal cannot be committed with by-value AppDataUpdate on mls-rs"
    )]
    ByValueGroupContextExtensionsWithUpdates,
    /// The new dictionary could not be encoded (a field too large).
    #[error("the new app_data_dictionary cannot be encoded: {0}")]
    Encoding(CodecError),
}

/// What is wrong with an `app_data_dictionary` (U1).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DictionaryDefect {
    /// Its bytes are not exactly one `AppDataDictionary`.
    #[error("it does not decode: {0}")]
    Malformed(CodecError),
    /// Two entries have this `component_id`.
    #[error("component {0} has two entries")]
    RepeatedComponentId(ComponentId),
    /// An entry for `later` comes after one for `earlier`, which is larger.
    #[error("component {later} comes after component {earlier}: not sorted")]
    Unsorted {
        /// The id of the earlier entry.
        earlier: ComponentId,
        /// The id of the later (smaller) entry.
        later: ComponentId,
    },
}

impl IntoAnyError for AppDataError {
    fn into_dyn_error(self) -> Result<Box<dyn std::error::Error + Send + Sync>, Self> {
        // Boxed as the typed error so that `app_data_error` can downcast it.
        Ok(Box::new(self))
    }
}

/// Recover the [`AppDataError`] behind an error returned by mls-rs
/// (`process_incoming_message`, `CommitBuilder::build`, ...); `None` when
/// the error did not come from the AppDataUpdate rules.
pub fn app_data_error(error: &MlsError) -> Option<AppDataError> {
    match error {
        MlsError::MlsRulesError(any) => any
            .inner_dyn_error()
            .downcast_ref::<AppDataError>()
            .cloned(),
        _ => None,
    }
}
