use crate::diag::Severity;
use crate::flink::version::FlinkVersion;
use crate::policy::{Finding, Rule, Target};

crate::declare_rule! {
    /// `flinkVersion` is set to a version the operator supports.
    ///
    /// ## What it checks
    /// `spec.flinkVersion` of a FlinkDeployment:
    /// * it is set (the operator rejects a deployment without it: "Flink Version must be
    ///   defined.");
    /// * it is one of the operator's names, `v<major>_<minor>` (`v1_20`, `v2_0`), and in the
    ///   operator's enum (`v1_13` … `v1_20`, `v2_0` … `v2_4`; operators 1.13 and 1.14 stop at
    ///   `v2_2`, so `v2_3` and `v2_4` are reported when the platform's `operator.version` is
    ///   older than 1.15);
    /// * it is not `v1_13` or `v1_14`, which operators since 1.7 reject ("Flink version … is
    ///   not supported by this operator version").
    ///
    /// `v1_15` (deprecated since operator 1.10), `v1_16` (1.11), `v1_17` and `v1_18` (1.13)
    /// still work, with a warning while the platform's operator is at least that version.
    ///
    /// ## Why
    /// The operator picks configuration keys, JVM flags and resource keys by this version: a
    /// missing or unknown one is rejected at admission, and a deprecated one is the next to go.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   image: flink:1.18.1-java17
    ///   flinkVersion: "1.18"
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   image: flink:1.18.1-java17
    ///   flinkVersion: v1_18
    ///   flinkConfiguration:
    ///     execution.checkpointing.dir: null # Flink 1.20's names, not 1.18's
    ///     execution.checkpointing.savepoint-dir: null
    ///     state.checkpoints.dir: s3://flink-prod/orders/checkpoints
    ///     state.savepoints.dir: s3://flink-prod/orders/savepoints
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   image: flink:1.20.1-java17
    ///   flinkVersion: "1.20"
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    /// ```
    /// Upgrade the job's image to the same Flink version. In a service spec, `flinkVersion` is
    /// written `"1.20"` (flinkform writes the operator's name).
    pub struct FlinkVersionSupported {
        name: "flink-version-supported", severity: Error, category: Policy, kinds: [Deployment],
    }
}

/// The operator's `FlinkVersion` enum (operator 1.15 and main), oldest first; older releases
/// stop earlier ([`crate::flink::operator::Release::newest_flink`]).
pub const OPERATOR_ENUM: [(u32, u32); 13] = [
    (1, 13),
    (1, 14),
    (1, 15),
    (1, 16),
    (1, 17),
    (1, 18),
    (1, 19),
    (1, 20),
    (2, 0),
    (2, 1),
    (2, 2),
    (2, 3),
    (2, 4),
];

/// What the operator thinks of a `flinkVersion` value.
#[derive(Debug, PartialEq, Eq)]
pub enum Status {
    Supported,
    /// Still accepted; deprecated since this operator version.
    Deprecated {
        since: (u32, u32),
    },
    /// In the enum, but rejected since this operator version.
    Rejected {
        since: (u32, u32),
    },
    /// Well-formed, not in the enum.
    NotInEnum,
    /// Not `v<major>_<minor>`.
    Malformed,
}

pub fn status(label: &str) -> Status {
    let well_formed = label
        .strip_prefix('v')
        .and_then(|r| r.split_once('_'))
        .is_some_and(|(a, b)| {
            let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
            digits(a) && digits(b)
        });
    if !well_formed {
        return Status::Malformed;
    }
    // `v1_020` is well-formed but not an enum name: Java's `valueOf` is exact.
    let Some(v) = FlinkVersion::from_operator_label(label).filter(|v| v.operator_label() == label)
    else {
        return Status::NotInEnum;
    };
    if !OPERATOR_ENUM.contains(&(v.major, v.minor)) {
        return Status::NotInEnum;
    }
    match (v.major, v.minor) {
        (1, 13) | (1, 14) => Status::Rejected { since: (1, 7) },
        (1, 15) => Status::Deprecated { since: (1, 10) },
        (1, 16) => Status::Deprecated { since: (1, 11) },
        (1, 17) | (1, 18) => Status::Deprecated { since: (1, 13) },
        _ => Status::Supported,
    }
}

fn newest() -> String {
    OPERATOR_ENUM
        .last()
        .map(|(a, b)| format!("v{a}_{b}"))
        .unwrap_or_default()
}

