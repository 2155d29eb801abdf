//! The output folder on disk: what is there, streaming rendered files against it (to write
//! them, or to report drift), and safe writes.
//!
//! Guarantees:
//! * nothing is written outside the output folder (it must resolve inside the repository, and
//!   so must every folder below it that a file goes to, checked before anything is created);
//! * a file is replaced atomically (written beside it, then renamed over it), so a killed run
//!   never leaves a half-written file, and two runs at once leave a consistent tree. There is
//!   no fsync per file: renaming is atomic against a killed process, and after a power loss
//!   the committed files in Git are the source of truth (`render --check` tells);
//! * files that are already up to date are not rewritten (their timestamps stay);
//! * only files that start with flinkform's generated-file header are ever deleted or
//!   overwritten; any other file is left alone and reported;
//! * nothing is held for the whole output: files are compared and written as each service is
//!   rendered.

use crate::error::{Error, Result};
use crate::render::{HEADER_PREFIX, OutputFile};
use std::collections::{BTreeSet, HashSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Suffix of the temporary files `write_atomic` renames into place.
pub const TEMP_SUFFIX: &str = ".flinkform-tmp";

/// Rule name of drift findings.
pub const DRIFT_RULE: &str = "render-drift";

/// What is in the output folder now, from each file's first line only.
#[derive(Debug, Default)]
pub struct Existing {
    /// Generated files (they start with the header), output-relative.
    pub generated: BTreeSet<String>,
    /// YAML files that flinkform did not generate.
    pub foreign: Vec<String>,
    /// Temporary files a killed run left behind (`.NAME.PID.flinkform-tmp`): flinkform's own.
    pub stale_temps: Vec<String>,
}

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

/// Scans the output folder (without following symbolic links), reading only the start of
/// each YAML file.
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
        let Some(rel) = crate::workspace::relative(dir, entry.path()) else {
            continue;
        };
        if name.starts_with('.') && name.ends_with(TEMP_SUFFIX) {
            if is_stale_temp(&name, entry.path()) {
                existing.stale_temps.push(rel);
            }
            continue;
        }
        if !(name.ends_with(".yaml") || name.ends_with(".yml")) || name.starts_with('.') {
            continue;
        }
        let mut head = [0u8; HEADER_PREFIX.len()];
        let generated = std::fs::File::open(entry.path())
            .and_then(|mut f| f.read_exact(&mut head))
            .is_ok_and(|()| head == HEADER_PREFIX.as_bytes());
        if generated {
            existing.generated.insert(rel);
        } else {
            existing.foreign.push(rel);
        }
    }
    Ok(existing)
}

fn is_stale_temp(name: &str, path: &Path) -> bool {
    let pid = name
        .strip_suffix(TEMP_SUFFIX)
        .and_then(|n| n.rsplit('.').next())
        .and_then(|p| p.parse::<u32>().ok());
    if pid == Some(std::process::id()) {
        return false;
    }
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return pid.is_none_or(|p| !proc.join(p.to_string()).exists());
    }
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() > 3600)
}

/// Files render needs to write where a file flinkform did not generate stands.
pub fn blocked(existing: &Existing, produced: &[String]) -> Vec<String> {
    existing
        .foreign
        .iter()
        .filter(|f| produced.binary_search(f).is_ok())
        .cloned()
        .collect()
}

/// What differs between a fresh render and the output folder.
#[derive(Debug, Default)]
pub struct Drift {
    pub missing: Vec<OutputFile>,
    /// (what render produces, what is on disk)
    pub stale: Vec<(OutputFile, String)>,
    /// Generated files no longer produced, with their contents.
    pub extra: Vec<(String, String)>,
    pub blocked: Vec<String>,
}

impl Drift {
    pub fn is_fresh(&self) -> bool {
        self.missing.is_empty()
            && self.stale.is_empty()
            && self.extra.is_empty()
            && self.blocked.is_empty()
    }

    fn sort(&mut self) {
        self.missing.sort_by(|a, b| a.path.cmp(&b.path));
        self.stale.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        self.extra.sort();
        self.blocked.sort();
    }
}

