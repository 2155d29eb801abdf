use crate::facts::view::Kind;
use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// Jobs expose Prometheus metrics, and flinkform's output scrapes them.
    ///
    /// ## What it checks
    /// A FlinkDeployment configures a reporter with
    /// `metrics.reporter.<name>.factory.class:
    /// org.apache.flink.metrics.prometheus.PrometheusReporterFactory` (or the pre-1.16
    /// `metrics.reporter.<name>.class: …PrometheusReporter`), and, when `metrics.reporters`
    /// restricts the active reporters, that list includes it. Where flinkform renders the job,
    /// a PodMonitor must be among its objects (`lint` cannot know, and does not ask).
    ///
    /// ## Why
    /// Without metrics nobody sees backpressure, checkpoint failures or a growing consumer lag
    /// until the job falls over; custom counters from the job's code are invisible too.
    ///
    /// ## Example
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkConfiguration:
    ///     metrics.reporter.prom.factory.class: null # not set
    ///     metrics.reporter.prom.port: null # not set
    ///     metrics.reporter.jmx.factory.class: org.apache.flink.metrics.jmx.JMXReporterFactory
    /// ```
    ///
    /// ## Fix
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
    ///     metrics.reporter.prom.port: "9249"
    /// ```
    /// flinkform configures the reporter and renders the PodMonitor for every service.
    ///
    /// A service spec cannot make this rule fire: flinkform configures the Prometheus reporter
    /// and a PodMonitor for every service.
    pub struct MetricsEnabled {
        name: "metrics-enabled", severity: Error, category: Policy, kinds: [Deployment],
        spec: false,
    }
}

const FACTORY: &str = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
const LEGACY_CLASS: &str = "org.apache.flink.metrics.prometheus.PrometheusReporter";

impl Rule for MetricsEnabled {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        if v.kind() != Kind::Deployment {
            return;
        }
        // Reporter names whose class is Prometheus's.
        let prometheus: Vec<&str> = v
            .conf()
            .iter()
            .filter_map(|e| {
                let name = e.key.strip_prefix("metrics.reporter.")?;
                let (name, field) = name.rsplit_once('.')?;
                let is_prom = (field == "class" && e.value.trim() == LEGACY_CLASS)
                    || (e.key.ends_with(".factory.class") && e.value.trim() == FACTORY);
                is_prom.then(|| name.trim_end_matches(".factory"))
            })
            .collect();
        let active = v.get("metrics.reporters");
        let enabled = match active {
            Some(list) => prometheus
                .iter()
                .any(|p| list.value.split([',', ';']).any(|a| a.trim() == *p)),
            None => !prometheus.is_empty(),
        };
        if !enabled {
            let at = active.map_or_else(|| t.anchor(&["flinkConfiguration"]), |e| e.origin());
            let message = match (active, prometheus.first()) {
                (Some(_), Some(p)) => format!(
                    "the Prometheus reporter `{p}` is configured but not in metrics.reporters"
                ),
                _ => "no Prometheus metrics reporter is configured".to_string(),
            };
            out.push(
                Finding::new(at, message)
                    .label("metrics")
                    .help(format!("set metrics.reporter.prom.factory.class: {FACTORY} and metrics.reporter.prom.port: \"9249\"")),
            );
        }
        if t.is_render() && !t.has_neighbour("PodMonitor") {
            out.push(
                Finding::new(t.blame, "no PodMonitor scrapes this job")
                    .label("not scraped")
                    .help(
                        "flinkform renders a PodMonitor for every service; this is a flinkform bug",
                    ),
            );
        }
    }
}
