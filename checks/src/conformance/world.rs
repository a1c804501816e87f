//! The real world: one mls-rs group per model member, an adversary member,
//! an external sender, and the delivery service, which the harness plays
//! itself so that real messages reach real members in the model's order.

use std::sync::Arc;

use mls_rs::MlsMessage;
use mls_rs::error::MlsError;

use appsync_model::{Action, AppSyncConfig, AppSyncModel, ByValue, GcePolicy, State};
use mls_appsync::constants::DEFAULT_CIPHER_SUITE;
use mls_appsync::extension::with_application_states;
use mls_appsync::external::propose_app_sync_external;
use mls_appsync::forge::{Forgery, external_commit_with_app_sync, forge_custom_commit};
use mls_appsync::proposal::to_custom_proposal;
use mls_appsync::{
    AppSync, AppSyncClient, AppSyncGroup, AppSyncGroupExt, AppSyncRules, ApplicationState,
    ExternalSender, UnknownIdPolicy, WireFormatPolicy,
};

use super::view::Observed;

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
}

fn mls(step: &str) -> impl FnOnce(MlsError) -> WorldError + '_ {
    move |source| WorldError::Mls {
        step: step.to_string(),
        source,
    }
}

/// A message in the delivery service's log.
#[derive(Clone)]
struct Entry {
    message: MlsMessage,
    /// The honest member that sent it (its own proposals are not delivered
    /// back to it, as in the model).
    proposer: Option<usize>,
}

