//! The policy half of the trust boundary (docs/reliability.md, "What a spec may claim" and
//! "What any output may quote"): names no service may claim, pod security, numbers beyond what
//! Kubernetes and Flink hold, and output that never quotes more than an excerpt or a secret.
//! Every case runs the real binary on a repository made by the test.

use crate::common;

use common::{copy_dir, example, flinkform, git, run, shared_reference};
use flinkform::tree::Node;
use std::fs;
use std::path::Path;

const PLATFORM: &str = "apiVersion: flinkform/v1
kind: Platform
spec:
  defaults:
    flinkVersion: \"1.20\"
    image: flink:1.20.1-java17
    jobManager: { cpu: 1, memory: 2Gi }
    taskManager: { cpu: 1, memory: 2Gi, slots: 1 }
    stateBackend: rocksdb
    job: { parallelism: 1 }
    checkpointing: { interval: 60s }
  environments:
    staging: { clusters: [staging-1] }
";

fn spec(name: &str) -> String {
    format!(
        "apiVersion: flinkform/v1
kind: FlinkService
metadata:
  name: {name}
  team: shop
spec:
  job:
    jarURI: local:///opt/flink/usrlib/job.jar
  environments:
    staging: {{}}
"
    )
}

fn repo(platform: &str, services: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    fs::write(tmp.path().join("flinkform.yaml"), platform).expect("platform");
    for (name, text) in services {
        let dir = tmp.path().join("services").join(name);
        fs::create_dir_all(&dir).expect("mkdir");
        fs::write(dir.join("service.yaml"), text).expect("spec");
    }
    tmp
}

/// (rule, file, line, column, message, severity, waived) of every finding of `check --format json`.
type Found = Vec<(String, String, u64, u64, String, String, bool)>;

fn check_json(dir: &Path) -> (i32, Found) {
    let (code, stdout, stderr) = run(dir, &["check", "--format", "json"]);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    let found = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_string(),
                d["file"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap_or_default().to_string(),
                d["severity"].as_str().unwrap_or_default().to_string(),
                d.get("waived").is_some(),
            )
        })
        .collect();
    (code, found)
}

// ---------------------------------------------------------------------------------------------
// Names no service may claim
// ---------------------------------------------------------------------------------------------

#[test]
fn infrastructure_namespaces_cannot_be_claimed_and_are_never_rendered() {
    for (name, why) in [
        (
            "ingress-nginx",
            "the usual namespace of the NGINX Ingress Controller",
        ),
        ("istio-system", "the usual namespace of Istio"),
        ("cert-manager", "the usual namespace of cert-manager"),
        ("vault", "the usual namespace of HashiCorp Vault"),
        (
            "external-secrets",
            "the usual namespace of External Secrets Operator",
        ),
        ("kyverno", "the usual namespace of Kyverno"),
        ("argocd", "the usual namespace of Argo CD"),
        ("openshift-ingress", "the usual namespace of OpenShift"),
        ("kube-public", "a Kubernetes system namespace"),
        ("default", "a Kubernetes system namespace"),
        (
            "flink-operator",
            "the namespace of the Flink operator on this platform",
        ),
        ("flux-system", "the namespace of Flux on this platform"),
        ("monitoring", "the namespace of monitoring on this platform"),
    ] {
        let r = repo(PLATFORM, &[(name, &spec(name))]);
        let (code, found) = check_json(r.path());
        assert_eq!(code, 1, "{name}: {found:?}");
        let file = format!("services/{name}/service.yaml");
        assert_eq!(
            found[0],
            (
                "namespace-isolation".to_string(),
                file.clone(),
                4,
                9,
                format!(
                    "service `{name}` would get the namespace `{name}`, {why}: flinkform would render RBAC, a quota and a network policy into it"
                ),
                "error".to_string(),
                false,
            ),
            "{name}"
        );
        // `default` is also the name of every namespace's default service account.
        let expected = if name == "default" { 2 } else { 1 };
        assert_eq!(found.len(), expected, "{found:#?}");
        assert!(
            found
                .iter()
                .all(|f| f.0 == "namespace-isolation" && f.1 == file && f.2 == 4)
        );
        // render refuses, whatever --fail-on says: nothing lands in that namespace.
        let (code, _, stderr) = run(r.path(), &["render", "--fail-on", "never"]);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(stderr.contains("namespace errors always block"), "{stderr}");
        assert!(!r.path().join("rendered").exists(), "{name}: rendered");
    }
}

