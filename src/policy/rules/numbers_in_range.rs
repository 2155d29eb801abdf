use crate::excerpt::quote;
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
    /// * CPU amounts (`resource.cpu`, `resources.requests.cpu`, `resources.limits.cpu`) are at
    ///   least 1m and at most what 64-bit millicores hold (9223372036854775 cores);
    /// * durations in the configuration (`execution.checkpointing.interval`, `.timeout`,
    ///   `.min-pause`, `kubernetes.operator.periodic.savepoint.interval`) fit Flink's 64-bit
    ///   milliseconds.
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

/// Configuration keys Flink reads into a Java `int`.
const INT_KEYS: [&str; 2] = ["taskmanager.numberOfTaskSlots", "parallelism.default"];

/// Configuration keys Flink (or the operator) reads as a duration.
const DURATION_KEYS: [&str; 4] = [
    "execution.checkpointing.interval",
    "execution.checkpointing.timeout",
    "execution.checkpointing.min-pause",
    "kubernetes.operator.periodic.savepoint.interval",
];

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
                let result = match &n.value {
                    Value::Int(i) if *i > 0 => limits::cpu_millicores(*i as f64),
                    Value::Float(f) if *f > 0.0 => limits::cpu_millicores(*f),
                    Value::Str(s) if s.ends_with('m') => limits::cpu_text_millicores(s),
                    Value::Str(s) => match s.trim().parse::<f64>() {
                        Ok(f) if f > 0.0 => limits::cpu_millicores(f),
                        _ => Ok(1),
                    },
                    // Zero, negative and other spellings: the admission rules' and the CRD's.
                    _ => Ok(1),
                };
                if let Err(why) = result {
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
        for e in v.conf() {
            let key = e.key.as_str();
            if INT_KEYS.contains(&key) {
                let text = e.value.trim();
                let digits = text.strip_prefix('-').unwrap_or(text);
                if !digits.is_empty()
                    && digits.bytes().all(|b| b.is_ascii_digit())
                    && text.parse::<i32>().is_err()
                {
                    out.push(
                        Finding::new(
                            e.origin(),
                            format!(
                                "`{key}: {}` is more than Flink can read (at most 2147483647)",
                                quote(text)
                            ),
                        )
                        .label("out of range")
                        .help(int_help),
                    );
                }
            } else if DURATION_KEYS.contains(&key)
                && let Some(Err(why)) = limits::flink_duration_ms(&e.value)
            {
                out.push(
                    Finding::new(
                        e.origin(),
                        format!("`{key}: {}` {why}", quote(e.value.trim())),
                    )
                    .label("out of range")
                    .help(limits::shorter_duration_help("d", 86_400_000)),
                );
            }
        }
    }
}
