//! What rules and renderers share about a `FlinkBlueGreenDeployment` (operator 1.14 and later):
//! its settings, its children's names, and its `template.spec` seen as the FlinkDeployment it
//! becomes, so that every rule about a FlinkDeployment applies to it unchanged.
//!
//! Facts (operator 1.14.0 – main; project notes `research-operator.md` §4):
//! * `spec.configuration` holds only the blue/green options (`kubernetes.operator.bluegreen.*`),
//!   read with the operator's bundled Flink 1.20 (durations: [`DurationGrammar::Flink1`]).
//! * `spec.template.spec` is a whole FlinkDeployment spec; `spec.template.metadata` is not
//!   used: each child gets the name `<name>-blue` or `<name>-green` and only the operator's
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
