//! [`AppSyncRules`]: the `MlsRules` that give AppSync its meaning in mls-rs.
//! The rule functions it calls, one per rule, are in [`crate::rules`].
//!
//! mls-rs calls [`MlsRules::filter_proposals`] on the committer
//! (`CommitDirection::Send`) and on every receiver (`CommitDirection::Receive`)
//! with the proposals of a commit, before it applies them. This hook is the
//! only place AppSync is interpreted. It validates the AppSyncs, applies them
//! in order to a copy of the current `application_states`, and adds one
//! GroupContextExtensions proposal with `ProposalSource::Local` carrying the
//! result. Local proposals are applied but never sent, so the wire carries
//! the AppSyncs alone and every member computes the same next GroupContext.
//!
//! Each rule is enforced in exactly one function:
//!
//! | rule | function |
//! |------|----------|
//! | R2 | [`r2_read_app_sync`](crate::rules::r2_read_app_sync) |
//! | R3 | [`r3_apply_app_sync`](crate::rules::r3_apply_app_sync) |
//! | R4 | [`r4_no_gce_with_app_sync`](crate::rules::r4_no_gce_with_app_sync) |
//! | R5 | [`r5_one_app_sync_per_id`](crate::rules::r5_one_app_sync_per_id) (one per id, the Send order), [`r5_apply_in_order`](crate::rules::r5_apply_in_order) |
//! | R6 | [`AppSyncRules::custom_proposal_requires_update_path`] |
//! | R7 | [`r7_authorized_sender`](crate::rules::r7_authorized_sender) |
//! | R8 | [`AppSyncRules::encryption_options`] |
//! | R9 | [`r9_inject_application_states`](crate::rules::r9_inject_application_states) |
//! | R10 | [`r10_well_formed_application_states`](crate::rules::r10_well_formed_application_states) |
//!
//! R10 is this project's rule, not the draft's: no commit may leave the next
//! GroupContext with an `application_states` that does not decode or names
//! an id twice, whether or not the commit holds an AppSync (else one
//! GroupContextExtensions commit could break AppSync for everyone).
//!
//! # Receive and Send
//!
//! mls-rs calls the rules for commits. A by-reference proposal is judged
//! again when it arrives ([`arrival_verdict`](crate::rules::arrival_verdict), called by the crate's
//! `process`): R2, R7 and R10 depend on the proposal alone.
//!
//! On Receive any violation rejects the commit: mls-rs then leaves the group
//! state unchanged. Checks run in this order, which decides the reported
//! reason when a commit breaks several rules: GroupContextExtensions content
//! (R10), malformed body (R2), sender (R7), duplicate id (R5), unknown id
//! (R3), GroupContextExtensions next to AppSync (R4).
//!
//! On Send the same functions run, but a proposal that came by reference
//! (someone else's cached proposal) and breaks a rule is dropped, so one bad
//! cached proposal never blocks a commit, while a proposal the committer
//! added by value makes commit building fail with the typed error.
//!
//! # Canonical order on Send
//!
//! With `std`, mls-rs keeps cached proposals in a `HashMap`, so they reach
//! this hook in an arbitrary order. To make the committer deterministic, the
//! Send side first sorts the AppSyncs: by-reference ones by (sender: members
//! by leaf index, then external senders by index; `application_id`;
//! `new_state` bytes), then the by-value ones in the order the caller gave.
//! Per `application_id` it keeps the by-value AppSync if there is one, else
//! the first by-reference one. The survivors go on the wire in that order,
//! which is also the order in which every receiver applies them (R5).
//!
//! The check order above holds on Send too, so R4 only looks at the AppSyncs
//! that survived the other rules. Next to a surviving AppSync, a
//! by-reference GroupContextExtensions proposal is dropped; a by-value one is
//! an error if some surviving AppSync is by value too, and otherwise the
//! committer's own proposal wins and the by-reference AppSyncs are dropped.
//! With no AppSync, the committer's own by-value GroupContextExtensions
//! proposal still wins over cached ones (RFC 9420 allows one per commit).
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use mls_rs::client_builder::PaddingMode;
use mls_rs::group::proposal::CustomProposal;
use mls_rs::group::{GroupContext, Roster};
use mls_rs::mls_rules::{
    CommitDirection, CommitOptions, CommitSource, EncryptionOptions, ProposalBundle, ProposalSource,
};
use mls_rs::{ExtensionList, MlsRules};

