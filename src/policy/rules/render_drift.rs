crate::declare_rule! {
    /// The committed output folder differs from what `render` produces.
    ///
    /// ## What it checks
    /// `flinkform render --check` renders in memory and compares with the output folder: a
    /// generated file that is missing, stale (its bytes differ) or extra (no longer produced),
    /// or a path render needs that holds a file flinkform did not generate.
    ///
    /// ## Why
    /// Flux deploys what is committed, not what the specs say. A spec change merged without
    /// re-rendering never reaches the clusters; a hand edit of a generated file is overwritten
    /// by the next render.
    ///
    /// ## Fix
    /// Run `flinkform render` and commit the result (the pre-commit hook `flinkform-render`
    /// does it for you). Never edit generated files: change the spec or the platform config.
    /// This finding cannot be waived or turned off.
    pub struct RenderDrift { name: "render-drift", severity: Error, category: Core }
}
