//! The output folder on disk: what `render` would change, drift against it, and safe writes.
//!
//! Guarantees:
//! * nothing is written outside the output folder (it must resolve inside the repository);
//! * a file is replaced atomically (written beside it, synced, then renamed over it), so a
//!   killed run never leaves a half-written file, and two runs at once leave a consistent tree;
//! * files that are already up to date are not rewritten (their timestamps stay);
//! * only files that start with flinkform's generated-file header are ever deleted or
//!   overwritten; any other file is left alone and reported.

use crate::error::{Error, Result};
use crate::render::{HEADER_PREFIX, OutputFile};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What is on disk under the output folder now.
#[derive(Debug, Default)]
pub struct Existing {
    /// Generated files (they start with the header): path → contents.
    pub generated: BTreeMap<String, String>,
    /// YAML files that flinkform did not generate.
    pub foreign: Vec<String>,
}

/// The difference between what render produces and what is on disk.
#[derive(Debug, Default)]
pub struct Plan {
    /// New files (path, contents).
    pub create: Vec<OutputFile>,
    /// Generated files whose contents change (path, new contents, old contents).
    pub update: Vec<(OutputFile, String)>,
    /// Generated files no longer produced.
    pub delete: Vec<String>,
    /// Files that render would need to write but that flinkform did not generate.
    pub blocked: Vec<String>,
    /// YAML files in the output folder that flinkform did not generate (left alone).
    pub foreign: Vec<String>,
    pub unchanged: usize,
}

impl Plan {
    pub fn is_fresh(&self) -> bool {
        self.create.is_empty()
            && self.update.is_empty()
            && self.delete.is_empty()
            && self.blocked.is_empty()
    }
}

/// The output folder for `output` (relative) under `root`, refusing one that leaves the
/// repository, directly or through a symbolic link.
pub fn resolve_dir(root: &Path, output: &str) -> Result<PathBuf> {
    let rel = crate::spec::platform::clean_relative(output)
        .map_err(|why| Error::Usage(format!("output folder `{output}` {why}")))?;
    let dir = root.join(&rel);
    let canonical_root = std::fs::canonicalize(root).map_err(|source| Error::Read {
        path: root.display().to_string(),
        source,
    })?;
    // The folder, or its deepest existing ancestor, must resolve inside the repository (a
    // symbolic link on the way must not lead out), and the folder must not be the root itself.
    let mut probe = dir.clone();
    while !probe.exists() {
        match probe.parent() {
            Some(p) => probe = p.to_path_buf(),
            None => break,
        }
    }
    let resolved = std::fs::canonicalize(&probe).unwrap_or_else(|_| probe.clone());
    let is_root = probe == dir && resolved == canonical_root;
    if !resolved.starts_with(&canonical_root) || is_root {
        return Err(Error::Usage(format!(
            "output folder `{rel}` resolves outside the repository ({}); refusing to write there",
            resolved.display()
        )));
    }
    Ok(dir)
}

/// Scans the output folder (without following symbolic links).
pub fn scan(dir: &Path) -> Result<Existing> {
    let mut existing = Existing::default();
    if !dir.exists() {
        return Ok(existing);
    }
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| Error::Read {
            path: e
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            source: e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("walk failed")),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if !(name.ends_with(".yaml") || name.ends_with(".yml")) || name.starts_with('.') {
            continue;
        }
        let Some(rel) = crate::workspace::relative(dir, entry.path()) else {
            continue;
        };
        let bytes = std::fs::read(entry.path()).map_err(|source| Error::Read {
            path: entry.path().display().to_string(),
            source,
        })?;
        match String::from_utf8(bytes) {
            Ok(text) if text.starts_with(HEADER_PREFIX) => {
                existing.generated.insert(rel, text);
            }
            _ => existing.foreign.push(rel),
        }
    }
    Ok(existing)
}

/// Compares rendered files with what is on disk.
pub fn plan(files: &[OutputFile], existing: &Existing) -> Plan {
    let mut plan = Plan {
        foreign: existing.foreign.clone(),
        ..Plan::default()
    };
    let mut produced = std::collections::BTreeSet::new();
    for f in files {
        produced.insert(f.path.as_str());
        match existing.generated.get(&f.path) {
            Some(old) if *old == f.contents => plan.unchanged += 1,
            Some(old) => plan.update.push((f.clone(), old.clone())),
            None if existing.foreign.contains(&f.path) => plan.blocked.push(f.path.clone()),
            None => plan.create.push(f.clone()),
        }
    }
    plan.delete = existing
        .generated
        .keys()
        .filter(|p| !produced.contains(p.as_str()))
        .cloned()
        .collect();
    plan.foreign.retain(|p| !plan.blocked.contains(p));
    plan
}

/// Threads that write output files.
const WRITE_THREADS: usize = 8;

