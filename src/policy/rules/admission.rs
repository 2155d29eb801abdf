//! Shared by the rules that mirror the operator's admission checks (`DefaultValidator`,
//! `AutoscalerValidator`): reading configuration values the way Flink reads them, and the
//! effective configuration of a FlinkSessionJob (its session cluster's, overlaid with its own).

use crate::policy::Target;
use crate::policy::view::FlinkView;
use crate::tree::Node;

/// Whether the operator leaves this resource alone: its health-check canaries (label
/// `flink.apache.org/canary: "true"`) are neither validated nor deployed.
pub fn is_canary(t: &Target<'_>) -> bool {
    t.view
        .object
        .path(&["metadata", "labels", "flink.apache.org/canary"])
        .and_then(Node::scalar_text)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// The operator distribution a resource is written for, when it is not the Apache one:
/// Amazon EMR on EKS (`spec.emrReleaseLabel`, `spec.executionRoleArn`) and IBM's
/// (`license.accept`/`license.use` in flinkConfiguration). Their webhooks fill in fields the
/// Apache operator requires (EMR: the service account), accept fields and configuration keys of
/// their own, and so get fewer "missing" and "unknown" findings.
pub fn vendor(t: &Target<'_>) -> Option<&'static str> {
    let v = &t.view;
    if v.spec(&["emrReleaseLabel"]).is_some() || v.spec(&["executionRoleArn"]).is_some() {
        Some("Amazon EMR on EKS")
    } else if v.get("license.accept").is_some() || v.get("license.use").is_some() {
        Some("IBM Event Automation")
    } else {
        None
    }
}

/// Whether high availability is on: `high-availability.type` (legacy `high-availability`)
/// set and not NONE, or EMR on EKS's `jobManager.highAvailabilityEnabled: true`.
pub fn ha_on(v: &FlinkView<'_>) -> bool {
    v.ha_enabled()
        || v.spec(&["jobManager", "highAvailabilityEnabled"])
            .is_some_and(|n| n.as_bool() == Some(true))
}

/// Whether a value is left for a later substitution (Flux `postBuild`, envsubst: `${VAR}`):
/// what it will be is not known yet.
pub fn is_substituted(text: &str) -> bool {
    text.contains("${")
}

/// A boolean as Flink's configuration reads it: `true`/`false` in any case, nothing else.
pub fn flink_bool(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_as_flink_reads_them() {
        assert_eq!(flink_bool("true"), Some(true));
        assert_eq!(flink_bool(" TRUE "), Some(true));
        assert_eq!(flink_bool("False"), Some(false));
        assert_eq!(flink_bool("yes"), None);
        assert_eq!(flink_bool(""), None);
    }
}
