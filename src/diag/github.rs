//! `--format github`: GitHub Actions workflow commands, which become annotations on the
//! pull request's changed lines:
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::message`.
//!
//! Escaping follows the runner (`ActionCommand.TryParseV2`): in the message `%`, `\r`, `\n`
//! become `%25`, `%0D`, `%0A`; property values also escape `:` and `,` (`%3A`, `%2C`), so no
//! file name or message can end a command early or start another. `title` comes last (the
//! runner trims the end of the properties). Columns are given only when the span is on one
//! line (GitHub rejects them otherwise). Errors are `error`, warnings `warning`, infos and
//! waived findings `notice`.
//!
//! GitHub shows at most [`PER_STEP`] annotations of each kind per step and [`PER_JOB`] in all
//! per job, and silently drops the rest. The renderer keeps within both (the job's remaining
//! budget is given by the caller, who shares it across the steps of a job), in report order
//! (the caller puts the pull request's own files first), and when findings are left out it
//! says how many in a notice, then lists them as plain log lines (not commands), so that
//! every finding is still in the log.

use super::json::Location;
use super::{Diagnostic, Report, Severity};
use crate::source::SourceMap;

/// Annotations of one kind (error, warning, notice) GitHub shows per step.
pub const PER_STEP: usize = 10;
/// Annotations GitHub shows per job, all steps and kinds together.
pub const PER_JOB: usize = 50;

/// Escapes an annotation message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Text for a plain log line: one line, and nothing the runner would take for a command (a
/// line that starts with `::` after blanks, or the old `##[` form anywhere).
pub fn log_line(s: &str) -> String {
    escape_data(s).replace("##[", "##%5B")
}

/// The annotations of a report.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Annotations {
    pub text: String,
    /// Annotations written (the summary notice included), to subtract from the job's budget.
    pub used: usize,
    /// Findings left out because of GitHub's limits (listed as plain log lines).
    pub omitted: usize,
}

fn kind(d: &Diagnostic) -> usize {
    match (d.severity, d.waived.is_some()) {
        (_, true) | (Severity::Info, _) => 2,
        (Severity::Warning, _) => 1,
        (Severity::Error, _) => 0,
    }
}

const COMMANDS: [&str; 3] = ["error", "warning", "notice"];

/// Renders `report` as annotations within GitHub's limits: at most [`PER_STEP`] of each kind,
/// and at most `job_remaining` in all (what this job has left of [`PER_JOB`]).
pub fn render(report: &Report, sources: &SourceMap, job_remaining: usize) -> Annotations {
    let diags = &report.diagnostics;
    // Greedy in report order, each kind within its own cap.
    let mut shown = vec![false; diags.len()];
    let mut per_kind = [0usize; 3];
    let mut total = 0;
    for (i, d) in diags.iter().enumerate() {
        let k = kind(d);
        if per_kind[k] < PER_STEP && total < job_remaining {
            shown[i] = true;
            per_kind[k] += 1;
            total += 1;
        }
    }
    let mut omitted = shown.iter().filter(|s| !**s).count();
    // When something is left out, make room for the notice that says so: it is a notice,
    // and it counts against the job.
    let mut notice = false;
    if omitted > 0 && job_remaining > 0 {
        let must_free = per_kind[2] == PER_STEP || total == job_remaining;
        if must_free {
            let freed = (0..diags.len())
                .rev()
                .find(|&i| shown[i] && (per_kind[2] < PER_STEP || kind(&diags[i]) == 2));
            if let Some(i) = freed {
                shown[i] = false;
                per_kind[kind(&diags[i])] -= 1;
                total -= 1;
                omitted += 1;
            }
        }
        notice = per_kind[2] < PER_STEP && total < job_remaining;
    }
    let mut out = String::new();
    for (i, d) in diags.iter().enumerate() {
        if shown[i] {
            out.push_str(&command(d, sources));
        }
    }
    if omitted > 0 {
        let text = format!(
            "{omitted} of {} {} not shown as annotations: GitHub shows {PER_STEP} errors, {PER_STEP} warnings and {PER_STEP} notices per step and {PER_JOB} annotations per job. All findings are listed in this step's log below, and in the job summary and the SARIF report when the workflow writes them.",
            diags.len(),
            if omitted == 1 {
                "finding is"
            } else {
                "findings are"
            }
        );
        if notice {
            out.push_str(&format!(
                "::notice title={}::{}\n",
                escape_property("flinkform: findings not annotated"),
                escape_data(&text)
            ));
            total += 1;
        }
        out.push_str(&format!("flinkform: {}\n", log_line(&text)));
        for (i, d) in diags.iter().enumerate() {
            if !shown[i] {
                out.push_str(&format!("flinkform: {}\n", log_line(&plain(d, sources))));
            }
        }
    }
    Annotations {
        text: out,
        used: total,
        omitted,
    }
}

