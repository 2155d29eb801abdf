use super::sizing::{self, Placed};
use crate::facts::resources::{self, ROLES, Role, SpecValue};
use crate::flink::memory_size::{MIB, human_mib, parse_flink_memory};
use crate::flink::operator_memory::operator_memory_bytes;
use crate::flink::quantity::{k8s_binary, parse_k8s_quantity};
use crate::flink::spec_memory::{canonical_memory, parse_spec_memory};
use crate::facts::view::Kind;
use crate::policy::{Finding, Rule, Target};
use crate::tree::Node;

crate::declare_rule! {
    /// Flink's process size is the pod's memory limit, and every memory value means one thing.
    ///
    /// ## What it checks
    /// For the JobManager and the TaskManager of a FlinkDeployment:
    /// * a `jobmanager.memory.process.size` / `taskmanager.memory.process.size` in
    ///   `flinkConfiguration` that disagrees with the spec memory (`resource.memory`, or
    ///   `resources.requests.memory`): the operator silently replaces it;
    /// * a memory limit factor other than 1 (`kubernetes.jobmanager.memory.limit-factor`,
    ///   `kubernetes.taskmanager.memory.limit-factor`), and in `resources` a memory limit that
    ///   differs from the request (the operator turns the ratio into a limit factor);
    /// * `memory` or `cpu` in the `resources` of `flink-main-container` in `spec.podTemplate`,
    ///   `spec.jobManager.podTemplate` or `spec.taskManager.podTemplate`: Flink overwrites them;
    /// * memory values that Flink and Kubernetes read differently: `resource.memory: 2G` is
    ///   2 GiB to the operator but reads as 2 × 10^9 bytes in Kubernetes notation;
    ///   `resources.*.memory: 2048m` is 2048 MiB to the operator and 2.048 bytes to Kubernetes,
    ///   and `2g` is no Kubernetes quantity at all;
    /// * memory the operator cannot read (its "resource memory parse error", e.g. `1.5Gi`);
    /// * a process size that is not a whole number of MiB: Flink requests `floor(MiB)` for the
    ///   pod, slightly less than the process it starts.
    ///
    /// ## Why
    /// The operator writes the spec memory to Flink's process size, and Flink makes the pod's
    /// memory request and limit from it (times the limit factor). When they are the same
    /// number, what the scheduler reserves, what the kernel enforces and what the JVM plans
    /// for agree. A limit above the process size is memory Flink never plans for, and
    /// overcommits the node; a second process size in `flinkConfiguration`, or resources in
    /// the pod template, are dead configuration that misleads whoever reads the manifest.
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   flinkConfiguration:
    ///     taskmanager.memory.process.size: 2g # the spec memory wins
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     taskmanager.memory.process.size: 2g
    ///     kubernetes.jobmanager.memory.limit-factor: "1.5"
    ///   jobManager:
    ///     resource: { cpu: 1, memory: 2G }
    ///   taskManager:
    ///     resource: { cpu: 2, memory: 4096m }
    /// ```
    ///
    /// ## Fix
    /// Size each JVM once, in the spec, and leave the limit factor at 1:
    /// ```yaml,spec,passes
    /// spec:
    ///   taskManager: { memory: 4Gi }
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   jobManager:
    ///     resource: { cpu: 1, memory: 2048m }
    ///   taskManager:
    ///     resource: { cpu: 2, memory: 4096m }
    /// ```
    /// flinkform writes the spec's `memory: 4Gi` as `resource.memory: 4Gi` (or, on operators
    /// after 1.15, as equal `resources` requests and limits) and nothing else.
    pub struct MemoryMatchesLimit {
        name: "memory-matches-limit", severity: Error, category: Policy, kinds: [Deployment],
    }
}

/// The main container, whose cpu and memory Flink overwrites.
const MAIN_CONTAINER: &str = "flink-main-container";

impl Rule for MemoryMatchesLimit {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        if t.view.kind() != Kind::Deployment {
            return;
        }
        for role in ROLES {
            check_role(t, role, out);
        }
        pod_template_resources(t, out);
    }
}

