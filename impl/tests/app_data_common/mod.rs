//! Helpers shared by the AppDataUpdate group tests: real mls-rs groups of
//! the successor profile, delivery to every member, and the checks that a
//! receiver rejected a commit without changing anything.
#![allow(dead_code)]

use mls_appsync::app_data::forge::AppDataForgingRules;
use mls_appsync::app_data::{
    AppDataError, AppDataGroupExt, AppDataRequirement, AppDataUpdate, AppDataUpdateRules, Cas,
    Component, ComponentData, ComponentId, ComponentRefusal, Replace, app_data_error,
    create_app_data_members,
};
use mls_appsync::mls_rs::identity::SigningIdentity;
use mls_appsync::mls_rs::{ExtensionList, GroupStateStorage, MlsMessage};
use mls_appsync::{AppSyncGroupExt, Processed, Rejected, WireFormatPolicy};
use mls_rs_crypto_rustcrypto::RustCryptoProvider;

/// A test member's client: the AppDataUpdate rules inside the test-only
/// forging wrapper, which delegates to them unless a test forges.
pub type Client = mls_appsync::AppSyncClient<RustCryptoProvider, AppDataForgingRules>;
/// A test member's group.
pub type Group = mls_appsync::AppSyncGroup<RustCryptoProvider, AppDataForgingRules>;

/// Component ids every test member registers.
pub const REPLACE: ComponentId = 10;
pub const CAS: ComponentId = 20;
pub const APPEND: ComponentId = 30;
/// Registered too, to test creation at the sorted place.
pub const REPLACE_LOW: ComponentId = 5;
pub const REPLACE_HIGH: ComponentId = 40;
/// Never registered.
pub const UNKNOWN: ComponentId = 99;

/// A component that appends the update to the data: the result shows the
/// order in which a commit's updates were applied. It refuses an empty
/// update, to have a refusal that is not a Cas conflict.
#[derive(Debug)]
pub struct Append;

impl Component for Append {
    fn apply(&self, current: Option<&[u8]>, update: &[u8]) -> Result<Vec<u8>, ComponentRefusal> {
        if update.is_empty() {
            return Err(ComponentRefusal::Invalid("empty append".into()));
        }
        Ok([current.unwrap_or_default(), update].concat())
    }
}

/// The rules every test member runs.
pub fn rules() -> AppDataUpdateRules {
    AppDataUpdateRules::new()
        .with_component(REPLACE_LOW, Replace)
        .with_component(REPLACE, Replace)
        .with_component(CAS, Cas)
        .with_component(APPEND, Append)
        .with_component(REPLACE_HIGH, Replace)
}

/// A client named `name` running [`rules`] (inside the forging wrapper).
pub fn client(name: &str) -> Client {
    mls_appsync::AppSyncClient::builder(name)
        .rules(AppDataForgingRules::new(rules()))
        .build()
        .unwrap()
}

pub fn entries(pairs: &[(ComponentId, &[u8])]) -> Vec<ComponentData> {
    pairs
        .iter()
        .map(|(id, data)| ComponentData::new(*id, data.to_vec()))
        .collect()
}

/// Members of one group: `clients[i]` owns `groups[i]`.
pub struct Members {
    pub clients: Vec<Client>,
    pub groups: Vec<Group>,
}

/// `n` members, member 0 creates the group with `initial`, adds the others
/// in one commit; all join by Welcome.
pub fn group_with(
    n: usize,
    initial: &[(ComponentId, &[u8])],
    external_senders: Vec<SigningIdentity>,
    requirement: AppDataRequirement,
) -> Members {
    let clients: Vec<Client> = (0..n).map(|i| client(&format!("member-{i}"))).collect();
    let groups =
        create_app_data_members(&clients, entries(initial), external_senders, requirement).unwrap();
    Members { clients, groups }
}

/// `n` members, `app_data_update` required, no external sender.
pub fn group(n: usize, initial: &[(ComponentId, &[u8])]) -> Members {
    group_with(n, initial, vec![], AppDataRequirement::Required)
}

impl Members {
    pub fn set_wire_format(&self, policy: WireFormatPolicy) {
        for client in &self.clients {
            client.set_wire_format(policy);
        }
    }

