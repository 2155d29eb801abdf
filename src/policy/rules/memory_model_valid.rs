use super::sizing::{self, Placed};
use crate::diag::Severity;
use crate::facts::effective::EffectiveConfig as Effective;
use crate::facts::resources::{ROLES, Role};
use crate::flink::memory::{Config, MemoryError, derive_job_manager, derive_task_manager};
use crate::flink::memory_size::{MIB, human_mib, parse_flink_memory};
use crate::flink::quantity::k8s_binary;
use crate::facts::view::Kind;
use crate::policy::{Finding, Rule, Target};
use crate::tree::Origin;

crate::declare_rule! {
    /// Flink can derive the JobManager and TaskManager memory from the configuration.
    ///
    /// ## What it checks
    /// Runs Flink's memory model (FLIP-49 for the TaskManager, FLIP-116 for the JobManager)
    /// on the effective configuration: the process size from the spec memory, read as the
    /// operator reads it, plus any fine-grained memory keys in `flinkConfiguration`
    /// (`taskmanager.memory.managed.size`, `…network.max`, `jobmanager.memory.heap.size`, …),
    /// with the defaults of the job's `flinkVersion` (the network memory maximum was 1 GiB
    /// before Flink 1.17, unbounded since). It reports:
    /// * an error, quoting Flink's own message, when the derivation fails: the sizes do not
    ///   add up, a fraction is out of range, a value cannot be read;
    /// * a warning when a JVM heap would be under the 128 MiB Flink recommends (TaskManager:
    ///   framework plus task heap; JobManager: heap).
    ///
    /// The derivation is Flink's, byte for byte, and checked against Flink's own code in CI:
    /// on Flink 1.x a legacy `taskmanager.network.numberOfBuffers` sizes the network (buffers
    /// × `taskmanager.memory.segment-size`) when no network min/max/fraction key is set, and
    /// `jobmanager.memory.enable-jvm-direct-memory-limit` must be `true` or `false`.
    ///
    /// A JVM the manifest does not size at all is left to `resources-defined`.
    ///
    /// ## Why
    /// The operator checks the memory model at admission only when the spec gives no memory.
    /// With spec memory, a configuration that does not add up is accepted, and fails only when
    /// the operator deploys it (`ReconciliationException: … memory configuration failed`).
    ///
    /// ## Example
    /// ```yaml,spec,fires
    /// spec:
    ///   taskManager: { memory: 4Gi }
    ///   flinkConfiguration:
    ///     taskmanager.memory.managed.size: 3g
    /// ```
    /// ```yaml,fires
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     taskmanager.memory.managed.size: 3g
    ///   jobManager:
    ///     resource: { cpu: 1, memory: 2048m }
    ///   taskManager:
    ///     resource: { cpu: 2, memory: 4096m }
    /// ```
    ///
    /// ## Fix
    /// Size the process and let Flink divide it, or make the explicit sizes fit:
    /// ```yaml,spec,passes
    /// spec:
    ///   taskManager: { memory: 4Gi }
    ///   flinkConfiguration:
    ///     taskmanager.memory.managed.fraction: "0.5"
    /// ```
    /// ```yaml,passes
    /// apiVersion: flink.apache.org/v1beta1
    /// kind: FlinkDeployment
    /// metadata: { name: orders, namespace: orders }
    /// spec:
    ///   flinkVersion: v1_20
    ///   flinkConfiguration:
    ///     taskmanager.memory.managed.fraction: "0.5"
    ///   jobManager:
    ///     resource: { cpu: 1, memory: 2048m }
    ///   taskManager:
    ///     resource: { cpu: 2, memory: 4096m }
    /// ```
    pub struct MemoryModelValid {
        name: "memory-model-valid", severity: Error, category: Policy, kinds: [Deployment],
    }
}

/// Flink's recommended minimum JVM heap (`MIN_JVM_HEAP_SIZE`): below it Flink only logs.
pub const MIN_HEAP: u64 = 128 * MIB;

/// The largest process size searched for a suggestion: 1 TiB, in MiB.
const SEARCH_LIMIT_MIB: u64 = 1 << 20;

impl Rule for MemoryModelValid {
    fn check(&self, t: &Target<'_>, out: &mut Vec<Finding>) {
        if t.view.kind() != Kind::Deployment {
            return;
        }
        let e = t.view.effective();
        let version = e.version;
        for role in ROLES {
            if e.is_unreadable(role) {
                continue; // unreadable spec memory: memory-matches-limit
            }
            if !e.is_sized(role) {
                continue; // resources-defined
            }
            match Derived::effective(e, role) {
                Ok(d) => low_heap(t, role, e, &d, out),
                Err(error) => failure(t, role, e, version, &error, out),
            }
        }
    }
}

