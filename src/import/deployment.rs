//! One FlinkDeployment → one service spec (as a tree, keys in the spec's conventional order),
//! with a note for everything that is not carried over exactly.

use super::config::{self, Class, Entry, StorageKind};
use super::quantity::{self, Memory};
use super::{Effect, Note};
use crate::flink::version::FlinkVersion;
use crate::render::PROMETHEUS_FACTORY;
use crate::render::pod_template::MAIN_CONTAINER;
use crate::scaffold::{check_service_name, check_team};
use crate::spec::platform::Platform;
use crate::tree::{Map, Node, Origin, Value};

/// What the caller decides rather than the manifest.
pub struct Context<'a> {
    pub platform: &'a Platform,
    pub team: Option<&'a str>,
    /// The environments the service will run in (all exist in the platform).
    pub environments: &'a [String],
}

/// A spec, or why there is none.
pub enum Mapped {
    Spec {
        name: String,
        spec: Node,
        notes: Vec<Note>,
    },
    Refused(String),
}

const JOB_FIELDS: [&str; 8] = [
    "jarURI",
    "entryClass",
    "args",
    "parallelism",
    "upgradeMode",
    "state",
    "allowNonRestoredState",
    "initialSavepointPath",
];
const NONCES: [&str; 4] = [
    "savepointTriggerNonce",
    "checkpointTriggerNonce",
    "savepointRedeployNonce",
    "autoscalerResetNonce",
];
/// Labels flinkform sets on every object itself.
const OWNED_LABELS: [&str; 4] = [
    "app.kubernetes.io/name",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/managed-by",
    "team",
];

struct Notes(Vec<Note>);

impl Notes {
    fn lost(&mut self, field: &str, message: impl Into<String>) {
        self.push(Effect::Lost, field, message);
    }
    fn replaced(&mut self, field: &str, message: impl Into<String>) {
        self.push(Effect::Replaced, field, message);
    }
    fn info(&mut self, field: &str, message: impl Into<String>) {
        self.push(Effect::Info, field, message);
    }
    fn push(&mut self, effect: Effect, field: &str, message: impl Into<String>) {
        self.0.push(Note {
            effect,
            field: field.to_string(),
            message: message.into(),
        });
    }
}

fn str_of(n: Option<&Node>) -> Option<&str> {
    n.and_then(Node::as_str)
}

fn s(v: impl Into<String>) -> Node {
    Node::str(v, Origin::NONE)
}

fn map(m: Map) -> Node {
    Node::map(m, Origin::NONE)
}

