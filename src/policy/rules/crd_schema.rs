crate::declare_rule! {
    /// A rendered or linted custom resource does not match its CRD.
    ///
    /// ## What it checks
    /// FlinkDeployments, FlinkSessionJobs and Flux Kustomizations are validated offline
    /// against the operator's and Flux's CRD schemas (built in: operator 1.15.0 and Flux
    /// `kustomize.toolkit.fluxcd.io/v1`; more with `--crd DIR` or the platform's `crds`).
    /// Unknown fields are errors, as with `kubeconform -strict`. A vendor's own fields are
    /// not unknown: on a manifest for Amazon EMR on EKS, `emrReleaseLabel`,
    /// `executionRoleArn`, `monitoringConfiguration`, `jobManager.highAvailabilityEnabled` and
    /// `jobManager.storageDir` are checked against the types EMR's operator gives them (its
    /// own CRDs, passed with `--crd`, check them instead).
    ///
    /// ## Why
    /// The API server rejects an object that breaks its schema, and silently prunes fields it
    /// does not know: a misspelled `volumeMount` in a pod template would be dropped after
    /// merge, at 3 a.m. This catches both before merge. Escape hatches (`podTemplate`,
    /// `flinkConfiguration`) are where such mistakes enter; the finding points at the spec line.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   podTemplate:
    ///     spec:
    ///       nodeSelektor: { pool: flink } # a typo: the CRD has no such field
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   serviceAccount: orders
    ///   job: { jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: two }
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   podTemplate:
    ///     spec:
    ///       nodeSelector: { pool: flink }
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   serviceAccount: orders
    ///   job: { jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: 2 }
    /// ```
    /// This finding cannot be waived or turned off.
    pub struct CrdSchema {
        name: "crd-schema", severity: Error, category: Core, blocks_render: true,
    }
}
