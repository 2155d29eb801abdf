//! Resolution: one resolved service per (environment, cluster).
//!
//! Layers, each merged onto the previous one with [`crate::tree::merge`] (maps merge deeply,
//! lists replace, `null` removes):
//! 1. the platform's `defaults`;
//! 2. the environment's `defaults` in the platform config;
//! 3. the service's `spec` (without `environments`);
//! 4. the service's overlay for that environment (without `clusters`).
//!
//! Every leaf of the result keeps the origin of the layer that set it.

use super::fields::SpecFields;
use super::platform::Platform;
use super::service::ServiceFile;
use crate::diag::Diagnostic;
use crate::suggest::did_you_mean;
use crate::tree::{Node, Sp, merge};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Resolved {
    pub service: Arc<ServiceFile>,
    pub env: Sp<String>,
    pub cluster: Sp<String>,
    /// Typed view of `tree`, shared by the clusters of one environment.
    pub spec: Arc<SpecFields>,
    /// The merged `spec` tree.
    pub tree: Arc<Node>,
}

impl Resolved {
    /// `fraud-detector (prod/prod-eu-1)`: how findings name what they are about.
    pub fn subject(&self) -> String {
        format!(
            "{} ({}/{})",
            self.service.name.value, self.env.value, self.cluster.value
        )
    }
}

/// Resolves one service for every environment it names. Problems (an environment the platform
/// does not define, a cluster outside the environment, a required value nobody sets) become
/// diagnostics; the other environments still resolve.
pub fn resolve(
    service: &Arc<ServiceFile>,
    platform: &Platform,
) -> (Vec<Resolved>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    for overlay in &service.environments {
        let Some(env) = platform.environment(&overlay.name.value) else {
            let names: Vec<&str> = platform
                .environments
                .iter()
                .map(|e| e.name.value.as_str())
                .collect();
            let mut d = Diagnostic::error(
                crate::policy::RuleId::Schema,
                format!(
                    "environment `{}` is not defined in flinkform.yaml",
                    overlay.name.value
                ),
            )
            .at_opt(overlay.name.origin.span(), "unknown environment");
            d = match did_you_mean(&overlay.name.value, names.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!("defined environments: {}", names.join(", "))),
            };
            diags.push(d);
            continue;
        };
        let mut tree = platform
            .defaults
            .clone()
            .unwrap_or_else(|| Node::map(Default::default(), Default::default()));
        if let Some(d) = &env.defaults {
            merge(&mut tree, d);
        }
        merge(&mut tree, &service.spec);
        if let Some(o) = &overlay.overlay {
            merge(&mut tree, o);
        }
        let spec = match SpecFields::from_tree(&tree, service.file) {
            Ok(s) => s,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        diags.extend(missing_required(&spec, service, &overlay.name.value));
        let clusters: Vec<Sp<String>> = match &overlay.clusters {
            Some(wanted) => {
                for c in wanted {
                    if !env.clusters.iter().any(|e| e.value == c.value) {
                        let names: Vec<&str> =
                            env.clusters.iter().map(|c| c.value.as_str()).collect();
                        diags.push(
                            Diagnostic::error(
                                crate::policy::RuleId::Schema,
                                format!(
                                    "cluster `{}` is not part of environment `{}`",
                                    c.value, env.name.value
                                ),
                            )
                            .at_opt(c.origin.span(), "unknown cluster")
                            .with_help(
                                match did_you_mean(&c.value, names.iter().copied()) {
                                    Some(s) => format!("did you mean `{s}`?"),
                                    None => format!(
                                        "clusters of `{}`: {}",
                                        env.name.value,
                                        names.join(", ")
                                    ),
                                },
                            ),
                        );
                    }
                }
                wanted
                    .iter()
                    .filter(|c| env.clusters.iter().any(|e| e.value == c.value))
                    .cloned()
                    .collect()
            }
            None => env.clusters.clone(),
        };
        let spec = Arc::new(spec);
        let tree = Arc::new(tree);
        for cluster in clusters {
            out.push(Resolved {
                service: service.clone(),
                env: overlay.name.clone(),
                cluster,
                spec: spec.clone(),
                tree: tree.clone(),
            });
        }
    }
    (out, diags)
}

/// Values every service needs after all layers are merged.
fn missing_required(spec: &SpecFields, service: &ServiceFile, env: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut need = |present: bool, field: &str, example: &str| {
        if !present {
            out.push(
                Diagnostic::error(
                    crate::policy::RuleId::Schema,
                    format!("`{field}` is not set for environment `{env}`, neither by this service nor by the platform defaults"),
                )
                .at_opt(service.blame().span(), "this service")
                .with_help(format!("set it in the spec, e.g. `{example}`")),
            );
        }
    };
    need(
        spec.flink_version.is_some(),
        "flinkVersion",
        "flinkVersion: \"1.20\"",
    );
    need(
        spec.image.is_some(),
        "image",
        "image: registry.example.com/flink/my-job:1.0.0",
    );
    need(
        spec.job.jar_uri.is_some(),
        "job.jarURI",
        "jarURI: local:///opt/flink/usrlib/job.jar",
    );
    out
}
