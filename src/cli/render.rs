//! `flinkform render`: compile the repository and write the output folder.
//!
//! * Findings at or above `--fail-on` are reported and nothing is written (exit 1). YAML,
//!   schema and CRD errors always block: there is nothing sound to render; so do plain-text
//!   credentials and namespaces a service may not claim (`namespace-isolation`).
//! * `--check` writes nothing: it compares what would be written with the output folder and
//!   exits 1 on drift (missing, stale or extra generated files), with a unified diff.
//! * Files flinkform did not generate are never modified or deleted; they are reported.
//! * `--keep-going` (the pre-commit hook) renders every service whose own spec renders and
//!   leaves the output of the others as it is; it reports no findings (policy is `check`'s
//!   job) and fails only when it changed files, as formatters do.

use super::{EXIT_CLEAN, EXIT_FINDINGS, ReportArgs, reporting};
use flinkform::compile::{Options, compile_workspace};
use flinkform::error::Error;
use flinkform::output_folder::{self as out, Drift};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(clap::Args, Debug)]
pub struct RenderArgs {
    /// Compare with the output folder instead of writing; exit 1 when it is out of date.
    #[arg(long)]
    pub check: bool,

    /// Output folder (inside the repository), instead of the platform's `output`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Also validate rendered custom resources against the CRDs in DIR (repeatable).
    #[arg(long = "crd", value_name = "DIR")]
    pub crd: Vec<PathBuf>,

    /// Render every service whose own spec can be rendered and leave the output of the others
    /// as it is (notes on stderr); report no findings and exit 0 (the pre-commit render hook:
    /// policy is the check hook's job).
    #[arg(long, conflicts_with_all = ["check", "format", "output"])]
    pub keep_going: bool,

    #[command(flatten)]
    pub report: ReportArgs,
}

