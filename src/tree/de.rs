//! Typed views of a tree: a serde `Deserializer` over [`Node`], and [`Sp<T>`], a value that keeps
//! the [`Origin`] of the node it was read from.
//!
//! `Sp<T>` asks for a struct with a private marker name; the node deserializer recognises the
//! marker and hands over the node's origin beside its value (the trick `toml-span` and
//! `serde_spanned` use). Any other deserializer would see an ordinary two-field struct.

use super::{Map, Node, Origin, Value};
use crate::source::{FileId, Span};
use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, forward_to_deserialize_any};
use std::fmt;

const SP_MARKER: &str = "$__flinkform_spanned";
const SP_ORIGIN: &str = "$__origin";
const SP_VALUE: &str = "$__value";

/// A typed value with the origin of the node it came from. Equality, ordering and hashing look
/// at the value only, so `Sp<String>` works as a map key.
#[derive(Clone, Debug)]
pub struct Sp<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Sp<T> {
    pub fn new(value: T, origin: Origin) -> Self {
        Sp { value, origin }
    }

    /// A value made by the compiler, not read from any file.
    pub fn made(value: T) -> Self {
        Sp {
            value,
            origin: Origin::NONE,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Sp<U> {
        Sp {
            value: f(self.value),
            origin: self.origin,
        }
    }

    pub fn as_ref(&self) -> Sp<&T> {
        Sp {
            value: &self.value,
            origin: self.origin,
        }
    }
}

impl<T: PartialEq> PartialEq for Sp<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<T: Eq> Eq for Sp<T> {}
impl<T: PartialOrd> PartialOrd for Sp<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.value.partial_cmp(&other.value)
    }
}
impl<T: Ord> Ord for Sp<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}
impl<T: std::hash::Hash> std::hash::Hash for Sp<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A deserialization failure, with the origin of the node where it happened if known.
#[derive(Debug, Clone, PartialEq)]
pub struct DeError {
    pub message: String,
    pub origin: Origin,
}

impl DeError {
    fn at(mut self, origin: Origin) -> Self {
        self.origin = self.origin.or(origin);
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            message: msg.to_string(),
            origin: Origin::NONE,
        }
    }
}

/// Reads a typed value from a tree.
pub fn from_node<'de, T: Deserialize<'de>>(node: &'de Node) -> Result<T, DeError> {
    T::deserialize(NodeDe(node))
}

struct NodeDe<'de>(&'de Node);

impl<'de> Deserializer<'de> for NodeDe<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let origin = self.0.origin;
        let r = match &self.0.value {
            Value::Null => v.visit_unit(),
            Value::Bool(b) => v.visit_bool(*b),
            Value::Int(i) => v.visit_i64(*i),
            Value::Float(f) => v.visit_f64(*f),
            Value::Str(s) => v.visit_borrowed_str(s),
            Value::Seq(items) => v.visit_seq(SeqDe(items.iter())),
            Value::Map(m) => v.visit_map(MapDe::new(m)),
        };
        r.map_err(|e| e.at(origin))
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self.0.value {
            Value::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        let origin = self.0.origin;
        match &self.0.value {
            Value::Str(s) => v
                .visit_enum(s.as_str().into_deserializer())
                .map_err(|e: DeError| e.at(origin)),
            _ => Err(DeError {
                message: format!("expected a string, found {}", self.0.kind_name()),
                origin,
            }),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        if name == SP_MARKER {
            return v.visit_map(SpanMapDe {
                node: self.0,
                origin: self.0.origin,
                step: 0,
            });
        }
        let _ = fields;
        self.deserialize_any(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        v.visit_newtype_struct(self)
    }

    /// An integer written as a float with no fraction (`1e3`, `8.0`) is that integer: JSON
    /// Schema's `integer` accepts it, so the typed read must too.
    fn deserialize_i64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self.0.value {
            Value::Float(f)
                if f.fract() == 0.0 && (-(2f64.powi(63))..2f64.powi(63)).contains(&f) =>
            {
                v.visit_i64(f as i64)
                    .map_err(|e: DeError| e.at(self.0.origin))
            }
            _ => self.deserialize_any(v),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

struct SeqDe<'de>(std::slice::Iter<'de, Node>);

impl<'de> SeqAccess<'de> for SeqDe<'de> {
    type Error = DeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.0.next() {
            Some(n) => seed.deserialize(NodeDe(n)).map(Some),
            None => Ok(None),
        }
    }
}

struct MapDe<'de> {
    entries: super::map::Iter<'de>,
    value: Option<&'de Node>,
}

impl<'de> MapDe<'de> {
    fn new(m: &'de Map) -> Self {
        MapDe {
            entries: m.iter(),
            value: None,
        }
    }
}

impl<'de> MapAccess<'de> for MapDe<'de> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some(e) => {
                self.value = Some(&e.value);
                seed.deserialize(KeyDe {
                    key: &e.key,
                    origin: e.key_origin,
                })
                .map(Some)
                .map_err(|err| err.at(e.key_origin))
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some(n) => seed.deserialize(NodeDe(n)),
            None => Err(de::Error::custom("value requested before key")),
        }
    }
}

/// Map keys: strings, which may themselves be read as `Sp<String>`.
struct KeyDe<'de> {
    key: &'de str,
    origin: Origin,
}

impl<'de> Deserializer<'de> for KeyDe<'de> {
    type Error = DeError;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        v.visit_borrowed_str(self.key)
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        if name == SP_MARKER {
            return v.visit_map(KeySpanMapDe {
                key: self.key,
                origin: self.origin,
                step: 0,
            });
        }
        self.deserialize_any(v)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        v.visit_enum(self.key.into_deserializer())
    }
    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
        identifier ignored_any
    }
}

