//! The folders `flinkform.yaml` names, as they are on disk: the output folder and the `crds`
//! folders must be real folders all the way down from the platform's folder. A link on the
//! way (`rendered -> /`, `crds -> /usr`) is a finding at the line that names the folder, and
//! a refused `crds` folder is dropped so that nothing reads it. (What the paths say, `..` or
//! `/usr`, is checked without the disk by [`Platform`]'s own checks; a linked `services`
//! folder is reported by discovery, at the folder.)
//!
//! Discovery never looks inside the output folder. An include pattern that can match files
//! there (`**/service.yaml` with `output: services`, `*/*/service.yaml`, `{services,x}/…`, or
//! any pattern with an output inside a spec's folder) would have the specs in it skipped
//! without a word, and `render` would write among them. So when a pattern reaches into the
//! output folder (and `services.exclude` does not exclude all of it), the folder is walked
//! (sorted, links not followed) until the first file a pattern matches: that is an
//! `unsafe-path` finding at `output:`, the output is not used (nothing is rendered), and
//! discovery then looks in the folder like anywhere else, so the specs there are checked.

use crate::diag::Diagnostic;
use crate::io::{self, Kind, Refusal};
use crate::spec::platform::{Platform, excludes_everything_below, matches_below};
use crate::tree::Sp;
use globset::{GlobBuilder, GlobMatcher};
use std::path::Path;

/// Findings about the folders the platform config names, with the refused `crds` folders
/// removed from `platform`.
pub fn check(root: &Path, platform: &mut Platform) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Ok(rel) = platform.output_dir() {
        if let Some(d) = problem(
            root,
            &rel,
            &platform.output,
            "output folder",
            "render writes nothing through it",
        ) {
            out.push(d);
        } else if let Some(why) = specs_in_output(root, &rel, platform) {
            out.push(
                Diagnostic::error(
                    crate::policy::RuleId::UnsafePath,
                    format!("output folder `{}` {why}", platform.output.value),
                )
                .at_opt(platform.output.origin.span(), "here")
                .with_help("use a folder of its own that no `services.include` pattern reaches, e.g. `output: rendered`, or exclude it (`services.exclude: [<output>/**]`)"),
            );
            platform.output_holds_specs = Some(why);
        }
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

/// Why the output folder `rel` may not be used: it holds a file that an include pattern (one
/// that can reach into it at all) matches and no exclude pattern removes.
fn specs_in_output(root: &Path, rel: &str, platform: &Platform) -> Option<String> {
    let reaching: Vec<&Sp<String>> = platform
        .services_include
        .iter()
        .filter(|p| platform_path_ok(p) && matches_below(&p.value, rel))
        .collect();
    let excluded = platform
        .services_exclude
        .iter()
        .any(|e| excludes_everything_below(&e.value, rel));
    if reaching.is_empty() || excluded {
        return None;
    }
    let glob = |p: &str| {
        GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .ok()
            .map(|g| g.compile_matcher())
    };
    let include: Vec<(&str, GlobMatcher)> = reaching
        .iter()
        .filter_map(|p| Some((p.value.as_str(), glob(&p.value)?)))
        .collect();
    let exclude: Vec<GlobMatcher> = platform
        .services_exclude
        .iter()
        .filter_map(|p| glob(&p.value))
        .collect();
    let dir = root.join(rel);
    for entry in io::walk(&dir, io::Links::Refuse, |_| true).filter_map(Result::ok) {
        if entry.file_type().is_dir() {
            continue;
        }
        let Some(path) = crate::workspace::relative(root, entry.path()) else {
            continue;
        };
        if exclude.iter().any(|e| e.is_match(&path)) {
            continue;
        }
        if let Some((pattern, _)) = include.iter().find(|(_, g)| g.is_match(&path)) {
            return Some(format!(
                "holds `{}`, which `services.include: {}` matches: discovery does not look inside the output folder, so check would skip the specs there, and render would write among them",
                crate::excerpt::quote(&path),
                crate::excerpt::quote(pattern)
            ));
        }
    }
    None
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
        Diagnostic::error(
            crate::policy::RuleId::UnsafePath,
            format!("{shown} {why}; {effect}"),
        )
        .at_opt(at.origin.span(), "here")
        .with_help(help),
    )
}
