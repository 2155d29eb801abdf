//! The PrometheusRule (Prometheus operator) with the alerts that say a job is healthy: it runs,
//! it checkpoints, it does not restart in a loop, and it keeps up with its Kafka source. The
//! expressions read Flink's own Prometheus metrics (the names the reporter exports, chosen per
//! Flink version) scoped to the service's namespace, the label the PodMonitor's scrape adds.
//! Thresholds come from the job's spec (the checkpoint alerts from its own interval) and from
//! the `alerts` field (platform defaults, environment defaults, the service); docs/alerts.md
//! says what each alert means and why.
//!
//! Nothing is rendered for a job the spec suspends (its metrics are gone on purpose), or when
//! the platform (`monitoring.alerts: false`) or the spec (`alerts.enabled: false`) turns alerts
//! off. Every `for:` and window outlasts an upgrade: the down alerts wait `alerts.for`, and the
//! checkpoint alerts only look at a job that has been running for their whole window.

use super::context::{Ctx, expand};
use super::promql::{self, namespace_selector, template_literal};
use super::tenancy::object_map;
use crate::diag::Diagnostic;
use crate::flink::duration::{DurationGrammar, parse_duration};
use crate::flink::version::{CHECKPOINT_INTERVAL_KEY, FlinkVersion};
use crate::spec::alerts::{self as defaults, Route, Source};
use crate::spec::fields::{JobState, UpgradeMode};
use crate::tree::{Map, Node, Origin, Sp};
use std::collections::BTreeMap;

/// Where the default runbook links point: the alert's section of docs/alerts.md.
pub const DOCS_URL: &str = "https://github.com/flinkform/flinkform/blob/main/docs/alerts.md";

/// The operator's checkpoint interval for a `last-state` job that sets none
/// (`FlinkConfigBuilder.DEFAULT_CHECKPOINTING_INTERVAL`, operator 1.15).
const OPERATOR_LAST_STATE_INTERVAL_MS: u128 = 300_000;

/// Flink 1.19+ may checkpoint less often while a source reports a backlog.
const BACKLOG_INTERVAL_KEY: &str = "execution.checkpointing.interval-during-backlog";

/// The shortest window a rate is taken over: enough scrapes at a one-minute scrape interval.
const MIN_WINDOW_MS: u128 = 300_000;

