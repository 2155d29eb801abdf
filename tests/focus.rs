//! `check PATH` reads only the named specs: a service's name is its folder's name, so the
//! discovered paths alone show which specs could share a name with them. Its report must be
//! exactly what the whole-repository check reports about those files, and it opens no other
//! spec (shown with strace). In the usual layout its discovery does not even look into the
//! folders that cannot matter ([`Focus`]), with the same report.

use crate::common;

use common::{copy_dir, example, flinkform};
use flinkform::compile::{Options, compile_workspace};
use flinkform::workspace::{Focus, Workspace};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// How much of the repository a report about some specs loads.
#[derive(Clone, Copy, PartialEq)]
enum Load {
    /// Every spec (the whole check), its report cut down to the named specs.
    Everything,
    /// Every spec discovered, only the named ones read.
    Named,
    /// As `check PATH` does: discovery focused on the named specs, only they read.
    Focused,
}

/// The JSON report about `paths`, loading as `load` says.
fn report(root: &Path, paths: &[String], load: Load) -> String {
    let focus: BTreeSet<String> = paths.iter().cloned().collect();
    let discovery = match load {
        Load::Focused => Workspace::discover_then(root, Some(&Focus::new(paths.to_vec())), |_| {}),
        _ => Workspace::discover(root),
    }
    .expect("discover");
    let narrow = load != Load::Everything;
    let workspace = discovery.load(narrow.then_some(&focus)).expect("load");
    let options = Options {
        only_specs: narrow.then_some(focus),
        ..Options::default()
    };
    let mut c = compile_workspace(workspace, &options).expect("compile");
    c.keep_findings_about(paths);
    flinkform::diag::json::render(&c.report, &c.workspace.sources)
}

/// A copy of the example whose platform takes the specs `services.include` names (a YAML list).
fn example_including(patterns: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), tmp.path());
    let platform = tmp.path().join("flinkform.yaml");
    let text = fs::read_to_string(&platform).expect("read");
    let including = text.replacen(
        "spec:\n",
        &format!("spec:\n  services:\n    include: {patterns}\n"),
        1,
    );
    assert_ne!(including, text);
    fs::write(&platform, including).expect("write");
    tmp
}

/// The text of the example's `fraud-detector` spec in `root`.
fn fraud_detector(root: &Path) -> String {
    fs::read_to_string(root.join("services/fraud-detector/service.yaml")).expect("read")
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
    let tmp = example_including("[services/*/service.yaml, services/*/*/service.yaml]");
    let spec = fraud_detector(tmp.path());
    add_spec(tmp.path(), "zz-copy", &spec);
    let escaped = spec.replace("  name: fraud-detector", "  name: \"fraud-d\\x65tector\"");
    assert!(escaped.contains("\\x65"));
    add_spec(tmp.path(), "aa-escaped", &escaped);
    add_spec(tmp.path(), "broken", "metadata: [unclosed\n");
    add_spec(tmp.path(), "team-b/fraud-detector", &spec);
    tmp
}

/// For every spec of `repo` alone, and for `together` at once: the report made as `load` says
/// equals the whole check's (`specs`: how many the repository has).
fn assert_like_the_whole_check(repo: &Path, load: Load, specs: usize, together: &[&str]) {
    let all = Workspace::discover(repo).expect("discover").spec_paths;
    assert_eq!(all.len(), specs, "{all:?}");
    let groups = all
        .iter()
        .map(|spec| vec![spec.clone()])
        .chain([together.iter().map(|p| p.to_string()).collect()]);
    for paths in groups {
        assert_eq!(
            report(repo, &paths, load),
            report(repo, &paths, Load::Everything),
            "{paths:?}"
        );
    }
}

#[test]
fn the_narrow_load_reports_exactly_what_the_full_check_reports() {
    let repo = clashing_repository();
    assert_like_the_whole_check(
        repo.path(),
        Load::Named,
        11,
        &[
            "services/aa-escaped/service.yaml",
            "services/inventory-sync/service.yaml",
            "services/team-b/fraud-detector/service.yaml",
        ],
    );
}

/// The usual layout under two bases (folder names can clash across them), with every case a
/// focused discovery must get right: a clash across bases, a copy whose name points at a
/// folder with a spec, one whose name points at a folder without one, an escaped name, a spec
/// that does not parse, and a spec that is a link.
fn two_base_repository() -> tempfile::TempDir {
    let tmp = example_including("[services/*/service.yaml, teams/*/service.yaml]");
    let spec = fraud_detector(tmp.path());
    let named = |name: &str| spec.replace("  name: fraud-detector", &format!("  name: {name}"));
    fs::create_dir_all(tmp.path().join("teams/fraud-detector")).expect("mkdir");
    fs::write(tmp.path().join("teams/fraud-detector/service.yaml"), &spec).expect("write");
    add_spec(tmp.path(), "zz-copy", &spec);
    add_spec(tmp.path(), "xx-copy", &named("inventory-sync"));
    add_spec(tmp.path(), "yy-copy", &named("lonely"));
    fs::create_dir_all(tmp.path().join("services/lonely")).expect("mkdir");
    fs::write(
        tmp.path().join("services/lonely/README.md"),
        "no spec here\n",
    )
    .expect("write");
    let escaped = spec.replace("  name: fraud-detector", "  name: \"fraud-d\\x65tector\"");
    add_spec(tmp.path(), "aa-escaped", &escaped);
    add_spec(tmp.path(), "broken", "metadata: [unclosed\n");
    fs::create_dir_all(tmp.path().join("services/linked")).expect("mkdir");
    std::os::unix::fs::symlink(
        "../fraud-detector/service.yaml",
        tmp.path().join("services/linked/service.yaml"),
    )
    .expect("symlink");
    tmp
}

