crate::declare_rule! {
    /// A file looks like a service spec, but `services.include` does not take it.
    ///
    /// Such a file is never checked or rendered.
    ///
    /// ## What it checks
    /// Below the literal folder of each `services.include` pattern (`services/` for the
    /// default `services/*/service.yaml`), a regular file the patterns do not select (and
    /// `services.exclude` does not exclude) whose name is the pattern's file name up to case
    /// and `.yml`/`.yaml` (`service.yml`, `Service.yaml`), or exactly that name in a folder the
    /// pattern does not reach (`services/team/orders/service.yaml`). Files inside a folder that
    /// already holds a spec are that service's own. Only names are compared: no file is read
    /// to decide (docs/spec.md, "Where specs are found").
    ///
    /// ## Why
    /// A spec discovery skips is silently not deployed: `check` reports no findings for it and
    /// `render` writes nothing, so a typo in a file name looks exactly like a clean service.
    ///
    /// ## Fix
    /// Rename or move the file as the help says, or widen `services.include` in
    /// flinkform.yaml. A file that is deliberately not a spec goes in `services.exclude`. The
    /// severity is set in `policy.rules` (e.g. `spec-not-discovered: error`, or `off`); it
    /// is about files, not services, so it has no per-environment setting and no waiver.
    pub struct SpecNotDiscovered {
        name: "spec-not-discovered", severity: Warning, category: Repository,
    }
}
