//! The emitter's fast path: writes a tree as block YAML directly, byte for byte what
//! serde-saphyr writes with [`super::emit::options`], without going through serde.
//!
//! Why: serde-saphyr decides the style of every scalar through general code (each key formatted
//! into a fresh string, every value tested against every YAML 1.1 resolution, byte by byte), and
//! that was about 40% of an up-to-date `render` of 10,000 services. Nearly every scalar
//! flinkform renders is an identifier, a path, a label, a quantity or a sentence, whose style a
//! few byte tests settle. So this writer handles the layout itself (it is fixed: two-space
//! indentation, list items at their parent's indentation, `{}`/`[]` for empty collections) and
//! the scalars it can prove plain; any other scalar is written by serde-saphyr alone and spliced
//! in ([`delegated_value`]), and a shape this writer does not lay out (a list directly in a
//! list, a literal block in a list item, a key serde-saphyr would not write on one line) makes
//! it give up, and the whole document goes to serde-saphyr.
//!
//! serde-saphyr stays the definition of the output: the property test below compares the two
//! byte for byte on generated trees of hostile strings, and the integration tests compare every
//! fixture's rendered output with its committed bytes.

use super::emit::options;
use crate::tree::{Map, Node, Value};

/// The document, or `None` when a shape needs serde-saphyr's full emitter.
pub(super) fn write(node: &Node, sorted: bool) -> Option<String> {
    let mut w = Writer {
        out: String::with_capacity(1024),
        sorted,
    };
    match &node.value {
        Value::Map(m) if !m.is_empty() => w.map_entries(m, 0, false)?,
        // Any other document (a list, a scalar, an empty map) is never a rendered object or a
        // spec: serde-saphyr writes it.
        _ => return None,
    }
    Some(w.out)
}

struct Writer {
    out: String,
    sorted: bool,
}

impl Writer {
    fn indent(&mut self, n: usize) {
        for _ in 0..n {
            self.out.push(' ');
        }
    }

    /// The entries of `m`, each key at `indent` spaces; with `inline_first` the first entry
    /// continues the current line (after a list item's `- `).
    fn map_entries(&mut self, m: &Map, indent: usize, inline_first: bool) -> Option<()> {
        let mut entries: Vec<_> = m.iter().collect();
        if self.sorted {
            entries.sort_by(|a, b| a.key.cmp(&b.key));
        }
        for (i, e) in entries.into_iter().enumerate() {
            if !(inline_first && i == 0) {
                self.indent(indent);
            }
            self.key(&e.key)?;
            self.out.push(':');
            match &e.value.value {
                Value::Map(inner) if !inner.is_empty() => {
                    self.out.push('\n');
                    self.map_entries(inner, indent + 2, false)?;
                }
                // Compact lists: the items of a key's list sit at the key's indentation.
                Value::Seq(items) if !items.is_empty() => {
                    self.out.push('\n');
                    self.seq_items(items, indent)?;
                }
                Value::Str(s) if !is_plain_value(s) => {
                    self.out.push(' ');
                    if is_plainly_ambiguous(s) {
                        self.quoted(s);
                        continue;
                    }
                    let text = delegated_value(s)?;
                    if let Some((header, body)) = text.split_once('\n') {
                        // A literal block: its lines are indented for a top-level key; move
                        // them under this one.
                        self.out.push_str(header);
                        self.out.push('\n');
                        for line in body.split_inclusive('\n') {
                            if line != "\n" {
                                self.indent(indent);
                            }
                            self.out.push_str(line);
                        }
                        if !body.ends_with('\n') {
                            return None;
                        }
                        continue;
                    }
                    self.out.push_str(&text);
                    self.out.push('\n');
                }
                other => {
                    self.out.push(' ');
                    self.scalar(other)?;
                    self.out.push('\n');
                }
            }
        }
        Some(())
    }

    /// The items of a list, each `- ` at `indent` spaces.
    fn seq_items(&mut self, items: &[Node], indent: usize) -> Option<()> {
        for item in items {
            self.indent(indent);
            self.out.push_str("- ");
            match &item.value {
                Value::Map(m) if !m.is_empty() => self.map_entries(m, indent + 2, true)?,
                Value::Seq(inner) if !inner.is_empty() => return None,
                Value::Str(s) if !is_plain_value(s) => {
                    if is_plainly_ambiguous(s) {
                        self.quoted(s);
                        continue;
                    }
                    let text = delegated_value(s)?;
                    if text.contains('\n') {
                        return None;
                    }
                    self.out.push_str(&text);
                    self.out.push('\n');
                }
                other => {
                    self.scalar(other)?;
                    self.out.push('\n');
                }
            }
        }
        Some(())
    }

