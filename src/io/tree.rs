//! Looking at folders without following links: entry kinds, listings, walks, and the check
//! that every folder on a repository-named path is a real folder.

use super::open::Links;
use super::refusal::Kind;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// What is at `path`, without following a link there (`lstat`); `None` when nothing is.
pub fn kind(path: &Path) -> std::io::Result<Option<Kind>> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => Ok(Some(Kind::of(meta.file_type()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// One entry of a folder listing.
#[derive(Debug)]
pub struct Entry {
    pub path: PathBuf,
    pub name: OsString,
    /// From the listing itself where the file system says (no extra system call).
    pub kind: Kind,
}

/// The entries of one folder (unsorted), each as the folder listing describes it: a link is a
/// link. An entry that cannot be described is an error in its place.
pub fn list(dir: &Path) -> std::io::Result<Vec<std::io::Result<Entry>>> {
    Ok(std::fs::read_dir(dir)?
        .map(|entry| {
            let entry = entry?;
            Ok(Entry {
                path: entry.path(),
                name: entry.file_name(),
                kind: Kind::of(entry.file_type()?),
            })
        })
        .collect())
}

/// One entry of a [`walk`].
#[derive(Debug)]
pub struct WalkEntry {
    path: PathBuf,
    name: OsString,
    depth: usize,
    kind: std::fs::FileType,
}

impl WalkEntry {
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn file_name(&self) -> &std::ffi::OsStr {
        &self.name
    }

    /// 0 for the folder walked, 1 for its entries, …
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// What the entry is, not following a link (except at depth 0 with [`Links::Follow`]).
    pub fn file_type(&self) -> std::fs::FileType {
        self.kind
    }
}

/// A folder a [`walk`] could not read, or the root it could not look at.
#[derive(Debug)]
pub struct WalkError {
    path: PathBuf,
    error: std::io::Error,
}

impl WalkError {
    pub fn path(&self) -> Option<&Path> {
        Some(&self.path)
    }

    pub fn into_io_error(self) -> Option<std::io::Error> {
        Some(self.error)
    }
}

impl std::fmt::Display for WalkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.error)
    }
}

/// A walk of the tree at `dir`, depth first, each folder's entries sorted by name (so every
/// walk is deterministic), that
/// * follows no link below `dir` (a linked folder is yielded as a link and not entered);
///   `dir` itself is followed only with [`Links::Follow`], for a folder the user typed;
/// * never yields, opens or lists a `.git` entry below `dir`: git's own files (where
///   `actions/checkout` keeps its token) are no repository content (`crds: [.]` read
///   `.git/…/x.yaml`);
/// * skips what `keep` rejects: a rejected folder is neither yielded nor opened.
///
/// A folder is opened only once the walk reaches it (so a rejected one never is).
pub fn walk<'a>(
    dir: &Path,
    root: Links,
    keep: impl FnMut(&WalkEntry) -> bool + 'a,
) -> impl Iterator<Item = Result<WalkEntry, WalkError>> + 'a {
    let looked = match root {
        Links::Follow => std::fs::metadata(dir),
        Links::Refuse => std::fs::symlink_metadata(dir),
    };
    let first = looked
        .map(|m| WalkEntry {
            path: dir.to_path_buf(),
            name: dir.file_name().map(OsString::from).unwrap_or_default(),
            depth: 0,
            kind: m.file_type(),
        })
        .map_err(|error| WalkError {
            path: dir.to_path_buf(),
            error,
        });
    Walk {
        first: Some(first),
        stack: Vec::new(),
        keep,
    }
}

struct Walk<F> {
    first: Option<Result<WalkEntry, WalkError>>,
    /// The entries still to yield of each folder being walked, innermost last.
    stack: Vec<std::vec::IntoIter<Result<WalkEntry, WalkError>>>,
    keep: F,
}

