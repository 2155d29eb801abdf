//! The policy engine: rules over what will be deployed, severities from the platform config,
//! and waivers.
//!
//! Each rule (one file under `rules/`) looks at one FlinkDeployment or FlinkSessionJob at a
//! time ([`Rule::check`]) or at all of them together ([`Rule::check_all`], for rules across
//! services, which must stay near-linear). The engine turns findings into diagnostics:
//! * severity: the platform's `policy.environments.<env>.rules`, else `policy.rules`, else the
//!   rule's default (`off` disables the rule);
//! * location: the value's origin, else the target's fallback (the service's `spec` key);
//! * waivers (`policy.waivers` in the platform config): a matching, unexpired waiver marks the
//!   finding waived (still reported); an expired waiver is an error (`waiver-expired`) at the
//!   waiver; a waiver that matches nothing is a warning (`waiver-unused`).

pub mod date;
pub mod docs;
pub mod rule;
pub mod rules;
pub mod target;
pub mod transition;

pub use rule::{Category, Declared, Finding, Rule, RuleMeta};
pub use rules::RuleId;
pub use target::{Identity, Mode, Target};

use crate::diag::{Diagnostic, Severity, Waived};
use crate::spec::platform::{Platform, SeveritySetting, Waiver};
use crate::suggest::did_you_mean;
use crate::tree::Origin;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Every rule, in registry order (alphabetical).
pub fn registry() -> &'static [&'static dyn Rule] {
    rules::ALL
}

pub fn find(name: &str) -> Option<&'static dyn Rule> {
    registry().iter().copied().find(|r| r.meta().name == name)
}

/// Every rule's metadata: the registry's, then the transition rules' (`check --base`).
pub fn all_metas() -> impl Iterator<Item = &'static RuleMeta> {
    registry()
        .iter()
        .map(|r| r.meta())
        .chain(transition::registry().iter().map(|r| r.meta()))
}

/// A rule's metadata by name, transition rules included.
pub fn find_meta(name: &str) -> Option<&'static RuleMeta> {
    all_metas().find(|m| m.name == name)
}

/// The configured severity of a rule in an environment: `None` when the platform does not set
/// it, `Some(None)` when it is `off`.
fn configured(platform: &Platform, rule: &str, env: &str) -> Option<Option<Severity>> {
    let lookup = |m: &BTreeMap<crate::tree::Sp<String>, crate::tree::Sp<SeveritySetting>>| {
        m.iter()
            .find(|(k, _)| k.value == rule)
            .map(|(_, v)| v.value)
    };
    let setting = platform
        .policy
        .environments
        .get(env)
        .and_then(lookup)
        .or_else(|| lookup(&platform.policy.rules))?;
    Some(match setting {
        SeveritySetting::Error => Some(Severity::Error),
        SeveritySetting::Warning => Some(Severity::Warning),
        SeveritySetting::Info => Some(Severity::Info),
        SeveritySetting::Off => None,
    })
}

/// The severity of a finding about the repository's files rather than a service (no
/// environment): the platform's `policy.rules` setting, else the rule's default; `None` when
/// it is `off`.
pub fn repository_severity(platform: &Platform, rule: &RuleMeta) -> Option<Severity> {
    configured(platform, rule.name, "").unwrap_or(Some(rule.severity))
}

/// Which waivers matched something, merged across the parallel parts of a run.
#[derive(Debug, Clone, Default)]
pub struct WaiverUse {
    used: Vec<bool>,
    expired_hit: Vec<bool>,
}

impl WaiverUse {
    pub fn merge(&mut self, other: &WaiverUse) {
        for (a, b) in [
            (&mut self.used, &other.used),
            (&mut self.expired_hit, &other.expired_hit),
        ] {
            if a.len() < b.len() {
                a.resize(b.len(), false);
            }
            for (x, y) in a.iter_mut().zip(b) {
                *x |= *y;
            }
        }
    }

    fn mark(flags: &mut Vec<bool>, i: usize) {
        if flags.len() <= i {
            flags.resize(i + 1, false);
        }
        flags[i] = true;
    }
}

/// What a finding is about, for severities and waivers: its environment and service.
struct About<'a> {
    env: &'a str,
    service: &'a str,
    blame: Origin,
    subject: &'a str,
}

/// The policy for one run: per-target checks (called in parallel, as targets are produced)
/// and, at the end, the rules across targets and the reports about waivers.
pub struct Engine<'p> {
    platform: &'p Platform,
    today: String,
}

