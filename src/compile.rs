//! The pipeline as one call: load the workspace, resolve every service, render in memory,
//! validate what was rendered, and collect findings. The CLI only chooses what to do with the
//! result (report it, write it, diff it).

use crate::diag::{Diagnostic, Report};
use crate::error::Result;
use crate::policy::target::requirements;
use crate::policy::view::FlinkView;
use crate::policy::{self, Mode, Target};
use crate::render::RenderedObject;
use crate::render::{Rendered, render};
use crate::spec::platform::Platform;
use crate::spec::{Resolved, resolve};
use crate::tree::Origin;
use crate::validate::{self, Catalogs};
use crate::workspace::Workspace;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Clone)]
pub struct Options {
    /// CRD folders from the command line, in addition to the platform's `crds`.
    pub crd_dirs: Vec<PathBuf>,
    /// Output folder (repository-relative) instead of the platform's `output` (`--out`).
    pub output: Option<String>,
}

#[derive(Debug)]
pub struct Compilation {
    pub workspace: Workspace,
    /// One per (service, environment, cluster), sorted by service path, environment, cluster.
    pub resolved: Vec<Resolved>,
    /// What `render` writes, in memory. Empty when the platform config has errors.
    pub rendered: Rendered,
    pub report: Report,
}

/// Loads, resolves, renders and validates the repository at `root`.
pub fn compile(root: &Path, options: &Options) -> Result<Compilation> {
    compile_workspace(Workspace::load(root)?, options)
}

/// The pipeline after loading, for a workspace the caller has extended (specs `import
/// --dry-run` has not written, see [`crate::overlay`]).
pub fn compile_workspace(mut workspace: Workspace, options: &Options) -> Result<Compilation> {
    let root = workspace.root.clone();
    let root = root.as_path();
    if let (Some(out), Some(platform)) = (&options.output, workspace.platform.as_mut()) {
        platform.output = crate::tree::Sp::made(out.clone());
    }
    let mut diagnostics: Vec<Diagnostic> = workspace.diagnostics.clone();
    let mut resolved = Vec::new();
    let mut rendered = Rendered::default();
    if let Some(platform) = &workspace.platform {
        let per_service: Vec<_> = workspace
            .services
            .par_iter()
            .map(|s| resolve(s, platform))
            .collect();
        for (r, d) in per_service {
            resolved.extend(r);
            diagnostics.extend(d);
        }
        if let Ok(output) = platform.output_dir() {
            rendered = render(platform, &resolved, &output);
            diagnostics.append(&mut rendered.diagnostics);
            let mut dirs: Vec<PathBuf> =
                platform.crds.iter().map(|d| root.join(&d.value)).collect();
            dirs.extend(options.crd_dirs.iter().cloned());
            let catalogs = Catalogs::load(&dirs)?;
            let blame: HashMap<&str, Origin> = workspace
                .services
                .iter()
                .map(|s| (s.name.value.as_str(), s.blame()))
                .collect();
            diagnostics.extend(validate::check(&rendered.objects, &catalogs, &|o| {
                let origin = blame.get(o.service.as_str()).copied().unwrap_or_default();
                (origin, format!("{} ({}/{})", o.service, o.env, o.cluster))
            }));
            let targets = policy_targets(platform, &resolved, &rendered);
            diagnostics.extend(policy::run(&targets, platform, &policy::date::today()));
        }
    }
    let mut report = Report {
        diagnostics,
        files: 1 + workspace.spec_paths.len(),
    };
    report.finish(&workspace.sources);
    Ok(Compilation {
        workspace,
        resolved,
        rendered,
        report,
    })
}

/// One policy target per rendered FlinkDeployment, with the other objects of its service on
/// its cluster as neighbours (grouped once: rendered objects are sorted by cluster, service).
fn policy_targets<'a>(
    platform: &'a Platform,
    resolved: &'a [Resolved],
    rendered: &'a Rendered,
) -> Vec<Target<'a>> {
    let by_key: HashMap<(&str, &str), &Resolved> = resolved
        .iter()
        .map(|r| ((r.service.name.value.as_str(), r.cluster.value.as_str()), r))
        .collect();
    let mut targets = Vec::new();
    for group in rendered
        .objects
        .chunk_by(|a, b| a.cluster == b.cluster && a.service == b.service)
    {
        for obj in group.iter().filter(|o| o.kind() == "FlinkDeployment") {
            let Some(r) = by_key.get(&(obj.service.as_str(), obj.cluster.as_str())) else {
                continue;
            };
            targets.push(Target {
                view: FlinkView::new(&obj.node),
                mode: Mode::Render,
                platform,
                env: obj.env.clone(),
                cluster: obj.cluster.clone(),
                service: obj.service.clone(),
                requirements: requirements(platform, &obj.env),
                neighbours: group
                    .iter()
                    .filter(|o| !std::ptr::eq(*o, obj))
                    .map(|o: &RenderedObject| &o.node)
                    .collect(),
                blame: r.service.blame(),
                source: Some(&r.tree),
                subject: r.subject(),
            });
        }
    }
    targets
}

impl Compilation {
    /// Keeps only findings that involve one of `paths` (repository-relative): their primary or
    /// a secondary label is in one of those files. Naming the platform config keeps everything,
    /// since every service depends on it; an empty list keeps nothing.
    pub fn focus(&mut self, paths: &[String]) {
        if paths.iter().any(|p| p == crate::spec::platform::FILE_NAME) {
            return;
        }
        let sources = &self.workspace.sources;
        let involved = |d: &Diagnostic| {
            d.primary
                .iter()
                .chain(d.secondary.iter())
                .any(|l| paths.contains(&sources.path(l.span.file)))
        };
        self.report.diagnostics.retain(involved);
        self.report.files = paths.len();
    }

    /// Whether any finding means there is nothing sound to render (YAML, schema or CRD
    /// errors): those block `render` whatever `--fail-on` says.
    ///
    /// A plain-text credential also blocks (unless waived): rendering would write it into a
    /// file that Git and the cluster keep forever.
    pub fn has_blocking_errors(&self) -> bool {
        let secret = crate::policy::rules::no_plaintext_secrets::NoPlaintextSecrets::META.name;
        self.report.diagnostics.iter().any(|d| {
            d.severity == crate::diag::Severity::Error
                && d.is_active()
                && [
                    crate::yaml::RULE,
                    crate::schema::RULE,
                    validate::RULE,
                    secret,
                ]
                .contains(&d.rule.as_str())
        }) || self.workspace.platform.is_none()
    }
}
