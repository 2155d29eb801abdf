//! `flinkform check [PATH...]`: load, validate and resolve everything; report findings.
//! With paths (as pre-commit passes them) only findings involving those files are reported;
//! naming `flinkform.yaml` or a folder widens that.

use super::{EXIT_CLEAN, EXIT_FINDINGS, ReportArgs, output};
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
    let root = super::root(start)?;
    let discovery = flinkform::workspace::Workspace::discover(&root)?;
    // With paths, only those specs (and any other that could share a name with them) are
    // loaded, and only those are rendered and checked; naming the platform config (every
    // service depends on it) checks everything.
    let focus = if args.paths.is_empty() {
        None
    } else {
        Some(focus_paths(
            &root,
            start,
            &args.paths,
            &discovery.spec_paths,
        )?)
    };
    let narrow: Option<BTreeSet<String>> = focus
        .as_ref()
        .filter(|f| !f.iter().any(|p| p == flinkform::spec::platform::FILE_NAME))
        .map(|f| f.iter().cloned().collect());
    // The CRD catalogue is needed once the first spec is rendered; build it meanwhile.
    if !discovery.spec_paths.is_empty() {
        rayon::spawn(|| {
            flinkform::crd::CrdCatalog::builtin();
        });
    }
    let workspace = discovery.load(narrow.as_ref())?;
    let options = flinkform::compile::Options {
        focus: narrow,
        ..Default::default()
    };
    let mut c = compile_workspace(workspace, &options)?;
    if let Some(f) = &focus {
        c.focus(f);
    }
    output::report(&c.report, &c.workspace.sources, &args.report)?;
    let code = if args.report.fail_on.fails(c.report.worst()) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    };
    // The report is out; the process ends next, so skip freeing every parsed spec.
    std::mem::forget(c);
    Ok(code)
}

/// Repository-relative spec paths for the given command-line paths (files or folders),
/// relative to the directory the command runs in.
pub fn focus_paths(
    root: &Path,
    start: &Path,
    paths: &[PathBuf],
    specs: &[String],
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
            out.extend(specs.iter().filter(|s| s.starts_with(&prefix)).cloned());
        } else if rel == flinkform::spec::platform::FILE_NAME || specs.contains(&rel) {
            out.push(rel);
        } else {
            output::note(&format!(
                "{rel} is not a service spec (see services.include in flinkform.yaml); ignored"
            ));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}
