//! Generating the AppSync processing vectors (`processing.rs` holds their
//! format and the verifier): Alice, Bob and an external sender play a
//! scenario of epochs on real groups, a passive client is invited by the
//! same Welcome, and every message, expected `application_states` and epoch
//! authenticator is recorded, with invalid messages that Bob is checked to
//! reject for the recorded reason.
//!
//! One file because the scenario is one story, epoch after epoch.

use mls_rs::{CipherSuite, MlsMessage};
use mls_rs_crypto_rustcrypto::RustCryptoProvider;

use mls_appsync::client::{ProfileRules, new_identity};
use mls_appsync::external::propose_app_sync_external;
use mls_appsync::forge::{
    ForgedSender, ForgeryKind, ForgingRules, forge_commit, unauthorized_app_sync_proposal,
};
use mls_appsync::{
    AppSync, AppSyncClient, AppSyncGroup, AppSyncGroupExt, AppSyncRules, ApplicationState,
    ExternalSender, RejectionReason, WireFormatPolicy, create_members_joining,
};

use super::error::{VectorError, at, expect_rejection};
use super::hexbytes::HexBytes;
use super::passive::{EpochMessages, PassiveInvitation};
use super::processing::{InvalidMessage, ProcessingCase, ProcessingEpoch, bytes, states_of};

/// The active side of a scenario: two members, a listed external sender,
/// and the messages of the current epoch so far.
struct Scenario {
    alice: MemberClient,
    alice_group: MemberGroup,
    bob_group: MemberGroup,
    ds: ExternalSender,
    suite: CipherSuite,
    epochs: Vec<ProcessingEpoch>,
    proposals: Vec<HexBytes>,
    invalid: Vec<InvalidMessage>,
}

#[derive(Clone, Copy)]
enum Who {
    Alice,
    Bob,
    Ds,
}

impl Scenario {
    /// Processes `message` at everyone but its sender.
    fn deliver(&mut self, from: Who, message: &MlsMessage, step: &str) -> Result<(), VectorError> {
        let fail = |r: mls_appsync::Rejected| VectorError::Mls {
            step: step.to_string(),
            source: r.error,
        };
        if !matches!(from, Who::Alice) {
            self.alice_group.process(message.clone()).map_err(fail)?;
        }
        if !matches!(from, Who::Bob) {
            self.bob_group.process(message.clone()).map_err(fail)?;
        }
        Ok(())
    }

    fn group(&mut self, who: Who) -> &mut MemberGroup {
        match who {
            Who::Bob => &mut self.bob_group,
            _ => &mut self.alice_group,
        }
    }

    fn propose(&mut self, who: Who, app_sync: AppSync) -> Result<(), VectorError> {
        let message = match who {
            Who::Ds => {
                // An external sender cannot read PrivateMessage commits, so
                // it follows the group through a fresh GroupInfo, as a
                // delivery service would hand it one.
                let info = self
                    .alice_group
                    .group_info_message(true)
                    .map_err(at("group info"))?;
                let mut ds = self.ds.observe(info).map_err(at("ds observes"))?;
                propose_app_sync_external(&mut ds, &app_sync).map_err(at("ds propose"))?
            }
            member => self
                .group(member)
                .propose_app_sync(&app_sync)
                .map_err(at("propose"))?,
        };
        self.deliver(who, &message, "propose")?;
        self.proposals.push(bytes(&message)?);
        Ok(())
    }

    /// A rejected message: checked against Bob (an honest member) now, so a
    /// vector never records a reason the implementation does not give.
    fn invalid(
        &mut self,
        description: &str,
        message: MlsMessage,
        reason: RejectionReason,
    ) -> Result<(), VectorError> {
        let mut probe = self.bob_group.clone();
        expect_rejection(
            description,
            probe.process(message.clone()),
            reason.name(),
            |r| r.reason.name().to_string(),
        )?;
        self.invalid.push(InvalidMessage {
            description: description.into(),
            message: bytes(&message)?,
            reason: reason.name().into(),
        });
        Ok(())
    }

    fn forge(&mut self, kind: ForgeryKind, reason: RejectionReason) -> Result<(), VectorError> {
        let rules = self.alice.rules().clone();
        let message = forge_commit(&rules, &mut self.alice_group, kind)
            .map_err(|e| VectorError::Malformed(format!("forge {kind:?}: {e}")))?;
        self.invalid(&format!("forged commit: {kind:?}"), message, reason)
    }

    fn commit(
        &mut self,
        who: Who,
        description: &str,
        by_value: &[AppSync],
    ) -> Result<(), VectorError> {
        let message = self.make_commit(who, description, by_value)?;
        self.record_commit(who, description, message)
    }

