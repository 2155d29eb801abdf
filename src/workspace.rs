//! The platform repository on disk: finding its root, discovering service specs, and loading
//! everything (read → YAML → schema → typed) with exact spans.
//!
//! Discovery is hermetic and sorted: only the platform's `services.include` patterns count
//! (matched on repository-relative `/` paths; `*` does not cross `/`), walked from each
//! pattern's literal prefix, never into `.git` or the output folder. Symbolic links are not
//! followed into directories; a linked spec file is read only if it resolves inside the
//! repository.

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::schema::{self, Format};
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::spec::platform::{FILE_NAME, Platform};
use crate::spec::service::ServiceFile;
use crate::tree::Node;
use crate::yaml;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Larger spec files are refused: a spec is a page of YAML, and the limit bounds memory.
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// Finds the repository root: the nearest directory at or above `start` holding `flinkform.yaml`.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    let start = std::fs::canonicalize(start).map_err(|source| Error::Read {
        path: start.display().to_string(),
        source,
    })?;
    let mut dir = start.as_path();
    loop {
        if dir.join(FILE_NAME).is_file() {
            return Ok(dir.to_path_buf());
        }
        match dir.parent() {
            Some(p) => dir = p,
            None => return Err(Error::NoPlatform { start }),
        }
    }
}

/// Everything loaded from one repository.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub sources: SourceMap,
    pub platform_file: FileId,
    /// `None` when the platform config itself has errors (then nothing resolves).
    pub platform: Option<Platform>,
    /// Services that loaded cleanly, sorted by path; duplicates by name are dropped.
    pub services: Vec<Arc<ServiceFile>>,
    /// Paths of every discovered spec, loaded or not.
    pub spec_paths: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a file as text for diagnostics: size-limited, UTF-8 checked. Problems become a
/// diagnostic on the (lossily decoded) text, so a finding still has a location.
pub fn read_source(root: &Path, rel: &str) -> Result<(SourceFile, Option<Diagnostic>)> {
    let full = root.join(rel);
    let bytes = std::fs::read(&full).map_err(|source| Error::Read {
        path: rel.to_string(),
        source,
    })?;
    Ok(decode(rel, bytes))
}

/// Turns bytes into a source file, reporting oversize files and invalid UTF-8. The returned
/// diagnostic has no file id yet; [`attach`] sets it once the file is in the source map.
pub fn decode(rel: &str, bytes: Vec<u8>) -> (SourceFile, Option<Diagnostic>) {
    if bytes.len() > MAX_FILE_BYTES {
        let d = Diagnostic::error(
            yaml::RULE,
            format!(
                "file is {} bytes; flinkform reads files of at most {} bytes",
                bytes.len(),
                MAX_FILE_BYTES
            ),
        )
        .at(Span::new(FileId(u32::MAX), 0, 0), "")
        .with_help(
            "a spec is a page of YAML; move large content (logging configuration, jars) out of it",
        );
        return (SourceFile::new(rel, ""), Some(d));
    }
    match String::from_utf8(bytes) {
        Ok(text) => (SourceFile::new(rel, &text), None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bad = e.as_bytes().get(at).copied().unwrap_or(0);
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let d = Diagnostic::error(
                yaml::RULE,
                format!("file is not valid UTF-8 (byte 0x{bad:02X})"),
            )
            .at(Span::new(FileId(u32::MAX), at, at + 1), "invalid byte")
            .with_help("save the file as UTF-8");
            (SourceFile::new(rel, &text), Some(d))
        }
    }
}

/// Points a diagnostic made by [`decode`] at its file.
fn attach(mut d: Diagnostic, id: FileId) -> Diagnostic {
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
            let diagnostics = schema::validate(format, &doc, id);
            Loaded {
                doc: Some(doc),
                diagnostics,
            }
        }
    }
}

fn compile_globs(patterns: &[String]) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let g = GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|e| Error::Pattern {
                pattern: p.clone(),
                message: e.kind().to_string(),
            })?;
        b.add(g);
    }
    b.build().map_err(|e| Error::Pattern {
        pattern: patterns.join(", "),
        message: e.to_string(),
    })
}

/// The directory a pattern's matches must live under: its components before the first glob
/// metacharacter.
fn literal_prefix(pattern: &str) -> String {
    let mut parts = Vec::new();
    for part in pattern.split('/') {
        if part.contains(['*', '?', '[', '{']) {
            return parts.join("/");
        }
        parts.push(part);
    }
    parts.pop(); // an entirely literal pattern names a file; walk its folder
    parts.join("/")
}

/// What discovery found: spec paths, and links it would not follow (path, why).
#[derive(Debug, Default)]
pub struct Discovered {
    pub paths: Vec<String>,
    pub problems: Vec<(String, String)>,
}