pub fn map_deployment(doc: &Node, cx: &Context<'_>) -> Mapped {
    let empty = Node::null();
    let meta = doc.get("metadata").unwrap_or(&empty);
    let spec = doc.get("spec").unwrap_or(&empty);
    let Some(name) = str_of(meta.get("name")) else {
        return Mapped::Refused("it has no metadata.name".into());
    };
    if let Err(e) = check_service_name(name) {
        return Mapped::Refused(format!(
            "{e}; rename it in the manifest, then import it again"
        ));
    }
    let job = match spec.get("job") {
        Some(j) if j.as_map().is_some() => j,
        _ => {
            return Mapped::Refused(
                "it is a session cluster (no `job`): flinkform runs each job in an application-mode cluster of its own; import the jobs that ran on it instead".into(),
            );
        }
    };
    let labels = meta.get("labels");
    let team = match cx.team.or(str_of(labels.and_then(|l| l.get("team")))) {
        Some(t) => t,
        None => {
            return Mapped::Refused(
                "it names no team: pass --team, or give it a `team` label".into(),
            );
        }
    };
    if let Err(e) = check_team(team) {
        return Mapped::Refused(e);
    }
    let mut notes = Notes(Vec::new());

    // ---- metadata ----
    let mut m = Map::new();
    m.insert("name", s(name));
    m.insert("team", s(team));
    if let Some(ns) = str_of(meta.get("namespace"))
        && ns != name
    {
        notes.lost(
            "metadata.namespace",
            format!("namespace `{ns}` is dropped: flinkform runs the service in a namespace of its own, `{name}`"),
        );
    }
    if let Some(l) = labels.and_then(Node::as_map) {
        let mut kept = Map::new();
        for e in l.iter() {
            if OWNED_LABELS.contains(&e.key.as_str()) {
                if e.key != "team" {
                    notes.info(
                        &format!("metadata.labels.{}", e.key),
                        "dropped: flinkform sets this label itself",
                    );
                }
                continue;
            }
            match e.value.scalar_text() {
                Some(v) if valid_label(&e.key, &v) => kept.insert(e.key.clone(), s(v)),
                _ => notes.lost(
                    &format!("metadata.labels.{}", e.key),
                    "not a valid Kubernetes label; dropped",
                ),
            }
        }
        if !kept.is_empty() {
            m.insert("labels", map(kept));
        }
    }
    if meta.get("annotations").is_some() {
        notes.lost(
            "metadata.annotations",
            "dropped: a service spec has no annotations (labels go in metadata.labels)",
        );
    }

    // ---- spec ----
    let mut out = Map::new();
    let version = str_of(spec.get("flinkVersion"));
    match version.map(|v| (v, FlinkVersion::from_operator_label(v))) {
        Some((_, Some(v))) => out.insert("flinkVersion", s(v.to_string())),
        Some((v, None)) => notes.lost(
            "spec.flinkVersion",
            format!(
                "`{}` is not a Flink version; the platform default applies",
                crate::excerpt::quote(v)
            ),
        ),
        None => notes.info("spec.flinkVersion", "not set; the platform default applies"),
    }
    match str_of(spec.get("image")) {
        Some(i) if !i.is_empty() && !i.contains(char::is_whitespace) => {
            out.insert("image", s(i));
        }
        Some(i) => notes.lost("spec.image", format!("`{i}` is not an image reference")),
        None => notes.info("spec.image", "not set; the platform default applies"),
    }
    if let Some(p) = str_of(spec.get("imagePullPolicy")) {
        if ["Always", "IfNotPresent", "Never"].contains(&p) {
            out.insert("imagePullPolicy", s(p));
        } else {
            notes.lost(
                "spec.imagePullPolicy",
                format!("`{p}` is not a pull policy"),
            );
        }
    }

    let mut pod_template = spec
        .get("podTemplate")
        .filter(|p| !p.is_null())
        .map(Node::without_origins);
    if pod_template.as_ref().is_some_and(|p| p.as_map().is_none()) {
        notes.lost("spec.podTemplate", "not a mapping; dropped");
        pod_template = None;
    }

    // flinkConfiguration first: it can carry the slots and process sizes the roles need.
    let entries = spec
        .get("flinkConfiguration")
        .map(config::flatten)
        .unwrap_or_default();
    let spec_memory = |section: &str| {
        let r = spec.get(section);
        r.and_then(|r| r.path(&["resources", "requests", "memory"]))
            .or_else(|| r.and_then(|r| r.path(&["resources", "limits", "memory"])))
            .or_else(|| r.and_then(|r| r.path(&["resource", "memory"])))
            .is_some()
    };

    let mut roles: [(Map, &str); 2] = [(Map::new(), "jobManager"), (Map::new(), "taskManager")];
    for (role, section) in roles.iter_mut() {
        map_role(
            spec.get(section),
            section,
            role,
            &mut pod_template,
            &mut notes,
        );
    }

    let mut checkpointing = Map::new();
    let mut keep: Vec<&Entry> = Vec::new();
    let mut state_backend = None;
    let mut ha = None;
    let mut savepoint_interval = None;
    for e in &entries {
        let field = format!("spec.flinkConfiguration.{}", e.key);
        match config::classify(e) {
            Class::Slots(n) => {
                roles[1].0.insert("slots", Node::int(n, Origin::NONE));
            }
            Class::StateBackend(b) => state_backend = Some(b),
            Class::CheckpointInterval(d) => checkpointing.insert("interval", s(d)),
            Class::CheckpointMode(mode) => checkpointing.insert("mode", s(mode)),
            Class::CheckpointTimeout(d) => checkpointing.insert("timeout", s(d)),
            Class::CheckpointMinPause(d) => checkpointing.insert("minPause", s(d)),
            Class::Incremental(b) => {
                checkpointing.insert("incremental", Node::bool(b, Origin::NONE))
            }
            Class::SavepointInterval(d) => savepoint_interval = Some(d),
            Class::HighAvailability(on) => ha = Some(on),
            Class::Storage(kind) => {
                if platform_has_storage(cx, kind) {
                    notes.replaced(
                        &field,
                        format!(
                            "`{}` is dropped: the platform's storage.{} decides where this goes",
                            e.text(),
                            kind.field()
                        ),
                    );
                } else {
                    notes.info(
                        &field,
                        format!(
                            "kept in flinkConfiguration: the platform sets no storage.{}",
                            kind.field()
                        ),
                    );
                    keep.push(e);
                }
            }
            Class::ProcessSize(section) => {
                if spec_memory(section) {
                    notes.info(
                        &field,
                        format!(
                            "dropped: the operator overwrites it with {section}'s memory, so `{}` never took effect",
                            e.text()
                        ),
                    );
                } else {
                    let i = usize::from(section == "taskManager");
                    set_memory(&mut roles[i].0, &e.text(), &field, &mut notes);
                }
            }
            Class::OperatorOwned => {
                notes.info(&field, "dropped: the operator sets this key itself")
            }
            Class::Keep => {
                if e.key == "metrics.reporter.prom.factory.class" && e.text() == PROMETHEUS_FACTORY
                    || e.key == "metrics.reporter.prom.port"
                        && e.text() == cx.platform.monitoring.port.to_string()
                {
                    notes.info(&field, "dropped: flinkform sets the same value");
                } else {
                    keep.push(e);
                }
            }
        }
    }

    out.insert("job", map(map_job(job, &mut notes)));
    for (role, section) in roles {
        if !role.is_empty() {
            out.insert(section, map(role));
        }
    }
    if let Some(b) = state_backend {
        out.insert("stateBackend", s(b));
    }
    if !checkpointing.is_empty() {
        // The schema's order, whatever order the manifest had.
        let mut ordered = Map::new();
        for k in ["interval", "mode", "timeout", "minPause", "incremental"] {
            if let Some(v) = checkpointing.get(k) {
                ordered.insert(k, v.clone());
            }
        }
        out.insert("checkpointing", map(ordered));
    }
    if let Some(i) = savepoint_interval {
        let mut sp = Map::new();
        sp.insert("interval", s(i));
        out.insert("savepoints", map(sp));
    }
    if let Some(on) = ha {
        out.insert("highAvailability", Node::bool(on, Origin::NONE));
    }
    if !keep.is_empty() {
        out.insert("flinkConfiguration", map(config::keep_map(&keep)));
    }
    if let Some(logs) = spec.get("logConfiguration").and_then(Node::as_map) {
        let mut kept = Map::new();
        for e in logs.iter() {
            match (e.key.as_str(), e.value.as_str()) {
                ("log4j-console.properties" | "logback-console.xml", Some(v)) => {
                    kept.insert(e.key.clone(), s(v))
                }
                _ => notes.lost(
                    &format!("spec.logConfiguration.{}", e.key),
                    "dropped: the operator reads only log4j-console.properties and logback-console.xml here",
                ),
            }
        }
        if !kept.is_empty() {
            out.insert("logConfiguration", map(kept));
        }
    }
    if let Some(pt) = pod_template {
        out.insert("podTemplate", pt);
    }

    // What flinkform decides instead.
    if let Some(sa) = str_of(spec.get("serviceAccount"))
        && sa != name
    {
        notes.lost(
            "spec.serviceAccount",
            format!("`{sa}` is replaced by `{name}`, which flinkform creates with the permissions native mode needs (put cloud IAM annotations in the platform's serviceAccount.annotations)"),
        );
    }
    match str_of(spec.get("mode")) {
        None | Some("native") => {}
        Some("standalone") => notes.lost(
            "spec.mode",
            "standalone mode is not kept: flinkform deploys in native mode (Flink manages its TaskManager pods)",
        ),
        Some(other) => notes.lost("spec.mode", format!("`{other}` is not a deployment mode; native mode is used")),
    }
    if spec.get("ingress").is_some() {
        notes.lost(
            "spec.ingress",
            "dropped: flinkform renders no Ingress; reach the REST API with `kubectl port-forward`, or keep an Ingress of your own next to the rendered output",
        );
    }
    if spec.get("restartNonce").is_some() {
        notes.info(
            "spec.restartNonce",
            "dropped: it restarts an existing deployment and means nothing to a new one",
        );
    }
    for key in spec
        .as_map()
        .map(|m| m.keys().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        if ![
            "flinkVersion",
            "image",
            "imagePullPolicy",
            "serviceAccount",
            "mode",
            "ingress",
            "restartNonce",
            "job",
            "jobManager",
            "taskManager",
            "flinkConfiguration",
            "logConfiguration",
            "podTemplate",
        ]
        .contains(&key)
        {
            notes.lost(
                &format!("spec.{key}"),
                "dropped: not a field of the Apache Flink operator's FlinkDeployment",
            );
        }
    }
    if spec.get("job").and_then(|j| j.get("upgradeMode")).is_none()
        && platform_default(cx, &["job", "upgradeMode"]).is_some_and(|m| m != "stateless")
    {
        notes.info(
            "spec.job.upgradeMode",
            format!(
                "not set, so the operator ran it `stateless`; the platform default `{}` applies now",
                platform_default(cx, &["job", "upgradeMode"]).unwrap_or_default()
            ),
        );
    }

    let mut envs = Map::new();
    for e in cx.environments {
        envs.insert(e.clone(), map(Map::new()));
    }
    out.insert("environments", map(envs));

    let mut doc_out = Map::new();
    doc_out.insert("apiVersion", s("flinkform/v1"));
    doc_out.insert("kind", s("FlinkService"));
    doc_out.insert("metadata", map(m));
    doc_out.insert("spec", map(out));
    Mapped::Spec {
        name: name.to_string(),
        spec: map(doc_out),
        notes: notes.0,
    }
}

