//! `flinkform check [PATH...]`: load, validate and resolve everything; report findings.
//! With paths (as pre-commit passes them) only findings involving those files are reported;
//! naming `flinkform.yaml` or a folder widens that.
//!
//! Paths are resolved against the directory flinkform runs in, and the platform is found by
//! walking up from them (not from the current directory): pre-commit runs hooks from the git
//! root and passes git-root paths such as `platform/services/x/service.yaml`, which must work
//! when the platform lives in a subfolder.

use super::{EXIT_CLEAN, EXIT_FINDINGS, ReportArgs, reporting};
use flinkform::compile::compile_workspace;
use flinkform::error::Error;
use flinkform::workspace::{Focus, Workspace};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Spec files or folders to report on (default: the whole repository).
    pub paths: Vec<PathBuf>,

    /// Also judge the change from this git revision (e.g. the pull request's base): compile
    /// it too and run the transition rules on each service's job before and after.
    #[arg(long, value_name = "REF", conflicts_with = "paths")]
    pub base: Option<String>,

    #[command(flatten)]
    pub report: ReportArgs,
}

pub fn run(start: &Path, args: CheckArgs) -> Result<u8, Error> {
    let (root, paths) = if args.paths.is_empty() {
        (super::root(start)?, Vec::new())
    } else {
        match platform_of_paths(start, &args.paths)? {
            Some(found) => found,
            // None of the paths is in a platform: nothing of flinkform's to check.
            None => return Ok(EXIT_CLEAN),
        }
    };
    // With paths, discovery looks only into the folders a check of them needs; naming the
    // platform config (every service depends on it) checks everything.
    let named_paths = if args.paths.is_empty() {
        None
    } else {
        Some(repository_paths(&root, start, &paths)?)
    };
    let names_platform = named_paths.as_ref().is_some_and(|named| {
        named
            .iter()
            .any(|(rel, _)| rel == flinkform::spec::platform::FILE_NAME)
    });
    let focus = named_paths
        .as_ref()
        .filter(|_| !names_platform)
        .map(|named| Focus::new(named.iter().map(|(rel, _)| rel.clone()).collect()));
    // Reading the CRD schemas a service's objects are validated against is a large fixed
    // cost of a small check (`check PATH` in a pre-commit hook): start it on another core as
    // soon as the platform says which operator release it targets, while the specs are found
    // and read.
    let discovery = Workspace::discover_then(&root, focus.as_ref(), |platform| {
        if let Some(p) = platform {
            let catalog = flinkform::crd::CrdCatalog::builtin_for(p.operator.release());
            rayon::spawn(move || {
                catalog.prepare(&flinkform::render::USUAL_CUSTOM_KINDS);
            });
        }
    })?;
    // With paths, only those specs are read, rendered and checked (names are unique by
    // folder, which the discovered paths show); naming the platform config (every service
    // depends on it) checks everything.
    let named =
        named_paths.map(|named| named_specs(&named, &discovery.spec_paths, &discovery.stray_paths));
    let only_specs: Option<BTreeSet<String>> = named
        .as_ref()
        .filter(|_| !names_platform)
        .map(|f| f.iter().cloned().collect());
    let workspace = discovery.load(only_specs.as_ref())?;
    let options = flinkform::compile::Options {
        only_specs,
        progress: reporting::progress_for(&args.report),
        // The transition rules compare the rendered objects of both sides.
        keep_objects: args.base.is_some(),
        ..Default::default()
    };
    let c = compile_workspace(workspace, &options);
    reporting::finish(&options.progress);
    let mut c = c?;
    if let Some(f) = &named {
        c.keep_findings_about(f);
    }
    if let Some(rev) = &args.base {
        check_change(&root, rev, &mut c, &args.report)?;
    }
    c.workspace.sources.set_cwd(super::canonical(start)?);
    reporting::report(&c.report, &c.workspace.sources, &args.report)?;
    let code = if args.report.fail_on.fails(c.report.worst()) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    // The report is out; the process ends next, so skip freeing every parsed spec.
    std::mem::forget(c);
    Ok(code)
}

/// `--base REF`: compiles the base revision (as `diff --base` does) and adds the transition
/// findings of the change to the report. A base that cannot be read is a usage error (exit 2)
/// that says why: not a revision, or not in a shallow clone. A base without a platform config
/// has nothing to compare: a note says so and only the end state is checked.
fn check_change(
    root: &Path,
    rev: &str,
    c: &mut flinkform::compile::Compilation,
    report: &ReportArgs,
) -> Result<(), Error> {
    let (tmp, base_root) =
        super::diff::extract(root, rev, c).map_err(|e| shallow_hint(root, rev, e))?;
    let in_git = flinkform::workspace::relative(&c.workspace.repo_root, &c.workspace.root)
        .unwrap_or_default();
    let progress = reporting::progress_for(report).is_some();
    let base = super::diff::compile_base(&base_root, rev, Some(in_git.clone()), progress)?;
    drop(tmp);
    if let Some(base) = base {
        let found = flinkform::change::transitions(&base, c, &in_git);
        c.report.diagnostics.extend(found);
        c.report.finish(&c.workspace.sources);
    }
    Ok(())
}

