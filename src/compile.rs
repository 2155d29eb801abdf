//! The pipeline as one call: load the workspace, then, service by service and in parallel,
//! resolve, render, validate what was rendered and run the policy on it. Only the findings
//! (and, when asked, the rendered objects) are kept, so memory grows with the findings, not
//! with the size of the output; rules across services see small identities. The CLI chooses
//! what to do with the result (report it, write the files, diff it).

use crate::diag::{Diagnostic, Report};
use crate::error::Result;
use crate::io::Links;
use crate::policy::target::{Identity, requirements};
use crate::policy::view::{FlinkView, Kind};
use crate::policy::{self, Engine, Mode, Target, WaiverUse};
use crate::render::{self, Bundle, OutputFile, Rendered, RenderedObject};
use crate::spec::platform::Platform;
use crate::spec::service::ServiceFile;
use crate::spec::{Resolved, resolve};
use crate::tree::Origin;
use crate::validate::{self, Catalogs};
use crate::workspace::Workspace;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Default, Clone)]
pub struct Options {
    /// CRD folders from the command line, in addition to the platform's `crds`.
    pub crd_dirs: Vec<PathBuf>,
    /// Output folder (repository-relative) instead of the platform's `output` (`--out`).
    pub output: Option<String>,
    /// Keep every rendered object (for `diff` and `memory`); otherwise objects are dropped as
    /// soon as they are checked.
    pub keep_objects: bool,
    /// List every file render would write in [`Compilation::output_paths`] (for `render`);
    /// `check` does not need the output paths.
    pub list_outputs: bool,
    /// Check only these spec files fully (`check PATH...`): the others are resolved, which is
    /// all that rules across services need. `None` checks everything.
    pub focus: Option<BTreeSet<String>>,
    /// The platform folder's path in its git repository, when it is not where the workspace
    /// is (`diff` renders the base revision from a copy outside the repository).
    pub path_in_git: Option<String>,
    /// Specs [`render_files`] leaves alone (`render --keep-going`: their own spec has errors;
    /// their output on disk stays as it is, so Flux keeps what it runs for them).
    pub skip: BTreeSet<String>,
    /// Told about each service checked ([`compile`]) or rendered ([`render_files`]).
    pub progress: Option<Arc<dyn crate::progress::Progress>>,
}

#[derive(Debug)]
pub struct Compilation {
    pub workspace: Workspace,
    /// Rendered objects, sorted by cluster, service and file, when `keep_objects` was set.
    pub rendered: Rendered,
    /// Every file render writes (output-relative), sorted; with the clusters' own files.
    /// Empty unless `list_outputs` was set.
    pub output_paths: Vec<String>,
    pub report: Report,
}

/// What checking one service produced.
#[derive(Default)]
struct Outcome {
    diagnostics: Vec<Diagnostic>,
    identities: Vec<Identity>,
    objects: Vec<RenderedObject>,
    paths: Vec<String>,
    waivers: WaiverUse,
}

/// Loads, resolves, renders and validates the repository at `root`.
pub fn compile(root: &Path, options: &Options) -> Result<Compilation> {
    compile_workspace(Workspace::load(root)?, options)
}

