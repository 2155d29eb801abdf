use crate::policy::{Finding, Rule, RuleMeta, Target};
use crate::tree::{Node, Origin, Value};

crate::declare_rule! {
    /// No credentials in plain text: reference Secrets instead.
    ///
    /// ## What it checks
    /// Values that look like credentials, wherever they would end up in the cluster in plain
    /// text:
    /// * `flinkConfiguration` keys that name a secret (`*password*`, `*secret*`, `*token*`,
    ///   `*access-key*`/`*access.key*`, `*api-key*`, `*private-key*`, `*credentials*`,
    ///   `*.jaas.config` with a `password=`), unless the value is a file path or a `${…}`
    ///   reference;
    /// * container environment variables with such names and a literal `value` (in the pod
    ///   templates, which is also where a service's `env` goes);
    /// * job arguments such as `--password=…` or `--token …`;
    /// * anything that looks like an AWS access key ID (`AKIA…`) or a PEM private key.
    ///
    /// The finding shows where the value is, never the value itself.
    ///
    /// ## Why
    /// Whatever is in Git is in every clone, every fork and every CI log forever; whatever is
    /// in a FlinkDeployment is readable by everyone who can read the object. Secrets belong in
    /// Kubernetes Secrets (created by the platform's secret manager), referenced by name.
    ///
    /// ## Example
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     s3.secret-key: hunter2hunter2
    /// ```
    ///
    /// ## Fix
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   podTemplate:
    ///     spec:
    ///       containers:
    ///         - name: flink-main-container
    ///           env:
    ///             - name: AWS_SECRET_ACCESS_KEY
    ///               valueFrom: { secretKeyRef: { name: orders-s3, key: secret-key } }
    /// ```
    /// In a service spec, list the Secret under `secrets:` with the variables it fills; better
    /// still, use the cloud's workload identity (the platform's service account annotations)
    /// and no key at all.
    pub struct NoPlaintextSecrets { name: "no-plaintext-secrets", severity: Error, security: "9.0" }
}

/// Whether a configuration key or variable name names a credential.
pub fn names_secret(name: &str) -> bool {
    // Flink's own options that *reference* Secrets by name (`kubernetes.secrets: name:/path`,
    // `kubernetes.env.secretKeyRef: env:VAR,secret:name,key:k`).
    if matches!(name, "kubernetes.secrets" | "kubernetes.env.secretKeyRef") {
        return false;
    }
    let n = name.to_ascii_lowercase().replace(['_', '.'], "-");
    let pointer = [
        "-file",
        "-path",
        "-location",
        "-dir",
        "-type",
        "-provider",
        "-class",
        "-factory",
        "-enabled",
        "-length",
        "-algorithm",
    ];
    if pointer.iter().any(|p| n.ends_with(p)) {
        return false;
    }
    [
        "password",
        "passwd",
        "secret",
        "token",
        "access-key",
        "accesskey",
        "api-key",
        "apikey",
        "private-key",
        "credentials",
        "credential",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// Whether a value is a reference rather than the secret itself.
fn is_reference(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || v.starts_with('/')
        || v.starts_with("file:")
        || (v.starts_with("${") && v.ends_with('}'))
}

/// Whether a value looks like a credential whatever its name: an AWS access key ID or a PEM
/// private key.
pub fn looks_like_secret(value: &str) -> bool {
    let aws = value.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        w.len() == 20
            && (w.starts_with("AKIA") || w.starts_with("ASIA"))
            && w[4..]
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    });
    aws || value.contains("PRIVATE KEY-----")
}

fn finding(at: Origin, what: String) -> Finding {
    Finding::new(at, what)
        .label("plain-text credential")
        .help("store it in a Kubernetes Secret and reference it: `secrets: [{name: …, env: {VAR: key}}]` in the service spec, or valueFrom.secretKeyRef in a pod template")
        .redacted()
}

impl Rule for NoPlaintextSecrets {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        for e in v.conf() {
            let jaas = e.key.ends_with(".jaas.config")
                && e.value.to_ascii_lowercase().contains("password=");
            if (names_secret(&e.key) && !is_reference(&e.value))
                || jaas
                || looks_like_secret(&e.value)
            {
                out.push(finding(
                    e.origin(),
                    format!(
                        "flinkConfiguration `{}` holds a credential in plain text",
                        e.key
                    ),
                ));
            }
        }
        for path in [
            &["podTemplate"][..],
            &["jobManager", "podTemplate"],
            &["taskManager", "podTemplate"],
        ] {
            let Some(pod) = v.spec(path) else { continue };
            for list in ["containers", "initContainers"] {
                for c in pod
                    .path(&["spec", list])
                    .and_then(Node::as_seq)
                    .unwrap_or_default()
                {
                    for var in c.get("env").and_then(Node::as_seq).unwrap_or_default() {
                        let name = var.get("name").and_then(Node::as_str).unwrap_or_default();
                        let Some(value) = var.get("value") else {
                            continue;
                        };
                        let text = value.scalar_text().unwrap_or_default();
                        if (names_secret(name) && !is_reference(&text)) || looks_like_secret(&text)
                        {
                            out.push(finding(
                                value.origin.or(var.origin),
                                format!(
                                    "environment variable `{name}` holds a credential in plain text"
                                ),
                            ));
                        }
                    }
                }
            }
        }
        if let Some(Value::Seq(args)) = v.spec(&["job", "args"]).map(|n| &n.value) {
            let mut previous_names_secret = false;
            for a in args {
                let text = a.scalar_text().unwrap_or_default();
                let flag = text.trim_start_matches('-');
                let (name, inline) = match flag.split_once('=') {
                    Some((n, val)) => (n, Some(val)),
                    None => (flag, None),
                };
                let is_flag = text.starts_with('-');
                let secret_here = match inline {
                    Some(val) => names_secret(name) && !is_reference(val),
                    None => previous_names_secret && !is_flag && !is_reference(&text),
                };
                if secret_here || looks_like_secret(&text) {
                    out.push(finding(
                        a.origin,
                        "a job argument holds a credential in plain text".to_string(),
                    ));
                }
                previous_names_secret = is_flag && inline.is_none() && names_secret(name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for n in [
            "s3.secret-key",
            "fs.s3a.secret.key",
            "s3.access-key",
            "KAFKA_PASSWORD",
            "security.ssl.keystore-password",
            "API_TOKEN",
        ] {
            assert!(names_secret(n), "{n}");
        }
        for n in [
            "security.ssl.keystore",
            "fs.s3a.aws.credentials.provider",
            "password.file",
            "state.backend.type",
            "KAFKA_USERNAME",
            "kubernetes.secrets",
            "kubernetes.env.secretKeyRef",
        ] {
            assert!(!names_secret(n), "{n}");
        }
    }

    #[test]
    fn secret_values() {
        assert!(looks_like_secret("AKIAIOSFODNN7EXAMPLE"));
        assert!(looks_like_secret("-----BEGIN RSA PRIVATE KEY-----\nabc"));
        assert!(!looks_like_secret("AKIA-not-a-key"));
        assert!(!looks_like_secret("s3://bucket/path"));
    }
}
