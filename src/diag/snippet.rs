//! The part of a source file a finding shows in `--format human`: a few lines around each
//! label, each long line cut to a short excerpt around what the label points at.
//!
//! A spec may be one line of a megabyte, or a hundred thousand findings long. Handing a
//! renderer the whole file per finding costs a scan of the file per finding (quadratic in
//! the file), shows a megabyte of source per finding, and breaks renderers that assume short
//! lines (miette formats columns with a width argument that panics past 65535). So the human
//! renderer never sees a file: it sees a [`Snippet`] per finding, built here in time
//! proportional to what it shows (the line index of [`SourceFile`] finds the lines), and
//! bounded in size:
//!
//! * a line at most [`MAX_LINE_CHARS`] columns wide is shown whole; a wider one is cut to
//!   [`EXCERPT_CHARS`] columns around the label's start, with `…` where text was left out;
//! * a label that covers more than [`MAX_SPAN_LINES`] lines is shown on its first ones;
//! * [`CONTEXT_LINES`] lines are shown before and after each label; labels whose lines (with
//!   their context) are at most [`MERGE_GAP`] lines apart share one block of lines, labels
//!   further apart get their own block ([`Region`]), so the lines between two distant labels
//!   are not shown.
//!
//! Offsets in the snippet differ from offsets in the file; [`Snippet::spans`] are the labels'
//! spans in the snippet, and each region says which line of the file its first line is, so
//! line numbers (and the column of a label's start) are those of the file.

use crate::source::SourceFile;

/// Lines shown before and after each label.
pub const CONTEXT_LINES: usize = 1;
/// A line at most this many terminal columns wide is shown whole.
pub const MAX_LINE_CHARS: usize = 160;
/// A wider line shows this many columns of itself (plus `…` where it was cut) ...
pub const EXCERPT_CHARS: usize = 120;
/// ... of which up to this many come before the label's start.
pub const LEAD_CHARS: usize = 40;
/// A label covering more lines is shown on its first this many.
pub const MAX_SPAN_LINES: usize = 8;
/// Labels whose shown lines are at most this many lines apart share one block of lines.
pub const MERGE_GAP: usize = 2;

/// Marks text left out of a line.
const CUT: &str = "…";

/// The lines of a file that a finding shows, cut to excerpts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The shown text: the regions one after another, each line ending in `\n` (except the
    /// file's last line when the file does not end in one).
    pub text: String,
    /// Blocks of consecutive lines of the file, in file order.
    pub regions: Vec<Region>,
    /// The labels' spans (byte ranges in [`Snippet::text`]), in the order they were given.
    pub spans: Vec<(usize, usize)>,
}

/// A block of consecutive lines of the file within a [`Snippet`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// Byte range of the block in [`Snippet::text`].
    pub start: usize,
    pub end: usize,
    /// 0-based line number in the file of the block's first and last lines.
    pub first_line: usize,
    pub last_line: usize,
    /// One entry per line of the block.
    lines: Vec<ShownLine>,
}

/// How one line of the file appears in the snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ShownLine {
    /// Where the line starts in the snippet.
    at: usize,
    /// Where the line starts in the file.
    file_start: usize,
    /// The part of the line shown (byte range in the file, without the line break).
    kept: (usize, usize),
    /// Length of the `…` before the kept part (0 when the line is shown from its start).
    prefix: usize,
    /// Length of the `…` after it.
    suffix: usize,
}

impl ShownLine {
    /// The snippet offset of a file offset on this line.
    fn map(&self, offset: usize) -> usize {
        let (start, end) = self.kept;
        if offset < start {
            self.at
        } else if offset <= end {
            self.at + self.prefix + (offset - start)
        } else {
            self.at + self.prefix + (end - start) + self.suffix
        }
    }
}

impl Region {
    /// The column (0-based, in bytes as miette counts them) in the file of a snippet offset
    /// inside this region.
    pub fn file_column(&self, offset: usize) -> usize {
        let i = self
            .lines
            .partition_point(|l| l.at <= offset)
            .saturating_sub(1);
        let Some(l) = self.lines.get(i) else { return 0 };
        let in_line = offset - l.at.min(offset);
        let kept = in_line.saturating_sub(l.prefix).min(l.kept.1 - l.kept.0);
        l.kept.0 - l.file_start + kept
    }
}

