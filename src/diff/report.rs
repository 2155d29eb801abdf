//! Rendering a diff for people (terminal), for pull requests (Markdown, one collapsible
//! section per service) and for machines (JSON). Every format says first when a side has
//! errors that stop rendering, which files and which services were left out.
//!
//! The Markdown stays within a byte budget (GitHub drops a step summary over 1 MiB whole):
//! rows and sections that do not fit are counted in a last line, outside any block, and a
//! section cut short closes its code block and `<details>` first.

use super::{Change, FieldChange, Impact, ObjectDiff, Sides, Unrendered};
use crate::diag::markdown::cell;
use crate::diag::terminal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

const MAX_VALUE: usize = 80;

/// One transition finding (`check --base`) that puts a job's state at risk: what the
/// reports show next to the service's change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Risk {
    pub rule: String,
    pub message: String,
    /// Waived in the platform config: shown, marked, and it does not fail `check`.
    pub waived: bool,
}

impl Risk {
    /// `rule: message`, marked when waived (unescaped: each medium escapes it).
    pub fn line(&self) -> String {
        let waived = if self.waived { " (waived)" } else { "" };
        format!("{}: {}{waived}", self.rule, self.message)
    }
}

/// Per service, the state its change puts at risk. Empty when there is no base revision to
/// judge the change against, or nothing is at risk.
pub type Risks = BTreeMap<String, Vec<Risk>>;

/// What follows the count of services in the line that leads every format when state is at
/// risk.
fn at_risk(n: usize) -> &'static str {
    if n == 1 {
        "change puts the state of a job at risk"
    } else {
        "changes put the state of jobs at risk"
    }
}

/// A value on one line, shortened.
fn show(v: &Option<Value>) -> String {
    let s = match v {
        None => return "(absent)".to_string(),
        Some(Value::String(s)) => serde_json::to_string(s).unwrap_or_default(),
        Some(v) => serde_json::to_string(v).unwrap_or_default(),
    };
    if s.chars().count() > MAX_VALUE {
        format!("{}…", s.chars().take(MAX_VALUE).collect::<String>())
    } else {
        s
    }
}

/// One changed field on one line, with every control and bidirectional character from the
/// specs (in keys and values) written as a visible escape, as in every output for people.
fn field_line(f: &FieldChange) -> String {
    let line = match (&f.old, &f.new) {
        (None, _) => format!("+ {}: {}", f.path, show(&f.new)),
        (_, None) => format!("- {}: {}", f.path, show(&f.old)),
        _ => format!("~ {}: {} → {}", f.path, show(&f.old), show(&f.new)),
    };
    terminal::inline(&line)
}

/// The longest run of backticks in `lines`.
fn longest_backtick_run(lines: &[String]) -> usize {
    lines
        .iter()
        .flat_map(|l| l.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0)
}

/// Per service: its diffs by cluster.
fn by_service(diffs: &[ObjectDiff]) -> BTreeMap<&str, Vec<&ObjectDiff>> {
    let mut m: BTreeMap<&str, Vec<&ObjectDiff>> = BTreeMap::new();
    for d in diffs {
        m.entry(d.key.service.as_str()).or_default().push(d);
    }
    for v in m.values_mut() {
        v.sort_by(|a, b| {
            (&a.key.cluster, &a.key.kind, &a.key.name).cmp(&(
                &b.key.cluster,
                &b.key.kind,
                &b.key.name,
            ))
        });
    }
    m
}

fn verb(c: &Change) -> &'static str {
    match c {
        Change::Added => "added",
        Change::Removed => "removed",
        Change::Changed { .. } => "changed",
    }
}

/// The most disruptive job impact of a service across its clusters, for summaries.
fn service_impacts(diffs: &[&ObjectDiff]) -> Vec<(Impact, Vec<String>)> {
    let mut m: BTreeMap<&'static str, (Impact, Vec<String>)> = BTreeMap::new();
    for d in diffs {
        if let Some(i) = d.impact {
            m.entry(i.describe())
                .or_insert((i, Vec::new()))
                .1
                .push(d.key.cluster.clone());
        }
    }
    m.into_values().collect()
}

/// The files a side's errors are in, for a sentence: at most [`LISTED`], then how many more.
fn files_list(files: &[String], show: impl Fn(&str) -> String) -> String {
    let mut list: Vec<String> = files.iter().take(LISTED).map(|f| show(f)).collect();
    if files.len() > LISTED {
        list.push(format!("{} more", files.len() - LISTED));
    }
    list.join(", ")
}

/// Files and services listed by name in the reports' sentences.
const LISTED: usize = 20;

/// What a side could not render, as lines for the terminal.
fn human_errors(s: &mut String, side: &str, u: &Unrendered) {
    if u.is_complete() {
        return;
    }
    let _ = writeln!(
        s,
        "{side} has errors that stop rendering, in {} (run `flinkform check`):",
        files_list(&u.files, str::to_string)
    );
    if u.nothing {
        let _ = writeln!(s, "  nothing could be rendered: no service was compared");
    } else if !u.services.is_empty() {
        let _ = writeln!(
            s,
            "  not compared: {}",
            files_list(&u.services, str::to_string)
        );
    }
}

