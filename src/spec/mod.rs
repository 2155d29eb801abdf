//! The two input formats as typed models, and resolution of a service into one resolved
//! service per (environment, cluster).
//!
//! Structure is checked by the JSON Schemas first (`schema`), so the typed reads here only
//! fail on a bug; they still report a diagnostic rather than panic.

pub mod alerts;
pub mod blue_green;
pub mod fields;
pub mod platform;
pub mod reserved;
pub mod resolve;
pub mod service;

pub use fields::SpecFields;
pub use platform::Platform;
pub use resolve::{Resolved, resolve};
pub use service::ServiceFile;

use crate::diag::Diagnostic;
use crate::source::{FileId, Span};
use crate::tree::{DeError, Node};

/// A typed read that failed after the schema passed: a flinkform bug, reported at the value.
pub(crate) fn typed_error(e: DeError, file: FileId) -> Diagnostic {
    Diagnostic::error(
        crate::policy::RuleId::Schema,
        format!("flinkform could not read this value: {}", e.message),
    )
    .at(e.origin.span().unwrap_or(Span::new(file, 0, 0)), "here")
    .with_help("this is a flinkform bug: the value passed the schema; please report it")
}

/// Reads a typed value from a node, turning failure into a diagnostic.
pub(crate) fn read<'de, T: serde::Deserialize<'de>>(
    node: &'de Node,
    file: FileId,
) -> Result<T, Diagnostic> {
    crate::tree::from_node(node).map_err(|e| typed_error(e, file))
}
