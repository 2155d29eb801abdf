//! `check PATH` loads only the named specs and the few others that could share a name with
//! them. Its report must be exactly what the whole-repository check reports about those files.

mod common;

use common::{copy_dir, example, flinkform};
use flinkform::compile::{Options, compile_workspace};
use flinkform::workspace::Workspace;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// The JSON report about `paths`: loading only what the focus needs (`narrow`), or everything.
fn report(root: &Path, paths: &[String], narrow: bool) -> String {
    let focus: BTreeSet<String> = paths.iter().cloned().collect();
    let discovery = Workspace::discover(root).expect("discover");
    let workspace = discovery.load(narrow.then_some(&focus)).expect("load");
    let options = Options {
        focus: narrow.then_some(focus),
        ..Options::default()
    };
    let mut c = compile_workspace(workspace, &options).expect("compile");
    c.focus(paths);
    flinkform::diag::json::render(&c.report, &c.workspace.sources)
}

fn add_spec(root: &Path, folder: &str, text: &str) {
    fs::create_dir_all(root.join("services").join(folder)).expect("mkdir");
    fs::write(
        root.join("services").join(folder).join("service.yaml"),
        text,
    )
    .expect("write");
}

/// A repository where names clash in every way the narrow load must still see: a later copy,
/// an earlier copy whose name is spelled with a YAML escape, and a spec that does not parse.
fn clashing_repository() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), tmp.path());
    let spec =
        fs::read_to_string(tmp.path().join("services/fraud-detector/service.yaml")).expect("read");
    add_spec(tmp.path(), "zz-copy", &spec);
    // Nothing else in it spells the name, so only the backslash makes it a candidate.
    let escaped = spec
        .replace("fraud-detector", "fraud-scorer")
        .replace("  name: fraud-scorer", "  name: \"fraud-d\\x65tector\"");
    assert!(escaped.contains("\\x65") && !escaped.contains("fraud-detector"));
    add_spec(tmp.path(), "aa-escaped", &escaped);
    add_spec(tmp.path(), "broken", "metadata: [unclosed\n");
    tmp
}

#[test]
fn the_narrow_load_reports_exactly_what_the_full_check_reports() {
    let repo = clashing_repository();
    let specs = Workspace::discover(repo.path())
        .expect("discover")
        .spec_paths;
    assert!(specs.len() >= 10, "{specs:?}");
    for spec in &specs {
        let paths = [spec.clone()];
        let narrow = report(repo.path(), &paths, true);
        assert_eq!(narrow, report(repo.path(), &paths, false), "{spec}");
    }
    // Several at once, too.
    let paths = [
        "services/aa-escaped/service.yaml".to_string(),
        "services/inventory-sync/service.yaml".to_string(),
    ];
    assert_eq!(
        report(repo.path(), &paths, true),
        report(repo.path(), &paths, false)
    );
}

#[test]
fn a_clash_with_a_spec_that_was_not_named_is_reported() {
    let repo = clashing_repository();
    // The escaped spelling sorts first, so it owns the name; both copies clash with it.
    for path in [
        "services/fraud-detector/service.yaml",
        "services/zz-copy/service.yaml",
    ] {
        let out = flinkform()
            .current_dir(repo.path())
            .args(["check", "--format", "github", path])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).expect("utf-8");
        let expected = format!(
            "::error file={path},line=5,col=9,endColumn=23,title=flinkform schema::service name `fraud-detector` is already used by services/aa-escaped/service.yaml%0A"
        );
        assert!(out.contains(&expected), "{out}");
    }
    // The owner of the name hears about both clashes, through their secondary labels.
    let out = flinkform()
        .current_dir(repo.path())
        .args([
            "check",
            "--format",
            "json",
            "services/aa-escaped/service.yaml",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).expect("utf-8");
    assert_eq!(out.matches("is already used by").count(), 2, "{out}");
    // A spec with no clash and no findings stays clean, whatever else is broken.
    flinkform()
        .current_dir(repo.path())
        .args(["check", "services/inventory-sync/service.yaml"])
        .assert()
        .code(0)
        .stdout("no findings in 1 file\n");
}
