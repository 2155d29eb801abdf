crate::declare_rule! {
    /// A spec or the platform config does not follow its schema.
    ///
    /// ## What it checks
    /// `schemas/service.schema.json` and `schemas/platform.schema.json`: field names and types,
    /// required fields, allowed values; memory written as unambiguous Kubernetes binary
    /// quantities (`4Gi`, `4096Mi`); names that are DNS-1123 labels of at most 45 characters;
    /// and the references between files: a spec's folder named after its service
    /// (`services/orders/service.yaml` holds `name: orders`), environments and clusters that
    /// the platform config defines, values every service needs after defaults and overlays
    /// (`flinkVersion`, `image`, `job.jarURI`). Names used twice are `duplicate-name`,
    /// templates that cannot be filled in `template-invalid`, waiver dates that are not dates
    /// `waiver-date-invalid`.
    ///
    /// ## Why
    /// Everything else (rendering, policy) works on what the specs mean; a misspelled key
    /// would otherwise be silently ignored, and `4G` of memory means 4×10⁹ bytes to Kubernetes
    /// but 4 GiB to Flink.
    ///
    /// ## Fix
    /// Follow the message and its help; `docs/spec.md` documents every field. This finding
    /// cannot be waived or turned off.
    pub struct Schema { name: "schema", severity: Error, category: Core, blocks_render: true }
}
