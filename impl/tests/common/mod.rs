//! Helpers shared by the group tests: set up real mls-rs groups and deliver
//! messages to every member.
#![allow(dead_code)]

use mls_appsync::forge::ForgingRules;
use mls_appsync::mls_rs::MlsMessage;
use mls_appsync::mls_rs::identity::SigningIdentity;
use mls_appsync::{
    AppSyncGroupExt, AppSyncRules, ApplicationState, Processed, Rejected, RejectionReason,
    WireFormatPolicy, create_members,
};
use mls_rs_crypto_rustcrypto::RustCryptoProvider;

/// A test member's client: the AppSync rules inside the test-only forging
/// wrapper, which delegates to them unless a test forges.
pub type Client = mls_appsync::AppSyncClient<RustCryptoProvider, ForgingRules>;
/// A test member's group.
pub type Group = mls_appsync::AppSyncGroup<RustCryptoProvider, ForgingRules>;

/// A client named `name` running `rules` (inside the forging wrapper).
pub fn client(name: &str, rules: AppSyncRules) -> Client {
    mls_appsync::AppSyncClient::builder(name)
        .rules(ForgingRules::new(rules))
        .build()
        .unwrap()
}

/// Members of one group: `clients[i]` owns `groups[i]`.
pub struct Members {
    pub clients: Vec<Client>,
    pub groups: Vec<Group>,
}

pub fn states(entries: &[(u32, &[u8])]) -> Vec<ApplicationState> {
    entries
        .iter()
        .map(|(id, s)| ApplicationState::new(*id, s.to_vec()))
        .collect()
}

/// A group of `rules.len()` members, member 0 creates it with `initial`
/// and adds everyone else in one commit; all join by Welcome.
pub fn group_with_rules(
    rules: Vec<AppSyncRules>,
    initial: Vec<ApplicationState>,
    external_senders: Vec<SigningIdentity>,
) -> Members {
    let clients: Vec<Client> = rules
        .into_iter()
        .enumerate()
        .map(|(i, r)| client(&format!("member-{i}"), r))
        .collect();
    let groups = create_members(&clients, initial, external_senders).unwrap();
    Members { clients, groups }
}

pub fn group(n: usize, initial: Vec<ApplicationState>) -> Members {
    group_with_rules(
        (0..n).map(|_| AppSyncRules::new()).collect(),
        initial,
        vec![],
    )
}

impl Members {
    pub fn set_wire_format(&self, policy: WireFormatPolicy) {
        for client in &self.clients {
            client.set_wire_format(policy);
        }
    }

    /// Every member except `from` processes `message`; all must accept.
    pub fn deliver(&mut self, from: usize, message: &MlsMessage) -> Vec<Processed> {
        self.try_deliver(from, message)
            .into_iter()
            .map(|r| r.unwrap_or_else(|e| panic!("rejected: {e}")))
            .collect()
    }

    /// Every member except `from` processes `message`.
    pub fn try_deliver(
        &mut self,
        from: usize,
        message: &MlsMessage,
    ) -> Vec<Result<Processed, Rejected>> {
        let mut out = Vec::new();
        for (i, group) in self.groups.iter_mut().enumerate() {
            if i != from {
                out.push(group.process(message.clone()));
            }
        }
        out
    }

    /// Every member except `from` rejects `message` with `reason`, and its
    /// whole state (see [`fingerprint`]) is unchanged.
    pub fn all_reject(&mut self, from: usize, message: &MlsMessage, reason: RejectionReason) {
        for i in 0..self.groups.len() {
            if i == from {
                continue;
            }
            let before = fingerprint(&self.clients[i], &self.groups[i]);
            let rejected = self.groups[i]
                .process(message.clone())
                .expect_err("must be rejected");
            assert_eq!(rejected.reason, reason, "member {i}: {}", rejected.error);
            let after = fingerprint(&self.clients[i], &self.groups[i]);
            assert_eq!(after, before, "member {i} state changed");
        }
    }

