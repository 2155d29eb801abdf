//! A mapping of a value tree: keys in insertion order, found by hash once the map is large.
//!
//! Specs can be large (a `flinkConfiguration` of 50,000 keys fits the 1 MiB limit), and every
//! stage looks keys up, merges maps and walks them; a lookup must not cost a scan. Yet nearly
//! every map of a spec or a rendered object holds a handful of keys, and a parsed tree or a
//! rendered object is mostly maps: for those, a hash table is an allocation and a hash per
//! lookup that a scan of a few keys beats. So a map is a vector of entries in order, and only
//! past [`INDEX_FROM`] keys does it also build an index (a hash table of positions keyed by
//! std's `RandomState`: SipHash with a random key per process, so hostile keys cannot make
//! lookups collide). Order stays the order of insertion (document order for parsed maps), so
//! nothing depends on a hash: the emitter sorts keys, and everything else iterates in a fixed
//! order.
//!
//! The map counts the work done through it ([`work`]): one per lookup or insertion, one per
//! entry an iterator yields, and the entries moved by a removal. A test runs `check` on a spec
//! of tens of thousands of keys and bounds this count by a small multiple of the keys, which
//! catches an algorithm that walks a map once per key, wherever in the pipeline it is.

use super::{Node, Origin};
use hashbrown::HashTable;
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The number of keys up to which a map finds a key by scanning: below it, comparing a few
/// keys costs less than hashing one, and a map holds no table.
pub const INDEX_FROM: usize = 16;

/// One key of a mapping, with the origin of the key itself (where "unknown key" points).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_origin: Origin,
    pub value: Node,
}

/// A mapping that keeps its keys in insertion order. Parsed maps keep document order; the
/// emitter sorts keys, so rendered output never depends on the order of construction.
#[derive(Clone, Default)]
pub struct Map {
    entries: Vec<Entry>,
    /// Positions in `entries` by key, once there are more than [`INDEX_FROM`] entries.
    index: Option<Box<Index>>,
}

/// The hash index of a large map: positions into its entries, hashed by key.
#[derive(Clone)]
struct Index {
    table: HashTable<usize>,
    hasher: RandomState,
}

impl Index {
    fn build(entries: &[Entry]) -> Index {
        let mut index = Index {
            table: HashTable::with_capacity(entries.len()),
            hasher: RandomState::new(),
        };
        for i in 0..entries.len() {
            index.add(entries, i);
        }
        index
    }

    fn find(&self, entries: &[Entry], key: &str) -> Option<usize> {
        let hash = self.hasher.hash_one(key);
        self.table.find(hash, |&i| entries[i].key == key).copied()
    }

    /// Indexes the entry at `i`, whose key is not in the index yet.
    fn add(&mut self, entries: &[Entry], i: usize) {
        let hasher = &self.hasher;
        let hash = hasher.hash_one(entries[i].key.as_str());
        self.table
            .insert_unique(hash, i, |&j| hasher.hash_one(entries[j].key.as_str()));
    }

    /// Forgets the entry of `key` at `i` and moves the positions after it down by one (the
    /// entry has been removed from the vector).
    fn remove(&mut self, key: &str, i: usize) {
        let hash = self.hasher.hash_one(key);
        if let Ok(found) = self.table.find_entry(hash, |&j| j == i) {
            found.remove();
        }
        for j in self.table.iter_mut() {
            if *j > i {
                *j -= 1;
            }
        }
    }
}

/// Every thread's counter. A map operation is a few nanoseconds, and one counter shared by
/// the worker threads made each of them move a cache line between the cores (about 7% of a
/// `check` at 10,000 services): each thread counts on its own line instead, and [`work`]
/// adds them up. A thread's counter outlives it (it is leaked: a handful per process).
static COUNTERS: Mutex<Vec<&'static ThreadCounter>> = Mutex::new(Vec::new());

/// One thread's count, alone on its cache line.
#[repr(align(128))]
struct ThreadCounter(AtomicU64);

thread_local! {
    static COUNTER: &'static ThreadCounter = {
        let counter: &'static ThreadCounter = Box::leak(Box::new(ThreadCounter(AtomicU64::new(0))));
        COUNTERS.lock().unwrap_or_else(|e| e.into_inner()).push(counter);
        counter
    };
}

/// The work done through every [`Map`] of the process so far (see the module documentation).
pub fn work() -> u64 {
    let counters = COUNTERS.lock().unwrap_or_else(|e| e.into_inner());
    counters.iter().map(|c| c.0.load(Ordering::Relaxed)).sum()
}

fn count(n: usize) {
    // Only this thread writes its counter: a load and a store, not a locked read-modify-write.
    COUNTER.with(|c| {
        c.0.store(c.0.load(Ordering::Relaxed) + n as u64, Ordering::Relaxed);
    });
}

