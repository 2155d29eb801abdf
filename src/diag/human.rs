//! `--format human`: miette's graphical renderer behind a small adapter, so miette stays a
//! replaceable detail (it is the only file that names it).
//!
//! Paths are shown relative to the directory flinkform runs in ([`SourceMap::shown`]), so a
//! terminal can open them. Everything taken from the input (source text, messages, labels,
//! file names, waiver reasons) passes through [`terminal`] first: no control character or
//! escape sequence from a spec reaches the terminal.
//!
//! miette never sees a whole file: each finding gets a [`Snippet`] of the lines around its
//! labels, long lines cut to excerpts (see `snippet.rs`), so rendering costs what it shows,
//! whatever the size of the file, the length of its lines or the number of findings in it.

use super::snippet::Snippet;
use super::{Diagnostic, Label, Report, Severity, terminal};
use crate::source::{FileId, Reader, SourceMap};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Copy, Debug)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

pub fn render(report: &Report, sources: &SourceMap, opts: HumanOptions) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false)
        .with_context_lines(1);
    let texts = Texts::new(report, sources);
    let mut out = String::new();
    for d in &report.diagnostics {
        let adapter = Adapter::new(d, sources, &texts);
        if handler.render_report(&mut out, &adapter).is_err() {
            out.push_str(&format!(
                "{}: {}\n",
                terminal::inline(&d.rule),
                terminal::text(&d.message)
            ));
        }
    }
    out.push_str(&summary_line(report));
    out
}

/// `2 errors, 1 warning (1 waived) in 12 files`, or `no findings in 12 files`.
pub fn summary_line(report: &Report) -> String {
    let s = report.summary();
    let plural = |n: usize, w: &str| crate::plural::count(n, w, &format!("{w}s"));
    let mut parts = Vec::new();
    if s.errors > 0 {
        parts.push(plural(s.errors, "error"));
    }
    if s.warnings > 0 {
        parts.push(plural(s.warnings, "warning"));
    }
    if s.infos > 0 {
        parts.push(plural(s.infos, "info"));
    }
    if s.waived > 0 {
        parts.push(format!("{} waived", s.waived));
    }
    let head = if parts.is_empty() {
        "no findings".to_string()
    } else {
        parts.join(", ")
    };
    format!("{head} in {}\n", plural(s.files, "file"))
}

/// What miette sees of a source file for one finding: its name and the [`Snippet`] of the
/// lines the finding shows. Line numbers and the column of a label's start are the file's.
struct Window {
    name: String,
    snippet: Snippet,
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let region = self
            .snippet
            .region(span.offset())
            .ok_or(MietteError::OutOfBounds)?;
        let text = &self.snippet.text[region.start..region.end];
        let local_start = span.offset() - region.start;
        let local = SourceSpan::new(local_start.into(), span.len().min(text.len() - local_start));
        let c = text.read_span(&local, context_lines_before, context_lines_after)?;
        let line = region.first_line + c.line();
        // miette gives a column only when it reads the span without context (for the
        // `[file:line:col]` header): the file's column, not the excerpt's.
        let column = if context_lines_before == 0 {
            region.file_column(span.offset())
        } else {
            0
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            SourceSpan::new((c.span().offset() + region.start).into(), c.span().len()),
            line,
            column,
            // miette joins two labels' snippets when the first one's line plus this count
            // reaches the second's line: within a region, never across one.
            region.last_line + 1 - line.min(region.last_line),
        )))
    }
}

/// The text of each file as snippets show it: with every byte of every secret span (the
/// primary span of a redacted finding, and every secret value `crate::secrets` finds in the
/// files shown) replaced by `*`, and every control character replaced by a visible one
/// ([`terminal::same_length`]). Any finding's snippet or context line may show a secret's
/// line, so masking happens here, once, for all of them; byte offsets stay valid because the
/// length does not change.
struct Texts {
    masked: HashMap<FileId, Arc<str>>,
    /// Files whose text needs no change are shared, not copied.
    names: HashMap<FileId, String>,
}

