//! The FlinkBlueGreenDeployment of a service with `blueGreen.enabled` (operator 1.14 and
//! later): the FlinkDeployment flinkform would otherwise render becomes its `template.spec`,
//! under the same name and metadata, and the spec's blue/green settings its `configuration`
//! (only those the spec sets: the operator's defaults apply to the others).
//!
//! `template.metadata` holds only the digest of `template.spec`
//! ([`crate::facts::blue_green::TEMPLATE_DIGEST_ANNOTATION`]): the operator gives the children
//! their own metadata and ignores it, but records it with the spec it takes, which is how the
//! Flux health check knows that the operator has seen a new template (`render::health`).
//!
//! The spec's `ingress` goes to the parent's `spec.ingress`, not into the template. What the
//! operator does with each (the same code in tags `release-1.14.0`, `release-1.15.0` and
//! `main` at 6e9caeb4 of apache/flink-kubernetes-operator):
//! * `spec.ingress` of the FlinkBlueGreenDeployment: `IngressUtils.reconcileBlueGreenIngress`
//!   makes one Ingress named after the FlinkBlueGreenDeployment (its `{{name}}` and
//!   `{{namespace}}` are the parent's), owned by it, whose backend is the active child's REST
//!   service (`<child>-rest`). `BlueGreenDeploymentService.finalizeBlueGreenDeployment` points
//!   it at the new child at the end of every switch (`updateBlueGreenIngress`), and
//!   `ActiveStateHandler` reconciles it while a child is active
//!   (`reconcileIngressForActiveDeployment`). One address that always reaches the running job.
//! * `spec.template.spec.ingress`: each child is a FlinkDeployment with its own Ingress, and
//!   `BlueGreenUtils` (where it builds a child, "prevent path collision between Blue and
//!   Green") prefixes the template with `blue-` or `green-`: `{{name}}.example.com` becomes
//!   `blue-orders-blue.example.com` for one child and `green-orders-green.example.com` for the
//!   next, an address that changes at every switch (and a path template such as
//!   `/{{namespace}}/{{name}}` becomes the host `blue-`).
//!
//! Both need the operator's ingress management on (`kubernetes.operator.ingress.manage`,
//! default true), as for a FlinkDeployment.

use super::context::Ctx;
use crate::facts::blue_green::{KIND, TEMPLATE_DIGEST_ANNOTATION, template_digest};
use crate::facts::dialect::APACHE_API_VERSION;
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
    let mut template_spec = fd.remove("spec").unwrap_or_else(Node::null);
    // The parent's ingress follows the active child; the template's would give each child an
    // address of its own (module comment).
    let ingress = match &mut template_spec.value {
        crate::tree::Value::Map(m) => m.remove("ingress"),
        _ => None,
    };
    // The mark by which Flux's health check tells that the operator has taken this template
    // (`render::health`); the children never see it.
    let mut annotations = Map::new();
    annotations.insert(
        TEMPLATE_DIGEST_ANNOTATION,
        Node::str(template_digest(&template_spec), Origin::NONE),
    );
    let mut metadata = Map::new();
    metadata.insert("annotations", Node::map(annotations, Origin::NONE));
    let mut template = Map::new();
    template.insert("metadata", Node::map(metadata, Origin::NONE));
    template.insert("spec", template_spec);
    let mut spec = Map::new();
    spec.insert("configuration", Node::map(configuration, Origin::NONE));
    if let Some(ingress) = ingress {
        spec.insert("ingress", ingress);
    }
    spec.insert("template", Node::map(template, Origin::NONE));
    let mut obj = Map::new();
    obj.insert(
        "apiVersion",
        fd.remove("apiVersion")
            .unwrap_or_else(|| Node::str(APACHE_API_VERSION, Origin::NONE)),
    );
    obj.insert("kind", Node::str(KIND, Origin::NONE));
    obj.insert("metadata", fd.remove("metadata").unwrap_or_else(Node::null));
    obj.insert("spec", Node::map(spec, Origin::NONE));
    Node::map(obj, Origin::NONE)
}