pub fn run(start: &Path, args: RenderArgs) -> Result<u8, Error> {
    let root = super::root(start)?;
    let out_dir = match &args.out {
        Some(o) => Some(repo_relative(&root, start, o)?),
        None => None,
    };
    let mut workspace = flinkform::workspace::Workspace::load(&root)?;
    if let (Some(o), Some(platform)) = (out_dir, workspace.platform.as_mut()) {
        platform.output = flinkform::tree::Sp::made(o);
    }
    // The output folder is listed (nothing read) before the run, so that each file is
    // compared with what is on disk as its service is rendered: every service is rendered
    // once, every file read once, and only what differs is kept until the findings decide
    // whether to write. A problem with the folder itself is reported once the findings are
    // (a run with findings never reaches it).
    let folder = output_folder(&root, &workspace, args.check);
    let options = Options {
        crd_dirs: args.crd.iter().map(|d| absolute(start, d)).collect(),
        list_outputs: true,
        files: folder
            .as_ref()
            .ok()
            .map(|(_, _, sync)| Arc::clone(sync) as Arc<dyn flinkform::compile::FileSink>),
        progress: reporting::progress_for(&args.report),
        ..Options::default()
    };
    let c = compile_workspace(workspace, &options);
    reporting::finish(&options.progress);
    drop(options);
    let mut c = c?;
    c.workspace.sources.set_cwd(super::canonical(start)?);
    if args.keep_going {
        return keep_going(&root, folder, c);
    }
    let blocked = c.has_blocking_errors() || args.report.fail_on.fails(c.report.worst());
    let destinations = reporting::destinations(&args.report)?;
    let human_only = destinations
        .iter()
        .all(|(f, o)| *f == super::Format::Human && o.is_none());
    // A machine format on stdout owns it: the summary line then goes to stderr.
    let machine_stdout = destinations
        .iter()
        .any(|(f, o)| *f != super::Format::Human && o.is_none());
    let findings = blocked || !c.report.diagnostics.is_empty();
    // Writing: a report in a machine format is always written, findings or not, so that its
    // reader gets a document. `--check`: see below.
    let report_findings = if args.check {
        findings && human_only
    } else {
        findings || !human_only
    };
    if report_findings {
        reporting::report(&c.report, &c.workspace.sources, &args.report)?;
    } else if blocked {
        // `--check` in a machine format reports drift, which is its business; the findings
        // are `check`'s. When nothing can be rendered, it says so once, at the first finding
        // that stops it (`render-blocked`), so a failing `render --check` is never silent and
        // a job that also runs `check` does not report every finding twice.
        let report = blocked_report(&c, args.report.fail_on);
        reporting::report(&report, &c.workspace.sources, &args.report)?;
    }
    if blocked {
        // What is true of this run: `--check` compares and never writes.
        let what = if args.check {
            "the output folder was not compared with a fresh render"
        } else {
            "nothing was written"
        };
        reporting::note(&format!(
            "{what}: fix the findings reported (YAML, schema, unsafe-path, CRD, plain-text credential and namespace errors always block; other findings block at --fail-on)"
        ));
        return Ok(EXIT_FINDINGS);
    }
    if c.workspace.platform.is_none() {
        return Ok(EXIT_FINDINGS);
    }
    let (rel_out, dir, sync) = folder?;
    let sync = take(sync)?;
    let not_produced = sync.not_produced(&c.output_paths);
    for f in &not_produced.foreign {
        reporting::note(&format!(
            "{rel_out}/{f} was not generated by flinkform; left alone"
        ));
    }
    let blocking = sync.blocking()?;
    for (s, kind) in &sync.existing().special {
        if !blocking.iter().any(|(p, _)| p == s) {
            reporting::note(&format!(
                "{rel_out}/{s} is {}; left alone (never opened)",
                kind.describe()
            ));
        }
    }
    if !args.check
        && let Some((p, why)) = blocking.first()
    {
        return Err(refuse(&dir, p, why));
    }
    let extra: Vec<String> = not_produced
        .generated
        .iter()
        .map(|(p, _, _)| p.clone())
        .collect();
    let moved = earlier_layout(&extra);
    if args.check {
        let (drift, unchanged) = sync.drift(not_produced)?;
        if human_only {
            // The diff quotes files from the repository (a stale file may hold anything):
            // no control character reaches the terminal. Up to date, it is one summary line.
            let text = drift_report(&drift, &rel_out, unchanged);
            if !(drift.is_fresh() && reporting::quiet()) {
                reporting::print(flinkform::diag::terminal::text(&text).as_bytes())?;
            }
        } else {
            // Machine formats: drift as findings (the compiler's own are `check`'s).
            let mut sources = c.workspace.sources;
            let mut report = c.report;
            report.diagnostics = out::drift_diagnostics(&drift, &rel_out, &mut sources);
            report.finish(&sources);
            reporting::report(&report, &sources, &args.report)?;
        }
        return Ok(if drift.is_fresh() {
            EXIT_CLEAN
        } else {
            EXIT_FINDINGS
        });
    }
    let again = |specs: &BTreeSet<String>, sink: &(dyn Fn(_) -> _ + Sync)| {
        flinkform::compile::render_again(&c.workspace, specs, sink)
    };
    let written = sync.write(&root, &BTreeSet::new(), &extra, &again)?;
    let summary = written_summary(&written, &rel_out);
    print_summary(&summary, machine_stdout)?;
    note_layout_move(&rel_out, moved);
    // Everything is written; skip freeing the whole compilation (a tenth of a large run).
    std::mem::forget(c);
    Ok(EXIT_CLEAN)
}

/// The output folder of a loaded workspace: its repository-relative path, where it is, and
/// what is in it, ready to take rendered files (comparing only with `compare_only`).
type Folder = (String, PathBuf, Arc<out::FolderSync>);

fn output_folder(
    root: &Path,
    workspace: &flinkform::workspace::Workspace,
    compare_only: bool,
) -> Result<Folder, Error> {
    let Some(platform) = &workspace.platform else {
        return Err(Error::Other("no platform config".into()));
    };
    let rel_out = platform
        .output_dir()
        .map_err(|why| Error::Usage(format!("output folder `{}` {why}", platform.output.value)))?;
    let dir = out::resolve_dir(root, &rel_out)?;
    let existing = out::scan(&dir)?;
    let sync = Arc::new(out::FolderSync::new(&dir, compare_only, existing));
    Ok((rel_out, dir, sync))
}

/// The folder sync back from the run, which held a handle to it.
fn take(sync: Arc<out::FolderSync>) -> Result<out::FolderSync, Error> {
    Arc::try_unwrap(sync).map_err(|_| Error::Other("the output folder is still in use".into()))
}

