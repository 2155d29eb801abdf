//! The trust boundary on the file system: what a hostile pull request can put in the
//! repository (links, FIFOs, huge files, `..` in paths, names that are not UTF-8, an output
//! folder over the specs or `.git`) never makes flinkform read, print, block on or write what
//! is not the repository's. Secrets are marker strings placed in the targets; no output of
//! any command, in any format, may contain them. (docs/reliability.md, "Reads, writes and
//! temporary files", is the catalogue.)
#![cfg(unix)]

use crate::common;

use common::{copy_dir, example, flinkform, git};
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What `actions/checkout` leaves in `.git/config`: the token that must never be printed.
const TOKEN: &str = "ghs_TOKENMARKER0123456789abcdef";
/// A variable of flinkform's environment (what `/proc/self/environ` would give away).
const ENV_MARKER: &str = "env-marker-5f1d2c";
/// Content of a file outside the repository.
const OUTSIDE: &str = "outside-marker-9a7e41";

const FORMATS: [&str; 6] = ["human", "json", "sarif", "github", "markdown", "junit"];

/// A hang guard, not a timing assertion: a FIFO that blocks would never return.
const HANG: Duration = Duration::from_secs(120);

/// The example platform as a git repository whose `.git/config` holds a token.
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), tmp.path());
    git(tmp.path(), &["init", "-q", "-b", "main"]);
    let config = tmp.path().join(".git/config");
    let mut text = fs::read_to_string(&config).expect("git config");
    text.push_str(&format!(
        "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic {TOKEN}\n"
    ));
    fs::write(&config, text).expect("write git config");
    tmp
}

/// A folder outside the repository holding the marker in a spec, a platform config and a CRD.
fn outside() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    let spec = fs::read_to_string(example().join("services/fraud-detector/service.yaml"))
        .expect("read spec")
        .replace("name: fraud-detector", &format!("name: {OUTSIDE}"));
    fs::create_dir_all(tmp.path().join("stolen")).expect("mkdir");
    fs::write(tmp.path().join("stolen/service.yaml"), &spec).expect("write");
    fs::write(tmp.path().join("service.yaml"), &spec).expect("write");
    fs::write(
        tmp.path().join("flinkform.yaml"),
        format!("apiVersion: flinkform/v1\nkind: Platform\nspec: {{ {OUTSIDE}: 1 }}\n"),
    )
    .expect("write");
    fs::write(
        tmp.path().join("crd.yaml"),
        format!("apiVersion: apiextensions.k8s.io/v1\nkind: {OUTSIDE}\n"),
    )
    .expect("write");
    tmp
}

struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Out {
    let out = flinkform()
        .current_dir(dir)
        .env("FLINKFORM_TEST_SECRET", ENV_MARKER)
        .timeout(HANG)
        .args(args)
        .output()
        .expect("run");
    let o = Out {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!o.stderr.contains("panicked"), "{args:?}: {}", o.stderr);
    o
}

/// Runs `args` in every format; asserts the exit code and that no marker is printed.
/// Returns the JSON report.
fn every_format(dir: &Path, args: &[&str], code: i32) -> serde_json::Value {
    let mut json = serde_json::Value::Null;
    for format in FORMATS {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--format", format]);
        let out = run(dir, &all);
        assert_eq!(
            out.code,
            Some(code),
            "{all:?}\nstdout: {}\nstderr: {}",
            out.stdout,
            out.stderr
        );
        assert_no_marker(&all, &out);
        if format == "json" {
            json = serde_json::from_str(&out.stdout)
                .unwrap_or_else(|e| panic!("{all:?}: not JSON ({e}): {}", out.stdout));
        }
    }
    json
}

fn assert_no_marker(what: &[&str], out: &Out) {
    for marker in [TOKEN, ENV_MARKER, OUTSIDE] {
        assert!(
            !out.stdout.contains(marker) && !out.stderr.contains(marker),
            "{what:?} printed {marker}:\n{}\n{}",
            out.stdout,
            out.stderr
        );
    }
}

/// Whether the JSON report has a finding of `rule` at `file:line:column` containing `text`.
fn has(json: &serde_json::Value, rule: &str, file: &str, line: u64, column: u64, text: &str) {
    let found = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .any(|d| {
            d["rule"] == rule
                && d["file"] == file
                && d["line"] == line
                && d["column"] == column
                && d["message"].as_str().is_some_and(|m| m.contains(text))
        });
    assert!(
        found,
        "no {rule} at {file}:{line}:{column} containing {text:?} in {json:#}"
    );
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(ok.success(), "mkfifo {}", path.display());
}