impl<F: FnMut(&WalkEntry) -> bool> Walk<F> {
    /// Lists a folder about to be yielded, so that its entries come next.
    fn enter(&mut self, e: &WalkEntry) {
        let listed = std::fs::read_dir(&e.path).and_then(|rd| {
            rd.map(|entry| {
                let entry = entry?;
                Ok(WalkEntry {
                    path: entry.path(),
                    name: entry.file_name(),
                    depth: e.depth + 1,
                    kind: entry.file_type()?,
                })
            })
            .collect::<std::io::Result<Vec<WalkEntry>>>()
        });
        let items = match listed {
            Ok(mut entries) => {
                entries.sort_by(|a, b| a.name.cmp(&b.name));
                entries.into_iter().map(Ok).collect()
            }
            Err(error) => vec![Err(WalkError {
                path: e.path.clone(),
                error,
            })],
        };
        self.stack.push(items.into_iter());
    }
}

impl<F: FnMut(&WalkEntry) -> bool> Iterator for Walk<F> {
    type Item = Result<WalkEntry, WalkError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(first) = self.first.take() {
            let e = match first {
                Ok(e) => e,
                Err(e) => return Some(Err(e)),
            };
            if !(self.keep)(&e) {
                return None;
            }
            if e.kind.is_dir() {
                self.enter(&e);
            }
            return Some(Ok(e));
        }
        loop {
            let next = self.stack.last_mut()?.next();
            match next {
                None => {
                    self.stack.pop();
                }
                Some(Err(e)) => return Some(Err(e)),
                Some(Ok(e)) => {
                    if e.name == ".git" || !(self.keep)(&e) {
                        continue;
                    }
                    if e.kind.is_dir() {
                        self.enter(&e);
                    }
                    return Some(Ok(e));
                }
            }
        }
    }
}

/// What is at `path`, following links (`stat`): for paths the user typed.
pub fn kind_following(path: &Path) -> std::io::Result<Option<Kind>> {
    match std::fs::metadata(path) {
        Ok(meta) => Ok(Some(Kind::of(meta.file_type()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Checks the folders of a repository-named path below `base` (a real folder), one `lstat`
/// per `/`-separated component of `rel`, the last one included: the first component that is
/// not a real folder (a link, a file, a FIFO, …), as its `base`-relative path and kind.
/// `None` when every component is a folder or the path stops existing on the way (what does
/// not exist cannot lead anywhere; a caller that creates it goes through [`super::Folders`]).
pub fn first_non_folder(base: &Path, rel: &str) -> std::io::Result<Option<(String, Kind)>> {
    let mut at = base.to_path_buf();
    let mut shown: Vec<&str> = Vec::new();
    for part in rel.split('/').filter(|p| !p.is_empty() && *p != ".") {
        at.push(part);
        shown.push(part);
        match kind(&at)? {
            None => return Ok(None),
            Some(Kind::Dir) => {}
            Some(other) => return Ok(Some((shown.join("/"), other))),
        }
    }
    Ok(None)
}

/// `std::fs::canonicalize`, for paths the user typed (`-C`, `check PATH`): links in them are
/// the user's choice.
pub fn canonicalize(path: &Path) -> std::io::Result<PathBuf> {
    std::fs::canonicalize(path)
}

/// The `/`-separated path of `path` relative to `root`: `None` when it is not below `root`,
/// `Some(Err(shown))` when a component is not UTF-8 (`shown` spells the bad bytes `\xFF`).
pub fn utf8_relative(root: &Path, path: &Path) -> Option<Result<String, String>> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for c in rel.components() {
        match c.as_os_str().to_str() {
            Some(s) => parts.push(s.to_string()),
            None => {
                let shown: Vec<String> = rel.components().map(|c| display(c.as_os_str())).collect();
                return Some(Err(shown.join("/")));
            }
        }
    }
    Some(Ok(parts.join("/")))
}

/// A file name for messages: UTF-8 as it is, other bytes as `\xFF`.
pub fn display(name: &std::ffi::OsStr) -> String {
    let bytes = name.as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}
