//! The successor model's configuration ([`AduConfig`], built into a model
//! by [`AduConfig::into_model`]) and its named presets ([`PRESETS`]), one
//! table like the AppSync model's `presets.rs`.

use super::rules::{Faults, Rules};
use super::types::{ByValue, ComponentData, ComponentKind, Data, Dictionary, Origin};

/// What the model explores.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AduConfig {
    /// Honest members, leaf indexes `0..members` (2 or 3).
    pub members: u8,
    /// Known components `1..=components` (1 or 2), all of kind `component`.
    pub components: u8,
    pub component: ComponentKind,
    /// The dictionary the group is created with, `(id, data)` sorted.
    pub initial: Vec<(u8, Data)>,
    /// Members do not propose or commit past this epoch.
    pub max_epoch: u8,
    /// Members may propose `remove` (of an entry they hold).
    pub removes: bool,
    /// What committers may add by value (besides nothing).
    pub by_value: Vec<ByValue>,
    /// Members may propose a GroupContextExtensions proposal (by
    /// reference) that leaves the dictionary, or one that rewrites it.
    pub gce: bool,
    /// `app_data_update` is in the group's `required_capabilities` (U8).
    pub required: bool,
    /// The group lists an external sender, which proposes updates at the
    /// group's newest epoch (once per epoch).
    pub external_sender: bool,
    /// A new member joins once by an external commit carrying an update.
    pub external_commit: bool,
    /// Applications re-send an update that missed its epoch, computed from
    /// what they read when they first sent it (a stale retry).
    pub retry: bool,
    /// Seeded faults, in every member or only in `faulty_member`.
    pub faults: Faults,
    pub faulty_member: Option<u8>,
}

/// Writer tags: member `m` writes `m + 1`, its second update in one
/// commit `m + 1 + SECOND`, the external sender [`EXTERNAL_DATA`], a new
/// member [`NEW_MEMBER_DATA`] (and a rewriting GroupContextExtensions
/// proposal [`GCE_DATA`](super::types::GCE_DATA)).
pub const SECOND: Data = 8;
pub const EXTERNAL_DATA: Data = 5;
pub const NEW_MEMBER_DATA: Data = 6;

impl AduConfig {
    /// The rules member `member` runs (its faults included).
    pub fn rules_of(&self, member: Option<u8>) -> Rules {
        let faulty = match (self.faulty_member, member) {
            (None, _) => true,
            (Some(f), Some(m)) => f == m,
            (Some(_), None) => false,
        };
        Rules {
            components: self.components,
            kind: self.component,
            required: self.required,
            external_sender: self.external_sender,
            faults: if faulty {
                self.faults
            } else {
                Faults::default()
            },
        }
    }

    /// The initial dictionary.
    pub fn initial_dictionary(&self) -> Dictionary {
        Dictionary {
            entries: self
                .initial
                .iter()
                .map(|&(component_id, data)| ComponentData {
                    component_id,
                    data,
                    origin: Origin::Initial,
                })
                .collect(),
        }
    }

    /// Checks the bounds the model is written for.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=3).contains(&self.members) {
            return Err(format!("members must be 1 to 3, not {}", self.members));
        }
        if !(1..=2).contains(&self.components) {
            return Err(format!(
                "components must be 1 or 2, not {}",
                self.components
            ));
        }
        if !(1..=3).contains(&self.max_epoch) {
            return Err(format!("max epoch must be 1 to 3, not {}", self.max_epoch));
        }
        let sorted = self.initial.windows(2).all(|w| w[0].0 < w[1].0);
        let known = self
            .initial
            .iter()
            .all(|(id, _)| (1..=self.components).contains(id));
        if !sorted || !known {
            return Err("the initial dictionary must be sorted, unique and known".into());
        }
        if self.faulty_member.is_some_and(|m| m >= self.members) {
            return Err("the faulty member must be a member".into());
        }
        Ok(())
    }

    /// The configuration in one line.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{} members, {} component(s) ({}), initial {:?}, max epoch {}",
            self.members,
            self.components,
            self.component.name(),
            self.initial,
            self.max_epoch
        );
        for (on, what) in [
            (self.removes, "removes"),
            (!self.by_value.is_empty(), "by value"),
            (self.gce, "GroupContextExtensions proposals"),
            (self.required, "app_data_update required"),
            (self.external_sender, "external sender"),
            (self.external_commit, "external commit"),
            (self.retry, "stale retry"),
        ] {
            if on {
                s.push_str(", ");
                s.push_str(what);
            }
        }
        if self.faults != Faults::default() {
            s.push_str(&format!(", faults {:?}", self.faults));
            if let Some(m) = self.faulty_member {
                s.push_str(&format!(" in m{m} only"));
            }
        }
        s
    }
}