fn check_role(t: &Target<'_>, role: Role, out: &mut Vec<Finding>) {
    let v = &t.view;
    // The values the operator reads, each checked for how it reads.
    let in_use: Vec<SpecValue<'_>> = if resources::resources_in_use(v, role) {
        let (request, limit) = resources::request_and_limit(v, role, "memory");
        request.into_iter().chain(limit).collect()
    } else {
        resources::spec_value(v, role, "memory")
            .into_iter()
            .collect()
    };
    for value in &in_use {
        readings(t, value, out);
    }

    let memory = resources::spec_value(v, role, "memory");
    let spec_bytes = memory
        .as_ref()
        .and_then(|m| m.operator_bytes().ok().map(|b| (m, b)));
    let process_key = role.process_key();
    let configured = v.get(&process_key);

    // A second process size that the spec memory overrides.
    if let (Some(e), Some((m, bytes))) = (configured, spec_bytes) {
        let own = parse_flink_memory(&e.value);
        if own.as_ref().ok() != Some(&bytes) {
            let reads = match &own {
                Ok(b) => human_mib(*b),
                Err(_) => "which Flink cannot read".to_string(),
            };
            let message = format!(
                "`{process_key}: {}` ({reads}) is replaced by the {} memory ({}): the operator sets the process size from `{}`",
                e.value,
                role.who,
                human_mib(bytes),
                m.shown(t)
            );
            let help = if t.is_render() {
                format!(
                    "remove `{process_key}` from flinkConfiguration: {} sizes the process",
                    sizing::where_to_set(t, role, "memory")
                )
            } else {
                format!(
                    "remove `{process_key}` from flinkConfiguration and size the {} with `{}` only",
                    role.who,
                    m.field()
                )
            };
            out.push(
                Finding::new(e.origin(), message)
                    .label("overridden by the spec memory")
                    .also(
                        m.origin(t),
                        format!("the process size: {}", human_mib(bytes)),
                    )
                    .help(help),
            );
        }
    }

    // The process size must be a whole number of MiB.
    let process = match spec_bytes {
        Some((m, bytes)) => Some((m.origin(t), m.text.clone(), bytes)),
        None if memory.is_none() => configured.and_then(|e| {
            parse_flink_memory(&e.value)
                .ok()
                .map(|b| (e.origin(), e.value.clone(), b))
        }),
        None => None,
    };
    if let Some((at, text, bytes)) = process
        && bytes % MIB != 0
    {
        let floor = bytes / MIB;
        let short = bytes - floor * MIB;
        out.push(
            Finding::new(at, format!(
                "the {} process size `{text}` is {}, not a whole number of MiB: the pod requests {floor}Mi, {} less than the process Flink starts",
                role.who,
                crate::plural::bytes(bytes),
                human_mib(short)
            ))
            .label("not whole MiB")
            .help(whole_mib_help(floor)),
        );
    }

    limit_factor(t, role, out);
}

/// The whole-MiB sizes around a process of `floor` MiB and a bit.
fn whole_mib_help(floor: u64) -> String {
    let spell = |mib: u64| {
        let bytes = mib.saturating_mul(MIB);
        canonical_memory(bytes).unwrap_or_else(|| k8s_binary(bytes))
    };
    if floor == 0 {
        format!("write a whole number of MiB, e.g. `{}`", spell(1))
    } else {
        format!(
            "write a whole number of MiB, e.g. `{}` or `{}`",
            spell(floor),
            spell(floor + 1)
        )
    }
}

/// How a memory value reads, to the operator and to Kubernetes.
enum Reading {
    /// The operator cannot read it (its "resource memory parse error").
    Unreadable(String),
    /// The operator reads `bytes`; Kubernetes (or a reader used to its notation) reads
    /// something else, described by `problem`.
    TwoWays { bytes: u64, problem: String },
    /// Everyone reads `bytes`.
    Agreed(u64),
}

