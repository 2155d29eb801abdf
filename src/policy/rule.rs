//! What a rule is: metadata (a stable kebab-case name, a default severity, and its
//! documentation, which is its doc comment), and a check over one target or over all of them.
//!
//! ```text
//! declare_rule! {
//!     /// One-line summary.
//!     ///
//!     /// ## What it checks ... ## Why ... ## Example ```yaml,fires ... ## Fix ```yaml,passes
//!     pub struct MemoryMatchesLimit { name: "memory-matches-limit", severity: Error }
//! }
//! impl Rule for MemoryMatchesLimit { … }
//! ```

use super::target::Target;
use crate::diag::Severity;
use crate::tree::Origin;

#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub severity: Severity,
    /// The rule's doc comment: its `explain` text and its section of `docs/rules.md`.
    pub doc: &'static str,
    /// For rules that guard security (tenant isolation, credentials, what runs in the
    /// cluster): how severe a finding is, as a CVSS-like score from 0.1 to 10.0 (GitHub code
    /// scanning shows ≥ 9.0 as critical, ≥ 7.0 high, ≥ 4.0 medium, else low). `None` for rules
    /// about correctness and operations.
    pub security_severity: Option<&'static str>,
}

impl RuleMeta {
    /// The documentation with the one space rustdoc leaves after `///` removed.
    pub fn explain(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }

    /// The first line of the documentation.
    pub fn summary(&self) -> String {
        self.explain()
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    }
}

/// A finding as a rule states it; the engine turns it into a diagnostic (severity from the
/// platform config, location falling back to the target's, subject, waivers).
#[derive(Debug, Clone)]
pub struct Finding {
    pub message: String,
    pub at: Origin,
    pub label: String,
    pub secondary: Vec<(Origin, String)>,
    pub help: Option<String>,
    /// A lower severity than the rule's for this finding (e.g. a deprecated rather than an
    /// unsupported version). Used only while the platform does not set the rule's severity.
    pub severity: Option<Severity>,
    /// The text at `at` is secret: renderers mask it wherever they show source text.
    pub redact: bool,
}

impl Finding {
    pub fn new(at: Origin, message: impl Into<String>) -> Finding {
        Finding {
            message: message.into(),
            at,
            label: String::new(),
            secondary: Vec::new(),
            help: None,
            severity: None,
            redact: false,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn also(mut self, at: Origin, label: impl Into<String>) -> Self {
        self.secondary.push((at, label.into()));
        self
    }

    pub fn redacted(mut self) -> Self {
        self.redact = true;
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;

    /// Checks one FlinkDeployment or FlinkSessionJob.
    fn check(&self, _target: &Target<'_>, _out: &mut Vec<Finding>) {}

    /// Checks all targets together (rules across services), from their identities: a rule
    /// across services sees names, namespaces and clusters, not whole objects, so a run over a
    /// large repository never has to hold every object at once. Findings are attributed to the
    /// target at the given index.
    fn check_all(&self, _targets: &[super::target::Identity], _out: &mut Vec<(usize, Finding)>) {}
}

/// Declares a rule type whose doc comment becomes its documentation.
#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $vis:vis struct $ty:ident { name: $name:literal, severity: $sev:ident $(, security: $sec:literal)? $(,)? }) => {
        $(#[doc = $doc])*
        $vis struct $ty;
        impl $ty {
            pub const META: $crate::policy::rule::RuleMeta = $crate::policy::rule::RuleMeta {
                name: $name,
                severity: $crate::diag::Severity::$sev,
                doc: concat!($($doc, "\n"),*),
                security_severity: $crate::declare_rule!(@security $($sec)?),
            };
        }
    };
    (@security) => { None };
    (@security $sec:literal) => { Some($sec) };
}
