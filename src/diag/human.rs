//! `--format human`: miette's graphical renderer behind a small adapter, so miette stays a
//! replaceable detail (it is the only file that names it).
//!
//! Paths are shown relative to the directory flinkform runs in ([`SourceMap::shown`]), so a
//! terminal can open them. Everything taken from the input (source text, messages, labels,
//! file names, waiver reasons) passes through [`terminal`] first: no control character or
//! escape sequence from a spec reaches the terminal.

use super::{Diagnostic, Label, Report, Severity, terminal};
use crate::source::{FileId, Reader, SourceFile, SourceMap};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode, SourceSpan,
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

/// A source file as miette sees it: named and shared, never copied.
type Src = NamedSource<Arc<str>>;

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
                    for b in bytes.iter_mut().take(end).skip(start) {
                        *b = b'*';
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

    fn src(&self, id: FileId, file: &SourceFile) -> Src {
        let text = self
            .masked
            .get(&id)
            .cloned()
            .unwrap_or_else(|| file.text.clone());
        let name = self
            .names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| terminal::inline(&file.path));
        NamedSource::new(name, text)
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
    source: Option<Src>,
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
        a.source = Some(texts.src(file, &sources.get(file)));
        a.labels.push(labeled(primary, true));
        for l in &d.secondary {
            if l.span.file == file {
                a.labels.push(labeled(l, false));
            } else {
                a.related.push(Adapter {
                    message: terminal::text(&l.message),
                    code: String::new(),
                    severity: miette::Severity::Advice,
                    help: None,
                    url: None,
                    source: Some(texts.src(l.span.file, &sources.get(l.span.file))),
                    labels: vec![labeled(l, true)],
                    related: Vec::new(),
                });
            }
        }
        a
    }
}

fn labeled(l: &Label, primary: bool) -> LabeledSpan {
    let text = (!l.message.is_empty()).then(|| terminal::inline(&l.message));
    let span = SourceSpan::new((l.span.start as usize).into(), l.span.len());
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
