//! AppDataUpdate processing vectors: a passive client joins by Welcome,
//! then processes epochs of AppDataUpdate commits, and before some commits
//! rejects invalid messages, each for its reason and without any change of
//! state. The format and this implementation's verifier;
//! [`super::app_data_generate`] makes them.
//!
//! A passive client must install the same components as the members: the
//! file names them ([`ComponentAssignment`]).

use mls_rs::client_builder::MlsConfig;
use mls_rs::{CryptoProvider, ExtensionList, Group};
use serde::{Deserialize, Serialize};

use mls_appsync::Rejected;
use mls_appsync::app_data::{
    AppDataDictionary, AppDataError, AppDataUpdateRules, Cas, ComponentId, Replace, app_data_error,
};
use mls_appsync::codec::encode;
use mls_appsync::constants::APP_DATA_DICTIONARY_EXTENSION_TYPE;

use super::app_data_codec::UpdateFields;
use super::error::VectorError;
use super::hexbytes::HexBytes;
use super::passive::{self, EpochMessages, PassiveInvitation, Rejectable, process_epoch};
use super::processing::InvalidMessage;

/// Which component logic each id runs. Ids in neither list are unknown to
/// the application (U3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentAssignment {
    /// `replace`: the update is the new data.
    pub replace: Vec<ComponentId>,
    /// `cas`: compare-and-swap; the update is `struct { opaque
    /// expected_digest<V>; opaque new_data<V>; }`, the digest SHA-256 of the
    /// current data or empty for "no entry"; a mismatch is a refusal.
    pub cas: Vec<ComponentId>,
}

impl ComponentAssignment {
    /// The AppDataUpdate rules with these components.
    pub fn rules(&self) -> AppDataUpdateRules {
        let rules = self
            .replace
            .iter()
            .fold(AppDataUpdateRules::new(), |r, &id| {
                r.with_component(id, Replace)
            });
        self.cas
            .iter()
            .fold(rules, |r, &id| r.with_component(id, Cas))
    }
}

/// The processing vector file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppDataProcessingVectors {
    /// The components every member and the passive client install.
    pub components: ComponentAssignment,
    /// The cases: per cipher suite, one group per scenario.
    pub cases: Vec<AppDataCase>,
}

/// One passive client in one group.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppDataCase {
    /// The cipher suite.
    pub cipher_suite: u16,
    /// The scenario (informative).
    pub description: String,
    /// Whether `app_data_update` is in the group's `required_capabilities`
    /// (which decides whether a GroupContextExtensions proposal may change
    /// the dictionary); informative, the Welcome says it too.
    pub app_data_update_required: bool,
    /// The passive client's keys, its Welcome (with the ratchet tree), and
    /// the epoch authenticator on joining.
    #[serde(flatten)]
    pub invitation: PassiveInvitation,
    /// The `app_data_dictionary` extension body after joining; `null` when
    /// the GroupContext has no such extension.
    pub initial_app_data_dictionary: Option<HexBytes>,
    /// The GroupContext extension types after joining, in order
    /// (informative; the epoch authenticator covers them).
    pub initial_extension_types: Vec<u16>,
    /// The epochs to process.
    pub epochs: Vec<AppDataEpoch>,
}

/// One epoch.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppDataEpoch {
    /// The description, proposals, invalid messages (always PublicMessage
    /// commits here) and commit.
    #[serde(flatten)]
    pub messages: EpochMessages<AppDataInvalid>,
    /// The AppDataUpdates the commit applies, in commit order, by-reference
    /// ones resolved (informative: what the component logic is handed).
    pub app_data_updates: Vec<UpdateFields>,
    /// The GroupContextExtensions proposal the commit covers, if any
    /// (informative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_context_extensions: Option<GceFields>,
    /// The `app_data_dictionary` body after the commit (`null`: none).
    pub app_data_dictionary: Option<HexBytes>,
    /// The GroupContext extension types after the commit, in order
    /// (informative; the epoch authenticator covers them).
    pub extension_types: Vec<u16>,
    /// The epoch authenticator after the commit.
    pub epoch_authenticator: HexBytes,
}

/// A message the passive client must reject.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppDataInvalid {
    /// The message, what is wrong with it, and the rejection class (see
    /// [`reason_name`]).
    #[serde(flatten)]
    pub rejected: InvalidMessage,
    /// The AppDataUpdates it carries, in commit order (informative).
    pub app_data_updates: Vec<UpdateFields>,
    /// The GroupContextExtensions proposal it carries, if any
    /// (informative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_context_extensions: Option<GceFields>,
}

