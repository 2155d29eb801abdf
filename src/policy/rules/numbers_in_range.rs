use crate::excerpt::quote;
use crate::facts::resources::{JOB_MANAGER, TASK_MANAGER};
use crate::flink::duration::{DurationError, DurationGrammar, parse_duration};
use crate::flink::option_types::{OptionType, option_types};
use crate::flink::version::FlinkVersion;
use crate::limits;
use crate::policy::{Finding, Rule, Target};
use crate::tree::{Node, Value};

crate::declare_rule! {
    /// Numbers fit what the operator, Flink and Kubernetes can hold.
    ///
    /// ## What it checks
    /// In a FlinkDeployment (hand-written, or rendered from a service's `flinkConfiguration`):
    /// * `job.parallelism`, `jobManager.replicas` and `taskManager.replicas`, and the
    ///   configuration's `taskmanager.numberOfTaskSlots` and `parallelism.default`, are at most
    ///   2147483647: the operator and Flink read them into a Java `int`;
    /// * CPU amounts (`resource.cpu`, `resources.requests.cpu`, `resources.limits.cpu`) are
    ///   positive, at least 1m and at most what 64-bit millicores hold (9223372036854775 cores);
    /// * every `flinkConfiguration` value of an option that Flink or the operator reads as a
    ///   number fits the type it is read into, for the deployment's Flink version (the types
    ///   of about 600 options were read from the released Flink jars and the operator's
    ///   sources): an `Integer` a Java `int`, a `Long` a Java `long`, a `Float` or `Double`
    ///   is finite, a `Duration` fits 64-bit milliseconds, a `MemorySize` 64-bit bytes.
    ///   (`heartbeat.timeout: 99999999999999999999`, `restart-strategy.fixed-delay.attempts:
    ///   "99999999999"`.) Without a known Flink version, a value is reported only when no
    ///   type the option has had can hold it;
    /// * `pipeline.max-parallelism` is at most 32768 (Flink's limit on key groups), and the CPU
    ///   and memory limit factors (`kubernetes.jobmanager.cpu.limit-factor`, …) are at least 1
    ///   and give a limit Kubernetes can hold.
    ///
    /// Only the range is checked here; whether a value is written in the option's grammar
    /// at all is other rules' business (`memory-model-valid`, `checkpointing-enabled`, …).
    ///
    /// The same limits apply to a service spec's own fields (`cpu`, `memory`, `checkpointing`,
    /// `savepoints`), which are checked when the spec is read and reported as `schema`
    /// findings; memory sizes in the configuration are `memory-model-valid`'s.
    ///
    /// ## Why
    /// A number past a reader's limit does not fail where it is written: the operator cannot
    /// read the resource, Kubernetes rejects the pod, or Flink stops at startup with a
    /// `NumberFormatException` or an arithmetic overflow, after the change was merged.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   flinkConfiguration:
    ///     kubernetes.operator.periodic.savepoint.interval: 999999999999 d
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   jobManager: { resource: { cpu: 1e308, memory: 2048m } }
    ///   job: { jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: 99999999999 }
    /// ```
    ///
    /// ## Fix
    /// ```yaml,spec,passes
    /// spec:
    ///   savepoints: { interval: 6h }
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   jobManager: { resource: { cpu: 1, memory: 2048m } }
    ///   job: { jarURI: local:///opt/flink/usrlib/orders.jar, parallelism: 4 }
    /// ```
    pub struct NumbersInRange {
        name: "numbers-in-range", severity: Error, category: Policy,
        kinds: [Deployment, SessionJob],
    }
}

fn java_int_excess(n: &Node) -> bool {
    match n.value {
        Value::Int(i) => i > limits::MAX_JAVA_INT || i < i64::from(i32::MIN),
        Value::Float(f) => f.fract() == 0.0 && f.abs() > limits::MAX_JAVA_INT as f64,
        _ => false,
    }
}

fn number_text(n: &Node) -> String {
    match n.value {
        Value::Float(f) if f != 0.0 && !(1e-4..1e15).contains(&f.abs()) => format!("{f:e}"),
        _ => quote(&n.scalar_text().unwrap_or_default()).into_owned(),
    }
}

