crate::declare_rule! {
    /// The clusters' Flux cannot tell whether a job runs.
    ///
    /// ## What it checks
    /// Once per run, at `flux.version` in flinkform.yaml: a Flux older than 2.5 has no
    /// `healthCheckExprs`, so the Kustomizations flinkform renders for it have none (the API
    /// server would drop the field) and keep only `healthChecks`, which that Flux evaluates
    /// with its generic (kstatus) check.
    ///
    /// ## Why
    /// The generic check calls a custom resource ready as soon as its `status.observedGeneration`
    /// matches and no `Ready` condition says otherwise: a FlinkDeployment is "ready" once the
    /// operator has read its spec, whether or not the job then starts, and a
    /// FlinkBlueGreenDeployment (no `observedGeneration`, no conditions) at once. A
    /// Kustomization's `Ready` then says nothing about the job: a deployment that crash-loops
    /// goes unnoticed by Flux, its alerts and anything that `dependsOn` the Kustomization.
    /// Flux 2.5 evaluates the expressions flinkform renders, which read the job's own state
    /// (docs/output-layout.md, "Health checks").
    ///
    /// It is a warning, not an error: the rendered output is valid and deploys the same jobs;
    /// what is missing is a gate the repository cannot add, and an error would block every
    /// `check` and `render` until the clusters' Flux is upgraded.
    ///
    /// ## Fix
    /// Upgrade Flux to 2.5 or later and set `flux.version` to it. To keep an older Flux
    /// knowingly, set `flux-health-checks: off` in `policy.rules`; the finding is about the
    /// platform, not a service, so it has no per-environment setting and no waiver.
    pub struct FluxHealthChecks {
        name: "flux-health-checks", severity: Warning, category: Repository,
    }
}
