//! Discovery: which files are service specs.
//!
//! Hermetic and sorted: only the platform's `services.include` patterns count (matched on
//! repository-relative `/` paths; `*` does not cross `/`), walked from each pattern's literal
//! prefix, never into `.git`, `target`, `node_modules` or the output folder.
//!
//! Nothing that the repository names is followed out (see [`crate::io`]): a pattern's base
//! folder that is a symbolic link (`services -> /etc`) is not walked, linked folders are not
//! entered, and a spec that is a link is not read — even one that points inside the
//! repository, since "inside" includes `.git/config`, where `actions/checkout` keeps its
//! token. Each is reported (`unsafe-path`), as is a FIFO or device where a spec should be and
//! a file or folder name that is not UTF-8; everything else is still found.
//!
//! Two walks give the same answer. The general one reads every directory under the patterns'
//! prefixes. The usual layout, `services/*/service.yaml`, needs only one directory listing
//! and one `lstat` per service: reading 10,000 service folders costs about 130 ms on the
//! benchmark machine, the listing and the `lstat`s about 20 ms. `check PATH` (a pre-commit
//! hook) skips even the `lstat`s of the folders it does not need ([`Focus`]): the listing
//! alone is about 7 ms.

use super::strays::{self, Shape, Stray};
use crate::error::{Error, Result};
use crate::io::{self, Kind, Refusal};
use crate::spec::platform::{Platform, is_glob, literal_prefix, repository_path_problem};
use crate::tree::Sp;
use globset::{GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A path discovery would not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Repository-relative, `/`-separated (bytes that are not UTF-8 spelled `\xFF`).
    pub path: String,
    pub why: String,
    pub help: &'static str,
}

impl Problem {
    fn refused(path: String, r: &Refusal) -> Problem {
        Problem {
            path,
            why: r.reason(),
            help: r.help(),
        }
    }

    fn failed(path: String, e: &dyn std::fmt::Display) -> Problem {
        Problem {
            path,
            why: format!("cannot be read ({e})"),
            help: "check the file's permissions",
        }
    }
}

/// What discovery found: spec paths, paths it would not read, and files that look like specs
/// but are not taken ([`super::strays`]).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Discovered {
    pub paths: Vec<String>,
    pub problems: Vec<Problem>,
    pub strays: Vec<Stray>,
    /// Service folders a focused discovery did not look into ([`Focus`]), sorted.
    pub deferred: Vec<Deferred>,
    /// The size of the repository, the same whether discovery is focused or not: in the usual
    /// layout the service folders it lists (each once, with its spec or not), otherwise the
    /// specs it finds.
    pub folders: usize,
}

/// The paths a `check PATH` names (repository-relative `/` paths; a folder names everything
/// in it). In the usual layout (`services/*/service.yaml`) discovery then looks only into the
/// service folders such a check can need, and lists the others as [`Deferred`]: 10,000
/// `lstat`s and the bookkeeping around them were half of `check PATH`'s time at 10,000
/// services.
///
/// A check of some specs needs, besides the folders it names, every folder that could hold a
/// service of the same name (a clash, [`super::folders`]): those named like a named folder or
/// like a named spec's folder. The folder a named spec's `metadata.name` points to is known
/// only once the spec is read; `confirm` looks into it then.
#[derive(Debug, Clone, Default)]
pub struct Focus {
    paths: Vec<String>,
}

impl Focus {
    /// `paths`: repository-relative, `/`-separated, without `.` or `..`.
    pub fn new(paths: Vec<String>) -> Focus {
        Focus { paths }
    }

    /// The names of the folders of `base` that discovery looks into, or `None` for all of
    /// them (a named path holds the base).
    fn folders_of(&self, base: &str) -> Option<BTreeSet<&str>> {
        let mut names = BTreeSet::new();
        for p in &self.paths {
            let below = if base.is_empty() {
                Some(p.as_str())
            } else {
                p.strip_prefix(base).and_then(|r| r.strip_prefix('/'))
            };
            match below {
                Some(rest) if !rest.is_empty() => {
                    names.insert(rest.split('/').next().unwrap_or(rest));
                }
                // The base itself, or a folder above it.
                _ if p.is_empty() || p == base || base.starts_with(&format!("{p}/")) => {
                    return None;
                }
                _ => {}
            }
            // Folders that could hold a service of the same name as a named folder or spec.
            let mut parts = p.rsplit('/');
            names.extend(parts.next());
            names.extend(parts.next());
        }
        Some(names)
    }
}

