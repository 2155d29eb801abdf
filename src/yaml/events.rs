//! Loading a one-document file straight from the parser's events, for the documents specs are
//! made of.
//!
//! serde-saphyr's deserializer, with the spans each value keeps, cost about 600 instructions
//! per byte of YAML: a quarter of a whole `check`. Half of that is its event bookkeeping
//! (anchors, budgets, comments, serde's visitors) around the parser. This loader reads the
//! same parser (serde-saphyr's own granit-parser, with the options serde-saphyr gives it) and
//! builds the [`Node`] tree directly, for the documents that use none of what that bookkeeping
//! is for.
//!
//! It takes only what it reads exactly as serde-saphyr does and **declines** everything else
//! (returns `None`), which then goes through serde-saphyr, the definition and the author of
//! every error message:
//! * any parse error, a second document, a `%YAML` directive, a document with no node;
//! * tags, anchors and aliases (and so merge keys' aliases);
//! * a key that is not quoted or a plain word (a letter, a non-ASCII character, `/` or `$`
//!   first), which covers merge keys (`<<`), null, boolean and number keys, and complex keys;
//! * a key repeated in its mapping (serde-saphyr reports it, or decides it is not a repeat);
//! * a plain value that starts like a number and holds only what numbers hold (`1.5`, `+1`,
//!   `0x1f`, `1_000`, `.inf`) is resolved by serde-saphyr reading that value alone
//!   ([`super::raw::resolve_alone`]), and declined if it would not read back as the same one
//!   scalar alone (plain decimal integers, and quantities and durations such as `16Gi` or
//!   `2m`, which no number grammar reads, are resolved here);
//! * nesting or node counts (keys included) near serde-saphyr's budgets (depth 64, 250,000
//!   nodes), and more than [`MAX_ALONE`] values to resolve alone.
//!
//! A test compares the two loaders on every YAML file of the repository and of the public
//! manifests, and on thousands of mutations of them: whenever this one loads a document,
//! serde-saphyr loads the same tree with the same spans; whenever serde-saphyr refuses one,
//! this one declines it.

use super::raw::{origin_at, resolve_alone};
use crate::source::{FileId, SourceFile};
use crate::tree::{Entry, Map, Node, Origin, Value};
use serde_saphyr::granit_parser::{self, Event, Parser, ScalarStyle, Span};
use std::borrow::Cow;

/// Nesting deeper than this is left to serde-saphyr, whose budget stops at
/// [`super::MAX_DEPTH`] (counted its own way: a margin keeps the two from meeting).
const MAX_DEPTH: usize = super::MAX_DEPTH - 4;

/// More nodes (keys, values and collections) than this are left to serde-saphyr, whose
/// budgets stop at 250,000 nodes and 1,000,000 events.
const MAX_NODES: usize = 200_000;

/// More plain values resolved alone than this, and the whole document is left to
/// serde-saphyr: each costs a parser of its own, and a hostile file of 100,000 `1.5`s should
/// cost one read, not 100,000.
const MAX_ALONE: usize = 1_000;

/// The document of `file` as serde-saphyr with [`super::options`] would load it, or `None`
/// when this loader declines it (see the module documentation).
pub(super) fn load(id: FileId, file: &SourceFile) -> Option<Node> {
    let mut loader = Loader {
        parser: Parser::new_from_str_with_options(&file.text, parser_options()),
        id,
        file,
        nodes: 0,
        alone: 0,
    };
    let (Event::StreamStart, _) = loader.next()? else {
        return None;
    };
    let (Event::DocumentStart(_, None), _) = loader.next()? else {
        return None;
    };
    let (event, span) = loader.next()?;
    let root = loader.node(event, &span, 0)?;
    let (Event::DocumentEnd, _) = loader.next()? else {
        return None;
    };
    let (Event::StreamEnd, _) = loader.next()? else {
        return None;
    };
    Some(root)
}

/// The parser's options as serde-saphyr sets them for our [`super::options`]: the parser's
/// defaults (which are serde-saphyr's default budget's), without comments.
fn parser_options() -> granit_parser::Options {
    granit_parser::options! { emit_comments: false }
}

struct Loader<'a> {
    parser: Parser<'a, granit_parser::StrInput<'a>>,
    id: FileId,
    file: &'a SourceFile,
    nodes: usize,
    /// Plain values resolved by serde-saphyr alone so far.
    alone: usize,
}

