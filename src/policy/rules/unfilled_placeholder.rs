use crate::excerpt::quote;
use crate::facts::placeholder::unfilled;
use crate::policy::{Finding, Rule, Target};
use crate::tree::Node;

crate::declare_rule! {
    /// No value is still a placeholder for the reader to fill in (`<jks-password>`).
    ///
    /// ## What it checks
    /// Every value of the resource that is **wholly** an angle-bracket placeholder: `<`, a
    /// name of one case (letters, digits, `-`, `_`, single spaces inside, starting with a
    /// letter, at most 64 characters), `>`. Vendors' samples hold them where the reader puts
    /// their own value (`security.ssl.keystore-password: <jks-password>`). The shape is
    /// strict (`src/facts/placeholder.rs`): a value with anything more, such as `<Xk9#pw>`,
    /// `<jks-password>x` or `<<S3_BUCKET>>`, is a value, and `no-plaintext-secrets` judges it
    /// as one where it holds a credential. `${…}` placeholders, which a deploy step may fill
    /// in, are not this rule's (in `check` the rules that read them say they are deployed as
    /// written).
    ///
    /// ## Why
    /// Nothing fills an angle-bracket placeholder in: the operator would deploy the text
    /// itself, and the job would use `<jks-password>` as its keystore password. It is not a
    /// credential written in plain text either, so it is reported as what it is (rather than
    /// as a leaked secret), at its line, so that the value gets written before the manifest is
    /// applied. The finding names the field, not the text: where the field is a credential's,
    /// every output masks the value as it masks a secret.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   flinkConfiguration:
    ///     security.ssl.keystore-password: <jks-password>
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     security.ssl.keystore-password: <jks-password>
    /// ```
    ///
    /// ## Fix
    /// Write the value. A credential goes into a Kubernetes Secret, referenced by the
    /// resource (see `no-plaintext-secrets`); a file the job reads, mounted from one:
    /// ```yaml,spec,passes
    /// spec:
    ///   secrets:
    ///     - name: orders-tls
    ///       mountPath: /opt/flink/tls
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     kubernetes.secrets: orders-tls:/opt/flink/tls
    /// ```
    pub struct UnfilledPlaceholder {
        name: "unfilled-placeholder", severity: Error, category: Policy,
        kinds: [Deployment, SessionJob],
    }
}

impl Rule for UnfilledPlaceholder {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let mut found = Vec::new();
        placeholders(t.view.object, "", &mut found);
        for (field, node) in found {
            let at = node.origin;
            if at.span().is_none() {
                continue;
            }
            // The text is not quoted: where the secret scanner reads the field as a
            // credential's, every output masks it, and a message must not undo that.
            out.push(
                Finding::new(
                    at,
                    format!(
                        "`{}` is a placeholder left to fill in (`<…>`), not a value: nothing replaces it, so the resource is not deployable as written",
                        quote(&field)
                    ),
                )
                .label("unfilled placeholder")
                .help("write the value (a credential: in a Kubernetes Secret, referenced by the resource)"),
            );
        }
    }
}

/// Every string of `node` that is wholly an unfilled placeholder, with the key it is the value
/// of (`key[i]` for a list item). Recursion is bounded by the tree's depth, which the YAML
/// loader limits.
fn placeholders<'a>(node: &'a Node, key: &str, out: &mut Vec<(String, &'a Node)>) {
    if let Some(m) = node.as_map() {
        for e in m.iter() {
            placeholders(&e.value, &e.key, out);
        }
    } else if let Some(items) = node.as_seq() {
        for (i, item) in items.iter().enumerate() {
            placeholders(item, &format!("{key}[{i}]"), out);
        }
    } else if node.as_str().is_some_and(unfilled) {
        out.push((key.to_string(), node));
    }
}
