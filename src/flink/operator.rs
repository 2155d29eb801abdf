//! What each release of the Flink Kubernetes Operator has, as data: the kinds it defines, the
//! fields that changed between releases, and the Flink versions it accepts. The one home of
//! these facts; renderers and rules ask [`release`] for the platform's `operator.version`
//! rather than comparing version numbers themselves.
//!
//! Sources: the tags `release-1.13.0`,
//! `release-1.14.0`, `release-1.15.0` and `main` at 6e9caeb4 (1.16-SNAPSHOT) of
//! apache/flink-kubernetes-operator: `helm/flink-kubernetes-operator/crds/`,
//! `API/spec/FlinkVersion.java`, `OP/validation/DefaultValidator.java`, and for the
//! autoscaler's checks `flink-autoscaler/…/validation/AutoscalerValidator.java` (1.14.0 on).
//!
//! To add a release: add a [`Release`] below (newest last) with what its CRDs and validator
//! say, and, when its CRDs differ from the embedded ones, embed them (schemas/crds/SOURCES.md).

/// The kind blue/green deployments are (the same name as [`crate::facts::blue_green::KIND`];
/// this layer does not depend on the facts about it).
const BLUE_GREEN: &str = "FlinkBlueGreenDeployment";

/// One operator release.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Release {
    /// `major.minor`; main is the next minor (1.16).
    pub version: (u32, u32),
    /// How messages name it.
    pub name: &'static str,
    /// The custom resource kinds it defines.
    pub kinds: &'static [&'static str],
    /// FlinkDeployment `status.conditions` with the `Running` condition (FLINK-33634).
    pub running_condition: bool,
    /// `spec.jobManager.resources` / `spec.taskManager.resources`, Kubernetes
    /// ResourceRequirements (FLINK-33548): request and limit, the limit factor their ratio.
    pub resources_field: bool,
    /// The session-job `jarURI` allow-list (`kubernetes.operator.user.artifacts.*`).
    pub jar_uri_allow_list: bool,
    /// The newest `flinkVersion` of its `FlinkVersion` enum (what the operator accepts).
    pub newest_flink: (u32, u32),
    /// The newest `flinkVersion` of its committed CRD's enum: 1.15.0's CRD was not regenerated
    /// and stops at `v2_2`, so the API server refuses `v2_3`/`v2_4` with that CRD installed.
    pub newest_flink_in_crd: (u32, u32),
    /// Whether a deprecated Flink version logs a warning (FLINK-39808); earlier releases say
    /// nothing.
    pub warns_deprecated_flink: bool,
    /// The embedded CRDs rendered and linted objects are validated against (schemas/crds/).
    pub crds: EmbeddedCrds,
    /// What its validator checks of the autoscaler's options (`autoscaler-options-valid`).
    pub autoscaler: &'static AutoscalerValidation,
}

/// What an operator release's validator checks of the autoscaler's options when the
/// autoscaler is on (`job.autoscaler.enabled`), in its order. `excluded.periods`
/// (`CalendarUtils.validateExcludedPeriods`) is checked by every release.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutoscalerValidation {
    pub ranges: &'static [AutoscalerRange],
    /// `job.autoscaler.metrics.window` must not be shorter than
    /// `kubernetes.operator.reconcile.interval` (`DefaultValidator.validateMetricsWindow`).
    pub metrics_window_vs_reconcile_interval: bool,
}

/// One `validateNumber` of the validator: the option `job.autoscaler.<option>` (read from its
/// current key, else its `deprecated` names, else the legacy `kubernetes.operator.job.autoscaler.`
/// form of each) must lie in `[min, max]`, only when the feature flag `job.autoscaler.<when>` is
/// on, if there is one (`validateNumberIfEnabled`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutoscalerRange {
    pub option: &'static str,
    pub deprecated: &'static [&'static str],
    pub min: Bound,
    pub max: Bound,
    pub when: Option<&'static str>,
}

/// A bound of an [`AutoscalerRange`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    Fixed(f64),
    /// The effective `job.autoscaler.utilization.target`.
    Target,
    /// None (Java's `null`: printed as `-Infinity` / `+Infinity`).
    Open,
}

const fn range(option: &'static str, min: Bound, max: Bound) -> AutoscalerRange {
    AutoscalerRange {
        option,
        deprecated: &[],
        min,
        max,
        when: None,
    }
}

/// A range from 0 to 1 (a fraction or a threshold).
const fn fraction(option: &'static str) -> AutoscalerRange {
    range(option, Bound::Fixed(0.0), Bound::Fixed(1.0))
}

/// `r`, checked only when the feature flag `job.autoscaler.<flag>` is on.
const fn when(flag: &'static str, r: AutoscalerRange) -> AutoscalerRange {
    AutoscalerRange {
        when: Some(flag),
        ..r
    }
}