use crate::error::AppSyncError;
use crate::extension::IndexedStates;
use crate::fault::Fault;
use crate::proposal::is_app_sync;
pub use crate::rules::UnknownIdPolicy;
use crate::rules::{
    AppSyncCandidate, R4Outcome, carry_out_r4, collect_candidates, committer_sender,
    next_extensions, r4_no_gce_with_app_sync, r5_apply_in_order, r5_one_app_sync_per_id,
    r9_inject_application_states, r10_well_formed_application_states, rewrite_app_syncs,
    screen_group_context_extensions,
};

/// Whether this member sends its handshake messages (proposals and
/// commits) as PublicMessage or PrivateMessage (R8).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WireFormatPolicy {
    /// PublicMessage: readable by intermediaries, e.g. to enforce policy.
    Public,
    /// PrivateMessage: confidential to the group. The draft says
    /// applications "should generally prefer" it. Default.
    #[default]
    Private,
}

/// The `MlsRules` implementing AppSync (R3 to R9). Install it on every client.
///
/// Cloning shares the wire-format switch: mls-rs clones the rules into every
/// group of a client, and the application keeps a clone to choose the wire
/// format per message.
#[derive(Clone, Debug)]
pub struct AppSyncRules {
    unknown_id_policy: UnknownIdPolicy,
    private_handshake: Arc<AtomicBool>,
    #[cfg(feature = "fault-injection")]
    fault: Option<Fault>,
}

impl Default for AppSyncRules {
    fn default() -> Self {
        Self {
            unknown_id_policy: UnknownIdPolicy::default(),
            private_handshake: Arc::new(AtomicBool::new(
                WireFormatPolicy::default() == WireFormatPolicy::Private,
            )),
            #[cfg(feature = "fault-injection")]
            fault: None,
        }
    }
}

impl AppSyncRules {
    /// Rules with the defaults: unknown ids rejected, PrivateMessage.
    pub fn new() -> Self {
        Self::default()
    }

    /// Choose the reading of R3 for unknown ids.
    pub fn with_unknown_id_policy(mut self, policy: UnknownIdPolicy) -> Self {
        self.unknown_id_policy = policy;
        self
    }

    /// Choose the initial wire format (R8).
    pub fn with_wire_format(self, policy: WireFormatPolicy) -> Self {
        self.set_wire_format(policy);
        self
    }

    /// Switch the wire format of the next handshake messages (R8). Affects
    /// every group of the client these rules were installed on.
    pub fn set_wire_format(&self, policy: WireFormatPolicy) {
        self.private_handshake
            .store(policy == WireFormatPolicy::Private, Ordering::SeqCst);
    }

    /// The current wire format (R8).
    pub fn wire_format(&self) -> WireFormatPolicy {
        if self.private_handshake.load(Ordering::SeqCst) {
            WireFormatPolicy::Private
        } else {
            WireFormatPolicy::Public
        }
    }

    /// The reading of R3 in force.
    pub fn unknown_id_policy(&self) -> UnknownIdPolicy {
        self.unknown_id_policy
    }

    /// Make these rules wrong on purpose (see [`Fault`]).
    #[cfg(feature = "fault-injection")]
    pub fn with_fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }

    /// The seeded fault, if any.
    #[cfg(feature = "fault-injection")]
    pub fn fault(&self) -> Option<Fault> {
        self.fault
    }

    /// The seeded fault as the rule functions take it. Always `None`
    /// without `fault-injection`.
    fn seeded(&self) -> Option<Fault> {
        #[cfg(feature = "fault-injection")]
        {
            self.fault
        }
        #[cfg(not(feature = "fault-injection"))]
        {
            None
        }
    }

    /// Whether `fault` is seeded. Always false without `fault-injection`.
    fn faulty(&self, fault: Fault) -> bool {
        self.seeded() == Some(fault)
    }
}

