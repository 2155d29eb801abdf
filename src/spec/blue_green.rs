//! The `blueGreen` field of a spec (`$defs/blueGreen` in the service schema): whether the
//! service is deployed as a `FlinkBlueGreenDeployment` (operator 1.14 and later) and the
//! operator's blue/green settings. Set in the platform's defaults, an environment's defaults,
//! a service or its environment overlay, like every spec field.
//!
//! The settings are kept as the text the spec wrote: the operator reads them with its bundled
//! Flink's duration grammar, and the `blue-green-settings` rule checks them with that grammar
//! ([`crate::flink::duration`]) on the rendered object, so `lint` and `check` judge them alike.

use crate::tree::Sp;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BlueGreen {
    pub enabled: Option<Sp<bool>>,
    /// `kubernetes.operator.bluegreen.abort.grace-period`.
    pub abort_grace_period: Option<Sp<String>>,
    /// `kubernetes.operator.bluegreen.deployment-deletion.delay`.
    pub deployment_deletion_delay: Option<Sp<String>>,
    /// `kubernetes.operator.bluegreen.reconciliation.reschedule-interval`.
    pub reschedule_interval: Option<Sp<String>>,
}

impl BlueGreen {
    /// Whether the service renders a FlinkBlueGreenDeployment.
    pub fn enabled(&self) -> bool {
        self.enabled.as_ref().is_some_and(|e| e.value)
    }

    /// The settings the spec sets, as `(operator key, value)`, in the order of
    /// [`crate::facts::blue_green::SETTINGS`].
    pub fn settings(&self) -> Vec<(&'static str, &Sp<String>)> {
        let fields = [
            &self.abort_grace_period,
            &self.deployment_deletion_delay,
            &self.reschedule_interval,
        ];
        crate::facts::blue_green::SETTINGS
            .iter()
            .zip(fields)
            .filter_map(|(s, v)| v.as_ref().map(|v| (s.key, v)))
            .collect()
    }
}
