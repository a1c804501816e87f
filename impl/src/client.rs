//! Building AppSync-capable clients, and groups of them: the one way to do
//! it, generic over the crypto provider and the rules.
//!
//! [`AppSyncClient::builder`] registers both AppSync code points (so every
//! leaf advertises them in its capabilities), installs the rules, and makes
//! or takes a signing identity. The rules are [`AppSyncRules`] or a wrapper
//! around them ([`WrapsAppSyncRules`]): the benchmarks' no-op exception and
//! the test-only forger are such wrappers, so what a user ships is always
//! `AppSyncRules` itself. [`create_members`] makes one group of several
//! clients (create, add everyone in one commit, join by Welcome).
//!
//! The builder takes any [`ProfileRules`]: rules that name their code points
//! and have a wire-format switch. AppSync's rules are such rules, and so are
//! the successor's [`AppDataUpdateRules`](crate::app_data::AppDataUpdateRules)
//! (whose groups are made by [`crate::app_data::group`]).

use mls_rs::client_builder::{BaseConfig, WithCryptoProvider, WithIdentityProvider, WithMlsRules};
use mls_rs::crypto::SignatureSecretKey;
use mls_rs::error::{IntoAnyError, MlsError};
use mls_rs::extension::built_in::{ExternalSendersExt, RequiredCapabilitiesExt};
use mls_rs::group::ExportedTree;
use mls_rs::identity::SigningIdentity;
use mls_rs::identity::basic::{BasicCredential, BasicIdentityProvider};
use mls_rs::{
    CipherSuite, CipherSuiteProvider, Client, CryptoProvider, ExtensionList, Group, MlsMessage,
    MlsRules,
};
use mls_rs_core::extension::ExtensionType;
use mls_rs_core::group::ProposalType;
use mls_rs_crypto_rustcrypto::RustCryptoProvider;

use crate::app_sync_rules::{AppSyncRules, WireFormatPolicy};
use crate::codec::ApplicationState;
use crate::constants::{
    APP_SYNC_PROPOSAL_TYPE, APPLICATION_STATES_EXTENSION_TYPE, DEFAULT_CIPHER_SUITE,
};
use crate::error::{AppSyncError, SetupError, StatesDefect};
use crate::extension::with_application_states;
use crate::group::AppSyncGroupExt;
use crate::rules::r10_well_formed_application_states;
use crate::wrap::{RulesWrapper, Wrapped};

/// Rules of one profile (AppSync, or the successor's AppDataUpdate) that a
/// client can install: the code points to register, the wire-format switch,
/// and the check a joined group's extensions must pass.
pub trait ProfileRules: MlsRules + Clone {
    /// The extension types to register, so that leaves advertise them.
    fn extension_types(&self) -> Vec<ExtensionType>;

    /// The custom proposal types to register.
    fn proposal_types(&self) -> Vec<ProposalType>;

    /// Send the next proposals and commits as PublicMessage or
    /// PrivateMessage.
    fn set_wire_format(&self, policy: WireFormatPolicy);

    /// Whether a group with these GroupContext extensions may be joined
    /// (its profile state must be well-formed).
    fn check_joined(&self, extensions: &ExtensionList) -> Result<(), MlsError>;
}

/// Every AppSync rule set is a profile: the AppSync code points, the switch
/// of the AppSync rules inside, and R10 on join.
impl<T: WrapsAppSyncRules> ProfileRules for T {
    fn extension_types(&self) -> Vec<ExtensionType> {
        vec![APPLICATION_STATES_EXTENSION_TYPE]
    }

    fn proposal_types(&self) -> Vec<ProposalType> {
        vec![APP_SYNC_PROPOSAL_TYPE]
    }

    fn set_wire_format(&self, policy: WireFormatPolicy) {
        self.app_sync_rules().set_wire_format(policy);
    }

    fn check_joined(&self, extensions: &ExtensionList) -> Result<(), MlsError> {
        r10_well_formed_application_states(extensions)
            .map(|_| ())
            .map_err(|e| MlsError::MlsRulesError(e.into_any_error()))
    }
}

/// Rules a client can install: [`AppSyncRules`], or a [`Wrapped`] wrapper
/// around them (test or benchmark behaviour, see [`crate::wrap`]).
pub trait WrapsAppSyncRules: MlsRules + Clone {
    /// The AppSync rules inside (to switch the wire format, R8).
    fn app_sync_rules(&self) -> &AppSyncRules;
}

