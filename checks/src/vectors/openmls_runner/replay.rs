//! The processing vectors' proposal lists replayed on OpenMLS groups of
//! its own. OpenMLS cannot read this project's AppDataUpdate messages (the
//! framing, see [`super::codec`]), so the byte-for-byte run stops at the
//! first AppDataUpdate commit; the replay asks the semantic questions
//! instead. Per case, an OpenMLS Alice creates a group with the vector's
//! initial dictionary and requirement and adds an OpenMLS Bob; then per
//! epoch:
//!
//! * each invalid list that carries AppDataUpdates (or a
//!   GroupContextExtensions proposal) is committed by Alice by value, with a
//!   forging application that leaves refused components unchanged, and Bob
//!   (an honest application) must refuse it; OpenMLS refusing it already at
//!   Alice's commit builder counts as refusing, since both run the same
//!   validator;
//! * the epoch's AppDataUpdates (all by value, in the vector's commit
//!   order, with the epoch's GroupContextExtensions proposal if it has one)
//!   are committed by Alice and processed by Bob, whose dictionary must be
//!   the vector's, with `app_data_dictionary` where the vector has it among
//!   the GroupContext extensions.
//!
//! Epoch authenticators differ (other keys), so they are not compared;
//! once Bob's state parts from the vector's, the rest of the case is not
//! run. External senders and by-reference proposals are not replayed.

use openmls::component::ComponentData;
use openmls::extensions::{AppDataDictionary, AppDataDictionaryExtension};
use openmls::group::AppDataUpdates;
use openmls::prelude::tls_codec::Serialize as _;
use openmls::prelude::*;
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::OpenMlsRustCrypto;

use crate::vectors::app_data_codec::UpdateFields;
use crate::vectors::app_data_processing::{
    AppDataCase, AppDataProcessingVectors, ComponentAssignment, GceFields,
};
use crate::vectors::hexbytes::HexBytes;

use super::app::{Conduct, Processed, apply, dictionary, extension_types, process, show};
use super::codec::{decode, openmls_update};
use super::passive::suite_supported;
use super::{Outcome, Report, Verdict};

/// An OpenMLS member.
struct Member {
    provider: OpenMlsRustCrypto,
    signer: SignatureKeyPair,
    credential: CredentialWithKey,
}

fn member(suite: Ciphersuite, name: &str) -> Result<Member, String> {
    let provider = OpenMlsRustCrypto::default();
    let signer =
        SignatureKeyPair::new(suite.signature_algorithm()).map_err(|e| format!("{e:?}"))?;
    signer
        .store(provider.storage())
        .map_err(|e| format!("{e:?}"))?;
    let credential = CredentialWithKey {
        credential: BasicCredential::new(name.as_bytes().to_vec()).into(),
        signature_key: signer.public().into(),
    };
    Ok(Member {
        provider,
        signer,
        credential,
    })
}

