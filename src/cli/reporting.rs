//! What the command line shows and writes besides its documents: reports (to stdout or
//! files), notes, errors and progress. The only place that decides colour and width.

use super::{ColorChoice, Format, ReportArgs};
use flinkform::diag::{Diagnostic, Report, github, human, json, junit, markdown, sarif, terminal};
use flinkform::error::Error;
use flinkform::excerpt::MAX_MESSAGE_CHARS;
use flinkform::source::{Reader, SourceMap};
use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

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
    flinkform::policy::all_metas()
        .map(|m| sarif::RuleInfo {
            id: m.name.to_string(),
            summary: m.summary(),
            help: flinkform::policy::docs::explain_text(m),
            level: m.severity,
            security_severity: m.security_severity.map(str::to_string),
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

/// Set once stdout turned out to be closed (`flinkform check | head -1`): nothing more is
/// written to it, and the run ends with the exit code it would have had.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes a command's output to stdout. A reader that stops reading (a closed pipe) is a
/// normal end, not an error: the rest of the output is dropped silently and the command goes
/// on to its own exit code. A full disk or any other failure is an operational error.
pub fn print(bytes: &[u8]) -> Result<(), Error> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(source) => Err(Error::Write {
            path: "<stdout>".into(),
            source,
        }),
        Ok(()) => Ok(()),
    }
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
/// A cause is printed only when it adds something: `cannot read x: Permission denied` already
/// says what its `io::Error` would repeat under "caused by".
pub fn error(e: &dyn std::error::Error) {
    let mut msg = format!("error: {}", one_line(&e.to_string()));
    let mut source = e.source();
    while let Some(s) = source {
        let text = one_line(&s.to_string());
        if !msg.contains(&text) {
            msg.push_str(&format!("\n  caused by: {text}"));
        }
        source = s.source();
    }
    let _ = writeln!(std::io::stderr(), "{msg}");
}

/// Text from an error or a note as one bounded, escaped line.
fn one_line(text: &str) -> String {
    terminal::inline(&flinkform::excerpt::cap(text, MAX_MESSAGE_CHARS))
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
    let _ = writeln!(std::io::stderr(), "note: {}", one_line(msg));
}

/// Progress of a long run on stderr, drawn only when stderr is a terminal (never on a pipe,
/// in a file, or in tests' captured output; stdout and report files never see it), and only
/// once a stage has taken more than a second, so quick runs show nothing. The command calls
/// [`finish`] before it prints anything, which clears the bar.
#[derive(Debug)]
pub struct Bar {
    bar: indicatif::ProgressBar,
    started: std::sync::Mutex<std::time::Instant>,
    visible: AtomicBool,
    delay: std::time::Duration,
}

/// How long a stage runs before its progress is drawn: a second, or
/// `FLINKFORM_PROGRESS_DELAY_MS` (tests draw at once, on a pseudo-terminal).
fn progress_delay() -> std::time::Duration {
    let ms = std::env::var("FLINKFORM_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    std::time::Duration::from_millis(ms)
}

/// A progress receiver for a command that reports findings: `None` when stderr is not a
/// terminal, or when any report is in a machine format (a run for a program shows nothing
/// but its output).
pub fn progress_for(
    args: &ReportArgs,
) -> Option<std::sync::Arc<dyn flinkform::progress::Progress>> {
    let human = destinations(args)
        .map(|d| d.iter().all(|(f, _)| *f == Format::Human))
        .unwrap_or(false);
    if human { progress() } else { None }
}

/// A progress receiver for the pipeline, or `None` when stderr is not a terminal.
pub fn progress() -> Option<std::sync::Arc<dyn flinkform::progress::Progress>> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
    let style = indicatif::ProgressStyle::with_template("{msg:>9} {bar:30} {pos}/{len} services")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(std::sync::Arc::new(Bar {
        bar,
        started: std::sync::Mutex::new(std::time::Instant::now()),
        visible: AtomicBool::new(false),
        delay: progress_delay(),
    }))
}

impl flinkform::progress::Progress for Bar {
    fn start(&self, stage: &str, total: u64) {
        // Each stage waits its own second before it shows.
        self.bar
            .set_draw_target(indicatif::ProgressDrawTarget::hidden());
        self.visible.store(false, Ordering::Relaxed);
        if let Ok(mut t) = self.started.lock() {
            *t = std::time::Instant::now();
        }
        self.bar.reset();
        self.bar.set_message(stage.to_string());
        self.bar.set_length(total);
        self.bar.set_position(0);
    }

    fn advance(&self) {
        self.bar.inc(1);
        if !self.visible.load(Ordering::Relaxed)
            && self.started.lock().is_ok_and(|t| t.elapsed() >= self.delay)
            && !self.visible.swap(true, Ordering::Relaxed)
        {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Clears the progress bar, if there is one, before the command prints.
pub fn finish(progress: &Option<std::sync::Arc<dyn flinkform::progress::Progress>>) {
    if let Some(p) = progress {
        p.finish();
    }
}
