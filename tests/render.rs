//! `render`: golden output for the example, determinism, the real consumers (kustomize, the
//! operator's and Flux's CRDs), the memory and DNS guarantees, and drift detection.

mod common;

use common::{copy_dir, example, flinkform, shared_reference};
use flinkform::crd::CrdCatalog;
use flinkform::source::{FileId, SourceFile};
use flinkform::tree::Node;
use std::fs;
use std::path::{Path, PathBuf};

fn rendered_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.expect("walk");
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("prefix")
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, fs::read_to_string(e.path()).expect("read")));
        }
    }
    out
}

/// All YAML documents under `dir` as trees.
fn documents(dir: &Path) -> Vec<(String, Node)> {
    let mut out = Vec::new();
    for (rel, text) in rendered_files(dir) {
        let file = SourceFile::new(rel.clone(), &text);
        for doc in flinkform::yaml::load_all(FileId(0), &file).expect("rendered YAML parses") {
            out.push((rel.clone(), doc));
        }
    }
    out
}

fn render_into(repo: &Path, threads: Option<&str>) {
    let mut cmd = flinkform();
    cmd.current_dir(repo).arg("render");
    if let Some(t) = threads {
        cmd.env("RAYON_NUM_THREADS", t);
    }
    cmd.assert().code(0);
}

fn fresh_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), tmp.path());
    tmp
}

#[test]
fn committed_example_output_is_fresh() {
    // The golden output: fixtures/example-platform/rendered is committed and must match.
    flinkform()
        .current_dir(example())
        .args(["render", "--check"])
        .assert()
        .code(0)
        .stdout(predicates::str::starts_with("rendered/ is up to date ("));
}

