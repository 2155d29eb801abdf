//! `kustomization.yaml` files (kustomize's own format, not Flux's CRD).

use crate::tree::{Map, Node, Origin};

pub fn kustomization<'a>(resources: impl Iterator<Item = &'a str>) -> Node {
    let mut m = Map::new();
    m.insert(
        "apiVersion",
        Node::str("kustomize.config.k8s.io/v1beta1", Origin::NONE),
    );
    m.insert("kind", Node::str("Kustomization", Origin::NONE));
    m.insert(
        "resources",
        Node::seq(
            resources.map(|r| Node::str(r, Origin::NONE)).collect(),
            Origin::NONE,
        ),
    );
    Node::map(m, Origin::NONE)
}