const GENERATED: &str = "rendered/prod-eu-1/fraud-detector/manifests.yaml";

/// The attack from the issue: a generated file replaced by a link to `.git/config`,
/// `/proc/self/environ`, a file outside, or `/dev/zero`. `render --check` reports the path as
/// blocked in every format without opening it; `render` refuses to write through it.
#[test]
fn render_check_never_opens_a_link_at_a_generated_path() {
    let r = repo();
    let outside = outside();
    let targets: Vec<PathBuf> = vec![
        PathBuf::from("../../../.git/config"),
        PathBuf::from("/proc/self/environ"),
        outside.path().join("service.yaml"),
        PathBuf::from("/dev/zero"),
    ];
    for target in targets {
        let at = r.path().join(GENERATED);
        fs::remove_file(&at).expect("rm");
        symlink(&target, &at).expect("link");
        let human = run(r.path(), &["render", "--check"]);
        assert_eq!(human.code, Some(1), "{target:?}: {}", human.stderr);
        assert!(
            human.stdout.contains(&format!(
                "blocked: {GENERATED} (is a symbolic link; flinkform does not follow links in the repository, but render needs this path)"
            )),
            "{}",
            human.stdout
        );
        assert_no_marker(&["render", "--check"], &human);
        let json = every_format(r.path(), &["render", "--check"], 1);
        has(&json, "render-drift", GENERATED, 1, 1, "is a symbolic link");
        let write = run(r.path(), &["render"]);
        assert_eq!(write.code, Some(2), "{target:?}");
        assert!(
            write.stderr.contains("is a symbolic link") && write.stderr.contains("refusing"),
            "{}",
            write.stderr
        );
        assert_no_marker(&["render"], &write);
        assert_eq!(fs::read_link(&at).expect("still a link"), target);
    }
    // The token is still only in .git/config.
    assert!(
        fs::read_to_string(r.path().join(".git/config"))
            .expect("read")
            .contains(TOKEN)
    );
}

/// A folder of the output that is a link: nothing under it is read or written.
#[test]
fn a_linked_folder_in_the_output_is_not_entered() {
    let r = repo();
    let outside = outside();
    let cluster = r.path().join("rendered/prod-eu-1");
    copy_dir(&cluster, &outside.path().join("copy"));
    fs::remove_dir_all(&cluster).expect("rm");
    symlink(outside.path().join("copy"), &cluster).expect("link");
    let json = every_format(r.path(), &["render", "--check"], 1);
    has(
        &json,
        "render-drift",
        "rendered/prod-eu-1",
        1,
        1,
        "is a symbolic link",
    );
    let before = listing(outside.path());
    assert_eq!(run(r.path(), &["render"]).code, Some(2));
    assert_eq!(listing(outside.path()), before, "nothing written outside");
}

/// Every path under `dir`, with its size.
fn listing(dir: &Path) -> Vec<(PathBuf, u64)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let size = e.path().symlink_metadata().map_or(0, |m| m.len());
            (e.path().to_path_buf(), size)
        })
        .collect()
}

/// A FIFO at a generated path is never opened (opening it would wait for a writer forever).
#[test]
fn special_files_in_the_output_folder_are_never_opened() {
    let r = repo();
    let at = r.path().join(GENERATED);
    fs::remove_file(&at).expect("rm");
    mkfifo(&at);
    let json = every_format(r.path(), &["render", "--check"], 1);
    has(
        &json,
        "render-drift",
        GENERATED,
        1,
        1,
        "is a FIFO (named pipe); flinkform does not open it",
    );
    let write = run(r.path(), &["render"]);
    assert_eq!(write.code, Some(2), "{}", write.stderr);
    assert!(write.stderr.contains("is a FIFO"), "{}", write.stderr);
    // A FIFO elsewhere in the output is left alone, with a note.
    fs::remove_file(&at).expect("rm");
    mkfifo(&r.path().join("rendered/pipe.yaml"));
    let write = run(r.path(), &["render"]);
    assert_eq!(write.code, Some(0), "{}", write.stderr);
    assert!(
        write
            .stderr
            .contains("rendered/pipe.yaml is a FIFO (named pipe); left alone (never opened)"),
        "{}",
        write.stderr
    );
}

