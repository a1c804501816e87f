//! Shortest discoveries: one breadth-first search that stops at the first
//! state (in BFS order) where each wanted property is discovered, so every
//! counterexample and witness it returns is a shortest path, ending at the
//! first state that violates (or witnesses) its property.
//!
//! Stateright 0.31 cannot give this: its checkers overwrite a property's
//! discovery each time a later state also satisfies it, so even its BFS
//! reports a longer path than the shortest. The search serves any model of
//! this crate: the AppSync model and the successor's
//! ([`app_data`](crate::app_data)).

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};

use crate::config::AppSyncConfig;
use crate::model::{Action, AppSyncModel};
use stateright::{Expectation, Model, Property};

/// What a search found (paths of `A`, the model's actions).
#[derive(Clone, Debug)]
pub struct Shortest<A = Action> {
    /// Per discovered property, a shortest path to its discovery.
    pub paths: BTreeMap<&'static str, Vec<A>>,
    /// Unique states the search visited.
    pub states: usize,
    /// Whether the search ended because every wanted property was found or
    /// the state graph was exhausted (not because of the state budget): then
    /// every path is a shortest one and every property without a path has
    /// no discovery.
    pub complete: bool,
}

impl<A> Default for Shortest<A> {
    fn default() -> Self {
        Self {
            paths: BTreeMap::new(),
            states: 0,
            complete: false,
        }
    }
}

fn fingerprint(state: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    state.hash(&mut hasher);
    hasher.finish()
}

/// Whether `state` is a discovery of `property`: it violates an `always`
/// (or `eventually`) property, or satisfies a `sometimes` one.
fn discovered<M: Model>(model: &M, property: &Property<M>, state: &M::State) -> bool {
    let holds = (property.condition)(model, state);
    match property.expectation {
        Expectation::Sometimes => holds,
        Expectation::Always | Expectation::Eventually => !holds,
    }
}

/// Shortest paths to the discoveries of the `wanted` properties of `model`,
/// visiting at most `max_states` unique states.
pub fn shortest_discoveries<M>(model: &M, wanted: &[&str], max_states: usize) -> Shortest<M::Action>
where
    M: Model,
    M::State: Hash,
    M::Action: Clone,
{
    let mut pending: Vec<Property<M>> = model
        .properties()
        .into_iter()
        .filter(|p| wanted.contains(&p.name))
        .collect();
    let mut found = Shortest::default();
    // Each visited state: its parent's index and the action from it (none
    // for an initial state).
    let mut tree: Vec<(usize, Option<M::Action>)> = Vec::new();
    let mut seen = HashSet::new();
    let mut queue = VecDeque::new();
    for initial in model.init_states() {
        if seen.insert(fingerprint(&initial)) {
            tree.push((tree.len(), None));
            queue.push_back((initial, tree.len() - 1));
        }
    }
    let mut actions = Vec::new();
    while let Some((state, node)) = queue.pop_front() {
        pending.retain(|property| {
            if !discovered(model, property, &state) {
                return true;
            }
            found.paths.insert(property.name, path_to(&tree, node));
            false
        });
        if pending.is_empty() {
            break;
        }
        if seen.len() > max_states {
            found.states = seen.len();
            return found;
        }
        actions.clear();
        model.actions(&state, &mut actions);
        for action in actions.drain(..) {
            let Some(next) = model.next_state(&state, action.clone()) else {
                continue;
            };
            if !model.within_boundary(&next) || !seen.insert(fingerprint(&next)) {
                continue;
            }
            tree.push((node, Some(action)));
            queue.push_back((next, tree.len() - 1));
        }
    }
    found.states = seen.len();
    found.complete = true;
    found
}

/// The actions from the initial state to `node`.
fn path_to<A: Clone>(tree: &[(usize, Option<A>)], mut node: usize) -> Vec<A> {
    let mut path = Vec::new();
    while let (parent, Some(action)) = &tree[node] {
        path.push(action.clone());
        node = *parent;
    }
    path.reverse();
    path
}

/// `path` cut at its first state that discovers `property` (the whole path
/// if none does, or if it does not replay): a checker's discovery path may
/// run on past the first violating state, since stateright keeps the last
/// discovery it meets.
pub fn cut_at_first_discovery(
    model: &AppSyncModel,
    property: &str,
    path: &[Action],
) -> Vec<Action> {
    let Some(property) = model.properties().into_iter().find(|p| p.name == property) else {
        return path.to_vec();
    };
    let Ok(states) = crate::path::replay(model, path) else {
        return path.to_vec();
    };
    let first = states.iter().position(|s| discovered(model, &property, s));
    path[..first.unwrap_or(path.len())].to_vec()
}

/// A shortest path to a discovery of `property` (a counterexample of an
/// `always`, a witness of a `sometimes`) of at most `max_len` actions.
pub fn shortest_discovery(
    cfg: &AppSyncConfig,
    property: &'static str,
    max_len: usize,
) -> Option<Vec<Action>> {
    let model = cfg.clone().into_model();
    shortest_discoveries(&model, &[property], usize::MAX)
        .paths
        .remove(property)
        .filter(|path| path.len() <= max_len)
}
