//! Hostile and broken input: every case gets a clear diagnostic at the right place and exit 1,
//! never a panic, a hang or an exit code other than 1. (docs/reliability.md is the table.)

use crate::common;

use common::flinkform;
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

const SPEC: &str = "apiVersion: flinkform/v1
kind: FlinkService
metadata:
  name: orders
  team: shop
spec:
  job:
    jarURI: local:///opt/flink/usrlib/orders.jar
  environments:
    staging: {}
";

/// A repository with one valid service, `services/orders/service.yaml`.
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    fs::write(tmp.path().join("flinkform.yaml"), PLATFORM).expect("platform");
    fs::create_dir_all(tmp.path().join("services/orders")).expect("mkdir");
    fs::write(tmp.path().join("services/orders/service.yaml"), SPEC).expect("spec");
    tmp
}

/// What a run found: (rule, file, line, column, message) of every diagnostic, and the exit code.
struct Run {
    code: i32,
    diags: Vec<(String, String, u64, u64, String)>,
    stderr: String,
}

fn check(dir: &Path) -> Run {
    let started = std::time::Instant::now();
    let out = flinkform()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .output()
        .expect("run");
    // Generous: a hang, not a slow machine, is what this guards against.
    assert!(
        started.elapsed().as_secs() < 60,
        "check took {:?}",
        started.elapsed()
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {stderr}"));
    let diags = json["diagnostics"]
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
            )
        })
        .collect();
    Run {
        code: out.status.code().unwrap_or(-1),
        diags,
        stderr,
    }
}

/// Asserts exit 1 and a diagnostic of `rule` at `file:line:column` whose message contains `text`.
fn expect(run: &Run, rule: &str, file: &str, line: u64, column: u64, text: &str) {
    assert_eq!(run.code, 1, "exit code; {:?} {}", run.diags, run.stderr);
    assert!(
        run.diags.iter().any(|(r, f, l, c, m)| r == rule
            && f == file
            && *l == line
            && *c == column
            && m.contains(text)),
        "no `{rule}` at {file}:{line}:{column} containing {text:?} in {:#?}",
        run.diags
    );
}

fn write_spec(dir: &Path, text: &str) {
    fs::write(dir.join("services/orders/service.yaml"), text).expect("write");
}

fn spec_case(text: &str, rule: &str, line: u64, column: u64, message: &str) {
    let r = repo();
    write_spec(r.path(), text);
    let run = check(r.path());
    expect(
        &run,
        rule,
        "services/orders/service.yaml",
        line,
        column,
        message,
    );
}

#[test]
fn the_base_repository_is_clean() {
    let r = repo();
    let run = check(r.path());
    assert_eq!((run.code, run.diags.len()), (0, 0), "{:?}", run.diags);
}

#[test]
fn invalid_yaml() {
    spec_case(
        &SPEC.replace("  name: orders", "\tname: orders"),
        "yaml-syntax",
        4,
        1,
        "tabs",
    );
    spec_case(
        &SPEC.replace("jarURI: local", "jarURI: \"local"),
        "yaml-syntax",
        8,
        13,
        "quote",
    );
    spec_case(
        &SPEC.replace("    staging: {}", "    staging: [a, b"),
        "yaml-syntax",
        10,
        14,
        "",
    );
    spec_case(
        &SPEC.replace("  team: shop", "  team: shop\n  team: shop"),
        "yaml-syntax",
        6,
        3,
        "duplicate key `team`",
    );
    spec_case(
        &format!(
            "base: &b {{ x: 1 }}\n{}",
            SPEC.replace(
                "  environments:",
                "  flinkConfiguration:\n    <<: *b\n  environments:"
            )
        ),
        "yaml-syntax",
        11,
        5,
        "merge keys",
    );
    spec_case(
        &format!("{SPEC}---\napiVersion: flinkform/v1\n"),
        "yaml-syntax",
        11,
        1,
        "more than one YAML document",
    );
}

#[test]
fn wrong_types_and_unknown_fields() {
    spec_case(
        &SPEC.replace("  team: shop", "  team: [shop]"),
        "schema",
        5,
        9,
        "must be a string",
    );
    spec_case(
        &SPEC.replace("  job:", "  jobb:"),
        "schema",
        7,
        3,
        "unknown field `jobb`",
    );
}

#[test]
fn alias_bomb_is_bounded() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for c in 'b'..='k' {
        bomb.push_str(&format!(
            "{c}: &{c} [{}]\n",
            vec![format!("*{prev}"); 10].join(", ")
        ));
        prev = c;
    }
    // Reported at the alias whose expansion broke the budget.
    spec_case(&bomb, "yaml-syntax", 6, 12, "exceeds the parser's limits");
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let deep = format!("x: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let r = repo();
    write_spec(r.path(), &deep);
    let run = check(r.path());
    assert!(
        run.diags
            .iter()
            .any(|(rule, f, l, _, _)| rule == "yaml-syntax"
                && f.ends_with("service.yaml")
                && *l == 1),
        "{:?}",
        run.diags
    );
    assert_eq!(run.code, 1);
}

