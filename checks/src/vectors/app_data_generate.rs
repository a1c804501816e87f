//! Generating the AppDataUpdate processing vectors
//! ([`super::app_data_processing`] holds the format and the verifier).
//! Alice, Bob and a listed external sender play two scenarios on real
//! mls-rs groups running this project's AppDataUpdate rules; a passive
//! client is invited by the same Welcome as Bob; every message, the
//! dictionary and the epoch authenticator after each commit are recorded,
//! and invalid commits (forged by Alice, whose Send-side rules are switched
//! off) are checked to be rejected by Bob for the recorded reason.

use mls_rs::extension::built_in::ExternalSendersExt;
use mls_rs::group::proposal::CustomProposal;
use mls_rs::{CipherSuite, ExtensionList, MlsMessage};
use mls_rs_core::extension::Extension;
use mls_rs_crypto_rustcrypto::RustCryptoProvider;

use mls_appsync::app_data::external::propose_app_data_update_external;
use mls_appsync::app_data::forge::{AppDataForgingRules, forge_app_data_commit};
use mls_appsync::app_data::proposal::to_custom_proposal;
use mls_appsync::app_data::{
    AppDataClientExt, AppDataDictionary, AppDataGroupExt, AppDataRequirement, AppDataUpdate,
    ComponentData, ComponentId, cas_update,
};
use mls_appsync::codec::encode;
use mls_appsync::constants::{APP_DATA_DICTIONARY_EXTENSION_TYPE, APP_DATA_UPDATE_PROPOSAL_TYPE};
use mls_appsync::{AppSyncClient, AppSyncGroup, AppSyncGroupExt, ExternalSender, WireFormatPolicy};

use super::app_data_codec::UpdateFields;
use super::app_data_processing::{
    AppDataCase, AppDataEpoch, AppDataInvalid, AppDataProcessingVectors, ComponentAssignment,
    GceFields, dictionary_of, extension_types, reason_name,
};
use super::error::{VectorError, at, expect_rejection};
use super::generate::passive_client;
use super::hexbytes::HexBytes;
use super::passive::EpochMessages;
use super::processing::{InvalidMessage, bytes};

/// Component ids the scenarios use with the `replace` logic.
pub const REPLACE_IDS: [ComponentId; 9] = [0x0000, 1, 2, 3, 4, 6, 7, 0x8000, 0xffff];
/// The component id that runs `cas`.
pub const CAS_ID: ComponentId = 5;
/// A component id no member knows.
pub const UNKNOWN_ID: ComponentId = 9;

/// The components of every generated file.
pub fn components() -> ComponentAssignment {
    ComponentAssignment {
        replace: REPLACE_IDS.to_vec(),
        cas: vec![CAS_ID],
    }
}

type Member = AppSyncClient<RustCryptoProvider, AppDataForgingRules>;
type MemberGroup = AppSyncGroup<RustCryptoProvider, AppDataForgingRules>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Alice,
    Bob,
    Ds,
}

/// The active side: two members, a listed external sender, and what the
/// current epoch has recorded so far.
struct Scenario {
    alice: Member,
    bob: Member,
    groups: [MemberGroup; 2],
    ds: ExternalSender,
    epochs: Vec<AppDataEpoch>,
    proposals: Vec<HexBytes>,
    invalid: Vec<AppDataInvalid>,
    /// A GroupContextExtensions proposal sent by reference this epoch.
    pending_extensions: Option<GceFields>,
}

fn malformed(what: &str) -> impl FnOnce(mls_appsync::CodecError) -> VectorError + '_ {
    move |e| VectorError::Malformed(format!("{what}: {e}"))
}

impl Scenario {
    fn index(who: Who) -> usize {
        usize::from(who == Who::Bob)
    }

    /// Processes `message` at both members but its sender.
    fn deliver(&mut self, from: Who, message: &MlsMessage, step: &str) -> Result<(), VectorError> {
        for (i, group) in self.groups.iter_mut().enumerate() {
            if from != Who::Ds && i == Self::index(from) {
                continue;
            }
            group
                .process(message.clone())
                .map_err(|r| VectorError::Mls {
                    step: step.into(),
                    source: r.error,
                })?;
        }
        Ok(())
    }

    fn wire_format(&self, who: Who, policy: WireFormatPolicy) {
        match who {
            Who::Bob => self.bob.set_wire_format(policy),
            _ => self.alice.set_wire_format(policy),
        }
    }