/// The pipeline after loading, for a workspace the caller has extended (specs `import
/// --dry-run` has not written, see [`crate::overlay`]).
pub fn compile_workspace(mut workspace: Workspace, options: &Options) -> Result<Compilation> {
    if let (Some(out), Some(platform)) = (&options.output, workspace.platform.as_mut()) {
        platform.output = crate::tree::Sp::made(out.clone());
    }
    let in_git = options.path_in_git.clone().unwrap_or_else(|| {
        crate::workspace::relative(&workspace.repo_root, &workspace.root).unwrap_or_default()
    });
    let mut diagnostics: Vec<Diagnostic> = workspace.diagnostics.clone();
    if let Some(platform) = workspace.platform.as_mut()
        && platform.flux.platform_path.is_none()
    {
        // The default never depends on where the files are (a clone or an export); a
        // platform in a subfolder of its git repository is asked to say where it is.
        diagnostics.extend(platform.flux.platform_path_finding(&in_git));
        platform.flux.platform_path = Some(crate::tree::Sp::made(
            crate::spec::platform::DEFAULT_PLATFORM_PATH.to_string(),
        ));
    }
    let mut rendered = Rendered::default();
    let mut output_paths = Vec::new();
    if let Some(platform) = &workspace.platform
        && let Ok(output) = platform.output_dir()
    {
        let mut dirs: Vec<(PathBuf, Links)> = platform
            .crd_dirs()
            .map(|d| (workspace.root.join(&d.value), Links::Refuse))
            .collect();
        dirs.extend(options.crd_dirs.iter().map(|d| (d.clone(), Links::Follow)));
        let catalogs = Catalogs::load(&dirs)?;
        let engine = Engine::new(platform, &policy::date::today());
        let progress = options.progress.as_deref();
        crate::progress::start(progress, "checking", workspace.services.len());
        let outcomes: Vec<Outcome> = workspace
            .services
            .par_iter()
            .map(|s| {
                let full = options.focus.as_ref().is_none_or(|f| f.contains(&s.path));
                let outcome =
                    check_service(s, platform, &output, &catalogs, &engine, full, options);
                crate::progress::advance(progress);
                outcome
            })
            .collect();
        let mut identities = Vec::new();
        let mut waivers = WaiverUse::default();
        for o in outcomes {
            diagnostics.extend(o.diagnostics);
            identities.extend(o.identities);
            rendered.objects.extend(o.objects);
            output_paths.extend(o.paths);
            waivers.merge(&o.waivers);
        }
        diagnostics.extend(engine.finish(&identities, waivers));
        if options.list_outputs {
            output_paths.extend(
                render::cluster_files(platform, &output)
                    .into_iter()
                    .map(|f| f.path),
            );
            output_paths.sort();
        }
        rendered.objects.sort_by(|a, b| {
            (&a.cluster, &a.service, &a.file).cmp(&(&b.cluster, &b.service, &b.file))
        });
    }
    let mut report = Report {
        diagnostics,
        files: 1 + workspace.spec_paths.len(),
    };
    report.finish(&workspace.sources);
    Ok(Compilation {
        workspace,
        rendered,
        output_paths,
        report,
    })
}

/// Resolves, renders, validates and checks one service on each of its clusters. Outside the
/// focus only resolution runs, for the identities rules across services need.
fn check_service(
    s: &Arc<ServiceFile>,
    platform: &Platform,
    output: &str,
    catalogs: &Catalogs,
    engine: &Engine<'_>,
    full: bool,
    options: &Options,
) -> Outcome {
    let (resolved, diags) = resolve(s, platform);
    let mut out = Outcome {
        diagnostics: diags,
        ..Outcome::default()
    };
    for r in &resolved {
        if !full {
            out.identities.push(rendered_identity(r));
            if options.list_outputs {
                out.paths.extend(render::bundle_paths(r));
            }
            continue;
        }
        let Some(mut b) = render::bundle(platform, r, output) else {
            continue;
        };
        out.diagnostics.append(&mut b.diagnostics);
        if options.list_outputs {
            out.paths.extend(b.paths());
        }
        let describe = |_: &RenderedObject| (s.blame(), r.subject());
        for o in &b.objects {
            out.diagnostics
                .extend(validate::check_one(o, catalogs, &describe));
        }
        for t in targets(&b, r, platform) {
            out.diagnostics.extend(engine.check(&t, &mut out.waivers));
            out.identities.push(t.identity());
        }
        if options.keep_objects {
            out.objects.append(&mut b.objects);
        }
    }
    out
}

/// One policy target per FlinkDeployment of a bundle, the bundle's other objects its neighbours.
fn targets<'a>(b: &'a Bundle, r: &'a Resolved, platform: &'a Platform) -> Vec<Target<'a>> {
    b.objects
        .iter()
        .filter(|o| o.kind() == "FlinkDeployment")
        .map(|obj| Target {
            view: FlinkView::new(&obj.node),
            mode: Mode::Render,
            platform,
            env: obj.env.to_string(),
            cluster: obj.cluster.to_string(),
            service: obj.service.to_string(),
            requirements: requirements(platform, &obj.env),
            neighbours: b
                .objects
                .iter()
                .filter(|o| !std::ptr::eq(*o, obj))
                .map(|o| &o.node)
                .collect(),
            blame: r.service.blame(),
            source: Some(&r.tree),
            subject: r.subject(),
        })
        .collect()
}

