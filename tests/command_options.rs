//! What every command shares (issue 20): `-C`, `--color` and `--quiet` on every command; the
//! `--format` each takes where a machine format means something (`rules --json` kept as a
//! deprecated alias); an option a command does not take refused with the reason (exit 2), not
//! clap's generic message; and `flinkform init`, which the "no flinkform.yaml" error points to.

use crate::common;

use common::{copy_dir, example, flinkform, git, isolated, manifest_dir};
use std::fs;
use std::path::Path;

/// Runs flinkform in `dir`: (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = flinkform()
        .current_dir(dir)
        .env("FLINKFORM_TODAY", "2026-11-21")
        .args(args)
        .output()
        .expect("run flinkform");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The example platform in a git repository of its own (for `diff`), committed.
fn example_repo() -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), repo.path());
    git(repo.path(), &["init", "-q", "-b", "main"]);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "example"]);
    repo
}

fn policy() -> tempfile::TempDir {
    isolated(&manifest_dir().join("tests/fixtures/check/policy"))
}

fn compliant() -> String {
    manifest_dir()
        .join("tests/fixtures/lint/compliant.yaml")
        .display()
        .to_string()
}

/// One working invocation of every command (with what it needs), and its exit code.
fn every_command() -> Vec<(Vec<String>, i32)> {
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    vec![
        (s(&["check"]), 0),
        (s(&["render", "--check"]), 0),
        (s(&["diff"]), 0),
        // The example's policy (its registries) has something to say about it.
        (s(&["lint", &compliant()]), 1),
        (s(&["rules"]), 0),
        (s(&["explain", "dns-cache-disabled"]), 0),
        (s(&["memory", "fraud-detector"]), 0),
        (s(&["schema", "service"]), 0),
        (s(&["completions", "bash"]), 0),
        (s(&["import", "--dry-run", "--team", "t", &compliant()]), 1),
        (s(&["new", "orders", "--team", "checkout"]), 0),
    ]
}

#[test]
fn every_command_takes_dir_color_and_quiet_before_or_after_its_name() {
    let elsewhere = tempfile::tempdir().expect("tempdir");
    for (args, code) in every_command() {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // A repository each time: `new` writes its spec.
        for global_first in [true, false] {
            let repo = example_repo();
            let dir = repo.path().display().to_string();
            let global = [
                "-C",
                dir.as_str(),
                "--color",
                if global_first { "never" } else { "always" },
                if global_first { "--quiet" } else { "-q" },
            ];
            let line: Vec<&str> = if global_first {
                global.iter().chain(&args).copied().collect()
            } else {
                args.iter().chain(&global).copied().collect()
            };
            let (got, _, stderr) = run(elsewhere.path(), &line);
            assert_eq!(got, code, "{line:?}: {stderr}");
        }
    }
    // `init`, in an empty folder.
    let empty = tempfile::tempdir().expect("tempdir");
    let (code, _, stderr) = run(empty.path(), &["--color", "never", "init", "--quiet"]);
    assert_eq!(code, 0, "{stderr}");
}

/// `memory`, `diff`, `rules` and `explain` have no colour: `--color` is accepted and changes
/// nothing.
#[test]
fn color_is_accepted_where_there_is_no_colour_and_changes_nothing() {
    let repo = example_repo();
    for args in [
        &["memory", "fraud-detector", "--env", "staging"][..],
        &["diff"],
        &["rules"],
        &["explain", "memory-matches-limit"],
    ] {
        let plain = run(repo.path(), args);
        assert_eq!(plain.0, 0, "{args:?}: {}", plain.2);
        for color in ["always", "never", "auto"] {
            let mut with = args.to_vec();
            with.extend(["--color", color]);
            assert_eq!(run(repo.path(), &with), plain, "{with:?}");
        }
    }
}

