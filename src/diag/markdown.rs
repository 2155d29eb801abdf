//! `--format markdown`: a summary for `$GITHUB_STEP_SUMMARY` or a pull request comment —
//! counts, a table of findings, and the waivers in force.
//!
//! * Every piece of text from the input (paths, messages, keys, reasons) goes through
//!   [`cell`]: it cannot break the table, start a code span, a link, an image or HTML, or
//!   mention anyone.
//! * With the files a pull request changed ([`Options::changed`]), their findings come first,
//!   under their own heading.
//! * The whole document stays within [`Options::max_bytes`] (GitHub keeps at most 1 MiB of a
//!   step's summary and drops the rest): rows that do not fit are counted in an explicit line
//!   that says how many were left out and where to see them all.

use super::json::Location;
use super::{Diagnostic, Report, Severity};
use crate::source::SourceMap;
use std::fmt::Write as _;

/// GitHub's limit for one step's job summary.
pub const STEP_SUMMARY_LIMIT: usize = 1 << 20;

/// How to write the summary.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// The heading.
    pub title: &'a str,
    /// The command that shows every finding locally, for the line about rows left out.
    pub command: &'a str,
    /// The number of leading findings (in report order) that are in files the change touches,
    /// when the changed files are known.
    pub changed: Option<usize>,
    /// The most bytes the document may take.
    pub max_bytes: usize,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            title: "flinkform",
            command: "flinkform check",
            changed: None,
            max_bytes: STEP_SUMMARY_LIMIT,
        }
    }
}

/// Makes text safe inside a Markdown table cell (or inside a line of a paragraph): the
/// characters that open inline markup are backslash-escaped (`` \ ` * _ [ ] < > & | ~ $ ``),
/// so nothing can start a code span, emphasis, a link or image, HTML, an entity, math,
/// strikethrough or a table column; line breaks become `<br>`; control characters are
/// dropped; `@` is followed by a zero-width space so no one is mentioned and no e-mail
/// address becomes a link. GitHub also turns bare URLs into links (GFM's autolink extension:
/// `http://`, `https://`, `ftp://`, `www.`, in any case), which no backslash prevents: a
/// zero-width space after the scheme or the `www` breaks them. (Characters that matter only at
/// the start of a line, like `#` or `-`, cannot start one here.)
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(n) = autolink_prefix(&s[i..]) {
            // The scheme or `www` as it is, then the break; the rest goes on as usual.
            out.push_str(&s[i..i + n]);
            out.push('\u{200B}');
            while chars.peek().is_some_and(|(j, _)| *j < i + n) {
                chars.next();
            }
            continue;
        }
        match c {
            '\r' => {
                if chars.peek().map(|(_, c)| *c) != Some('\n') {
                    out.push_str("<br>");
                }
            }
            '\n' => out.push_str("<br>"),
            '@' => out.push_str("@\u{200B}"),
            c if super::terminal::is_unsafe(c) => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The length of the scheme (`https`) or `www` that starts an autolink at the start of
/// `rest`, if one does.
fn autolink_prefix(rest: &str) -> Option<usize> {
    let starts = |p: &str| {
        rest.get(..p.len())
            .is_some_and(|x| x.eq_ignore_ascii_case(p))
    };
    ["http://", "https://", "ftp://"]
        .iter()
        .find(|p| starts(p))
        .map(|p| p.len() - 3)
        .or_else(|| starts("www.").then_some(3))
}

pub fn render(report: &Report, sources: &SourceMap, opts: Options<'_>) -> String {
    let s = report.summary();
    let mut head = format!("## {}\n\n", cell(opts.title));
    let status = if s.errors > 0 {
        "❌"
    } else if s.warnings > 0 {
        "⚠️"
    } else {
        "✅"
    };
    let _ = writeln!(
        head,
        "{status} **{}** error{}, **{}** warning{}, **{}** info, **{}** waived — {} file{} checked",
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        s.infos,
        s.waived,
        s.files,
        if s.files == 1 { "" } else { "s" },
    );
    let mut doc = Doc::new(head, opts.max_bytes);
    doc.command = opts.command.to_string();
    doc.total = report.diagnostics.len();
    let active: Vec<(usize, &Diagnostic)> = report
        .diagnostics
        .iter()
        .enumerate()
        .filter(|(_, d)| d.is_active())
        .collect();
    let table_head = "\n| | rule | where | finding |\n|---|---|---|---|\n";
    match opts.changed {
        Some(n) => {
            let (mine, others): (Vec<_>, Vec<_>) = active.iter().partition(|(i, _)| *i < n);
            doc.block("\n### In the files this change touches\n");
            if mine.is_empty() {
                doc.block("\nNo findings.\n");
            } else {
                doc.block(table_head);
                for (_, d) in &mine {
                    doc.row(finding_row(d, sources));
                }
            }
            if !others.is_empty() {
                doc.block("\n### Elsewhere in the repository\n");
                doc.block(table_head);
                for (_, d) in &others {
                    doc.row(finding_row(d, sources));
                }
            }
        }
        None if !active.is_empty() => {
            doc.block(table_head);
            for (_, d) in &active {
                doc.row(finding_row(d, sources));
            }
        }
        None => {}
    }
    let waived: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| !d.is_active())
        .collect();
    if !waived.is_empty() {
        doc.block(
            "\n### Waivers in force\n\n| rule | where | until | reason |\n|---|---|---|---|\n",
        );
        for d in waived {
            let Some(w) = &d.waived else { continue };
            let at = d.primary.as_ref().map_or_else(String::new, |p| {
                let l = Location::of(p.span, sources);
                cell(&format!("{}:{}", l.file, l.line))
            });
            doc.row(format!(
                "| `{}` | {at} | {} | {} |\n",
                code(&d.rule),
                cell(&w.expires),
                cell(&w.reason)
            ));
        }
    }
    doc.finish()
}

