//! Files that look like service specs but that no `services.include` pattern takes: without a
//! word they would never be checked or rendered (`service.yml`, `Service.yaml`, a
//! `service.yaml` one folder too deep). Discovery reports each with the rename or the pattern
//! that would take it.
//!
//! "Looks like a spec" is decided by the name alone, so finding them reads no file: a regular
//! file below a pattern's literal base folder (`services` for `services/*/service.yaml`) that
//! the patterns do not select and `services.exclude` does not exclude, whose name
//!
//! * equals the pattern's file name up to case and `.yml`/`.yaml` (`service.yml`,
//!   `Service.YAML`; for a file-name glob such as `flink-*.yaml`, the glob matched the same
//!   way), or
//! * is exactly the pattern's (literal) file name, in a folder the pattern does not reach
//!   (`services/team/x/service.yaml`, `services/service.yaml`),
//!
//! and that is not inside a folder already holding a spec (a service's own folder is its
//! business: `services/x/sql/service.yaml` beside `services/x/service.yaml` is not a stray).
//! That last condition is what keeps discovery cheap: the usual layout lists only the service
//! folders that hold no spec, and a repository whose every service folder has its spec pays
//! nothing. A YAML file with `kind: FlinkService` under another name (`services/x/spec.yaml`)
//! is not found: telling it would mean reading every YAML file under the services folder.

use crate::error::{Error, Result};
use crate::spec::platform::{is_glob, literal_prefix};
use globset::{GlobBuilder, GlobMatcher};
use std::collections::BTreeSet;

/// A file that looks like a spec but is not discovered.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stray {
    /// Repository-relative, `/`-separated.
    pub path: String,
    /// The include pattern it resembles.
    pub pattern: String,
    /// What would make it discovered.
    pub help: String,
}

/// One include pattern, as far as resembling it goes.
pub(super) struct Shape {
    pattern: String,
    base: String,
    /// The pattern's last component: the spec's file name, or a glob of it.
    file: String,
    exact: GlobMatcher,
    /// `file` matched case-insensitively, on names whose `.yml` is spelled `.yaml`.
    loose: GlobMatcher,
    /// The pattern is `BASE/*/FILE` with a literal base and file name.
    one_level: bool,
}

/// How a name resembles a pattern's file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resemblance {
    /// The very name: the file is in a folder the pattern does not reach.
    Exact,
    /// The name up to case and `.yml`/`.yaml`.
    Near,
}

fn matcher(glob: &str, case_insensitive: bool) -> Result<GlobMatcher> {
    GlobBuilder::new(glob)
        .literal_separator(true)
        .case_insensitive(case_insensitive)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| Error::Pattern {
            pattern: glob.to_string(),
            message: e.kind().to_string(),
        })
}

/// `name` with a final `.yml` (in any case) spelled `.yaml`.
fn yaml_extension(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    match lower.strip_suffix(".yml") {
        Some(_) => format!("{}.yaml", &name[..name.len() - 4]),
        None => name.to_string(),
    }
}

impl Shape {
    pub(super) fn new(pattern: &str) -> Result<Shape> {
        let parts: Vec<&str> = pattern.split('/').collect();
        let file = parts.last().copied().unwrap_or_default().to_string();
        let base = literal_prefix(pattern);
        let one_level = matches!(parts.as_slice(), [dirs @ .., "*", f]
            if !is_glob(f) && !dirs.iter().any(|d| is_glob(d)));
        Ok(Shape {
            pattern: pattern.to_string(),
            exact: matcher(&file, false)?,
            loose: matcher(&yaml_extension(&file), true)?,
            base,
            file,
            one_level,
        })
    }

    /// The part of `rel` below the base, if `rel` is under it.
    fn below<'r>(&self, rel: &'r str) -> Option<&'r str> {
        if self.base.is_empty() {
            Some(rel)
        } else {
            rel.strip_prefix(&self.base)?.strip_prefix('/')
        }
    }

    fn resembles(&self, name: &str) -> Option<Resemblance> {
        if self.exact.is_match(name) {
            // A glob file name (`*.yaml`) says nothing about what is a spec by itself.
            (!is_glob(&self.file)).then_some(Resemblance::Exact)
        } else if self.loose.is_match(yaml_extension(name)) {
            Some(Resemblance::Near)
        } else {
            None
        }
    }

    /// The name that would match `file` exactly, if a mechanical rename gives one.
    fn corrected(&self, name: &str) -> Option<String> {
        if !is_glob(&self.file) {
            return Some(self.file.clone());
        }
        let swapped = if self.file.to_ascii_lowercase().ends_with(".yml") {
            name.strip_suffix(".yaml").map(|s| format!("{s}.yml"))
        } else {
            Some(yaml_extension(name))
        };
        [Some(name.to_string()), swapped]
            .into_iter()
            .flatten()
            .flat_map(|n| [n.clone(), n.to_ascii_lowercase()])
            .find(|n| self.exact.is_match(n))
    }
}

