//! Source files and byte spans.
//!
//! Every diagnostic and every value that flows through the pipeline points back into a
//! [`SourceFile`] through a [`Span`]: a file id plus a byte range. Line and column numbers are
//! computed only when a diagnostic is rendered, from a per-file line index.
//!
//! How a file's path is shown is decided here, once, for every renderer ([`SourceMap::shown`]):
//! machine formats (JSON, SARIF, GitHub annotations, Markdown, JUnit) show paths relative to
//! the git repository root, so that a platform kept in a subfolder gets paths GitHub and
//! editors resolve; human output shows them relative to the directory flinkform runs in, so
//! they can be clicked in a terminal. A file outside the repository is shown by its absolute
//! path (SARIF turns that into a `file://` URI).

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A byte range in one source file. `start..end`, both byte offsets into [`SourceFile::text`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Span { file, start, end }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// A 1-based line and column. Columns count Unicode scalar values, not bytes, so a
/// position is the same whatever the editor's encoding (SARIF `unicodeCodePoints`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One loaded file: its path (always `/`-separated) and its text. The path is the file's key
/// within a run: relative to the platform folder for the repository's own files, or absolute
/// for files named on the command line (`lint`). [`SourceMap::shown`] turns it into what a
/// reader sees.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Builds a source file. A leading byte-order mark is dropped so that offsets and columns
    /// agree with what the YAML parser reports for the rest of the text.
    pub fn new(path: impl Into<String>, text: &str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: path.into(),
            text: Arc::from(text),
            line_starts,
        }
    }

    /// Line and column (1-based) of a byte offset. Offsets past the end clamp to the end;
    /// offsets inside a multi-byte character count that character.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = self.text.get(start..offset).map_or_else(
            || {
                self.text[start..]
                    .char_indices()
                    .take_while(|(i, _)| start + i < offset)
                    .count()
            },
            |s| s.chars().count(),
        );
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }

    /// Byte offset of a 1-based line and character column. Used for parser errors that report
    /// only a line and column. Out-of-range positions clamp to the nearest valid offset.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let line_text = &self.text[start..];
        let line_end = line_text.find('\n').map_or(self.text.len(), |i| start + i);
        line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_end, |(i, _)| (start + i).min(line_end))
    }

    /// The text of a span, or "" if the span does not fit this file.
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// The 0-based line of a byte offset (offsets past the end are on the last line).
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// Where a 0-based line starts (the end of the text for a line past the last).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// Who reads a path: a program (paths relative to the git repository root) or a person at a
/// terminal (paths relative to the directory flinkform runs in).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    Machine,
    Human,
}

/// Where the files of a run are on disk: what [`SourceMap::shown`] needs. All three are
/// absolute, canonical paths.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathContext {
    /// The folder that relative [`SourceFile::path`]s are relative to (the platform folder).
    pub base: PathBuf,
    /// The git repository around it (the trust boundary); machine formats are relative to it.
    pub repo_root: PathBuf,
    /// The directory flinkform runs in (`-C DIR`, or the current directory).
    pub cwd: PathBuf,
}

impl PathContext {
    /// The path as `reader` sees it, for a file keyed `path` (see [`SourceFile`]).
    pub fn show(&self, path: &str, reader: Reader) -> String {
        let full = if Path::new(path).is_absolute() {
            PathBuf::from(path)
        } else {
            self.base.join(path)
        };
        let full = lexical(&full);
        match reader {
            Reader::Machine => {
                relative_below(&self.repo_root, &full).unwrap_or_else(|| slashed(&full))
            }
            Reader::Human => {
                if let Some(rel) = relative_below(&self.cwd, &full) {
                    return rel;
                }
                // Climb out of the current directory only within the repository, where `..`
                // paths stay short and meaningful; anything else is shown in full.
                if !(self.cwd.starts_with(&self.repo_root) && full.starts_with(&self.repo_root)) {
                    return slashed(&full);
                }
                let cwd: Vec<Component<'_>> = self.cwd.components().collect();
                let to: Vec<Component<'_>> = full.components().collect();
                let common = cwd.iter().zip(&to).take_while(|(a, b)| a == b).count();
                let mut parts: Vec<String> = vec!["..".to_string(); cwd.len() - common];
                parts.extend(to[common..].iter().map(|c| part(*c)));
                parts.join("/")
            }
        }
    }
}

fn part(c: Component<'_>) -> String {
    c.as_os_str().to_string_lossy().into_owned()
}