impl<'p> Engine<'p> {
    pub fn new(platform: &'p Platform, today: &str) -> Engine<'p> {
        Engine {
            platform,
            today: today.to_string(),
        }
    }

    /// Every rule's [`Rule::check`] on one target, waivers applied.
    pub fn check(&self, t: &Target<'_>, use_: &mut WaiverUse) -> Vec<Diagnostic> {
        let about = About {
            env: &t.env,
            service: &t.service,
            blame: t.blame,
            subject: &t.subject,
        };
        let mut out = Vec::new();
        for rule in registry() {
            let meta = rule.meta();
            if !meta.applies_to(t.view.kind()) {
                continue;
            }
            let conf = configured(self.platform, meta.name, &t.env);
            if conf == Some(None) {
                continue;
            }
            let mut findings = Vec::new();
            rule.check(t, &mut findings);
            for f in findings {
                out.push(self.finish_one(meta, conf.flatten(), f, &about, use_));
            }
        }
        out
    }

    /// The rules across targets ([`Rule::check_all`]) over every target's identity, then the
    /// findings about waivers themselves (expired, unused), given what matched during the run.
    pub fn finish(&self, identities: &[Identity], mut use_: WaiverUse) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for rule in registry() {
            let meta = rule.meta();
            let mut findings = Vec::new();
            rule.check_all(identities, &mut findings);
            for (i, f) in findings {
                let Some(id) = identities.get(i) else {
                    continue;
                };
                let conf = configured(self.platform, meta.name, &id.env);
                if conf == Some(None) {
                    continue;
                }
                let about = About {
                    env: &id.env,
                    service: &id.service,
                    blame: id.blame,
                    subject: &id.subject,
                };
                out.push(self.finish_one(meta, conf.flatten(), f, &about, &mut use_));
            }
        }
        out.extend(self.waiver_findings(&use_));
        out
    }

    /// One finding of a transition rule ([`transition`]: not in the registry, run by `check
    /// --base` on a pair of revisions), with the platform's severity for `env` and its
    /// waivers; `None` when the rule is `off` there.
    pub fn judge(
        &self,
        meta: &RuleMeta,
        f: Finding,
        env: &str,
        service: &str,
        blame: Origin,
        subject: &str,
    ) -> Option<Diagnostic> {
        let conf = configured(self.platform, meta.name, env);
        if conf == Some(None) {
            return None;
        }
        let about = About {
            env,
            service,
            blame,
            subject,
        };
        let mut use_ = WaiverUse::default();
        Some(self.finish_one(meta, conf.flatten(), f, &about, &mut use_))
    }

    fn finish_one(
        &self,
        meta: &RuleMeta,
        configured: Option<Severity>,
        f: Finding,
        about: &About<'_>,
        use_: &mut WaiverUse,
    ) -> Diagnostic {
        let mut d = to_diagnostic(meta, configured, f, about);
        for (i, w) in self.platform.policy.waivers.iter().enumerate() {
            if !applies(w, &d.rule, about) {
                continue;
            }
            if w.expires.value.as_str() < self.today.as_str() {
                WaiverUse::mark(&mut use_.expired_hit, i);
                continue;
            }
            WaiverUse::mark(&mut use_.used, i);
            if let Some(span) = w.span() {
                d.waived = Some(Box::new(Waived {
                    reason: w.reason.value.clone(),
                    expires: w.expires.value.clone(),
                    span,
                }));
            }
            break;
        }
        d
    }

    fn waiver_findings(&self, use_: &WaiverUse) -> Vec<Diagnostic> {
        let flag = |v: &Vec<bool>, i: usize| v.get(i).copied().unwrap_or(false);
        let mut out = Vec::new();
        for (i, w) in self.platform.policy.waivers.iter().enumerate() {
            if w.expires.value.as_str() < self.today.as_str() {
                let affected = if flag(&use_.expired_hit, i) {
                    " and the finding it covered is active again"
                } else {
                    ""
                };
                out.push(
                    Diagnostic::error(
                        RuleId::WaiverExpired,
                        format!(
                            "waiver for `{}` on `{}` expired on {}{affected}",
                            w.rule.value, w.service.value, w.expires.value
                        ),
                    )
                    .at_opt(w.expires.origin.span().or(w.span()), "expired")
                    .with_help(
                        "fix the finding, or renew the waiver with a new expiry date and a reason",
                    ),
                );
            } else if !flag(&use_.used, i) && transition::find(&w.rule.value).is_none() {
                // A waiver for a transition rule covers one change: it matches nothing in
                // the runs without `--base`, and is not reported unused there.
                out.push(
                    Diagnostic::warning(
                        RuleId::WaiverUnused,
                        format!("waiver for `{}` on `{}` matches no finding", w.rule.value, w.service.value),
                    )
                    .at_opt(w.span(), "unused waiver")
                    .with_help("the finding is gone (or the rule, service or environment is misspelled): remove the waiver"),
                );
            }
        }
        out
    }
}

