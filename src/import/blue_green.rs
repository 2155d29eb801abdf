//! A FlinkBlueGreenDeployment imported: its template is the FlinkDeployment its children are
//! made from, so that is what is imported; its `configuration` (the operator's blue/green
//! settings) becomes the spec's `blueGreen` block, with `enabled: true`.

use super::{Effect, Note};
use crate::facts::blue_green::SETTINGS;
use crate::tree::{Entry, Map, Node, Origin, Value};

/// Adds `blueGreen` to an imported spec document (before its `environments`), from the
/// FlinkBlueGreenDeployment `object`, and notes what does not come along.
pub fn add_settings(doc: &mut Node, object: &Node, notes: &mut Vec<Note>) {
    let mut block = Map::new();
    block.insert("enabled", Node::bool(true, Origin::NONE));
    let configuration = object
        .path(&["spec", "configuration"])
        .and_then(Node::as_map);
    for e in configuration.into_iter().flat_map(|m| m.iter()) {
        match SETTINGS.iter().find(|s| s.key == e.key) {
            Some(setting) => {
                let text = e.value.scalar_text().unwrap_or_default();
                block.insert(setting.field, Node::str(text, Origin::NONE));
            }
            None => notes.push(Note {
                effect: Effect::Lost,
                field: format!("spec.configuration.{}", e.key),
                message: "dropped: not one of the operator's blue/green settings the spec carries (abort grace period, deployment deletion delay, reschedule interval)".into(),
            }),
        }
    }
    if object.path(&["spec", "ingress"]).is_some() {
        notes.push(Note {
            effect: Effect::Lost,
            field: "spec.ingress".into(),
            message: "dropped: flinkform renders a service's ingress in the template, for each child, not on the FlinkBlueGreenDeployment; set `ingress` in the spec if the job needs one".into(),
        });
    }
    let Value::Map(top) = &mut doc.value else {
        return;
    };
    let Some(Value::Map(spec)) = top.get_mut("spec").map(|n| &mut n.value) else {
        return;
    };
    let mut block = Some(Node::map(block, Origin::NONE));
    let mut out = Map::new();
    for e in spec.iter() {
        if e.key == "environments"
            && let Some(b) = block.take()
        {
            out.insert("blueGreen", b);
        }
        out.push(Entry {
            key: e.key.clone(),
            key_origin: e.key_origin,
            value: e.value.clone(),
        });
    }
    if let Some(b) = block {
        out.insert("blueGreen", b);
    }
    *spec = out;
}