/// Applies a plan: atomic creates and updates, then deletes, then removal of folders the
/// deletes left empty. A blocked plan is refused before anything is written.
pub fn apply(dir: &Path, plan: &Plan) -> Result<()> {
    if let Some(p) = plan.blocked.first() {
        return Err(Error::Other(format!(
            "{} exists and was not generated by flinkform; refusing to overwrite it (move it away, or delete it)",
            dir.join(p).display()
        )));
    }
    // Each write ends in an fsync, which waits for the disk rather than the CPU: write on a
    // pool wider than the core count, so that the waits overlap (and, on a journaling file
    // system, concurrent fsyncs share commits).
    let writes: Vec<&OutputFile> = plan
        .create
        .iter()
        .chain(plan.update.iter().map(|(f, _)| f))
        .collect();
    rayon::ThreadPoolBuilder::new()
        .num_threads(WRITE_THREADS)
        .build()
        .map_err(|e| Error::Other(format!("cannot start writer threads: {e}")))?
        .install(|| {
            writes
                .par_iter()
                .try_for_each(|f| write_atomic(&dir.join(&f.path), f.contents.as_bytes()))
        })?;
    for p in &plan.delete {
        let path = dir.join(p);
        std::fs::remove_file(&path).map_err(|source| Error::Write {
            path: path.display().to_string(),
            source,
        })?;
        let mut parent = path.parent();
        while let Some(d) = parent {
            if d == dir || std::fs::remove_dir(d).is_err() {
                break; // not empty, or the output folder itself
            }
            parent = d.parent();
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` so that readers see the old or the new file, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let werr = |source| Error::Write {
        path: path.display().to_string(),
        source,
    };
    let dir = path
        .parent()
        .ok_or_else(|| Error::Usage(format!("{} has no folder", path.display())))?;
    std::fs::create_dir_all(dir).map_err(werr)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.flinkform-tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(werr(e));
    }
    Ok(())
}

/// Rule name of drift findings.
pub const DRIFT_RULE: &str = "render-drift";

/// Drift as diagnostics (for `render --check` in machine formats): a stale file at its first
/// differing line, an extra or blocking file at its start, a missing file at the spec that
/// produces it. On-disk files are added to `sources` under `<output>/<path>`.
pub fn drift_diagnostics(
    plan: &Plan,
    existing: &Existing,
    rel_out: &str,
    sources: &mut crate::source::SourceMap,
) -> Vec<crate::diag::Diagnostic> {
    use crate::diag::Diagnostic;
    use crate::source::{SourceFile, Span};
    let help = "run `flinkform render` and commit the result; never edit generated files";
    let mut out = Vec::new();
    fn add(
        sources: &mut crate::source::SourceMap,
        path: String,
        text: &str,
    ) -> (crate::source::FileId, std::sync::Arc<SourceFile>) {
        let id = sources.add(SourceFile::new(path, text));
        (id, sources.get(id))
    }
    for (f, old) in &plan.update {
        let (id, file) = add(sources, format!("{rel_out}/{}", f.path), old);
        let line = old
            .lines()
            .zip(f.contents.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| old.lines().count().min(f.contents.lines().count()));
        let start = file.offset_of(line + 1, 1);
        let end = file.text[start..]
            .find('\n')
            .map_or(file.text.len(), |i| start + i);
        out.push(
            Diagnostic::error(
                DRIFT_RULE,
                format!(
                    "{rel_out}/{} is stale: render produces something else",
                    f.path
                ),
            )
            .at(Span::new(id, start, end), "differs from here")
            .with_help(help),
        );
    }
    for f in &plan.create {
        let source = f
            .contents
            .lines()
            .next()
            .and_then(|h| h.strip_prefix(HEADER_PREFIX))
            .and_then(|h| h.strip_prefix(" from "))
            .and_then(|h| h.strip_suffix(". DO NOT EDIT."));
        let at = source.and_then(|s| {
            sources
                .iter()
                .find(|(_, file)| file.path == s)
                .map(|(id, _)| id)
        });
        out.push(
            Diagnostic::error(DRIFT_RULE, format!("{rel_out}/{} is missing", f.path))
                .at_opt(at.map(|id| Span::new(id, 0, 0)), "rendered from this file")
                .with_help(help),
        );
    }
    for p in &plan.delete {
        let (id, _) = add(
            sources,
            format!("{rel_out}/{p}"),
            existing.generated.get(p).map_or("", String::as_str),
        );
        out.push(
            Diagnostic::error(
                DRIFT_RULE,
                format!("{rel_out}/{p} is no longer produced by render"),
            )
            .at(Span::new(id, 0, 0), "extra file")
            .with_help(help),
        );
    }
    for p in &plan.blocked {
        let (id, _) = add(sources, format!("{rel_out}/{p}"), "");
        out.push(
            Diagnostic::error(
                DRIFT_RULE,
                format!(
                    "{rel_out}/{p} was not generated by flinkform, but render must write this path"
                ),
            )
            .at(Span::new(id, 0, 0), "hand-written file")
            .with_help("move the file away; flinkform never overwrites files it did not generate"),
        );
    }
    out
}

/// A unified diff of one file, `a/` is what is on disk and `b/` what render produces.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, body: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: format!("{HEADER_PREFIX} from x. DO NOT EDIT.\n{body}"),
        }
    }

    #[test]
    fn plan_classifies_files() {
        let mut existing = Existing::default();
        existing
            .generated
            .insert("a.yaml".into(), file("a.yaml", "same\n").contents);
        existing
            .generated
            .insert("b.yaml".into(), file("b.yaml", "old\n").contents);
        existing
            .generated
            .insert("gone.yaml".into(), file("gone.yaml", "x\n").contents);
        existing.foreign.push("hand.yaml".into());
        existing.foreign.push("mine.yaml".into());
        let files = vec![
            file("a.yaml", "same\n"),
            file("b.yaml", "new\n"),
            file("c.yaml", "c\n"),
            file("mine.yaml", "m\n"),
        ];
        let p = plan(&files, &existing);
        assert_eq!(p.unchanged, 1);
        assert_eq!(p.update.len(), 1);
        assert_eq!(
            p.create.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
            ["c.yaml"]
        );
        assert_eq!(p.delete, ["gone.yaml"]);
        assert_eq!(p.blocked, ["mine.yaml"]);
        assert_eq!(p.foreign, ["hand.yaml"]);
        assert!(!p.is_fresh());
    }
}