/// The identity of a service's FlinkDeployment on a cluster, known without rendering it: its
/// name and namespace are the service's name.
fn rendered_identity(r: &Resolved) -> Identity {
    Identity {
        kind: Kind::Deployment,
        name: r.service.name.value.clone(),
        namespace: Some(r.service.name.value.clone()),
        namespace_origin: r.service.name.origin,
        kind_origin: Origin::NONE,
        cluster: r.cluster.value.clone(),
        env: r.env.value.clone(),
        service: r.service.name.value.clone(),
        blame: r.service.blame(),
        subject: r.subject(),
    }
}

/// Every service resolved, all at once (for tools and tests that want them together; the
/// pipeline resolves service by service).
pub fn resolve_all(workspace: &Workspace) -> Vec<Resolved> {
    let Some(platform) = &workspace.platform else {
        return Vec::new();
    };
    workspace
        .services
        .iter()
        .flat_map(|s| resolve(s, platform).0)
        .collect()
}

/// Advances the progress when a service's work ends, however it ends.
struct Advance<'a>(Option<&'a dyn crate::progress::Progress>);

impl Drop for Advance<'_> {
    fn drop(&mut self) {
        crate::progress::advance(self.0);
    }
}

/// Renders every service's files, service by service in parallel, handing each service's
/// files to `sink` as soon as they exist (nothing is held for the whole repository), then the
/// clusters' own files. Checking is [`compile`]'s job: call this after it found nothing that
/// blocks.
pub fn render_files(
    workspace: &Workspace,
    options: &Options,
    sink: &(dyn Fn(Vec<OutputFile>) -> Result<()> + Sync),
) -> Result<()> {
    let Some(platform) = &workspace.platform else {
        return Ok(());
    };
    let output = options
        .output
        .clone()
        .map_or_else(|| platform.output_dir(), Ok)
        .unwrap_or_default();
    let progress = options.progress.as_deref();
    crate::progress::start(progress, "writing", workspace.services.len());
    workspace.services.par_iter().try_for_each(|s| {
        let _done = Advance(progress);
        if options.skip.contains(&s.path) {
            return Ok(());
        }
        for r in &resolve(s, platform).0 {
            if let Some(b) = render::bundle(platform, r, &output) {
                sink(b.files())?;
            }
        }
        Ok(())
    })?;
    sink(render::cluster_files(platform, &output))
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

    /// Whether any finding means there is nothing sound to render (YAML, schema, unsafe-path
    /// or CRD errors): those block `render` whatever `--fail-on` says.
    ///
    /// A plain-text credential also blocks (unless waived): rendering would write it into a
    /// file that Git and the cluster keep forever. So does a namespace the service may not
    /// claim: rendering would write RBAC, a quota and a network policy into it.
    pub fn has_blocking_errors(&self) -> bool {
        self.report.diagnostics.iter().any(is_blocking) || self.workspace.platform.is_none()
    }

    /// What blocks rendering, by file: the spec paths whose own findings block them, and
    /// whether anything blocks that is not in a spec (the platform config, which every service
    /// depends on). Specs that did not load at all are among the blocked ones.
    pub fn blocked_specs(&self) -> (BTreeSet<String>, bool) {
        let sources = &self.workspace.sources;
        let specs: BTreeSet<&String> = self.workspace.spec_paths.iter().collect();
        let mut blocked = BTreeSet::new();
        let mut elsewhere = self.workspace.platform.is_none();
        for d in self.report.diagnostics.iter().filter(|d| is_blocking(d)) {
            match d.primary.as_ref().map(|p| sources.path(p.span.file)) {
                Some(path) if specs.contains(&path) => {
                    blocked.insert(path);
                }
                _ => elsewhere = true,
            }
        }
        let loaded: BTreeSet<&String> = self.workspace.services.iter().map(|s| &s.path).collect();
        blocked.extend(specs.into_iter().filter(|p| !loaded.contains(p)).cloned());
        (blocked, elsewhere)
    }
}

/// A finding that leaves nothing sound to render (see [`Compilation::has_blocking_errors`]):
/// an active error of a rule declared `blocks_render`.
pub fn is_blocking(d: &Diagnostic) -> bool {
    d.severity == crate::diag::Severity::Error
        && d.is_active()
        && crate::policy::RuleId::from_name(&d.rule).is_some_and(|id| id.meta().blocks_render)
}
