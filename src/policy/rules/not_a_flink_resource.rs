crate::declare_rule! {
    /// A file `lint` was given holds no Flink resource: it is skipped.
    ///
    /// ## What it checks
    /// `lint` checks FlinkDeployments, FlinkSessionJobs, FlinkBlueGreenDeployments and
    /// FlinkStateSnapshots. A file it reads without finding one of them (only other
    /// Kubernetes objects, documents without a `kind`, or nothing at all) is
    /// reported once, as information: "skipped: not a Flink resource", with what it does
    /// hold. A file that cannot be read as YAML is `yaml-syntax`'s instead.
    ///
    /// ## Why
    /// A folder given to `lint` often holds other manifests too; saying which files were
    /// passed over (a FlinkDeployment under a misspelt `kind`, a file of the wrong folder)
    /// keeps "no findings" from meaning "nothing was looked at". It never fails a run.
    ///
    /// ## Fix
    /// Nothing, if the file is not meant to be a Flink resource; otherwise correct its `kind`
    /// (`FlinkDeployment`, `FlinkSessionJob`, `FlinkBlueGreenDeployment`,
    /// `FlinkStateSnapshot`). Its severity cannot be changed: it is not a
    /// finding about a resource.
    pub struct NotAFlinkResource {
        name: "not-a-flink-resource", severity: Info, category: Core,
    }
}
