//! The output folder on disk: what is there, streaming rendered files against it (to write
//! them, or to report drift), and safe writes. Every file-system access goes through
//! [`crate::io`].
//!
//! Guarantees:
//! * nothing is written outside the output folder, and nothing through a link: the output
//!   folder must be a real folder all the way down from the platform's folder, and so must
//!   every folder below it that a file goes to (checked before anything is created);
//! * a link, FIFO or device in the output folder is never opened: `render --check` reports it
//!   as blocking a path render needs (without quoting what it points to), `render` refuses to
//!   replace it, and neither reads it (a link to `/dev/zero` or `.git/config` costs nothing);
//! * a file is read only if the walk of the output folder found it as a regular file, within a
//!   size bound;
//! * a file is replaced atomically (written beside it under a random name, then renamed over
//!   it), so a killed run never leaves a half-written file, and two runs at once leave a
//!   consistent tree. There is no fsync per file: renaming is atomic against a killed process,
//!   and after a power loss the committed files in Git are the source of truth (`render
//!   --check` tells);
//! * files that are already up to date are not rewritten (their timestamps stay);
//! * only files that start with flinkform's generated-file header are ever deleted or
//!   overwritten; any other file is left alone and reported;
//! * nothing is held for the whole output: files are compared and written as each service is
//!   rendered.

use crate::error::{Error, Result};
use crate::io::{self, Kind, Links, ReadError, Refusal};
use crate::render::{HEADER_PREFIX, OutputFile};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Suffix of the temporary files atomic writes rename into place.
pub use crate::io::TEMP_SUFFIX;

/// How much larger than what render produces an on-disk file may be and still be read for
/// the diff `render --check` shows.
const SHOWN_SLACK: u64 = crate::workspace::MAX_FILE_BYTES as u64;

/// What is in the output folder now, from each file's first line only.
#[derive(Debug, Default)]
pub struct Existing {
    /// Generated files (they start with the header), output-relative.
    pub generated: BTreeSet<String>,
    /// YAML files that flinkform did not generate.
    pub foreign: Vec<String>,
    /// Links, FIFOs, devices and sockets (output-relative): never read, followed or written
    /// through.
    pub special: Vec<(String, Kind)>,
    /// Temporary files a dead run left behind (`.NAME.RANDOM.flinkform-tmp`, unlocked).
    pub stale_temps: Vec<String>,
}

/// The output folder `rel` (a path [`crate::spec::platform::Platform::output_dir`] accepted)
/// below the platform's folder `root`: every component that exists must be a real folder.
pub fn resolve_dir(root: &Path, rel: &str) -> Result<PathBuf> {
    let rel = crate::spec::platform::clean_relative(rel)
        .map_err(|why| Error::Usage(format!("output folder `{rel}` {why}")))?;
    match io::first_non_folder(root, &rel) {
        Ok(None) => Ok(root.join(&rel)),
        Ok(Some((at, Kind::Link))) => Err(Error::Usage(format!(
            "output folder `{rel}`: `{at}` {}; refusing to write there",
            Refusal::Link.reason()
        ))),
        Ok(Some((at, kind))) => Err(Error::Usage(format!(
            "output folder `{rel}`: `{at}` is {}, not a folder",
            kind.describe()
        ))),
        Err(source) => Err(Error::Read { path: rel, source }),
    }
}

/// Scans the output folder without following links, reading only the start of each regular
/// YAML file.
pub fn scan(dir: &Path) -> Result<Existing> {
    let mut existing = Existing::default();
    if !matches!(io::kind(dir), Ok(Some(Kind::Dir))) {
        return Ok(existing);
    }
    for entry in io::walk(dir, Links::Refuse, |_| true) {
        let entry = entry.map_err(|e| Error::Read {
            path: e
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            source: e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("walk failed")),
        })?;
        if entry.depth() == 0 {
            continue;
        }
        let rel = match io::utf8_relative(dir, entry.path()) {
            Some(Ok(rel)) => rel,
            // flinkform never writes such a name: someone else's file, left alone.
            Some(Err(shown)) => {
                if !entry.file_type().is_dir() {
                    existing.foreign.push(shown);
                }
                continue;
            }
            None => continue,
        };
        match Kind::of(entry.file_type()) {
            Kind::Dir => continue,
            Kind::File => {}
            other => {
                existing.special.push((rel, other));
                continue;
            }
        }
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') && name.ends_with(TEMP_SUFFIX) {
            if io::is_stale_temp(entry.path()) {
                existing.stale_temps.push(rel);
            }
            continue;
        }
        if !(name.ends_with(".yaml") || name.ends_with(".yml")) || name.starts_with('.') {
            continue;
        }
        let generated = io::read_prefix(entry.path(), HEADER_PREFIX.len(), Links::Refuse)
            .is_ok_and(|head| head == HEADER_PREFIX.as_bytes());
        if generated {
            existing.generated.insert(rel);
        } else {
            existing.foreign.push(rel);
        }
    }
    Ok(existing)
}

