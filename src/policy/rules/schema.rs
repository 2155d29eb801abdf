crate::declare_rule! {
    /// A spec or the platform config does not follow its schema.
    ///
    /// ## What it checks
    /// `schemas/service.schema.json` and `schemas/platform.schema.json`: field names and types,
    /// required fields, allowed values; memory written as unambiguous Kubernetes binary
    /// quantities (`4Gi`, `4096Mi`); names that are DNS-1123 labels of at most 45 characters;
    /// and the references between files: a spec's folder named after its service
    /// (`services/orders/service.yaml` holds `name: orders`), and so service names unique in
    /// the repository (two specs in folders of one name clash), environments
    /// and clusters that the platform config defines, values every service needs after
    /// defaults and overlays (`flinkVersion`, `image`, `job.jarURI`), templates with known
    /// placeholders.
    ///
    /// ## Why
    /// Everything else (rendering, policy) works on what the specs mean; a misspelled key
    /// would otherwise be silently ignored, and `4G` of memory means 4×10⁹ bytes to Kubernetes
    /// but 4 GiB to Flink.
    ///
    /// ## Fix
    /// Follow the message and its help; `docs/spec.md` documents every field. This finding
    /// cannot be waived or turned off.
    pub struct Schema { name: "schema", severity: Error }
}

impl crate::policy::Rule for Schema {
    fn meta(&self) -> &'static crate::policy::RuleMeta {
        &Self::META
    }
}
