//! Opening and reading files: regular files only, without blocking, within a size bound.

use super::refusal::{Kind, ReadError, Refusal};
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::Path;

/// Whether a link at the last component of a path is followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// The repository names the path: a link is refused (`O_NOFOLLOW`). The folders above it
    /// must have been reached without following links (see the module documentation).
    Refuse,
    /// The user typed the path: it is theirs to point anywhere.
    Follow,
}

/// Opens a regular file for reading, without blocking and, with [`Links::Refuse`], without
/// following a link: the handle is checked with `fstat`, so a FIFO, a device or a folder is
/// refused before anything is read. Returns the file and its size.
pub fn open_regular(path: &Path, links: Links) -> Result<(File, u64), ReadError> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // std adds O_CLOEXEC itself. O_NONBLOCK makes opening a FIFO return at once (instead
        // of waiting for a writer); it has no effect on reading a regular file.
        let mut flags = libc::O_NONBLOCK;
        if links == Links::Refuse {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    #[cfg(not(unix))]
    if links == Links::Refuse
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(Refusal::Link.into());
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) => {
            // O_NOFOLLOW on a link fails with ELOOP (EMLINK on some BSDs); say what it was.
            if links == Links::Refuse
                && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
            {
                return Err(Refusal::Link.into());
            }
            return Err(e.into());
        }
    };
    let meta = file.metadata()?;
    match Kind::of(meta.file_type()) {
        Kind::File => Ok((file, meta.len())),
        other => Err(Refusal::NotRegular(other).into()),
    }
}

/// Reads a whole regular file of at most `limit` bytes: the size is checked on the open
/// handle before reading, and no more than `limit + 1` bytes are ever read (a file that grows
/// meanwhile, or reports no size, is still bounded).
pub fn read_bounded(path: &Path, limit: u64, links: Links) -> Result<Vec<u8>, ReadError> {
    let (file, size) = open_regular(path, links)?;
    if size > limit {
        return Err(Refusal::TooLarge {
            size: Some(size),
            limit,
        }
        .into());
    }
    // One byte more than the size, so the read that finds the end needs no reallocation.
    let mut bytes = Vec::with_capacity(size as usize + 1);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge { size: None, limit }.into());
    }
    Ok(bytes)
}

/// The first `n` bytes of a regular file (fewer if it is shorter), for telling files apart by
/// their header.
pub fn read_prefix(path: &Path, n: usize, links: Links) -> Result<Vec<u8>, ReadError> {
    let (file, _) = open_regular(path, links)?;
    let mut bytes = Vec::with_capacity(n);
    file.take(n as u64).read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn only_regular_files_within_the_bound_and_no_links_where_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("f");
        std::fs::write(&file, "12345").expect("write");
        assert_eq!(
            read_bounded(&file, 5, Links::Refuse).expect("read"),
            b"12345"
        );
        assert!(matches!(
            read_bounded(&file, 4, Links::Refuse),
            Err(ReadError::Refused(Refusal::TooLarge {
                size: Some(5),
                limit: 4
            }))
        ));
        let link = dir.path().join("l");
        std::os::unix::fs::symlink(&file, &link).expect("link");
        assert!(matches!(
            read_bounded(&link, 10, Links::Refuse),
            Err(ReadError::Refused(Refusal::Link))
        ));
        assert_eq!(
            read_bounded(&link, 10, Links::Follow).expect("read"),
            b"12345"
        );
        assert!(matches!(
            read_bounded(dir.path(), 10, Links::Follow),
            Err(ReadError::Refused(Refusal::NotRegular(Kind::Dir)))
        ));
        assert!(matches!(
            read_bounded(Path::new("/dev/zero"), 10, Links::Follow),
            Err(ReadError::Refused(Refusal::NotRegular(Kind::CharDevice)))
        ));
        assert!(matches!(
            read_bounded(&dir.path().join("missing"), 10, Links::Refuse),
            Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound
        ));
        // A file that reports no size (as /proc files do) is still bounded.
        let status = read_bounded(Path::new("/proc/self/status"), 10, Links::Follow);
        if Path::new("/proc/self/status").exists() {
            assert!(matches!(
                status,
                Err(ReadError::Refused(Refusal::TooLarge {
                    size: None,
                    limit: 10
                }))
            ));
        }
    }
}