/// `/`-separated text of a path.
fn slashed(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// `path` relative to `dir` when it is inside it (`/`-separated; `.` for `dir` itself).
fn relative_below(dir: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(dir).ok()?;
    let parts: Vec<String> = rel.components().map(part).collect();
    Some(if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    })
}

/// `path` with `.` and `..` resolved by name (what the user typed, not where links lead).
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// All files of one run. Files are only ever appended, so a [`FileId`] stays valid.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
    /// Where the files are, for showing their paths; without it paths are shown as keyed.
    context: Option<PathContext>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    /// Tells the map where its files are on disk, so [`SourceMap::shown`] can show them.
    pub fn set_context(&mut self, context: PathContext) {
        self.context = Some(context);
    }

    /// Sets the directory human output is relative to (where the command runs).
    pub fn set_cwd(&mut self, cwd: PathBuf) {
        if let Some(c) = &mut self.context {
            c.cwd = cwd;
        }
    }

    pub fn context(&self) -> Option<&PathContext> {
        self.context.as_ref()
    }

    /// The path of a file as `reader` sees it: the one decision every renderer uses.
    pub fn shown(&self, id: FileId, reader: Reader) -> String {
        self.show_path(&self.get(id).path, reader)
    }

    /// A file key (see [`SourceFile`]) as `reader` sees it.
    pub fn show_path(&self, path: &str, reader: Reader) -> String {
        match &self.context {
            Some(c) => c.show(path, reader),
            None => path.to_string(),
        }
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(Arc::new(file));
        id
    }

    /// The file with this id. Ids are only created by [`SourceMap::add`], so a lookup of an id
    /// from another map is a programming error; it returns a placeholder instead of panicking.
    pub fn get(&self, id: FileId) -> Arc<SourceFile> {
        self.files
            .get(id.0 as usize)
            .cloned()
            .unwrap_or_else(|| Arc::new(SourceFile::new("<unknown>", "")))
    }

    pub fn path(&self, id: FileId) -> String {
        self.get(id).path.clone()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &Arc<SourceFile>)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("a.yaml", "a: é\nbb: x\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(5), LineCol { line: 1, column: 5 }); // the newline after é (2 bytes)
        assert_eq!(f.line_col(6), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_col(10), LineCol { line: 2, column: 5 });
        assert_eq!(f.line_col(999), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn offset_of_inverts_line_col() {
        let f = SourceFile::new("a.yaml", "a: é\r\nbb: x\r\n");
        for off in [0, 3, 7, 8, 11] {
            let lc = f.line_col(off);
            assert_eq!(f.offset_of(lc.line, lc.column), off, "offset {off}");
        }
        assert_eq!(f.offset_of(99, 1), f.text.len());
    }

    #[test]
    fn paths_are_shown_relative_to_the_repository_or_the_current_directory() {
        let ctx = PathContext {
            base: PathBuf::from("/repo/platform"),
            repo_root: PathBuf::from("/repo"),
            cwd: PathBuf::from("/repo"),
        };
        let spec = "services/a/service.yaml";
        assert_eq!(
            ctx.show(spec, Reader::Machine),
            "platform/services/a/service.yaml"
        );
        assert_eq!(
            ctx.show(spec, Reader::Human),
            "platform/services/a/service.yaml"
        );
        let inside = PathContext {
            cwd: PathBuf::from("/repo/platform/services/b"),
            ..ctx.clone()
        };
        assert_eq!(inside.show(spec, Reader::Human), "../a/service.yaml");
        assert_eq!(
            inside.show(spec, Reader::Machine),
            "platform/services/a/service.yaml"
        );
        let elsewhere = PathContext {
            cwd: PathBuf::from("/tmp"),
            ..ctx.clone()
        };
        assert_eq!(
            elsewhere.show(spec, Reader::Human),
            "/repo/platform/services/a/service.yaml"
        );
        // A file named on the command line, outside the repository.
        assert_eq!(
            ctx.show("/tmp/x/../job.yaml", Reader::Machine),
            "/tmp/job.yaml"
        );
        assert_eq!(
            ctx.show("/repo/k8s/job.yaml", Reader::Machine),
            "k8s/job.yaml"
        );
        let mut map = SourceMap::new();
        let id = map.add(SourceFile::new(spec, ""));
        assert_eq!(map.shown(id, Reader::Machine), spec, "no context: as keyed");
        map.set_context(ctx);
        assert_eq!(
            map.shown(id, Reader::Machine),
            "platform/services/a/service.yaml"
        );
    }

    #[test]
    fn bom_is_dropped() {
        let f = SourceFile::new("a.yaml", "\u{feff}a: 1\n");
        assert_eq!(&*f.text, "a: 1\n");
    }
}