    /// A scalar on the current line: a plain string, a number, a boolean, null or an empty
    /// collection.
    fn scalar(&mut self, value: &Value) -> Option<()> {
        match value {
            Value::Null => self.out.push_str("null"),
            Value::Bool(true) => self.out.push_str("true"),
            Value::Bool(false) => self.out.push_str("false"),
            Value::Int(i) => {
                use std::fmt::Write;
                write!(self.out, "{i}").ok()?;
            }
            // Float formatting (shortest round trip, `.0`, special values) is serde-saphyr's.
            Value::Float(f) => {
                let text = serde_saphyr::to_string_with_options(f, options()).ok()?;
                let line = text.strip_suffix('\n')?;
                if line.contains('\n') {
                    return None;
                }
                self.out.push_str(line);
            }
            Value::Str(s) => {
                if !is_plain_value(s) {
                    return None;
                }
                self.out.push_str(s)
            }
            Value::Map(_) => self.out.push_str("{}"),
            Value::Seq(_) => self.out.push_str("[]"),
        }
        Some(())
    }

    /// A string serde-saphyr double-quotes that needs no escape ([`is_plainly_ambiguous`]),
    /// and the line's end.
    fn quoted(&mut self, s: &str) {
        self.out.push('"');
        self.out.push_str(s);
        self.out.push_str("\"\n");
    }

    fn key(&mut self, key: &str) -> Option<()> {
        if is_plain_key(key) {
            self.out.push_str(key);
            return Some(());
        }
        let text = serde_saphyr::to_string_with_options(
            &std::collections::BTreeMap::from([(key, ())]),
            options(),
        )
        .ok()?;
        let written = text.strip_suffix(": null\n")?;
        if written.contains('\n') {
            return None;
        }
        self.out.push_str(written);
        Some(())
    }
}

/// How serde-saphyr writes the string `s` as a map value: one line without its line break
/// (quoted or plain), or a literal block (its header line, then its lines as they are indented
/// under a top-level key, each ending in a line break).
fn delegated_value(s: &str) -> Option<String> {
    let text = serde_saphyr::to_string_with_options(
        &std::collections::BTreeMap::from([("k", s)]),
        options(),
    )
    .ok()?;
    let value = text.strip_prefix("k: ")?;
    match value.strip_suffix('\n') {
        Some(line) if !line.contains('\n') => Some(line.to_string()),
        _ => Some(value.to_string()),
    }
}

/// The words YAML 1.1 or 1.2 reads as something other than a string (booleans, null, the
/// undotted float names), compared ignoring case; all are at most five letters.
const WORDS: [&str; 12] = [
    "null", "true", "false", "yes", "no", "y", "n", "on", "off", "nan", "inf", "~",
];

/// Starts with a letter (so it is not a number, a date, an indicator or a document marker) and
/// is not one of [`WORDS`].
fn is_unambiguous_word_start(s: &str) -> bool {
    let Some(first) = s.as_bytes().first() else {
        return false;
    };
    first.is_ascii_alphabetic() && (s.len() > 5 || !WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)))
}

/// A key serde-saphyr writes plain: a letter, then letters, digits and `. _ / -`.
fn is_plain_key(s: &str) -> bool {
    is_unambiguous_word_start(s)
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-'))
}

/// A value serde-saphyr writes plain. Three shapes, each printable ASCII without what could
/// end or comment a plain scalar (`: `, ` #`, a trailing space or `:`):
/// * a letter first (so not a number, a date, an indicator or a document marker), and not one
///   of [`WORDS`]: names, paths, labels, sentences;
/// * digits then letters only (`10m`, `4096m`, `2Gi`): not a number (an exponent needs digits
///   after its `e`), a date or a base-60 number;
/// * `-` or `--` then a letter, longer than [`WORDS`] (`-Dkey=value`, `--topic`): after the
///   sign, a letter cannot start a number, and `-inf` is too short.
fn is_plain_value(s: &str) -> bool {
    let bytes = s.as_bytes();
    let shape = match bytes.first() {
        Some(b) if b.is_ascii_alphabetic() => is_unambiguous_word_start(s),
        Some(b) if b.is_ascii_digit() => {
            let letters = bytes.iter().position(|b| !b.is_ascii_digit());
            letters.is_some_and(|i| bytes[i..].iter().all(u8::is_ascii_alphabetic))
        }
        Some(b'-') => {
            let after = s.strip_prefix("--").unwrap_or(&s[1..]);
            s.len() > 5
                && after
                    .as_bytes()
                    .first()
                    .is_some_and(u8::is_ascii_alphabetic)
        }
        _ => false,
    };
    if !shape {
        return false;
    }
    // One pass over the bytes (this runs for every rendered value): printable ASCII, and no
    // `: ` or ` #`.
    let mut previous = 0u8;
    for &b in bytes {
        if !(0x20..0x7f).contains(&b)
            || (previous == b':' && b == b' ')
            || (previous == b' ' && b == b'#')
        {
            return false;
        }
        previous = b;
    }
    !matches!(previous, b' ' | b':')
}