/// Paths typed on the command line are the user's, but a FIFO or a device is still refused,
/// at once (exit 2), instead of hanging or reading forever.
#[test]
fn a_fifo_or_device_on_the_command_line_is_refused_without_waiting() {
    let r = repo();
    let fifo = r.path().join("manifest.yaml");
    mkfifo(&fifo);
    for args in [
        vec!["lint", "manifest.yaml"],
        vec!["import", "--dry-run", "manifest.yaml"],
        vec!["lint", "/dev/zero"],
        vec!["import", "--dry-run", "/dev/zero"],
    ] {
        let out = run(r.path(), &args);
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        let what = if args[args.len() - 1] == "/dev/zero" {
            "is a character device, not a regular file"
        } else {
            "manifest.yaml is a FIFO (named pipe), not a regular file"
        };
        assert!(out.stderr.contains(what), "{args:?}: {}", out.stderr);
    }
}

/// A FIFO where a spec should be: a finding at its path; the other specs are still checked.
#[test]
fn a_fifo_where_a_spec_should_be_is_a_finding() {
    let r = repo();
    fs::create_dir_all(r.path().join("services/pipe")).expect("mkdir");
    mkfifo(&r.path().join("services/pipe/service.yaml"));
    // A finding elsewhere shows that the rest of the repository is still checked.
    let spec = r.path().join("services/fraud-detector/service.yaml");
    let text = fs::read_to_string(&spec).expect("read");
    fs::write(&spec, text.replace("parallelism:", "parallelsim:")).expect("write");
    let json = every_format(r.path(), &["check"], 1);
    has(
        &json,
        "unsafe-path",
        "services/pipe/service.yaml",
        1,
        1,
        "is a FIFO (named pipe), not a regular file; it is not read",
    );
    assert!(
        json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .any(|d| d["rule"] == "schema" && d["file"] == "services/fraud-detector/service.yaml"),
        "{json:#}"
    );
}

/// Bytes read by `read`-family system calls in an strace log.
fn bytes_read(log: &str) -> u64 {
    log.lines()
        .filter(|l| l.contains("read(") || l.contains("read64("))
        .filter_map(|l| {
            l.rsplit_once(" = ")?
                .1
                .split_whitespace()
                .next()?
                .parse::<u64>()
                .ok()
        })
        .sum()
}

/// A repository with a 3 GB spec (sparse, made by the test).
fn repo_with_a_huge_spec() -> tempfile::TempDir {
    let r = repo();
    let big = r.path().join("services/huge/service.yaml");
    fs::create_dir_all(big.parent().expect("folder")).expect("mkdir");
    fs::File::create(&big)
        .expect("create")
        .set_len(3_000_000_000)
        .expect("sparse file");
    r
}

/// A 3 GB spec is refused from its size, as a spec and as a file given to `lint`.
#[test]
fn a_huge_spec_is_refused_by_its_size() {
    let r = repo_with_a_huge_spec();
    let json = every_format(r.path(), &["check"], 1);
    has(
        &json,
        "yaml-syntax",
        "services/huge/service.yaml",
        1,
        1,
        "file is 3000000000 bytes; flinkform reads files of at most 1048576 bytes",
    );
    let lint = run(
        r.path(),
        &["lint", "--format", "json", "services/huge/service.yaml"],
    );
    assert_eq!(lint.code, Some(1), "{}", lint.stderr);
    let json: serde_json::Value = serde_json::from_str(&lint.stdout).expect("json");
    has(
        &json,
        "yaml-syntax",
        "services/huge/service.yaml",
        1,
        1,
        "file is 3000000000 bytes",
    );
}

/// …and never read whole: what `check` reads, counted by strace.
#[test]
#[cfg_attr(missing_strace, ignore = "needs strace")]
fn a_huge_spec_is_never_read() {
    let strace = common::tools::require(&common::tools::STRACE);
    let r = repo_with_a_huge_spec();
    let log = r.path().join("strace.log");
    let status = std::process::Command::new(strace)
        .args(["-f", "-qq", "-e", "trace=read,pread64,readv", "-o"])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_flinkform"))
        .arg("check")
        .current_dir(r.path())
        .stdout(std::process::Stdio::null())
        .status()
        .expect("strace");
    assert_eq!(status.code(), Some(1));
    let read = bytes_read(&fs::read_to_string(&log).expect("log"));
    // The rest of the repository is a few hundred KiB.
    assert!(read < 16 << 20, "check read {read} bytes");
}