/// A service folder a focused discovery listed but did not look into.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Deferred {
    /// The folder's name: a service of that name would be in it.
    pub name: String,
    folder: PathBuf,
    /// The spec's file name the pattern gives (`service.yaml`).
    file: String,
}

/// Looks into deferred folders (of a focused [`discover_focused`]) as discovery would have.
pub fn confirm(root: &Path, platform: &Platform, folders: &[&Deferred]) -> Result<Discovered> {
    let filter = Filter::new(
        root,
        &includes(platform),
        &platform.services_exclude,
        platform,
    )?;
    let mut walked = Walked::default();
    for d in folders {
        if filter.enters(&d.name, relative(root, &d.folder).as_deref()) {
            filter.look_into(std::slice::from_ref(&d.folder), &d.file, &mut walked);
        }
    }
    Ok(filter.finish(walked))
}

/// What a walk saw, before strays are decided.
#[derive(Debug, Default)]
struct Walked {
    found: Discovered,
    /// Regular files whose names resemble a pattern's ([`strays::resembles_any`]).
    candidates: Vec<String>,
    /// Folders holding an entry the patterns select (a spec, or something refused in its
    /// place).
    claimed: BTreeSet<String>,
}

/// Repository-relative paths of the spec files, sorted, plus findings about paths that were
/// not read. Include patterns that leave the repository are not used (the platform config's
/// own findings report them).
pub fn discover(root: &Path, platform: &Platform) -> Result<Discovered> {
    discover_focused(root, platform, None)
}

/// [`discover`], looking only into the service folders a check of `focus` needs (where the
/// layout allows it, see [`Focus`]).
pub fn discover_focused(
    root: &Path,
    platform: &Platform,
    focus: Option<&Focus>,
) -> Result<Discovered> {
    let include = includes(platform);
    let filter = Filter::new(root, &include, &platform.services_exclude, platform)?;
    let mut found = Discovered::default();
    let all = outermost_bases(&include);
    let mut bases = Vec::new();
    for base in all.iter().cloned() {
        match io::first_non_folder(root, &base) {
            Ok(None) => bases.push(base),
            Ok(Some((at, Kind::Link))) => found.problems.push(Problem {
                help: "replace the link with the folder itself; discovery does not follow links",
                ..Problem::refused(at, &Refusal::Link)
            }),
            // A file where the folder should be holds no specs.
            Ok(Some(_)) => {}
            Err(e) => found.problems.push(Problem::failed(base, &e)),
        }
    }
    let (walked, counted_folders) = match one_level_layout(&include, &all) {
        Some(layout) => {
            let layout: Vec<_> = layout
                .into_iter()
                .filter(|(b, _)| bases.contains(b))
                .collect();
            let (walked, folders) = filter.listed(&layout, focus);
            (walked, Some(folders))
        }
        None => (filter.walked(&bases), None),
    };
    let walked = filter.finish(walked);
    found.folders = match counted_folders {
        Some(n) => n,
        None => walked.paths.len(),
    };
    found.paths = walked.paths;
    found.strays = walked.strays;
    found.deferred = walked.deferred;
    found.problems.extend(walked.problems);
    found.problems.sort();
    found.problems.dedup();
    Ok(found)
}

/// The include patterns discovery uses: those that stay in the repository (the platform
/// config's own findings report the others).
fn includes(platform: &Platform) -> Vec<String> {
    platform
        .services_include
        .iter()
        .filter(|p| repository_path_problem(&p.value).is_none())
        .map(|p| p.value.clone())
        .collect()
}

/// Which paths discovery takes, without looking at the file system: an include pattern of the
/// platform matches and no exclude pattern does.
pub struct Selector {
    include: GlobSet,
    exclude: GlobSet,
}

impl Selector {
    /// `None` when a pattern does not compile (the platform config's own findings say so).
    pub fn new(platform: &Platform) -> Option<Selector> {
        let globs = |patterns: &[Sp<String>]| {
            let patterns: Vec<String> = patterns.iter().map(|p| p.value.clone()).collect();
            compile_globs(&patterns).ok()
        };
        Some(Selector {
            include: globs(&platform.services_include)?,
            exclude: globs(&platform.services_exclude)?,
        })
    }

