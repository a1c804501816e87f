//! The named configurations, in one table: [`PRESETS`] holds, per preset, the
//! name `appsync check --preset` takes, the configuration, what the preset is
//! for, and whether the main job checks it. The command line, the tests, the
//! benches and the READMEs all name presets from here; the state counts they
//! reach are pinned in `tests/model.rs`.

use crate::config::{AppSyncConfig, DeliveryPolicy, RetryPolicy};
use crate::semantics::{Faults, GcePolicy, UnknownIdPolicy};

/// A named configuration.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// The name the command line takes (`--preset NAME`).
    pub name: &'static str,
    /// What the preset is for, in one line (the command line's help).
    pub purpose: &'static str,
    /// Checked, and replayed on mls-rs, by `appsync check` with no flags:
    /// small enough to replay every transition, and together these presets
    /// reach every `sometimes` witness.
    pub main_job: bool,
    config: fn() -> AppSyncConfig,
}

impl Preset {
    /// The preset's configuration.
    pub fn config(&self) -> AppSyncConfig {
        (self.config)()
    }
}

/// Every preset, the main job's first, in the order they run.
pub static PRESETS: [Preset; 13] = [
    DEFAULT,
    ADVERSARIAL,
    OUTSIDERS,
    CREATE_ORDER,
    UNORDERED,
    SEQUENCER,
    RULE_PATHS,
    BY_REFERENCE,
    TWO_VALUES,
    DEEP,
    LARGE,
    FULL,
    RANDOM,
];

/// The preset named `name`, if there is one.
pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// Every field written out: the other presets are this one with changes.
/// Commits go by reference only; the lost update is reachable; the forgery
/// and non-member witnesses are left to [`ADVERSARIAL`].
pub const DEFAULT: Preset = Preset {
    name: "default",
    purpose: "2 members, 2 ids, 2 epochs, the external sender, commits by reference, \
              relay: the lost update; the base of every other preset",
    main_job: true,
    config: || AppSyncConfig {
        members: 2,
        application_ids: 2,
        max_epoch: 2,
        max_in_flight: 1,
        max_by_value: 0,
        propose_unknown_id: false,
        by_value_unknown_ids: false,
        gce_proposals: false,
        by_value_refusals: false,
        external_proposals: 1,
        injections: 0,
        external_commits: 0,
        forgeries: 0,
        undecodable_app_syncs: false,
        delivery: DeliveryPolicy::Relay,
        unknown_id: UnknownIdPolicy::Reject,
        gce: GcePolicy::MayRewrite,
        faults: Faults::default(),
        faulty_member: None,
        retry: RetryPolicy::StaleRetry,
        values_per_writer: 1,
    },
};

/// One epoch keeps the adversary's and the non-member's interleavings small.
pub const ADVERSARIAL: Preset = Preset {
    name: "adversarial",
    purpose: "1 epoch, AppSync by value (and by-value lists the committer must refuse), \
              a non-member injecting one proposal and an adversary forging one commit of \
              any kind: every forgery and non-member witness",
    main_job: true,
    config: || AppSyncConfig {
        max_epoch: 1,
        max_by_value: 1,
        by_value_refusals: true,
        external_proposals: 0,
        injections: 1,
        forgeries: 1,
        ..DEFAULT.config()
    },
};

/// A commit `[app3=v,app2=v]` gives the list `app1, app3, app2`; a commit of
/// a cached `app2` plus `[app3=v]` gives `app1, app2, app3` (by reference
/// first). An implementation that applies a commit's AppSyncs in another
/// order than sent (R5) shows a different list.
pub const CREATE_ORDER: Preset = Preset {
    name: "create-order",
    purpose: "K=1 under the 'create' reading, two new ids by value in one commit \
              (descending): a list out of id order, so R5's order shows",
    main_job: true,
    config: || AppSyncConfig {
        application_ids: 1,
        max_epoch: 1,
        max_by_value: 2,
        propose_unknown_id: true,
        by_value_unknown_ids: true,
        external_proposals: 0,
        unknown_id: UnknownIdPolicy::Create,
        ..DEFAULT.config()
    },
};

