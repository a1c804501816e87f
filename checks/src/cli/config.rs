//! The model configuration as command-line flags, shared by `check`,
//! `conform`, `replay` and `explore`. Every flag defaults to the model's
//! default configuration; `--preset` takes a name from the model's one
//! table of presets (`appsync_model::presets::PRESETS`).

use appsync_model::presets::{self, PRESETS, Preset};
use appsync_model::{AppSyncConfig, DeliveryPolicy, GcePolicy, RetryPolicy, UnknownIdPolicy};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, ValueEnum};

/// The reading of an AppSync for an unknown `application_id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UnknownIdArg {
    /// The proposal list is invalid (this project's reading of R3).
    Reject,
    /// The entry is created (the successor draft's reading).
    Create,
}

/// May a GroupContextExtensions proposal in a later commit rewrite
/// `application_states`?
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GceArg {
    /// Yes: the draft only forbids GCE next to AppSync.
    MayRewrite,
    /// No: a GCE must leave `application_states` unchanged (model only).
    MustNotChange,
}

/// The delivery service's commit policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DeliveryArg {
    /// Ordered: one total order for everyone; members apply the first valid
    /// commit per epoch.
    #[value(alias = "ordered")]
    Relay,
    /// Accept only the first commit per epoch.
    Sequencer,
    /// Each member takes its messages in its own order (forks possible).
    Unordered,
}

/// What applications do with an update that missed its epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RetryArg {
    /// Re-send the value computed from the state read the first time.
    Stale,
    /// Read the state again before re-sending.
    ReRead,
}

/// Which draft `check` models.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    /// draft-barnes-mls-appsync (the seed draft): the AppSync model, with
    /// conformance on mls-rs.
    #[default]
    Appsync,
    /// draft-ietf-mls-extensions' AppDataUpdate: the successor model, its
    /// own presets (`--app-data-preset`), model check only.
    AppDataUpdate,
}

impl From<ProfileArg> for appsync_model::Profile {
    fn from(arg: ProfileArg) -> Self {
        match arg {
            ProfileArg::Appsync => appsync_model::Profile::AppSync,
            ProfileArg::AppDataUpdate => appsync_model::Profile::AppDataUpdate,
        }
    }
}

/// The `--app-data-preset` values: the successor model's presets.
pub fn app_data_preset_parser()
-> impl TypedValueParser<Value = &'static appsync_model::app_data::Preset> {
    let names = appsync_model::app_data::PRESETS
        .iter()
        .map(|p| PossibleValue::new(p.name).help(p.purpose));
    PossibleValuesParser::new(names).try_map(|name| {
        appsync_model::app_data::config::find(&name).ok_or(format!("no preset named {name}"))
    })
}

/// The `--preset` values: the names in the model's table of presets, each
/// with its purpose as help.
fn preset_parser() -> impl TypedValueParser<Value = &'static Preset> {
    let names = PRESETS
        .iter()
        .map(|p| PossibleValue::new(p.name).help(p.purpose));
    PossibleValuesParser::new(names)
        .try_map(|name| presets::find(&name).ok_or(format!("no preset named {name}")))
}