impl<'a> Loader<'a> {
    /// The next event; `None` at a parse error or the end of the stream.
    fn next(&mut self) -> Option<(Event<'a>, Span)> {
        self.parser.next()?.ok()
    }

    /// The origin of a span, as serde-saphyr locates it.
    fn origin(&self, span: &Span) -> Option<Origin> {
        let start = span.start.byte_offset()?;
        let end = span.end.byte_offset()?;
        Some(origin_at(
            start,
            end.saturating_sub(start),
            self.id,
            self.file,
        ))
    }

    /// The node that `event` starts, read to its end.
    fn node(&mut self, event: Event<'a>, span: &Span, depth: usize) -> Option<Node> {
        self.nodes += 1;
        if self.nodes > MAX_NODES || depth > MAX_DEPTH {
            return None;
        }
        let origin = self.origin(span)?;
        let value = match event {
            Event::Scalar(text, style, 0, None) => self.scalar(text, style)?,
            Event::SequenceStart(_, 0, None) => {
                let mut items = Vec::new();
                loop {
                    match self.next()? {
                        (Event::SequenceEnd, _) => break,
                        (event, span) => items.push(self.node(event, &span, depth + 1)?),
                    }
                }
                Value::Seq(items)
            }
            Event::MappingStart(_, 0, None) => {
                let mut map = Map::new();
                loop {
                    let (key, key_span) = match self.next()? {
                        (Event::MappingEnd, _) => break,
                        (Event::Scalar(key, style, 0, None), span)
                            if is_string_key(&key, style) =>
                        {
                            (key, span)
                        }
                        _ => return None,
                    };
                    // A key is a node too, as serde-saphyr's budget counts them.
                    self.nodes += 1;
                    if self.nodes > MAX_NODES || map.get(&key).is_some() {
                        return None;
                    }
                    let key_origin = self.origin(&key_span)?;
                    let (event, span) = self.next()?;
                    let value = self.node(event, &span, depth + 1)?;
                    map.push(Entry {
                        key: key.into_owned(),
                        key_origin,
                        value,
                    });
                }
                Value::Map(map)
            }
            _ => return None,
        };
        Some(Node::new(value, origin))
    }

    /// A scalar value as serde-saphyr resolves it with strict booleans: a quoted or block
    /// scalar is a string; a plain one is null, a boolean, a number or a string.
    fn scalar(&mut self, text: Cow<'a, str>, style: ScalarStyle) -> Option<Value> {
        if style != ScalarStyle::Plain {
            return Some(Value::Str(text.into_owned()));
        }
        if let Some(value) = plain(&text) {
            return Some(value);
        }
        // Alone, `--- 1` and `... 1` would start or end a document, and a value of several
        // lines would fold otherwise.
        if text.starts_with("---") || text.starts_with("...") || text.contains('\n') {
            return None;
        }
        self.alone += 1;
        if self.alone > MAX_ALONE {
            return None;
        }
        resolve_alone(&text, super::options())
    }
}

/// A plain scalar that resolves without YAML's number grammar: null (`~`, `null` in any case,
/// nothing), a boolean (`true`/`false` in any case), a word (which no number starts like) or a
/// plain decimal integer. `None` for anything else.
fn plain(text: &str) -> Option<Value> {
    if text.is_empty() || text == "~" || text.eq_ignore_ascii_case("null") {
        return Some(Value::Null);
    }
    if text.eq_ignore_ascii_case("true") {
        return Some(Value::Bool(true));
    }
    if text.eq_ignore_ascii_case("false") {
        return Some(Value::Bool(false));
    }
    if starts_as_word(text) || numeral_with_unit(text) {
        return Some(Value::Str(text.to_owned()));
    }
    decimal(text).map(Value::Int)
}

/// Whether a plain scalar starts like a number (a digit, or a sign and a digit) but holds a
/// character that no YAML integer or float holds, as quantities and durations do (`16Gi`,
/// `2m`, `1.19-SNAPSHOT`). A number holds only digits, `.`, `_`, signs, an exponent's `e`,
/// a radix prefix's `x`, `o` or `b`, and hex digits; `:` is kept out too, for YAML 1.1's
/// base 60.
fn numeral_with_unit(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    unsigned.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && text.bytes().any(|b| {
            !(b.is_ascii_hexdigit()
                || matches!(
                    b,
                    b'.' | b'_' | b'+' | b'-' | b':' | b'x' | b'X' | b'o' | b'O'
                ))
        })
}