#[test]
fn rendering_is_deterministic() {
    let golden = rendered_files(&example().join("rendered"));
    assert!(golden.len() > 100, "the example renders many files");
    for threads in [None, Some("1"), Some("7")] {
        let repo = fresh_copy();
        fs::remove_dir_all(repo.path().join("rendered")).expect("clean");
        render_into(repo.path(), threads);
        assert_eq!(
            rendered_files(&repo.path().join("rendered")),
            golden,
            "threads {threads:?}"
        );
        // Rendering again changes nothing, not even timestamps.
        let before: Vec<_> = walkdir::WalkDir::new(repo.path().join("rendered"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path().to_path_buf(),
                    e.metadata().expect("meta").modified().expect("mtime"),
                )
            })
            .collect();
        flinkform()
            .current_dir(repo.path())
            .arg("render")
            .assert()
            .code(0)
            .stdout(predicates::str::contains("0 created, 0 updated, 0 deleted"));
        for (path, mtime) in before {
            assert_eq!(
                fs::metadata(&path)
                    .expect("meta")
                    .modified()
                    .expect("mtime"),
                mtime,
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn input_order_does_not_matter() {
    // The same services in another order (as another file system might list them) render the
    // same bytes.
    let workspace = flinkform::workspace::Workspace::load(&example()).expect("load");
    let platform = workspace.platform.as_ref().expect("platform");
    let mut resolved = flinkform::compile::resolve_all(&workspace);
    let first = flinkform::render::render(platform, &resolved, "rendered");
    assert!(first.files.len() > 100);
    resolved.reverse();
    let again = flinkform::render::render(platform, &resolved, "rendered");
    assert_eq!(again.files, first.files);
    resolved.rotate_left(5);
    let again = flinkform::render::render(platform, &resolved, "rendered");
    assert_eq!(again.files, first.files);
    // And the paths the streaming pipeline announces are exactly the files it renders.
    let options = flinkform::compile::Options {
        list_outputs: true,
        ..Default::default()
    };
    let c = flinkform::compile::compile(&example(), &options).expect("compile");
    let paths: Vec<&str> = first.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(c.output_paths, paths);
}

#[test]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn every_cluster_folder_builds_with_kustomize() {
    let kubectl = common::tools::require(&common::tools::KUBECTL);
    let rendered = example().join("rendered");
    let mut dirs: Vec<PathBuf> = Vec::new();
    for e in fs::read_dir(&rendered).expect("read") {
        let p = e.expect("entry").path();
        if p.file_name().is_some_and(|n| n == "flux") {
            dirs.extend(
                fs::read_dir(&p)
                    .expect("flux")
                    .map(|e| e.expect("entry").path()),
            );
        } else {
            dirs.push(p);
        }
    }
    dirs.sort();
    assert!(dirs.len() >= 6, "3 clusters + 3 flux folders: {dirs:?}");
    for dir in dirs {
        let out = std::process::Command::new(&kubectl)
            .arg("kustomize")
            .arg(&dir)
            .output()
            .expect("run kubectl");
        assert!(
            out.status.success(),
            "{}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let built = String::from_utf8_lossy(&out.stdout);
        assert!(built.contains("kind: "), "{} built nothing", dir.display());
    }
}

fn shared_catalog(paths: &[&str]) -> CrdCatalog {
    let base = shared_reference();
    let mut files = Vec::new();
    for p in paths {
        for e in fs::read_dir(base.join(p)).expect("crd dir") {
            let path = e.expect("entry").path();
            files.push((
                path.display().to_string(),
                fs::read_to_string(&path).expect("read crd"),
            ));
        }
    }
    CrdCatalog::from_texts(&files).expect("the reference CRDs compile")
}

#[test]
#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
fn rendered_custom_resources_match_the_published_crds() {
    let catalog = shared_catalog(&["flink-operator/crds-1.15.0", "flux/crds"]);
    let mut checked = std::collections::BTreeMap::<String, usize>::new();
    for (file, doc) in documents(&example().join("rendered")) {
        let json = doc.to_json();
        if let Some(violations) = catalog.validate(&json) {
            assert!(violations.is_empty(), "{file}: {violations:?}");
            let kind = doc
                .get("kind")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_string();
            *checked.entry(kind).or_default() += 1;
        }
    }
    // 7 services: 5 in staging + both prod clusters, payments-enricher on one prod cluster,
    // recommendation-features in staging only.
    assert_eq!(checked.get("FlinkDeployment"), Some(&18), "{checked:?}");
    assert_eq!(
        checked.get("Kustomization"),
        Some(&18),
        "Flux Kustomizations: {checked:?}"
    );
}

/// The spec memory of a service in an environment, from the example's own specs, in MiB.
fn memory_mib(quantity: &str) -> u64 {
    let (n, unit) = quantity.split_at(quantity.len() - 2);
    let n: u64 = n.parse().expect("number");
    match unit {
        "Mi" => n,
        "Gi" => n * 1024,
        other => panic!("unexpected unit {other}"),
    }
}

#[test]
fn memory_equals_limit_and_dns_cache_is_off_in_every_flink_deployment() {
    let mut seen = 0;
    for (file, doc) in documents(&example().join("rendered")) {
        if doc.get("kind").and_then(Node::as_str) != Some("FlinkDeployment") {
            continue;
        }
        seen += 1;
        let spec = doc.get("spec").expect("spec");
        let conf = spec
            .get("flinkConfiguration")
            .and_then(Node::as_map)
            .expect("flinkConfiguration");
        for key in conf.keys() {
            assert!(
                !key.ends_with(".memory.process.size"),
                "{file}: second process size {key}"
            );
            assert!(!key.contains("limit-factor"), "{file}: limit factor {key}");
            assert!(
                key != "env.java.opts.all" && !key.starts_with("env.java.default-opts"),
                "{file}: {key}"
            );
        }
        for role in ["jobmanager", "taskmanager"] {
            let opts = conf
                .get(&format!("env.java.opts.{role}"))
                .and_then(Node::as_str)
                .expect("jvm opts");
            assert!(opts.contains("-Dsun.net.inetaddr.ttl=0"), "{file}: {opts}");
            assert!(
                opts.contains("-Dsun.net.inetaddr.negative.ttl=0"),
                "{file}: {opts}"
            );
        }
        for part in ["jobManager", "taskManager"] {
            let mem = spec
                .path(&[part, "resource", "memory"])
                .and_then(Node::as_str)
                .expect("memory");
            let mib: u64 = mem
                .strip_suffix('m')
                .and_then(|m| m.parse().ok())
                .unwrap_or_else(|| panic!("{file}: {mem} is not <MiB>m"));
            assert!(mib >= 1024, "{file}: {mem}");
            assert!(
                spec.path(&[part, "resources"]).is_none(),
                "{file}: operator 1.15 has no `resources`"
            );
        }
    }
    assert_eq!(seen, 18);
    // And the numbers are the specs' own: fraud-detector's TaskManager is 8Gi in prod, 4Gi in staging.
    let prod = fs::read_to_string(
        example().join("rendered/prod-us-1/fraud-detector/flinkdeployment.yaml"),
    )
    .expect("read");
    assert!(
        prod.contains(&format!("memory: {}m", memory_mib("8Gi"))),
        "{prod}"
    );
    let staging = fs::read_to_string(
        example().join("rendered/staging-eu-1/fraud-detector/flinkdeployment.yaml"),
    )
    .expect("read");
    assert!(
        staging.contains(&format!("memory: {}m", memory_mib("4Gi"))),
        "{staging}"
    );
}

#[test]
fn every_file_has_the_generated_header_naming_its_source() {
    for (rel, text) in rendered_files(&example().join("rendered")) {
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("# Code generated by flinkform from "),
            "{rel}: {first}"
        );
        assert!(first.ends_with(". DO NOT EDIT."), "{rel}: {first}");
        let source = first
            .trim_start_matches("# Code generated by flinkform from ")
            .trim_end_matches(". DO NOT EDIT.");
        assert!(
            example().join(source).is_file(),
            "{rel}: source {source} exists"
        );
        assert!(
            text.ends_with('\n') && !text.ends_with("\n\n") && !text.contains('\r'),
            "{rel}: line endings"
        );
    }
}

#[test]
fn substitution_is_disabled_only_where_needed() {
    let with =
        fs::read_to_string(example().join("rendered/prod-eu-1/order-audit/flinkdeployment.yaml"))
            .expect("read");
    assert!(
        with.contains("kustomize.toolkit.fluxcd.io/substitute: disabled"),
        "{with}"
    );
    let without = fs::read_to_string(
        example().join("rendered/prod-eu-1/fraud-detector/flinkdeployment.yaml"),
    )
    .expect("read");
    assert!(!without.contains("substitute"), "{without}");
}

#[test]
fn drift_is_detected_file_by_file() {
    let repo = fresh_copy();
    let out = repo.path().join("rendered");
    // Tampered: a generated file edited by hand.
    let fd = out.join("prod-eu-1/fraud-detector/flinkdeployment.yaml");
    let text = fs::read_to_string(&fd).expect("read");
    fs::write(&fd, text.replace("parallelism: 8", "parallelism: 80")).expect("write");
    // Missing: a generated file deleted.
    fs::remove_file(out.join("prod-us-1/inventory-sync/podmonitor.yaml")).expect("rm");
    // Extra: a generated file for a service that no longer exists.
    fs::create_dir_all(out.join("prod-eu-1/retired")).expect("mkdir");
    fs::write(out.join("prod-eu-1/retired/namespace.yaml"), "# Code generated by flinkform from services/retired/service.yaml. DO NOT EDIT.\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: retired\n").expect("write");
    // Hand-written: not flinkform's, left alone and not drift.
    fs::write(
        out.join("prod-eu-1/README.yaml"),
        "# notes by the platform team\n",
    )
    .expect("write");
    let assert = flinkform()
        .current_dir(repo.path())
        .args(["render", "--check"])
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stdout.contains("  stale:   rendered/prod-eu-1/fraud-detector/flinkdeployment.yaml"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  missing: rendered/prod-us-1/inventory-sync/podmonitor.yaml"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  extra:   rendered/prod-eu-1/retired/namespace.yaml"),
        "{stdout}"
    );
    assert!(
        stdout.contains("-    parallelism: 80\n+    parallelism: 8\n"),
        "unified diff: {stdout}"
    );
    assert!(!stdout.contains("README.yaml"), "{stdout}");
    assert!(
        stderr
            .contains("rendered/prod-eu-1/README.yaml was not generated by flinkform; left alone"),
        "{stderr}"
    );
    // render repairs everything it owns, prunes the extra file and its folder, keeps the README.
    flinkform()
        .current_dir(repo.path())
        .arg("render")
        .assert()
        .code(0)
        .stdout(predicates::str::contains("1 created, 1 updated, 1 deleted"));
    assert!(!out.join("prod-eu-1/retired").exists());
    assert_eq!(
        fs::read_to_string(out.join("prod-eu-1/README.yaml")).expect("kept"),
        "# notes by the platform team\n"
    );
    flinkform()
        .current_dir(repo.path())
        .args(["render", "--check"])
        .assert()
        .code(0);
}

#[test]
fn a_hand_written_file_where_render_must_write_is_never_overwritten() {
    let repo = fresh_copy();
    let fd = repo
        .path()
        .join("rendered/prod-eu-1/fraud-detector/flinkdeployment.yaml");
    fs::write(&fd, "# mine\napiVersion: v1\n").expect("write");
    flinkform()
        .current_dir(repo.path())
        .arg("render")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "was not generated by flinkform; refusing to overwrite",
        ));
    assert_eq!(
        fs::read_to_string(&fd).expect("read"),
        "# mine\napiVersion: v1\n"
    );
    flinkform()
        .current_dir(repo.path())
        .args(["render", "--check"])
        .assert()
        .code(1);
}