impl Rule for NumbersInRange {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        let v = &t.view;
        let int_help = "the operator and Flink read it into a Java int: use at most 2147483647";
        for path in [
            &["job", "parallelism"][..],
            &["jobManager", "replicas"],
            &["taskManager", "replicas"],
        ] {
            if let Some(n) = v.spec(path)
                && java_int_excess(n)
            {
                out.push(
                    Finding::new(
                        n.origin.or(t.anchor(path)),
                        format!(
                            "`{}: {}` is more than the operator can read (at most 2147483647)",
                            path.join("."),
                            number_text(n)
                        ),
                    )
                    .label("out of range")
                    .help(int_help),
                );
            }
        }
        for role in ["jobManager", "taskManager"] {
            let mut amounts = vec![(
                vec![role, "resource", "cpu"],
                v.spec(&[role, "resource", "cpu"]),
            )];
            for side in ["requests", "limits"] {
                amounts.push((
                    vec![role, "resources", side, "cpu"],
                    v.spec(&[role, "resources", side, "cpu"]),
                ));
            }
            for (path, n) in amounts {
                let Some(n) = n else { continue };
                // Zero and negative amounts too (Kubernetes and the operator reject them);
                // other spellings are the admission rules' and the CRD's.
                if let Some(Err(why)) = limits::cpu_amount(&n.value) {
                    out.push(
                        Finding::new(
                            n.origin.or(t.anchor(&path)),
                            format!("`{}: {}` {why}", path.join("."), number_text(n)),
                        )
                        .label("out of range")
                        .help("give the pod the cores it needs, e.g. `cpu: 2` or `cpu: 0.5`"),
                    );
                }
            }
        }
        let version = v.flink_version();
        for e in v.conf() {
            let key = e.key.as_str();
            if let Some(why) = configuration_range(key, &e.value, version) {
                out.push(
                    Finding::new(
                        e.origin(),
                        format!("`{key}: {}` {}", quote(e.value.trim()), why.0),
                    )
                    .label("out of range")
                    .help(why.1),
                );
            } else if let Some(why) = limit_factor(t, key, &e.value) {
                out.push(
                    Finding::new(e.origin(), format!("`{key}: {}` {why}", quote(e.value.trim())))
                        .label("out of range")
                        .help("a limit factor multiplies the request: use a small number such as 1.5 (at least 1)"),
                );
            }
        }
    }
}

/// Why a configuration value is beyond what its option's type holds (message, help), or
/// beyond a limit Flink sets on that option.
fn configuration_range(
    key: &str,
    value: &str,
    version: Option<FlinkVersion>,
) -> Option<(String, String)> {
    let types = option_types(key, version);
    let mut why = None;
    // Reported only when every type the option has (had) fails: with a known version that
    // is its one type.
    for t in &types {
        match out_of_type(*t, value, DurationGrammar::for_key(key, version)) {
            None => return semantic_limit(key, value),
            Some(w) => why = why.or(Some(w)),
        }
    }
    why
}