/// Flags that override a preset (by default the model's default
/// configuration).
#[derive(Clone, Debug, Default, Args)]
pub struct ConfigArgs {
    /// The configuration to start from; the flags below override it.
    #[arg(long, value_parser = preset_parser())]
    pub preset: Option<&'static Preset>,
    /// Honest members (2 to 5).
    #[arg(long)]
    pub members: Option<u8>,
    /// Application ids (1 to 3).
    #[arg(long)]
    pub apps: Option<u8>,
    /// Largest epoch.
    #[arg(long)]
    pub max_epoch: Option<u8>,
    /// Proposals in flight at most (at least 1).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..))]
    pub in_flight: Option<u8>,
    /// AppSyncs by value per honest commit at most (0 to 2).
    #[arg(long)]
    pub by_value: Option<u8>,
    /// External-sender proposals at most (0: no external sender).
    #[arg(long)]
    pub external: Option<u8>,
    /// Non-member injections at most (0: none).
    #[arg(long)]
    pub injections: Option<u8>,
    /// Adversary forgeries at most (0: no adversary).
    #[arg(long)]
    pub forgeries: Option<u8>,
    /// External commits with an AppSync by a non-member (0: none).
    #[arg(long)]
    pub external_commits: Option<u8>,
    /// Also offer by-value lists the committer must refuse (checked against
    /// the real committer's refusal).
    #[arg(long)]
    pub refusals: bool,
    /// Members may propose the unknown id too.
    #[arg(long)]
    pub propose_unknown_id: bool,
    /// The adversary may also forge AppSyncs whose bytes do not decode (R2).
    #[arg(long)]
    pub undecodable_app_syncs: bool,
    /// Members may propose GroupContextExtensions by reference.
    #[arg(long)]
    pub gce_proposals: bool,
    /// The reading of an AppSync for an unknown id.
    #[arg(long, value_enum)]
    pub unknown_id: Option<UnknownIdArg>,
    /// Whether a later GCE may rewrite `application_states`.
    #[arg(long, value_enum)]
    pub gce: Option<GceArg>,
    /// The delivery service's commit policy.
    #[arg(long, value_enum)]
    pub delivery: Option<DeliveryArg>,
    /// How applications re-send an update that missed its epoch.
    #[arg(long, value_enum)]
    pub retry: Option<RetryArg>,
    /// Values each writer may propose (1 or 2; two make a return to an
    /// earlier value, A then B then A, visible).
    #[arg(long)]
    pub values_per_writer: Option<u8>,
}

impl ConfigArgs {
    /// Whether no flag was given.
    pub fn is_empty(&self) -> bool {
        self.preset.is_none() && self.config() == AppSyncConfig::default()
    }

    /// The configuration these flags describe.
    pub fn config(&self) -> AppSyncConfig {
        let mut cfg = self
            .preset
            .map_or_else(AppSyncConfig::default, Preset::config);
        let set = |field: &mut u8, value: Option<u8>| {
            if let Some(v) = value {
                *field = v;
            }
        };
        set(&mut cfg.members, self.members);
        set(&mut cfg.application_ids, self.apps);
        set(&mut cfg.max_epoch, self.max_epoch);
        set(&mut cfg.max_in_flight, self.in_flight);
        set(&mut cfg.max_by_value, self.by_value);
        set(&mut cfg.external_proposals, self.external);
        set(&mut cfg.injections, self.injections);
        set(&mut cfg.external_commits, self.external_commits);
        cfg.by_value_refusals |= self.refusals;
        set(&mut cfg.forgeries, self.forgeries);
        set(&mut cfg.values_per_writer, self.values_per_writer);
        cfg.propose_unknown_id |= self.propose_unknown_id;
        cfg.gce_proposals |= self.gce_proposals;
        cfg.undecodable_app_syncs |= self.undecodable_app_syncs;
        if let Some(u) = self.unknown_id {
            cfg.unknown_id = match u {
                UnknownIdArg::Reject => UnknownIdPolicy::Reject,
                UnknownIdArg::Create => UnknownIdPolicy::Create,
            };
        }
        if let Some(g) = self.gce {
            cfg.gce = match g {
                GceArg::MayRewrite => GcePolicy::MayRewrite,
                GceArg::MustNotChange => GcePolicy::MustNotChange,
            };
        }
        if let Some(d) = self.delivery {
            cfg.delivery = match d {
                DeliveryArg::Relay => DeliveryPolicy::Relay,
                DeliveryArg::Sequencer => DeliveryPolicy::Sequencer,
                DeliveryArg::Unordered => DeliveryPolicy::Unordered,
            };
        }
        if let Some(retry) = self.retry {
            cfg.retry = match retry {
                RetryArg::Stale => RetryPolicy::StaleRetry,
                RetryArg::ReRead => RetryPolicy::ReRead,
            };
        }
        cfg
    }
}

/// Checks the bounds that `AppSyncConfig::into_model` asserts, so that bad
/// flags give an error instead of a panic.
pub fn validate(cfg: &AppSyncConfig) -> Result<(), appsync_model::ConfigError> {
    cfg.validate()
}