/// `flinkform.yaml` itself as a link: a finding, not a read.
#[test]
fn a_linked_platform_config_is_not_read() {
    let r = repo();
    let outside = outside();
    fs::remove_file(r.path().join("flinkform.yaml")).expect("rm");
    symlink(
        outside.path().join("flinkform.yaml"),
        r.path().join("flinkform.yaml"),
    )
    .expect("link");
    let json = every_format(r.path(), &["check"], 1);
    has(
        &json,
        "unsafe-path",
        "flinkform.yaml",
        1,
        1,
        "`flinkform.yaml` is a symbolic link",
    );
    // render and diff read the same way.
    let out = run(r.path(), &["render"]);
    assert_eq!(out.code, Some(1));
    assert_no_marker(&["render"], &out);
}

/// The `services` folder as a link out: not walked; `new` and `import` do not write into it.
#[test]
fn a_linked_services_folder_is_neither_walked_nor_written() {
    let r = repo();
    let outside = outside();
    fs::remove_dir_all(r.path().join("services")).expect("rm");
    symlink(outside.path(), r.path().join("services")).expect("link");
    let json = every_format(r.path(), &["check"], 1);
    has(
        &json,
        "unsafe-path",
        "services",
        1,
        1,
        "`services` is a symbolic link",
    );
    let before = listing(outside.path());
    let new = run(r.path(), &["new", "orders", "--team", "shop"]);
    assert_eq!(new.code, Some(2), "{}", new.stderr);
    assert!(new.stderr.contains("is a symbolic link"), "{}", new.stderr);
    let manifest = r.path().join("legacy.yaml");
    fs::write(
        &manifest,
        fs::read_to_string(common::manifest_dir().join("tests/fixtures/lint/compliant.yaml"))
            .expect("fixture"),
    )
    .expect("write");
    let import = run(r.path(), &["import", "--team", "shop", "legacy.yaml"]);
    assert_eq!(import.code, Some(2), "{}", import.stderr);
    assert!(
        import.stderr.contains("is a symbolic link"),
        "{}",
        import.stderr
    );
    assert_eq!(listing(outside.path()), before, "nothing written outside");
}

/// A service folder that is a link (out of the repository, or even inside it): `new` and
/// `import` refuse to write through it.
#[test]
fn new_and_import_never_write_through_a_linked_folder() {
    let r = repo();
    let outside = tempfile::tempdir().expect("tempdir");
    let inside = r.path().join("elsewhere");
    fs::create_dir(&inside).expect("mkdir");
    let manifest = r.path().join("legacy.yaml");
    fs::copy(
        common::manifest_dir().join("tests/fixtures/lint/compliant.yaml"),
        &manifest,
    )
    .expect("copy");
    for target in [outside.path(), inside.as_path()] {
        let link = r.path().join("services/orders");
        let _ = fs::remove_file(&link);
        symlink(target, &link).expect("link");
        let before = listing(target);
        for args in [
            &["new", "orders", "--team", "shop"][..],
            &["import", "--team", "shop", "legacy.yaml"],
        ] {
            let out = run(r.path(), args);
            assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
            assert!(
                out.stderr.contains("services/orders is a symbolic link"),
                "{args:?}: {}",
                out.stderr
            );
        }
        assert_eq!(listing(target), before, "nothing written through the link");
    }
    // `--out-dir` through a link out of the repository is refused too.
    symlink(outside.path(), r.path().join("imported")).expect("link");
    let out = run(
        r.path(),
        &[
            "import",
            "--team",
            "shop",
            "--out-dir",
            "imported",
            "legacy.yaml",
        ],
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("is outside the repository"),
        "{}",
        out.stderr
    );
}

