//! The configuration of one model instance: actors, bounds, DS policy, the
//! draft's open questions, and seeded faults.

use crate::model::AppSyncModel;
use crate::semantics::{Faults, GcePolicy, MAX_IDS, MAX_MEMBERS, Rules, UnknownIdPolicy};

/// How the delivery service treats commits.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum DeliveryPolicy {
    /// Fans out every commit; each member applies the first valid one for its
    /// epoch and rejects the rest as `WrongEpoch`.
    Relay,
    /// Accepts only the first commit per epoch and refuses later ones (the
    /// refused committer discards its commit, so no action is modelled). It
    /// cannot validate content: a forged commit is fanned out, every honest
    /// member rejects it, and the sequencer reopens the epoch at once (the
    /// window in which a late honest commit would be refused is not modelled).
    Sequencer,
}

/// Everything that defines a model instance. Build one, then `into_model()`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AppSyncConfig {
    /// N honest members, leaf indexes `0..N` (2..=5).
    pub members: u8,
    /// K application ids `1..=K` (1..=3); id K+1 is the "unknown" id.
    pub application_ids: u8,
    /// Largest epoch reached; no commit or proposal is made at this epoch.
    pub max_epoch: u8,
    /// Bound on proposal messages in the DS log not yet delivered to everyone.
    pub max_in_flight: u8,
    /// Largest number of by-value AppSyncs an honest commit adds (0..=2).
    pub max_by_value: u8,
    /// Members may also propose the unknown id K+1 (by reference).
    pub propose_unknown_id: bool,
    /// Members may propose GCE by reference.
    pub gce_proposals: bool,
    /// An authorized external sender proposing AppSync, at most this many times
    /// (0 disables it), at most once per epoch.
    pub external_proposals: u8,
    /// A non-member injecting AppSync proposals, at most this many (0: none).
    pub injections: u8,
    /// An adversary member (leaf N) forging commits, at most this many (0: none).
    pub forgeries: u8,
    pub delivery: DeliveryPolicy,
    pub unknown_id: UnknownIdPolicy,
    pub gce: GcePolicy,
    /// Seeded faults of every honest member (all off for the real protocol).
    pub faults: Faults,
}

impl Default for AppSyncConfig {
    /// The default configuration, small enough to replay every transition on
    /// real mls-rs groups: 2 members, K=2, two epochs, the external sender,
    /// commits by reference, relay DS. It reaches the witnesses "commit with two
    /// AppSyncs applied by all", "external AppSync applied", "concurrent
    /// commits, one wins", and the lost-update counterexample. The forgery and
    /// non-member witnesses are reached by [`AppSyncConfig::adversarial`].
    fn default() -> Self {
        Self {
            members: 2,
            application_ids: 2,
            max_epoch: 2,
            max_in_flight: 1,
            max_by_value: 0,
            propose_unknown_id: false,
            gce_proposals: false,
            external_proposals: 1,
            injections: 0,
            forgeries: 0,
            delivery: DeliveryPolicy::Relay,
            unknown_id: UnknownIdPolicy::Reject,
            gce: GcePolicy::MayRewrite,
            faults: Faults::default(),
        }
    }
}

impl AppSyncConfig {
    /// The adversarial configuration: one epoch, AppSync by value in commits,
    /// a non-member injecting one proposal and an adversary forging one commit
    /// (of any kind). It reaches every forgery and non-member witness, plus
    /// "commit with two AppSyncs applied by all" and "concurrent commits".
    pub fn adversarial() -> Self {
        Self {
            max_epoch: 1,
            max_by_value: 1,
            external_proposals: 0,
            injections: 1,
            forgeries: 1,
            ..Self::default()
        }
    }

    /// Three members with a sequencer DS and the external sender: 1,197,668
    /// states (268,320 with symmetry), about 2 s in release. Used to measure speed.
    pub fn large() -> Self {
        Self {
            members: 3,
            delivery: DeliveryPolicy::Sequencer,
            ..Self::default()
        }
    }

    /// [`AppSyncConfig::large`] plus the non-member and the adversary:
    /// 18,456,785 states with symmetry, about a minute in release. Every
    /// `always` property but `no lost update` holds; every witness but the
    /// race (which a sequencer rules out) is found.
    pub fn full() -> Self {
        Self {
            injections: 1,
            forgeries: 1,
            ..Self::large()
        }
    }

    /// The rules every honest member runs.
    pub fn rules(&self) -> Rules {
        Rules {
            application_ids: self.application_ids,
            unknown_id: self.unknown_id,
            gce: self.gce,
            faults: self.faults,
        }
    }

    /// Leaf index of the adversary, if any (one more real member).
    pub fn adversary_leaf(&self) -> Option<u8> {
        (self.forgeries > 0).then_some(self.members)
    }

    /// The unknown id used by proposals and forgeries.
    pub fn unknown_id(&self) -> u8 {
        self.application_ids + 1
    }

    /// Checks the bounds and builds the model.
    pub fn into_model(self) -> AppSyncModel {
        assert!(
            (2..=MAX_MEMBERS as u8).contains(&self.members),
            "2..=5 members"
        );
        assert!(
            (1..MAX_IDS as u8).contains(&self.application_ids),
            "1..=3 application ids"
        );
        assert!(self.max_by_value <= 2, "at most 2 by-value AppSyncs");
        assert!(self.max_epoch >= 1 && self.max_epoch < 100, "1..100 epochs");
        AppSyncModel::new(self)
    }
}
