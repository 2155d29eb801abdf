crate::declare_rule! {
    /// A waiver in the platform config is past its expiry date.
    ///
    /// ## What it checks
    /// Every entry of `policy.waivers` in `flinkform.yaml` has an `expires` date
    /// (`YYYY-MM-DD`). From the day after it, the waiver no longer covers its finding, and the
    /// waiver itself is reported here. Set `FLINKFORM_TODAY=YYYY-MM-DD` to check as of
    /// another day (reproducible CI).
    ///
    /// ## Why
    /// A waiver is a promise to fix something by a date. Without an expiry, accepted risk
    /// becomes permanent and forgotten.
    ///
    /// ## Fix
    /// Fix the finding and delete the waiver, or renew it with a new date and an updated reason
    /// (a reviewed change to the platform config).
    pub struct WaiverExpired { name: "waiver-expired", severity: Error, category: Repository }
}