#[test]
fn findings_block_render_unless_fail_on_never() {
    let repo = fresh_copy();
    fs::remove_dir_all(repo.path().join("rendered")).expect("clean");
    let spec = repo.path().join("services/fraud-detector/service.yaml");
    let text = fs::read_to_string(&spec).expect("read");
    fs::write(&spec, text.replace("parallelism: 8", "parallelism: \"8\"")).expect("write");
    // A schema error always blocks, even with --fail-on never.
    flinkform()
        .current_dir(repo.path())
        .args(["render", "--fail-on", "never"])
        .assert()
        .code(1);
    assert!(!repo.path().join("rendered").exists(), "nothing written");
}

#[test]
fn out_overrides_the_output_folder_and_flux_paths_follow() {
    let repo = fresh_copy();
    flinkform()
        .current_dir(repo.path())
        .args(["render", "--out", "deploy/generated"])
        .assert()
        .code(0);
    let flux = fs::read_to_string(
        repo.path()
            .join("deploy/generated/flux/prod-eu-1/fraud-detector.yaml"),
    )
    .expect("read");
    assert!(
        flux.contains("path: ./deploy/generated/prod-eu-1/fraud-detector"),
        "{flux}"
    );
    flinkform()
        .current_dir(repo.path())
        .args(["render", "--out", "../outside"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "must be a folder inside the repository",
        ));
    flinkform()
        .current_dir(repo.path())
        .args(["render", "--out", "."])
        .assert()
        .code(2);
}

