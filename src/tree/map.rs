//! A mapping of a value tree: keys in insertion order, found by hash.
//!
//! Specs can be large (a `flinkConfiguration` of 50,000 keys fits the 1 MiB limit), and every
//! stage looks keys up, merges maps and walks them; a lookup must not cost a scan. Keys are
//! indexed ([`indexmap`]), and order stays the order of insertion (document order for parsed
//! maps), so nothing depends on a hash: the emitter sorts keys, and everything else iterates
//! in a fixed order.
//!
//! The map counts the work done through it ([`work`]): one per lookup or insertion, one per
//! entry an iterator yields, and the entries moved by a removal. A test runs `check` on a spec
//! of tens of thousands of keys and bounds this count by a small multiple of the keys, which
//! catches an algorithm that walks a map once per key, wherever in the pipeline it is.

use super::{Node, Origin};
use indexmap::IndexMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// One key of a mapping, with the origin of the key itself (where "unknown key" points).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_origin: Origin,
    pub value: Node,
}

/// A mapping that keeps its keys in insertion order. Parsed maps keep document order; the
/// emitter sorts keys, so rendered output never depends on the order of construction.
#[derive(Clone, Debug, Default)]
pub struct Map {
    entries: IndexMap<String, Entry>,
}

static WORK: AtomicU64 = AtomicU64::new(0);

/// The work done through every [`Map`] of the process so far (see the module documentation).
pub fn work() -> u64 {
    WORK.load(Ordering::Relaxed)
}

fn count(n: usize) {
    WORK.fetch_add(n as u64, Ordering::Relaxed);
}

/// Two maps are equal when they have the same entries in the same order (the order is part of
/// a map: it is the document's).
impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.entries.len() == other.entries.len()
            && self.entries.values().eq(other.entries.values())
    }
}

impl Map {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        count(1);
        self.entries.get_mut(key).map(|e| &mut e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        count(1);
        self.entries.get(key)
    }

    /// Sets `key`, replacing an existing value in place (keeping its key origin).
    pub fn insert(&mut self, key: impl Into<String>, value: Node) {
        self.insert_with_origin(key, Origin::NONE, value);
    }

    pub fn insert_with_origin(&mut self, key: impl Into<String>, key_origin: Origin, value: Node) {
        count(1);
        match self.entries.entry(key.into()) {
            indexmap::map::Entry::Occupied(mut o) => {
                let e = o.get_mut();
                e.value = value;
                e.key_origin = e.key_origin.or(key_origin);
            }
            indexmap::map::Entry::Vacant(v) => {
                let key = v.key().clone();
                v.insert(Entry {
                    key,
                    key_origin,
                    value,
                });
            }
        }
    }

    /// Removes `key`, keeping the order of the others (which moves the entries after it).
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let i = self.entries.get_index_of(key)?;
        count(1 + self.entries.len() - i);
        self.entries.shift_remove_index(i).map(|(_, e)| e.value)
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter {
            inner: self.entries.values(),
            yielded: 0,
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|e| e.key.as_str())
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn into_entries(self) -> Vec<Entry> {
        count(self.entries.len());
        self.entries.into_values().collect()
    }

    /// Adds an entry at the end; an entry of the same key is replaced in place (as
    /// [`Map::insert_with_origin`] does, but with this entry's key origin).
    pub fn push(&mut self, entry: Entry) {
        count(1);
        self.entries.insert(entry.key.clone(), entry);
    }
}

/// The entries of a [`Map`] in order; counts what it yields (once, when dropped).
pub struct Iter<'a> {
    inner: indexmap::map::Values<'a, String, Entry>,
    yielded: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Entry;

    fn next(&mut self) -> Option<&'a Entry> {
        let e = self.inner.next()?;
        self.yielded += 1;
        Some(e)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        let e = self.inner.next_back()?;
        self.yielded += 1;
        Some(e)
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl Drop for Iter<'_> {
    fn drop(&mut self) {
        if self.yielded > 0 {
            count(self.yielded);
        }
    }
}

impl FromIterator<(String, Node)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Node)>>(iter: I) -> Self {
        let mut m = Map::new();
        for (k, v) in iter {
            m.insert(k, v);
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(i: i64) -> Node {
        Node::int(i, Origin::NONE)
    }

    #[test]
    fn insertion_order_is_kept_through_replace_and_remove() {
        let mut m = Map::new();
        for k in ["c", "a", "b", "d"] {
            m.insert(k, n(0));
        }
        m.insert("a", n(1));
        assert_eq!(m.remove("b"), Some(n(0)));
        assert_eq!(m.remove("b"), None);
        m.insert("b", n(2));
        assert_eq!(m.keys().collect::<Vec<_>>(), ["c", "a", "d", "b"]);
        assert_eq!(m.get("a"), Some(&n(1)));
        assert_eq!(m.iter().next_back().map(|e| e.key.as_str()), Some("b"));
        assert_eq!(m.iter().len(), 4);
    }

    #[test]
    fn equality_depends_on_order() {
        let a: Map = [("x".to_string(), n(1)), ("y".to_string(), n(2))]
            .into_iter()
            .collect();
        let b: Map = [("y".to_string(), n(2)), ("x".to_string(), n(1))]
            .into_iter()
            .collect();
        assert_ne!(a, b);
        assert_eq!(a, a.clone());
    }

    #[test]
    fn a_key_keeps_its_first_origin() {
        let mut m = Map::new();
        let at = Origin::at(crate::source::Span::new(crate::source::FileId(0), 1, 2));
        m.insert_with_origin("k", at, n(1));
        m.insert_with_origin("k", Origin::NONE, n(2));
        assert_eq!(m.entry("k").map(|e| e.key_origin), Some(at));
        assert_eq!(m.get("k"), Some(&n(2)));
    }
}
