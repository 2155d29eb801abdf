//! Why a path is not read or written: a finding about the repository, not an IO failure.

/// What a directory entry is, from `lstat` (a link is a link, never what it points to).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Link,
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    Other,
}

impl Kind {
    pub fn of(t: std::fs::FileType) -> Kind {
        if t.is_symlink() {
            return Kind::Link;
        }
        if t.is_file() {
            return Kind::File;
        }
        if t.is_dir() {
            return Kind::Dir;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_fifo() {
                return Kind::Fifo;
            }
            if t.is_char_device() {
                return Kind::CharDevice;
            }
            if t.is_block_device() {
                return Kind::BlockDevice;
            }
            if t.is_socket() {
                return Kind::Socket;
            }
        }
        Kind::Other
    }

    /// "a FIFO (named pipe)", for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::File => "a regular file",
            Kind::Dir => "a folder",
            Kind::Link => "a symbolic link",
            Kind::Fifo => "a FIFO (named pipe)",
            Kind::CharDevice => "a character device",
            Kind::BlockDevice => "a block device",
            Kind::Socket => "a socket",
            Kind::Other => "a special file",
        }
    }
}

/// Why flinkform will not read or write a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A symbolic link where the repository names a file or folder.
    Link,
    /// Not a regular file (a FIFO, a device, a socket, a folder where a file should be).
    NotRegular(Kind),
    /// Larger than the bound; `size` is `None` when the file grew past it while being read.
    TooLarge { size: Option<u64>, limit: u64 },
    /// A file or folder name that is not UTF-8.
    NonUtf8Name,
}

impl Refusal {
    /// The reason, to follow the path in a message ("`x` is a symbolic link; …").
    pub fn reason(&self) -> String {
        match self {
            Refusal::Link => {
                "is a symbolic link; flinkform does not follow links in the repository".into()
            }
            Refusal::NotRegular(kind) => {
                format!("is {}, not a regular file; it is not read", kind.describe())
            }
            Refusal::TooLarge {
                size: Some(size),
                limit,
            } => format!("is {size} bytes; flinkform reads files of at most {limit} bytes"),
            Refusal::TooLarge { size: None, limit } => {
                format!(
                    "is more than {limit} bytes; flinkform reads files of at most {limit} bytes"
                )
            }
            Refusal::NonUtf8Name => "has a name that is not valid UTF-8; it is not read".into(),
        }
    }

    /// What the user can do about it.
    pub fn help(&self) -> &'static str {
        match self {
            Refusal::Link => "replace the link with the file or folder itself",
            Refusal::NotRegular(_) => "replace it with a regular file, or remove it",
            Refusal::TooLarge { .. } => {
                "a spec is a page of YAML; move large content (logging configuration, jars) out of it"
            }
            Refusal::NonUtf8Name => "rename it with a UTF-8 name (service names are ASCII)",
        }
    }
}

/// A read that did not happen: refused (a finding), or failed (an operational error).
#[derive(Debug)]
pub enum ReadError {
    Refused(Refusal),
    Io(std::io::Error),
}

impl ReadError {
    /// The read as an operational error about `shown` (a path the user typed).
    pub fn into_error(self, shown: &str) -> crate::error::Error {
        match self {
            ReadError::Refused(refusal) => crate::error::Error::Refused {
                path: shown.to_string(),
                refusal,
            },
            ReadError::Io(source) => crate::error::Error::Read {
                path: shown.to_string(),
                source,
            },
        }
    }
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io(e)
    }
}

impl From<Refusal> for ReadError {
    fn from(r: Refusal) -> Self {
        ReadError::Refused(r)
    }
}
