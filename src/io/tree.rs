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

/// A walk of the tree at `dir` that follows no link below `dir` (a linked folder is yielded
/// as a link and not entered). `dir` itself is followed only with [`Links::Follow`], for a
/// folder the user typed.
pub fn walk(dir: &Path, root: Links) -> walkdir::WalkDir {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .follow_root_links(root == Links::Follow)
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