/// Runs every rule over `targets` (all at hand, as in `lint`), waivers applied.
pub fn run(targets: &[Target<'_>], platform: &Platform, today: &str) -> Vec<Diagnostic> {
    let engine = Engine::new(platform, today);
    let per_target: Vec<(Vec<Diagnostic>, WaiverUse)> = targets
        .par_iter()
        .map(|t| {
            let mut use_ = WaiverUse::default();
            (engine.check(t, &mut use_), use_)
        })
        .collect();
    let mut use_ = WaiverUse::default();
    let mut diagnostics = Vec::new();
    for (d, u) in per_target {
        diagnostics.extend(d);
        use_.merge(&u);
    }
    let identities: Vec<Identity> = targets.iter().map(Target::identity).collect();
    diagnostics.extend(engine.finish(&identities, use_));
    diagnostics
}

fn to_diagnostic(
    meta: &RuleMeta,
    configured: Option<Severity>,
    f: Finding,
    about: &About<'_>,
) -> Diagnostic {
    let severity = configured.or(f.severity).unwrap_or(meta.severity);
    let at = f.at.or(about.blame);
    let mut d = Diagnostic::new(meta.name, severity, f.message)
        .at_opt(at.span(), f.label)
        .with_subject(about.subject.to_string());
    for (origin, label) in f.secondary {
        if let Some(s) = origin.span() {
            d = d.with_secondary(s, label);
        }
    }
    if let Some(h) = f.help {
        d = d.with_help(h);
    }
    if f.redact {
        d = d.redacted();
    }
    d
}

/// Whether a waiver covers a finding of `rule` about this service and environment.
fn applies(w: &Waiver, rule: &str, about: &About<'_>) -> bool {
    w.rule.value == rule
        && w.service.value == about.service
        && w.environment.as_ref().is_none_or(|e| e.value == about.env)
}

/// Findings about the policy settings themselves: rules that do not exist, environments that
/// do not exist, invalid dates.
pub fn check_config(platform: &Platform) -> Vec<Diagnostic> {
    let names: Vec<&str> = registry()
        .iter()
        .map(|r| r.meta().name)
        .chain(transition::registry().iter().map(|r| r.meta().name))
        .collect();
    let mut out = Vec::new();
    let check_rule = |name: &crate::tree::Sp<String>, out: &mut Vec<Diagnostic>| {
        if RuleId::from_name(&name.value).is_some_and(|id| !id.meta().configurable()) {
            out.push(
                Diagnostic::warning(
                    RuleId::PolicyConfig,
                    format!(
                        "`{}` cannot be configured or waived: it reports input that cannot be read",
                        name.value
                    ),
                )
                .at_opt(name.origin.span(), "not configurable")
                .with_help("remove this entry: findings about unreadable input always block"),
            );
        } else if !names.contains(&name.value.as_str()) {
            let mut d = Diagnostic::warning(
                RuleId::PolicyConfig,
                format!("there is no rule `{}`", name.value),
            )
            .at_opt(name.origin.span(), "unknown rule");
            d = match did_you_mean(&name.value, names.iter().copied()) {
                Some(s) => d.with_help(format!(
                    "did you mean `{s}`? (`flinkform rules` lists every rule)"
                )),
                None => d.with_help("`flinkform rules` lists every rule"),
            };
            out.push(d);
        }
    };
    for name in platform.policy.rules.keys() {
        check_rule(name, &mut out);
    }
    for rules in platform.policy.environments.values() {
        for name in rules.keys() {
            check_rule(name, &mut out);
        }
    }
    for (env, level) in &platform.policy.pod_security_by_env {
        if platform.environment(env).is_none() {
            let known: Vec<&str> = platform
                .environments
                .iter()
                .map(|e| e.name.value.as_str())
                .collect();
            let hint = match did_you_mean(env, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? "),
                None => String::new(),
            };
            out.push(
                Diagnostic::warning(
                    RuleId::PolicyConfig,
                    format!(
                        "`podSecurity: {}` is set for environment `{env}`, which flinkform.yaml does not define: no environment gets it",
                        level.value.as_str()
                    ),
                )
                .at_opt(level.origin.span(), "unknown environment")
                .with_help(format!(
                    "{hint}environments are: {}",
                    known.join(", ")
                )),
            );
        }
    }
    for w in &platform.policy.waivers {
        check_rule(&w.rule, &mut out);
        if !date::is_valid(&w.expires.value) {
            out.push(
                Diagnostic::error(
                    RuleId::WaiverDateInvalid,
                    format!("`{}` is not a date", w.expires.value),
                )
                .at_opt(w.expires.origin.span(), "here")
                .with_help("write the expiry as YYYY-MM-DD"),
            );
        }
        if let Some(e) = &w.environment
            && platform.environment(&e.value).is_none()
        {
            out.push(
                Diagnostic::warning(
                    RuleId::PolicyConfig,
                    format!(
                        "waiver names environment `{}`, which flinkform.yaml does not define",
                        e.value
                    ),
                )
                .at_opt(e.origin.span(), "unknown environment")
                .with_help(format!(
                    "use one of the environments under `environments` ({}), or remove `environment` to waive it everywhere",
                    platform
                        .environments
                        .iter()
                        .map(|e| e.name.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }
    out
}