/// A base revision that is not there, explained when the clone is shallow (the usual cause in
/// CI: `actions/checkout` fetches one commit by default).
fn shallow_hint(root: &Path, rev: &str, e: Error) -> Error {
    let shallow = super::diff::git_text(root, &["rev-parse", "--is-shallow-repository"])
        .is_ok_and(|s| s == "true");
    match e {
        Error::Usage(m) if shallow => Error::Usage(format!(
            "{m}; this is a shallow clone, which may not contain `{rev}`: fetch it (`git fetch --deepen=50`, or `fetch-depth: 0` in actions/checkout)"
        )),
        e => e,
    }
}

/// The platform the command-line paths belong to (the nearest `flinkform.yaml` at or above
/// each), and the paths that belong to it. A path in no platform is not flinkform's business
/// (pre-commit passes every file its pattern matches): it is ignored with a note. Paths in
/// two different platforms are a usage error; `None` when no path is in a platform.
fn platform_of_paths(
    start: &Path,
    paths: &[PathBuf],
) -> Result<Option<(PathBuf, Vec<PathBuf>)>, Error> {
    let mut found: Option<(PathBuf, Vec<PathBuf>)> = None;
    for p in paths {
        let full = start.join(p);
        let kind = flinkform::io::kind_following(&full).map_err(|source| Error::Read {
            path: p.display().to_string(),
            source,
        })?;
        let dir = if kind == Some(flinkform::io::Kind::Dir) {
            full.clone()
        } else {
            full.parent()
                .map_or_else(|| start.to_path_buf(), Path::to_path_buf)
        };
        let root = match flinkform::workspace::find_root(&dir) {
            Ok(root) => root,
            Err(Error::NoPlatform { .. }) => {
                reporting::note(&format!(
                    "{}: no {} in its folder or above; ignored",
                    p.display(),
                    flinkform::spec::platform::FILE_NAME
                ));
                continue;
            }
            Err(e) => return Err(e),
        };
        match &mut found {
            None => found = Some((root, vec![p.clone()])),
            Some((first, list)) if *first == root => list.push(p.clone()),
            Some((first, _)) => {
                return Err(Error::Usage(format!(
                    "the paths belong to two platforms ({} and {}): check each platform on its own",
                    first.display(),
                    root.display()
                )));
            }
        }
    }
    Ok(found)
}

/// The command-line paths (files or folders, relative to the directory the command runs in) as
/// repository-relative paths, each with whether it is a folder.
fn repository_paths(
    root: &Path,
    start: &Path,
    paths: &[PathBuf],
) -> Result<Vec<(String, bool)>, Error> {
    let mut out = Vec::new();
    for p in paths {
        let full = if p.is_absolute() {
            p.clone()
        } else {
            start.join(p)
        };
        let canonical = flinkform::io::canonicalize(&full).map_err(|source| Error::Read {
            path: p.display().to_string(),
            source,
        })?;
        let rel = flinkform::workspace::relative(root, &canonical).ok_or_else(|| {
            Error::Usage(format!(
                "{} is outside the repository {}",
                p.display(),
                root.display()
            ))
        })?;
        let folder = matches!(
            flinkform::io::kind(&canonical),
            Ok(Some(flinkform::io::Kind::Dir))
        );
        out.push((rel, folder));
    }
    Ok(out)
}

/// Repository-relative spec paths for the [`repository_paths`] named. Files that look like
/// specs but are not discovered (`strays`) count too: their finding is what the user needs to
/// hear.
fn named_specs(named: &[(String, bool)], specs: &[String], strays: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, folder) in named {
        let rel = rel.clone();
        if *folder {
            let prefix = if rel.is_empty() {
                String::new()
            } else {
                format!("{rel}/")
            };
            out.extend(
                specs
                    .iter()
                    .chain(strays)
                    .filter(|s| s.starts_with(&prefix))
                    .cloned(),
            );
        } else if rel == flinkform::spec::platform::FILE_NAME
            || specs.contains(&rel)
            || strays.contains(&rel)
        {
            out.push(rel);
        } else {
            reporting::note(&format!(
                "{rel} is not a service spec (see services.include in flinkform.yaml); ignored"
            ));
        }
    }
    out.sort();
    out.dedup();
    out
}