impl WrapsAppSyncRules for AppSyncRules {
    fn app_sync_rules(&self) -> &AppSyncRules {
        self
    }
}

impl<W: RulesWrapper> WrapsAppSyncRules for Wrapped<W> {
    fn app_sync_rules(&self) -> &AppSyncRules {
        self.0.app_sync_rules()
    }
}

/// The mls-rs configuration of an AppSync client: in-memory storage, basic
/// credentials, crypto provider `P` and rules `R`.
pub type ClientConfig<P = RustCryptoProvider, R = AppSyncRules> =
    WithIdentityProvider<BasicIdentityProvider, WithCryptoProvider<P, WithMlsRules<R, BaseConfig>>>;

/// A group of an [`AppSyncClient`]. It is a plain mls-rs `Group` (and `Clone`).
pub type AppSyncGroup<P = RustCryptoProvider, R = AppSyncRules> = Group<ClientConfig<P, R>>;

/// An mls-rs client that supports AppSync (or, with other [`ProfileRules`],
/// the successor's AppDataUpdate), with its rules and identity.
#[derive(Clone, Debug)]
pub struct AppSyncClient<P = RustCryptoProvider, R = AppSyncRules>
where
    P: CryptoProvider + Clone,
    R: ProfileRules,
{
    client: Client<ClientConfig<P, R>>,
    rules: R,
    signing_identity: SigningIdentity,
    cipher_suite: CipherSuite,
}

/// Builds an [`AppSyncClient`]; start with [`AppSyncClient::builder`].
#[derive(Clone, Debug)]
pub struct AppSyncClientBuilder<P, R> {
    name: Vec<u8>,
    crypto: P,
    rules: R,
    cipher_suite: CipherSuite,
    custom_proposal_types: Vec<ProposalType>,
    signer: Option<(SigningIdentity, SignatureSecretKey)>,
}

impl AppSyncClient {
    /// A client named `name` with default rules, RustCrypto and cipher suite 1.
    pub fn new(name: impl AsRef<[u8]>) -> Result<Self, SetupError> {
        Self::builder(name).build()
    }

    /// A builder for a client named `name`: RustCrypto, [`AppSyncRules`] and
    /// cipher suite 1 unless changed.
    pub fn builder(
        name: impl AsRef<[u8]>,
    ) -> AppSyncClientBuilder<RustCryptoProvider, AppSyncRules> {
        AppSyncClientBuilder {
            name: name.as_ref().to_vec(),
            crypto: RustCryptoProvider::default(),
            rules: AppSyncRules::new(),
            cipher_suite: DEFAULT_CIPHER_SUITE,
            custom_proposal_types: Vec::new(),
            signer: None,
        }
    }
}

impl<P: CryptoProvider + Clone, R: ProfileRules> AppSyncClientBuilder<P, R> {
    /// Use crypto provider `crypto` (for example aws-lc).
    pub fn crypto<Q: CryptoProvider + Clone>(self, crypto: Q) -> AppSyncClientBuilder<Q, R> {
        AppSyncClientBuilder {
            name: self.name,
            crypto,
            rules: self.rules,
            cipher_suite: self.cipher_suite,
            custom_proposal_types: self.custom_proposal_types,
            signer: self.signer,
        }
    }

    /// Install `rules`: [`AppSyncRules`] or a wrapper around them, or
    /// another profile's rules (their code points are registered instead).
    pub fn rules<S: ProfileRules>(self, rules: S) -> AppSyncClientBuilder<P, S> {
        AppSyncClientBuilder {
            name: self.name,
            crypto: self.crypto,
            rules,
            cipher_suite: self.cipher_suite,
            custom_proposal_types: self.custom_proposal_types,
            signer: self.signer,
        }
    }

    /// Sign with `cipher_suite` (default: suite 1).
    pub fn cipher_suite(mut self, cipher_suite: CipherSuite) -> Self {
        self.cipher_suite = cipher_suite;
        self
    }

    /// Also register `proposal_type` (besides the profile's), so that leaves
    /// advertise it.
    pub fn custom_proposal_type(mut self, proposal_type: ProposalType) -> Self {
        self.custom_proposal_types.push(proposal_type);
        self
    }

