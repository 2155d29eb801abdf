//! Writing: folders made one real folder at a time, files replaced atomically or created
//! without overwriting, never through a link.

use super::interrupt;
use super::refusal::{Kind, Refusal};
use super::temp::{beside, publish_mode};
use super::tree::kind;
use crate::error::{Error, Result};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, PoisonError};

fn werr(path: &Path, source: std::io::Error) -> Error {
    Error::Write {
        path: path.display().to_string(),
        source,
    }
}

/// Makes folders below `base` (a real folder the caller trusts: the platform root, or an
/// output folder checked with [`super::first_non_folder`]). Each folder is looked at once
/// per run, with one `lstat` per path component; a link or a file on the way is refused
/// before anything is created below it. (Resolving each file's folder with `canonicalize`
/// instead cost a `readlink` per component of the absolute path, twice per file: most of
/// `render`'s system calls.) Safe to use from several threads.
#[derive(Debug)]
pub struct Folders {
    base: PathBuf,
    verified: Mutex<HashSet<PathBuf>>,
}

impl Folders {
    pub fn new(base: &Path) -> Folders {
        Folders {
            base: base.to_path_buf(),
            verified: Mutex::new(HashSet::new()),
        }
    }

    /// Makes `folder` (`base` or below it) exist as a real folder.
    pub fn ensure(&self, folder: &Path) -> Result<()> {
        let rel = folder.strip_prefix(&self.base).map_err(|_| {
            Error::Other(format!(
                "{} is not inside {}",
                folder.display(),
                self.base.display()
            ))
        })?;
        let mut at = self.base.clone();
        for part in rel.components() {
            let Component::Normal(name) = part else {
                return Err(Error::Other(format!(
                    "{} is not a plain path below {}; refusing to write there",
                    folder.display(),
                    self.base.display()
                )));
            };
            at.push(name);
            if self
                .verified
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .contains(&at)
            {
                continue;
            }
            let found = match kind(&at).map_err(|e| werr(&at, e))? {
                Some(k) => k,
                None => match std::fs::create_dir(&at) {
                    Ok(()) => Kind::Dir,
                    // Another run made it meanwhile: look at what it made.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        kind(&at).map_err(|e| werr(&at, e))?.unwrap_or(Kind::Other)
                    }
                    Err(e) => return Err(werr(&at, e)),
                },
            };
            match found {
                Kind::Dir => {}
                Kind::Link => {
                    return Err(Error::Refused {
                        path: at.display().to_string(),
                        refusal: Refusal::Link,
                    });
                }
                other => {
                    return Err(Error::Usage(format!(
                        "{} is {}, not a folder; refusing to write there",
                        at.display(),
                        other.describe()
                    )));
                }
            }
            self.verified
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(at.clone());
        }
        Ok(())
    }
}

/// Replaces `path` (in a folder made by [`Folders`]) with `bytes` atomically: a temporary
/// file beside it, renamed over it. A link at `path` is replaced, never written through.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    put(path, bytes, true)
}

/// Creates `path` (in a folder made by [`Folders`]) with `bytes`, failing if anything is
/// there, even if it appeared a moment ago; a reader never sees a half-written file.
pub fn create_new(path: &Path, bytes: &[u8]) -> Result<()> {
    put(path, bytes, false)
}

fn put(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    let _live = interrupt::writing();
    // A concurrent run that finds this temporary file before it is locked may take it for a
    // dead run's and remove it: then the rename finds nothing, and the write is done again.
    let mut retried = false;
    loop {
        let mut tmp = beside(path).map_err(|e| werr(path, e))?;
        tmp.write_all(bytes).map_err(|e| werr(path, e))?;
        publish_mode(tmp.as_file()).map_err(|e| werr(path, e))?;
        let done = if overwrite {
            tmp.persist(path).map(|_| ())
        } else {
            tmp.persist_noclobber(path).map(|_| ())
        };
        match done {
            Ok(()) => return Ok(()),
            Err(e) if e.error.kind() == std::io::ErrorKind::NotFound && !retried => {
                retried = true;
            }
            Err(e) => return Err(werr(path, e.error)),
        }
    }
}

/// Creates the file at `rel` (a `/`-separated path below `base`, the platform's folder) with
/// `bytes`, making its folders: never through a link (a linked `services` folder is refused,
/// not written into), never over anything already there.
pub fn create_new_below(base: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    let path = base.join(rel);
    if let Some(folder) = path.parent() {
        Folders::new(base).ensure(folder)?;
    }
    create_new(&path, bytes)
}

/// Writes a file the user named on the command line (`--output FILE`): their choice, so a
/// link is followed (`--output /dev/stdout` works) and the file is truncated in place.
pub fn write_user_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| werr(path, e))
}

/// Removes a file (not following a link: the link itself goes).
pub fn remove_file(path: &Path) -> std::io::Result<()> {
    let _live = interrupt::writing();
    std::fs::remove_file(path)
}

/// Removes a folder if it is empty; whether it did.
pub fn remove_empty_dir(path: &Path) -> bool {
    std::fs::remove_dir(path).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn folders_are_made_one_real_folder_at_a_time() {
        let base = tempfile::tempdir().expect("tempdir");
        let outside = tempfile::tempdir().expect("tempdir");
        let folders = Folders::new(base.path());
        folders.ensure(&base.path().join("a/b/c")).expect("made");
        assert!(base.path().join("a/b/c").is_dir());
        std::os::unix::fs::symlink(outside.path(), base.path().join("a/link")).expect("link");
        let err = folders
            .ensure(&base.path().join("a/link/d"))
            .expect_err("a link on the way");
        assert!(
            err.to_string().contains("a/link is a symbolic link"),
            "{err}"
        );
        std::fs::write(base.path().join("a/file"), "x").expect("write");
        let err = folders
            .ensure(&base.path().join("a/file/d"))
            .expect_err("a file on the way");
        assert!(err.to_string().contains("is a regular file"), "{err}");
        assert!(folders.ensure(&base.path().join("a/../x")).is_err());
        assert_eq!(std::fs::read_dir(outside.path()).expect("ls").count(), 0);
        // create_new never replaces; replace does, without following a link at the file.
        let file = base.path().join("a/b/c/f.yaml");
        create_new(&file, b"one").expect("create");
        assert!(create_new(&file, b"two").is_err());
        let target = outside.path().join("target");
        std::fs::write(&target, "theirs").expect("write");
        let link = base.path().join("a/b/c/l.yaml");
        std::os::unix::fs::symlink(&target, &link).expect("link");
        replace(&link, b"ours").expect("replace");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "theirs");
        assert_eq!(std::fs::read_to_string(&link).expect("read"), "ours");
        assert!(
            !std::fs::symlink_metadata(&link)
                .expect("stat")
                .file_type()
                .is_symlink()
        );
    }
}