/// Feeds `Sp<T>`'s visitor: first the origin (as a tuple of numbers), then the value.
struct SpanMapDe<'de> {
    node: &'de Node,
    origin: Origin,
    step: u8,
}

impl<'de> MapAccess<'de> for SpanMapDe<'de> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let key = match self.step {
            0 => SP_ORIGIN,
            1 => SP_VALUE,
            _ => return Ok(None),
        };
        seed.deserialize(key.into_deserializer()).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        self.step += 1;
        if self.step == 1 {
            seed.deserialize(OriginDe(self.origin))
        } else {
            seed.deserialize(NodeDe(self.node))
        }
    }
}

struct KeySpanMapDe<'de> {
    key: &'de str,
    origin: Origin,
    step: u8,
}

impl<'de> MapAccess<'de> for KeySpanMapDe<'de> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let key = match self.step {
            0 => SP_ORIGIN,
            1 => SP_VALUE,
            _ => return Ok(None),
        };
        seed.deserialize(key.into_deserializer()).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        self.step += 1;
        if self.step == 1 {
            seed.deserialize(OriginDe(self.origin))
        } else {
            seed.deserialize(self.key.into_deserializer())
        }
    }
}

/// An origin travels through serde as `[file, start, end]`, or `[]` when unknown.
struct OriginDe(Origin);

impl<'de> Deserializer<'de> for OriginDe {
    type Error = DeError;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let parts: Vec<u64> = match self.0.0 {
            Some(s) => vec![u64::from(s.file.0), u64::from(s.start), u64::from(s.end)],
            None => vec![],
        };
        v.visit_seq(de::value::SeqDeserializer::new(parts.into_iter()))
    }
    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
        struct enum identifier ignored_any
    }
}

/// The two fields of the `Sp` protocol.
enum SpField {
    Origin,
    Value,
}

impl<'de> Deserialize<'de> for SpField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl Visitor<'_> for FieldVisitor {
            type Value = SpField;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a spanned-value field")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SpField, E> {
                match v {
                    SP_ORIGIN => Ok(SpField::Origin),
                    SP_VALUE => Ok(SpField::Value),
                    other => Err(E::unknown_field(other, &[SP_ORIGIN, SP_VALUE])),
                }
            }
        }
        d.deserialize_identifier(FieldVisitor)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SpVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for SpVisitor<T> {
            type Value = Sp<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Sp<T>, A::Error> {
                let mut origin = Origin::NONE;
                let mut value = None;
                while let Some(k) = a.next_key::<SpField>()? {
                    match k {
                        SpField::Origin => {
                            let parts: Vec<u64> = a.next_value()?;
                            if let [f, s, e] = parts[..] {
                                origin =
                                    Origin::at(Span::new(FileId(f as u32), s as usize, e as usize));
                            }
                        }
                        SpField::Value => value = Some(a.next_value()?),
                    }
                }
                let value = value.ok_or_else(|| de::Error::missing_field(SP_VALUE))?;
                Ok(Sp { value, origin })
            }
        }
        d.deserialize_struct(
            SP_MARKER,
            &[SP_ORIGIN, SP_VALUE],
            SpVisitor(std::marker::PhantomData),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn at(start: usize) -> Origin {
        Origin::at(Span::new(FileId(3), start, start + 1))
    }

    #[derive(Deserialize, Debug)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Job {
        #[serde(rename = "jarURI")]
        jar_uri: Sp<String>,
        parallelism: Option<Sp<u32>>,
        mode: Option<Sp<Mode>>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "kebab-case")]
    enum Mode {
        LastState,
        Savepoint,
    }

    #[test]
    fn spans_travel_into_typed_values() {
        let mut m = Map::new();
        m.insert("jarURI", Node::str("local:///a.jar", at(10)));
        m.insert("parallelism", Node::int(4, at(20)));
        m.insert("mode", Node::str("last-state", at(30)));
        let n = Node::map(m, at(1));
        let job: Job = from_node(&n).expect("valid");
        assert_eq!(job.jar_uri.value, "local:///a.jar");
        assert_eq!(job.jar_uri.origin, at(10));
        assert_eq!(job.parallelism.as_ref().map(|p| p.value), Some(4));
        assert_eq!(job.parallelism.map(|p| p.origin), Some(at(20)));
        assert_eq!(job.mode.map(|m| m.value), Some(Mode::LastState));
    }

    #[test]
    fn errors_carry_the_failing_node() {
        let mut m = Map::new();
        m.insert("jarURI", Node::str("x", at(10)));
        m.insert("parallelism", Node::str("four", at(20)));
        let n = Node::map(m, at(1));
        let err = from_node::<Job>(&n).expect_err("invalid");
        assert_eq!(err.origin, at(20));
    }

    #[test]
    fn integral_floats_read_as_integers() {
        for (f, want) in [
            (1e3, Some(1000)),
            (8.0, Some(8)),
            (-2.0, Some(-2)),
            (1.5, None),
            (1e19, None),
        ] {
            let n = Node::new(Value::Float(f), at(3));
            let got: Result<Sp<i64>, DeError> = from_node(&n);
            assert_eq!(got.as_ref().ok().map(|s| s.value), want, "{f}");
            if let Err(e) = got {
                assert_eq!(e.origin, at(3), "{f}");
            }
        }
    }

    #[test]
    fn keys_can_be_spanned() {
        let mut m = Map::new();
        m.insert_with_origin("k", at(5), Node::int(1, at(8)));
        let n = Node::map(m, at(1));
        let parsed: std::collections::BTreeMap<Sp<String>, Sp<i64>> = from_node(&n).expect("valid");
        let (k, v) = parsed.into_iter().next().expect("one entry");
        assert_eq!((k.origin, v.origin), (at(5), at(8)));
    }
}