/// The error for something render must write over but will not.
fn refuse(dir: &Path, p: &str, why: &str) -> Error {
    let refusal = if why == out::NOT_GENERATED {
        "exists and was not generated by flinkform; refusing to overwrite it".to_string()
    } else {
        format!("{why}; refusing to write there")
    };
    Error::Other(format!(
        "{} {refusal} (move it away, or delete it)",
        dir.join(p).display()
    ))
}

/// The one `render-blocked` finding `render --check` reports in a machine format when
/// findings stop rendering: at the first of them, with how many there are.
fn blocked_report(
    c: &flinkform::compile::Compilation,
    fail_on: super::FailOn,
) -> flinkform::diag::Report {
    let blocking: Vec<&flinkform::diag::Diagnostic> = c
        .report
        .diagnostics
        .iter()
        .filter(|d| {
            flinkform::compile::is_blocking(d) || (d.is_active() && fail_on.fails(Some(d.severity)))
        })
        .collect();
    let out = c.workspace.platform.as_ref().map_or_else(
        || "the output folder".to_string(),
        |p| format!("{}/", p.output.value),
    );
    let rule = flinkform::policy::RuleId::RenderBlocked.name();
    let n = blocking.len();
    let first = blocking.first();
    let what = first.map_or_else(String::new, |d| format!(": {} ({})", d.rule, d.message));
    let message = if n == 0 {
        // Nothing to point at (no platform config was found to render from).
        format!("{out} cannot be checked: nothing can be rendered; `flinkform check` says why")
    } else {
        format!(
            "{out} cannot be checked: {n} finding{} stop{} rendering, the first here{what}; `flinkform check` reports {}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "s" } else { "" },
            if n == 1 { "it" } else { "them all" },
        )
    };
    let d = flinkform::diag::Diagnostic::error(rule, message)
        .at_opt(
            first.and_then(|d| d.primary.as_ref()).map(|l| l.span),
            "rendering stops here",
        )
        .with_help(
            "fix the findings `flinkform check` reports, then run `flinkform render` and commit the result",
        );
    flinkform::diag::Report {
        diagnostics: vec![d],
        files: c.report.files,
    }
}

/// `render --keep-going`: writes what can be rendered, keeps the output of services whose spec
/// has errors (YAML, schema, CRD, plain-text credentials), prunes the output of deleted specs.
fn keep_going(
    root: &Path,
    folder: Result<Folder, Error>,
    c: flinkform::compile::Compilation,
) -> Result<u8, Error> {
    let (blocked, elsewhere) = c.blocked_specs();
    if c.workspace.platform.is_none() || elsewhere {
        reporting::note(&format!(
            "nothing was rendered: {} (or something all services share) has errors; run `flinkform check`",
            flinkform::spec::platform::FILE_NAME
        ));
        return Ok(EXIT_CLEAN);
    }
    let (rel_out, dir, sync) = folder?;
    let sync = take(sync)?;
    if let Some((p, why)) = sync.blocking()?.first() {
        return Err(refuse(&dir, p, why));
    }
    // Output that no spec produces now, but that a spec with errors produced before: kept.
    let delete: Vec<String> = sync
        .not_produced(&c.output_paths)
        .generated
        .into_iter()
        .filter(|(_, spec, _)| !spec.as_ref().is_some_and(|s| blocked.contains(s)))
        .map(|(p, _, _)| p)
        .collect();
    for spec in &blocked {
        reporting::note(&format!(
            "{spec} has errors and was not rendered; its output was left as it was (run `flinkform check {spec}`)"
        ));
    }
    let moved = earlier_layout(&delete);
    let again = |specs: &BTreeSet<String>, sink: &(dyn Fn(_) -> _ + Sync)| {
        flinkform::compile::render_again(&c.workspace, specs, sink)
    };
    let written = sync.write(root, &blocked, &delete, &again)?;
    let summary = written_summary(&written, &rel_out);
    print_summary(&summary, false)?;
    note_layout_move(&rel_out, moved);
    std::mem::forget(c);
    Ok(EXIT_CLEAN)
}

/// What `render` did, in one line: on stdout, or on stderr when stdout holds a machine-readable
/// report; not at all under `--quiet`.
fn print_summary(line: &str, machine_stdout: bool) -> Result<(), Error> {
    if reporting::quiet() {
        Ok(())
    } else if machine_stdout {
        let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes());
        Ok(())
    } else {
        reporting::print(line.as_bytes())
    }
}

