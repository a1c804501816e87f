//! Playing the model's actions on the real world: each action becomes real
//! operations on real groups, and the delivery service hands real messages
//! to real members in the model's order.

use mls_rs::group::proposal::CustomProposal;
use std::sync::Arc;

use mls_rs::{Extension, ExtensionList, MlsMessage, WireFormat};

use appsync_model::semantics::Item;
use appsync_model::{
    Action, AppSyncConfig, AppSyncDefect, AppSyncModel, ByValue, Forgery, Proposal, Sender, State,
    StatesDefect,
};
use mls_appsync::constants::{APP_SYNC_PROPOSAL_TYPE, APPLICATION_STATES_EXTENSION_TYPE};
use mls_appsync::extension::with_application_states;
use mls_appsync::external::propose_app_sync_external;
use mls_appsync::forge::{
    ForgedCommit, ForgedSender, external_commit_with_app_sync, forge_custom_commit,
    unauthorized_app_sync_proposal,
};
use mls_appsync::proposal::to_custom_proposal;
use mls_appsync::{
    AppSync, AppSyncGroupExt, ApplicationState, Processed, RejectionReason, WireFormatPolicy,
    WrapsAppSyncRules, app_sync_error,
};

use super::{Entry, Observed, RealWorld, WorldError, blob, initial_states, mls};

/// The real AppSync of a model AppSync.
fn real_app_sync(a: appsync_model::AppSync) -> AppSync {
    AppSync::new(u32::from(a.application_id), blob(a.new_state))
}

