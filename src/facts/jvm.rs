//! Shared by the rules about JVM options: which configuration keys feed a JVM's command line,
//! and the `-D` system properties they set.

use crate::facts::view::{ConfEntry, FlinkView};

/// The keys whose values end up on the command line of `role` (`jobmanager`/`taskmanager`),
/// in the order the JVM sees them (a later `-D` wins). `JAVA_TOOL_OPTIONS` is read by the JVM
/// before the command line.
pub fn opts_keys(role: &str) -> Vec<String> {
    let env = if role == "jobmanager" {
        "master"
    } else {
        "taskmanager"
    };
    vec![
        format!("containerized.{env}.env.JAVA_TOOL_OPTIONS"),
        "env.java.default-opts.all".to_string(),
        format!("env.java.default-opts.{role}"),
        "env.java.opts".to_string(),
        "env.java.opts.all".to_string(),
        format!("env.java.opts.{role}"),
    ]
}

/// The entries that set options for `role`, in command-line order.
pub fn opts_entries<'v, 'a>(view: &'v FlinkView<'a>, role: &str) -> Vec<&'v ConfEntry<'a>> {
    opts_keys(role).iter().filter_map(|k| view.get(k)).collect()
}

/// The last value of `-D<property>=…` across the entries, with the entry that set it.
pub fn system_property<'v, 'a>(
    entries: &[&'v ConfEntry<'a>],
    property: &str,
) -> Option<(String, &'v ConfEntry<'a>)> {
    let mut found = None;
    for e in entries {
        for opt in e.value.split_whitespace() {
            if let Some((k, v)) = opt.strip_prefix("-D").and_then(|d| d.split_once('='))
                && k == property
            {
                found = Some((v.to_string(), *e));
            }
        }
    }
    found
}

/// Whether any entry sets the system property at all (with or without a value).
pub fn mentions(entries: &[&ConfEntry<'_>], property: &str) -> bool {
    entries.iter().any(|e| {
        e.value.split_whitespace().any(|o| {
            o.strip_prefix("-D")
                .is_some_and(|d| d.split('=').next() == Some(property))
        })
    })
}
