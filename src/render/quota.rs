//! The ResourceQuota, sized from the service's own resources.
//!
//! The job needs `JobManager replicas × JobManager` plus `TaskManagers × TaskManager`, where the
//! TaskManager count is `taskManager.replicas` or, failing that, ⌈parallelism / slots⌉ (what
//! native mode starts). The quota adds one more JobManager and one more TaskManager as
//! headroom: during a restart or upgrade a replacement pod can start before the old one is
//! gone. Memory limits equal requests (flinkform sets them equal on every pod), and so do CPU.

use super::context::Ctx;
use super::tenancy::object_map;
use crate::flink::units;
use crate::tree::{Map, Node, Origin};

/// The pods a job runs: (JobManager count, TaskManager count).
pub fn pod_counts(ctx: &Ctx<'_>) -> (u64, u64) {
    let spec = &ctx.resolved.spec;
    let jm = spec
        .job_manager
        .replicas
        .as_ref()
        .map_or(1, |r| r.value.max(1) as u64);
    let slots = spec
        .task_manager
        .slots
        .as_ref()
        .map_or(1, |s| s.value.max(1) as u64);
    let tm = match (&spec.task_manager.replicas, &spec.job.parallelism) {
        (Some(r), _) => r.value.max(1) as u64,
        (None, Some(p)) => (p.value.max(1) as u64).div_ceil(slots),
        (None, None) => 1,
    };
    (jm, tm)
}

pub fn build(ctx: &Ctx<'_>) -> Node {
    let spec = &ctx.resolved.spec;
    let (jm, tm) = pod_counts(ctx);
    let jm_n = jm + 1;
    let tm_n = tm + 1;
    let mut hard = Map::new();
    hard.insert("pods", Node::str((jm_n + tm_n).to_string(), Origin::NONE));
    let cpu = |c: &Option<crate::tree::Sp<crate::spec::fields::Cpu>>| c.as_ref().map(|c| c.value.0);
    if let (Some(jc), Some(tc)) = (cpu(&spec.job_manager.cpu), cpu(&spec.task_manager.cpu)) {
        let millis = ((jc * jm_n as f64 + tc * tm_n as f64) * 1000.0).ceil() as u64;
        let q = cpu_quantity(millis);
        hard.insert("requests.cpu", Node::str(q.clone(), Origin::NONE));
        hard.insert("limits.cpu", Node::str(q, Origin::NONE));
    }
    let mem = |m: &Option<crate::tree::Sp<String>>| {
        m.as_ref()
            .and_then(|m| units::parse_spec_memory(&m.value).ok())
    };
    if let (Some(jmem), Some(tmem)) = (
        mem(&spec.job_manager.memory),
        mem(&spec.task_manager.memory),
    ) {
        let total = jmem
            .saturating_mul(jm_n)
            .saturating_add(tmem.saturating_mul(tm_n));
        let q = format!("{}Mi", total / units::MIB);
        hard.insert("requests.memory", Node::str(q.clone(), Origin::NONE));
        hard.insert("limits.memory", Node::str(q, Origin::NONE));
    }
    let mut m = object_map("v1", "ResourceQuota", ctx.metadata(ctx.name));
    let mut s = Map::new();
    s.insert("hard", Node::map(hard, Origin::NONE));
    m.insert("spec", Node::map(s, Origin::NONE));
    Node::map(m, Origin::NONE)
}

/// `4500` millicores → `"4500m"`, whole cores → `"5"`.
fn cpu_quantity(millis: u64) -> String {
    if millis.is_multiple_of(1000) {
        (millis / 1000).to_string()
    } else {
        format!("{millis}m")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cpu_quantities() {
        assert_eq!(super::cpu_quantity(5000), "5");
        assert_eq!(super::cpu_quantity(4500), "4500m");
    }
}