/// Alice and Bob in one OpenMLS group.
struct Pair {
    alice: Member,
    alice_group: MlsGroup,
    bob: Member,
    bob_group: MlsGroup,
}

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The OpenMLS dictionary extension holding `body` (an encoded
/// AppDataDictionary); OpenMLS refuses one that is not sorted and unique.
fn dictionary_extension(body: &HexBytes) -> Result<Extension, String> {
    let dictionary: AppDataDictionary = decode(&body.0)?;
    Ok(Extension::AppDataDictionary(
        AppDataDictionaryExtension::new(dictionary),
    ))
}

/// `extensions` with the dictionary replaced in place by `body`, appended
/// if absent, or removed for `None`.
fn with_dictionary(
    extensions: &Extensions<GroupContext>,
    body: &Option<HexBytes>,
) -> Result<Extensions<GroupContext>, String> {
    let replacement = body.as_ref().map(dictionary_extension).transpose()?;
    let mut list: Vec<Extension> = Vec::new();
    let mut placed = false;
    for extension in extensions.iter() {
        if extension.extension_type() == ExtensionType::AppDataDictionary {
            list.extend(replacement.clone());
            placed = true;
        } else {
            list.push(extension.clone());
        }
    }
    if !placed {
        list.extend(replacement);
    }
    Extensions::from_vec(list).map_err(text)
}

/// Creates the group of `case`: the initial dictionary (if any) and
/// `required_capabilities`, in the vector's order.
fn create(case: &AppDataCase, suite: Ciphersuite) -> Result<Pair, String> {
    let capabilities = Capabilities::new(
        None,
        None,
        Some(&[ExtensionType::AppDataDictionary]),
        Some(&[ProposalType::AppDataUpdate]),
        None,
    );
    let required: &[ProposalType] = match case.app_data_update_required {
        true => &[ProposalType::AppDataUpdate],
        false => &[],
    };
    let mut list = Vec::new();
    for extension_type in &case.initial_extension_types {
        match ExtensionType::from(*extension_type) {
            ExtensionType::AppDataDictionary => {
                if let Some(body) = &case.initial_app_data_dictionary {
                    list.push(dictionary_extension(body)?);
                }
            }
            ExtensionType::RequiredCapabilities => {
                list.push(Extension::RequiredCapabilities(
                    RequiredCapabilitiesExtension::new(
                        &[ExtensionType::AppDataDictionary],
                        required,
                        &[],
                    ),
                ));
            }
            _ => {}
        }
    }
    let config = MlsGroupCreateConfig::builder()
        .ciphersuite(suite)
        .capabilities(capabilities.clone())
        .use_ratchet_tree_extension(true)
        .wire_format_policy(PURE_PLAINTEXT_WIRE_FORMAT_POLICY)
        .with_group_context_extensions(Extensions::from_vec(list).map_err(text)?)
        .build();
    let alice = member(suite, "alice")?;
    let bob = member(suite, "bob")?;
    let mut alice_group = MlsGroup::new(
        &alice.provider,
        &alice.signer,
        &config,
        alice.credential.clone(),
    )
    .map_err(text)?;
    let key_package = KeyPackage::builder()
        .leaf_node_capabilities(capabilities)
        .build(suite, &bob.provider, &bob.signer, bob.credential.clone())
        .map_err(text)?;
    let (_, welcome, _) = alice_group
        .add_members(
            &alice.provider,
            &alice.signer,
            &[key_package.key_package().clone()],
        )
        .map_err(text)?;
    alice_group
        .merge_pending_commit(&alice.provider)
        .map_err(text)?;
    let MlsMessageBodyIn::Welcome(welcome) = MlsMessageIn::from(welcome).extract() else {
        return Err("no Welcome".into());
    };
    let bob_group =
        StagedWelcome::new_from_welcome(&bob.provider, config.join_config(), welcome, None)
            .map_err(text)?
            .into_group(&bob.provider)
            .map_err(text)?;
    Ok(Pair {
        alice,
        alice_group,
        bob,
        bob_group,
    })
}

impl Pair {
    /// Alice builds and stages a commit of `updates` by value (after the
    /// GroupContextExtensions proposal `gce`, if given), her application
    /// acting as `conduct` says.
    fn commit(
        &mut self,
        components: &ComponentAssignment,
        updates: &[UpdateFields],
        gce: Option<&GceFields>,
        conduct: Conduct,
    ) -> Result<Vec<u8>, String> {
        self.commit_with(components, updates, gce, conduct, None)
    }

    /// [`Self::commit`], where Alice's application also sets `extra` (an id
    /// and its data) whatever the proposals say.
    fn commit_with(
        &mut self,
        components: &ComponentAssignment,
        updates: &[UpdateFields],
        gce: Option<&GceFields>,
        conduct: Conduct,
        extra: Option<(u16, &[u8])>,
    ) -> Result<Vec<u8>, String> {
        let proposals: Vec<Proposal> = updates
            .iter()
            .map(|u| Proposal::AppDataUpdate(Box::new(openmls_update(u))))
            .collect();
        let extensions = gce
            .map(|gce| with_dictionary(self.alice_group.extensions(), &gce.app_data_dictionary))
            .transpose()?;
        let mut builder = self.alice_group.commit_builder();
        if let Some(extensions) = extensions {
            builder = builder
                .propose_group_context_extensions(extensions)
                .map_err(text)?;
        }
        let mut stage = builder
            .add_proposals(proposals)
            .load_psks(self.alice.provider.storage())
            .map_err(text)?;
        let mut updater = stage.app_data_dictionary_updater();
        apply(
            components,
            conduct,
            &mut updater,
            stage.app_data_update_proposals(),
        )
        .map_err(|e| format!("the application: {e}"))?;
        if let Some((id, data)) = extra {
            updater.set(ComponentData::from_parts(id, data.to_vec().into()));
        }
        let changes = match (updater.changes(), conduct, updates.is_empty()) {
            // A forging committer whose components refused everything still
            // hands OpenMLS a (empty) result, so that the receiver judges.
            (None, Conduct::Forging, false) => Some(AppDataUpdates::default()),
            (changes, _, _) => changes,
        };
        stage.with_app_data_dictionary_updates(changes);
        let provider = &self.alice.provider;
        let bundle = stage
            .build(
                provider.rand(),
                provider.crypto(),
                &self.alice.signer,
                |_| true,
            )
            .map_err(text)?
            .stage_commit(provider)
            .map_err(text)?;
        bundle.into_commit().tls_serialize_detached().map_err(text)
    }

    /// Bob processes `commit`: staged (not merged) or refused.
    fn receive(&mut self, components: &ComponentAssignment, commit: &[u8]) -> Processed {
        process(&self.bob.provider, &mut self.bob_group, components, commit)
    }

    /// Alice drops the commit she staged; both drop stored proposals.
    fn discard(&mut self) -> Result<(), String> {
        self.alice_group
            .clear_pending_commit(self.alice.provider.storage())
            .map_err(|e| format!("{e:?}"))?;
        self.alice_group
            .clear_pending_proposals(self.alice.provider.storage())
            .map_err(|e| format!("{e:?}"))?;
        self.bob_group
            .clear_pending_proposals(self.bob.provider.storage())
            .map_err(|e| format!("{e:?}"))
    }

    /// `who` (Alice or Bob) proposes `operation` on `id` by reference; the
    /// other stores it.
    fn propose(
        &mut self,
        alice: bool,
        id: u16,
        operation: &AppDataUpdateOperation,
    ) -> Result<(), String> {
        let (member, group) = self.side(alice);
        let (message, _) = group
            .propose_app_data_update(&member.provider, &member.signer, id, operation.clone())
            .map_err(text)?;
        self.deliver(!alice, message)
    }

    /// Bob proposes `extensions` by reference; Alice stores it.
    fn propose_extensions(&mut self, extensions: Extensions<GroupContext>) -> Result<(), String> {
        let (message, _) = self
            .bob_group
            .propose_group_context_extensions(&self.bob.provider, extensions, &self.bob.signer)
            .map_err(text)?;
        self.deliver(true, message)
    }

    fn side(&mut self, alice: bool) -> (&Member, &mut MlsGroup) {
        match alice {
            true => (&self.alice, &mut self.alice_group),
            false => (&self.bob, &mut self.bob_group),
        }
    }

    /// `outcome`, once Alice's pending commit and both proposal stores are
    /// emptied (or the failure to do so).
    fn discarding(&mut self, outcome: Outcome) -> Outcome {
        match self.discard() {
            Ok(()) => outcome,
            Err(e) => Outcome::disagrees(format!("cannot drop the pending commit: {e}")),
        }
    }

    /// Alice (or Bob) processes and stores a proposal.
    fn deliver(&mut self, to_alice: bool, message: MlsMessageOut) -> Result<(), String> {
        let (member, group) = self.side(to_alice);
        let message = MlsMessageIn::from(message)
            .try_into_protocol_message()
            .map_err(text)?;
        let processed = group
            .process_message(&member.provider, message)
            .map_err(text)?;
        let ProcessedMessageContent::ProposalMessage(proposal) = processed.into_content() else {
            return Err("not a proposal".into());
        };
        group
            .store_pending_proposal(member.provider.storage(), *proposal)
            .map_err(|e| format!("{e:?}"))
    }

    /// Both merge the commit Bob staged.
    fn merge(&mut self, staged: StagedCommit) -> Result<(), String> {
        self.bob_group
            .merge_staged_commit(&self.bob.provider, staged)
            .map_err(text)?;
        self.alice_group
            .merge_pending_commit(&self.alice.provider)
            .map_err(text)
    }
}

/// Whether the dictionary sits among the GroupContext extensions where the
/// vector has it (compared over the types both groups have).
fn order_outcome(expected: &[u16], actual: &[u16]) -> Option<String> {
    let common: Vec<u16> = expected
        .iter()
        .copied()
        .filter(|t| actual.contains(t))
        .collect();
    let ours: Vec<u16> = actual
        .iter()
        .copied()
        .filter(|t| expected.contains(t))
        .collect();
    (common != ours).then(|| format!("extension order {ours:?}, the vector's {common:?}"))
}

/// An invalid list: Alice commits it, Bob must refuse it.
fn replay_invalid(
    pair: &mut Pair,
    components: &ComponentAssignment,
    updates: &[UpdateFields],
    gce: Option<&GceFields>,
) -> Outcome {
    let outcome = match pair.commit(components, updates, gce, Conduct::Forging) {
        Err(e) => Outcome::agrees(format!("refused at the committer: {e}")),
        Ok(commit) => match pair.receive(components, &commit) {
            Processed::Refused(e) => Outcome::agrees(format!("refused: {e}")),
            Processed::Commit(_) => Outcome::disagrees("accepts it"),
            Processed::Proposal => Outcome::disagrees("takes it for a proposal"),
        },
    };
    pair.discarding(outcome)
}

/// A valid commit: Alice commits it, Bob must accept it and reach the
/// vector's dictionary; the second outcome says whether the dictionary sits
/// among the GroupContext extensions where the vector has it (`None` when
/// the commit did not go through).
fn replay_commit(
    pair: &mut Pair,
    components: &ComponentAssignment,
    updates: &[UpdateFields],
    gce: Option<&GceFields>,
    expected: (&Option<HexBytes>, &[u16]),
) -> (Outcome, Option<Outcome>) {
    let commit = match pair.commit(components, updates, gce, Conduct::Honest) {
        Ok(commit) => commit,
        Err(e) => {
            return (
                Outcome::disagrees(format!("refused at the committer: {e}")),
                None,
            );
        }
    };
    let staged = match pair.receive(components, &commit) {
        Processed::Commit(staged) => staged,
        Processed::Refused(e) => return (Outcome::disagrees(format!("refused: {e}")), None),
        Processed::Proposal => return (Outcome::disagrees("takes it for a proposal"), None),
    };
    if let Err(e) = pair.merge(*staged) {
        return (Outcome::disagrees(format!("cannot merge: {e}")), None);
    }
    let ours = dictionary(&pair.bob_group);
    let outcome = match ours == expected.0.as_ref().map(|d| d.0.clone()) {
        true => Outcome::agrees("same dictionary"),
        false => Outcome::disagrees(format!("dictionary {}", show(&ours))),
    };
    let order = match order_outcome(expected.1, &extension_types(&pair.bob_group)) {
        Some(order) => Outcome::disagrees(order),
        None => Outcome::agrees("same place"),
    };
    (outcome, Some(order))
}

/// Not from the vectors: a committer whose application hands OpenMLS data
/// for a component no proposal of the commit names (`smuggled`) next to an
/// update of `updated`. The draft derives the new data from the proposals
/// alone, so a client should not build such a commit.
fn probe_smuggled(
    pair: &mut Pair,
    components: &ComponentAssignment,
    updated: u16,
    smuggled: u16,
) -> Outcome {
    let update = UpdateFields {
        component_id: updated,
        op: crate::vectors::app_data_codec::OpName::Update,
        update: Some(HexBytes(b"probe".to_vec())),
    };
    let built = pair.commit_with(
        components,
        &[update],
        None,
        Conduct::Honest,
        Some((smuggled, b"smuggled")),
    );
    let outcome = match built {
        Err(e) => Outcome::agrees(format!("refused at the committer: {e}")),
        Ok(commit) => match pair.receive(components, &commit) {
            Processed::Refused(e) => Outcome::disagrees(format!(
                "the committer builds and stages it; the receiver then refuses it: {e}"
            )),
            _ => Outcome::disagrees("the committer builds it and the receiver accepts it"),
        },
    };
    pair.discarding(outcome)
}

/// Not from the vectors: Alice and Bob each propose a remove of `id` by
/// reference (two proposals, so OpenMLS cannot merge them into one), and
/// Alice commits both, with a GroupContextExtensions proposal that leaves
/// the dictionary as it was if `gce`. A draft client refuses two removes of
/// one id.
fn probe_two_removes(
    pair: &mut Pair,
    components: &ComponentAssignment,
    id: u16,
    gce: bool,
) -> Outcome {
    let remove = AppDataUpdateOperation::Remove;
    let proposed = match gce {
        // By reference too, and first: OpenMLS puts stored proposals before
        // the committer's own, and refuses an AppDataUpdate before a
        // GroupContextExtensions proposal (see `probe_order`).
        true => pair.propose_extensions(pair.alice_group.extensions().clone()),
        false => Ok(()),
    }
    .and_then(|()| pair.propose(true, id, &remove))
    .and_then(|()| pair.propose(false, id, &remove));
    if let Err(e) = proposed {
        return Outcome::not_run(format!("cannot propose: {e}"));
    }
    replay_invalid(pair, components, &[], None)
}

/// Not from the vectors: Alice proposes an update of `id` by reference,
/// then commits it with a GroupContextExtensions proposal by value that
/// leaves the dictionary as it was. The draft lets both share a commit.
fn probe_order(pair: &mut Pair, components: &ComponentAssignment, id: u16) -> Outcome {
    let update = AppDataUpdateOperation::Update(b"ordered".to_vec().into());
    if let Err(e) = pair.propose(true, id, &update) {
        return Outcome::not_run(format!("cannot propose: {e}"));
    }
    let unchanged = GceFields {
        app_data_dictionary: dictionary(&pair.alice_group).map(HexBytes),
    };
    let outcome = match pair.commit(components, &[], Some(&unchanged), Conduct::Honest) {
        Err(e) => Outcome::disagrees(format!("refused at the committer: {e}")),
        Ok(commit) => match pair.receive(components, &commit) {
            Processed::Commit(_) => Outcome::agrees("accepted"),
            Processed::Refused(e) => Outcome::disagrees(format!("the receiver refuses it: {e}")),
            Processed::Proposal => Outcome::disagrees("takes it for a proposal"),
        },
    };
    pair.discarding(outcome)
}

fn replay_case(components: &ComponentAssignment, case: &AppDataCase, report: &mut Report) {
    let name = format!("replay, suite {}, {}", case.cipher_suite, case.description);
    let suite = Ciphersuite::try_from(case.cipher_suite).ok();
    let Some(suite) = suite.filter(|_| suite_supported(case.cipher_suite)) else {
        let why = "cipher suite not implemented by openmls_rust_crypto";
        report.push(format!("{name}: create"), "created", Outcome::not_run(why));
        return;
    };
    let mut pair = match create(case, suite) {
        Ok(pair) => pair,
        Err(e) => {
            report.push(format!("{name}: create"), "created", Outcome::disagrees(e));
            return;
        }
    };
    let mut behind: Option<String> = None;
    for (e, epoch) in case.epochs.iter().enumerate() {
        for (i, invalid) in epoch.messages.invalid.iter().enumerate() {
            if invalid.app_data_updates.is_empty() && invalid.group_context_extensions.is_none() {
                continue;
            }
            let outcome = match &behind {
                Some(why) => Outcome::not_run(why.clone()),
                None => replay_invalid(
                    &mut pair,
                    components,
                    &invalid.app_data_updates,
                    invalid.group_context_extensions.as_ref(),
                ),
            };
            report.push(
                format!(
                    "{name}: epoch {e} invalid {i} ({})",
                    invalid.rejected.description
                ),
                format!("refused ({})", invalid.rejected.reason),
                outcome,
            );
        }
        let (outcome, order) = match &behind {
            Some(why) => (Outcome::not_run(why.clone()), None),
            None => replay_commit(
                &mut pair,
                components,
                &epoch.app_data_updates,
                epoch.group_context_extensions.as_ref(),
                (&epoch.app_data_dictionary, &epoch.extension_types),
            ),
        };
        if behind.is_none() && outcome.verdict != Verdict::Agrees {
            behind = Some(format!("the replay parted from the vector at epoch {e}"));
        }
        let step = format!("{name}: epoch {e} commit ({})", epoch.messages.description);
        if let Some(order) = order {
            let expected = "app_data_dictionary where the vector has it among the extensions";
            report.push(format!("{step}, extension order"), expected, order);
        }
        report.push(step, "accepted, with the dictionary", outcome);
    }
    let entry = pair
        .bob_group
        .extensions()
        .app_data_dictionary()
        .and_then(|d| d.dictionary().entries().next().map(|e| e.id()));
    if let (Some(id), None, true) = (entry, &behind, case.app_data_update_required) {
        for gce in [false, true] {
            let next_to = match gce {
                true => " next to a GroupContextExtensions proposal that leaves the dictionary",
                false => "",
            };
            report.push(
                format!("{name}: probe, two removes of {id:#06x} by reference from Alice and Bob{next_to}"),
                "refused (several_removes)",
                probe_two_removes(&mut pair, components, id, gce),
            );
        }
        report.push(
            format!("{name}: probe, an update of {id:#06x} by reference and a GroupContextExtensions proposal by value that leaves the dictionary"),
            "accepted",
            probe_order(&mut pair, components, id),
        );
    }
    if let ([updated, smuggled, ..], None) = (components.replace.as_slice(), &behind) {
        report.push(
            format!("{name}: probe, the committer's application supplies data for {smuggled:#06x}, which no proposal names"),
            "the committer refuses to build the commit",
            probe_smuggled(&mut pair, components, *updated, *smuggled),
        );
    }
}

/// Replays every case.
pub fn run(vectors: &AppDataProcessingVectors) -> Report {
    let mut report = Report::default();
    for case in &vectors.cases {
        replay_case(&vectors.components, case, &mut report);
    }
    report
}
