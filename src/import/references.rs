//! The ConfigMaps and Secrets a FlinkDeployment's pod templates read (volumes, projected
//! volumes, `env[].valueFrom`, `envFrom`), so that `import` says why such an object in the
//! same input is not carried over: flinkform renders no ConfigMap or Secret, and the job needs
//! it in the service's new namespace.

use super::Document;
use crate::tree::Node;

/// One read: the kind (`ConfigMap`/`Secret`), its name, the FlinkDeployment that reads it and
/// how (`volume x`, `env VAR`, `envFrom`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub kind: &'static str,
    pub name: String,
    pub deployment: String,
    pub how: String,
}

/// Every ConfigMap and Secret the FlinkDeployments among `docs` read.
pub fn read_by(docs: &[Document<'_>]) -> Vec<Read> {
    let mut out = Vec::new();
    for d in docs {
        if d.node.get("kind").and_then(Node::as_str) != Some("FlinkDeployment") {
            continue;
        }
        let deployment = d
            .node
            .path(&["metadata", "name"])
            .and_then(Node::as_str)
            .unwrap_or("?")
            .to_string();
        let Some(spec) = d.node.get("spec") else {
            continue;
        };
        for path in crate::secrets::POD_TEMPLATES {
            if let Some(pod) = spec.path(path).and_then(|t| t.get("spec")) {
                pod_reads(pod, &deployment, &mut out);
            }
        }
    }
    out
}

fn pod_reads(pod: &Node, deployment: &str, out: &mut Vec<Read>) {
    let mut push = |kind: &'static str, name: Option<&Node>, how: String| {
        if let Some(name) = name.and_then(Node::as_str) {
            out.push(Read {
                kind,
                name: name.to_string(),
                deployment: deployment.to_string(),
                how,
            });
        }
    };
    for v in pod
        .get("volumes")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        let volume = v.get("name").and_then(Node::as_str).unwrap_or("?");
        push(
            "ConfigMap",
            v.path(&["configMap", "name"]),
            format!("volume `{volume}`"),
        );
        push(
            "Secret",
            v.path(&["secret", "secretName"]),
            format!("volume `{volume}`"),
        );
        for src in v
            .path(&["projected", "sources"])
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            push(
                "ConfigMap",
                src.path(&["configMap", "name"]),
                format!("volume `{volume}`"),
            );
            push(
                "Secret",
                src.path(&["secret", "name"]),
                format!("volume `{volume}`"),
            );
        }
    }
    for list in ["containers", "initContainers"] {
        for c in pod.get(list).and_then(Node::as_seq).unwrap_or_default() {
            for e in c.get("env").and_then(Node::as_seq).unwrap_or_default() {
                let var = e.get("name").and_then(Node::as_str).unwrap_or("?");
                push(
                    "ConfigMap",
                    e.path(&["valueFrom", "configMapKeyRef", "name"]),
                    format!("environment variable `{var}`"),
                );
                push(
                    "Secret",
                    e.path(&["valueFrom", "secretKeyRef", "name"]),
                    format!("environment variable `{var}`"),
                );
            }
            for e in c.get("envFrom").and_then(Node::as_seq).unwrap_or_default() {
                push(
                    "ConfigMap",
                    e.path(&["configMapRef", "name"]),
                    "envFrom".into(),
                );
                push("Secret", e.path(&["secretRef", "name"]), "envFrom".into());
            }
        }
    }
}

/// Why the ConfigMap or Secret `name` is not carried over, when a FlinkDeployment reads it.
pub fn reason(kind: &str, name: &str, reads: &[Read]) -> Option<String> {
    let by: Vec<&Read> = reads
        .iter()
        .filter(|r| r.kind == kind && r.name == name)
        .collect();
    let first = by.first()?;
    let users: Vec<String> = by
        .iter()
        .map(|r| format!("FlinkDeployment/{} ({})", r.deployment, r.how))
        .collect();
    let what = if kind == "Secret" {
        "flinkform never writes a Secret's values into Git: create it there with your secret manager"
    } else {
        "flinkform renders no ConfigMap: keep it next to the rendered output (Flux can apply it from the same repository)"
    };
    Some(format!(
        "read by {}; the job needs it in the service's namespace `{}`, and {what}",
        users.join(", "),
        first.deployment
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map_node;

    #[test]
    fn volumes_env_and_env_from_are_reads() {
        let deployment = map_node! {
            "kind" => "FlinkDeployment",
            "metadata" => map_node! { "name" => "orders" },
            "spec" => map_node! {
                "podTemplate" => map_node! { "spec" => map_node! {
                    "volumes" => vec![map_node! { "name" => "conf", "configMap" => map_node! { "name" => "orders-conf" } }],
                    "containers" => vec![map_node! {
                        "name" => "flink-main-container",
                        "envFrom" => vec![map_node! { "secretRef" => map_node! { "name" => "orders-env" } }],
                    }],
                }},
            },
        };
        let docs = [Document {
            source: "m.yaml",
            node: &deployment,
        }];
        let reads = read_by(&docs);
        assert_eq!(reads.len(), 2);
        let why = reason("ConfigMap", "orders-conf", &reads).expect("read");
        assert!(
            why.starts_with("read by FlinkDeployment/orders (volume `conf`); the job needs it in the service's namespace `orders`"),
            "{why}"
        );
        assert!(reason("Secret", "orders-env", &reads).is_some());
        assert_eq!(reason("Secret", "other", &reads), None);
        assert_eq!(reason("ConfigMap", "orders-env", &reads), None);
    }
}