fn set_platform(r: &Path, from: &str, to: &str) {
    let path = r.join("flinkform.yaml");
    let text = fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{from}");
    fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

/// Paths in `flinkform.yaml` that leave the repository, or name a link: a finding at the line
/// that names them; the target is never read.
#[test]
fn paths_in_the_platform_config_stay_inside() {
    let outside = outside();
    let rel_outside = {
        // `..` from the repository to the outside folder.
        let r = repo();
        let depth = r.path().components().count();
        let up = "../".repeat(depth);
        format!(
            "{up}{}",
            outside.path().display().to_string().trim_start_matches('/')
        )
    };
    for (config, line, column, text) in [
        (
            format!(
                "  output: rendered\n  services:\n    include: [\"{rel_outside}/*/service.yaml\"]\n"
            ),
            13,
            15,
            "leaves the folder of flinkform.yaml (`..`)",
        ),
        (
            "  output: rendered\n  services:\n    include: [services/*/service.yaml, \".git/*\"]\n"
                .to_string(),
            13,
            40,
            "`services.include` pattern `.git/*` is inside `.git`",
        ),
        (
            "  output: rendered\n  crds: [/usr]\n".to_string(),
            12,
            10,
            "CRD folder `/usr` is absolute",
        ),
        (
            format!("  output: rendered\n  crds: [\"{rel_outside}\"]\n"),
            12,
            10,
            "leaves the folder of flinkform.yaml",
        ),
        (
            "  output: rendered\n  crds: [crds]\n".to_string(),
            12,
            10,
            "CRD folder `crds` is a symbolic link",
        ),
    ] {
        let r = repo();
        symlink(outside.path(), r.path().join("crds")).expect("link");
        set_platform(r.path(), "  output: rendered\n", &config);
        let json = every_format(r.path(), &["check"], 1);
        has(&json, "unsafe-path", "flinkform.yaml", line, column, text);
        for args in [
            &["render"][..],
            &["lint", "services/fraud-detector/service.yaml"],
        ] {
            let out = run(r.path(), args);
            assert_no_marker(args, &out);
        }
    }
}

/// `output: services` would make `check` skip every spec; `output: .git` would write into git.
#[test]
fn the_output_folder_may_not_overlap_the_specs_or_git() {
    for (output, text) in [
        (
            "services",
            "overlaps the service specs (`services.include: services/*/service.yaml`)",
        ),
        (".git", "is inside `.git`"),
        (".git/hooks", "is inside `.git`"),
    ] {
        let r = repo();
        set_platform(
            r.path(),
            "  output: rendered\n",
            &format!("  output: {output}\n"),
        );
        let git_before = listing(&r.path().join(".git"));
        let services_before = listing(&r.path().join("services"));
        let json = every_format(r.path(), &["check"], 1);
        has(&json, "unsafe-path", "flinkform.yaml", 11, 11, text);
        assert_eq!(run(r.path(), &["render"]).code, Some(1), "{output}");
        assert_eq!(listing(&r.path().join(".git")), git_before, "{output}");
        assert_eq!(listing(&r.path().join("services")), services_before);
    }
    // The same holds for `render --out`.
    let r = repo();
    let git_before = listing(&r.path().join(".git"));
    for out in [".git", "services"] {
        let run = run(r.path(), &["render", "--out", out]);
        assert_eq!(run.code, Some(2), "--out {out}: {}", run.stderr);
    }
    assert_eq!(listing(&r.path().join(".git")), git_before);
}

/// A folder or file name that is not UTF-8: a finding for that path; the rest is reported.
#[test]
fn a_name_that_is_not_utf8_does_not_stop_the_run() {
    use std::os::unix::ffi::OsStrExt;
    let r = repo();
    let folder = r
        .path()
        .join("services")
        .join(std::ffi::OsStr::from_bytes(b"caf\xe9"));
    fs::create_dir_all(&folder).expect("mkdir");
    fs::copy(
        r.path().join("services/fraud-detector/service.yaml"),
        folder.join("service.yaml"),
    )
    .expect("copy");
    let spec = r.path().join("services/order-audit/service.yaml");
    let text = fs::read_to_string(&spec).expect("read");
    fs::write(&spec, text.replace("team:", "teem:")).expect("write");
    let json = every_format(r.path(), &["check"], 1);
    has(
        &json,
        "unsafe-path",
        "services/caf\\xE9/service.yaml",
        1,
        1,
        "has a name that is not valid UTF-8; it is not read",
    );
    assert!(
        json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .any(|d| d["rule"] == "schema" && d["file"] == "services/order-audit/service.yaml"),
        "the other specs are still checked: {json:#}"
    );
}

/// A repository of the example plus `n` copies of a service, committed.
fn big_committed_repo(n: usize) -> tempfile::TempDir {
    let r = repo();
    let template =
        fs::read_to_string(r.path().join("services/fraud-detector/service.yaml")).expect("read");
    for i in 0..n {
        let name = format!("copy-{i:04}");
        fs::create_dir_all(r.path().join("services").join(&name)).expect("mkdir");
        fs::write(
            r.path().join("services").join(&name).join("service.yaml"),
            template.replace("name: fraud-detector", &format!("name: {name}")),
        )
        .expect("write");
    }
    fs::remove_dir_all(r.path().join("rendered")).expect("rm");
    git(r.path(), &["add", "-A"]);
    git(r.path(), &["commit", "-q", "-m", "base"]);
    r
}

fn signal(pid: u32, sig: &str) {
    let ok = std::process::Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(ok.success(), "kill -{sig} {pid}");
}

/// Waits (polling; bounded by [`HANG`]) until `found` returns something or the child exits.
fn wait_for<T>(child: &mut std::process::Child, mut found: impl FnMut() -> Option<T>) -> Option<T> {
    let started = std::time::Instant::now();
    while started.elapsed() < HANG {
        if let Some(t) = found() {
            return Some(t);
        }
        if child.try_wait().ok().flatten().is_some() {
            return None;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    None
}

/// An interrupted `diff` leaves no copy of the specs in `$TMPDIR`; while it runs, the copy is
/// private (`0700` folder, `0600` files), and the process ends by the signal it got.
#[test]
fn an_interrupted_diff_leaves_nothing_in_tmpdir() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::ExitStatusExt;
    let r = big_committed_repo(400);
    for sig in ["INT", "TERM"] {
        let tmpdir = tempfile::tempdir().expect("tempdir");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_flinkform"))
            .current_dir(r.path())
            .env("TMPDIR", tmpdir.path())
            .args(["diff", "--base", "HEAD"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        // Once the copy holds a spec, stop the process to look at it, then interrupt it.
        let copy = wait_for(&mut child, || {
            let dir = fs::read_dir(tmpdir.path()).ok()?.next()?.ok()?.path();
            let spec = dir.join("services/copy-0000/service.yaml");
            spec.exists().then_some(dir)
        })
        .expect("diff made its copy of the base revision in TMPDIR");
        signal(child.id(), "STOP");
        let name = copy
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert!(name.starts_with("flinkform-diff-"), "{name}");
        let mode = |p: &Path| fs::metadata(p).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode(&copy), 0o700, "the copy's folder is private");
        assert_eq!(mode(&copy.join("services")), 0o700);
        assert_eq!(
            mode(&copy.join("services/copy-0000/service.yaml")),
            0o600,
            "the copies are private"
        );
        signal(child.id(), sig);
        signal(child.id(), "CONT");
        let status = child.wait().expect("wait");
        let expected = if sig == "INT" { 2 } else { 15 };
        assert_eq!(status.signal(), Some(expected), "{status:?}");
        let left: Vec<_> = fs::read_dir(tmpdir.path())
            .expect("read")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        assert!(left.is_empty(), "SIG{sig} left {left:?} in TMPDIR");
    }
}

/// An interrupted `render` leaves no temporary file behind: the writes in flight finish,
/// then the process ends by the signal.
#[test]
fn an_interrupted_render_leaves_no_temporary_files() {
    use std::os::unix::process::ExitStatusExt;
    let r = big_committed_repo(400);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_flinkform"))
        .current_dir(r.path())
        .arg("render")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let probe = r.path().join("rendered/prod-eu-1/copy-0000/manifests.yaml");
    wait_for(&mut child, || probe.exists().then_some(())).expect("render started writing");
    signal(child.id(), "INT");
    let status = child.wait().expect("wait");
    assert_eq!(status.signal(), Some(2), "{status:?}");
    let temps: Vec<_> = walkdir::WalkDir::new(r.path().join("rendered"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".flinkform-tmp"))
        .map(|e| e.path().to_path_buf())
        .collect();
    assert!(temps.is_empty(), "left {temps:?}");
}

/// A file in the output folder whose name is not UTF-8 is someone else's (flinkform never
/// writes such a name): left alone, even with the generated-file header.
#[test]
fn a_name_that_is_not_utf8_in_the_output_is_left_alone() {
    use std::os::unix::ffi::OsStrExt;
    let r = repo();
    let odd = r
        .path()
        .join("rendered")
        .join(std::ffi::OsStr::from_bytes(b"caf\xe9.yaml"));
    fs::copy(r.path().join(GENERATED), &odd).expect("copy");
    let write = run(r.path(), &["render"]);
    assert_eq!(write.code, Some(0), "{}", write.stderr);
    assert!(
        write
            .stderr
            .contains("rendered/caf\\xE9.yaml was not generated by flinkform; left alone"),
        "{}",
        write.stderr
    );
    assert!(odd.exists());
    assert_eq!(run(r.path(), &["render", "--check"]).code, Some(0));
}

// ---------------------------------------------------------------------------------------------
// Found by the second review of the boundary
// ---------------------------------------------------------------------------------------------

/// Operational errors quote what the repository or the command line holds: a CRD whose
/// `type:` is a 5 MB string, a path with a line break and a workflow command. The error is
/// bounded (it printed 5 MB), each part on one line with control characters escaped (the path
/// started a line of its own: `::error::…` in a CI log).
#[test]
fn operational_errors_are_bounded_and_one_line_per_part() {
    let r = repo();
    fs::create_dir_all(r.path().join("crds")).expect("mkdir");
    let huge = format!("\\e[2J{}", "Q".repeat(5_000_000));
    fs::write(
        r.path().join("crds/x.yaml"),
        format!(
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {{ name: flinkdeployments.flink.apache.org }}\nspec:\n  group: flink.apache.org\n  names: {{ kind: FlinkDeployment }}\n  versions:\n    - name: v1beta1\n      schema:\n        openAPIV3Schema:\n          type: \"{huge}\"\n"
        ),
    )
    .expect("write");
    set_platform(
        r.path(),
        "  output: rendered\n",
        "  output: rendered\n  crds: [crds]\n",
    );
    let out = run(r.path(), &["check"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown type `\\u{1b}[2JQQQQ"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.len() < 2_500, "{} bytes", out.stderr.len());
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);

    let out = run(r.path(), &["lint", "x\n::error::INJECTED\u{1b}[2J"]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("x\\n::error::INJECTED\\u{1b}[2J"),
        "{}",
        out.stderr
    );
    for line in out.stderr.lines() {
        assert!(
            line.starts_with("error: ") || line.starts_with("  caused by: "),
            "a line of its own: {line:?}"
        );
    }
}

/// `output: services` was caught only for patterns whose literal prefix is `services`: with
/// `**/service.yaml`, `*/*/service.yaml`, `s*/…`, `[s]ervices/…` or `{services,x}/…`, `check`
/// passed with nothing checked and `render` wrote among the specs; an output inside a spec's
/// folder silently skipped that spec. Now a spec inside the output folder is an `unsafe-path`
/// finding at `output:` (never skipped: discovery then looks there too), and nothing renders.
/// A pattern that reaches the output folder but matches nothing there is fine.
#[test]
fn glob_patterns_cannot_hide_specs_in_the_output_folder() {
    for (pattern, output, held) in [
        (
            "**/service.yaml",
            "services",
            "services/clickstream-sessionizer/service.yaml",
        ),
        (
            "*/*/service.yaml",
            "services",
            "services/clickstream-sessionizer/service.yaml",
        ),
        (
            "s*/*/service.yaml",
            "services",
            "services/clickstream-sessionizer/service.yaml",
        ),
        (
            "[s]ervices/*/service.yaml",
            "services",
            "services/clickstream-sessionizer/service.yaml",
        ),
        (
            "{services,x}/*/service.yaml",
            "services",
            "services/clickstream-sessionizer/service.yaml",
        ),
        (
            "**/service.yaml",
            "services/payments-enricher",
            "services/payments-enricher/service.yaml",
        ),
    ] {
        let r = repo();
        set_platform(
            r.path(),
            "  output: rendered\n",
            &format!("  output: {output}\n  services:\n    include: [\"{pattern}\"]\n"),
        );
        let services_before = listing(&r.path().join("services"));
        let json = every_format(r.path(), &["check"], 1);
        has(
            &json,
            "unsafe-path",
            "flinkform.yaml",
            11,
            11,
            &format!("holds `{held}`"),
        );
        // The specs are still checked (the example's are clean): the only finding is the
        // output's, and every spec is counted.
        assert_eq!(
            json["diagnostics"].as_array().map(Vec::len),
            Some(1),
            "{json:#}"
        );
        assert_eq!(json["summary"]["files"], 8, "{pattern}: {json:#}");
        let out = run(r.path(), &["render"]);
        assert_eq!(out.code, Some(1), "{pattern}: {}", out.stderr);
        assert_eq!(
            listing(&r.path().join("services")),
            services_before,
            "{pattern}"
        );
    }

    // `**/service.yaml` reaches `rendered/` too; with no spec there, that is fine. A spec put
    // there is found; excluding the folder is the platform's explicit choice.
    let r = repo();
    set_platform(
        r.path(),
        "  output: rendered\n",
        "  output: rendered\n  services:\n    include: [\"**/service.yaml\"]\n",
    );
    let out = run(r.path(), &["check"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
    fs::create_dir_all(r.path().join("rendered/hidden")).expect("mkdir");
    fs::copy(
        r.path().join("services/fraud-detector/service.yaml"),
        r.path().join("rendered/hidden/service.yaml"),
    )
    .expect("copy");
    let json = every_format(r.path(), &["check"], 1);
    has(
        &json,
        "unsafe-path",
        "flinkform.yaml",
        11,
        11,
        "holds `rendered/hidden/service.yaml`",
    );
    set_platform(
        r.path(),
        "    include: [\"**/service.yaml\"]\n",
        "    include: [\"**/service.yaml\"]\n    exclude: [\"rendered/**\"]\n",
    );
    let out = run(r.path(), &["check"]);
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
}

/// `crds: [.]` walked into `.git/` (`strace` showed `.git/zz/x.yaml` opened). No walk enters
/// `.git`: a YAML file there that would break the CRD catalogue (and whose error would quote
/// the token) is never opened; the same for `lint .`.
#[test]
fn no_walk_enters_git() {
    let r = repo();
    fs::create_dir_all(r.path().join(".git/zz")).expect("mkdir");
    fs::write(
        r.path().join(".git/zz/x.yaml"),
        format!("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {{ name: flinkdeployments.flink.apache.org }}\nspec:\n  group: flink.apache.org\n  names: {{ kind: FlinkDeployment }}\n  versions:\n    - name: v1beta1\n      schema: {{ openAPIV3Schema: {{ type: {TOKEN} }} }}\n"),
    )
    .expect("write");
    for crds in ["[.]", "[./]"] {
        set_platform(
            r.path(),
            "  output: rendered\n",
            &format!("  output: rendered\n  crds: {crds}\n"),
        );
        for args in [&["check"][..], &["render", "--check"], &["lint", "."]] {
            let out = run(r.path(), args);
            assert_no_marker(args, &out);
            assert!(
                !out.stderr.contains("invalid CRD"),
                "{args:?}: {}",
                out.stderr
            );
        }
        set_platform(
            r.path(),
            &format!("  output: rendered\n  crds: {crds}\n"),
            "  output: rendered\n",
        );
    }
}

/// …and, counted by strace, opens nothing there nor lists it.
#[test]
#[cfg_attr(missing_strace, ignore = "needs strace")]
fn no_walk_opens_git() {
    let strace = common::tools::require(&common::tools::STRACE);
    let r = repo();
    fs::create_dir_all(r.path().join(".git/zz")).expect("mkdir");
    fs::write(r.path().join(".git/zz/x.yaml"), "a: 1\n").expect("write");
    set_platform(
        r.path(),
        "  output: rendered\n",
        "  output: rendered\n  crds: [.]\n",
    );
    for args in [&["check"][..], &["lint", "."]] {
        let log = r.path().join("strace.log");
        std::process::Command::new(&strace)
            .args([
                "-f",
                "-qq",
                "-e",
                "trace=open,openat,openat2,getdents64",
                "-o",
            ])
            .arg(&log)
            .arg(env!("CARGO_BIN_EXE_flinkform"))
            .args(args)
            .current_dir(r.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("strace");
        let text = fs::read_to_string(&log).expect("log");
        let into_git: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("/.git") || l.contains("\".git"))
            .collect();
        assert!(into_git.is_empty(), "{args:?} opened .git: {into_git:#?}");
        fs::remove_file(&log).expect("rm log");
    }
}
