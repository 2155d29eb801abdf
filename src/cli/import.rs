//! `flinkform import FILE...`: FlinkDeployment manifests → service specs, checked against the
//! platform's policy like any other spec.
//!
//! Exit codes: 0 when everything came over as it was and the policy has nothing to say; 1 when
//! something could not be kept, a spec keeps a `${…}` placeholder (deployed as written, since
//! flinkform substitutes none), or the policy finds errors (specs that could be made are still
//! written); 2 when nothing sensible can be done (unreadable file, unknown environment) or a
//! spec would overwrite an existing file, which import never does.

use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, ReportArgs, reporting};
use flinkform::compile::{Options, compile_workspace};
use flinkform::diag::{Report, terminal};
use flinkform::error::Error;
use flinkform::import::{self, Document, Effect};
use flinkform::scaffold;
use flinkform::source::SourceMap;
use flinkform::workspace::Workspace;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// FlinkDeployment manifests (files, or folders of *.yaml / *.yml); other objects in them
    /// are listed as skipped.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,

    /// The owning team, for manifests without a `team` label.
    #[arg(long, value_name = "TEAM")]
    pub team: Option<String>,

    /// The service's name, instead of the manifest's `metadata.name`: for a template whose name
    /// is a `${…}` placeholder, or to rename. Only when the input holds one FlinkDeployment.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// An environment the services run in (repeatable; default: every environment).
    #[arg(long = "env", value_name = "NAME")]
    pub env: Vec<String>,

    /// Folder for the specs (`DIR/<name>/service.yaml`), instead of where the platform's
    /// `services.include` pattern puts them.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// Print the specs instead of writing them (the report goes to stderr).
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub report: ReportArgs,
}

struct Planned {
    path: String,
    text: String,
    index: usize,
}

