//! Names of FlinkDeployments and services: one grammar for the service spec's schema, the
//! workspace's folders, `flinkform new` and `deployment-name-valid`. The operator requires a
//! DNS-1123 label of at most 45 characters that starts with a letter
//! (`[a-z]([-a-z0-9]{0,43}[a-z0-9])?`): it derives longer names (the JobManager's Service,
//! `<name>-rest`) from it.

pub const MAX_LEN: usize = 45;

/// Why `name` does not match `[a-z]([-a-z\d]{0,43}[a-z\d])?`, or `None` when it does.
pub fn name_problem(name: &str) -> Option<String> {
    let len = name.chars().count();
    if name.is_empty() {
        return Some("it is empty".into());
    }
    if len > MAX_LEN {
        return Some(format!(
            "it has {len} characters, at most {MAX_LEN} are allowed"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Some(if c.is_ascii_uppercase() {
            format!("`{c}` is upper-case; only lower-case letters, digits and `-` are allowed")
        } else {
            format!("`{c}` is not allowed; only lower-case letters, digits and `-` are")
        });
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("it must start with a letter".into());
    }
    if name.ends_with('-') {
        return Some("it must end with a letter or digit".into());
    }
    None
}

/// A name fixed up as far as that is mechanical: lower-cased, other characters turned into
/// `-`, trimmed to the allowed shape. `None` when nothing usable is left.
pub fn suggested_name(name: &str) -> Option<String> {
    let mut s: String = name
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .collect();
    s = s
        .trim_start_matches(|c: char| !c.is_ascii_lowercase())
        .to_string();
    s.truncate(MAX_LEN);
    let s = s.trim_end_matches('-').to_string();
    (name_problem(&s).is_none() && s != name).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["a", "orders", "orders-2", "a1", &"a".repeat(45)] {
            assert_eq!(name_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "Orders",
            "1orders",
            "-orders",
            "orders-",
            "orders_x",
            "orders.x",
            "ordérs",
            &"a".repeat(46),
        ] {
            assert!(name_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggested_name("Orders_Enrichment").as_deref(),
            Some("orders-enrichment")
        );
        assert_eq!(suggested_name("1-job-").as_deref(), Some("job"));
        assert_eq!(suggested_name("123"), None);
        assert_eq!(suggested_name("ok"), None);
        assert_eq!(suggested_name(&"b".repeat(50)).map(|s| s.len()), Some(45));
    }
}
