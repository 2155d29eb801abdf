//! A YAML/JSON value tree in which every node remembers where it came from.
//!
//! The same type carries a parsed spec, a merged (resolved) spec and a rendered Kubernetes
//! object. That is what lets policy rules look at what will be deployed and still blame the
//! line a user must change: a rendered value keeps the [`Origin`] of the spec or platform value
//! it was derived from, and a value the compiler invented has no origin.

mod de;
mod json;
mod map;
mod merge;

pub use de::{DeError, Sp, from_node};
pub use map::{Entry, Map, work};
pub use merge::merge;

use crate::source::Span;

/// Where a value came from: a span in a spec, platform config or manifest, or nowhere (a
/// compiler default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin(pub Option<Span>);

impl Origin {
    pub const NONE: Origin = Origin(None);

    pub fn at(span: Span) -> Origin {
        Origin(Some(span))
    }

    pub fn span(self) -> Option<Span> {
        self.0
    }

    /// This origin, or `other` if this one is unknown.
    pub fn or(self, other: Origin) -> Origin {
        if self.0.is_some() { self } else { other }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Map),
}

/// One step of a path into a tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

impl Node {
    pub fn new(value: Value, origin: Origin) -> Node {
        Node { value, origin }
    }

    pub fn null() -> Node {
        Node::new(Value::Null, Origin::NONE)
    }

    pub fn str(s: impl Into<String>, origin: Origin) -> Node {
        Node::new(Value::Str(s.into()), origin)
    }

    pub fn int(i: i64, origin: Origin) -> Node {
        Node::new(Value::Int(i), origin)
    }

    pub fn bool(b: bool, origin: Origin) -> Node {
        Node::new(Value::Bool(b), origin)
    }

    pub fn map(m: Map, origin: Origin) -> Node {
        Node::new(Value::Map(m), origin)
    }

    pub fn seq(items: Vec<Node>, origin: Origin) -> Node {
        Node::new(Value::Seq(items), origin)
    }

    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match &mut self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// A scalar as the text Flink or Kubernetes would see: strings as-is, numbers and booleans
    /// in their YAML spelling. `None` for null and collections.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(json::float_text(*f)),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?.get(key)
    }

    /// Follows a `.`-free path of keys, e.g. `node.path(&["spec", "job", "jarURI"])`.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }

    /// Follows a path, returning the deepest node that exists and whether the whole path did.
    /// Used to put a diagnostic about a missing value on its nearest existing ancestor.
    pub fn deepest<'a>(&'a self, segs: &[Seg<'_>]) -> (&'a Node, bool) {
        let mut cur = self;
        for seg in segs {
            let next = match seg {
                Seg::Key(k) => cur.get(k),
                Seg::Index(i) => cur.as_seq().and_then(|s| s.get(*i)),
            };
            match next {
                Some(n) => cur = n,
                None => return (cur, false),
            }
        }
        (cur, true)
    }

    /// Mutable access to the map at `keys`, creating empty maps along the way (and replacing
    /// non-map values that stand in the way, which the caller has decided to overwrite).
    pub fn ensure_map(&mut self, keys: &[&str]) -> &mut Map {
        let mut cur = self;
        for k in keys {
            if cur.as_map().is_none() {
                *cur = Node::map(Map::new(), cur.origin);
            }
            let Value::Map(m) = &mut cur.value else {
                unreachable!("made a map above")
            };
            if m.get(k).is_none_or(|n| n.as_map().is_none()) {
                let origin = m.get(k).map_or(Origin::NONE, |n| n.origin);
                m.insert(*k, Node::map(Map::new(), origin));
            }
            cur = m.get_mut(k).expect("inserted above");
        }
        if cur.as_map().is_none() {
            *cur = Node::map(Map::new(), cur.origin);
        }
        match &mut cur.value {
            Value::Map(m) => m,
            _ => unreachable!("made a map above"),
        }
    }

    /// The origin of this node, or if it has none, of the first descendant that has one.
    pub fn any_origin(&self) -> Origin {
        if self.origin.0.is_some() {
            return self.origin;
        }
        match &self.value {
            Value::Map(m) => m
                .iter()
                .map(|e| e.key_origin.or(e.value.any_origin()))
                .find(|o| o.0.is_some())
                .unwrap_or_default(),
            Value::Seq(s) => s
                .iter()
                .map(Node::any_origin)
                .find(|o| o.0.is_some())
                .unwrap_or_default(),
            _ => Origin::NONE,
        }
    }

    /// Drops every origin, for comparing trees by value only.
    pub fn without_origins(&self) -> Node {
        let value = match &self.value {
            Value::Map(m) => Value::Map(
                m.iter()
                    .map(|e| (e.key.clone(), e.value.without_origins()))
                    .collect(),
            ),
            Value::Seq(s) => Value::Seq(s.iter().map(Node::without_origins).collect()),
            v => v.clone(),
        };
        Node::new(value, Origin::NONE)
    }

    pub fn to_json(&self) -> serde_json::Value {
        json::to_json(self)
    }

    pub fn from_json(v: &serde_json::Value) -> Node {
        json::from_json(v)
    }

    pub fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "sequence",
            Value::Map(_) => "mapping",
        }
    }
}

/// Builds a map node from key/value pairs, for compact render code.
#[macro_export]
macro_rules! map_node {
    ($($k:expr => $v:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut m = $crate::tree::Map::new();
        $( m.insert($k, $crate::tree::IntoNode::into_node($v)); )*
        $crate::tree::Node::map(m, $crate::tree::Origin::NONE)
    }};
}

/// Conversion of plain Rust values into origin-less nodes (compiler-made values).
pub trait IntoNode {
    fn into_node(self) -> Node;
}

impl IntoNode for Node {
    fn into_node(self) -> Node {
        self
    }
}
impl IntoNode for &str {
    fn into_node(self) -> Node {
        Node::str(self, Origin::NONE)
    }
}
impl IntoNode for String {
    fn into_node(self) -> Node {
        Node::str(self, Origin::NONE)
    }
}
impl IntoNode for bool {
    fn into_node(self) -> Node {
        Node::bool(self, Origin::NONE)
    }
}
impl IntoNode for i64 {
    fn into_node(self) -> Node {
        Node::int(self, Origin::NONE)
    }
}
impl IntoNode for Map {
    fn into_node(self) -> Node {
        Node::map(self, Origin::NONE)
    }
}
impl IntoNode for Vec<Node> {
    fn into_node(self) -> Node {
        Node::seq(self, Origin::NONE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ensure_map_creates_and_replaces() {
        let mut n = map_node! { "a" => "x" };
        n.ensure_map(&["a", "b"]).insert("c", "d".into_node());
        assert_eq!(n.path(&["a", "b", "c"]).and_then(Node::as_str), Some("d"));
    }

    #[test]
    fn deepest_stops_at_missing() {
        let n = map_node! { "a" => map_node! { "b" => 1i64 } };
        let (d, full) = n.deepest(&[Seg::Key("a"), Seg::Key("zz"), Seg::Key("q")]);
        assert!(!full);
        assert!(d.get("b").is_some());
    }
}
