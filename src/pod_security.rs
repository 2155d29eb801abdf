//! The Kubernetes Pod Security Standards (<https://kubernetes.io/docs/concepts/security/pod-security-standards/>):
//! the three levels, what each forbids in a pod template, the settings a pod needs to pass
//! `restricted`, and the Pod Security Admission labels that make the cluster enforce a level.
//!
//! One home for these facts: the `pod-security` rule reports what [`check`] finds (in rendered
//! pod templates and in hand-written manifests alike), `render` writes [`admission_labels`] on
//! every Namespace and [`restricted_defaults`] into pod templates where `restricted` applies.
//!
//! The controls follow the standard as of Kubernetes 1.33; every field named here is checked
//! at pod level and in every container (`containers`, `initContainers`,
//! `ephemeralContainers`).

use crate::tree::{Map, Node, Origin, Value};
use serde::Deserialize;

/// A Pod Security Standards level, weakest first (so `Ord` compares strictness).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// No restrictions.
    Privileged,
    /// Prevents known privilege escalations: no host namespaces, host paths, privileged
    /// containers or extra capabilities.
    Baseline,
    /// Baseline plus hardening: non-root, no privilege escalation, all capabilities dropped,
    /// a seccomp profile, only volume types that hold no host access.
    Restricted,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }

    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "privileged" => Some(Level::Privileged),
            "baseline" => Some(Level::Baseline),
            "restricted" => Some(Level::Restricted),
            _ => None,
        }
    }
}

/// The level a platform applies when it names none.
pub const DEFAULT_LEVEL: Level = Level::Baseline;

/// Prefix of the Pod Security Admission namespace labels.
pub const LABEL_PREFIX: &str = "pod-security.kubernetes.io/";

/// The version of the standard the labels pin: `latest`, so the cluster applies its own
/// Kubernetes version's definition of the level (the checks here follow the current one).
pub const ADMISSION_VERSION: &str = "latest";