    /// Every member except `from` processes `message`; all must accept.
    pub fn deliver(&mut self, from: usize, message: &MlsMessage) -> Vec<Processed> {
        self.groups
            .iter_mut()
            .enumerate()
            .filter(|(i, _)| *i != from)
            .map(|(i, g)| {
                g.process(message.clone())
                    .unwrap_or_else(|e| panic!("member {i} rejected: {e}"))
            })
            .collect()
    }

    /// Every member except `from` rejects `message` with `expected`, and
    /// its whole persisted state is unchanged.
    pub fn all_reject(&mut self, from: usize, message: &MlsMessage, expected: AppDataError) {
        for i in (0..self.groups.len()).filter(|i| *i != from) {
            let before = fingerprint(&self.clients[i], &self.groups[i]);
            let rejected: Rejected = self.groups[i]
                .process(message.clone())
                .expect_err("must be rejected");
            assert_eq!(
                app_data_error(&rejected.error),
                Some(expected.clone()),
                "member {i}: {}",
                rejected.error
            );
            assert_eq!(
                fingerprint(&self.clients[i], &self.groups[i]),
                before,
                "member {i} changed"
            );
        }
    }

    /// All members agree on epoch, dictionary, extensions and authenticator.
    pub fn assert_agree(&self) -> Snapshot {
        let snapshots: Vec<Snapshot> = self.groups.iter().map(snapshot).collect();
        assert!(
            snapshots.windows(2).all(|pair| pair[0] == pair[1]),
            "members disagree: {snapshots:#?}"
        );
        snapshots[0].clone()
    }

    /// Member `from` commits `updates` by value; everyone else processes
    /// the commit; returns what they all agree on.
    pub fn commit(&mut self, from: usize, updates: &[AppDataUpdate]) -> Snapshot {
        let commit = self.groups[from].commit_app_data_updates(updates).unwrap();
        self.deliver(from, &commit.output.commit_message);
        self.assert_agree()
    }

    /// Like [`commit`](Self::commit), and the commit applied exactly
    /// `applied` (cached proposals included), in this order.
    pub fn commit_applying(
        &mut self,
        from: usize,
        updates: &[AppDataUpdate],
        applied: &[AppDataUpdate],
    ) -> Snapshot {
        let commit = self.groups[from].commit_app_data_updates(updates).unwrap();
        assert_eq!(commit.updates, applied);
        self.deliver(from, &commit.output.commit_message);
        self.assert_agree()
    }

    /// Member `from` proposes a GroupContextExtensions proposal setting
    /// `extensions`, by reference; everyone else caches it.
    pub fn propose_extensions(&mut self, from: usize, extensions: ExtensionList) {
        let proposal = self.groups[from]
            .propose_group_context_extensions(extensions, Vec::new())
            .unwrap();
        self.deliver(from, &proposal);
    }

    /// Member `from` proposes `update` by reference; everyone else caches it.
    pub fn propose(&mut self, from: usize, update: &AppDataUpdate) {
        let proposal = self.groups[from].propose_app_data_update(update).unwrap();
        self.deliver(from, &proposal);
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub epoch: u64,
    pub dictionary: Vec<ComponentData>,
    /// The GroupContext extension types, in list order.
    pub extension_order: Vec<u16>,
    pub authenticator: Vec<u8>,
}

pub fn snapshot(group: &Group) -> Snapshot {
    Snapshot {
        epoch: group.current_epoch(),
        dictionary: group.app_data_dictionary().unwrap(),
        extension_order: group
            .context()
            .extensions
            .iter()
            .map(|e| e.extension_type.raw_value())
            .collect(),
        authenticator: group.epoch_authenticator_bytes().unwrap(),
    }
}

/// The group's whole persisted state (tree, key schedule, secret tree,
/// proposal cache, the stored epochs), as mls-rs writes it: equal means
/// nothing a message could change has changed.
pub fn fingerprint(client: &Client, group: &Group) -> Vec<Vec<u8>> {
    // Writing flushes pending epoch records, so write a copy (all copies
    // share the client's in-memory storage).
    let mut copy = group.clone();
    copy.write_to_storage().unwrap();
    let storage = client.mls_client().group_state_storage();
    let id = group.group_id();
    let newest = storage.max_epoch_id(id).unwrap().unwrap_or(0);
    let state = storage.state(id).unwrap().map(|s| s.to_vec());
    let epochs = (newest.saturating_sub(4)..=newest).filter_map(|e| storage.epoch(id, e).unwrap());
    state
        .into_iter()
        .chain(epochs.map(|e| e.to_vec()))
        .collect()
}
