//! A passive client: joins by Welcome with keys given in a vector file, then
//! only processes what it is sent. Both vector formats (the working group's
//! and ours) start this way.

use mls_rs::client_builder::MlsConfig;
use mls_rs::crypto::SignatureSecretKey;
use mls_rs::group::ExportedTree;
use mls_rs::mls_rs_codec::MlsEncode;
use mls_rs::psk::{ExternalPskId, PreSharedKey};
use mls_rs::{CryptoProvider, Group, MlsMessage};
use mls_rs_core::crypto::HpkeSecretKey;
use mls_rs_core::key_package::KeyPackageData;

use mls_appsync::client::ProfileRules;
use mls_appsync::{AppSyncClient, AppSyncGroup, AppSyncGroupExt, AppSyncRules, Rejected};

use serde::{Deserialize, Serialize};

use super::error::{VectorError, at, expect_bytes, expect_rejection};
use super::hexbytes::HexBytes;

/// What a passive client is given, as both vector formats spell it: its key
/// package with the private keys, how it is invited, and the epoch
/// authenticator it must reach on joining.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PassiveInvitation {
    /// The client's KeyPackage, as an MLSMessage.
    pub key_package: HexBytes,
    /// The client's signature private key.
    pub signature_priv: HexBytes,
    /// The private key of the leaf node's encryption key.
    pub encryption_priv: HexBytes,
    /// The private key of the KeyPackage's init key.
    pub init_priv: HexBytes,
    /// The Welcome, as an MLSMessage.
    pub welcome: HexBytes,
    /// The ratchet tree, when the Welcome does not carry it.
    pub ratchet_tree: Option<HexBytes>,
    /// The epoch authenticator right after joining.
    pub initial_epoch_authenticator: HexBytes,
}

/// Builds the passive client with the AppSync rules installed and the
/// external PSKs `(id, value)`, joins, and checks the initial epoch
/// authenticator.
pub fn join<C: CryptoProvider + Clone>(
    crypto: C,
    keys: &PassiveInvitation,
    external_psks: &[(&[u8], &[u8])],
) -> Result<AppSyncGroup<C>, VectorError> {
    join_with_rules(crypto, AppSyncRules::new(), keys, external_psks)
}

/// Like [`join`], with the profile `rules` installed instead (for example
/// the successor's AppDataUpdate rules with the vector's components).
pub fn join_with_rules<C: CryptoProvider + Clone, R: ProfileRules>(
    crypto: C,
    rules: R,
    keys: &PassiveInvitation,
    external_psks: &[(&[u8], &[u8])],
) -> Result<AppSyncGroup<C, R>, VectorError> {
    let key_package = MlsMessage::from_bytes(&keys.key_package.0)
        .map_err(at("decode key_package"))?
        .into_key_package()
        .ok_or_else(|| VectorError::Malformed("key_package is not a KeyPackage".into()))?;
    let suite = key_package.cipher_suite();
    let provider = crypto
        .cipher_suite_provider(suite)
        .ok_or_else(|| VectorError::Malformed(format!("unsupported cipher suite {suite:?}")))?;
    let reference = key_package
        .to_reference(&provider)
        .map_err(at("key package reference"))?;
    let key_package_bytes = key_package
        .mls_encode_to_vec()
        .map_err(|e| VectorError::Malformed(format!("re-encode key package: {e}")))?;

    let client = AppSyncClient::builder("passive")
        .crypto(crypto)
        .rules(rules)
        .cipher_suite(suite)
        .signer(
            key_package.signing_identity().clone(),
            SignatureSecretKey::from(keys.signature_priv.0.clone()),
        )
        .build()
        .map_err(|e| VectorError::Malformed(format!("passive client: {e}")))?;
    client.mls_client().key_package_store().insert(
        reference.to_vec(),
        KeyPackageData::new(
            key_package_bytes,
            HpkeSecretKey::from(keys.init_priv.0.clone()),
            HpkeSecretKey::from(keys.encryption_priv.0.clone()),
            u64::MAX,
        ),
    );
    for (id, psk) in external_psks {
        client.mls_client().secret_store().insert(
            ExternalPskId::new(id.to_vec()),
            PreSharedKey::new(psk.to_vec()),
        );
    }

    let welcome = MlsMessage::from_bytes(&keys.welcome.0).map_err(at("decode welcome"))?;
    let tree = keys
        .ratchet_tree
        .as_ref()
        .map(|t| ExportedTree::from_bytes(&t.0))
        .transpose()
        .map_err(at("decode ratchet_tree"))?;
    let group = client
        .join_group_with_tree(tree, &welcome)
        .map_err(at("join"))?;
    expect_bytes(
        "join",
        "epoch_authenticator",
        &keys.initial_epoch_authenticator.0,
        group.epoch_authenticator().map_err(at("join"))?.as_ref(),
    )?;
    Ok(group)
}