fn map_job(job: &Node, notes: &mut Notes) -> Map {
    let mut j = Map::new();
    for field in JOB_FIELDS {
        let Some(v) = job.get(field).filter(|v| !v.is_null()) else {
            continue;
        };
        let path = format!("spec.job.{field}");
        match field {
            "args" => match v.as_seq() {
                Some(items) => {
                    let args = items
                        .iter()
                        .map(|a| s(a.scalar_text().unwrap_or_default()))
                        .collect();
                    j.insert("args", Node::seq(args, Origin::NONE));
                }
                None => notes.lost(&path, "not a list; dropped"),
            },
            "parallelism" => match v.as_i64() {
                Some(p) if (1..=32768).contains(&p) => j.insert(field, Node::int(p, Origin::NONE)),
                Some(0) => notes.info(
                    &path,
                    "0 means \"use parallelism.default\"; left out, with the same effect",
                ),
                _ => notes.lost(
                    &path,
                    format!("`{}` is not a parallelism (1–32768)", text(v)),
                ),
            },
            "upgradeMode" => match v.as_str() {
                Some(m @ ("savepoint" | "last-state" | "stateless")) => j.insert(field, s(m)),
                _ => notes.lost(&path, format!("`{}` is not an upgrade mode", text(v))),
            },
            "state" => match v.as_str() {
                Some(st @ ("running" | "suspended")) => j.insert(field, s(st)),
                _ => notes.lost(&path, format!("`{}` is not a job state", text(v))),
            },
            "allowNonRestoredState" => match v.as_bool() {
                Some(b) => j.insert(field, Node::bool(b, Origin::NONE)),
                None => notes.lost(&path, "not a boolean; dropped"),
            },
            _ => match v.as_str() {
                Some(t) if !t.is_empty() => j.insert(field, s(t)),
                _ => notes.lost(&path, "not a non-empty string; dropped"),
            },
        }
    }
    if !j.iter().any(|e| e.key == "jarURI") {
        notes.lost(
            "spec.job.jarURI",
            "not set, and flinkform needs the job's jar (a PyFlink job names the flink-python jar, e.g. local:///opt/flink/opt/flink-python-1.20.0.jar, with entryClass org.apache.flink.client.python.PythonDriver)",
        );
    }
    for e in job
        .as_map()
        .map(|m| m.iter().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        if JOB_FIELDS.contains(&e.key.as_str()) {
            continue;
        }
        let path = format!("spec.job.{}", e.key);
        if NONCES.contains(&e.key.as_str()) {
            notes.info(
                &path,
                "dropped: a nonce triggers an action on an existing deployment",
            );
        } else {
            notes.lost(&path, "dropped: the spec's job has no such field");
        }
    }
    j
}

