//! The `alerts` and `sources` fields of a spec (`$defs/alerts` in the service schema): the
//! thresholds, durations, labels and routing of the alerts rendered for a job, and what the
//! job reads from. Set in the platform's `defaults` and environment defaults, overridden by a
//! service; the built-in defaults (below, and in docs/alerts.md) apply to what nobody sets.

use crate::tree::Sp;
use serde::Deserialize;
use std::collections::BTreeMap;

/// `alerts.for` when unset: longer than an upgrade (stop with a savepoint, redeploy, restore)
/// or a blue/green switch (the operator aborts one after 10 minutes) takes.
pub const DEFAULT_FOR: &str = "15m";
pub const DEFAULT_MISSED_CHECKPOINTS: i64 = 3;
pub const DEFAULT_FAILED_CHECKPOINTS: i64 = 2;
pub const DEFAULT_CHECKPOINT_DURATION_PERCENT: i64 = 80;
pub const DEFAULT_RESTARTS: i64 = 3;
pub const DEFAULT_RESTART_WINDOW: &str = "15m";
pub const DEFAULT_LAG_RECORDS: i64 = 100_000;
pub const DEFAULT_LAG_FOR: &str = "15m";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AlertSettings {
    pub enabled: Option<Sp<bool>>,
    #[serde(rename = "for")]
    pub for_: Option<Sp<String>>,
    pub missed_checkpoints: Option<Sp<i64>>,
    pub failed_checkpoints: Option<Sp<i64>>,
    pub checkpoint_duration_percent: Option<Sp<i64>>,
    pub restarts: Option<Sp<i64>>,
    pub restart_window: Option<Sp<String>>,
    pub lag_records: Option<Sp<i64>>,
    pub lag_for: Option<Sp<String>>,
    #[serde(default)]
    pub route: BTreeMap<String, Sp<Route>>,
    pub page_labels: Option<BTreeMap<String, Sp<String>>>,
    pub notify_labels: Option<BTreeMap<String, Sp<String>>>,
    #[serde(default)]
    pub labels: BTreeMap<String, Sp<String>>,
    pub runbook_url: Option<Sp<String>>,
}

/// Where an alert goes: the platform's pager, the owning team, or nowhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Route {
    Page,
    Notify,
    Off,
}

impl Route {
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Page => "page",
            Route::Notify => "notify",
            Route::Off => "off",
        }
    }
}

/// What a job reads from (`sources`), as far as the alerts care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Kafka,
}
