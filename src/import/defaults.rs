//! An imported spec against the platform's defaults: a value is written into the spec only
//! where it differs from what the platform would give, and every value that a platform
//! default sets where the manifest set nothing is listed (the job changes there).
//!
//! The defaults of an environment are the platform's `defaults` with the environment's own
//! `defaults` over them, leaf by leaf. A value is left to the platform only when every
//! environment the service runs in gives exactly that value.
//!
//! `flinkConfiguration` keys are compared by the option they set
//! ([`crate::flink::config_keys::canonical`]): a manifest's `restart-strategy: fixed-delay` and a
//! platform default `restart-strategy.type: exponential-delay` are one option. The manifest's
//! value is then written under the platform's key, so that it replaces the default instead of
//! standing beside it with another value.

use crate::flink::config_keys::canonical;
use crate::spec::platform::Platform;
use crate::tree::{Map, Node, Value};

/// Spec sections whose contents are not compared leaf by leaf: free-form trees, lists that
/// replace each other whole, and fields a default never changes a job's behaviour through.
const NOT_COMPARED: [&str; 11] = [
    "podTemplate",
    "ingress",
    "logConfiguration",
    "env",
    "secrets",
    "network",
    "sources",
    "alerts",
    "environments",
    "clusters",
    "description",
];

/// A value at a spec path: `["job", "upgradeMode"]`, `["flinkConfiguration", "a.b.c"]`.
pub type Leaf = (Vec<String>, Node);

/// The comparable leaves of a spec tree (a service's `spec`, or a platform's defaults).
pub fn leaves(spec: &Node) -> Vec<Leaf> {
    let mut out = Vec::new();
    walk(spec, &mut Vec::new(), &mut out);
    out
}

fn walk(node: &Node, path: &mut Vec<String>, out: &mut Vec<Leaf>) {
    let Some(m) = node.as_map() else {
        out.push((path.clone(), node.clone()));
        return;
    };
    for e in m.iter() {
        if e.value.is_null() {
            continue;
        }
        let top = path.is_empty();
        if (top && NOT_COMPARED.contains(&e.key.as_str())) || e.key == "podTemplate" {
            continue;
        }
        if top && e.key == "flinkConfiguration" {
            for c in crate::facts::view::flatten_config(&e.value) {
                if !c.node.is_null() {
                    out.push((
                        vec!["flinkConfiguration".into(), c.key],
                        Node::str(c.value, crate::tree::Origin::NONE),
                    ));
                }
            }
            continue;
        }
        path.push(e.key.clone());
        walk(&e.value, path, out);
        path.pop();
    }
}

/// The value at `path` of a spec (`flinkConfiguration` keys taken whole).
pub fn at<'a>(spec: &'a Node, path: &[String]) -> Option<&'a Node> {
    match path {
        [fc, key] if fc == "flinkConfiguration" => spec.get(fc).and_then(|c| c.get(key)),
        _ => {
            let keys: Vec<&str> = path.iter().map(String::as_str).collect();
            spec.path(&keys)
        }
    }
    .filter(|n| !n.is_null())
}

/// Two leaves that say the same: the same text, or the same list.
pub fn same(a: &Node, b: &Node) -> bool {
    match (a.scalar_text(), b.scalar_text()) {
        (Some(x), Some(y)) => x == y,
        _ => a.without_origins().to_json() == b.without_origins().to_json(),
    }
}

/// The defaults an environment gives, leaf by leaf: its own `defaults` over the platform's.
pub fn effective(platform: &Platform, env: &str) -> Vec<Leaf> {
    let mut out: Vec<Leaf> = platform.defaults.as_ref().map(leaves).unwrap_or_default();
    let own = platform
        .environment(env)
        .and_then(|e| e.defaults.as_ref())
        .map(leaves)
        .unwrap_or_default();
    for (path, value) in own {
        match out.iter_mut().find(|(p, _)| *p == path) {
            Some(slot) => slot.1 = value,
            None => out.push((path, value)),
        }
    }
    out
}

/// Removes the value at `path` from a spec map, and the maps it leaves empty (but never
/// `job`, which a spec must have).
pub fn remove(spec: &mut Map, path: &[String]) {
    match path {
        [] => {}
        [key] => {
            spec.remove(key);
        }
        [fc, key] if fc == "flinkConfiguration" => {
            if let Some(c) = spec.get_mut(fc).and_then(Node::as_map_mut) {
                c.remove(key);
                if c.is_empty() {
                    spec.remove(fc);
                }
            }
        }
        [first, rest @ ..] => {
            let emptied = match spec.get_mut(first).map(|n| &mut n.value) {
                Some(Value::Map(inner)) => {
                    remove(inner, rest);
                    inner.is_empty()
                }
                _ => false,
            };
            if emptied && first != "job" {
                spec.remove(first);
            }
        }
    }
}