/// A value as a note quotes it: a short excerpt ([`crate::excerpt::quote`]).
fn text(n: &Node) -> String {
    n.scalar_text().map_or_else(
        || n.kind_name().to_string(),
        |t| crate::excerpt::quote(&t).into_owned(),
    )
}

/// `jobManager` / `taskManager`: cpu, memory, replicas, and what only a pod template can say.
fn map_role(
    role: Option<&Node>,
    section: &str,
    out: &mut Map,
    pod_template: &mut Option<Node>,
    notes: &mut Notes,
) {
    let Some(role) = role.filter(|r| !r.is_null()) else {
        return;
    };
    let base = format!("spec.{section}");
    let resource = role.get("resource");
    let resources = role.get("resources").filter(|r| {
        ["requests", "limits"].iter().any(|k| {
            r.get(k)
                .and_then(Node::as_map)
                .is_some_and(|m| !m.is_empty())
        })
    });
    let (cpu, memory) = match resources {
        // The operator prefers `resources` (newer operators) over `resource`.
        Some(r) => {
            let mut pick = |what: &str| {
                let req = r.path(&["requests", what]);
                let lim = r.path(&["limits", what]);
                if let (Some(a), Some(b)) = (req, lim)
                    && a.scalar_text() != b.scalar_text()
                {
                    notes.lost(
                        &format!("{base}.resources.limits.{what}"),
                        format!(
                            "limit `{}` differs from request `{}`: flinkform makes the limit equal the request",
                            text(b),
                            text(a)
                        ),
                    );
                }
                req.or(lim)
            };
            let picked = (pick("cpu"), pick("memory"));
            for kind in ["requests", "limits"] {
                for e in r
                    .get(kind)
                    .and_then(Node::as_map)
                    .map(|m| m.iter().collect::<Vec<_>>())
                    .unwrap_or_default()
                {
                    if e.key != "cpu" && e.key != "memory" {
                        add_main_resource(pod_template, kind, &e.key, e.value.without_origins());
                        notes.info(
                            &format!("{base}.resources.{kind}.{}", e.key),
                            "moved into podTemplate (flink-main-container), where the operator puts it",
                        );
                    }
                }
            }
            if resource.is_some() {
                notes.info(
                    &format!("{base}.resource"),
                    "ignored by the operator, since `resources` is set",
                );
            }
            picked
        }
        None => (
            resource.and_then(|r| r.get("cpu")),
            resource.and_then(|r| r.get("memory")),
        ),
    };
    if let Some(c) = cpu {
        match quantity::cpu(c) {
            Ok(n) => out.insert("cpu", n),
            Err(e) => notes.lost(&format!("{base}.cpu"), e),
        }
    }
    if let Some(mem) = memory {
        match mem.scalar_text() {
            Some(t) => set_memory(out, &t, &format!("{base}.memory"), notes),
            None => notes.lost(&format!("{base}.memory"), "not a memory size"),
        }
    }
    if let Some(eph) = resource
        .and_then(|r| r.get("ephemeralStorage"))
        .filter(|_| resources.is_none())
    {
        for kind in ["requests", "limits"] {
            add_main_resource(
                pod_template,
                kind,
                "ephemeral-storage",
                eph.without_origins(),
            );
        }
        notes.info(
            &format!("{base}.resource.ephemeralStorage"),
            "moved into podTemplate (flink-main-container requests and limits), where the operator puts it",
        );
    }
    if let Some(r) = role.get("replicas").filter(|r| !r.is_null()) {
        let max = if section == "jobManager" { 3 } else { 10000 };
        match r.as_i64() {
            Some(n) if (1..=max).contains(&n) => out.insert("replicas", Node::int(n, Origin::NONE)),
            _ => notes.lost(
                &format!("{base}.replicas"),
                format!("`{}` is not 1–{max}", text(r)),
            ),
        }
    }
    if role.get("podTemplate").is_some_and(|p| !p.is_null()) {
        notes.lost(
            &format!("{base}.podTemplate"),
            format!("dropped: a spec has one podTemplate for both JobManager and TaskManager; move what {section} needs into spec.podTemplate if both may have it"),
        );
    }
    for key in role
        .as_map()
        .map(|m| m.keys().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        if !["resource", "resources", "replicas", "podTemplate"].contains(&key) {
            notes.lost(
                &format!("{base}.{key}"),
                "dropped: not a field of the Apache Flink operator's FlinkDeployment",
            );
        }
    }
}

