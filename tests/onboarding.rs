//! The first hour with flinkform: `new`, `memory`, `schema`, `completions` and `--help`.

use crate::common;

use common::{copy_dir, example, manifest_dir, run};
use std::fs;
use std::path::Path;

fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), tmp.path());
    tmp
}

/// A platform with nothing but storage and two environments: everything `new` writes must
/// come from `new` itself.
fn bare_platform(dir: &Path, with_schema: bool) {
    fs::write(
        dir.join("flinkform.yaml"),
        "apiVersion: flinkform/v1
kind: Platform
spec:
  storage:
    checkpoints: s3://flink-{env}/{service}/checkpoints
    savepoints: s3://flink-{env}/{service}/savepoints
    highAvailability: s3://flink-{env}/{service}/ha
  environments:
    dev: { clusters: [dev-1] }
    prod: { clusters: [prod-1] }
",
    )
    .expect("write platform");
    if with_schema {
        fs::create_dir_all(dir.join("schemas")).expect("mkdir");
        fs::copy(
            manifest_dir().join("schemas/service.schema.json"),
            dir.join("schemas/service.schema.json"),
        )
        .expect("copy schema");
    }
}

// ---- new ------------------------------------------------------------------------------------

#[test]
fn new_then_check_is_clean_and_render_check_only_misses_the_new_service() {
    let repo = example_copy();
    let (code, stdout, stderr) = run(repo.path(), &["new", "orders", "--team", "checkout"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("created services/orders/service.yaml"),
        "{stdout}"
    );
    let spec = fs::read_to_string(repo.path().join("services/orders/service.yaml")).expect("spec");
    // No schemas/ folder in this repository: the modeline points at the published schema.
    assert!(
        spec.starts_with("# yaml-language-server: $schema=https://"),
        "{spec}"
    );
    assert!(spec.contains("    prod: {}\n    staging: {}\n"), "{spec}");

    let (code, stdout, _) = run(repo.path(), &["check"]);
    assert_eq!((code, stdout.as_str()), (0, "no findings in 9 files\n"));

    let (code, stdout, _) = run(repo.path(), &["render", "--check"]);
    assert_eq!(code, 1);
    let mut missing = 0;
    for line in stdout.lines().filter(|l| l.starts_with("  ")) {
        let line = line.trim();
        if let Some(path) = line.strip_prefix("missing: ") {
            missing += 1;
            assert!(
                path.contains("/orders/") || path.ends_with("/orders.yaml"),
                "{line}"
            );
        } else if !line.starts_with('+') && !line.starts_with('-') && !line.starts_with('@') {
            panic!("unexpected drift line: {line}");
        }
    }
    // 3 clusters × (manifests.yaml, kustomization.yaml, Flux Kustomization); nothing stale:
    // no generated file lists the services.
    assert_eq!(missing, 9, "{stdout}");
}

#[test]
fn new_on_a_bare_platform_writes_everything_a_job_needs() {
    let repo = tempfile::tempdir().expect("tempdir");
    bare_platform(repo.path(), true);
    let (code, stdout, stderr) = run(repo.path(), &["new", "wordcount", "--team", "data"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let spec =
        fs::read_to_string(repo.path().join("services/wordcount/service.yaml")).expect("spec");
    assert!(
        spec.starts_with("# yaml-language-server: $schema=../../schemas/service.schema.json\n"),
        "{spec}"
    );
    for line in [
        "  flinkVersion: \"1.20\"",
        "  image: flink:1.20",
        "    upgradeMode: savepoint",
        "  taskManager: { cpu: 2, memory: 4Gi, slots: 2 }",
    ] {
        assert!(spec.contains(line), "{line} missing from\n{spec}");
    }
    let (code, stdout, _) = run(repo.path(), &["check"]);
    assert_eq!((code, stdout.as_str()), (0, "no findings in 2 files\n"));
    let (code, _, _) = run(repo.path(), &["render"]);
    assert_eq!(code, 0);
}

#[test]
fn new_with_a_machine_format_keeps_stdout_parseable() {
    let repo = tempfile::tempdir().expect("tempdir");
    bare_platform(repo.path(), false);
    let (code, stdout, stderr) = run(
        repo.path(),
        &["new", "a", "--team", "t", "--format", "json"],
    );
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    assert!(
        stderr.contains("created services/a/service.yaml"),
        "{stderr}"
    );
}

#[test]
fn new_only_in_chosen_environments() {
    let repo = tempfile::tempdir().expect("tempdir");
    bare_platform(repo.path(), false);
    let (code, _, stderr) = run(repo.path(), &["new", "a", "--team", "t", "--env", "dev"]);
    assert_eq!(code, 0, "{stderr}");
    let spec = fs::read_to_string(repo.path().join("services/a/service.yaml")).expect("spec");
    assert!(
        spec.contains("    dev: {}\n") && !spec.contains("prod: {}"),
        "{spec}"
    );
}

#[test]
fn new_refuses_what_it_cannot_write() {
    let repo = example_copy();
    let cases: [(&[&str], &str); 7] = [
        (
            &["new", "fraud-detector", "--team", "risk"],
            "already exists",
        ),
        (
            &["new", "Orders", "--team", "x"],
            "not a valid service name",
        ),
        (&["new", "orders", "--team", "Team_X"], "not a valid team"),
        (
            &["new", "kustomization", "--team", "x"],
            "`kustomization` cannot be a service name: its Flux Kustomization would be the output's `flux/<cluster>/kustomization.yaml`",
        ),
        (
            &["new", "orders", "--team", "x", "--env", "prd"],
            "did you mean `prod`?",
        ),
        (
            &["new", &"o".repeat(46), "--team", "x"],
            "at most 45 (the Flink operator's limit)",
        ),
        (
            &["new", "orders", "--team", "x", "--path", "jobs/orders.yaml"],
            "does not match the platform's `services.include`",
        ),
    ];
    for (args, expected) in cases {
        let (code, _, stderr) = run(repo.path(), args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    // An existing file is never overwritten, even one that is not a loaded service.
    fs::create_dir_all(repo.path().join("services/orders")).expect("mkdir");
    fs::write(repo.path().join("services/orders/service.yaml"), "draft\n").expect("write");
    let (code, _, stderr) = run(repo.path(), &["new", "orders", "--team", "x"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("never overwrites"), "{stderr}");
    assert_eq!(
        fs::read_to_string(repo.path().join("services/orders/service.yaml")).expect("read"),
        "draft\n"
    );
}

#[test]
fn new_follows_a_custom_discovery_pattern_or_explains() {
    let repo = tempfile::tempdir().expect("tempdir");
    bare_platform(repo.path(), false);
    let platform = repo.path().join("flinkform.yaml");
    let text = fs::read_to_string(&platform).expect("read");
    fs::write(
        &platform,
        text.replace(
            "spec:\n",
            "spec:\n  services: { include: [\"teams/jobs/*/flink.yaml\"] }\n",
        ),
    )
    .expect("write");
    let (code, _, stderr) = run(repo.path(), &["new", "a", "--team", "t"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(repo.path().join("teams/jobs/a/flink.yaml").is_file());

    fs::write(
        &platform,
        text.replace(
            "spec:\n",
            "spec:\n  services: { include: [\"**/flink-*.yaml\"] }\n",
        ),
    )
    .expect("write");
    let (code, _, stderr) = run(repo.path(), &["new", "b", "--team", "t"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("pass --path"), "{stderr}");
    // A spec's folder is named after its service.
    let (code, _, stderr) = run(
        repo.path(),
        &["new", "b", "--team", "t", "--path", "x/flink-b.yaml"],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`x/flink-b.yaml` is in folder `x`, but a spec's folder must be named after its service: use a path such as `b/flink-b.yaml`"),
        "{stderr}"
    );
    assert!(!repo.path().join("x").exists());
    let (code, _, stderr) = run(
        repo.path(),
        &["new", "b", "--team", "t", "--path", "b/flink-b.yaml"],
    );
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, _) = run(repo.path(), &["check"]);
    assert_eq!((code, stdout.as_str()), (0, "no findings in 2 files\n"));
}

// ---- memory ---------------------------------------------------------------------------------

fn memory_json(dir: &Path, service: &str) -> serde_json::Value {
    let (code, stdout, stderr) = run(dir, &["memory", service, "--format", "json"]);
    assert_eq!(code, 0, "{service}: {stderr}");
    serde_json::from_str(&stdout).expect("json")
}

fn write_service(dir: &Path, name: &str, jm: &str, tm: &str, extra: &str) {
    let d = dir.join("services").join(name);
    fs::create_dir_all(&d).expect("mkdir");
    fs::write(
        d.join("service.yaml"),
        format!(
            "apiVersion: flinkform/v1
kind: FlinkService
metadata: {{ name: {name}, team: t }}
spec:
  flinkVersion: \"1.20\"
  image: flink:1.20
  job: {{ jarURI: local:///opt/flink/examples/streaming/StateMachineExample.jar, upgradeMode: savepoint }}
  jobManager: {{ memory: {jm} }}
  taskManager: {{ memory: {tm} }}
  checkpointing: {{ interval: 60s }}
{extra}  environments: {{ dev: {{}} }}
"
        ),
    )
    .expect("write service");
}

const TM_KEYS: [&str; 8] = [
    "frameworkHeap",
    "taskHeap",
    "managed",
    "network",
    "frameworkOffHeap",
    "taskOffHeap",
    "metaspace",
    "overhead",
];
const JM_KEYS: [&str; 4] = ["heap", "offHeap", "metaspace", "overhead"];

fn sum(role: &serde_json::Value, keys: &[&str]) -> u64 {
    keys.iter()
        .map(|k| role[*k].as_u64().unwrap_or_else(|| panic!("{k} in {role}")))
        .sum()
}

#[test]
fn memory_parts_add_up_for_a_range_of_sizes() {
    let repo = tempfile::tempdir().expect("tempdir");
    bare_platform(repo.path(), false);
    let sizes = [
        "1024Mi", "1100Mi", "1536Mi", "2Gi", "3000Mi", "4Gi", "6Gi", "8Gi", "12Gi", "16Gi", "24Gi",
        "64Gi",
    ];
    for (i, tm) in sizes.iter().enumerate() {
        let jm = ["1Gi", "1536Mi", "2Gi", "4Gi"][i % 4];
        write_service(repo.path(), &format!("s{i}"), jm, tm, "");
    }
    // A configuration that moves memory between components still adds up.
    write_service(
        repo.path(),
        "tuned",
        "2Gi",
        "8Gi",
        "  flinkConfiguration:\n    taskmanager.memory.managed.fraction: \"0.0\"\n    taskmanager.memory.jvm-metaspace.size: 512m\n",
    );
    let mut names: Vec<String> = (0..sizes.len()).map(|i| format!("s{i}")).collect();
    names.push("tuned".into());
    for name in names {
        let j = memory_json(repo.path(), &name);
        let (jm, tm) = (&j["jobManager"], &j["taskManager"]);
        assert_eq!(
            sum(tm, &TM_KEYS),
            tm["process"].as_u64().unwrap(),
            "{name}: {tm}"
        );
        assert_eq!(
            sum(jm, &JM_KEYS),
            jm["process"].as_u64().unwrap(),
            "{name}: {jm}"
        );
        assert_eq!(
            tm["flink"].as_u64().unwrap()
                + tm["metaspace"].as_u64().unwrap()
                + tm["overhead"].as_u64().unwrap(),
            tm["process"].as_u64().unwrap()
        );
        assert_eq!(
            jm["heap"].as_u64().unwrap() + jm["offHeap"].as_u64().unwrap(),
            jm["flink"].as_u64().unwrap()
        );
        assert_eq!(
            tm["jvm"]["xmx"].as_u64().unwrap(),
            tm["frameworkHeap"].as_u64().unwrap() + tm["taskHeap"].as_u64().unwrap()
        );
        if name == "tuned" {
            assert_eq!(tm["managed"], 0);
            assert_eq!(tm["metaspace"], 512u64 << 20);
        }
    }
}

/// flink-facts.md §5.5: TaskManagers of 1024, 2048, 4096 and 16384 MiB with default options
/// (exact bytes as Flink computes them, with its float fractions), and JobManagers of 1024
/// and 2048 MiB.
#[test]
fn memory_agrees_with_the_worked_examples() {
    let repo = tempfile::tempdir().expect("tempdir");
    bare_platform(repo.path(), false);
    // (TM MiB, overhead, flink, managed, network, task heap, -Xmx)
    let rows: [(u64, [u64; 6]); 4] = [
        (
            1024,
            [
                201326592, 603979776, 241591914, 67108864, 26843542, 161061270,
            ],
        ),
        (
            2048,
            [
                214748368, 1664299824, 665719939, 166429984, 563714445, 697932173,
            ],
        ),
        (
            4096,
            [
                429496736, 3597035104, 1438814063, 359703515, 1530082070, 1664299798,
            ],
        ),
        (
            16384,
            [
                1073741824,
                15837691904,
                6335076856,
                1583769214,
                7650410378,
                7784628106,
            ],
        ),
    ];
    for (i, (mib, _)) in rows.iter().enumerate() {
        let jm = if i % 2 == 0 { "1024Mi" } else { "2048Mi" };
        write_service(repo.path(), &format!("w{mib}"), jm, &format!("{mib}Mi"), "");
    }
    for (i, (mib, [overhead, flink, managed, network, task_heap, xmx])) in rows.iter().enumerate() {
        let j = memory_json(repo.path(), &format!("w{mib}"));
        let tm = &j["taskManager"];
        assert_eq!(tm["process"], mib << 20);
        assert_eq!(tm["overhead"], *overhead);
        assert_eq!(tm["metaspace"], 256u64 << 20);
        assert_eq!(tm["flink"], *flink);
        assert_eq!(tm["managed"], *managed);
        assert_eq!(tm["network"], *network);
        assert_eq!(tm["taskHeap"], *task_heap);
        assert_eq!(tm["jvm"]["xmx"], *xmx);
        let jm = &j["jobManager"];
        // JM 1024 MiB: heap 448 MiB; JM 2048 MiB: heap ≈ 1459.2 MiB (off-heap 128 MiB).
        let heap = if i % 2 == 0 {
            448u64 << 20
        } else {
            1_530_082_096
        };
        assert_eq!(jm["heap"], heap, "{jm}");
        assert_eq!(jm["offHeap"], 128u64 << 20);
        assert_eq!(jm["jvm"]["maxDirect"], serde_json::Value::Null);
    }
}

#[test]
fn memory_human_output_has_a_bar_per_component() {
    let (code, stdout, stderr) = run(
        &example(),
        &["memory", "fraud-detector", "--env", "staging"],
    );
    assert_eq!(code, 0, "{stderr}");
    for label in [
        "JVM heap",
        "framework heap",
        "task heap",
        "managed",
        "network",
        "framework off-heap",
        "task off-heap",
        "JVM metaspace",
        "JVM overhead",
        "-Xmx",
        "-XX:MaxDirectMemorySize=",
        "-XX:MaxMetaspaceSize=",
    ] {
        assert!(stdout.contains(label), "{label}:\n{stdout}");
    }
    assert!(
        stdout.contains(
            "TaskManager: 4096 MiB process (memory 4Gi at services/fraud-detector/service.yaml:"
        ),
        "{stdout}"
    );
    assert!(stdout.contains('█'), "{stdout}");
}

#[test]
fn memory_usage_errors_suggest_names() {
    let (code, _, stderr) = run(&example(), &["memory", "fraud-detecter"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("did you mean `fraud-detector`?"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&example(), &["memory", "fraud-detector", "--env", "stagin"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `staging`?"), "{stderr}");
    let (code, _, stderr) = run(&example(), &["memory", "fraud-detector"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("showing `prod`"), "{stderr}");
    assert!(stderr.contains("showing prod-eu-1"), "{stderr}");
}

#[test]
fn memory_flink_would_refuse_exits_1_with_flinks_message() {
    let repo = tempfile::tempdir().expect("tempdir");
    bare_platform(repo.path(), false);
    write_service(repo.path(), "tiny", "1Gi", "512Mi", "");
    let (code, stdout, stderr) = run(repo.path(), &["memory", "tiny"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stderr.contains("TaskManager memory configuration failed: "),
        "{stderr}"
    );
}

// ---- schema ---------------------------------------------------------------------------------

fn yaml_to_json(path: &Path) -> serde_json::Value {
    let text = fs::read_to_string(path).expect("read");
    let file = flinkform::source::SourceFile::new(path.display().to_string(), &text);
    flinkform::yaml::load(flinkform::source::FileId(0), &file)
        .expect("valid YAML")
        .without_origins()
        .to_json()
}

fn example_specs() -> Vec<std::path::PathBuf> {
    let mut specs: Vec<_> = fs::read_dir(example().join("services"))
        .expect("services")
        .map(|e| e.expect("entry").path().join("service.yaml"))
        .collect();
    specs.sort();
    specs
}

#[test]
fn schema_output_validates_the_example_specs() {
    let printed = |which: &str| {
        let (code, stdout, _) = run(&example(), &["schema", which]);
        assert_eq!(code, 0);
        serde_json::from_str::<serde_json::Value>(&stdout).expect("schema is JSON")
    };
    let service = printed("service");
    // The platform schema refers to the service schema (platform defaults are spec fields).
    let registry = jsonschema::Registry::new()
        .add(service["$id"].as_str().expect("$id"), service.clone())
        .and_then(|r| r.prepare())
        .expect("registry");
    for (which, files) in [
        ("service", example_specs()),
        ("platform", vec![example().join("flinkform.yaml")]),
    ] {
        let schema = printed(which);
        let validator = jsonschema::options()
            .with_registry(&registry)
            .offline()
            .build(&schema)
            .expect("schema compiles");
        for f in &files {
            let doc = yaml_to_json(f);
            let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", f.display());
        }
        // And a broken document does not pass.
        let mut broken = yaml_to_json(&files[0]);
        broken["kind"] = "Nope".into();
        assert!(!validator.is_valid(&broken));
    }
}

/// The same with `check-jsonschema` (installed by `.ci/run`), an implementation that is not
/// ours.
#[test]
#[cfg_attr(missing_check_jsonschema, ignore = "needs check-jsonschema")]
fn schema_output_validates_the_example_specs_with_check_jsonschema() {
    let check_jsonschema = common::tools::require(&common::tools::CHECK_JSONSCHEMA);
    let tmp = tempfile::tempdir().expect("tempdir");
    let (_, schema, _) = run(&example(), &["schema", "service"]);
    let schema_path = tmp.path().join("service.schema.json");
    fs::write(&schema_path, schema).expect("write schema");
    let out = std::process::Command::new(check_jsonschema)
        .arg("--schemafile")
        .arg(&schema_path)
        .args(example_specs())
        .output()
        .expect("run check-jsonschema");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn schema_is_the_committed_file() {
    let (_, stdout, _) = run(&example(), &["schema", "platform"]);
    let committed =
        fs::read_to_string(manifest_dir().join("schemas/platform.schema.json")).expect("read");
    assert_eq!(stdout.trim_end(), committed.trim_end());
}

// ---- completions and help -------------------------------------------------------------------

#[test]
fn completions_generate_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef flinkform"),
        ("fish", "complete -c flinkform"),
    ] {
        let (code, stdout, stderr) = run(&example(), &["completions", shell]);
        assert_eq!(code, 0, "{shell}: {stderr}");
        assert!(stdout.contains(marker), "{shell}");
        for command in ["check", "render", "new", "import", "memory", "schema"] {
            assert!(
                stdout.contains(command),
                "{shell} completion lacks {command}"
            );
        }
    }
    let (code, _, _) = run(&example(), &["completions", "tcsh"]);
    assert_eq!(code, 2);
}

#[test]
fn every_command_has_help_with_a_summary() {
    let (code, top, _) = run(&example(), &["--help"]);
    assert_eq!(code, 0);
    for command in [
        "init",
        "check",
        "render",
        "diff",
        "lint",
        "rules",
        "explain",
        "new",
        "import",
        "memory",
        "schema",
        "completions",
    ] {
        let line = top
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{command} ")))
            .unwrap_or_else(|| panic!("`{command}` is not listed:\n{top}"));
        assert!(line.trim_end().len() > command.len() + 10, "{line}");
        let (code, help, _) = run(&example(), &[command, "--help"]);
        assert_eq!(code, 0, "{command} --help");
        assert!(help.contains("Usage: flinkform"), "{command}");
    }
}

// ---- diagnostics say what to change -------------------------------------------------------

fn diagnostics_of(dir: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let (_, stdout, stderr) = run(dir, args);
    let json: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: {e}\n{stderr}"));
    json["diagnostics"].as_array().cloned().unwrap_or_default()
}

/// Every finding flinkform produces over its fixtures (broken specs, broken platform configs,
/// per-rule manifests) and the public corpus has help text and a docs link.
#[test]
fn every_diagnostic_has_help_and_a_docs_url() {
    let fixtures = manifest_dir().join("tests/fixtures");
    let mut all = Vec::new();
    for entry in fs::read_dir(fixtures.join("check")).expect("check fixtures") {
        let dir = entry.expect("entry").path();
        all.extend(diagnostics_of(&dir, &["check", "--format", "json"]));
    }
    let lint = fixtures.join("lint").display().to_string();
    all.extend(diagnostics_of(
        &manifest_dir(),
        &["lint", "--format", "json", &lint],
    ));
    // A few broken copies of the example.
    let repo = example_copy();
    let spec = repo.path().join("services/fraud-detector/service.yaml");
    let original = fs::read_to_string(&spec).expect("read");
    for (from, to) in [
        ("parallelism: 8", "parallelism: \"8\""),
        ("parallelism: 8", "parallelism: 0"),
        ("memory: 8Gi", "memory: 8G"),
        ("team: risk", "team: \"\""),
        ("    prod: {}", "    prd: {}"),
        (
            "name: kafka-credentials",
            "name: kafka-credentials\n      env: { KAFKA: \"pass: word\" }",
        ),
        ("  job:\n", "  job:\n    bogus: 'unclosed\n"),
    ] {
        fs::write(&spec, original.replacen(from, to, 1)).expect("write");
        all.extend(diagnostics_of(repo.path(), &["check", "--format", "json"]));
    }
    assert!(all.len() > 100, "only {} findings", all.len());
    assert_every_finding_has_help_and_a_url(&all);
}

/// The same over the public corpus (`../shared/reference/real-world`).
#[test]
#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
fn every_finding_on_public_manifests_has_help_and_a_docs_url() {
    let corpus = common::shared_reference().join("real-world");
    let corpus = corpus.display().to_string();
    let all = diagnostics_of(&manifest_dir(), &["lint", "--format", "json", &corpus]);
    assert!(all.len() > 100, "only {} findings", all.len());
    assert_every_finding_has_help_and_a_url(&all);
}

fn assert_every_finding_has_help_and_a_url(all: &[serde_json::Value]) {
    let missing: Vec<String> = all
        .iter()
        .filter(|d| {
            d["help"].as_str().is_none_or(str::is_empty)
                || !d["url"]
                    .as_str()
                    .is_some_and(|u| u.contains("/docs/rules.md#"))
        })
        .map(|d| format!("{}: {}", d["rule"], d["message"]))
        .collect();
    assert!(
        missing.is_empty(),
        "findings without help or url:\n{}",
        missing.join("\n")
    );
}
