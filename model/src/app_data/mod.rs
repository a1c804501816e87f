//! A stateright model of the successor profile: AppDataUpdate, in
//! draft-ietf-mls-extensions, section "Updating Application Data in the
//! GroupContext". Self-contained: it shares no state, rule or preset with
//! the AppSync model next to it; [`Profile`] says which of the two a
//! caller means.
//!
//! # The protocol
//!
//! The GroupContext carries an `app_data_dictionary` extension: a list of
//! `ComponentData { component_id, data }` entries, sorted by id, one per
//! id. A member (or the group's external sender, or a new member in its
//! external commit) proposes `AppDataUpdate { component_id, op }` where
//! `op` is `update` (opaque bytes for the component's own logic) or
//! `remove`. A commit's AppDataUpdates are grouped by id, in commit order;
//! per id the list must be a single `remove` (of an entry that exists) or
//! one or more `update`s, which the component's logic folds into the new
//! data, or refuses (then the whole proposal list is invalid). A missing
//! entry is created at its sorted place. A GroupContextExtensions proposal
//! may share the commit; AppDataUpdates apply after it, and when
//! `app_data_update` is in `required_capabilities` it must not touch the
//! dictionary. Because the GroupContext enters the key schedule, members
//! that disagree on the dictionary cannot talk.
//!
//! # The model
//!
//! * N honest members (2 or 3), all at epoch 0 with the configured initial
//!   dictionary; components `1..=C` (C = 1 or 2) of one kind: `replace`
//!   (the update is the new data) or `cas` (the update names the data it
//!   was computed from and the new data; a mismatch is refused). Data are
//!   writer tags: member m writes m+1 (m+9 for its second update in one
//!   commit), the external sender 5, the new member 6, a rewriting
//!   GroupContextExtensions proposal 7.
//! * A delivery service appends every message to one log, which every
//!   member reads in order at its own pace (`Deliver`); a member applies
//!   the first valid commit of its epoch and ignores the rest.
//! * Each member proposes once per epoch, by reference (`Propose`: an
//!   update or remove computed from the dictionary it holds, or a
//!   GroupContextExtensions proposal); it caches the proposals of its
//!   epoch; it commits (`Commit`) its cache, filtered by the send rules,
//!   plus optional updates by value, at most once per epoch.
//!   Optional actors: the external sender (`External`, once per epoch, at
//!   the group's newest epoch), a new member's external commit
//!   (`ExternalCommit`, once), and a stale retry (`Repropose`: the
//!   application re-sends an update that missed its epoch, computed from
//!   its first read).
//! * The rules are pure functions in [`rules`], named after the
//!   implementation's rule ids U1 to U10 but not sharing its code. The
//!   ghost audit in [`audit`] judges every applied list again, from the
//!   draft's sentences, and the [`properties`] read what it records.
//!
//! ```no_run
//! use appsync_model::app_data::{config, properties};
//! use stateright::{Checker, Model};
//! let checker = config::find("cas").unwrap().config().into_model().checker().spawn_bfs().join();
//! checker.assert_no_discovery(properties::NO_LOST_UPDATE);
//! ```

pub mod audit;
pub mod config;
pub mod model;
pub mod properties;
pub mod rules;
pub mod types;

pub use config::{AduConfig, PRESETS, Preset};
pub use model::{Action, AduModel, State};

/// Which draft the model checks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Profile {
    /// draft-barnes-mls-appsync (the seed draft): the AppSync model.
    #[default]
    AppSync,
    /// draft-ietf-mls-extensions' AppDataUpdate: this module.
    AppDataUpdate,
}

impl Profile {
    /// Both, the default first.
    pub const ALL: [Profile; 2] = [Profile::AppSync, Profile::AppDataUpdate];

    /// The name `--profile` takes.
    pub fn name(self) -> &'static str {
        match self {
            Profile::AppSync => "appsync",
            Profile::AppDataUpdate => "app-data-update",
        }
    }

    /// The profile named `name`.
    pub fn parse(name: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The names of the profile's presets.
    pub fn presets(self) -> Vec<&'static str> {
        match self {
            Profile::AppSync => crate::presets::PRESETS.iter().map(|p| p.name).collect(),
            Profile::AppDataUpdate => PRESETS.iter().map(|p| p.name).collect(),
        }
    }
}

/// `path` as text: one action per step, in the model's words.
pub fn format_path(path: &[Action]) -> String {
    path.iter()
        .map(|a| match *a {
            Action::Propose { member, choice } => format!("propose(m{member},{choice:?})"),
            Action::Repropose { member } => format!("repropose(m{member})"),
            Action::Commit { member, by_value } => format!("commit(m{member},{by_value:?})"),
            Action::External { component } => format!("external({component})"),
            Action::ExternalCommit { component } => format!("external_commit({component})"),
            Action::Deliver { member } => format!("deliver(m{member})"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}
