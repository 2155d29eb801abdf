//! Writing reports and errors. The only place that decides colour and width.

use super::{ColorChoice, Format, ReportArgs};
use flinkform::diag::{Diagnostic, Report, github, human, json, junit, markdown, sarif, terminal};
use flinkform::error::Error;
use flinkform::source::{Reader, SourceMap};
use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The report in one format. `changed` is the number of leading findings in files the
/// change touches (when known); `job_remaining` what the job has left of GitHub's
/// annotations. Returns the text and, for `github`, the annotations it used.
fn render(
    format: Format,
    report: &Report,
    sources: &SourceMap,
    args: &ReportArgs,
    to_stdout: bool,
    changed: Option<usize>,
    job_remaining: usize,
) -> (String, usize) {
    let text = match format {
        Format::Human => {
            let mut opts = human_options(args.color);
            opts.color &= to_stdout;
            let text = human::render(report, sources, opts);
            if quiet() {
                // Findings only: the summary line is what `render` ends with.
                let summary = human::summary_line(report);
                text.strip_suffix(summary.as_str())
                    .unwrap_or(&text)
                    .to_string()
            } else {
                text
            }
        }
        Format::Json => json::render(report, sources),
        Format::Sarif => {
            let paths = flinkform::yaml::KeyPaths::new(sources);
            let key_path = |span| paths.at(span);
            let opts = sarif::Options {
                version: env!("CARGO_PKG_VERSION"),
                analysis: analysis(args),
                max_results: sarif::MAX_RESULTS,
                key_path: &key_path,
            };
            sarif::render(report, sources, &rule_infos(), &opts)
        }
        Format::Github => {
            let a = github::render(report, sources, job_remaining);
            return (a.text, a.used);
        }
        Format::Markdown => markdown::render(
            report,
            sources,
            markdown::Options {
                title: &format!("flinkform {}", analysis(args)),
                changed,
                ..markdown::Options::default()
            },
        ),
        Format::Junit => junit::render(report, sources, "flinkform", args.fail_on.threshold()),
    };
    (text, 0)
}

/// The command a report is from (`check`, `render`, `lint`, …).
fn analysis(args: &ReportArgs) -> &str {
    if args.analysis.is_empty() {
        "check"
    } else {
        &args.analysis
    }
}

/// Every rule, as SARIF describes it.
fn rule_infos() -> Vec<sarif::RuleInfo> {
    flinkform::policy::registry()
        .iter()
        .map(|r| {
            let m = r.meta();
            sarif::RuleInfo {
                id: m.name.to_string(),
                summary: m.summary(),
                help: m.explain(),
                level: m.severity,
                security_severity: m.security_severity.map(str::to_string),
            }
        })
        .collect()
}

/// Each report and where it goes: paired by position when the command line was parsed
/// ([`super::pair_outputs`]); arguments built in code send their one format to stdout.
pub fn destinations(args: &ReportArgs) -> Result<Vec<(Format, Option<PathBuf>)>, Error> {
    if !args.destinations.is_empty() {
        return Ok(args.destinations.clone());
    }
    if args.format.len() > 1 || !args.output.is_empty() {
        return Err(Error::Usage(
            "reports to files need the command line's order of --format and --output".into(),
        ));
    }
    Ok(vec![(
        args.format.first().copied().unwrap_or(Format::Human),
        None,
    )])
}

/// The largest `--changed-files` list read: a pull request's file names, with room to spare.
const USER_LIST_BYTES: u64 = 64 << 20;

/// The paths in a `--changed-files` file: NUL-separated when it holds a NUL (`git diff -z`),
/// else one per line.
fn read_changed(path: &Path) -> Result<BTreeSet<String>, Error> {
    let bytes = flinkform::io::read_bounded(path, USER_LIST_BYTES, flinkform::io::Links::Follow)
        .map_err(|e| e.into_error(&path.display().to_string()))?;
    let text = String::from_utf8_lossy(&bytes);
    let sep = if text.contains('\0') { '\0' } else { '\n' };
    Ok(text
        .split(sep)
        .map(|l| {
            if sep == '\n' {
                l.trim_end_matches('\r')
            } else {
                l
            }
        })
        .filter(|l| !l.is_empty())
        .map(|l| l.strip_prefix("./").unwrap_or(l).to_string())
        .collect())
}