/// What an epoch of either processing format hands the passive client.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EpochMessages<I> {
    /// What the epoch exercises (informative).
    pub description: String,
    /// By-reference proposals (MLSMessages), each accepted.
    pub proposals: Vec<HexBytes>,
    /// Messages that must be rejected, in order, before the commit.
    pub invalid: Vec<I>,
    /// The commit (an MLSMessage).
    pub commit: HexBytes,
}

/// An entry of `invalid`: the message and the expected rejection.
pub trait Rejectable {
    /// The message, its description and its reason.
    fn rejected(&self) -> &InvalidMessage;
}

/// A message the passive client must reject, in both of this project's
/// processing formats.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InvalidMessage {
    /// What is wrong with it (informative).
    pub description: String,
    /// The MLSMessage.
    pub message: HexBytes,
    /// The rejection class: in the AppSync vectors a `RejectionReason` name
    /// (`app_sync_with_gce`, `duplicate_application_id`,
    /// `unknown_application_id`, `malformed_app_sync`,
    /// `invalid_application_states`, `state_mismatch` or
    /// `authentication_failure`); the AppDataUpdate vectors name theirs.
    pub reason: String,
}

impl Rejectable for InvalidMessage {
    fn rejected(&self) -> &InvalidMessage {
        self
    }
}

/// One epoch for a passive client: processes every proposal (each
/// accepted), then each invalid message (each rejected for its reason as
/// `name` names rejections, leaving `observe`d state and the epoch
/// authenticator unchanged), then the commit, after which the epoch
/// authenticator must be `authenticator`. Returns the commit's step name;
/// the caller compares the rest of the state the epoch reached.
pub fn process_epoch<C: MlsConfig, S: PartialEq, I: Rejectable>(
    group: &mut Group<C>,
    epoch: usize,
    (messages, authenticator): (&EpochMessages<I>, &HexBytes),
    observe: impl Fn(&Group<C>) -> Result<S, VectorError>,
    name: impl Fn(&Rejected) -> String,
) -> Result<String, VectorError> {
    let snapshot = |g: &Group<C>, step: &str| -> Result<_, VectorError> {
        Ok((
            g.current_epoch(),
            observe(g)?,
            g.epoch_authenticator_bytes().map_err(at(step))?,
        ))
    };
    for (p, proposal) in messages.proposals.iter().enumerate() {
        let step = format!("epoch {epoch} proposal {p}");
        let message = MlsMessage::from_bytes(&proposal.0).map_err(at(step.clone()))?;
        group.process(message).map_err(|r| VectorError::Mls {
            step,
            source: r.error,
        })?;
    }
    for (i, invalid) in messages
        .invalid
        .iter()
        .map(Rejectable::rejected)
        .enumerate()
    {
        let step = format!("epoch {epoch} invalid {i} ({})", invalid.description);
        let before = snapshot(group, &step)?;
        let message = MlsMessage::from_bytes(&invalid.message.0).map_err(at(step.clone()))?;
        expect_rejection(&step, group.process(message), &invalid.reason, &name)?;
        if before != snapshot(group, &step)? {
            return Err(VectorError::Malformed(format!(
                "{step}: the rejected message changed the group state"
            )));
        }
    }
    let step = format!("epoch {epoch} commit ({})", messages.description);
    let message = MlsMessage::from_bytes(&messages.commit.0).map_err(at(step.clone()))?;
    group.process(message).map_err(|r| VectorError::Mls {
        step: step.clone(),
        source: r.error,
    })?;
    expect_bytes(
        &step,
        "epoch_authenticator",
        &authenticator.0,
        &group.epoch_authenticator_bytes().map_err(at(&step))?,
    )?;
    Ok(step)
}