    /// Sign with this identity and key instead of fresh ones (for example a
    /// passive client whose keys a test vector gives).
    pub fn signer(mut self, identity: SigningIdentity, secret: SignatureSecretKey) -> Self {
        self.signer = Some((identity, secret));
        self
    }

    /// Build the client. Fails when the provider lacks the cipher suite.
    pub fn build(self) -> Result<AppSyncClient<P, R>, SetupError> {
        let (signing_identity, secret) = match self.signer {
            Some(signer) => signer,
            None => new_identity(&self.crypto, &self.name, self.cipher_suite)?,
        };
        let mut builder = Client::builder()
            .mls_rules(self.rules.clone())
            .crypto_provider(self.crypto)
            .identity_provider(BasicIdentityProvider::new())
            .extension_types(self.rules.extension_types());
        for proposal_type in self.rules.proposal_types() {
            builder = builder.custom_proposal_type(proposal_type);
        }
        for proposal_type in self.custom_proposal_types {
            builder = builder.custom_proposal_type(proposal_type);
        }
        let client = builder
            .signing_identity(signing_identity.clone(), secret, self.cipher_suite)
            .build();
        Ok(AppSyncClient {
            client,
            rules: self.rules,
            signing_identity,
            cipher_suite: self.cipher_suite,
        })
    }
}

/// A fresh signature key pair from `crypto` and a basic credential for `name`.
pub fn new_identity<P: CryptoProvider>(
    crypto: &P,
    name: &[u8],
    cipher_suite: CipherSuite,
) -> Result<(SigningIdentity, SignatureSecretKey), SetupError> {
    let provider = crypto
        .cipher_suite_provider(cipher_suite)
        .ok_or_else(|| SetupError::Crypto(format!("unsupported cipher suite {cipher_suite:?}")))?;
    let (secret, public) = provider
        .signature_key_generate()
        .map_err(|e| SetupError::Crypto(format!("{e:?}")))?;
    let credential = BasicCredential::new(name.to_vec()).into_credential();
    Ok((SigningIdentity::new(credential, public), secret))
}

impl<P: CryptoProvider + Clone, R: ProfileRules> AppSyncClient<P, R> {
    /// The underlying mls-rs client.
    pub fn mls_client(&self) -> &Client<ClientConfig<P, R>> {
        &self.client
    }

    /// The rules installed on this client (shared with all its groups).
    pub fn rules(&self) -> &R {
        &self.rules
    }

    /// This client's signing identity (to list it, e.g., as an external sender).
    pub fn signing_identity(&self) -> &SigningIdentity {
        &self.signing_identity
    }

    /// The cipher suite of this client.
    pub fn cipher_suite(&self) -> CipherSuite {
        self.cipher_suite
    }

    /// Send the next proposals and commits of all this client's groups as
    /// PublicMessage or PrivateMessage (R8).
    pub fn set_wire_format(&self, policy: WireFormatPolicy) {
        self.rules.set_wire_format(policy);
    }

    /// A key package message, for being added to a group.
    pub fn key_package(&self) -> Result<MlsMessage, MlsError> {
        self.client
            .generate_key_package_message(ExtensionList::new(), ExtensionList::new(), None)
    }

    /// Join a group from a Welcome (the ratchet tree travels in the Welcome).
    ///
    /// A group whose profile state is ill-formed is refused
    /// ([`ProfileRules::check_joined`]; for AppSync, an ill-formed
    /// `application_states`, R10): no AppSync could ever be committed in it.
    pub fn join_group(&self, welcome: &MlsMessage) -> Result<AppSyncGroup<P, R>, MlsError> {
        self.join_group_with_tree(None, welcome)
    }

    /// Like [`join_group`](Self::join_group), for a Welcome that does not
    /// carry the ratchet tree: `tree` gives it.
    pub fn join_group_with_tree(
        &self,
        tree: Option<ExportedTree<'_>>,
        welcome: &MlsMessage,
    ) -> Result<AppSyncGroup<P, R>, MlsError> {
        let group = self.client.join_group(tree, welcome, None)?.0;
        self.rules.check_joined(&group.context().extensions)?;
        Ok(group)
    }
}

