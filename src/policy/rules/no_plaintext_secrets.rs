use crate::excerpt::quote;
use crate::policy::{Finding, Rule, Target};
use crate::secrets::{self, SiteKind};
use crate::tree::Origin;

crate::declare_rule! {
    /// No credentials in plain text: reference Secrets instead.
    ///
    /// ## What it checks
    /// Values that look like credentials, wherever they would end up in the cluster in plain
    /// text:
    /// * `flinkConfiguration` keys that name a secret (`*password*`, `*secret*`, `*token*`,
    ///   `*access-key*`/`*access.key*`, `*api-key*`, `*private-key*`, `*account-key*` (Azure's
    ///   `fs.azure.account.key.<account>…`), `*credentials*`, `*.jaas.config` with a
    ///   `password=`), unless the value is a file path or a reference (`${…}`, `$(…)`), or
    ///   wholly a placeholder left to fill in (`<jks-password>`, reported by
    ///   `unfilled-placeholder`; the shape is strict: `<Xk9#pw>` is a value);
    /// * container environment variables with such names and a literal `value` (in the pod
    ///   templates, which is also where a service's `env` goes);
    /// * job arguments, and containers' `args` and `command`, such as `--password=…` or
    ///   `--token …`;
    /// * `logConfiguration` files with a property named like a credential
    ///   (`appender.kafka.password = …`);
    /// * `-D` system properties named like a credential in JVM options, arguments or
    ///   variables (`-Djavax.net.ssl.keyStorePassword=…`);
    /// * anywhere in the object, anything that looks like a credential whatever its name: an
    ///   AWS access key ID (`AKIA…`), a PEM private key, a GitHub (`ghp_…`) or Slack token, a
    ///   URL with a password (`postgres://user:…@host`), an `Authorization:` header or a
    ///   `Bearer` token, a `password=…` in a JDBC URL or a JAAS configuration.
    ///
    /// Not detected: a credential under a neutral name that looks like nothing in particular
    /// (a base64 string in `MY_VALUE`; judging by entropy flags ids and hashes too), and short
    /// flags such as `-p …` (Flink's own `-p` is the parallelism).
    ///
    /// What counts as a credential is decided in one place (`src/secrets.rs`), which every
    /// command and output format uses to mask the same values: `check` and `lint` snippets,
    /// `diff`, `render --check` and `import --dry-run`.
    ///
    /// The finding shows where the value is, never the value itself.
    ///
    /// ## Why
    /// Whatever is in Git is in every clone, every fork and every CI log forever; whatever is
    /// in a FlinkDeployment is readable by everyone who can read the object. Secrets belong in
    /// Kubernetes Secrets (created by the platform's secret manager), referenced by name.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   flinkConfiguration:
    ///     s3.secret-key: hunter2hunter2
    /// ```
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
    /// ```yaml,spec,passes
    /// spec:
    ///   secrets:
    ///     - name: s3-credentials
    ///       env: { AWS_SECRET_ACCESS_KEY: secret-key }
    /// ```
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
    pub struct NoPlaintextSecrets {
        name: "no-plaintext-secrets", severity: Error, category: Policy,
        kinds: [Deployment, SessionJob], blocks_render: true, security: "9.0",
    }
}

fn finding(at: Origin, what: String) -> Finding {
    Finding::new(at, what)
        .label("plain-text credential")
        .help("store it in a Kubernetes Secret and reference it: `secrets: [{name: …, env: {VAR: key}}]` in the service spec, or valueFrom.secretKeyRef in a pod template")
        .redacted()
}

impl Rule for NoPlaintextSecrets {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        for site in secrets::sites(t.view.object) {
            // Wholly `<jks-password>`: a sample's blank for the reader's value, not a credential
            // written down; `unfilled-placeholder` reports it. Anything more is judged here.
            if site
                .node
                .as_str()
                .is_some_and(crate::facts::placeholder::unfilled)
            {
                continue;
            }
            let what = match &site.kind {
                SiteKind::Config(key) => format!(
                    "flinkConfiguration `{}` holds a credential in plain text",
                    quote(key)
                ),
                SiteKind::Env(name) => format!(
                    "environment variable `{}` holds a credential in plain text",
                    quote(name)
                ),
                SiteKind::Arg => "a job argument holds a credential in plain text".to_string(),
                SiteKind::ContainerArg(name) => format!(
                    "an argument of container `{}` holds a credential in plain text",
                    quote(name)
                ),
                SiteKind::LogConfiguration(name) => format!(
                    "logConfiguration `{}` holds a credential in plain text",
                    quote(name)
                ),
                SiteKind::Lookalike => {
                    "a value that looks like a credential is in plain text".to_string()
                }
            };
            out.push(finding(site.origin(), what));
        }
    }
}
