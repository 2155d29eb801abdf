//! `docs/rules.md`, generated from the rule registry (a test fails when the committed file is
//! stale), and the examples in rule documentation, which a test runs: a ```` ```yaml,fires ````
//! block must make its rule fire when linted, a ```` ```yaml,passes ```` block must not.

use super::registry;

pub const RULES_MD_HEADER: &str = "<!-- Generated from the rule registry (src/policy/rules/). Do not edit: run `FLINKFORM_UPDATE_DOCS=1 cargo test --test docs`. -->";

/// The rules reference.
pub fn rules_markdown() -> String {
    let mut s = String::new();
    s.push_str(RULES_MD_HEADER);
    s.push_str("\n\n# Rules\n\n");
    s.push_str(
        "Every finding names its rule. Severities are defaults: the platform config sets them per rule \
         and per environment (`policy.rules`, `policy.environments.<env>.rules`; `off` disables a rule), \
         and waives single findings (`policy.waivers`). `flinkform explain RULE` prints a rule's section.\n\n",
    );
    s.push_str("| rule | default | summary |\n|---|---|---|\n");
    for r in registry() {
        let m = r.meta();
        s.push_str(&format!(
            "| [`{}`](#{}) | {} | {} |\n",
            m.name,
            m.name,
            m.severity.as_str(),
            m.summary()
        ));
    }
    for r in registry() {
        let m = r.meta();
        s.push_str(&format!(
            "\n## {}\n\nDefault severity: **{}**.\n\n",
            m.name,
            m.severity.as_str()
        ));
        for line in m.explain().lines() {
            // A rule's own headings sit one level below its title.
            if let Some(h) = line.strip_prefix("## ") {
                s.push_str("### ");
                s.push_str(h);
            } else if let Some(lang) = line.strip_prefix("```") {
                // Keep the highlighter happy: `yaml,fires` → `yaml`, with a note above.
                match lang {
                    "yaml,fires" => s.push_str("Fires:\n\n```yaml"),
                    "yaml,passes" => s.push_str("Passes:\n\n```yaml"),
                    other => {
                        s.push_str("```");
                        s.push_str(other);
                    }
                }
            } else {
                s.push_str(line);
            }
            s.push('\n');
        }
    }
    s
}

/// An example from a rule's documentation.
#[derive(Debug, Clone)]
pub struct Example {
    pub rule: &'static str,
    pub fires: bool,
    pub yaml: String,
}

/// Every ```` ```yaml,fires ```` / ```` ```yaml,passes ```` block of every rule.
pub fn examples() -> Vec<Example> {
    let mut out = Vec::new();
    for r in registry() {
        let m = r.meta();
        let text = m.explain();
        let mut current: Option<(bool, String)> = None;
        for line in text.lines() {
            match (&mut current, line.trim()) {
                (None, "```yaml,fires") => current = Some((true, String::new())),
                (None, "```yaml,passes") => current = Some((false, String::new())),
                (Some((fires, yaml)), "```") => {
                    out.push(Example {
                        rule: m.name,
                        fires: *fires,
                        yaml: std::mem::take(yaml),
                    });
                    current = None;
                }
                (Some((_, yaml)), _) => {
                    yaml.push_str(line);
                    yaml.push('\n');
                }
                (None, _) => {}
            }
        }
    }
    out
}
