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
pub mod view;

pub use rule::{Finding, Rule, RuleMeta};
pub use target::{Mode, Target};

use crate::diag::{Diagnostic, Severity, Waived};
use crate::spec::platform::{Platform, SeveritySetting, Waiver};
use crate::suggest::did_you_mean;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Every rule, in registry order (alphabetical).
pub fn registry() -> &'static [&'static dyn Rule] {
    rules::ALL
}

pub fn find(name: &str) -> Option<&'static dyn Rule> {
    registry().iter().copied().find(|r| r.meta().name == name)
}

/// Rules about the input itself, reported by the loading stages; their severity is not
/// configurable.
pub const CORE_RULES: [&str; 4] = [
    crate::yaml::RULE,
    crate::schema::RULE,
    crate::validate::RULE,
    crate::output::DRIFT_RULE,
];

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

/// Runs every rule over `targets` and returns the findings, with waivers applied.
pub fn run(targets: &[Target<'_>], platform: &Platform, today: &str) -> Vec<Diagnostic> {
    let per_target: Vec<Vec<Diagnostic>> = targets
        .par_iter()
        .map(|t| {
            let mut out = Vec::new();
            for rule in registry() {
                let meta = rule.meta();
                let conf = configured(platform, meta.name, &t.env);
                if conf == Some(None) {
                    continue;
                }
                let mut findings = Vec::new();
                rule.check(t, &mut findings);
                out.extend(
                    findings
                        .into_iter()
                        .map(|f| to_diagnostic(meta, conf.flatten(), f, t)),
                );
            }
            out
        })
        .collect();
    let mut diagnostics: Vec<Diagnostic> = per_target.into_iter().flatten().collect();
    for rule in registry() {
        let meta = rule.meta();
        let mut findings = Vec::new();
        rule.check_all(targets, &mut findings);
        for (i, f) in findings {
            let Some(t) = targets.get(i) else { continue };
            let conf = configured(platform, meta.name, &t.env);
            if conf == Some(None) {
                continue;
            }
            diagnostics.push(to_diagnostic(meta, conf.flatten(), f, t));
        }
    }
    apply_waivers(&mut diagnostics, targets, platform, today);
    diagnostics
}

fn to_diagnostic(
    meta: &RuleMeta,
    configured: Option<Severity>,
    f: Finding,
    t: &Target<'_>,
) -> Diagnostic {
    let severity = configured.or(f.severity).unwrap_or(meta.severity);
    let at = f.at.or(t.blame);
    let mut d = Diagnostic::new(meta.name, severity, f.message)
        .at_opt(at.span(), f.label)
        .with_subject(t.subject.clone());
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

/// A diagnostic's (service, environment), from its subject's target.
fn applies(w: &Waiver, rule: &str, t: &Target<'_>) -> bool {
    w.rule.value == rule
        && w.service.value == t.service
        && w.environment.as_ref().is_none_or(|e| e.value == t.env)
}

fn apply_waivers(
    diagnostics: &mut Vec<Diagnostic>,
    targets: &[Target<'_>],
    platform: &Platform,
    today: &str,
) {
    let waivers = &platform.policy.waivers;
    if waivers.is_empty() {
        return;
    }
    // Subject → target, to know each finding's service and environment.
    let by_subject: BTreeMap<&str, &Target<'_>> =
        targets.iter().map(|t| (t.subject.as_str(), t)).collect();
    let mut used = vec![false; waivers.len()];
    let mut expired_hit = vec![false; waivers.len()];
    for d in diagnostics.iter_mut() {
        let Some(t) = d.subject.as_deref().and_then(|s| by_subject.get(s)) else {
            continue;
        };
        for (i, w) in waivers.iter().enumerate() {
            if !applies(w, &d.rule, t) {
                continue;
            }
            if w.expires.value.as_str() < today {
                expired_hit[i] = true;
                continue;
            }
            used[i] = true;
            if let Some(span) = w.span() {
                d.waived = Some(Box::new(Waived {
                    reason: w.reason.value.clone(),
                    expires: w.expires.value.clone(),
                    span,
                }));
            }
            break;
        }
    }
    for (i, w) in waivers.iter().enumerate() {
        if w.expires.value.as_str() < today {
            let affected = if expired_hit[i] {
                " and the finding it covered is active again"
            } else {
                ""
            };
            diagnostics.push(
                Diagnostic::error(
                    rules::waiver_expired::WaiverExpired::META.name,
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
        } else if !used[i] {
            diagnostics.push(
                Diagnostic::warning(rules::waiver_unused::WaiverUnused::META.name, format!("waiver for `{}` on `{}` matches no finding", w.rule.value, w.service.value))
                    .at_opt(w.span(), "unused waiver")
                    .with_help("the finding is gone (or the rule, service or environment is misspelled): remove the waiver"),
            );
        }
    }
}

/// Findings about the policy settings themselves: rules that do not exist, environments that
/// do not exist, invalid dates.
pub fn check_config(platform: &Platform) -> Vec<Diagnostic> {
    let names: Vec<&str> = registry().iter().map(|r| r.meta().name).collect();
    let mut out = Vec::new();
    let check_rule = |name: &crate::tree::Sp<String>, out: &mut Vec<Diagnostic>| {
        if CORE_RULES.contains(&name.value.as_str()) {
            out.push(
                Diagnostic::warning(
                    rules::policy_config::PolicyConfig::META.name,
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
                rules::policy_config::PolicyConfig::META.name,
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
    for w in &platform.policy.waivers {
        check_rule(&w.rule, &mut out);
        if !date::is_valid(&w.expires.value) {
            out.push(
                Diagnostic::error(
                    crate::schema::RULE,
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
                    rules::policy_config::PolicyConfig::META.name,
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