/// How many generated files of the earlier output layout `render` is about to delete (see
/// [`flinkform::render::is_earlier_layout`]).
fn earlier_layout(deleted: &[String]) -> usize {
    deleted
        .iter()
        .filter(|f| flinkform::render::is_earlier_layout(f))
        .count()
}

/// The note after a render that moved the output folder from the earlier layout.
fn note_layout_move(rel_out: &str, deleted: usize) {
    if deleted == 0 {
        return;
    }
    reporting::note(&format!(
        "{rel_out}/ moved to the new output layout: one manifests.yaml per service and cluster, and no file that lists every service ({deleted} generated files of the earlier layout deleted; Flux syncs the same objects). CI that ran `kubectl kustomize {rel_out}/<cluster>` builds each `{rel_out}/<cluster>/<service>` instead: docs/output-layout.md"
    ));
}

/// What differs between the output folder and a fresh render, with unified diffs.
pub fn drift_report(drift: &Drift, rel_out: &str, unchanged: usize) -> String {
    let mut s = String::new();
    if drift.is_fresh() {
        let _ = writeln!(
            s,
            "{rel_out}/ is up to date ({})",
            flinkform::plural::count(unchanged, "file", "files")
        );
        return s;
    }
    let _ = writeln!(s, "{rel_out}/ is out of date:");
    if drift
        .extra
        .iter()
        .any(|(p, _)| flinkform::render::is_earlier_layout(p))
    {
        let _ = writeln!(
            s,
            "  (it is in the earlier output layout, one file per kind of object: `flinkform render` moves it to one manifests.yaml per service and cluster; docs/output-layout.md)"
        );
    }
    for f in &drift.missing {
        let _ = writeln!(s, "  missing: {rel_out}/{}", f.path);
    }
    for (f, _) in &drift.stale {
        let _ = writeln!(s, "  stale:   {rel_out}/{}", f.path);
    }
    for (p, _) in &drift.extra {
        let _ = writeln!(s, "  extra:   {rel_out}/{p}");
    }
    for (p, why) in &drift.blocked {
        let _ = writeln!(
            s,
            "  blocked: {rel_out}/{p} ({why}, but render needs this path)"
        );
    }
    // Both sides with their secret values masked (`flinkform::secrets`): whatever a generated
    // file holds, or whatever a pull request put on disk where one belongs.
    let redact = flinkform::secrets::redact_yaml;
    for (f, old) in &drift.stale {
        s.push('\n');
        s.push_str(&out::unified_diff(
            &format!("{rel_out}/{}", f.path),
            &redact(old),
            &redact(&f.contents),
        ));
    }
    for f in &drift.missing {
        s.push('\n');
        s.push_str(&out::unified_diff(
            &format!("{rel_out}/{}", f.path),
            "",
            &redact(&f.contents),
        ));
    }
    let _ = writeln!(s, "\nrun `flinkform render` to update {rel_out}/");
    s
}

fn absolute(start: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        start.join(p)
    }
}

/// The repository-relative form of a command-line path (which may not exist yet), resolved
/// lexically against the directory the command runs in.
fn repo_relative(root: &Path, start: &Path, p: &Path) -> Result<String, Error> {
    let base = flinkform::io::canonicalize(start).map_err(|source| Error::Read {
        path: start.display().to_string(),
        source,
    })?;
    let mut full = if p.is_absolute() {
        PathBuf::new()
    } else {
        base
    };
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                full.pop();
            }
            std::path::Component::CurDir => {}
            other => full.push(other),
        }
    }
    flinkform::workspace::relative(root, &full)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            Error::Usage(format!(
                "--out {} must be a folder inside the repository {}",
                p.display(),
                root.display()
            ))
        })
}

/// `rendered 168 files into rendered/: 0 created, 18 updated, 0 deleted, 150 unchanged`.
fn written_summary(w: &out::Written, rel_out: &str) -> String {
    format!(
        "rendered {} into {rel_out}/: {} created, {} updated, {} deleted, {} unchanged\n",
        flinkform::plural::count(w.files, "file", "files"),
        w.created,
        w.updated,
        w.deleted,
        w.unchanged
    )
}
