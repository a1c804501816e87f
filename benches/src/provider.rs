//! Crypto providers and benchmark clients.
//!
//! `mls_appsync::AppSyncClient` is fixed to RustCrypto and to the plain
//! `AppSyncRules`; the benchmarks need [`BenchRules`] and a second provider,
//! so they build their clients with the mls-rs `ClientBuilder`, registering
//! the same code points the implementation registers.

use mls_appsync::constants::{APP_SYNC_PROPOSAL_TYPE, APPLICATION_STATES_EXTENSION_TYPE};
use mls_rs::client_builder::{BaseConfig, WithCryptoProvider, WithIdentityProvider, WithMlsRules};
use mls_rs::identity::SigningIdentity;
use mls_rs::identity::basic::{BasicCredential, BasicIdentityProvider};
use mls_rs::{CipherSuite, CipherSuiteProvider, Client, CryptoProvider, Group};
use mls_rs_crypto_rustcrypto::RustCryptoProvider;

use crate::rules::{BenchRules, NOOP_PROPOSAL_TYPE};

/// Every benchmark runs cipher suite 1,
/// MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519.
pub const CIPHER_SUITE: CipherSuite = CipherSuite::CURVE25519_AES128;

/// A crypto provider the benchmarks can run on.
pub trait Provider: CryptoProvider + Clone + Send + Sync + 'static {
    /// Name used in benchmark ids (`provider=...`).
    const NAME: &'static str;
    /// A fresh provider.
    fn create() -> Self;
}

impl Provider for RustCryptoProvider {
    const NAME: &'static str = "rustcrypto";
    fn create() -> Self {
        RustCryptoProvider::default()
    }
}

#[cfg(feature = "awslc")]
impl Provider for mls_rs_crypto_awslc::AwsLcCryptoProvider {
    const NAME: &'static str = "awslc";
    fn create() -> Self {
        mls_rs_crypto_awslc::AwsLcCryptoProvider::new()
    }
}

/// mls-rs configuration of a benchmark client.
pub type BenchConfig<P> = WithIdentityProvider<
    BasicIdentityProvider,
    WithCryptoProvider<P, WithMlsRules<BenchRules, BaseConfig>>,
>;

/// A group of a benchmark client (a plain mls-rs `Group`, so `Clone`).
pub type BenchGroup<P> = Group<BenchConfig<P>>;

/// A client named `name` with a fresh signature key, [`BenchRules`], and
/// the AppSync extension, AppSync proposal and no-op proposal registered
/// (so its leaves advertise all three).
pub fn client<P: Provider>(name: &str) -> Client<BenchConfig<P>> {
    let provider = P::create();
    let suite = provider
        .cipher_suite_provider(CIPHER_SUITE)
        .unwrap_or_else(|| panic!("{} lacks cipher suite 1", P::NAME));
    let (secret, public) = suite
        .signature_key_generate()
        .unwrap_or_else(|e| panic!("signature key generation failed: {e:?}"));
    let credential = BasicCredential::new(name.as_bytes().to_vec()).into_credential();
    Client::builder()
        .mls_rules(BenchRules::new())
        .crypto_provider(provider)
        .identity_provider(BasicIdentityProvider::new())
        .extension_type(APPLICATION_STATES_EXTENSION_TYPE)
        .custom_proposal_type(APP_SYNC_PROPOSAL_TYPE)
        .custom_proposal_type(NOOP_PROPOSAL_TYPE)
        .signing_identity(
            SigningIdentity::new(credential, public),
            secret,
            CIPHER_SUITE,
        )
        .build()
}