    /// `who` commits `by_value` (and every cached proposal) and applies it.
    fn make_commit(
        &mut self,
        who: Who,
        description: &str,
        by_value: &[AppSync],
    ) -> Result<MlsMessage, VectorError> {
        let commit = self
            .group(who)
            .commit_app_syncs(by_value)
            .map_err(at(description))?;
        Ok(commit.output.commit_message)
    }

    /// Like [`Self::commit`], but first the same commit with the last byte
    /// (the AEAD tag of a PrivateMessage) flipped is recorded as invalid: a
    /// receiver must reject it without losing the genuine commit's key.
    fn tampered_then_commit(
        &mut self,
        who: Who,
        description: &str,
        by_value: &[AppSync],
    ) -> Result<(), VectorError> {
        let message = self.make_commit(who, description, by_value)?;
        let mut tampered = bytes(&message)?.0;
        if let Some(last) = tampered.last_mut() {
            *last ^= 1;
        }
        let tampered = MlsMessage::from_bytes(&tampered).map_err(at("tamper"))?;
        self.invalid(
            "the epoch's commit with its AEAD tag flipped",
            tampered,
            RejectionReason::AuthenticationFailure,
        )?;
        self.record_commit(who, description, message)
    }

    /// Deliver `message` (a commit `who` made and applied) and record the epoch.
    fn record_commit(
        &mut self,
        who: Who,
        description: &str,
        message: MlsMessage,
    ) -> Result<(), VectorError> {
        self.deliver(who, &message, description)?;
        if self
            .alice_group
            .epoch_authenticator_bytes()
            .map_err(at(description))?
            != self
                .bob_group
                .epoch_authenticator_bytes()
                .map_err(at(description))?
        {
            return Err(VectorError::Malformed(format!(
                "{description}: the members disagree after the commit"
            )));
        }
        self.epochs.push(ProcessingEpoch {
            messages: EpochMessages {
                description: description.into(),
                proposals: std::mem::take(&mut self.proposals),
                invalid: std::mem::take(&mut self.invalid),
                commit: bytes(&message)?,
            },
            application_states: states_of(&self.alice_group)?,
            epoch_authenticator: self
                .alice_group
                .epoch_authenticator_bytes()
                .map_err(at(description))?
                .into(),
        });
        Ok(())
    }
}

/// The generator's members run the AppSync rules inside the test-only
/// forging wrapper, so that Alice can also forge (the wrapper delegates
/// exactly otherwise).
type MemberClient = AppSyncClient<RustCryptoProvider, ForgingRules>;
type MemberGroup = AppSyncGroup<RustCryptoProvider, ForgingRules>;

/// A passive client's key package and the private keys a vector carries.
pub(super) struct PassiveSecrets {
    pub(super) key_package: MlsMessage,
    signature_priv: Vec<u8>,
    encryption_priv: Vec<u8>,
    init_priv: Vec<u8>,
}

impl PassiveSecrets {
    /// The vector's view of the passive client invited by `welcome`.
    pub(super) fn invitation(
        self,
        welcome: &MlsMessage,
        initial_epoch_authenticator: Vec<u8>,
    ) -> Result<PassiveInvitation, VectorError> {
        Ok(PassiveInvitation {
            key_package: bytes(&self.key_package)?,
            signature_priv: self.signature_priv.into(),
            encryption_priv: self.encryption_priv.into(),
            init_priv: self.init_priv.into(),
            welcome: bytes(welcome)?,
            ratchet_tree: None,
            initial_epoch_authenticator: initial_epoch_authenticator.into(),
        })
    }
}

/// A client running `rules` (whose code points its key package advertises)
/// whose key package secrets we can read back, to write them into the
/// vector.
pub(super) fn passive_client<R: ProfileRules>(
    suite: CipherSuite,
    rules: R,
) -> Result<PassiveSecrets, VectorError> {
    let (identity, secret) = new_identity(&RustCryptoProvider::default(), b"passive", suite)
        .map_err(|e| VectorError::Malformed(format!("passive identity: {e}")))?;
    let client = AppSyncClient::builder("passive")
        .rules(rules)
        .cipher_suite(suite)
        .signer(identity, secret.clone())
        .build()
        .map_err(|e| VectorError::Malformed(format!("passive client: {e}")))?;
    let key_package = client.key_package().map_err(at("passive key package"))?;
    let (_, data) = client
        .mls_client()
        .key_package_store()
        .key_packages()
        .into_iter()
        .next()
        .ok_or_else(|| VectorError::Malformed("no key package stored".into()))?;
    Ok(PassiveSecrets {
        key_package,
        signature_priv: secret.as_bytes().to_vec(),
        encryption_priv: data.leaf_node_key.to_vec(),
        init_priv: data.init_key.to_vec(),
    })
}

