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
        if EMR_FIELDS.iter().any(|(path, _)| v.spec(path).is_some()) {
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

/// The type a vendor's CRD gives one of its own fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    String,
    Boolean,
    Object,
}

impl FieldType {
    fn accepts(self, n: &Node) -> bool {
        match self {
            FieldType::String => n.as_str().is_some(),
            FieldType::Boolean => n.as_bool().is_some(),
            FieldType::Object => n.as_map().is_some(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Boolean => "boolean",
            FieldType::Object => "object",
        }
    }
}

/// Amazon EMR on EKS's own FlinkDeployment fields (paths under `spec`), typed as EMR's
/// operator types them: the release label that picks EMR's Flink build and image, the job's
/// IAM role, HA through the JobManager's own switch and storage directory, and EMR's log and
/// metrics shipping. Any one of them makes a resource EMR's.
pub const EMR_FIELDS: [(&[&str], FieldType); 5] = [
    (&["emrReleaseLabel"], FieldType::String),
    (&["executionRoleArn"], FieldType::String),
    (
        &["jobManager", "highAvailabilityEnabled"],
        FieldType::Boolean,
    ),
    (&["jobManager", "storageDir"], FieldType::String),
    (&["monitoringConfiguration"], FieldType::Object),
];

impl Dialect {
    /// The fields the vendor's operator adds to the Apache CRD, with their types (none for
    /// the Apache operator and IBM's, whose CRD is Apache's).
    pub fn own_fields(&self) -> &'static [(&'static [&'static str], FieldType)] {
        match self {
            Dialect::EmrOnEks => &EMR_FIELDS,
            _ => &[],
        }
    }

    /// Whether `path` (under `spec`) is one of the vendor's own fields.
    pub fn owns(&self, path: &[&str]) -> bool {
        self.own_fields().iter().any(|(p, _)| *p == path)
    }

    /// The vendor's own fields of `v` that do not have the vendor's type: (path under `spec`,
    /// the type expected).
    pub fn own_field_errors<'a>(
        &self,
        v: &FlinkView<'a>,
    ) -> Vec<(&'static [&'static str], &'static str, &'a Node)> {
        self.own_fields()
            .iter()
            .filter_map(|(path, ty)| {
                v.spec(path)
                    .filter(|n| !ty.accepts(n))
                    .map(|n| (*path, ty.name(), n))
            })
            .collect()
    }

    /// Whether the vendor's own HA switch is on (EMR on EKS's
    /// `jobManager.highAvailabilityEnabled: true`).
    pub fn vendor_ha_on(&self, v: &FlinkView<'_>) -> bool {
        *self == Dialect::EmrOnEks
            && v.spec(&["jobManager", "highAvailabilityEnabled"])
                .and_then(Node::as_bool)
                == Some(true)
    }

    /// The vendor's own HA storage directory (EMR on EKS's `jobManager.storageDir`).
    pub fn vendor_ha_storage<'a>(&self, v: &FlinkView<'a>) -> Option<&'a Node> {
        (*self == Dialect::EmrOnEks)
            .then(|| v.spec(&["jobManager", "storageDir"]))
            .flatten()
    }

    /// Fields the vendor's operator fills in when the manifest leaves them out (so a missing
    /// one is not a mistake): EMR on EKS sets the image from its release label; IBM's
    /// operator injects the image and the Flink version.
    pub fn injects(&self, field: &str) -> bool {
        match self {
            Dialect::EmrOnEks => field == "image",
            Dialect::Ibm => matches!(field, "image" | "flinkVersion"),
            _ => false,
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

    #[test]
    fn emr_fields_are_emr_s_with_emr_s_types() {
        let node = Node::from_json(
            &json!({ "apiVersion": APACHE_API_VERSION, "kind": "FlinkDeployment",
            "spec": { "jobManager": { "highAvailabilityEnabled": true, "storageDir": "s3://b/ha" } } }),
        );
        let v = FlinkView::new(&node);
        let d = Dialect::of(&v);
        assert_eq!(d, Dialect::EmrOnEks);
        assert!(d.owns(&["jobManager", "storageDir"]));
        assert!(!d.owns(&["jobManager", "replicas"]));
        assert!(d.vendor_ha_on(&v));
        assert_eq!(
            d.vendor_ha_storage(&v).and_then(Node::as_str),
            Some("s3://b/ha")
        );
        assert!(d.own_field_errors(&v).is_empty());
        let bad = Node::from_json(&json!({ "kind": "FlinkDeployment",
            "spec": { "emrReleaseLabel": 7, "jobManager": { "highAvailabilityEnabled": "yes" } } }));
        let v = FlinkView::new(&bad);
        let errors: Vec<(&[&str], &str)> = Dialect::of(&v)
            .own_field_errors(&v)
            .into_iter()
            .map(|(p, t, _)| (p, t))
            .collect();
        assert_eq!(
            errors,
            [
                (&["emrReleaseLabel"][..], "string"),
                (&["jobManager", "highAvailabilityEnabled"][..], "boolean")
            ]
        );
        assert!(!Dialect::of(&v).vendor_ha_on(&v));
        // The Apache operator knows no such switch.
        assert!(!Dialect::Apache.vendor_ha_on(&v));
        assert!(Dialect::Ibm.injects("flinkVersion") && !Dialect::Apache.injects("image"));
    }
}