enum Derived {
    Tm(crate::flink::memory::TaskManagerMemory),
    Jm(crate::flink::memory::JobManagerMemory),
}

impl Derived {
    /// The derivation of the effective configuration, computed once per deployment.
    fn effective(e: &Effective<'_>, role: Role) -> Result<Derived, MemoryError> {
        if role.is_task_manager() {
            e.task_manager().clone().map(Derived::Tm)
        } else {
            e.job_manager().clone().map(Derived::Jm)
        }
    }

    fn of(config: &Config, role: Role, version: (u32, u32)) -> Result<Derived, MemoryError> {
        if role.is_task_manager() {
            derive_task_manager(config, version).map(Derived::Tm)
        } else {
            derive_job_manager(config).map(Derived::Jm)
        }
    }

    fn heap(&self) -> u64 {
        match self {
            Derived::Tm(m) => m.jvm().xmx,
            Derived::Jm(m) => m.heap,
        }
    }

    fn breakdown(&self) -> String {
        match self {
            Derived::Tm(m) => sizing::tm_breakdown(m),
            Derived::Jm(m) => sizing::jm_breakdown(m),
        }
    }
}

/// The keys that make the heap what it is, when set explicitly.
fn heap_keys(role: Role) -> &'static [&'static str] {
    if role.is_task_manager() {
        &[
            "taskmanager.memory.framework.heap.size",
            "taskmanager.memory.task.heap.size",
            "taskmanager.memory.managed.size",
            "taskmanager.memory.size",
            "taskmanager.memory.managed.fraction",
            "taskmanager.memory.jvm-metaspace.size",
        ]
    } else {
        &[
            "jobmanager.memory.heap.size",
            "jobmanager.memory.off-heap.size",
            "jobmanager.memory.jvm-metaspace.size",
        ]
    }
}

fn low_heap(t: &Target<'_>, role: Role, e: &Effective<'_>, d: &Derived, out: &mut Vec<Finding>) {
    let heap = d.heap();
    if heap >= MIN_HEAP {
        return;
    }
    let mut f = Finding::new(
        sizing::process_origin(e, t, role),
        format!(
            "the {} JVM heap would be {}, under the {} Flink recommends",
            role.who,
            human_mib(heap),
            human_mib(MIN_HEAP)
        ),
    )
    .label("small heap")
    .severity(Severity::Warning);
    for key in heap_keys(role) {
        if let Some(c) = t.view.get(key) {
            f = f.also(c.origin(), format!("`{key}`"));
        }
    }
    out.push(f.help(format!(
        "Flink derives {}; give the {} more memory ({})",
        d.breakdown(),
        role.who,
        sizing::where_to_set(t, role, "memory")
    )));
}

fn failure(
    t: &Target<'_>,
    role: Role,
    e: &Effective<'_>,
    version: (u32, u32),
    error: &MemoryError,
    out: &mut Vec<Finding>,
) {
    // The flinkConfiguration keys first, the spec memory (the process size) last.
    let process_key = role.process_key();
    let mut located: Vec<(&str, Origin)> = error
        .keys
        .iter()
        .map(|k| (k.as_str(), sizing::origin_of(e, t, role, k)))
        .filter(|(_, o)| o.span().is_some())
        .collect();
    located.sort_by_key(|(k, _)| *k == process_key);
    let (at, label, rest) = match located.split_first() {
        Some(((key, origin), rest)) => (*origin, label_of(t, role, e, key), rest),
        None => (
            sizing::process_origin(e, t, role),
            "the process size".to_string(),
            &[][..],
        ),
    };
    let mut f = Finding::new(at, error.message.clone()).label(label);
    for (key, origin) in rest {
        f = f.also(*origin, label_of(t, role, e, key));
    }
    out.push(f.help(suggestion(t, role, e, version, error)));
}

fn label_of(t: &Target<'_>, role: Role, e: &Effective<'_>, key: &str) -> String {
    match e.read_memory(role) {
        Some((m, _)) if key == role.process_key() => {
            format!("`{}`: the process size", m.shown(t))
        }
        _ => format!("`{key}`"),
    }
}

