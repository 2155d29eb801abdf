//! Tenant isolation: each service gets its own Namespace (enforcing the environment's Pod
//! Security Standards level) and ServiceAccount, and a Role bound to that account with exactly
//! what Flink's native Kubernetes mode needs (the operator's `jobRbacRules`: pods and
//! configmaps, deployments and their finalizers).

use super::context::Ctx;
use crate::diag::Diagnostic;
use crate::tree::{Map, Node, Origin};

fn object(api_version: &str, kind: &str, metadata: Map) -> Map {
    let mut m = Map::new();
    m.insert("apiVersion", Node::str(api_version, Origin::NONE));
    m.insert("kind", Node::str(kind, Origin::NONE));
    m.insert("metadata", Node::map(metadata, Origin::NONE));
    m
}

/// The service's Namespace, labelled for Pod Security Admission with the environment's level
/// (`policy.podSecurity`): the cluster then rejects any pod there that the level forbids,
/// including pods the job's own code creates through its service account. A Namespace's
/// labels are switches for everything in it (admission exemptions, the mesh, Flux ownership,
/// the Pod Security level), so it carries flinkform's own labels only, never the service's
/// (those go on the namespaced objects; `reserved-labels` and `pod-security` report the ones
/// the cluster acts on).
pub fn namespace(ctx: &Ctx<'_>) -> Node {
    let mut meta = ctx.metadata(ctx.name);
    meta.remove("namespace");
    let level = ctx.platform.policy.pod_security(&ctx.env.name.value);
    let mut labels = ctx.own_labels();
    for (k, v) in crate::pod_security::admission_labels(level.value) {
        labels.insert(k, Node::str(v, level.origin));
    }
    meta.insert("labels", Node::map(labels, Origin::NONE));
    Node::map(object("v1", "Namespace", meta), Origin::NONE)
}

pub fn service_account(ctx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) -> Node {
    let mut meta = ctx.metadata(ctx.name);
    let mut annotations = Map::new();
    for (k, template) in &ctx.platform.service_account_annotations {
        match ctx.expand(template) {
            Ok(v) => annotations.insert(k.clone(), Node::str(v.value, v.origin)),
            Err(d) => diags.push(d),
        }
    }
    if !annotations.is_empty() {
        meta.insert("annotations", Node::map(annotations, Origin::NONE));
    }
    Node::map(object("v1", "ServiceAccount", meta), Origin::NONE)
}

const VERBS: [&str; 7] = [
    "get", "list", "watch", "create", "update", "patch", "delete",
];

fn rule(api_group: &str, resources: &[&str]) -> Node {
    let strs = |xs: &[&str]| {
        Node::seq(
            xs.iter().map(|x| Node::str(*x, Origin::NONE)).collect(),
            Origin::NONE,
        )
    };
    let mut m = Map::new();
    m.insert("apiGroups", strs(&[api_group]));
    m.insert("resources", strs(resources));
    m.insert("verbs", strs(&VERBS));
    Node::map(m, Origin::NONE)
}

pub fn role(ctx: &Ctx<'_>) -> Node {
    let mut m = object(
        "rbac.authorization.k8s.io/v1",
        "Role",
        ctx.metadata(ctx.name),
    );
    m.insert(
        "rules",
        Node::seq(
            vec![
                rule("", &["pods", "configmaps"]),
                rule("apps", &["deployments", "deployments/finalizers"]),
            ],
            Origin::NONE,
        ),
    );
    Node::map(m, Origin::NONE)
}

pub fn role_binding(ctx: &Ctx<'_>) -> Node {
    let mut m = object(
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
        ctx.metadata(ctx.name),
    );
    let mut role_ref = Map::new();
    role_ref.insert(
        "apiGroup",
        Node::str("rbac.authorization.k8s.io", Origin::NONE),
    );
    role_ref.insert("kind", Node::str("Role", Origin::NONE));
    role_ref.insert("name", ctx.name_node());
    m.insert("roleRef", Node::map(role_ref, Origin::NONE));
    let mut subject = Map::new();
    subject.insert("kind", Node::str("ServiceAccount", Origin::NONE));
    subject.insert("name", ctx.name_node());
    subject.insert("namespace", ctx.name_node());
    m.insert(
        "subjects",
        Node::seq(vec![Node::map(subject, Origin::NONE)], Origin::NONE),
    );
    Node::map(m, Origin::NONE)
}

pub(super) fn object_map(api_version: &str, kind: &str, metadata: Map) -> Map {
    object(api_version, kind, metadata)
}
