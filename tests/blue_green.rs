//! Blue/green deployments (issue 17): a service with `blueGreen.enabled` renders a
//! FlinkBlueGreenDeployment whose template is the FlinkDeployment it would otherwise get; the
//! policy judges the template; the operator version gates it; `lint` reads the kind.

use crate::common;

use common::{copy_dir, example, flinkform, shared_reference, tools};
use flinkform::source::{FileId, SourceFile};
use flinkform::tree::Node;
use std::fs;
use std::path::Path;
use std::process::Command;

/// The `orders` service of the example platform with `extra` appended to its `spec`.
fn orders(name: &str, extra: &str) -> String {
    format!(
        "apiVersion: flinkform/v1\n\
         kind: FlinkService\n\
         metadata: {{ name: {name}, team: shop }}\n\
         spec:\n  \
           image: registry.acme.example/flink/orders:1.0.0-flink1.20\n  \
           job: {{ jarURI: local:///opt/flink/usrlib/orders.jar, entryClass: com.acme.Orders, parallelism: 2 }}\n\
         {extra}"
    )
}

/// Blue/green in prod with two settings (one from the prod overlay), a FlinkDeployment in
/// staging (the overlay turns it off).
const BLUE_GREEN: &str = "  blueGreen:\n    enabled: true\n    abortGracePeriod: 15 min\n  environments:\n    staging:\n      blueGreen: { enabled: false }\n    prod:\n      blueGreen: { deploymentDeletionDelay: 2 min }\n";

/// The example platform with `orders` (named `name`) written from `spec`, and
/// `operator.version` replaced by `operator`.
fn repo(name: &str, spec: &str, operator: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), tmp.path());
    fs::remove_dir_all(tmp.path().join("rendered")).expect("no rendered output");
    let config = tmp.path().join("flinkform.yaml");
    let text = fs::read_to_string(&config).expect("platform config");
    assert!(text.contains("version: \"1.15\""));
    fs::write(
        &config,
        text.replace("version: \"1.15\"", &format!("version: \"{operator}\"")),
    )
    .expect("write");
    let dir = tmp.path().join("services").join(name);
    fs::create_dir_all(&dir).expect("mkdir");
    fs::write(dir.join("service.yaml"), orders(name, spec)).expect("write spec");
    tmp
}

fn run(dir: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let out = flinkform()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run flinkform");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json)
}

/// (rule, file:line:column, message) of each finding.
fn findings(json: &serde_json::Value) -> Vec<(String, String, String)> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_string(),
                format!(
                    "{}:{}:{}",
                    d["file"].as_str().unwrap_or_default(),
                    d["line"],
                    d["column"]
                ),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn load(text: &str) -> Vec<Node> {
    flinkform::yaml::load_all(FileId(0), &SourceFile::new("x.yaml", text)).expect("YAML")
}

fn kind(n: &Node) -> &str {
    n.get("kind").and_then(Node::as_str).unwrap_or_default()
}

fn render(dir: &Path) {
    let (code, json) = run(dir, &["render", "--format", "json"]);
    assert_eq!(code, 0, "{json}");
}

fn objects(dir: &Path, cluster: &str, service: &str) -> Vec<Node> {
    let path = dir.join(format!("rendered/{cluster}/{service}/manifests.yaml"));
    load(&fs::read_to_string(path).expect("manifests"))
}

