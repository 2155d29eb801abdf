//! `render`: golden output for the example, determinism, the real consumers (kustomize, the
//! operator's and Flux's CRDs), the memory and DNS guarantees, and drift detection.

use crate::common;

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
    // 18 service folders × 2 files, 18 Flux Kustomizations, 3 clusters' `_cluster.yaml`.
    assert_eq!(golden.len(), 57, "the example renders 57 files");
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
    let render =
        |turn: &dyn Fn(&mut Vec<std::sync::Arc<flinkform::spec::service::ServiceFile>>)| {
            let mut workspace = flinkform::workspace::Workspace::load(&example()).expect("load");
            turn(&mut workspace.services);
            let files = std::sync::Arc::new(flinkform::compile::KeepFiles::default());
            let options = flinkform::compile::Options {
                list_outputs: true,
                files: Some(files.clone()),
                ..Default::default()
            };
            let c = flinkform::compile::compile_workspace(workspace, &options).expect("compile");
            drop(options);
            let files = std::sync::Arc::try_unwrap(files)
                .expect("the run let go of the sink")
                .into_files();
            (c.output_paths, files)
        };
    let (paths, first) = render(&|_| {});
    assert_eq!(first.len(), 57);
    let (_, again) = render(&|s| s.reverse());
    assert_eq!(again, first);
    let (_, again) = render(&|s| s.rotate_left(5));
    assert_eq!(again, first);
    // And the paths the run announces are exactly the files it renders.
    let rendered: Vec<&str> = first.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, rendered);
}

