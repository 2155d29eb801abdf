crate::declare_rule! {
    /// `render --check` cannot compare the output folder: findings stop rendering.
    ///
    /// ## What it checks
    /// In a machine format (github, sarif, json, markdown, junit), `render --check` reports
    /// drift. When the specs or the platform config have findings that stop rendering (YAML,
    /// schema, unsafe-path and CRD errors, plain-text credentials, reserved namespaces, or
    /// findings at `--fail-on`), there is nothing to compare: it reports this one finding, at
    /// the first of them, rather than repeating every finding `flinkform check` reports (a CI
    /// job that runs both would annotate each twice). Human output lists them all.
    ///
    /// ## Why
    /// The output folder cannot be known to be up to date while the specs cannot be rendered,
    /// so `render --check` fails; the findings themselves are `check`'s to report.
    ///
    /// ## Fix
    /// Fix the findings `flinkform check` reports, then run `flinkform render` and commit the
    /// result. This finding cannot be waived or turned off.
    pub struct RenderBlocked { name: "render-blocked", severity: Error, category: Core }
}
