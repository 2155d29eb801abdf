crate::declare_rule! {
    /// A file could not be read as YAML.
    ///
    /// ## What it checks
    /// Every spec, the platform config and every linted manifest must be readable YAML: valid
    /// syntax, UTF-8, at most 1 MiB, one document per spec file, no duplicate keys, no merge
    /// keys (`<<`), nesting of at most 64 levels, and bounded alias expansion.
    ///
    /// ## Why
    /// A file that two YAML parsers read differently is a file two tools deploy differently.
    /// Duplicate keys silently keep one value; merge keys are a YAML 1.1 extension that
    /// Kubernetes tooling handles inconsistently; the limits keep hostile input (alias bombs,
    /// deep nesting) from exhausting the CI machine.
    ///
    /// ## Fix
    /// Correct the file at the reported position. This finding cannot be waived or turned off:
    /// nothing else can be checked in a file that cannot be read.
    pub struct YamlSyntax {
        name: "yaml-syntax", severity: Error, category: Core, blocks_render: true,
    }
}