/// `text` as the operator reads it and as Kubernetes reads it. In `resources` (`quantity`) the
/// text is a Kubernetes quantity, which must mean what the operator makes of it. In
/// `resource.memory` it is the operator's own string, where Flink's `2G` means GiB; a reader
/// used to Kubernetes takes it for 2 × 10^9 bytes, so a text Kubernetes would read as a
/// different whole number of bytes is flagged too.
fn read(text: &str, quantity: bool) -> Reading {
    let bytes = match operator_memory_bytes(text) {
        Ok(b) => b,
        Err(error) => return Reading::Unreadable(error),
    };
    let kubernetes = parse_k8s_quantity(text);
    let problem = if quantity {
        match &kubernetes {
            Err(error) => Some(format!("is no Kubernetes quantity ({error})")),
            Ok(q) if q.bytes() != Some(bytes) => Some(format!(
                "is {} to Kubernetes",
                crate::plural::written(
                    &kubernetes_reading(q.approximate(), q.bytes()),
                    "byte",
                    "bytes"
                )
            )),
            Ok(_) => None,
        }
    } else {
        match kubernetes.ok().and_then(|q| q.bytes()) {
            Some(k8s) if k8s != bytes => Some(format!(
                "{} in Kubernetes notation",
                crate::plural::bytes(k8s)
            )),
            _ => None,
        }
    };
    match problem {
        Some(problem) => Reading::TwoWays { bytes, problem },
        None => Reading::Agreed(bytes),
    }
}