/// The Pod Security Admission labels for a Namespace: enforce the level (pods that violate it
/// are rejected, whoever creates them: the operator, or the job's own code through its
/// service account), and warn and audit at the same level.
pub fn admission_labels(level: Level) -> [(String, &'static str); 4] {
    [
        (format!("{LABEL_PREFIX}enforce"), level.as_str()),
        (format!("{LABEL_PREFIX}enforce-version"), ADMISSION_VERSION),
        (format!("{LABEL_PREFIX}warn"), level.as_str()),
        (format!("{LABEL_PREFIX}audit"), level.as_str()),
    ]
}

/// Capabilities `baseline` allows a container to add.
pub const BASELINE_CAPABILITIES: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Sysctls `baseline` allows (the "safe" set).
pub const SAFE_SYSCTLS: [&str; 10] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

/// SELinux types `baseline` allows (besides unset or empty).
const SELINUX_TYPES: [&str; 4] = [
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

/// Volume sources `restricted` allows.
pub const RESTRICTED_VOLUME_TYPES: [&str; 8] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// The user the official Flink image runs Flink as (`flink`, uid and gid 9999): what a
/// `restricted` pod runs as unless its template says otherwise.
pub const FLINK_UID: i64 = 9999;

const CONTAINER_LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

/// One setting the level forbids (or one it requires that is missing).
#[derive(Debug, Clone)]
pub struct Violation {
    /// The value to change, or, for a missing setting, the nearest place it belongs.
    pub at: Origin,
    /// The weakest level that forbids this (`baseline` or `restricted`).
    pub level: Level,
    /// What is wrong, naming the field as written (`spec.hostNetwork`, `containers[sidecar]…`).
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

/// Checks one pod template (`metadata` + `spec`, as in a FlinkDeployment's `podTemplate`)
/// against `level`. `fallback` is where findings about a missing setting point when the
/// template has no better place. The order of the result follows the template.
pub fn check(template: &Node, level: Level, fallback: Origin) -> Vec<Violation> {
    let mut out = Vec::new();
    if level == Level::Privileged {
        return out;
    }
    let mut c = Checker {
        level,
        out: &mut out,
    };
    c.annotations(template);
    let Some(spec) = template.get("spec") else {
        if level == Level::Restricted {
            c.missing_pod_settings(None, at_key(template, "spec").or(fallback));
        }
        return out;
    };
    let spec_at = at_key(template, "spec").or(fallback);
    for field in ["hostNetwork", "hostPID", "hostIPC"] {
        if let Some(v) = spec.get(field)
            && v.as_bool() == Some(true)
        {
            c.push(
                v.origin.or(at_key(spec, field)),
                Level::Baseline,
                format!(
                    "`spec.{field}: true` shares the node's {}",
                    host_namespace(field)
                ),
                format!("remove `{field}`: a Flink pod needs none of the node's namespaces"),
            );
        }
    }
    let pod_sc = spec.get("securityContext");
    if let Some(sc) = pod_sc {
        c.security_context(sc, "the pod", true);
        if let Some(sysctls) = sc.get("sysctls").and_then(Node::as_seq) {
            for s in sysctls {
                let name = s.get("name").and_then(Node::as_str).unwrap_or_default();
                if !SAFE_SYSCTLS.contains(&name) {
                    c.push(
                        s.get("name").map_or(s.origin, |n| n.origin),
                        Level::Baseline,
                        format!("sysctl `{}` is not in the safe set", crate::excerpt::quote(name)),
                        "remove it: only namespaced, safe sysctls are allowed (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, …)".to_string(),
                    );
                }
            }
        }
    }
    for v in spec
        .get("volumes")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        c.volume(v);
    }
    let mut containers = Vec::new();
    for list in CONTAINER_LISTS {
        for ctr in spec.get(list).and_then(Node::as_seq).unwrap_or_default() {
            let name = ctr.get("name").and_then(Node::as_str).unwrap_or_default();
            let kind = match list {
                "containers" => "container",
                "initContainers" => "init container",
                _ => "ephemeral container",
            };
            let what = format!("{kind} `{}`", crate::excerpt::quote(name));
            if let Some(ports) = ctr.get("ports").and_then(Node::as_seq) {
                for p in ports {
                    if let Some(hp) = p.get("hostPort")
                        && hp.as_i64().is_some_and(|n| n != 0)
                    {
                        c.push(
                            hp.origin,
                            Level::Baseline,
                            format!(
                                "{what} binds host port {}",
                                hp.scalar_text().unwrap_or_default()
                            ),
                            "remove `hostPort`: expose the port through a Service instead"
                                .to_string(),
                        );
                    }
                }
            }
            if let Some(sc) = ctr.get("securityContext") {
                c.security_context(sc, &what, false);
            }
            containers.push((what, ctr));
        }
    }
    if level == Level::Restricted {
        c.restricted(spec, spec_at, pod_sc, &containers);
    }
    out
}

/// Flink options that change what Flink puts into the pods it creates, whatever the pod
/// templates say:
/// * `kubernetes.hostnetwork.enabled: true` sets `hostNetwork` on the JobManager and every
///   TaskManager pod;
/// * `kubernetes.pod-template-file.default`, `.jobmanager`, `.taskmanager` (and the old
///   `kubernetes.pod-template-file`) build the pods from a template file in the image, which
///   no check sees;
/// * `kubernetes.jobmanager.annotations` and `kubernetes.taskmanager.annotations` put
///   annotations on the pods, among them AppArmor profiles.
///
/// Other `kubernetes.*` options shape the pods without touching what a Pod Security Standards
/// level controls: node selectors and tolerations (`kubernetes.*.node-selector`,
/// `kubernetes.*.tolerations`: scheduling, which the standards leave to the platform's
/// taints and admission), labels, owner references (`kubernetes.jobmanager.owner.reference`:
/// garbage collection of the JobManager Deployment), image pull secrets, mounted Secrets and
/// ConfigMaps (allowed volume types), resources and the entry command.
pub const CONFIGURATION_KEYS: [&str; 7] = [
    HOST_NETWORK_KEY,
    "kubernetes.pod-template-file",
    "kubernetes.pod-template-file.default",
    "kubernetes.pod-template-file.jobmanager",
    "kubernetes.pod-template-file.taskmanager",
    "kubernetes.jobmanager.annotations",
    "kubernetes.taskmanager.annotations",
];

const HOST_NETWORK_KEY: &str = "kubernetes.hostnetwork.enabled";

/// Checks one `flinkConfiguration` entry (see [`CONFIGURATION_KEYS`]) against `level`. `at`
/// is the value's origin.
pub fn check_configuration(key: &str, value: &str, at: Origin, level: Level) -> Vec<Violation> {
    let mut out = Vec::new();
    if level == Level::Privileged {
        return out;
    }
    let mut c = Checker {
        level,
        out: &mut out,
    };
    let shown = crate::excerpt::quote(value.trim());
    if key == HOST_NETWORK_KEY {
        if value.trim().eq_ignore_ascii_case("true") {
            c.push(
                at,
                Level::Baseline,
                format!("`{key}: {shown}` makes Flink set `hostNetwork: true` on the JobManager and TaskManager pods, sharing the node's network namespace"),
                format!("remove `{key}`: a Flink pod needs none of the node's namespaces"),
            );
        }
    } else if key.starts_with("kubernetes.pod-template-file") {
        c.push(
            at,
            Level::Baseline,
            format!("`{key}: {shown}` builds the pods from a template file in the image, which no check sees"),
            "remove it and put what the pods need in the spec's podTemplate, where it is checked".to_string(),
        );
    } else if key.ends_with(".annotations") && CONFIGURATION_KEYS.contains(&key) {
        // Flink's map syntax: `key:value,key:value`.
        for pair in value.split(',') {
            let (name, profile) = pair.split_once(':').unwrap_or((pair, ""));
            c.apparmor(name.trim(), profile.trim(), at);
        }
    }
    out
}

struct Checker<'o> {
    level: Level,
    out: &'o mut Vec<Violation>,
}

impl Checker<'_> {
    fn push(&mut self, at: Origin, level: Level, message: String, fix: String) {
        if level <= self.level {
            self.out.push(Violation {
                at,
                level,
                message,
                fix,
            });
        }
    }

    /// AppArmor annotations (`container.apparmor.security.beta.kubernetes.io/<container>`).
    fn annotations(&mut self, template: &Node) {
        let Some(m) = template
            .path(&["metadata", "annotations"])
            .and_then(Node::as_map)
        else {
            return;
        };
        for e in m.iter() {
            let v = e.value.as_str().unwrap_or_default();
            self.apparmor(&e.key, v, e.value.origin.or(e.key_origin));
        }
    }

    /// One annotation, if it sets an AppArmor profile.
    fn apparmor(&mut self, name: &str, profile: &str, at: Origin) {
        if name.starts_with("container.apparmor.security.beta.kubernetes.io/")
            && profile != "runtime/default"
            && !profile.starts_with("localhost/")
        {
            self.push(
                at,
                Level::Baseline,
                format!(
                    "AppArmor profile `{}` is not the runtime default or a local profile",
                    crate::excerpt::quote(profile)
                ),
                "use `runtime/default` (or a `localhost/<profile>` the node has), or remove the annotation".to_string(),
            );
        }
    }

    /// The controls that apply to a pod's or a container's `securityContext`; `path` names
    /// whose it is (`the pod`, ``container `main` ``).
    fn security_context(&mut self, sc: &Node, path: &str, pod: bool) {
        if !pod {
            if let Some(v) = sc.get("privileged")
                && v.as_bool() == Some(true)
            {
                self.push(
                    v.origin,
                    Level::Baseline,
                    format!(
                        "{path}: `securityContext.privileged: true` gives the container every capability of the node"
                    ),
                    "remove `privileged`: a Flink container needs no host access".to_string(),
                );
            }
            if let Some(add) = sc.path(&["capabilities", "add"]).and_then(Node::as_seq) {
                for cap in add {
                    let name = cap.as_str().unwrap_or_default();
                    let bare = name.strip_prefix("CAP_").unwrap_or(name);
                    if !BASELINE_CAPABILITIES.contains(&bare) {
                        self.push(
                            cap.origin,
                            Level::Baseline,
                            format!("{path}: `securityContext.capabilities.add` adds `{}`, beyond the baseline set", crate::excerpt::quote(name)),
                            "remove it: baseline allows adding only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and SYS_CHROOT".to_string(),
                        );
                    } else if bare != "NET_BIND_SERVICE" {
                        self.push(
                            cap.origin,
                            Level::Restricted,
                            format!("{path}: `securityContext.capabilities.add` adds `{}`; restricted allows only NET_BIND_SERVICE", crate::excerpt::quote(name)),
                            "remove it".to_string(),
                        );
                    }
                }
            }
            if let Some(v) = sc.get("procMount")
                && v.as_str().is_some_and(|m| m != "Default")
            {
                self.push(
                    v.origin,
                    Level::Baseline,
                    format!("{path}: `securityContext.procMount` unmasks /proc"),
                    "remove `procMount` (or set it to `Default`)".to_string(),
                );
            }
            if let Some(v) = sc.get("allowPrivilegeEscalation")
                && v.as_bool() == Some(true)
            {
                self.push(
                    v.origin,
                    Level::Restricted,
                    format!("{path}: `securityContext.allowPrivilegeEscalation: true` lets a process gain more privileges than its parent"),
                    "set `allowPrivilegeEscalation: false`".to_string(),
                );
            }
        }
        if let Some(v) = sc.path(&["windowsOptions", "hostProcess"])
            && v.as_bool() == Some(true)
        {
            self.push(
                v.origin,
                Level::Baseline,
                format!("{path}: `securityContext.windowsOptions.hostProcess: true` runs on the Windows host"),
                "remove `hostProcess`".to_string(),
            );
        }
        if let Some(v) = sc.path(&["appArmorProfile", "type"])
            && v.as_str()
                .is_some_and(|t| t != "RuntimeDefault" && t != "Localhost")
        {
            self.push(
                v.origin,
                Level::Baseline,
                format!("{path}: `securityContext.appArmorProfile.type` turns AppArmor off"),
                "use `RuntimeDefault`, or remove it".to_string(),
            );
        }
        if let Some(se) = sc.get("seLinuxOptions") {
            if let Some(v) = se.get("type")
                && let Some(t) = v.as_str()
                && !t.is_empty()
                && !SELINUX_TYPES.contains(&t)
            {
                self.push(
                    v.origin,
                    Level::Baseline,
                    format!("{path}: `securityContext.seLinuxOptions.type` `{}` is not a container type", crate::excerpt::quote(t)),
                    "remove it, or use container_t, container_init_t, container_kvm_t or container_engine_t".to_string(),
                );
            }
            for field in ["user", "role"] {
                if let Some(v) = se.get(field)
                    && v.as_str().is_some_and(|s| !s.is_empty())
                {
                    self.push(
                        v.origin,
                        Level::Baseline,
                        format!("{path}: `securityContext.seLinuxOptions.{field}` sets a custom SELinux {field}"),
                        format!("remove `seLinuxOptions.{field}`"),
                    );
                }
            }
        }
        if let Some(v) = sc.path(&["seccompProfile", "type"])
            && v.as_str() == Some("Unconfined")
        {
            self.push(
                v.origin,
                Level::Baseline,
                format!(
                    "{path}: `securityContext.seccompProfile.type: Unconfined` turns seccomp off"
                ),
                "use `RuntimeDefault`".to_string(),
            );
        }
        if let Some(v) = sc.get("runAsUser")
            && v.as_i64() == Some(0)
        {
            self.push(
                v.origin,
                Level::Restricted,
                format!("{path}: `securityContext.runAsUser: 0` runs as root"),
                format!("run as a non-root user, e.g. `runAsUser: {FLINK_UID}` (the Flink image's `flink` user)"),
            );
        }
        if let Some(v) = sc.get("runAsNonRoot")
            && v.as_bool() == Some(false)
        {
            self.push(
                v.origin,
                Level::Restricted,
                format!("{path}: `securityContext.runAsNonRoot: false` allows running as root"),
                "set `runAsNonRoot: true`, or remove it (flinkform sets it)".to_string(),
            );
        }
    }

    fn volume(&mut self, v: &Node) {
        let Some(m) = v.as_map() else { return };
        let name = m.get("name").and_then(Node::as_str).unwrap_or_default();
        for e in m.iter().filter(|e| e.key != "name") {
            if e.key == "hostPath" {
                self.push(
                    e.key_origin.or(e.value.origin),
                    Level::Baseline,
                    format!(
                        "volume `{}` mounts a path of the node (`hostPath`)",
                        crate::excerpt::quote(name)
                    ),
                    "use an `emptyDir`, a `persistentVolumeClaim` or a `configMap` instead"
                        .to_string(),
                );
            } else if !RESTRICTED_VOLUME_TYPES.contains(&e.key.as_str()) {
                self.push(
                    e.key_origin.or(e.value.origin),
                    Level::Restricted,
                    format!("volume `{}` is of type `{}`, which restricted does not allow", crate::excerpt::quote(name), crate::excerpt::quote(&e.key)),
                    "use configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret".to_string(),
                );
            }
        }
    }

    /// The settings `restricted` requires (not just forbids): non-root, a seccomp profile, no
    /// privilege escalation, all capabilities dropped.
    fn restricted(
        &mut self,
        spec: &Node,
        spec_at: Origin,
        pod_sc: Option<&Node>,
        containers: &[(String, &Node)],
    ) {
        let pod_non_root = pod_sc
            .and_then(|s| s.get("runAsNonRoot"))
            .and_then(Node::as_bool)
            == Some(true);
        let pod_seccomp = pod_sc
            .and_then(|s| s.path(&["seccompProfile", "type"]))
            .and_then(Node::as_str)
            .is_some_and(|t| t == "RuntimeDefault" || t == "Localhost");
        let pod_at = pod_sc.map_or(spec_at, |_| at_key(spec, "securityContext").or(spec_at));
        if containers.is_empty() {
            self.missing_pod_settings(pod_sc, pod_at);
            return;
        }
        for (what, ctr) in containers {
            let sc = ctr.get("securityContext");
            let at = sc
                .map(|_| at_key(ctr, "securityContext"))
                .unwrap_or_default()
                .or(ctr.get("name").map_or(Origin::NONE, |n| n.origin))
                .or(ctr.origin)
                .or(spec_at);
            let field = |k: &[&str]| sc.and_then(|s| s.path(k));
            if !pod_non_root && field(&["runAsNonRoot"]).is_none() {
                self.push(
                    at,
                    Level::Restricted,
                    format!("{what} may run as root: neither the pod nor the container sets `runAsNonRoot: true`"),
                    "set `securityContext.runAsNonRoot: true` on the pod".to_string(),
                );
            }
            if !pod_seccomp && field(&["seccompProfile", "type"]).is_none() {
                self.push(
                    at,
                    Level::Restricted,
                    format!(
                        "{what} has no seccomp profile: neither the pod nor the container sets one"
                    ),
                    "set `securityContext.seccompProfile.type: RuntimeDefault` on the pod"
                        .to_string(),
                );
            }
            if field(&["allowPrivilegeEscalation"]).is_none() {
                self.push(
                    at,
                    Level::Restricted,
                    format!("{what} does not set `allowPrivilegeEscalation: false`"),
                    "set `securityContext.allowPrivilegeEscalation: false` on the container"
                        .to_string(),
                );
            }
            let drops_all = field(&["capabilities", "drop"])
                .and_then(Node::as_seq)
                .is_some_and(|d| d.iter().any(|c| c.as_str() == Some("ALL")));
            if !drops_all {
                self.push(
                    field(&["capabilities", "drop"]).map_or(at, |d| d.origin.or(at)),
                    Level::Restricted,
                    format!("{what} does not drop all capabilities"),
                    "set `securityContext.capabilities.drop: [ALL]` on the container".to_string(),
                );
            }
        }
    }

    /// A template with no containers: only the pod-level requirements can be judged.
    fn missing_pod_settings(&mut self, pod_sc: Option<&Node>, at: Origin) {
        let get = |k: &[&str]| pod_sc.and_then(|s| s.path(k));
        if get(&["runAsNonRoot"]).and_then(Node::as_bool) != Some(true) {
            self.push(
                at,
                Level::Restricted,
                "the pod does not set `runAsNonRoot: true`".to_string(),
                "set `securityContext.runAsNonRoot: true` on the pod".to_string(),
            );
        }
        if !get(&["seccompProfile", "type"])
            .and_then(Node::as_str)
            .is_some_and(|t| t == "RuntimeDefault" || t == "Localhost")
        {
            self.push(
                at,
                Level::Restricted,
                "the pod has no seccomp profile".to_string(),
                "set `securityContext.seccompProfile.type: RuntimeDefault` on the pod".to_string(),
            );
        }
    }
}

