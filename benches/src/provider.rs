//! Crypto providers and benchmark clients.
//!
//! Clients come from `mls_appsync::AppSyncClient::builder`, the one way to
//! build them, with the benchmark's provider and [`BenchRules`].

use mls_appsync::{AppSyncClient, AppSyncGroup};
use mls_rs::{CipherSuite, CryptoProvider};
use mls_rs_crypto_rustcrypto::RustCryptoProvider;

use crate::rules::{BenchRules, NOOP_PROPOSAL_TYPE, bench_rules};

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

/// A group of a benchmark client (a plain mls-rs `Group`, so `Clone`).
pub type BenchGroup<P> = AppSyncGroup<P, BenchRules>;

/// A benchmark client named `name`: provider `P`, [`BenchRules`], a fresh
/// signature key, and the no-op proposal type registered besides AppSync's
/// code points (so its leaves advertise all three).
pub fn client<P: Provider>(name: &str) -> AppSyncClient<P, BenchRules> {
    AppSyncClient::builder(name)
        .crypto(P::create())
        .rules(bench_rules())
        .cipher_suite(CIPHER_SUITE)
        .custom_proposal_type(NOOP_PROPOSAL_TYPE)
        .build()
        .unwrap_or_else(|e| panic!("{} cannot build a client: {e}", P::NAME))
}
