//! The output folder on disk: what is there, comparing rendered files with it (to write them,
//! or to report drift), and safe writes. Every file-system access goes through [`crate::io`].
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
//! * each file is read once: a rendered file is compared with what is on disk as its service
//!   is rendered (the run renders each service once, see `compile`), and only the files that
//!   differ are kept until the run decides whether to write; a file render no longer produces
//!   is read once, to tell whether flinkform generated it. An output folder that is up to date
//!   costs one read per file and no write.

mod packed;

use crate::error::{Error, Result};
use crate::io::{self, Kind, Links, ReadError, Refusal};
use crate::render::{HEADER_PREFIX, OutputFile};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Suffix of the temporary files atomic writes rename into place.
pub use crate::io::TEMP_SUFFIX;

/// How much larger than what render produces an on-disk file may be and still be read for
/// the diff `render --check` shows.
const SHOWN_SLACK: u64 = crate::io::MAX_FILE_BYTES as u64;

/// What is in the output folder now, as one walk lists it: nothing is read yet.
#[derive(Debug, Default)]
pub struct Existing {
    /// Regular YAML files, output-relative: flinkform's own or someone else's, which the one
    /// read of each tells ([`FolderSync::accept`], [`FolderSync::not_produced`]).
    pub files: BTreeSet<String>,
    /// Names that are not UTF-8 (flinkform never writes one: someone else's file).
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

/// Lists the output folder without following links and without reading a file.
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
        existing.files.insert(rel);
    }
    Ok(existing)
}

/// Why render does not touch what stands at a path it writes.
pub const NOT_GENERATED: &str = "was not generated by flinkform";

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

impl Written {
    /// One file written: an update of a file that `existed`, or a new one.
    fn add(&mut self, existed: bool) {
        if existed {
            self.updated += 1;
        } else {
            self.created += 1;
        }
    }
}

/// What one rendered file is, against the output folder.
#[derive(Debug)]
enum State {
    /// On disk with these bytes already.
    Unchanged,
    /// Not on disk.
    Missing(OutputFile),
    /// On disk, generated, different: the new file, and (for `--check`'s diff) the old text.
    Stale(OutputFile, String),
    /// To write, held compressed (`existed`: whether this updates a file).
    Packed { file: packed::Packed, existed: bool },
    /// To write, but over the bytes a run holds ([`FolderSync::with_hold_limit`]): its service
    /// is rendered again when the run writes (`existed`: whether this updates a file).
    Deferred { path: String, existed: bool },
}

/// One rendered file and the spec it comes from (`None`: the clusters' own files).
#[derive(Debug)]
struct Entry {
    spec: Option<String>,
    state: State,
}

/// Renders the given specs (repository-relative) once more and hands each of their files to the
/// sink (for [`FolderSync::write`]'s deferred files).
pub type Again<'a> =
    &'a dyn Fn(&BTreeSet<String>, &(dyn Fn(Vec<OutputFile>) -> Result<()> + Sync)) -> Result<()>;

/// A file in the output folder that render does not produce (see
/// [`FolderSync::not_produced`]).
#[derive(Debug, Default)]
pub struct NotProduced {
    /// Generated files: output-relative path, the spec the header names, and the text (read
    /// in full, within a bound, only for `--check`).
    pub generated: Vec<(String, Option<String>, String)>,
    /// Files flinkform did not generate (left alone).
    pub foreign: Vec<String>,
}

/// Compares rendered files with the output folder as the run renders them, keeping only what
/// differs; then writes it ([`FolderSync::write`]) or reports it ([`FolderSync::drift`]) once
/// the run has decided. Safe to call from several threads.
#[derive(Debug)]
pub struct FolderSync {
    dir: PathBuf,
    /// `render --check`: keep what is on disk for the diff.
    compare_only: bool,
    existing: Existing,
    entries: Mutex<Vec<Entry>>,
    /// What stands where render must write (output-relative), and why.
    blocked: Mutex<Vec<(String, String)>>,
    /// Bytes of rendered files held for writing, and the most there may be.
    held: std::sync::atomic::AtomicUsize,
    hold_limit: usize,
    packer: packed::Packer,
}

