//! The FlinkBlueGreenDeployment of a service with `blueGreen.enabled` (operator 1.14 and
//! later): the FlinkDeployment flinkform would otherwise render becomes its `template.spec`,
//! under the same name and metadata, and the spec's blue/green settings its `configuration`
//! (only those the spec sets: the operator's defaults apply to the others).
//!
//! `template.metadata` is left out: the operator gives the children their own metadata and
//! ignores it (see [`crate::facts::blue_green`]).

use super::context::Ctx;
use crate::facts::blue_green::KIND;
use crate::tree::{Map, Node, Origin};

/// Wraps the rendered FlinkDeployment `deployment` into a FlinkBlueGreenDeployment.
pub fn wrap(ctx: &Ctx<'_>, deployment: Node) -> Node {
    let mut fd = match deployment.value {
        crate::tree::Value::Map(m) => m,
        _ => Map::new(),
    };
    let mut configuration = Map::new();
    for (key, value) in ctx.resolved.spec.blue_green.settings() {
        configuration.insert(key, Node::str(value.value.clone(), value.origin));
    }
    let mut template = Map::new();
    template.insert("spec", fd.remove("spec").unwrap_or_else(Node::null));
    let mut spec = Map::new();
    spec.insert("configuration", Node::map(configuration, Origin::NONE));
    spec.insert("template", Node::map(template, Origin::NONE));
    let mut obj = Map::new();
    obj.insert(
        "apiVersion",
        fd.remove("apiVersion")
            .unwrap_or_else(|| Node::str("flink.apache.org/v1beta1", Origin::NONE)),
    );
    obj.insert("kind", Node::str(KIND, Origin::NONE));
    obj.insert("metadata", fd.remove("metadata").unwrap_or_else(Node::null));
    obj.insert("spec", Node::map(spec, Origin::NONE));
    Node::map(obj, Origin::NONE)
}
