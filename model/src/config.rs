//! The configuration of one model instance: actors, bounds, DS policy, the
//! draft's open questions, and seeded faults, with the bounds the model
//! supports ([`AppSyncConfig::validate`]). The named configurations are in
//! [`presets`](crate::presets).

use crate::semantics::{Faults, GcePolicy, MAX_IDS, MAX_MEMBERS, Rules, UnknownIdPolicy};
use std::fmt;

/// How the delivery service treats commits.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum DeliveryPolicy {
    /// "Ordered": one total order for everyone. Fans out every commit; each
    /// member applies the first valid one for its epoch and rejects the rest
    /// as `WrongEpoch`.
    Relay,
    /// Accepts only the first commit per epoch and refuses later ones (the
    /// refused committer discards its commit, so no action is modelled). It
    /// cannot validate content: a forged commit is fanned out, every honest
    /// member rejects it, and the sequencer reopens the epoch at once (the
    /// window in which a late honest commit would be refused is not modelled).
    Sequencer,
    /// Fans out every message, but each member takes its messages in an
    /// order of its own: a commit can arrive before the proposals it names
    /// (the member keeps it and retries after its next delivery, as an
    /// mls-rs client must: mls-rs refuses it with `ProposalNotFound` and
    /// changes nothing), and two commits of one epoch can reach members in
    /// different orders, which forks the group. No message is lost.
    Unordered,
}

/// What an application does with an update that missed its epoch (RFC 9420
/// drops uncommitted proposals at an epoch change, so it must send it again).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum RetryPolicy {
    /// Re-send the update computed from the state read the first time.
    StaleRetry,
    /// Read the current state again and recompute before re-sending.
    ReRead,
}

/// Everything that defines a model instance. Start from a preset
/// ([`crate::presets::PRESETS`]; `AppSyncConfig::default()` is the `default`
/// one), then `into_model()`.
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
    /// Honest commits may also carry by value AppSyncs for the two unknown ids
    /// K+1 and K+2: each alone, or both in descending id order (`[app{K+2}=v,
    /// app{K+1}=v]`), so that one commit creates two entries in an order that
    /// differs from id order. Needs `unknown_id == Create`, K <= 2 and
    /// `max_by_value == 2` (see [`AppSyncConfig::validate`]).
    pub by_value_unknown_ids: bool,
    /// Members may propose GCE by reference; where commits carry proposals
    /// by value (`max_by_value` > 0), a member may also commit its own GCE
    /// by value, alone.
    pub gce_proposals: bool,
    /// Honest commits are also offered by-value lists the send rules must
    /// refuse (AppSync next to GCE, one id twice, an unknown id under the
    /// "reject" reading): a refused commit is no transition, so the state
    /// count does not change, but the conformance harness checks that the
    /// real committer refuses each with the same reason.
    pub by_value_refusals: bool,
    /// An authorized external sender proposing AppSync, at most this many times
    /// (0 disables it), at most once per epoch.
    pub external_proposals: u8,
    /// A non-member injecting AppSync proposals, at most this many (0: none).
    pub injections: u8,
    /// A non-member joining by external commit that carries an AppSync, at
    /// most this many times (0: none).
    pub external_commits: u8,
    /// An adversary member (leaf N) forging commits, at most this many (0: none).
    pub forgeries: u8,
    /// The adversary may also forge commits carrying an AppSync proposal
    /// whose bytes do not decode (R2), one kind per defect
    /// ([`AppSyncDefect`](crate::semantics::AppSyncDefect)). Off where it
    /// would only multiply states: four more forgeries at every step.
    pub undecodable_app_syncs: bool,
    pub delivery: DeliveryPolicy,
    pub unknown_id: UnknownIdPolicy,
    pub gce: GcePolicy,
    /// Seeded faults (all off for the real protocol): of every honest member,
    /// or only of `faulty_member`.
    pub faults: Faults,
    /// The one member the faults apply to (`None`: all of them).
    pub faulty_member: Option<u8>,
    /// How applications re-send an update that missed its epoch.
    pub retry: RetryPolicy,
    /// How many values each writer may propose by reference (1 or 2; see
    /// [`writer_values`](crate::semantics::writer_values)): with two, a
    /// member that wrote A and then B can write A again, and a write that
    /// returns an id to an earlier value is told apart from no write.
    pub values_per_writer: u8,
}

impl AppSyncConfig {
    /// The rules every honest member runs.
    pub fn rules(&self) -> Rules {
        Rules {
            application_ids: self.application_ids,
            unknown_id: self.unknown_id,
            gce: self.gce,
            faults: self.faults,
        }
    }

