//! `lint`: the policy over hand-written manifests (FlinkDeployment, FlinkSessionJob; several
//! documents per file). Spans come from the manifests themselves. The platform config is the
//! nearest `flinkform.yaml`, or the built-in defaults; environment-dependent rules apply as
//! for the given environment (default `prod`). Other objects in the linted files are
//! neighbours; objects the linted set does not contain are unknown, and rules that would need
//! them say nothing.

use crate::diag::{Diagnostic, Report};
use crate::error::{Error, Result};
use crate::policy::target::requirements;
use crate::policy::view::FlinkView;
use crate::policy::{self, Mode, Target};
use crate::render::RenderedObject;
use crate::source::{FileId, SourceMap};
use crate::spec::platform::Platform;
use crate::tree::{Node, Origin};
use crate::validate::{self, Catalogs};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Options {
    /// Environment whose requirements apply (`--env`).
    pub env: String,
    pub crd_dirs: Vec<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            env: "prod".into(),
            crd_dirs: Vec::new(),
        }
    }
}

/// A linted document.
struct Doc {
    file: FileId,
    node: Node,
}

/// Lints `files` (each: the path to show, and the path to read). `sources` may already hold
/// the platform config.
pub fn lint(
    files: &[(String, PathBuf)],
    platform: &Platform,
    options: &Options,
    sources: &mut SourceMap,
) -> Result<Report> {
    let mut contents = Vec::with_capacity(files.len());
    for (shown, path) in files {
        let bytes = std::fs::read(path).map_err(|source| Error::Read {
            path: shown.clone(),
            source,
        })?;
        contents.push((shown.clone(), bytes));
    }
    lint_bytes(contents, platform, options, sources)
}

/// [`lint`] over file contents already in memory (the fuzz target's entry point).
pub fn lint_bytes(
    files: Vec<(String, Vec<u8>)>,
    platform: &Platform,
    options: &Options,
    sources: &mut SourceMap,
) -> Result<Report> {
    let file_count = files.len();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut docs = Vec::new();
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
            Ok(nodes) => docs.extend(nodes.into_iter().map(|node| Doc { file: id, node })),
            Err(d) => diagnostics.push(d),
        }
    }
    // Documents that are not Kubernetes objects (no `kind`) are not ours to judge.
    docs.retain(|d| d.node.get("kind").and_then(Node::as_str).is_some());

    let mut dirs: Vec<PathBuf> = platform
        .crds
        .iter()
        .map(|d| PathBuf::from(&d.value))
        .collect();
    dirs.extend(options.crd_dirs.iter().cloned());
    let catalogs = Catalogs::load(&dirs)?;
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
    diagnostics.extend(validate::check(&objects, &catalogs, &|o| {
        (
            blame(&o.node),
            format!("{}/{}", kind(&o.node), name(&o.node)),
        )
    }));

    let targets: Vec<Target<'_>> = docs
        .iter()
        .enumerate()
        .filter(|(_, d)| matches!(kind(&d.node), "FlinkDeployment" | "FlinkSessionJob"))
        .map(|(i, d)| Target {
            view: FlinkView::new(&d.node),
            mode: Mode::Lint,
            platform,
            env: options.env.clone(),
            cluster: String::new(),
            service: name(&d.node).to_string(),
            requirements: requirements(platform, &options.env),
            neighbours: docs
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, o)| &o.node)
                .collect(),
            blame: blame(&d.node),
            source: None,
            subject: format!("{}/{}", kind(&d.node), name(&d.node)),
        })
        .collect();
    diagnostics.extend(policy::run(&targets, platform, &policy::date::today()));
    let mut report = Report {
        diagnostics,
        files: file_count,
    };
    report.finish(sources);
    Ok(report)
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