pub fn human(diffs: &[ObjectDiff], base: &str, sides: &Sides, risks: &Risks) -> String {
    let mut s = String::new();
    human_errors(&mut s, "the working tree", &sides.head);
    human_errors(&mut s, &format!("the base {base}"), &sides.base);
    if sides.head.nothing || sides.base.nothing {
        return s;
    }
    let partial = !sides.head.services.is_empty() || !sides.base.services.is_empty();
    if diffs.is_empty() {
        let other = if partial {
            " to the services compared"
        } else {
            ""
        };
        let _ = writeln!(s, "no changes{other} against {base}");
        return s;
    }
    let services = by_service(diffs);
    let _ = writeln!(
        s,
        "{} object(s) differ from {base}, in {} service(s):",
        diffs.len(),
        services.len()
    );
    if !risks.is_empty() {
        let _ = writeln!(
            s,
            "{} {} (`flinkform check --base` says where)",
            risks.len(),
            at_risk(risks.len())
        );
    }
    for (service, items) in &services {
        let _ = writeln!(s, "\n{}", terminal::inline(service));
        for (impact, clusters) in service_impacts(items) {
            let _ = writeln!(s, "  job: {} [{}]", impact.describe(), clusters.join(", "));
        }
        for risk in risks.get(*service).into_iter().flatten() {
            let _ = writeln!(s, "  state at risk: {}", terminal::inline(&risk.line()));
        }
        for d in items {
            let detail = d
                .detail
                .as_deref()
                .map(|x| format!(" ({})", terminal::inline(x)))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "  {} {} {} in {}{detail}",
                verb(&d.change),
                d.key.kind,
                d.key.name,
                d.key.cluster
            );
            if let Change::Changed { fields } = &d.change {
                for f in fields {
                    let _ = writeln!(s, "      {}", field_line(f));
                }
            }
        }
    }
    s
}

/// What a side could not render, as a Markdown paragraph (text from the input escaped).
fn markdown_errors(s: &mut String, icon: &str, side: &str, u: &Unrendered) {
    if u.is_complete() {
        return;
    }
    let code = |f: &str| format!("`{}`", code_span(f));
    let _ = write!(
        s,
        "{icon} **{side} has errors that stop rendering**, in {}: ",
        files_list(&u.files, code)
    );
    if u.nothing {
        s.push_str("nothing could be rendered, so no service was compared.");
    } else if u.services.is_empty() {
        s.push_str("the services that rendered are compared.");
    } else {
        let _ = write!(
            s,
            "not compared: {}.",
            files_list(&u.services, |n| format!("`{}`", code_span(n)))
        );
    }
    s.push_str(" `flinkform check` reports the errors.\n\n");
}

/// Text in a code span: one line, and no backtick to end the span early.
fn code_span(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '`' => '\u{2018}',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// A Markdown document within a byte budget: parts are added whole or not at all.
struct Bounded {
    text: String,
    max: usize,
}

/// Room kept for the last line that says what was left out.
const RESERVE: usize = 512;

impl Bounded {
    fn fits(&self, more: usize) -> bool {
        self.text.len() + more + RESERVE <= self.max
    }

    fn push(&mut self, part: &str) -> bool {
        let ok = self.fits(part.len());
        if ok {
            self.text.push_str(part);
        }
        ok
    }
}

/// The Markdown of one service's section: its objects and changed fields in a collapsible
/// block. With `room`, as many lines as fit in that many bytes, the block closed properly and
/// the rest counted inside it; `None` when not even the opening fits.
fn service_section(service: &str, items: &[&ObjectDiff], room: Option<usize>) -> Option<String> {
    let mut s = format!(
        "\n<details><summary><code>{}</code>: {} object(s)</summary>\n\n",
        cell(service),
        items.len()
    );
    let close = "\n</details>\n";
    // Room for the closing of a fence, the count of what is left out and the block's end.
    let tail = 160;
    let fits = |s: &str, more: usize| room.is_none_or(|r| s.len() + more + tail <= r);
    if !fits(&s, 0) {
        return None;
    }
    let mut shown = 0;
    'objects: for d in items {
        let detail = d
            .detail
            .as_deref()
            .map(|x| format!(" ({})", cell(x)))
            .unwrap_or_default();
        let impact = d
            .impact
            .map(|i| format!(" — **{}**", i.describe()))
            .unwrap_or_default();
        let line = format!(
            "- {} `{}/{}` in `{}`{impact}{detail}\n",
            verb(&d.change),
            code_span(&d.key.kind),
            code_span(&d.key.name),
            code_span(&d.key.cluster)
        );
        if !fits(&s, line.len()) {
            break;
        }
        s.push_str(&line);
        shown += 1;
        if let Change::Changed { fields } = &d.change
            && !fields.is_empty()
        {
            // One line per field, and a fence longer than any run of backticks in them, so
            // no key or value from a spec can end the block.
            let lines: Vec<String> = fields
                .iter()
                .map(|f| {
                    field_line(f)
                        .replacen("~ ", "! ", 1)
                        .replace('\r', "\\r")
                        .replace('\n', "\\n")
                })
                .collect();
            let fence = "`".repeat(3.max(longest_backtick_run(&lines) + 1));
            let open = format!("\n  {fence}diff\n");
            let end = format!("  {fence}\n");
            if !fits(&s, open.len() + end.len()) {
                break;
            }
            s.push_str(&open);
            let mut left = 0;
            for (i, line) in lines.iter().enumerate() {
                let line = format!("  {line}\n");
                if !fits(&s, line.len() + end.len()) {
                    left = lines.len() - i;
                    break;
                }
                s.push_str(&line);
            }
            if left > 0 {
                let _ = writeln!(s, "  … {left} more changed field(s) not shown");
            }
            s.push_str(&end);
            if left > 0 {
                break 'objects;
            }
        }
    }
    if shown < items.len() {
        let _ = writeln!(
            s,
            "\n{} more object(s) of this service are not shown.",
            items.len() - shown
        );
    }
    s.push_str(close);
    Some(s)
}