#[test]
#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
fn crd_flag_validates_against_extra_crds() {
    let base = shared_reference();
    let repo = fresh_copy();
    // The operator's main-branch CRDs also accept what 1.15.0 does.
    flinkform()
        .current_dir(repo.path())
        .args(["render", "--check", "--crd"])
        .arg(base.join("flink-operator/crds"))
        .assert()
        .code(0);
}

#[test]
fn a_crd_folder_that_does_not_exist_is_exit_2() {
    let repo = fresh_copy();
    flinkform()
        .current_dir(repo.path())
        .args(["render", "--crd", "no/such/dir"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("does not exist"));
}

#[test]
fn pod_template_typos_are_crd_errors_at_the_spec_line() {
    let repo = fresh_copy();
    let spec = repo.path().join("services/sql-reporting/service.yaml");
    let text = fs::read_to_string(&spec).expect("read");
    fs::write(
        &spec,
        text.replace("          volumeMounts:", "          volumeMount:"),
    )
    .expect("write");
    let out = flinkform()
        .current_dir(repo.path())
        .args(["check", "--format", "json"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let d = &json["diagnostics"][0];
    assert_eq!(d["rule"], "crd-schema");
    assert_eq!(d["file"], "services/sql-reporting/service.yaml");
    assert_eq!(d["line"], 18);
    assert_eq!(d["column"], 11);
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("unknown field `volumeMount`")),
        "{d}"
    );
}

/// `render --keep-going`: (exit code, stdout, stderr) in `repo`.
fn keep_going(repo: &Path) -> (i32, String, String) {
    let out = flinkform()
        .current_dir(repo)
        .args(["render", "--keep-going"])
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn modified(path: &Path) -> std::time::SystemTime {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("mtime")
}

#[test]
fn keep_going_rewrites_only_what_changed() {
    let repo = fresh_copy();
    let fd = repo
        .path()
        .join("rendered/prod-eu-1/fraud-detector/flinkdeployment.yaml");
    let other = repo
        .path()
        .join("rendered/prod-eu-1/order-audit/flinkdeployment.yaml");
    let (fd_before, other_before) = (modified(&fd), modified(&other));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let (code, out, err) = keep_going(repo.path());
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "rendered 168 files into rendered/: 0 created, 0 updated, 0 deleted, 168 unchanged\n"
    );
    assert_eq!(err, "");
    let spec = repo.path().join("services/fraud-detector/service.yaml");
    fs::write(
        &spec,
        fs::read_to_string(&spec)
            .expect("read")
            .replace("    parallelism: 8", "    parallelism: 9"),
    )
    .expect("write");
    let (code, out, _) = keep_going(repo.path());
    assert_eq!(code, 0);
    assert!(out.contains("0 created, 4 updated, 0 deleted"), "{out}");
    assert_ne!(modified(&fd), fd_before, "the changed file is rewritten");
    assert_eq!(modified(&other), other_before, "the others are not touched");
}

#[test]
fn keep_going_keeps_the_output_of_services_it_cannot_render() {
    let repo = fresh_copy();
    // A plain-text credential blocks rendering this service (its spec loads)…
    let secret = repo.path().join("services/order-audit/service.yaml");
    let text = fs::read_to_string(&secret).expect("read");
    fs::write(
        &secret,
        text.replacen(
            "spec:\n",
            "spec:\n  flinkConfiguration:\n    s3.secret-key: hunter2hunter2\n",
            1,
        ),
    )
    .expect("write");
    // …a YAML error blocks another (its spec does not load)…
    let broken = repo.path().join("services/inventory-sync/service.yaml");
    fs::write(&broken, "spec: [unclosed\n").expect("write");
    // …and a new service that never rendered has nothing to keep.
    let new = repo.path().join("services/brand-new/service.yaml");
    fs::create_dir_all(new.parent().expect("folder")).expect("mkdir");
    fs::write(&new, "not: [valid\n").expect("write");
    let before = rendered_files(&repo.path().join("rendered"));
    let (code, out, err) = keep_going(repo.path());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 created, 0 updated, 0 deleted"), "{out}");
    for spec in ["order-audit", "inventory-sync", "brand-new"] {
        assert!(
            err.contains(&format!("note: services/{spec}/service.yaml has errors and was not rendered; its output was left as it was")),
            "{err}"
        );
    }
    assert!(
        !err.contains("hunter2"),
        "no finding (and no secret) is printed: {err}"
    );
    assert_eq!(
        rendered_files(&repo.path().join("rendered")),
        before,
        "nothing changed"
    );
    // A platform config with errors: nothing is rendered, and that is not a failure here.
    fs::write(repo.path().join("flinkform.yaml"), "spec: [unclosed\n").expect("write");
    let (code, out, err) = keep_going(repo.path());
    assert_eq!((code, out.as_str()), (0, ""));
    assert!(
        err.contains(
            "nothing was rendered: flinkform.yaml (or something all services share) has errors"
        ),
        "{err}"
    );
}