impl Snippet {
    /// The snippet of `file` for labels at the given byte ranges. `text` is what is shown: the
    /// file's text or a copy of the same length with secrets masked and control characters
    /// replaced (its line breaks at the same offsets).
    pub fn new(
        file: &SourceFile,
        text: &str,
        labels: &[(usize, usize)],
        primary: usize,
    ) -> Snippet {
        let len = text.len();
        let last = file.line_count().saturating_sub(1);
        // Each label clamped to the text and to its first MAX_SPAN_LINES lines.
        let labels: Vec<(usize, usize)> = labels
            .iter()
            .map(|&(s, e)| {
                let s = floor_boundary(text, s.min(len));
                let mut e = floor_boundary(text, e.clamp(s, len));
                let first = file.line_index(s);
                if e > s && file.line_index(e - 1) >= first + MAX_SPAN_LINES {
                    e = line_end(file, text, first + MAX_SPAN_LINES - 1);
                }
                (s, e)
            })
            .collect();
        // The lines each label needs, merged into blocks.
        let mut wanted: Vec<(usize, usize)> = labels
            .iter()
            .map(|&(s, e)| {
                let first = file.line_index(s);
                let end_line = if e > s { file.line_index(e - 1) } else { first };
                (
                    first.saturating_sub(CONTEXT_LINES),
                    (end_line + CONTEXT_LINES).min(last),
                )
            })
            .collect();
        wanted.sort_unstable();
        let mut blocks: Vec<(usize, usize)> = Vec::new();
        for (a, b) in wanted {
            match blocks.last_mut() {
                Some(cur) if a <= cur.1 + 1 + MERGE_GAP => cur.1 = cur.1.max(b),
                _ => blocks.push((a, b)),
            }
        }
        // Where each line is cut: around the start of the primary label on it, else of the
        // first label starting on it, else from its start.
        let anchor = |line: usize| -> Option<usize> {
            let on = |&(s, _): &(usize, usize)| file.line_index(s) == line;
            labels
                .get(primary)
                .filter(|l| on(l))
                .or_else(|| labels.iter().filter(|l| on(l)).min())
                .map(|&(s, _)| s)
        };
        let mut out = String::new();
        let mut regions = Vec::with_capacity(blocks.len());
        for (first, last_line) in blocks {
            let start = out.len();
            let mut lines = Vec::with_capacity(last_line - first + 1);
            for line in first..=last_line {
                let file_start = file.line_start(line).min(len);
                let end = line_end(file, text, line);
                let kept = cut(text, file_start, end, anchor(line));
                let prefix = if kept.0 > file_start { CUT.len() } else { 0 };
                let suffix = if kept.1 < end { CUT.len() } else { 0 };
                lines.push(ShownLine {
                    at: out.len(),
                    file_start,
                    kept,
                    prefix,
                    suffix,
                });
                if prefix > 0 {
                    out.push_str(CUT);
                }
                out.push_str(&text[kept.0..kept.1]);
                if suffix > 0 {
                    out.push_str(CUT);
                }
                if line < last {
                    out.push('\n');
                }
            }
            regions.push(Region {
                start,
                end: out.len(),
                first_line: first,
                last_line,
                lines,
            });
        }
        let spans = labels
            .iter()
            .map(|&(s, e)| {
                let Some(region) = regions
                    .iter()
                    .find(|r| (r.first_line..=r.last_line).contains(&file.line_index(s)))
                else {
                    return (0, 0);
                };
                let map = |offset: usize| {
                    let line = file.line_index(offset);
                    region
                        .lines
                        .get(line.saturating_sub(region.first_line))
                        .filter(|_| line >= region.first_line)
                        .map_or(region.end, |l| l.map(offset))
                };
                let start = map(s);
                // An end at the start of a line (a label that takes its line break) maps
                // to just after the break of the line before.
                let end = if e > s && file.line_start(file.line_index(e)) == e {
                    map(e - 1) + 1
                } else {
                    map(e)
                };
                (start, end.clamp(start, region.end))
            })
            .collect();
        Snippet {
            text: out,
            regions,
            spans,
        }
    }

    /// The region that holds a snippet offset.
    pub fn region(&self, offset: usize) -> Option<&Region> {
        self.regions
            .iter()
            .find(|r| r.start <= offset && offset <= r.end)
    }
}

/// The end of a line's text in the file (before its `\n`, and a `\r` before that).
fn line_end(file: &SourceFile, text: &str, line: usize) -> usize {
    let len = text.len();
    let start = file.line_start(line).min(len);
    if line + 1 >= file.line_count() {
        return len;
    }
    let mut end = file
        .line_start(line + 1)
        .saturating_sub(1)
        .clamp(start, len);
    if end > start && text.as_bytes()[end - 1] == b'\r' {
        end -= 1;
    }
    end
}

/// How many terminal columns a character takes, as miette draws it: a tab up to 4, a wide
/// character 2.
fn width(c: char) -> usize {
    if c == '\t' {
        4
    } else {
        unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
    }
}

