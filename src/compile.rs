//! The pipeline as one call: load the workspace, then, service by service and in parallel,
//! resolve, render, validate what was rendered and run the policy on it. Only the findings
//! (and, when asked, the rendered objects) are kept, so memory grows with the findings, not
//! with the size of the output; rules across services see small identities. The CLI chooses
//! what to do with the result (report it, write the files, diff it).

use crate::conformance::{self, Catalogs};
use crate::diag::{Diagnostic, Report};
use crate::error::Result;
use crate::facts::view::{FlinkView, Kind};
use crate::io::Links;
pub use crate::output_folder::FileSink;
use crate::policy::target::{Identity, requirements};
use crate::policy::{self, Engine, Mode, Target, WaiverUse};
use crate::render::{self, Bundle, Rendered, RenderedObject};
use crate::spec::platform::Platform;
use crate::spec::service::ServiceFile;
use crate::spec::{Resolved, resolve};
use crate::tree::{Node, Origin};
use crate::workspace::Workspace;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Default, Clone)]
pub struct Options {
    /// CRD folders from the command line, in addition to the platform's `crds`.
    pub crd_dirs: Vec<PathBuf>,
    /// Keep every rendered object (for `diff` and `memory`); otherwise objects are dropped as
    /// soon as they are checked.
    pub keep_objects: bool,
    /// List every file render would write in [`Compilation::output_paths`] (for `render`);
    /// `check` does not need the output paths.
    pub list_outputs: bool,
    /// Check only these spec files fully (`check PATH...`): the others are resolved, which is
    /// all that rules across services need. `None` checks everything.
    pub only_specs: Option<BTreeSet<String>>,
    /// The platform folder's path in its git repository, when it is not where the workspace
    /// is (`diff` renders the base revision from a copy outside the repository).
    pub path_in_git: Option<String>,
    /// Takes each service's output files as the run renders the service (for `render`), then
    /// the clusters' own files: each service is rendered once per run, and what to do with its
    /// files (compare, keep, write) is the caller's.
    pub files: Option<Arc<dyn FileSink>>,
    /// Told about each service checked.
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

/// The pipeline after loading, for a workspace the caller has extended (specs `new` and
/// `import --dry-run` have not written, see [`Workspace::add_unwritten_spec`]).
pub fn compile_workspace(mut workspace: Workspace, options: &Options) -> Result<Compilation> {
    let in_git = options.path_in_git.clone().unwrap_or_else(|| {
        crate::workspace::relative(&workspace.repo_root, &workspace.root).unwrap_or_default()
    });
    let mut diagnostics: Vec<Diagnostic> = workspace.diagnostics.clone();
    diagnostics.extend(findings_on_load(&mut workspace));
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
        let catalogs = crd_catalogue(platform, Some(&workspace.root), &options.crd_dirs)?;
        let engine = Engine::new(platform, &policy::date::today());
        let progress = options.progress.as_deref();
        crate::progress::start(progress, "checking", workspace.services.len());
        let outcomes: Vec<Outcome> = workspace
            .services
            .par_iter()
            .map(|s| {
                let full = options
                    .only_specs
                    .as_ref()
                    .is_none_or(|f| f.contains(&s.path));
                let outcome =
                    check_service(s, platform, &output, &catalogs, &engine, full, options);
                crate::progress::advance(progress);
                outcome
            })
            .collect::<Result<_>>()?;
        // The clusters' own files, rendered once: their paths listed, the files handed on.
        let cluster_files = render::cluster_files(platform, &output);
        if options.list_outputs {
            output_paths.extend(cluster_files.iter().map(|f| f.path.clone()));
        }
        if let Some(sink) = &options.files {
            sink.accept(None, cluster_files)?;
        }
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
        output_paths.sort();
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

/// A [`FileSink`] that keeps every file (for tools and tests that want the whole output at
/// once; `render` compares each file as it comes instead).
#[derive(Debug, Default)]
pub struct KeepFiles(std::sync::Mutex<Vec<render::OutputFile>>);

impl FileSink for KeepFiles {
    fn accept(&self, _spec: Option<&str>, mut files: Vec<render::OutputFile>) -> Result<()> {
        self.0
            .lock()
            .map_err(|_| crate::error::Error::Other("a render thread failed".into()))?
            .append(&mut files);
        Ok(())
    }
}

impl KeepFiles {
    /// Every file kept, sorted by path.
    pub fn into_files(self) -> Vec<render::OutputFile> {
        let mut files = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

/// Loads the platform config at `root` as every command does: the loader's findings, and the
/// policy's about its own settings (rules and environments that do not exist, bad dates).
pub fn load_platform(
    root: &Path,
    sources: &mut crate::source::SourceMap,
) -> Result<(crate::source::FileId, Option<Platform>, Vec<Diagnostic>)> {
    let (id, platform, mut diagnostics) = crate::workspace::load_platform(root, sources)?;
    if let Some(p) = &platform {
        diagnostics.extend(policy::check_config(p));
    }
    Ok((id, platform, diagnostics))
}

/// The policy's findings about what loading found: the platform's own policy settings, and
/// the files that look like specs but are not discovered (`spec-not-discovered`, at the
/// severity the policy gives it).
fn findings_on_load(workspace: &mut Workspace) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(p) = &workspace.platform {
        out.extend(policy::check_config(p));
    }
    let builtin;
    let platform = match &workspace.platform {
        Some(p) => p,
        None => {
            builtin = Platform::builtin();
            &builtin
        }
    };
    out.extend(flux_health_checks(platform));
    let meta = crate::policy::RuleId::SpecNotDiscovered.meta();
    let Some(severity) = policy::repository_severity(platform, meta) else {
        return out;
    };
    for s in &workspace.strays {
        let id = workspace
            .sources
            .add(crate::source::SourceFile::new(s.path.clone(), ""));
        out.push(
            Diagnostic::new(
                meta.name,
                severity,
                format!(
                    "`{}` is never checked or rendered: `services.include` takes `{}`",
                    s.path, s.pattern
                ),
            )
            .at(crate::source::Span::new(id, 0, 0), "")
            .with_help(s.help.clone()),
        );
    }
    out
}

/// `flux-health-checks`, once per run: the platform's Flux is too old for `healthCheckExprs`,
/// so the rendered Kustomizations have none (`render::flux`) and Flux's generic check decides.
fn flux_health_checks(platform: &Platform) -> Option<Diagnostic> {
    let flux = &platform.flux;
    // A version flinkform cannot target at all is refused by the platform's own check.
    if flux.has_health_check_exprs()
        || flux.version.value < crate::spec::platform::FLUX_KUSTOMIZATION_V1
    {
        return None;
    }
    let meta = crate::policy::RuleId::FluxHealthChecks.meta();
    let severity = policy::repository_severity(platform, meta)?;
    let (major, minor) = flux.version.value;
    let (fix_major, fix_minor) = crate::spec::platform::FLUX_HEALTH_CHECK_EXPRS;
    Some(
        Diagnostic::new(
            meta.name,
            severity,
            format!(
                "Flux {major}.{minor} has no healthCheckExprs: the Kustomizations keep only its generic health check, which calls a FlinkDeployment ready once the operator has read its spec and a FlinkBlueGreenDeployment at once, so a Kustomization's Ready says nothing about the job"
            ),
        )
        .at_opt(flux.version.origin.span(), "no job health checks")
        .with_help(format!(
            "Flux {fix_major}.{fix_minor} and later check the job's own state: upgrade Flux and set `version` under `flux` to it (or `flux-health-checks: off` in `policy.rules` to accept the generic check)"
        )),
    )
}

/// The CRD catalogue every command validates against: the built-in CRDs, the platform's
/// `crds` folders (relative to `platform_root`, the folder of `flinkform.yaml`, whatever the
/// current directory; never through a link) and the folders typed with `--crd` (links
/// followed: the user's own choice). `None` for `platform_root`: no platform config, only the
/// built-in defaults (`lint` outside a platform).
pub fn crd_catalogue(
    platform: &Platform,
    platform_root: Option<&Path>,
    typed: &[PathBuf],
) -> Result<Catalogs> {
    let mut dirs: Vec<(PathBuf, Links)> = match platform_root {
        Some(root) => platform
            .crd_dirs()
            .map(|d| (root.join(&d.value), Links::Refuse))
            .collect(),
        None => Vec::new(),
    };
    dirs.extend(typed.iter().map(|d| (d.clone(), Links::Follow)));
    Catalogs::load(
        &dirs,
        crate::crd::CrdCatalog::builtin_for(platform.operator.release()),
    )
}

/// Resolves, renders, validates and checks one service on each of its clusters. Outside
/// `only_specs` only resolution runs, for the identities rules across services need.
fn check_service(
    s: &Arc<ServiceFile>,
    platform: &Platform,
    output: &str,
    catalogs: &Catalogs,
    engine: &Engine<'_>,
    full: bool,
    options: &Options,
) -> Result<Outcome> {
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
        if let Some(sink) = &options.files {
            sink.accept(Some(&s.path), b.files())?;
        }
        let describe = |_: &RenderedObject| (s.blame(), r.subject());
        for o in &b.objects {
            out.diagnostics
                .extend(conformance::check_one(o, catalogs, &describe));
        }
        let nodes: Vec<&Node> = b.objects.iter().map(|o| &o.node).collect();
        let templates = crate::facts::blue_green::templates(&nodes);
        for t in targets(&b, &templates, r, platform) {
            out.diagnostics.extend(engine.check(&t, &mut out.waivers));
            out.identities.push(t.identity());
        }
        if options.keep_objects {
            out.objects.append(&mut b.objects);
        }
    }
    Ok(out)
}

/// What a policy target is about, besides its object: the part of a [`Target`] that `check`
/// (a rendered service on a cluster) and `lint` (a manifest) fill in differently.
pub(crate) struct About<'a> {
    pub mode: Mode,
    pub env: String,
    pub cluster: String,
    pub service: String,
    pub blame: Origin,
    pub source: Option<&'a Node>,
    pub subject: String,
}

/// The policy targets among `objects`: one per Flink object (FlinkDeployment,
/// FlinkSessionJob, FlinkBlueGreenDeployment, FlinkStateSnapshot), the other objects its
/// neighbours. The one target construction every
/// command shares; `about` gives what the object at an index is about.
///
/// A FlinkBlueGreenDeployment is a target too, seen through its template: `templates` holds
/// [`crate::facts::blue_green::templates`] of `objects`, which the targets borrow.
pub(crate) fn flink_targets<'a>(
    objects: &[&'a Node],
    templates: &'a [Option<Node>],
    platform: &'a Platform,
    about: impl Fn(usize) -> About<'a>,
) -> Vec<Target<'a>> {
    let kind = |n: &Node| {
        n.get("kind")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string()
    };
    objects
        .iter()
        .enumerate()
        .filter(|(i, n)| {
            matches!(
                kind(n).as_str(),
                "FlinkDeployment" | "FlinkSessionJob" | "FlinkStateSnapshot"
            ) || templates.get(*i).is_some_and(Option::is_some)
        })
        .map(|(i, node)| {
            let a = about(i);
            let view = match templates.get(i).and_then(Option::as_ref) {
                Some(template) => FlinkView::of_blue_green(template, node),
                None => FlinkView::new(node),
            };
            Target {
                view,
                mode: a.mode,
                platform,
                requirements: requirements(platform, &a.env),
                env: a.env,
                cluster: a.cluster,
                service: a.service,
                neighbours: objects
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, o)| *o)
                    .collect(),
                blame: a.blame,
                source: a.source,
                subject: a.subject,
            }
        })
        .collect()
}

