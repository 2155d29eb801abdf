//! The platform repository on disk: finding its root, discovering service specs
//! ([`discover`]), and loading everything (read → YAML → schema → typed) with exact spans.

mod config_paths;
mod discover;
pub mod folders;
mod strays;
mod unwritten;

pub use discover::{
    Deferred, Discovered, Focus, Problem, Selector, discover, discover_focused, relative,
};
pub use strays::Stray;

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::io;
use crate::schema::{self, Format};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::spec::platform::{FILE_NAME, Platform};
use crate::spec::service::ServiceFile;
use crate::tree::Node;
use crate::yaml;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Larger spec files are refused (the IO edge's bound).
pub use crate::io::MAX_FILE_BYTES;

/// Finds the repository root: the nearest directory at or above `start` holding `flinkform.yaml`.
/// (`start` is the user's: links in it are followed. A `flinkform.yaml` that is a link is
/// found here, and refused when it is read.)
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let start = io::canonicalize(start).map_err(|source| Error::Read {
        path: start.display().to_string(),
        source,
    })?;
    let mut dir = start.as_path();
    loop {
        if matches!(
            io::kind(&dir.join(FILE_NAME)),
            Ok(Some(io::Kind::File | io::Kind::Link))
        ) {
            return Ok(dir.to_path_buf());
        }
        match dir.parent() {
            Some(p) => dir = p,
            None => return Err(Error::NoPlatform { start }),
        }
    }
}

/// The repository that holds the platform at `platform_root` (a canonical path): the nearest
/// folder at or above it with a `.git` entry (a folder, or the file a worktree or submodule
/// has), or `platform_root` itself when it is not in a git repository.
///
/// This folder is the trust boundary (nothing the repository's content names is read outside
/// it) and the root that machine-readable paths are relative to, so that a platform kept in a
/// subfolder of its git repository gets paths that GitHub, editors and pre-commit understand.
pub fn find_repo_root(platform_root: &Path) -> PathBuf {
    platform_root
        .ancestors()
        .find(|dir| matches!(io::kind(&dir.join(".git")), Ok(Some(_))))
        .unwrap_or(platform_root)
        .to_path_buf()
}