/// The most bytes of rendered files, compressed ([`packed`]), `render` holds while the run
/// decides whether to write (see [`FolderSync::with_hold_limit`]): what a pull request changes
/// fits many times over, and so does an output folder written from scratch for 10,000
/// services (about 35 MB); beyond that, services are rendered again when the run writes,
/// instead of growing memory with the size of the output.
pub const HOLD_LIMIT: usize = 64 << 20;

/// Where a run hands the files it renders, as it renders each service (`compile`'s
/// `Options::files`). Called from several threads.
pub trait FileSink: Send + Sync + std::fmt::Debug {
    /// The files rendered from the spec at `spec` (repository-relative) for one cluster, or,
    /// with `None`, the clusters' own files.
    fn accept(&self, spec: Option<&str>, files: Vec<OutputFile>) -> Result<()>;
}

impl FileSink for FolderSync {
    fn accept(&self, spec: Option<&str>, files: Vec<OutputFile>) -> Result<()> {
        FolderSync::accept(self, spec, files)
    }
}

impl FolderSync {
    /// `dir` is the output folder from [`resolve_dir`]; `existing` what [`scan`] found there.
    pub fn new(dir: &Path, compare_only: bool, existing: Existing) -> FolderSync {
        FolderSync {
            dir: dir.to_path_buf(),
            compare_only,
            existing,
            entries: Mutex::new(Vec::new()),
            blocked: Mutex::new(Vec::new()),
            held: std::sync::atomic::AtomicUsize::new(0),
            hold_limit: HOLD_LIMIT,
            packer: packed::Packer::default(),
        }
    }

    /// The most bytes of files to write this sync holds ([`HOLD_LIMIT`] by default); the files
    /// beyond it are deferred: [`FolderSync::write`] has their services rendered again.
    /// `render --check` holds every differing file (its diff shows them).
    pub fn with_hold_limit(mut self, bytes: usize) -> FolderSync {
        self.hold_limit = bytes;
        self
    }

    /// Holds `f` for writing, compressed ([`packed`]), or defers it when the hold is full.
    /// `render --check` holds files as they are (its diff reads them), and so are the
    /// clusters' own files (`spec` `None`: a few comment lines each; no service renders them).
    fn hold(&self, spec: Option<&str>, state: State) -> State {
        use std::sync::atomic::Ordering;
        if self.compare_only || spec.is_none() {
            return state;
        }
        let (f, existed) = match state {
            State::Missing(f) => (f, false),
            State::Stale(f, _) => (f, true),
            other => return other,
        };
        let file = self.packer.pack(f);
        let len = file.held_bytes();
        let held = self.held.fetch_add(len, Ordering::Relaxed);
        if held.saturating_add(len) <= self.hold_limit {
            return State::Packed { file, existed };
        }
        self.held.fetch_sub(len, Ordering::Relaxed);
        State::Deferred {
            path: file.path,
            existed,
        }
    }

    /// What [`scan`] found.
    pub fn existing(&self) -> &Existing {
        &self.existing
    }

    /// The link or special file at `path` or at a folder above it, if any.
    fn special_at(&self, path: &str) -> Option<&(String, Kind)> {
        if self.existing.special.is_empty() {
            return None;
        }
        let mut at = path;
        loop {
            if let Some(s) = self.existing.special.iter().find(|(p, _)| p == at) {
                return Some(s);
            }
            at = &at[..at.rfind('/')?];
        }
    }

    /// Compares the files rendered from `spec` (repository-relative; `None` for the clusters'
    /// own files) with the output folder, reading each one on disk once.
    pub fn accept(&self, spec: Option<&str>, files: Vec<OutputFile>) -> Result<()> {
        let mut entries = Vec::with_capacity(files.len());
        for f in files {
            if let Some((p, kind)) = self.special_at(&f.path) {
                let why = match kind {
                    Kind::Link => Refusal::Link.reason(),
                    other => format!("is {}; flinkform does not open it", other.describe()),
                };
                self.blocked
                    .lock()
                    .map_err(poisoned)?
                    .push((p.clone(), why));
                continue;
            }
            let state = if self.existing.files.contains(&f.path) {
                match self.compare(&f)? {
                    Some(state) => self.hold(spec, state),
                    None => {
                        self.blocked
                            .lock()
                            .map_err(poisoned)?
                            .push((f.path.clone(), NOT_GENERATED.to_string()));
                        continue;
                    }
                }
            } else {
                self.hold(spec, State::Missing(f))
            };
            entries.push(Entry {
                spec: spec.map(str::to_string),
                state,
            });
        }
        self.entries.lock().map_err(poisoned)?.append(&mut entries);
        Ok(())
    }