impl<P: CryptoProvider + Clone, R: WrapsAppSyncRules> AppSyncClient<P, R> {
    /// Create a group whose `application_states` holds `initial_states` (in
    /// that order) and whose `external_senders` lists `external_senders`.
    ///
    /// The group requires both AppSync code points of every member
    /// (`required_capabilities`). The list must be well-formed (R10): ids
    /// distinct.
    pub fn create_group(
        &self,
        initial_states: Vec<ApplicationState>,
        external_senders: Vec<SigningIdentity>,
    ) -> Result<AppSyncGroup<P, R>, SetupError> {
        let mut extensions = with_application_states(&ExtensionList::new(), initial_states)?;
        r10_well_formed_application_states(&extensions).map_err(|error| match error {
            AppSyncError::InvalidApplicationStates(StatesDefect::RepeatedApplicationId(id)) => {
                SetupError::DuplicateInitialId(id)
            }
            other => SetupError::Rules(other),
        })?;
        extensions.set_from(RequiredCapabilitiesExt::new(
            vec![APPLICATION_STATES_EXTENSION_TYPE],
            vec![APP_SYNC_PROPOSAL_TYPE],
            vec![],
        ))?;
        if !external_senders.is_empty() {
            extensions.set_from(ExternalSendersExt::new(external_senders))?;
        }
        Ok(self
            .client
            .create_group(extensions, ExtensionList::new(), None)?)
    }
}

/// Create one group for `clients`: `clients[0]` creates it with
/// `initial_states` and `external_senders`, adds all the others in one
/// commit, and they join by Welcome. Returns the groups in client order
/// (leaf `i` is `clients[i]`), all at epoch 1.
pub fn create_members<P: CryptoProvider + Clone, R: WrapsAppSyncRules>(
    clients: &[AppSyncClient<P, R>],
    initial_states: Vec<ApplicationState>,
    external_senders: Vec<SigningIdentity>,
) -> Result<Vec<AppSyncGroup<P, R>>, SetupError> {
    let created = create_members_joining(clients, &[], initial_states, external_senders, |_| true)?;
    Ok(created.groups.into_iter().flatten().collect())
}

/// A group made by [`create_members_joining`].
#[derive(Clone)]
pub struct NewGroup<P: CryptoProvider + Clone, R: WrapsAppSyncRules> {
    /// Per client, its group (`None` for a client that did not join).
    pub groups: Vec<Option<AppSyncGroup<P, R>>>,
    /// The Welcome of the Add commit (`None` when nobody was added).
    pub welcome: Option<MlsMessage>,
}

/// Like [`create_members`], with two more choices: `more_key_packages` are
/// added in the same commit after the clients (a member whose keys live
/// elsewhere, e.g. a test vector's passive client), and only the clients
/// `i` with `join(i)` (and the creator, always) join. The others' leaves are
/// in the tree but their groups are never built: joining validates the
/// whole tree, so a large benchmark group builds only the members it times.
pub fn create_members_joining<P: CryptoProvider + Clone, R: WrapsAppSyncRules>(
    clients: &[AppSyncClient<P, R>],
    more_key_packages: &[MlsMessage],
    initial_states: Vec<ApplicationState>,
    external_senders: Vec<SigningIdentity>,
    join: impl Fn(usize) -> bool,
) -> Result<NewGroup<P, R>, SetupError> {
    let Some((creator, others)) = clients.split_first() else {
        return Ok(NewGroup {
            groups: Vec::new(),
            welcome: None,
        });
    };
    let mut first = creator.create_group(initial_states, external_senders)?;
    let mut key_packages = others
        .iter()
        .map(AppSyncClient::key_package)
        .collect::<Result<Vec<_>, _>>()?;
    key_packages.extend(more_key_packages.iter().cloned());
    if key_packages.is_empty() {
        return Ok(NewGroup {
            groups: vec![Some(first)],
            welcome: None,
        });
    }
    let added = first.add_members(key_packages)?;
    // mls-rs makes one Welcome for all new members by default.
    let welcome = added
        .output
        .welcome_messages
        .first()
        .ok_or(MlsError::WelcomeKeyPackageNotFound)?
        .clone();
    let mut groups = vec![Some(first)];
    for (i, client) in others.iter().enumerate() {
        let leaf = i + 1;
        groups.push(match join(leaf) {
            true => Some(client.join_group(&welcome)?),
            false => None,
        });
    }
    Ok(NewGroup {
        groups,
        welcome: Some(welcome),
    })
}
