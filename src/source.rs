//! Source files and byte spans.
//!
//! Every diagnostic and every value that flows through the pipeline points back into a
//! [`SourceFile`] through a [`Span`]: a file id plus a byte range. Line and column numbers are
//! computed only when a diagnostic is rendered, from a per-file line index.

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

/// One loaded file: its repository-relative path (always `/`-separated) and its text.
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

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

/// All files of one run. Files are only ever appended, so a [`FileId`] stays valid.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
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
    fn bom_is_dropped() {
        let f = SourceFile::new("a.yaml", "\u{feff}a: 1\n");
        assert_eq!(&*f.text, "a: 1\n");
    }
}