    /// All members agree on epoch, application_states and epoch_authenticator.
    pub fn assert_agree(&self) -> Snapshot {
        let first = snapshot(&self.groups[0]);
        for (i, group) in self.groups.iter().enumerate() {
            assert_eq!(snapshot(group), first, "member {i} disagrees");
        }
        first
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub epoch: u64,
    pub states: Vec<ApplicationState>,
    pub authenticator: Vec<u8>,
    pub members: Vec<u32>,
}

pub fn snapshot(group: &Group) -> Snapshot {
    Snapshot {
        epoch: group.current_epoch(),
        states: group.application_states().unwrap(),
        authenticator: group.epoch_authenticator_bytes().unwrap(),
        members: group.member_indexes(),
    }
}

/// The AppSyncs of the Processed::Commit outcomes, which must all be commits.
pub fn committed(outcomes: &[Processed]) -> Vec<Vec<mls_appsync::AppSync>> {
    outcomes
        .iter()
        .map(|o| match o {
            Processed::Commit { app_syncs, .. } => app_syncs.clone(),
            other => panic!("not a commit: {other:?}"),
        })
        .collect()
}

/// Everything mls-rs would persist of `group` (its whole state: tree, key
/// schedule, secret tree, proposal cache, pending commit, and the epochs it
/// keeps for late messages), as bytes. Two equal fingerprints mean nothing a
/// message could have changed has changed, including consumed message keys.
pub fn fingerprint(client: &Client, group: &Group) -> Fingerprint {
    use mls_appsync::mls_rs::GroupStateStorage;
    // Writing to storage flushes the group's pending epoch records, so write a
    // copy; every copy shares the client's in-memory storage.
    let mut copy = group.clone();
    copy.write_to_storage().expect("write group state");
    let storage = client.mls_client().group_state_storage();
    let id = group.group_id();
    let mut out = vec![storage.state(id).unwrap().expect("state stored").to_vec()];
    let newest = storage.max_epoch_id(id).unwrap().unwrap_or(0);
    for epoch in newest.saturating_sub(4)..=newest {
        if let Some(bytes) = storage.epoch(id, epoch).unwrap() {
            out.push(bytes.to_vec());
        }
    }
    Fingerprint(out)
}

/// A member's whole persisted state (see [`fingerprint`]); printed short.
#[derive(Clone, PartialEq, Eq)]
pub struct Fingerprint(Vec<Vec<u8>>);

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // FNV-1a over every record: enough to tell two states apart in a report.
        let mut hash = 0xcbf2_9ce4_8422_2325u64;
        for byte in self.0.iter().flatten() {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x100_0000_01b3);
        }
        let sizes: Vec<usize> = self.0.iter().map(Vec::len).collect();
        write!(f, "state {hash:016x} (records of {sizes:?} bytes)")
    }
}

/// The kinds of message a member sends.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Commit,
    Proposal,
    Application,
}

/// Member 0 makes a genuine message of `kind` (the commit and the proposal
/// set id 1 to "genuine"; the commit is applied by member 0).
pub fn genuine(m: &mut Members, kind: Kind) -> MlsMessage {
    let sync = mls_appsync::AppSync::new(1, b"genuine".to_vec());
    match kind {
        Kind::Commit => {
            m.groups[0]
                .commit_app_syncs(&[sync])
                .unwrap()
                .output
                .commit_message
        }
        Kind::Proposal => m.groups[0].propose_app_sync(&sync).unwrap(),
        Kind::Application => m.groups[0]
            .encrypt_application_message(b"hello", Vec::new())
            .unwrap(),
    }
}

/// `group` commits a GroupContextExtensions proposal setting `extensions`
/// by value and applies it; returns the commit.
pub fn commit_extensions(
    group: &mut Group,
    extensions: mls_appsync::mls_rs::ExtensionList,
) -> mls_appsync::mls_rs::group::CommitOutput {
    let output = group
        .commit_builder()
        .set_group_context_ext(extensions)
        .unwrap()
        .build()
        .unwrap();
    group.apply_pending_commit().unwrap();
    output
}