#[test]
fn rules_takes_format_json_and_keeps_json_as_a_deprecated_alias() {
    let dir = example();
    let (code, json, stderr) = run(&dir, &["rules", "--format", "json"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let rules: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let first = &rules[0];
    assert_eq!(
        first
            .as_object()
            .expect("an object per rule")
            .keys()
            .collect::<Vec<_>>(),
        ["name", "severity", "summary", "url"]
    );
    assert_eq!(
        rules.as_array().expect("list").len(),
        flinkform::policy::all_metas().count()
    );
    let (code, alias, stderr) = run(&dir, &["rules", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(alias, json);
    assert_eq!(
        stderr,
        "note: `--json` is deprecated: use `--format json`\n"
    );
    let (_, _, quiet) = run(&dir, &["rules", "--json", "--quiet"]);
    assert_eq!(quiet, "");
    let (code, table, _) = run(&dir, &["rules", "--format", "human"]);
    assert_eq!(code, 0);
    assert_eq!(run(&dir, &["rules"]).1, table);
    assert!(table.starts_with("api-version-known "), "{table}");
}

#[test]
fn schema_takes_format_json_and_nothing_else() {
    let dir = example();
    let (code, with, _) = run(&dir, &["schema", "service", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(with, run(&dir, &["schema", "service"]).1);
    let (code, _, stderr) = run(&dir, &["schema", "service", "--format", "human"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            "error: invalid value 'human' for '--format <FORMAT>'\n  [possible values: json]\n"
        ),
        "{stderr}"
    );
}

/// `render --format json` without `--check` printed its human summary line and no JSON.
#[test]
fn render_with_a_machine_format_writes_only_that_document_to_stdout() {
    let repo = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), repo.path());
    fs::remove_dir_all(repo.path().join("rendered")).expect("rm");
    let (code, stdout, stderr) = run(repo.path(), &["render", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert_eq!(doc["diagnostics"], serde_json::json!([]));
    assert!(
        stderr.starts_with("rendered ")
            && stderr.contains(" created, 0 updated, 0 deleted, 0 unchanged\n"),
        "the summary goes to stderr: {stderr}"
    );
    // Human output keeps its summary on stdout; a human report in a file leaves stdout to it.
    let (_, stdout, stderr) = run(repo.path(), &["render"]);
    assert!(
        stdout.starts_with("rendered ") && stderr.is_empty(),
        "{stdout}{stderr}"
    );
    let (_, stdout, _) = run(
        repo.path(),
        &["render", "--format", "sarif", "--output", "r.sarif"],
    );
    assert!(stdout.starts_with("rendered "), "{stdout}");
    let sarif = fs::read_to_string(repo.path().join("r.sarif")).expect("SARIF written");
    assert!(sarif.contains("\"results\": []"), "{sarif}");
    // The pre-commit hook's `--keep-going` reports no findings, so it takes no format.
    let (code, _, stderr) = run(repo.path(), &["render", "--keep-going", "--format", "json"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(
            "error: the argument '--keep-going' cannot be used with '--format <FORMAT>'\n"
        ),
        "{stderr}"
    );
}

#[test]
fn new_and_import_take_human_or_json_but_no_ci_report() {
    let repo = example_repo();
    for (args, format) in [
        (
            &["new", "orders", "--team", "checkout", "--format", "sarif"][..],
            "sarif",
        ),
        (
            &["new", "orders", "--team", "checkout", "--format", "junit"],
            "junit",
        ),
        (
            &["import", "--dry-run", "x.yaml", "--format", "github"],
            "github",
        ),
        (
            &[
                "import", "x.yaml", "--format", "markdown", "--output", "m.md",
            ],
            "markdown",
        ),
    ] {
        let (code, stdout, stderr) = run(repo.path(), args);
        assert_eq!((code, stdout.as_str()), (2, ""), "{args:?}");
        assert_eq!(
            stderr,
            format!(
                "error: `flinkform {}` takes --format human or json, not {format}: sarif, github, markdown and junit are reports for CI, which `check`, `lint` and `render` write\n",
                args[0]
            )
        );
    }
    assert!(!repo.path().join("services/orders").exists());
    assert!(!repo.path().join("m.md").exists());
    let (code, stdout, _) = run(
        repo.path(),
        &["new", "orders", "--team", "checkout", "--format", "json"],
    );
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(doc["diagnostics"], serde_json::json!([]));
}

/// An option a command does not take: exit 2 with why, instead of clap's "unexpected
/// argument".
#[test]
fn an_option_a_command_does_not_take_is_refused_with_the_reason() {
    let repo = example_repo();
    let cases: [(&[&str], &str); 9] = [
        (
            &["explain", "dns-cache-disabled", "--format", "json"],
            "`flinkform explain` takes no --format: it prints a rule's documentation as text (`flinkform rules --format json` lists the rules as JSON)",
        ),
        (
            &["completions", "bash", "--format=json"],
            "`flinkform completions` takes no --format: it prints a shell script",
        ),
        (
            &["init", "--format", "json"],
            "`flinkform init` takes no --format: it writes flinkform.yaml",
        ),
        (
            &["diff", "--output", "d.md"],
            "`flinkform diff` takes no --output: it writes to stdout (redirect it: `flinkform diff … > FILE`)",
        ),
        (
            &["rules", "--output", "r.txt"],
            "`flinkform rules` takes no --output: it writes to stdout (redirect it: `flinkform rules … > FILE`)",
        ),
        (
            &["init", "--output", "f.yaml"],
            "`flinkform init` takes no --output: it writes flinkform.yaml in the folder it runs in (choose it with -C DIR)",
        ),
        (
            &[
                "-C",
                ".",
                "--quiet",
                "memory",
                "fraud-detector",
                "--fail-on",
                "warning",
            ],
            "`flinkform memory` takes no --fail-on: it reports no findings (check, lint, render, new and import do)",
        ),
        (
            &["diff", "--fail-on", "error"],
            "`flinkform diff` takes no --fail-on: it reports changes, not findings (`--exit-code` makes it exit 1 when anything changes)",
        ),
        (
            &["schema", "service", "--changed-files", "c.txt"],
            "`flinkform schema` takes no --changed-files: it writes no findings report (check, lint, render, new and import do)",
        ),
    ];
    for (args, why) in cases {
        let (code, stdout, stderr) = run(repo.path(), args);
        assert_eq!(
            (code, stdout.as_str(), stderr.as_str()),
            (2, "", format!("error: {why}\n").as_str()),
            "{args:?}"
        );
    }
    for f in ["d.md", "r.txt", "f.yaml", "flinkform.sarif"] {
        assert!(!repo.path().join(f).exists(), "{f}");
    }
    // Anything else is clap's usage error, as before.
    let (code, _, stderr) = run(repo.path(), &["rules", "--bogus"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: unexpected argument '--bogus' found"),
        "{stderr}"
    );
}

/// `--quiet` for scripts: findings, diffs, documents and errors; no notes, progress or
/// summary lines; the same exit code.
#[test]
fn quiet_prints_only_findings_diffs_documents_and_errors() {
    let repo = example_repo();
    let d = repo.path();
    // Clean: nothing at all.
    assert_eq!(run(d, &["check", "-q"]), (0, String::new(), String::new()));
    assert_eq!(
        run(d, &["render", "--check", "--quiet"]),
        (0, String::new(), String::new())
    );
    // Findings: every one of them, without the summary line.
    let p = policy();
    let (code, loud, _) = run(p.path(), &["check", "--color", "never"]);
    let (qcode, quiet, qerr) = run(p.path(), &["check", "--color", "never", "--quiet"]);
    assert_eq!((code, qcode, qerr.as_str()), (1, 1, ""));
    assert!(
        loud.ends_with("3 errors, 3 warnings, 1 waived in 5 files\n"),
        "{loud}"
    );
    assert_eq!(
        quiet,
        loud.strip_suffix("3 errors, 3 warnings, 1 waived in 5 files\n")
            .expect("summary")
    );
    // Machine formats are documents: unchanged.
    assert_eq!(
        run(p.path(), &["check", "--format", "json", "-q"]),
        run(p.path(), &["check", "--format", "json"])
    );
    // A memory breakdown without the note about the environment it chose.
    let (_, table, note) = run(d, &["memory", "fraud-detector"]);
    assert!(note.starts_with("note: showing `prod`"), "{note}");
    assert_eq!(
        run(d, &["memory", "fraud-detector", "-q"]),
        (0, table, String::new())
    );
    // `import`: what happened to each document, without the count at the end.
    let import = ["import", "--dry-run", "--team", "t", &compliant()].map(String::from);
    let import: Vec<&str> = import.iter().map(String::as_str).collect();
    let (code, spec, loud) = run(d, &import);
    assert!(
        loud.contains("\n1 of 1 Flink resource imported\n"),
        "{loud}"
    );
    let quiet: Vec<&str> = import.iter().copied().chain(["-q"]).collect();
    let (qcode, qspec, quiet) = run(d, &quiet);
    assert_eq!((qcode, qspec), (code, spec));
    assert!(
        quiet.starts_with("would write services/orders/service.yaml"),
        "{quiet}"
    );
    assert!(!quiet.contains("Flink resources imported"), "{quiet}");
    // Drift: the diff is what was asked for.
    let generated = walkdir::WalkDir::new(d.join("rendered"))
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("walk").into_path())
        .find(|p| p.is_file())
        .expect("a generated file");
    let text = fs::read_to_string(&generated).expect("read");
    fs::write(&generated, format!("{text}# edited by hand\n")).expect("write");
    let (code, drift, _) = run(d, &["render", "--check"]);
    assert_eq!(code, 1);
    assert_eq!(
        run(d, &["render", "--check", "-q"]),
        (1, drift, String::new())
    );
    // Writing: files, and no word.
    assert_eq!(run(d, &["render", "-q"]), (0, String::new(), String::new()));
    assert_eq!(run(d, &["render", "--check", "-q"]).0, 0);
    assert_eq!(
        run(d, &["new", "orders", "--team", "checkout", "-q"]),
        (0, String::new(), String::new())
    );
    assert!(d.join("services/orders/service.yaml").is_file());
    // Errors always.
    let (code, _, stderr) = run(d, &["new", "orders", "--team", "checkout", "-q"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: services/orders/service.yaml already exists"),
        "{stderr}"
    );
}

// ---- init -----------------------------------------------------------------------------------

#[test]
fn init_writes_a_commented_platform_that_passes_check_and_takes_a_first_service() {
    let parent = tempfile::tempdir().expect("tempdir");
    let dir = parent.path().join("Acme Streaming");
    fs::create_dir(&dir).expect("mkdir");
    let (code, stdout, stderr) = run(&dir, &["init"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    assert_eq!(
        stdout,
        "created flinkform.yaml\nnext: set your registries, storage and clusters in it, then `flinkform new NAME --team TEAM`\n"
    );
    let written = fs::read_to_string(dir.join("flinkform.yaml")).expect("written");
    // Named after its folder, as a DNS label; the schema from the web (no copy here).
    assert_eq!(
        written,
        flinkform::platform_scaffold::platform_config("acme-streaming", false)
    );
    assert!(written.contains("\n  name: acme-streaming\n"));
    assert!(
        written.contains("#   services/<name>/service.yaml "),
        "the layout it expects"
    );
    assert_eq!(
        run(&dir, &["check"]),
        (0, "no findings in 1 file\n".into(), String::new())
    );
    // The schema passes it too, key by key (not only flinkform's loader).
    let schema: serde_json::Value =
        serde_json::from_str(&run(&dir, &["schema", "platform"]).1).expect("schema");
    let service: serde_json::Value =
        serde_json::from_str(&run(&dir, &["schema", "service"]).1).expect("schema");
    let registry = jsonschema::Registry::new()
        .add(service["$id"].as_str().expect("$id"), service.clone())
        .and_then(|r| r.prepare())
        .expect("registry");
    let validator = jsonschema::options()
        .with_registry(&registry)
        .offline()
        .build(&schema)
        .expect("validator");
    let doc: serde_json::Value = serde_saphyr::from_str(&written).expect("YAML");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    // The next steps work as written.
    let (code, _, stderr) = run(&dir, &["new", "orders", "--team", "checkout"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(run(&dir, &["check"]).0, 0);
    let (code, stdout, stderr) = run(&dir, &["render"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("rendered "), "{stdout}");
}

#[test]
fn init_never_overwrites_and_checks_the_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("flinkform.yaml"), "mine\n").expect("write");
    assert_eq!(
        run(dir.path(), &["init"]),
        (
            2,
            String::new(),
            "error: flinkform.yaml already exists; flinkform init never overwrites it (`flinkform check` checks it)\n"
                .into()
        )
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("flinkform.yaml")).expect("read"),
        "mine\n"
    );
    // Through -C, and whatever is there (a folder, a link to nowhere).
    let other = tempfile::tempdir().expect("tempdir");
    fs::create_dir(other.path().join("flinkform.yaml")).expect("mkdir");
    let (code, _, stderr) = run(
        dir.path(),
        &["-C", &other.path().display().to_string(), "init"],
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!(
            "error: {}/flinkform.yaml already exists; flinkform init never overwrites it (`flinkform check` checks it)\n",
            other.path().display()
        )
    );
    #[cfg(unix)]
    {
        let linked = tempfile::tempdir().expect("tempdir");
        std::os::unix::fs::symlink("/nonexistent", linked.path().join("flinkform.yaml"))
            .expect("symlink");
        assert_eq!(run(linked.path(), &["init"]).0, 2);
        assert!(!Path::new("/nonexistent").exists());
    }
    let empty = tempfile::tempdir().expect("tempdir");
    assert_eq!(
        run(empty.path(), &["init", "--name", "Acme_Streaming"]),
        (
            2,
            String::new(),
            "error: `Acme_Streaming` is not a valid platform name: a DNS label of at most 63 characters (lower-case letters, digits and `-`, starting and ending with a letter or digit)\n"
                .into()
        )
    );
    assert!(!empty.path().join("flinkform.yaml").exists());
    assert_eq!(run(empty.path(), &["init", "--name", "acme", "-q"]).0, 0);
    let written = fs::read_to_string(empty.path().join("flinkform.yaml")).expect("read");
    assert!(written.contains("\n  name: acme\n"), "{written}");
}

#[test]
fn init_points_editors_at_the_repository_schema_and_notes_a_platform_around_it() {
    let outer = tempfile::tempdir().expect("tempdir");
    copy_dir(&example(), outer.path());
    let inner = outer.path().join("team-platform");
    fs::create_dir_all(inner.join("schemas")).expect("mkdir");
    fs::copy(
        manifest_dir().join("schemas/platform.schema.json"),
        inner.join("schemas/platform.schema.json"),
    )
    .expect("copy");
    let (code, _, stderr) = run(&inner, &["init"]);
    assert_eq!(code, 0);
    let canonical = fs::canonicalize(outer.path()).expect("canonical");
    assert_eq!(
        stderr,
        format!(
            "note: {}/flinkform.yaml is the config of a platform around this folder; this folder becomes a platform of its own\n",
            canonical.display()
        )
    );
    let written = fs::read_to_string(inner.join("flinkform.yaml")).expect("read");
    assert!(
        written.starts_with("# yaml-language-server: $schema=schemas/platform.schema.json\n"),
        "{written}"
    );
    assert_eq!(run(&inner, &["check"]).0, 0);
}

#[test]
fn no_platform_found_points_to_init() {
    let empty = tempfile::tempdir().expect("tempdir");
    let canonical = fs::canonicalize(empty.path()).expect("canonical");
    for args in [
        &["check"][..],
        &["render"],
        &["new", "a", "--team", "t"],
        &["memory", "a"],
    ] {
        let (code, stdout, stderr) = run(empty.path(), args);
        assert_eq!((code, stdout.as_str()), (2, ""), "{args:?}");
        assert_eq!(
            stderr,
            format!(
                "error: no flinkform.yaml found in {} or any parent directory (`flinkform init` writes one)\n",
                canonical.display()
            ),
            "{args:?}"
        );
    }
}
