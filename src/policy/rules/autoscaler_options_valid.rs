use super::admission::{self, Layers, flink_bool};
use crate::flink::duration::{DurationGrammar, parse_duration};
use crate::flink::java::{java_double_text, java_parse_double};
use crate::facts::view::{ConfEntry, FlinkView, Kind};
use crate::flink::operator::Bound;
use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// Autoscaler options are within the ranges the operator accepts.
    ///
    /// ## What it checks
    /// Only when the autoscaler is on (`job.autoscaler.enabled: true`), the options the
    /// operator validates, each read from its current key, else its deprecated key, else the
    /// legacy `kubernetes.operator.job.autoscaler.*` key:
    ///
    /// | option (`job.autoscaler.…`) | allowed |
    /// |---|---|
    /// | `scale-down.max-factor`, `scale-up.max-factor`, `target.utilization.boundary` | ≥ 0 |
    /// | `utilization.target` (deprecated `target.utilization`) | [0, 1] |
    /// | `utilization.max` / `utilization.min` | [target, 1] / [0, target] |
    /// | `observed-scalability.coefficient-min` | [0.01, 1] (operators after 1.15: only when `observed-scalability.enabled` is on) |
    /// | `memory.gc-pressure.threshold`, `memory.heap-usage.threshold` | [0, 1] (operators after 1.15) |
    /// | `scaling.effectiveness.threshold`, `memory.tuning.overhead` | [0, 1] when their feature is on (operators after 1.15) |
    /// | `metrics.window` | not shorter than `kubernetes.operator.reconcile.interval` (operators after 1.15; 15 s, the Helm chart's default, when the resource does not set it) |
    ///
    /// Which checks apply is the platform's `operator.version`'s: the data, with the operator
    /// source each comes from, is `Release::autoscaler` in `src/flink/operator.rs`.
    ///
    /// A value that is not a number is reported too ("Invalid value in the autoscaler
    /// config …"). `excluded.periods` is a `;`-separated list; each entry is a daily range
    /// `HH:mm[:ss]-HH:mm[:ss]` (start before end, no spaces), a Quartz cron expression, or one
    /// of each joined by `&&`. Cron expressions get a light check: 6 or 7 fields, only the
    /// characters Quartz uses, and `?` in exactly one of day-of-month and day-of-week; the
    /// numbers inside a field are not checked.
    ///
    /// ## Why
    /// The operator validates these when the autoscaler is on and rejects the resource at the
    /// first bad value ("The AutoScalerOption … is invalid, it should be a value within the
    /// range [min, max]"): the job is not deployed, and an already running one keeps its old
    /// spec.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   flinkConfiguration:
    ///     job.autoscaler.enabled: "true"
    ///     job.autoscaler.utilization.target: "70" # a fraction, not a percentage
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     job.autoscaler.enabled: "true"
    ///     job.autoscaler.utilization.target: "70"
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   flinkConfiguration:
    ///     job.autoscaler.enabled: "true"
    ///     job.autoscaler.utilization.target: "0.7"
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     job.autoscaler.enabled: "true"
    ///     job.autoscaler.utilization.target: "0.7"
    ///     job.autoscaler.excluded.periods: "22:00-23:59:59;* * 9-17 ? * 2-6"
    /// ```
    pub struct AutoscalerOptionsValid {
        name: "autoscaler-options-valid", severity: Error, category: Policy,
        kinds: [Deployment, SessionJob],
    }
}

const PREFIX: &str = "job.autoscaler.";
const LEGACY_PREFIX: &str = "kubernetes.operator.job.autoscaler.";
const DEFAULT_TARGET: f64 = 0.7;
/// The Helm chart's `kubernetes.operator.reconcile.interval`.
const DEFAULT_RECONCILE_MS: u128 = 15_000;

/// The keys an autoscaler option is read from, in order: current, deprecated, then the legacy
/// `kubernetes.operator.` form of each.
pub fn option_keys(name: &str, deprecated: &[&str]) -> Vec<String> {
    let names: Vec<&str> = std::iter::once(name)
        .chain(deprecated.iter().copied())
        .collect();
    names
        .iter()
        .map(|n| format!("{PREFIX}{n}"))
        .chain(names.iter().map(|n| format!("{LEGACY_PREFIX}{n}")))
        .collect()
}