    /// One read of the file on disk at `f`'s path: `None` when flinkform did not generate it.
    fn compare(&self, f: &OutputFile) -> Result<Option<State>> {
        let path = self.dir.join(&f.path);
        // Up to a bound past the new contents, the one read tells both whether flinkform
        // generated the file and whether it differs (and gives `--check`'s diff its text); only
        // a file larger still is opened a second time, for its header alone.
        let limit = f.contents.len() as u64 + SHOWN_SLACK;
        let generated = |head: &[u8]| head.starts_with(HEADER_PREFIX.as_bytes());
        match io::read_bounded(&path, limit, Links::Refuse) {
            Ok(old) if old == f.contents.as_bytes() => Ok(Some(State::Unchanged)),
            Ok(old) if !generated(&old) => Ok(None),
            Ok(old) => {
                let old = if self.compare_only {
                    String::from_utf8_lossy(&old).into_owned()
                } else {
                    String::new()
                };
                Ok(Some(State::Stale(f.clone(), old)))
            }
            Err(ReadError::Refused(Refusal::TooLarge { limit, .. })) => {
                let head = io::read_prefix(&path, HEADER_PREFIX.len(), Links::Refuse)
                    .map_err(|e| e.into_error(&path.display().to_string()))?;
                if !generated(&head) {
                    return Ok(None);
                }
                let old = format!("# (on disk: more than {limit} bytes; not shown)\n");
                Ok(Some(State::Stale(f.clone(), old)))
            }
            // Something replaced the scanned file meanwhile: still never opened.
            Err(ReadError::Refused(r)) => {
                self.blocked
                    .lock()
                    .map_err(poisoned)?
                    .push((f.path.clone(), r.reason()));
                Ok(Some(State::Unchanged))
            }
            Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(Some(State::Missing(f.clone())))
            }
            Err(ReadError::Io(source)) => Err(Error::Read {
                path: path.display().to_string(),
                source,
            }),
        }
    }

    /// What stands where render must write, and why (sorted): files flinkform did not
    /// generate, links and special files. Render refuses to write while there is any.
    pub fn blocking(&self) -> Result<Vec<(String, String)>> {
        let mut b = self.blocked.lock().map_err(poisoned)?.clone();
        b.sort();
        b.dedup();
        Ok(b)
    }

    /// The files in the output folder that render does not produce (`produced`: sorted,
    /// output-relative), each read once: its first line tells whether flinkform generated it
    /// and from which spec; `--check` reads it whole (within a bound) for the diff.
    pub fn not_produced(&self, produced: &[String]) -> NotProduced {
        let mut out = NotProduced {
            foreign: self.existing.foreign.clone(),
            ..NotProduced::default()
        };
        for p in &self.existing.files {
            if produced.binary_search(p).is_ok() {
                continue;
            }
            let path = self.dir.join(p);
            let read = if self.compare_only {
                io::read_bounded(&path, SHOWN_SLACK, Links::Refuse)
            } else {
                io::read_prefix(&path, HEADER_LINE_BYTES, Links::Refuse)
            };
            let Ok(bytes) = read else {
                // Gone, grown past the bound or replaced meanwhile: not ours to touch.
                out.foreign.push(p.clone());
                continue;
            };
            if !bytes.starts_with(HEADER_PREFIX.as_bytes()) {
                out.foreign.push(p.clone());
                continue;
            }
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let spec = generated_from(&text);
            let text = if self.compare_only {
                text
            } else {
                String::new()
            };
            out.generated.push((p.clone(), spec, text));
        }
        out.foreign.sort();
        out
    }

    /// Writes what differs, except the files of the specs in `skip`, and deletes the generated
    /// files in `delete` (with the folders they leave empty) and stale temporary files.
    /// `root` is the platform's folder (no folder on the way may be a link). `again` renders the
    /// specs it is given once more and hands their files to its sink: the deferred files among
    /// them are written (see [`FolderSync::with_hold_limit`]); it is not called when none is.
    pub fn write(
        self,
        root: &Path,
        skip: &BTreeSet<String>,
        delete: &[String],
        again: Again<'_>,
    ) -> Result<Written> {
        use rayon::prelude::*;
        let folders = io::Folders::new(root);
        folders.ensure(&self.dir)?;
        let entries = self.entries.into_inner().map_err(poisoned)?;
        let mut written = Written::default();
        let mut writes = Vec::new();
        let mut deferred = BTreeSet::new();
        let mut deferred_specs = BTreeSet::new();
        for e in entries {
            if e.spec.as_ref().is_some_and(|s| skip.contains(s)) {
                continue;
            }
            written.files += 1;
            match e.state {
                State::Unchanged => written.unchanged += 1,
                State::Missing(f) => {
                    written.add(false);
                    writes.push(Held::Raw(f));
                }
                State::Stale(f, _) => {
                    written.add(true);
                    writes.push(Held::Raw(f));
                }
                State::Packed { file, existed } => {
                    written.add(existed);
                    writes.push(Held::Packed(file));
                }
                State::Deferred { path, existed } => {
                    written.add(existed);
                    deferred.insert(path);
                    deferred_specs.extend(e.spec);
                }
            }
        }
        let write_one = |f: &OutputFile| {
            let path = self.dir.join(&f.path);
            if let Some(parent) = path.parent() {
                folders.ensure(parent)?;
            }
            io::replace(&path, f.contents.as_bytes())
        };
        writes.sort_by(|a, b| a.path().cmp(b.path()));
        // Each held file is restored just before it is written, so the run never holds the
        // whole output as text.
        writes.into_par_iter().try_for_each(|held| match held {
            Held::Raw(f) => write_one(&f),
            Held::Packed(p) => write_one(&p.unpack()?),
        })?;
        if !deferred.is_empty() {
            again(&deferred_specs, &|files: Vec<OutputFile>| {
                files
                    .iter()
                    .filter(|f| deferred.contains(&f.path))
                    .try_for_each(write_one)
            })?;
        }
        for t in &self.existing.stale_temps {
            // Another run may have renamed or removed it already.
            let _ = io::remove_file(&self.dir.join(t));
        }
        for p in delete {
            let path = self.dir.join(p);
            io::remove_file(&path).map_err(|source| Error::Write {
                path: path.display().to_string(),
                source,
            })?;
            written.deleted += 1;
            let mut parent = path.parent();
            while let Some(d) = parent {
                if d == self.dir || !io::remove_empty_dir(d) {
                    break; // not empty, or the output folder itself
                }
                parent = d.parent();
            }
        }
        Ok(written)
    }

    /// How the output folder differs from this render (`--check`), with `not_produced` (from
    /// [`FolderSync::not_produced`]) as the extra files, and how many files are up to date.
    pub fn drift(self, not_produced: NotProduced) -> Result<(Drift, usize)> {
        let mut drift = Drift {
            blocked: self.blocking()?,
            ..Drift::default()
        };
        let mut unchanged = 0;
        for e in self.entries.into_inner().map_err(poisoned)? {
            match e.state {
                State::Unchanged => unchanged += 1,
                State::Missing(f) => drift.missing.push(f),
                State::Stale(f, old) => drift.stale.push((f, old)),
                // `--check` holds every file it reports, as it is.
                State::Deferred { .. } => {}
                State::Packed { file, .. } => {
                    return Err(Error::Other(format!(
                        "internal error: {} was held compressed in a run that only compares",
                        file.path
                    )));
                }
            }
        }
        drift.extra = not_produced
            .generated
            .into_iter()
            .map(|(p, _, text)| (p, text))
            .collect();
        drift.sort();
        Ok((drift, unchanged))
    }
}

/// A file to write, as it is held.
enum Held {
    Raw(OutputFile),
    Packed(packed::Packed),
}

impl Held {
    fn path(&self) -> &str {
        match self {
            Held::Raw(f) => &f.path,
            Held::Packed(p) => &p.path,
        }
    }
}

/// How much of a file's start holds its generated-file header line.
const HEADER_LINE_BYTES: usize = 4096;

/// The spec a generated file names in its header (`# Code generated by flinkform from SPEC.
/// DO NOT EDIT.`).
fn generated_from(text: &str) -> Option<String> {
    text.lines()
        .next()?
        .strip_prefix(HEADER_PREFIX)?
        .strip_prefix(" from ")?
        .strip_suffix(". DO NOT EDIT.")
        .map(str::to_string)
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