/// `kubectl kustomize DIR`: the objects it builds, as (kind, name) in its order.
fn kustomize(dir: &Path) -> Vec<(String, String)> {
    let out = std::process::Command::new(common::tools::require(&common::tools::KUBECTL))
        .arg("kustomize")
        .arg(dir)
        .output()
        .expect("run kubectl");
    assert!(
        out.status.success(),
        "{}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let file = SourceFile::new("built.yaml", &text);
    flinkform::yaml::load_all(FileId(0), &file)
        .expect("kustomize output parses")
        .iter()
        .map(|doc| {
            let get = |path: &[&str]| doc.path(path).and_then(Node::as_str).unwrap_or_default();
            (
                get(&["kind"]).to_string(),
                get(&["metadata", "name"]).to_string(),
            )
        })
        .collect()
}

/// What kustomize-controller builds for a Flux Kustomization whose `path` has no
/// `kustomization.yaml`: it writes one listing every `.yaml`/`.yml` file below the path, and
/// each sub-folder that holds a `kustomization.yaml` as a folder without looking inside
/// (`scanManifests` in fluxcd/pkg `kustomize/kustomize_generator.go`, kustomize/v1.39.0, the
/// version kustomize-controller uses). This builds a copy of `dir` the same way.
fn flux_build(dir: &Path) -> Vec<(String, String)> {
    assert!(
        !dir.join("kustomization.yaml").exists(),
        "{}: Flux would use this kustomization.yaml as it is",
        dir.display()
    );
    let copy = tempfile::tempdir().expect("tempdir");
    copy_dir(dir, copy.path());
    let mut resources = Vec::new();
    let mut walk = walkdir::WalkDir::new(copy.path())
        .min_depth(1)
        .sort_by_file_name()
        .into_iter();
    while let Some(e) = walk.next() {
        let e = e.expect("walk");
        let rel = e
            .path()
            .strip_prefix(copy.path())
            .expect("prefix")
            .to_string_lossy()
            .into_owned();
        if e.file_type().is_dir() {
            if e.path().join("kustomization.yaml").is_file() {
                resources.push(format!("./{rel}"));
                walk.skip_current_dir();
            }
        } else if rel.ends_with(".yaml") || rel.ends_with(".yml") {
            resources.push(format!("./{rel}"));
        }
    }
    let mut generated =
        String::from("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
    if resources.is_empty() {
        generated.push_str("namespace: _placeholder\n");
    } else {
        generated.push_str("resources:\n");
        for r in &resources {
            generated.push_str(&format!("- {r}\n"));
        }
    }
    fs::write(copy.path().join("kustomization.yaml"), generated).expect("write");
    kustomize(copy.path())
}

/// The (cluster, service) folders of a rendered output, sorted.
fn service_folders(rendered: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (rel, _) in rendered_files(rendered) {
        if let Some((cluster, service)) = rel
            .strip_suffix("/manifests.yaml")
            .and_then(|f| f.split_once('/'))
        {
            out.push((cluster.to_string(), service.to_string()));
        }
    }
    out
}

#[test]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn every_service_folder_builds_with_kustomize_in_apply_order() {
    let rendered = example().join("rendered");
    let folders = service_folders(&rendered);
    assert_eq!(folders.len(), 18, "{folders:?}");
    for (cluster, service) in folders {
        let dir = rendered.join(&cluster).join(&service);
        let built = kustomize(&dir);
        let kinds: Vec<&str> = built.iter().map(|(k, _)| k.as_str()).collect();
        let mut expected = vec![
            "Namespace",
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "ResourceQuota",
            "NetworkPolicy",
            // payments-enricher is blue/green in prod (docs/spec.md#bluegreen).
            if cluster.starts_with("prod") && service == "payments-enricher" {
                "FlinkBlueGreenDeployment"
            } else {
                "FlinkDeployment"
            },
            "PodMonitor",
            "PrometheusRule",
        ];
        // kustomize orders what it builds (legacy order: namespaces and quotas first,
        // custom resources last); the file itself is in apply order.
        let in_file: Vec<String> = documents(&dir)
            .into_iter()
            .filter(|(f, _)| f == "manifests.yaml")
            .map(|(_, d)| {
                d.get("kind")
                    .and_then(Node::as_str)
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        assert_eq!(in_file, expected, "{cluster}/{service}: manifests.yaml");
        expected.sort_unstable();
        let mut sorted = kinds.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, expected, "{cluster}/{service}: built {built:?}");
        assert!(
            built.iter().all(|(_, name)| name == &service),
            "{cluster}/{service}: {built:?}"
        );
    }
}

/// What the platform's Flux bootstrap syncs for a cluster: one Flux Kustomization at
/// `rendered/flux/<cluster>`. It builds exactly the services' Flux Kustomizations (and
/// nothing else: `_cluster.yaml` holds no object), each pointing at its service folder.
#[test]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn the_flux_folder_of_each_cluster_builds_what_flux_syncs() {
    let rendered = example().join("rendered");
    let folders = service_folders(&rendered);
    for cluster in ["prod-eu-1", "prod-us-1", "staging-eu-1"] {
        let built = flux_build(&rendered.join("flux").join(cluster));
        let expected: Vec<(String, String)> = folders
            .iter()
            .filter(|(c, _)| c == cluster)
            .map(|(_, s)| ("Kustomization".to_string(), format!("flinkform-{s}")))
            .collect();
        assert!(expected.len() >= 5, "{cluster}: {expected:?}");
        assert_eq!(built, expected, "{cluster}");
        for (_, service) in folders.iter().filter(|(c, _)| c == cluster) {
            let flux = fs::read_to_string(rendered.join(format!("flux/{cluster}/{service}.yaml")))
                .expect("read");
            assert!(
                flux.contains(&format!("  path: ./rendered/{cluster}/{service}\n")),
                "{flux}"
            );
        }
    }
}

/// No generated file lists the services: adding one creates its files and changes none, so
/// two pull requests that each add a service never conflict in `rendered/`.
#[test]
fn adding_a_service_changes_no_existing_file() {
    let repo = fresh_copy();
    let spec =
        fs::read_to_string(repo.path().join("services/fraud-detector/service.yaml")).expect("read");
    fs::create_dir_all(repo.path().join("services/fraud-scorer")).expect("mkdir");
    fs::write(
        repo.path().join("services/fraud-scorer/service.yaml"),
        spec.replace("name: fraud-detector", "name: fraud-scorer"),
    )
    .expect("write");
    let before = rendered_files(&repo.path().join("rendered"));
    flinkform()
        .current_dir(repo.path())
        .arg("render")
        .assert()
        .code(0)
        .stdout(
            "rendered 66 files into rendered/: 9 created, 0 updated, 0 deleted, 57 unchanged\n",
        );
    let after = rendered_files(&repo.path().join("rendered"));
    let added: Vec<&str> = after
        .iter()
        .filter(|f| !before.contains(f))
        .map(|(p, _)| p.as_str())
        .collect();
    assert_eq!(
        added,
        [
            "flux/prod-eu-1/fraud-scorer.yaml",
            "flux/prod-us-1/fraud-scorer.yaml",
            "flux/staging-eu-1/fraud-scorer.yaml",
            "prod-eu-1/fraud-scorer/kustomization.yaml",
            "prod-eu-1/fraud-scorer/manifests.yaml",
            "prod-us-1/fraud-scorer/kustomization.yaml",
            "prod-us-1/fraud-scorer/manifests.yaml",
            "staging-eu-1/fraud-scorer/kustomization.yaml",
            "staging-eu-1/fraud-scorer/manifests.yaml",
        ]
    );
}

/// A cluster without services still has the folder its Flux Kustomization points at, and it
/// builds (to nothing): a new cluster can be bootstrapped before its first service.
/// The example with a cluster `qa-1` that runs no service, rendered: its Flux folder.
fn rendered_with_an_empty_cluster() -> (tempfile::TempDir, PathBuf) {
    let repo = fresh_copy();
    let platform = repo.path().join("flinkform.yaml");
    let text = fs::read_to_string(&platform).expect("read");
    let with_new = text.replacen(
        "  environments:\n    staging:\n",
        "  environments:\n    qa:\n      clusters: [qa-1]\n    staging:\n",
        1,
    );
    assert_ne!(with_new, text, "the example's environments moved");
    fs::write(&platform, with_new).expect("write");
    flinkform()
        .current_dir(repo.path())
        .arg("render")
        .assert()
        .code(0)
        .stdout(predicates::str::contains("1 created, 0 updated, 0 deleted"));
    let folder = repo.path().join("rendered/flux/qa-1");
    (repo, folder)
}

#[test]
fn a_cluster_without_services_has_a_flux_folder_with_one_note() {
    let (repo, folder) = rendered_with_an_empty_cluster();
    assert_eq!(rendered_files(&folder).len(), 1);
    let note = fs::read_to_string(folder.join("_cluster.yaml")).expect("read");
    assert_eq!(
        note,
        "# Code generated by flinkform from flinkform.yaml. DO NOT EDIT.\n\
         # The Flux Kustomizations of the services on cluster qa-1: one file per\n\
         # service. Point one Flux Kustomization of the cluster at this folder\n\
         # (`path: ./rendered/flux/qa-1`); Flux builds it from every YAML file in it.\n\
         # This file holds no object: it keeps the folder in Git while the cluster\n\
         # has no service, and adding a service never changes it.\n"
    );
    assert!(!repo.path().join("rendered/qa-1").exists());
}

#[test]
#[cfg_attr(missing_kubectl, ignore = "needs kubectl")]
fn a_cluster_without_services_has_a_flux_folder_that_builds() {
    let (_repo, folder) = rendered_with_an_empty_cluster();
    assert_eq!(flux_build(&folder), []);
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
        if let Some(violations) = catalog.violations(&json) {
            assert!(violations.is_empty(), "{file}: {violations:?}");
            let kind = doc
                .get("kind")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_string();
            *checked.entry(kind).or_default() += 1;
        }
    }
    // 7 services: 5 in staging + both prod clusters, payments-enricher on one prod cluster
    // (blue/green there), recommendation-features in staging only.
    assert_eq!(checked.get("FlinkDeployment"), Some(&17), "{checked:?}");
    assert_eq!(
        checked.get("FlinkBlueGreenDeployment"),
        Some(&1),
        "{checked:?}"
    );
    assert_eq!(
        checked.get("Kustomization"),
        Some(&18),
        "Flux Kustomizations: {checked:?}"
    );
}

