//! The one diagnostic type, and the collection a run produces.
//!
//! A diagnostic is plain data: a rule name, a severity, a message, a primary span and
//! secondary spans, help and a docs URL. Renderers (`human`, `json`, …) turn a [`Report`] into
//! text; nothing here prints.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod snippet;
pub mod terminal;

use crate::source::{SourceMap, Span};
use serde::Serialize;
use std::cmp::Ordering;

/// Base of the documentation links in diagnostics and SARIF. The rules reference is
/// `docs/rules.md` in this repository, one heading per rule.
pub const DOCS_BASE: &str = "https://github.com/flinkform/flinkform/blob/main/docs";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A span with a short message shown under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A waiver that covers a finding: reported as waived, never hidden.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waived {
    pub reason: String,
    pub expires: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Stable kebab-case rule name, e.g. `schema`, `yaml-syntax`, `memory-matches-limit`.
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// Where the user must look. `None` only for findings about no file at all.
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// What the finding is about, e.g. `fraud-detector (prod/prod-eu-1)`, for summaries.
    pub subject: Option<String>,
    pub waived: Option<Box<Waived>>,
    /// The source text at the primary location is a secret: renderers that show source text
    /// mask it (in this finding's snippet and in every other one that shows that line).
    pub redact: bool,
}

impl Diagnostic {
    pub fn new(rule: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            rule: rule.into(),
            severity,
            message: crate::excerpt::bound(message.into()),
            primary: None,
            secondary: Vec::new(),
            help: None,
            subject: None,
            waived: None,
            redact: false,
        }
    }

    /// The documentation of this finding's rule.
    pub fn url(&self) -> String {
        rule_url(&self.rule)
    }

    pub fn error(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Error, message)
    }

    pub fn warning(rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Warning, message)
    }

    pub fn at(mut self, span: Span, label: impl Into<String>) -> Self {
        self.primary = Some(Label {
            span,
            message: crate::excerpt::bound(label.into()),
        });
        self
    }

    pub fn at_opt(self, span: Option<Span>, label: impl Into<String>) -> Self {
        match span {
            Some(s) => self.at(s, label),
            None => self,
        }
    }

    pub fn with_secondary(mut self, span: Span, label: impl Into<String>) -> Self {
        let label = Label {
            span,
            message: crate::excerpt::bound(label.into()),
        };
        if self.primary.as_ref() != Some(&label) && !self.secondary.contains(&label) {
            self.secondary.push(label);
        }
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(crate::excerpt::bound(help.into()));
        self
    }

    pub fn redacted(mut self) -> Self {
        self.redact = true;
        self
    }

    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Whether this finding counts against `--fail-on`: waived findings never do.
    pub fn is_active(&self) -> bool {
        self.waived.is_none()
    }
}

/// The command that shows every finding of an analysis (`check`, `render`, `lint`) locally,
/// for the lines that say where findings left out of a report can be seen.
pub fn local_command(analysis: &str) -> String {
    match analysis {
        "render" => "flinkform render --check".to_string(),
        other => format!("flinkform {other}"),
    }
}

/// The docs link for a rule: its section in `docs/rules.md`.
pub fn rule_url(rule: &str) -> String {
    format!("{DOCS_BASE}/rules.md#{rule}")
}

/// Every finding of a run plus what the summary needs.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    /// Number of input files looked at.
    pub files: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub waived: usize,
    pub files: usize,
}

impl Report {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            files: self.files,
            ..Summary::default()
        };
        for d in &self.diagnostics {
            if !d.is_active() {
                s.waived += 1;
                continue;
            }
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }

    /// The highest severity among findings that are not waived.
    pub fn worst(&self) -> Option<Severity> {
        self.diagnostics
            .iter()
            .filter(|d| d.is_active())
            .map(|d| d.severity)
            .max()
    }

    /// Sorts into the one total order every renderer uses, and drops exact duplicates (the
    /// same finding reached through several clusters of one environment).
    pub fn finish(&mut self, sources: &SourceMap) {
        sort(&mut self.diagnostics, sources);
        self.diagnostics.dedup_by(|a, b| {
            a.rule == b.rule
                && a.severity == b.severity
                && a.primary == b.primary
                && a.message == b.message
                && a.waived == b.waived
        });
    }
}

/// Total order: file path, position, rule, severity (errors first), message, then the rest.
pub fn sort(diags: &mut [Diagnostic], sources: &SourceMap) {
    diags.sort_by(|a, b| compare(a, b, sources));
}

fn compare(a: &Diagnostic, b: &Diagnostic, sources: &SourceMap) -> Ordering {
    let key = |d: &Diagnostic| {
        d.primary
            .as_ref()
            .map(|l| (sources.path(l.span.file), l.span.start, l.span.end))
    };
    key(a)
        .cmp(&key(b))
        .then_with(|| a.rule.cmp(&b.rule))
        .then_with(|| b.severity.cmp(&a.severity))
        .then_with(|| a.message.cmp(&b.message))
        .then_with(|| a.subject.cmp(&b.subject))
        .then_with(|| a.help.cmp(&b.help))
        .then_with(|| {
            let sec = |d: &Diagnostic| {
                d.secondary
                    .iter()
                    .map(|l| (l.span, l.message.clone()))
                    .collect::<Vec<_>>()
            };
            sec(a).cmp(&sec(b))
        })
        .then_with(|| a.waived.is_some().cmp(&b.waived.is_some()))
}