/// The diff for a pull request, within `max_bytes`, with the state each service's change puts
/// at risk (the transition findings of `check --base`, per service: one line each, `rule:
/// message`) in the table that leads it.
pub fn markdown(
    diffs: &[ObjectDiff],
    base: &str,
    sides: &Sides,
    max_bytes: usize,
    risks: &Risks,
) -> String {
    let mut head = format!("## flinkform diff against {}\n\n", cell(base));
    markdown_errors(&mut head, "❌", "The working tree", &sides.head);
    markdown_errors(&mut head, "⚠️", "The base revision", &sides.base);
    let mut doc = Bounded {
        text: head,
        max: max_bytes,
    };
    if sides.head.nothing || sides.base.nothing {
        doc.text.push_str("Nothing was compared.\n");
        return doc.text;
    }
    if diffs.is_empty() {
        let partial = !sides.head.services.is_empty() || !sides.base.services.is_empty();
        doc.text.push_str(if partial {
            "No changes to the services compared.\n"
        } else {
            "No changes to the clusters.\n"
        });
        return doc.text;
    }
    let services = by_service(diffs);
    let total = services.len();
    let mut rows = 0;
    if !risks.is_empty() {
        let n = risks.len();
        let _ = write!(
            doc.text,
            "⚠️ **{n}** {}: see the table, and `flinkform check --base` for where.\n\n",
            at_risk(n)
        );
    }
    let header = if risks.is_empty() {
        "| service | what happens to the job | clusters | objects |\n|---|---|---|---|\n"
    } else {
        "| service | what happens to the job | state at risk | clusters | objects |\n|---|---|---|---|---|\n"
    };
    if doc.push(header) {
        for (service, items) in &services {
            let impacts = service_impacts(items);
            let what = if impacts.is_empty() {
                "no Flink job change".to_string()
            } else {
                impacts
                    .iter()
                    .map(|(i, _)| i.describe())
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let mut clusters: Vec<&str> = items.iter().map(|d| d.key.cluster.as_str()).collect();
            clusters.dedup();
            let risk = if risks.is_empty() {
                String::new()
            } else {
                let list = risks.get(*service).map_or_else(
                    || "none found".to_string(),
                    |l| {
                        l.iter()
                            .map(|r| cell(&r.line()))
                            .collect::<Vec<_>>()
                            .join("<br>")
                    },
                );
                format!(" {list} |")
            };
            let row = format!(
                "| `{}` | {} |{risk} {} | {} |\n",
                code_span(service),
                cell(&what),
                cell(&clusters.join(", ")),
                items.len()
            );
            if !doc.push(&row) {
                break;
            }
            rows += 1;
        }
    }
    let mut sections = 0;
    let mut cut = false;
    if rows == total {
        for (service, items) in &services {
            let whole = service_section(service, items, None).unwrap_or_default();
            if doc.push(&whole) {
                sections += 1;
                continue;
            }
            // The first section that does not fit: as much of it as fits, closed properly.
            let room = doc.max.saturating_sub(doc.text.len() + RESERVE);
            if let Some(part) = service_section(service, items, Some(room))
                && doc.push(&part)
            {
                cut = true;
            }
            break;
        }
    }
    if rows < total || sections < total {
        let _ = write!(
            doc.text,
            "\n**Not all of the diff fits in a job summary** (at most {} KiB): {} of {total} services in the table, {sections} shown in full{}. `flinkform diff` against the same base shows everything.\n",
            doc.max / 1024,
            rows,
            if cut { ", one in part" } else { "" }
        );
    }
    doc.text
}

pub fn json(diffs: &[ObjectDiff], base: &str, sides: &Sides, risks: &Risks) -> String {
    let doc = serde_json::json!({
        "version": 1,
        "base": base,
        "changes": diffs,
        "unrendered": sides,
        "state_at_risk": risks,
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
