//! The exhaustive replay cut into parts that run at once: on the threads of
//! one machine (`--threads J`) and on several machines (`--shard K/N`).
//!
//! First the model alone is explored breadth-first (no mls-rs, so this is
//! fast) and every state is kept with its parent in a breadth-first spanning
//! tree and its work: the transitions out of it, refusals included. The
//! states are put in depth-first order along that tree and cut into
//! contiguous parts of about equal work. A part is replayed by walking its
//! states in that order: each state's real world is its tree parent's world
//! stepped by the tree edge (a part's first state is built from the initial
//! world along its tree path), and every transition out of the state is
//! replayed and compared exactly as `exhaustive.rs` does. A transition
//! belongs to the part that holds its source state, so parts never overlap
//! and together they are the whole state graph: the same transitions,
//! refusals and rule paths as the depth-first replay of `exhaustive.rs`,
//! which stays the reference (a test compares the two).
//!
//! Every part starts from its own freshly built world and only clones it
//! within its own thread, so no two threads share a client (clones of a
//! forging client share its forging switch).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use appsync_model::{Action, AppSyncConfig, AppSyncModel, State};
use stateright::Model;

use super::coverage::Coverage;
use super::exhaustive::replay_out_of;
use super::step::{ConformanceError, Move, enabled, step_and_compare};
use super::world::{RealWorld, RulesFactory, WorldError};

/// Which share of the state graph to replay, and on how many threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    /// Shard `index` (1-based) of `count`: the graph is cut into
    /// `count * threads` parts and this shard replays parts
    /// `(index - 1) * threads ..= index * threads - 1`.
    pub shard: (usize, usize),
    /// Threads of this machine.
    pub threads: usize,
}

impl Split {
    /// The whole graph on `threads` threads.
    pub fn threads(threads: usize) -> Self {
        Self {
            shard: (1, 1),
            threads: threads.max(1),
        }
    }
}

/// The model's state graph as the parts need it.
struct Graph {
    states: Vec<State>,
    index: HashMap<State, u32>,
    /// Tree parent and the action of the tree edge (`None` for the root).
    parent: Vec<Option<(u32, Action)>>,
    /// Transitions out of the state (refusals included), plus one.
    work: Vec<u32>,
    /// Depth-first order along the breadth-first tree.
    order: Vec<u32>,
    transitions: usize,
    refusals: usize,
    max_depth: usize,
}

/// What a part (or a shard, or the whole) replayed.
#[derive(Clone, Debug, Default)]
pub struct PartitionedReport {
    /// The shard, `(K, N)`.
    pub shard: (usize, usize),
    /// States whose outgoing transitions this shard replayed.
    pub states: usize,
    /// Transitions replayed and compared.
    pub transitions: usize,
    /// Commits the model refuses, checked to be refused by mls-rs.
    pub refusals: usize,
    /// States without a transition inside the bounds.
    pub terminal_states: usize,
    /// The rule paths taken.
    pub coverage: Coverage,
    /// The whole graph: states and transitions of every shard together.
    pub whole_states: usize,
    /// See [`Self::whole_states`].
    pub whole_transitions: usize,
    /// Breadth-first depth of the graph.
    pub max_depth: usize,
    /// Time to explore the model alone.
    pub explore_time: Duration,
    /// Wall-clock time in all.
    pub elapsed: Duration,
}

impl PartitionedReport {
    /// Transitions replayed per second of wall-clock time.
    pub fn transitions_per_second(&self) -> f64 {
        self.transitions as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn add(&mut self, other: &PartitionedReport) {
        self.states += other.states;
        self.transitions += other.transitions;
        self.refusals += other.refusals;
        self.terminal_states += other.terminal_states;
        self.coverage.merge(&other.coverage);
    }
}

impl std::fmt::Display for PartitionedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "shard {}/{}: mls-rs agrees with the model on {} of {} transitions and {} committer refusals ({} of {} states, depth {}) in {:.2} s ({:.2} s exploring the model alone), {:.0} transitions/s",
            self.shard.0,
            self.shard.1,
            self.transitions,
            self.whole_transitions,
            self.refusals,
            self.states,
            self.whole_states,
            self.max_depth,
            self.elapsed.as_secs_f64(),
            self.explore_time.as_secs_f64(),
            self.transitions_per_second()
        )
    }
}