    /// The rules honest member `m` runs: with the seeded faults if it is the
    /// faulty member (or every member is), else without.
    pub fn rules_of(&self, m: u8) -> Rules {
        let faulty = self.faulty_member.is_none_or(|f| f == m);
        Rules {
            faults: if faulty {
                self.faults
            } else {
                Faults::default()
            },
            ..self.rules()
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

    /// Checks the bounds the model supports, the ones [`into_model`] asserts:
    /// 2..=5 members, 1..=3 application ids, at most 2 by-value AppSyncs,
    /// 1..=99 epochs, 1 or 2 values per writer, and for
    /// `by_value_unknown_ids` the "create" reading, K <= 2 (both unknown ids K+1 and K+2 must be at most 4) and
    /// `max_by_value == 2`. A command line should call this first and report
    /// the error; `into_model` panics on it.
    ///
    /// [`into_model`]: AppSyncConfig::into_model
    pub fn validate(&self) -> Result<(), ConfigError> {
        let max_ids = MAX_IDS as u8;
        if !(2..=MAX_MEMBERS as u8).contains(&self.members) {
            return Err(ConfigError::Members(self.members));
        }
        if !(1..max_ids).contains(&self.application_ids) {
            return Err(ConfigError::ApplicationIds(self.application_ids));
        }
        if self.max_by_value > 2 {
            return Err(ConfigError::MaxByValue(self.max_by_value));
        }
        if !(1..100).contains(&self.max_epoch) {
            return Err(ConfigError::MaxEpoch(self.max_epoch));
        }
        if !(1..=2).contains(&self.values_per_writer) {
            return Err(ConfigError::ValuesPerWriter(self.values_per_writer));
        }
        if self.by_value_unknown_ids {
            if self.unknown_id != UnknownIdPolicy::Create {
                return Err(ConfigError::ByValueUnknownIdsNeedCreate);
            }
            if self.application_ids + 2 > max_ids {
                return Err(ConfigError::ByValueUnknownIdsNeedRoom(self.application_ids));
            }
            if self.max_by_value != 2 {
                return Err(ConfigError::ByValueUnknownIdsNeedTwoByValue(
                    self.max_by_value,
                ));
            }
        }
        Ok(())
    }
}

/// Why [`AppSyncConfig::validate`] refuses a configuration; each variant
/// carries the offending value.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConfigError {
    /// `members` is not in 2..=5.
    Members(u8),
    /// `application_ids` is not in 1..=3.
    ApplicationIds(u8),
    /// `max_by_value` is above 2.
    MaxByValue(u8),
    /// `max_epoch` is not in 1..=99.
    MaxEpoch(u8),
    /// `values_per_writer` is not 1 or 2.
    ValuesPerWriter(u8),
    /// `by_value_unknown_ids` under `UnknownIdPolicy::Reject`, which would
    /// refuse every such commit.
    ByValueUnknownIdsNeedCreate,
    /// `by_value_unknown_ids` with this many application ids (above 2): the
    /// second unknown id K+2 would exceed 4.
    ByValueUnknownIdsNeedRoom(u8),
    /// `by_value_unknown_ids` with this `max_by_value` (not 2): the flag exists
    /// to put two new ids in one commit.
    ByValueUnknownIdsNeedTwoByValue(u8),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid AppSyncConfig: ")?;
        match *self {
            ConfigError::Members(n) => write!(f, "members = {n}, must be 2 to {MAX_MEMBERS}"),
            ConfigError::ApplicationIds(k) => {
                write!(f, "application_ids = {k}, must be 1 to {}", MAX_IDS - 1)
            }
            ConfigError::MaxByValue(n) => write!(f, "max_by_value = {n}, must be 0 to 2"),
            ConfigError::MaxEpoch(e) => write!(f, "max_epoch = {e}, must be 1 to 99"),
            ConfigError::ValuesPerWriter(n) => {
                write!(f, "values_per_writer = {n}, must be 1 or 2")
            }
            ConfigError::ByValueUnknownIdsNeedCreate => {
                f.write_str("by_value_unknown_ids needs unknown_id = Create")
            }
            ConfigError::ByValueUnknownIdsNeedRoom(k) => write!(
                f,
                "by_value_unknown_ids needs application_ids <= {} (got {k})",
                MAX_IDS - 2
            ),
            ConfigError::ByValueUnknownIdsNeedTwoByValue(n) => {
                write!(f, "by_value_unknown_ids needs max_by_value = 2 (got {n})")
            }
        }
    }
}

impl std::error::Error for ConfigError {}
