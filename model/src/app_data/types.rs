//! The successor's data as the model sees it: the `app_data_dictionary`
//! ([`Dictionary`] of [`ComponentData`]), the `AppDataUpdate` proposal
//! ([`AppDataUpdate`], [`Operation`], [`Update`]), the other proposal the
//! rules judge (a GroupContextExtensions proposal, [`Proposal::Gce`]), who
//! sends them ([`Sender`]) and what the delivery service carries
//! ([`Message`]). Data are small numbers (writer tags), not bytes.
//!
//! Two ghosts ride along, read by the properties only: an entry's
//! [`Origin`] (the proposal that wrote it) and an update's `read` (the data
//! the application read when it computed the update).

use std::fmt;

/// `ComponentID` (a `uint16` in the draft; ids `1..=C` here).
pub type ComponentId = u8;
/// A component's `data` (opaque bytes in the draft; a writer tag here).
pub type Data = u8;

/// The application logic registered for a component (U3, U6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComponentKind {
    /// The update is the new data, whatever was there.
    Replace,
    /// Compare-and-swap: the update names the data it was computed from
    /// (standing for the digest `impl/src/app_data/cas.rs` sends) and the
    /// new data; a mismatch is refused.
    Cas,
}

impl ComponentKind {
    /// The name the presets and the command line use.
    pub fn name(self) -> &'static str {
        match self {
            ComponentKind::Replace => "replace",
            ComponentKind::Cas => "cas",
        }
    }
}

/// Ghost: which proposal wrote an entry. `at` is the log position of the
/// message that carried it (a proposal sent by reference, or a commit);
/// `index` is its place among a commit's by-value proposals (0 for a
/// proposal by reference).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// The dictionary the group was created with.
    Initial,
    /// The proposal at log position `at` (by-value index `index`).
    Item { at: u8, index: u8 },
}

/// `struct { ComponentID component_id; opaque data<V>; } ComponentData;`
/// plus the ghost [`Origin`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ComponentData {
    pub component_id: ComponentId,
    pub data: Data,
    pub origin: Origin,
}

/// `struct { ComponentData component_data<V>; } AppDataDictionary;` in the
/// order the entries are stored (U1 wants them sorted and unique; the model
/// stores what the rules produce, so a property can see a broken order).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Dictionary {
    pub entries: Vec<ComponentData>,
}

impl Dictionary {
    /// The data stored for `id`, if there is an entry.
    pub fn get(&self, id: ComponentId) -> Option<Data> {
        self.entries
            .iter()
            .find(|e| e.component_id == id)
            .map(|e| e.data)
    }

    /// The entries without ghosts: what members compare.
    pub fn plain(&self) -> Vec<(ComponentId, Data)> {
        self.entries
            .iter()
            .map(|e| (e.component_id, e.data))
            .collect()
    }
}

impl fmt::Display for Dictionary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        for (i, e) in self.entries.iter().enumerate() {
            if i > 0 {
                write!(f, ",")?;
            }
            write!(f, "{}:{}", e.component_id, e.data)?;
        }
        write!(f, "}}")
    }
}

/// The content of an `update` (the draft's `opaque update<V>`), shaped for
/// the component it is meant for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Update {
    /// For [`ComponentKind::Replace`]: the new data.
    Replace { new_data: Data },
    /// For [`ComponentKind::Cas`]: the data the update was computed from
    /// (`None`: no entry) and the new data.
    Cas {
        expected: Option<Data>,
        new_data: Data,
    },
}

impl Update {
    /// The data the update asks to store (what the provenance property
    /// expects in an entry it wrote).
    pub fn new_data(self) -> Data {
        match self {
            Update::Replace { new_data } | Update::Cas { new_data, .. } => new_data,
        }
    }
}

/// `AppDataUpdateOperation` with its `select`: `update(1)` carries the
/// update, `remove(2)` nothing. (`invalid(0)` never decodes, U2.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    Update(Update),
    Remove,
}

/// The AppDataUpdate proposal, plus the ghost `read`: the data the
/// application read for `component_id` when it computed the proposal
/// (`None`: no entry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AppDataUpdate {
    pub component_id: ComponentId,
    pub op: Operation,
    pub read: Option<Data>,
}

impl AppDataUpdate {
    pub fn is_remove(&self) -> bool {
        self.op == Operation::Remove
    }
}

impl fmt::Display for AppDataUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self.component_id;
        match self.op {
            Operation::Remove => write!(f, "remove {id}"),
            Operation::Update(Update::Replace { new_data }) => write!(f, "{id}:={new_data}"),
            Operation::Update(Update::Cas { expected, new_data }) => match expected {
                Some(old) => write!(f, "{id}:{old}->{new_data}"),
                None => write!(f, "{id}:_->{new_data}"),
            },
        }
    }
}

/// The proposals the rules judge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Proposal {
    AppDataUpdate(AppDataUpdate),
    /// A GroupContextExtensions proposal that changes another extension and
    /// either leaves the dictionary as it is (`rewrite: false`) or replaces
    /// it by [`gce_dictionary`] (`rewrite: true`).
    Gce {
        rewrite: bool,
    },
}

/// The value a rewriting GroupContextExtensions proposal stores in
/// component 1 (a writer tag nobody else uses).
pub const GCE_DATA: Data = 7;

/// The dictionary a rewriting GroupContextExtensions proposal at log
/// position `at` installs: component 1 only, at [`GCE_DATA`].
pub fn gce_dictionary(at: u8) -> Dictionary {
    Dictionary {
        entries: vec![ComponentData {
            component_id: 1,
            data: GCE_DATA,
            origin: Origin::Item { at, index: 0 },
        }],
    }
}

/// What a committer adds by value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ByValue {
    Nothing,
    Update(ComponentId),
    /// Two updates for one id, the second computed from the first's data.
    TwoUpdates(ComponentId),
    Remove(ComponentId),
}

/// Who sent a proposal or a commit. The derived order is the committer's
/// canonical order for cached proposals (members by leaf, then the
/// external sender).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sender {
    /// A member, by leaf index.
    Member(u8),
    /// The group's listed external sender.
    External,
    /// A new member, in its external commit.
    NewMember,
}

impl fmt::Display for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sender::Member(m) => write!(f, "m{m}"),
            Sender::External => write!(f, "ext"),
            Sender::NewMember => write!(f, "new"),
        }
    }
}

/// What the delivery service appends to its log.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Message {
    /// A proposal sent by reference for `epoch`.
    Proposal {
        epoch: u8,
        sender: Sender,
        proposal: Proposal,
    },
    /// A commit for `epoch`: the proposals it names by reference (log
    /// positions, in the order applied), then its own by value.
    Commit {
        epoch: u8,
        committer: Sender,
        by_reference: Vec<u8>,
        by_value: Vec<AppDataUpdate>,
    },
}

/// One proposal of a commit's list, as the rules see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Item {
    /// Ghost: where it came from.
    pub origin: Origin,
    pub sender: Sender,
    /// Sent by reference (cached) rather than by value in the commit.
    pub by_reference: bool,
    pub proposal: Proposal,
}
