//! Specs that are not on disk (yet): `new` and `import --dry-run` check the specs they would
//! write against the platform's policy without writing them. Adding one to a loaded
//! [`Workspace`] makes the rest of the pipeline (the driver, `compile`) treat it exactly like
//! a file that discovery found.

use super::{Workspace, load_document};
use crate::diag::Diagnostic;
use crate::schema::Format;
use crate::source::SourceFile;
use crate::spec::service::ServiceFile;
use std::sync::Arc;

/// Adds the spec `text` at the repository-relative path `rel`, with its findings. A path that
/// is already loaded is refused with a finding; a name that is not its folder's, or a folder
/// name already in use, is reported as discovery would ([`crate::workspace::folders`]).
pub(super) fn add_spec(workspace: &mut Workspace, rel: &str, text: &str) {
    let id = workspace.sources.add(SourceFile::new(rel, text));
    if workspace.spec_paths.iter().any(|p| p == rel) {
        workspace.diagnostics.push(
            Diagnostic::error(
                crate::policy::RuleId::Schema,
                format!("`{rel}` already exists"),
            )
            .at(crate::source::Span::new(id, 0, 0), "")
            .with_help("choose another name, or remove the existing spec first"),
        );
        return;
    }
    workspace.spec_paths.push(rel.to_string());
    workspace.spec_paths.sort();
    let file = workspace.sources.get(id);
    let loaded = load_document(id, &file, Format::Service);
    if !loaded.diagnostics.is_empty() {
        workspace.diagnostics.extend(loaded.diagnostics);
        return;
    }
    let Some(doc) = loaded.doc else { return };
    let service = match ServiceFile::read(&doc, id, rel) {
        Ok(s) => s,
        Err(d) => {
            workspace.diagnostics.push(d);
            return;
        }
    };
    let builtin;
    let platform = match &workspace.platform {
        Some(p) => p,
        None => {
            builtin = crate::spec::platform::Platform::builtin();
            &builtin
        }
    };
    let (found, keep) =
        super::folders::Folders::new(&workspace.spec_paths).check(&service, platform);
    workspace.diagnostics.extend(found);
    if !keep {
        return;
    }
    workspace.services.push(Arc::new(service));
    workspace.services.sort_by(|a, b| a.path.cmp(&b.path));
}
