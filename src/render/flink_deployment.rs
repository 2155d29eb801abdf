//! The FlinkDeployment: application mode, one job, for the operator version the platform runs.
//!
//! What flinkform decides (and why):
//! * memory: the spec's one quantity becomes `resource.memory` as a Kubernetes binary quantity
//!   (`8Gi`, `8000Mi`: `spec_memory::canonical_memory`), which Flink's parser rejects, so the operator
//!   reads it as Kubernetes does. Flink's process size, the pod's request and its limit are then
//!   the same number, and a reader who takes the string for a Kubernetes quantity is right
//!   (Flink's own `8000m` would be 8 bytes to Kubernetes). No second process-size key and no
//!   limit factor are written. On operators after 1.15 the `resources` field carries the same
//!   quantity as request and limit (limit ÷ request, the operator's limit factor, is 1), and
//!   CPU as a Kubernetes quantity (`500m`: the field is int-or-string).
//! * the JVM DNS cache is disabled for both JVMs by appending `-Dsun.net.inetaddr.ttl=0
//!   -Dsun.net.inetaddr.negative.ttl=0` to `env.java.opts.jobmanager` / `.taskmanager`, after
//!   what the service set there (a flag the service sets itself is left alone). Never
//!   `env.java.opts.all` or `env.java.default-opts.*`, which would replace the operator's JDK 17
//!   module flags.
//! * checkpoint, savepoint and HA directories come from the platform's storage templates, under
//!   the key names of the service's Flink version; HA is on where the service asks for it or,
//!   if it says nothing, where the environment requires it.
//! * the Prometheus reporter is always configured; the PodMonitor scrapes its port.
//! * values in `flinkConfiguration` set by the service win over the ones flinkform derives:
//!   the policy then judges what will actually run.

use super::context::Ctx;
use super::pod_template;
use crate::diag::Diagnostic;
use crate::facts::dialect::APACHE_API_VERSION;
use crate::flink::operator_keys::{PERIODIC_SAVEPOINT_INTERVAL, SAVEPOINT_ON_DELETION};
use crate::flink::spec_memory;
use crate::flink::version::{CHECKPOINT_INTERVAL_KEY, FlinkVersion, HA_STORAGE_KEY};
use crate::spec::fields::JobState;
use crate::tree::{Entry, Map, Node, Origin, Sp, Value};

pub const DNS_FLAGS: [(&str, &str); 2] = [
    ("sun.net.inetaddr.ttl", "0"),
    ("sun.net.inetaddr.negative.ttl", "0"),
];
pub const PROMETHEUS_FACTORY: &str =
    "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

pub fn build(ctx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) -> Node {
    let spec = &ctx.resolved.spec;
    let version = spec
        .flink_version
        .as_ref()
        .and_then(|v| FlinkVersion::parse(&v.value).map(|f| Sp::new(f, v.origin)));

    let mut s = Map::new();
    if let Some(image) = &spec.image {
        s.insert("image", Node::str(image.value.clone(), image.origin));
    }
    if let Some(p) = &spec.image_pull_policy {
        s.insert("imagePullPolicy", Node::str(p.value.clone(), p.origin));
    }
    if let Some(v) = &version {
        s.insert(
            "flinkVersion",
            Node::str(v.value.operator_label(), v.origin),
        );
    }
    s.insert("serviceAccount", ctx.name_node());
    s.insert("mode", Node::str("native", Origin::NONE));
    s.insert(
        "flinkConfiguration",
        flink_configuration(ctx, version.as_ref().map(|v| v.value), diags),
    );
    s.insert("jobManager", job_manager(ctx));
    s.insert("taskManager", task_manager(ctx));
    if let Some(pt) = pod_template::build(ctx) {
        s.insert("podTemplate", pt);
    }
    if let Some(ingress) = spec.ingress.as_ref().filter(|i| !i.is_null()) {
        s.insert("ingress", ingress.clone());
    }
    if !spec.log_configuration.is_empty() {
        let mut m = Map::new();
        for (k, v) in &spec.log_configuration {
            m.insert(k.clone(), Node::str(v.value.clone(), v.origin));
        }
        s.insert("logConfiguration", Node::map(m, Origin::NONE));
    }
    s.insert("job", job(ctx));

    let mut obj = Map::new();
    obj.insert("apiVersion", Node::str(APACHE_API_VERSION, Origin::NONE));
    obj.insert("kind", Node::str("FlinkDeployment", Origin::NONE));
    obj.insert("metadata", Node::map(ctx.metadata(ctx.name), Origin::NONE));
    obj.insert("spec", Node::map(s, Origin::NONE));
    Node::map(obj, Origin::NONE)
}