#[test]
fn new_refuses_a_reserved_name_unless_the_platform_waives_it() {
    let r = repo(RESTRICTED_PLATFORM, &[]);
    let (code, _, stderr) = run(r.path(), &["new", "cert-manager", "--team", "shop"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("`cert-manager` cannot be a service name here: its namespace would be `cert-manager`, the usual namespace of cert-manager"),
        "{stderr}"
    );
    assert!(!r.path().join("services/cert-manager").exists());
    let waived = format!(
        "{RESTRICTED_PLATFORM}    waivers:
      - rule: namespace-isolation
        service: cert-manager
        reason: Certificate inventory job lives beside cert-manager (SEC-7)
        expires: 2099-01-01
"
    );
    fs::write(r.path().join("flinkform.yaml"), waived).expect("write");
    let (code, _, stderr) = run(r.path(), &["new", "cert-manager", "--team", "shop"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        r.path()
            .join("services/cert-manager/service.yaml")
            .is_file()
    );
}

#[test]
fn the_platform_reserves_more_and_waives_what_it_means() {
    let platform = format!(
        "{PLATFORM}  policy:
    reservedNamespaces: [team-infra-*, billing-core]
    waivers:
      - rule: namespace-isolation
        service: vault
        reason: The Vault audit-log processor runs beside Vault (SEC-42)
        expires: 2099-01-01
"
    );
    let r = repo(
        &platform,
        &[
            ("team-infra-etl", &spec("team-infra-etl")),
            ("billing-core", &spec("billing-core")),
            ("billing-core-etl", &spec("billing-core-etl")),
            ("vault", &spec("vault")),
        ],
    );
    let (code, found) = check_json(r.path());
    assert_eq!(code, 1);
    let located: Vec<(&str, u64, bool)> = found.iter().map(|f| (f.1.as_str(), f.2, f.6)).collect();
    assert_eq!(
        located,
        [
            ("services/billing-core/service.yaml", 4, false),
            ("services/team-infra-etl/service.yaml", 4, false),
            ("services/vault/service.yaml", 4, true),
        ],
        "{found:#?}"
    );
    assert!(
        found[0]
            .4
            .contains("reserved by the platform (`policy.reservedNamespaces`)")
    );
    // The reserved entry is the secondary location.
    let (_, out, _) = run(r.path(), &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        json["diagnostics"][0]["related"][0]["file"],
        "flinkform.yaml"
    );
    assert_eq!(json["diagnostics"][0]["related"][0]["line"], 15);
    assert_eq!(
        json["diagnostics"][0]["related"][0]["message"],
        "reserved here"
    );
    // Without the two unwaived claims, render writes, the waived `vault` included.
    fs::remove_dir_all(r.path().join("services/team-infra-etl")).expect("rm");
    fs::remove_dir_all(r.path().join("services/billing-core")).expect("rm");
    let (code, _, stderr) = run(r.path(), &["render"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        r.path()
            .join("rendered/staging-1/vault/manifests.yaml")
            .is_file()
    );
}

#[test]
fn flux_kustomizations_cannot_replace_the_platforms_own() {
    // Services named like the Kustomizations a Flux bootstrap usually has.
    let names = ["apps", "infrastructure", "flink-services"];
    let services: Vec<(&str, String)> = names.iter().map(|n| (*n, spec(n))).collect();
    let refs: Vec<(&str, &str)> = services.iter().map(|(n, s)| (*n, s.as_str())).collect();
    let r = repo(PLATFORM, &refs);
    let (code, _, stderr) = run(r.path(), &["render"]);
    assert_eq!(code, 0, "{stderr}");
    for n in names {
        let text = fs::read_to_string(r.path().join(format!("rendered/flux/staging-1/{n}.yaml")))
            .expect("flux file");
        assert!(
            text.contains(&format!(
                "  name: flinkform-{n}\n  namespace: flux-system\n"
            )),
            "{text}"
        );
        // The health check still names the service's own FlinkDeployment.
        assert!(
            text.contains(&format!("    name: {n}\n    namespace: {n}\n")),
            "{text}"
        );
    }
    // The platform's own Kustomization may not use the prefix: a service could replace it.
    let platform = PLATFORM.replace(
        "spec:\n",
        "spec:\n  operator:\n    fluxKustomization: { name: flinkform-operator }\n",
    );
    let r = repo(&platform, &[("orders", &spec("orders"))]);
    let (code, found) = check_json(r.path());
    assert_eq!(code, 1);
    assert_eq!(
        found
            .iter()
            .map(|f| (f.0.as_str(), f.1.as_str(), f.2, f.3))
            .collect::<Vec<_>>(),
        [("schema", "flinkform.yaml", 5, 32)]
    );
    assert_eq!(
        found[0].4,
        "the operator's Flux Kustomization `flinkform-operator` has the prefix of the ones flinkform renders: a service named `operator` would replace it"
    );
}

#[test]
fn rendered_namespaces_enforce_the_environments_level() {
    // The example platform keeps the default, baseline.
    let mut seen = 0;
    for e in walkdir::WalkDir::new(example().join("rendered"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "manifests.yaml")
    {
        seen += 1;
        let text = fs::read_to_string(e.path()).expect("read");
        // The Namespace is the file's first object.
        let text = text.split("---\n").next().expect("first document");
        assert!(text.contains("\nkind: Namespace\n"), "{text}");
        for label in [
            "    pod-security.kubernetes.io/audit: baseline\n",
            "    pod-security.kubernetes.io/enforce: baseline\n",
            "    pod-security.kubernetes.io/enforce-version: latest\n",
            "    pod-security.kubernetes.io/warn: baseline\n",
        ] {
            assert!(text.contains(label), "{}: {text}", e.path().display());
        }
    }
    assert_eq!(seen, 18, "every service folder of the example");
}

// ---------------------------------------------------------------------------------------------
// Pod security
// ---------------------------------------------------------------------------------------------

const RESTRICTED_PLATFORM: &str = "apiVersion: flinkform/v1
kind: Platform
spec:
  storage:
    checkpoints: s3://flink-{env}/{service}/checkpoints
    savepoints: s3://flink-{env}/{service}/savepoints
    highAvailability: s3://flink-{env}/{service}/ha
  defaults:
    flinkVersion: \"1.20\"
    image: flink:1.20.1-java17
    jobManager: { cpu: 1, memory: 2Gi }
    taskManager: { cpu: 1, memory: 2Gi, slots: 1 }
    stateBackend: rocksdb
    job: { parallelism: 1, upgradeMode: savepoint }
    checkpointing: { interval: 60s }
  environments:
    staging: { clusters: [staging-1] }
    prod: { clusters: [prod-1] }
  policy:
    podSecurity: restricted
    environments:
      staging: { podSecurity: baseline }
";

const SIDECARS: &str = "apiVersion: flinkform/v1
kind: FlinkService
metadata: { name: enricher, team: shop }
spec:
  job:
    jarURI: local:///opt/flink/usrlib/job.jar
  podTemplate:
    spec:
      initContainers:
        - name: fetch-model
          image: busybox:1.36
          volumeMounts: [{ name: models, mountPath: /models }]
      containers:
        - name: flink-main-container
          volumeMounts: [{ name: models, mountPath: /opt/models }]
        - name: log-shipper
          image: fluent/fluent-bit:3.0
      volumes:
        - { name: models, emptyDir: {} }
  environments: { staging: {}, prod: {} }
";

#[test]
fn restricted_environments_render_pods_that_pass_restricted() {
    let r = repo(RESTRICTED_PLATFORM, &[("enricher", SIDECARS)]);
    let (code, found) = check_json(r.path());
    assert_eq!((code, found.len()), (0, 0), "{found:#?}");
    let (code, _, stderr) = run(r.path(), &["render"]);
    assert_eq!(code, 0, "{stderr}");
    // One object of a service's manifests.yaml, by kind.
    let read = |p: &str, kind: &str| {
        let text = fs::read_to_string(r.path().join("rendered").join(p)).expect(p);
        let file = flinkform::source::SourceFile::new(p, &text);
        flinkform::yaml::load_all(flinkform::source::FileId(0), &file)
            .expect("yaml")
            .into_iter()
            .find(|d| d.get("kind").and_then(Node::as_str) == Some(kind))
            .unwrap_or_else(|| panic!("{p}: no {kind}"))
    };
    for (cluster, level) in [
        ("prod-1", flinkform::pod_security::Level::Restricted),
        ("staging-1", flinkform::pod_security::Level::Baseline),
    ] {
        let ns = read(&format!("{cluster}/enricher/manifests.yaml"), "Namespace");
        let enforce = ns
            .path(&["metadata", "labels", "pod-security.kubernetes.io/enforce"])
            .and_then(Node::as_str);
        assert_eq!(enforce, Some(level.as_str()), "{cluster}");
        let fd = read(
            &format!("{cluster}/enricher/manifests.yaml"),
            "FlinkDeployment",
        );
        let template = fd.path(&["spec", "podTemplate"]).expect("podTemplate");
        // The rendered template passes the level, sidecar and init container included.
        let strict = flinkform::pod_security::check(
            template,
            flinkform::pod_security::Level::Restricted,
            flinkform::tree::Origin::NONE,
        );
        if level == flinkform::pod_security::Level::Restricted {
            assert!(strict.is_empty(), "{cluster}: {strict:#?}");
            for list in ["containers", "initContainers"] {
                for c in template
                    .path(&["spec", list])
                    .and_then(Node::as_seq)
                    .expect("containers")
                {
                    assert_eq!(
                        c.path(&["securityContext", "allowPrivilegeEscalation"])
                            .and_then(Node::as_bool),
                        Some(false)
                    );
                }
            }
            assert_eq!(
                template
                    .path(&["spec", "securityContext", "runAsUser"])
                    .and_then(Node::as_i64),
                Some(9999)
            );
        } else {
            // Baseline renders nothing extra.
            assert!(
                template.path(&["spec", "securityContext"]).is_none(),
                "{cluster}"
            );
            assert!(!strict.is_empty());
        }
    }
}

/// [`RESTRICTED_PLATFORM`] with [`SIDECARS`], rendered.
fn restricted_rendered() -> tempfile::TempDir {
    let r = repo(RESTRICTED_PLATFORM, &[("enricher", SIDECARS)]);
    let (code, _, stderr) = run(r.path(), &["render"]);
    assert_eq!(code, 0, "{stderr}");
    r
}

/// What the restricted level adds to pod templates still builds…
#[test]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn restricted_output_builds_with_kustomize() {
    let kubectl = common::tools::require(&common::tools::KUBECTL);
    let r = restricted_rendered();
    for dir in ["prod-1/enricher", "staging-1/enricher"] {
        let out = std::process::Command::new(&kubectl)
            .arg("kustomize")
            .arg(r.path().join("rendered").join(dir))
            .output()
            .expect("kubectl");
        assert!(
            out.status.success(),
            "{dir}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// …and validates against the operator's published CRDs.
#[test]
#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
fn restricted_output_validates_against_the_operators_crds() {
    let crds = shared_reference().join("flink-operator/crds-1.15.0");
    let r = restricted_rendered();
    let (code, out, err) = run(
        r.path(),
        &["render", "--check", "--crd", crds.to_str().expect("utf-8")],
    );
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn hostile_pod_templates_are_findings_at_their_line() {
    let hostile = "apiVersion: flinkform/v1
kind: FlinkService
metadata:
  name: escape
  team: shop
  labels:
    pod-security.kubernetes.io/enforce: privileged
spec:
  job:
    jarURI: local:///opt/flink/usrlib/job.jar
  flinkConfiguration:
    kubernetes.jobmanager.service-account: flink-operator
  podTemplate:
    spec:
      hostNetwork: true
      hostPID: true
      serviceAccountName: admin
      volumes:
        - name: node
          hostPath: { path: /var/run/docker.sock }
      containers:
        - name: flink-main-container
          securityContext:
            privileged: true
            capabilities: { add: [SYS_ADMIN] }
            runAsUser: 0
  environments: { staging: {}, prod: {} }
";
    let r = repo(RESTRICTED_PLATFORM, &[("escape", hostile)]);
    let (code, found) = check_json(r.path());
    assert_eq!(code, 1);
    let got: Vec<(&str, u64)> = found.iter().map(|f| (f.0.as_str(), f.2)).collect();
    assert_eq!(
        got,
        [
            ("pod-security", 7),
            ("no-service-account-override", 12),
            ("pod-security", 15),
            ("pod-security", 16),
            ("no-service-account-override", 17),
            ("pod-security", 20),
            ("pod-security", 24),
            ("pod-security", 25),
            ("pod-security", 26),
        ],
        "{found:#?}"
    );
    // runAsUser: 0 is restricted-only: reported for prod, not for staging (baseline).
    let run_as_root = found.iter().find(|f| f.2 == 26).expect("line 26");
    assert!(
        run_as_root.4.contains("`restricted` level"),
        "{run_as_root:?}"
    );
    // Nothing renders, and the Namespace would never carry the service's label anyway.
    let (code, _, _) = run(r.path(), &["render"]);
    assert_eq!(code, 1);
}

/// The same escapes through Flink options instead of a template: `hostNetwork` set by
/// `kubernetes.hostnetwork.enabled`, pods built from a template file in the image
/// (`kubernetes.pod-template-file.*`), an unconfined AppArmor profile in the pods'
/// annotations. They passed; they are `pod-security` findings at their line, and nothing
/// renders. Scheduling options (node selectors, tolerations) are not the level's business.
#[test]
fn flink_options_that_change_the_pods_are_checked_like_templates() {
    let hostile = "apiVersion: flinkform/v1
kind: FlinkService
metadata:
  name: escape
  team: shop
spec:
  job:
    jarURI: local:///opt/flink/usrlib/job.jar
  flinkConfiguration:
    kubernetes.hostnetwork.enabled: \"true\"
    kubernetes.pod-template-file.taskmanager: /opt/flink/tm.yaml
    kubernetes.pod-template-file.jobmanager: /opt/flink/jm.yaml
    kubernetes.pod-template-file.default: /opt/flink/pod.yaml
    kubernetes.jobmanager.annotations: container.apparmor.security.beta.kubernetes.io/flink-main-container:unconfined
    kubernetes.taskmanager.node-selector: pool:flink
    kubernetes.taskmanager.tolerations: key:dedicated,operator:Equal,value:flink,effect:NoSchedule
  environments: { staging: {} }
";
    let r = repo(PLATFORM, &[("escape", hostile)]);
    let (code, found) = check_json(r.path());
    assert_eq!(code, 1);
    let got: Vec<(&str, u64)> = found.iter().map(|f| (f.0.as_str(), f.2)).collect();
    assert_eq!(
        got,
        [
            ("pod-security", 10),
            ("pod-security", 11),
            ("pod-security", 12),
            ("pod-security", 13),
            ("pod-security", 14),
        ],
        "{found:#?}"
    );
    assert!(found[0].4.contains("`hostNetwork: true`"), "{found:?}");
    let (code, _, _) = run(r.path(), &["render"]);
    assert_eq!(code, 1);
    assert!(!r.path().join("rendered").exists());
    // Where the platform allows `privileged`, they are the platform's call.
    let privileged = PLATFORM.replace(
        "spec:\n  defaults:",
        "spec:\n  policy: { podSecurity: privileged }\n  defaults:",
    );
    let r = repo(&privileged, &[("escape", hostile)]);
    let (code, found) = check_json(r.path());
    assert_eq!((code, found.len()), (0, 0), "{found:#?}");
}

/// Service labels that are switches for the cluster (`openshift.io/run-level` exempts a
/// namespace from security constraints, `admission.gatekeeper.sh/ignore` from policy,
/// `istio-injection` from the mesh, Flux's ownership labels) passed and reached the
/// Namespace. They are `reserved-labels` findings at their line; and even when the platform
/// lets them through, no service label reaches the Namespace (its own labels go on the
/// namespaced objects).
#[test]
fn service_labels_never_reach_the_namespace_and_switches_are_findings() {
    let labelled = |labels: &str| {
        spec("tagged").replace(
            "  team: shop\n",
            &format!("  team: shop\n  labels:\n{labels}"),
        )
    };
    let switches = "    openshift.io/run-level: \"0\"
    admission.gatekeeper.sh/ignore: \"true\"
    istio-injection: disabled
    kubernetes.io/metadata.name: flink-operator
    kustomize.toolkit.fluxcd.io/name: flux-system
    app.kubernetes.io/component: scoring
    cost-center: cc-1
";
    let r = repo(PLATFORM, &[("tagged", &labelled(switches))]);
    let (code, found) = check_json(r.path());
    assert_eq!(code, 1);
    let got: Vec<(&str, u64)> = found.iter().map(|f| (f.0.as_str(), f.2)).collect();
    assert_eq!(
        got,
        [
            ("reserved-labels", 7),
            ("reserved-labels", 8),
            ("reserved-labels", 9),
            ("reserved-labels", 10),
            ("reserved-labels", 11),
        ],
        "{found:#?}"
    );
    assert!(
        found[0]
            .4
            .contains("`openshift.io/run-level` is OpenShift's"),
        "{found:?}"
    );
    let (code, _, _) = run(r.path(), &["render"]);
    assert_eq!(code, 1);
    assert!(!r.path().join("rendered").exists());

    // Allowed labels go on the namespaced objects, never on the Namespace.
    let r = repo(
        PLATFORM,
        &[(
            "tagged",
            &labelled("    app.kubernetes.io/component: scoring\n    cost-center: cc-1\n"),
        )],
    );
    let (code, out, err) = run(r.path(), &["render"]);
    assert_eq!(code, 0, "{out}{err}");
    let dir = r.path().join("rendered/staging-1/tagged");
    let namespace = manifest_doc(&dir, "Namespace");
    assert!(
        !namespace.contains("cost-center") && !namespace.contains("component"),
        "{namespace}"
    );
    assert!(
        namespace.contains("pod-security.kubernetes.io/enforce: baseline"),
        "{namespace}"
    );
    let deployment = manifest_doc(&dir, "FlinkDeployment");
    assert!(deployment.contains("cost-center: cc-1"), "{deployment}");

    // A platform that waives the finding gets the labels on the namespaced objects; the
    // Namespace still carries flinkform's own only.
    let waived = PLATFORM.replace(
        "spec:\n  defaults:",
        "spec:\n  policy:\n    waivers:\n      - { rule: reserved-labels, service: tagged, reason: mesh opt-out, expires: 2999-01-01 }\n  defaults:",
    );
    let r = repo(&waived, &[("tagged", &labelled(switches))]);
    let (code, out, err) = run(r.path(), &["render"]);
    assert_eq!(code, 0, "{out}{err}");
    let namespace = manifest_doc(&r.path().join("rendered/staging-1/tagged"), "Namespace");
    for key in [
        "openshift.io",
        "gatekeeper",
        "istio",
        "metadata.name",
        "fluxcd",
        "cost-center",
    ] {
        assert!(!namespace.contains(key), "{key}: {namespace}");
    }
}

#[test]
fn lint_applies_the_level_of_the_environment_it_is_given() {
    let r = repo(RESTRICTED_PLATFORM, &[]);
    let manifest = "apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: { name: legacy, namespace: legacy }
spec:
  flinkVersion: v1_20
  serviceAccount: legacy
  podTemplate:
    spec:
      containers:
        - name: flink-main-container
          securityContext: { runAsUser: 0 }
";
    fs::write(r.path().join("legacy.yaml"), manifest).expect("write");
    let lines = |file: &str, env: &str| {
        let (_, out, err) = run(r.path(), &["lint", file, "--env", env, "--format", "json"]);
        let json: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
        json["diagnostics"]
            .as_array()
            .expect("array")
            .iter()
            .filter(|d| d["rule"] == "pod-security")
            .map(|d| d["line"].as_u64().unwrap_or(0))
            .collect::<Vec<_>>()
    };
    // prod is restricted: root, and the four settings restricted requires of the container
    // (non-root, seccomp, no privilege escalation, all capabilities dropped).
    assert_eq!(lines("legacy.yaml", "prod"), [11, 11, 11, 11, 11]);
    assert_eq!(lines("legacy.yaml", "staging"), Vec::<u64>::new());
    // No pod template at all: the main container Flink adds has none of those settings.
    fs::write(
        r.path().join("bare.yaml"),
        "apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: { name: bare, namespace: bare }
spec:
  flinkVersion: v1_20
  serviceAccount: bare
",
    )
    .expect("write");
    assert_eq!(lines("bare.yaml", "prod"), [4, 4, 4, 4]);
    assert_eq!(lines("bare.yaml", "staging"), Vec::<u64>::new());
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

#[test]
fn flux_intervals_beyond_go_durations_are_findings_at_the_platform_line() {
    let platform = PLATFORM.replace(
        "spec:\n",
        "spec:\n  flux:\n    interval: 10m\n    timeout: 9999999h\n",
    );
    let r = repo(&platform, &[("orders", &spec("orders"))]);
    let (code, found) = check_json(r.path());
    assert_eq!(code, 1);
    assert_eq!(
        found
            .iter()
            .map(|f| (f.0.as_str(), f.1.as_str(), f.2, f.4.as_str()))
            .collect::<Vec<_>>(),
        [(
            "schema",
            "flinkform.yaml",
            6,
            "`flux.timeout: 9999999h` is longer than Flux can hold: at most 2562047h47m16.854775807s (Go durations are 64-bit nanoseconds)"
        )]
    );
}

mod numbers {
    //! Any number in any numeric field: either a value within what every reader holds, or a
    //! finding at that field's line. Never a panic, never a wrong number.

    use flinkform::tree::{Node, Value};
    use proptest::prelude::*;
    use std::fs;

    const PLATFORM: &str = super::PLATFORM;

    /// A numeric field of the spec, the line it is written on, and its text.
    #[derive(Debug, Clone)]
    struct Case {
        yaml: String,
        line: usize,
    }

    fn digits() -> impl Strategy<Value = String> {
        prop_oneof![
            (1u64..100_000).prop_map(|n| n.to_string()),
            "[1-9][0-9]{0,40}",
            Just("9223372036854775807".to_string()),
            Just("9223372036854775808".to_string()),
            Just("18446744073709551616".to_string()),
        ]
    }

    fn case() -> impl Strategy<Value = Case> {
        let cpu = prop_oneof![
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| format!("{f:e}")),
            digits(),
            digits().prop_map(|d| format!("\"{d}m\"")),
            Just("1e308".to_string()),
            Just("0.0000001".to_string()),
        ];
        let memory = prop_oneof![
            (digits(), prop::sample::select(vec!["Mi", "Gi", "Ti"]))
                .prop_map(|(d, u)| format!("{d}{u}")),
            // At and just past Flink's 64-bit limit: the memory model runs on the largest.
            prop::sample::select(vec![
                "8388607Ti",
                "8388608Ti",
                "8589934591Gi",
                "8589934592Gi",
                "8796093022207Mi",
                "8796093022208Mi",
            ])
            .prop_map(str::to_string),
        ];
        let duration = || {
            (digits(), prop::sample::select(vec!["ms", "s", "m", "h"]))
                .prop_map(|(d, u)| format!("{d}{u}"))
        };
        let integer = || {
            prop_oneof![
                digits(),
                any::<f64>()
                    .prop_filter("finite", |f| f.is_finite())
                    .prop_map(|f| format!("{f:e}")),
                (-5i64..5).prop_map(|n| n.to_string()),
            ]
        };
        // The job on line 8; the case's field on line 9 (or, for parallelism, on line 8).
        let job = "  job: { jarURI: local:///opt/flink/usrlib/job.jar }\n";
        let on_9 = move |field: String| Case {
            yaml: format!("{job}{field}\n"),
            line: 9,
        };
        let roles = || prop::sample::select(vec!["jobManager", "taskManager"]);
        prop_oneof![
            (roles(), cpu).prop_map(move |(r, v)| on_9(format!("  {r}: {{ cpu: {v} }}"))),
            (roles(), memory).prop_map(move |(r, v)| on_9(format!("  {r}: {{ memory: {v} }}"))),
            (
                prop::sample::select(vec!["interval", "timeout", "minPause"]),
                duration()
            )
                .prop_map(move |(k, v)| on_9(format!("  checkpointing: {{ {k}: {v} }}"))),
            duration().prop_map(move |v| on_9(format!("  savepoints: {{ interval: {v} }}"))),
            (
                prop::sample::select(vec![
                    "taskManager: { replicas",
                    "taskManager: { slots",
                    "jobManager: { replicas"
                ]),
                integer()
            )
                .prop_map(move |(f, v)| on_9(format!("  {f}: {v} }}"))),
            integer().prop_map(|v| Case {
                yaml: format!(
                    "  job: {{ jarURI: local:///opt/flink/usrlib/job.jar, parallelism: {v} }}\n"
                ),
                line: 8,
            }),
        ]
    }

    fn spec(case: &Case) -> String {
        // Line 8 on are the case's.
        format!(
            "apiVersion: flinkform/v1
kind: FlinkService
metadata:
  name: orders
  team: shop
spec:
  environments: {{ staging: {{}} }}
{}",
            case.yaml
        )
    }

    /// Every number in a rendered object within what its reader holds.
    fn within_bounds(object: &Node) -> Result<(), String> {
        let kind = object
            .get("kind")
            .and_then(Node::as_str)
            .unwrap_or_default();
        let spec = object.get("spec");
        let at = |p: &[&str]| spec.and_then(|s| s.path(p));
        if kind == "FlinkDeployment" {
            for role in ["jobManager", "taskManager"] {
                if let Some(c) = at(&[role, "resource", "cpu"]).and_then(Node::as_f64) {
                    flinkform::limits::cpu_millicores(c)
                        .map_err(|e| format!("{role} cpu {c} {e}"))?;
                }
                // Read as the operator reads `resource.memory` (Flink's units first, then
                // Kubernetes quantities such as the `2Gi` flinkform writes).
                if let Some(m) = at(&[role, "resource", "memory"]).and_then(Node::as_str) {
                    flinkform::flink::operator_memory::operator_memory_bytes(m)
                        .map_err(|e| format!("{m}: {e}"))?;
                }
                if let Some(r) = at(&[role, "replicas"]) {
                    let n = r.as_i64().ok_or("replicas not an integer")?;
                    if !(1..=i64::from(i32::MAX)).contains(&n) {
                        return Err(format!("{role} replicas {n}"));
                    }
                }
            }
            if let Some(p) = at(&["job", "parallelism"]) {
                let n = p.as_i64().ok_or("parallelism not an integer")?;
                if !(1..=i64::from(i32::MAX)).contains(&n) {
                    return Err(format!("parallelism {n}"));
                }
            }
            if let Some(Value::Map(conf)) = at(&["flinkConfiguration"]).map(|n| &n.value) {
                for e in conf.iter() {
                    let text = e.value.as_str().unwrap_or_default();
                    let duration = e.key.starts_with("execution.checkpointing.")
                        || e.key == "kubernetes.operator.periodic.savepoint.interval";
                    if duration {
                        use flinkform::flink::duration::{
                            DurationError, DurationGrammar, parse_duration,
                        };
                        match parse_duration(text, DurationGrammar::Flink1) {
                            Err(DurationError::Overflow) => {
                                return Err(format!("{}: {text} overflows", e.key));
                            }
                            Ok(d) if !d.fits_java_millis() => {
                                return Err(format!("{}: {text} past 64-bit ms", e.key));
                            }
                            _ => {}
                        }
                    }
                    if e.key == "taskmanager.numberOfTaskSlots" {
                        text.parse::<i32>().map_err(|_| format!("slots {text}"))?;
                    }
                }
            }
        }
        if kind == "ResourceQuota"
            && let Some(Value::Map(hard)) = at(&["hard"]).map(|n| &n.value)
        {
            for e in hard.iter() {
                let text = e.value.as_str().unwrap_or_default();
                let q = flinkform::flink::quantity::parse_k8s_quantity(text)
                    .map_err(|why| format!("quota {}: {text}: {why}", e.key))?;
                if q.approximate() > i64::MAX as f64
                    || (e.key.ends_with("cpu") && q.approximate() * 1000.0 > i64::MAX as f64)
                {
                    return Err(format!("quota {}: {text}", e.key));
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn every_number_is_in_range_or_a_finding_at_its_line(c in case()) {
            let repo = tempfile::tempdir().expect("tempdir");
            fs::write(repo.path().join("flinkform.yaml"), PLATFORM).expect("platform");
            fs::create_dir_all(repo.path().join("services/orders")).expect("mkdir");
            fs::write(repo.path().join("services/orders/service.yaml"), spec(&c)).expect("spec");
            let options = flinkform::compile::Options { keep_objects: true, ..Default::default() };
            let compiled = flinkform::compile::compile(repo.path(), &options).expect("compiles or reports");
            let sources = &compiled.workspace.sources;
            let at_line = compiled.report.diagnostics.iter().any(|d| {
                d.severity == flinkform::diag::Severity::Error
                    && d.primary.as_ref().is_some_and(|p| {
                        sources.path(p.span.file) == "services/orders/service.yaml"
                            && sources.get(p.span.file).line_col(p.span.start as usize).line == c.line
                    })
            });
            let bounds: Result<(), String> = compiled
                .rendered
                .objects
                .iter()
                .try_for_each(|o| within_bounds(&o.node));
            prop_assert!(
                at_line || (bounds.is_ok() && !compiled.rendered.objects.is_empty()),
                "{:?}: no finding at line {} and {:?} ({} objects)",
                c.yaml, c.line, bounds, compiled.rendered.objects.len()
            );
            // And a finding elsewhere never comes with a number out of range.
            prop_assert!(bounds.is_ok(), "{:?}: {:?}", c.yaml, bounds);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What any output may quote
// ---------------------------------------------------------------------------------------------

const FORMATS: [&str; 6] = ["human", "json", "sarif", "github", "markdown", "junit"];

fn all_output(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = flinkform()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("panicked"), "{args:?}: {text}");
    (out.status.code().unwrap_or(-1), text)
}

/// Secret markers in every place a spec can hold a credential: flinkConfiguration (flat, as a
/// JVM system property, Azure's `fs.azure.account.key.<account>…`), job arguments
/// (`--password x`, `--token=x`, a JAAS configuration, a URL with a password, a JDBC URL, a
/// GitHub token), the spec's `env`, a pod template's variables, container arguments
/// (`--password x`) and command (`Authorization: Bearer x`), a log configuration (a property
/// and a JAAS line), and a value that looks like a key whatever its name.
fn plant_secrets(spec: &str, tag: &str) -> String {
    spec.replace(
        "  env:\n    KAFKA_BOOTSTRAP: kafka.acme.internal:9093\n",
        &format!(
            "  env:
    KAFKA_BOOTSTRAP: kafka.acme.internal:9093
    DB_PASSWORD: Mk-env-{tag}
  flinkConfiguration:
    s3.secret-key: Mk-conf-{tag}
    env.java.opts.taskmanager: -Djavax.net.ssl.keyStorePassword=Mk-jvm-{tag}
    state.backend.rocksdb.localdir: AKIAMKIDMARKER{tag}99
    fs.azure.account.key.acme.blob.core.windows.net: Mk-azure-{tag}
  logConfiguration:
    log4j-console.properties: |
      rootLogger.level = INFO
      appender.kafka.password = Mk-log-{tag}
      appender.kafka.jaas = org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"Mk-logjaas-{tag}\";
  podTemplate:
    spec:
      containers:
        - name: flink-main-container
          env:
            - {{ name: API_TOKEN, value: Mk-pod-{tag} }}
        - name: side
          image: registry.acme.example/tools/curl:8.5.0
          command: [\"sh\", \"-c\", \"curl -H 'Authorization: Bearer Mk-bearer-{tag}' http://x\"]
          args: [\"--password\", \"Mk-cargs-{tag}\"]
"
        ),
    )
    .replace(
        "    args: [\"--topic\", \"payments\", \"--model\", \"gbt-2026-10\"]\n",
        &format!(
            "    args: [\"--topic\", \"payments\", \"--password\", \"Mk-arg-{tag}\", \"--token=Mk-inline-{tag}\", \"--sasl.jaas.config\", \"org.apache.kafka.common.security.plain.PlainLoginModule required username=u password=Mk-jaasarg-{tag};\", \"--db\", \"postgres://u:Mk-url-{tag}@db.internal/x\", \"--jdbc\", \"jdbc:postgresql://db.internal/x?user=u&password=Mk-jdbc-{tag}\", \"--gh\", \"ghp_MARKER{tag}abcdefghijklmnopqrstuvwxyz01\"]\n"
        ),
    )
}

fn assert_no_marker(what: &str, text: &str) {
    for m in ["Mk-", "MARKER"] {
        assert!(!text.contains(m), "{what} printed a secret ({m}):\n{text}");
    }
}

#[test]
fn secrets_never_appear_in_any_command_or_format() {
    let r = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), r.path());
    let spec_path = r.path().join("services/fraud-detector/service.yaml");
    let original = fs::read_to_string(&spec_path).expect("read");
    let planted = plant_secrets(&original, "1AAA");
    for m in [
        "Mk-arg-1AAA",
        "Mk-env-1AAA",
        "Mk-log-1AAA",
        "Mk-bearer-1AAA",
        "Mk-jdbc-1AAA",
    ] {
        assert!(planted.contains(m), "{m}: {planted}");
    }
    fs::write(&spec_path, &planted).expect("write");

    // 1. The rule reports them: check and render in every format say so, never what.
    for format in FORMATS {
        for args in [vec!["check"], vec!["render", "--fail-on", "never"]] {
            let mut full = args.clone();
            full.extend(["--format", format]);
            let (code, text) = all_output(r.path(), &full);
            assert_eq!(code, 1, "{full:?}: {text}");
            assert!(text.contains("no-plaintext-secrets"), "{full:?}: {text}");
            assert_no_marker(&format!("{full:?}"), &text);
        }
    }

    // 2. The platform turns the rule off: render writes them (its call), and every other
    // command still masks them: check's snippets (an unknown key beside them), render --check
    // in every format, diff in every format.
    let platform_path = r.path().join("flinkform.yaml");
    let platform = fs::read_to_string(&platform_path).expect("read");
    fs::write(
        &platform_path,
        platform.replace(
            "      official-image: error\n",
            "      official-image: error\n      no-plaintext-secrets: off\n",
        ),
    )
    .expect("write");
    fs::write(
        &spec_path,
        planted.replace(
            "    s3.secret-key: Mk-conf-1AAA\n",
            "    s3.secret-key: Mk-conf-1AAA\n    taskmanager.numberOfTaskSlotz: \"2\"\n",
        ),
    )
    .expect("write");
    for format in FORMATS {
        let (code, text) = all_output(r.path(), &["check", "--format", format]);
        assert_eq!(code, 0, "{format}: {text}");
        if format == "human" || format == "json" {
            assert!(text.contains("unknown-config-key"), "{format}: {text}");
        }
        if format == "human" {
            // The neighbouring finding's snippet shows the line, masked.
            assert!(text.contains("s3.secret-key: ****"), "{text}");
        }
        assert_no_marker(&format!("check {format}"), &text);
    }
    let (code, text) = all_output(r.path(), &["render"]);
    assert_eq!(code, 0, "{text}");
    let rendered = fs::read_to_string(
        r.path()
            .join("rendered/prod-eu-1/fraud-detector/manifests.yaml"),
    )
    .expect("read");
    assert!(
        rendered.contains("Mk-conf-1AAA"),
        "the platform allowed it: {rendered}"
    );
    git(r.path(), &["init", "-q"]);
    git(r.path(), &["add", "-A"]);
    git(r.path(), &["commit", "-qm", "base"]);
    // The secrets change; the committed output is now stale.
    let changed = fs::read_to_string(&spec_path)
        .expect("read")
        .replace("1AAA", "2BBB");
    fs::write(&spec_path, changed).expect("write");
    for format in FORMATS {
        let (code, text) = all_output(r.path(), &["render", "--check", "--format", format]);
        assert_eq!(code, 1, "render --check {format}: {text}");
        assert!(
            text.contains("fraud-detector/manifests.yaml"),
            "{format}: {text}"
        );
        assert_no_marker(&format!("render --check {format}"), &text);
    }
    for format in ["human", "markdown", "json"] {
        let (code, text) = all_output(r.path(), &["diff", "--format", format]);
        assert_eq!(code, 0, "diff {format}: {text}");
        assert!(text.contains("fraud-detector"), "{format}: {text}");
        assert!(
            text.contains("<redacted>"),
            "diff {format} shows the change: {text}"
        );
        assert_no_marker(&format!("diff {format}"), &text);
    }

    // 3. lint and import --dry-run of a hand-written manifest with the same markers.
    let manifest = "apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: { name: legacy, namespace: legacy }
spec:
  flinkVersion: v1_20
  image: flink:1.20.1-java17
  serviceAccount: legacy
  flinkConfiguration:
    s3.secret-key: Mk-conf-3CCC
    taskmanager.numberOfTaskSlots: \"2\"
  podTemplate:
    spec:
      containers:
        - name: flink-main-container
          env:
            - { name: DB_PASSWORD, value: Mk-env-3CCC }
  jobManager: { resource: { cpu: 1, memory: 2048m } }
  taskManager: { resource: { cpu: 1, memory: 2048m } }
  job:
    jarURI: local:///opt/flink/usrlib/legacy.jar
    args: [--password, Mk-arg-3CCC]
    parallelism: 2
    upgradeMode: savepoint
";
    fs::write(r.path().join("legacy.yaml"), manifest).expect("write");
    for format in FORMATS {
        let (code, text) = all_output(r.path(), &["lint", "legacy.yaml", "--format", format]);
        assert_eq!(code, 1, "lint {format}: {text}");
        assert_no_marker(&format!("lint {format}"), &text);
    }
    let (_, text) = all_output(
        r.path(),
        &["import", "legacy.yaml", "--team", "shop", "--dry-run"],
    );
    assert!(text.contains("kind: FlinkService"), "{text}");
    assert!(text.contains("<redacted>"), "{text}");
    assert_no_marker("import --dry-run", &text);
    for format in ["human", "json"] {
        let (code, text) = all_output(r.path(), &["memory", "fraud-detector", "--format", format]);
        assert_eq!(code, 0, "memory {format}: {text}");
        assert_no_marker(&format!("memory {format}"), &text);
    }
}

#[test]
fn a_spec_that_is_one_long_scalar_is_quoted_as_a_short_excerpt() {
    let r = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), r.path());
    let body: String = (0..40)
        .map(|i| format!("MIIEow{i:02}{}\n", "A".repeat(56)))
        .collect();
    fs::write(
        r.path().join("services/fraud-detector/service.yaml"),
        format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{body}KEYMARKER\n-----END RSA PRIVATE KEY-----\n"
        ),
    )
    .expect("write");
    let long = format!("{}LONGMARKER{}", "x".repeat(100_000), "y".repeat(1_000));
    fs::write(r.path().join("services/order-audit/service.yaml"), &long).expect("write");
    for format in FORMATS {
        let (code, text) = all_output(r.path(), &["check", "--format", format]);
        assert_eq!(code, 1, "{format}");
        assert!(text.contains("schema"), "{format}: {text}");
        // The key is never shown (the snippet of the terminal report masks it too).
        assert!(
            !text.contains("KEYMARKER") && !text.contains("MIIEow"),
            "{format}"
        );
        if format != "human" {
            // A message shows at most a short excerpt: never 200 characters of the scalar.
            assert!(!text.contains(&"x".repeat(200)), "{format}");
            assert!(!text.contains("LONGMARKER"), "{format}");
            assert!(
                text.contains(&format!(
                    "{}…",
                    "x".repeat(flinkform::excerpt::MAX_QUOTE_CHARS)
                )),
                "{format}: {}",
                &text[..text.len().min(2000)]
            );
        }
    }
}

#[test]
fn schema_errors_never_quote_a_value_under_a_credential_name() {
    let r = repo(
        PLATFORM,
        &[(
            "orders",
            &spec("orders").replace(
                "  environments:",
                "  env:\n    DB_PASSWORD: 12345678\n    DB_TOKEN: [Mk-list]\n  environments:",
            ),
        )],
    );
    let (code, found) = check_json(r.path());
    assert_eq!(code, 1);
    let messages: Vec<&str> = found.iter().map(|f| f.4.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`DB_PASSWORD` must be a string, found an integer",
            "`DB_TOKEN` must be a string, found a list"
        ]
    );
    for f in FORMATS {
        let (_, text) = all_output(r.path(), &["check", "--format", f]);
        assert!(
            !text.contains("12345678") && !text.contains("Mk-list"),
            "{f}: {text}"
        );
    }
}

#[test]
fn lint_masks_secrets_in_the_snippets_of_other_findings() {
    // The rule is the platform's to turn off; the terminal snippet of a neighbouring finding
    // still never shows the value.
    let r = repo(
        &format!("{PLATFORM}  policy:\n    rules:\n      no-plaintext-secrets: off\n"),
        &[],
    );
    fs::write(
        r.path().join("m.yaml"),
        "apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: { name: m, namespace: m }
spec:
  flinkVersion: v1_20
  serviceAccount: m
  flinkConfiguration:
    s3.secret-key: Mk-lint-secret
    taskmanager.numberOfTaskSlotz: \"2\"
",
    )
    .expect("write");
    let (_, text) = all_output(r.path(), &["lint", "m.yaml", "--format", "human"]);
    assert!(text.contains("taskmanager.numberOfTaskSlotz"), "{text}");
    assert!(text.contains("s3.secret-key: ****"), "{text}");
    assert_no_marker("lint human", &text);
}

/// Values that look like a credential are withheld from messages whatever their name.
#[test]
fn credential_lookalikes_are_withheld_from_messages() {
    let r = repo(
        PLATFORM,
        &[(
            "orders",
            &spec("orders").replace(
                "  environments:",
                "  imagePullPolicy: AKIAIOSFODNN7EXAMPLE\n  environments:",
            ),
        )],
    );
    let (code, found) = check_json(r.path());
    assert_eq!(code, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].4.contains("`<redacted>`"), "{:?}", found[0]);
    assert!(!found[0].4.contains("AKIA"), "{:?}", found[0]);
}

/// The text of the object of `kind` in a service folder's `manifests.yaml`.
fn manifest_doc(dir: &Path, kind: &str) -> String {
    let text = fs::read_to_string(dir.join("manifests.yaml")).expect("manifests.yaml");
    text.split("\n---\n")
        .find(|d| d.lines().any(|l| l == format!("kind: {kind}")))
        .unwrap_or_else(|| panic!("{}: no {kind}", dir.display()))
        .to_string()
}
