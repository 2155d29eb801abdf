//! Operational errors: things that stop a run (exit 2), as opposed to findings about the input,
//! which are [`crate::diag::Diagnostic`]s.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no flinkform.yaml found in {} or any parent directory (`flinkform init` writes one)", start.display())]
    NoPlatform { start: PathBuf },
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// Something the IO edge will not read or write ([`crate::io::Refusal`]).
    #[error("{path} {}", refusal.reason())]
    Refused {
        path: String,
        refusal: crate::io::Refusal,
    },
    #[error("invalid pattern `{pattern}` in flinkform.yaml: {message}")]
    Pattern { pattern: String, message: String },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