fn put(m: &mut Map, key: &str, value: impl Into<String>, origin: Origin) {
    m.insert(key, Node::str(value, origin));
}

fn flink_configuration(
    ctx: &Ctx<'_>,
    version: Option<FlinkVersion>,
    diags: &mut Vec<Diagnostic>,
) -> Node {
    let spec = &ctx.resolved.spec;
    let platform = ctx.platform;
    let mut c = Map::new();
    if let Some(slots) = &spec.task_manager.slots {
        put(
            &mut c,
            "taskmanager.numberOfTaskSlots",
            slots.value.to_string(),
            slots.origin,
        );
    }
    if let (Some(v), Some(sb)) = (version, &spec.state_backend) {
        put(&mut c, v.state_backend_key(), sb.value.as_str(), sb.origin);
    }
    let cp = &spec.checkpointing;
    if let Some(i) = &cp.interval {
        put(&mut c, CHECKPOINT_INTERVAL_KEY, i.value.clone(), i.origin);
    }
    if let Some(m) = &cp.mode {
        put(
            &mut c,
            "execution.checkpointing.mode",
            m.value.flink_value(),
            m.origin,
        );
    }
    if let Some(t) = &cp.timeout {
        put(
            &mut c,
            "execution.checkpointing.timeout",
            t.value.clone(),
            t.origin,
        );
    }
    if let Some(p) = &cp.min_pause {
        put(
            &mut c,
            "execution.checkpointing.min-pause",
            p.value.clone(),
            p.origin,
        );
    }
    if let (Some(v), Some(inc)) = (version, &cp.incremental) {
        put(
            &mut c,
            v.incremental_key(),
            inc.value.to_string(),
            inc.origin,
        );
    }
    let storage = &ctx.env.storage;
    let mut dir = |c: &mut Map, key: Option<&str>, template: &Option<Sp<String>>| {
        if let (Some(key), Some(t)) = (key, template) {
            match ctx.expand(t) {
                Ok(v) => put(c, key, v.value, v.origin),
                Err(d) => diags.push(d),
            }
        }
    };
    dir(
        &mut c,
        version.map(FlinkVersion::checkpoint_dir_key),
        &storage.checkpoints,
    );
    dir(
        &mut c,
        version.map(FlinkVersion::savepoint_dir_key),
        &storage.savepoints,
    );
    let ha = spec
        .high_availability
        .clone()
        .unwrap_or_else(|| ctx.env.require_ha.clone());
    if ha.value {
        if let Some(v) = version {
            put(&mut c, v.ha_type_key(), "kubernetes", ha.origin);
        }
        dir(&mut c, Some(HA_STORAGE_KEY), &storage.high_availability);
    }
    put(
        &mut c,
        "metrics.reporter.prom.factory.class",
        PROMETHEUS_FACTORY,
        Origin::NONE,
    );
    put(
        &mut c,
        "metrics.reporter.prom.port",
        platform.monitoring.port.to_string(),
        Origin::NONE,
    );
    if let Some(i) = &spec.savepoints.interval {
        put(
            &mut c,
            PERIODIC_SAVEPOINT_INTERVAL,
            i.value.clone(),
            i.origin,
        );
    }
    // A stateful job is stopped with a savepoint when Flux prunes its FlinkDeployment (a
    // deleted or renamed spec), not cancelled with its HA metadata: the operator's default is
    // false, and flinkform cannot see the operator's own configuration. The service's
    // configuration may still say `false`.
    if let Some(mode) = spec
        .job
        .upgrade_mode
        .as_ref()
        .filter(|m| m.value.keeps_state())
    {
        put(&mut c, SAVEPOINT_ON_DELETION, "true", mode.origin);
    }
    // The service's own configuration, as strings (Flink reads every value as text). Its keys
    // are unique (a mapping), so only the few flinkform derived above can be replaced: a
    // configuration of thousands of keys costs linear time, not a search per key.
    if let Some(Value::Map(user)) = spec.flink_configuration.as_ref().map(|n| &n.value) {
        let derived: std::collections::HashSet<String> = c.keys().map(str::to_string).collect();
        for e in user.iter() {
            if let Some(text) = e.value.scalar_text() {
                let value = Node::str(text, e.value.origin);
                if derived.contains(&e.key) {
                    c.insert_with_origin(e.key.clone(), e.key_origin, value);
                } else {
                    c.push(Entry {
                        key: e.key.clone(),
                        key_origin: e.key_origin,
                        value,
                    });
                }
            }
        }
    }
    for key in ["env.java.opts.jobmanager", "env.java.opts.taskmanager"] {
        let (current, origin) = c
            .get(key)
            .and_then(|n| n.as_str().map(|s| (s.to_string(), n.origin)))
            .unwrap_or_default();
        put(&mut c, key, with_dns_flags(&current), origin);
    }
    Node::map(c, Origin::NONE)
}