/// `observed-scalability.coefficient-min`, as every release bounds it (whether the feature
/// gates the check differs).
const COEFFICIENT_MIN: AutoscalerRange = range(
    "observed-scalability.coefficient-min",
    Bound::Fixed(0.01),
    Bound::Fixed(1.0),
);

const fn concat_ranges<const A: usize, const B: usize, const N: usize>(
    a: [AutoscalerRange; A],
    b: [AutoscalerRange; B],
) -> [AutoscalerRange; N] {
    let mut out = [range("", Bound::Open, Bound::Open); N];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    let mut j = 0;
    while j < B {
        out[A + j] = b[j];
        j += 1;
    }
    out
}

/// The checks every release makes, in the validator's order up to `utilization.min`.
const COMMON: [AutoscalerRange; 6] = [
    range("scale-down.max-factor", Bound::Fixed(0.0), Bound::Open),
    range("scale-up.max-factor", Bound::Fixed(0.0), Bound::Open),
    AutoscalerRange {
        deprecated: &["target.utilization"],
        ..fraction("utilization.target")
    },
    range(
        "target.utilization.boundary",
        Bound::Fixed(0.0),
        Bound::Open,
    ),
    range("utilization.max", Bound::Target, Bound::Fixed(1.0)),
    range("utilization.min", Bound::Fixed(0.0), Bound::Target),
];

/// Releases 1.13.0, 1.14.0 and 1.15.0: the same seven range checks. 1.13.0 has them in
/// `DefaultValidator.validateAutoScalerFlinkConfiguration`; 1.14.0 moved them, unchanged, to
/// `flink-autoscaler/…/validation/AutoscalerValidator.validateAutoscalerOptions`.
/// `observed-scalability.coefficient-min` is checked whether or not the feature is on.
const RANGES_1_13: [AutoscalerRange; 7] = concat_ranges(COMMON, [COEFFICIENT_MIN]);

/// `main` at 6e9caeb4 (FLINK-39826, "Strengthen autoscaler configuration validation", commit
/// 34edcc45): the GC-pressure and heap-usage thresholds, and three options checked only when
/// their feature is on (`validateNumberIfEnabled`), `coefficient-min` among them.
const RANGES_MAIN: [AutoscalerRange; 11] = concat_ranges(
    COMMON,
    [
        fraction("memory.gc-pressure.threshold"),
        fraction("memory.heap-usage.threshold"),
        when("observed-scalability.enabled", COEFFICIENT_MIN),
        when(
            "scaling.effectiveness.detection.enabled",
            fraction("scaling.effectiveness.threshold"),
        ),
        when("memory.tuning.enabled", fraction("memory.tuning.overhead")),
    ],
);

/// 1.13.0 – 1.15.0: no metric-window check.
const AUTOSCALER_1_13: AutoscalerValidation = AutoscalerValidation {
    ranges: &RANGES_1_13,
    metrics_window_vs_reconcile_interval: false,
};

/// `main`: also `DefaultValidator.validateMetricsWindow` (FLINK-39826).
const AUTOSCALER_MAIN: AutoscalerValidation = AutoscalerValidation {
    ranges: &RANGES_MAIN,
    metrics_window_vs_reconcile_interval: true,
};

/// The operator CRDs flinkform embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbeddedCrds {
    /// Release 1.15.0 (`schemas/crds/`). Also used for 1.13 and 1.14, whose CRDs it extends
    /// only by status fields and `flinkVersion` values those releases lack (reported by the
    /// rules) and by FlinkBlueGreenDeployment (absent in 1.13: `blue-green-valid`).
    Release1_15,
    /// `main` at 6e9caeb4 (`schemas/crds/operator-main/`): `resources` on JobManager and
    /// TaskManager, `flinkVersion` up to `v2_4`, a newer Pod schema.
    Main,
}

const BASE_KINDS: [&str; 3] = ["FlinkDeployment", "FlinkSessionJob", "FlinkStateSnapshot"];
/// Every Flink kind an operator release may serve (what `lint` reads).
pub const WITH_BLUE_GREEN: [&str; 4] = [
    "FlinkDeployment",
    "FlinkSessionJob",
    "FlinkStateSnapshot",
    BLUE_GREEN,
];

/// 1.13.0: the base every later release is written against.
const RELEASE_1_13: Release = Release {
    version: (1, 13),
    name: "1.13",
    kinds: &BASE_KINDS,
    running_condition: false,
    resources_field: false,
    jar_uri_allow_list: false,
    newest_flink: (2, 2),
    newest_flink_in_crd: (2, 2),
    warns_deprecated_flink: false,
    crds: EmbeddedCrds::Release1_15,
    autoscaler: &AUTOSCALER_1_13,
};