/// Every alert flinkform renders, in the order of the rule group.
pub const ALERTS: [Alert; 7] = [
    Alert::JobDown,
    Alert::JobNotRunning,
    Alert::CheckpointsNotCompleting,
    Alert::CheckpointsFailing,
    Alert::CheckpointDurationHigh,
    Alert::JobRestarting,
    Alert::ConsumerLagGrowing,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alert {
    JobDown,
    JobNotRunning,
    CheckpointsNotCompleting,
    CheckpointsFailing,
    CheckpointDurationHigh,
    JobRestarting,
    ConsumerLagGrowing,
}

impl Alert {
    pub fn name(self) -> &'static str {
        match self {
            Alert::JobDown => "FlinkJobDown",
            Alert::JobNotRunning => "FlinkJobNotRunning",
            Alert::CheckpointsNotCompleting => "FlinkCheckpointsNotCompleting",
            Alert::CheckpointsFailing => "FlinkCheckpointsFailing",
            Alert::CheckpointDurationHigh => "FlinkCheckpointDurationHigh",
            Alert::JobRestarting => "FlinkJobRestarting",
            Alert::ConsumerLagGrowing => "FlinkConsumerLagGrowing",
        }
    }

    /// The alert by name (as `explain` takes it; case-insensitive).
    pub fn find(name: &str) -> Option<Alert> {
        ALERTS
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }

    /// What the alert means, the metrics behind it and why it is built the way it is: the
    /// text of `flinkform explain <alert>` and of its section in docs/alerts.md (a test keeps
    /// the two the same).
    pub fn explain(self) -> &'static str {
        match self {
            Alert::JobDown => {
                "\
The job exports no metrics: `absent(flink_jobmanager_job_runningTime{namespace=\"<service>\"})`
for `alerts.for` (default 15m). Flink registers the job's metrics while the job exists and drops
them when it ends (finished, failed, cancelled), and they vanish too when the JobManager pod is
gone or Prometheus no longer scrapes it (PodMonitor not selected, NetworkPolicy, reporter off).
`alerts.for` outlasts an upgrade or a blue/green switch, which replace the pods for a few
minutes. Pages by default in environments that require HA (production), otherwise notifies."
            }
            Alert::JobNotRunning => {
                "\
The job exists but is not RUNNING: `flink_jobmanager_job_runningTime` (milliseconds in RUNNING,
0 in any other state; `uptime` before Flink 1.15) is 0 for `alerts.for` (default 15m): stuck in
CREATED or INITIALIZING waiting for TaskManagers or slots, or RESTARTING/FAILING for that long.
Pages by default in environments that require HA (production), otherwise notifies."
            }
            Alert::CheckpointsNotCompleting => {
                "\
No checkpoint completed for `alerts.missedCheckpoints` (default 3) of the job's own checkpoint
intervals (at least 5 minutes, so that a one-minute scrape gives the rate enough samples):
`increase(flink_jobmanager_job_numberOfCompletedCheckpoints[window]) == 0`, only while the job
has been RUNNING for the whole window (the counter restarts at 0 with every JobManager, so an
upgrade or a restart does not fire it). The interval is the job's `execution.checkpointing.interval`
(the configuration wins over `checkpointing.interval`, as in the FlinkDeployment), the
operator's 5 minutes for a `last-state` job that sets none, and `interval-during-backlog` where
that is longer. A job that does not checkpoint has no checkpoint alerts. Notifies the team."
            }
            Alert::CheckpointsFailing => {
                "\
At least `alerts.failedCheckpoints` (default 2) checkpoints failed within the same window:
`increase(flink_jobmanager_job_numberOfFailedCheckpoints[window])`. A failure now and then is
normal (a timeout under a spike); failures in a row leave the job without a recent restore point
and, past `execution.checkpointing.tolerable-failed-checkpoints`, fail it. Notifies the team."
            }
            Alert::CheckpointDurationHigh => {
                "\
The last checkpoint took more than `alerts.checkpointDurationPercent` (default 80) percent of the
checkpoint interval, for the whole window: `flink_jobmanager_job_lastCheckpointDuration` (ms;
-1 before the first checkpoint, which never fires). Checkpoints that take nearly the interval
soon run back to back and then time out. Notifies the team."
            }
            Alert::JobRestarting => {
                "\
The job restarted more than `alerts.restarts` (default 3) times within `alerts.restartWindow`
(default 15m): `increase(flink_jobmanager_job_numRestarts[window])`. Flink's default restart
strategies (fixed-delay, from 1.19 exponential-delay) retry forever, so a crash loop shows only
here. The gauge restarts at 0 with a new JobManager; `increase` takes that as a reset, so an
upgrade does not fire it. Notifies the team."
            }
            Alert::ConsumerLagGrowing => {
                "\
Only for a job that declares `sources: [kafka]`. The records its Kafka source has not read yet
exceed `alerts.lagRecords` (default 100000) and have kept growing for `alerts.lagFor` (default
15m): the recording rule `namespace:flink_taskmanager_job_task_operator_pendingRecords:sum` sums
the source's standard FLIP-33 `pendingRecords` over its subtasks (Flink 1.14+; before, the Kafka
client's `records_lag_max`, with `max`), and the alert takes `deriv` over `lagFor`. The
`KafkaSource` sets `pendingRecords` to the sum of its consumer's per-partition `records-lag`
(`KafkaSourceReaderMetrics#maybeAddRecordsLagMetric`, FLINK-23801) the same way in the connector
bundled with Flink 1.14–1.16 and in the external connector (v3.0.0–v5.0.0), so one name serves
every Flink version flinkform supports. The metric appears only once the source has read from a
partition. Notifies the team."
            }
        }
    }

    /// Whether the alert pages by default (where the environment pages at all): a job that is
    /// down or not running. The others tell the owning team.
    fn pages(self) -> bool {
        matches!(self, Alert::JobDown | Alert::JobNotRunning)
    }
}

