//! Temporary files and folders: random names (created with `O_EXCL`), private modes, a lock
//! held while live, and removal on interruption ([`super::interrupt`]).

use super::interrupt;
use super::open::{Links, open_regular};
use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Component, Path};

/// Suffix of the temporary files written beside their destination
/// (`.NAME.RANDOM.flinkform-tmp`).
pub const TEMP_SUFFIX: &str = ".flinkform-tmp";

/// A temporary file beside `dest`, in the same folder (so renaming it is atomic): a random
/// name, created exclusively with mode `0600`, and locked for as long as it lives, so that
/// another run can tell it from a dead run's leftover ([`is_stale_temp`]). Process ids are no
/// use for that: they collide across containers that share a folder.
pub(super) fn beside(dest: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = dest
        .parent()
        .ok_or_else(|| std::io::Error::other("a file to write has no folder"))?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    let file = builder.tempfile_in(dir)?;
    file.as_file().lock()?;
    Ok(file)
}

/// Whether a temporary file was left by a run that is gone: nobody holds its lock. (A file
/// that cannot be opened as a regular file is not ours to remove.)
pub fn is_stale_temp(path: &Path) -> bool {
    match open_regular(path, Links::Refuse) {
        Ok((file, _)) => file.try_lock().is_ok(),
        Err(_) => false,
    }
}

/// Gives a finished temporary file the mode a new file gets (`0666` less the umask), just
/// before it takes its destination's place.
pub(super) fn publish_mode(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o666 & !umask()))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// The process's umask, read once from `/proc/self/status` (setting it to read it would race
/// with the other threads); `022` where that is not available.
#[cfg(unix)]
fn umask() -> u32 {
    static UMASK: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *UMASK.get_or_init(|| {
        super::read_bounded(Path::new("/proc/self/status"), 1 << 16, Links::Follow)
            .ok()
            .and_then(|b| {
                let text = String::from_utf8_lossy(&b).into_owned();
                text.lines()
                    .find_map(|l| l.strip_prefix("Umask:"))
                    .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
            })
            .unwrap_or(0o022)
    })
}

/// A private temporary folder (mode `0700`, random name, in `$TMPDIR`) for copies of files
/// that must not outlive the run: removed when dropped, and when the run is interrupted.
#[derive(Debug)]
pub struct PrivateDir {
    dir: Option<tempfile::TempDir>,
}

impl PrivateDir {
    pub fn new(prefix: &str) -> Result<PrivateDir> {
        let _live = interrupt::writing();
        let mut builder = tempfile::Builder::new();
        builder.prefix(prefix);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o700));
        }
        let dir = builder.tempdir().map_err(|source| Error::Write {
            path: std::env::temp_dir().display().to_string(),
            source,
        })?;
        interrupt::register(dir.path());
        Ok(PrivateDir { dir: Some(dir) })
    }

    pub fn path(&self) -> &Path {
        self.dir.as_ref().map_or(Path::new(""), |d| d.path())
    }

    /// Writes `bytes` to `rel` inside the folder (plain components only), creating folders
    /// (`0700`) as needed; the file gets mode `0600`. Never writes through a link or over an
    /// existing file.
    pub fn write(&self, rel: &Path, bytes: &[u8]) -> Result<()> {
        let werr = |p: &Path, source| Error::Write {
            path: p.display().to_string(),
            source,
        };
        let _live = interrupt::writing();
        let parts: Vec<&std::ffi::OsStr> = rel
            .components()
            .map(|c| match c {
                Component::Normal(n) => Ok(n),
                _ => Err(Error::Other(format!(
                    "{} is not a plain relative path",
                    rel.display()
                ))),
            })
            .collect::<Result<_>>()?;
        let Some((file, folders)) = parts.split_last() else {
            return Err(Error::Other("an empty path".into()));
        };
        let mut at = self.path().to_path_buf();
        for f in folders {
            at.push(f);
            let mut b = std::fs::DirBuilder::new();
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                b.mode(0o700);
            }
            match b.create(&at) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if !std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_dir()) {
                        return Err(werr(&at, e));
                    }
                }
                Err(e) => return Err(werr(&at, e)),
            }
        }
        at.push(file);
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        o.open(&at)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| werr(&at, e))
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _live = interrupt::writing();
        if let Some(dir) = self.dir.take() {
            let path = dir.path().to_path_buf();
            let _ = dir.close();
            interrupt::unregister(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn temporary_files_are_private_unique_and_locked() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let dest = dir.path().join("a.yaml");
        let one = beside(&dest).expect("temp");
        let two = beside(&dest).expect("temp");
        assert_ne!(one.path(), two.path(), "random names");
        let name = one
            .path()
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert!(
            name.starts_with(".a.yaml.") && name.ends_with(TEMP_SUFFIX),
            "{name}"
        );
        let pid = std::process::id().to_string();
        assert!(!name.contains(&pid), "no process id in {name}");
        let mode = std::fs::metadata(one.path())
            .expect("stat")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(
            !is_stale_temp(one.path()),
            "a live temporary file is locked"
        );
        let path = one.path().to_path_buf();
        let kept = one.keep().expect("keep");
        drop(kept);
        assert!(is_stale_temp(&path), "its writer is gone");
    }

    #[cfg(unix)]
    #[test]
    fn a_private_dir_is_0700_its_files_0600_and_it_goes_away() {
        use std::os::unix::fs::PermissionsExt;
        let dir = PrivateDir::new("flinkform-test-").expect("dir");
        let path = dir.path().to_path_buf();
        dir.write(Path::new("a/b/c.yaml"), b"x: 1\n")
            .expect("write");
        let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o700);
        assert_eq!(mode(&path.join("a/b")), 0o700);
        assert_eq!(mode(&path.join("a/b/c.yaml")), 0o600);
        assert!(
            dir.write(Path::new("a/b/c.yaml"), b"again").is_err(),
            "never overwrites"
        );
        assert!(
            dir.write(Path::new("../escape"), b"x").is_err(),
            "plain paths only"
        );
        std::os::unix::fs::symlink("/tmp", path.join("link")).expect("link");
        assert!(
            dir.write(Path::new("link/x"), b"x").is_err(),
            "never through a link"
        );
        drop(dir);
        assert!(!path.exists(), "removed when dropped");
    }
}
