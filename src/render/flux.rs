//! The Flux Kustomization of one service on one cluster.
//!
//! One per service, so a broken service cannot block the others. It prunes what it applied,
//! depends on the Kustomization that installs the operator (so the FlinkDeployment CRD exists),
//! and gates on the job itself: generic health checks call a FlinkDeployment healthy as soon as
//! the operator has seen it, so `healthCheckExprs` (Flux 2.5 and later) read the job's state,
//! per kind and operator version ([`super::health`]). For an older Flux (`flux.version` below
//! 2.5) they are left out: its Kustomization CRD has no such field (the API server would prune
//! it), and the generic check stays; the platform is told once what that means
//! (`flux-health-checks`).

use super::context::Ctx;
use super::health;
use crate::facts::dialect::APACHE_API_VERSION;
use crate::spec::fields::JobState;
use crate::tree::{Map, Node, Origin};

use crate::layout::FLUX_KUSTOMIZATION_PREFIX as KUSTOMIZATION_PREFIX;

/// The `apiVersion` of the Flux Kustomizations rendered.
pub const KUSTOMIZATION_API_VERSION: &str = "kustomize.toolkit.fluxcd.io/v1";

/// The name of a service's Flux Kustomization.
pub fn kustomization_name(service: &str) -> String {
    format!("{KUSTOMIZATION_PREFIX}{service}")
}

/// `service_path` is the Kustomization's `path:`, relative to the root of the Flux source's
/// artifact (see `Flux::kustomization_path`).
pub fn build(ctx: &Ctx<'_>, service_path: &str) -> Node {
    let platform = ctx.platform;
    let flux = &platform.flux;
    let mut meta = Map::new();
    meta.insert(
        "name",
        Node::str(
            kustomization_name(ctx.name),
            ctx.resolved.service.name.origin,
        ),
    );
    meta.insert("namespace", Node::str(flux.namespace.clone(), Origin::NONE));
    meta.insert("labels", ctx.labels());

    let mut source = Map::new();
    source.insert("kind", Node::str(flux.source_kind.clone(), Origin::NONE));
    source.insert("name", Node::str(flux.source_name.clone(), Origin::NONE));
    if let Some(ns) = &flux.source_namespace {
        source.insert("namespace", Node::str(ns.clone(), Origin::NONE));
    }
    let dep = &platform.operator.flux_kustomization;
    let mut depends = Map::new();
    depends.insert("name", Node::str(dep.name.value.clone(), dep.name.origin));
    if let Some(ns) = &dep.namespace {
        depends.insert("namespace", Node::str(ns.clone(), Origin::NONE));
    }
    let kind = if ctx.resolved.spec.blue_green.enabled() {
        crate::facts::blue_green::KIND
    } else {
        "FlinkDeployment"
    };
    let mut target = Map::new();
    target.insert("apiVersion", Node::str(APACHE_API_VERSION, Origin::NONE));
    target.insert("kind", Node::str(kind, Origin::NONE));
    target.insert("name", ctx.name_node());
    target.insert("namespace", ctx.name_node());
    let suspended = ctx
        .resolved
        .spec
        .job
        .state
        .as_ref()
        .is_some_and(|s| s.value == JobState::Suspended);
    let health_check_exprs = flux.has_health_check_exprs().then(|| {
        let exprs = health::exprs(kind, platform.operator.version.value, suspended);
        let mut expr = Map::new();
        expr.insert("apiVersion", Node::str(APACHE_API_VERSION, Origin::NONE));
        expr.insert("kind", Node::str(kind, Origin::NONE));
        if let Some(p) = exprs.in_progress {
            expr.insert("inProgress", Node::str(p, Origin::NONE));
        }
        expr.insert("current", Node::str(exprs.current, Origin::NONE));
        expr.insert("failed", Node::str(exprs.failed, Origin::NONE));
        Node::seq(vec![Node::map(expr, Origin::NONE)], Origin::NONE)
    });

    let mut spec = Map::new();
    spec.insert("interval", Node::str(flux.interval.clone(), Origin::NONE));
    if let Some(r) = &flux.retry_interval {
        spec.insert("retryInterval", Node::str(r.clone(), Origin::NONE));
    }
    spec.insert("timeout", Node::str(flux.timeout.clone(), Origin::NONE));
    spec.insert("prune", Node::bool(true, Origin::NONE));
    spec.insert("sourceRef", Node::map(source, Origin::NONE));
    spec.insert("path", Node::str(service_path, Origin::NONE));
    spec.insert(
        "dependsOn",
        Node::seq(vec![Node::map(depends, Origin::NONE)], Origin::NONE),
    );
    spec.insert(
        "healthChecks",
        Node::seq(vec![Node::map(target, Origin::NONE)], Origin::NONE),
    );
    if let Some(exprs) = health_check_exprs {
        spec.insert("healthCheckExprs", exprs);
    }

    let mut m = Map::new();
    m.insert(
        "apiVersion",
        Node::str(KUSTOMIZATION_API_VERSION, Origin::NONE),
    );
    m.insert("kind", Node::str("Kustomization", Origin::NONE));
    m.insert("metadata", Node::map(meta, Origin::NONE));
    m.insert("spec", Node::map(spec, Origin::NONE));
    Node::map(m, Origin::NONE)
}