/// The metric that says the job is running: milliseconds in RUNNING, 0 in any other state,
/// gone once the job ended. `runningTime` from Flink 1.15 (FLINK-23976), which deprecated
/// `uptime`; before, `uptime` (same values).
pub fn running_metric(version: Option<FlinkVersion>) -> &'static str {
    match version {
        Some(v) if v < FlinkVersion::new(1, 15) => "flink_jobmanager_job_uptime",
        _ => "flink_jobmanager_job_runningTime",
    }
}

/// The source's backlog and how it is summed over subtasks: FLIP-33's `pendingRecords` from
/// Flink 1.14 (FLINK-23801); before, the Kafka consumer's own `records-lag-max`.
pub fn lag_metric(version: Option<FlinkVersion>) -> (&'static str, &'static str) {
    match version {
        Some(v) if v < FlinkVersion::new(1, 14) => (
            "flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max",
            "max",
        ),
        _ => ("flink_taskmanager_job_task_operator_pendingRecords", "sum"),
    }
}

/// One rule of the group, before labels and annotations.
struct Rule {
    alert: Alert,
    expr: String,
    for_: Option<String>,
    summary: String,
    description: String,
}

/// The PrometheusRule of the service, or `None` when there is nothing to alert on.
pub fn build(ctx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) -> Option<Node> {
    let spec = &ctx.resolved.spec;
    let settings = &spec.alerts;
    if !ctx.platform.monitoring.alerts
        || settings.enabled.as_ref().is_some_and(|e| !e.value)
        || spec.job.state.as_ref().map(|s| s.value) == Some(JobState::Suspended)
    {
        return None;
    }
    let mut rules = Vec::new();
    let recording = lag_recording(ctx);
    let mut routed = Vec::new();
    for rule in alert_rules(
        ctx,
        recording.as_ref().map(|(name, _)| name.as_str()),
        diags,
    ) {
        let route = route(ctx, rule.alert);
        if route != Route::Off {
            routed.push((rule, route));
        }
    }
    if routed.is_empty() {
        return None;
    }
    if let Some((record, expr)) = &recording
        && routed
            .iter()
            .any(|(r, _)| r.alert == Alert::ConsumerLagGrowing)
    {
        let mut m = Map::new();
        m.insert("record", Node::str(record.clone(), Origin::NONE));
        m.insert("expr", Node::str(expr.clone(), Origin::NONE));
        rules.push(Node::map(m, Origin::NONE));
    }
    // Every rule of a route has the same labels: built once per route.
    let mut by_route: Vec<(Route, Node)> = Vec::new();
    for (rule, route) in routed {
        let labels = match by_route.iter().find(|(r, _)| *r == route) {
            Some((_, l)) => l.clone(),
            None => {
                let l = route_labels(ctx, route);
                by_route.push((route, l.clone()));
                l
            }
        };
        match alert_node(ctx, rule, labels) {
            Ok(n) => rules.push(n),
            Err(d) => {
                diags.push(d);
                return None;
            }
        }
    }
    let mut group = Map::new();
    group.insert(
        "name",
        Node::str(format!("flinkform.{}", ctx.name), Origin::NONE),
    );
    group.insert("rules", Node::seq(rules, Origin::NONE));
    let mut spec_map = Map::new();
    spec_map.insert(
        "groups",
        Node::seq(vec![Node::map(group, Origin::NONE)], Origin::NONE),
    );
    let mut meta = ctx.metadata(ctx.name);
    if let Some(labels) = meta.get_mut("labels").and_then(Node::as_map_mut) {
        for (k, v) in &ctx.platform.monitoring.rule_labels {
            labels.insert(k.clone(), Node::str(v.clone(), Origin::NONE));
        }
    }
    let mut m = object_map("monitoring.coreos.com/v1", "PrometheusRule", meta);
    m.insert("spec", Node::map(spec_map, Origin::NONE));
    Some(Node::map(m, Origin::NONE))
}