/// The two ways a non-member tries to change the state: a proposal signed by
/// a key the group does not know (refused by the signature check) and an
/// external commit carrying an AppSync (refused by R7).
pub const OUTSIDERS: Preset = Preset {
    name: "outsiders",
    purpose: "1 epoch, AppSync by value, a non-member's proposal and a non-member's \
              external commit with an AppSync",
    main_job: true,
    config: || AppSyncConfig {
        max_epoch: 1,
        max_by_value: 1,
        external_proposals: 0,
        injections: 1,
        external_commits: 1,
        ..DEFAULT.config()
    },
};

/// Each member takes its messages in its own order: commits arrive before
/// their proposals (and are retried), and two commits of one epoch fork the
/// group. Small enough to replay every transition on mls-rs, which must
/// refuse an early commit without change and give forked members different
/// keys.
pub const UNORDERED: Preset = Preset {
    name: "unordered",
    purpose: "2 members, 2 ids, 1 epoch, no external sender, an unordered delivery \
              service: early commits retried, forks",
    main_job: true,
    config: || AppSyncConfig {
        max_epoch: 1,
        external_proposals: 0,
        delivery: DeliveryPolicy::Unordered,
        ..DEFAULT.config()
    },
};

/// The default with a sequencer: no two commits race for an epoch, yet the
/// lost update remains (it comes from re-sending an update computed from an
/// old read, not from the race).
pub const SEQUENCER: Preset = Preset {
    name: "sequencer",
    purpose: "the default with a sequencer (first commit per epoch wins, late ones refused)",
    main_job: true,
    config: || AppSyncConfig {
        delivery: DeliveryPolicy::Sequencer,
        ..DEFAULT.config()
    },
};

/// The committer's by-reference rule paths: cached GroupContextExtensions
/// proposals (dropped next to an AppSync, R4), cached AppSyncs for an id
/// without an entry (dropped, R3), two proposals in flight at once, and the
/// committer's own GroupContextExtensions proposal by value, alone (cached
/// AppSyncs dropped for it, R4; a cached GroupContextExtensions proposal
/// left out, RFC 9420's one per commit). Replayed on mls-rs by the main job
/// so that every drop reaches real code.
pub const RULE_PATHS: Preset = Preset {
    name: "rule-paths",
    purpose: "1 epoch, 2 proposals in flight, GroupContextExtensions and unknown-id \
              proposals by reference, one AppSync or the committer's own \
              GroupContextExtensions by value: the committer's drops",
    main_job: true,
    config: || AppSyncConfig {
        max_epoch: 1,
        max_in_flight: 2,
        max_by_value: 1,
        propose_unknown_id: true,
        gce_proposals: true,
        external_proposals: 0,
        ..DEFAULT.config()
    },
};

/// A receiver's by-reference rule paths: members propose the unknown id
/// K+1 by reference, and the adversary commits such a cached proposal by
/// reference next to its own AppSync by value
/// ([`Forgery::UnknownIdByReference`](crate::state::Forgery)). No honest
/// committer sends that list (it drops the proposal), so only this
/// forgery shows a receiver a by-reference proposal that breaks R3, which
/// it must reject with the commit, not drop.
///
/// The adversary here also forges AppSync proposals whose bytes do not
/// decode (R2), one per defect of the codec
/// ([`Forgery::UndecodableAppSync`](crate::state::Forgery)): in this small
/// preset they cost 2,435 states; in `adversarial` they would cost 43,345.
pub const BY_REFERENCE: Preset = Preset {
    name: "by-reference",
    purpose: "1 id, 1 epoch, unknown-id proposals by reference and an adversary forging \
              one commit: a cached AppSync that breaks R3, committed by reference, or \
              AppSync bytes that do not decode (R2)",
    main_job: true,
    config: || AppSyncConfig {
        application_ids: 1,
        max_epoch: 1,
        propose_unknown_id: true,
        external_proposals: 0,
        forgeries: 1,
        undecodable_app_syncs: true,
        ..DEFAULT.config()
    },
};