fn set_memory(out: &mut Map, text: &str, field: &str, notes: &mut Notes) {
    match quantity::memory(text) {
        Ok(Memory::Exact(q)) => out.insert("memory", s(q)),
        Ok(Memory::Rounded(q, why)) => {
            notes.lost(field, why);
            out.insert("memory", s(q));
        }
        Err(e) => notes.lost(field, format!("{e}; the platform default applies")),
    }
}

/// Adds `resources.<kind>.<name>` to the main container of the pod template.
fn add_main_resource(pod_template: &mut Option<Node>, kind: &str, name: &str, value: Node) {
    let template = pod_template.get_or_insert_with(|| map(Map::new()));
    if template.as_map().is_none() {
        return;
    }
    let spec = template.ensure_map(&["spec"]);
    if spec.get("containers").is_none_or(|c| c.as_seq().is_none()) {
        spec.insert("containers", Node::seq(Vec::new(), Origin::NONE));
    }
    let Some(Value::Seq(containers)) = spec.get_mut("containers").map(|c| &mut c.value) else {
        return;
    };
    let i = match containers
        .iter()
        .position(|c| str_of(c.get("name")) == Some(MAIN_CONTAINER))
    {
        Some(i) => i,
        None => {
            let mut c = Map::new();
            c.insert("name", s(MAIN_CONTAINER));
            containers.insert(0, map(c));
            0
        }
    };
    if containers[i].as_map().is_some() {
        containers[i]
            .ensure_map(&["resources", kind])
            .insert(name, value);
    }
}

