//! The command line's contract: exit codes, output formats, and path focusing.

use crate::common;

use common::{copy_dir, example, flinkform};
use predicates::prelude::*;
use std::fs;

/// A copy of the example repository to break things in.
fn example_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), tmp.path());
    tmp
}

fn edit(path: &std::path::Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn clean_example_exits_0() {
    flinkform()
        .current_dir(example())
        .arg("check")
        .assert()
        .code(0)
        .stdout("no findings in 8 files\n");
}

#[test]
fn dash_c_finds_the_repository_from_a_subfolder() {
    flinkform()
        .arg("-C")
        .arg(example().join("services/fraud-detector"))
        .arg("check")
        .assert()
        .code(0);
}

#[test]
fn findings_exit_1_with_human_snippet() {
    let repo = example_copy();
    edit(
        &repo.path().join("services/fraud-detector/service.yaml"),
        "    parallelism: 8",
        "    parallelsim: 8",
    );
    let out = flinkform()
        .current_dir(repo.path())
        .arg("check")
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    insta::assert_snapshot!("human_unknown_field", stdout);
}

#[test]
fn json_format_is_versioned_with_locations() {
    let repo = example_copy();
    edit(
        &repo.path().join("services/inventory-sync/service.yaml"),
        "memory: 2Gi",
        "memory: 2G",
    );
    let out = flinkform()
        .current_dir(repo.path())
        .args(["check", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["version"], 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["rule"], "schema");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "services/inventory-sync/service.yaml");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(15), Some(34))
    );
    assert_eq!(
        (d["endLine"].as_u64(), d["endColumn"].as_u64()),
        (Some(15), Some(36))
    );
    assert!(d["message"].as_str().is_some_and(|m| m.contains("2G")));
    assert!(
        d["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("rules.md#schema"))
    );
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(json["summary"]["files"], 8);
    assert!(
        out.stderr.is_empty(),
        "nothing on stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn fail_on_controls_exit_code() {
    let repo = example_copy();
    edit(
        &repo.path().join("services/fraud-detector/service.yaml"),
        "    parallelism: 8",
        "    parallelsim: 8",
    );
    flinkform()
        .current_dir(repo.path())
        .args(["check", "--fail-on", "never"])
        .assert()
        .code(0);
    flinkform()
        .current_dir(repo.path())
        .args(["check", "--fail-on", "warning"])
        .assert()
        .code(1);
}

#[test]
fn paths_focus_the_report() {
    let repo = example_copy();
    edit(
        &repo.path().join("services/fraud-detector/service.yaml"),
        "    parallelism: 8",
        "    parallelsim: 8",
    );
    flinkform()
        .current_dir(repo.path())
        .args(["check", "services/inventory-sync/service.yaml"])
        .assert()
        .code(0)
        .stdout("no findings in 1 file\n");
    flinkform()
        .current_dir(repo.path())
        .args(["check", "services/fraud-detector/service.yaml"])
        .assert()
        .code(1);
    // A folder covers the specs under it; the platform config covers everything.
    flinkform()
        .current_dir(repo.path())
        .args(["check", "services"])
        .assert()
        .code(1);
    flinkform()
        .current_dir(repo.path())
        .args(["check", "flinkform.yaml"])
        .assert()
        .code(1);
}

#[test]
fn a_path_that_is_not_a_spec_is_noted_and_ignored() {
    flinkform()
        .current_dir(example())
        .args(["check", "services/../flinkform.yaml", "README.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read README.md"));
    let repo = example_copy();
    fs::write(repo.path().join("services/fraud-detector/notes.txt"), "hi").expect("write");
    flinkform()
        .current_dir(repo.path())
        .args(["check", "services/fraud-detector/notes.txt"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("is not a service spec"));
}

#[test]
fn no_repository_exits_2() {
    let tmp = tempfile::tempdir().expect("tempdir");
    flinkform()
        .current_dir(tmp.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no flinkform.yaml found"));
}

#[test]
fn bad_flag_exits_2() {
    flinkform()
        .current_dir(example())
        .args(["check", "--format", "xml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value 'xml'"));
}

#[test]
fn unreadable_spec_exits_2() {
    let repo = example_copy();
    let spec = repo.path().join("services/fraud-detector/service.yaml");
    fs::remove_file(&spec).expect("rm");
    fs::create_dir(&spec).expect("a folder where a file should be");
    fs::write(spec.join("x"), "").expect("write");
    // A folder named service.yaml is not a file: discovery skips it, so the run is clean.
    flinkform()
        .current_dir(repo.path())
        .arg("check")
        .assert()
        .code(0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let other = repo.path().join("services/order-audit/service.yaml");
        // Root reads whatever the permission bits say (CI runs as root): flinkform then runs as
        // `nobody` (setpriv, util-linux), who can read the rest of the repository but not this.
        let root = running_as_root();
        if root {
            for e in walkdir::WalkDir::new(repo.path()) {
                let e = e.expect("walk");
                let mode = if e.file_type().is_dir() { 0o755 } else { 0o644 };
                fs::set_permissions(e.path(), fs::Permissions::from_mode(mode)).expect("chmod");
            }
        }
        fs::set_permissions(&other, fs::Permissions::from_mode(0o000)).expect("chmod");
        let mut check = if root {
            let mut c = std::process::Command::new("setpriv");
            c.args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "--",
                env!("CARGO_BIN_EXE_flinkform"),
            ]);
            c
        } else {
            assert!(fs::read(&other).is_err(), "the spec is still readable");
            std::process::Command::new(env!("CARGO_BIN_EXE_flinkform"))
        };
        let out = check
            .current_dir(repo.path())
            .arg("check")
            .output()
            .expect("run flinkform (as root, through setpriv)");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("cannot read services/order-audit/service.yaml"),
            "{stderr}"
        );
    }
}

