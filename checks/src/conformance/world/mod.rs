//! The real world: one mls-rs group per model member, an adversary member,
//! an external sender, and the delivery service, which the harness plays
//! itself so that real messages reach real members in the model's order.
//!
//! This file holds who is in the world and how it is built; `play.rs` holds
//! how each model action is played on it.

mod play;

pub use play::undecodable_app_sync;

use std::fmt;
use std::sync::Arc;

use mls_rs::MlsMessage;
use mls_rs::error::MlsError;

use appsync_model::{AppSyncConfig, GcePolicy};
use mls_appsync::constants::DEFAULT_CIPHER_SUITE;
use mls_appsync::forge::ForgingRules;
use mls_appsync::{
    AppSyncError, AppSyncGroupExt, AppSyncRules, ApplicationState, CommittedAppSync,
    ExternalSender, RejectionReason, UnknownIdPolicy, WireFormatPolicy, create_members,
};
use mls_rs_crypto_awslc::AwsLcCryptoProvider;

/// Every real participant runs the AppSync rules inside the test-only
/// forging wrapper. It delegates exactly unless a forgery is being built,
/// which only the adversary and the outsider ever do; one type lets one
/// function build the whole group.
///
/// The replay signs and verifies about four times per transition, and
/// crypto is most of its time: with AWS-LC, mls-rs's other production
/// provider, it ran in about 30% less CPU time than with RustCrypto (whose
/// Ed25519 signer re-derives the public key from the secret on every
/// signature). The rules under test do not touch the provider; the
/// implementation's own tests and the vectors run on RustCrypto.
pub type Client = mls_appsync::AppSyncClient<AwsLcCryptoProvider, ForgingRules>;
/// A real participant's group.
pub type Group = mls_appsync::AppSyncGroup<AwsLcCryptoProvider, ForgingRules>;

fn client(name: &str, rules: AppSyncRules) -> Result<Client, WorldError> {
    mls_appsync::AppSyncClient::builder(name)
        .crypto(AwsLcCryptoProvider::default())
        .rules(ForgingRules::new(rules))
        .cipher_suite(DEFAULT_CIPHER_SUITE)
        .build()
        .map_err(|e| WorldError::Setup(e.to_string()))
}

/// Builds the rules of honest member `i`. The harness self-test passes rules
/// with a seeded fault here; everything else uses [`honest_rules`].
pub type RulesFactory = Arc<dyn Fn(usize, UnknownIdPolicy) -> AppSyncRules + Send + Sync>;

/// The rules of a correct member.
pub fn honest_rules() -> RulesFactory {
    Arc::new(|_, policy| AppSyncRules::new().with_unknown_id_policy(policy))
}

/// Why the real world could not be built or could not take a step.
#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    /// The configuration asks for something the implementation does not do.
    #[error("configuration not supported by the implementation: {0}")]
    Unsupported(String),
    /// Setting up clients or the group failed.
    #[error("setup: {0}")]
    Setup(String),
    /// mls-rs refused an operation the model says is possible.
    #[error("{step}: {source}")]
    Mls {
        /// The operation.
        step: String,
        /// What mls-rs said.
        source: MlsError,
    },
    /// A forged or hand-built message could not be made.
    #[error("{0}")]
    Forge(String),
    /// A message went out in another wire format than its sender's policy
    /// says (R8).
    #[error("{sender} sent a {actual:?} although its policy is {expected:?}")]
    WireFormat {
        /// Who sent it.
        sender: String,
        /// The policy's format.
        expected: mls_rs::WireFormat,
        /// The message's format.
        actual: mls_rs::WireFormat,
    },
}

fn mls(step: &str) -> impl FnOnce(MlsError) -> WorldError + '_ {
    move |source| WorldError::Mls {
        step: step.to_string(),
        source,
    }
}

/// The outcome of the last message a member processed, as the world records
/// it on delivery and the views compare it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Observed {
    /// No message processed yet.
    Nothing,
    /// Accepted (proposal cached, or commit applied).
    Accepted,
    /// Rejected, with the implementation's reason class.
    Rejected(RejectionReason),
}

impl fmt::Display for Observed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Observed::Nothing => f.write_str("-"),
            Observed::Accepted => f.write_str("accepted"),
            Observed::Rejected(r) => write!(f, "rejected({r:?})"),
        }
    }
}

/// A message in the delivery service's log. Shared, because every clone of
/// a world copies the whole log and messages never change once logged.
#[derive(Clone)]
struct Entry {
    message: Arc<MlsMessage>,
}

/// What one member has processed of the delivery service's log: everything
/// before `cursor`, and the positions in `ahead` (its own proposals, and
/// messages taken out of order). Positions are absolute in the real log.
#[derive(Clone, Debug, Default)]
struct Queue {
    cursor: usize,
    ahead: std::collections::BTreeSet<usize>,
}

impl Queue {
    fn mark_processed(&mut self, at: usize) {
        if at != self.cursor {
            self.ahead.insert(at);
            return;
        }
        self.cursor += 1;
        while self.ahead.remove(&self.cursor) {
            self.cursor += 1;
        }
    }

    /// The first position at or after the cursor not yet processed.
    fn first_unprocessed(&self) -> usize {
        (self.cursor..)
            .find(|p| !self.ahead.contains(p))
            .unwrap_or(self.cursor)
    }
}

