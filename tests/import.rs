//! `import`: FlinkDeployment manifests → service specs, and back through `render`.

mod common;

use common::{copy_dir, example, run, shared_reference};
use flinkform::flink::memory_size::parse_flink_memory;
use flinkform::flink::operator_memory::operator_memory_bytes;
use flinkform::tree::Node;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A platform with one environment, storage templates, and defaults only for what a
/// manifest may leave to its platform (EMR on EKS supplies the image, some operators a
/// default version): what comes out of `render` is otherwise what `import` put in the spec.
fn round_trip_platform(dir: &Path) {
    fs::write(
        dir.join("flinkform.yaml"),
        "apiVersion: flinkform/v1
kind: Platform
spec:
  defaults:
    flinkVersion: \"1.20\"
    image: flink:1.20
  storage:
    checkpoints: s3://flink/{service}/checkpoints
    savepoints: s3://flink/{service}/savepoints
    highAvailability: s3://flink/{service}/ha
  environments:
    prod: { clusters: [prod-1] }
  # Some public manifests hold credentials in plain text, which would block `render`: this test
  # is about the job and memory surviving import, so that rule is off here.
  policy:
    rules:
      no-plaintext-secrets: off
",
    )
    .expect("write platform");
}

fn load_all(path: &Path) -> Vec<Node> {
    let text = fs::read_to_string(path).expect("read");
    let file = flinkform::source::SourceFile::new(path.display().to_string(), &text);
    flinkform::yaml::load_all(flinkform::source::FileId(0), &file).unwrap_or_default()
}

/// The FlinkDeployment of a rendered service folder's `manifests.yaml`.
fn rendered_deployment(path: &Path) -> Node {
    load_all(path)
        .into_iter()
        .find(|d| d.get("kind").and_then(Node::as_str) == Some("FlinkDeployment"))
        .unwrap_or_else(|| panic!("{}: no FlinkDeployment", path.display()))
}

/// What must survive the round trip: the job and both process sizes.
#[derive(Debug, PartialEq, Eq)]
struct Essentials {
    jar: Option<String>,
    entry_class: Option<String>,
    args: Option<Vec<String>>,
    parallelism: Option<i64>,
    jm_bytes: Option<u64>,
    tm_bytes: Option<u64>,
}

/// Process size as the operator reads it: spec memory (the newer `resources` first), else
/// the configured process size.
fn process_bytes(d: &Node, section: &str, key: &str) -> Option<u64> {
    match flinkform::memory_breakdown::spec_memory(d, section) {
        Some(m) => operator_memory_bytes(&m.text).ok(),
        None => {
            let view = flinkform::policy::view::FlinkView::new(d);
            view.get(key)
                .and_then(|e| parse_flink_memory(&e.value).ok())
        }
    }
}

fn essentials(d: &Node) -> Essentials {
    let job = |k: &str| d.path(&["spec", "job", k]);
    Essentials {
        jar: job("jarURI").and_then(Node::scalar_text),
        entry_class: job("entryClass").and_then(Node::scalar_text),
        args: job("args")
            .and_then(Node::as_seq)
            .map(|a| a.iter().filter_map(Node::scalar_text).collect()),
        // 0 is the operator's "not set".
        parallelism: job("parallelism")
            .and_then(Node::as_i64)
            .filter(|p| *p != 0),
        jm_bytes: process_bytes(d, "jobManager", "jobmanager.memory.process.size"),
        tm_bytes: process_bytes(d, "taskManager", "taskmanager.memory.process.size"),
    }
}

fn is_application_deployment(d: &Node) -> bool {
    d.get("kind").and_then(Node::as_str) == Some("FlinkDeployment")
        && d.path(&["spec", "job"])
            .is_some_and(|j| j.as_map().is_some())
}

