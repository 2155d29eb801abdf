//! What a rule is: metadata (a stable kebab-case name, a default severity, a category, the
//! kinds of object it applies to, whether its errors block rendering, and its documentation,
//! which is its doc comment), and a check over one target or over all of them.
//!
//! A rule is one file in `rules/` and one line in the registry (`rules/mod.rs`). The file
//! declares the metadata and, for a policy rule, implements the check:
//!
//! ```text
//! declare_rule! {
//!     /// One-line summary.
//!     ///
//!     /// ## What it checks ... ## Why ... ## Example ```yaml,fires ... ## Fix ```yaml,passes
//!     pub struct MemoryMatchesLimit {
//!         name: "memory-matches-limit", severity: Error, category: Policy, kinds: [Deployment],
//!     }
//! }
//! impl Rule for MemoryMatchesLimit { fn check(…) { … } }
//! ```
//!
//! The optional fields, in this order after `category`: `kinds: [Deployment, SessionJob]`
//! (policy rules; the default is both), `spec: false` (no service spec can make it fire: its
//! documentation shows manifests only), `blocks_render: true` (an active error stops
//! `render`), `security: "7.5"` (see [`RuleMeta::security_severity`]). A `Core` or
//! `Repository` rule has no check of its own (the stage that reads the input reports it), so
//! the macro implements [`Rule`] for it too.

use super::target::Target;
use crate::diag::Severity;
use crate::facts::view::Kind;
use crate::tree::Origin;

/// What a rule's findings are about, which decides who reports them and whether the platform
/// may configure them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Input that cannot be read, checked or compared (YAML, schema, paths, CRDs, templates,
    /// the output folder): reported by the stage that reads it, always at the rule's
    /// severity; it cannot be configured or waived.
    Core,
    /// The repository and its policy settings (waivers, rule settings, where specs are):
    /// reported about a file, not a service; configurable.
    Repository,
    /// What will be deployed: one FlinkDeployment or FlinkSessionJob (or all of them
    /// together), from a service spec or a manifest; configurable and waivable.
    Policy,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Core => "core",
            Category::Repository => "repository",
            Category::Policy => "policy",
        }
    }
}

#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub severity: Severity,
    pub category: Category,
    /// The kinds of object a policy rule checks (the engine runs it on no other); empty for
    /// core and repository rules, which are about files.
    pub kinds: &'static [Kind],
    /// Whether a service spec can make the rule fire. `false` for rules about what flinkform
    /// renders correctly from every spec, or about objects it never renders: their
    /// documentation shows manifests only.
    pub fires_from_spec: bool,
    /// Whether an active error of this rule leaves nothing sound to render: `render` stops
    /// (see `compile::is_blocking`).
    pub blocks_render: bool,
    /// The rule's doc comment: its `explain` text and its section of `docs/rules.md`.
    pub doc: &'static str,
    /// For rules that guard security (tenant isolation, credentials, what runs in the
    /// cluster): how severe a finding is, as a CVSS-like score from 0.1 to 10.0 (GitHub code
    /// scanning shows ≥ 9.0 as critical, ≥ 7.0 high, ≥ 4.0 medium, else low). `None` for rules
    /// about correctness and operations.
    pub security_severity: Option<&'static str>,
}

impl RuleMeta {
    /// Whether the platform config may set this rule's severity or waive its findings.
    pub fn configurable(&self) -> bool {
        self.category != Category::Core
    }

    /// Whether the engine runs this rule's [`Rule::check`] on an object of this kind.
    pub fn applies_to(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }

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

/// A rule's metadata, implemented by [`declare_rule!`](crate::declare_rule).
pub trait Declared {
    fn meta(&self) -> &'static RuleMeta;
}

/// A rule's checks. Only policy rules implement them; the defaults find nothing.
pub trait Rule: Declared + Sync {
    /// Checks one FlinkDeployment or FlinkSessionJob (of a kind in [`RuleMeta::kinds`]).
    fn check(&self, _target: &Target<'_>, _out: &mut Vec<Finding>) {}

    /// Checks all targets together (rules across services), from their identities: a rule
    /// across services sees names, namespaces and clusters, not whole objects, so a run over a
    /// large repository never has to hold every object at once. Findings are attributed to the
    /// target at the given index.
    fn check_all(&self, _targets: &[super::target::Identity], _out: &mut Vec<(usize, Finding)>) {}
}

/// Declares a rule type: its metadata (see the module documentation for the fields), with its
/// doc comment as its documentation.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $ty:ident {
            name: $name:literal,
            severity: $sev:ident,
            category: $cat:ident
            $(, kinds: [$($kind:ident),* $(,)?])?
            $(, spec: $spec:literal)?
            $(, blocks_render: $blocks:literal)?
            $(, security: $sec:literal)?
            $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        $vis struct $ty;
        impl $ty {
            pub const META: $crate::policy::rule::RuleMeta = $crate::policy::rule::RuleMeta {
                name: $name,
                severity: $crate::diag::Severity::$sev,
                category: $crate::policy::rule::Category::$cat,
                kinds: $crate::declare_rule!(@kinds $cat $([$($kind),*])?),
                fires_from_spec: $crate::declare_rule!(@or $cat $($spec)?),
                blocks_render: $crate::declare_rule!(@or_false $($blocks)?),
                doc: concat!($($doc, "\n"),*),
                security_severity: $crate::declare_rule!(@security $($sec)?),
            };
        }
        impl $crate::policy::rule::Declared for $ty {
            fn meta(&self) -> &'static $crate::policy::rule::RuleMeta {
                &Self::META
            }
        }
        $crate::declare_rule!(@checks $cat $ty);
    };
    (@kinds Policy) => {
        &[$crate::facts::view::Kind::Deployment, $crate::facts::view::Kind::SessionJob]
    };
    (@kinds $cat:ident [$($kind:ident),*]) => { &[$($crate::facts::view::Kind::$kind),*] };
    (@kinds $cat:ident) => { &[] };
    (@or Policy) => { true };
    (@or $cat:ident) => { false };
    (@or $cat:ident $v:literal) => { $v };
    (@or_false) => { false };
    (@or_false $v:literal) => { $v };
    (@checks Policy $ty:ident) => {};
    (@checks $cat:ident $ty:ident) => {
        impl $crate::policy::rule::Rule for $ty {}
    };
    (@security) => { None };
    (@security $sec:literal) => { Some($sec) };
}