#[test]
fn encodings_and_line_endings() {
    // Not UTF-8: located at the bad byte.
    let r = repo();
    let mut bytes = SPEC.replace("team: shop", "team: sh\u{0}p").into_bytes();
    let at = bytes.iter().position(|&b| b == 0).expect("marker");
    bytes[at] = 0xFF;
    fs::write(r.path().join("services/orders/service.yaml"), bytes).expect("write");
    expect(
        &check(r.path()),
        "yaml-syntax",
        "services/orders/service.yaml",
        5,
        11,
        "not valid UTF-8 (byte 0xFF)",
    );
    // A byte-order mark is accepted, and columns stay right.
    spec_case(
        &format!("\u{feff}{}", SPEC.replace("  job:", "  jobb:")),
        "schema",
        7,
        3,
        "unknown field `jobb`",
    );
    // CRLF line endings: same locations.
    spec_case(
        &SPEC.replace("  job:", "  jobb:").replace('\n', "\r\n"),
        "schema",
        7,
        3,
        "unknown field `jobb`",
    );
    // An empty spec file.
    spec_case("", "schema", 1, 1, "must be a mapping");
}

#[test]
fn oversized_file() {
    let big = format!("{SPEC}# {}\n", "x".repeat(2 << 20));
    spec_case(
        &big,
        "yaml-syntax",
        1,
        1,
        "flinkform reads files of at most 1048576 bytes",
    );
}

#[cfg(unix)]
#[test]
fn symlinks_that_loop_or_leave_the_repository() {
    use std::os::unix::fs::symlink;
    let r = repo();
    fs::create_dir_all(r.path().join("services/loop")).expect("mkdir");
    symlink("service.yaml", r.path().join("services/loop/service.yaml")).expect("self-loop");
    let outside = tempfile::tempdir().expect("tempdir");
    fs::write(
        outside.path().join("service.yaml"),
        SPEC.replace("orders", "stolen"),
    )
    .expect("write");
    fs::create_dir_all(r.path().join("services/escape")).expect("mkdir");
    symlink(
        outside.path().join("service.yaml"),
        r.path().join("services/escape/service.yaml"),
    )
    .expect("outside");
    // A folder that links back up does not make the walk loop.
    symlink("..", r.path().join("services/orders/up")).expect("dir loop");
    let run = check(r.path());
    for linked in ["services/loop/service.yaml", "services/escape/service.yaml"] {
        expect(&run, "unsafe-path", linked, 1, 1, "is a symbolic link");
    }
    assert!(
        !run.diags.iter().any(|d| d.4.contains("stolen")),
        "the outside file is never read"
    );
}

#[test]
fn bad_service_names() {
    for (name, message) in [
        ("\"..\"", "is not a valid service name"),
        ("\"a/b\"", "is not a valid service name"),
        ("Orders", "is not a valid service name"),
        ("commandes-très-urgentes", "is not a valid service name"),
        (
            "a-name-that-is-far-too-long-for-the-flink-operator-x",
            "the Flink operator allows at most 45",
        ),
    ] {
        spec_case(
            &SPEC.replace("  name: orders", &format!("  name: {name}")),
            "schema",
            4,
            9,
            message,
        );
    }
}

#[test]
fn two_services_claiming_one_namespace() {
    let r = repo();
    // A copy in another folder: its name is not its folder's, so it cannot claim `orders`.
    fs::create_dir_all(r.path().join("services/orders-copy")).expect("mkdir");
    fs::write(r.path().join("services/orders-copy/service.yaml"), SPEC).expect("write");
    let run = check(r.path());
    expect(
        &run,
        "schema",
        "services/orders-copy/service.yaml",
        4,
        9,
        "service `orders` is in folder `orders-copy`: a spec's folder must be named after its service",
    );
    assert_eq!(run.diags.len(), 1, "{:#?}", run.diags);
    // A service named after a platform namespace (in a folder of that name) would take it
    // over.
    for (name, message) in [
        (
            "flux-system",
            "would get the namespace `flux-system`, the namespace of Flux on this platform",
        ),
        (
            "default",
            "would get the namespace `default`, a Kubernetes system namespace",
        ),
    ] {
        let r = repo();
        let services = r.path().join("services");
        fs::rename(services.join("orders"), services.join(name)).expect("rename");
        fs::write(
            services.join(name).join("service.yaml"),
            SPEC.replace("name: orders", &format!("name: {name}")),
        )
        .expect("write");
        expect(
            &check(r.path()),
            "namespace-isolation",
            &format!("services/{name}/service.yaml"),
            4,
            9,
            message,
        );
    }
}

#[test]
fn output_folder_outside_the_repository_or_at_its_root() {
    for (output, line, message) in [
        ("../elsewhere", 4, "leaves the repository"),
        ("/tmp/rendered", 4, "is absolute"),
        (".", 4, "is the repository root"),
        (".git", 4, "is inside `.git`"),
        ("services", 4, "overlaps the service specs"),
        ("services/out", 4, "overlaps the service specs"),
        ("flinkform.yaml", 4, "is the platform config"),
    ] {
        let r = repo();
        fs::write(
            r.path().join("flinkform.yaml"),
            PLATFORM.replace("spec:\n", &format!("spec:\n  output: {output}\n")),
        )
        .expect("write");
        expect(
            &check(r.path()),
            "unsafe-path",
            "flinkform.yaml",
            line,
            11,
            message,
        );
        // And render refuses to write anything.
        let out = flinkform()
            .current_dir(r.path())
            .arg("render")
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1), "{output}");
    }
}
