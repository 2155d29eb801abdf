//! The pod template: the service's own `podTemplate` (an escape hatch, passed through with its
//! origins) plus what flinkform adds to `flink-main-container`:
//! * `env` from the spec's plain `env` and from its secret references
//!   (`valueFrom.secretKeyRef`: the Secret's value is never rendered);
//! * volumes and mounts for secrets with a `mountPath`;
//! * the Prometheus reporter's port, named `metrics`, which the PodMonitor scrapes.
//!
//! Where the environment's Pod Security Standards level is `restricted`, the settings that
//! level requires are added where the template leaves them unset
//! ([`crate::pod_security::restricted_defaults`]).
//!
//! Lists that flinkform extends (`containers`, `env`, `volumes`, `volumeMounts`, `ports`) keep
//! the service's entries first and add flinkform's after them; an entry the service already
//! has by name is left as the service wrote it.

use super::context::Ctx;
use crate::tree::{Map, Node, Origin, Value};

pub const MAIN_CONTAINER: &str = "flink-main-container";

pub fn build(ctx: &Ctx<'_>) -> Option<Node> {
    let mut template = with_flinkform_additions(ctx)?;
    let level = ctx.platform.policy.pod_security(&ctx.env.name.value).value;
    if level == crate::pod_security::Level::Restricted {
        crate::pod_security::restricted_defaults(&mut template);
    }
    Some(template)
}

fn with_flinkform_additions(ctx: &Ctx<'_>) -> Option<Node> {
    let spec = &ctx.resolved.spec;
    let mut env = Vec::new();
    for (name, value) in &spec.env {
        env.push(named(
            &name.value,
            name.origin,
            [("value", Node::str(value.value.clone(), value.origin))],
        ));
    }
    let mut volumes = Vec::new();
    let mut mounts = Vec::new();
    for secret in &spec.secrets {
        for (var, key) in &secret.env {
            let mut sk = Map::new();
            sk.insert(
                "name",
                Node::str(secret.name.value.clone(), secret.name.origin),
            );
            sk.insert("key", Node::str(key.value.clone(), key.origin));
            let mut vf = Map::new();
            vf.insert("secretKeyRef", Node::map(sk, Origin::NONE));
            env.push(named(
                &var.value,
                var.origin,
                [("valueFrom", Node::map(vf, Origin::NONE))],
            ));
        }
        if let Some(path) = &secret.mount_path {
            let volume = format!("secret-{}", secret.name.value.replace('.', "-"));
            let mut src = Map::new();
            src.insert(
                "secretName",
                Node::str(secret.name.value.clone(), secret.name.origin),
            );
            volumes.push(named(
                &volume,
                secret.name.origin,
                [("secret", Node::map(src, Origin::NONE))],
            ));
            mounts.push(named(
                &volume,
                secret.name.origin,
                [
                    ("mountPath", Node::str(path.value.clone(), path.origin)),
                    ("readOnly", Node::bool(true, Origin::NONE)),
                ],
            ));
        }
    }
    env.sort_by(|a, b| name_of(a).cmp(name_of(b)));
    let port = named(
        "metrics",
        Origin::NONE,
        [
            (
                "containerPort",
                Node::int(ctx.platform.monitoring.port, Origin::NONE),
            ),
            ("protocol", Node::str("TCP", Origin::NONE)),
        ],
    );

    let mut template = spec
        .pod_template
        .clone()
        .unwrap_or_else(|| Node::map(Map::new(), Origin::NONE));
    if !extensible(&template) {
        // The service's template has the wrong shape where flinkform would add to it: pass it
        // through untouched, so validating the rendered object against the CRD reports it.
        return Some(template);
    }
    let pod_spec = template.ensure_map(&["spec"]);
    let containers = ensure_list(pod_spec, "containers");
    let main = match containers.iter().position(|c| name_of(c) == MAIN_CONTAINER) {
        Some(i) => &mut containers[i],
        None => {
            containers.insert(0, named(MAIN_CONTAINER, Origin::NONE, []));
            &mut containers[0]
        }
    };
    let Some(main) = main.as_map_mut() else {
        return Some(template);
    };
    if !env.is_empty() {
        extend_by_name(ensure_list(main, "env"), env);
    }
    extend_by_name(ensure_list(main, "ports"), vec![port]);
    if !mounts.is_empty() {
        extend_by_name(ensure_list(main, "volumeMounts"), mounts);
    }
    if !volumes.is_empty() {
        let pod_spec = template.ensure_map(&["spec"]);
        extend_by_name(ensure_list(pod_spec, "volumes"), volumes);
    }
    Some(template)
}

fn named<const N: usize>(name: &str, origin: Origin, fields: [(&str, Node); N]) -> Node {
    let mut m = Map::new();
    m.insert("name", Node::str(name, origin));
    for (k, v) in fields {
        m.insert(k, v);
    }
    Node::map(m, origin)
}

fn name_of(n: &Node) -> &str {
    n.get("name").and_then(Node::as_str).unwrap_or_default()
}

/// Whether flinkform can add to this template: it is a mapping, its `spec` (if any) is a
/// mapping, `containers` and `volumes` (if any) are lists, and the main container's lists are
/// lists.
fn extensible(template: &Node) -> bool {
    let is_list_or_absent = |n: Option<&Node>| n.is_none_or(|n| n.as_seq().is_some());
    let Some(t) = template.as_map() else {
        return false;
    };
    let Some(spec) = t.get("spec") else {
        return true;
    };
    let Some(spec) = spec.as_map() else {
        return false;
    };
    if !is_list_or_absent(spec.get("containers")) || !is_list_or_absent(spec.get("volumes")) {
        return false;
    }
    let main = spec
        .get("containers")
        .and_then(Node::as_seq)
        .and_then(|cs| cs.iter().find(|c| name_of(c) == MAIN_CONTAINER));
    main.is_none_or(|m| {
        ["env", "ports", "volumeMounts"]
            .iter()
            .all(|k| is_list_or_absent(m.get(k)))
    })
}

/// The list under `key`, created if absent. Callers check [`extensible`] first, so an existing
/// value there is a list.
fn ensure_list<'a>(m: &'a mut Map, key: &str) -> &'a mut Vec<Node> {
    if m.get(key).is_none_or(|n| n.as_seq().is_none()) {
        m.insert(key, Node::seq(Vec::new(), Origin::NONE));
    }
    match m.get_mut(key).map(|n| &mut n.value) {
        Some(Value::Seq(items)) => items,
        _ => unreachable!("inserted a list above"),
    }
}

fn extend_by_name(list: &mut Vec<Node>, additions: Vec<Node>) {
    for a in additions {
        if !list.iter().any(|n| name_of(n) == name_of(&a)) {
            list.push(a);
        }
    }
}