/// Explores the model breadth-first and orders its states for cutting.
fn explore(model: &AppSyncModel) -> Graph {
    let root = model.initial_state();
    let mut graph = Graph {
        states: vec![root.clone()],
        index: HashMap::from([(root, 0)]),
        parent: vec![None],
        work: Vec::new(),
        order: Vec::new(),
        transitions: 0,
        refusals: 0,
        max_depth: 0,
    };
    let mut depth = vec![0usize];
    let mut actions = Vec::new();
    let mut next_index = 0;
    while next_index < graph.states.len() {
        let s = next_index as u32;
        next_index += 1;
        let state = graph.states[s as usize].clone();
        actions.clear();
        model.actions(&state, &mut actions);
        let mut work = 1;
        for action in &actions {
            match enabled(model, &state, action) {
                Move::To(next) => {
                    work += 1;
                    graph.transitions += 1;
                    if !graph.index.contains_key(&next) {
                        let t = graph.states.len() as u32;
                        graph.index.insert(next.clone(), t);
                        graph.states.push(next);
                        graph.parent.push(Some((s, *action)));
                        depth.push(depth[s as usize] + 1);
                        graph.max_depth = graph.max_depth.max(depth[s as usize] + 1);
                    }
                }
                Move::Refused => {
                    work += 1;
                    graph.refusals += 1;
                }
                Move::Disabled => {}
            }
        }
        graph.work.push(work);
    }
    // Children in discovery order, then a depth-first walk of the tree.
    let mut children: Vec<Vec<u32>> = vec![Vec::new(); graph.states.len()];
    for (t, parent) in graph.parent.iter().enumerate() {
        if let Some((p, _)) = parent {
            children[*p as usize].push(t as u32);
        }
    }
    let mut stack = vec![0u32];
    while let Some(s) = stack.pop() {
        graph.order.push(s);
        stack.extend(children[s as usize].iter().rev());
    }
    graph
}

/// Cuts `order` into `parts` contiguous ranges of about equal work.
fn cut(graph: &Graph, parts: usize) -> Vec<std::ops::Range<usize>> {
    let total: u64 = graph.work.iter().map(|&w| u64::from(w)).sum();
    let mut ranges = Vec::with_capacity(parts);
    let mut start = 0;
    let mut done = 0u64;
    for (i, &s) in graph.order.iter().enumerate() {
        done += u64::from(graph.work[s as usize]);
        let boundary = total * (ranges.len() as u64 + 1) / parts as u64;
        if done >= boundary && ranges.len() + 1 < parts {
            ranges.push(start..i + 1);
            start = i + 1;
        }
    }
    ranges.push(start..graph.order.len());
    while ranges.len() < parts {
        ranges.push(graph.order.len()..graph.order.len());
    }
    ranges
}

/// The actions from the initial state to `s` along the tree.
fn tree_path(graph: &Graph, mut s: u32) -> Vec<Action> {
    let mut path = Vec::new();
    while let Some((p, action)) = graph.parent[s as usize] {
        path.push(action);
        s = p;
    }
    path.reverse();
    path
}

/// A fresh world stepped along the tree path to `s`.
fn materialize(
    model: &AppSyncModel,
    cfg: &AppSyncConfig,
    rules: &RulesFactory,
    graph: &Graph,
    s: u32,
) -> Result<RealWorld, ConformanceError> {
    let path = tree_path(graph, s);
    let mut world = RealWorld::new(cfg, rules)?;
    let mut state = model.initial_state();
    for (i, action) in path.iter().enumerate() {
        let Move::To(next) = enabled(model, &state, action) else {
            let why = format!("the tree edge {action} is not a transition of the model");
            return Err(WorldError::Setup(why).into());
        };
        step_and_compare(model, &state, action, &next, &mut world, &path[..=i])?;
        state = next;
    }
    Ok(world)
}

/// Replays the states `range` of the depth-first order.
fn replay_part(
    model: &AppSyncModel,
    cfg: &AppSyncConfig,
    rules: &RulesFactory,
    graph: &Graph,
    range: std::ops::Range<usize>,
    stop: &AtomicBool,
    done: &AtomicUsize,
) -> Result<PartitionedReport, ConformanceError> {
    let mut report = PartitionedReport::default();
    // Worlds of tree children whose parent this part has replayed, until
    // their turn comes (at most the children of the states on one path).
    let mut waiting: HashMap<u32, RealWorld> = HashMap::new();
    for &s in &graph.order[range] {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let world = match waiting.remove(&s) {
            Some(world) => world,
            None => materialize(model, cfg, rules, graph, s)?,
        };
        let state = &graph.states[s as usize];
        let path = tree_path(graph, s);
        report.states += 1;
        let tally = replay_out_of(
            model,
            state,
            world,
            &path,
            &mut report.coverage,
            |action, next, next_world| {
                done.fetch_add(1, Ordering::Relaxed);
                let t = graph.index[&next];
                if graph.parent[t as usize] == Some((s, action)) {
                    waiting.insert(t, next_world);
                }
            },
        )?;
        report.transitions += tally.successors;
        report.refusals += tally.refusals;
        if tally.successors == 0 {
            report.terminal_states += 1;
        }
    }
    Ok(report)
}

