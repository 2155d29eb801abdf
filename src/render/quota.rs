//! The ResourceQuota, sized from the service's own resources.
//!
//! The job needs `JobManager replicas × JobManager` plus `TaskManagers × TaskManager`, where the
//! TaskManager count is `taskManager.replicas` or, failing that, ⌈parallelism / slots⌉ (what
//! native mode starts). The quota adds one more JobManager and one more TaskManager as
//! headroom: during a restart or upgrade a replacement pod can start before the old one is
//! gone. A blue/green service counts the job twice (both children run during a switch), plus
//! the same headroom. Memory limits equal requests (flinkform sets them equal on every pod), and so do CPU.

use super::context::Ctx;
use super::tenancy::object_map;
use crate::diag::Diagnostic;
use crate::flink::{memory_size, spec_memory};
use crate::limits;
use crate::spec::fields::Cpu;
use crate::tree::{Map, Node, Origin, Sp};

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

/// How many copies of the job can run at once: two for a blue/green service, whose old and
/// new children both run from the start of a switch until the new one runs (and
/// `deploymentDeletionDelay` has passed); one otherwise.
pub fn copies(ctx: &Ctx<'_>) -> u128 {
    if ctx.resolved.spec.blue_green.enabled() {
        2
    } else {
        1
    }
}

pub fn build(ctx: &Ctx<'_>, diags: &mut Vec<Diagnostic>) -> Node {
    let spec = &ctx.resolved.spec;
    let (jm, tm) = pod_counts(ctx);
    let copies = copies(ctx);
    let jm_n = u128::from(jm) * copies + 1;
    let tm_n = u128::from(tm) * copies + 1;
    let mut hard = Map::new();
    hard.insert("pods", Node::str((jm_n + tm_n).to_string(), Origin::NONE));
    let (jcpu, tcpu) = (&spec.job_manager.cpu, &spec.task_manager.cpu);
    if let (Some(jc), Some(tc)) = (jcpu, tcpu) {
        // Each amount is checked against Kubernetes' limits when the spec is read; the sum
        // over all pods can still exceed them.
        let millis = |c: &Sp<Cpu>| limits::cpu_millicores(c.value.0).unwrap_or(u128::MAX);
        let total = millis(jc)
            .saturating_mul(jm_n)
            .saturating_add(millis(tc).saturating_mul(tm_n));
        if total <= limits::MAX_MILLICORES {
            let q = cpu_quantity(total);
            hard.insert("requests.cpu", Node::str(q.clone(), Origin::NONE));
            hard.insert("limits.cpu", Node::str(q, Origin::NONE));
        } else {
            diags.push(too_large(
                "CPU",
                tc.origin,
                jc.origin,
                (jm_n, tm_n),
                &format!("{}m", limits::MAX_MILLICORES),
            ));
        }
    }
    let (jmem, tmem) = (&spec.job_manager.memory, &spec.task_manager.memory);
    let bytes = |m: &Option<Sp<String>>| {
        m.as_ref()
            .and_then(|m| spec_memory::parse_spec_memory(&m.value).ok())
            .map(u128::from)
    };
    if let (Some(jb), Some(tb)) = (bytes(jmem), bytes(tmem)) {
        let total = jb
            .saturating_mul(jm_n)
            .saturating_add(tb.saturating_mul(tm_n));
        if total <= limits::MAX_KUBERNETES_BYTES {
            let q = format!("{}Mi", total / u128::from(memory_size::MIB));
            hard.insert("requests.memory", Node::str(q.clone(), Origin::NONE));
            hard.insert("limits.memory", Node::str(q, Origin::NONE));
        } else {
            let origin = |m: &Option<Sp<String>>| m.as_ref().map_or(Origin::NONE, |m| m.origin);
            diags.push(too_large(
                "memory",
                origin(tmem),
                origin(jmem),
                (jm_n, tm_n),
                &format!("{} bytes", limits::MAX_KUBERNETES_BYTES),
            ));
        }
    }
    let mut m = object_map("v1", "ResourceQuota", ctx.metadata(ctx.name));
    let mut s = Map::new();
    s.insert("hard", Node::map(hard, Origin::NONE));
    m.insert("spec", Node::map(s, Origin::NONE));
    Node::map(m, Origin::NONE)
}

/// The quota's total of a resource is more than Kubernetes can hold: a finding at the
/// TaskManager amount (times the most pods), with the JobManager's as a secondary location.
/// The quota then leaves that resource out rather than state a wrong number.
fn too_large(
    what: &str,
    tm: Origin,
    jm: Origin,
    (jm_n, tm_n): (u128, u128),
    limit: &str,
) -> Diagnostic {
    let mut d = Diagnostic::error(
        crate::policy::RuleId::Schema,
        format!(
            "the ResourceQuota's {what} for {tm_n} TaskManager and {jm_n} JobManager pods (with one spare of each) is more than Kubernetes can hold (at most {limit})"
        ),
    )
    .at_opt(tm.or(jm).span(), "per TaskManager")
    .with_help(format!("give each pod the {what} it needs: the total must fit Kubernetes' 64-bit quantities"));
    if let Some(s) = jm.span()
        && tm.span().is_some()
    {
        d = d.with_secondary(s, "per JobManager");
    }
    d
}

/// `4500` millicores → `"4500m"`, whole cores → `"5"`.
/// A CPU amount in Kubernetes notation: whole cores (`2`) or millicores (`500m`).
pub(crate) fn cpu_quantity(millis: u128) -> String {
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