/// The policy targets of a rendered bundle (see [`flink_targets`]).
fn targets<'a>(
    b: &'a Bundle,
    templates: &'a [Option<Node>],
    r: &'a Resolved,
    platform: &'a Platform,
) -> Vec<Target<'a>> {
    let nodes: Vec<&Node> = b.objects.iter().map(|o| &o.node).collect();
    flink_targets(&nodes, templates, platform, |i| {
        let obj = &b.objects[i];
        About {
            mode: Mode::Render,
            env: obj.env.to_string(),
            cluster: obj.cluster.to_string(),
            service: obj.service.to_string(),
            blame: r.service.blame(),
            source: Some(&r.tree),
            subject: r.subject(),
        }
    })
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

/// Renders the services of the specs at `specs` (repository-relative) once more, handing each
/// one's files on each cluster to `sink`: for `render`, whose output folder holds at most
/// [`crate::output_folder::HOLD_LIMIT`] bytes of files (compressed) while the run decides, and
/// has the services beyond it rendered again when it writes. Nothing is checked here: the run
/// did.
pub fn render_again(
    workspace: &Workspace,
    specs: &BTreeSet<String>,
    sink: &(dyn Fn(Vec<render::OutputFile>) -> Result<()> + Sync),
) -> Result<()> {
    let Some(platform) = &workspace.platform else {
        return Ok(());
    };
    let Ok(output) = platform.output_dir() else {
        return Ok(());
    };
    workspace
        .services
        .par_iter()
        .filter(|s| specs.contains(&s.path))
        .try_for_each(|s| {
            for r in &resolve(s, platform).0 {
                if let Some(b) = render::bundle(platform, r, &output) {
                    sink(b.files())?;
                }
            }
            Ok(())
        })
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

impl Compilation {
    /// Keeps only findings that involve one of `paths` (repository-relative): their primary or
    /// a secondary label is in one of those files. Naming the platform config keeps everything,
    /// since every service depends on it; an empty list keeps nothing.
    pub fn keep_findings_about(&mut self, paths: &[String]) {
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