/// Each member may write two values (`m+1` and `m+17`), over three epochs:
/// a member can write A, then B, then A again, and a commit can return an
/// id to a value it held before (ABA), which one value per writer cannot
/// show. The re-read policy, so that a lost update is not the only story.
pub const TWO_VALUES: Preset = Preset {
    name: "two-values",
    purpose: "2 members, 1 id, 3 epochs, two values per writer: writes that return an id \
              to an earlier value (A, B, A)",
    main_job: true,
    config: || AppSyncConfig {
        application_ids: 1,
        max_epoch: 3,
        external_proposals: 0,
        values_per_writer: 2,
        retry: RetryPolicy::ReRead,
        ..DEFAULT.config()
    },
};

/// The deep tier: three members in a relay, one id, two epochs (2,704,070
/// states, 7,786,186 transitions). Too big for the main job; replayed on
/// mls-rs with `appsync conform --preset deep --threads N` (or in shards on
/// several machines).
pub const DEEP: Preset = Preset {
    name: "deep",
    purpose: "3 members, 1 id, 2 epochs, relay, no external sender: the deep \
              conformance tier (conform --threads, --shard)",
    main_job: false,
    config: || AppSyncConfig {
        members: 3,
        application_ids: 1,
        external_proposals: 0,
        ..DEFAULT.config()
    },
};

/// Three members, two ids, two epochs and the external sender: the
/// sequencer keeps this one near a million states.
pub const LARGE: Preset = Preset {
    name: "large",
    purpose: "3 members, sequencer, the external sender (about 1.2 million states): \
              the speed measurement",
    main_job: false,
    config: || AppSyncConfig {
        members: 3,
        delivery: DeliveryPolicy::Sequencer,
        ..DEFAULT.config()
    },
};

/// Every `always` property but `no lost update` holds; every witness but the
/// race (which a sequencer rules out) is found.
pub const FULL: Preset = Preset {
    name: "full",
    purpose: "large plus the non-member and the adversary (about 18 million states with \
              --symmetry, a minute in release)",
    main_job: false,
    config: || AppSyncConfig {
        injections: 1,
        forgeries: 1,
        ..LARGE.config()
    },
};

/// Bounds loose enough that a trace of dozens of steps never runs into them.
pub const RANDOM: Preset = Preset {
    name: "random",
    purpose: "5 members plus the adversary, every actor on, loose bounds: random \
              conformance traces (too large to check exhaustively)",
    main_job: false,
    config: || AppSyncConfig {
        members: 5,
        application_ids: 3,
        max_epoch: 60,
        max_in_flight: 3,
        max_by_value: 2,
        external_proposals: 10,
        injections: 4,
        external_commits: 4,
        forgeries: 8,
        undecodable_app_syncs: true,
        delivery: DeliveryPolicy::Relay,
        ..DEFAULT.config()
    },
};

impl Default for AppSyncConfig {
    /// The [`DEFAULT`] preset.
    fn default() -> Self {
        DEFAULT.config()
    }
}

/// Shorthands for the presets, for code that names one.
impl AppSyncConfig {
    /// The [`ADVERSARIAL`] preset.
    pub fn adversarial() -> Self {
        ADVERSARIAL.config()
    }

    /// The [`CREATE_ORDER`] preset.
    pub fn create_order() -> Self {
        CREATE_ORDER.config()
    }

    /// The [`UNORDERED`] preset.
    pub fn unordered() -> Self {
        UNORDERED.config()
    }

    /// The [`LARGE`] preset.
    pub fn large() -> Self {
        LARGE.config()
    }

    /// The [`FULL`] preset.
    pub fn full() -> Self {
        FULL.config()
    }

    /// The [`RANDOM`] preset.
    pub fn random() -> Self {
        RANDOM.config()
    }
}