/// Everything real, cloned at every branch of the exhaustive search (mls-rs
/// groups are `Clone`), so paths with a common prefix share its work.
#[derive(Clone)]
pub struct RealWorld {
    /// Honest members, by model index (= leaf index).
    pub members: Vec<Group>,
    /// The outcome of the last message each member processed.
    pub last: Vec<Observed>,
    /// The error behind each member's last rejection, for reports.
    pub last_error: Vec<Option<String>>,
    /// The AppSync rules' error behind each member's last rejection, if the
    /// rules rejected it (compared where the model names a codec defect).
    pub last_app_sync_error: Vec<Option<AppSyncError>>,
    /// The AppSyncs of the last commit each member applied, with who sent
    /// each and how it came (compared with the model's commit).
    pub last_carried: Vec<Option<Vec<CommittedAppSync>>>,
    /// The adversary (leaf N) and its rules, if the model has one. It
    /// processes every message as soon as the DS takes it, so it always
    /// forges at the group's newest epoch.
    adversary: Option<(Group, ForgingRules)>,
    /// A copy of a group at the group's newest epoch (for the external
    /// sender's GroupInfo and the non-member's epoch).
    newest: Group,
    external: Option<Arc<ExternalSender>>,
    /// The non-member that tries to join by external commit with an AppSync.
    outsider: Arc<Client>,
    /// Every message the DS ever took, in its order (never trimmed).
    log: Vec<Entry>,
    /// Per member, what of the log it has processed.
    queues: Vec<Queue>,
    /// The real epoch of model epoch 0 (the group's creation and the Add
    /// commit come first).
    pub base_epoch: u64,
}

/// Checks that the implementation can play `cfg`.
pub fn supported(cfg: &AppSyncConfig) -> Result<(), WorldError> {
    if cfg.gce != GcePolicy::MayRewrite {
        return Err(WorldError::Unsupported(
            "GcePolicy::MustNotChange is a model-only variant".into(),
        ));
    }
    if cfg.faults != Default::default() {
        return Err(WorldError::Unsupported(
            "model faults have no counterpart in the implementation; use the harness self-test"
                .into(),
        ));
    }
    Ok(())
}

fn unknown_id_policy(cfg: &AppSyncConfig) -> UnknownIdPolicy {
    match cfg.unknown_id {
        appsync_model::UnknownIdPolicy::Reject => UnknownIdPolicy::Reject,
        appsync_model::UnknownIdPolicy::Create => UnknownIdPolicy::Create,
    }
}

/// The real blob of model value `v`.
pub fn blob(v: u8) -> Vec<u8> {
    vec![v]
}

/// The initial `application_states`: ids `1..=K`, each at value 0.
fn initial_states(cfg: &AppSyncConfig) -> Vec<ApplicationState> {
    (1..=cfg.application_ids)
        .map(|id| ApplicationState::new(u32::from(id), blob(0)))
        .collect()
}

impl RealWorld {
    /// Builds the group of `cfg`: member 0 creates it with the initial
    /// `application_states` (and the external sender listed, if any) and
    /// adds everyone else in one commit. Odd members send PublicMessage,
    /// even members PrivateMessage, so both wire formats are exercised (R8).
    pub fn new(cfg: &AppSyncConfig, rules: &RulesFactory) -> Result<Self, WorldError> {
        supported(cfg)?;
        let suite = DEFAULT_CIPHER_SUITE;
        let setup = |e: mls_appsync::SetupError| WorldError::Setup(e.to_string());
        let policy = unknown_id_policy(cfg);
        let mut clients = (0..cfg.members as usize)
            .map(|i| {
                let wire = if i % 2 == 1 {
                    WireFormatPolicy::Public
                } else {
                    WireFormatPolicy::Private
                };
                client(
                    &format!("member{i}"),
                    rules(i, policy).with_wire_format(wire),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        if cfg.adversary_leaf().is_some() {
            // PublicMessage: the adversary forges from copies of its group
            // (see `Forge`), and copies would reuse the secret tree's
            // generations of a PrivateMessage.
            let honest = AppSyncRules::new()
                .with_unknown_id_policy(policy)
                .with_wire_format(WireFormatPolicy::Public);
            clients.push(client("adversary", honest)?);
        }
        let external = match cfg.external_proposals {
            0 => None,
            _ => Some(Arc::new(
                ExternalSender::new("external", AppSyncRules::new(), suite).map_err(setup)?,
            )),
        };

        let listed = external
            .iter()
            .map(|e| e.signing_identity().clone())
            .collect();
        let mut members = create_members(&clients, initial_states(cfg), listed).map_err(setup)?;
        let adversary = match cfg.adversary_leaf() {
            Some(_) => {
                let rules = clients.last().map(|c| c.rules().clone());
                members.pop().zip(rules)
            }
            None => None,
        };
        let base_epoch = members[0].current_epoch();
        Ok(Self {
            last: vec![Observed::Nothing; members.len()],
            last_error: vec![None; members.len()],
            last_app_sync_error: vec![None; members.len()],
            last_carried: vec![None; members.len()],
            queues: vec![Queue::default(); members.len()],
            newest: members[0].clone(),
            members,
            adversary,
            external,
            outsider: Arc::new(client("outsider", AppSyncRules::new())?),
            log: Vec::new(),
            base_epoch,
        })
    }

    /// The real epoch of member `m`, relative to the model's epoch 0.
    /// The adversary's epoch (counted as [`Self::epoch`] counts) and epoch
    /// authenticator, if the model has an adversary. It is a real member
    /// that processes every message the DS takes, so its keys are the
    /// group's newest.
    pub fn adversary_keys(&self) -> Option<(u64, Option<Vec<u8>>)> {
        self.adversary.as_ref().map(|(group, _)| {
            let epoch = group.current_epoch().saturating_sub(self.base_epoch);
            (epoch, group.epoch_authenticator_bytes().ok())
        })
    }

    pub fn epoch(&self, m: usize) -> u64 {
        // No member goes below the base epoch; saturating keeps a report
        // from panicking if one ever did.
        self.members[m]
            .current_epoch()
            .saturating_sub(self.base_epoch)
    }
}
