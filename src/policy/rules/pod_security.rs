use crate::excerpt::quote;
use crate::pod_security::{self, LABEL_PREFIX, Level};
use crate::facts::view::Kind;
use crate::policy::{Finding, Rule, Target};
use crate::render::pod_template::MAIN_CONTAINER;
use crate::secrets::POD_TEMPLATES;
use crate::tree::{Map, Node, Origin, Value};

crate::declare_rule! {
    /// Pod templates meet the platform's Pod Security Standards level.
    ///
    /// ## What it checks
    /// Every pod template of a FlinkDeployment (`podTemplate`, `jobManager.podTemplate`,
    /// `taskManager.podTemplate`) against the Kubernetes Pod Security Standards level of its
    /// environment: `policy.environments.<env>.podSecurity`, else `policy.podSecurity`, else
    /// `baseline`.
    /// * `baseline` forbids host namespaces (`hostNetwork`, `hostPID`, `hostIPC`),
    ///   `hostPath` volumes, host ports, privileged containers, capabilities added beyond the
    ///   baseline set (`SYS_ADMIN`, `NET_ADMIN`, …), Windows host processes, unmasked `/proc`,
    ///   AppArmor, SELinux or seccomp turned off, and unsafe sysctls;
    /// * `restricted` also forbids running as root (`runAsUser: 0`, `runAsNonRoot: false`),
    ///   privilege escalation, capabilities other than dropping `ALL` (adding only
    ///   `NET_BIND_SERVICE`), volume types other than configMap, csi, downwardAPI, emptyDir,
    ///   ephemeral, persistentVolumeClaim, projected and secret, and requires a seccomp
    ///   profile. flinkform renders what `restricted` requires where the template says nothing
    ///   (`runAsNonRoot: true`, user 9999 (the Flink image's `flink` user),
    ///   `seccompProfile: RuntimeDefault`, `allowPrivilegeEscalation: false`,
    ///   `capabilities.drop: [ALL]`), so only settings written in a template are reported;
    /// * `privileged` checks nothing.
    ///
    /// Flink options that change the pods Flink creates are checked the same way:
    /// `kubernetes.hostnetwork.enabled: true` (Flink sets `hostNetwork` on the JobManager and
    /// TaskManager pods) and AppArmor annotations in `kubernetes.jobmanager.annotations` /
    /// `kubernetes.taskmanager.annotations` are reported like the same settings in a template,
    /// and `kubernetes.pod-template-file.default`, `.jobmanager`, `.taskmanager` are forbidden
    /// below `privileged`: they build the pods from a template file in the image, which no
    /// check sees. (Node selectors, tolerations, labels, owner references and mounted Secrets
    /// are not what a Pod Security Standards level controls.)
    ///
    /// Under `restricted`, a hand-written FlinkDeployment whose templates do not name
    /// `flink-main-container` (or that has no template) is judged with the bare main container
    /// Flink adds: it needs the settings too.
    ///
    /// Each finding points at the setting in the spec (or manifest). flinkform labels every
    /// Namespace it renders with the Pod Security Admission labels of the same level
    /// (`pod-security.kubernetes.io/enforce`, `enforce-version`, `warn`, `audit`); this rule
    /// also reports a service that sets labels under `pod-security.kubernetes.io/` itself,
    /// and, in `lint`, a Namespace among the linted objects that enforces a weaker level.
    ///
    /// ## Why
    /// A pod template is an escape hatch into the node: a privileged container, the host's
    /// network or process namespace or a `hostPath` mount of `/` is root on the node, and from
    /// there every other tenant's pods and secrets. In native mode the job's own code runs
    /// with a service account that may create pods, so a check of the spec alone cannot stop
    /// a privileged pod: the Namespace's admission labels make the cluster enforce the same
    /// level on every pod, whoever creates it.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   podTemplate:
    ///     spec:
    ///       containers:
    ///         - name: flink-main-container
    ///           securityContext: { privileged: true }
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   podTemplate:
    ///     spec:
    ///       hostNetwork: true
    ///       containers:
    ///         - name: flink-main-container
    ///           securityContext: { privileged: true }
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   podTemplate:
    ///     spec:
    ///       containers:
    ///         - name: flink-main-container
    ///           securityContext: { allowPrivilegeEscalation: false }
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   podTemplate:
    ///     spec:
    ///       containers:
    ///         - name: flink-main-container
    ///           securityContext: { allowPrivilegeEscalation: false }
    /// ```
    /// A job that really needs more (a node-local cache on `hostPath`, say) runs in an
    /// environment whose level the platform sets to `privileged`, or under a waiver.
    pub struct PodSecurity {
        name: "pod-security", severity: Error, category: Policy, kinds: [Deployment, SessionJob],
        security: "8.0",
    }
}