#[test]
fn a_blue_green_service_renders_its_deployment_as_the_template() {
    let tmp = repo("orders", BLUE_GREEN, "1.15");
    render(tmp.path());
    let prod = objects(tmp.path(), "prod-eu-1", "orders");
    let staging = objects(tmp.path(), "staging-eu-1", "orders");
    let kinds = |objs: &[Node]| objs.iter().map(|o| kind(o).to_string()).collect::<Vec<_>>();
    assert!(kinds(&prod).contains(&"FlinkBlueGreenDeployment".to_string()));
    assert!(!kinds(&prod).contains(&"FlinkDeployment".to_string()));
    assert!(kinds(&staging).contains(&"FlinkDeployment".to_string()));
    assert!(!kinds(&staging).contains(&"FlinkBlueGreenDeployment".to_string()));

    let bg = prod
        .iter()
        .find(|o| kind(o) == "FlinkBlueGreenDeployment")
        .unwrap();
    assert_eq!(
        bg.path(&["metadata", "name"]).and_then(Node::as_str),
        Some("orders")
    );
    let conf = bg.path(&["spec", "configuration"]).expect("configuration");
    let text = flinkform::yaml::emit(conf);
    assert_eq!(
        text,
        "kubernetes.operator.bluegreen.abort.grace-period: 15 min\n\
         kubernetes.operator.bluegreen.deployment-deletion.delay: 2 min\n"
    );
    // Template metadata holds only the digest of the template (the mark of the Flux health
    // check, below); the operator ignores it for the children.
    let digest = flinkform::facts::blue_green::template_digest(
        bg.path(&["spec", "template", "spec"])
            .expect("template spec"),
    );
    assert_eq!(
        flinkform::yaml::emit(
            bg.path(&["spec", "template", "metadata"])
                .expect("metadata")
        ),
        format!("annotations:\n  flinkform.dev/template-digest: {digest}\n")
    );

    // The template is exactly the FlinkDeployment the service gets without blue/green.
    let plain = repo(
        "orders",
        "  environments:\n    staging: {}\n    prod: {}\n",
        "1.15",
    );
    render(plain.path());
    let fd_prod = objects(plain.path(), "prod-eu-1", "orders");
    let fd = fd_prod
        .iter()
        .find(|o| kind(o) == "FlinkDeployment")
        .unwrap();
    assert_eq!(
        flinkform::yaml::emit(bg.path(&["spec", "template", "spec"]).unwrap()),
        flinkform::yaml::emit(fd.get("spec").unwrap())
    );

    // Both children run during a switch: the quota holds two jobs plus the usual spare pods
    // (1 JobManager + 1 TaskManager per copy, 2 copies, 1 spare of each).
    let quota = |objs: &[Node], key: &str| {
        objs.iter()
            .find(|o| kind(o) == "ResourceQuota")
            .and_then(|q| q.path(&["spec", "hard", key]))
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    assert_eq!(quota(&prod, "pods").as_deref(), Some("6"));
    assert_eq!(quota(&fd_prod, "pods").as_deref(), Some("4"));
    // 2 × (2 GiB + 4 GiB) + 2 GiB + 4 GiB; 2 × (1 + 2) + 1 + 2 CPUs.
    assert_eq!(quota(&prod, "limits.memory").as_deref(), Some("18432Mi"));
    assert_eq!(quota(&prod, "requests.cpu").as_deref(), Some("9"));

    // The PodMonitor scrapes the children's pods.
    let monitor = prod.iter().find(|o| kind(o) == "PodMonitor").unwrap();
    let selector = flinkform::yaml::emit(monitor.path(&["spec", "selector"]).unwrap());
    assert_eq!(
        selector,
        "matchExpressions:\n- key: app\n  operator: In\n  values:\n  - orders-blue\n  - orders-green\nmatchLabels:\n  type: flink-native-kubernetes\n"
    );

    // Flux waits for the blue/green state, on the object it applied.
    let flux =
        load(&fs::read_to_string(tmp.path().join("rendered/flux/prod-eu-1/orders.yaml")).unwrap());
    let spec = flux[0].get("spec").unwrap();
    assert_eq!(
        spec.path(&["healthChecks"])
            .and_then(|h| h.as_seq())
            .and_then(|h| h.first())
            .and_then(|h| h.get("kind"))
            .and_then(Node::as_str),
        Some("FlinkBlueGreenDeployment")
    );
    let exprs = flinkform::yaml::emit(spec.get("healthCheckExprs").unwrap());
    assert!(exprs.contains("kind: FlinkBlueGreenDeployment"), "{exprs}");
    assert!(
        exprs.contains("status.blueGreenState in ['ACTIVE_BLUE', 'ACTIVE_GREEN']"),
        "{exprs}"
    );
    assert!(!exprs.contains("lifecycleState"), "{exprs}");
    // ... of the template it applied: a status from before the change does not count.
    let current = spec
        .path(&["healthCheckExprs"])
        .and_then(|h| h.as_seq())
        .and_then(|h| h.first())
        .and_then(|h| h.get("current"))
        .and_then(Node::as_str)
        .expect("current");
    assert!(
        current.ends_with("has(status.lastReconciledSpec) && status.lastReconciledSpec.contains('\"flinkform.dev/template-digest\":\"' + spec.template.metadata.annotations['flinkform.dev/template-digest'] + '\"')"),
        "{current}"
    );

    // Another template, another digest; the same template, the same one.
    let other = repo(
        "orders",
        &format!("  flinkConfiguration: {{ pipeline.name: other }}\n{BLUE_GREEN}"),
        "1.15",
    );
    render(other.path());
    let other_bg = objects(other.path(), "prod-eu-1", "orders")
        .into_iter()
        .find(|o| kind(o) == "FlinkBlueGreenDeployment")
        .expect("blue/green");
    let digest_of = |bg: &Node| {
        bg.path(&[
            "spec",
            "template",
            "metadata",
            "annotations",
            "flinkform.dev/template-digest",
        ])
        .and_then(Node::as_str)
        .map(str::to_string)
    };
    assert_ne!(digest_of(&other_bg), digest_of(bg));
    let again = repo("orders", BLUE_GREEN, "1.15");
    render(again.path());
    let again_bg = objects(again.path(), "prod-eu-1", "orders")
        .into_iter()
        .find(|o| kind(o) == "FlinkBlueGreenDeployment")
        .expect("blue/green");
    assert_eq!(digest_of(&again_bg), digest_of(bg));
    assert_eq!(digest_of(bg), Some(digest));
}

/// The spec's `ingress` becomes the FlinkBlueGreenDeployment's own `spec.ingress`, which the
/// operator points at the active child (`render::blue_green`), not its template's, which would
/// give each child an address of its own; a FlinkDeployment keeps it.
#[test]
fn the_ingress_follows_the_active_child() {
    let ingress = "  ingress:\n    template: \"{{name}}.{{namespace}}.flink.example.com\"\n    className: nginx\n";
    let tmp = repo("orders", &format!("{ingress}{BLUE_GREEN}"), "1.15");
    render(tmp.path());
    let text = fs::read_to_string(tmp.path().join("rendered/prod-eu-1/orders/manifests.yaml"))
        .expect("manifests");
    let spec_at = text
        .find("kind: FlinkBlueGreenDeployment\n")
        .and_then(|k| text[k..].find("\nspec:\n").map(|s| k + s + 1))
        .expect("the FlinkBlueGreenDeployment's spec");
    assert!(
        text[spec_at..].starts_with(
            "spec:\n  configuration:\n    kubernetes.operator.bluegreen.abort.grace-period: 15 min\n    kubernetes.operator.bluegreen.deployment-deletion.delay: 2 min\n  ingress:\n    className: nginx\n    template: \"{{name}}.{{namespace}}.flink.example.com\"\n  template:\n    metadata:\n      annotations:\n        flinkform.dev/template-digest: "
        ),
        "{}",
        &text[spec_at..]
    );
    assert_eq!(text.matches("className: nginx").count(), 1, "{text}");
    let bg = load(&text)
        .into_iter()
        .find(|o| kind(o) == "FlinkBlueGreenDeployment")
        .expect("blue/green");
    assert!(bg.path(&["spec", "template", "spec", "ingress"]).is_none());
    assert_eq!(
        flinkform::crd::CrdCatalog::builtin()
            .violations(&bg.to_json())
            .expect("the builtin catalogue covers the kind"),
        []
    );
    // Staging runs a FlinkDeployment, whose own ingress it is.
    let staging = objects(tmp.path(), "staging-eu-1", "orders");
    let fd = staging
        .iter()
        .find(|o| kind(o) == "FlinkDeployment")
        .expect("a FlinkDeployment");
    assert_eq!(
        flinkform::yaml::emit(fd.path(&["spec", "ingress"]).expect("ingress")),
        "className: nginx\ntemplate: \"{{name}}.{{namespace}}.flink.example.com\"\n"
    );
    let (code, json) = run(tmp.path(), &["check", "--format", "json"]);
    assert_eq!((code, findings(&json)), (0, vec![]));
}

#[test]
fn the_rendered_blue_green_deployment_matches_the_operator_crd() {
    let tmp = repo("orders", BLUE_GREEN, "1.15");
    render(tmp.path());
    let bg = objects(tmp.path(), "prod-eu-1", "orders")
        .into_iter()
        .find(|o| kind(o) == "FlinkBlueGreenDeployment")
        .unwrap();
    let json = bg.to_json();
    let catalog = flinkform::crd::CrdCatalog::builtin();
    assert_eq!(
        catalog
            .violations(&json)
            .expect("the builtin catalogue covers the kind"),
        []
    );
    // And it does check the template: a field the 1.15.0 CRD does not know is reported.
    let mut bad = json.clone();
    bad["spec"]["template"]["spec"]["taskManager"]["resources"] = serde_json::json!({});
    let v = catalog.violations(&bad).unwrap();
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].pointer, "/spec/template/spec/taskManager/resources");
}

