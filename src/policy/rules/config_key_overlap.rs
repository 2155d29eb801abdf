use crate::flink::config_keys::{self, KeyStatus};
use crate::facts::view::Kind;
use crate::policy::{Finding, Rule, Target};
use std::collections::HashMap;

crate::declare_rule! {
    /// On Flink 2.x, no configuration key is the parent of another (`a.b` and `a.b.c`).
    ///
    /// ## What it checks
    /// For a FlinkDeployment whose `flinkVersion` is 2.0 or later: among the keys of its
    /// `flinkConfiguration` (nested maps flattened with `.`), none is a whole-segment prefix of
    /// another, such as `restart-strategy` beside `restart-strategy.type`, or
    /// `high-availability` beside `high-availability.storageDir`. Each longer key is reported,
    /// with the shorter one beside it.
    ///
    /// ## Why
    /// Flink 2.x writes the configuration it deploys as standard, nested YAML
    /// (`ConfigurationUtils.convertConfigToWritableLines` → `YamlParserUtils
    /// .convertAndDumpYamlFromFlatMap`), splitting every key at its dots. `a.b` cannot be both a
    /// value and the map that holds `c`: depending on the order of the keys, the deployment
    /// fails (`ClassCastException`: a String cannot be cast to a Map) or `a.b.c` is silently
    /// dropped (FLINK-39431). Flink 1.x's flat `flink-conf.yaml` had no such limit, which is why
    /// old configurations carry these pairs (deprecated keys such as `high-availability`,
    /// `state.backend` and `restart-strategy` are the usual cause).
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   image: flink:2.1.1-java17
    ///   flinkVersion: "2.1"
    ///   flinkConfiguration:
    ///     fs.s3a.endpoint: https://s3.eu-central-1.amazonaws.com
    ///     fs.s3a.endpoint.region: eu-central-1
    /// ```
    /// ```yaml,fires,also-unknown-config-key
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   image: flink:2.1.1-java17
    ///   flinkVersion: v2_1
    ///   flinkConfiguration:
    ///     restart-strategy: exponential-delay
    ///     restart-strategy.exponential-delay.max-backoff: 2 min
    /// ```
    ///
    /// ## Fix
    /// Keep one of the two; for a deprecated key, its current name:
    /// ```yaml,spec,passes
    /// spec:
    ///   image: flink:2.1.1-java17
    ///   flinkVersion: "2.1"
    ///   flinkConfiguration:
    ///     fs.s3a.endpoint: https://s3.eu-central-1.amazonaws.com
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   image: flink:2.1.1-java17
    ///   flinkVersion: v2_1
    ///   flinkConfiguration:
    ///     restart-strategy.type: exponential-delay
    ///     restart-strategy.exponential-delay.max-backoff: 2 min
    /// ```
    pub struct ConfigKeyOverlap {
        name: "config-key-overlap", severity: Warning, category: Policy, kinds: [Deployment],
    }
}

impl Rule for ConfigKeyOverlap {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        if v.kind() != Kind::Deployment || v.flink_version().is_none_or(|f| f.major < 2) {
            return;
        }
        let conf = v.conf();
        // Each key's place, the last of duplicates winning (as the flattened config keeps it).
        let index: HashMap<&str, usize> = conf
            .iter()
            .enumerate()
            .map(|(i, e)| (e.key.as_str(), i))
            .collect();
        for (i, entry) in conf.iter().enumerate() {
            if index.get(entry.key.as_str()) != Some(&i) {
                continue;
            }
            // The nearest parent that is itself a key: `a.b` for `a.b.c.d` before `a`.
            let parent = entry
                .key
                .rmatch_indices('.')
                .map(|(at, _)| &entry.key[..at])
                .find_map(|prefix| index.get(prefix).map(|j| &conf[*j]));
            let Some(parent) = parent else {
                continue;
            };
            out.push(
                Finding::new(
                    entry.key_origin.or(entry.origin()),
                    format!(
                        "`{}` is below `{}`, which is a value too: Flink 2.x writes the configuration as nested YAML, where one of them is lost (the deployment fails, or `{}` is silently dropped)",
                        entry.key.escape_debug(),
                        parent.key.escape_debug(),
                        entry.key.escape_debug()
                    ),
                )
                .label("nested below a value")
                .also(parent.key_origin.or(parent.origin()), "a value, and a parent")
                .help(match config_keys::classify(&parent.key) {
                    // The usual case: a deprecated key whose successor does not collide.
                    KeyStatus::Deprecated {
                        replacement: Some(current),
                    } if index.contains_key(current) => format!(
                        "remove `{}`: it is the deprecated name of `{current}`, which is set",
                        parent.key.escape_debug()
                    ),
                    KeyStatus::Deprecated {
                        replacement: Some(current),
                    } if !current.starts_with(&format!("{}.", entry.key)) => format!(
                        "`{}` is deprecated: write it as `{current}`",
                        parent.key.escape_debug()
                    ),
                    _ => "keep only one of the two keys".to_string(),
                }),
            );
        }
    }
}
