//! Plain-text credentials in a manifest become Secret references in the spec.
//!
//! Which values are credentials is decided by [`crate::secrets`], as for the
//! `no-plaintext-secrets` rule, so an imported spec never trips that rule on what import
//! carried over. The values themselves are never copied, printed or written: the spec refers
//! to one Secret, `<service>-credentials` in the service's namespace, and the import report
//! lists the keys the user must put in it (and where each value was).
//!
//! * A container environment variable (`env: [{name, value}]`, in any pod template, any
//!   container) keeps its name and place and reads `valueFrom.secretKeyRef`.
//! * S3 credentials in `flinkConfiguration` (`s3.access-key`, `s3.secret.key`,
//!   `fs.s3a.access.key`, …) become `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` from the
//!   Secret (spec `secrets`): Flink's S3 file systems read the AWS default credential chain,
//!   which reads those variables.
//! * `containerized.master.env.X` / `containerized.taskmanager.env.X` (environment variables
//!   set through Flink's configuration) become variable `X` from the Secret, in both roles.
//! * Any other credential in `flinkConfiguration` cannot be read from a Secret by Flink: it is
//!   dropped and reported as not kept, with the Secret key to create.

use crate::tree::{Map, Node, Origin, Value};

/// One key the user must create in the Secret, and where its value was in the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretKey {
    pub secret: String,
    pub key: String,
    /// The manifest field the value came from, e.g. `spec.flinkConfiguration.s3.secret-key`.
    pub field: String,
}

/// The Secret an imported service reads its credentials from.
pub fn secret_name(service: &str) -> String {
    format!("{service}-credentials")
}

/// What a `flinkConfiguration` credential becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigCredential {
    /// An environment variable of both roles, from this key of the Secret.
    Env { var: String, key: String },
    /// Flink reads it only from its configuration: it cannot be a Secret reference.
    Unsupported { key: String },
}

/// S3 credential keys of Flink's S3 file systems (`s3.*` and Hadoop's `fs.s3a.*`), and the AWS
/// variable each one's value goes to.
const S3_KEYS: [(&str, &str); 6] = [
    ("s3.access-key", "AWS_ACCESS_KEY_ID"),
    ("s3.access.key", "AWS_ACCESS_KEY_ID"),
    ("fs.s3a.access.key", "AWS_ACCESS_KEY_ID"),
    ("s3.secret-key", "AWS_SECRET_ACCESS_KEY"),
    ("s3.secret.key", "AWS_SECRET_ACCESS_KEY"),
    ("fs.s3a.secret.key", "AWS_SECRET_ACCESS_KEY"),
];
const ENV_PREFIXES: [&str; 2] = [
    "containerized.master.env.",
    "containerized.taskmanager.env.",
];

/// What the credential in `flinkConfiguration` entry `key` becomes.
pub fn config_credential(key: &str) -> ConfigCredential {
    if let Some((_, var)) = S3_KEYS.iter().find(|(k, _)| *k == key) {
        return ConfigCredential::Env {
            var: var.to_string(),
            key: secret_key(var),
        };
    }
    if let Some(var) = ENV_PREFIXES
        .iter()
        .find_map(|p| key.strip_prefix(p))
        .filter(|v| valid_env_name(v))
    {
        return ConfigCredential::Env {
            var: var.to_string(),
            key: secret_key(var),
        };
    }
    ConfigCredential::Unsupported {
        key: secret_key(key),
    }
}

/// A Secret key for a variable or configuration key: lower case, `-` for anything outside
/// `[a-z0-9.-]`, at most 253 characters (the Secret key limit).
pub fn secret_key(name: &str) -> String {
    let mut k: String = name
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(253)
        .collect();
    if k.trim_matches(['-', '.']).is_empty() {
        k = "value".into();
    }
    k
}

fn valid_env_name(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 256
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        && !v.starts_with(|c: char| c.is_ascii_digit())
}

