//! The application's logic per `component_id` (U3, U6): the [`Component`]
//! trait, the registry the rules hold, and [`Replace`].
//!
//! The draft leaves what an update means to the application: "Provide the
//! application logic registered to the `component_id` value with the
//! content of the `update` field from each proposal, in the order
//! specified", and "The application logic returns either an opaque value
//! `new_data` that will be stored as the new application data for this
//! component, or else an indication that it considers this update invalid."
//!
//! This crate's reading: the logic is a fold. Each update is applied to the
//! data the previous one produced (the first to the data in the
//! dictionary, `None` when the component has no entry), and the last result
//! is `new_data`. A refusal at any step makes the proposal list invalid.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::Arc;

use super::codec::ComponentId;
use crate::codec::CodecError;

/// Why a component refused an update (U6: "an indication that it considers
/// this update invalid").
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ComponentRefusal {
    /// The update bytes are not what the component expects.
    #[error("malformed update: {0}")]
    Malformed(CodecError),
    /// The update was computed from other data than the current data
    /// (compare-and-swap, see [`Cas`](super::Cas)).
    #[error("conflict: the update was computed from other data")]
    Conflict,
    /// A compare-and-swap digest that is neither empty nor SHA-256 long.
    #[error("expected digest of {0} bytes: neither empty nor 32 bytes")]
    InvalidDigestLength(usize),
    /// The component's own reason (for components outside this crate).
    #[error("{0}")]
    Invalid(String),
}

/// The logic of one component: what an update does to its data.
///
/// Implementations must be deterministic: every member runs them on the
/// same inputs and must get the same answer, or the group splits.
pub trait Component: Debug + Send + Sync {
    /// Apply `update` to `current` (`None`: the component has no entry) and
    /// return the new data, or refuse.
    fn apply(&self, current: Option<&[u8]>, update: &[u8]) -> Result<Vec<u8>, ComponentRefusal>;
}

/// The simplest component: the update is the new data, whatever was there.
/// Two members who update concurrently from the same data lose one update
/// without noticing; [`Cas`](super::Cas) refuses the second instead.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Replace;

impl Component for Replace {
    fn apply(&self, _current: Option<&[u8]>, update: &[u8]) -> Result<Vec<u8>, ComponentRefusal> {
        Ok(update.to_vec())
    }
}

/// The components known to the application, by id (U3). Cloning shares
/// them.
#[derive(Clone, Debug, Default)]
pub struct Components(HashMap<ComponentId, Arc<dyn Component>>);

impl Components {
    /// Register `component` for `component_id`, replacing any earlier one.
    pub fn insert(&mut self, component_id: ComponentId, component: Arc<dyn Component>) {
        self.0.insert(component_id, component);
    }

    /// The component registered for `component_id`.
    pub fn get(&self, component_id: ComponentId) -> Option<&Arc<dyn Component>> {
        self.0.get(&component_id)
    }

    /// The registered ids, ascending.
    pub fn ids(&self) -> Vec<ComponentId> {
        let mut ids: Vec<ComponentId> = self.0.keys().copied().collect();
        ids.sort_unstable();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_ignores_the_current_data() {
        assert_eq!(Replace.apply(Some(b"old"), b"new"), Ok(b"new".to_vec()));
        assert_eq!(Replace.apply(None, b""), Ok(Vec::new()));
    }
}