fn finding_row(d: &Diagnostic, sources: &SourceMap) -> String {
    let icon = match d.severity {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
        Severity::Info => "ℹ️",
    };
    let at = d.primary.as_ref().map_or_else(String::new, |p| {
        let l = Location::of(p.span, sources);
        cell(&format!("{}:{}:{}", l.file, l.line, l.column))
    });
    let mut text = cell(&d.message);
    if let Some(sub) = &d.subject {
        let _ = write!(text, " ({})", cell(sub));
    }
    if let Some(h) = &d.help {
        let _ = write!(text, "<br>*{}*", cell(h));
    }
    format!(
        "| {icon} | [`{}`]({}) | {at} | {text} |\n",
        code(&d.rule),
        d.url()
    )
}

/// A rule name in a code span: rule names are flinkform's own kebab-case identifiers; anything
/// else is dropped rather than allowed to close the span or the cell.
fn code(rule: &str) -> String {
    rule.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// A document that stops taking rows once its byte budget is spent, and says so. Its parts
/// are headings, table heads and table rows, each whole: no block is left open.
struct Doc {
    text: String,
    max: usize,
    omitted: usize,
    full: bool,
    /// What shows every finding, and how many there are, for the last line.
    command: String,
    total: usize,
}

/// Room kept for the line that reports what was left out.
const RESERVE: usize = 512;

impl Doc {
    fn new(head: String, max: usize) -> Doc {
        Doc {
            text: head,
            max,
            omitted: 0,
            full: false,
            command: String::new(),
            total: 0,
        }
    }

    fn fits(&self, more: &str) -> bool {
        self.text.len() + more.len() + RESERVE <= self.max
    }

    /// Headings and table heads: written if they fit.
    fn block(&mut self, s: &str) {
        if !self.full && self.fits(s) {
            self.text.push_str(s);
        } else {
            self.full = true;
        }
    }

    /// A table row: written if it fits and nothing before it was left out (the order is the
    /// priority), otherwise counted.
    fn row(&mut self, s: String) {
        if !self.full && self.fits(&s) {
            self.text.push_str(&s);
        } else {
            self.full = true;
            self.omitted += 1;
        }
    }

    fn finish(mut self) -> String {
        if self.omitted > 0 {
            // After a blank line: a paragraph of its own, outside the table above.
            let _ = write!(
                self.text,
                "\n**{} more row{} not shown:** a step summary holds at most {} KiB. `{}` shows all {} findings.\n",
                self.omitted,
                if self.omitted == 1 { " is" } else { "s are" },
                self.max / 1024,
                self.command,
                self.total
            );
        }
        // The reserve covers the line above; a budget smaller than the head alone cannot be
        // met, and the head is kept whole rather than cut mid-character.
        self.text
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_escape_markup_pipes_and_newlines() {
        assert_eq!(super::cell("a|b\nc"), "a\\|b<br>c");
        assert_eq!(super::cell("`x` <b> [l](u)"), "\\`x\\` \\<b\\> \\[l\\](u)");
        assert_eq!(super::cell("a\r\nb\rc\u{1b}"), "a<br>b<br>c");
        assert_eq!(super::cell("@team"), "@\u{200B}team");
        assert_eq!(
            super::cell("see https://evil.example/x or WWW.evil.example"),
            "see https\u{200B}://evil.example/x or WWW\u{200B}.evil.example"
        );
        assert_eq!(super::cell("a@b.example"), "a@\u{200B}b.example");
        assert_eq!(super::cell("é http"), "é http");
    }
}