/// Application-mode FlinkDeployments that do not come back the same, and why. Keyed by file
/// name and `metadata.name`.
const EXPECTED_FAILURES: &[(&str, &str, &str)] = &[
    (
        "Fluder-Paradyne__flink-cdc-k8s-poc__flink-deployment.yaml",
        "${DEPLOYMENT_NAME}",
        "a template, not a manifest: the name is a placeholder, not a DNS label",
    ),
    (
        "jaejungscene__flink-kafka-realtime-lab__k8s__overlays__prod-like__patch-flink-prod-like.yaml",
        "realtime-lab-flink",
        "a kustomize patch, not a whole manifest: no jarURI (import the base, then apply the patch's values)",
    ),
    (
        "jbcodeforce__flink-studies__e2e-demos__external-lookup__flink__k8s__flink-operator.yaml",
        "payment-claims-enrichment",
        "Confluent Platform's FlinkDeployment (confluent.io/v1beta1), a different API",
    ),
    (
        "karlchris__flink-k8s__jobs__word_count.yaml",
        "word-count",
        "PyFlink without jarURI: flinkform requires one (the flink-python jar)",
    ),
];

#[test]
#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
fn imported_real_world_deployments_render_the_same_job_and_memory() {
    let reference = shared_reference();
    let dir = reference.join("real-world/flinkdeployment");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let work: Vec<(String, PathBuf, Vec<Node>)> = files
        .iter()
        .map(|f| {
            let apps: Vec<Node> = load_all(f)
                .into_iter()
                .filter(is_application_deployment)
                .collect();
            (
                f.file_name().unwrap().to_string_lossy().into_owned(),
                f.clone(),
                apps,
            )
        })
        .filter(|(_, _, apps)| !apps.is_empty())
        .collect();
    let total: usize = work.iter().map(|(_, _, apps)| apps.len()).sum();
    let next = AtomicUsize::new(0);
    let failures: Mutex<BTreeMap<(String, String), String>> = Mutex::new(BTreeMap::new());
    // Each file is imported into a repository of its own (names repeat across files).
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                while let Some((file_name, file, apps)) =
                    work.get(next.fetch_add(1, Ordering::Relaxed))
                {
                    let found = round_trip(file_name, file, apps);
                    failures.lock().expect("lock").extend(found);
                }
            });
        }
    });
    let failures = failures.into_inner().expect("lock");
    let mut report = String::new();
    for ((file, name), why) in &failures {
        report.push_str(&format!("  (\"{file}\", \"{name}\", \"{why}\"),\n"));
    }
    let same = total - failures.len();
    eprintln!("round trip: {same} of {total} application deployments\n{report}");
    assert!(total >= 50, "only {total} application deployments found");
    assert!(
        same * 10 >= total * 9,
        "{same} of {total} round-trip:\n{report}"
    );
    let expected: BTreeMap<(String, String), String> = EXPECTED_FAILURES
        .iter()
        .map(|(f, n, why)| ((f.to_string(), n.to_string()), why.to_string()))
        .collect();
    assert_eq!(
        failures.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "the failures changed:\n{report}"
    );
}

/// Imports one file and renders it; the documents that do not come back the same, and why.
fn round_trip(file_name: &str, file: &Path, apps: &[Node]) -> Vec<((String, String), String)> {
    let repo = tempfile::tempdir().expect("tempdir");
    round_trip_platform(repo.path());
    let (code, stdout, stderr) = run(
        repo.path(),
        &[
            "import",
            "--team",
            "imported",
            file.to_str().unwrap(),
            "--fail-on",
            "never",
        ],
    );
    assert!(
        (0..=2).contains(&code),
        "{file_name}: exit {code}\n{stderr}"
    );
    let (render_code, render_out, _) = run(repo.path(), &["render", "--fail-on", "never"]);
    let mut failures = Vec::new();
    for original in apps {
        let name = original
            .path(&["metadata", "name"])
            .and_then(Node::as_str)
            .unwrap_or("?")
            .to_string();
        let key = (file_name.to_string(), name.clone());
        let rendered = repo
            .path()
            .join(format!("rendered/prod-1/{name}/manifests.yaml"));
        if !rendered.is_file() {
            let why = if render_code != 0 {
                format!("render refused: {}", first_finding(&render_out))
            } else {
                format!("not imported: {}", import_reason(&stdout, &name))
            };
            failures.push((key, why));
            continue;
        }
        let back = rendered_deployment(&rendered);
        let (want, got) = (essentials(original), essentials(&back));
        if want != got {
            failures.push((key, format!("differs: {want:?} → {got:?}")));
        }
    }
    failures
}

