//! [`AppDataUpdateRules`]: the `MlsRules` that give AppDataUpdate its
//! meaning in mls-rs, beside (not instead of) [`crate::AppSyncRules`].
//! The rule functions it calls are in [`crate::app_data::rules`].
//!
//! mls-rs calls [`MlsRules::filter_proposals`] on the committer (Send) and
//! on every receiver (Receive). The hook screens the wire's
//! GroupContextExtensions proposal (U8, U1), decodes and checks the
//! AppDataUpdates (U2, U10, U3), checks each id's operations (U4), applies
//! them in order to the dictionary that the default proposals leave (U9,
//! U5, U6) and puts the result into the next GroupContext (U7): through a
//! GroupContextExtensions proposal with `ProposalSource::Local` when the
//! commit has none, which is applied but never sent, so the wire carries
//! the AppDataUpdates alone and no UpdatePath is needed (U11).
//!
//! On Receive any violation rejects the commit, reporting the first in this
//! order: GroupContextExtensions content (U8, U1), then per proposal in
//! commit order malformed body (U2), sender (U10), unknown component (U3),
//! then conflicting operations (U4), then, in commit order, remove of an
//! absent entry (U5) and the component's refusal (U6).
//!
//! On Send the same functions run, after the AppDataUpdates are put in a
//! canonical order ([`super::bundle::canonical_order`]);
//! a by-reference proposal that breaks a rule is dropped, a by-value one
//! fails commit building with the typed error.

use std::sync::Arc;

use mls_rs::client_builder::PaddingMode;
use mls_rs::error::{IntoAnyError, MlsError};
use mls_rs::group::proposal::CustomProposal;
use mls_rs::group::{GroupContext, Roster};
use mls_rs::mls_rules::{
    CommitDirection, CommitOptions, CommitSource, EncryptionOptions, ProposalBundle,
};
use mls_rs::{ExtensionList, MlsRules};
use mls_rs_core::extension::ExtensionType;
use mls_rs_core::group::ProposalType;

use super::bundle::{
    by_value_gce_wins, canonical_order, collect_candidates, rewrite_app_data_updates,
    screen_group_context_extensions,
};
use super::codec::ComponentId;
use super::component::{Component, Components};
use super::error::AppDataError;
use super::proposal::is_app_data_update;
use super::rules::{
    apply_in_order, u1_well_formed_dictionary, u4_one_remove_or_updates, u7_inject_dictionary,
    u9_base_extensions,
};
use crate::app_sync_rules::{AppSyncRules, WireFormatPolicy};
use crate::client::ProfileRules;
use crate::constants::{APP_DATA_DICTIONARY_EXTENSION_TYPE, APP_DATA_UPDATE_PROPOSAL_TYPE};
use crate::rules::committer_sender;

/// The `MlsRules` implementing AppDataUpdate (U1 to U12), with the
/// components the application knows. Install them on every client.
///
/// Cloning shares the components and the wire-format switch: mls-rs clones
/// the rules into every group of a client, and the application keeps a
/// clone to choose the wire format per message.
#[derive(Clone, Debug, Default)]
pub struct AppDataUpdateRules {
    components: Components,
    /// The wire-format switch (U12). AppSync's rules already hold one that
    /// clones share (R8); both profiles use that one implementation.
    wire: AppSyncRules,
}

impl AppDataUpdateRules {
    /// Rules without components (every AppDataUpdate is then invalid, U3)
    /// and PrivateMessage.
    pub fn new() -> Self {
        Self::default()
    }

    /// Register `component` as the logic of `component_id` (U3, U6),
    /// replacing any earlier one. Every member must register the same
    /// components, or members will disagree on which commits are valid.
    pub fn with_component(
        mut self,
        component_id: ComponentId,
        component: impl Component + 'static,
    ) -> Self {
        self.components.insert(component_id, Arc::new(component));
        self
    }

    /// The registered components.
    pub fn components(&self) -> &Components {
        &self.components
    }

    /// Choose the initial wire format (U12).
    pub fn with_wire_format(self, policy: WireFormatPolicy) -> Self {
        self.wire.set_wire_format(policy);
        self
    }

    /// Switch the wire format of the next handshake messages (U12), for
    /// every group of the client these rules were installed on.
    pub fn set_wire_format(&self, policy: WireFormatPolicy) {
        self.wire.set_wire_format(policy);
    }

    /// The current wire format (U12).
    pub fn wire_format(&self) -> WireFormatPolicy {
        self.wire.wire_format()
    }
}

impl MlsRules for AppDataUpdateRules {
    type Error = AppDataError;

