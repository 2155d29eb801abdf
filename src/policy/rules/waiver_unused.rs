crate::declare_rule! {
    /// A waiver in the platform config matches no finding.
    ///
    /// ## What it checks
    /// Every unexpired entry of `policy.waivers` must match at least one finding: same rule,
    /// same service, and (if given) same environment.
    ///
    /// ## Why
    /// Either the problem was fixed, and the waiver would silently cover the next one, or the
    /// waiver has a typo and never worked.
    ///
    /// ## Fix
    /// Delete the waiver, or correct its `rule`, `service` or `environment`.
    pub struct WaiverUnused { name: "waiver-unused", severity: Warning, category: Repository }
}