/// The spec memory of a service in an environment, from the example's own specs, in MiB.
fn memory_mib(quantity: &str) -> u64 {
    let (n, unit) = quantity.split_at(quantity.len().saturating_sub(2));
    let n: u64 = n
        .parse()
        .unwrap_or_else(|_| panic!("{quantity} is not <n>Mi or <n>Gi"));
    match unit {
        "Mi" => n,
        "Gi" => n * 1024,
        other => panic!("unexpected unit {other} in {quantity}"),
    }
}

#[test]
fn memory_equals_limit_and_dns_cache_is_off_in_every_flink_deployment() {
    let mut seen = 0;
    for (file, doc) in documents(&example().join("rendered")) {
        // A FlinkBlueGreenDeployment's template is the FlinkDeployment its children get.
        let spec = match doc.get("kind").and_then(Node::as_str) {
            Some("FlinkDeployment") => doc.get("spec").expect("spec"),
            Some("FlinkBlueGreenDeployment") => doc
                .path(&["spec", "template", "spec"])
                .expect("template spec"),
            _ => continue,
        };
        seen += 1;
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
            // A Kubernetes binary quantity, which the operator and Kubernetes read alike.
            let mib = memory_mib(mem);
            assert!(mib >= 1024, "{file}: {mem}");
            assert_eq!(
                flinkform::flink::operator_memory::operator_memory_bytes(mem),
                Ok(mib << 20),
                "{file}: {mem}"
            );
            assert!(
                spec.path(&[part, "resources"]).is_none(),
                "{file}: operator 1.15 has no `resources`"
            );
        }
    }
    assert_eq!(seen, 18);
    // And the numbers are the specs' own: fraud-detector's TaskManager is 8Gi in prod, 4Gi in staging.
    let prod =
        fs::read_to_string(example().join("rendered/prod-us-1/fraud-detector/manifests.yaml"))
            .expect("read");
    assert!(prod.contains("memory: 8Gi\n"), "{prod}");
    let staging =
        fs::read_to_string(example().join("rendered/staging-eu-1/fraud-detector/manifests.yaml"))
            .expect("read");
    assert!(staging.contains("memory: 4Gi\n"), "{staging}");
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
    let with = fs::read_to_string(example().join("rendered/prod-eu-1/order-audit/manifests.yaml"))
        .expect("read");
    assert!(
        with.contains("kustomize.toolkit.fluxcd.io/substitute: disabled"),
        "{with}"
    );
    let without =
        fs::read_to_string(example().join("rendered/prod-eu-1/fraud-detector/manifests.yaml"))
            .expect("read");
    assert!(!without.contains("substitute"), "{without}");
}