/// Why `value` does not fit `t`, when it is a number at all.
fn out_of_type(t: OptionType, value: &str, grammar: DurationGrammar) -> Option<(String, String)> {
    let text = value.trim();
    let too_long = || {
        (
            format!(
                "is longer than Flink can hold: at most {}ms (durations are 64-bit milliseconds)",
                i64::MAX
            ),
            limits::shorter_duration_help("d", 86_400_000),
        )
    };
    let integer = {
        let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    let int_help = |kind: &str, min: &str, max: &str| {
        let (what, bound) = if text.starts_with('-') {
            ("less", format!("at least {min}"))
        } else {
            ("more", format!("at most {max}"))
        };
        (
            format!("is {what} than Flink can read ({bound}: a Java {kind})"),
            format!("Flink reads it into a Java {kind}: use {bound}"),
        )
    };
    match t {
        OptionType::Integer if integer && text.parse::<i32>().is_err() => {
            Some(int_help("int", "-2147483648", "2147483647"))
        }
        OptionType::Long if integer && text.parse::<i64>().is_err() => Some(int_help(
            "long",
            "-9223372036854775808",
            "9223372036854775807",
        )),
        OptionType::Float if text.parse::<f32>().is_ok_and(f32::is_infinite) && !names_infinity(text) => Some((
            "is beyond what a Java float holds (about 3.4e38)".to_string(),
            "write a number Flink can hold".to_string(),
        )),
        OptionType::Double if text.parse::<f64>().is_ok_and(f64::is_infinite) && !names_infinity(text) => Some((
            "is beyond what a Java double holds (about 1.8e308)".to_string(),
            "write a number Flink can hold".to_string(),
        )),
        OptionType::Duration => match parse_duration(text, grammar) {
            Err(DurationError::Overflow) => Some(too_long()),
            Ok(d) if !d.fits_java_millis() => Some(too_long()),
            _ => None,
        },
        OptionType::MemorySize => match crate::flink::memory_size::parse_flink_memory(text) {
            Err(e) if e.contains("numeric overflow") => Some((
                "is more than Flink can hold: at most 9223372036854775807 bytes (memory sizes are 64-bit numbers of bytes)".to_string(),
                "write a memory size Flink can hold, e.g. `4g`".to_string(),
            )),
            _ => None,
        },
        _ => None,
    }
}

/// Whether the text spells infinity on purpose (`Infinity`, `inf`): not a number too large.
fn names_infinity(text: &str) -> bool {
    text.trim_start_matches(['-', '+'])
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
}

/// Limits Flink sets on particular options beyond their type.
fn semantic_limit(key: &str, value: &str) -> Option<(String, String)> {
    if key == "pipeline.max-parallelism"
        && let Ok(n) = value.trim().parse::<i64>()
        && n > MAX_KEY_GROUPS
    {
        return Some((
            format!(
                "is more than Flink allows (at most {MAX_KEY_GROUPS}: the number of key groups)"
            ),
            format!(
                "use at most {MAX_KEY_GROUPS}; changing it later makes the job's state unrecoverable"
            ),
        ));
    }
    None
}

/// Flink's upper bound on the maximum parallelism (`KeyGroupRangeAssignment`).
const MAX_KEY_GROUPS: i64 = 32_768;

/// Why a CPU or memory limit factor (`kubernetes.<role>.cpu.limit-factor`,
/// `kubernetes.<role>.memory.limit-factor`) is wrong: below 1 (Flink refuses it), or giving a
/// limit (the role's request times the factor) Kubernetes cannot hold.
fn limit_factor(t: &Target<'_>, key: &str, value: &str) -> Option<String> {
    let rest = key.strip_prefix("kubernetes.")?;
    let (role, resource) = rest.split_once('.')?;
    let role_field = match role {
        "jobmanager" => "jobManager",
        "taskmanager" => "taskManager",
        _ => return None,
    };
    let resource = resource.strip_suffix(".limit-factor")?;
    let factor: f64 = value.trim().parse().ok()?;
    if !factor.is_finite() {
        return None; // out of the double's range: reported as such
    }
    if factor < 1.0 {
        return Some(
            "is less than 1: Flink requires a limit at least as large as the request".to_string(),
        );
    }
    let request = t.view.spec(&[role_field, "resource", resource]);
    match resource {
        "cpu" => {
            let cores = request
                .and_then(|n| n.scalar_text())
                .and_then(|s| s.trim().parse::<f64>().ok())
                .unwrap_or(1.0);
            if cores <= 0.0 {
                return None; // the request itself is reported
            }
            let limit = cores * factor;
            limits::cpu_millicores(limit).err().map(|why| {
                let shown = if limit >= 1e15 {
                    format!("{limit:e}")
                } else {
                    limit.to_string()
                };
                format!("makes the {role_field} CPU limit {shown} cores, which {why}")
            })
        }
        "memory" => {
            // The spec memory as the operator reads it (the effective configuration's).
            let role = if role_field == "jobManager" {
                JOB_MANAGER
            } else {
                TASK_MANAGER
            };
            let bytes = t
                .view
                .effective()
                .read_memory(role)
                .map_or(1 << 30, |(_, bytes)| bytes) as f64;
            (bytes * factor > limits::MAX_KUBERNETES_BYTES as f64).then(|| {
                format!(
                    "makes the {role_field} memory limit more than Kubernetes can hold (at most {} bytes)",
                    limits::MAX_KUBERNETES_BYTES
                )
            })
        }
        _ => None,
    }
}