impl Rule for PodSecurity {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let level = t.platform.policy.pod_security(&t.env);
        let set_here = |mut f: Finding| {
            if level.origin.span().is_some() {
                f = f.also(level.origin, format!("`{}` set here", level.value.as_str()));
            }
            f
        };
        // Flink adds `flink-main-container` to pods whose templates do not name it; under
        // `restricted` that container needs settings too, so it is judged as Flink makes it.
        let implicit_main = level.value == Level::Restricted
            && t.view.kind() == Kind::Deployment
            && !POD_TEMPLATES.iter().any(|p| {
                t.view
                    .spec(p)
                    .and_then(|pt| pt.path(&["spec", "containers"]))
                    .and_then(Node::as_seq)
                    .is_some_and(|cs| {
                        cs.iter()
                            .any(|c| c.get("name").and_then(Node::as_str) == Some(MAIN_CONTAINER))
                    })
            });
        for path in POD_TEMPLATES {
            let with_main;
            let template = match t.view.spec(path) {
                Some(template) if !(implicit_main && path == POD_TEMPLATES[0]) => template,
                found if implicit_main && path == POD_TEMPLATES[0] => {
                    with_main = add_main_container(found);
                    &with_main
                }
                _ => continue,
            };
            let fallback = t.anchor(path);
            for v in pod_security::check(template, level.value, fallback) {
                let help = if t.is_render() && v.at.span().is_none() {
                    format!(
                        "{}, in the service's podTemplate (flinkform sets what {} requires only where the template is a mapping of the usual shape)",
                        v.fix,
                        v.level.as_str()
                    )
                } else {
                    v.fix
                };
                out.push(set_here(
                    Finding::new(
                        v.at.or(fallback),
                        format!(
                            "{}: the Pod Security Standards' `{}` level forbids it",
                            v.message,
                            v.level.as_str()
                        ),
                    )
                    .label(format!("not {}", v.level.as_str()))
                    .help(help),
                ));
            }
        }
        for e in t.view.conf() {
            if !pod_security::CONFIGURATION_KEYS.contains(&e.key.as_str()) {
                continue;
            }
            let at = e.origin();
            for v in pod_security::check_configuration(&e.key, &e.value, at, level.value) {
                let help = if t.is_render() {
                    format!("{}, from the service's flinkConfiguration", v.fix)
                } else {
                    v.fix
                };
                out.push(set_here(
                    Finding::new(
                        if at.span().is_some() { at } else { t.blame },
                        format!(
                            "{}: the Pod Security Standards' `{}` level forbids it",
                            v.message,
                            v.level.as_str()
                        ),
                    )
                    .label(format!("not {}", v.level.as_str()))
                    .help(help),
                ));
            }
        }
        if t.is_render() {
            self_labels(t, out);
        }
        weaker_namespace(t, level.value, out);
    }
}

/// A pod template (or an empty one) with the container Flink adds when none is named
/// `flink-main-container`.
fn add_main_container(template: Option<&Node>) -> Node {
    let mut t = template
        .cloned()
        .unwrap_or_else(|| Node::map(Map::new(), Origin::NONE));
    if t.as_map().is_none() || t.get("spec").is_some_and(|s| s.as_map().is_none()) {
        return t;
    }
    let spec = t.ensure_map(&["spec"]);
    let mut main = Map::new();
    main.insert("name", Node::str(MAIN_CONTAINER, Origin::NONE));
    let main = Node::map(main, Origin::NONE);
    match spec.get_mut("containers").map(|n| &mut n.value) {
        Some(Value::Seq(items)) => items.push(main),
        Some(_) => {}
        None => spec.insert("containers", Node::seq(vec![main], Origin::NONE)),
    }
    t
}

/// Labels a service sets under `pod-security.kubernetes.io/` (they would reach its objects;
/// on the Namespace flinkform's own replace them).
fn self_labels(t: &Target<'_>, out: &mut Vec<Finding>) {
    let Some(labels) = t
        .view
        .object
        .path(&["metadata", "labels"])
        .and_then(Node::as_map)
    else {
        return;
    };
    for e in labels.iter() {
        if e.key.starts_with(LABEL_PREFIX) && e.key_origin.or(e.value.origin).span().is_some() {
            out.push(
                Finding::new(
                    e.key_origin.or(e.value.origin),
                    format!(
                        "the service sets the label `{}`: Pod Security Admission labels are the platform's",
                        quote(&e.key)
                    ),
                )
                .label("platform label")
                .help("remove it: flinkform labels the Namespace with the level of the environment (`policy.podSecurity` in flinkform.yaml)"),
            );
        }
    }
}

/// A Namespace beside the job (in the linted set, or rendered) that enforces a weaker level
/// than the environment's, or none at all while being labelled for Pod Security Admission.
fn weaker_namespace(t: &Target<'_>, level: Level, out: &mut Vec<Finding>) {
    let Some(ns) = t.view.namespace().and_then(Node::as_str) else {
        return;
    };
    for n in &t.neighbours {
        if n.get("kind").and_then(Node::as_str) != Some("Namespace")
            || n.path(&["metadata", "name"]).and_then(Node::as_str) != Some(ns)
        {
            continue;
        }
        let Some(enforce) = n
            .path(&["metadata", "labels"])
            .and_then(Node::as_map)
            .and_then(|m| m.entry(&format!("{LABEL_PREFIX}enforce")))
        else {
            continue;
        };
        let text = enforce.value.as_str().unwrap_or_default();
        let weaker = Level::parse(text).is_none_or(|l| l < level);
        if weaker {
            let at = enforce.value.origin.or(enforce.key_origin);
            out.push(
                Finding::new(
                    if at.span().is_some() { at } else { t.blame },
                    format!(
                        "namespace `{}` enforces Pod Security `{}`, weaker than the `{}` its environment requires",
                        quote(ns),
                        quote(text),
                        level.as_str()
                    ),
                )
                .label("weaker level")
                .help(format!("label the Namespace `{LABEL_PREFIX}enforce: {}`", level.as_str())),
            );
        }
    }
}