fn lookup<'v, 'a>(
    conf: &Layers<'v, 'a>,
    name: &str,
    deprecated: &[&str],
) -> Option<&'v ConfEntry<'a>> {
    option_keys(name, deprecated)
        .iter()
        .find_map(|k| conf.get(k))
}

fn enabled(conf: &Layers<'_, '_>, name: &str) -> bool {
    lookup(conf, name, &[]).is_some_and(|e| flink_bool(&e.value) == Some(true))
}

/// A duration in milliseconds as the operator reads it (its bundled Flink's 1.x grammar),
/// `None` when it does not read it.
fn duration_ms(text: &str) -> Option<u128> {
    parse_duration(text, DurationGrammar::Flink1)
        .ok()
        .map(|d| d.millis())
}

/// `split` as Java's `String.split` does it: trailing empty strings dropped.
fn java_split<'s>(s: &'s str, sep: &str) -> Vec<&'s str> {
    let mut parts: Vec<&str> = s.split(sep).collect();
    while parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts
}

/// `H:m[:s[:ms]]` as Quartz's `DailyCalendar` reads it, in milliseconds of the day.
fn daily_time(text: &str) -> Option<u32> {
    let parts: Vec<&str> = text.split(':').filter(|p| !p.is_empty()).collect();
    if !(2..=4).contains(&parts.len()) {
        return None;
    }
    let mut nums = [0u32; 4];
    for (n, p) in nums.iter_mut().zip(&parts) {
        let digits = p.strip_prefix('+').unwrap_or(p);
        if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *n = digits.parse().ok()?;
    }
    let [h, m, s, ms] = nums;
    (h <= 23 && m <= 59 && s <= 59 && ms <= 999).then(|| ((h * 60 + m) * 60 + s) * 1000 + ms)
}

/// Why `sub` is not a daily range `start-end` (start before end), or `None` when it is one.
pub fn daily_problem(sub: &str) -> Option<String> {
    let parts = java_split(sub, "-");
    let [a, b] = parts.as_slice() else {
        return Some("a daily range is two times joined by `-`".into());
    };
    match (daily_time(a), daily_time(b)) {
        (Some(x), Some(y)) if x < y => None,
        (Some(_), Some(_)) => Some(
            "the daily range does not end after it starts (it cannot cross midnight: use two entries)".into(),
        ),
        _ => Some("the times must be H:mm[:ss] (hours 0-23, no spaces)".into()),
    }
}

pub fn is_daily(sub: &str) -> bool {
    daily_problem(sub).is_none()
}

/// Why `sub` fails a light check as a Quartz cron expression (6 or 7 fields of the characters
/// Quartz uses, `?` only in day-of-month or day-of-week and in exactly one of them), or `None`.
pub fn cron_problem(sub: &str) -> Option<String> {
    let fields: Vec<&str> = sub.split_whitespace().collect();
    if !(6..=7).contains(&fields.len()) {
        return Some(format!(
            "a Quartz cron expression has 6 or 7 fields (seconds first), not {}",
            fields.len()
        ));
    }
    if let Some(f) = fields.iter().find(|f| {
        !f.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | '?' | ',' | '-' | '/' | '#'))
    }) {
        return Some(format!(
            "the cron field `{f}` has characters Quartz does not use"
        ));
    }
    let question = |i: usize| fields.get(i).is_some_and(|f| f.contains('?'));
    if (0..fields.len()).any(|i| i != 3 && i != 5 && question(i)) {
        return Some("`?` is only allowed in day-of-month or day-of-week".into());
    }
    if question(3) == question(5) {
        return Some("Quartz needs `?` in exactly one of day-of-month (4th field) and day-of-week (6th field)".into());
    }
    None
}

pub fn is_cron(sub: &str) -> bool {
    cron_problem(sub).is_none()
}