/// Everything loaded from one repository.
#[derive(Debug)]
pub struct Workspace {
    /// The folder of `flinkform.yaml`; spec paths are relative to it.
    pub root: PathBuf,
    /// The git repository around it ([`find_repo_root`]).
    pub repo_root: PathBuf,
    pub sources: SourceMap,
    pub platform_file: FileId,
    /// `None` when the platform config itself has errors (then nothing resolves).
    pub platform: Option<Platform>,
    /// Services that loaded cleanly, sorted by path, each in a folder named after it and the
    /// first in a folder of that name ([`folders`]): their names are unique.
    pub services: Vec<Arc<ServiceFile>>,
    /// Paths of every discovered spec, loaded or not.
    pub spec_paths: Vec<String>,
    /// Files that look like specs but are not discovered: data for the driver, which reports
    /// them with the severity the platform's policy gives `spec-not-discovered`.
    pub strays: Vec<Stray>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a repository file as text for diagnostics: a regular file (not a link, FIFO or
/// device), size-limited, UTF-8 checked. Problems become a diagnostic on the (lossily
/// decoded, or empty) text, so a finding still has a location; only a failing read (a
/// permission, a disk) is an operational error.
pub fn read_source(root: &Path, rel: &str) -> Result<(SourceFile, Option<Diagnostic>)> {
    match io::read_bounded(&root.join(rel), MAX_FILE_BYTES as u64, io::Links::Refuse) {
        Ok(bytes) => Ok(decode(rel, bytes)),
        Err(io::ReadError::Refused(r)) => Ok((SourceFile::new(rel, ""), Some(refused(rel, &r)))),
        Err(io::ReadError::Io(source)) => Err(Error::Read {
            path: rel.to_string(),
            source,
        }),
    }
}

/// The finding for a file the IO edge would not read (no file id yet; see [`attach`]). An
/// oversized file is a `yaml-syntax` finding, like every other reason a file cannot be
/// loaded; a link, a special file or an unreadable name is `unsafe-path`.
pub fn refused(rel: &str, r: &io::Refusal) -> Diagnostic {
    let rule = match r {
        io::Refusal::TooLarge { .. } => crate::policy::RuleId::YamlSyntax,
        _ => crate::policy::RuleId::UnsafePath,
    };
    let message = match r {
        io::Refusal::TooLarge { .. } => format!("file {}", r.reason()),
        _ => format!("`{rel}` {}", r.reason()),
    };
    Diagnostic::error(rule, message)
        .at(Span::new(FileId(u32::MAX), 0, 0), "")
        .with_help(r.help())
}

/// Turns bytes into a source file, reporting oversize files and invalid UTF-8. The returned
/// diagnostic has no file id yet; [`attach`] sets it once the file is in the source map.
pub fn decode(rel: &str, bytes: Vec<u8>) -> (SourceFile, Option<Diagnostic>) {
    if bytes.len() > MAX_FILE_BYTES {
        let r = io::Refusal::TooLarge {
            size: Some(bytes.len() as u64),
            limit: MAX_FILE_BYTES as u64,
        };
        return (SourceFile::new(rel, ""), Some(refused(rel, &r)));
    }
    match String::from_utf8(bytes) {
        Ok(text) => (SourceFile::new(rel, &text), None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bad = e.as_bytes().get(at).copied().unwrap_or(0);
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let d = Diagnostic::error(
                crate::policy::RuleId::YamlSyntax,
                format!("file is not valid UTF-8 (byte 0x{bad:02X})"),
            )
            .at(Span::new(FileId(u32::MAX), at, at + 1), "invalid byte")
            .with_help("save the file as UTF-8");
            (SourceFile::new(rel, &text), Some(d))
        }
    }
}

/// Points a diagnostic made by [`decode`] or [`refused`] at its file.
pub fn attach(mut d: Diagnostic, id: FileId) -> Diagnostic {
    if let Some(p) = d.primary.as_mut() {
        p.span.file = id;
    }
    d
}

/// Result of loading one document: the tree if it parsed, and its findings.
pub struct Loaded {
    pub doc: Option<Node>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses and schema-checks one document.
pub fn load_document(id: FileId, file: &SourceFile, format: Format) -> Loaded {
    match yaml::load(id, file) {
        Err(d) => Loaded {
            doc: None,
            diagnostics: vec![d],
        },
        Ok(doc) => {
            let diagnostics = schema::violations(format, &doc, id, &file.text);
            Loaded {
                doc: Some(doc),
                diagnostics,
            }
        }
    }
}

/// Loads `flinkform.yaml` from `root` into `sources`: the platform if it is sound, and its
/// findings. Its policy settings are the policy's to judge (`compile::load_platform`): the
/// loader sits below the policy and never calls it.
pub fn load_platform(
    root: &Path,
    sources: &mut SourceMap,
) -> Result<(FileId, Option<Platform>, Vec<Diagnostic>)> {
    let mut diagnostics = Vec::new();
    let (pfile, pdiag) = read_source(root, FILE_NAME)?;
    let platform_file = sources.add(pfile);
    diagnostics.extend(pdiag.map(|d| attach(d, platform_file)));
    let file = sources.get(platform_file);
    let loaded = load_document(platform_file, &file, Format::Platform);
    let clean = loaded.diagnostics.is_empty() && diagnostics.is_empty();
    diagnostics.extend(loaded.diagnostics);
    let platform = match (loaded.doc, clean) {
        (Some(doc), true) => {
            let (mut p, d) = Platform::read(&doc, platform_file);
            diagnostics.extend(d);
            if let Some(p) = &mut p {
                diagnostics.extend(config_paths::check(root, p));
            }
            p
        }
        _ => None,
    };
    Ok((platform_file, platform, diagnostics))
}

impl Workspace {
    /// Adds a spec that is not on disk (`new`, `import --dry-run`), as discovery would have
    /// found it at the repository-relative path `rel`: see [`unwritten`].
    pub fn add_unwritten_spec(&mut self, rel: &str, text: &str) {
        unwritten::add_spec(self, rel, text);
    }

    /// Loads the repository at `root` (which holds `flinkform.yaml`).
    pub fn load(root: &Path) -> Result<Workspace> {
        Self::discover(root)?.load(None)
    }

    /// Reads the platform config and finds the service specs, without reading them yet.
    pub fn discover(root: &Path) -> Result<Discovery> {
        Self::discover_then(root, None, |_| {})
    }

    /// [`Workspace::discover`] for a check of the paths in `focus` (`None`: everything; see
    /// [`Focus`]), calling `platform_read` with the platform (`None` when its config has
    /// errors) as soon as it is read, before the specs are found: a caller can start work
    /// that needs only the platform on another core.
    pub fn discover_then(
        root: &Path,
        focus: Option<&Focus>,
        platform_read: impl FnOnce(Option<&Platform>),
    ) -> Result<Discovery> {
        let mut sources = SourceMap::new();
        let repo_root = find_repo_root(root);
        // Machine formats show paths relative to the git repository; human output relative
        // to the platform folder until the command line says where it runs.
        sources.set_context(crate::source::PathContext {
            base: root.to_path_buf(),
            repo_root: repo_root.clone(),
            cwd: root.to_path_buf(),
        });
        let (platform_file, platform, mut diagnostics) = load_platform(root, &mut sources)?;
        platform_read(platform.as_ref());
        // With a broken platform config, still check every spec's own schema using the
        // default discovery, so one run shows all the problems.
        let discovery = platform.clone().unwrap_or_else(Platform::builtin);
        let Discovered {
            paths: spec_paths,
            problems,
            strays,
            deferred,
            folders,
        } = discover::discover_focused(root, &discovery, focus)?;
        for p in problems {
            diagnostics.push(unsafe_path(&mut sources, p));
        }
        let stray_paths = strays.iter().map(|s| s.path.clone()).collect();
        Ok(Discovery {
            root: root.to_path_buf(),
            repo_root,
            sources,
            platform_file,
            platform,
            spec_paths,
            stray_paths,
            strays,
            deferred,
            folders,
            diagnostics,
        })
    }
}

/// The finding for a path discovery would not read.
fn unsafe_path(sources: &mut SourceMap, p: discover::Problem) -> Diagnostic {
    let id = sources.add(SourceFile::new(p.path.clone(), ""));
    Diagnostic::error(
        crate::policy::RuleId::UnsafePath,
        format!("`{}` {}", p.path, p.why),
    )
    .at(Span::new(id, 0, 0), "")
    .with_help(p.help)
}

/// A repository whose platform config is loaded and whose specs are found, not yet read.
#[derive(Debug)]
pub struct Discovery {
    pub root: PathBuf,
    pub repo_root: PathBuf,
    sources: SourceMap,
    platform_file: FileId,
    platform: Option<Platform>,
    /// Paths of every discovered spec.
    pub spec_paths: Vec<String>,
    /// Files that look like specs but are not discovered (reported as `spec-not-discovered`;
    /// `check PATH` reports on them when named).
    pub stray_paths: Vec<String>,
    strays: Vec<Stray>,
    /// Service folders not looked into ([`Focus`]).
    deferred: Vec<Deferred>,
    /// The repository's size ([`Discovered::folders`]).
    folders: usize,
    diagnostics: Vec<Diagnostic>,
}

/// One spec file after loading: the service if it is sound, and its findings.
struct LoadedSpec {
    service: Option<ServiceFile>,
    diagnostics: Vec<Diagnostic>,
}

impl Discovery {
    /// Reads and loads the specs. With `only_specs` (repository-relative spec paths), only those
    /// specs are read: rules across services compare names only (the name is the namespace),
    /// and names are unique when folder names are ([`folders`]), which the paths show. So
    /// findings about those files come out exactly as with everything loaded.
    pub fn load(self, only_specs: Option<&BTreeSet<String>>) -> Result<Workspace> {
        let Discovery {
            root,
            repo_root,
            mut sources,
            platform_file,
            platform,
            mut spec_paths,
            stray_paths: _,
            strays,
            deferred,
            folders,
            mut diagnostics,
        } = self;
        // Every file's share of "did you mean" searches depends on the repository's size, the
        // same whether discovery was focused or not (not on how many files are read), so
        // `check PATH` suggests what `check` does.
        crate::suggest::plan_run(folders + 1);
        let read: Vec<String> = match only_specs {
            None => spec_paths.clone(),
            Some(only) => spec_paths
                .iter()
                .filter(|p| only.contains(*p))
                .cloned()
                .collect(),
        };
        let loaded = load_specs(&root, &read, &mut sources, &mut diagnostics)?;
        let builtin;
        let discovery = match &platform {
            Some(p) => p,
            None => {
                builtin = Platform::builtin();
                &builtin
            }
        };
        // A named spec whose `metadata.name` is not its folder's is told where it belongs, and
        // whether a spec is there already: look into the folders of those names now.
        let names: BTreeSet<&str> = loaded
            .iter()
            .filter_map(|(_, s)| s.service.as_ref())
            .map(|s| s.name.value.as_str())
            .collect();
        let wanted: Vec<&Deferred> = deferred
            .iter()
            .filter(|d| names.contains(d.name.as_str()))
            .collect();
        if !wanted.is_empty() {
            let more = discover::confirm(&root, discovery, &wanted)?;
            spec_paths.extend(more.paths);
            spec_paths.sort();
            for p in more.problems {
                diagnostics.push(unsafe_path(&mut sources, p));
            }
        }
        let folders = folders::Folders::new(&spec_paths);
        let mut services = Vec::new();
        for (_, spec) in loaded {
            diagnostics.extend(spec.diagnostics);
            let Some(s) = spec.service else { continue };
            let (found, keep) = folders.check(&s, discovery);
            diagnostics.extend(found);
            if keep {
                services.push(Arc::new(s));
            }
        }
        Ok(Workspace {
            root,
            repo_root,
            sources,
            platform_file,
            platform,
            services,
            spec_paths,
            strays,
            diagnostics,
        })
    }
}

/// Reads (in parallel), registers and loads the specs at `paths`; reading problems go to
/// `diagnostics`, the rest stays with each spec.
fn load_specs(
    root: &Path,
    paths: &[String],
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<(String, LoadedSpec)>> {
    let read: Vec<Result<(SourceFile, Option<Diagnostic>)>> =
        paths.par_iter().map(|p| read_source(root, p)).collect();
    let mut ids = Vec::with_capacity(read.len());
    for r in read {
        let (file, d) = r?;
        let id = sources.add(file);
        diagnostics.extend(d.map(|d| attach(d, id)));
        ids.push(id);
    }
    let files: Vec<(FileId, Arc<SourceFile>)> =
        ids.iter().map(|&id| (id, sources.get(id))).collect();
    Ok(files
        .par_iter()
        .map(|(id, file)| {
            let loaded = load_document(*id, file, Format::Service);
            let mut diags = loaded.diagnostics;
            let service = match (loaded.doc, diags.is_empty()) {
                (Some(doc), true) => match ServiceFile::read(&doc, *id, &file.path) {
                    Ok(s) => Some(s),
                    Err(d) => {
                        diags.push(d);
                        None
                    }
                },
                _ => None,
            };
            (
                file.path.to_string(),
                LoadedSpec {
                    service,
                    diagnostics: diags,
                },
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_root_is_the_nearest_folder_with_git() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let top = std::fs::canonicalize(tmp.path()).expect("canonical");
        let platform = top.join("a/platform");
        std::fs::create_dir_all(&platform).expect("mkdir");
        assert_eq!(
            find_repo_root(&platform),
            platform,
            "no git: the platform folder"
        );
        std::fs::write(top.join("a/.git"), "gitdir: elsewhere\n").expect("git file");
        assert_eq!(
            find_repo_root(&platform),
            top.join("a"),
            "a worktree's .git file"
        );
        std::fs::create_dir(top.join(".git")).expect("git dir");
        assert_eq!(
            find_repo_root(&platform),
            top.join("a"),
            "the nearest one wins"
        );
        std::fs::create_dir(platform.join(".git")).expect("git dir");
        assert_eq!(find_repo_root(&platform), platform);
    }

    #[test]
    fn non_utf8_is_located() {
        let (f, d) = decode("a.yaml", b"a: 1\nb: \xff\n".to_vec());
        let d = d.expect("diagnostic");
        assert_eq!(d.message, "file is not valid UTF-8 (byte 0xFF)");
        let span = d.primary.expect("span").span;
        assert_eq!(f.line_col(span.start as usize).line, 2);
        assert_eq!(f.line_col(span.start as usize).column, 4);
    }
}
