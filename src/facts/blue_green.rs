//! What rules and renderers share about a `FlinkBlueGreenDeployment` (operator 1.14 and later):
//! its settings, its children's names, and its `template.spec` seen as the FlinkDeployment it
//! becomes, so that every rule about a FlinkDeployment applies to it unchanged.
//!
//! Facts (apache/flink-kubernetes-operator, tags `release-1.14.0` to `main`: the
//! FlinkBlueGreenDeployment CRD and its controller, `BlueGreenUtils` and the state handlers):
//! * `spec.configuration` holds only the blue/green options (`kubernetes.operator.bluegreen.*`),
//!   read with the operator's bundled Flink 1.20 (durations: [`DurationGrammar::Flink1`]).
//! * `spec.template.spec` is a whole FlinkDeployment spec; `spec.template.metadata` is not
//!   used for the children (flinkform puts only [`TEMPLATE_DIGEST_ANNOTATION`] there): each
//!   child gets the name `<name>-blue` or `<name>-green` and only the operator's
//!   own label.
//! * The children are FlinkDeployments, whose names may have at most 45 characters, so the
//!   FlinkBlueGreenDeployment's name at most 39 (nothing checks it before the operator creates
//!   the first child, at run time).
//! * During a switch both children run: the old one is deleted only after the new one runs
//!   (plus `deployment-deletion.delay`).
//! * `spec.ingress` (beside `template`) is one Ingress named after the FlinkBlueGreenDeployment
//!   that the operator points at the active child; a template's ingress gives each child one
//!   of its own (see `render::blue_green`).
//! * The operator's admission webhook does not validate this kind at all.
//!
//! [`DurationGrammar::Flink1`]: crate::flink::duration::DurationGrammar::Flink1

use crate::tree::{Map, Node, Origin};

/// The kind.
pub const KIND: &str = "FlinkBlueGreenDeployment";

/// The suffixes of the two children's names.
pub const CHILD_SUFFIXES: [&str; 2] = ["-blue", "-green"];

/// The longest name whose children's names fit the operator's limit for a FlinkDeployment.
pub const MAX_NAME_LEN: usize = crate::facts::names::MAX_LEN - "-green".len();

/// The prefix of every blue/green option.
pub const CONFIG_PREFIX: &str = "kubernetes.operator.bluegreen.";

/// One blue/green option: its field in a service spec, its key in `spec.configuration`, and
/// the operator's default.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub field: &'static str,
    pub key: &'static str,
    pub default: &'static str,
}

/// The operator's blue/green options (`FlinkBlueGreenDeploymentConfigOptions`, 1.14.0 – main).
pub const SETTINGS: [Setting; 3] = [
    Setting {
        field: "abortGracePeriod",
        key: "kubernetes.operator.bluegreen.abort.grace-period",
        default: "10 min",
    },
    Setting {
        field: "deploymentDeletionDelay",
        key: "kubernetes.operator.bluegreen.deployment-deletion.delay",
        default: "0 ms",
    },
    Setting {
        field: "rescheduleInterval",
        key: "kubernetes.operator.bluegreen.reconciliation.reschedule-interval",
        default: "15 s",
    },
];

/// The annotation of `spec.template.metadata` that carries [`template_digest`]: the mark by
/// which a Flux health check tells that the operator has taken the current template (see
/// `render::health`). The operator ignores `template.metadata` for the children (they get
/// the FlinkBlueGreenDeployment's own), but keeps it in `status.lastReconciledSpec`, the
/// whole spec as JSON, when it takes a new template.
pub const TEMPLATE_DIGEST_ANNOTATION: &str = "flinkform.dev/template-digest";

/// A digest of a rendered `spec.template.spec`: 16 hex digits of FNV-1a (64 bit) over its
/// YAML, which is the same bytes for the same tree. It only has to change when the template
/// does (a mark, not a security measure); hex so that it needs no escaping in JSON.
pub fn template_digest(template_spec: &Node) -> String {
    format!(
        "{:016x}",
        fnv1a(crate::yaml::emit(template_spec).as_bytes())
    )
}

/// FNV-1a, 64 bit.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Whether `object` is a FlinkBlueGreenDeployment.
pub fn is_blue_green(object: &Node) -> bool {
    object.get("kind").and_then(Node::as_str) == Some(KIND)
}

/// The FlinkDeployment a FlinkBlueGreenDeployment's children are made from: its `apiVersion`,
/// `metadata` and `spec.template.spec`, every node with its origin (so a finding about the
/// template points at the line that wrote it), and `kind: FlinkDeployment` at the origin of
/// its own `kind`. `None` for any other object.
pub fn template_deployment(object: &Node) -> Option<Node> {
    if !is_blue_green(object) {
        return None;
    }
    let mut m = Map::new();
    if let Some(v) = object.get("apiVersion") {
        m.insert("apiVersion", v.clone());
    }
    let kind_origin = object.get("kind").map_or(Origin::NONE, |k| k.origin);
    m.insert("kind", Node::str("FlinkDeployment", kind_origin));
    if let Some(meta) = object.get("metadata") {
        m.insert("metadata", meta.clone());
    }
    if let Some(spec) = object.path(&["spec", "template", "spec"]) {
        m.insert("spec", spec.clone());
    }
    Some(Node::map(m, object.origin))
}

/// [`template_deployment`] of each of `objects`, by index (`None` where it is not a
/// FlinkBlueGreenDeployment): what policy targets borrow their view of a template from.
pub fn templates(objects: &[&Node]) -> Vec<Option<Node>> {
    objects.iter().map(|o| template_deployment(o)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_follows_the_template() {
        let a = Node::str("a", Origin::NONE);
        let b = Node::str("b", Origin::NONE);
        assert_eq!(template_digest(&a), template_digest(&a.clone()));
        assert_ne!(template_digest(&a), template_digest(&b));
        let d = template_digest(&a);
        assert_eq!(d.len(), 16);
        assert!(
            d.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        // FNV-1a's published test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn the_longest_name_leaves_room_for_green() {
        assert_eq!(MAX_NAME_LEN, 39);
        assert_eq!(
            MAX_NAME_LEN + CHILD_SUFFIXES.iter().map(|s| s.len()).max().unwrap(),
            45
        );
    }

    #[test]
    fn the_template_keeps_metadata_and_origins() {
        let src = "apiVersion: flink.apache.org/v1beta1\nkind: FlinkBlueGreenDeployment\nmetadata:\n  name: orders\n  namespace: orders\nspec:\n  configuration: {}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      image: flink:1.20\n";
        let mut sources = crate::source::SourceMap::default();
        let id = sources.add(crate::source::SourceFile::new("bg.yaml", src));
        let node = crate::yaml::load_all(id, &sources.get(id))
            .unwrap()
            .remove(0);
        let t = template_deployment(&node).expect("a template");
        assert_eq!(
            t.get("kind").and_then(Node::as_str),
            Some("FlinkDeployment")
        );
        assert_eq!(
            t.path(&["metadata", "name"]).and_then(Node::as_str),
            Some("orders")
        );
        let image = t.path(&["spec", "image"]).expect("the template's image");
        assert_eq!(image.as_str(), Some("flink:1.20"));
        let span = image.origin.span().expect("the image keeps its line");
        assert_eq!(&src[span.start as usize..span.end as usize], "flink:1.20");
        assert!(t.path(&["spec", "configuration"]).is_none());
        assert!(t.path(&["metadata", "labels"]).is_none());
        assert!(template_deployment(&t).is_none());
    }
}
