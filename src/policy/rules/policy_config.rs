crate::declare_rule! {
    /// The policy settings in the platform config name something that does not exist.
    ///
    /// ## What it checks
    /// Rule names in `policy.rules`, `policy.environments.<env>.rules` and waivers must be
    /// rules that exist (`flinkform rules`) and can be configured (`yaml-syntax`, `schema` and
    /// `crd-schema` cannot); environments named by waivers and by
    /// `policy.environments.<env>.podSecurity` must exist.
    ///
    /// ## Why
    /// `ha-enable: off` or a waiver for `officail-image` does nothing; the platform team
    /// believes a rule is tuned when it is not. `podSecurity: restricted` under a misspelt
    /// environment leaves the real one at the default level.
    ///
    /// ## Fix
    /// Correct the name (the help suggests the nearest one), or remove the setting.
    pub struct PolicyConfig { name: "policy-config", severity: Warning, category: Repository }
}
