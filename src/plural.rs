//! Counted nouns in messages: `1 byte`, `8 bytes`, `1 entry`, `2 entries`. Every message that
//! puts a number before a noun goes through here, so none says `1 bytes` or `item(s)`.

/// `n` and the noun in the number that fits it.
pub fn count<N>(n: N, one: &str, many: &str) -> String
where
    N: std::fmt::Display + PartialEq + From<u8>,
{
    if n == N::from(1) {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A number already written out (`1`, `2.048`, `1e21`) and its noun.
pub fn written(number: &str, one: &str, many: &str) -> String {
    if number == "1" {
        format!("1 {one}")
    } else {
        format!("{number} {many}")
    }
}

/// `1 byte`, `8 bytes`.
pub fn bytes<N>(n: N) -> String
where
    N: std::fmt::Display + PartialEq + From<u8>,
{
    count(n, "byte", "bytes")
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_agree_with_their_nouns() {
        assert_eq!(super::bytes(1u64), "1 byte");
        assert_eq!(super::bytes(0u64), "0 bytes");
        assert_eq!(super::bytes(8u128), "8 bytes");
        assert_eq!(super::count(1usize, "entry", "entries"), "1 entry");
        assert_eq!(super::count(3usize, "entry", "entries"), "3 entries");
        assert_eq!(super::written("1", "byte", "bytes"), "1 byte");
        assert_eq!(super::written("2.048", "byte", "bytes"), "2.048 bytes");
    }
}