/// Where an alert goes: the spec's `alerts.route`, else page for the alerts that page in an
/// environment that requires HA (production, by default), notify otherwise.
fn route(ctx: &Ctx<'_>, alert: Alert) -> Route {
    if let Some(r) = ctx.resolved.spec.alerts.route.get(alert.name()) {
        return r.value;
    }
    if alert.pages() && ctx.env.require_ha.value {
        Route::Page
    } else {
        Route::Notify
    }
}

/// The job's Flink version, as far as metric names go.
fn version(ctx: &Ctx<'_>) -> Option<FlinkVersion> {
    ctx.resolved
        .spec
        .flink_version
        .as_ref()
        .and_then(|v| FlinkVersion::parse(&v.value))
}

/// The recording rule the lag alert reads (`namespace:<metric>:<sum|max>`, Prometheus's
/// `level:metric:operations` convention), when the job declares a Kafka source.
fn lag_recording(ctx: &Ctx<'_>) -> Option<(String, String)> {
    let spec = &ctx.resolved.spec;
    if !spec.sources.iter().any(|s| s.value == Source::Kafka) {
        return None;
    }
    let (metric, op) = lag_metric(version(ctx));
    let sel = namespace_selector(ctx.namespace());
    Some((
        format!("namespace:{metric}:{op}"),
        format!("{op} by (namespace) ({metric}{sel})"),
    ))
}

/// A spec duration of the `alerts` field, or its default, in milliseconds. One too long for
/// Flink is too long for Prometheus as well: `u128::MAX`, which the caller reports.
fn setting_ms(value: &Option<Sp<String>>, default: &str) -> (u128, Origin) {
    let (text, origin) = value
        .as_ref()
        .map_or((default, Origin::NONE), |v| (v.value.as_str(), v.origin));
    let ms = match crate::limits::spec_duration_ms(text) {
        Some(Ok(ms)) => ms,
        Some(Err(_)) => u128::MAX,
        // Not a spec duration: the schema has reported it already.
        None => 0,
    };
    (ms, origin)
}

fn int_setting(value: &Option<Sp<i64>>, default: i64) -> i64 {
    value.as_ref().map_or(default, |v| v.value)
}

/// The job's checkpoint interval in milliseconds, with where it was set: the
/// `execution.checkpointing.interval` of its configuration (which wins over the spec's, as in
/// the FlinkDeployment), else `checkpointing.interval`, else the operator's 5 minutes for a
/// `last-state` job. At least `interval-during-backlog` where that is longer. `None`: the job
/// does not checkpoint (or the value is unreadable, which `checkpointing-enabled` reports).
fn checkpoint_interval(ctx: &Ctx<'_>) -> Option<(u128, Origin)> {
    let spec = &ctx.resolved.spec;
    let config = |key: &str| {
        spec.flink_configuration
            .as_ref()
            .and_then(|c| c.get(key))
            .and_then(|n| Some((n.as_str()?.to_string(), n.origin)))
    };
    // Flink's own reading of a configured duration, by the job's version.
    let flink_ms = |key: &str, text: &str| {
        let grammar = DurationGrammar::for_key(key, version(ctx));
        parse_duration(text, grammar).ok().map(|d| d.millis())
    };
    let (ms, origin) = if let Some((text, origin)) = config(CHECKPOINT_INTERVAL_KEY) {
        (flink_ms(CHECKPOINT_INTERVAL_KEY, &text)?, origin)
    } else if let Some(i) = &spec.checkpointing.interval {
        (crate::limits::spec_duration_ms(&i.value)?.ok()?, i.origin)
    } else if spec.job.upgrade_mode.as_ref().map(|m| m.value) == Some(UpgradeMode::LastState) {
        (OPERATOR_LAST_STATE_INTERVAL_MS, Origin::NONE)
    } else {
        return None;
    };
    if ms == 0 {
        return None;
    }
    let backlog = config(BACKLOG_INTERVAL_KEY)
        .and_then(|(t, o)| Some((flink_ms(BACKLOG_INTERVAL_KEY, &t)?, o)))
        .filter(|(b, _)| *b > ms);
    Some(backlog.unwrap_or((ms, origin)))
}