    /// `who` sends `update` by reference.
    fn propose(&mut self, who: Who, update: &AppDataUpdate) -> Result<(), VectorError> {
        let message = match who {
            Who::Ds => {
                // The external sender follows the group by GroupInfo.
                let info = self.groups[0]
                    .group_info_message(true)
                    .map_err(at("group info"))?;
                let mut ds = self.ds.observe(info).map_err(at("ds observes"))?;
                propose_app_data_update_external(&mut ds, update).map_err(at("ds propose"))?
            }
            member => self.groups[Self::index(member)]
                .propose_app_data_update(update)
                .map_err(at("propose"))?,
        };
        self.deliver(who, &message, "propose")?;
        self.proposals.push(bytes(&message)?);
        Ok(())
    }

    /// Bob proposes a GroupContextExtensions proposal by reference that
    /// sets the dictionary to `entries` and keeps the other extensions.
    fn propose_dictionary(&mut self, entries: Vec<ComponentData>) -> Result<(), VectorError> {
        let extensions = with_dictionary(&self.groups[1].context().extensions, entries)?;
        self.propose_extensions(extensions)
    }

    /// Bob proposes `extensions` by reference.
    fn propose_extensions(&mut self, extensions: ExtensionList) -> Result<(), VectorError> {
        self.pending_extensions = Some(GceFields::of(&extensions));
        let message = self.groups[1]
            .propose_group_context_extensions(extensions, Vec::new())
            .map_err(at("propose extensions"))?;
        self.deliver(Who::Bob, &message, "propose extensions")?;
        self.proposals.push(bytes(&message)?);
        Ok(())
    }

    /// Bob proposes by reference a GroupContextExtensions proposal that
    /// lists a second external sender and leaves the dictionary alone (U8
    /// allows it).
    fn propose_second_external_sender(&mut self) -> Result<(), VectorError> {
        let suite = self.groups[1].cipher_suite();
        let second = ExternalSender::new("ds2", mls_appsync::AppSyncRules::new(), suite)
            .map_err(|e| VectorError::Malformed(format!("second external sender: {e}")))?;
        let mut extensions = self.groups[1].context().extensions.clone();
        extensions
            .set_from(ExternalSendersExt::new(vec![
                self.ds.signing_identity().clone(),
                second.signing_identity().clone(),
            ]))
            .map_err(|e| VectorError::Malformed(format!("external senders: {e}")))?;
        self.propose_extensions(extensions)
    }

    /// `who` commits `by_value` and every cached proposal; everyone else
    /// processes it; the epoch is recorded.
    fn commit(
        &mut self,
        who: Who,
        description: &str,
        by_value: &[AppDataUpdate],
    ) -> Result<(), VectorError> {
        let commit = self.groups[Self::index(who)]
            .commit_app_data_updates(by_value)
            .map_err(at(description))?;
        let message = commit.output.commit_message;
        self.deliver(who, &message, description)?;
        let [alice, bob] = &self.groups;
        let authenticator = alice.epoch_authenticator_bytes().map_err(at(description))?;
        if authenticator != bob.epoch_authenticator_bytes().map_err(at(description))? {
            return Err(VectorError::Malformed(format!(
                "{description}: the members disagree after the commit"
            )));
        }
        self.epochs.push(AppDataEpoch {
            messages: EpochMessages {
                description: description.into(),
                proposals: std::mem::take(&mut self.proposals),
                invalid: std::mem::take(&mut self.invalid),
                commit: bytes(&message)?,
            },
            app_data_updates: commit.updates.iter().map(UpdateFields::of).collect(),
            group_context_extensions: self.pending_extensions.take(),
            app_data_dictionary: dictionary_of(alice)?,
            extension_types: extension_types(&alice.context().extensions),
            epoch_authenticator: authenticator.into(),
        });
        Ok(())
    }

    /// Alice forges a PublicMessage commit of `proposals` by value (and a
    /// GroupContextExtensions proposal if given); Bob must reject it for
    /// `reason`, and it is recorded.
    fn invalid(
        &mut self,
        description: &str,
        proposals: &[CustomProposal],
        extensions: Option<ExtensionList>,
        reason: &str,
    ) -> Result<(), VectorError> {
        self.alice.set_wire_format(WireFormatPolicy::Public);
        let group_context_extensions = extensions.as_ref().map(GceFields::of);
        let message = forge_app_data_commit(
            self.alice.rules(),
            &mut self.groups[0],
            proposals,
            extensions,
        )
        .map_err(at(format!("forge: {description}")))?;
        let mut probe = self.groups[1].clone();
        expect_rejection(
            description,
            probe.process(message.clone()),
            reason,
            reason_name,
        )?;
        let app_data_updates = proposals
            .iter()
            .filter_map(|p| mls_appsync::app_data::proposal::decode_custom(p).ok())
            .map(|u| UpdateFields::of(&u))
            .collect();
        self.invalid.push(AppDataInvalid {
            rejected: InvalidMessage {
                description: description.into(),
                message: bytes(&message)?,
                reason: reason.into(),
            },
            app_data_updates,
            group_context_extensions,
        });
        Ok(())
    }

