use crate::policy::{Finding, Rule, Target};
use crate::suggest::did_you_mean;

crate::declare_rule! {
    /// `logConfiguration` only replaces the files the operator knows.
    ///
    /// ## What it checks
    /// Every key of a FlinkDeployment's `spec.logConfiguration` is `log4j-console.properties`
    /// or `logback-console.xml`.
    ///
    /// ## Why
    /// The operator writes these entries as the JobManager's and TaskManagers' logging files
    /// and rejects any other name ("Invalid log config key: …"). A file named like the
    /// non-console `log4j.properties` would otherwise look configured and never be used.
    ///
    /// ## Example
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   logConfiguration:
    ///     log4j.properties: |
    ///       rootLogger.level = INFO
    /// ```
    ///
    /// ## Fix
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   logConfiguration:
    ///     log4j-console.properties: |
    ///       rootLogger.level = INFO
    /// ```
    ///
    /// A service spec cannot make this rule fire: its `logConfiguration` accepts only these
    /// two keys (`schema`).
    pub struct LogConfigurationKeys {
        name: "log-configuration-keys", severity: Error, category: Policy, kinds: [Deployment],
        spec: false,
    }
}

pub const ALLOWED: [&str; 2] = ["log4j-console.properties", "logback-console.xml"];

/// The allowed key a wrong one most likely meant: a close spelling, else by logging framework.
pub fn suggestion(key: &str) -> Option<&'static str> {
    if let Some(s) = did_you_mean(key, ALLOWED) {
        return Some(s);
    }
    let lower = key.to_ascii_lowercase();
    if lower.starts_with("log4j") {
        Some(ALLOWED[0])
    } else if lower.starts_with("logback") {
        Some(ALLOWED[1])
    } else {
        None
    }
}

impl Rule for LogConfigurationKeys {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let Some(v) = super::admission::validated_deployment(t) else {
            return;
        };
        let Some(map) = v.spec(&["logConfiguration"]).and_then(|n| n.as_map()) else {
            return;
        };
        for e in map.iter() {
            if ALLOWED.contains(&e.key.as_str()) {
                continue;
            }
            let help = match suggestion(&e.key) {
                Some(s) => format!(
                    "did you mean `{s}`? The allowed keys are `{}` and `{}`",
                    ALLOWED[0], ALLOWED[1]
                ),
                None => format!("the allowed keys are `{}` and `{}`", ALLOWED[0], ALLOWED[1]),
            };
            out.push(
                Finding::new(
                    e.key_origin
                        .or(e.value.origin)
                        .or(t.anchor(&["logConfiguration"])),
                    format!(
                        "Invalid log config key: `{}`: the operator rejects the deployment",
                        crate::excerpt::quote(&e.key)
                    ),
                )
                .label("not a log configuration file")
                .help(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            suggestion("log4j-console.propertie"),
            Some("log4j-console.properties")
        );
        assert_eq!(
            suggestion("log4j.properties"),
            Some("log4j-console.properties")
        );
        assert_eq!(suggestion("logback.xml"), Some("logback-console.xml"));
        assert_eq!(
            suggestion("Log4j-Console.properties"),
            Some("log4j-console.properties")
        );
        assert_eq!(suggestion("random"), None);
    }
}