/// Paths render must write where something it will not touch stands.
#[derive(Debug, Default)]
pub struct Blocked {
    /// What stands in the way (output-relative), and why: a file flinkform did not generate
    /// at a path it writes, or a link or special file at such a path or at a folder above it.
    pub entries: Vec<(String, String)>,
    /// The produced paths that are not compared or written because of them.
    pub paths: BTreeSet<String>,
}

/// Why render does not touch what stands at a path it writes.
pub const NOT_GENERATED: &str = "was not generated by flinkform";

/// What blocks the `produced` paths (sorted, output-relative).
pub fn blocked(existing: &Existing, produced: &[String]) -> Blocked {
    let mut b = Blocked::default();
    for f in &existing.foreign {
        if produced.binary_search(f).is_ok() {
            b.entries.push((f.clone(), NOT_GENERATED.to_string()));
            b.paths.insert(f.clone());
        }
    }
    for (s, kind) in &existing.special {
        let prefix = format!("{s}/");
        let start = produced.partition_point(|p| p.as_str() < s.as_str());
        let under: Vec<&String> = produced[start..]
            .iter()
            .take_while(|p| *p == s || p.starts_with(&prefix))
            .collect();
        if under.is_empty() {
            continue;
        }
        let why = match kind {
            Kind::Link => Refusal::Link.reason(),
            other => format!("is {}; flinkform does not open it", other.describe()),
        };
        b.entries.push((s.clone(), why));
        b.paths.extend(under.into_iter().cloned());
    }
    b.entries.sort();
    b
}

/// What differs between a fresh render and the output folder.
#[derive(Debug, Default)]
pub struct Drift {
    pub missing: Vec<OutputFile>,
    /// (what render produces, what is on disk)
    pub stale: Vec<(OutputFile, String)>,
    /// Generated files no longer produced, with their contents.
    pub extra: Vec<(String, String)>,
    /// What stands where render must write, and why (see [`Blocked`]); never read.
    pub blocked: Vec<(String, String)>,
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
        self.blocked.dedup();
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
/// how they differ. Only files the scan found as regular generated files are read. Safe to
/// call from several threads.
pub struct Sync<'a> {
    dir: PathBuf,
    write: bool,
    existing: &'a Existing,
    folders: io::Folders,
    files: AtomicUsize,
    created: AtomicUsize,
    updated: AtomicUsize,
    unchanged: AtomicUsize,
    drift: Mutex<Drift>,
}

impl<'a> Sync<'a> {
    /// `dir` is the output folder from [`resolve_dir`] below the platform's folder `root`;
    /// `existing` what [`scan`] found there.
    pub fn new(root: &Path, dir: &Path, write: bool, existing: &'a Existing) -> Result<Sync<'a>> {
        let folders = io::Folders::new(root);
        if write {
            folders.ensure(dir)?;
        }
        Ok(Sync {
            dir: dir.to_path_buf(),
            write,
            existing,
            folders,
            files: AtomicUsize::new(0),
            created: AtomicUsize::new(0),
            updated: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            drift: Mutex::new(Drift::default()),
        })
    }

    /// Compares (and, when writing, writes) some rendered files.
    pub fn accept(&self, files: Vec<OutputFile>) -> Result<()> {
        for f in files {
            self.files.fetch_add(1, Ordering::Relaxed);
            let path = self.dir.join(&f.path);
            if !self.existing.generated.contains(&f.path) {
                if self.write {
                    self.write_one(&path, &f)?;
                    self.created.fetch_add(1, Ordering::Relaxed);
                } else {
                    self.drift.lock().map_err(poisoned)?.missing.push(f);
                }
                continue;
            }
            // To decide whether to write, one byte more than the new contents is enough.
            let limit = f.contents.len() as u64 + if self.write { 1 } else { SHOWN_SLACK };
            match io::read_bounded(&path, limit, Links::Refuse) {
                Ok(old) if old == f.contents.as_bytes() => {
                    self.unchanged.fetch_add(1, Ordering::Relaxed);
                }
                Ok(_) | Err(ReadError::Refused(Refusal::TooLarge { .. })) if self.write => {
                    self.write_one(&path, &f)?;
                    self.updated.fetch_add(1, Ordering::Relaxed);
                }
                Ok(old) => {
                    let old = String::from_utf8_lossy(&old).into_owned();
                    self.drift.lock().map_err(poisoned)?.stale.push((f, old));
                }
                Err(ReadError::Refused(Refusal::TooLarge { limit, .. })) => {
                    let old = format!("# (on disk: more than {limit} bytes; not shown)\n");
                    self.drift.lock().map_err(poisoned)?.stale.push((f, old));
                }
                // Something replaced the scanned file meanwhile: still never opened.
                Err(ReadError::Refused(r)) => {
                    if self.write {
                        return Err(Error::Refused {
                            path: path.display().to_string(),
                            refusal: r,
                        });
                    }
                    self.drift
                        .lock()
                        .map_err(poisoned)?
                        .blocked
                        .push((f.path.clone(), r.reason()));
                }
                Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                    if self.write {
                        self.write_one(&path, &f)?;
                        self.created.fetch_add(1, Ordering::Relaxed);
                    } else {
                        self.drift.lock().map_err(poisoned)?.missing.push(f);
                    }
                }
                Err(ReadError::Io(source)) => {
                    return Err(Error::Read {
                        path: path.display().to_string(),
                        source,
                    });
                }
            }
        }
        Ok(())
    }

