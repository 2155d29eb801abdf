//! Whose operator a Flink resource is written for, decided once for every rule.
//!
//! Amazon EMR on EKS and IBM Event Automation run their own distributions of the Apache
//! operator with the same `apiVersion` (`flink.apache.org/v1beta1`); they are told apart by
//! their own fields: EMR's `spec.emrReleaseLabel` / `spec.executionRoleArn`, IBM's
//! `license.accept` / `license.use` configuration keys. Their webhooks fill in fields the
//! Apache operator requires (EMR: the service account, a default Flink version) and accept
//! configuration keys of their own, so rules report fewer "missing" and "unknown" findings
//! for them.
//!
//! An `apiVersion` other than `flink.apache.org/v1beta1` names a resource version no
//! operator release flinkform models serves. It is still checked as the Apache operator's (a
//! misspelt `apiVersion` is the likeliest cause, and the CRD catalogue reports it when it has
//! the CRDs); [`Dialect::UnknownApiVersion`] lets a rule say so.

use crate::facts::view::FlinkView;
use crate::tree::Node;

/// The `apiVersion` of the Apache operator's resources (and its vendors').
pub const APACHE_API_VERSION: &str = "flink.apache.org/v1beta1";

/// Whose operator a resource is written for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialect {
    /// The Apache Flink Kubernetes Operator.
    Apache,
    /// Amazon EMR on EKS.
    EmrOnEks,
    /// IBM Event Automation.
    Ibm,
    /// An `apiVersion` flinkform does not know (checked as [`Dialect::Apache`]).
    UnknownApiVersion(String),
}

impl Dialect {
    /// The dialect of a FlinkDeployment or FlinkSessionJob. A missing `apiVersion` is the
    /// Apache one (the CRD schema reports it missing).
    pub fn of(v: &FlinkView<'_>) -> Dialect {
        if v.spec(&["emrReleaseLabel"]).is_some() || v.spec(&["executionRoleArn"]).is_some() {
            return Dialect::EmrOnEks;
        }
        if v.get("license.accept").is_some() || v.get("license.use").is_some() {
            return Dialect::Ibm;
        }
        match v.object.get("apiVersion").and_then(Node::as_str) {
            Some(api) if api.trim() != APACHE_API_VERSION => {
                Dialect::UnknownApiVersion(api.to_string())
            }
            _ => Dialect::Apache,
        }
    }

    /// The vendor's name, for a vendor distribution of the operator.
    pub fn vendor(&self) -> Option<&'static str> {
        match self {
            Dialect::EmrOnEks => Some("Amazon EMR on EKS"),
            Dialect::Ibm => Some("IBM Event Automation"),
            Dialect::Apache | Dialect::UnknownApiVersion(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn dialect(object: serde_json::Value) -> Dialect {
        let node = Node::from_json(&object);
        Dialect::of(&FlinkView::new(&node))
    }

    #[test]
    fn dialects() {
        let apache =
            json!({ "apiVersion": APACHE_API_VERSION, "kind": "FlinkDeployment", "spec": {} });
        assert_eq!(dialect(apache), Dialect::Apache);
        let emr = json!({ "apiVersion": APACHE_API_VERSION, "kind": "FlinkDeployment",
                          "spec": { "emrReleaseLabel": "emr-7.0.0-flink-latest" } });
        assert_eq!(dialect(emr.clone()), Dialect::EmrOnEks);
        assert_eq!(dialect(emr).vendor(), Some("Amazon EMR on EKS"));
        let ibm = json!({ "apiVersion": APACHE_API_VERSION, "kind": "FlinkDeployment",
                          "spec": { "flinkConfiguration": { "license": { "accept": "true" } } } });
        assert_eq!(dialect(ibm), Dialect::Ibm);
        let other =
            json!({ "apiVersion": "flink.apache.org/v1", "kind": "FlinkDeployment", "spec": {} });
        assert_eq!(
            dialect(other.clone()),
            Dialect::UnknownApiVersion("flink.apache.org/v1".into())
        );
        assert_eq!(dialect(other).vendor(), None);
        assert_eq!(
            dialect(json!({ "kind": "FlinkDeployment" })),
            Dialect::Apache
        );
    }
}
