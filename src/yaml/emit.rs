//! Emitting rendered objects as YAML, with one fixed set of options (the output bytes depend
//! on them and on the exact serde-saphyr version, which Cargo.toml pins):
//! * YAML 1.1-safe quoting: `"yes"`, `"on"`, `"0755"`, `"1_000"` stay strings for Kubernetes;
//! * two-space indentation, list items at their parent's indent (kubectl's style);
//! * multi-line strings as literal `|` blocks, long single-line strings never folded;
//! * map keys sorted, so output never depends on construction order;
//! * LF line endings, exactly one trailing newline.

use crate::tree::{Node, Value};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

pub(super) fn options() -> serde_saphyr::SerializerOptions {
    serde_saphyr::ser_options! {
        indent_step: 2,
        compact_list_indent: true,
        prefer_block_scalars: true,
        folded_wrap_chars: usize::MAX,
        empty_as_braces: true,
    }
}

/// One document.
pub fn emit(node: &Node) -> String {
    emit_with(node, true)
}

/// One document, keys sorted or in insertion order: the fast writer where it can
/// ([`super::block_writer`]), otherwise serde-saphyr; the bytes are the same either way.
pub(super) fn emit_with(node: &Node, sorted: bool) -> String {
    let mut out = match super::block_writer::write(node, sorted) {
        Some(out) => out,
        None => return emit_by_serde(node, sorted),
    };
    normalize(&mut out);
    out
}

/// One document as serde-saphyr writes it: the definition of the output, which the fast writer
/// is tested against.
pub(super) fn emit_by_serde(node: &Node, sorted: bool) -> String {
    let mut out = serde_saphyr::to_string_with_options(&Emit { node, sorted }, options())
        .unwrap_or_else(|e| format!("# flinkform could not emit this object: {e}\n"));
    normalize(&mut out);
    out
}

/// Several documents separated by `---`.
pub fn emit_all(nodes: &[Node]) -> String {
    nodes.iter().map(emit).collect::<Vec<_>>().join("---\n")
}

pub(super) fn normalize(out: &mut String) {
    if out.contains('\r') {
        *out = out.replace("\r\n", "\n");
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
}

/// A node as serde sees it; `sorted` orders map keys (rendered objects), otherwise maps keep
/// the order they were built in (specs people maintain, see `ordered.rs`).
pub(super) struct Emit<'a> {
    pub(super) node: &'a Node,
    pub(super) sorted: bool,
}

impl Serialize for Emit<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let child = |node| Emit {
            node,
            sorted: self.sorted,
        };
        match &self.node.value {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Int(i) => s.serialize_i64(*i),
            Value::Float(f) => s.serialize_f64(*f),
            Value::Str(v) => s.serialize_str(v),
            Value::Seq(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(&child(i))?;
                }
                seq.end()
            }
            Value::Map(m) => {
                let mut entries: Vec<_> = m.iter().collect();
                if self.sorted {
                    entries.sort_by(|a, b| a.key.cmp(&b.key));
                }
                let mut map = s.serialize_map(Some(entries.len()))?;
                for e in entries {
                    map.serialize_entry(&e.key, &child(&e.value))?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map_node;

    #[test]
    fn quotes_yaml11_ambiguities_and_sorts_keys() {
        let n = map_node! {
            "z" => "yes",
            "a" => "on",
            "m" => "0755",
            "n" => "1_000",
            "d" => "2024-01-01",
            "y" => "y",
            "t" => "12:30",
            "plain" => "hello",
        };
        insta::assert_snapshot!(emit(&n), @r#"
        a: "on"
        d: "2024-01-01"
        m: "0755"
        "n": "1_000"
        plain: hello
        t: "12:30"
        "y": "y"
        z: "yes"
        "#);
    }

    #[test]
    fn multiline_is_literal_and_long_lines_are_not_folded() {
        let long = "-Dsun.net.inetaddr.ttl=0 ".repeat(8);
        let n = map_node! { "long" => long.trim_end(), "text" => "a=1\nb=2\n" };
        let out = emit(&n);
        assert!(out.contains("text: |\n  a=1\n  b=2\n"), "{out}");
        assert!(
            out.lines()
                .any(|l| l.starts_with("long: -Dsun") && l.len() > 150),
            "{out}"
        );
    }

    #[test]
    fn lists_are_compact() {
        let n = map_node! { "items" => vec![map_node! { "name" => "x", "value" => "1" }] };
        assert_eq!(emit(&n), "items:\n- name: x\n  value: \"1\"\n");
    }

    #[test]
    fn empty_collections_use_braces() {
        let n = map_node! { "m" => crate::tree::Map::new(), "s" => Vec::<Node>::new() };
        assert_eq!(emit(&n), "m: {}\ns: []\n");
    }

    #[test]
    fn emitted_yaml_parses_back() {
        let n = map_node! { "k" => "yes", "n" => 5i64, "b" => true, "s" => "multi\nline\n" };
        let text = emit(&n);
        let file = crate::source::SourceFile::new("x.yaml", &text);
        let back = super::super::load(crate::source::FileId(0), &file).expect("parses");
        assert_eq!(back.without_origins().to_json(), n.to_json());
    }
}