fn too_long(what: &str, ms: u128, origin: Origin) -> Diagnostic {
    let shown = if ms == u128::MAX {
        String::new()
    } else {
        format!(" ({ms} ms)")
    };
    Diagnostic::error(
        crate::policy::RuleId::Schema,
        format!(
            "the {what}{shown} is longer than Prometheus can hold ({} ms): its alerts are not rendered",
            promql::MAX_DURATION_MS
        ),
    )
    .at_opt(origin.span(), "sets it")
    .with_help("shorten the duration (alerts read durations as 64-bit nanoseconds)")
}

fn alert_rules(ctx: &Ctx<'_>, lag_record: Option<&str>, diags: &mut Vec<Diagnostic>) -> Vec<Rule> {
    let spec = &ctx.resolved.spec;
    let a = &spec.alerts;
    let sel = namespace_selector(ctx.namespace());
    let running = running_metric(version(ctx));
    // Summaries and descriptions are Go templates (`$value`); the service name is text.
    let svc = template_literal(ctx.name);
    let svc = svc.as_str();
    let mut out = Vec::new();
    let mut duration = |what: &str, ms: u128, origin: Origin| {
        let d = promql::duration(ms);
        if d.is_none() {
            diags.push(too_long(what, ms, origin));
        }
        d
    };

    let (down_ms, down_origin) = setting_ms(&a.for_, defaults::DEFAULT_FOR);
    if let Some(down) = duration("`alerts.for` duration", down_ms, down_origin) {
        out.push(Rule {
            alert: Alert::JobDown,
            expr: format!("absent({running}{sel})"),
            for_: Some(down.clone()),
            summary: format!("Flink job {svc} exports no metrics"),
            description: format!(
                "No job metrics of {svc} reached Prometheus for {down}: the job ended or failed, its JobManager is gone, or the scrape (PodMonitor) broke."
            ),
        });
        out.push(Rule {
            alert: Alert::JobNotRunning,
            expr: format!("max by (namespace) ({running}{sel}) == 0"),
            for_: Some(down.clone()),
            summary: format!("Flink job {svc} is not running"),
            description: format!(
                "The job of {svc} has not been in state RUNNING for {down} (it is created, restarting, failing or waiting for TaskManagers)."
            ),
        });
    }

    if let Some((interval_ms, interval_origin)) = checkpoint_interval(ctx) {
        let missed = int_setting(&a.missed_checkpoints, defaults::DEFAULT_MISSED_CHECKPOINTS);
        let window_ms = interval_ms
            .saturating_mul(u128::try_from(missed).unwrap_or(1))
            .max(MIN_WINDOW_MS);
        if let Some(window) = duration("checkpoint alert window", window_ms, interval_origin) {
            let interval =
                promql::duration(interval_ms).unwrap_or_else(|| format!("{interval_ms}ms"));
            let started =
                format!("and on (namespace) max by (namespace) ({running}{sel}) > {window_ms}");
            out.push(Rule {
                alert: Alert::CheckpointsNotCompleting,
                expr: format!(
                    "max by (namespace) (increase(flink_jobmanager_job_numberOfCompletedCheckpoints{sel}[{window}])) == 0 {started}"
                ),
                for_: None,
                summary: format!("Flink job {svc} completed no checkpoint in {window}"),
                description: format!(
                    "The job of {svc} checkpoints every {interval} but completed no checkpoint in the last {window} (at least {missed} intervals) while running: on a restart it would reprocess everything since its last checkpoint."
                ),
            });
            let failed = int_setting(&a.failed_checkpoints, defaults::DEFAULT_FAILED_CHECKPOINTS);
            out.push(Rule {
                alert: Alert::CheckpointsFailing,
                expr: format!(
                    "max by (namespace) (increase(flink_jobmanager_job_numberOfFailedCheckpoints{sel}[{window}])) >= {failed}"
                ),
                for_: None,
                summary: format!("Flink job {svc} has failing checkpoints"),
                description: format!(
                    "{{{{ $value | printf \"%.0f\" }}}} checkpoints of {svc} failed in the last {window} (alerting from {failed})."
                ),
            });
            let percent = int_setting(
                &a.checkpoint_duration_percent,
                defaults::DEFAULT_CHECKPOINT_DURATION_PERCENT,
            );
            let limit_ms = interval_ms.saturating_mul(u128::try_from(percent).unwrap_or(0)) / 100;
            out.push(Rule {
                alert: Alert::CheckpointDurationHigh,
                expr: format!(
                    "max by (namespace) (flink_jobmanager_job_lastCheckpointDuration{sel}) > {limit_ms}"
                ),
                for_: Some(window.clone()),
                summary: format!("Flink job {svc}'s checkpoints take most of the interval"),
                description: format!(
                    "The last checkpoint of {svc} took {{{{ $value | printf \"%.0f\" }}}} ms, more than {percent}% of its {interval} interval, for {window}: checkpoints will soon run back to back or time out."
                ),
            });
        }
    }

    let restarts = int_setting(&a.restarts, defaults::DEFAULT_RESTARTS);
    let (restart_ms, restart_origin) =
        setting_ms(&a.restart_window, defaults::DEFAULT_RESTART_WINDOW);
    if let Some(window) = duration(
        "`alerts.restartWindow` duration",
        restart_ms,
        restart_origin,
    ) {
        out.push(Rule {
            alert: Alert::JobRestarting,
            expr: format!(
                "max by (namespace) (increase(flink_jobmanager_job_numRestarts{sel}[{window}])) > {restarts}"
            ),
            for_: None,
            summary: format!("Flink job {svc} is restarting"),
            description: format!(
                "The job of {svc} restarted {{{{ $value | printf \"%.0f\" }}}} times in the last {window} (alerting above {restarts}); Flink's default restart strategies retry forever, so a crash loop shows only here."
            ),
        });
    }

    if let Some(record) = lag_record {
        let records = int_setting(&a.lag_records, defaults::DEFAULT_LAG_RECORDS);
        let (lag_ms, lag_origin) = setting_ms(&a.lag_for, defaults::DEFAULT_LAG_FOR);
        if let Some(window) = duration("`alerts.lagFor` duration", lag_ms, lag_origin) {
            out.push(Rule {
                alert: Alert::ConsumerLagGrowing,
                expr: format!(
                    "{record}{sel} > {records} and deriv({record}{sel}[{window}]) > 0"
                ),
                for_: Some(window.clone()),
                summary: format!("Flink job {svc} is falling behind its Kafka source"),
                description: format!(
                    "{{{{ $value | humanize }}}} records of {svc}'s Kafka source are not read yet, more than {records}, and the backlog has been growing for {window}."
                ),
            });
        }
    }
    out
}