/// What the rules do to a bundle that holds AppSyncs: decided while the
/// AppSyncs and the current `application_states` are read in place
/// ([`AppSyncRules::plan`]), carried out on the bundle afterwards.
struct Plan {
    /// R4's outcome.
    r4: R4Outcome,
    /// The positions of the AppSyncs that go into the commit, in order.
    survivors: Vec<usize>,
    /// The next GroupContext's extensions, if the commit changes them.
    next_extensions: Option<ExtensionList>,
}

impl AppSyncRules {
    /// Validate and apply the AppSyncs of `bundle` (see the module
    /// documentation for the order of the checks). Nothing is copied but the
    /// new `application_states`, encoded once.
    ///
    /// `direction` is the one the rules judge by, `judged` in
    /// [`MlsRules::filter_proposals`].
    fn plan(
        &self,
        direction: CommitDirection,
        roster: &Roster,
        context: &GroupContext,
        bundle: &ProposalBundle,
    ) -> Result<Plan, AppSyncError> {
        let fault = self.seeded();
        let states = r10_well_formed_application_states(&context.extensions)?;
        let candidates = collect_candidates(direction, bundle, roster, context, fault)?;
        let candidates = r5_one_app_sync_per_id(direction, candidates, fault)?;
        let policy = match fault {
            Some(Fault::AcceptUnknownId) => UnknownIdPolicy::Create,
            Some(Fault::SendIgnoresUnknownIdPolicy) if direction == CommitDirection::Send => {
                UnknownIdPolicy::Reject
            }
            _ => self.unknown_id_policy,
        };
        let (new_states, mut survivors) =
            r5_apply_in_order(direction, states, candidates, policy, fault)?;
        // Last, so that on Send a GroupContextExtensions proposal is only
        // dropped for an AppSync that really goes into the commit.
        let r4 = if self.faulty(Fault::AcceptAppSyncWithGce) {
            R4Outcome::Keep
        } else {
            r4_no_gce_with_app_sync(direction, bundle, &survivors, fault)?
        };
        // Whether a GroupContextExtensions proposal from the wire is left
        // once R4 is carried out.
        let wire_gce_left = match r4 {
            R4Outcome::Keep => bundle
                .group_context_ext_proposals()
                .iter()
                .any(|p| p.source != ProposalSource::Local),
            R4Outcome::DropByReferenceGce => false,
            R4Outcome::DropByReferenceGceAndAppSyncs => {
                survivors.clear();
                true
            }
        };
        // With a GroupContextExtensions proposal still present (only possible
        // under Fault::AcceptAppSyncWithGce), that proposal decides the new
        // extensions: adding a second one would make mls-rs refuse the list.
        let inject = !survivors.is_empty() && !wire_gce_left && !self.faulty(Fault::SkipApply);
        let next_extensions = match inject {
            true => Some(self.next_extensions(new_states, context)?),
            false => None,
        };
        Ok(Plan {
            r4,
            survivors: survivors.iter().map(AppSyncCandidate::slot).collect(),
            next_extensions,
        })
    }

    /// R9's new extensions, written wrong on purpose under the seeded faults
    /// that corrupt the written list.
    fn next_extensions(
        &self,
        new_states: IndexedStates<'_>,
        context: &GroupContext,
    ) -> Result<ExtensionList, AppSyncError> {
        let new_states = match self.seeded() {
            Some(Fault::DropLastEntry) => crate::fault::without_last_entry(new_states),
            Some(Fault::StatesRebuiltInIdOrder) => crate::fault::in_id_order(new_states),
            _ => new_states,
        };
        if self.faulty(Fault::MoveStatesToEnd) {
            let moved = crate::fault::states_moved_to_end(context);
            return next_extensions(&new_states, &moved);
        }
        next_extensions(&new_states, context)
    }
}