    fn filter_proposals(
        &self,
        direction: CommitDirection,
        source: CommitSource,
        roster: &Roster,
        context: &GroupContext,
        mut bundle: ProposalBundle,
    ) -> Result<ProposalBundle, AppDataError> {
        screen_group_context_extensions(direction, context, &mut bundle)?;
        if !bundle
            .custom_proposals()
            .iter()
            .any(|p| is_app_data_update(&p.proposal))
        {
            return Ok(bundle);
        }
        let mut candidates =
            collect_candidates(direction, &bundle, roster, context, &self.components)?;
        if direction == CommitDirection::Send {
            candidates = canonical_order(candidates);
        }
        let candidates = u4_one_remove_or_updates(direction, candidates)?;
        let candidates = by_value_gce_wins(direction, &bundle, candidates)?;
        let base_extensions = u9_base_extensions(&bundle, context);
        let base = u1_well_formed_dictionary(&base_extensions)?;
        let (dictionary, survivors) = apply_in_order(direction, base, candidates)?;
        if direction == CommitDirection::Send {
            rewrite_app_data_updates(&mut bundle, &survivors);
        }
        if let (false, Some(dictionary)) = (survivors.is_empty(), dictionary) {
            u7_inject_dictionary(
                &mut bundle,
                committer_sender(&source),
                &base_extensions,
                dictionary,
            )?;
        }
        Ok(bundle)
    }

    /// U11: "AppDataUpdate proposals do not require an UpdatePath." (IANA:
    /// "Path Required: N"). Other custom proposal types keep the
    /// conservative mls-rs default.
    fn custom_proposal_requires_update_path(&self, proposal: &CustomProposal) -> bool {
        !is_app_data_update(proposal)
    }

    /// U12: PublicMessage or PrivateMessage, as the application chooses
    /// ([`AppDataUpdateRules::set_wire_format`]). The successor's section
    /// says nothing on the wire format of AppDataUpdate; RFC 9420 allows
    /// both for proposals and commits.
    fn encryption_options(
        &self,
        _: &Roster,
        _: &GroupContext,
    ) -> Result<EncryptionOptions, AppDataError> {
        let private = self.wire_format() == WireFormatPolicy::Private;
        Ok(EncryptionOptions::new(private, PaddingMode::None))
    }

    /// No option beyond what the proposals require.
    fn commit_options(
        &self,
        _: &Roster,
        _: &GroupContext,
        _: &ProposalBundle,
    ) -> Result<CommitOptions, AppDataError> {
        Ok(CommitOptions::new())
    }
}

/// Rules a client of the successor profile can install:
/// [`AppDataUpdateRules`], or a test wrapper around them.
pub trait WrapsAppDataRules: ProfileRules {
    /// The AppDataUpdate rules inside.
    fn app_data_rules(&self) -> &AppDataUpdateRules;
}

impl WrapsAppDataRules for AppDataUpdateRules {
    fn app_data_rules(&self) -> &AppDataUpdateRules {
        self
    }
}

/// The successor's profile: its two code points (the draft's suggested
/// values), its wire-format switch, and U1 on join.
impl ProfileRules for AppDataUpdateRules {
    fn extension_types(&self) -> Vec<ExtensionType> {
        vec![APP_DATA_DICTIONARY_EXTENSION_TYPE]
    }

    fn proposal_types(&self) -> Vec<ProposalType> {
        vec![APP_DATA_UPDATE_PROPOSAL_TYPE]
    }

    fn set_wire_format(&self, policy: WireFormatPolicy) {
        AppDataUpdateRules::set_wire_format(self, policy);
    }

    fn check_joined(&self, extensions: &ExtensionList) -> Result<(), MlsError> {
        u1_well_formed_dictionary(extensions)
            .map(|_| ())
            .map_err(|e| MlsError::MlsRulesError(e.into_any_error()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app_data::{AppDataUpdate, Replace, proposal::to_custom_proposal};

    #[test]
    fn only_app_data_update_skips_the_update_path() {
        let rules = AppDataUpdateRules::new().with_component(1, Replace);
        let update = to_custom_proposal(&AppDataUpdate::remove(1)).unwrap();
        assert!(!rules.custom_proposal_requires_update_path(&update));
        let other = CustomProposal::new(mls_rs_core::group::ProposalType::new(0xF0FF), vec![]);
        assert!(rules.custom_proposal_requires_update_path(&other));
    }

    #[test]
    fn clones_share_the_wire_format_and_the_components() {
        let rules = AppDataUpdateRules::new().with_component(3, Replace);
        let clone = rules.clone();
        rules.set_wire_format(WireFormatPolicy::Public);
        assert_eq!(clone.wire_format(), WireFormatPolicy::Public);
        assert_eq!(clone.components().ids(), vec![3]);
    }
}