/// The first finding that blocks `render` (YAML, schema, CRD), else the first finding.
fn first_finding(render_out: &str) -> String {
    let mut blocking = false;
    for line in render_out.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            blocking = ["yaml-syntax ", "schema ", "crd-schema "]
                .iter()
                .any(|r| line.starts_with(r));
        }
        if blocking && line.trim_start().starts_with('×') {
            return line.trim().to_string();
        }
    }
    String::new()
}

fn import_reason(stdout: &str, name: &str) -> String {
    stdout
        .lines()
        .find(|l| l.contains(&format!("FlinkDeployment/{name} ")) && !l.starts_with("wrote"))
        .unwrap_or("")
        .to_string()
}

/// `import` reads everything in the public corpus without crashing: every exit is 0, 1 or 2.
#[test]
#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
fn import_handles_every_real_world_file() {
    let reference = shared_reference();
    let repo = tempfile::tempdir().expect("tempdir");
    round_trip_platform(repo.path());
    for sub in [
        "flinkdeployment",
        "flinksessionjob",
        "k8s-deployment",
        "flux",
        "flink-conf",
    ] {
        let dir = reference.join("real-world").join(sub);
        if !dir.is_dir() {
            continue;
        }
        let (code, _, stderr) = run(
            repo.path(),
            &["import", "--dry-run", "--team", "t", dir.to_str().unwrap()],
        );
        assert!((0..=2).contains(&code), "{sub}: exit {code}\n{stderr}");
        assert!(!stderr.contains("panicked"), "{sub}: {stderr}");
    }
}

const MANIFEST: &str = r#"apiVersion: v1
kind: Service
metadata: { name: orders-rest }
---
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata:
  name: orders
  namespace: streaming
  labels: { team: checkout, cost-center: cc-1, app.kubernetes.io/name: orders }
spec:
  image: registry.acme.example/flink/orders:2.1.0-flink1.20
  flinkVersion: v1_20
  serviceAccount: flink
  mode: standalone
  ingress: { template: "/{{namespace}}/{{name}}(/|$)(.*)" }
  flinkConfiguration:
    taskmanager.numberOfTaskSlots: "4"
    state.backend: rocksdb
    state.backend.incremental: "true"
    state.checkpoints.dir: s3://old-bucket/orders/checkpoints
    execution.checkpointing.interval: "60000"
    execution.checkpointing.mode: AT_LEAST_ONCE
    kubernetes.operator.periodic.savepoint.interval: 6 h
    high-availability.type: kubernetes
    high-availability.storageDir: s3://old-bucket/orders/ha
    taskmanager.memory.process.size: 9g
    restart-strategy:
      type: fixed-delay
      fixed-delay.attempts: 3
    pipeline.max-parallelism: 720
  jobManager:
    resource: { cpu: 0.5, memory: "1600m", ephemeralStorage: 2Gi }
  taskManager:
    replicas: 3
    resources:
      requests: { cpu: 2, memory: 6Gi }
      limits: { cpu: 4, memory: 6Gi }
    podTemplate:
      spec: { nodeSelector: { pool: flink } }
  podTemplate:
    spec:
      containers:
        - name: flink-main-container
          env: [{ name: TZ, value: UTC }]
  job:
    jarURI: local:///opt/flink/usrlib/orders.jar
    entryClass: com.acme.Orders
    args: ["--topic", "orders", "--window", 5]
    parallelism: 12
    upgradeMode: last-state
    savepointTriggerNonce: 3
---
apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: { name: adhoc }
spec: { deploymentName: shared, job: { jarURI: "https://x/y.jar" } }
---
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: { name: shared }
spec: { image: "flink:1.20", flinkVersion: v1_20 }
"#;

fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), tmp.path());
    tmp
}