impl MlsRules for AppSyncRules {
    type Error = AppSyncError;

    fn filter_proposals(
        &self,
        direction: CommitDirection,
        source: CommitSource,
        roster: &Roster,
        context: &GroupContext,
        mut bundle: ProposalBundle,
    ) -> Result<ProposalBundle, AppSyncError> {
        let fault = self.seeded();
        // The direction the rules judge by: the real one, except under the
        // seeded fault that judges an incoming commit as if building it.
        let judged = match (direction, fault) {
            (CommitDirection::Receive, Some(Fault::ReceiveDropsInvalidByReference)) => {
                CommitDirection::Send
            }
            _ => direction,
        };
        let screen_late = fault == Some(Fault::GceScreenedOnlyWithAppSync);
        if !screen_late {
            screen_group_context_extensions(judged, &mut bundle)?;
        }
        if !bundle
            .custom_proposals()
            .iter()
            .any(|p| is_app_sync(&p.proposal))
        {
            // No AppSync: R4 only keeps one GroupContextExtensions proposal
            // per commit on Send (the committer's own).
            let r4 = r4_no_gce_with_app_sync(judged, &bundle, &[], fault)?;
            carry_out_r4(&mut bundle, r4);
            return Ok(bundle);
        }
        if screen_late {
            screen_group_context_extensions(judged, &mut bundle)?;
        }
        let plan = self.plan(judged, roster, context, &bundle)?;
        carry_out_r4(&mut bundle, plan.r4);
        if judged == CommitDirection::Send {
            rewrite_app_syncs(&mut bundle, &plan.survivors);
        }
        if let Some(extensions) = plan.next_extensions {
            r9_inject_application_states(&mut bundle, committer_sender(&source), extensions);
        }
        Ok(bundle)
    }

    fn commit_options(
        &self,
        _: &Roster,
        _: &GroupContext,
        _: &ProposalBundle,
    ) -> Result<CommitOptions, AppSyncError> {
        Ok(CommitOptions::new())
    }

    /// R8: "The application data synchronized via this mechanism may or may
    /// not be confidential to the group, depending on whether the AppSync
    /// proposal is sent as an MLS PublicMessage or PrivateMessage."
    ///
    /// The application chooses with [`AppSyncRules::set_wire_format`].
    fn encryption_options(
        &self,
        _: &Roster,
        _: &GroupContext,
    ) -> Result<EncryptionOptions, AppSyncError> {
        let private = self.wire_format() == WireFormatPolicy::Private;
        Ok(EncryptionOptions::new(private, PaddingMode::None))
    }

    /// R6: "AppSync proposals do not need to contain an UpdatePath."
    ///
    /// Other custom proposal types keep the conservative mls-rs default.
    fn custom_proposal_requires_update_path(&self, proposal: &CustomProposal) -> bool {
        !is_app_sync(proposal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::AppSync;

    #[test]
    fn default_is_private_and_the_switch_is_shared_by_clones() {
        let rules = AppSyncRules::default();
        assert_eq!(rules.wire_format(), WireFormatPolicy::Private);
        assert_eq!(rules.unknown_id_policy(), UnknownIdPolicy::Reject);
        let clone = rules.clone();
        rules.set_wire_format(WireFormatPolicy::Public);
        assert_eq!(clone.wire_format(), WireFormatPolicy::Public);
    }

    #[test]
    fn only_app_sync_skips_the_update_path() {
        let rules = AppSyncRules::new();
        let app_sync = crate::proposal::to_custom_proposal(&AppSync::new(1, vec![])).unwrap();
        assert!(!rules.custom_proposal_requires_update_path(&app_sync));
        let other = CustomProposal::new(mls_rs_core::group::ProposalType::new(0xF0FF), vec![]);
        assert!(rules.custom_proposal_requires_update_path(&other));
    }
}