/// Whether the tests run as root (as in CI), who may read anything.
#[cfg(unix)]
fn running_as_root() -> bool {
    let id = std::process::Command::new("id")
        .arg("-u")
        .output()
        .expect("run id -u");
    String::from_utf8_lossy(&id.stdout).trim() == "0"
}

#[test]
fn platform_errors_are_reported_and_services_still_checked() {
    let repo = example_copy();
    edit(
        &repo.path().join("flinkform.yaml"),
        "  output: rendered",
        "  output: ../elsewhere",
    );
    edit(
        &repo.path().join("services/fraud-detector/service.yaml"),
        "    parallelism: 8",
        "    parallelsim: 8",
    );
    let out = flinkform()
        .current_dir(repo.path())
        .args(["check", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let messages: Vec<&str> = json["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        messages.contains(&"output folder `../elsewhere` leaves the repository (`..`)"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"unknown field `parallelsim`"),
        "{messages:?}"
    );
}

/// Colour is for terminals: on a pseudo-terminal (util-linux's `script`), findings are
/// coloured unless `NO_COLOR` is set (to anything but the empty string) or `--color never`
/// says so; `--color always` colours a pipe too. The same repository with findings each time,
/// so the only difference is the setting.
#[test]
#[cfg_attr(missing_script, ignore = "needs script (util-linux)")]
fn no_color_is_obeyed_on_a_terminal() {
    let script = common::tools::require(&common::tools::SCRIPT);
    let repo = common::isolated(&common::manifest_dir().join("tests/fixtures/check/policy"));
    let bin = env!("CARGO_BIN_EXE_flinkform");
    let on_terminal = |no_color: Option<&str>, args: &str| {
        let mut cmd = std::process::Command::new(&script);
        cmd.current_dir(repo.path())
            .env_remove("NO_COLOR")
            .env("COLUMNS", "100")
            // stdout only: the terminal shows the report, not progress.
            .args([
                "-qec",
                &format!("'{bin}' check {args} 2>/dev/null"),
                "/dev/null",
            ]);
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let out = cmd.output().expect("script runs");
        assert_eq!(
            out.status.code(),
            Some(1),
            "the fixture has errors: {out:?}"
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(text.contains("waiver-expired"), "{text:?}");
        text
    };
    let coloured = |text: &str| text.contains("\x1b[31m");
    assert!(coloured(&on_terminal(None, "")), "a terminal gets colour");
    assert!(!coloured(&on_terminal(Some("1"), "")), "NO_COLOR=1");
    assert!(
        coloured(&on_terminal(Some(""), "")),
        "an empty NO_COLOR is unset (no-color.org)"
    );
    assert!(!coloured(&on_terminal(None, "--color never")));
    // Not a terminal: no colour unless asked for.
    let piped = |args: &[&str]| {
        let out = flinkform()
            .current_dir(repo.path())
            .env_remove("NO_COLOR")
            .arg("check")
            .args(args)
            .output()
            .expect("runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(!piped(&[]).contains('\x1b'));
    assert!(coloured(&piped(&["--color", "always"])));
}

#[test]
fn version() {
    flinkform()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("flinkform "));
}

#[test]
fn every_schema_field_is_documented() {
    let doc =
        fs::read_to_string(common::manifest_dir().join("docs/spec.md")).expect("docs/spec.md");
    for schema in [
        "schemas/service.schema.json",
        "schemas/platform.schema.json",
    ] {
        let text = fs::read_to_string(common::manifest_dir().join(schema)).expect("schema");
        let json: serde_json::Value = serde_json::from_str(&text).expect("json");
        let mut missing = Vec::new();
        collect_properties(&json, &mut |name| {
            if !doc.contains(&format!("`{name}`")) {
                missing.push(name.to_string());
            }
        });
        assert!(
            missing.is_empty(),
            "{schema}: fields not documented in docs/spec.md: {missing:?}"
        );
    }
}

fn collect_properties(v: &serde_json::Value, f: &mut dyn FnMut(&str)) {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(props) = m.get("properties").and_then(|p| p.as_object()) {
                for k in props.keys() {
                    f(k);
                }
            }
            for child in m.values() {
                collect_properties(child, f);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|c| collect_properties(c, f)),
        _ => {}
    }
}

#[test]
fn secret_findings_never_show_the_secret() {
    let fixture =
        common::manifest_dir().join("tests/fixtures/lint/no-plaintext-secrets/cases.yaml");
    for format in ["human", "json"] {
        let out = flinkform()
            .args(["lint", "--format", format])
            .arg(&fixture)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(1));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("no-plaintext-secrets"),
            "{format}: {stdout}"
        );
        for secret in [
            "minio123",
            "s3cr3t",
            "letmein",
            "AKIAIOSFODNN7EXAMPLE",
            "abc123",
        ] {
            assert!(!stdout.contains(secret), "{format} output shows `{secret}`");
        }
    }
}

/// A FlinkDeployment CRD that requires `spec.restartNonce`, which no example spec sets.
const STRICT_CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: flinkdeployments.flink.apache.org}
spec:
  group: flink.apache.org
  names: {kind: FlinkDeployment, plural: flinkdeployments}
  scope: Namespaced
  versions:
    - name: v1beta1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [restartNonce]
              x-kubernetes-preserve-unknown-fields: true