/// A named configuration of the successor model.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// `appsync check --profile app-data-update --preset NAME`.
    pub name: &'static str,
    pub purpose: &'static str,
    config: fn() -> AduConfig,
}

impl Preset {
    pub fn config(&self) -> AduConfig {
        (self.config)()
    }
}

/// The base: 2 members, components 1 and 2 (`replace`), the group created
/// with component 2 only (so an update to 1 creates it at its sorted
/// place), 1 epoch, removes, two chained updates of component 1 by value;
/// `app_data_update` required; no outsiders, no GroupContextExtensions.
fn base() -> AduConfig {
    AduConfig {
        members: 2,
        components: 2,
        component: ComponentKind::Replace,
        initial: vec![(2, 0)],
        max_epoch: 1,
        removes: true,
        by_value: vec![ByValue::TwoUpdates(1)],
        gce: false,
        required: true,
        external_sender: false,
        external_commit: false,
        retry: false,
        faults: Faults::default(),
        faulty_member: None,
    }
}

fn cas(cfg: AduConfig) -> AduConfig {
    AduConfig {
        component: ComponentKind::Cas,
        ..cfg
    }
}

/// The external sender and a new member's external commit (no removes,
/// nothing by value).
fn outsiders() -> AduConfig {
    AduConfig {
        removes: false,
        by_value: vec![],
        external_sender: true,
        external_commit: true,
        ..base()
    }
}

/// GroupContextExtensions proposals (keeping or rewriting the dictionary)
/// next to AppDataUpdates, with or without `app_data_update` required.
fn gce(required: bool) -> AduConfig {
    AduConfig {
        by_value: vec![],
        gce: true,
        required,
        ..base()
    }
}

/// The stale retry: 1 component, 2 epochs, nothing by value.
fn retry() -> AduConfig {
    AduConfig {
        components: 1,
        initial: vec![(1, 0)],
        max_epoch: 2,
        by_value: vec![],
        retry: true,
        ..base()
    }
}

/// Every preset of the successor model: each setting under both
/// components.
pub static PRESETS: [Preset; 10] = [
    Preset {
        name: "replace",
        purpose: "2 members, components 1 and 2 (replace), created with 2 only, 1 epoch, \
                  removes, two chained updates by value, app_data_update required",
        config: base,
    },
    Preset {
        name: "cas",
        purpose: "`replace` with the cas component",
        config: || cas(base()),
    },
    Preset {
        name: "replace-outsiders",
        purpose: "`replace` without removes or by-value updates, with the external sender \
                  and a new member's external commit",
        config: outsiders,
    },
    Preset {
        name: "cas-outsiders",
        purpose: "`replace-outsiders` with the cas component",
        config: || cas(outsiders()),
    },
    Preset {
        name: "replace-gce-required",
        purpose: "`replace` without by-value updates, with GroupContextExtensions proposals \
                  (keeping or rewriting the dictionary), app_data_update required",
        config: || gce(true),
    },
    Preset {
        name: "cas-gce-required",
        purpose: "`replace-gce-required` with the cas component",
        config: || cas(gce(true)),
    },
    Preset {
        name: "replace-gce-open",
        purpose: "`replace-gce-required` without app_data_update in required_capabilities",
        config: || gce(false),
    },
    Preset {
        name: "cas-gce-open",
        purpose: "`replace-gce-open` with the cas component",
        config: || cas(gce(false)),
    },
    Preset {
        name: "replace-retry",
        purpose: "1 component (replace), 2 epochs, removes, applications re-send a missed \
                  update computed from their first read",
        config: retry,
    },
    Preset {
        name: "cas-retry",
        purpose: "`replace-retry` with the cas component",
        config: || cas(retry()),
    },
];

/// The preset named `name`.
pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}
