crate::declare_rule! {
    /// Two things that must have different names have the same one.
    ///
    /// ## What it checks
    /// Service names are unique in the repository: two specs whose folders have one name (for
    /// example `services/orders/service.yaml` and `teams/a/orders/service.yaml`) clash. A
    /// cluster belongs to exactly one environment: the same cluster listed under two
    /// environments in `flinkform.yaml` clashes.
    ///
    /// ## Why
    /// A service's name is its namespace, its service account and its folder in the output; a
    /// cluster's name is its folder in the output, holding one environment's services. Two of
    /// either would write to one place, and one would silently replace the other.
    ///
    /// ## Fix
    /// Rename one of the specs' folders and its `metadata.name` together, or list the cluster
    /// under one environment only. This finding cannot be waived or turned off.
    pub struct DuplicateName {
        name: "duplicate-name", severity: Error, category: Core, blocks_render: true,
    }
}
