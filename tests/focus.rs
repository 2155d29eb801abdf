//! `check PATH` reads only the named specs: a service's name is its folder's name, so the
//! discovered paths alone show which specs could share a name with them. Its report must be
//! exactly what the whole-repository check reports about those files, and it opens no other
//! spec (shown with strace).

use crate::common;

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
        only_specs: narrow.then_some(focus),
        ..Options::default()
    };
    let mut c = compile_workspace(workspace, &options).expect("compile");
    c.keep_findings_about(paths);
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

/// A repository where names clash in every way: a copy of a spec in a folder of another name,
/// one whose name is spelled with a YAML escape, a spec that does not parse, and (the include
/// patterns allowing a nested layout) a second folder named `fraud-detector`.
fn clashing_repository() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), tmp.path());
    let platform = tmp.path().join("flinkform.yaml");
    let text = fs::read_to_string(&platform).expect("read");
    let nested = text.replacen(
        "spec:\n",
        "spec:\n  services:\n    include: [services/*/service.yaml, services/*/*/service.yaml]\n",
        1,
    );
    assert_ne!(nested, text);
    fs::write(&platform, nested).expect("write");
    let spec =
        fs::read_to_string(tmp.path().join("services/fraud-detector/service.yaml")).expect("read");
    add_spec(tmp.path(), "zz-copy", &spec);
    let escaped = spec.replace("  name: fraud-detector", "  name: \"fraud-d\\x65tector\"");
    assert!(escaped.contains("\\x65"));
    add_spec(tmp.path(), "aa-escaped", &escaped);
    add_spec(tmp.path(), "broken", "metadata: [unclosed\n");
    add_spec(tmp.path(), "team-b/fraud-detector", &spec);
    tmp
}

#[test]
fn the_narrow_load_reports_exactly_what_the_full_check_reports() {
    let repo = clashing_repository();
    let specs = Workspace::discover(repo.path())
        .expect("discover")
        .spec_paths;
    assert_eq!(specs.len(), 11, "{specs:?}");
    for spec in &specs {
        let paths = [spec.clone()];
        let narrow = report(repo.path(), &paths, true);
        assert_eq!(narrow, report(repo.path(), &paths, false), "{spec}");
    }
    // Several at once, too.
    let paths = [
        "services/aa-escaped/service.yaml".to_string(),
        "services/inventory-sync/service.yaml".to_string(),
        "services/team-b/fraud-detector/service.yaml".to_string(),
    ];
    assert_eq!(
        report(repo.path(), &paths, true),
        report(repo.path(), &paths, false)
    );
}

/// `check PATH` in `repo`, as the GitHub format: (exit code, annotations).
fn github(repo: &Path, path: &str) -> (i32, String) {
    let out = flinkform()
        .current_dir(repo)
        .args(["check", "--format", "github", path])
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8"),
    )
}

#[test]
fn clashes_and_names_that_are_not_their_folders_are_reported_at_the_name() {
    let repo = clashing_repository();
    // Both folders named `fraud-detector` hear about the other, without reading it.
    for (path, other) in [
        (
            "services/fraud-detector/service.yaml",
            "services/team-b/fraud-detector/service.yaml",
        ),
        (
            "services/team-b/fraud-detector/service.yaml",
            "services/fraud-detector/service.yaml",
        ),
    ] {
        let (code, out) = github(repo.path(), path);
        assert_eq!(code, 1, "{out}");
        let expected = format!(
            "::error file={path},line=5,col=9,endColumn=23,title=flinkform duplicate-name::service `fraud-detector` is also in {other}: service names are unique in the repository, and a spec's folder is named after its service%0A"
        );
        assert!(out.starts_with(&expected), "{out}");
    }
    // A name that is not its folder's, however it is spelled; the folder `fraud-detector` is
    // taken, so the only fix offered is the name.
    let (code, out) = github(repo.path(), "services/zz-copy/service.yaml");
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "::error file=services/zz-copy/service.yaml,line=5,col=9,endColumn=23,title=flinkform schema::service `fraud-detector` is in folder `zz-copy`: a spec's folder must be named after its service%0Ahelp: change `metadata.name` to `zz-copy`%0Ahttps://github.com/flinkform/flinkform/blob/main/docs/rules.md#schema\n"
    );
    let (code, out) = github(repo.path(), "services/aa-escaped/service.yaml");
    assert_eq!(code, 1);
    assert!(
        out.contains("line=5,col=9,endColumn=28,title=flinkform schema::service `fraud-detector` is in folder `aa-escaped`"),
        "{out}"
    );
    // A spec with no clash and no findings stays clean, whatever else is broken.
    flinkform()
        .current_dir(repo.path())
        .args(["check", "services/inventory-sync/service.yaml"])
        .assert()
        .code(0)
        .stdout("no findings in 1 file\n");
}

/// The files `flinkform ARGS` opens for reading below `dir` (not folders it lists), traced
/// with strace.
fn opened_files(dir: &Path, args: &[&str]) -> BTreeSet<String> {
    let strace = common::tools::require(&common::tools::STRACE);
    let root = fs::canonicalize(dir).expect("canonical");
    let log = tempfile::NamedTempFile::new().expect("log");
    let status = std::process::Command::new(&strace)
        .args(["-f", "-qq", "-e", "trace=open,openat,openat2", "-o"])
        .arg(log.path())
        .arg(env!("CARGO_BIN_EXE_flinkform"))
        .args(args)
        .current_dir(&root)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("strace");
    assert!(status.code().is_some_and(|c| c <= 1), "{args:?}");
    let prefix = format!("{}/", root.display());
    let mut files = BTreeSet::new();
    for line in fs::read_to_string(log.path()).expect("log").lines() {
        let Some((_, rest)) = line.split_once('"') else {
            continue;
        };
        let Some((path, flags)) = rest.split_once('"') else {
            continue;
        };
        if flags.contains("O_DIRECTORY") {
            continue;
        }
        if let Some(rel) = path.strip_prefix(&prefix) {
            files.insert(rel.to_string());
        }
    }
    files
}

/// Every spec file among `files`: what was opened below `services/`.
fn specs(files: &BTreeSet<String>) -> Vec<&str> {
    files
        .iter()
        .filter(|f| f.starts_with("services/"))
        .map(String::as_str)
        .collect()
}

#[test]
#[cfg_attr(missing_strace, ignore = "needs strace")]
fn check_path_opens_only_the_specs_it_checks() {
    // The usual layout (one listing, one `lstat` per service), and a nested one (every
    // folder under `services/` listed).
    let plain = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), plain.path());
    for repo in [plain.path(), clashing_repository().path()] {
        let files = opened_files(repo, &["check", "services/inventory-sync/service.yaml"]);
        assert_eq!(specs(&files), ["services/inventory-sync/service.yaml"]);
        assert!(files.contains("flinkform.yaml"), "{files:?}");
        let files = opened_files(
            repo,
            &[
                "check",
                "services/fraud-detector/service.yaml",
                "services/order-audit/service.yaml",
            ],
        );
        assert_eq!(
            specs(&files),
            [
                "services/fraud-detector/service.yaml",
                "services/order-audit/service.yaml"
            ]
        );
        // The whole check reads every spec (the control: the trace sees them).
        let files = opened_files(repo, &["check"]);
        let all = Workspace::discover(repo).expect("discover").spec_paths;
        assert_eq!(
            specs(&files),
            all.iter().map(String::as_str).collect::<Vec<_>>()
        );
    }
}