/// The labels of a rule with `route`: the spec's extra labels, then the route's, then
/// flinkform's own, which win. The same for every rule of a route.
fn route_labels(ctx: &Ctx<'_>, route: Route) -> Node {
    let a = &ctx.resolved.spec.alerts;
    let r = ctx.resolved;
    let mut labels: BTreeMap<String, (String, Origin)> = BTreeMap::new();
    for (k, v) in &a.labels {
        labels.insert(k.clone(), (v.value.clone(), v.origin));
    }
    let route_labels = match route {
        Route::Page => a.page_labels.as_ref(),
        _ => a.notify_labels.as_ref(),
    };
    match route_labels {
        Some(m) => {
            for (k, v) in m {
                labels.insert(k.clone(), (v.value.clone(), v.origin));
            }
        }
        None => {
            let severity = if route == Route::Page {
                "critical"
            } else {
                "warning"
            };
            labels.insert("severity".into(), (severity.into(), Origin::NONE));
        }
    }
    labels.insert(
        "team".into(),
        (r.service.team.value.clone(), r.service.team.origin),
    );
    labels.insert(
        "service".into(),
        (ctx.name.to_string(), r.service.name.origin),
    );
    labels.insert("environment".into(), (r.env.value.clone(), r.env.origin));
    let mut label_map = Map::new();
    for (k, (v, origin)) in labels {
        label_map.insert(k, Node::str(template_literal(&v), origin));
    }
    Node::map(label_map, Origin::NONE)
}