#[test]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn kubectl_kustomize_builds_the_blue_green_service() {
    let tmp = repo("orders", BLUE_GREEN, "1.15");
    render(tmp.path());
    let out = Command::new(tools::require(&tools::KUBECTL))
        .arg("kustomize")
        .arg(tmp.path().join("rendered/prod-eu-1/orders"))
        .output()
        .expect("run kubectl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let built = load(&String::from_utf8(out.stdout).expect("utf-8"));
    let bg: Vec<&Node> = built
        .iter()
        .filter(|o| kind(o) == "FlinkBlueGreenDeployment")
        .collect();
    assert_eq!(bg.len(), 1);
    assert_eq!(
        bg[0]
            .path(&["spec", "template", "spec", "job", "upgradeMode"])
            .and_then(Node::as_str),
        Some("savepoint")
    );
    assert!(!built.iter().any(|o| kind(o) == "FlinkDeployment"));
}

#[test]
fn the_operator_version_gates_blue_green() {
    let old = repo("orders", BLUE_GREEN, "1.13");
    let (code, json) = run(old.path(), &["check", "--format", "json"]);
    assert_eq!(code, 1, "{json}");
    // (The example's payments-enricher is blue/green in prod too.)
    let found: Vec<_> = findings(&json)
        .into_iter()
        .filter(|(_, at, _)| at.starts_with("services/orders/"))
        .collect();
    assert_eq!(
        found,
        [(
            "blue-green-valid".to_string(),
            "services/orders/service.yaml:8:5".to_string(),
            "FlinkBlueGreenDeployment was introduced in Flink Kubernetes Operator 1.14; the platform runs 1.13, which does not have it".to_string()
        )],
        "{json}"
    );
    let related = &json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "services/orders/service.yaml")
        .unwrap()["related"][0];
    assert_eq!(related["file"], "flinkform.yaml");
    assert_eq!(related["message"], "the platform's operator version");

    // (Operators after 1.15 need their own CRDs, `--crd`: the built-in ones are 1.15.0's.)
    for version in ["1.14", "1.15"] {
        let new = repo("orders", BLUE_GREEN, version);
        let (code, json) = run(new.path(), &["check", "--format", "json"]);
        assert_eq!(findings(&json), [], "operator {version}: {json}");
        assert_eq!(code, 0);
    }
    // Without blue/green, operator 1.13 is fine.
    let plain = repo("orders", "  environments:\n    prod: {}\n", "1.13");
    let (_, json) = run(plain.path(), &["check", "--format", "json"]);
    let about_orders = findings(&json)
        .into_iter()
        .filter(|(_, at, _)| at.starts_with("services/orders/"))
        .count();
    assert_eq!(about_orders, 0, "{json}");
}

