//! The PodMonitor (Prometheus operator) that scrapes the Prometheus reporter of the job's
//! JobManager and TaskManagers. Native-mode pods carry `app: <FlinkDeployment name>` and
//! `type: flink-native-kubernetes`; the reporter port is named `metrics` in the pod template.
//! A blue/green service's pods are its children's, `app: <name>-blue` or `<name>-green`.

use super::context::Ctx;
use super::tenancy::object_map;
use crate::tree::{Map, Node, Origin};

pub fn build(ctx: &Ctx<'_>) -> Node {
    let mut meta = ctx.metadata(ctx.name);
    if let Some(labels) = meta.get_mut("labels").and_then(Node::as_map_mut) {
        for (k, v) in &ctx.platform.monitoring.pod_monitor_labels {
            labels.insert(k.clone(), Node::str(v.clone(), Origin::NONE));
        }
    }
    let mut match_labels = Map::new();
    let mut selector = Map::new();
    if ctx.resolved.spec.blue_green.enabled() {
        // The pods are the children's: `app: <name>-blue` or `app: <name>-green`.
        let children = crate::facts::blue_green::CHILD_SUFFIXES
            .iter()
            .map(|suffix| Node::str(format!("{}{suffix}", ctx.name), Origin::NONE))
            .collect();
        let mut app = Map::new();
        app.insert("key", Node::str("app", Origin::NONE));
        app.insert("operator", Node::str("In", Origin::NONE));
        app.insert("values", Node::seq(children, Origin::NONE));
        selector.insert(
            "matchExpressions",
            Node::seq(vec![Node::map(app, Origin::NONE)], Origin::NONE),
        );
    } else {
        match_labels.insert("app", ctx.name_node());
    }
    match_labels.insert("type", Node::str("flink-native-kubernetes", Origin::NONE));
    selector.insert("matchLabels", Node::map(match_labels, Origin::NONE));
    let mut endpoint = Map::new();
    endpoint.insert("port", Node::str("metrics", Origin::NONE));
    let mut spec = Map::new();
    spec.insert("selector", Node::map(selector, Origin::NONE));
    spec.insert(
        "podMetricsEndpoints",
        Node::seq(vec![Node::map(endpoint, Origin::NONE)], Origin::NONE),
    );
    let mut m = object_map("monitoring.coreos.com/v1", "PodMonitor", meta);
    m.insert("spec", Node::map(spec, Origin::NONE));
    Node::map(m, Origin::NONE)
}