/// Whether `rel` (a regular file the patterns do not select) could be a stray: its name
/// resembles some pattern's and it is under that pattern's base. Cheap; the walks call it on
/// every file they see and keep only these.
pub(super) fn resembles_any(shapes: &[Shape], rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    shapes
        .iter()
        .any(|s| s.below(rel).is_some() && s.resembles(name).is_some())
}

/// The strays among `candidates` (from [`resembles_any`]): those not inside a folder in
/// `claimed` (the folders holding a selected entry), each with its fix. `selects` says whether
/// discovery would take a path (to offer only renames that work).
pub(super) fn find(
    shapes: &[Shape],
    candidates: &[String],
    claimed: &BTreeSet<String>,
    selects: &dyn Fn(&str) -> bool,
) -> Vec<Stray> {
    let mut out = Vec::new();
    for rel in candidates {
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel.as_str()));
        let stray = shapes.iter().find_map(|shape| {
            let below = shape.below(rel)?;
            let how = shape.resembles(name)?;
            // The folders between the base and the file: one of them holding a spec makes
            // the file that service's own business.
            let mut folder = shape.base.clone();
            let mut parts: Vec<&str> = below.split('/').collect();
            parts.pop();
            for part in &parts {
                folder = if folder.is_empty() {
                    (*part).to_string()
                } else {
                    format!("{folder}/{part}")
                };
                if claimed.contains(&folder) {
                    return None;
                }
            }
            Some(Stray {
                path: rel.clone(),
                pattern: shape.pattern.clone(),
                help: help(shape, how, dir, name, &parts, claimed, selects),
            })
        });
        out.extend(stray);
    }
    out.sort();
    out.dedup();
    out
}

