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
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Spec files or folders to report on (default: the whole repository).
    pub paths: Vec<PathBuf>,

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
    let discovery = flinkform::workspace::Workspace::discover(&root)?;
    // With paths, only those specs are read, rendered and checked (names are unique by
    // folder, which the discovered paths show); naming the platform config (every service
    // depends on it) checks everything.
    let named = if args.paths.is_empty() {
        None
    } else {
        Some(named_specs(
            &root,
            start,
            &paths,
            &discovery.spec_paths,
            &discovery.stray_paths,
        )?)
    };
    let only_specs: Option<BTreeSet<String>> = named
        .as_ref()
        .filter(|f| !f.iter().any(|p| p == flinkform::spec::platform::FILE_NAME))
        .map(|f| f.iter().cloned().collect());
    // The CRD catalogue is needed once the first spec is rendered; build it meanwhile.
    if !discovery.spec_paths.is_empty() {
        rayon::spawn(|| {
            flinkform::crd::CrdCatalog::builtin();
        });
    }
    let workspace = discovery.load(only_specs.as_ref())?;
    let options = flinkform::compile::Options {
        only_specs,
        progress: reporting::progress_for(&args.report),
        ..Default::default()
    };
    let c = compile_workspace(workspace, &options);
    reporting::finish(&options.progress);
    let mut c = c?;
    if let Some(f) = &named {
        c.keep_findings_about(f);
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

/// Repository-relative spec paths for the given command-line paths (files or folders),
/// relative to the directory the command runs in. Files that look like specs but are not
/// discovered (`strays`) count too: their finding is what the user needs to hear.
pub fn named_specs(
    root: &Path,
    start: &Path,
    paths: &[PathBuf],
    specs: &[String],
    strays: &[String],
) -> Result<Vec<String>, Error> {
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
        if matches!(
            flinkform::io::kind(&canonical),
            Ok(Some(flinkform::io::Kind::Dir))
        ) {
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
    Ok(out)
}
