//! Writing reports and errors. The only place that decides colour and width.

use super::{ColorChoice, Format, ReportArgs};
use flinkform::diag::{Report, github, human, json, junit, markdown, sarif};
use flinkform::error::Error;
use flinkform::source::SourceMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// The report in one format.
pub fn render(
    format: Format,
    report: &Report,
    sources: &SourceMap,
    args: &ReportArgs,
    to_stdout: bool,
) -> String {
    match format {
        Format::Human => {
            let mut opts = human_options(args.color);
            opts.color &= to_stdout;
            human::render(report, sources, opts)
        }
        Format::Json => json::render(report, sources),
        Format::Sarif => sarif::render(report, sources, &rule_infos(), env!("CARGO_PKG_VERSION")),
        Format::Github => github::render(report, sources),
        Format::Markdown => markdown::render(report, sources, "flinkform"),
        Format::Junit => junit::render(report, sources, "flinkform"),
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
            }
        })
        .collect()
}

/// Pairs `--format` with `--output`: formats without a file go to stdout (at most one).
pub fn destinations(args: &ReportArgs) -> Result<Vec<(Format, Option<PathBuf>)>, Error> {
    if args.output.len() > args.format.len() {
        return Err(Error::Usage(
            "each --output needs a --format before it".into(),
        ));
    }
    let pairs: Vec<(Format, Option<PathBuf>)> = args
        .format
        .iter()
        .enumerate()
        .map(|(i, f)| (*f, args.output.get(i).cloned()))
        .collect();
    if pairs.iter().filter(|(_, o)| o.is_none()).count() > 1 {
        return Err(Error::Usage(
            "only one --format can go to stdout: give the others an --output FILE".into(),
        ));
    }
    Ok(pairs)
}

/// Writes the report in every requested format: to its file, or to stdout.
pub fn report(report: &Report, sources: &SourceMap, args: &ReportArgs) -> Result<(), Error> {
    for (format, dest) in destinations(args)? {
        let text = render(format, report, sources, args, dest.is_none());
        match dest {
            Some(path) => flinkform::io::write_user_file(&path, text.as_bytes())?,
            None => print(text.as_bytes())?,
        }
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

/// An operational error, on stderr, with its causes.
pub fn error(e: &dyn std::error::Error) {
    let mut msg = format!("error: {e}");
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(&format!("\n  caused by: {s}"));
        source = s.source();
    }
    let _ = writeln!(std::io::stderr(), "{msg}");
}

/// A short note on stderr (never mixed into machine-readable stdout).
pub fn note(msg: &str) {
    let _ = writeln!(std::io::stderr(), "note: {msg}");
}