/// Repository-relative paths of the spec files, sorted, plus findings about links that could
/// not be followed.
pub fn discover(root: &Path, platform: &Platform) -> Result<Discovered> {
    let include = compile_globs(&platform.services_include)?;
    let exclude = compile_globs(&platform.services_exclude)?;
    let output = platform.output_dir().ok();
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut bases: Vec<String> = platform
        .services_include
        .iter()
        .map(|p| literal_prefix(p))
        .collect();
    bases.sort();
    bases.dedup();
    // Walk only the outermost bases, so nested ones are not walked twice.
    let bases: Vec<String> = bases
        .iter()
        .filter(|b| {
            !bases
                .iter()
                .any(|o| o != *b && (o.is_empty() || b.starts_with(&format!("{o}/"))))
        })
        .cloned()
        .collect();
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for base in bases {
        let dir = if base.is_empty() {
            root.to_path_buf()
        } else {
            root.join(&base)
        };
        if !dir.is_dir() {
            continue;
        }
        let walker = walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                if e.depth() > 0
                    && e.file_type().is_dir()
                    && (name == ".git" || name == "target" || name == "node_modules")
                {
                    return false;
                }
                match (&output, relative(root, e.path())) {
                    (Some(out), Some(rel)) => rel != *out && !rel.starts_with(&format!("{out}/")),
                    _ => true,
                }
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e.path().and_then(|p| relative(root, p)).unwrap_or_default();
                    problems.push((path, e.to_string()));
                    continue;
                }
            };
            let Some(rel) = relative(root, entry.path()) else {
                continue;
            };
            if !include.is_match(&rel) || exclude.is_match(&rel) {
                continue;
            }
            if entry.file_type().is_symlink() {
                match std::fs::canonicalize(entry.path()) {
                    Ok(target) if target.starts_with(&canonical_root) && target.is_file() => {}
                    Ok(target) if !target.starts_with(&canonical_root) => {
                        problems.push((
                            rel,
                            "is a symbolic link to a file outside the repository; it is not read"
                                .into(),
                        ));
                        continue;
                    }
                    Ok(_) => {
                        problems.push((
                            rel,
                            "is a symbolic link to something that is not a file".into(),
                        ));
                        continue;
                    }
                    Err(e) => {
                        problems.push((
                            rel,
                            format!("is a symbolic link that cannot be followed ({e})"),
                        ));
                        continue;
                    }
                }
            } else if !entry.file_type().is_file() {
                continue;
            }
            found.push(rel);
        }
    }
    found.sort();
    found.dedup();
    Ok(Discovered {
        paths: found,
        problems,
    })
}

/// `root`-relative `/`-separated path of `path`.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// Loads `flinkform.yaml` from `root` into `sources`: the platform if it is sound, and its
/// findings (including those about its policy settings).
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
            let (p, d) = Platform::read(&doc, platform_file);
            diagnostics.extend(d);
            if let Some(p) = &p {
                diagnostics.extend(crate::policy::check_config(p));
            }
            p
        }
        _ => None,
    };
    Ok((platform_file, platform, diagnostics))
}

impl Workspace {
    /// Loads the repository at `root` (which holds `flinkform.yaml`).
    pub fn load(root: &Path) -> Result<Workspace> {
        let mut sources = SourceMap::new();
        let (platform_file, platform, mut diagnostics) = load_platform(root, &mut sources)?;
        // With a broken platform config, still check every spec's own schema using the
        // default discovery, so one run shows all the problems.
        let discovery = platform.clone().unwrap_or_else(Platform::builtin);
        let Discovered {
            paths: spec_paths,
            problems,
        } = discover(root, &discovery)?;
        for (path, why) in problems {
            let id = sources.add(SourceFile::new(path.clone(), ""));
            diagnostics.push(
                Diagnostic::error(yaml::RULE, format!("`{path}` {why}"))
                    .at(Span::new(id, 0, 0), "")
                    .with_help("replace the link with the file itself"),
            );
        }
        let read: Vec<Result<(SourceFile, Option<Diagnostic>)>> = spec_paths
            .par_iter()
            .map(|p| read_source(root, p))
            .collect();
        let mut ids = Vec::with_capacity(read.len());
        for r in read {
            let (file, d) = r?;
            let id = sources.add(file);
            diagnostics.extend(d.map(|d| attach(d, id)));
            ids.push(id);
        }
        let files: Vec<(FileId, Arc<SourceFile>)> =
            ids.iter().map(|&id| (id, sources.get(id))).collect();
        let loaded: Vec<(Option<ServiceFile>, Vec<Diagnostic>)> = files
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
                (service, diags)
            })
            .collect();
        let mut services = Vec::new();
        let mut by_name: BTreeMap<String, Arc<ServiceFile>> = BTreeMap::new();
        for (service, diags) in loaded {
            diagnostics.extend(diags);
            let Some(s) = service else { continue };
            if let Some(first) = by_name.get(&s.name.value) {
                let mut d = Diagnostic::error(
                    schema::RULE,
                    format!("service name `{}` is already used by {}", s.name.value, first.path),
                )
                .at_opt(s.name.origin.span(), "duplicate name")
                .with_help("service names are unique across the repository: the name is the namespace, service account and output folder");
                if let Some(span) = first.name.origin.span() {
                    d = d.with_secondary(span, "first used here");
                }
                diagnostics.push(d);
                continue;
            }
            let s = Arc::new(s);
            by_name.insert(s.name.value.clone(), s.clone());
            services.push(s);
        }
        Ok(Workspace {
            root: root.to_path_buf(),
            sources,
            platform_file,
            platform,
            services,
            spec_paths,
            diagnostics,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