    /// [`Self::invalid`] for AppDataUpdates alone.
    fn invalid_updates(
        &mut self,
        description: &str,
        updates: &[AppDataUpdate],
        reason: &str,
    ) -> Result<(), VectorError> {
        let proposals = updates
            .iter()
            .map(to_custom_proposal)
            .collect::<Result<Vec<_>, _>>()
            .map_err(malformed("proposal"))?;
        self.invalid(description, &proposals, None, reason)
    }

    /// The current data of `id` at Alice.
    fn read(&self, id: ComponentId) -> Result<Option<Vec<u8>>, VectorError> {
        self.groups[0]
            .component_data(id)
            .map_err(|e| VectorError::Malformed(format!("read {id}: {e}")))
    }
}

/// A copy of `extensions` whose `app_data_dictionary` holds `entries` in
/// the given order (sorted or not: forged extensions may break U1).
fn with_dictionary(
    extensions: &ExtensionList,
    entries: Vec<ComponentData>,
) -> Result<ExtensionList, VectorError> {
    let body = encode(&AppDataDictionary::new(entries)).map_err(malformed("dictionary"))?;
    let mut extensions = extensions.clone();
    extensions.set(Extension::new(APP_DATA_DICTIONARY_EXTENSION_TYPE, body));
    Ok(extensions)
}

fn update(id: ComponentId, data: &[u8]) -> AppDataUpdate {
    AppDataUpdate::update(id, data.to_vec())
}

fn cas(id: ComponentId, read: &[u8], new_data: &[u8]) -> Result<AppDataUpdate, VectorError> {
    cas_update(id, Some(read), new_data.to_vec()).map_err(malformed("cas update"))
}

/// Sets up Alice, Bob, the external sender and the passive client in a
/// group with `initial`, plays `play`, and returns the case.
fn case(
    suite: CipherSuite,
    description: &str,
    initial: Vec<ComponentData>,
    requirement: AppDataRequirement,
    play: impl FnOnce(&mut Scenario) -> Result<(), VectorError>,
) -> Result<AppDataCase, VectorError> {
    let setup = |e: mls_appsync::SetupError| VectorError::Malformed(format!("setup: {e}"));
    let member = |name: &str| {
        AppSyncClient::builder(name)
            .rules(AppDataForgingRules::new(components().rules()))
            .cipher_suite(suite)
            .build()
            .map_err(setup)
    };
    let (alice, bob) = (member("alice")?, member("bob")?);
    let ds = ExternalSender::new("ds", mls_appsync::AppSyncRules::new(), suite).map_err(setup)?;
    let passive = passive_client(suite, components().rules())?;

    let mut alice_group = alice
        .create_app_data_group(initial, vec![ds.signing_identity().clone()], requirement)
        .map_err(setup)?;
    let bob_key_package = bob.key_package().map_err(at("bob key package"))?;
    let added = alice_group
        .add_members(vec![bob_key_package, passive.key_package.clone()])
        .map_err(at("add bob and the passive client"))?;
    let welcome = added
        .output
        .welcome_messages
        .first()
        .cloned()
        .ok_or_else(|| VectorError::Malformed("no welcome".into()))?;
    let bob_group = bob.join_group(&welcome).map_err(at("bob joins"))?;
    let initial_epoch_authenticator = alice_group
        .epoch_authenticator_bytes()
        .map_err(at("join"))?;
    let initial_app_data_dictionary = dictionary_of(&alice_group)?;
    let initial_extension_types = extension_types(&alice_group.context().extensions);

    let mut s = Scenario {
        alice,
        bob,
        groups: [alice_group, bob_group],
        ds,
        epochs: Vec::new(),
        proposals: Vec::new(),
        invalid: Vec::new(),
        pending_extensions: None,
    };
    play(&mut s)?;
    Ok(AppDataCase {
        cipher_suite: u16::from(suite),
        description: description.into(),
        app_data_update_required: requirement == AppDataRequirement::Required,
        invitation: passive.invitation(&welcome, initial_epoch_authenticator)?,
        initial_app_data_dictionary,
        initial_extension_types,
        epochs: s.epochs,
    })
}