/// 1.14.0: what changed since 1.13 (FlinkBlueGreenDeployment).
const RELEASE_1_14: Release = Release {
    version: (1, 14),
    name: "1.14",
    kinds: &WITH_BLUE_GREEN,
    ..RELEASE_1_13
};

/// 1.15.0: what changed since 1.14.
const RELEASE_1_15: Release = Release {
    version: (1, 15),
    name: "1.15",
    running_condition: true,
    jar_uri_allow_list: true,
    newest_flink: (2, 4),
    ..RELEASE_1_14
};

/// main: what changed since 1.15.
const RELEASE_MAIN: Release = Release {
    version: (1, 16),
    name: "main (1.16-SNAPSHOT)",
    resources_field: true,
    newest_flink_in_crd: (2, 4),
    warns_deprecated_flink: true,
    crds: EmbeddedCrds::Main,
    autoscaler: &AUTOSCALER_MAIN,
    ..RELEASE_1_15
};

/// The releases flinkform knows, oldest first.
pub const RELEASES: [Release; 4] = [RELEASE_1_13, RELEASE_1_14, RELEASE_1_15, RELEASE_MAIN];

/// The release the platform's `operator.version` runs: the newest known one at or below it
/// (a patch-free `major.minor` between two known ones has the older one's features), the
/// oldest known one below that, the newest one above it.
pub fn release(version: (u32, u32)) -> &'static Release {
    RELEASES
        .iter()
        .rev()
        .find(|r| r.version <= version)
        .unwrap_or(&RELEASES[0])
}

/// The first known release that defines `kind`.
pub fn first_with_kind(kind: &str) -> Option<&'static Release> {
    RELEASES.iter().find(|r| r.kinds.contains(&kind))
}

impl Release {
    pub fn has_kind(&self, kind: &str) -> bool {
        self.kinds.contains(&kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_maps_to_the_release_it_runs() {
        assert_eq!(release((1, 13)).version, (1, 13));
        assert_eq!(release((1, 14)).version, (1, 14));
        assert_eq!(release((1, 15)).version, (1, 15));
        assert_eq!(release((1, 16)).version, (1, 16));
        assert_eq!(release((1, 17)).version, (1, 16), "newer: what main has");
        assert_eq!(release((2, 0)).version, (1, 16));
        assert_eq!(release((1, 10)).version, (1, 13), "older: the oldest known");
    }

    #[test]
    fn what_changed_between_releases() {
        assert!(!release((1, 13)).has_kind(BLUE_GREEN));
        assert!(release((1, 14)).has_kind(BLUE_GREEN));
        assert_eq!(first_with_kind(BLUE_GREEN).map(|r| r.name), Some("1.14"));
        assert_eq!(
            first_with_kind("FlinkStateSnapshot").map(|r| r.name),
            Some("1.13")
        );
        assert_eq!(first_with_kind("FlinkCluster"), None);
        let since = |f: fn(&Release) -> bool| RELEASES.iter().find(|r| f(r)).map(|r| r.version);
        assert_eq!(since(|r| r.running_condition), Some((1, 15)));
        assert_eq!(since(|r| r.jar_uri_allow_list), Some((1, 15)));
        assert_eq!(since(|r| r.resources_field), Some((1, 16)));
        assert_eq!(since(|r| r.warns_deprecated_flink), Some((1, 16)));
        let checks = |v| -> Vec<(&str, Option<&str>)> {
            release(v)
                .autoscaler
                .ranges
                .iter()
                .map(|r| (r.option, r.when))
                .collect()
        };
        let coefficient = "observed-scalability.coefficient-min";
        for v in [(1, 13), (1, 14), (1, 15)] {
            assert_eq!(checks(v).len(), 7, "{v:?}");
            assert!(checks(v).contains(&(coefficient, None)), "always, {v:?}");
            assert!(!release(v).autoscaler.metrics_window_vs_reconcile_interval);
        }
        let main = checks((1, 16));
        assert_eq!(main.len(), 11);
        assert!(main.contains(&(coefficient, Some("observed-scalability.enabled"))));
        assert!(main.contains(&("memory.gc-pressure.threshold", None)));
        assert!(
            release((1, 16))
                .autoscaler
                .metrics_window_vs_reconcile_interval
        );
        // The validator's order: the checks every release makes come first, the same.
        assert_eq!(main[..6], checks((1, 13))[..6]);
        // Each release has what the one before it has (nothing was removed).
        for w in RELEASES.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            assert!(a.version < b.version);
            assert!(a.kinds.iter().all(|k| b.has_kind(k)));
            assert!(a.newest_flink <= b.newest_flink);
            assert!(b.newest_flink_in_crd <= b.newest_flink);
        }
    }
}