#[test]
fn a_rich_manifest_imports_natively_and_reports_the_rest() {
    let repo = example_copy();
    fs::write(repo.path().join("orders.yaml"), MANIFEST).expect("write manifest");
    let (code, stdout, stderr) = run(repo.path(), &["import", "orders.yaml"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let spec = fs::read_to_string(repo.path().join("services/orders/service.yaml")).expect("spec");
    insta::assert_snapshot!("imported_spec", spec);
    insta::assert_snapshot!("import_report", stdout);

    // The written spec is part of the repository now, and renders the same job and memory.
    let (code, _, _) = run(repo.path(), &["render", "--fail-on", "never"]);
    assert_eq!(code, 0);
    let original = flinkform::yaml::load_all(
        flinkform::source::FileId(0),
        &flinkform::source::SourceFile::new("m", MANIFEST),
    )
    .expect("manifest")
    .remove(1);
    let rendered =
        rendered_deployment(&repo.path().join("rendered/prod-eu-1/orders/manifests.yaml"));
    assert_eq!(essentials(&original), essentials(&rendered));
    assert_eq!(
        rendered
            .path(&["spec", "taskManager", "replicas"])
            .and_then(Node::as_i64),
        Some(3)
    );
}

#[test]
fn dry_run_writes_nothing_and_existing_specs_are_never_overwritten() {
    let repo = example_copy();
    fs::write(repo.path().join("orders.yaml"), MANIFEST).expect("write manifest");
    let (code, stdout, stderr) = run(repo.path(), &["import", "--dry-run", "orders.yaml"]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("# services/orders/service.yaml\n"),
        "{stdout}"
    );
    assert!(
        stderr.contains("would write services/orders/service.yaml"),
        "{stderr}"
    );
    assert!(!repo.path().join("services/orders").exists());

    let (code, _, _) = run(repo.path(), &["import", "orders.yaml"]);
    assert_eq!(code, 1);
    let before =
        fs::read_to_string(repo.path().join("services/orders/service.yaml")).expect("spec");
    let (code, stdout, _) = run(repo.path(), &["import", "orders.yaml"]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stdout.contains("already exists; import never overwrites"),
        "{stdout}"
    );
    assert_eq!(
        fs::read_to_string(repo.path().join("services/orders/service.yaml")).expect("spec"),
        before
    );
}

#[test]
fn a_clean_manifest_imports_cleanly() {
    let repo = example_copy();
    fs::write(
        repo.path().join("clean.yaml"),
        "apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: { name: clean, namespace: clean, labels: { team: risk } }
spec:
  image: registry.acme.example/flink/clean:1.0.0-flink1.20
  flinkVersion: v1_20
  serviceAccount: clean
  job: { jarURI: local:///opt/flink/usrlib/clean.jar, parallelism: 2, upgradeMode: savepoint }
  jobManager: { resource: { cpu: 1, memory: 2048m } }
  taskManager: { resource: { cpu: 2, memory: 4096m } }
",
    )
    .expect("write");
    let (code, stdout, stderr) = run(repo.path(), &["import", "clean.yaml", "--env", "prod"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("1 of 1 Flink resource imported\n"),
        "{stdout}"
    );
    let (code, stdout, _) = run(repo.path(), &["check"]);
    assert_eq!((code, stdout.as_str()), (0, "no findings in 9 files\n"));
}

#[test]
fn usage_errors_exit_2() {
    let repo = example_copy();
    fs::write(repo.path().join("orders.yaml"), MANIFEST).expect("write manifest");
    let (code, _, stderr) = run(repo.path(), &["import", "orders.yaml", "--env", "prd"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `prod`?"), "{stderr}");
    let (code, _, _) = run(repo.path(), &["import", "missing.yaml"]);
    assert_eq!(code, 2);
    let (code, _, _) = run(
        repo.path(),
        &["import", "orders.yaml", "--team", "Bad_Team"],
    );
    assert_eq!(code, 2);
}

#[test]
fn machine_formats_keep_stdout_parseable() {
    let repo = example_copy();
    fs::write(repo.path().join("orders.yaml"), MANIFEST).expect("write manifest");
    let (code, stdout, stderr) = run(repo.path(), &["import", "orders.yaml", "--format", "json"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!(json["version"], 1);
    assert!(
        stderr.contains("wrote services/orders/service.yaml"),
        "{stderr}"
    );
}
