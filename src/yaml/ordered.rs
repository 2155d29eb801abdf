//! Emitting documents people maintain (service specs from `new` and `import`): keys stay in
//! the order they were built in, so a spec reads apiVersion, kind, metadata, spec, … instead of
//! alphabetically. Same options and quoting as [`super::emit`] (YAML 1.1-safe), so a value that
//! Kubernetes or flinkform would misread is always quoted.

use super::emit::options;
use crate::tree::Node;

/// One document, keys in insertion order.
pub fn emit_ordered(node: &Node) -> String {
    super::emit::emit_with(node, false)
}

/// A string as a YAML plain or quoted scalar, on one line, for hand-built text such as the
/// commented spec `new` writes: `orders` stays bare, `yes` becomes `"yes"`, `1.20` becomes
/// `"1.20"`.
pub fn scalar(text: &str) -> String {
    if text.contains(['\n', '\r']) {
        // Block scalars do not fit on one line; JSON strings are valid YAML.
        return serde_json::Value::String(text.to_string()).to_string();
    }
    let mut out = serde_saphyr::to_string_with_options(&text, options())
        .unwrap_or_else(|_| serde_json::Value::String(text.to_string()).to_string());
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map_node;

    #[test]
    fn keeps_insertion_order_and_quotes_like_emit() {
        let n = map_node! { "z" => "yes", "a" => "1.20", "m" => map_node! { "y" => 1i64, "b" => true } };
        assert_eq!(
            emit_ordered(&n),
            "z: \"yes\"\na: \"1.20\"\nm:\n  \"y\": 1\n  b: true\n"
        );
    }

    #[test]
    fn scalars_quote_only_when_needed() {
        assert_eq!(scalar("orders"), "orders");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("1.20"), "\"1.20\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("two\nlines"), "\"two\\nlines\"");
        assert_eq!(
            scalar("registry.acme.example/flink/orders:0.1.0"),
            "registry.acme.example/flink/orders:0.1.0"
        );
    }
}
