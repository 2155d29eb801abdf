//! Where a storage URI (checkpoints, savepoints, high-availability metadata) keeps its data,
//! decided once for every rule:
//!
//! * **remote**: a scheme other than `file` (`s3://`, `gs://`, `abfss://`, `hdfs://`, …): an
//!   object store or distributed file system, which survives the pod;
//! * **a mounted PersistentVolumeClaim**: `file://` (or a bare path) under the `mountPath` of
//!   a PersistentVolumeClaim volume of `flink-main-container`, in the pod template of every
//!   JVM that writes there: survives the pod (whether every pod can reach it depends on the
//!   claim's access mode, which the manifest does not show);
//! * **node-local**: any other `file://` or bare path: gone with the pod.
//!
//! A URI holding `${…}` is classified by [`super::placeholder`] first.

use crate::facts::resources::Role;
use crate::tree::Node;

/// What to write instead of node-local storage.
pub const DURABLE_HELP: &str = "use object storage or a distributed file system (s3://, gs://, abfss://, hdfs://), or a path on a PersistentVolumeClaim mounted in the pod template";

/// Where a storage URI keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// An object store or distributed file system, by scheme (lower-cased).
    Remote(String),
    /// A path on a PersistentVolumeClaim mounted in every JVM that writes it.
    Volume {
        /// The claim's name.
        claim: String,
    },
    /// The pod's own disk.
    NodeLocal,
}

impl Storage {
    /// Whether data written there survives the pod.
    pub fn is_durable(&self) -> bool {
        !matches!(self, Storage::NodeLocal)
    }
}

/// Classifies `uri` as the JVMs `writers` of the Flink object `object` see it.
pub fn classify(uri: &str, object: &Node, writers: &[Role]) -> Storage {
    let uri = uri.trim();
    let path = match uri.split_once("://") {
        Some((scheme, _)) if !scheme.is_empty() && !scheme.eq_ignore_ascii_case("file") => {
            return Storage::Remote(scheme.to_ascii_lowercase());
        }
        // `file:///p` and `file://host/p` both name `/p` on the pod's disk for Flink.
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => uri.strip_prefix("file:").unwrap_or(uri),
    };
    if !path.starts_with('/') || writers.is_empty() {
        return Storage::NodeLocal;
    }
    let mut claim = None;
    for role in writers {
        match claim_under(object, role, path) {
            Some(c) => claim = claim.or(Some(c)),
            None => return Storage::NodeLocal,
        }
    }
    claim.map_or(Storage::NodeLocal, |claim| Storage::Volume { claim })
}

/// The PersistentVolumeClaim whose mount in `role`'s `flink-main-container` holds `path`: the
/// role's pod template over the shared one (the operator merges them, the role's winning).
fn claim_under(object: &Node, role: &Role, path: &str) -> Option<String> {
    let templates = [
        object.path(&["spec", role.section, "podTemplate", "spec"]),
        object.path(&["spec", "podTemplate", "spec"]),
    ];
    for pod in templates.into_iter().flatten() {
        let mounts = pod
            .get("containers")
            .and_then(Node::as_seq)
            .into_iter()
            .flatten()
            .filter(|c| c.get("name").and_then(Node::as_str) == Some("flink-main-container"))
            .filter_map(|c| c.get("volumeMounts").and_then(Node::as_seq))
            .flatten();
        for mount in mounts {
            let (Some(name), Some(at)) = (
                mount.get("name").and_then(Node::as_str),
                mount.get("mountPath").and_then(Node::as_str),
            ) else {
                continue;
            };
            let at = at.trim_end_matches('/');
            let inside = path == at || path.strip_prefix(at).is_some_and(|r| r.starts_with('/'));
            if !inside {
                continue;
            }
            let claim = templates
                .into_iter()
                .flatten()
                .filter_map(|p| p.get("volumes").and_then(Node::as_seq))
                .flatten()
                .find(|v| v.get("name").and_then(Node::as_str) == Some(name))
                .and_then(|v| v.path(&["persistentVolumeClaim", "claimName"]))
                .and_then(Node::as_str);
            if let Some(claim) = claim {
                return Some(claim.to_string());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::resources::{JOB_MANAGER, ROLES};
    use serde_json::json;

    fn deployment(spec: serde_json::Value) -> Node {
        Node::from_json(&json!({ "kind": "FlinkDeployment", "spec": spec }))
    }

    fn pvc_pod(mount: &str) -> serde_json::Value {
        json!({ "spec": {
            "containers": [{ "name": "flink-main-container",
                             "volumeMounts": [{ "name": "state", "mountPath": mount }] }],
            "volumes": [{ "name": "state", "persistentVolumeClaim": { "claimName": "flink-state" } }],
        }})
    }

    #[test]
    fn remote_schemes_are_durable_and_bare_paths_are_not() {
        let plain = deployment(json!({}));
        for (uri, want) in [
            ("s3://b/cp", Storage::Remote("s3".into())),
            ("S3A://b/cp", Storage::Remote("s3a".into())),
            (
                "abfss://c@a.dfs.core.windows.net/x",
                Storage::Remote("abfss".into()),
            ),
            ("hdfs:///flink/cp", Storage::Remote("hdfs".into())),
            ("file:///tmp/cp", Storage::NodeLocal),
            ("FILE:///tmp/cp", Storage::NodeLocal),
            ("/flink/ha", Storage::NodeLocal),
            ("relative/dir", Storage::NodeLocal),
            ("://x", Storage::NodeLocal),
        ] {
            assert_eq!(classify(uri, &plain, &ROLES), want, "{uri}");
        }
    }

    #[test]
    fn file_on_a_mounted_claim_is_durable_in_every_writer() {
        let shared = deployment(json!({ "podTemplate": pvc_pod("/flink-data/") }));
        let volume = Storage::Volume {
            claim: "flink-state".into(),
        };
        assert_eq!(classify("file:///flink-data/cp", &shared, &ROLES), volume);
        assert_eq!(classify("/flink-data", &shared, &ROLES), volume);
        assert_eq!(
            classify("file:///flink-database/cp", &shared, &ROLES),
            Storage::NodeLocal
        );
        // Only the JobManager mounts it: checkpoints (written by both) are node-local, the HA
        // metadata (written by the JobManager) is on the claim.
        let jm_only = deployment(json!({ "jobManager": { "podTemplate": pvc_pod("/ha") } }));
        assert_eq!(
            classify("file:///ha/x", &jm_only, &ROLES),
            Storage::NodeLocal
        );
        assert_eq!(classify("file:///ha/x", &jm_only, &[JOB_MANAGER]), volume);
        // A mount of a volume that is not a claim (emptyDir) is the pod's own disk.
        let empty_dir = deployment(json!({ "podTemplate": { "spec": {
            "containers": [{ "name": "flink-main-container",
                             "volumeMounts": [{ "name": "state", "mountPath": "/data" }] }],
            "volumes": [{ "name": "state", "emptyDir": {} }],
        }}}));
        assert_eq!(
            classify("file:///data/cp", &empty_dir, &ROLES),
            Storage::NodeLocal
        );
    }
}
