//! `flinkform memory SERVICE [--env E]`: the JobManager and TaskManager memory Flink will
//! compute for the service's rendered FlinkDeployment, component by component, with the JVM
//! flags. Every cluster of an environment gets the same FlinkDeployment memory, so the first
//! cluster stands for all of them.

use super::{EXIT_CLEAN, EXIT_FINDINGS, reporting};
use flinkform::compile::{Options, compile_workspace};
use flinkform::error::Error;
use flinkform::flink::memory_size::human_mib;
use flinkform::memory_breakdown::{
    Breakdown, breakdown, job_manager_parts, spec_memory, task_manager_parts,
};
use flinkform::suggest::did_you_mean;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

#[derive(clap::Args, Debug)]
pub struct MemoryArgs {
    /// The service's name (`metadata.name` in its spec).
    pub service: String,

    /// Environment to show (default: the service's first environment, by name).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,

    /// Output format: a table with a bar per component, or JSON in bytes.
    #[arg(long, value_enum, default_value_t = MemoryFormat::Human)]
    pub format: MemoryFormat,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryFormat {
    /// A table per role with a proportional bar per component.
    Human,
    /// `{"jobManager": {...}, "taskManager": {...}}`, every size in bytes.
    Json,
}

pub fn run(start: &Path, args: MemoryArgs) -> Result<u8, Error> {
    let root = super::root(start)?;
    let workspace = flinkform::workspace::Workspace::load(&root)?;
    let names: Vec<&str> = workspace
        .services
        .iter()
        .map(|s| s.name.value.as_str())
        .collect();
    let Some(service) = workspace
        .services
        .iter()
        .find(|s| s.name.value == args.service)
        .cloned()
    else {
        let hint = match did_you_mean(&args.service, names.iter().copied()) {
            Some(s) => format!("; did you mean `{s}`?"),
            None if names.is_empty() => String::new(),
            None => format!("; services: {}", names.join(", ")),
        };
        return Err(Error::Usage(format!(
            "there is no service `{}`{hint} (a spec with errors is not loaded: `flinkform check` shows them)",
            args.service
        )));
    };
    let envs: Vec<&str> = service
        .environments
        .iter()
        .map(|e| e.name.value.as_str())
        .collect();
    let env = match &args.env {
        Some(e) if envs.contains(&e.as_str()) => e.clone(),
        Some(e) => {
            let hint = match did_you_mean(e, envs.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("it runs in: {}", envs.join(", ")),
            };
            return Err(Error::Usage(format!(
                "service `{}` does not run in environment `{e}`; {hint}",
                args.service
            )));
        }
        None => match envs.first() {
            Some(first) => {
                if envs.len() > 1 {
                    reporting::note(&format!(
                        "showing `{first}`; `{}` also runs in {} (choose with --env)",
                        args.service,
                        envs[1..].join(", ")
                    ));
                }
                (*first).to_string()
            }
            None => {
                return Err(Error::Usage(format!(
                    "service `{}` runs in no environment",
                    args.service
                )));
            }
        },
    };
    // Render only this service, and keep its objects.
    let options = Options {
        only_specs: Some([service.path.clone()].into()),
        keep_objects: true,
        ..Options::default()
    };
    let c = compile_workspace(workspace, &options)?;
    let objects: Vec<_> = c
        .rendered
        .objects
        .iter()
        .filter(|o| {
            *o.service == args.service
                && *o.env == env
                && matches!(o.kind(), "FlinkDeployment" | "FlinkBlueGreenDeployment")
        })
        .collect();
    let Some(object) = objects.first() else {
        reporting::error(&Error::Other(format!(
            "`{}` has no FlinkDeployment in `{env}`: fix the findings `flinkform check` reports first",
            args.service
        )));
        return Ok(EXIT_FINDINGS);
    };
    if objects.len() > 1 {
        reporting::note(&format!(
            "`{env}` has {} clusters; showing {} (the FlinkDeployment's memory is the same on each)",
            objects.len(),
            object.cluster
        ));
    }
    // A blue/green service's children run its template.
    let template = flinkform::facts::blue_green::template_deployment(&object.node);
    let deployment = template.as_ref().unwrap_or(&object.node);
    let b = match breakdown(deployment) {
        Ok(b) => b,
        Err(e) => {
            let mut out = std::io::stderr().lock();
            let _ = writeln!(out, "error: Flink would refuse this memory configuration:");
            for line in e.to_string().lines() {
                let _ = writeln!(out, "  {line}");
            }
            let _ = writeln!(
                out,
                "  help: give the role more memory, or change the memory options in flinkConfiguration"
            );
            return Ok(EXIT_FINDINGS);
        }
    };
    let text = match args.format {
        MemoryFormat::Json => {
            let mut t = serde_json::to_string_pretty(&b.to_json()).unwrap_or_default();
            t.push('\n');
            t
        }
        MemoryFormat::Human => {
            let source = |section: &str| {
                // As the user wrote it (`8Gi`) and where, rather than as rendered (`8Gi` for `8192Mi`).
                spec_memory(deployment, section).map(|m| match m.origin.span() {
                    Some(s) => {
                        let f = c.workspace.sources.get(s.file);
                        format!(
                            "{} at {}:{}",
                            f.slice(s),
                            f.path,
                            f.line_col(s.start as usize).line
                        )
                    }
                    None => m.text,
                })
            };
            human(
                &b,
                &format!("{} in {env} ({})", args.service, object.cluster),
                source("jobManager"),
                source("taskManager"),
            )
        }
    };
    reporting::print(text.as_bytes())?;
    Ok(EXIT_CLEAN)
}

const BAR_WIDTH: u64 = 32;

/// A bar of `BAR_WIDTH` cells for `part` of `whole`, in eighths of a cell.
fn bar(part: u64, whole: u64) -> String {
    const PARTIAL: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    if whole == 0 {
        return String::new();
    }
    let eighths =
        (u128::from(part) * u128::from(BAR_WIDTH * 8) + u128::from(whole) / 2) / u128::from(whole);
    let full = (eighths / 8) as usize;
    let rest = (eighths % 8) as usize;
    let mut s = "█".repeat(full);
    if rest > 0 {
        s.push(PARTIAL[rest]);
    }
    s
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "-".into();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

fn table(out: &mut String, parts: &[(&str, u64)], process: u64) {
    for (label, bytes) in parts {
        let _ = writeln!(
            out,
            "  {label:<20} {:>13}  {:>6}  {}",
            human_mib(*bytes),
            percent(*bytes, process),
            bar(*bytes, process)
        );
    }
}

fn human(
    b: &Breakdown,
    title: &str,
    jm_source: Option<String>,
    tm_source: Option<String>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{title}\n");
    let jm = &b.job_manager.memory;
    let _ = writeln!(
        out,
        "JobManager: {} process{}",
        human_mib(jm.process),
        jm_source
            .map(|s| format!(" (memory {s})"))
            .unwrap_or_default()
    );
    table(&mut out, &job_manager_parts(jm), jm.process);
    let _ = writeln!(
        out,
        "  {:<20} {:>13}  (heap + off-heap)",
        "Flink total",
        human_mib(jm.flink)
    );
    let _ = writeln!(out, "  JVM flags: {}", b.job_manager.jvm);
    if b.job_manager.jvm.max_direct.is_none() {
        let _ = writeln!(
            out,
            "  (no -XX:MaxDirectMemorySize: jobmanager.memory.enable-jvm-direct-memory-limit is off)"
        );
    }
    let tm = &b.task_manager.memory;
    let _ = writeln!(
        out,
        "\nTaskManager: {} process{}",
        human_mib(tm.process),
        tm_source
            .map(|s| format!(" (memory {s})"))
            .unwrap_or_default()
    );
    table(&mut out, &task_manager_parts(tm), tm.process);
    let _ = writeln!(
        out,
        "  {:<20} {:>13}  (all but metaspace and overhead)",
        "Flink total",
        human_mib(tm.flink)
    );
    let _ = writeln!(out, "  JVM flags: {}", b.task_manager.jvm);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional() {
        assert_eq!(bar(0, 100), "");
        assert_eq!(bar(100, 100).chars().count(), BAR_WIDTH as usize);
        assert_eq!(bar(50, 100).chars().count(), (BAR_WIDTH / 2) as usize);
        assert_eq!(bar(1, 256), "▏");
        assert_eq!(bar(5, 0), "");
    }
}