/// Replays this shard's parts of `cfg`'s state graph on `split.threads`
/// threads. `progress(done, total)` is called now and then with the
/// transitions replayed so far and this shard's total.
pub fn run(
    cfg: &AppSyncConfig,
    rules: &RulesFactory,
    split: Split,
    progress: impl Fn(usize, usize) + Sync,
) -> Result<PartitionedReport, ConformanceError> {
    let start = Instant::now();
    let (k, n) = split.shard;
    if !(1..=n).contains(&k) || split.threads == 0 {
        let why = format!("shard {k}/{n} on {} threads", split.threads);
        return Err(WorldError::Setup(why).into());
    }
    let model = cfg.clone().into_model();
    let graph = explore(&model);
    let explore_time = start.elapsed();
    let parts = cut(&graph, n * split.threads);
    let mine = &parts[(k - 1) * split.threads..k * split.threads];
    let total: usize = mine
        .iter()
        .flat_map(|r| &graph.order[r.clone()])
        .map(|&s| graph.work[s as usize] as usize - 1)
        .sum();
    let stop = AtomicBool::new(false);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Result<PartitionedReport, ConformanceError>>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for range in mine {
            let (model, graph, stop, done, results) = (&model, &graph, &stop, &done, &results);
            scope.spawn(move || {
                let result = replay_part(model, cfg, rules, graph, range.clone(), stop, done);
                if result.is_err() {
                    stop.store(true, Ordering::Relaxed);
                }
                results
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(result);
            });
        }
        // The calling thread reports progress until the parts are done.
        while !stop.load(Ordering::Relaxed)
            && results.lock().unwrap_or_else(|e| e.into_inner()).len() < mine.len()
        {
            progress(done.load(Ordering::Relaxed), total);
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    progress(done.load(Ordering::Relaxed), total);
    let mut report = PartitionedReport {
        shard: split.shard,
        whole_states: graph.states.len(),
        whole_transitions: graph.transitions,
        max_depth: graph.max_depth,
        explore_time,
        ..Default::default()
    };
    for result in results.into_inner().unwrap_or_else(|e| e.into_inner()) {
        report.add(&result?);
    }
    report.elapsed = start.elapsed();
    Ok(report)
}

/// Combines the reports of shards `1..=N` of one graph; an error if one is
/// missing, repeated, or from another graph, or if together they do not
/// cover it exactly.
pub fn merge(reports: &[PartitionedReport]) -> Result<PartitionedReport, String> {
    let Some(first) = reports.first() else {
        return Err("no shard reports to merge".into());
    };
    let n = first.shard.1;
    let mut seen = vec![false; n];
    let mut merged = PartitionedReport {
        shard: (1, 1),
        whole_states: first.whole_states,
        whole_transitions: first.whole_transitions,
        max_depth: first.max_depth,
        ..Default::default()
    };
    for r in reports {
        let (k, count) = r.shard;
        if count != n || !(1..=n).contains(&k) {
            return Err(format!("shard {k}/{count} is not one of {n} shards"));
        }
        if (r.whole_states, r.whole_transitions) != (first.whole_states, first.whole_transitions) {
            return Err(format!("shard {k}/{n} comes from another configuration"));
        }
        if std::mem::replace(&mut seen[k - 1], true) {
            return Err(format!("shard {k}/{n} given twice"));
        }
        merged.add(r);
        merged.elapsed = merged.elapsed.max(r.elapsed);
        merged.explore_time = merged.explore_time.max(r.explore_time);
    }
    if let Some(missing) = seen.iter().position(|s| !s) {
        return Err(format!("shard {}/{n} is missing", missing + 1));
    }
    if merged.states != merged.whole_states || merged.transitions != merged.whole_transitions {
        return Err(format!(
            "the shards cover {} states and {} transitions of {} and {}",
            merged.states, merged.transitions, merged.whole_states, merged.whole_transitions
        ));
    }
    Ok(merged)
}
