//! Writing reports and errors. The only place that decides colour and width.

use super::{ColorChoice, Format, ReportArgs};
use flinkform::diag::{Report, human, json};
use flinkform::source::SourceMap;
use std::io::{IsTerminal, Write};

/// Writes the report to stdout in the chosen format.
pub fn report(report: &Report, sources: &SourceMap, args: &ReportArgs) -> std::io::Result<()> {
    let text = match args.format {
        Format::Human => human::render(report, sources, human_options(args.color)),
        Format::Json => json::render(report, sources),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
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
