//! Writing reports and errors. The only place that decides colour and width.

use super::{ColorChoice, Format, ReportArgs};
use flinkform::diag::{Diagnostic, Report, github, human, json, junit, markdown, sarif, terminal};
use flinkform::error::Error;
use flinkform::excerpt::MAX_MESSAGE_CHARS;
use flinkform::source::{Reader, SourceMap};
use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The report in one format. `changed` is the number of leading findings in files the
/// change touches (when known); `room` what the step and job have left of GitHub's
/// annotations. Returns the text and, for `github`, the annotations it used by kind.
fn render(
    format: Format,
    report: &Report,
    sources: &SourceMap,
    args: &ReportArgs,
    to_stdout: bool,
    changed: Option<usize>,
    room: github::Room,
) -> (String, [usize; 3]) {
    let text = match format {
        Format::Human => {
            let mut opts = human_options(args.color);
            opts.color &= to_stdout;
            human::render(report, sources, opts)
        }
        Format::Json => json::render(report, sources),
        Format::Sarif => {
            let paths = flinkform::yaml::KeyPaths::new(sources);
            let key_path = |span| paths.at(span);
            // The platform folder in its git repository (`.` at the root); a folder outside
            // any repository (`lint /elsewhere`) names no platform.
            let folder = sources.show_path(".", flinkform::source::Reader::Machine);
            let platform = if folder.starts_with('/') || folder.starts_with("..") {
                ""
            } else {
                folder.as_str()
            };
            let opts = sarif::Options {
                version: env!("CARGO_PKG_VERSION"),
                analysis: analysis(args),
                platform,
                max_results: sarif::MAX_RESULTS,
                key_path: &key_path,
            };
            sarif::render(report, sources, &rule_infos(), &opts)
        }
        Format::Github => {
            let a = github::render(report, sources, room, &local_command(args));
            return (a.text, a.used);
        }
        Format::Markdown => markdown::render(
            report,
            sources,
            markdown::Options {
                title: &format!("flinkform {}", analysis(args)),
                command: &local_command(args),
                changed,
                ..markdown::Options::default()
            },
        ),
        Format::Junit => junit::render(report, sources, "flinkform", args.fail_on.threshold()),
    };
    (text, [0; 3])
}

/// The command that shows every finding of this report locally.
fn local_command(args: &ReportArgs) -> String {
    flinkform::diag::local_command(analysis(args))
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

/// What the commands sharing the `--annotation-budget` file have shown so far (nothing when
/// it does not exist yet).
fn read_budget(path: &Path) -> Result<github::Budget, Error> {
    match flinkform::io::read_bounded(path, 4096, flinkform::io::Links::Follow) {
        Ok(bytes) => github::Budget::parse(&String::from_utf8_lossy(&bytes)).map_err(|why| {
            Error::Usage(format!(
                "--annotation-budget {}: {why} (the file holds lines `error N`, `warning N`, `notice N` and `job N`)",
                path.display()
            ))
        }),
        Err(flinkform::io::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            Ok(github::Budget::default())
        }
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
    let before = match &args.annotation_budget {
        Some(path) => read_budget(path)?,
        None => github::Budget::default(),
    };
    let mut budget = before;
    for (format, dest) in destinations {
        let (text, spent) = render(
            format,
            report,
            sources,
            args,
            dest.is_none(),
            changed,
            budget.room(),
        );
        budget.spend(spent);
        match dest {
            Some(path) => flinkform::io::write_user_file(&path, text.as_bytes())?,
            None => print(text.as_bytes())?,
        }
    }
    if let Some(path) = &args.annotation_budget
        && budget != before
    {
        flinkform::io::write_user_file(path, budget.text().as_bytes())?;
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
/// values from the repository (a 5 MB value in a CRD, a path with a line break): each part is
/// one line, with control characters escaped (so no part can start a line of its own, such
/// as a workflow command in a CI log), and at most [`MAX_MESSAGE_CHARS`] characters.
pub fn error(e: &dyn std::error::Error) {
    let mut msg = format!("error: {}", one_line(&e.to_string()));
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(&format!("\n  caused by: {}", one_line(&s.to_string())));
        source = s.source();
    }
    let _ = writeln!(std::io::stderr(), "{msg}");
}

/// Text from an error or a note as one bounded, escaped line.
fn one_line(text: &str) -> String {
    terminal::inline(&flinkform::excerpt::cap(text, MAX_MESSAGE_CHARS))
}

/// A short note on stderr (never mixed into machine-readable stdout), on one line.
pub fn note(msg: &str) {
    let _ = writeln!(std::io::stderr(), "note: {}", one_line(msg));
}
