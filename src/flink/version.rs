//! Flink versions as the operator names them (`flinkVersion: v1_20`) and the configuration
//! keys that changed name between versions.
//!
//! | setting | before | from |
//! |---|---|---|
//! | checkpoint directory | `state.checkpoints.dir` | `execution.checkpointing.dir` (1.20) |
//! | savepoint directory | `state.savepoints.dir` | `execution.checkpointing.savepoint-dir` (1.20) |
//! | incremental checkpoints | `state.backend.incremental` | `execution.checkpointing.incremental` (1.20) |
//! | state backend | `state.backend` | `state.backend.type` (1.17) |
//! | HA mode | `high-availability` | `high-availability.type` (1.16) |
//!
//! The older keys stay accepted as deprecated aliases in the versions that introduced the new
//! ones, so using the newest key a version knows is always right; Flink 2 drops many of the
//! deprecated aliases, so the older keys must not be written there.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FlinkVersion {
    pub major: u32,
    pub minor: u32,
}

impl FlinkVersion {
    pub const fn new(major: u32, minor: u32) -> Self {
        FlinkVersion { major, minor }
    }

    /// `"1.20"` → 1.20. The spec schema guarantees the `major.minor` shape.
    pub fn parse(text: &str) -> Option<FlinkVersion> {
        let (a, b) = text.split_once('.')?;
        Some(FlinkVersion::new(a.parse().ok()?, b.parse().ok()?))
    }

    /// The operator's enum label: 1.20 → `v1_20`.
    pub fn operator_label(self) -> String {
        format!("v{}_{}", self.major, self.minor)
    }

    /// Reads the operator's label back: `v1_20` → 1.20.
    pub fn from_operator_label(label: &str) -> Option<FlinkVersion> {
        let rest = label.strip_prefix('v')?;
        let (a, b) = rest.split_once('_')?;
        Some(FlinkVersion::new(a.parse().ok()?, b.parse().ok()?))
    }

    pub fn checkpoint_dir_key(self) -> &'static str {
        if self >= V1_20 {
            "execution.checkpointing.dir"
        } else {
            "state.checkpoints.dir"
        }
    }

    pub fn savepoint_dir_key(self) -> &'static str {
        if self >= V1_20 {
            "execution.checkpointing.savepoint-dir"
        } else {
            "state.savepoints.dir"
        }
    }

    pub fn incremental_key(self) -> &'static str {
        if self >= V1_20 {
            "execution.checkpointing.incremental"
        } else {
            "state.backend.incremental"
        }
    }

    pub fn state_backend_key(self) -> &'static str {
        if self >= V1_17 {
            "state.backend.type"
        } else {
            "state.backend"
        }
    }

    pub fn ha_type_key(self) -> &'static str {
        if self >= V1_16 {
            "high-availability.type"
        } else {
            "high-availability"
        }
    }
}

pub const V1_16: FlinkVersion = FlinkVersion::new(1, 16);
pub const V1_17: FlinkVersion = FlinkVersion::new(1, 17);
pub const V1_18: FlinkVersion = FlinkVersion::new(1, 18);
pub const V1_19: FlinkVersion = FlinkVersion::new(1, 19);
pub const V1_20: FlinkVersion = FlinkVersion::new(1, 20);

/// Every key that names one of the settings above, in any version: what a rule looking for
/// "the checkpoint directory" must accept in hand-written manifests.
pub const CHECKPOINT_DIR_KEYS: &[&str] = &["execution.checkpointing.dir", "state.checkpoints.dir"];
pub const SAVEPOINT_DIR_KEYS: &[&str] = &[
    "execution.checkpointing.savepoint-dir",
    "state.savepoints.dir",
];
pub const STATE_BACKEND_KEYS: &[&str] = &["state.backend.type", "state.backend"];
pub const HA_TYPE_KEYS: &[&str] = &["high-availability.type", "high-availability"];
pub const HA_STORAGE_KEY: &str = "high-availability.storageDir";
pub const CHECKPOINT_INTERVAL_KEY: &str = "execution.checkpointing.interval";

impl fmt::Display for FlinkVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> FlinkVersion {
        FlinkVersion::parse(s).expect("version")
    }

    #[test]
    fn labels_round_trip() {
        assert_eq!(v("1.20").operator_label(), "v1_20");
        assert_eq!(v("2.0").operator_label(), "v2_0");
        assert_eq!(FlinkVersion::from_operator_label("v1_18"), Some(v("1.18")));
        assert_eq!(FlinkVersion::from_operator_label("1_18"), None);
        assert_eq!(FlinkVersion::parse("1.x"), None);
    }

    #[test]
    fn keys_by_version() {
        let table = [
            (
                "1.15",
                "state.checkpoints.dir",
                "state.savepoints.dir",
                "state.backend",
                "high-availability",
                "state.backend.incremental",
            ),
            (
                "1.16",
                "state.checkpoints.dir",
                "state.savepoints.dir",
                "state.backend",
                "high-availability.type",
                "state.backend.incremental",
            ),
            (
                "1.17",
                "state.checkpoints.dir",
                "state.savepoints.dir",
                "state.backend.type",
                "high-availability.type",
                "state.backend.incremental",
            ),
            (
                "1.19",
                "state.checkpoints.dir",
                "state.savepoints.dir",
                "state.backend.type",
                "high-availability.type",
                "state.backend.incremental",
            ),
            (
                "1.20",
                "execution.checkpointing.dir",
                "execution.checkpointing.savepoint-dir",
                "state.backend.type",
                "high-availability.type",
                "execution.checkpointing.incremental",
            ),
            (
                "2.0",
                "execution.checkpointing.dir",
                "execution.checkpointing.savepoint-dir",
                "state.backend.type",
                "high-availability.type",
                "execution.checkpointing.incremental",
            ),
        ];
        for (ver, cp, sp, sb, ha, inc) in table {
            let f = v(ver);
            assert_eq!(f.checkpoint_dir_key(), cp, "{ver}");
            assert_eq!(f.savepoint_dir_key(), sp, "{ver}");
            assert_eq!(f.state_backend_key(), sb, "{ver}");
            assert_eq!(f.ha_type_key(), ha, "{ver}");
            assert_eq!(f.incremental_key(), inc, "{ver}");
        }
    }
}
