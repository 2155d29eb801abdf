//! What flinkform renders and allows per operator release (issue 17; the data is
//! `src/flink/operator.rs`): the same service on platforms whose `operator.version` differs,
//! for fields that exist in one release and not the other.

use crate::common;

use common::{copy_dir, example, json_findings, number_of, render_ok, text_of};
use flinkform::source::{FileId, SourceFile};
use flinkform::tree::Node;
use std::fs;
use std::path::Path;

/// The example platform on operator `operator`, with one service `orders` whose spec ends
/// with `extra`.
fn repo(operator: &str, extra: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), tmp.path());
    fs::remove_dir_all(tmp.path().join("rendered")).expect("no rendered output");
    fs::remove_dir_all(tmp.path().join("services")).expect("no services");
    let config = tmp.path().join("flinkform.yaml");
    let text = fs::read_to_string(&config).expect("config");
    fs::write(
        &config,
        text.replace("version: \"1.15\"", &format!("version: \"{operator}\"")),
    )
    .expect("write");
    let dir = tmp.path().join("services/orders");
    fs::create_dir_all(&dir).expect("mkdir");
    fs::write(
        dir.join("service.yaml"),
        format!(
            "apiVersion: flinkform/v1\nkind: FlinkService\nmetadata: {{ name: orders, team: shop }}\nspec:\n  image: registry.acme.example/flink/orders:1.0.0-flink1.20\n  job: {{ jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: 2 }}\n  jobManager: {{ cpu: 0.5 }}\n{extra}  environments:\n    prod: {{ clusters: [prod-eu-1] }}\n"
        ),
    )
    .expect("write spec");
    tmp
}

/// `check --format json`: exit code and (rule, line, message) of each finding.
fn check(dir: &Path) -> (i32, Vec<(String, u64, String)>) {
    let (code, found) = json_findings(dir, &["check", "--format", "json"]);
    let found = found
        .iter()
        .map(|d| {
            (
                text_of(d, "rule"),
                number_of(d, "line"),
                text_of(d, "message"),
            )
        })
        .collect();
    (code, found)
}

/// Renders and returns the FlinkDeployment and the Flux Kustomization of `orders`.
fn rendered(dir: &Path) -> (Node, Node) {
    render_ok(dir);
    let load = |p: &str| {
        let text = fs::read_to_string(dir.join(p)).expect("rendered file");
        flinkform::yaml::load_all(FileId(0), &SourceFile::new(p, &text)).expect("YAML")
    };
    let fd = load("rendered/prod-eu-1/orders/manifests.yaml")
        .into_iter()
        .find(|n| n.get("kind").and_then(Node::as_str) == Some("FlinkDeployment"))
        .expect("a FlinkDeployment");
    let flux = load("rendered/flux/prod-eu-1/orders.yaml").remove(0);
    (fd, flux)
}

fn current_expr(flux: &Node) -> String {
    flux.path(&["spec", "healthCheckExprs"])
        .and_then(Node::as_seq)
        .and_then(|s| s.first())
        .and_then(|e| e.get("current"))
        .and_then(Node::as_str)
        .expect("current")
        .to_string()
}

#[test]
fn the_health_check_reads_the_running_condition_where_the_operator_has_it() {
    let (_, flux) = rendered(repo("1.14", "").path());
    assert_eq!(
        current_expr(&flux),
        "has(status.lifecycleState) && status.lifecycleState == 'STABLE' && has(status.jobStatus) && has(status.jobStatus.state) && status.jobStatus.state == 'RUNNING'"
    );
    for v in ["1.15", "1.16"] {
        let (_, flux) = rendered(repo(v, "").path());
        assert_eq!(
            current_expr(&flux),
            "has(status.lifecycleState) && status.lifecycleState == 'STABLE' && has(status.conditions) && status.conditions.exists(c, c.type == 'Running' && c.status == 'True')",
            "operator {v}"
        );
    }
}

#[test]
fn resources_replace_resource_on_operator_main_and_validate_against_its_crds() {
    let on_1_15 = repo("1.15", "");
    assert_eq!(check(on_1_15.path()), (0, vec![]));
    let (fd, _) = rendered(on_1_15.path());
    let jm = fd.path(&["spec", "jobManager"]).expect("jobManager");
    assert_eq!(
        flinkform::yaml::emit(jm),
        "resource:\n  cpu: 0.5\n  memory: 2Gi\n"
    );

    let on_main = repo("1.16", "");
    assert_eq!(
        check(on_main.path()),
        (0, vec![]),
        "validated against main's CRDs"
    );
    let (fd, _) = rendered(on_main.path());
    let jm = fd.path(&["spec", "jobManager"]).expect("jobManager");
    // Request = limit (limit factor 1, memory equals the limit); CPU as a Kubernetes quantity.
    assert_eq!(
        flinkform::yaml::emit(jm),
        "resources:\n  limits:\n    cpu: 500m\n    memory: 2Gi\n  requests:\n    cpu: 500m\n    memory: 2Gi\n"
    );
    let conf = fd.path(&["spec", "flinkConfiguration"]).expect("conf");
    let text = flinkform::yaml::emit(conf);
    assert!(!text.contains("limit-factor"), "{text}");
}

#[test]
fn flink_versions_the_operator_does_not_know_are_reported() {
    let spec = "  flinkVersion: \"2.3\"\n";
    let (code, found) = check(repo("1.14", spec).path());
    assert_eq!(code, 1);
    let about: Vec<_> = found
        .iter()
        .filter(|(r, _, _)| r == "flink-version-supported")
        .collect();
    assert_eq!(about.len(), 1, "{found:?}");
    assert_eq!(about[0].1, 8);
    assert_eq!(
        about[0].2,
        "flinkVersion \"2.3\" (`v2_3`) is newer than operator 1.14 knows (at most v2_2)"
    );
    // Operator main knows it (and its CRD lists it).
    let (_, found) = check(repo("1.16", spec).path());
    assert!(
        !found.iter().any(|(r, _, _)| r == "flink-version-supported"),
        "{found:?}"
    );
}

/// The session-job `jarURI` allow-list came with operator 1.15: `lint` (with the platform
/// config beside the manifest) applies it only there.
#[test]
fn the_jar_uri_allow_list_applies_from_1_15() {
    let manifest = "apiVersion: flink.apache.org/v1beta1\nkind: FlinkSessionJob\nmetadata: { name: adhoc, namespace: previews }\nspec:\n  deploymentName: previews\n  job: { jarURI: \"s3://artifacts/job.jar\", parallelism: 2, upgradeMode: savepoint }\n";
    let lint = |operator: &str| {
        let tmp = repo(operator, "");
        fs::write(tmp.path().join("job.yaml"), manifest).expect("write");
        json_findings(tmp.path(), &["lint", "--format", "json", "job.yaml"])
            .1
            .iter()
            .filter(|d| d["rule"] == "session-job-jar-uri")
            .map(|d| (number_of(d, "line"), text_of(d, "message")))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        lint("1.15"),
        [(
            6,
            "jarURI scheme `s3` is not in the operator's default allowlist [https]".to_string()
        )]
    );
    assert_eq!(lint("1.14"), []);
}
