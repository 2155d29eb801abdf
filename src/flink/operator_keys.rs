//! The operator's own configuration options that flinkform writes or rules read
//! (`KubernetesOperatorConfigOptions`). Each is set per resource in `flinkConfiguration`; the
//! operator reads them from the resource's observed configuration, and a change to one does
//! not restart the job (`kubernetes.operator.*` is on the operator's SpecDiff ignore list).

/// Takes a savepoint periodically (a duration); needs a savepoint directory.
pub const PERIODIC_SAVEPOINT_INTERVAL: &str = "kubernetes.operator.periodic.savepoint.interval";

/// Stops the job with a savepoint when its FlinkDeployment is deleted (since 1.6.0, default
/// false: the job is cancelled and its HA metadata deleted, `ApplicationReconciler#cleanupInternal`).
pub const SAVEPOINT_ON_DELETION: &str = "kubernetes.operator.job.savepoint-on-deletion";

/// Rolls back a failed upgrade to the last stable spec; needs HA.
pub const ROLLBACK_ENABLED: &str = "kubernetes.operator.deployment.rollback.enabled";

/// Restarts a cluster the operator finds unhealthy; needs a recovery path.
pub const HEALTH_CHECK_ENABLED: &str = "kubernetes.operator.cluster.health-check.enabled";

/// The URI schemes a FlinkSessionJob's `jarURI` may use (operator 1.15).
pub const ALLOWED_SCHEMES: &str = "kubernetes.operator.user.artifacts.allowed-schemes";
