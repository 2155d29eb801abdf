//! The parser's own spanned tree, converted at once into our [`Node`] with file spans.

use crate::source::{FileId, SourceFile, Span};
use crate::tree::{Entry, Map, Node, Origin, Value};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};
use std::fmt;

pub(super) struct Raw(Spanned<RawValue>);

enum RawValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<RawValue>>),
    Map(Vec<(Spanned<String>, Spanned<RawValue>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Spanned::<RawValue>::deserialize(d).map(Raw)
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<RawValue, E> {
        Ok(i64::try_from(v).map_or(RawValue::Float(v as f64), RawValue::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<RawValue, E> {
        Ok(i64::try_from(v).map_or(RawValue::Float(v as f64), RawValue::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<RawValue, E> {
        Ok(i64::try_from(v).map_or(RawValue::Float(v as f64), RawValue::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue::Str(v))
    }
    fn visit_unit<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_none<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawValue, D::Error> {
        RawValue::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(x) = a.next_element()? {
            items.push(x);
        }
        Ok(RawValue::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(k) = a.next_key::<Spanned<String>>()? {
            let v = a.next_value()?;
            entries.push((k, v));
        }
        Ok(RawValue::Map(entries))
    }
}

impl Raw {
    pub(super) fn into_node(self, id: FileId, file: &SourceFile) -> Node {
        convert(self.0, id, file)
    }
}

/// The span of a located value. Values reached through an alias point at their definition:
/// that is the text a user edits.
fn span_of(loc: Location, id: FileId, file: &SourceFile) -> Origin {
    if loc == Location::UNKNOWN {
        return Origin::NONE;
    }
    let s = loc.span();
    let start = s
        .byte_offset()
        .map(|b| b as usize)
        .unwrap_or_else(|| file.offset_of(loc.line() as usize, loc.column() as usize));
    let len = s.byte_len().unwrap_or(0) as usize;
    origin_at(start, len, id, file)
}

/// The origin of the parser's span of `len` bytes at `start`: a block scalar (`|`, `>`) ends
/// with its last line, not where the parser ends it (after its last line break and the next
/// line's indentation, where the next token starts).
pub(super) fn origin_at(start: usize, len: usize, id: FileId, file: &SourceFile) -> Origin {
    let end = match file.text.get(start..start + len) {
        Some(text) if text.contains('\n') => {
            start + text.trim_end_matches([' ', '\t', '\r', '\n']).len()
        }
        _ => start + len,
    };
    Origin::at(Span::new(id, start, end))
}

/// How serde-saphyr reads a plain scalar's `text` on its own (as a document of that one
/// scalar): its null, boolean, number or string. `None` when the text does not read back as
/// one scalar of the same text (it would mean something else alone, such as `--- 1`).
pub(super) fn resolve_alone(text: &str, options: serde_saphyr::Options) -> Option<Value> {
    let raw = serde_saphyr::from_str_with_options::<RawValue>(text, options).ok()?;
    match raw {
        RawValue::Null => Some(Value::Null),
        RawValue::Bool(b) => Some(Value::Bool(b)),
        RawValue::Int(i) => Some(Value::Int(i)),
        RawValue::Float(f) => Some(Value::Float(f)),
        RawValue::Str(s) if s == text => Some(Value::Str(s)),
        RawValue::Str(_) | RawValue::Seq(_) | RawValue::Map(_) => None,
    }
}

fn convert(sp: Spanned<RawValue>, id: FileId, file: &SourceFile) -> Node {
    let origin = span_of(sp.defined, id, file);
    let value = match sp.value {
        RawValue::Null => Value::Null,
        RawValue::Bool(b) => Value::Bool(b),
        RawValue::Int(i) => Value::Int(i),
        RawValue::Float(f) => Value::Float(f),
        RawValue::Str(s) => Value::Str(s),
        RawValue::Seq(items) => {
            Value::Seq(items.into_iter().map(|i| convert(i, id, file)).collect())
        }
        RawValue::Map(entries) => {
            let mut m = Map::new();
            for (k, v) in entries {
                m.push(Entry {
                    key_origin: span_of(k.referenced, id, file),
                    key: k.value,
                    value: convert(v, id, file),
                });
            }
            Value::Map(m)
        }
    };
    Node::new(value, origin)
}
