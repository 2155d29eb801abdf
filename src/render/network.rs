//! The NetworkPolicy: the service's pods accept traffic only from
//! * pods in their own namespace (JobManager ↔ TaskManagers: RPC, blobs, data exchange);
//! * the operator's namespace, on the REST port (8081), which the operator uses to manage the job;
//! * the monitoring namespace, on the metrics port;
//! * the namespaces the service lists in `network.allowIngressFrom`.
//!
//! Egress is not restricted: jobs reach brokers, databases and object stores the platform does
//! not know about.

use super::context::Ctx;
use super::tenancy::object_map;
use crate::tree::{Map, Node, Origin, Sp};

const REST_PORT: i64 = 8081;

fn from_namespace(ns: &Sp<String>, port: Option<i64>) -> Node {
    let mut labels = Map::new();
    labels.insert(
        "kubernetes.io/metadata.name",
        Node::str(ns.value.clone(), ns.origin),
    );
    let mut sel = Map::new();
    sel.insert("matchLabels", Node::map(labels, Origin::NONE));
    let mut peer = Map::new();
    peer.insert("namespaceSelector", Node::map(sel, Origin::NONE));
    let mut rule = Map::new();
    rule.insert(
        "from",
        Node::seq(vec![Node::map(peer, Origin::NONE)], Origin::NONE),
    );
    if let Some(p) = port {
        let mut port = Map::new();
        port.insert("port", Node::int(p, Origin::NONE));
        port.insert("protocol", Node::str("TCP", Origin::NONE));
        rule.insert(
            "ports",
            Node::seq(vec![Node::map(port, Origin::NONE)], Origin::NONE),
        );
    }
    Node::map(rule, Origin::NONE)
}

pub fn build(ctx: &Ctx<'_>) -> Node {
    let platform = ctx.platform;
    let mut same = Map::new();
    let mut peer = Map::new();
    peer.insert("podSelector", Node::map(Map::new(), Origin::NONE));
    same.insert(
        "from",
        Node::seq(vec![Node::map(peer, Origin::NONE)], Origin::NONE),
    );
    let mut ingress = vec![
        Node::map(same, Origin::NONE),
        from_namespace(
            &Sp::made(platform.operator.namespace.clone()),
            Some(REST_PORT),
        ),
        from_namespace(
            &Sp::made(platform.monitoring.namespace.clone()),
            Some(platform.monitoring.port),
        ),
    ];
    for ns in &ctx.resolved.spec.network.allow_ingress_from {
        ingress.push(from_namespace(ns, None));
    }
    let mut spec = Map::new();
    spec.insert("podSelector", Node::map(Map::new(), Origin::NONE));
    spec.insert(
        "policyTypes",
        Node::seq(vec![Node::str("Ingress", Origin::NONE)], Origin::NONE),
    );
    spec.insert("ingress", Node::seq(ingress, Origin::NONE));
    let mut m = object_map(
        "networking.k8s.io/v1",
        "NetworkPolicy",
        ctx.metadata(ctx.name),
    );
    m.insert("spec", Node::map(spec, Origin::NONE));
    Node::map(m, Origin::NONE)
}