/// What would make the file at `dir/name` discovered. `folders` are the folders between the
/// pattern's base and the file.
fn help(
    shape: &Shape,
    how: Resemblance,
    dir: &str,
    name: &str,
    folders: &[&str],
    claimed: &BTreeSet<String>,
    selects: &dyn Fn(&str) -> bool,
) -> String {
    let join = |dir: &str, name: &str| {
        if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    };
    let corrected = shape.corrected(name);
    if how == Resemblance::Near {
        match &corrected {
            Some(c) if selects(&join(dir, c)) => {
                return format!(
                    "rename it to `{}` (file names in `services.include` are case-sensitive, and `.yml` is not `.yaml`)",
                    join(dir, c)
                );
            }
            Some(_) => {}
            None => {
                return format!(
                    "rename it to a name `{}` matches (file names in `services.include` are case-sensitive, and `.yml` is not `.yaml`)",
                    shape.file
                );
            }
        }
    }
    let file = corrected.unwrap_or_else(|| name.to_string());
    // A near name in the wrong folder needs both: the name, and a folder the pattern reaches.
    let renamed = if how == Resemblance::Near {
        format!("rename it to `{}` and ", join(dir, &file))
    } else {
        String::new()
    };
    if !shape.one_level {
        return format!(
            "{renamed}move it to a path `{}` matches, in a folder named after its service",
            shape.pattern
        );
    }
    let Some(service) = folders.last() else {
        return format!(
            "move it into a folder named after its service: `{}`",
            join(&shape.base, &format!("<name>/{file}"))
        );
    };
    let target_folder = join(&shape.base, service);
    let widened = join(
        &shape.base,
        &format!("{}{}", "*/".repeat(folders.len()), shape.file),
    );
    let widen = format!("{renamed}add `{widened}` to `services.include` in flinkform.yaml");
    if claimed.contains(&target_folder) {
        format!("{widen} (`{target_folder}/` already holds a spec)")
    } else {
        format!(
            "move it to `{}` (a spec's folder is named after its service), or {widen}",
            join(&target_folder, &file)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strays(patterns: &[&str], files: &[&str], claimed: &[&str]) -> Vec<(String, String)> {
        let shapes: Vec<Shape> = patterns
            .iter()
            .map(|p| Shape::new(p).expect("shape"))
            .collect();
        let include: Vec<GlobMatcher> = patterns
            .iter()
            .map(|p| matcher(p, false).expect("glob"))
            .collect();
        let candidates: Vec<String> = files
            .iter()
            .filter(|f| resembles_any(&shapes, f))
            .map(|f| f.to_string())
            .collect();
        let claimed: BTreeSet<String> = claimed.iter().map(|c| c.to_string()).collect();
        let selects = |p: &str| include.iter().any(|g| g.is_match(p));
        find(&shapes, &candidates, &claimed, &selects)
            .into_iter()
            .map(|s| (s.path, s.help))
            .collect()
    }

    #[test]
    fn near_names_and_wrong_depths_with_their_fixes() {
        let found = strays(
            &["services/*/service.yaml"],
            &[
                "services/a/service.yml",
                "services/b/Service.yaml",
                "services/c/SERVICE.YML",
                "services/team/x/service.yaml",
                "services/team/y/service.yaml",
                "services/service.yaml",
                "services/d/deep/er/service.yaml",
                "services/e/notes.yaml",
                "services/owned/sql/service.yaml",
                "elsewhere/x/service.yaml",
                "services/f/service.yaml.bak",
                "services/team/z/Service.yml",
            ],
            &["services/owned", "services/x"],
        );
        let rename =
            "(file names in `services.include` are case-sensitive, and `.yml` is not `.yaml`)";
        assert_eq!(
            found,
            [
                (
                    "services/a/service.yml".to_string(),
                    format!("rename it to `services/a/service.yaml` {rename}")
                ),
                (
                    "services/b/Service.yaml".to_string(),
                    format!("rename it to `services/b/service.yaml` {rename}")
                ),
                (
                    "services/c/SERVICE.YML".to_string(),
                    format!("rename it to `services/c/service.yaml` {rename}")
                ),
                (
                    "services/d/deep/er/service.yaml".to_string(),
                    "move it to `services/er/service.yaml` (a spec's folder is named after its service), or add `services/*/*/*/service.yaml` to `services.include` in flinkform.yaml".to_string()
                ),
                (
                    "services/service.yaml".to_string(),
                    "move it into a folder named after its service: `services/<name>/service.yaml`".to_string()
                ),
                (
                    "services/team/x/service.yaml".to_string(),
                    "add `services/*/*/service.yaml` to `services.include` in flinkform.yaml (`services/x/` already holds a spec)".to_string()
                ),
                (
                    "services/team/y/service.yaml".to_string(),
                    "move it to `services/y/service.yaml` (a spec's folder is named after its service), or add `services/*/*/service.yaml` to `services.include` in flinkform.yaml".to_string()
                ),
                (
                    "services/team/z/Service.yml".to_string(),
                    "move it to `services/z/service.yaml` (a spec's folder is named after its service), or rename it to `services/team/z/service.yaml` and add `services/*/*/service.yaml` to `services.include` in flinkform.yaml".to_string()
                ),
            ]
        );
    }

    #[test]
    fn glob_file_names_resemble_only_by_case_and_extension() {
        let found = strays(
            &["jobs/**/flink-*.yaml"],
            &[
                "jobs/a/flink-a.yml",
                "jobs/b/Flink-B.yaml",
                "jobs/c/other.yaml",
                "jobs/d/FLINK-D.YML",
            ],
            &[],
        );
        let why =
            "(file names in `services.include` are case-sensitive, and `.yml` is not `.yaml`)";
        assert_eq!(
            found,
            [
                (
                    "jobs/a/flink-a.yml".to_string(),
                    format!("rename it to `jobs/a/flink-a.yaml` {why}")
                ),
                (
                    "jobs/b/Flink-B.yaml".to_string(),
                    format!("rename it to `jobs/b/flink-b.yaml` {why}")
                ),
                (
                    "jobs/d/FLINK-D.YML".to_string(),
                    format!("rename it to `jobs/d/flink-d.yaml` {why}")
                ),
            ]
        );
    }

    #[test]
    fn a_pattern_at_the_root_and_a_general_pattern() {
        let found = strays(
            &["*/service.yaml", "teams/*/services/*/service.yaml"],
            &[
                "x/y/service.yaml",
                "teams/a/services/b/c/service.yaml",
                "service.yml",
            ],
            &["teams/a/services/b"],
        );
        assert_eq!(
            found,
            [
                (
                    "service.yml".to_string(),
                    "move it into a folder named after its service: `<name>/service.yaml`".to_string()
                ),
                (
                    "x/y/service.yaml".to_string(),
                    "move it to `y/service.yaml` (a spec's folder is named after its service), or add `*/*/service.yaml` to `services.include` in flinkform.yaml".to_string()
                ),
            ]
        );
    }
}