/// Counts of a run that wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub files: usize,
    pub created: usize,
    pub updated: usize,
    pub deleted: usize,
    pub unchanged: usize,
}

/// Streams rendered files against the output folder: writes them (`write: true`) or records
/// how they differ. Safe to call from several threads.
pub struct Sync {
    dir: PathBuf,
    root: PathBuf,
    write: bool,
    files: AtomicUsize,
    created: AtomicUsize,
    updated: AtomicUsize,
    unchanged: AtomicUsize,
    drift: Mutex<Drift>,
    /// Folders below `dir` known to be real folders inside the output (or links into it).
    verified: Mutex<HashSet<PathBuf>>,
}

impl Sync {
    pub fn new(dir: &Path, write: bool) -> Result<Sync> {
        if write {
            std::fs::create_dir_all(dir).map_err(|source| Error::Write {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        Ok(Sync {
            dir: dir.to_path_buf(),
            root,
            write,
            files: AtomicUsize::new(0),
            created: AtomicUsize::new(0),
            updated: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            drift: Mutex::new(Drift::default()),
            verified: Mutex::new(HashSet::new()),
        })
    }

    /// Compares (and, when writing, writes) some rendered files.
    pub fn accept(&self, files: Vec<OutputFile>) -> Result<()> {
        for f in files {
            self.files.fetch_add(1, Ordering::Relaxed);
            let path = self.dir.join(&f.path);
            match std::fs::read(&path) {
                Ok(old) if old == f.contents.as_bytes() => {
                    self.unchanged.fetch_add(1, Ordering::Relaxed);
                }
                Ok(old) => {
                    if self.write {
                        self.write_one(&path, &f)?;
                        self.updated.fetch_add(1, Ordering::Relaxed);
                    } else {
                        let old = String::from_utf8_lossy(&old).into_owned();
                        self.drift.lock().map_err(poisoned)?.stale.push((f, old));
                    }
                }
                Err(_) => {
                    if self.write {
                        self.write_one(&path, &f)?;
                        self.created.fetch_add(1, Ordering::Relaxed);
                    } else {
                        self.drift.lock().map_err(poisoned)?.missing.push(f);
                    }
                }
            }
        }
        Ok(())
    }

    fn write_one(&self, path: &Path, f: &OutputFile) -> Result<()> {
        if let Some(parent) = path.parent() {
            self.make_folder(parent)?;
        }
        replace_file(path, f.contents.as_bytes())
    }

    /// Creates `folder` (below the output folder) as needed, refusing to go through a link
    /// that leads outside the output. Each folder is looked at once per run, with one `lstat`
    /// per path component below the output folder; resolving every file's folder with
    /// `canonicalize` instead cost a `readlink` per component of the absolute path, twice
    /// per file: most of `render`'s system calls.
    fn make_folder(&self, folder: &Path) -> Result<()> {
        let werr = |p: &Path, source| Error::Write {
            path: p.display().to_string(),
            source,
        };
        let rel = folder.strip_prefix(&self.dir).map_err(|_| {
            Error::Other(format!(
                "{} is not inside the output folder {}",
                folder.display(),
                self.dir.display()
            ))
        })?;
        let mut at = self.dir.clone();
        for part in rel.components() {
            let std::path::Component::Normal(name) = part else {
                return Err(Error::Other(format!(
                    "{} is not a plain path below the output folder; refusing to write there",
                    folder.display()
                )));
            };
            at.push(name);
            if self.verified.lock().map_err(poisoned)?.contains(&at) {
                continue;
            }
            // What is there (`None`: a folder this run just made).
            let found = match std::fs::symlink_metadata(&at) {
                Ok(meta) => Some(meta),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    match std::fs::create_dir(&at) {
                        Ok(()) => None,
                        // Another render made it meanwhile: look at what it made.
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                            Some(std::fs::symlink_metadata(&at).map_err(|e| werr(&at, e))?)
                        }
                        Err(e) => return Err(werr(&at, e)),
                    }
                }
                Err(e) => return Err(werr(&at, e)),
            };
            if found.is_some_and(|meta| meta.file_type().is_symlink()) {
                let resolved = std::fs::canonicalize(&at).map_err(|e| werr(&at, e))?;
                if !resolved.starts_with(&self.root) {
                    return Err(Error::Other(format!(
                        "{} leads outside the output folder (to {}); refusing to write there",
                        at.display(),
                        resolved.display()
                    )));
                }
            }
            self.verified.lock().map_err(poisoned)?.insert(at.clone());
        }
        Ok(())
    }

    /// Generated files on disk that this render did not produce: reported as extra, or
    /// deleted (with folders they leave empty). Stale temporary files are removed too.
    pub fn finish(self, existing: &Existing, produced: &[String]) -> Result<(Written, Drift)> {
        let extra: Vec<&String> = existing
            .generated
            .iter()
            .filter(|p| produced.binary_search(p).is_err())
            .collect();
        let mut drift = self.drift.into_inner().map_err(poisoned)?;
        let mut deleted = 0;
        if self.write {
            for t in &existing.stale_temps {
                // Another run may have renamed or removed it already.
                let _ = std::fs::remove_file(self.dir.join(t));
            }
            for p in extra {
                let path = self.dir.join(p);
                std::fs::remove_file(&path).map_err(|source| Error::Write {
                    path: path.display().to_string(),
                    source,
                })?;
                deleted += 1;
                let mut parent = path.parent();
                while let Some(d) = parent {
                    if d == self.dir || std::fs::remove_dir(d).is_err() {
                        break; // not empty, or the output folder itself
                    }
                    parent = d.parent();
                }
            }
        } else {
            for p in extra {
                let old = std::fs::read(self.dir.join(p))
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                drift.extra.push((p.clone(), old));
            }
        }
        drift.sort();
        let written = Written {
            files: self.files.into_inner(),
            created: self.created.into_inner(),
            updated: self.updated.into_inner(),
            deleted,
            unchanged: self.unchanged.into_inner(),
        };
        Ok((written, drift))
    }
}

fn poisoned<T>(_: T) -> Error {
    Error::Other("a render thread failed while recording drift".into())
}

/// Writes `bytes` to `path`, creating its folder, so that readers see the old or the new
/// file, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| Error::Usage(format!("{} has no folder", path.display())))?;
    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
        path: dir.display().to_string(),
        source,
    })?;
    replace_file(path, bytes)
}