/// One finding as a workflow command.
fn command(d: &Diagnostic, sources: &SourceMap) -> String {
    let mut props = Vec::new();
    if let Some(p) = &d.primary {
        let l = Location::of(p.span, sources);
        props.push(format!("file={}", escape_property(&l.file)));
        props.push(format!("line={}", l.line));
        if l.line == l.end_line {
            props.push(format!("col={}", l.column));
            props.push(format!("endColumn={}", l.end_column.max(l.column + 1)));
        } else {
            props.push(format!("endLine={}", l.end_line));
        }
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("flinkform {}", d.rule))
    ));
    format!(
        "::{} {}::{}\n",
        COMMANDS[kind(d)],
        props.join(","),
        escape_data(&message(d))
    )
}

fn message(d: &Diagnostic) -> String {
    let mut message = d.message.clone();
    if let Some(s) = &d.subject {
        message.push_str(&format!(" [{s}]"));
    }
    if let Some(w) = &d.waived {
        message.push_str(&format!("\nwaived until {}: {}", w.expires, w.reason));
    }
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    message.push_str(&format!("\n{}", d.url()));
    message
}

/// A finding left out of the annotations, as one plain line.
fn plain(d: &Diagnostic, sources: &SourceMap) -> String {
    let at = d.primary.as_ref().map_or_else(String::new, |p| {
        let l = Location::of(p.span, sources);
        format!("{}:{}:{}: ", l.file, l.line, l.column)
    });
    let mut m = d.message.clone();
    if let Some(s) = &d.subject {
        m.push_str(&format!(" [{s}]"));
    }
    format!("{at}{} {}: {m}", COMMANDS[kind(d)], d.rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    #[test]
    fn escaping() {
        assert_eq!(escape_data("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_data("a:b,c"), "a:b,c", "messages keep `:` and `,`");
        assert_eq!(
            log_line("x ##[error]y\n::warning::z"),
            "x ##%5Berror]y%0A::warning::z"
        );
    }

    fn report(n: usize, severity: Severity, sources: &mut SourceMap) -> Report {
        let id = sources.add(SourceFile::new("a.yaml", "a: 1\n"));
        Report {
            diagnostics: (0..n)
                .map(|i| {
                    Diagnostic::new("schema", severity, format!("finding {i}"))
                        .at(Span::new(id, 0, 1), "")
                })
                .collect(),
            files: 1,
        }
    }

    fn count(text: &str, prefix: &str) -> usize {
        text.lines().filter(|l| l.starts_with(prefix)).count()
    }

    #[test]
    fn within_the_per_step_and_per_job_limits_with_a_notice() {
        let mut sources = SourceMap::new();
        let r = report(25, Severity::Error, &mut sources);
        let a = render(&r, &sources, PER_JOB);
        assert_eq!(count(&a.text, "::error "), 10);
        assert_eq!(count(&a.text, "::notice "), 1);
        assert_eq!((a.used, a.omitted), (11, 15));
        assert_eq!(count(&a.text, "flinkform: a.yaml:1:1: error schema"), 15);
        // Only 4 left in the job: 3 findings and the notice.
        let a = render(&r, &sources, 4);
        assert_eq!((count(&a.text, "::error "), a.used, a.omitted), (3, 4, 22));
        // Nothing left: no annotation at all, but the log still lists everything.
        let a = render(&r, &sources, 0);
        assert_eq!((a.used, a.omitted), (0, 25));
        assert!(!a.text.lines().any(|l| l.starts_with("::")), "{}", a.text);
        // Within the limits: no notice.
        let r = report(10, Severity::Warning, &mut sources);
        let a = render(&r, &sources, PER_JOB);
        assert_eq!(
            (count(&a.text, "::warning "), a.used, a.omitted),
            (10, 10, 0)
        );
        // Notices full: the last one gives way to the summary notice.
        let r = report(12, Severity::Info, &mut sources);
        let a = render(&r, &sources, PER_JOB);
        assert_eq!(
            (count(&a.text, "::notice "), a.used, a.omitted),
            (10, 10, 3)
        );
    }
}