impl RealWorld {
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
                expect_member_wire_format(m, &message)?;
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
                expect_member_wire_format(m, &message)?;
                self.append(message, Some(m), false);
            }
            Action::Commit { member, by_value } => {
                let m = member as usize;
                let message = self.commit(&model.cfg, m, by_value)?;
                expect_member_wire_format(m, &message)?;
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
                // A non-member's proposal: it claims to be the group's first
                // external sender but signs with a key of its own, so every
                // member's signature check refuses it before any AppSync rule
                // runs (an authentication failure, as in the model).
                let message = unauthorized_app_sync_proposal(
                    self.newest.group_id(),
                    self.newest.current_epoch(),
                    self.newest.cipher_suite(),
                    ForgedSender::External(0),
                    &real_app_sync(app_sync),
                )
                .map_err(|e| WorldError::Forge(e.to_string()))?;
                self.append(message, None, false);
            }
            Action::ExternalCommit { app_sync } => {
                // The outsider joins by external commit carrying the AppSync
                // by value; honest members must reject it (R7: a new member
                // may not send AppSync).
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
                if let Some(defect) = commit.undecodable_by_value {
                    proposals.push(CustomProposal::new(
                        APP_SYNC_PROPOSAL_TYPE,
                        undecodable_app_sync(defect),
                    ));
                }
                let (group, rules) = self
                    .adversary
                    .as_mut()
                    .ok_or_else(|| WorldError::Setup("no adversary".into()))?;
                let group_context_extensions = match commit.gce_by_value {
                    Some(gce) => Some(gce_extensions(
                        &group.context().extensions,
                        initial_states(&model.cfg),
                        gce,
                    )?),
                    None => None,
                };
                // The model's adversary keeps by reference exactly the cached
                // proposals its commit names (none for a by-value kind) and
                // claims `commit.claimed`: it applies the AppSyncs, to
                // existing entries only, when the claim differs from the
                // current state.
                let by_reference = commit
                    .by_reference
                    .iter()
                    .map(|item| real_cached(model, &group.context().extensions, item))
                    .collect::<Result<Vec<_>, _>>()?;
                let forgery_commit = ForgedCommit {
                    proposals,
                    group_context_extensions,
                    apply: commit.claimed != before.group_states,
                    create_unknown_ids: false,
                    by_reference: Some(by_reference),
                };
                // Half the kinds go as PrivateMessage (the adversary is a
                // member and can encrypt), half as PublicMessage. Forging
                // from copies reuses a generation of the secret tree, which
                // is harmless: receivers reject every forgery, and a rejected
                // message costs them nothing (all-or-nothing processing).
                let kind = Forgery::ALL.iter().position(|k| *k == forgery).unwrap_or(0);
                let wire = match kind % 2 {
                    0 => WireFormatPolicy::Private,
                    _ => WireFormatPolicy::Public,
                };
                rules.app_sync_rules().set_wire_format(wire);
                let mut forger = group.clone();
                let message = forge_custom_commit(rules, &mut forger, &forgery_commit)
                    .map_err(|e| WorldError::Forge(format!("forge {forgery:?}: {e}")))?;
                self.append(message, None, true);
            }
            Action::Deliver { member } => self.deliver(member as usize, None)?,
            Action::DeliverAt { member, at } => {
                // The model's log is the suffix of ours it has not trimmed.
                let offset = self.log.len() - before.log.len();
                self.deliver(member as usize, Some(offset + at as usize))?
            }
        }
        Ok(())
    }

    /// Member `m` builds a commit of its cached proposals plus `by_value`
    /// (left pending, as a committer waits for the DS to confirm it).
    pub fn commit(
        &mut self,
        cfg: &AppSyncConfig,
        m: usize,
        by_value: ByValue,
    ) -> Result<MlsMessage, WorldError> {
        let gce = match by_value.has_gce() {
            true => Some(gce_extensions(
                &self.members[m].context().extensions,
                initial_states(cfg),
                Proposal::Gce,
            )?),
            false => None,
        };
        let mut builder = self.members[m].commit_builder();
        for a in by_value.iter() {
            let proposal = to_custom_proposal(&real_app_sync(a))
                .map_err(|e| WorldError::Setup(e.to_string()))?;
            builder = builder.custom_proposal(proposal);
        }
        if let Some(extensions) = gce {
            builder = builder
                .set_group_context_ext(extensions)
                .map_err(mls("commit"))?;
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
        let position = self.log.len();
        self.log.push(Entry {
            message: Arc::new(message),
        });
        // The DS does not send a member its own proposal back.
        if let Some(p) = proposer {
            self.queues[p].mark_processed(position);
        }
    }

    /// Member `m` processes the message at absolute log position `at` (its
    /// first unprocessed one when `None`). A commit that names a proposal the
    /// member does not have (`UnknownProposal`) stays in its queue, to be
    /// retried, as the model's member keeps it.
    fn deliver(&mut self, m: usize, at: Option<usize>) -> Result<(), WorldError> {
        let at = at.unwrap_or_else(|| self.queues[m].first_unprocessed());
        let entry = self
            .log
            .get(at)
            .ok_or_else(|| WorldError::Setup(format!("member {m} has nothing at {at}")))?
            .message
            .as_ref()
            .clone();
        let outcome = self.members[m].process(entry);
        let keep = matches!(&outcome, Err(r) if r.reason == RejectionReason::UnknownProposal);
        if let Ok(Processed::Commit { carried, .. }) = &outcome {
            self.last_carried[m] = Some(carried.clone());
        }
        if !keep {
            self.queues[m].mark_processed(at);
        }
        (
            self.last[m],
            self.last_error[m],
            self.last_app_sync_error[m],
        ) = match outcome {
            Ok(_) => (Observed::Accepted, None, None),
            Err(rejected) => (
                Observed::Rejected(rejected.reason),
                Some(rejected.error.to_string()),
                app_sync_error(&rejected.error),
            ),
        };
        Ok(())
    }
}