/// The rule's node: expression, `for:`, its route's `labels` ([`route_labels`]) and
/// annotations. Values from specs are template-escaped.
fn alert_node(ctx: &Ctx<'_>, rule: Rule, labels: Node) -> Result<Node, Diagnostic> {
    let a = &ctx.resolved.spec.alerts;
    let r = ctx.resolved;
    let runbook = match &a.runbook_url {
        Some(t) => {
            let vars = [
                ("alert", rule.alert.name()),
                ("service", ctx.name),
                ("team", r.service.team.value.as_str()),
                ("env", r.env.value.as_str()),
                ("cluster", r.cluster.value.as_str()),
            ];
            expand(t, &vars).map_err(|d| {
                d.with_help("placeholders are {alert}, {service}, {team}, {env} and {cluster}")
            })?
        }
        None => Sp::made(format!(
            "{DOCS_URL}#{}",
            rule.alert.name().to_ascii_lowercase()
        )),
    };
    let mut annotations = Map::new();
    annotations.insert("description", Node::str(rule.description, Origin::NONE));
    annotations.insert(
        "runbook_url",
        Node::str(template_literal(&runbook.value), runbook.origin),
    );
    annotations.insert("summary", Node::str(rule.summary, Origin::NONE));

    let mut m = Map::new();
    m.insert("alert", Node::str(rule.alert.name(), Origin::NONE));
    m.insert("expr", Node::str(rule.expr, Origin::NONE));
    if let Some(f) = rule.for_ {
        m.insert("for", Node::str(f, Origin::NONE));
    }
    m.insert("labels", labels);
    m.insert("annotations", Node::map(annotations, Origin::NONE));
    Ok(Node::map(m, Origin::NONE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(major: u32, minor: u32) -> Option<FlinkVersion> {
        Some(FlinkVersion::new(major, minor))
    }

    #[test]
    fn metric_names_follow_the_flink_version() {
        assert_eq!(running_metric(v(1, 14)), "flink_jobmanager_job_uptime");
        for version in [v(1, 15), v(1, 20), v(2, 0), v(2, 1), None] {
            assert_eq!(running_metric(version), "flink_jobmanager_job_runningTime");
        }
        assert_eq!(
            lag_metric(v(1, 13)),
            (
                "flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max",
                "max"
            )
        );
        for version in [v(1, 14), v(1, 20), v(2, 1), None] {
            assert_eq!(
                lag_metric(version),
                ("flink_taskmanager_job_task_operator_pendingRecords", "sum")
            );
        }
    }

    #[test]
    fn alerts_are_found_by_name_in_any_case() {
        for a in ALERTS {
            assert_eq!(Alert::find(a.name()), Some(a));
            assert_eq!(Alert::find(&a.name().to_ascii_lowercase()), Some(a));
            assert!(a.explain().ends_with('.'), "{}", a.name());
        }
        assert_eq!(Alert::find("FlinkJobDwn"), None);
    }

    #[test]
    fn durations_too_long_for_flink_are_reported_not_zero() {
        let (ms, _) = setting_ms(&Some(Sp::made("99999999999999999999h".into())), "15m");
        assert_eq!(promql::duration(ms), None);
        let (ms, _) = setting_ms(&None, "15m");
        assert_eq!(ms, 900_000);
    }
}
