//! Where an offset is in a document, as a path of keys (`spec.taskManager.memory`): the
//! location of a finding that does not move when lines are added above it, used for SARIF
//! fingerprints. List items are named by their `name` when they have one (`secrets[db]`),
//! by their index otherwise; in a file of several documents the path starts with the
//! document's `kind/name`.

use crate::source::{FileId, SourceMap, Span};
use crate::tree::{Node, Value};
use std::cell::RefCell;
use std::collections::HashMap;

/// Key paths of spans, each file parsed once.
pub struct KeyPaths<'a> {
    sources: &'a SourceMap,
    docs: RefCell<HashMap<FileId, Vec<Node>>>,
}

impl<'a> KeyPaths<'a> {
    pub fn new(sources: &'a SourceMap) -> KeyPaths<'a> {
        KeyPaths {
            sources,
            docs: RefCell::new(HashMap::new()),
        }
    }

    /// The key path at the start of `span`; empty when the file does not parse.
    pub fn at(&self, span: Span) -> String {
        let mut docs = self.docs.borrow_mut();
        let docs = docs.entry(span.file).or_insert_with(|| {
            let file = self.sources.get(span.file);
            super::load_all(span.file, &file).unwrap_or_default()
        });
        key_path(docs, span.start)
    }
}

/// The key path at `offset` among the documents of one file.
pub fn key_path(docs: &[Node], offset: u32) -> String {
    let Some((i, doc)) = last_starting_before(docs.iter(), offset) else {
        return String::new();
    };
    let mut parts = Vec::new();
    if docs.len() > 1 {
        let kind = doc.get("kind").and_then(Node::as_str).unwrap_or("");
        let name = doc
            .path(&["metadata", "name"])
            .and_then(Node::as_str)
            .map_or_else(|| i.to_string(), str::to_string);
        parts.push(format!("{kind}/{name}:"));
    }
    walk(doc, offset, &mut parts);
    let mut out = String::new();
    for p in parts {
        if !out.is_empty() && !p.starts_with('[') && !out.ends_with(':') {
            out.push('.');
        }
        out.push_str(&p);
    }
    out
}

fn start(node: &Node) -> Option<u32> {
    node.any_origin().span().map(|s| s.start)
}

/// The last of `nodes` that starts at or before `offset`, with its index.
fn last_starting_before<'n>(
    nodes: impl Iterator<Item = &'n Node>,
    offset: u32,
) -> Option<(usize, &'n Node)> {
    nodes
        .enumerate()
        .filter(|(_, n)| start(n).is_some_and(|s| s <= offset))
        .last()
}

fn walk(node: &Node, offset: u32, out: &mut Vec<String>) {
    match &node.value {
        Value::Map(m) => {
            let entry = m.iter().rev().find(|e| {
                e.key_origin
                    .or(e.value.any_origin())
                    .span()
                    .is_some_and(|s| s.start <= offset)
            });
            if let Some(e) = entry {
                out.push(e.key.clone());
                walk(&e.value, offset, out);
            }
        }
        Value::Seq(items) => {
            if let Some((i, item)) = last_starting_before(items.iter(), offset) {
                let label = item
                    .get("name")
                    .and_then(Node::as_str)
                    .map_or_else(|| i.to_string(), str::to_string);
                out.push(format!("[{label}]"));
                walk(item, offset, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn path_at(text: &str, needle: &str) -> String {
        let mut sources = SourceMap::new();
        let id = sources.add(SourceFile::new("a.yaml", text));
        let offset = text.find(needle).expect("needle");
        KeyPaths::new(&sources).at(Span::new(id, offset, offset))
    }

    #[test]
    fn paths_name_keys_and_named_items() {
        let spec = "spec:\n  taskManager:\n    memory: 4Gi\n  secrets:\n    - name: db\n      env: { A: b }\n";
        assert_eq!(path_at(spec, "memory"), "spec.taskManager.memory");
        assert_eq!(path_at(spec, "4Gi"), "spec.taskManager.memory");
        assert_eq!(path_at(spec, "A: b"), "spec.secrets[db].env.A");
        let moved = format!("# a comment\n{spec}");
        assert_eq!(path_at(&moved, "4Gi"), "spec.taskManager.memory");
        let two = "kind: FlinkDeployment\nmetadata: { name: a }\nspec: { x: 1 }\n---\nkind: FlinkDeployment\nmetadata: { name: b }\nspec:\n  y: 2\n";
        assert_eq!(path_at(two, "y: 2"), "FlinkDeployment/b:spec.y");
        assert_eq!(path_at("a: [unclosed", "a"), "");
    }
}
