//! Conformance: the model as the oracle for the implementation.
//!
//! The model (`appsync-model`) and the implementation (`mls-appsync`) enforce
//! the rules R1-R9 separately, on purpose. This module measures whether they
//! agree. [`world::RealWorld`] holds real mls-rs groups of `mls-appsync`
//! clients (one per model member, the adversary as a forging member, the
//! external sender as an mls-rs external client) and plays the delivery
//! service itself, so every model action maps onto real operations and real
//! messages. After every step [`view::compare`] applies the abstraction
//! function to each real member (epoch, `application_states`, members, the
//! outcome of its last message) and compares it with the model's view, and
//! checks that real members in one epoch share one epoch authenticator.
//!
//! * [`step`]: one step played on both sides and compared; the divergence
//!   it reports.
//! * [`exhaustive`]: every transition of a configuration's state graph.
//! * [`random`]: long random traces with proptest-state-machine, shrinking
//!   to a minimal failing trace.
//! * [`replay`]: one path, step by step, with both views.

pub mod coverage;
pub mod exhaustive;
pub mod partitioned;
pub mod random;
pub mod replay;
pub mod sampled;
pub mod step;
pub mod view;
pub mod world;

pub use exhaustive::ExhaustiveReport;
pub use step::{ConformanceError, Divergence};
pub use world::{RealWorld, RulesFactory, WorldError, honest_rules};