/// JVM options with the DNS-cache flags added unless already set.
pub fn with_dns_flags(opts: &str) -> String {
    let mut out = opts.trim().to_string();
    for (prop, value) in DNS_FLAGS {
        let already = opts.split_whitespace().any(|o| {
            o.strip_prefix("-D")
                .is_some_and(|d| d.split('=').next() == Some(prop))
        });
        if !already {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("-D{prop}={value}"));
        }
    }
    out
}

fn resource(
    ctx: &Ctx<'_>,
    cpu: Option<&Sp<crate::spec::fields::Cpu>>,
    memory: Option<&Sp<String>>,
) -> (&'static str, Node) {
    // One spelling for both fields, which Flink, the operator and Kubernetes all read as the
    // same bytes (see `spec_memory::canonical_memory`); a value the spec does not accept is the
    // schema's finding, and is left out rather than written in a form nobody checked.
    let memory = memory.and_then(|m| {
        spec_memory::parse_spec_memory(&m.value)
            .ok()
            .and_then(spec_memory::canonical_memory)
            .map(|text| Node::str(text, m.origin))
    });
    let resources = ctx.platform.operator.has_resources_field();
    let cpu = cpu.map(|c| match crate::limits::cpu_millicores(c.value.0) {
        // `resources` holds Kubernetes quantities (int or string): `0.5` is `500m` there.
        Ok(millis) if resources => Node::str(super::quota::cpu_quantity(millis), c.origin),
        _ => Node::new(Value::Float(c.value.0), c.origin),
    });
    let mut amounts = Map::new();
    if let Some(c) = cpu {
        amounts.insert("cpu", c);
    }
    if let Some(m) = memory {
        amounts.insert("memory", m);
    }
    if resources {
        let mut r = Map::new();
        r.insert("requests", Node::map(amounts.clone(), Origin::NONE));
        r.insert("limits", Node::map(amounts, Origin::NONE));
        ("resources", Node::map(r, Origin::NONE))
    } else {
        ("resource", Node::map(amounts, Origin::NONE))
    }
}

