//! A passive client: joins by Welcome with keys given in a vector file, then
//! only processes what it is sent. Both vector formats (the working group's
//! and ours) start this way.

use mls_rs::client_builder::MlsConfig;
use mls_rs::crypto::SignatureSecretKey;
use mls_rs::group::ExportedTree;
use mls_rs::identity::basic::BasicIdentityProvider;
use mls_rs::mls_rs_codec::MlsEncode;
use mls_rs::psk::{ExternalPskId, PreSharedKey};
use mls_rs::storage_provider::in_memory::InMemoryKeyPackageStorage;
use mls_rs::{CryptoProvider, Group, MlsMessage};
use mls_rs_core::crypto::HpkeSecretKey;
use mls_rs_core::key_package::KeyPackageData;

use mls_appsync::AppSyncRules;
use mls_appsync::constants::{APP_SYNC_PROPOSAL_TYPE, APPLICATION_STATES_EXTENSION_TYPE};

use super::error::{VectorError, at};

/// What a passive client is given: its key package with the private keys,
/// the external PSKs it knows, and how it is invited.
pub struct PassiveJoin<'a> {
    /// The client's KeyPackage, as an MLSMessage.
    pub key_package: &'a [u8],
    /// The client's signature private key.
    pub signature_priv: &'a [u8],
    /// The private key of the leaf node's encryption key.
    pub encryption_priv: &'a [u8],
    /// The private key of the KeyPackage's init key.
    pub init_priv: &'a [u8],
    /// External PSKs, as (id, value).
    pub external_psks: Vec<(&'a [u8], &'a [u8])>,
    /// The Welcome, as an MLSMessage.
    pub welcome: &'a [u8],
    /// The ratchet tree, when the Welcome does not carry it.
    pub ratchet_tree: Option<&'a [u8]>,
}

/// Builds the passive client with the AppSync rules installed and joins.
pub fn join<C: CryptoProvider + Clone>(
    crypto: C,
    keys: &PassiveJoin<'_>,
) -> Result<Group<impl MlsConfig>, VectorError> {
    let key_package = MlsMessage::from_bytes(keys.key_package)
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

    let key_packages = InMemoryKeyPackageStorage::new();
    key_packages.insert(
        reference.to_vec(),
        KeyPackageData::new(
            key_package_bytes,
            HpkeSecretKey::from(keys.init_priv.to_vec()),
            HpkeSecretKey::from(keys.encryption_priv.to_vec()),
            u64::MAX,
        ),
    );

    let mut builder = mls_rs::client_builder::ClientBuilder::new()
        .mls_rules(AppSyncRules::new())
        .crypto_provider(crypto)
        .identity_provider(BasicIdentityProvider::new())
        .extension_type(APPLICATION_STATES_EXTENSION_TYPE)
        .custom_proposal_type(APP_SYNC_PROPOSAL_TYPE)
        .key_package_repo(key_packages);
    for (id, psk) in &keys.external_psks {
        builder = builder.psk(
            ExternalPskId::new(id.to_vec()),
            PreSharedKey::new(psk.to_vec()),
        );
    }
    let client = builder
        .signing_identity(
            key_package.signing_identity().clone(),
            SignatureSecretKey::from(keys.signature_priv.to_vec()),
            suite,
        )
        .build();

    let welcome = MlsMessage::from_bytes(keys.welcome).map_err(at("decode welcome"))?;
    let tree = keys
        .ratchet_tree
        .map(ExportedTree::from_bytes)
        .transpose()
        .map_err(at("decode ratchet_tree"))?;
    let (group, _) = client
        .join_group(tree, &welcome, None)
        .map_err(at("join"))?;
    Ok(group)
}