pub fn run(start: &Path, args: ImportArgs) -> Result<u8, Error> {
    let root = super::root(start)?;
    let mut workspace = Workspace::load(&root)?;
    let Some(platform) = workspace.platform.clone() else {
        return Err(Error::Usage(
            "flinkform.yaml has errors; `flinkform check` shows them".into(),
        ));
    };
    let known: Vec<&str> = platform
        .environments
        .iter()
        .map(|e| e.name.value.as_str())
        .collect();
    for e in &args.env {
        if !known.contains(&e.as_str()) {
            let hint = flinkform::suggest::did_you_mean(e, known.iter().copied()).map_or_else(
                || format!("environments: {}", known.join(", ")),
                |s| format!("did you mean `{s}`?"),
            );
            return Err(Error::Usage(format!(
                "environment `{e}` is not defined in flinkform.yaml; {hint}"
            )));
        }
    }
    let mut environments: Vec<String> = Vec::new();
    for e in &args.env {
        if !environments.contains(e) {
            environments.push(e.clone());
        }
    }
    if environments.is_empty() {
        environments = known.iter().map(|s| s.to_string()).collect();
    }
    if let Some(t) = &args.team
        && let Err(e) = scaffold::check_team(t)
    {
        return Err(Error::Usage(e));
    }
    if let Some(n) = &args.name
        && let Err(e) = scaffold::check_service_name(n)
    {
        return Err(Error::Usage(format!("--name: {e}")));
    }
    let out_dir = match &args.out_dir {
        Some(d) => Some(
            super::new::lexical_relative(&root, &absolute(start, d)).ok_or_else(|| {
                Error::Usage(format!(
                    "--out-dir {} is outside the repository",
                    d.display()
                ))
            })?,
        ),
        None => None,
    };

    // Read every document.
    let mut sources = SourceMap::new();
    let mut yaml_problems = Report::default();
    let mut docs = Vec::new();
    for (shown, path) in super::lint::expand(start, &args.files)? {
        let (file, problem) = match flinkform::lint::read_user_file(&shown, &path)? {
            Ok(bytes) => flinkform::workspace::decode(&shown, bytes),
            Err(r) => (
                flinkform::source::SourceFile::new(shown.as_str(), ""),
                Some(flinkform::workspace::refused(&shown, &r)),
            ),
        };
        let id = sources.add(file);
        if let Some(mut d) = problem {
            if let Some(p) = d.primary.as_mut() {
                p.span.file = id;
            }
            yaml_problems.diagnostics.push(d);
            continue;
        }
        match flinkform::yaml::load_all(id, &sources.get(id)) {
            Ok(nodes) => docs.extend(nodes.into_iter().map(|n| (shown.clone(), n))),
            Err(d) => yaml_problems.diagnostics.push(d),
        }
    }
    yaml_problems.files = args.files.len();
    yaml_problems.finish(&sources);
    let documents: Vec<Document<'_>> = docs
        .iter()
        .map(|(source, node)| Document { source, node })
        .collect();
    if args.name.is_some() {
        let n = import::deployments(&documents);
        if n != 1 {
            return Err(Error::Usage(format!(
                "--name names one service, and the input holds {}; import them one at a time",
                flinkform::plural::count(n, "FlinkDeployment", "FlinkDeployments")
            )));
        }
    }
    let outcome = import::import(
        &documents,
        &platform,
        &import::Options {
            team: args.team.as_deref(),
            name: args.name.as_deref(),
            environments: &environments,
        },
    );

    // Where each spec goes, and whether it may.
    let has_schema = matches!(
        flinkform::io::kind(&root.join(scaffold::REPO_SCHEMA)),
        Ok(Some(flinkform::io::Kind::File))
    );
    let mut planned: Vec<Planned> = Vec::new();
    let mut refusals: Vec<(usize, String)> = Vec::new();
    for (index, imported) in outcome.imported.iter().enumerate() {
        let path = match &out_dir {
            Some(d) => format!("{d}/{}/service.yaml", imported.name),
            None => match scaffold::spec_path(&platform, &imported.name) {
                Ok(p) => p,
                Err(e) => {
                    refusals.push((index, format!("{e} (or --out-dir)")));
                    continue;
                }
            },
        };
        if !matches!(flinkform::io::kind(&root.join(&path)), Ok(None)) {
            refusals.push((
                index,
                format!("{path} already exists; import never overwrites a spec"),
            ));
            continue;
        }
        if let Some(other) = workspace
            .services
            .iter()
            .find(|s| s.name.value == imported.name)
        {
            refusals.push((
                index,
                format!(
                    "service `{}` already exists in {}",
                    imported.name, other.path
                ),
            ));
            continue;
        }
        let text = import::spec_text(imported, &scaffold::modeline(&path, has_schema));
        planned.push(Planned { path, text, index });
    }
    for p in &planned {
        workspace.add_unwritten_spec(&p.path, &p.text);
    }
    let mut c = compile_workspace(workspace, &Options::default())?;
    let paths: Vec<String> = planned.iter().map(|p| p.path.clone()).collect();
    c.keep_findings_about(&paths);

    if !args.dry_run {
        for p in &planned {
            flinkform::io::create_new_below(&root, &p.path, p.text.as_bytes())?;
        }
    }

    // The report: what happened to every document.
    let mut text = String::new();
    for p in &planned {
        let i = &outcome.imported[p.index];
        let verb = if args.dry_run { "would write" } else { "wrote" };
        let _ = writeln!(
            text,
            "{verb} {} from {} ({}/{})",
            terminal::inline(&p.path),
            terminal::inline(&i.source),
            i.kind,
            terminal::inline(&i.name)
        );
        let mut notes: Vec<_> = i.notes.iter().collect();
        notes.sort_by_key(|n| std::cmp::Reverse(n.effect));
        for n in notes {
            let _ = writeln!(
                text,
                "  {:<9} {}: {}",
                n.effect.as_str(),
                terminal::inline(&n.field),
                terminal::inline(&n.message)
            );
        }
        if !i.placeholders.is_empty() {
            let _ = writeln!(text, "  {}:", import::PLACEHOLDERS_HEADING);
            for p in &i.placeholders {
                let _ = writeln!(
                    text,
                    "    {}: {}",
                    terminal::inline(&p.field),
                    terminal::inline(&flinkform::excerpt::quote(&p.text))
                );
            }
        }
        if !i.secrets.is_empty() {
            let _ = writeln!(
                text,
                "  create Secret `{}` in namespace `{}` before deploying, with keys:",
                i.secrets[0].secret, i.name
            );
            let mut listed: Vec<&str> = Vec::new();
            for k in &i.secrets {
                if !listed.contains(&k.key.as_str()) {
                    listed.push(&k.key);
                    let _ = writeln!(text, "    {}  (the value of {})", k.key, k.field);
                }
            }
        }
    }
    for (index, why) in &refusals {
        let i = &outcome.imported[*index];
        let _ = writeln!(text, "refused   {} from {}: {why}", i.name, i.source);
    }
    for s in &outcome.skipped {
        let what = if s.lost { "not imported" } else { "skipped" };
        let _ = writeln!(text, "{what} {} from {}: {}", s.object, s.source, s.reason);
    }
    // Only the specs listed above with their notes: a refused one's notes are not shown.
    let lost_notes = planned
        .iter()
        .filter(|p| {
            outcome.imported[p.index]
                .notes
                .iter()
                .any(|n| n.effect == Effect::Lost)
        })
        .count();
    let literal_specs = planned
        .iter()
        .filter(|p| !outcome.imported[p.index].placeholders.is_empty())
        .count();
    let summary_at = text.len();
    let _ = writeln!(
        text,
        "{} of {} imported{}{}",
        planned.len(),
        flinkform::plural::count(
            outcome.imported.len() + outcome.skipped.iter().filter(|s| s.lost).count(),
            "Flink resource",
            "Flink resources"
        ),
        if lost_notes > 0 {
            format!("; {lost_notes} with settings that were not kept (`not kept` above)")
        } else {
            String::new()
        },
        if literal_specs > 0 {
            format!("; {literal_specs} with placeholders deployed as written (listed above)")
        } else {
            String::new()
        }
    );
    if reporting::quiet() {
        text.truncate(summary_at); // the report without its summary line
    }

    let human = reporting::human_options(args.report.color);
    let json_stdout = args.report.format.len() > args.report.output.len()
        && args.report.format.last() == Some(&super::Format::Json);
    if args.dry_run && json_stdout {
        // One document: what would be written, what was not, and the findings (docs/output.md).
        let doc = dry_run_document(
            &outcome,
            &planned,
            &refusals,
            flinkform::diag::json::render(&c.report, &c.workspace.sources),
            flinkform::diag::json::render(&yaml_problems, &sources),
        );
        let mut bytes = serde_json::to_string_pretty(&doc).unwrap_or_default();
        bytes.push('\n');
        reporting::print(bytes.as_bytes())?;
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(terminal::text(&text).as_bytes());
    } else if args.dry_run {
        for p in &planned {
            // Printed, not written: its secret values masked, as in every other output.
            // and, like every text shown to a person, no control or bidirectional character.
            let shown = terminal::text(&flinkform::secrets::redact_yaml(&p.text));
            reporting::print(
                format!("# {}\n{}---\n", terminal::inline(&p.path), shown).as_bytes(),
            )?;
        }
        let mut stderr = std::io::stderr().lock();
        let _ = stderr.write_all(terminal::text(&text).as_bytes());
        if !yaml_problems.diagnostics.is_empty() {
            let _ = stderr.write_all(
                flinkform::diag::human::render(&yaml_problems, &sources, human).as_bytes(),
            );
        }
        if !c.report.diagnostics.is_empty() {
            let mut opts = human;
            opts.color = false;
            let _ = stderr.write_all(
                flinkform::diag::human::render(&c.report, &c.workspace.sources, opts).as_bytes(),
            );
        }
    } else {
        // Machine-readable findings own stdout; the import report then goes to stderr.
        let human_stdout = args
            .report
            .format
            .iter()
            .all(|f| *f == super::Format::Human)
            || args.report.output.len() == args.report.format.len();
        let text = terminal::text(&text);
        if human_stdout {
            reporting::print(text.as_bytes())?;
        } else {
            std::io::stderr()
                .lock()
                .write_all(text.as_bytes())
                .map_err(|source| Error::Write {
                    path: "<stderr>".into(),
                    source,
                })?;
        }
        if !yaml_problems.diagnostics.is_empty() {
            reporting::report(&yaml_problems, &sources, &args.report)?;
        }
        // A machine format always gets its document, findings or not.
        if !c.report.diagnostics.is_empty() || !human_stdout {
            reporting::report(&c.report, &c.workspace.sources, &args.report)?;
        }
    }
    Ok(if !refusals.is_empty() {
        EXIT_ERROR
    } else if outcome.lost_anything()
        || outcome.has_placeholders()
        || !yaml_problems.diagnostics.is_empty()
        || args.report.fail_on.fails(c.report.worst())
    {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// `import --dry-run --format json`: version 1 of the import document (docs/output.md).
fn dry_run_document(
    outcome: &import::Outcome,
    planned: &[Planned],
    refusals: &[(usize, String)],
    findings: String,
    input_errors: String,
) -> serde_json::Value {
    use serde_json::json;
    let notes = |i: &import::Imported| {
        let mut notes: Vec<_> = i.notes.iter().collect();
        notes.sort_by_key(|n| std::cmp::Reverse(n.effect));
        notes
            .iter()
            .map(|n| json!({ "effect": n.effect.as_str(), "field": n.field, "message": n.message }))
            .collect::<Vec<_>>()
    };
    let specs: Vec<serde_json::Value> = planned
        .iter()
        .map(|p| {
            let i = &outcome.imported[p.index];
            json!({
                "name": i.name,
                "source": i.source,
                "path": p.path,
                // Values that look like credentials are masked, as in every other output.
                "spec": flinkform::secrets::redact_yaml(&p.text),
                "notes": notes(i),
                "secrets": i.secrets.iter().map(|k| json!({
                    "secret": k.secret, "key": k.key, "from": k.field,
                })).collect::<Vec<_>>(),
                "dialect": i.dialect,
                // Deployed as written: flinkform substitutes no `${…}`.
                "placeholders": i.placeholders.iter().map(|p| json!({
                    "field": p.field, "text": flinkform::excerpt::quote(&p.text),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let refused: Vec<serde_json::Value> = refusals
        .iter()
        .map(|(index, why)| {
            let i = &outcome.imported[*index];
            json!({ "name": i.name, "source": i.source, "reason": why, "notes": notes(i) })
        })
        .collect();
    let skipped: Vec<serde_json::Value> = outcome
        .skipped
        .iter()
        .map(|s| json!({ "object": s.object, "source": s.source, "reason": s.reason, "lost": s.lost }))
        .collect();
    // Both as `check --format json` reports findings: the policy on the specs, and the input
    // files that could not be read.
    let findings: serde_json::Value = serde_json::from_str(&findings).unwrap_or_default();
    let input_errors: serde_json::Value = serde_json::from_str(&input_errors).unwrap_or_default();
    json!({
        "version": 1,
        "dryRun": true,
        "specs": specs,
        "refused": refused,
        "skipped": skipped,
        "summary": {
            "flinkResources": outcome.imported.len() + outcome.skipped.iter().filter(|s| s.lost).count(),
            "imported": planned.len(),
            "notKept": outcome.lost_anything(),
        },
        "findings": findings,
        "inputErrors": input_errors,
    })
}

fn absolute(start: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        start.join(p)
    }
}