fn job_manager(ctx: &Ctx<'_>) -> Node {
    let jm = &ctx.resolved.spec.job_manager;
    let mut m = Map::new();
    let (key, res) = resource(ctx, jm.cpu.as_ref(), jm.memory.as_ref());
    m.insert(key, res);
    if let Some(r) = &jm.replicas {
        m.insert("replicas", Node::int(r.value, r.origin));
    }
    if let Some(pt) = jm.pod_template.as_ref().filter(|p| !p.is_null()) {
        m.insert("podTemplate", pt.clone());
    }
    Node::map(m, Origin::NONE)
}

fn task_manager(ctx: &Ctx<'_>) -> Node {
    let tm = &ctx.resolved.spec.task_manager;
    let mut m = Map::new();
    let (key, res) = resource(ctx, tm.cpu.as_ref(), tm.memory.as_ref());
    m.insert(key, res);
    if let Some(r) = &tm.replicas {
        m.insert("replicas", Node::int(r.value, r.origin));
    }
    if let Some(pt) = tm.pod_template.as_ref().filter(|p| !p.is_null()) {
        m.insert("podTemplate", pt.clone());
    }
    Node::map(m, Origin::NONE)
}

fn job(ctx: &Ctx<'_>) -> Node {
    let j = &ctx.resolved.spec.job;
    let mut m = Map::new();
    if let Some(v) = &j.jar_uri {
        put(&mut m, "jarURI", v.value.clone(), v.origin);
    }
    if let Some(v) = &j.entry_class {
        put(&mut m, "entryClass", v.value.clone(), v.origin);
    }
    if let Some(args) = &j.args {
        let items = args
            .iter()
            .map(|a| Node::str(a.value.clone(), a.origin))
            .collect();
        m.insert("args", Node::seq(items, Origin::NONE));
    }
    if let Some(p) = &j.parallelism {
        m.insert("parallelism", Node::int(p.value, p.origin));
    }
    // Written out even when defaulted, so the rendered object says what will happen.
    let mode = j
        .upgrade_mode
        .as_ref()
        .map_or(("stateless", Origin::NONE), |u| {
            (u.value.as_str(), u.origin)
        });
    put(&mut m, "upgradeMode", mode.0, mode.1);
    let state = j
        .state
        .as_ref()
        .map_or((JobState::Running.as_str(), Origin::NONE), |s| {
            (s.value.as_str(), s.origin)
        });
    put(&mut m, "state", state.0, state.1);
    if let Some(v) = &j.allow_non_restored_state {
        m.insert("allowNonRestoredState", Node::bool(v.value, v.origin));
    }
    // `job.restore` names the savepoint and the nonce that makes the operator redeploy from it.
    if let Some(r) = &j.restore {
        put(
            &mut m,
            "initialSavepointPath",
            r.savepoint.value.clone(),
            r.savepoint.origin,
        );
        m.insert(
            "savepointRedeployNonce",
            Node::int(r.nonce.value, r.nonce.origin),
        );
    } else if let Some(v) = &j.initial_savepoint_path {
        put(&mut m, "initialSavepointPath", v.value.clone(), v.origin);
    }
    Node::map(m, Origin::NONE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_flags_are_appended_once() {
        assert_eq!(
            with_dns_flags(""),
            "-Dsun.net.inetaddr.ttl=0 -Dsun.net.inetaddr.negative.ttl=0"
        );
        assert_eq!(
            with_dns_flags("-XX:+UseG1GC"),
            "-XX:+UseG1GC -Dsun.net.inetaddr.ttl=0 -Dsun.net.inetaddr.negative.ttl=0"
        );
        assert_eq!(
            with_dns_flags("-Dsun.net.inetaddr.ttl=5"),
            "-Dsun.net.inetaddr.ttl=5 -Dsun.net.inetaddr.negative.ttl=0"
        );
        let once = with_dns_flags("-Xss1m");
        assert_eq!(with_dns_flags(&once), once);
    }
}