#[test]
fn a_name_must_leave_room_for_the_children() {
    let spec = "  blueGreen: { enabled: true }\n  environments:\n    prod: {}\n";
    let fits = "a".repeat(39);
    let tmp = repo(&fits, spec, "1.15");
    let (code, json) = run(tmp.path(), &["check", "--format", "json"]);
    assert_eq!((code, findings(&json)), (0, vec![]), "{json}");

    let long = format!("a{}", "b".repeat(39));
    let tmp = repo(&long, spec, "1.15");
    let (code, json) = run(tmp.path(), &["check", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&json),
        [(
            "blue-green-valid".to_string(),
            format!("services/{long}/service.yaml:3:19"),
            format!(
                "`{long}` has 40 characters: its child `{long}-green` would have 46, more than the 45 the operator allows a FlinkDeployment name"
            )
        )],
        "{json}"
    );
    // The same name without blue/green is fine (45 is the limit of a FlinkDeployment).
    let tmp = repo(&long, "  environments:\n    prod: {}\n", "1.15");
    let (code, json) = run(tmp.path(), &["check", "--format", "json"]);
    assert_eq!((code, findings(&json)), (0, vec![]), "{json}");
}

#[test]
fn settings_are_durations_in_flinks_grammar() {
    // `10 mins` and `1hr` are refused by Flink; `10 min`, `1 h`, `500ms` are read.
    let spec = "  blueGreen:\n    enabled: true\n    abortGracePeriod: 10 mins\n    rescheduleInterval: 500ms\n  environments:\n    prod:\n      blueGreen: { deploymentDeletionDelay: 1hr }\n";
    let tmp = repo("orders", spec, "1.15");
    let (code, json) = run(tmp.path(), &["check", "--format", "json"]);
    assert_eq!(code, 1);
    let found: Vec<(String, String)> = findings(&json)
        .into_iter()
        .map(|(r, at, _)| (r, at))
        .collect();
    assert_eq!(
        found,
        [
            (
                "blue-green-valid".into(),
                "services/orders/service.yaml:9:23".into()
            ),
            (
                "blue-green-valid".into(),
                "services/orders/service.yaml:13:45".into()
            ),
        ],
        "{json}"
    );
    let good = spec.replace("10 mins", "10 min").replace("1hr", "1 h");
    let tmp = repo("orders", &good, "1.15");
    let (code, json) = run(tmp.path(), &["check", "--format", "json"]);
    assert_eq!((code, findings(&json)), (0, vec![]), "{json}");
}