impl Texts {
    fn new(report: &Report, sources: &SourceMap) -> Texts {
        let mut spans: HashMap<FileId, Vec<(usize, usize)>> = HashMap::new();
        let redacted = report
            .diagnostics
            .iter()
            .filter(|d| d.redact)
            .filter_map(|d| d.primary.as_ref().map(|p| p.span));
        // Every secret value of every file shown (the one decision, `crate::secrets`),
        // whether or not a finding is about it.
        let secrets = crate::secrets::shown_spans(&report.diagnostics, sources);
        for span in redacted.chain(secrets) {
            spans
                .entry(span.file)
                .or_default()
                .push((span.start as usize, span.end as usize));
        }
        let masked = spans
            .into_iter()
            .map(|(id, ranges)| {
                let mut bytes = sources.get(id).text.as_bytes().to_vec();
                for (start, end) in ranges {
                    // Line breaks and the indentation after them stay, so a masked block
                    // scalar keeps its lines (and every line after it its number).
                    let mut indent = false;
                    for b in bytes.iter_mut().take(end).skip(start) {
                        match *b {
                            b'\n' | b'\r' => indent = true,
                            b' ' | b'\t' if indent => {}
                            _ => {
                                indent = false;
                                *b = b'*';
                            }
                        }
                    }
                }
                // A secret span is made of whole characters (it comes from the parser),
                // replaced by ASCII, so this cannot fail; if it did, show nothing rather than
                // the secret.
                let text = String::from_utf8(bytes).unwrap_or_default();
                (id, Arc::from(terminal::same_length(&text)))
            })
            .collect::<HashMap<FileId, Arc<str>>>();
        let mut texts = Texts {
            masked,
            names: HashMap::new(),
        };
        // Files shown in a snippet whose text holds control characters get a safe copy too.
        for d in &report.diagnostics {
            let labels = d.primary.iter().chain(d.secondary.iter());
            for id in labels.map(|l| l.span.file) {
                texts
                    .names
                    .entry(id)
                    .or_insert_with(|| terminal::inline(&sources.shown(id, Reader::Human)));
                if let std::collections::hash_map::Entry::Vacant(slot) = texts.masked.entry(id) {
                    let text = &sources.get(id).text;
                    if text.chars().any(terminal::is_unsafe) {
                        slot.insert(Arc::from(terminal::same_length(text)));
                    }
                }
            }
        }
        texts
    }

    /// The window of file `id` a finding shows for `labels` (the `primary`-th among them is
    /// the finding's own), and the labels' spans in it.
    fn window(
        &self,
        id: FileId,
        sources: &SourceMap,
        labels: &[&Label],
        primary: usize,
    ) -> (Window, Vec<(usize, usize)>) {
        let file = sources.get(id);
        let text = self.masked.get(&id).unwrap_or(&file.text);
        let spans: Vec<(usize, usize)> = labels
            .iter()
            .map(|l| (l.span.start as usize, l.span.end as usize))
            .collect();
        let snippet = Snippet::new(&file, text, &spans, primary);
        let spans = snippet.spans.clone();
        let name = self
            .names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| terminal::inline(&file.path));
        (Window { name, snippet }, spans)
    }
}

/// One diagnostic as miette sees it. Labels in the primary's file are drawn together; labels in
/// other files become related notes with their own snippet.
struct Adapter {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    url: Option<String>,
    source: Option<Window>,
    labels: Vec<LabeledSpan>,
    related: Vec<Adapter>,
}

impl Adapter {
    fn new(d: &Diagnostic, sources: &SourceMap, texts: &Texts) -> Adapter {
        let severity = match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        };
        let mut message = terminal::text(&d.message);
        if let Some(s) = &d.subject {
            message = format!("{message} [{}]", terminal::inline(s));
        }
        let mut help = d.help.as_deref().map(terminal::text);
        if let Some(w) = &d.waived {
            let file = sources.get(w.span.file);
            let at = file.line_col(w.span.start as usize);
            let note = format!(
                "waived until {} ({}:{}): {}",
                terminal::inline(&w.expires),
                terminal::inline(&sources.shown(w.span.file, Reader::Human)),
                at.line,
                terminal::text(&w.reason)
            );
            help = Some(match help {
                Some(h) => format!("{h}\n{note}"),
                None => note,
            });
        }
        let mut a = Adapter {
            message,
            code: terminal::inline(&d.rule),
            severity,
            help,
            url: Some(d.url()),
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
        };
        let Some(primary) = &d.primary else {
            return a;
        };
        let file = primary.span.file;
        let here: Vec<&Label> = std::iter::once(primary)
            .chain(d.secondary.iter().filter(|l| l.span.file == file))
            .collect();
        let (window, spans) = texts.window(file, sources, &here, 0);
        a.source = Some(window);
        for (i, (l, span)) in here.iter().zip(spans).enumerate() {
            a.labels.push(labeled(l, span, i == 0));
        }
        for l in d.secondary.iter().filter(|l| l.span.file != file) {
            let (window, spans) = texts.window(l.span.file, sources, &[l], 0);
            a.related.push(Adapter {
                message: terminal::text(&l.message),
                code: String::new(),
                severity: miette::Severity::Advice,
                help: None,
                url: None,
                source: Some(window),
                labels: spans
                    .into_iter()
                    .map(|span| labeled(l, span, true))
                    .collect(),
                related: Vec::new(),
            });
        }
        a
    }
}

/// A label at its span in the finding's [`Window`].
fn labeled(l: &Label, (start, end): (usize, usize), primary: bool) -> LabeledSpan {
    let text = (!l.message.is_empty()).then(|| terminal::inline(&l.message));
    let span = SourceSpan::new(start.into(), end - start);
    if primary {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
    }
}

impl fmt::Debug for Adapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Adapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Adapter {}

impl miette::Diagnostic for Adapter {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty()).then(|| Box::new(self.labels.iter().cloned()) as Box<_>)
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        (!self.related.is_empty())
            .then(|| Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)) as Box<_>)
    }
}