    /// Whether discovery takes the repository-relative `rel`.
    pub fn takes(&self, rel: &str) -> bool {
        self.include.is_match(rel) && !self.exclude.is_match(rel)
    }
}

/// `root`-relative `/`-separated path of `path` (lossy where a name is not UTF-8).
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

fn compile_globs(patterns: &[String]) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(glob(p)?);
    }
    b.build().map_err(|e| Error::Pattern {
        pattern: patterns.join(", "),
        message: e.to_string(),
    })
}

fn glob(p: &str) -> Result<globset::Glob> {
    GlobBuilder::new(p)
        .literal_separator(true)
        .build()
        .map_err(|e| Error::Pattern {
            pattern: p.to_string(),
            message: e.kind().to_string(),
        })
}

/// The patterns' literal prefixes, without those nested in another (walked once).
fn outermost_bases(patterns: &[String]) -> Vec<String> {
    let mut bases: Vec<String> = patterns.iter().map(|p| literal_prefix(p)).collect();
    bases.sort();
    bases.dedup();
    bases
        .iter()
        .filter(|b| {
            !bases
                .iter()
                .any(|o| o != *b && (o.is_empty() || b.starts_with(&format!("{o}/"))))
        })
        .cloned()
        .collect()
}

/// `(base, file)` for each pattern when every pattern is `BASE/*/FILE` with a literal base
/// and file name, and no base lies inside another (the general walk would prune a nested
/// base's `target` or `.git` ancestors; keeping the shortcut to disjoint bases keeps the two
/// walks equal).
fn one_level_layout(patterns: &[String], outermost: &[String]) -> Option<Vec<(String, String)>> {
    let mut layout = Vec::new();
    for p in patterns {
        let parts: Vec<&str> = p.split('/').collect();
        let [dirs @ .., star, file] = parts.as_slice() else {
            return None;
        };
        if *star != "*" || is_glob(file) || file.is_empty() || dirs.iter().any(|d| is_glob(d)) {
            return None;
        }
        let base = dirs.join("/");
        if !outermost.contains(&base) {
            return None;
        }
        layout.push((base, (*file).to_string()));
    }
    Some(layout)
}

/// Folders no walk enters, wherever they are.
const NEVER_ENTERED: [&str; 3] = [".git", "target", "node_modules"];

/// What decides whether a path found by either walk is a spec.
struct Filter<'a> {
    root: &'a Path,
    include: GlobSet,
    exclude: GlobSet,
    /// Each include pattern, component by component (`None` for `**`): whether a linked
    /// folder stands where specs could be.
    components: Vec<Vec<Option<GlobMatcher>>>,
    /// Each include pattern, for telling files that resemble a spec.
    shapes: Vec<Shape>,
    output: Option<String>,
}

