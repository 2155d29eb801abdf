//! The folders `flinkform.yaml` names, as they are on disk: the output folder and the `crds`
//! folders must be real folders all the way down from the platform's folder. A link on the
//! way (`rendered -> /`, `crds -> /usr`) is a finding at the line that names the folder, and
//! a refused `crds` folder is dropped so that nothing reads it. (What the paths say, `..` or
//! `/usr`, is checked without the disk by [`Platform`]'s own checks; a linked `services`
//! folder is reported by discovery, at the folder.)

use crate::diag::Diagnostic;
use crate::io::{self, Kind, Refusal};
use crate::spec::platform::Platform;
use crate::tree::Sp;
use std::path::Path;

/// Findings about the folders the platform config names, with the refused `crds` folders
/// removed from `platform`.
pub fn check(root: &Path, platform: &mut Platform) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Ok(rel) = platform.output_dir()
        && let Some(d) = problem(
            root,
            &rel,
            &platform.output,
            "output folder",
            "render writes nothing through it",
        )
    {
        out.push(d);
    }
    let mut kept = Vec::new();
    for c in std::mem::take(&mut platform.crds) {
        if platform_path_ok(&c)
            && let Some(d) = problem(root, &c.value, &c, "CRD folder", "it is not read")
        {
            out.push(d);
            continue;
        }
        kept.push(c);
    }
    platform.crds = kept;
    out
}

fn platform_path_ok(c: &Sp<String>) -> bool {
    crate::spec::platform::repository_path_problem(&c.value).is_none()
}

/// A finding when a component of `rel` below `root` is not a real folder.
fn problem(
    root: &Path,
    rel: &str,
    at: &Sp<String>,
    what: &str,
    effect: &str,
) -> Option<Diagnostic> {
    let (path, why, help) = match io::first_non_folder(root, rel) {
        Ok(None) => return None,
        Ok(Some((path, Kind::Link))) => (path, Refusal::Link.reason(), Refusal::Link.help()),
        Ok(Some((path, kind))) => (
            path,
            format!("is {}, not a folder", kind.describe()),
            "name a folder",
        ),
        Err(e) => (
            rel.to_string(),
            format!("cannot be read ({e})"),
            "check its permissions",
        ),
    };
    let shown = if path == rel {
        format!("{what} `{rel}`")
    } else {
        format!("{what} `{rel}`: `{path}`")
    };
    Some(
        Diagnostic::error(io::RULE, format!("{shown} {why}; {effect}"))
            .at_opt(at.origin.span(), "here")
            .with_help(help),
    )
}