fn platform_has_storage(cx: &Context<'_>, kind: StorageKind) -> bool {
    cx.environments.iter().all(|e| {
        cx.platform.environment(e).is_some_and(|env| match kind {
            StorageKind::Checkpoints => env.storage.checkpoints.is_some(),
            StorageKind::Savepoints => env.storage.savepoints.is_some(),
            StorageKind::HighAvailability => env.storage.high_availability.is_some(),
        })
    })
}

fn platform_default<'a>(cx: &'a Context<'_>, path: &[&str]) -> Option<&'a str> {
    cx.platform
        .defaults
        .as_ref()
        .and_then(|d| d.path(path))
        .and_then(Node::as_str)
}

/// Kubernetes label syntax, as the service schema checks it.
fn valid_label(key: &str, value: &str) -> bool {
    let name_ok = |n: &str| {
        !n.is_empty()
            && n.len() <= 63
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            && n.starts_with(|c: char| c.is_ascii_alphanumeric())
            && n.ends_with(|c: char| c.is_ascii_alphanumeric())
    };
    let key_ok = match key.split_once('/') {
        Some((prefix, n)) => {
            !prefix.is_empty()
                && prefix.len() <= 253
                && prefix
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.".contains(c))
                && name_ok(n)
        }
        None => name_ok(key),
    };
    key_ok && (value.is_empty() || name_ok(value))
}
