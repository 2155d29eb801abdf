//! One FlinkDeployment → one service spec (as a tree, keys in the spec's conventional order),
//! with a note for everything that is not carried over exactly.

use super::config::{self, Class, Entry, StorageKind};
use super::credentials::{self, ConfigCredential, SecretKey};
use super::quantity::{self, Memory};
use super::{Effect, Note};
use crate::facts::dialect::Dialect;
use crate::facts::view::FlinkView;
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
    /// The service's name (`import --name`), instead of the manifest's `metadata.name`.
    pub name: Option<&'a str>,
    /// The environments the service will run in (all exist in the platform).
    pub environments: &'a [String],
}

/// A spec, or why there is none.
pub enum Mapped {
    Spec {
        name: String,
        spec: Node,
        notes: Vec<Note>,
        /// The Secret keys the user must create (values never copied).
        secrets: Vec<SecretKey>,
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
    fn defaulted(&mut self, field: &str, message: impl Into<String>) {
        self.push(Effect::Defaulted, field, message);
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
    let mut notes = Notes(Vec::new());
    let name = match service_name(str_of(meta.get("name")), cx.name, &mut notes) {
        Ok(name) => name,
        Err(why) => return Mapped::Refused(why),
    };
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
    let dialect = Dialect::of(&FlinkView::new(doc));
    let emr = dialect == Dialect::EmrOnEks;
    if let Some(vendor) = dialect.vendor() {
        notes.info(
            "spec",
            format!("written for {vendor}'s distribution of the Flink operator: the spec renders for the Apache operator, and the vendor's own fields are listed here"),
        );
    }
    let version = str_of(spec.get("flinkVersion"));
    match version.map(|v| (v, FlinkVersion::from_operator_label(v))) {
        Some((_, Some(v))) => out.insert("flinkVersion", s(v.to_string())),
        Some((v, None)) if lenient_version(v).is_some() => {
            let read = lenient_version(v).unwrap_or(FlinkVersion::new(1, 20));
            notes.lost(
                "spec.flinkVersion",
                format!(
                    "`{}` is not one of the operator's version labels (`{}`), so the operator rejected the manifest as written; read as Flink {read}",
                    crate::excerpt::quote(v),
                    read.operator_label()
                ),
            );
            out.insert("flinkVersion", s(read.to_string()));
        }
        Some((v, None)) => notes.lost(
            "spec.flinkVersion",
            format!(
                "`{}` is not a Flink version; {}",
                crate::excerpt::quote(v),
                default_or_refusal(cx, "flinkVersion")
            ),
        ),
        None => missing(
            cx,
            &mut notes,
            "flinkVersion",
            &injected_or(
                &dialect,
                "flinkVersion",
                "the operator rejects a FlinkDeployment without one",
            ),
        ),
    }
    match str_of(spec.get("image")) {
        Some(i) if !i.is_empty() && !i.contains(char::is_whitespace) => {
            out.insert("image", s(i));
        }
        Some(i) => notes.lost(
            "spec.image",
            format!(
                "`{}` is not an image reference; {}",
                crate::excerpt::quote(i),
                default_or_refusal(cx, "image")
            ),
        ),
        None => missing(
            cx,
            &mut notes,
            "image",
            &injected_or(&dialect, "image", "the operator used Flink's default image"),
        ),
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
            if emr { &EMR_ROLE_FIELDS[..] } else { &[] },
        );
    }

    let mut checkpointing = Map::new();
    let mut keep: Vec<&Entry> = Vec::new();
    let mut state_backend = None;
    let mut ha = None;
    let mut savepoint_interval = None;
    let secret = credentials::secret_name(name);
    let mut secret_keys: Vec<SecretKey> = Vec::new();
    let mut secret_env: Vec<(String, String)> = Vec::new();
    let mut taken: Vec<(String, String)> = Vec::new();
    for e in &entries {
        let field = format!("spec.flinkConfiguration.{}", e.key);
        if crate::secrets::config_value_is_secret(&e.key, &e.text()) {
            // A sample's blank (`<jks-password>`) is no credential written down, but the value
            // it stands for is one: it goes where the credential would ([`crate::facts::placeholder`]).
            let what = if crate::facts::placeholder::unfilled(&e.text()) {
                "a placeholder left to fill in (`<…>`) for a credential"
            } else {
                "a credential in plain text"
            };
            match credentials::config_credential(&e.key) {
                ConfigCredential::Env { var, key } => {
                    let key = credentials::unique_key(&key, &e.text(), &mut taken);
                    notes.replaced(
                        &field,
                        format!("{what}: now environment variable {var} of both roles, from key `{key}` of Secret `{secret}`, which you create in namespace `{name}`"),
                    );
                    if !secret_env.iter().any(|(v, _)| *v == var) {
                        secret_env.push((var, key.clone()));
                    }
                    secret_keys.push(SecretKey {
                        secret: secret.clone(),
                        key,
                        field,
                    });
                }
                ConfigCredential::Unsupported { key } => notes.lost(
                    &field,
                    format!("{what}, dropped: Flink reads this option only from its configuration, which cannot refer to a Secret; put the value in key `{key}` of a Secret `{secret}` and have the job read it (an environment variable through `secrets`, or a file through `secrets[].mountPath`)"),
                ),
            }
            continue;
        }
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

    out.insert("job", map(map_job(job, cx, &mut notes)));
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
    if let Some(mut pt) = pod_template {
        secret_keys.extend(credentials::rewrite_pod_template(
            &mut pt,
            "spec.podTemplate",
            &secret,
            &mut taken,
        ));
        out.insert("podTemplate", pt);
    }
    for section in ["jobManager", "taskManager"] {
        let field = format!("spec.{section}.podTemplate");
        if let Some(pt) = out
            .get_mut(section)
            .and_then(Node::as_map_mut)
            .and_then(|r| r.get_mut("podTemplate"))
        {
            secret_keys.extend(credentials::rewrite_pod_template(
                pt, &field, &secret, &mut taken,
            ));
        }
    }
    for k in &secret_keys {
        if k.field.contains(".env[") {
            notes.replaced(
                &k.field,
                format!("a credential in plain text: now read from key `{}` of Secret `{}`, which you create in namespace `{name}`", k.key, k.secret),
            );
        }
    }
    if !secret_env.is_empty() {
        let mut env = Map::new();
        for (var, key) in &secret_env {
            env.insert(var.clone(), s(key.clone()));
        }
        let mut r = Map::new();
        r.insert("name", s(secret.clone()));
        r.insert("env", map(env));
        out.insert("secrets", Node::seq(vec![map(r)], Origin::NONE));
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
    if let Some(ingress) = spec.get("ingress").filter(|i| !i.is_null()) {
        if is_operator_ingress(ingress) {
            out.insert("ingress", ingress.without_origins());
        } else {
            notes.lost(
                "spec.ingress",
                "dropped: not an operator ingress (a mapping with a `template` and only `className`, `annotations`, `labels`, `tls`)",
            );
        }
    }
    if spec.get("restartNonce").is_some() {
        notes.info(
            "spec.restartNonce",
            "dropped: it restarts an existing deployment and means nothing to a new one",
        );
    }
    if emr {
        emr_fields(spec, cx, &mut out, &mut notes);
    }
    for key in spec
        .as_map()
        .map(|m| m.keys().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        if emr && EMR_SPEC_FIELDS.contains(&key) {
            continue;
        }
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
    against_defaults(&mut out, cx, &mut notes);

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
        secrets: secret_keys,
    }
}

/// The service's name: `--name` when given, else the manifest's `metadata.name`. A name that
/// holds a `${…}` placeholder is a template's, filled in by whatever deployed it (envsubst,
/// Flux's post-build substitution); a service needs its name now, and flinkform will not guess
/// one (the name is the namespace, the storage paths and the state's identity), so it is refused
/// with the way out: `--name`.
fn service_name<'a>(
    manifest: Option<&'a str>,
    given: Option<&'a str>,
    notes: &mut Notes,
) -> Result<&'a str, String> {
    let placeholder = manifest.is_some_and(crate::facts::placeholder::has_placeholder);
    match (given, manifest) {
        (Some(given), _) => {
            check_service_name(given).map_err(|e| format!("--name: {e}"))?;
            match manifest {
                Some(m) if m == given => {}
                Some(m) if placeholder => notes.info(
                    "metadata.name",
                    format!(
                        "`{}` is a placeholder; the service is named `{given}` (--name)",
                        crate::excerpt::quote(m)
                    ),
                ),
                Some(m) => notes.replaced(
                    "metadata.name",
                    format!(
                        "the FlinkDeployment `{}` becomes service `{given}` (--name): a new deployment, which does not take over the running job or its state",
                        crate::excerpt::quote(m)
                    ),
                ),
                None => {}
            }
            Ok(given)
        }
        (None, Some(m)) if placeholder => Err(format!(
            "its metadata.name `{}` is a placeholder that a template step (envsubst, Flux's post-build substitution) fills in, and a service needs a name of its own: import it again with --name NAME",
            crate::excerpt::quote(m)
        )),
        (None, Some(m)) => check_service_name(m).map(|()| m).map_err(|e| {
            format!("{e}; rename it in the manifest or pass --name NAME, then import it again")
        }),
        (None, None) => Err("it has no metadata.name: pass --name NAME".into()),
    }
}

fn map_job(job: &Node, cx: &Context<'_>, notes: &mut Notes) -> Map {
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
    if !j.iter().any(|e| e.key == "jarURI") && !has_default(cx, &["job", "jarURI"]) {
        notes.lost(
            "spec.job.jarURI",
            "not set, and the platform sets no default: `render` refuses this service until `job.jarURI` is set (a PyFlink job names the flink-python jar, e.g. local:///opt/flink/opt/flink-python-1.20.0.jar, with entryClass org.apache.flink.client.python.PythonDriver)",
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

/// Amazon EMR on EKS's own fields of a FlinkDeployment (see [`crate::facts::dialect`]).
const EMR_SPEC_FIELDS: [&str; 3] = [
    "emrReleaseLabel",
    "executionRoleArn",
    "monitoringConfiguration",
];
const EMR_ROLE_FIELDS: [&str; 2] = ["highAvailabilityEnabled", "storageDir"];

/// What EMR on EKS's fields mean in a spec: HA through `jobManager.highAvailabilityEnabled`
/// (and its `storageDir`) carries over; the release label, the IAM role and EMR's log
/// shipping are the vendor's and are listed as not kept.
fn emr_fields(spec: &Node, cx: &Context<'_>, out: &mut Map, notes: &mut Notes) {
    if spec.get("emrReleaseLabel").is_some() {
        notes.lost(
            "spec.emrReleaseLabel",
            "dropped: EMR on EKS's release label picks EMR's Flink build and image; the spec names its image itself",
        );
    }
    if spec.get("executionRoleArn").is_some() {
        notes.lost(
            "spec.executionRoleArn",
            "dropped: EMR on EKS's job role; give the service account the role through the platform's serviceAccount.annotations (eks.amazonaws.com/role-arn)",
        );
    }
    if spec.get("monitoringConfiguration").is_some() {
        notes.lost(
            "spec.monitoringConfiguration",
            "dropped: EMR on EKS's log and metrics shipping; flinkform renders Prometheus monitoring for every job",
        );
    }
    let ha = spec.path(&["jobManager", "highAvailabilityEnabled"]);
    match ha.and_then(Node::as_bool) {
        Some(on) => {
            if out.get("highAvailability").is_none() {
                out.insert("highAvailability", Node::bool(on, Origin::NONE));
            }
            notes.info(
                "spec.jobManager.highAvailabilityEnabled",
                "EMR on EKS's HA switch: written as highAvailability",
            );
        }
        None if ha.is_some() => notes.lost(
            "spec.jobManager.highAvailabilityEnabled",
            "not a boolean; dropped",
        ),
        None => {}
    }
    if let Some(dir) = spec
        .path(&["jobManager", "storageDir"])
        .and_then(Node::scalar_text)
    {
        if platform_has_storage(cx, StorageKind::HighAvailability) {
            notes.replaced(
                "spec.jobManager.storageDir",
                format!(
                    "`{}` is dropped: the platform's storage.highAvailability decides where this goes",
                    crate::excerpt::quote(&dir)
                ),
            );
        } else {
            match out.get_mut("flinkConfiguration").and_then(Node::as_map_mut) {
                Some(c) => c.insert(crate::flink::version::HA_STORAGE_KEY, s(dir)),
                None => {
                    let mut c = Map::new();
                    c.insert(crate::flink::version::HA_STORAGE_KEY, s(dir));
                    out.insert("flinkConfiguration", map(c));
                }
            }
            notes.info(
                "spec.jobManager.storageDir",
                "EMR on EKS's HA storage directory: kept as high-availability.storageDir (the platform sets no storage.highAvailability)",
            );
        }
    }
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
    vendor_fields: &[&str],
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
    match role.get("podTemplate").filter(|p| !p.is_null()) {
        Some(p) if p.as_map().is_some() => out.insert("podTemplate", p.without_origins()),
        Some(_) => notes.lost(&format!("{base}.podTemplate"), "not a mapping; dropped"),
        None => {}
    }
    for key in role
        .as_map()
        .map(|m| m.keys().collect::<Vec<_>>())
        .unwrap_or_default()
    {
        if !["resource", "resources", "replicas", "podTemplate"].contains(&key)
            && !vendor_fields.contains(&key)
        {
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

/// The version a misspelt operator label plainly means: `v1.17`, `1_18`, `v1_19.1` (a patch
/// release) → 1.17, 1.18, 1.19. `None` for anything less plain.
fn lenient_version(label: &str) -> Option<FlinkVersion> {
    let rest = label.trim().trim_start_matches(['v', 'V']);
    let mut parts = rest.split(['.', '_']);
    let major: u32 = parts.next()?.parse().ok()?;
    let minor: u32 = parts.next()?.parse().ok()?;
    let patch_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    ((1..=2).contains(&major) && minor <= 99 && patch_ok).then(|| FlinkVersion::new(major, minor))
}

/// Why a manifest may leave a required `field` out: the vendor's operator fills it in
/// ([`Dialect::injects`]), or what the Apache operator did without it (`otherwise`).
fn injected_or(dialect: &Dialect, field: &str, otherwise: &str) -> String {
    match dialect.vendor() {
        Some(vendor) if dialect.injects(field) => format!("{vendor}'s operator fills it in"),
        _ => otherwise.to_string(),
    }
}

/// Whether the platform's defaults set `path`.
fn has_default(cx: &Context<'_>, path: &[&str]) -> bool {
    cx.platform
        .defaults
        .as_ref()
        .and_then(|d| d.path(path))
        .is_some_and(|v| !v.is_null())
}

/// What applies instead of a missing or invalid required `field`: the platform's default, or
/// nothing, so that `render` refuses the service until the spec sets it.
fn default_or_refusal(cx: &Context<'_>, field: &str) -> String {
    if has_default(cx, &[field]) {
        "the platform default applies".into()
    } else {
        format!(
            "the platform sets no default, so `render` refuses this service until `{field}` is set in the spec"
        )
    }
}

/// A required field the manifest leaves out: a note when the platform's default fills it in,
/// else not kept (the spec cannot render without it).
fn missing(cx: &Context<'_>, notes: &mut Notes, field: &str, before: &str) {
    let path = format!("spec.{field}");
    if has_default(cx, &[field]) {
        notes.info(
            &path,
            format!("not set ({before}); the platform default applies"),
        );
    } else {
        notes.lost(
            &path,
            format!("not set ({before}), and the platform sets no default: `render` refuses this service until `{field}` is set in the spec"),
        );
    }
}

/// Leaves to the platform what it would give anyway, and lists what its defaults set where
/// the manifest set nothing (see [`super::defaults`]).
/// Whether the spec's `flinkConfiguration` sets the option a native field at `path` is rendered
/// as (a manifest value kept there as written, such as a `${…}` placeholder): the spec's
/// `flinkConfiguration` is rendered over the native field, so the field's default is not what
/// applies.
fn set_in_configuration(out: &Map, path: &[String]) -> bool {
    use crate::flink::config_keys::canonical;
    let keys = config::native_field_keys(path);
    !keys.is_empty()
        && out
            .get("flinkConfiguration")
            .and_then(Node::as_map)
            .is_some_and(|c| {
                c.keys()
                    .any(|k| keys.iter().any(|n| canonical(n) == canonical(k)))
            })
}

fn against_defaults(out: &mut Map, cx: &Context<'_>, notes: &mut Notes) {
    use super::defaults::{self as d, Leaf};
    let per_env: Vec<(&str, Vec<Leaf>)> = cx
        .environments
        .iter()
        .map(|e| (e.as_str(), d::effective(cx.platform, e)))
        .collect();
    let default_at = |defaults: &[Leaf], path: &[String]| {
        defaults
            .iter()
            .find(|(p, _)| p.as_slice() == path)
            .map(|(_, v)| v.clone())
    };
    // What every environment would give anyway is left out of the spec.
    let as_written = map(out.clone());
    let written = d::leaves(&as_written);
    for (path, value) in &written {
        if path.first().is_some_and(|f| f == "job") && path.len() == 2 && path[1] == "jarURI" {
            // Kept even when equal: the jar names the job, whatever the platform's default.
            continue;
        }
        let everywhere = !per_env.is_empty()
            && per_env.iter().all(|(_, defaults)| {
                default_at(defaults, path).is_some_and(|v| super::defaults::same(&v, value))
            });
        if everywhere {
            d::remove(out, path);
        }
    }
    // What a default sets where the manifest set nothing.
    let mut listed: Vec<(String, String, Vec<&str>)> = Vec::new();
    for (env, defaults) in &per_env {
        for (path, value) in defaults {
            if d::at(&as_written, path).is_some() || set_in_configuration(out, path) {
                continue;
            }
            if let [fc, key] = path.as_slice()
                && fc == "flinkConfiguration"
                && let Some(alias) = d::alias_of(out, key)
            {
                d::rename_config_key(out, &alias, key);
                notes.info(
                    &format!("spec.flinkConfiguration.{alias}"),
                    format!("written as `{key}`, the key the platform's default uses for the same option, so that the platform's value does not apply beside it"),
                );
                continue;
            }
            let shown_value = match value.scalar_text() {
                Some(t) if crate::secrets::config_value_is_secret(&d::shown(path), &t) => {
                    crate::secrets::REDACTED.to_string()
                }
                Some(t) => crate::excerpt::quote(&t).into_owned(),
                None => value.kind_name().to_string(),
            };
            let field = d::shown(path);
            match listed
                .iter_mut()
                .find(|(f, v, _)| *f == field && *v == shown_value)
            {
                Some(entry) => entry.2.push(env),
                None => listed.push((field, shown_value, vec![env])),
            }
        }
    }
    for (field, value, envs) in listed {
        let before = d::before(&field.split('.').map(str::to_string).collect::<Vec<_>>());
        let scope = if envs.len() == per_env.len() {
            String::new()
        } else {
            format!(" in {}", envs.join(", "))
        };
        notes.defaulted(
            &format!("spec.{field}"),
            format!("not set in the manifest, so {before}; the platform default `{value}` applies now{scope}"),
        );
    }
    // High availability follows what an environment requires when the spec says nothing.
    if out.get("highAvailability").is_none() {
        let requiring: Vec<&str> = cx
            .environments
            .iter()
            .filter(|e| {
                cx.platform
                    .environment(e)
                    .is_some_and(|env| env.require_ha.value)
            })
            .map(String::as_str)
            .collect();
        if !requiring.is_empty() && !notes.0.iter().any(|n| n.field == "spec.highAvailability") {
            notes.defaulted(
                "spec.highAvailability",
                format!(
                    "not set in the manifest (high availability was off); on now, because {} requires it",
                    requiring.join(", ")
                ),
            );
        }
    }
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

/// Whether `ingress` is what a spec's `ingress` carries: the operator's (a mapping with a
/// `template` and only `className`, `annotations`, `labels`, `tls`).
pub(super) fn is_operator_ingress(ingress: &Node) -> bool {
    let template_ok = ingress
        .get("template")
        .and_then(Node::as_str)
        .is_some_and(|t| !t.is_empty());
    let fields_ok = ingress.as_map().is_some_and(|m| {
        m.keys()
            .all(|k| ["template", "className", "annotations", "labels", "tls"].contains(&k))
    });
    template_ok && fields_ok
}
