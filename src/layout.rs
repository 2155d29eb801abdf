//! The names the output layout reserves, which the platform config and discovery must respect
//! before anything is rendered. They live below `spec` and `workspace` (which check them) and
//! `render` (which writes them), so that neither has to import the other; docs/output-layout.md
//! describes the layout itself.

/// The folder name that holds the Flux Kustomizations; no cluster may be called this.
pub const FLUX_DIR: &str = "flux";

/// The prefix of every Flux Kustomization flinkform renders: `flinkform-<service>`. The Flux
/// namespace also holds the platform's own Kustomizations (`flux-system`, `infrastructure`,
/// `apps`, the operator's, the one that syncs flinkform's output); a service named like one of
/// them would replace it, and with `prune: true` delete what it deployed. With the prefix no
/// service name can, whatever the platform calls its own (only a platform Kustomization that
/// itself starts with `flinkform-` could collide, and the platform config check reports the
/// operator's).
pub const FLUX_KUSTOMIZATION_PREFIX: &str = "flinkform-";

/// The one service name the layout cannot hold: its Flux Kustomization would be
/// `flux/<cluster>/kustomization.yaml`, which kustomize-controller would take as the folder's
/// kustomization and apply instead of every service's.
pub const RESERVED_SERVICE_NAME: &str = "kustomization";
