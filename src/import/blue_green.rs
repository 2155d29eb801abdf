//! A FlinkBlueGreenDeployment imported: its template is the FlinkDeployment its children are
//! made from, so that is what is imported; its `configuration` (the operator's blue/green
//! settings) becomes the spec's `blueGreen` block, with `enabled: true`. Its own `ingress`
//! (beside `template`) becomes the spec's `ingress`, which flinkform renders there
//! (`render::blue_green`: the Ingress that follows the active child); a template's ingress,
//! which gave each child an Ingress of its own, is moved there too, or dropped when the
//! object has its own.

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
    let own = object.path(&["spec", "ingress"]).filter(|i| !i.is_null());
    let in_template = object
        .path(&["spec", "template", "spec", "ingress"])
        .filter(|i| !i.is_null());
    // The spec's `ingress` after import: `Some(None)` removes the template's.
    let mut ingress: Option<Option<Node>> = None;
    let own_kept = match own {
        Some(own) if super::deployment::is_operator_ingress(own) => {
            ingress = Some(Some(own.without_origins()));
            true
        }
        Some(_) => {
            notes.push(Note {
                effect: Effect::Lost,
                field: "spec.ingress".into(),
                message: "dropped: not an operator ingress (a mapping with a `template` and only `className`, `annotations`, `labels`, `tls`)".into(),
            });
            false
        }
        None => false,
    };
    if in_template.is_some() {
        notes.push(Note {
            effect: Effect::Lost,
            field: "spec.template.spec.ingress".into(),
            message: if own_kept {
                "dropped: flinkform renders one ingress, the FlinkBlueGreenDeployment's own (`spec.ingress`, kept as the spec's `ingress`), which follows the active child; the template's gave each child an Ingress of its own"
            } else {
                "moved: the spec's `ingress` is rendered as the FlinkBlueGreenDeployment's own, one Ingress named after it that follows the active child, instead of one per child at a `blue-`/`green-`-prefixed address"
            }
            .into(),
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
        if e.key == "ingress" && ingress.is_some() {
            // Replaced (or removed) below, before `environments`.
            continue;
        }
        if e.key == "environments" {
            if let Some(Some(i)) = ingress.take() {
                out.insert("ingress", i);
            }
            if let Some(b) = block.take() {
                out.insert("blueGreen", b);
            }
        }
        out.push(Entry {
            key: e.key.clone(),
            key_origin: e.key_origin,
            value: e.value.clone(),
        });
    }
    if let Some(Some(i)) = ingress {
        out.insert("ingress", i);
    }
    if let Some(b) = block {
        out.insert("blueGreen", b);
    }
    *spec = out;
}