/// What to change: the breakdown Flink derives without the explicit sizes, or the process size
/// the settings need.
fn suggestion(
    t: &Target<'_>,
    role: Role,
    e: &Effective<'_>,
    version: (u32, u32),
    error: &MemoryError,
) -> String {
    let process_key = role.process_key();
    let mut plain = e.config.clone();
    for key in role.sizing_keys().iter().skip(1) {
        plain.remove(*key);
    }
    let explicit: Vec<&str> = error
        .keys
        .iter()
        .map(String::as_str)
        .filter(|k| *k != process_key)
        .collect();
    let named = |keys: &[&str]| {
        keys.iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let all: Vec<&str> = error.keys.iter().map(String::as_str).collect();
    if error.message.contains("Could not parse value")
        || error.message.contains("Cannot read memory size")
    {
        return format!(
            "write {} as Flink reads it: a fraction such as `0.1`, or a size such as `256m` or `1g`",
            named(&all)
        );
    }
    if error.message.contains("Inconsistently configured") {
        return format!(
            "fix {}: a fraction must be at least 0 and below 1, and a minimum must not exceed its maximum",
            named(&all)
        );
    }
    if plain.contains_key(&process_key) {
        if !explicit.is_empty()
            && let Ok(d) = Derived::of(&plain, role, version)
        {
            return format!(
                "adjust or remove {}: from the process size alone Flink derives {}",
                named(&explicit),
                d.breakdown()
            );
        }
        if let Some(mib) = smallest_process_mib(&plain, role, version) {
            return format!(
                "the {} needs at least {mib} MiB with these settings: set {} to `{}` or more{}",
                role.who,
                sizing::where_to_set(t, role, "memory"),
                k8s_binary(mib.saturating_mul(MIB)),
                if explicit.is_empty() {
                    String::new()
                } else {
                    format!(", or adjust {}", named(&explicit))
                }
            );
        }
    }
    if explicit.is_empty() {
        format!(
            "size the {} with {} and let Flink divide it",
            role.who,
            sizing::where_to_set(t, role, "memory")
        )
    } else {
        format!(
            "adjust {} so that the sizes fit together, or remove them and let Flink divide the process size",
            named(&explicit)
        )
    }
}

/// The smallest whole-MiB process size (at least the configured one) from which the
/// configuration derives, searched by doubling and bisection; `None` up to 1 TiB.
fn smallest_process_mib(config: &Config, role: Role, version: (u32, u32)) -> Option<u64> {
    let key = role.process_key();
    let mut probe = config.clone();
    let mut derives = |mib: u64| {
        probe.insert(key.clone(), mib.saturating_mul(MIB).to_string());
        Derived::of(&probe, role, version).is_ok()
    };
    let start = config
        .get(&key)
        .and_then(|v| parse_flink_memory(v).ok())
        .map_or(1, |b| b.div_ceil(MIB).max(1));
    if start > SEARCH_LIMIT_MIB || derives(start) {
        return None;
    }
    let mut low = start;
    let mut high = start;
    while !derives(high) {
        if high >= SEARCH_LIMIT_MIB {
            return None;
        }
        low = high;
        high = high.saturating_mul(2).min(SEARCH_LIMIT_MIB);
    }
    // derives(high), not derives(low): bisect.
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if derives(mid) {
            high = mid;
        } else {
            low = mid;
        }
    }
    Some(high)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flink::memory::Config;

    fn config(pairs: &[(&str, &str)]) -> Config {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn smallest_process_size_matches_the_fact_sheet() {
        // Fact sheet §5.5: a TaskManager needs ≈ 982 MiB with defaults, a JobManager > 576 MiB.
        let tm = config(&[("taskmanager.memory.process.size", &(512 * MIB).to_string())]);
        let mib = smallest_process_mib(&tm, crate::facts::resources::TASK_MANAGER, (1, 20))
            .expect("found");
        assert!((980..=984).contains(&mib), "{mib}");
        let jm = config(&[("jobmanager.memory.process.size", &(256 * MIB).to_string())]);
        let mib = smallest_process_mib(&jm, crate::facts::resources::JOB_MANAGER, (1, 20))
            .expect("found");
        assert!((577..=578).contains(&mib), "{mib}");
        // Nothing to search when it already derives, and no answer when nothing fits.
        let ok = config(&[("jobmanager.memory.process.size", &(2048 * MIB).to_string())]);
        assert_eq!(
            smallest_process_mib(&ok, crate::facts::resources::JOB_MANAGER, (1, 20)),
            None
        );
        let never = config(&[
            ("jobmanager.memory.process.size", "1g"),
            ("jobmanager.memory.jvm-overhead.min", "2g"),
        ]);
        assert_eq!(
            smallest_process_mib(&never, crate::facts::resources::JOB_MANAGER, (1, 20)),
            None
        );
    }
}
