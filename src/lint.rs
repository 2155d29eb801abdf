//! `lint`: the policy over hand-written manifests (FlinkDeployment, FlinkSessionJob,
//! FlinkBlueGreenDeployment through its template; several documents per file). Spans come from the manifests themselves. The platform config is the
//! nearest `flinkform.yaml`, or the built-in defaults; environment-dependent rules apply as
//! for the given environment (default `prod`). Other objects in the linted files are
//! neighbours; objects the linted set does not contain are unknown, and rules that would need
//! them say nothing.

use crate::conformance;
use crate::diag::{Diagnostic, Report};
use crate::error::Result;
use crate::io::Links;
use crate::policy::{self, Mode};
use crate::render::RenderedObject;
use crate::source::{FileId, SourceMap};
use crate::spec::platform::Platform;
use crate::tree::{Node, Origin};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Options {
    /// Environment whose requirements apply (`--env`).
    pub env: String,
    pub crd_dirs: Vec<PathBuf>,
    /// The folder of the platform config, when there is one (its `crds` are relative to it).
    pub platform_root: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            env: "prod".into(),
            crd_dirs: Vec::new(),
            platform_root: None,
        }
    }
}

/// A linted document.
struct Doc {
    file: FileId,
    node: Node,
}

/// Lints `files` (each: the path to show, and the path to read). `sources` may already hold
/// the platform config. The paths are the user's (typed, or found in a folder they typed):
/// read through the IO edge, regular files only; a file over the size bound is a finding,
/// a FIFO or device an operational error (it is not read, and nothing waits for it).
pub fn lint(
    files: &[(String, PathBuf)],
    platform: &Platform,
    options: &Options,
    sources: &mut SourceMap,
) -> Result<Report> {
    let mut contents = Vec::with_capacity(files.len());
    let mut too_large = Vec::new();
    for (shown, path) in files {
        match read_user_file(shown, path)? {
            Ok(bytes) => contents.push((shown.clone(), bytes)),
            Err(r) => too_large.push((shown.clone(), r)),
        }
    }
    let mut report = lint_bytes(contents, platform, options, sources)?;
    for (shown, r) in too_large {
        let id = sources.add(crate::source::SourceFile::new(shown.as_str(), ""));
        let d = crate::workspace::refused(&shown, &r);
        report.diagnostics.push(crate::workspace::attach(d, id));
        report.files += 1;
    }
    report.finish(sources);
    Ok(report)
}

/// Reads a file the user named, for `lint` and `import`: its bytes, or (as a finding) that it
/// is over the size bound; anything but a regular file is an operational error.
pub fn read_user_file(
    shown: &str,
    path: &std::path::Path,
) -> Result<std::result::Result<Vec<u8>, crate::io::Refusal>> {
    let limit = crate::io::MAX_FILE_BYTES as u64;
    match crate::io::read_bounded(path, limit, Links::Follow) {
        Ok(bytes) => Ok(Ok(bytes)),
        Err(crate::io::ReadError::Refused(r @ crate::io::Refusal::TooLarge { .. })) => Ok(Err(r)),
        Err(e) => Err(e.into_error(shown)),
    }
}