/// Replaces every plain-text credential in the `env` of the containers of `template` (found
/// at manifest field `field`) with a `secretKeyRef` to `secret`; returns the keys to create.
/// `taken` holds the keys already used by this service, so one variable name set to two
/// different values in two places gets two keys (the values are compared, never kept).
pub fn rewrite_pod_template(
    template: &mut Node,
    field: &str,
    secret: &str,
    taken: &mut Vec<(String, String)>,
) -> Vec<SecretKey> {
    let mut out = Vec::new();
    let Some(spec) = template.as_map_mut().and_then(|m| m.get_mut("spec")) else {
        return out;
    };
    for list in ["containers", "initContainers", "ephemeralContainers"] {
        let Some(Value::Seq(containers)) = spec
            .as_map_mut()
            .and_then(|m| m.get_mut(list))
            .map(|c| &mut c.value)
        else {
            continue;
        };
        for (ci, c) in containers.iter_mut().enumerate() {
            let container = c
                .get("name")
                .and_then(Node::as_str)
                .map_or_else(|| ci.to_string(), str::to_string);
            let Some(Value::Seq(env)) = c
                .as_map_mut()
                .and_then(|m| m.get_mut("env"))
                .map(|e| &mut e.value)
            else {
                continue;
            };
            for var in env.iter_mut() {
                let Some(name) = var.get("name").and_then(Node::as_str).map(str::to_string) else {
                    continue;
                };
                let Some(value) = var.get("value").and_then(Node::scalar_text) else {
                    continue;
                };
                if !crate::secrets::env_value_is_secret(&name, &value) {
                    continue;
                }
                let key = unique_key(&secret_key(&name), &value, taken);
                if let Some(m) = var.as_map_mut() {
                    m.remove("value");
                    m.insert("valueFrom", secret_key_ref(secret, &key));
                }
                out.push(SecretKey {
                    secret: secret.to_string(),
                    key,
                    field: format!("{field}.spec.{list}[{container}].env[{name}]"),
                });
            }
        }
    }
    out
}

/// `key`, or `key-2`, `key-3`… when `key` already holds a different value.
pub fn unique_key(key: &str, value: &str, taken: &mut Vec<(String, String)>) -> String {
    let mut n = 1usize;
    loop {
        let candidate = if n == 1 {
            key.to_string()
        } else {
            format!("{key}-{n}")
        };
        match taken.iter().find(|(k, _)| *k == candidate) {
            Some((_, v)) if v == value => return candidate,
            Some(_) => n += 1,
            None => {
                taken.push((candidate.clone(), value.to_string()));
                return candidate;
            }
        }
    }
}

fn secret_key_ref(secret: &str, key: &str) -> Node {
    let mut r = Map::new();
    r.insert("name", Node::str(secret, Origin::NONE));
    r.insert("key", Node::str(key, Origin::NONE));
    let mut vf = Map::new();
    vf.insert("secretKeyRef", Node::map(r, Origin::NONE));
    Node::map(vf, Origin::NONE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map_node;

    #[test]
    fn keys_are_valid_secret_keys() {
        assert_eq!(secret_key("KAFKA_SASL_PASSWORD"), "kafka-sasl-password");
        assert_eq!(secret_key("s3.secret-key"), "s3.secret-key");
        assert_eq!(secret_key("a\nb"), "a-b");
        assert_eq!(secret_key("__"), "value");
        assert_eq!(secret_key(&"x".repeat(400)).len(), 253);
    }

    #[test]
    fn config_credentials() {
        assert_eq!(
            config_credential("s3.secret.key"),
            ConfigCredential::Env {
                var: "AWS_SECRET_ACCESS_KEY".into(),
                key: "aws-secret-access-key".into()
            }
        );
        assert_eq!(
            config_credential("containerized.master.env.AWS_SECRET_KEY"),
            ConfigCredential::Env {
                var: "AWS_SECRET_KEY".into(),
                key: "aws-secret-key".into()
            }
        );
        assert_eq!(
            config_credential("security.ssl.key-password"),
            ConfigCredential::Unsupported {
                key: "security.ssl.key-password".into()
            }
        );
    }

    #[test]
    fn one_name_two_values_two_keys() {
        let mut taken = Vec::new();
        assert_eq!(unique_key("p", "a", &mut taken), "p");
        assert_eq!(unique_key("p", "a", &mut taken), "p");
        assert_eq!(unique_key("p", "b", &mut taken), "p-2");
    }

    #[test]
    fn env_values_become_references_and_are_gone() {
        let var = |n: &str, v: &str| map_node! { "name" => n, "value" => v };
        let mut t = map_node! {
            "spec" => map_node! {
                "containers" => vec![map_node! {
                    "name" => "flink-main-container",
                    "env" => vec![var("DB_PASSWORD", "hunter2hunter2"), var("TZ", "UTC")],
                }],
            },
        };
        let mut taken = Vec::new();
        let keys = rewrite_pod_template(&mut t, "spec.podTemplate", "svc-credentials", &mut taken);
        assert_eq!(
            keys,
            [SecretKey {
                secret: "svc-credentials".into(),
                key: "db-password".into(),
                field: "spec.podTemplate.spec.containers[flink-main-container].env[DB_PASSWORD]"
                    .into()
            }]
        );
        let text = crate::yaml::emit_ordered(&t);
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("secretKeyRef"), "{text}");
        assert!(text.contains("value: UTC"), "{text}");
    }
}