impl<'a> Filter<'a> {
    fn new(
        root: &'a Path,
        include: &[String],
        exclude: &[Sp<String>],
        platform: &Platform,
    ) -> Result<Self> {
        let exclude: Vec<String> = exclude.iter().map(|p| p.value.clone()).collect();
        let components = include
            .iter()
            .map(|p| {
                p.split('/')
                    .map(|part| match part {
                        "**" => Ok(None),
                        part => Ok(Some(glob(part)?.compile_matcher())),
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Filter {
            root,
            include: compile_globs(include)?,
            exclude: compile_globs(&exclude)?,
            components,
            shapes: include
                .iter()
                .map(|p| Shape::new(p))
                .collect::<Result<_>>()?,
            output: platform.output_dir().ok(),
        })
    }

    /// What a walk found, sorted, with its strays decided.
    fn finish(&self, walked: Walked) -> Discovered {
        let mut found = walked.found;
        found.strays = strays::find(&self.shapes, &walked.candidates, &walked.claimed, &|p| {
            self.selects(p)
        });
        found.paths.sort();
        found.paths.dedup();
        found.problems.sort();
        found.problems.dedup();
        found.deferred.sort();
        found
    }

    /// Whether discovery takes `rel`: an include pattern matches it and no exclude pattern.
    fn selects(&self, rel: &str) -> bool {
        self.include.is_match(rel) && !self.exclude.is_match(rel)
    }

    fn base_dir(&self, base: &str) -> PathBuf {
        if base.is_empty() {
            self.root.to_path_buf()
        } else {
            self.root.join(base)
        }
    }

    /// Whether a walk descends into this directory (one below a base or deeper).
    fn enters(&self, name: &str, rel: Option<&str>) -> bool {
        !NEVER_ENTERED.contains(&name) && !self.is_output(rel)
    }

    fn is_output(&self, rel: Option<&str>) -> bool {
        match (&self.output, rel) {
            (Some(out), Some(rel)) => rel == out || rel.starts_with(&format!("{out}/")),
            _ => false,
        }
    }

    /// Whether some include pattern could match a path below `rel` (a folder there could hold
    /// specs).
    fn could_hold_specs(&self, rel: &str) -> bool {
        let parts: Vec<&str> = rel.split('/').collect();
        self.components.iter().any(|pattern| {
            for (i, part) in parts.iter().enumerate() {
                match pattern.get(i) {
                    None => return false,
                    Some(None) => return true,
                    Some(Some(g)) if !g.is_match(part) => return false,
                    Some(Some(_)) => {}
                }
            }
            pattern.len() > parts.len()
        })
    }

    /// The general walk: every directory under the bases.
    fn walked(&self, bases: &[String]) -> Walked {
        let mut found = Walked::default();
        for base in bases {
            self.walk_folder(&self.base_dir(base), &mut found);
        }
        found
    }

    /// Walks one folder and everything below it (not into links, `.git`, `target`,
    /// `node_modules` or the output folder), considering every entry.
    fn walk_folder(&self, dir: &Path, found: &mut Walked) {
        if !matches!(io::kind(dir), Ok(Some(Kind::Dir))) {
            return;
        }
        let walker = io::walk(dir, io::Links::Refuse, |e| {
            let rel = relative(self.root, e.path());
            if e.depth() > 0 && e.file_type().is_dir() {
                self.enters(&e.file_name().to_string_lossy(), rel.as_deref())
            } else {
                !self.is_output(rel.as_deref())
            }
        });
        for entry in walker {
            match entry {
                Ok(e) => self.consider(e.path(), Kind::of(e.file_type()), found),
                Err(e) => {
                    let path = e
                        .path()
                        .and_then(|p| relative(self.root, p))
                        .unwrap_or_default();
                    found.found.problems.push(Problem::failed(path, &e));
                }
            }
        }
    }

    /// The one-level walk: list each base, look for the file in each folder. Only folders
    /// without their spec are walked further, for files that look like specs. With a focus,
    /// the folders it does not need are deferred, not looked into.
    /// Also counts the service folders listed (see [`Discovered::folders`]).
    fn listed(&self, layout: &[(String, String)], focus: Option<&Focus>) -> (Walked, usize) {
        let mut found = Walked::default();
        let mut folders = 0;
        let mut counted = BTreeSet::new();
        // A named path that holds a base can hold a service of any name, which could clash
        // with one under another base: then every base is looked into in full.
        let focus: Option<Vec<_>> =
            focus.and_then(|f| layout.iter().map(|(base, _)| f.folders_of(base)).collect());
        for (n, (base, file)) in layout.iter().enumerate() {
            let wanted = focus.as_ref().and_then(|f| f.get(n));
            let dir = self.base_dir(base);
            let entries = match io::list(&dir) {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => continue,
                Err(e) => {
                    found.found.problems.push(Problem::failed(base.clone(), &e));
                    continue;
                }
            };
            let count_here = counted.insert(base.as_str());
            // A base inside the output folder holds no service folder (no walk enters it).
            let base_in_output = !base.is_empty() && self.is_output(Some(base));
            let mut candidates = Vec::new();
            for entry in entries {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        found.found.problems.push(Problem::failed(base.clone(), &e));
                        continue;
                    }
                };
                let service_folder = entry.kind == Kind::Dir
                    && !base_in_output
                    && self.enters_in(base, &entry.name.to_string_lossy());
                folders += usize::from(service_folder && count_here);
                if let Some(wanted) = &wanted
                    && !entry.name.to_str().is_some_and(|n| wanted.contains(n))
                {
                    // A folder the check does not need (a name that is not UTF-8 names no
                    // service); anything else here concerns no spec it checks.
                    if let (true, Some(name)) = (service_folder, entry.name.to_str()) {
                        found.found.deferred.push(Deferred {
                            name: name.to_string(),
                            folder: entry.path.clone(),
                            file: file.clone(),
                        });
                    }
                    continue;
                }
                let rel = relative(self.root, &entry.path);
                match entry.kind {
                    Kind::Dir if self.enters(&entry.name.to_string_lossy(), rel.as_deref()) => {
                        candidates.push(entry.path);
                    }
                    Kind::Link | Kind::File if !self.is_output(rel.as_deref()) => {
                        self.consider(&entry.path, entry.kind, &mut found);
                    }
                    _ => {}
                }
            }
            self.look_into(&candidates, file, &mut found);
        }
        (found, folders)
    }

    /// [`Filter::enters`] for the folder `name` of `base`, without building its path: asked of
    /// every folder of a base (whether the base itself is in the output folder is asked once).
    fn enters_in(&self, base: &str, name: &str) -> bool {
        let is_output = self.output.as_deref().is_some_and(|out| {
            if base.is_empty() {
                out == name
            } else {
                out.strip_prefix(base).and_then(|r| r.strip_prefix('/')) == Some(name)
            }
        });
        !NEVER_ENTERED.contains(&name) && !is_output
    }

    /// Looks for `file` in each of `folders` (one `lstat` each, on every core); a folder
    /// without it is walked for files that look like specs.
    fn look_into(&self, folders: &[PathBuf], file: &str, found: &mut Walked) {
        let kinds: Vec<_> = folders
            .par_iter()
            .map(|folder| io::kind(&folder.join(file)))
            .collect();
        for (folder, kind) in folders.iter().zip(kinds) {
            let path = folder.join(file);
            match kind {
                Ok(Some(Kind::Dir) | None) => self.walk_folder(folder, found),
                Ok(Some(kind)) => self.consider(&path, kind, found),
                Err(e) => {
                    let rel = relative(self.root, &path).unwrap_or_default();
                    found.found.problems.push(Problem::failed(rel, &e));
                }
            }
        }
    }

    /// Adds `path` if the patterns select it and it is a regular file with a UTF-8 name;
    /// reports it if it is selected but something else, or a link where specs could be. A
    /// regular file they do not select is kept if its name resembles a spec's.
    fn consider(&self, path: &Path, kind: Kind, found: &mut Walked) {
        let Some(rel) = io::utf8_relative(self.root, path) else {
            return;
        };
        let (rel, utf8) = match rel {
            Ok(rel) => (rel, true),
            Err(shown) => (shown, false),
        };
        let selected = self.selects(&rel);
        if selected && kind != Kind::Dir {
            let folder = rel.rsplit_once('/').map_or("", |(d, _)| d);
            found.claimed.insert(folder.to_string());
        }
        let problems = &mut found.found.problems;
        match kind {
            Kind::Dir => {}
            Kind::Link => {
                if selected || self.could_hold_specs(&rel) {
                    problems.push(Problem::refused(rel, &Refusal::Link));
                }
            }
            Kind::File
                if !selected
                    && utf8
                    && !self.exclude.is_match(&rel)
                    && strays::resembles_any(&self.shapes, &rel) =>
            {
                found.candidates.push(rel);
            }
            _ if !selected => {}
            _ if !utf8 => problems.push(Problem::refused(rel, &Refusal::NonUtf8Name)),
            Kind::File => found.found.paths.push(rel),
            other => problems.push(Problem::refused(rel, &Refusal::NotRegular(other))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_focus_names_the_folders_a_check_needs() {
        let focus = |paths: &[&str], base: &str| {
            Focus::new(paths.iter().map(|p| p.to_string()).collect())
                .folders_of(base)
                .map(|names| names.into_iter().map(str::to_string).collect::<Vec<_>>())
        };
        // A spec: its folder (and names like the file's, which hold no service).
        assert_eq!(
            focus(&["services/a/service.yaml"], "services"),
            Some(vec!["a".to_string(), "service.yaml".to_string()])
        );
        // A folder, and a spec under another base: folders of the same names could clash.
        assert_eq!(
            focus(&["services/a", "teams/b/service.yaml"], "services"),
            Some(vec![
                "a".to_string(),
                "b".to_string(),
                "service.yaml".to_string(),
                "services".to_string()
            ])
        );
        // The base itself, a folder above it, or the repository: every folder.
        assert_eq!(focus(&["services"], "services"), None);
        assert_eq!(focus(&["teams/x/service.yaml", ""], "services"), None);
        assert_eq!(focus(&["platform"], "platform/services"), None);
        // A sibling whose name starts like the base is not above it.
        assert_eq!(focus(&["serv"], "services"), Some(vec!["serv".to_string()]));
        // The repository's root as the base.
        assert_eq!(
            focus(&["a/service.yaml"], ""),
            Some(vec!["a".to_string(), "service.yaml".to_string()])
        );
    }

    #[test]
    fn literal_prefixes() {
        assert_eq!(literal_prefix("services/*/service.yaml"), "services");
        assert_eq!(
            literal_prefix("teams/a/services/**/service.yaml"),
            "teams/a/services"
        );
        assert_eq!(literal_prefix("*.yaml"), "");
        assert_eq!(literal_prefix("service.yaml"), "");
    }

    fn layout(patterns: &[&str]) -> Option<Vec<(String, String)>> {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        one_level_layout(&patterns, &outermost_bases(&patterns))
    }

    #[test]
    fn the_shortcut_takes_only_one_level_patterns_with_disjoint_bases() {
        let pair = |b: &str, f: &str| (b.to_string(), f.to_string());
        assert_eq!(
            layout(&["services/*/service.yaml"]),
            Some(vec![pair("services", "service.yaml")])
        );
        assert_eq!(
            layout(&["a/x/*/spec.yaml", "b/*/service.yaml"]),
            Some(vec![pair("a/x", "spec.yaml"), pair("b", "service.yaml")])
        );
        assert_eq!(
            layout(&["*/service.yaml"]),
            Some(vec![pair("", "service.yaml")])
        );
        for general in [
            &["services/**/service.yaml"][..],
            &["services/*.yaml"],
            &["services/*/*.yaml"],
            &["services/svc-*/service.yaml"],
            &["services/*/x/service.yaml"],
            &["services/*/service.yaml", "services/team/*/service.yaml"],
        ] {
            assert_eq!(layout(general), None, "{general:?}");
        }
    }

    /// The `services` folder itself is a link: not walked, reported.
    #[cfg(unix)]
    #[test]
    fn a_linked_base_is_not_walked() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let outside = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(outside.path().join("x")).expect("mkdir");
        std::fs::write(outside.path().join("x/service.yaml"), "x").expect("write");
        std::os::unix::fs::symlink(outside.path(), tmp.path().join("services")).expect("link");
        for include in ["services/*/service.yaml", "services/**/service.yaml"] {
            let mut p = Platform::builtin();
            p.services_include = vec![Sp::made(include.to_string())];
            let found = discover(tmp.path(), &p).expect("discover");
            assert!(found.paths.is_empty(), "{include}: {:?}", found.paths);
            assert_eq!(found.problems.len(), 1, "{include}");
            assert_eq!(found.problems[0].path, "services");
        }
    }

    /// Both walks over a tree with every kind of entry discovery must handle.
    #[cfg(unix)]
    #[test]
    fn both_walks_agree() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path();
        let outside = tempfile::tempdir().expect("tempdir");
        std::fs::write(outside.path().join("service.yaml"), "x").expect("write");
        let write = |rel: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, "x").expect("write");
        };
        for rel in [
            "services/a/service.yaml",
            "services/b/service.yaml",
            "services/b/other.yaml",
            "services/c/nested/service.yaml",
            "services/service.yaml",
            "services/target/service.yaml",
            "services/node_modules/service.yaml",
            "services/.git/service.yaml",
            "services/.hidden/service.yaml",
            "services/skipped/service.yaml",
            "rendered/x/service.yaml",
            "elsewhere/d/service.yaml",
            // Files that look like specs but are not taken.
            "services/yml/service.yml",
            "services/upper/Service.yaml",
            "services/team/x/service.yaml",
            "services/team/target/y/service.yaml",
            "services/a/sql/service.yaml",
            "services/a/service.yml",
            "services/skipped/Service.yml",
            "rendered/y/service.yml",
        ] {
            write(rel);
        }
        std::fs::create_dir_all(root.join("services/dir-named-file/service.yaml")).expect("mkdir");
        std::fs::create_dir_all(root.join("services/empty")).expect("mkdir");
        std::fs::create_dir_all(root.join("services/links")).expect("mkdir");
        symlink(root.join("services/a"), root.join("services/linked-dir")).expect("link");
        symlink(
            root.join("services/a/service.yaml"),
            root.join("services/links/service.yaml"),
        )
        .expect("link");
        std::fs::create_dir_all(root.join("services/out")).expect("mkdir");
        symlink(
            outside.path().join("service.yaml"),
            root.join("services/out/service.yaml"),
        )
        .expect("link");
        std::fs::create_dir_all(root.join("services/dangling")).expect("mkdir");
        symlink(
            root.join("nowhere"),
            root.join("services/dangling/service.yaml"),
        )
        .expect("link");

        // A FIFO where a spec should be, and a folder whose name is not UTF-8.
        let fifo = std::process::Command::new("mkfifo")
            .arg(root.join("services/b/service.yaml.fifo"))
            .status()
            .expect("mkfifo");
        assert!(fifo.success());
        std::fs::create_dir_all(root.join("services/fifo")).expect("mkdir");
        std::fs::rename(
            root.join("services/b/service.yaml.fifo"),
            root.join("services/fifo/service.yaml"),
        )
        .expect("move fifo");
        {
            use std::os::unix::ffi::OsStrExt;
            let name = std::ffi::OsStr::from_bytes(b"caf\xff");
            std::fs::create_dir_all(root.join("services").join(name)).expect("mkdir");
            std::fs::write(root.join("services").join(name).join("service.yaml"), "x")
                .expect("write");
        }

        let made =
            |v: &[&str]| -> Vec<Sp<String>> { v.iter().map(|p| Sp::made(p.to_string())).collect() };
        let mut platform = Platform::builtin();
        platform.services_exclude = made(&["services/skipped/*"]);
        for (include, output) in [
            (vec!["services/*/service.yaml"], "rendered"),
            (vec!["*/service.yaml"], "rendered"),
            (vec!["*/service.yaml"], "services/b"),
            (
                vec!["services/*/service.yaml", "elsewhere/*/service.yaml"],
                "rendered",
            ),
        ] {
            platform.services_include = made(&include);
            platform.output = crate::tree::Sp::made(output.to_string());
            let include: Vec<String> = include.iter().map(|p| p.to_string()).collect();
            let filter =
                Filter::new(root, &include, &platform.services_exclude, &platform).expect("filter");
            let bases = outermost_bases(&include);
            let layout = one_level_layout(&include, &bases).expect("shortcut");
            let listed = filter.finish(filter.listed(&layout, None).0);
            let walked = filter.finish(filter.walked(&bases));
            assert_eq!(listed, walked, "{include:?}");
            assert!(!walked.paths.is_empty());
            assert!(!walked.strays.is_empty(), "{include:?}");
        }
        let found = discover(root, &{
            let mut p = Platform::builtin();
            p.services_exclude = made(&["services/skipped/*"]);
            p
        })
        .expect("discover");
        assert_eq!(
            found.paths,
            [
                "services/.hidden/service.yaml",
                "services/a/service.yaml",
                "services/b/service.yaml",
            ]
        );
        // Near names and a spec one folder too deep; not inside a folder holding a spec
        // (`services/a`), an excluded one, the output folder or a pruned `target`.
        let strays: Vec<&str> = found.strays.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(
            strays,
            [
                "services/c/nested/service.yaml",
                "services/service.yaml",
                "services/team/x/service.yaml",
                "services/upper/Service.yaml",
                "services/yml/service.yml",
            ]
        );
        // Links are refused wherever specs could be (even one pointing inside the repository),
        // and so are special files and names that are not UTF-8; each is named.
        let problems: Vec<(&str, &str)> = found
            .problems
            .iter()
            .map(|p| (p.path.as_str(), p.why.as_str()))
            .collect();
        let link = "is a symbolic link; flinkform does not follow links in the repository";
        assert_eq!(
            problems,
            [
                (
                    "services/caf\\xFF/service.yaml",
                    "has a name that is not valid UTF-8; it is not read"
                ),
                ("services/dangling/service.yaml", link),
                (
                    "services/fifo/service.yaml",
                    "is a FIFO (named pipe), not a regular file; it is not read"
                ),
                ("services/linked-dir", link),
                ("services/links/service.yaml", link),
                ("services/out/service.yaml", link),
            ]
        );
    }
}