/// Two maps are equal when they have the same entries in the same order (the order is part of
/// a map: it is the document's).
impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.entries == other.entries
    }
}

/// The entries, by key, in order (the index is a cache of them).
impl std::fmt::Debug for Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|e| (&e.key, e)))
            .finish()
    }
}

impl Map {
    pub fn new() -> Self {
        Self::default()
    }

    /// The position of `key` in the entries.
    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.find(&self.entries, key),
            // Lengths and first bytes first: they tell most keys apart without a call to
            // `memcmp`, which a map of a few short keys otherwise makes for every entry.
            None => {
                let wanted = key.as_bytes();
                self.entries.iter().position(|e| {
                    let have = e.key.as_bytes();
                    have.len() == wanted.len() && have.first() == wanted.first() && have == wanted
                })
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        count(1);
        let i = self.position(key)?;
        self.entries.get_mut(i).map(|e| &mut e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        count(1);
        self.entries.get(self.position(key)?)
    }

    /// Sets `key`, replacing an existing value in place (keeping its key origin).
    pub fn insert(&mut self, key: impl Into<String>, value: Node) {
        self.insert_with_origin(key, Origin::NONE, value);
    }

    pub fn insert_with_origin(&mut self, key: impl Into<String>, key_origin: Origin, value: Node) {
        count(1);
        let key = key.into();
        match self.position(&key).and_then(|i| self.entries.get_mut(i)) {
            Some(e) => {
                e.value = value;
                e.key_origin = e.key_origin.or(key_origin);
            }
            None => self.append(Entry {
                key,
                key_origin,
                value,
            }),
        }
    }

    /// Adds an entry whose key is not in the map.
    fn append(&mut self, entry: Entry) {
        self.entries.push(entry);
        match &mut self.index {
            Some(index) => index.add(&self.entries, self.entries.len() - 1),
            None if self.entries.len() > INDEX_FROM => {
                self.index = Some(Box::new(Index::build(&self.entries)));
            }
            None => {}
        }
    }

    /// Removes `key`, keeping the order of the others (which moves the entries after it).
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let i = self.position(key)?;
        count(1 + self.entries.len() - i);
        let removed = self.entries.remove(i);
        if let Some(index) = &mut self.index {
            index.remove(key, i);
        }
        Some(removed.value)
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter {
            inner: self.entries.iter(),
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
        self.entries
    }

    /// Adds an entry at the end; an entry of the same key is replaced in place (as
    /// [`Map::insert_with_origin`] does, but with this entry's key origin).
    pub fn push(&mut self, entry: Entry) {
        count(1);
        match self
            .position(&entry.key)
            .and_then(|i| self.entries.get_mut(i))
        {
            Some(e) => *e = entry,
            None => self.append(entry),
        }
    }
}

/// The entries of a [`Map`] in order; counts what it yields (once, when dropped).
pub struct Iter<'a> {
    inner: std::slice::Iter<'a, Entry>,
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

    /// Past [`INDEX_FROM`] keys the map builds its index; lookups, replacement and removal
    /// (which moves the positions after the removed key) must agree with a scan.
    #[test]
    fn a_large_map_finds_every_key_through_its_index() {
        let keys: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
        let mut m = Map::new();
        for (i, k) in keys.iter().enumerate() {
            m.insert(k.as_str(), n(i as i64));
            assert_eq!(m.index.is_some(), m.len() > INDEX_FROM);
        }
        m.insert("k3", n(-3));
        assert_eq!(m.remove("k0"), Some(n(0)));
        assert_eq!(m.remove("k20"), Some(n(20)));
        assert_eq!(m.remove("k20"), None);
        m.push(Entry {
            key: "k0".into(),
            key_origin: Origin::NONE,
            value: n(100),
        });
        let expected: Vec<&str> = keys
            .iter()
            .map(String::as_str)
            .filter(|k| !matches!(*k, "k0" | "k20"))
            .chain(["k0"])
            .collect();
        assert_eq!(m.keys().collect::<Vec<_>>(), expected);
        for (i, k) in keys.iter().enumerate() {
            let want = match k.as_str() {
                "k0" => Some(n(100)),
                "k3" => Some(n(-3)),
                "k20" => None,
                _ => Some(n(i as i64)),
            };
            assert_eq!(m.get(k).cloned(), want, "{k}");
        }
        assert_eq!(m.get("k40"), None);
        // An indexed map equals the same entries built without removals.
        let rebuilt: Map = m.iter().map(|e| (e.key.clone(), e.value.clone())).collect();
        assert_eq!(rebuilt, m);
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
