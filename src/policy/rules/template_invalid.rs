crate::declare_rule! {
    /// A template in the platform config cannot be filled in.
    ///
    /// ## What it checks
    /// The platform's templates (the `storage` locations, such as `storage.checkpoints`, and
    /// the `serviceAccount.annotations` values) may use the placeholders `{env}`, `{cluster}`,
    /// `{service}` and `{team}`, each closed by `}`. A template that uses any other
    /// placeholder, or leaves one unclosed, is reported at the template.
    ///
    /// ## Why
    /// A template is filled in for every service; a placeholder flinkform does not know would
    /// otherwise reach the rendered configuration literally, and every service would share
    /// one wrong location.
    ///
    /// ## Fix
    /// Use only the placeholders above, e.g. `s3://flink-{env}/{service}/checkpoints`. This
    /// finding cannot be waived or turned off.
    pub struct TemplateInvalid {
        name: "template-invalid", severity: Error, category: Core, blocks_render: true,
    }
}
