//! One parameter point of the commit benchmarks, and the group and commits
//! it needs, built lazily and kept while consecutive benchmarks share them.
//! Used by `benches/commit.rs` (Criterion) and `benches/ratio.rs` (the
//! AppSync/no-op regression guard).

use mls_rs::{ExtensionList, MlsMessage};

use crate::members::Members;
use crate::provider::Provider;
use crate::settings::ROUND_MAX_MEMBERS;
use crate::workload::{CommitKind, Workload};

/// One parameter point: group size, total state bytes, AppSyncs per commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    /// Members of the group.
    pub size: usize,
    /// Total state bytes the commit replaces.
    pub state: usize,
    /// AppSyncs per commit.
    pub n: usize,
}

/// The group of the current size and the commits of the current point.
/// Everything is built on first use, so a run filtered down to a few ids
/// builds only the groups it times.
pub struct Session<P: Provider> {
    members: Option<Members<P>>,
    workload: Option<(Point, Workload)>,
    messages: Vec<(CommitKind, MlsMessage)>,
}

impl<P: Provider> Default for Session<P> {
    fn default() -> Self {
        Self {
            members: None,
            workload: None,
            messages: Vec::new(),
        }
    }
}

impl<P: Provider> Session<P> {
    /// A session that has built nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The members and workload of `point` and its verified commit of
    /// `kind`. A new group size rebuilds the group (every member kept up to
    /// [`ROUND_MAX_MEMBERS`]); a new point on the same group moves it there
    /// with one GroupContextExtensions commit.
    pub fn prepare(
        &mut self,
        point: Point,
        kind: CommitKind,
    ) -> (&Members<P>, &Workload, MlsMessage) {
        if self.members.as_ref().is_none_or(|m| m.size() != point.size) {
            self.workload = None;
            let keep_all = point.size <= ROUND_MAX_MEMBERS;
            self.members = Some(Members::build(point.size, keep_all, Vec::new()));
        }
        let members = self.members.as_mut().expect("built above");
        if self.workload.as_ref().is_none_or(|(p, _)| *p != point) {
            let base: ExtensionList = members.committer().context().extensions.clone();
            let workload = Workload::new(&base, point.state, point.n);
            members.set_states(workload.initial_states());
            self.workload = Some((point, workload));
            self.messages.clear();
        }
        let workload = &self.workload.as_ref().expect("set above").1;
        let message = match self.messages.iter().find(|(k, _)| *k == kind) {
            Some((_, m)) => m.clone(),
            None => {
                let m = workload.verified_commit(members, kind);
                self.messages.push((kind, m.clone()));
                m
            }
        };
        (members, workload, message)
    }
}