/// What to write instead of `text` for `bytes`: spellings that this rule accepts in the same
/// field and that differ from what was written, best first (flinkform's own spelling, then the
/// exact Kubernetes binary form, then, in `resource.memory`, Flink's MiB).
fn replacements(text: &str, bytes: u64, quantity: bool) -> Vec<String> {
    let mut candidates: Vec<String> = canonical_memory(bytes).into_iter().collect();
    candidates.push(k8s_binary(bytes));
    if !quantity && bytes.is_multiple_of(MIB) {
        candidates.push(format!("{}m", bytes / MIB));
    }
    let mut out: Vec<String> = Vec::new();
    for c in candidates {
        let reads_same = matches!(read(&c, quantity), Reading::Agreed(b) if b == bytes);
        if c != text && reads_same && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Whether the operator and Kubernetes read a memory value the same way.
fn readings(t: &Target<'_>, value: &SpecValue<'_>, out: &mut Vec<Finding>) {
    let text = &value.text;
    let at = value.origin(t);
    let field = value.field();
    let quantity = value.is_quantity();
    match read(text, quantity) {
        Reading::Agreed(_) => {}
        Reading::Unreadable(error) => {
            let help = match parse_spec_memory(text).err().and_then(|e| e.suggestion) {
                Some(s) if s != *text => format!("write `{s}`"),
                _ => "write a whole number with a binary unit, e.g. `4Gi` or `1536Mi`".to_string(),
            };
            out.push(
                Finding::new(at, format!("the operator cannot read `{field}: {text}` (resource memory parse error): {error}"))
                    .label("unreadable memory")
                    .help(help),
            );
        }
        Reading::TwoWays { bytes, problem } => {
            let message = if quantity {
                format!(
                    "`{field}: {text}` {problem}, but {} to the operator, which reads Flink's units first",
                    human_mib(bytes)
                )
            } else {
                format!(
                    "`{field}: {text}` is {} to the operator, but {problem}",
                    human_mib(bytes)
                )
            };
            let choices = replacements(text, bytes, quantity);
            let help = match choices.as_slice() {
                [] => "write the size as a whole number of MiB with a binary unit, e.g. `4Gi` or `1536Mi`".to_string(),
                [one] => format!("write `{one}`, which both read the same way"),
                [first, .., flink] if flink.ends_with('m') => {
                    format!("write `{first}` (or Flink's `{flink}`), which both read the same way")
                }
                [first, ..] => format!("write `{first}`, which both read the same way"),
            };
            out.push(Finding::new(at, message).label("read two ways").help(help));
        }
    }
}

/// `1`, `1.5`, `1.333`: a factor with at most three decimals.
fn factor_text(f: f64) -> String {
    let text = format!("{f:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn kubernetes_reading(approximate: f64, exact: Option<u64>) -> String {
    match exact {
        Some(b) => b.to_string(),
        None => format!("{approximate}"),
    }
}

/// A memory limit factor other than 1, from `flinkConfiguration` or from `resources`.
fn limit_factor(t: &Target<'_>, role: Role, out: &mut Vec<Finding>) {
    let v = &t.view;
    let key = format!("kubernetes.{}.memory.limit-factor", role.key);
    let (request, limit) = resources::request_and_limit(v, role, "memory");
    let pair = match (&request, &limit) {
        (Some(r), Some(l)) => match (r.operator_bytes(), l.operator_bytes()) {
            (Ok(rb), Ok(lb)) => Some((r, rb, l, lb)),
            _ => None,
        },
        _ => None,
    };
    if let Some((r, rb, l, lb)) = pair
        && rb != lb
    {
        let factor = lb as f64 / rb.max(1) as f64;
        out.push(
            Finding::new(l.origin(t), format!(
                "the {} memory limit ({}) differs from its request ({}): the operator makes it a limit factor of {}, so the pod limit is not Flink's process size",
                role.who,
                human_mib(lb),
                human_mib(rb),
                factor_text(factor)
            ))
            .label("limit ≠ request")
            .also(r.origin(t), "the process size")
            .help(format!("set `{}` to the same value as `{}`", l.field(), r.field())),
        );
    }
    let Some(e) = v.get(&key) else { return };
    let factor: Option<f64> = e.value.trim().parse().ok();
    match (pair, factor) {
        // `resources` with a request and a limit: the operator writes the factor itself.
        (Some((r, rb, _, lb)), _) => {
            let derived = lb as f64 / rb.max(1) as f64;
            if factor.is_none_or(|f| (f - derived).abs() > 1e-9) {
                out.push(
                    Finding::new(e.origin(), format!(
                        "`{key}: {}` has no effect: the operator sets the factor from `resources` ({})",
                        e.value,
                        factor_text(derived)
                    ))
                    .label("overridden")
                    .also(r.origin(t), "request and limit set here")
                    .help(format!("remove `{key}` from flinkConfiguration")),
                );
            }
        }
        (None, Some(1.0)) => {}
        (None, _) => {
            let what = match factor {
                Some(f) => format!("the pod's memory limit is {f}× Flink's process size"),
                None => "Flink cannot read it as a number".to_string(),
            };
            out.push(
                Finding::new(e.origin(), format!("`{key}: {}`: {what}", e.value))
                    .label("limit factor ≠ 1")
                    .help(format!(
                        "remove `{key}`: the pod limit should be the process size, and {} is where to give the {} more memory",
                        sizing::where_to_set(t, role, "memory"),
                        role.who
                    )),
            );
        }
    }
}

/// `memory`/`cpu` in the resources of `flink-main-container` in a pod template.
fn pod_template_resources(t: &Target<'_>, out: &mut Vec<Finding>) {
    let templates: [(&[&str], &str); 3] = [
        (
            &["podTemplate"],
            "spec.jobManager.resource / spec.taskManager.resource",
        ),
        (&["jobManager", "podTemplate"], "spec.jobManager.resource"),
        (&["taskManager", "podTemplate"], "spec.taskManager.resource"),
    ];
    for (path, instead) in templates {
        let Some(containers) = t
            .view
            .spec(path)
            .and_then(|p| p.path(&["spec", "containers"]))
            .and_then(Node::as_seq)
        else {
            continue;
        };
        let main = containers
            .iter()
            .filter(|c| c.get("name").and_then(Node::as_str) == Some(MAIN_CONTAINER));
        for c in main {
            for kind in ["requests", "limits"] {
                let Some(entries) = c.path(&["resources", kind]).and_then(Node::as_map) else {
                    continue;
                };
                for name in ["memory", "cpu"] {
                    let Some(entry) = entries.entry(name) else {
                        continue;
                    };
                    let at = entry.value.origin.or(entry.key_origin).or(t.anchor(path));
                    let text = entry.value.scalar_text().unwrap_or_default();
                    let instead = if t.is_render() {
                        "jobManager/taskManager `cpu` and `memory` in the service spec"
                    } else {
                        instead
                    };
                    out.push(
                        Finding::new(at, format!(
                            "`resources.{kind}.{name}: {text}` of {MAIN_CONTAINER} in `spec.{}` has no effect: Flink overwrites the main container's cpu and memory",
                            path.join(".")
                        ))
                        .label("overwritten by Flink")
                        .help(format!("remove it, and size the JVMs with {instead}")),
                    );
                }
            }
        }
    }
}