/// Whether a plain scalar starts with what no null, boolean or number starts with, once those
/// words are ruled out: a letter, a non-ASCII character, `/` or `$`. (YAML's numbers start
/// with a digit, a sign, `.` or `_`; `inf` and `nan` without a `.` are strings.)
fn starts_as_word(text: &str) -> bool {
    text.as_bytes()
        .first()
        .is_some_and(|&b| b.is_ascii_alphabetic() || b >= 0x80 || b == b'/' || b == b'$')
}

/// A key serde-saphyr reads as the string it shows: quoted, or a plain word that is not null
/// or a boolean.
fn is_string_key(key: &str, style: ScalarStyle) -> bool {
    match style {
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => true,
        ScalarStyle::Plain => {
            starts_as_word(key)
                && !key.eq_ignore_ascii_case("null")
                && !key.eq_ignore_ascii_case("true")
                && !key.eq_ignore_ascii_case("false")
        }
        _ => false,
    }
}

/// A decimal integer without sign or leading zero that fits `i64`, or a negative one with a
/// leading digit other than zero: the integers serde-saphyr reads the same way whatever its
/// options. Anything else (`+1`, `0x1f`, `-0`, `007`, `1_000`, overflow) is left to it.
fn decimal(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let leading_zero = (digits.len() > 1 && digits.starts_with('0')) || text == "-0";
    if digits.is_empty() || leading_zero || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether this loader took `text`; when it did, serde-saphyr loads the same tree with the
    /// same spans, and when serde-saphyr refuses `text`, this loader must have declined it.
    fn agrees(text: &str) -> bool {
        let file = SourceFile::new("t.yaml", text);
        let fast = load(FileId(0), &file);
        let serde = super::super::load_with_serde(FileId(0), &file);
        match (fast, serde) {
            (None, _) => false,
            // Compared as debug text, origins included: `NaN` is not equal to itself.
            (Some(fast), Ok(serde)) => {
                assert_eq!(format!("{fast:?}"), format!("{serde:?}"), "on:\n{text}");
                true
            }
            (Some(fast), Err(e)) => {
                panic!(
                    "loaded {fast:?} where serde-saphyr says {}:\n{text}",
                    e.message
                )
            }
        }
    }

    /// Every YAML file under `rel` (repository-relative), and each document of those that
    /// hold several, as separate texts.
    fn corpus(rel: &str) -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
        let mut texts = Vec::new();
        for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
            let entry = entry.expect("walk the corpus");
            let path = entry.path();
            if !path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                continue;
            }
            // Fixtures that are not UTF-8 on purpose never reach a loader as text.
            let Ok(text) = String::from_utf8(std::fs::read(path).expect("read the corpus")) else {
                continue;
            };
            let docs: Vec<&str> = text.split("\n---\n").collect();
            if docs.len() > 1 {
                texts.extend(docs.iter().map(|d| d.to_string()));
            }
            texts.push(text);
        }
        texts
    }

    /// Values that each take another branch of YAML's scalar resolution or of this loader's
    /// declining.
    const VALUES: [&str; 62] = [
        "~",
        "",
        "null",
        "NuLL",
        "TRUE",
        "false",
        "yes",
        "on",
        "0",
        "-0",
        "007",
        "-007",
        "+1",
        "1.5",
        "-1.5",
        ".5",
        "1.",
        "1e3",
        "1E-3",
        ".inf",
        "-.Inf",
        "+.INF",
        ".NaN",
        "inf",
        "nan",
        "0x1F",
        "0o17",
        "0b101",
        "1_000",
        "_1",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "--- 1",
        "... 1",
        "12:30",
        "1:2",
        "'quoted'",
        "\"a\\tb\"",
        "|\n  x\n",
        ">-\n  a\n  b\n",
        "[1, 2]",
        "{a: 1}",
        "*a",
        "&a 1",
        "!!int 1",
        "!!str 1",
        "- x",
        "$x",
        "/p",
        "é",
        "16Gi",
        "2m",
        "-3s",
        "1d",
        "0x1G",
        "1e5x",
        "1.19-SNAPSHOT",
        "-Dx=1",
        "-inf",
        "+nan",
    ];

    /// Keys of every kind the loader tells apart.
    const KEYS: [&str; 16] = [
        "1", "null", "true", "~", "<<", "'k'", "\"k\"", "? k", "k k", "-k", ".k", "$k", "/k", "é",
        "&a k", "!!str k",
    ];

    /// Edits at the start of a line.
    const PREFIXES: [&str; 12] = [
        "&a ", "*a ", "!!str ", "? ", "<<: ", "- ", "\t", "'", "\"", "{", "[", "#",
    ];

    /// `text` changed line by line: each line removed, repeated, prefixed with one of
    /// [`PREFIXES`], and its value and key replaced by one of [`VALUES`] and [`KEYS`]: every
    /// one of them on the lines in `every`, a different one on each other line (so that each
    /// edit meets lines of several shapes and depths).
    fn mutants(text: &str, every: &[usize]) -> Vec<String> {
        let lines: Vec<&str> = text.lines().collect();
        let with_line = |i: usize, new: &[String]| {
            let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
            l.splice(i..=i, new.iter().cloned());
            l.join("\n") + "\n"
        };
        let pick = |i: usize, all: &'static [&'static str]| -> Vec<&'static str> {
            if every.contains(&i) {
                all.to_vec()
            } else {
                vec![all[i % all.len()]]
            }
        };
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            out.push(with_line(i, &[]));
            out.push(with_line(i, &[line.to_string(), line.to_string()]));
            let indent = line.len() - line.trim_start().len();
            let (lead, rest) = line.split_at(indent);
            for p in pick(i, &PREFIXES) {
                out.push(with_line(i, &[format!("{lead}{p}{rest}")]));
            }
            if let Some((key, _)) = rest.split_once(": ").or_else(|| rest.split_once(':')) {
                for v in pick(i, &VALUES) {
                    // A block scalar's lines are indented under the key.
                    let v = v.replace('\n', &format!("\n{lead}  "));
                    out.push(with_line(i, &[format!("{lead}{key}: {v}")]));
                }
                let value = &rest[key.len()..];
                for k in pick(i, &KEYS) {
                    out.push(with_line(i, &[format!("{lead}{k}{value}")]));
                }
            }
        }
        out
    }

    /// The example's own files: its platform config and specs (not what it renders).
    fn example_sources() -> Vec<String> {
        corpus("fixtures/example-platform")
            .into_iter()
            .filter(|t| !t.starts_with("# Code generated by flinkform"))
            .collect()
    }

    /// The loader takes the documents specs are made of: every spec and platform file of the
    /// example, and the documents of the repository's fixtures and tests, as serde-saphyr does.
    #[test]
    fn loads_the_repositorys_documents_as_serde_saphyr_does() {
        let example = example_sources();
        assert!(example.len() > 5, "{}", example.len());
        for text in &example {
            assert!(agrees(text), "declined:\n{text}");
        }
        let (mut taken, mut all) = (0, 0);
        for text in corpus("fixtures").iter().chain(&corpus("tests")) {
            taken += usize::from(agrees(text));
            all += 1;
        }
        assert!(all > 150 && taken > all / 2, "{taken} of {all}");
    }

    /// On the public manifests, and on every mutation of the example's specs and platform
    /// config and of a few public manifests: whatever this loader takes, serde-saphyr loads
    /// alike, and it takes nothing serde-saphyr refuses.
    #[test]
    #[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
    fn agrees_with_serde_saphyr_on_public_manifests_and_mutations() {
        let public = corpus("../shared/reference/real-world");
        assert!(public.len() > 100, "{}", public.len());
        let (mut taken, mut declined) = (0, 0);
        for text in &public {
            if agrees(text) {
                taken += 1;
            }
        }
        assert!(taken > public.len() / 2, "{taken} of {}", public.len());
        // Every edit on the first lines of the platform config and of a spec (top-level keys,
        // nested ones, list items); one edit per line elsewhere.
        let mut seeds: Vec<(String, &[usize])> = example_sources()
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    t,
                    if i < 2 {
                        &[1, 4, 5, 9, 14][..]
                    } else {
                        &[][..]
                    },
                )
            })
            .collect();
        seeds.extend(
            public
                .iter()
                .filter(|t| t.len() < 1500)
                .step_by(25)
                .take(3)
                .map(|t| (t.clone(), &[][..])),
        );
        let mut mutated = 0;
        for (seed, every) in &seeds {
            for m in mutants(seed, every) {
                mutated += 1;
                if agrees(&m) {
                    taken += 1;
                } else {
                    declined += 1;
                }
            }
        }
        // The comparison has teeth: many mutants of each outcome.
        assert!(mutated > 20_000, "{mutated}");
        assert!(
            taken > mutated / 4 && declined > mutated / 10,
            "{taken}, {declined}"
        );
    }

    /// Near serde-saphyr's budgets the loader steps aside, so that serde-saphyr's own limits
    /// and messages apply, and a hostile document costs at most one partial read more.
    #[test]
    fn declines_deep_and_huge_documents() {
        // serde-saphyr's recursion, unoptimised, needs more than a test thread's 2 MiB at
        // this depth (an optimised build, as `check` runs, does not).
        std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(deep_and_huge)
            .expect("thread")
            .join()
            .expect("no failure");
    }

    fn deep_and_huge() {
        let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(agrees(&nested(MAX_DEPTH)));
        assert!(!agrees(&nested(MAX_DEPTH + 2)));
        let file = SourceFile::new("t.yaml", &nested(100));
        let d = super::super::load(FileId(0), &file).expect_err("past the depth budget");
        assert!(d.message.contains("limits"), "{}", d.message);
        let items = |item: &str, n: usize| format!("[{}]", vec![item; n].join(","));
        assert!(agrees(&items("a", MAX_NODES - 1)));
        assert!(!agrees(&items("a", MAX_NODES)));
        // Keys count as nodes, as they do for serde-saphyr: 125,500 keys with empty values
        // (under 1 MiB) are over its budget of 250,000 nodes.
        let keys = |n: usize| (0..n).map(|i| format!("k{i}:\n")).collect::<String>();
        assert!(agrees(&keys(MAX_NODES / 2 - 1)));
        assert!(!agrees(&keys(125_500)));
        let file = SourceFile::new("t.yaml", &keys(125_500));
        let d = super::super::load(FileId(0), &file).expect_err("past the node budget");
        assert!(d.message.contains("limits"), "{}", d.message);
        // Values serde-saphyr resolves alone: a bounded number of them per document.
        assert!(agrees(&items("1.5", MAX_ALONE)));
        assert!(!agrees(&items("1.5", MAX_ALONE + 1)));
    }

    /// Documents at the edges of the stream grammar: whether the loader takes each (and when
    /// it does, serde-saphyr reads it alike). No node at all, a second document, a tag or a
    /// directive go to serde-saphyr.
    #[test]
    fn agrees_on_the_edges_of_a_stream() {
        for (text, taken) in [
            ("", false),
            ("\n", false),
            ("# only a comment\n", false),
            ("...\n", false),
            ("a: 1\n---\n", false),
            ("a: !!null\n", false),
            ("%YAML 1.2\n---\na: 1\n", false),
            ("---\n", true),
            ("--- # c\n", true),
            ("---\n...\n", true),
            ("~\n", true),
            ("--- a\n", true),
            ("a: 1\n...\n", true),
            ("\u{feff}a: 1\n", true),
            ("a: 1\r\nb: 2\r\n", true),
            ("? a\n: 1\n", true),
            ("a:\n", true),
            ("- \n-\n", true),
            ("{}", true),
            ("[]", true),
            ("'a': \"b\"", true),
            ("a: 1 # c\nb: |\n  x\n\n", true),
            ("a: >-\n  x\n  y\n", true),
        ] {
            assert_eq!(agrees(text), taken, "{text:?}");
        }
    }

    #[test]
    fn plain_scalars_resolve_like_yaml_1_2_with_strict_booleans() {
        assert_eq!(plain(""), Some(Value::Null));
        assert_eq!(plain("~"), Some(Value::Null));
        assert_eq!(plain("NULL"), Some(Value::Null));
        assert_eq!(plain("True"), Some(Value::Bool(true)));
        assert_eq!(plain("yes"), Some(Value::Str("yes".into())));
        assert_eq!(plain("nan"), Some(Value::Str("nan".into())));
        assert_eq!(plain("42"), Some(Value::Int(42)));
        assert_eq!(plain("-42"), Some(Value::Int(-42)));
        assert_eq!(plain("0"), Some(Value::Int(0)));
        assert_eq!(plain("16Gi"), Some(Value::Str("16Gi".into())));
        assert_eq!(plain("-2m"), Some(Value::Str("-2m".into())));
        for other in [
            "-0",
            "007",
            "+1",
            "1.5",
            ".inf",
            "0x1f",
            "1_000",
            "1e3",
            "12:30",
            "1d",
            "9223372036854775808",
        ] {
            assert_eq!(plain(other), None, "{other}");
        }
    }
}