impl Rule for FlinkVersionSupported {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let Some(v) = super::admission::validated_deployment(t) else {
            return;
        };
        let operator = t.platform.operator.version.value;
        let op_text = format!("{}.{}", operator.0, operator.1);
        let (where_, example) = if t.is_render() {
            (
                "set `flinkVersion` in the service spec or in the platform's `defaults` (flinkform.yaml)",
                "\"1.20\"",
            )
        } else {
            ("set spec.flinkVersion", "v1_20")
        };
        let node = v.flink_version_text().filter(|n| !n.is_null());
        let Some(node) = node else {
            if super::admission::vendor(t).is_some() {
                return; // the vendor's webhook sets a default
            }
            out.push(
                Finding::new(t.anchor(&["flinkVersion"]), "flinkVersion is not set: the operator rejects the deployment (\"Flink Version must be defined.\")")
                    .label("no flinkVersion")
                    .help(format!("{where_} to the job's Flink version, e.g. {example}")),
            );
            return;
        };
        let at = node.origin.or(t.anchor(&["flinkVersion"]));
        let Some(label) = node.as_str() else {
            out.push(
                Finding::new(
                    at,
                    format!(
                        "flinkVersion `{}` is not a version name",
                        node.scalar_text().unwrap_or_default()
                    ),
                )
                .label("not v<major>_<minor>")
                .help(format!("{where_} as a string, e.g. {example}")),
            );
            return;
        };
        if super::admission::placeholder_stops(t, at, "flinkVersion", label, out) {
            return;
        }
        let shown = shown(label, t.is_render());
        // Versions newer than the platform's operator release knows (its own enum).
        let release = t.platform.operator.release();
        if let Some(v) = FlinkVersion::from_operator_label(label)
            && status(label) == Status::Supported
            && (v.major, v.minor) > release.newest_flink
        {
            let (a, b) = release.newest_flink;
            out.push(
                Finding::new(at, format!("flinkVersion {shown} is newer than operator {} knows (at most v{a}_{b})", release.name))
                    .label("unknown to this operator")
                    .help(format!("use Flink {a}.{b} or older, or upgrade the operator (and `operator.version` in flinkform.yaml)")),
            );
            return;
        }
        match status(label) {
            Status::Supported => {}
            Status::Malformed => out.push(
                Finding::new(at, format!("flinkVersion {shown} is not a version name: the operator names versions `v<major>_<minor>`"))
                    .label("malformed")
                    .help(format!("{where_} to the job's Flink version, e.g. {example}")),
            ),
            Status::NotInEnum => out.push(
                Finding::new(at, format!("flinkVersion {shown} is not in the operator's enum (v1_13 … {})", newest()))
                    .label("unknown version")
                    .help(format!("use a Flink version the operator knows (at most {}); newer versions need a newer operator", newest())),
            ),
            Status::Rejected { since } => {
                if operator >= since {
                    out.push(
                        Finding::new(at, format!("flinkVersion {shown} is not supported by this operator version (dropped in operator {}.{}; the platform runs {op_text})", since.0, since.1))
                            .label("unsupported")
                            .help("upgrade the job to Flink 1.19 or newer (v1_19, v1_20, v2_x) and set flinkVersion to match"),
                    );
                }
            }
            Status::Deprecated { since } => {
                if operator >= since {
                    out.push(
                        Finding::new(at, format!("flinkVersion {shown} is deprecated since operator {}.{} (the platform runs {op_text}) and will be rejected by a later operator", since.0, since.1))
                            .label("deprecated")
                            .help("upgrade the job to Flink 1.19 or newer and set flinkVersion to match")
                            .severity(Severity::Warning),
                    );
                }
            }
        }
    }
}

/// How to name the value in a message: the operator's label, and in render mode the spec's
/// spelling next to it.
fn shown(label: &str, render: bool) -> String {
    match FlinkVersion::from_operator_label(label) {
        Some(v) if render => format!("\"{v}\" (`{label}`)"),
        _ => format!("`{label}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(status("v1_20"), Status::Supported);
        assert_eq!(status("v2_4"), Status::Supported);
        assert_eq!(status("v1_19"), Status::Supported);
        assert_eq!(status("v1_18"), Status::Deprecated { since: (1, 13) });
        assert_eq!(status("v1_15"), Status::Deprecated { since: (1, 10) });
        assert_eq!(status("v1_14"), Status::Rejected { since: (1, 7) });
        assert_eq!(status("v1_12"), Status::NotInEnum);
        assert_eq!(status("v3_0"), Status::NotInEnum);
        assert_eq!(status("v2_5"), Status::NotInEnum);
        assert_eq!(status("v1_020"), Status::NotInEnum);
        assert_eq!(status("v99999999999_0"), Status::NotInEnum);
        assert_eq!(status("1.20"), Status::Malformed);
        assert_eq!(status("V1_20"), Status::Malformed);
        assert_eq!(status("v1_"), Status::Malformed);
        assert_eq!(status("v_1"), Status::Malformed);
        assert_eq!(status("v1_20_1"), Status::Malformed);
        assert_eq!(status(""), Status::Malformed);
    }
}