#[test]
fn drift_is_detected_file_by_file() {
    let repo = fresh_copy();
    let out = repo.path().join("rendered");
    // Tampered: a generated file edited by hand.
    let fd = out.join("prod-eu-1/fraud-detector/manifests.yaml");
    let text = fs::read_to_string(&fd).expect("read");
    fs::write(&fd, text.replace("parallelism: 8", "parallelism: 80")).expect("write");
    // Missing: a generated file deleted.
    fs::remove_file(out.join("prod-us-1/inventory-sync/manifests.yaml")).expect("rm");
    // Extra: a generated file for a service that no longer exists.
    fs::create_dir_all(out.join("prod-eu-1/retired")).expect("mkdir");
    fs::write(out.join("prod-eu-1/retired/manifests.yaml"), "# Code generated by flinkform from services/retired/service.yaml. DO NOT EDIT.\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: retired\n").expect("write");
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
        stdout.starts_with(
            "rendered/ is out of date:\n  missing: rendered/prod-us-1/inventory-sync/manifests.yaml\n  stale:   rendered/prod-eu-1/fraud-detector/manifests.yaml\n  extra:   rendered/prod-eu-1/retired/manifests.yaml\n"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("earlier output layout"), "{stdout}");
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
        .join("rendered/prod-eu-1/fraud-detector/manifests.yaml");
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
        .join("rendered/prod-eu-1/fraud-detector/manifests.yaml");
    let other = repo
        .path()
        .join("rendered/prod-eu-1/order-audit/manifests.yaml");
    let (fd_before, other_before) = (modified(&fd), modified(&other));
    std::thread::sleep(std::time::Duration::from_millis(20));
    let (code, out, err) = keep_going(repo.path());
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "rendered 57 files into rendered/: 0 created, 0 updated, 0 deleted, 57 unchanged\n"
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
    // Its manifests.yaml on the two prod clusters (staging sets its own parallelism).
    assert!(out.contains("0 created, 2 updated, 0 deleted"), "{out}");
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

/// The system calls `flinkform render` makes on files below `dir`, traced with strace: each
/// path with the calls that named it (`openat` with its flags, `rename…`, `unlink…`).
fn file_calls(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let strace = common::tools::require(&common::tools::STRACE);
    let root = fs::canonicalize(dir).expect("canonical");
    let log = tempfile::NamedTempFile::new().expect("log");
    let status = std::process::Command::new(&strace)
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=open,openat,openat2,rename,renameat,renameat2,unlink,unlinkat,link,linkat",
            "-o",
        ])
        .arg(log.path())
        .arg(env!("CARGO_BIN_EXE_flinkform"))
        .args(args)
        .current_dir(&root)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("strace");
    assert_eq!(status.code(), Some(0), "{args:?}");
    let prefix = format!("{}/", root.display());
    let mut calls = Vec::new();
    for line in fs::read_to_string(log.path()).expect("log").lines() {
        let Some((head, _)) = line.split_once('"') else {
            continue;
        };
        let call = head
            .split_whitespace()
            .last()
            .and_then(|c| c.split('(').next())
            .unwrap_or_default();
        // The quoted paths, then what follows the last (the flags of an open): a rename or
        // link is about its destination, the last path.
        let parts: Vec<&str> = line.split('"').collect();
        let paths: Vec<&str> = parts.iter().skip(1).step_by(2).copied().collect();
        let flags = parts.last().copied().unwrap_or_default();
        let path = if call.starts_with("rename") || call.starts_with("link") {
            paths.last()
        } else {
            paths.first()
        };
        if let Some(rel) = path.and_then(|p| p.strip_prefix(&prefix)) {
            calls.push((rel.to_string(), format!("{call}{flags}")));
        }
    }
    calls
}