/// The findings that involve a changed file (primary or secondary location) first, each group
/// in the report's order; and how many that is.
fn changed_first(
    report: &Report,
    sources: &SourceMap,
    changed: &BTreeSet<String>,
) -> (Report, usize) {
    let involves = |d: &Diagnostic| {
        d.primary
            .iter()
            .chain(d.secondary.iter())
            .any(|l| changed.contains(&sources.shown(l.span.file, Reader::Machine)))
    };
    let (mut mine, others): (Vec<Diagnostic>, Vec<Diagnostic>) = report
        .diagnostics
        .iter()
        .cloned()
        .partition(|d| involves(d));
    let n = mine.len();
    mine.extend(others);
    (
        Report {
            diagnostics: mine,
            files: report.files,
        },
        n,
    )
}

/// The annotations this job has used so far, from the `--annotation-budget` file (0 when it
/// does not exist yet).
fn annotations_used(path: &Path) -> Result<usize, Error> {
    match flinkform::io::read_bounded(path, 64, flinkform::io::Links::Follow) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().parse().map_err(|_| {
            Error::Usage(format!(
                "--annotation-budget {} does not hold a count of annotations",
                path.display()
            ))
        }),
        Err(flinkform::io::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(e.into_error(&path.display().to_string())),
    }
}

/// Writes the report in every requested format: to its file, or to stdout.
pub fn report(report: &Report, sources: &SourceMap, args: &ReportArgs) -> Result<(), Error> {
    let destinations = destinations(args)?;
    let ordered;
    let (report, changed) = match &args.changed_files {
        Some(path) => {
            let (r, n) = changed_first(report, sources, &read_changed(path)?);
            ordered = r;
            (&ordered, Some(n))
        }
        None => (report, None),
    };
    let used_before = match &args.annotation_budget {
        Some(path) => annotations_used(path)?,
        None => 0,
    };
    let mut used = used_before;
    for (format, dest) in destinations {
        let remaining = github::PER_JOB.saturating_sub(used);
        let (text, spent) = render(
            format,
            report,
            sources,
            args,
            dest.is_none(),
            changed,
            remaining,
        );
        used += spent;
        match dest {
            Some(path) => flinkform::io::write_user_file(&path, text.as_bytes())?,
            None => print(text.as_bytes())?,
        }
    }
    if let Some(path) = &args.annotation_budget
        && used != used_before
    {
        flinkform::io::write_user_file(path, format!("{used}\n").as_bytes())?;
    }
    Ok(())
}

/// Writes a command's output to stdout; a closed pipe or full disk is an operational error.
pub fn print(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|source| Error::Write {
            path: "<stdout>".into(),
            source,
        })
}

pub fn human_options(choice: ColorChoice) -> human::HumanOptions {
    let tty = std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && !no_color,
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w >= 40)
        .unwrap_or(100);
    human::HumanOptions { color, width }
}

/// An operational error, on stderr, with its causes. Messages may quote file names and
/// values from the repository: control characters are escaped.
pub fn error(e: &dyn std::error::Error) {
    let mut msg = format!("error: {e}");
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    let _ = writeln!(std::io::stderr(), "{}", terminal::text(&msg));
}

/// Whether `--quiet` was given: no notes, progress or summary lines.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

/// `--quiet`: commands print only what was asked for (findings, diffs, documents) and errors.
pub fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// A short note on stderr (never mixed into machine-readable stdout), on one line; none under
/// `--quiet`.
pub fn note(msg: &str) {
    if quiet() {
        return;
    }
    let _ = writeln!(std::io::stderr(), "note: {}", terminal::inline(msg));
}