#[test]
fn the_focused_discovery_reports_exactly_what_the_full_check_reports() {
    let repo = two_base_repository();
    // Each spec alone, and three at once across both bases.
    assert_like_the_whole_check(
        repo.path(),
        Load::Focused,
        13,
        &[
            "services/aa-escaped/service.yaml",
            "services/zz-copy/service.yaml",
            "teams/fraud-detector/service.yaml",
        ],
    );
    // The cases themselves are reported (so the comparison above compares something).
    let about = |path: &str| report(repo.path(), &[path.to_string()], Load::Focused);
    assert!(
        about("teams/fraud-detector/service.yaml")
            .contains("is also in services/fraud-detector/service.yaml"),
        "{}",
        about("teams/fraud-detector/service.yaml")
    );
    let lonely = about("services/yy-copy/service.yaml");
    assert!(
        lonely.contains("rename its folder to `lonely` (`services/lonely/service.yaml`)"),
        "{lonely}"
    );
    let taken = about("services/xx-copy/service.yaml");
    assert!(taken.contains("is in folder `xx-copy`"), "{taken}");
    assert!(!taken.contains("move it"), "the folder has a spec: {taken}");
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
    traced_paths(dir, args, "trace=open,openat,openat2")
}

/// The paths below `dir` that `flinkform ARGS` passes to the system calls `trace` names (an
/// strace expression), but no folder it opens to list.
fn traced_paths(dir: &Path, args: &[&str], trace: &str) -> BTreeSet<String> {
    let strace = common::tools::require(&common::tools::STRACE);
    let root = fs::canonicalize(dir).expect("canonical");
    let log = tempfile::NamedTempFile::new().expect("log");
    let status = std::process::Command::new(&strace)
        .args(["-f", "-qq", "-e", trace, "-o"])
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

#[test]
#[cfg_attr(missing_strace, ignore = "needs strace")]
fn check_path_looks_only_into_the_folders_it_needs() {
    let repo = two_base_repository();
    let looked = |args: &[&str]| -> Vec<String> {
        traced_paths(
            repo.path(),
            args,
            "trace=stat,lstat,newfstatat,statx,open,openat,openat2",
        )
        .into_iter()
        .filter(|p| p.ends_with("/service.yaml"))
        .collect()
    };
    assert_eq!(
        looked(&["check", "services/inventory-sync/service.yaml"]),
        ["services/inventory-sync/service.yaml"]
    );
    // Folders of the same name under the other base could clash.
    assert_eq!(
        looked(&["check", "teams/fraud-detector/service.yaml"]),
        [
            "services/fraud-detector/service.yaml",
            "teams/fraud-detector/service.yaml"
        ]
    );
    // A spec named after another folder: that folder is looked into once the spec is read.
    assert_eq!(
        looked(&["check", "services/xx-copy/service.yaml"]),
        [
            "services/inventory-sync/service.yaml",
            "services/xx-copy/service.yaml"
        ]
    );
    // The whole check looks into every folder (the control: the trace sees them), and so
    // does naming a base: a spec of any name may be under it, and clash with one under the
    // other base.
    let everything = looked(&["check"]);
    let expected: BTreeSet<String> = Workspace::discover(repo.path())
        .expect("discover")
        .spec_paths
        .into_iter()
        .chain(
            [
                "services/linked/service.yaml",
                "services/lonely/service.yaml",
            ]
            .map(String::from),
        )
        .collect();
    assert_eq!(everything, expected.into_iter().collect::<Vec<_>>());
    assert_eq!(looked(&["check", "teams"]), everything);
}

/// The repository's size, which sets each file's share of "did you mean" searches, is counted
/// alike by a focused discovery and a whole one: with folders that hold no spec, and with the
/// repository's root as the base (where `.git`, `target` and the output folder are not service
/// folders).
#[test]
fn focused_and_whole_discovery_count_the_repository_alike() {
    let two_bases = two_base_repository();
    let root_base = example_including("[\"*/service.yaml\"]");
    for folder in ["fraud-detector", "order-audit"] {
        fs::rename(
            root_base.path().join("services").join(folder),
            root_base.path().join(folder),
        )
        .expect("move");
    }
    for folder in [".git", "target", "node_modules", "rendered", "docs"] {
        fs::create_dir_all(root_base.path().join(folder)).expect("mkdir");
    }
    for (repo, folders) in [(two_bases.path(), 15), (root_base.path(), 4)] {
        let mut sources = flinkform::source::SourceMap::new();
        let (_, platform, _) =
            flinkform::compile::load_platform(repo, &mut sources).expect("platform");
        let platform = platform.expect("a sound platform");
        let whole = flinkform::workspace::discover(repo, &platform).expect("discover");
        assert_eq!(whole.folders, folders, "{}", repo.display());
        for spec in &whole.paths {
            let focus = Focus::new(vec![spec.clone()]);
            let focused = flinkform::workspace::discover_focused(repo, &platform, Some(&focus))
                .expect("discover");
            assert_eq!(focused.folders, whole.folders, "{spec}");
            assert!(focused.paths.len() < whole.paths.len(), "{spec}");
        }
    }
}
