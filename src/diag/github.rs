//! `--format github`: GitHub Actions workflow commands, which become annotations on the
//! pull request's changed lines:
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=RULE::message`.
//!
//! Escaping follows the runner (`ActionCommand.TryParseV2`): in the message `%`, `\r`, `\n`
//! become `%25`, `%0D`, `%0A`; property values also escape `:` and `,` (`%3A`, `%2C`), so no
//! file name or message can end a command early or start another. `title` comes last (the
//! runner trims the end of the properties). Before that, control characters (ESC, BEL, …) and
//! Unicode bidirectional controls are written as visible escapes (`\u{1b}`), as the terminal
//! renderer writes them ([`terminal`]): the log and the annotations are shown to people, and
//! an escape sequence or a right-to-left override would change what they see. Columns are given only when the span is on one
//! line (GitHub rejects them otherwise). Errors are `error`, warnings `warning`, infos and
//! waived findings `notice`.
//!
//! GitHub shows at most [`PER_STEP`] annotations of each kind per step and [`PER_JOB`] in all
//! per job, and silently drops the rest. A composite action counts as **one** step: the runner
//! collects the annotations of all its steps and re-adds them against the action's own
//! counters (`ExecutionContext`, embedded issues; runner 2.305.0 and later), and every failing
//! `run:` step adds one more error of its own ("Process completed with exit code N."). The
//! renderer keeps within the [`Room`] the caller gives (what a [`Budget`] shared by the
//! commands of one step and job has left), in report order (the caller puts the pull
//! request's own files first), and when findings are left out it says how many in a notice,
//! then lists them as plain log lines (not commands), so that every finding is still in the
//! log.

use super::json::Location;
use super::{Diagnostic, Report, Severity, terminal};
use crate::source::SourceMap;

/// Annotations of one kind (error, warning, notice) GitHub shows per step; a composite action,
/// all its steps together, is one step.
pub const PER_STEP: usize = 10;
/// Annotations GitHub shows per job, all steps and kinds together.
pub const PER_JOB: usize = 50;

/// The kinds of annotation, in the order [`Room::kinds`] and [`Budget::kinds`] use.
pub const KINDS: [&str; 3] = ["error", "warning", "notice"];

/// Escapes an annotation message: control and bidirectional characters made visible (line
/// breaks and tabs kept), then the runner's escapes.
pub fn escape_data(s: &str) -> String {
    terminal::text(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`): one line, every control and bidirectional
/// character made visible, then the runner's escapes.
pub fn escape_property(s: &str) -> String {
    escape_data(&terminal::inline(s))
        .replace(':', "%3A")
        .replace(',', "%2C")
}

/// Text for a plain log line: one line, and nothing the runner would take for a command (a
/// line that starts with `::` after blanks, or the old `##[` form anywhere).
pub fn log_line(s: &str) -> String {
    escape_data(s).replace("##[", "##%5B")
}

/// What is left of GitHub's limits for the annotations of one step and its job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Room {
    /// Errors, warnings and notices this step may still show.
    pub kinds: [usize; 3],
    /// Annotations the job may still show.
    pub job: usize,
}

impl Room {
    /// A step and job that have shown nothing yet.
    pub const FULL: Room = Room {
        kinds: [PER_STEP; 3],
        job: PER_JOB,
    };
}

/// The annotations shown so far by the commands that share one step (or one composite action)
/// and the job (`--annotation-budget FILE`, which the action's own scripts also update). The
/// file is text, one count per line: `error N`, `warning N`, `notice N` (this step's) and `job
/// N` (the job's, all kinds and steps); a missing line counts 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Budget {
    /// Errors, warnings and notices this step has shown.
    pub kinds: [usize; 3],
    /// Annotations the job has shown.
    pub job: usize,
}