impl Rejectable for AppDataInvalid {
    fn rejected(&self) -> &InvalidMessage {
        &self.rejected
    }
}

/// What a GroupContextExtensions proposal does to the dictionary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GceFields {
    /// The `app_data_dictionary` body the proposal carries (`null`: it
    /// carries none).
    pub app_data_dictionary: Option<HexBytes>,
}

impl GceFields {
    /// The fields of a proposal carrying `extensions`.
    pub fn of(extensions: &ExtensionList) -> Self {
        Self {
            app_data_dictionary: extensions
                .get(APP_DATA_DICTIONARY_EXTENSION_TYPE)
                .map(|e| HexBytes(e.extension_data)),
        }
    }
}

/// The extension types of `extensions`, in order.
pub fn extension_types(extensions: &ExtensionList) -> Vec<u16> {
    extensions
        .iter()
        .map(|e| e.extension_type.raw_value())
        .collect()
}

/// The name of a rejection in these files: the AppDataUpdate rule that
/// refused (`remove_of_absent_entry`, `several_removes`,
/// `update_and_remove`, `unknown_component`, `component_refused`,
/// `gce_changes_dictionary`, `invalid_dictionary`,
/// `malformed_app_data_update`, `unauthorized_sender`), or else the
/// generic class (`authentication_failure`, ...).
pub fn reason_name(rejected: &Rejected) -> String {
    let name = match app_data_error(&rejected.error) {
        Some(AppDataError::InvalidDictionary(_)) => "invalid_dictionary",
        Some(AppDataError::MalformedAppDataUpdate(_)) => "malformed_app_data_update",
        Some(AppDataError::UnknownComponent { .. }) => "unknown_component",
        Some(AppDataError::SeveralRemoves { .. }) => "several_removes",
        Some(AppDataError::UpdateAndRemove { .. }) => "update_and_remove",
        Some(AppDataError::RemoveOfAbsentEntry { .. }) => "remove_of_absent_entry",
        Some(AppDataError::ComponentRefused { .. }) => "component_refused",
        Some(AppDataError::GroupContextExtensionsChangeDictionary) => "gce_changes_dictionary",
        Some(AppDataError::UnauthorizedSender { .. }) => "unauthorized_sender",
        Some(_) => "other",
        None => rejected.reason.name(),
    };
    name.to_string()
}

/// The group's `app_data_dictionary` body, `None` without the extension.
pub fn dictionary_of<C: MlsConfig>(group: &Group<C>) -> Result<Option<HexBytes>, VectorError> {
    use mls_appsync::app_data::dictionary::Dictionary;
    let dictionary = Dictionary::from_extensions(&group.context().extensions)
        .map_err(|e| VectorError::Malformed(format!("group app_data_dictionary: {e}")))?;
    dictionary
        .map(|d| {
            encode(&AppDataDictionary::new(d.into_entries()))
                .map(HexBytes)
                .map_err(|e| VectorError::Malformed(format!("encode dictionary: {e}")))
        })
        .transpose()
}

/// Compares an optional dictionary with the vector's.
pub(crate) fn expect_dictionary(
    step: &str,
    expected: &Option<HexBytes>,
    actual: &Option<HexBytes>,
) -> Result<(), VectorError> {
    if expected == actual {
        return Ok(());
    }
    let show = |d: &Option<HexBytes>| d.as_ref().map_or("null".into(), |d| hex::encode(&d.0));
    Err(VectorError::Mismatch {
        step: step.into(),
        what: "app_data_dictionary",
        expected: show(expected),
        actual: show(actual),
    })
}

/// Checks one case with a fresh passive client running this
/// implementation with `components`. Returns the number of epochs.
pub fn verify_case<C: CryptoProvider + Clone>(
    components: &ComponentAssignment,
    case: &AppDataCase,
    crypto: C,
) -> Result<usize, VectorError> {
    let mut group = passive::join_with_rules(crypto, components.rules(), &case.invitation, &[])?;
    expect_dictionary(
        "join",
        &case.initial_app_data_dictionary,
        &dictionary_of(&group)?,
    )?;
    for (e, epoch) in case.epochs.iter().enumerate() {
        let expected = (&epoch.messages, &epoch.epoch_authenticator);
        let step = process_epoch(&mut group, e, expected, dictionary_of, reason_name)?;
        expect_dictionary(&step, &epoch.app_data_dictionary, &dictionary_of(&group)?)?;
    }
    Ok(case.epochs.len())
}
