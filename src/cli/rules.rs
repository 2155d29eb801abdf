//! `flinkform rules` lists every rule; `flinkform explain RULE` prints one rule's documentation.

use super::{EXIT_CLEAN, reporting};
use flinkform::error::Error;
use flinkform::policy;

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// Output format: a table, or a JSON list of each rule's name, default severity, summary
    /// and documentation URL.
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    pub format: RulesFormat,

    /// Deprecated alias of `--format json` (kept for scripts written before `--format`).
    #[arg(long, hide = true)]
    pub json: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulesFormat {
    /// A table: name, default severity, summary.
    Human,
    /// `[{"name", "severity", "summary", "url"}, …]`.
    Json,
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// The rule's name, e.g. memory-matches-limit, or an alert's, e.g. FlinkJobDown.
    pub rule: String,
}

fn write(text: &str) -> Result<(), Error> {
    super::reporting::print(text.as_bytes())
}

pub fn list(args: RulesArgs) -> Result<u8, Error> {
    let rules: Vec<&policy::RuleMeta> = policy::all_metas().collect();
    if args.json {
        reporting::note("`--json` is deprecated: use `--format json`");
    }
    if args.json || args.format == RulesFormat::Json {
        let items: Vec<serde_json::Value> = rules
            .iter()
            .map(|m| {
                serde_json::json!({"name": m.name, "severity": m.severity.as_str(), "summary": m.summary(), "url": flinkform::diag::rule_url(m.name)})
            })
            .collect();
        let mut text = serde_json::to_string_pretty(&items).unwrap_or_default();
        text.push('\n');
        write(&text)?;
        return Ok(EXIT_CLEAN);
    }
    let width = rules.iter().map(|m| m.name.len()).max().unwrap_or(0);
    let mut text = String::new();
    for m in rules {
        text.push_str(&format!(
            "{:<width$}  {:<7}  {}\n",
            m.name,
            m.severity.as_str(),
            m.summary()
        ));
    }
    write(&text)?;
    Ok(EXIT_CLEAN)
}

pub fn explain(args: ExplainArgs) -> Result<u8, Error> {
    match policy::find_meta(&args.rule) {
        Some(m) => {
            write(&format!(
                "{} (default severity: {})\n\n{}\n\n{}\n",
                m.name,
                m.severity.as_str(),
                policy::docs::explain_text(m),
                flinkform::diag::rule_url(m.name)
            ))?;
            Ok(EXIT_CLEAN)
        }
        None if let Some(alert) = flinkform::render::alerts::Alert::find(&args.rule) => {
            write(&format!(
                "{} (alert)\n\n{}\n\n{}#{}\n",
                alert.name(),
                alert.explain(),
                flinkform::render::alerts::DOCS_URL,
                alert.name().to_ascii_lowercase()
            ))?;
            Ok(EXIT_CLEAN)
        }
        None => {
            let names = policy::all_metas()
                .map(|m| m.name)
                .chain(flinkform::render::alerts::ALERTS.iter().map(|a| a.name()));
            let hint = flinkform::suggest::did_you_mean(&args.rule, names)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            Err(Error::Usage(format!(
                "there is no rule `{}`{hint} (`flinkform rules` lists them)",
                args.rule
            )))
        }
    }
}