";

/// The `crd-schema` messages of a `--format json` report, sorted and without repeats.
fn crd_messages(json: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(json).expect("a JSON report");
    let mut out: Vec<String> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["rule"] == "crd-schema")
        .map(|d| d["message"].as_str().expect("message").to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn lint_and_check_agree_on_the_platform_crds_from_any_working_directory() {
    // The platform's `crds` folders are relative to flinkform.yaml for every command (one CRD
    // catalogue, built by the driver): `lint` of a rendered manifest reports what `check`
    // reports for its service, wherever either runs.
    let repo = example_copy();
    let root = repo.path();
    edit(
        &root.join("flinkform.yaml"),
        "\nspec:\n",
        "\nspec:\n  crds: [crds]\n",
    );
    fs::create_dir(root.join("crds")).expect("mkdir");
    fs::write(root.join("crds/flinkdeployment.yaml"), STRICT_CRD).expect("write CRD");
    let manifest = "rendered/prod-eu-1/fraud-detector/manifests.yaml";
    let expected = [
        "FlinkDeployment `fraud-detector` does not match its CRD: /spec: missing required field `restartNonce`",
    ];
    for dir in [
        "",
        "services",
        "services/fraud-detector",
        "rendered/prod-eu-1",
    ] {
        let cwd = root.join(dir);
        let up = "../".repeat(dir.split('/').filter(|p| !p.is_empty()).count());
        let (code, out, err) = common::run(&cwd, &["check", "--format", "json"]);
        assert_eq!(code, 1, "check in `{dir}`: {err}");
        let check: Vec<String> = crd_messages(&out)
            .into_iter()
            .filter(|m| m.contains("`fraud-detector`"))
            .collect();
        assert_eq!(check, expected, "check in `{dir}`");
        let target = format!("{up}{manifest}");
        let (code, out, err) = common::run(&cwd, &["lint", "--format", "json", &target]);
        assert_eq!(code, 1, "lint in `{dir}`: {err}");
        assert_eq!(crd_messages(&out), expected, "lint in `{dir}`");
    }
    // From outside the repository, with -C: the same.
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let services = root.join("services");
    let services = services.to_str().expect("UTF-8 path");
    let abs_manifest = root.join(manifest);
    let (code, out, err) = common::run(
        elsewhere.path(),
        &[
            "-C",
            services,
            "lint",
            "--format",
            "json",
            abs_manifest.to_str().expect("UTF-8"),
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(crd_messages(&out), expected);
}

/// A manifest that passes `lint` in `staging` and fails in `prod` (no HA, stateless upgrades).
const LINT_ENV_MANIFEST: &str = "apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: { name: orders, namespace: orders }
spec:
  flinkVersion: v1_20
  job: { jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: 1, upgradeMode: stateless }
";

#[test]
fn lint_refuses_an_environment_the_platform_does_not_declare() {
    let repo = example_copy();
    fs::write(repo.path().join("orders.yaml"), LINT_ENV_MANIFEST).expect("write");
    // A typo would have turned the production requirements off: a usage error instead.
    flinkform()
        .current_dir(repo.path())
        .args(["lint", "orders.yaml", "--env", "prdo"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: environment `prdo` is not defined in flinkform.yaml (it declares prod, \
             staging); did you mean `prod`?\n",
        );
    flinkform()
        .current_dir(repo.path())
        .args(["lint", "orders.yaml", "--env", "qa"])
        .assert()
        .code(2)
        .stderr("error: environment `qa` is not defined in flinkform.yaml (it declares prod, staging)\n");
    // Declared names, and the default (prod), are judged as before.
    let rules = |args: &[&str]| {
        let (code, out, err) = common::run(repo.path(), args);
        let json: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
        let mut rules: Vec<String> = json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| d["rule"].as_str().unwrap_or_default().to_string())
            .collect();
        rules.dedup();
        (code, rules)
    };
    let (_, prod) = rules(&["lint", "orders.yaml", "--format", "json"]);
    assert!(
        prod.contains(&"stateful-upgrade-mode".to_string()),
        "{prod:?}"
    );
    let (_, staging) = rules(&[
        "lint",
        "orders.yaml",
        "--env",
        "staging",
        "--format",
        "json",
    ]);
    assert!(
        !staging.contains(&"stateful-upgrade-mode".to_string()),
        "{staging:?}"
    );
}

#[test]
fn lint_without_a_platform_refuses_a_near_miss_of_prod() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("orders.yaml"), LINT_ENV_MANIFEST).expect("write");
    flinkform()
        .current_dir(dir.path())
        .args(["lint", "orders.yaml", "--env", "prdo"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: environment `prdo` is not one the built-in defaults know (there is no \
             flinkform.yaml): did you mean `prod`? `prod` and `production` require high \
             availability and stateful upgrades, any other name does not\n",
        );
    // Any other name is an environment without production requirements.
    let (code, out, _) = common::run(dir.path(), &["lint", "orders.yaml", "--env", "dev", "-q"]);
    assert_ne!(code, 2, "{out}");
    assert!(!out.contains("stateful-upgrade-mode"), "{out}");
    let (code, out, _) = common::run(
        dir.path(),
        &["lint", "orders.yaml", "--env", "production", "-q"],
    );
    assert_eq!(code, 1);
    assert!(out.contains("stateful-upgrade-mode"), "{out}");
}

#[test]
fn lint_reports_the_files_it_skips_as_information() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| fs::write(dir.path().join(name), text).expect("write");
    write(
        "a-configmap.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\n",
    );
    write("b-empty.yaml", "");
    write(
        "c-typo.yaml",
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeploymnet\nmetadata: { name: orders }\n",
    );
    write(
        "d-mixed.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n---\n"
            .to_string()
            .as_str(),
    );
    let mut mixed = fs::read_to_string(dir.path().join("d-mixed.yaml")).expect("read");
    mixed.push_str(LINT_ENV_MANIFEST);
    write("d-mixed.yaml", &mixed);
    let (code, out, err) = common::run(
        dir.path(),
        &[
            "lint",
            ".",
            "--env",
            "dev",
            "--format",
            "json",
            "--fail-on",
            "warning",
        ],
    );
    let json: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let skipped: Vec<(String, u64, u64, String, String)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["rule"] == "not-a-flink-resource")
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
                d["message"].as_str().unwrap_or_default().to_string(),
                d["severity"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let info = |file: &str, line, column, message: &str| {
        (
            file.to_string(),
            line,
            column,
            message.to_string(),
            "info".to_string(),
        )
    };
    assert_eq!(
        skipped,
        [
            info(
                "a-configmap.yaml",
                2,
                7,
                "skipped: not a Flink resource (it holds ConfigMap/settings)"
            ),
            info(
                "b-empty.yaml",
                1,
                1,
                "skipped: not a Flink resource (it holds no Kubernetes object)"
            ),
            info(
                "c-typo.yaml",
                2,
                7,
                "skipped: not a Flink resource (it holds FlinkDeploymnet/orders)"
            ),
        ]
    );
    let typo = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["file"] == "c-typo.yaml")
        .expect("typo reported");
    assert!(
        typo["help"]
            .as_str()
            .unwrap_or_default()
            .starts_with("did you mean `kind: FlinkDeployment`?"),
        "{typo}"
    );
    // The Flink file beside a ConfigMap is checked, not skipped.
    assert_eq!(json["summary"]["infos"], 3, "{out}");
    assert_eq!(code, 1, "the errors of d-mixed.yaml: {out}{err}");
    // Information never fails a run, whatever --fail-on says.
    let (code, out, _) = common::run(
        dir.path(),
        &[
            "lint",
            "a-configmap.yaml",
            "b-empty.yaml",
            "c-typo.yaml",
            "--fail-on",
            "warning",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("3 infos in 3 files\n"), "{out}");
}
