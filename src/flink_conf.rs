//! `flinkConfiguration` as the operator flattens it: nested maps joined with `.`, lists joined
//! with `;`, every scalar as text. Rules read it through `facts::view`; the secret scanner
//! (`secrets`) reads the same entries, so both see the keys the operator passes to Flink.

use crate::tree::{Node, Origin, Value};

/// One configuration entry: key, value text, and where each came from.
#[derive(Debug, Clone)]
pub struct ConfEntry<'a> {
    pub key: String,
    pub value: String,
    pub key_origin: Origin,
    pub value_origin: Origin,
    pub node: &'a Node,
}

impl ConfEntry<'_> {
    /// The value's origin, or the key's.
    pub fn origin(&self) -> Origin {
        self.value_origin.or(self.key_origin)
    }
}

/// A `flinkConfiguration` mapping flattened the way the operator flattens it: nested maps
/// joined with `.`, lists joined with `;`, every scalar as text.
pub fn flatten_config(config: &Node) -> Vec<ConfEntry<'_>> {
    let mut out = Vec::new();
    flatten(config, String::new(), Origin::NONE, &mut out);
    out
}

fn flatten<'a>(n: &'a Node, prefix: String, key_origin: Origin, out: &mut Vec<ConfEntry<'a>>) {
    match &n.value {
        Value::Map(m) => {
            for e in m.iter() {
                let key = if prefix.is_empty() {
                    e.key.clone()
                } else {
                    format!("{prefix}.{}", e.key)
                };
                flatten(&e.value, key, e.key_origin.or(key_origin), out);
            }
        }
        Value::Seq(items) => {
            let value = items
                .iter()
                .filter_map(Node::scalar_text)
                .collect::<Vec<_>>()
                .join(";");
            out.push(ConfEntry {
                key: prefix,
                value,
                key_origin,
                value_origin: n.origin,
                node: n,
            });
        }
        Value::Null => out.push(ConfEntry {
            key: prefix,
            value: String::new(),
            key_origin,
            value_origin: n.origin,
            node: n,
        }),
        _ => out.push(ConfEntry {
            key: prefix,
            value: n.scalar_text().unwrap_or_default(),
            key_origin,
            value_origin: n.origin,
            node: n,
        }),
    }
}