fn host_namespace(field: &str) -> &'static str {
    match field {
        "hostNetwork" => "network namespace (it can reach every port on the node)",
        "hostPID" => "process namespace (it can see and signal every process on the node)",
        _ => "IPC namespace",
    }
}

/// The origin of `key` in a mapping node.
fn at_key(n: &Node, key: &str) -> Origin {
    n.as_map()
        .and_then(|m| m.entry(key))
        .map_or(Origin::NONE, |e| e.key_origin.or(e.value.origin))
}

/// Adds what a pod needs to pass `restricted` where the template leaves it unset: on the pod,
/// `runAsNonRoot: true`, `runAsUser`/`runAsGroup` 9999 (the Flink image's `flink` user; a
/// numeric user lets the kubelet verify non-root) and `seccompProfile: RuntimeDefault`; on
/// every container, `allowPrivilegeEscalation: false` and `capabilities.drop: [ALL]`. What
/// the template sets is kept as written (and judged by [`check`]). A template of the wrong
/// shape is left alone: validation against the CRD reports it.
pub fn restricted_defaults(template: &mut Node) {
    let Some(t) = template.as_map_mut() else {
        return;
    };
    if t.get("spec").is_some_and(|s| s.as_map().is_none()) {
        return;
    }
    let spec = template.ensure_map(&["spec"]);
    if spec
        .get("securityContext")
        .is_none_or(|s| s.as_map().is_some())
    {
        let sc = ensure_map_in(spec, "securityContext");
        set_default(sc, "runAsNonRoot", Node::bool(true, Origin::NONE));
        if sc.get("runAsUser").is_none() {
            sc.insert("runAsUser", Node::int(FLINK_UID, Origin::NONE));
            set_default(sc, "runAsGroup", Node::int(FLINK_UID, Origin::NONE));
        }
        if sc.get("seccompProfile").is_none() {
            let mut p = Map::new();
            p.insert("type", Node::str("RuntimeDefault", Origin::NONE));
            sc.insert("seccompProfile", Node::map(p, Origin::NONE));
        }
    }
    for list in CONTAINER_LISTS {
        let Some(Value::Seq(items)) = spec.get_mut(list).map(|n| &mut n.value) else {
            continue;
        };
        for ctr in items.iter_mut() {
            let Some(c) = ctr.as_map_mut() else { continue };
            if c.get("securityContext")
                .is_some_and(|s| s.as_map().is_none())
            {
                continue;
            }
            let sc = ensure_map_in(c, "securityContext");
            set_default(
                sc,
                "allowPrivilegeEscalation",
                Node::bool(false, Origin::NONE),
            );
            if sc.get("capabilities").is_none_or(|c| c.as_map().is_some()) {
                let caps = ensure_map_in(sc, "capabilities");
                set_default(
                    caps,
                    "drop",
                    Node::seq(vec![Node::str("ALL", Origin::NONE)], Origin::NONE),
                );
            }
        }
    }
}