#[test]
fn last_state_needs_a_savepoint_directory_for_a_switch() {
    let spec = "  blueGreen: { enabled: true }\n  environments:\n    prod:\n      job: { upgradeMode: last-state }\n";
    let tmp = repo("orders", spec, "1.15");
    let config = tmp.path().join("flinkform.yaml");
    let text = fs::read_to_string(&config).unwrap();
    let without = text.replace(
        "    savepoints: s3://acme-flink-{env}/{service}/savepoints\n",
        "",
    );
    assert_ne!(text, without);
    fs::write(&config, without).unwrap();
    let (code, json) = run(tmp.path(), &["check", "--format", "json"]);
    assert_eq!(code, 1);
    let found: Vec<_> = findings(&json)
        .into_iter()
        .filter(|(_, at, _)| at.starts_with("services/orders/"))
        .collect();
    assert_eq!(found.len(), 1, "{json}");
    assert_eq!(found[0].0, "blue-green-valid");
    assert_eq!(found[0].1, "services/orders/service.yaml:10:27");
    assert!(found[0].2.contains("no savepoint directory is set"));
    // With a savepoint directory (the example's storage), nothing.
    let tmp = repo("orders", spec, "1.15");
    let (code, json) = run(tmp.path(), &["check", "--format", "json"]);
    assert_eq!((code, findings(&json)), (0, vec![]), "{json}");
}