/// A group with a dictionary and `app_data_update` required: updates,
/// several per id, creates, Cas, removes, an external sender, both wire
/// formats, and the invalid lists.
fn dictionary_group(suite: CipherSuite) -> Result<AppDataCase, VectorError> {
    let initial = vec![
        ComponentData::new(1, b"alpha".to_vec()),
        ComponentData::new(3, Vec::new()),
        ComponentData::new(CAS_ID, b"cas-v1".to_vec()),
        ComponentData::new(0xffff, b"last".to_vec()),
    ];
    let description = "a group with app_data_dictionary and app_data_update required";
    case(
        suite,
        description,
        initial,
        AppDataRequirement::Required,
        |s| {
            // First what needs no AppDataUpdate on the wire: the
            // GroupContextExtensions rule, both ways.
            let mut changed = s.groups[0]
                .app_data_dictionary()
                .map_err(|e| VectorError::Malformed(format!("dictionary: {e}")))?;
            changed.push(ComponentData::new(4, b"by gce".to_vec()));
            changed.sort();
            let extensions = with_dictionary(&s.groups[0].context().extensions, changed)?;
            s.invalid(
                "a GroupContextExtensions proposal that adds an entry, app_data_update required",
                &[],
                Some(extensions),
                "gce_changes_dictionary",
            )?;
            s.propose_second_external_sender()?;
            s.commit(
                Who::Alice,
                "a GroupContextExtensions proposal by reference that lists a second external sender and leaves the dictionary as it was",
                &[],
            )?;
            s.commit(
                Who::Alice,
                "one update by value (PrivateMessage)",
                &[update(1, b"beta")],
            )?;
            s.commit(
                Who::Bob,
                "several updates per id in one commit, applied in order: 3, 1, 3",
                &[update(3, b"x"), update(1, b"gamma"), update(3, b"y")],
            )?;

            s.propose(Who::Bob, &update(2, b"two"))?;
            s.commit(
                Who::Alice,
                "creates at the sorted place: 2 by reference, 0x0000 and 7 by value",
                &[update(0x0000, b"zero"), update(7, b"seven")],
            )?;

            s.wire_format(Who::Alice, WireFormatPolicy::Public);
            s.commit(
                Who::Alice,
                "a chain of two cas updates on 5 and a remove of 3 (PublicMessage)",
                &[
                    cas(CAS_ID, b"cas-v1", b"cas-v2")?,
                    cas(CAS_ID, b"cas-v2", b"cas-v3")?,
                    AppDataUpdate::remove(3),
                ],
            )?;

            s.propose(Who::Ds, &update(1, b"from the external sender"))?;
            s.commit(
                Who::Bob,
                "an external sender's update by reference, a remove of 0xffff by value",
                &[AppDataUpdate::remove(0xffff)],
            )?;

            invalid_lists(s)?;
            s.wire_format(Who::Alice, WireFormatPolicy::Public);
            s.commit(
                Who::Alice,
                "after the rejected commits: component 1 set to empty data (PublicMessage)",
                &[update(1, b"")],
            )?;

            s.propose(Who::Alice, &update(4, b"four"))?;
            s.wire_format(Who::Alice, WireFormatPolicy::Private);
            s.commit(
                Who::Bob,
                "a PublicMessage proposal by reference and an update by value (PrivateMessage)",
                &[update(0x8000, b"private range")],
            )
        },
    )
}