/// A value serde-saphyr double-quotes, with nothing inside to escape: empty, one of [`WORDS`],
/// or digits with at most one `.` (an integer or a decimal in YAML 1.1).
fn is_plainly_ambiguous(s: &str) -> bool {
    let number = || {
        let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
        !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && fraction.bytes().all(|b| b.is_ascii_digit())
    };
    s.is_empty() || WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) || number()
}

#[cfg(test)]
mod tests {
    use super::super::emit::{emit_by_serde, emit_with};
    use crate::tree::{Map, Node, Origin, Value};
    use proptest::prelude::*;

    /// Strings made of the pieces that decide a scalar's style: indicators, YAML 1.1 words,
    /// numbers, dates, colons and hashes beside spaces, line breaks, controls, quotes and
    /// non-ASCII text.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "a",
            "Z",
            "name",
            "app.kubernetes.io/name",
            "-",
            "_",
            ".",
            "/",
            ":",
            ": ",
            " #",
            "#",
            " ",
            "  ",
            "\n",
            "\n\n",
            "\t",
            "\r",
            "\r\n",
            "\"",
            "'",
            "\\",
            "yes",
            "No",
            "ON",
            "y",
            "n",
            "~",
            "null",
            "true",
            "1",
            "0.5",
            "0x1F",
            "1_000",
            "2024-01-01",
            "12:30",
            ".inf",
            "---",
            "...",
            "<<",
            "=",
            "?",
            "!",
            "&",
            "*",
            "|",
            ">",
            "%",
            "@",
            "`",
            "{",
            "}",
            "[",
            "]",
            ",",
            "é",
            "…",
            "\u{85}",
            "\u{2028}",
            "\u{feff}",
            "\u{7}",
            "\u{1b}",
            "s3://bucket/path",
            "-Dsun.net.inetaddr.ttl=0",
            "4096m",
            "${VAR}",
        ]);
        prop::collection::vec(piece, 0..6).prop_map(|p| p.concat())
    }

    fn v(value: Value) -> Node {
        Node::new(value, Origin::NONE)
    }

    fn scalar() -> impl Strategy<Value = Node> {
        prop_oneof![
            1 => Just(v(Value::Null)),
            1 => any::<bool>().prop_map(|b| v(Value::Bool(b))),
            1 => any::<i64>().prop_map(|i| v(Value::Int(i))),
            // Floats make the whole document serde-saphyr's: rare, so most trees test the
            // fast writer.
            1 => prop::sample::select(vec![0.5, -1.0, 1e300, 3.0, f64::NAN, f64::INFINITY])
                .prop_map(|f| v(Value::Float(f))),
            12 => text().prop_map(|s| v(Value::Str(s))),
        ]
    }

    fn tree() -> impl Strategy<Value = Node> {
        scalar().prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(|items| v(Value::Seq(items))),
                prop::collection::vec((text(), inner), 0..5).prop_map(|entries| {
                    let mut m = Map::new();
                    for (k, v) in entries {
                        m.insert(k, v);
                    }
                    v(Value::Map(m))
                }),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The fast writer writes exactly what serde-saphyr writes, for any tree.
        #[test]
        fn writes_what_serde_saphyr_writes(
            entries in prop::collection::vec((text(), tree()), 1..6),
            sorted in any::<bool>(),
        ) {
            let node = v(Value::Map(entries.into_iter().collect()));
            prop_assert_eq!(emit_with(&node, sorted), emit_by_serde(&node, sorted));
        }
    }

    /// The shapes rendered objects have, written by the fast writer itself (no fallback), and
    /// equal to serde-saphyr's bytes.
    #[test]
    fn rendered_shapes_take_the_fast_path() {
        let node = crate::map_node! {
            "apiVersion" => "flink.apache.org/v1beta1",
            "metadata" => crate::map_node! { "labels" => crate::map_node! { "app.kubernetes.io/name" => "orders" } },
            "spec" => crate::map_node! {
                "flinkConfiguration" => crate::map_node! { "taskmanager.numberOfTaskSlots" => "2", "state.backend.type" => "rocksdb" },
                "logConfiguration" => crate::map_node! { "log4j-console.properties" => "rootLogger.level = INFO\n\nlogger.a = b\n" },
                "containers" => vec![crate::map_node! { "name" => "flink-main-container", "args" => vec![v(Value::Str("--topic".into())), v(Value::Str("yes".into()))] }],
                "empty" => Map::new(),
                "replicas" => 2i64,
            },
        };
        let fast = super::write(&node, true).expect("the fast path writes it");
        assert_eq!(fast, emit_by_serde(&node, true));
    }
}