/// The operator's own blue/green examples: `lint` judges each template exactly as it judges
/// the same spec in a FlinkDeployment, and finds nothing about the blue/green parts.
#[test]
#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
fn lint_judges_the_operators_examples_by_their_templates() {
    let folder = shared_reference().join("flink-operator/examples/bluegreen");
    let tmp = tempfile::tempdir().unwrap();
    let mut linted = 0;
    for entry in fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        fs::write(tmp.path().join(&name), &text).unwrap();
        // The same documents with each FlinkBlueGreenDeployment replaced by its template as
        // a FlinkDeployment.
        let docs: Vec<Node> = load(&text)
            .into_iter()
            .map(|d| flinkform::facts::blue_green::template_deployment(&d).unwrap_or(d))
            .collect();
        let as_deployment = flinkform::yaml::emit_all(&docs);
        assert!(as_deployment.contains("kind: FlinkDeployment"));
        let fd_name = format!("fd-{name}");
        fs::write(tmp.path().join(&fd_name), &as_deployment).unwrap();
        let (code_bg, bg) = run(tmp.path(), &["lint", "--format", "json", &name]);
        let (code_fd, fd) = run(tmp.path(), &["lint", "--format", "json", &fd_name]);
        assert_eq!(code_bg, code_fd);
        let rules = |json: &serde_json::Value| {
            let mut v: Vec<(String, String)> =
                findings(json).into_iter().map(|(r, _, m)| (r, m)).collect();
            v.sort();
            v
        };
        assert_eq!(rules(&bg), rules(&fd), "{name}");
        assert!(!rules(&bg).is_empty());
        // Nothing about the blue/green object itself, and no CRD violation.
        assert!(
            !rules(&bg)
                .iter()
                .any(|(r, _)| r == "blue-green-valid" || r == "crd-schema"),
            "{name}: {bg}"
        );
        // Every finding points into the template (below its `template:` line).
        let template_line = text
            .lines()
            .position(|l| l.starts_with("  template:"))
            .unwrap()
            + 1;
        for d in bg["diagnostics"].as_array().unwrap() {
            let line = d["line"].as_u64().unwrap() as usize;
            let whole = d["message"]
                .as_str()
                .unwrap()
                .contains("names no namespace");
            assert!(whole || line > template_line, "{name}: {d}");
        }
        linted += 1;
    }
    assert_eq!(linted, 3);
}

#[test]
fn lint_reports_blue_green_configuration_and_crd_problems() {
    let tmp = tempfile::tempdir().unwrap();
    let text = r#"apiVersion: flink.apache.org/v1beta1
kind: FlinkBlueGreenDeployment
metadata: { name: orders, namespace: orders }
spec:
  configuration:
    kubernetes.operator.bluegreen.abort.grace-periode: 5 min
    kubernetes.operator.bluegreen.deployment-deletion.delay: soon
  template:
    spec:
      flinkVersion: v1_20
      parralelism: 2
"#;
    fs::write(tmp.path().join("bg.yaml"), text).unwrap();
    let (code, json) = run(
        tmp.path(),
        &["lint", "--format", "json", "--env", "staging", "bg.yaml"],
    );
    assert_eq!(code, 1);
    let found = findings(&json);
    let at = |rule: &str, loc: &str| found.iter().any(|(r, l, _)| r == rule && l == loc);
    assert!(at("blue-green-valid", "bg.yaml:6:5"), "{found:?}");
    assert!(
        found
            .iter()
            .any(|(_, l, m)| l == "bg.yaml:6:5" && m.contains("is not a blue/green option")),
        "{found:?}"
    );
    let unknown = &json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["line"] == 6)
        .unwrap();
    assert_eq!(unknown["severity"], "warning");
    assert_eq!(
        unknown["help"],
        "did you mean `kubernetes.operator.bluegreen.abort.grace-period`?"
    );
    assert!(at("blue-green-valid", "bg.yaml:7:62"), "{found:?}");
    assert!(at("crd-schema", "bg.yaml:11:7"), "{found:?}");
}

/// `memory` shows a blue/green service's memory: its children run the template.
#[test]
fn memory_reads_the_template() {
    let bg = repo("orders", BLUE_GREEN, "1.15");
    let plain = repo(
        "orders",
        "  environments:\n    staging: {}\n    prod: {}\n",
        "1.15",
    );
    let memory = |dir: &Path| {
        let out = flinkform()
            .current_dir(dir)
            .args(["memory", "orders", "--env", "prod"])
            .output()
            .expect("run flinkform");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, text) = memory(bg.path());
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("TaskManager: 4096 MiB process"), "{text}");
    assert_eq!((code, text), memory(plain.path()));
}