impl Budget {
    /// Reads the file's text; `Err` says what is wrong with it.
    pub fn parse(text: &str) -> Result<Budget, String> {
        let mut b = Budget::default();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (name, count) = line
                .split_once(' ')
                .ok_or_else(|| format!("`{line}` is not `KIND COUNT`"))?;
            let count: usize = count
                .trim()
                .parse()
                .map_err(|_| format!("`{line}` does not end with a count"))?;
            match KINDS.iter().position(|k| *k == name) {
                Some(i) => b.kinds[i] = count,
                None if name == "job" => b.job = count,
                None => return Err(format!("`{name}` is not error, warning, notice or job")),
            }
        }
        Ok(b)
    }

    /// The file's text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for (k, n) in KINDS.iter().zip(self.kinds) {
            s.push_str(&format!("{k} {n}\n"));
        }
        s.push_str(&format!("job {}\n", self.job));
        s
    }

    /// What GitHub still shows.
    pub fn room(&self) -> Room {
        Room {
            kinds: self.kinds.map(|n| PER_STEP.saturating_sub(n)),
            job: PER_JOB.saturating_sub(self.job),
        }
    }

    /// Counts the annotations a render used.
    pub fn spend(&mut self, used: [usize; 3]) {
        for (k, n) in self.kinds.iter_mut().zip(used) {
            *k += n;
        }
        self.job += used.iter().sum::<usize>();
    }
}

/// The annotations of a report.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Annotations {
    pub text: String,
    /// Errors, warnings and notices written (the summary notice included), to count in the
    /// [`Budget`].
    pub used: [usize; 3],
    /// Findings left out because of GitHub's limits (listed as plain log lines).
    pub omitted: usize,
}

impl Annotations {
    /// Annotations written, all kinds.
    pub fn total(&self) -> usize {
        self.used.iter().sum()
    }
}

fn kind(d: &Diagnostic) -> usize {
    match (d.severity, d.waived.is_some()) {
        (_, true) | (Severity::Info, _) => 2,
        (Severity::Warning, _) => 1,
        (Severity::Error, _) => 0,
    }
}

