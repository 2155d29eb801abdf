//! The one merge rule used for every layer of resolution (platform defaults → environment
//! defaults → service spec → service overlay):
//!
//! * maps merge deeply, key by key;
//! * anything else (scalars and lists) in the overlay replaces the base value;
//! * an explicit `null` in the overlay removes the key.
//!
//! Every value keeps the origin of the layer it came from.

use super::{Node, Value};

/// Merges `overlay` onto `base`.
pub fn merge(base: &mut Node, overlay: &Node) {
    match (&mut base.value, &overlay.value) {
        (Value::Map(b), Value::Map(o)) => {
            for e in o.iter() {
                if e.value.is_null() {
                    b.remove(&e.key);
                } else if let Some(existing) = b.get_mut(&e.key) {
                    merge(existing, &e.value);
                } else {
                    b.insert_with_origin(e.key.clone(), e.key_origin, e.value.clone());
                }
            }
            base.origin = overlay.origin.or(base.origin);
        }
        _ => *base = strip_nulls(overlay),
    }
}

/// A value that replaces another wholesale still must not carry `null` markers meant for
/// merging: `{a: null}` replacing a scalar means "the map without a".
fn strip_nulls(n: &Node) -> Node {
    match &n.value {
        Value::Map(m) => Node::new(
            Value::Map(
                m.iter()
                    .filter(|e| !e.value.is_null())
                    .map(|e| super::Entry {
                        key: e.key.clone(),
                        key_origin: e.key_origin,
                        value: strip_nulls(&e.value),
                    })
                    .fold(super::Map::new(), |mut acc, e| {
                        acc.push(e);
                        acc
                    }),
            ),
            n.origin,
        ),
        _ => n.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map_node;
    use crate::tree::IntoNode;

    #[test]
    fn maps_merge_lists_replace_null_removes() {
        let mut base = map_node! {
            "a" => map_node! { "x" => 1i64, "y" => 2i64 },
            "l" => vec!["p".into_node(), "q".into_node()],
            "gone" => "v",
        };
        let overlay = map_node! {
            "a" => map_node! { "y" => 3i64, "z" => 4i64 },
            "l" => vec!["r".into_node()],
            "gone" => Node::null(),
        };
        merge(&mut base, &overlay);
        assert_eq!(base.path(&["a", "x"]).and_then(Node::as_i64), Some(1));
        assert_eq!(base.path(&["a", "y"]).and_then(Node::as_i64), Some(3));
        assert_eq!(base.path(&["a", "z"]).and_then(Node::as_i64), Some(4));
        assert_eq!(
            base.get("l").and_then(Node::as_seq).map(<[Node]>::len),
            Some(1)
        );
        assert!(base.get("gone").is_none());
    }
}