#[test]
#[cfg_attr(missing_strace, ignore = "needs strace")]
fn an_up_to_date_render_reads_each_file_once_and_writes_nothing() {
    let repo = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), repo.path());
    let calls = file_calls(repo.path(), &["render"]);
    let mut opened: std::collections::BTreeMap<&str, usize> = Default::default();
    for (path, call) in &calls {
        if !path.starts_with("rendered/") {
            continue;
        }
        assert!(
            call.starts_with("open") && call.contains("O_RDONLY") && !call.contains("O_CREAT"),
            "an up-to-date render only reads: {path}: {call}"
        );
        if !call.contains("O_DIRECTORY") {
            *opened.entry(path.as_str()).or_default() += 1;
        }
    }
    let files: Vec<String> = walkdir::WalkDir::new(repo.path().join("rendered"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(repo.path())
                .expect("below the repository")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(files.len(), 57);
    for f in &files {
        assert_eq!(
            opened.get(f.as_str()),
            Some(&1),
            "{f} is read once: {opened:?}"
        );
    }
    assert_eq!(opened.len(), files.len(), "{opened:?}");

    // One stale file: it alone is written (through a temporary file renamed over it), and
    // still every file is read once.
    let stale = "rendered/prod-eu-1/fraud-detector/manifests.yaml";
    let text = fs::read_to_string(repo.path().join(stale)).expect("read");
    fs::write(repo.path().join(stale), text.replace("fraud", "fraudulent")).expect("write");
    let calls = file_calls(repo.path(), &["render"]);
    let renamed: Vec<&str> = calls
        .iter()
        .filter(|(_, c)| c.starts_with("rename"))
        .map(|(p, _)| p.as_str())
        .filter(|p| !p.ends_with(".flinkform-tmp"))
        .collect();
    assert_eq!(renamed, [stale], "{calls:?}");
    let reads = calls
        .iter()
        .filter(|(p, c)| p == stale && c.contains("O_RDONLY"))
        .count();
    assert_eq!(reads, 1, "{calls:?}");
    assert_eq!(
        fs::read_to_string(repo.path().join(stale)).expect("read"),
        text
    );
}

#[test]
fn files_beyond_the_hold_limit_are_rendered_again_and_written_the_same() {
    // `render` holds at most HOLD_LIMIT bytes of files, compressed, while the run decides; the
    // services beyond it are rendered again when it writes. Whatever the limit (none held,
    // some held and some rendered again, all held), the output is the same.
    use flinkform::output_folder::{self, FolderSync};
    let committed = example().join("rendered");
    let tree = |dir: &Path| -> Vec<(String, String)> {
        walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).expect("below").to_string_lossy();
                (
                    rel.into_owned(),
                    fs::read_to_string(e.path()).expect("read"),
                )
            })
            .collect()
    };
    let paths = |t: &[(String, String)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    let expected = tree(&committed);
    assert_eq!(expected.len(), 57);
    for limit in [0, 20_000, output_folder::HOLD_LIMIT] {
        let repo = tempfile::tempdir().expect("tempdir");
        copy_dir(&example(), repo.path());
        let root = fs::canonicalize(repo.path()).expect("canonical");
        fs::remove_dir_all(root.join("rendered")).expect("empty the output");
        let workspace = flinkform::workspace::Workspace::load(&root).expect("load");
        let dir = output_folder::resolve_dir(&root, "rendered").expect("dir");
        let existing = output_folder::scan(&dir).expect("scan");
        let sync =
            std::sync::Arc::new(FolderSync::new(&dir, false, existing).with_hold_limit(limit));
        let options = flinkform::compile::Options {
            list_outputs: true,
            files: Some(sync.clone()),
            ..Default::default()
        };
        let c = flinkform::compile::compile_workspace(workspace, &options).expect("compile");
        drop(options);
        assert!(!c.has_blocking_errors());
        let sync = std::sync::Arc::try_unwrap(sync).expect("the run let go of the sink");
        let again =
            |specs: &std::collections::BTreeSet<String>,
             sink: &(
                  dyn Fn(Vec<flinkform::render::OutputFile>) -> flinkform::error::Result<()> + Sync
              )| { flinkform::compile::render_again(&c.workspace, specs, sink) };
        let written = sync
            .write(&root, &Default::default(), &[], &again)
            .expect("write");
        assert_eq!(
            (written.files, written.created, written.unchanged),
            (57, 57, 0),
            "limit {limit}"
        );
        let got = tree(&dir);
        assert_eq!(paths(&got), paths(&expected), "limit {limit}");
        for ((path, a), (_, b)) in got.iter().zip(&expected) {
            assert!(a == b, "limit {limit}: {path} differs");
        }
    }
}