/// Generates the processing vector of one cipher suite (rustcrypto).
pub fn generate_case(suite: CipherSuite) -> Result<ProcessingCase, VectorError> {
    let setup = |e: mls_appsync::SetupError| VectorError::Malformed(format!("setup: {e}"));
    let member = |name: &str| {
        AppSyncClient::builder(name)
            .rules(ForgingRules::new(AppSyncRules::new()))
            .cipher_suite(suite)
            .build()
            .map_err(setup)
    };
    let (alice, bob) = (member("alice")?, member("bob")?);
    let ds = ExternalSender::new("ds", AppSyncRules::new(), suite).map_err(setup)?;

    let initial = vec![
        ApplicationState::new(1, b"alpha".to_vec()),
        ApplicationState::new(2, Vec::new()),
        ApplicationState::new(3, vec![0x33; 100]),
    ];
    let passive = passive_client(suite, AppSyncRules::new())?;
    // Alice creates the group and adds Bob and the passive client in one
    // commit; the passive client's Welcome goes into the vector.
    let created = create_members_joining(
        &[alice.clone(), bob],
        std::slice::from_ref(&passive.key_package),
        initial,
        vec![ds.signing_identity().clone()],
        |_| true,
    )
    .map_err(setup)?;
    let welcome = created
        .welcome
        .ok_or_else(|| VectorError::Malformed("no welcome".into()))?;
    let mut groups = created.groups.into_iter().flatten();
    let (Some(alice_group), Some(bob_group)) = (groups.next(), groups.next()) else {
        return Err(VectorError::Malformed("alice or bob did not join".into()));
    };

    let mut s = Scenario {
        alice,
        alice_group,
        bob_group,
        ds,
        suite,
        epochs: Vec::new(),
        proposals: Vec::new(),
        invalid: Vec::new(),
    };
    let initial_epoch_authenticator = s
        .alice_group
        .epoch_authenticator_bytes()
        .map_err(at("join"))?;
    let initial_application_states = states_of(&s.alice_group)?;

    s.tampered_then_commit(
        Who::Alice,
        "one AppSync by value (PrivateMessage), after a copy with a flipped AEAD tag",
        &[AppSync::new(1, b"beta".to_vec())],
    )?;

    s.propose(Who::Bob, AppSync::new(2, b"bob was here".to_vec()))?;
    s.commit(Who::Alice, "one AppSync by reference (PrivateMessage)", &[])?;

    s.commit(
        Who::Bob,
        "two AppSyncs by value in one commit, applied in order",
        &[
            AppSync::new(3, vec![0x5a; 300]),
            AppSync::new(1, b"gamma".to_vec()),
        ],
    )?;

    s.propose(
        Who::Ds,
        AppSync::new(2, b"from the external sender".to_vec()),
    )?;
    s.commit(
        Who::Bob,
        "AppSync by reference from an authorized external sender",
        &[],
    )?;

    for (kind, reason) in [
        (ForgeryKind::AppSyncWithGce, RejectionReason::AppSyncWithGce),
        (
            ForgeryKind::DuplicateId,
            RejectionReason::DuplicateApplicationId,
        ),
        (
            ForgeryKind::UnknownId,
            RejectionReason::UnknownApplicationId,
        ),
        (
            ForgeryKind::UnappliedAppSync,
            RejectionReason::StateMismatch,
        ),
        (
            ForgeryKind::MalformedBody,
            RejectionReason::MalformedAppSync,
        ),
        (
            ForgeryKind::IllFormedApplicationStates,
            RejectionReason::InvalidApplicationStates,
        ),
    ] {
        s.forge(kind, reason)?;
    }
    let group_id = s.alice_group.group_id().to_vec();
    let epoch = s.alice_group.current_epoch();
    let unlisted = unauthorized_app_sync_proposal(
        &group_id,
        epoch,
        s.suite,
        ForgedSender::External(0),
        &AppSync::new(1, b"not from ds".to_vec()),
    )
    .map_err(|e| VectorError::Malformed(format!("unauthorized proposal: {e}")))?;
    s.invalid(
        "AppSync proposal claiming external sender 0, signed by an unlisted key",
        unlisted,
        RejectionReason::AuthenticationFailure,
    )?;
    s.alice.set_wire_format(WireFormatPolicy::Public);
    s.commit(
        Who::Alice,
        "after rejected forgeries: an AppSync by value to an empty state (PublicMessage)",
        &[AppSync::new(1, Vec::new())],
    )?;

    s.propose(Who::Alice, AppSync::new(3, b"p".to_vec()))?;
    s.commit(
        Who::Bob,
        "by reference (PublicMessage) and by value (PrivateMessage) in one commit",
        &[AppSync::new(2, b"q".to_vec())],
    )?;

    Ok(ProcessingCase {
        cipher_suite: u16::from(suite),
        invitation: passive.invitation(&welcome, initial_epoch_authenticator)?,
        initial_application_states,
        epochs: s.epochs,
    })
}

/// Suites the generator covers: every suite rustcrypto implements.
pub const GENERATED_SUITES: [u16; 4] = [1, 2, 3, 7];