/// The invalid commits of the dictionary group (where 1, 2, 5 and 7 have
/// entries and 3 has none).
fn invalid_lists(s: &mut Scenario) -> Result<(), VectorError> {
    let remove = AppDataUpdate::remove;
    s.invalid_updates(
        "remove of 3, which has no entry",
        &[remove(3)],
        "remove_of_absent_entry",
    )?;
    s.invalid_updates(
        "two removes of 2",
        &[remove(2), remove(2)],
        "several_removes",
    )?;
    let unchanged = s.groups[0].context().extensions.clone();
    let two_removes = [remove(2), remove(2)]
        .iter()
        .map(to_custom_proposal)
        .collect::<Result<Vec<_>, _>>()
        .map_err(malformed("proposal"))?;
    s.invalid(
        "two removes of 2 next to a GroupContextExtensions proposal that leaves the dictionary as it was",
        &two_removes,
        Some(unchanged),
        "several_removes",
    )?;
    s.invalid_updates(
        "an update and a remove of 2",
        &[update(2, b"u"), remove(2)],
        "update_and_remove",
    )?;
    s.invalid_updates(
        "a remove and an update of 2",
        &[remove(2), update(2, b"u")],
        "update_and_remove",
    )?;
    s.invalid_updates(
        "an update of component 9, which no member knows",
        &[update(UNKNOWN_ID, b"x")],
        "unknown_component",
    )?;
    let stale = cas(CAS_ID, b"cas-v1", b"stale")?;
    s.invalid_updates(
        "a cas update of 5 computed from data it no longer holds",
        &[stale],
        "component_refused",
    )?;
    let current = s.read(CAS_ID)?.unwrap_or_default();
    let twice = cas(CAS_ID, &current, b"twice")?;
    s.invalid_updates(
        "the same cas update of 5 twice: the second finds the data the first wrote",
        &[twice.clone(), twice],
        "component_refused",
    )?;
    s.invalid_updates(
        "a cas update of 5 after a remove of 5 in the same commit",
        &[remove(CAS_ID), cas(CAS_ID, &current, b"after")?],
        "update_and_remove",
    )?;
    let bad_op = CustomProposal::new(APP_DATA_UPDATE_PROPOSAL_TYPE, vec![0, 1, 3]);
    s.invalid(
        "an AppDataUpdate whose op is 3",
        &[bad_op],
        None,
        "malformed_app_data_update",
    )
}

/// A group without the extension, `app_data_update` not required: the first
/// update appends it; removing every entry leaves an empty dictionary; a
/// GroupContextExtensions proposal may change the dictionary, and
/// AppDataUpdates of the same commit apply to what it leaves.
fn appended_group(suite: CipherSuite) -> Result<AppDataCase, VectorError> {
    let description = "a group without app_data_dictionary, app_data_update not required";
    case(
        suite,
        description,
        Vec::new(),
        AppDataRequirement::NotRequired,
        |s| {
            let extensions = with_dictionary(
                &s.groups[0].context().extensions,
                vec![
                    ComponentData::new(6, Vec::new()),
                    ComponentData::new(2, Vec::new()),
                ],
            )?;
            s.invalid(
                "a GroupContextExtensions proposal whose dictionary is not sorted",
                &[],
                Some(extensions),
                "invalid_dictionary",
            )?;
            s.commit(
                Who::Alice,
                "the first updates append the extension at the end",
                &[update(4, b"first"), update(2, b"second")],
            )?;
            s.wire_format(Who::Alice, WireFormatPolicy::Public);
            s.commit(
                Who::Alice,
                "removes of every entry leave an empty dictionary (PublicMessage)",
                &[AppDataUpdate::remove(2), AppDataUpdate::remove(4)],
            )?;
            s.commit(
                Who::Bob,
                "an update of 0xffff into the empty dictionary",
                &[update(0xffff, b"")],
            )?;
            let dropped = with_dictionary(
                &s.groups[0].context().extensions,
                vec![ComponentData::new(2, b"by gce".to_vec())],
            )?;
            s.invalid(
                "a GroupContextExtensions proposal that drops 0xffff and a remove of 0xffff in one commit",
                &[to_custom_proposal(&AppDataUpdate::remove(0xffff)).map_err(malformed("proposal"))?],
                Some(dropped),
                "remove_of_absent_entry",
            )?;
            s.propose_dictionary(vec![
                ComponentData::new(2, b"by gce".to_vec()),
                ComponentData::new(6, b"six".to_vec()),
            ])?;
            s.commit(
                Who::Alice,
                "a GroupContextExtensions proposal by reference rewrites the dictionary; an update of 6 by value applies to what it leaves",
                &[update(6, b"after gce")],
            )?;
            s.invalid_updates(
                "remove of 0xffff, which the GroupContextExtensions proposal removed",
                &[AppDataUpdate::remove(0xffff)],
                "remove_of_absent_entry",
            )?;
            s.commit(Who::Bob, "an update of 2", &[update(2, b"last")])
        },
    )
}

/// Suites the generator covers: every suite rustcrypto implements.
pub const APP_DATA_SUITES: [u16; 4] = [1, 2, 3, 7];

/// Generates the two cases of one cipher suite.
pub fn generate_cases(suite: CipherSuite) -> Result<Vec<AppDataCase>, VectorError> {
    Ok(vec![dictionary_group(suite)?, appended_group(suite)?])
}

/// Generates the whole processing file.
pub fn generate() -> Result<AppDataProcessingVectors, VectorError> {
    let mut cases = Vec::new();
    for suite in APP_DATA_SUITES {
        cases.extend(generate_cases(CipherSuite::from(suite))?);
    }
    Ok(AppDataProcessingVectors {
        components: components(),
        cases,
    })
}