/// Why one `excluded.periods` entry is invalid, in the operator's words, or `None`.
pub fn excluded_period_problem(expression: &str) -> Option<String> {
    let subs = java_split(expression, "&&");
    if subs.len() > 2 {
        return Some("more than two sub-expressions joined by `&&`".into());
    }
    let mut daily = 0;
    let mut cron = 0;
    for sub in &subs {
        let sub = sub.trim();
        let d = is_daily(sub);
        let c = is_cron(sub);
        if !d && !c {
            // Explain by what it looks like more.
            let looks_like_cron = sub.split_whitespace().count() >= 5;
            let why = if looks_like_cron {
                cron_problem(sub)
            } else {
                daily_problem(sub)
            }
            .unwrap_or_default();
            return Some(format!(
                "`{sub}` is neither a valid daily expression nor a valid cron expression: {why}"
            ));
        }
        daily += usize::from(d);
        cron += usize::from(c);
    }
    if subs.len() == 2 && (daily == 0 || cron == 0) {
        return Some(
            "two sub-expressions must be one daily expression && one cron expression".into(),
        );
    }
    None
}

impl Rule for AutoscalerOptionsValid {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        if super::admission::is_canary(t) {
            return;
        }
        // A session job's options are read over its cluster's when that is linted too; alone,
        // its own configuration (which wins over the cluster's) is still checked.
        let cluster: Option<FlinkView<'_>> = admission::session_cluster(t);
        let conf = match (t.view.kind(), &cluster) {
            (Kind::SessionJob, Some(c)) => Layers::new(vec![&t.view, c]),
            _ => Layers::new(vec![&t.view]),
        };
        let Some(on) = lookup(&conf, "enabled", &[]) else {
            return;
        };
        match flink_bool(&on.value) {
            Some(true) => {}
            Some(false) => return,
            None => {
                out.push(
                    Finding::new(on.origin(), format!("Invalid value in the autoscaler config {PREFIX}enabled: `{}` is not true or false", on.value))
                        .label("not a boolean")
                        .help("write \"true\" or \"false\""),
                );
                return;
            }
        }
        // Which checks apply is the operator release's (src/flink/operator.rs).
        let validation = t.platform.operator.release().autoscaler;
        let target = match lookup(&conf, "utilization.target", &["target.utilization"]) {
            None => Some(DEFAULT_TARGET),
            Some(e) => java_parse_double(&e.value),
        };
        for c in validation.ranges {
            if let Some(flag) = c.when
                && !enabled(&conf, flag)
            {
                continue;
            }
            let Some(e) = lookup(&conf, c.option, c.deprecated) else {
                continue;
            };
            let key = format!("{PREFIX}{}", c.option);
            let via = if e.key == key {
                String::new()
            } else {
                format!(" (set as `{}`)", e.key)
            };
            let rename = if e.key == key {
                String::new()
            } else {
                format!("; and rename `{}` to `{key}`", e.key)
            };
            let Some(value) = java_parse_double(&e.value) else {
                out.push(
                    Finding::new(e.origin(), format!("Invalid value in the autoscaler config {key}{via}: `{}` is not a number", e.value))
                        .label("not a number")
                        .help(format!("write a decimal number, e.g. 0.5{rename}")),
                );
                continue;
            };
            let bound = |b: Bound| match b {
                Bound::Fixed(x) => Some(Some(x)),
                Bound::Target => target.map(Some),
                Bound::Open => Some(None),
            };
            // Relative to an unreadable target: the target's own finding says it all.
            let (Some(min), Some(max)) = (bound(c.min), bound(c.max)) else {
                continue;
            };
            if min.is_some_and(|m| value < m) || max.is_some_and(|m| value > m) {
                let lo = java_double_text(min.unwrap_or(f64::NEG_INFINITY));
                let hi = java_double_text(max.unwrap_or(f64::INFINITY));
                let relative = if matches!(c.min, Bound::Target) || matches!(c.max, Bound::Target) {
                    " (bounded by job.autoscaler.utilization.target)"
                } else {
                    ""
                };
                out.push(
                    Finding::new(e.origin(), format!("The AutoScalerOption {key} is invalid, it should be a value within the range [{lo}, {hi}]{via}"))
                        .label(format!("outside [{lo}, {hi}]"))
                        .help(format!("set a value within [{lo}, {hi}]{relative}{rename}")),
                );
            }
        }
        if let Some(e) = lookup(&conf, "excluded.periods", &[]) {
            // A YAML list: each item where it is; else the `;`-separated text.
            let items: Vec<(String, crate::tree::Origin)> = match e.node.as_seq() {
                Some(seq) => seq
                    .iter()
                    .filter_map(|n| n.scalar_text().map(|t| (t, n.origin.or(e.origin()))))
                    .collect(),
                None => vec![(e.value.clone(), e.origin())],
            };
            let expressions = items.iter().flat_map(|(text, origin)| {
                text.split(';')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(move |x| (x, *origin))
            });
            for (expression, origin) in expressions {
                if let Some(why) = excluded_period_problem(expression) {
                    out.push(
                        Finding::new(origin, format!("Invalid value `{expression}` in the autoscaler config {PREFIX}excluded.periods: {why}"))
                            .label("invalid period")
                            .help("write a daily range like `22:00:00-23:59:59`, a Quartz cron like `* * 9-17 ? * 2-6`, or `daily && cron`; separate entries with `;`"),
                    );
                }
            }
        }
        if validation.metrics_window_vs_reconcile_interval
            && let Some(w) = lookup(&conf, "metrics.window", &[])
        {
            let interval = conf.get("kubernetes.operator.reconcile.interval");
            let interval_ms = match interval {
                Some(i) => duration_ms(&i.value),
                None => Some(DEFAULT_RECONCILE_MS),
            };
            if let (Some(window), Some(interval_ms)) = (duration_ms(&w.value), interval_ms)
                && window < interval_ms
            {
                let shown = interval.map_or("15 s, the Helm chart's default".to_string(), |i| {
                    i.value.clone()
                });
                let mut f = Finding::new(w.origin(), format!("The autoscaler metric window ({}) must not be smaller than the operator reconcile interval ({shown})", w.value))
                    .label("shorter than the reconcile interval")
                    .help(format!(
                        "set {PREFIX}metrics.window to at least the reconcile interval ({shown})"
                    ));
                if let Some(i) = interval {
                    f = f.also(i.origin(), "reconcile interval");
                }
                out.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_order() {
        assert_eq!(
            option_keys("utilization.target", &["target.utilization"]),
            vec![
                "job.autoscaler.utilization.target",
                "job.autoscaler.target.utilization",
                "kubernetes.operator.job.autoscaler.utilization.target",
                "kubernetes.operator.job.autoscaler.target.utilization",
            ]
        );
    }

    #[test]
    fn daily_expressions() {
        assert!(is_daily("9:30:30-10:50:20"));
        assert!(is_daily("22:00-23:59:59"));
        assert!(is_daily("09:00-17:00"));
        assert!(is_daily("9:00-10:00-"));
        assert!(!is_daily("17:00-09:00"));
        assert!(!is_daily("10:00-10:00"));
        assert!(!is_daily("9:00 - 10:00"));
        assert!(!is_daily("24:00-25:00"));
        assert!(!is_daily("9-10"));
        assert!(!is_daily("9:00"));
        assert!(!is_daily("-9:00-10:00"));
    }

    #[test]
    fn cron_expressions() {
        assert!(is_cron("* * 9-11,14-16 * * ?"));
        assert!(is_cron("* * * ? * 2-6"));
        assert!(is_cron("0 0 12 ? * MON-FRI 2026"));
        assert!(is_cron("0 15 10 L * ?"));
        assert!(is_cron("0 15 10 ? * 6#3"));
        assert!(!is_cron("* * * * *"));
        assert!(!is_cron("* * * * * *"));
        assert!(!is_cron("* * * ? * ?"));
        assert!(!is_cron("? * * * * *"));
        assert!(!is_cron("* * 9-17 ? * 2-6 2026 extra"));
        assert!(!is_cron("* * 9% ? * 2-6"));
    }

    #[test]
    fn excluded_periods() {
        assert_eq!(
            excluded_period_problem("9:30:30-10:50:20 && * * * ? * 2,5"),
            None
        );
        assert_eq!(excluded_period_problem("* * 9-11,14-16 * * ?"), None);
        assert!(excluded_period_problem("9:00-10:00 && 11:00-12:00").is_some());
        assert!(excluded_period_problem("* * 9 * * ? && * * 10 * * ?").is_some());
        assert!(excluded_period_problem("a && b && c").is_some());
        assert!(excluded_period_problem("weekends").is_some());
    }
}