    fn write_one(&self, path: &Path, f: &OutputFile) -> Result<()> {
        if let Some(parent) = path.parent() {
            self.folders.ensure(parent)?;
        }
        io::replace(path, f.contents.as_bytes())
    }

    /// Generated files on disk that this render did not produce: reported as extra, or
    /// deleted (with folders they leave empty). Stale temporary files are removed too.
    pub fn finish(self, produced: &[String]) -> Result<(Written, Drift)> {
        let existing = self.existing;
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
                let _ = io::remove_file(&self.dir.join(t));
            }
            for p in extra {
                let path = self.dir.join(p);
                io::remove_file(&path).map_err(|source| Error::Write {
                    path: path.display().to_string(),
                    source,
                })?;
                deleted += 1;
                let mut parent = path.parent();
                while let Some(d) = parent {
                    if d == self.dir || !io::remove_empty_dir(d) {
                        break; // not empty, or the output folder itself
                    }
                    parent = d.parent();
                }
            }
        } else {
            for p in extra {
                let old = match io::read_bounded(&self.dir.join(p), SHOWN_SLACK, Links::Refuse) {
                    Ok(b) => String::from_utf8_lossy(&b).into_owned(),
                    Err(_) => String::new(),
                };
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
                crate::policy::RuleId::RenderDrift,
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
            Diagnostic::error(
                crate::policy::RuleId::RenderDrift,
                format!("{rel_out}/{} is missing", f.path),
            )
            .at_opt(at.map(|id| Span::new(id, 0, 0)), "rendered from this file")
            .with_help(help),
        );
    }
    for (p, old) in &drift.extra {
        let id = sources.add(SourceFile::new(format!("{rel_out}/{p}"), old));
        let (message, help) = if crate::render::is_earlier_layout(p) {
            (
                format!(
                    "{rel_out}/{p} belongs to the earlier output layout (one file per kind of object)"
                ),
                "run `flinkform render` to move the output folder to one manifests.yaml per service and cluster, and commit the result (docs/output-layout.md)",
            )
        } else {
            (
                format!("{rel_out}/{p} is no longer produced by render"),
                help,
            )
        };
        out.push(
            Diagnostic::error(crate::policy::RuleId::RenderDrift, message)
                .at(Span::new(id, 0, 0), "extra file")
                .with_help(help),
        );
    }
    for (p, why) in &drift.blocked {
        let id = sources.add(SourceFile::new(format!("{rel_out}/{p}"), ""));
        let (label, help) = if why == NOT_GENERATED {
            (
                "hand-written file",
                "move the file away; flinkform never overwrites files it did not generate",
            )
        } else {
            (
                "not opened",
                "replace it with a folder or a generated file (`flinkform render` writes them once it is gone); flinkform never reads, follows or writes through links and special files",
            )
        };
        out.push(
            Diagnostic::error(
                crate::policy::RuleId::RenderDrift,
                format!("{rel_out}/{p} {why}, but render must write this path"),
            )
            .at(Span::new(id, 0, 0), label)
            .with_help(help),
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