/// A manifest key of the spec's `flinkConfiguration` that sets the same option as the
/// platform's default key `default_key` under another name.
pub fn alias_of(spec: &Map, default_key: &str) -> Option<String> {
    let option = canonical(default_key);
    spec.get("flinkConfiguration")
        .and_then(Node::as_map)?
        .keys()
        .find(|k| *k != default_key && canonical(k) == option)
        .map(str::to_string)
}

/// Renames key `from` of the spec's `flinkConfiguration` to `to`, in place.
pub fn rename_config_key(spec: &mut Map, from: &str, to: &str) {
    let Some(c) = spec
        .get_mut("flinkConfiguration")
        .and_then(Node::as_map_mut)
    else {
        return;
    };
    let mut renamed = Map::new();
    for e in c.iter() {
        let key = if e.key == from { to } else { e.key.as_str() };
        renamed.insert(key.to_string(), e.value.clone());
    }
    *c = renamed;
}

/// How a path is shown: `job.upgradeMode`, `flinkConfiguration.restart-strategy.type`.
pub fn shown(path: &[String]) -> String {
    path.join(".")
}

/// What applied to the job before, where the manifest left `path` unset.
pub fn before(path: &[String]) -> &'static str {
    match path
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["job", "upgradeMode"] => "the operator ran it `stateless`",
        ["job", "state"] => "the operator's `running` applied",
        ["flinkVersion"] => "the operator rejected it",
        ["image"] => "Flink's default image ran",
        ["imagePullPolicy"] => "Kubernetes' default pull policy applied",
        ["stateBackend"] => "Flink's default state backend (`hashmap`) applied",
        ["checkpointing", "interval"] => "checkpointing was off",
        ["savepoints", "interval"] => "no periodic savepoints were taken",
        ["highAvailability"] => "high availability was off",
        ["jobManager" | "taskManager", _] => "the operator's default applied",
        _ => "Flink's default applied",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map_node;

    #[test]
    fn leaves_take_configuration_keys_whole_and_skip_free_form_trees() {
        let spec = map_node! {
            "job" => map_node! { "upgradeMode" => "savepoint" },
            "flinkConfiguration" => map_node! { "restart-strategy" => map_node! { "type" => "fixed-delay" } },
            "podTemplate" => map_node! { "spec" => map_node! {} },
            "taskManager" => map_node! { "podTemplate" => map_node! {}, "slots" => 2 },
        };
        let paths: Vec<String> = leaves(&spec).iter().map(|(p, _)| shown(p)).collect();
        assert_eq!(
            paths,
            [
                "job.upgradeMode",
                "flinkConfiguration.restart-strategy.type",
                "taskManager.slots"
            ]
        );
    }

    #[test]
    fn removing_a_leaf_removes_the_maps_it_empties_but_not_job() {
        let mut spec = map_node! {
            "job" => map_node! { "upgradeMode" => "savepoint" },
            "checkpointing" => map_node! { "interval" => "60s" },
            "flinkConfiguration" => map_node! { "a.b" => "1" },
        };
        let m = spec.as_map_mut().expect("map");
        remove(m, &["job".into(), "upgradeMode".into()]);
        remove(m, &["checkpointing".into(), "interval".into()]);
        remove(m, &["flinkConfiguration".into(), "a.b".into()]);
        assert_eq!(m.keys().collect::<Vec<_>>(), ["job"]);
    }

    #[test]
    fn a_deprecated_key_is_renamed_to_the_default_key() {
        let mut spec = map_node! {
            "flinkConfiguration" => map_node! { "restart-strategy" => "fixed-delay", "x" => "1" },
        };
        let m = spec.as_map_mut().expect("map");
        assert_eq!(
            alias_of(m, "restart-strategy.type").as_deref(),
            Some("restart-strategy")
        );
        rename_config_key(m, "restart-strategy", "restart-strategy.type");
        let keys: Vec<&str> = m
            .get("flinkConfiguration")
            .and_then(Node::as_map)
            .expect("config")
            .keys()
            .collect();
        assert_eq!(keys, ["restart-strategy.type", "x"]);
        assert_eq!(alias_of(m, "restart-strategy.type"), None);
    }
}