/// [`lint`] over file contents already in memory (the fuzz target's entry point).
pub fn lint_bytes(
    files: Vec<(String, Vec<u8>)>,
    platform: &Platform,
    options: &Options,
    sources: &mut SourceMap,
) -> Result<Report> {
    let file_count = files.len();
    crate::suggest::plan_run(file_count);
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut docs: Vec<Doc> = Vec::new();
    for (shown, bytes) in files {
        let (file, problem) = crate::workspace::decode(&shown, bytes);
        let id = sources.add(file);
        if let Some(mut d) = problem {
            if let Some(p) = d.primary.as_mut() {
                p.span.file = id;
            }
            diagnostics.push(d);
            continue;
        }
        match crate::yaml::load_all(id, &sources.get(id)) {
            Ok(nodes) => {
                if let Some(d) = skipped(id, &nodes) {
                    diagnostics.push(d);
                }
                docs.extend(nodes.into_iter().map(|node| Doc { file: id, node }));
            }
            Err(d) => diagnostics.push(d),
        }
    }
    // Documents that are not Kubernetes objects (no `kind`) are not ours to judge.
    docs.retain(|d| d.node.get("kind").and_then(Node::as_str).is_some());

    let catalogs = crate::compile::crd_catalogue(
        platform,
        options.platform_root.as_deref(),
        &options.crd_dirs,
    )?;
    let objects: Vec<RenderedObject> = docs
        .iter()
        .map(|d| RenderedObject {
            cluster: "".into(),
            env: options.env.as_str().into(),
            service: name(&d.node).into(),
            file: sources.path(d.file).into(),
            node: d.node.clone(),
        })
        .collect();
    diagnostics.extend(conformance::check(&objects, &catalogs, &|o| {
        (
            blame(&o.node),
            format!("{}/{}", kind(&o.node), name(&o.node)),
        )
    }));

    let nodes: Vec<&Node> = docs.iter().map(|d| &d.node).collect();
    let templates = crate::facts::blue_green::templates(&nodes);
    let targets = crate::compile::flink_targets(&nodes, &templates, platform, |i| {
        let node = nodes[i];
        crate::compile::About {
            mode: Mode::Lint,
            env: options.env.clone(),
            cluster: String::new(),
            service: name(node).to_string(),
            blame: blame(node),
            source: None,
            subject: format!("{}/{}", kind(node), name(node)),
        }
    });
    diagnostics.extend(policy::run(&targets, platform, &policy::date::today()));
    let mut report = Report {
        diagnostics,
        files: file_count,
    };
    report.finish(sources);
    Ok(report)
}

/// The kinds `lint` checks: every Flink kind an operator release serves.
const FLINK_KINDS: [&str; 4] = crate::flink::operator::WITH_BLUE_GREEN;

/// [`FLINK_KINDS`] in words.
const KINDS_TEXT: &str =
    "FlinkDeployment, FlinkSessionJob, FlinkBlueGreenDeployment and FlinkStateSnapshot objects";

/// The note for a file without a Flink resource: what it holds instead
/// (up to three objects), at its first `kind` or else its start. `None` for a Flink file.
fn skipped(file: FileId, nodes: &[Node]) -> Option<Diagnostic> {
    if nodes.iter().any(|n| FLINK_KINDS.contains(&kind(n))) {
        return None;
    }
    let objects: Vec<String> = nodes
        .iter()
        .filter(|n| !kind(n).is_empty())
        .map(|n| {
            let (k, name) = (kind(n).escape_debug(), name(n).escape_debug());
            if name.to_string().is_empty() {
                k.to_string()
            } else {
                format!("{k}/{name}")
            }
        })
        .collect();
    let holds = match objects.len() {
        0 => "it holds no Kubernetes object".to_string(),
        n if n <= 3 => format!("it holds {}", objects.join(", ")),
        n => format!("it holds {} and {} more", objects[..3].join(", "), n - 3),
    };
    let at = nodes
        .iter()
        .find_map(|n| n.get("kind").and_then(|k| k.origin.span()))
        .unwrap_or(crate::source::Span {
            file,
            start: 0,
            end: 0,
        });
    // A misspelt Flink kind is the likeliest reason a Flink file is passed over.
    let near = nodes
        .iter()
        .find_map(|n| crate::suggest::did_you_mean(kind(n), FLINK_KINDS));
    let help = match near {
        Some(k) => format!("did you mean `kind: {k}`? lint checks only {}", KINDS_TEXT),
        None => {
            format!("lint checks {KINDS_TEXT}; if this file should hold one, correct its `kind`")
        }
    };
    Some(
        Diagnostic::new(
            crate::policy::RuleId::NotAFlinkResource,
            crate::diag::Severity::Info,
            format!("skipped: not a Flink resource ({holds})"),
        )
        .at(at, "not checked")
        .with_help(help),
    )
}

fn kind(n: &Node) -> &str {
    n.get("kind").and_then(Node::as_str).unwrap_or_default()
}

fn name(n: &Node) -> &str {
    n.path(&["metadata", "name"])
        .and_then(Node::as_str)
        .unwrap_or_default()
}

/// Where a finding about something missing points: the manifest's `spec` key, else its `kind`.
fn blame(n: &Node) -> Origin {
    let key = |k: &str| n.as_map().and_then(|m| m.entry(k)).map(|e| e.key_origin);
    key("spec").or_else(|| key("kind")).unwrap_or_default()
}
