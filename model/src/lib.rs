//! A stateright model of MLS members synchronizing application state with
//! AppSync proposals (draft-barnes-mls-appsync).
//!
//! # The protocol
//!
//! An MLS group's GroupContext carries an `application_states` extension: a
//! list of `ApplicationState { application_id, state }` entries. A member (or
//! an authorized external sender) proposes `AppSync { application_id,
//! new_state }`; a commit that carries AppSyncs replaces, in order, the `state`
//! of each named id. The commit is invalid if it also carries a
//! GroupContextExtensions (GCE) proposal, names one id twice, or names an id
//! with no entry. Because the GroupContext enters the key schedule, members
//! that disagree on the state cannot talk: agreement is enforced by MLS itself.
//!
//! # The model
//!
//! * N honest members (leaf indexes `0..N`), all in the group at epoch 0 with
//!   ids `1..=K` at value 0. Each member has an epoch, its `application_states`,
//!   a cache of by-reference proposals for its epoch, at most one pending commit,
//!   and a read cursor into the delivery service's log.
//! * The delivery service (DS) appends every message to every member's queue in
//!   one total order (a single log with one cursor per member); members process
//!   their queues at different speeds (`Deliver`). Commits are either all
//!   relayed, or sequenced (first commit per epoch wins, later ones refused).
//! * Optional actors: an authorized external sender, a non-member injecting
//!   proposals, and an adversary member forging invalid commits of each kind.
//! * Applications re-propose an update that missed its epoch; a re-proposal
//!   carries the value the application read when it first chose `new_state`.
//!   That is how the model exposes the *lost update* of whole-blob replacement.
//!
//! The draft's data types are in [`semantics`] (packed for the checker in
//! [`compact`]); the rules live in [`rules`] as pure functions (one per rule
//! R3, R4, R5, R7 of the design notes); [`model`] composes them into a
//! stateright [`Model`](stateright::Model) over the [`state`] (with
//! [`symmetry`] reduction) whose properties are in [`properties`]. A
//! configuration ([`config`]) starts from one of the named [`presets`].
//! [`path`] encodes actions and paths as text for the conformance harness;
//! [`shortest`] finds shortest counterexamples and witnesses. For people:
//! [`display`] prints states in the model's words, [`explain`] says what
//! each step did and why a state violates a property, [`chart`] draws a path
//! as a message-sequence chart, and `explorer.rs` gives stateright's
//! Explorer all three.
//!
//! The successor, AppDataUpdate (draft-ietf-mls-extensions), is a second,
//! self-contained model in [`app_data`]; [`Profile`] names the two.
//!
//! ```no_run
//! use appsync_model::{presets, properties};
//! use stateright::{Checker, Model};
//! let checker = presets::DEFAULT.config().into_model().checker().spawn_dfs().join();
//! checker.assert_no_discovery(properties::AGREEMENT);
//! ```

pub mod app_data;
pub mod chart;
pub mod commits;
pub mod compact;
pub mod config;
mod delivery;
pub mod display;
pub mod explain;
mod explorer;
pub mod model;
pub mod path;
pub mod presets;
pub mod properties;
pub mod rules;
pub mod semantics;
pub mod shortest;
pub mod state;
pub mod symmetry;

pub use app_data::Profile;
pub use compact::{ApplicationStates, ByValue, ProposalList};
pub use config::{AppSyncConfig, ConfigError, DeliveryPolicy, RetryPolicy};
pub use explain::format_trace;
pub use model::{Action, AppSyncModel};
pub use path::{ParseActionError, ReplayError, decode_path, enabled_actions, encode_path, replay};
pub use semantics::{
    AppSync, AppSyncDefect, ApplicationState, Faults, GcePolicy, Proposal, Reason, Sender,
    StatesDefect, UnknownIdPolicy,
};
pub use shortest::{Shortest, cut_at_first_discovery, shortest_discoveries, shortest_discovery};
pub use state::{Commit, Forgery, LastOutcome, Member, MemberView, Message, Outcome, State};