fn set_default(m: &mut Map, key: &str, value: Node) {
    if m.get(key).is_none() {
        m.insert(key, value);
    }
}

/// The mapping under `key`, created if absent (callers make sure a present value is a mapping).
fn ensure_map_in<'a>(m: &'a mut Map, key: &str) -> &'a mut Map {
    if m.get(key).is_none_or(|n| n.as_map().is_none()) {
        m.insert(key, Node::map(Map::new(), Origin::NONE));
    }
    match m.get_mut(key).and_then(Node::as_map_mut) {
        Some(inner) => inner,
        None => unreachable!("inserted a mapping above"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, SourceFile};

    fn load(text: &str) -> Node {
        crate::yaml::load(FileId(0), &SourceFile::new("t.yaml", text)).expect("yaml")
    }

    fn messages(text: &str, level: Level) -> Vec<String> {
        check(&load(text), level, Origin::NONE)
            .into_iter()
            .map(|v| v.message)
            .collect()
    }

    #[test]
    fn baseline_forbids_host_access() {
        let t = "spec:\n  hostNetwork: true\n  hostPID: true\n  hostIPC: false\n  volumes:\n    - name: root\n      hostPath: { path: / }\n  containers:\n    - name: c\n      securityContext:\n        privileged: true\n        capabilities: { add: [SYS_ADMIN, NET_BIND_SERVICE, CAP_CHOWN] }\n      ports: [{ containerPort: 80, hostPort: 80 }]\n";
        let got = messages(t, Level::Baseline);
        assert_eq!(got.len(), 6, "{got:#?}");
        assert!(got[0].starts_with("`spec.hostNetwork: true`"));
        assert!(got[1].starts_with("`spec.hostPID: true`"));
        assert!(
            got[4].starts_with("container `c`: `securityContext.privileged: true`"),
            "{}",
            got[4]
        );
        assert!(got[2].contains("`hostPath`"));
        assert!(got[3].contains("host port 80"));
        assert!(got[4].contains("privileged: true"));
        assert!(got[5].contains("`SYS_ADMIN`"));
        assert!(messages(t, Level::Privileged).is_empty());
    }

    #[test]
    fn restricted_requires_hardening_and_defaults_provide_it() {
        let mut t = load(
            "spec:\n  containers:\n    - name: flink-main-container\n  initContainers:\n    - name: init\n      securityContext: { runAsUser: 0 }\n",
        );
        let before = check(&t, Level::Restricted, Origin::NONE);
        assert!(before.iter().any(|v| v.message.contains("runAsUser: 0")));
        assert!(
            before
                .iter()
                .any(|v| v.message.contains("does not drop all capabilities"))
        );
        assert!(check(&t, Level::Baseline, Origin::NONE).is_empty());
        restricted_defaults(&mut t);
        let after: Vec<String> = check(&t, Level::Restricted, Origin::NONE)
            .into_iter()
            .map(|v| v.message)
            .collect();
        // What the template wrote stays, and is still reported; the rest is now set.
        assert_eq!(
            after,
            ["init container `init`: `securityContext.runAsUser: 0` runs as root"]
        );
        restricted_defaults(&mut t);
        assert_eq!(
            check(&t, Level::Restricted, Origin::NONE).len(),
            1,
            "idempotent"
        );
    }

    #[test]
    fn restricted_limits_volume_types() {
        let t = "spec:\n  securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }\n  volumes:\n    - { name: a, emptyDir: {} }\n    - { name: b, nfs: { server: x, path: / } }\n";
        assert_eq!(
            messages(t, Level::Restricted),
            ["volume `b` is of type `nfs`, which restricted does not allow"]
        );
    }

    #[test]
    fn levels_order_by_strictness() {
        assert!(Level::Privileged < Level::Baseline && Level::Baseline < Level::Restricted);
        assert_eq!(Level::parse("restricted"), Some(Level::Restricted));
        assert_eq!(Level::parse("Restricted"), None);
    }
}