/// The real sender and content of a proposal the model's adversary holds
/// in its cache (a member's or the external sender's, sent by reference).
fn real_cached(
    model: &AppSyncModel,
    current: &ExtensionList,
    item: Item,
) -> Result<(mls_rs::group::Sender, mls_rs::group::proposal::Proposal), WorldError> {
    use mls_rs::group::Sender as RealSender;
    use mls_rs::group::proposal::Proposal as RealProposal;
    let sender = match item.sender {
        Sender::Member(m) => RealSender::Member(u32::from(m)),
        Sender::External => RealSender::External(0),
        Sender::NonMember => {
            return Err(WorldError::Forge(
                "a non-member's proposal is never cached".into(),
            ));
        }
    };
    let proposal = match item.proposal {
        Proposal::AppSync(a) => RealProposal::Custom(
            to_custom_proposal(&real_app_sync(a)).map_err(|e| WorldError::Forge(e.to_string()))?,
        ),
        Proposal::Gce => RealProposal::GroupContextExtensions(gce_extensions(
            current,
            initial_states(&model.cfg),
            Proposal::Gce,
        )?),
        Proposal::IllFormedGce(_) => {
            return Err(WorldError::Forge(
                "no member proposes an ill-formed GroupContextExtensions".into(),
            ));
        }
        Proposal::UndecodableAppSync(_) => {
            return Err(WorldError::Forge(
                "no member proposes an AppSync that does not decode".into(),
            ));
        }
    };
    Ok((sender, proposal))
}

/// The extensions a model GCE proposes: the initial `application_states`
/// (the model's one rewrite), or an ill-formed one (R10): bytes that do not
/// decode, or a list that names its first id twice.
fn gce_extensions(
    current: &ExtensionList,
    initial: Vec<ApplicationState>,
    gce: Proposal,
) -> Result<ExtensionList, WorldError> {
    let encode = |states| {
        with_application_states(current, states).map_err(|e| WorldError::Forge(e.to_string()))
    };
    match gce {
        Proposal::IllFormedGce(StatesDefect::Undecodable) => {
            let mut extensions = current.clone();
            extensions.set(Extension::new(
                APPLICATION_STATES_EXTENSION_TYPE,
                vec![0xff],
            ));
            Ok(extensions)
        }
        Proposal::IllFormedGce(StatesDefect::RepeatedId) => {
            let mut states = initial;
            if let Some(first) = states.first().cloned() {
                states.push(first);
            }
            encode(states)
        }
        Proposal::Gce | Proposal::AppSync(_) | Proposal::UndecodableAppSync(_) => encode(initial),
    }
}

/// The bytes of a model AppSync whose bytes do not decode (R2): `app1`
/// set to the adversary's value, broken as `defect` says. Each reaches one
/// error path of the codec's in-place reader (`mls_appsync::codec`), and
/// together they use the four sizes of the variable-length length prefix
/// (RFC 9420, section 2.1.2).
pub fn undecodable_app_sync(defect: AppSyncDefect) -> Vec<u8> {
    let mut bytes = 1u32.to_be_bytes().to_vec();
    let value = appsync_model::semantics::ADVERSARY_VALUE;
    match defect {
        // A 2-byte prefix announcing 64 bytes; one follows.
        AppSyncDefect::Truncated => bytes.extend_from_slice(&[0x40, 0x40, value]),
        // A well-formed AppSync, then one more byte.
        AppSyncDefect::TrailingBytes => bytes.extend_from_slice(&[0x01, value, 0x00]),
        // A 4-byte prefix for the length 1, which fits one byte.
        AppSyncDefect::NonMinimalLength => {
            bytes.extend_from_slice(&[0x80, 0x00, 0x00, 0x01, value])
        }
        // An 8-byte prefix announcing 2^30 bytes, one more than a vector
        // may hold.
        AppSyncDefect::TooLongLength => {
            bytes.extend_from_slice(&[0xc0, 0, 0, 0, 0x40, 0, 0, 0, value])
        }
    }
    bytes
}

/// Member `m`'s handshake messages go in the format its policy says: odd
/// members PublicMessage, even ones PrivateMessage (R8; see `RealWorld::new`).
fn expect_member_wire_format(m: usize, message: &MlsMessage) -> Result<(), WorldError> {
    let expected = match m % 2 {
        1 => WireFormat::PublicMessage,
        _ => WireFormat::PrivateMessage,
    };
    let actual = message.wire_format();
    if actual == expected {
        return Ok(());
    }
    Err(WorldError::WireFormat {
        sender: format!("member {m}"),
        expected,
        actual,
    })
}