/// Renders `report` as annotations within `room`, in report order. `command` is what shows
/// every finding locally (`flinkform check`), for the notice about the ones left out.
pub fn render(report: &Report, sources: &SourceMap, room: Room, command: &str) -> Annotations {
    let diags = &report.diagnostics;
    // Greedy in report order, each kind within its own room.
    let mut shown = vec![false; diags.len()];
    let mut per_kind = [0usize; 3];
    let mut total = 0;
    for (i, d) in diags.iter().enumerate() {
        let k = kind(d);
        if per_kind[k] < room.kinds[k] && total < room.job {
            shown[i] = true;
            per_kind[k] += 1;
            total += 1;
        }
    }
    let mut omitted = shown.iter().filter(|s| !**s).count();
    // When something is left out, make room for the notice that says so: it is a notice,
    // and it counts against the job.
    let mut notice = false;
    if omitted > 0 && room.job > 0 && room.kinds[2] > 0 {
        let notices_full = per_kind[2] == room.kinds[2];
        if notices_full || total == room.job {
            let freed = (0..diags.len())
                .rev()
                .find(|&i| shown[i] && (!notices_full || kind(&diags[i]) == 2));
            if let Some(i) = freed {
                shown[i] = false;
                per_kind[kind(&diags[i])] -= 1;
                total -= 1;
                omitted += 1;
            }
        }
        notice = per_kind[2] < room.kinds[2] && total < room.job;
    }
    let mut out = String::new();
    for (i, d) in diags.iter().enumerate() {
        if shown[i] {
            out.push_str(&command_line(d, sources));
        }
    }
    if omitted > 0 {
        let text = format!(
            "{omitted} of {} {} not shown as annotations: GitHub shows at most {PER_STEP} errors, {PER_STEP} warnings and {PER_STEP} notices per step (all the steps of a composite action together) and {PER_JOB} per job. Each finding left out is listed in this step's log as a line starting `flinkform:`; `{command}` shows them all.",
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
            per_kind[2] += 1;
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
        used: per_kind,
        omitted,
    }
}

/// One finding as a workflow command.
fn command_line(d: &Diagnostic, sources: &SourceMap) -> String {
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
        KINDS[kind(d)],
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
        format!("{}:{}:{}: ", terminal::inline(&l.file), l.line, l.column)
    });
    let mut m = d.message.clone();
    if let Some(s) = &d.subject {
        m.push_str(&format!(" [{s}]"));
    }
    format!("{at}{} {}: {m}", KINDS[kind(d)], d.rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    #[test]
    fn escaping() {
        assert_eq!(escape_data("100% done\r\nnext"), "100%25 done\\r%0Anext");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25\\n");
        assert_eq!(
            escape_data("x\u{1b}[2J\u{7}\u{202e}y\nz"),
            "x\\u{1b}[2J\\u{7}\\u{202e}y%0Az"
        );
        assert_eq!(
            escape_property("a\u{1b}]8;;x\u{7}\u{202e}.yaml"),
            "a\\u{1b}]8;;x\\u{7}\\u{202e}.yaml"
        );
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

    fn job(n: usize) -> Room {
        Room {
            kinds: [PER_STEP; 3],
            job: n,
        }
    }

    #[test]
    fn within_the_per_step_and_per_job_limits_with_a_notice() {
        let mut sources = SourceMap::new();
        let r = report(25, Severity::Error, &mut sources);
        let a = render(&r, &sources, Room::FULL, "flinkform check");
        assert_eq!(count(&a.text, "::error "), 10);
        assert_eq!(count(&a.text, "::notice "), 1);
        assert_eq!((a.used, a.omitted), ([10, 0, 1], 15));
        assert_eq!(count(&a.text, "flinkform: a.yaml:1:1: error schema"), 15);
        assert!(
            a.text
                .contains("15 of 25 findings are not shown as annotations")
                && a.text.contains("`flinkform check` shows them all"),
            "{}",
            a.text
        );
        // Only 4 left in the job: 3 findings and the notice.
        let a = render(&r, &sources, job(4), "flinkform check");
        assert_eq!(
            (count(&a.text, "::error "), a.used, a.omitted),
            (3, [3, 0, 1], 22)
        );
        // Nothing left: no annotation at all, but the log still lists everything.
        let a = render(&r, &sources, job(0), "flinkform check");
        assert_eq!((a.used, a.omitted), ([0; 3], 25));
        assert!(!a.text.lines().any(|l| l.starts_with("::")), "{}", a.text);
        // Within the limits: no notice.
        let r = report(10, Severity::Warning, &mut sources);
        let a = render(&r, &sources, Room::FULL, "flinkform check");
        assert_eq!(
            (count(&a.text, "::warning "), a.used, a.omitted),
            (10, [0, 10, 0], 0)
        );
        // Notices full: the last one gives way to the summary notice.
        let r = report(12, Severity::Info, &mut sources);
        let a = render(&r, &sources, Room::FULL, "flinkform check");
        assert_eq!(
            (count(&a.text, "::notice "), a.used, a.omitted),
            (10, [0, 0, 10], 3)
        );
    }

    #[test]
    fn an_earlier_command_of_the_step_leaves_less_room() {
        let mut sources = SourceMap::new();
        let r = report(5, Severity::Error, &mut sources);
        // Another command of this composite action showed 8 errors and 2 notices.
        let mut budget = Budget::parse("error 8\nnotice 2\njob 10\n").expect("budget");
        let a = render(&r, &sources, budget.room(), "flinkform render --check");
        assert_eq!((count(&a.text, "::error "), a.omitted), (2, 3));
        assert_eq!(count(&a.text, "::notice "), 1, "{}", a.text);
        budget.spend(a.used);
        assert_eq!(budget.text(), "error 10\nwarning 0\nnotice 3\njob 13\n");
        // No error and no notice left: nothing is annotated, the log lists all five.
        let a = render(
            &r,
            &sources,
            Room {
                kinds: [0, 10, 0],
                job: 40,
            },
            "flinkform check",
        );
        assert_eq!((a.used, a.omitted), ([0; 3], 5));
        assert_eq!(count(&a.text, "flinkform: a.yaml:1:1: error schema"), 5);
    }

    #[test]
    fn budget_files() {
        assert_eq!(Budget::parse(""), Ok(Budget::default()));
        let b = Budget::parse("job 49\nwarning 3\n").expect("parse");
        assert_eq!((b.kinds, b.job), ([0, 3, 0], 49));
        assert_eq!(
            b.room(),
            Room {
                kinds: [10, 7, 10],
                job: 1
            }
        );
        assert_eq!(Budget::parse(&b.text()), Ok(b));
        assert!(Budget::parse("22\n").is_err());
        assert!(Budget::parse("errors 1\n").is_err());
        assert!(Budget::parse("error x\n").is_err());
        // Counts over the limits leave no room rather than wrapping around.
        let b = Budget::parse("error 12\njob 60\n").expect("parse");
        assert_eq!(
            b.room(),
            Room {
                kinds: [0, 10, 10],
                job: 0
            }
        );
    }
}