/// Everything real, cloned at every branch of the exhaustive search (mls-rs
/// groups are `Clone`), so paths with a common prefix share its work.
#[derive(Clone)]
pub struct RealWorld {
    /// Honest members, by model index (= leaf index).
    pub members: Vec<AppSyncGroup>,
    /// The outcome of the last message each member processed.
    pub last: Vec<Observed>,
    /// The error behind each member's last rejection, for reports.
    pub last_error: Vec<Option<String>>,
    /// The adversary (leaf N) and its rules, if the model has one. It
    /// processes every message as soon as the DS takes it, so it always
    /// forges at the group's newest epoch.
    adversary: Option<(AppSyncGroup, AppSyncRules)>,
    /// A copy of a group at the group's newest epoch (for the external
    /// sender's GroupInfo and the non-member's epoch).
    newest: AppSyncGroup,
    external: Option<Arc<ExternalSender>>,
    /// The non-member that tries to join by external commit with an AppSync.
    outsider: Arc<AppSyncClient>,
    log: Vec<Entry>,
    cursors: Vec<usize>,
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

fn real_app_sync(a: appsync_model::AppSync) -> AppSync {
    AppSync::new(u32::from(a.application_id), blob(a.new_state))
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
        let clients = (0..cfg.members as usize)
            .map(|i| {
                let wire = if i % 2 == 1 {
                    WireFormatPolicy::Public
                } else {
                    WireFormatPolicy::Private
                };
                let rules = rules(i, policy).with_wire_format(wire);
                AppSyncClient::with_rules(format!("member{i}"), rules, suite).map_err(setup)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let adversary = match cfg.adversary_leaf() {
            Some(_) => Some(
                // PublicMessage: the adversary forges from copies of its
                // group (see `Forge`), and copies would reuse the secret
                // tree's generations of a PrivateMessage.
                AppSyncClient::with_rules(
                    "adversary",
                    AppSyncRules::new()
                        .with_unknown_id_policy(policy)
                        .with_wire_format(WireFormatPolicy::Public),
                    suite,
                )
                .map_err(setup)?,
            ),
            None => None,
        };
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
        let mut creator = clients[0]
            .create_group(initial_states(cfg), listed)
            .map_err(setup)?;
        let mut key_packages = Vec::new();
        for client in clients.iter().skip(1).chain(adversary.iter()) {
            key_packages.push(client.key_package().map_err(mls("key package"))?);
        }
        let added = creator
            .add_members(key_packages)
            .map_err(mls("add members"))?;
        let welcome = added
            .output
            .welcome_messages
            .first()
            .ok_or_else(|| WorldError::Setup("no Welcome".into()))?;
        let mut members = vec![creator];
        for client in clients.iter().skip(1) {
            members.push(client.join_group(welcome).map_err(mls("join"))?);
        }
        let adversary = match adversary {
            Some(client) => Some((
                client.join_group(welcome).map_err(mls("adversary join"))?,
                client.rules().clone(),
            )),
            None => None,
        };
        let base_epoch = members[0].current_epoch();
        Ok(Self {
            last: vec![Observed::Nothing; members.len()],
            last_error: vec![None; members.len()],
            cursors: vec![0; members.len()],
            newest: members[0].clone(),
            members,
            adversary,
            external,
            outsider: Arc::new(
                AppSyncClient::with_rules("outsider", AppSyncRules::new(), suite).map_err(setup)?,
            ),
            log: Vec::new(),
            base_epoch,
        })
    }

    /// Plays `action`, which the model took from `before` to `after`, on the
    /// real groups.
    pub fn step(
        &mut self,
        model: &AppSyncModel,
        before: &State,
        action: &Action,
        after: &State,
    ) -> Result<(), WorldError> {
        match *action {
            Action::Propose { member, app_sync } => {
                let m = member as usize;
                let message = self.members[m]
                    .propose_app_sync(&real_app_sync(app_sync))
                    .map_err(mls("propose"))?;
                self.append(message, Some(m), false);
            }
            Action::ProposeGce { member } => {
                let m = member as usize;
                let group = &mut self.members[m];
                let extensions = with_application_states(
                    &group.context().extensions,
                    initial_states(&model.cfg),
                )
                .map_err(|e| WorldError::Setup(e.to_string()))?;
                let message = group
                    .propose_group_context_extensions(extensions, Vec::new())
                    .map_err(mls("propose GCE"))?;
                self.append(message, Some(m), false);
            }
            Action::Commit { member, by_value } => {
                let m = member as usize;
                let message = self.commit(m, by_value)?;
                if after.group_epoch > before.group_epoch {
                    // The DS accepted the first valid commit of the epoch:
                    // the committer's pending state is the group's newest.
                    let mut newest = self.members[m].clone();
                    newest
                        .apply_pending_commit()
                        .map_err(mls("apply pending commit"))?;
                    self.newest = newest;
                }
                self.append(message, None, false);
            }
            Action::External { app_sync } => {
                let external = self
                    .external
                    .clone()
                    .ok_or_else(|| WorldError::Setup("no external sender".into()))?;
                // mls-rs's external group cannot read PrivateMessage commits,
                // so the external sender follows the group by GroupInfo, as a
                // delivery service would hand it.
                let info = self
                    .newest
                    .group_info_message(true)
                    .map_err(mls("group info"))?;
                let mut observed = external.observe(info).map_err(mls("observe"))?;
                let message = propose_app_sync_external(&mut observed, &real_app_sync(app_sync))
                    .map_err(mls("external propose"))?;
                self.append(message, None, false);
            }
            Action::Inject { app_sync } => {
                // A non-member's AppSync reaches the AppSync rules only inside
                // an external commit: a proposal signed by an unlisted key is
                // refused by mls-rs's signature check before any rule runs.
                // The outsider joins by external commit carrying the AppSync
                // by value; honest members must reject it (R7).
                let info = self
                    .newest
                    .group_info_message_allowing_ext_commit(true)
                    .map_err(mls("group info"))?;
                let (_, message) =
                    external_commit_with_app_sync(&self.outsider, info, &real_app_sync(app_sync))
                        .map_err(|e| WorldError::Forge(e.to_string()))?;
                self.append(message, None, false);
            }
            Action::Forge { forgery } => {
                // The adversary commits exactly what the model's forgery
                // holds, so that faulty receivers (harness self-test) see
                // the same content in both worlds.
                let commit = model.forge(before, forgery);
                let mut proposals = Vec::new();
                for a in commit.by_value.iter() {
                    proposals.push(
                        to_custom_proposal(&real_app_sync(a))
                            .map_err(|e| WorldError::Forge(e.to_string()))?,
                    );
                }
                let (group, rules) = self
                    .adversary
                    .as_mut()
                    .ok_or_else(|| WorldError::Setup("no adversary".into()))?;
                let group_context_extensions = if commit.gce_by_value {
                    Some(
                        with_application_states(
                            &group.context().extensions,
                            initial_states(&model.cfg),
                        )
                        .map_err(|e| WorldError::Forge(e.to_string()))?,
                    )
                } else {
                    None
                };
                // The model's adversary commits only by-value proposals and
                // claims `commit.claimed`: forge from a copy whose proposal
                // cache is empty, applying the AppSyncs only when the claim
                // differs from the current state.
                let forgery_commit = Forgery {
                    proposals,
                    group_context_extensions,
                    apply: commit.claimed != before.group_states,
                };
                let mut forger = group.clone();
                forger.clear_proposal_cache();
                let message = forge_custom_commit(rules, &mut forger, &forgery_commit)
                    .map_err(|e| WorldError::Forge(format!("forge {forgery:?}: {e}")))?;
                self.append(message, None, true);
            }
            Action::Deliver { member } => self.deliver(member as usize)?,
        }
        Ok(())
    }

    /// Member `m` builds a commit of its cached proposals plus `by_value`
    /// (left pending, as a committer waits for the DS to confirm it).
    pub fn commit(&mut self, m: usize, by_value: ByValue) -> Result<MlsMessage, WorldError> {
        let mut builder = self.members[m].commit_builder();
        for a in by_value.iter() {
            let proposal = to_custom_proposal(&real_app_sync(a))
                .map_err(|e| WorldError::Setup(e.to_string()))?;
            builder = builder.custom_proposal(proposal);
        }
        Ok(builder.build().map_err(mls("commit"))?.commit_message)
    }

    /// The DS takes a message: it goes into every member's queue, and the
    /// adversary processes it at once (it forges at the newest epoch, and
    /// commits there may refer to any proposal sent so far).
    fn append(&mut self, message: MlsMessage, proposer: Option<usize>, from_adversary: bool) {
        if !from_adversary && let Some((adversary, _)) = self.adversary.as_mut() {
            // Messages of an epoch it has left, and invalid ones, are
            // rejected; that is all the adversary needs.
            let _ = adversary.process(message.clone());
        }
        self.log.push(Entry { message, proposer });
    }

    /// Member `m` processes the next message of its queue (skipping its own
    /// proposals, which the DS does not send back).
    fn deliver(&mut self, m: usize) -> Result<(), WorldError> {
        while self
            .log
            .get(self.cursors[m])
            .is_some_and(|e| e.proposer == Some(m))
        {
            self.cursors[m] += 1;
        }
        let entry = self
            .log
            .get(self.cursors[m])
            .ok_or_else(|| WorldError::Setup(format!("member {m} has nothing to deliver")))?
            .message
            .clone();
        self.cursors[m] += 1;
        (self.last[m], self.last_error[m]) = match self.members[m].process(entry) {
            Ok(_) => (Observed::Accepted, None),
            Err(rejected) => (
                Observed::Rejected(rejected.reason),
                Some(rejected.error.to_string()),
            ),
        };
        Ok(())
    }

    /// The real epoch of member `m`, relative to the model's epoch 0.
    pub fn epoch(&self, m: usize) -> u64 {
        self.members[m].current_epoch() - self.base_epoch
    }
}