/// [`write_atomic`] into a folder that exists: a temporary file beside `path`, renamed over it.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let werr = |source| Error::Write {
        path: path.display().to_string(),
        source,
    };
    let dir = path
        .parent()
        .ok_or_else(|| Error::Usage(format!("{} has no folder", path.display())))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `getpid` is a system call each time; a render asks once per file.
    static PID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let pid = *PID.get_or_init(std::process::id);
    let tmp = dir.join(format!(".{name}.{pid}{TEMP_SUFFIX}"));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(werr(e));
    }
    Ok(())
}

/// Drift as diagnostics (for `render --check` in machine formats): a stale file at its first
/// differing line, an extra or blocking file at its start, a missing file at the spec that
/// produces it. On-disk files are added to `sources` under `<output>/<path>`.
pub fn drift_diagnostics(
    drift: &Drift,
    rel_out: &str,
    sources: &mut crate::source::SourceMap,
) -> Vec<crate::diag::Diagnostic> {
    use crate::diag::Diagnostic;
    use crate::source::{SourceFile, Span};
    let help = "run `flinkform render` and commit the result; never edit generated files";
    let mut out = Vec::new();
    for (f, old) in &drift.stale {
        let id = sources.add(SourceFile::new(format!("{rel_out}/{}", f.path), old));
        let file = sources.get(id);
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
    for f in &drift.missing {
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
    for (p, old) in &drift.extra {
        let id = sources.add(SourceFile::new(format!("{rel_out}/{p}"), old));
        out.push(
            Diagnostic::error(
                DRIFT_RULE,
                format!("{rel_out}/{p} is no longer produced by render"),
            )
            .at(Span::new(id, 0, 0), "extra file")
            .with_help(help),
        );
    }
    for p in &drift.blocked {
        let id = sources.add(SourceFile::new(format!("{rel_out}/{p}"), ""));
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
