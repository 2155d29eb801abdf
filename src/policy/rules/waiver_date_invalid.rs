crate::declare_rule! {
    /// A waiver's expiry is not a date.
    ///
    /// ## What it checks
    /// Every entry of `policy.waivers` in `flinkform.yaml` has an `expires` date written as
    /// `YYYY-MM-DD`, a day that exists (`2026-02-30` does not).
    ///
    /// ## Why
    /// A waiver that cannot expire would waive its finding for ever; `waiver-expired` can only
    /// judge a date it can read.
    ///
    /// ## Fix
    /// Write the expiry as `YYYY-MM-DD`, e.g. `expires: 2026-06-30`. This finding cannot be
    /// waived or turned off.
    pub struct WaiverDateInvalid {
        name: "waiver-date-invalid", severity: Error, category: Core, blocks_render: true,
    }
}
