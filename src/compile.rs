//! The pipeline as one call: load the workspace, resolve every service, and collect findings.
//! Later stages (render, policy) extend [`Compilation`]; the CLI only chooses what to do with it.

use crate::diag::{Diagnostic, Report};
use crate::error::Result;
use crate::spec::{Resolved, resolve};
use crate::workspace::Workspace;
use rayon::prelude::*;
use std::path::Path;

#[derive(Debug)]
pub struct Compilation {
    pub workspace: Workspace,
    /// One per (service, environment, cluster), sorted by service path, environment, cluster.
    pub resolved: Vec<Resolved>,
    pub report: Report,
}

/// Loads and resolves the repository at `root`.
pub fn compile(root: &Path) -> Result<Compilation> {
    let workspace = Workspace::load(root)?;
    let mut diagnostics: Vec<Diagnostic> = workspace.diagnostics.clone();
    let mut resolved = Vec::new();
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
    }
    let mut report = Report {
        diagnostics,
        files: workspace.sources.len(),
    };
    report.files = 1 + workspace.spec_paths.len();
    report.finish(&workspace.sources);
    Ok(Compilation {
        workspace,
        resolved,
        report,
    })
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
}