/// The part of the line `start..end` to show: all of it when it is at most
/// [`MAX_LINE_CHARS`] columns wide, else [`EXCERPT_CHARS`] columns from [`LEAD_CHARS`] before
/// `anchor`. Looks at no more of the line than it keeps (a line may be a megabyte).
fn cut(text: &str, start: usize, end: usize, anchor: Option<usize>) -> (usize, usize) {
    let line = &text[start..end];
    // A character is at most 4 bytes, so a longer line is wider than the limit unless it is
    // made of zero-width characters (cutting those costs nothing).
    if line.len() <= MAX_LINE_CHARS * 4 && line.chars().map(width).sum::<usize>() <= MAX_LINE_CHARS
    {
        return (start, end);
    }
    let anchor = anchor.unwrap_or(start).clamp(start, end);
    let mut from = anchor;
    let mut lead = 0;
    for (i, c) in text[start..anchor].char_indices().rev() {
        lead += width(c);
        if lead > LEAD_CHARS {
            break;
        }
        from = start + i;
    }
    let mut to = from;
    let mut shown = 0;
    for (i, c) in text[from..end].char_indices() {
        shown += width(c);
        if shown > EXCERPT_CHARS {
            break;
        }
        to = from + i + c.len_utf8();
    }
    (from, to)
}

/// The nearest character boundary at or before `i`.
fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snippet(text: &str, labels: &[(usize, usize)]) -> (SourceFile, Snippet) {
        let file = SourceFile::new("t.yaml", text);
        let s = Snippet::new(&file, text, labels, 0);
        (file, s)
    }

    #[test]
    fn short_files_are_shown_as_they_are() {
        let text = "a: 1\nb: 2\nc: 3\nd: 4\n";
        let (_, s) = snippet(text, &[(8, 9)]);
        assert_eq!(s.text, "a: 1\nb: 2\nc: 3\n");
        assert_eq!(&s.text[s.spans[0].0..s.spans[0].1], "2");
        assert_eq!((s.regions[0].first_line, s.regions[0].last_line), (0, 2));
    }

    #[test]
    fn a_long_line_is_cut_around_the_label_and_columns_stay_the_files() {
        let text = format!("a: 1\nb: {{x: 1,{}bogus: 1}}\nc: 3\n", " ".repeat(70_000));
        let at = text.find("bogus").expect("bogus");
        let (_, s) = snippet(&text, &[(at, at + 5)]);
        let (start, end) = s.spans[0];
        assert_eq!(&s.text[start..end], "bogus");
        assert!(s.text.len() < 400, "{}", s.text.len());
        assert!(s.text.contains('…'));
        let line_start = text.find("b:").expect("b");
        assert_eq!(s.regions[0].file_column(start), at - line_start);
        // Every line of the snippet is short.
        assert!(
            s.text
                .lines()
                .all(|l| l.chars().count() <= EXCERPT_CHARS + 2)
        );
    }

    #[test]
    fn a_label_over_a_long_line_is_cut_with_it() {
        let text = format!("k: {}\n", "x".repeat(100_000));
        let (_, s) = snippet(&text, &[(3, 100_003)]);
        let (start, end) = s.spans[0];
        assert!(end - start <= EXCERPT_CHARS + CUT.len(), "{}", end - start);
        assert!(s.text.len() < 300);
    }

    #[test]
    fn a_label_over_many_lines_shows_its_first_ones() {
        let text: String = (0..1000).map(|i| format!("l{i}\n")).collect();
        let (_, s) = snippet(&text, &[(0, text.len())]);
        assert_eq!(s.regions.len(), 1);
        assert_eq!(s.regions[0].last_line, MAX_SPAN_LINES - 1 + CONTEXT_LINES);
        assert!(s.text.starts_with("l0\nl1\n"));
    }

    #[test]
    fn distant_labels_get_their_own_blocks_and_near_ones_share_one() {
        let text: String = (0..100_000).map(|i| format!("k{i}: {i}\n")).collect();
        let at = |i: usize| text.find(&format!("k{i}:")).expect("line");
        let (_, s) = snippet(
            &text,
            &[
                (at(50_000), at(50_000) + 2),
                (at(10), at(10) + 2),
                (at(12), at(12) + 2),
            ],
        );
        assert_eq!(s.regions.len(), 2);
        assert_eq!((s.regions[0].first_line, s.regions[0].last_line), (9, 13));
        assert_eq!(
            (s.regions[1].first_line, s.regions[1].last_line),
            (49_999, 50_001)
        );
        for (i, (start, end)) in s.spans.iter().enumerate() {
            let want = ["k5", "k1", "k1"][i];
            assert_eq!(&s.text[*start..*end], want);
        }
        assert!(s.text.len() < 200, "{}", s.text.len());
    }

    #[test]
    fn labels_at_the_end_cr_lf_and_wide_characters() {
        let text = "a: 1\r\nb: é\r\n";
        let (_, s) = snippet(text, &[(text.len(), text.len())]);
        assert_eq!(s.spans[0].0, s.spans[0].1);
        assert!(s.spans[0].0 <= s.text.len());
        let wide = format!("k: {}\n", "é".repeat(50_000));
        let (_, s) = snippet(&wide, &[(5, 7)]);
        assert!(s.text.is_char_boundary(s.spans[0].0) && s.text.is_char_boundary(s.spans[0].1));
        assert!(s.text.len() < 500);
    }
}
