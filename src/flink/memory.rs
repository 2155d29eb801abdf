//! The Flink memory model (FLIP-49 for TaskManagers, FLIP-116 for JobManagers): every memory
//! component Flink derives from a flat configuration, byte for byte, and Flink's own error
//! message when it refuses the configuration.
//!
//! flinkform runs this at compile time so that a spec which Flink would reject at deploy time
//! (the operator skips these checks at admission whenever spec memory is set) fails in CI
//! instead, with the message the operator would eventually have logged.
//!
//! The code mirrors Flink's `ProcessMemoryUtils`, `TaskExecutorFlinkMemoryUtils` and
//! `JobManagerFlinkMemoryUtils` step by step, in Flink's order of reading options, so that when a
//! configuration has several problems the one reported is the one Flink reports. Two details
//! matter for byte-exact results:
//!
//! * fractions are Java `float`s widened to `double` and turned into `BigDecimal` through
//!   `Double.toString`, so `0.1` is really `0.10000000149011612` and `0.4` is
//!   `0.4000000059604645`; products are truncated (`BigDecimal.longValue`), which we compute with
//!   integer arithmetic;
//! * sums use `Math.addExact`, so an absurd configuration overflows instead of wrapping; we report
//!   that as an error too.
//!
//! Where this deliberately differs from Flink:
//!
//! * Flink throws an unparsable fraction (`IllegalArgumentException`) and an overflow
//!   (`ArithmeticException`) without the `… memory configuration failed: ` prefix; here every
//!   failure carries it, so callers can treat them alike.
//! * `Double.toString` is Java 11/17's, the JDKs of Flink's images (ties to the even digit, see
//!   [`crate::flink::java`]); JDK 19+ prints a different last digit for rare fractions (e.g.
//!   `0.798378`), so Flink on a newer JDK can derive a size one byte apart.
//!
//! Not modelled: the pre-FLIP-49 options `taskmanager.heap.size`/`.mb`,
//! `jobmanager.heap.size`/`.mb` and `FLINK_TM_HEAP`/`FLINK_JM_HEAP` (they only stand in for a
//! missing process size, and the operator always sets one from spec memory). Modelled since
//! Flink's own code judged it (`tests/flink_oracle.rs`): hexadecimal fractions (`0x1p-2`),
//! Java's tie rule in `Double.toString` ([`crate::flink::java`]), the strict reading of
//! `jobmanager.memory.enable-jvm-direct-memory-limit`, and Flink 1.x's legacy
//! `taskmanager.network.numberOfBuffers`, which sizes the network (buffers × segment size)
//! when none of the network min/max/fraction keys is set.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::flink::java::{
    java_double_to_string, java_parse_float, java_parse_float_error, shortest_decimal,
};
use crate::flink::memory_size::{
    FLINK_MAX_BYTES, GIB, MIB, flink_human_readable as human, parse_flink_memory,
};

/// Effective Flink configuration as seen by the derivation: flat keys
/// (`taskmanager.memory.process.size`) to value text, as the operator passes them to Flink.
pub type Config = BTreeMap<String, String>;

/// Every TaskManager memory component, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskManagerMemory {
    pub process: u64,
    pub flink: u64,
    pub framework_heap: u64,
    pub task_heap: u64,
    pub managed: u64,
    pub network: u64,
    pub framework_off_heap: u64,
    pub task_off_heap: u64,
    pub metaspace: u64,
    pub overhead: u64,
}

/// Every JobManager memory component, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobManagerMemory {
    pub process: u64,
    pub flink: u64,
    pub heap: u64,
    pub off_heap: u64,
    pub metaspace: u64,
    pub overhead: u64,
    /// `jobmanager.memory.enable-jvm-direct-memory-limit`: whether the JVM gets
    /// `-XX:MaxDirectMemorySize` (see [`JobManagerMemory::jvm`]).
    #[serde(skip)]
    pub direct_memory_limit: bool,
}

/// The JVM limits Flink starts the process with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JvmFlags {
    /// `-Xmx`.
    pub xmx: u64,
    /// `-Xms` (always equal to `-Xmx` in Flink).
    pub xms: u64,
    /// `-XX:MaxDirectMemorySize`, when Flink sets it.
    pub max_direct: Option<u64>,
    /// `-XX:MaxMetaspaceSize`.
    pub max_metaspace: u64,
}

/// The flags exactly as Flink's `ProcessMemoryUtils.generateJvmParametersStr` prints them (what
/// `bin/config.sh` passes to `java`): `-Xmx… -Xms… [-XX:MaxDirectMemorySize=…]
/// -XX:MaxMetaspaceSize=…`, sizes in bytes.
impl fmt::Display for JvmFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "-Xmx{} -Xms{}", self.xmx, self.xms)?;
        if let Some(direct) = self.max_direct {
            write!(f, " -XX:MaxDirectMemorySize={direct}")?;
        }
        write!(f, " -XX:MaxMetaspaceSize={}", self.max_metaspace)
    }
}

impl TaskManagerMemory {
    /// Heap is framework plus task heap; direct memory is framework and task off-heap plus
    /// network. Managed memory is native and outside every JVM limit.
    pub fn jvm(&self) -> JvmFlags {
        let heap = self.framework_heap.saturating_add(self.task_heap);
        JvmFlags {
            xmx: heap,
            xms: heap,
            max_direct: Some(
                self.framework_off_heap
                    .saturating_add(self.task_off_heap)
                    .saturating_add(self.network),
            ),
            max_metaspace: self.metaspace,
        }
    }
}

/// `jobmanager.memory.enable-jvm-direct-memory-limit` (default `false`).
pub const JM_DIRECT_MEMORY_LIMIT_KEY: &str = "jobmanager.memory.enable-jvm-direct-memory-limit";

impl JobManagerMemory {
    /// `-XX:MaxDirectMemorySize` is set to the off-heap size only when
    /// `jobmanager.memory.enable-jvm-direct-memory-limit` is on (read, and any other value than
    /// `true`/`false` refused, by [`derive_job_manager`]).
    pub fn jvm(&self) -> JvmFlags {
        JvmFlags {
            xmx: self.heap,
            xms: self.heap,
            max_direct: self.direct_memory_limit.then_some(self.off_heap),
            max_metaspace: self.metaspace,
        }
    }
}

/// Why Flink would refuse the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryError {
    /// Flink's text, including the `TaskManager memory configuration failed: ` or
    /// `JobManager memory configuration failed: ` prefix. Where Flink attaches a cause that
    /// carries the useful detail (an unparsable value, the network range), it follows as
    /// ` Caused by: …`.
    pub message: String,
    /// The configuration keys that are explicitly set and take part in the failure, exactly as
    /// they appear in the configuration (deprecated spellings included), so a caller can point
    /// at them.
    pub keys: Vec<String>,
}

impl fmt::Display for MemoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MemoryError {}

/// The default of `taskmanager.memory.network.max`: 1 GiB up to Flink 1.16, unbounded
/// (`Long.MAX_VALUE` bytes) since Flink 1.17 (FLINK-30469, FLIP-266; see the 1.17 release
/// notes, "Simplify network memory configurations for TaskManager"). Versions before 1.15 are
/// not supported by flinkform and get the 1.15 behaviour.
pub fn network_max_default(flink_version: (u32, u32)) -> u64 {
    if flink_version >= (1, 17) {
        FLINK_MAX_BYTES
    } else {
        GIB
    }
}

/// Derives the TaskManager memory as `TaskExecutorProcessUtils.processSpecFromConfig` does for
/// the given Flink version (`(major, minor)`, which only matters for the network maximum, see
/// [`network_max_default`]).
pub fn derive_task_manager(
    config: &Config,
    flink_version: (u32, u32),
) -> Result<TaskManagerMemory, MemoryError> {
    let cx = Cx {
        config,
        all_keys: TM_ALL_KEYS,
        network_max: MemoryOption {
            default: Some(network_max_default(flink_version)),
            ..TM_NETWORK_MAX
        },
        legacy_network: flink_version.0 < 2,
    };
    tm_process(&cx)
        .map_err(|failure| failure.into_error("TaskManager memory configuration failed: "))
}

/// Derives the JobManager memory as `JobManagerProcessUtils.processSpecFromConfig...` does,
/// then reads `jobmanager.memory.enable-jvm-direct-memory-limit` as
/// `JobManagerProcessUtils.generateJvmParametersStr` does next (so a bad boolean is refused
/// only once the sizes are valid, as in Flink).
pub fn derive_job_manager(config: &Config) -> Result<JobManagerMemory, MemoryError> {
    let cx = Cx {
        config,
        all_keys: JM_ALL_KEYS,
        network_max: TM_NETWORK_MAX,
        legacy_network: false,
    };
    jm_process(&cx)
        .and_then(|memory| {
            Ok(JobManagerMemory {
                direct_memory_limit: cx.boolean(JM_DIRECT_MEMORY_LIMIT_KEY, false)?,
                ..memory
            })
        })
        .map_err(|failure| failure.into_error("JobManager memory configuration failed: "))
}

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

/// A config key with the deprecated keys Flink falls back to, in lookup order.
#[derive(Debug, Clone, Copy)]
struct Key {
    name: &'static str,
    deprecated: &'static [&'static str],
}

#[derive(Debug, Clone, Copy)]
struct MemoryOption {
    key: Key,
    default: Option<u64>,
}

#[derive(Debug, Clone, Copy)]
struct FractionOption {
    key: Key,
    default: f32,
    /// `Float.toString` of the default, as `ConfigOption.toString` prints it.
    default_text: &'static str,
}

const fn key(name: &'static str) -> Key {
    Key {
        name,
        deprecated: &[],
    }
}

const fn memory(name: &'static str, default: Option<u64>) -> MemoryOption {
    MemoryOption {
        key: key(name),
        default,
    }
}

const TM_PROCESS: MemoryOption = memory("taskmanager.memory.process.size", None);
const TM_FLINK: MemoryOption = memory("taskmanager.memory.flink.size", None);
const TM_FRAMEWORK_HEAP: MemoryOption =
    memory("taskmanager.memory.framework.heap.size", Some(128 * MIB));
const TM_TASK_HEAP: MemoryOption = memory("taskmanager.memory.task.heap.size", None);
const TM_MANAGED: MemoryOption = MemoryOption {
    key: Key {
        name: "taskmanager.memory.managed.size",
        deprecated: &["taskmanager.memory.size"],
    },
    default: None,
};
const TM_MANAGED_FRACTION: FractionOption = FractionOption {
    key: key("taskmanager.memory.managed.fraction"),
    default: 0.4,
    default_text: "0.4",
};
const TM_NETWORK_MIN: MemoryOption = MemoryOption {
    key: Key {
        name: "taskmanager.memory.network.min",
        deprecated: &["taskmanager.network.memory.min"],
    },
    default: Some(64 * MIB),
};
/// The default is version-dependent and filled in by [`derive_task_manager`].
const TM_NETWORK_MAX: MemoryOption = MemoryOption {
    key: Key {
        name: "taskmanager.memory.network.max",
        deprecated: &["taskmanager.network.memory.max"],
    },
    default: Some(FLINK_MAX_BYTES),
};
const TM_NETWORK_FRACTION: FractionOption = FractionOption {
    key: Key {
        name: "taskmanager.memory.network.fraction",
        deprecated: &["taskmanager.network.memory.fraction"],
    },
    default: 0.1,
    default_text: "0.1",
};
const TM_FRAMEWORK_OFF_HEAP: MemoryOption = memory(
    "taskmanager.memory.framework.off-heap.size",
    Some(128 * MIB),
);
const TM_TASK_OFF_HEAP: MemoryOption = memory("taskmanager.memory.task.off-heap.size", Some(0));

const TM_OPTIONS: ProcessOptions = ProcessOptions {
    fine_grained: &[TM_TASK_HEAP.key, TM_MANAGED.key],
    total_flink: TM_FLINK,
    total_process: TM_PROCESS,
    metaspace: memory("taskmanager.memory.jvm-metaspace.size", Some(256 * MIB)),
    overhead_min: memory("taskmanager.memory.jvm-overhead.min", Some(192 * MIB)),
    overhead_max: memory("taskmanager.memory.jvm-overhead.max", Some(GIB)),
    overhead_fraction: FractionOption {
        key: key("taskmanager.memory.jvm-overhead.fraction"),
        default: 0.1,
        default_text: "0.1",
    },
};

const TM_ALL_KEYS: &[Key] = &[
    TM_PROCESS.key,
    TM_FLINK.key,
    TM_FRAMEWORK_HEAP.key,
    TM_TASK_HEAP.key,
    TM_MANAGED.key,
    TM_MANAGED_FRACTION.key,
    TM_NETWORK_MIN.key,
    TM_NETWORK_MAX.key,
    TM_NETWORK_FRACTION.key,
    TM_FRAMEWORK_OFF_HEAP.key,
    TM_TASK_OFF_HEAP.key,
    TM_OPTIONS.metaspace.key,
    TM_OPTIONS.overhead_min.key,
    TM_OPTIONS.overhead_max.key,
    TM_OPTIONS.overhead_fraction.key,
];

const JM_PROCESS: MemoryOption = memory("jobmanager.memory.process.size", None);
const JM_FLINK: MemoryOption = memory("jobmanager.memory.flink.size", None);
const JM_HEAP: MemoryOption = memory("jobmanager.memory.heap.size", None);
const JM_OFF_HEAP: MemoryOption = memory("jobmanager.memory.off-heap.size", Some(128 * MIB));

const JM_OPTIONS: ProcessOptions = ProcessOptions {
    fine_grained: &[JM_HEAP.key],
    total_flink: JM_FLINK,
    total_process: JM_PROCESS,
    metaspace: memory("jobmanager.memory.jvm-metaspace.size", Some(256 * MIB)),
    overhead_min: memory("jobmanager.memory.jvm-overhead.min", Some(192 * MIB)),
    overhead_max: memory("jobmanager.memory.jvm-overhead.max", Some(GIB)),
    overhead_fraction: FractionOption {
        key: key("jobmanager.memory.jvm-overhead.fraction"),
        default: 0.1,
        default_text: "0.1",
    },
};

const JM_ALL_KEYS: &[Key] = &[
    JM_PROCESS.key,
    JM_FLINK.key,
    JM_HEAP.key,
    JM_OFF_HEAP.key,
    JM_OPTIONS.metaspace.key,
    JM_OPTIONS.overhead_min.key,
    JM_OPTIONS.overhead_max.key,
    JM_OPTIONS.overhead_fraction.key,
];

/// What `ProcessMemoryUtils` needs to know about a process kind (`ProcessMemoryOptions`).
struct ProcessOptions {
    fine_grained: &'static [Key],
    total_flink: MemoryOption,
    total_process: MemoryOption,
    metaspace: MemoryOption,
    overhead_min: MemoryOption,
    overhead_max: MemoryOption,
    overhead_fraction: FractionOption,
}

impl ProcessOptions {
    fn overhead_keys(&self) -> [Key; 3] {
        [
            self.overhead_min.key,
            self.overhead_max.key,
            self.overhead_fraction.key,
        ]
    }
}

/// `ConfigOption.toString()`, which Flink interpolates into two of its messages.
fn option_text(key: Key, default_text: &str) -> String {
    let fallbacks: Vec<String> = key
        .deprecated
        .iter()
        .map(|k| format!("{{key={k}, isDeprecated=true}}"))
        .collect();
    format!(
        "Key: '{}' , default: {default_text} (fallback keys: [{}])",
        key.name,
        fallbacks.join(", ")
    )
}

// ---------------------------------------------------------------------------------------------
// Failures
// ---------------------------------------------------------------------------------------------

/// Which Java exception Flink would throw. Only `IllegalConfigurationException`s are caught
/// and wrapped by Flink's network sanity check; the others pass through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `IllegalConfigurationException`.
    Configuration,
    /// `IllegalArgumentException` from reading a fraction, or `ArithmeticException`.
    Other,
}

#[derive(Debug)]
struct Failure {
    kind: Kind,
    message: String,
    causes: Vec<String>,
    keys: Vec<String>,
}

impl Failure {
    fn configuration(message: String, keys: Vec<String>) -> Self {
        Failure {
            kind: Kind::Configuration,
            message,
            causes: Vec::new(),
            keys,
        }
    }

    fn caused_by(mut self, cause: impl Into<String>) -> Self {
        self.causes.push(cause.into());
        self
    }

    fn into_error(self, prefix: &str) -> MemoryError {
        let mut message = format!("{prefix}{}", self.message);
        for cause in &self.causes {
            message.push_str(" Caused by: ");
            message.push_str(cause);
        }
        MemoryError {
            message,
            keys: self.keys,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the configuration (Flink `Configuration` semantics)
// ---------------------------------------------------------------------------------------------

struct Cx<'a> {
    config: &'a Config,
    /// Every key of the process kind, for failures that involve all of them (overflow).
    all_keys: &'static [Key],
    /// `taskmanager.memory.network.max` with the version's default.
    network_max: MemoryOption,
    /// Whether `taskmanager.network.numberOfBuffers` can size the network (Flink 1.x).
    legacy_network: bool,
}

/// A capped fraction (`RangeFraction`).
#[derive(Debug, Clone, Copy)]
struct RangeFraction {
    min: u64,
    max: u64,
    fraction: f64,
}

impl<'a> Cx<'a> {
    /// The key actually present (the option's own key first, then its deprecated keys) and
    /// its value, as `Configuration.getRawValueFromOption` finds it.
    fn raw(&self, key: Key) -> Option<(&'a str, &'a str)> {
        std::iter::once(key.name)
            .chain(key.deprecated.iter().copied())
            .find_map(|k| self.config.get_key_value(k))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `Configuration.contains(option)`.
    fn contains(&self, key: Key) -> bool {
        self.raw(key).is_some()
    }

    /// The keys among `keys` that are set, as spelled in the configuration, without repeats.
    fn set_keys(&self, keys: &[Key]) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        for key in keys {
            if let Some((present, _)) = self.raw(*key)
                && !found.iter().any(|f| f == present)
            {
                found.push(present.to_string());
            }
        }
        found
    }

    /// `ProcessMemoryUtils.getMemorySizeFromConfig`.
    fn memory(&self, option: MemoryOption) -> Result<u64, Failure> {
        let cannot_read = || {
            format!(
                "Cannot read memory size from config option '{}'.",
                option.key.name
            )
        };
        match self.raw(option.key) {
            Some((present, value)) => parse_flink_memory(value).map_err(|cause| {
                Failure::configuration(cannot_read(), vec![present.to_string()])
                    .caused_by(format!(
                        "Could not parse value '{value}' for key '{}'.",
                        option.key.name
                    ))
                    .caused_by(cause)
            }),
            None => option.default.ok_or_else(|| {
                Failure::configuration(cannot_read(), Vec::new())
                    .caused_by("The memory option is not set and has no default value.")
            }),
        }
    }

    /// `Configuration.getFloat(option)` widened to `double`: Java `Float.parseFloat` syntax.
    /// An unparsable value is an `IllegalArgumentException` in Flink, not a configuration error.
    fn fraction(&self, option: FractionOption) -> Result<f64, Failure> {
        let Some((present, value)) = self.raw(option.key) else {
            return Ok(f64::from(option.default));
        };
        match java_parse_float(value) {
            Some(fraction) => Ok(f64::from(fraction)),
            None => {
                let cause = java_parse_float_error(value);
                Err(Failure {
                    kind: Kind::Other,
                    message: format!(
                        "Could not parse value '{value}' for key '{}'.",
                        option.key.name
                    ),
                    causes: vec![cause],
                    keys: vec![present.to_string()],
                })
            }
        }
    }

    /// `Configuration.get` of a boolean option (`ConfigurationUtils.convertToBoolean`): the
    /// value upper-cased as Java does, then exactly `TRUE` or `FALSE`; no trimming. Anything
    /// else is an `IllegalArgumentException`.
    fn boolean(&self, key: &str, default: bool) -> Result<bool, Failure> {
        let Some(value) = self.config.get(key) else {
            return Ok(default);
        };
        match value.to_uppercase().as_str() {
            "TRUE" => Ok(true),
            "FALSE" => Ok(false),
            _ => Err(Failure {
                kind: Kind::Other,
                message: format!("Could not parse value '{value}' for key '{key}'."),
                causes: vec![format!(
                    "Unrecognized option for boolean: {value}. Expected either true or \
                     false(case insensitive)"
                )],
                keys: vec![key.to_string()],
            }),
        }
    }

    /// `ProcessMemoryUtils.getRangeFraction` with min and max read from options.
    fn range_fraction(
        &self,
        min: MemoryOption,
        max: MemoryOption,
        fraction: FractionOption,
    ) -> Result<RangeFraction, Failure> {
        let min_bytes = self.memory(min)?;
        let max_bytes = self.memory(max)?;
        self.range_fraction_of(min_bytes, max_bytes, fraction, &[min.key, max.key])
    }

    /// `ProcessMemoryUtils.getRangeFraction`: min ≤ max and 0 ≤ fraction < 1.
    fn range_fraction_of(
        &self,
        min: u64,
        max: u64,
        option: FractionOption,
        range_keys: &[Key],
    ) -> Result<RangeFraction, Failure> {
        let fraction = self.fraction(option)?;
        let cause = if min > max {
            Some("min value must be less or equal to max value")
        } else if !(0.0..1.0).contains(&fraction) {
            Some("fraction must be in range [0, 1)")
        } else {
            None
        };
        match cause {
            None => Ok(RangeFraction { min, max, fraction }),
            Some(cause) => {
                let mut keys = range_keys.to_vec();
                keys.push(option.key);
                Err(Failure::configuration(
                    format!(
                        "Inconsistently configured {} ({}) and its min ({}), max ({}) value",
                        option_text(option.key, option.default_text),
                        java_double_to_string(fraction),
                        human(min),
                        human(max)
                    ),
                    self.set_keys(&keys),
                )
                .caused_by(cause))
            }
        }
    }

    /// `MemorySize.add` (`Math.addExact` on `long`).
    fn add(&self, parts: &[u64]) -> Result<u64, Failure> {
        parts
            .iter()
            .try_fold(0u64, |sum, part| {
                sum.checked_add(*part).filter(|s| *s <= FLINK_MAX_BYTES)
            })
            .ok_or_else(|| self.overflow())
    }

    /// `MemorySize.multiply(double)`: `BigDecimal.valueOf(bytes) × BigDecimal.valueOf(f)`,
    /// truncated, failing above `Long.MAX_VALUE`.
    fn multiply(&self, bytes: u64, fraction: f64) -> Result<u64, Failure> {
        multiply(bytes, fraction).ok_or_else(|| self.overflow())
    }

    /// What Flink's `ArithmeticException("long overflow")` means here.
    fn overflow(&self) -> Failure {
        Failure {
            kind: Kind::Other,
            message: format!(
                "The memory sizes add up to more than Flink can represent ({FLINK_MAX_BYTES} \
                 bytes); Flink fails with java.lang.ArithmeticException: long overflow."
            ),
            causes: Vec::new(),
            keys: self.set_keys(self.all_keys),
        }
    }

    /// `ProcessMemoryUtils.deriveWithFraction`.
    fn derive_with_fraction(&self, base: u64, range: RangeFraction) -> Result<u64, Failure> {
        Ok(cap_to_min_max(self.multiply(base, range.fraction)?, range))
    }

    /// `ProcessMemoryUtils.deriveWithInverseFraction`: the part that makes up `fraction` of
    /// `base + part`.
    fn derive_with_inverse_fraction(
        &self,
        base: u64,
        range: RangeFraction,
    ) -> Result<u64, Failure> {
        let inverse = range.fraction / (1.0 - range.fraction);
        Ok(cap_to_min_max(self.multiply(base, inverse)?, range))
    }
}

fn cap_to_min_max(size: u64, range: RangeFraction) -> u64 {
    if size > range.max {
        range.max
    } else if size < range.min {
        range.min
    } else {
        size
    }
}

/// `MemorySize.multiply`: floor(bytes × f) where f is the decimal `Double.toString(f)` prints,
/// or `None` when the exact product exceeds `Long.MAX_VALUE`. Exact: the significand has at
/// most 17 digits, so `bytes × digits` fits a `u128`.
fn multiply(bytes: u64, fraction: f64) -> Option<u64> {
    if !fraction.is_finite() || fraction < 0.0 {
        return None;
    }
    let (digits, exp10) = shortest_decimal(fraction);
    let product = u128::from(bytes).checked_mul(u128::from(digits))?;
    let (whole, exact) = if exp10 >= 0 {
        (
            10u128
                .checked_pow(exp10.unsigned_abs())
                .and_then(|p| product.checked_mul(p))?,
            true,
        )
    } else {
        match 10u128.checked_pow(exp10.unsigned_abs()) {
            Some(p) => (product / p, product % p == 0),
            None => (0, product == 0),
        }
    };
    let max = u128::from(FLINK_MAX_BYTES);
    if whole > max || (whole == max && !exact) {
        return None;
    }
    u64::try_from(whole).ok()
}

// ---------------------------------------------------------------------------------------------
// Shared process-level derivation (`ProcessMemoryUtils`)
// ---------------------------------------------------------------------------------------------

/// JVM Metaspace and JVM Overhead.
#[derive(Debug, Clone, Copy)]
struct JvmParts {
    metaspace: u64,
    overhead: u64,
}

impl<'a> Cx<'a> {
    /// `getJvmOverheadRangeFraction`.
    fn overhead_range(&self, options: &ProcessOptions) -> Result<RangeFraction, Failure> {
        self.range_fraction(
            options.overhead_min,
            options.overhead_max,
            options.overhead_fraction,
        )
    }

    /// `deriveJvmMetaspaceAndOverheadWithTotalProcessMemory`.
    fn jvm_from_process(
        &self,
        options: &ProcessOptions,
        process: u64,
    ) -> Result<JvmParts, Failure> {
        let metaspace = self.memory(options.metaspace)?;
        let range = self.overhead_range(options)?;
        let overhead = self.derive_with_fraction(process, range)?;
        let total = self.add(&[metaspace, overhead])?;
        if total > process {
            let mut keys = vec![options.total_process.key, options.metaspace.key];
            keys.extend(options.overhead_keys());
            return Err(Failure::configuration(
                format!(
                    "Sum of configured JVM Metaspace ({}) and JVM Overhead ({}) exceed configured \
                     Total Process Memory ({}).",
                    human(metaspace),
                    human(overhead),
                    human(process)
                ),
                self.set_keys(&keys),
            ));
        }
        Ok(JvmParts {
            metaspace,
            overhead,
        })
    }

    /// `deriveJvmMetaspaceAndOverheadFromTotalFlinkMemory`. `flink_keys` are the set options
    /// Total Flink Memory came from, for error reporting.
    fn jvm_from_total_flink(
        &self,
        options: &ProcessOptions,
        total_flink: u64,
        flink_keys: &[Key],
    ) -> Result<JvmParts, Failure> {
        let metaspace = self.memory(options.metaspace)?;
        let flink_and_metaspace = self.add(&[total_flink, metaspace])?;
        if self.contains(options.total_process.key) {
            // `deriveJvmOverheadFromTotalFlinkMemoryAndOtherComponents`.
            let process = self.memory(options.total_process)?;
            let mut keys = vec![options.total_process.key];
            keys.extend_from_slice(flink_keys);
            keys.push(options.metaspace.key);
            if process < flink_and_metaspace {
                return Err(Failure::configuration(
                    format!(
                        "The configured Total Process Memory size ({}) is less than the sum of the \
                         derived Total Flink Memory size ({}) and the configured or default JVM \
                         Metaspace size  ({}).",
                        human(process),
                        human(total_flink),
                        human(metaspace)
                    ),
                    self.set_keys(&keys),
                ));
            }
            let overhead = process - flink_and_metaspace;
            // `sanityCheckJvmOverhead`; a fraction mismatch is only logged by Flink.
            let range = self.overhead_range(options)?;
            if overhead > range.max || overhead < range.min {
                keys.extend(options.overhead_keys());
                return Err(Failure::configuration(
                    format!(
                        "Derived JVM Overhead size ({}) is not in configured JVM Overhead range \
                         [{}, {}].",
                        human(overhead),
                        human(range.min),
                        human(range.max)
                    ),
                    self.set_keys(&keys),
                ));
            }
            Ok(JvmParts {
                metaspace,
                overhead,
            })
        } else {
            let range = self.overhead_range(options)?;
            let overhead = self.derive_with_inverse_fraction(flink_and_metaspace, range)?;
            // `sanityCheckTotalProcessMemory` only checks when Total Process Memory is set,
            // which it is not on this branch.
            Ok(JvmParts {
                metaspace,
                overhead,
            })
        }
    }

    /// `failBecauseRequiredOptionsNotConfigured`.
    fn nothing_configured(&self, options: &ProcessOptions) -> Failure {
        let fine_grained: Vec<&str> = options.fine_grained.iter().map(|k| k.name).collect();
        Failure::configuration(
            format!(
                "Either required fine-grained memory ({}), or Total Flink Memory size ({}), or \
                 Total Process Memory size ({}) need to be configured explicitly.",
                fine_grained.join(" and "),
                option_text(options.total_flink.key, "null"),
                option_text(options.total_process.key, "null")
            ),
            Vec::new(),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// TaskManager (`TaskExecutorFlinkMemoryUtils`)
// ---------------------------------------------------------------------------------------------

/// `TaskExecutorFlinkMemory`.
#[derive(Debug, Clone, Copy)]
struct TmFlink {
    framework_heap: u64,
    framework_off_heap: u64,
    task_heap: u64,
    task_off_heap: u64,
    network: u64,
    managed: u64,
}

fn tm_process(cx: &Cx<'_>) -> Result<TaskManagerMemory, Failure> {
    let options = &TM_OPTIONS;
    if options.fine_grained.iter().all(|k| cx.contains(*k)) {
        let flink = tm_from_fine_grained(cx)?;
        let total_flink = tm_total(cx, &flink)?;
        let jvm = cx.jvm_from_total_flink(options, total_flink, &tm_fine_grained_keys())?;
        tm_result(cx, flink, total_flink, jvm)
    } else if cx.contains(TM_FLINK.key) {
        let total_flink = cx.memory(TM_FLINK)?;
        let flink = tm_from_total_flink(cx, total_flink, &[TM_FLINK.key])?;
        let jvm = cx.jvm_from_total_flink(options, total_flink, &[TM_FLINK.key])?;
        tm_result(cx, flink, total_flink, jvm)
    } else if cx.contains(TM_PROCESS.key) {
        let process = cx.memory(TM_PROCESS)?;
        let jvm = cx.jvm_from_process(options, process)?;
        let total_flink = process - cx.add(&[jvm.metaspace, jvm.overhead])?;
        let mut sources = vec![TM_PROCESS.key, options.metaspace.key];
        sources.extend(options.overhead_keys());
        let flink = tm_from_total_flink(cx, total_flink, &sources)?;
        tm_result(cx, flink, total_flink, jvm)
    } else {
        Err(cx.nothing_configured(options))
    }
}

fn tm_result(
    cx: &Cx<'_>,
    flink: TmFlink,
    total_flink: u64,
    jvm: JvmParts,
) -> Result<TaskManagerMemory, Failure> {
    Ok(TaskManagerMemory {
        process: cx.add(&[total_flink, jvm.metaspace, jvm.overhead])?,
        flink: total_flink,
        framework_heap: flink.framework_heap,
        task_heap: flink.task_heap,
        managed: flink.managed,
        network: flink.network,
        framework_off_heap: flink.framework_off_heap,
        task_off_heap: flink.task_off_heap,
        metaspace: jvm.metaspace,
        overhead: jvm.overhead,
    })
}

/// `TaskExecutorFlinkMemory.getTotalFlinkMemorySize`.
fn tm_total(cx: &Cx<'_>, flink: &TmFlink) -> Result<u64, Failure> {
    cx.add(&[
        flink.framework_heap,
        flink.framework_off_heap,
        flink.task_heap,
        flink.task_off_heap,
        flink.network,
        flink.managed,
    ])
}

fn tm_fine_grained_keys() -> Vec<Key> {
    vec![
        TM_FLINK.key,
        TM_FRAMEWORK_HEAP.key,
        TM_FRAMEWORK_OFF_HEAP.key,
        TM_TASK_HEAP.key,
        TM_TASK_OFF_HEAP.key,
        TM_MANAGED.key,
        TM_NETWORK_MIN.key,
        TM_NETWORK_MAX.key,
        TM_NETWORK_FRACTION.key,
    ]
}

fn network_keys() -> [Key; 3] {
    [
        TM_NETWORK_MIN.key,
        TM_NETWORK_MAX.key,
        TM_NETWORK_FRACTION.key,
    ]
}

/// `deriveFromRequiredFineGrainedOptions`: task heap and managed memory are both set.
fn tm_from_fine_grained(cx: &Cx<'_>) -> Result<TmFlink, Failure> {
    let task_heap = cx.memory(TM_TASK_HEAP)?;
    let managed = cx.memory(TM_MANAGED)?;
    let framework_heap = cx.memory(TM_FRAMEWORK_HEAP)?;
    let framework_off_heap = cx.memory(TM_FRAMEWORK_OFF_HEAP)?;
    let task_off_heap = cx.memory(TM_TASK_OFF_HEAP)?;
    let without_network = cx.add(&[
        framework_heap,
        framework_off_heap,
        task_heap,
        task_off_heap,
        managed,
    ])?;
    let network = if cx.contains(TM_FLINK.key) {
        let total_flink = cx.memory(TM_FLINK)?;
        let parts = [
            TM_FLINK.key,
            TM_FRAMEWORK_HEAP.key,
            TM_FRAMEWORK_OFF_HEAP.key,
            TM_TASK_HEAP.key,
            TM_TASK_OFF_HEAP.key,
            TM_MANAGED.key,
        ];
        if without_network > total_flink {
            return Err(exceeds_with_task_heap(
                cx,
                [
                    framework_heap,
                    framework_off_heap,
                    task_heap,
                    task_off_heap,
                    managed,
                ],
                total_flink,
                &parts,
            ));
        }
        let network = total_flink - without_network;
        check_derived_network(cx, network, &parts)?;
        network
    } else {
        match legacy_network_size(cx)? {
            Some(legacy) => legacy,
            None => cx.derive_with_inverse_fraction(without_network, network_range(cx)?)?,
        }
    };
    let flink = TmFlink {
        framework_heap,
        framework_off_heap,
        task_heap,
        task_off_heap,
        network,
        managed,
    };
    check_total_flink(cx, &flink)?;
    Ok(flink)
}

/// `deriveFromTotalFlinkMemory`. `sources` are the set options Total Flink Memory came from.
fn tm_from_total_flink(cx: &Cx<'_>, total_flink: u64, sources: &[Key]) -> Result<TmFlink, Failure> {
    let framework_heap = cx.memory(TM_FRAMEWORK_HEAP)?;
    let framework_off_heap = cx.memory(TM_FRAMEWORK_OFF_HEAP)?;
    let task_off_heap = cx.memory(TM_TASK_OFF_HEAP)?;
    let flink = if cx.contains(TM_TASK_HEAP.key) {
        // Task heap is set: managed comes first, network gets the rest and must fit its range.
        let task_heap = cx.memory(TM_TASK_HEAP)?;
        let managed = managed_size(cx, total_flink)?;
        let without_network = cx.add(&[
            framework_heap,
            framework_off_heap,
            task_heap,
            task_off_heap,
            managed,
        ])?;
        let mut parts = sources.to_vec();
        parts.extend([
            TM_FRAMEWORK_HEAP.key,
            TM_FRAMEWORK_OFF_HEAP.key,
            TM_TASK_HEAP.key,
            TM_TASK_OFF_HEAP.key,
            TM_MANAGED.key,
            TM_MANAGED_FRACTION.key,
        ]);
        if without_network > total_flink {
            return Err(exceeds_with_task_heap(
                cx,
                [
                    framework_heap,
                    framework_off_heap,
                    task_heap,
                    task_off_heap,
                    managed,
                ],
                total_flink,
                &parts,
            ));
        }
        let network = total_flink - without_network;
        check_derived_network(cx, network, &parts)?;
        TmFlink {
            framework_heap,
            framework_off_heap,
            task_heap,
            task_off_heap,
            network,
            managed,
        }
    } else {
        // The usual case: managed and network are fractions, task heap is the rest.
        let managed = managed_size(cx, total_flink)?;
        let legacy = legacy_network_size(cx)?;
        let network = match legacy {
            Some(legacy) => legacy,
            None => cx.derive_with_fraction(total_flink, network_range(cx)?)?,
        };
        let without_task_heap = cx.add(&[
            framework_heap,
            framework_off_heap,
            task_off_heap,
            managed,
            network,
        ])?;
        if without_task_heap > total_flink {
            let mut keys = sources.to_vec();
            keys.extend([
                TM_FRAMEWORK_HEAP.key,
                TM_FRAMEWORK_OFF_HEAP.key,
                TM_TASK_OFF_HEAP.key,
                TM_MANAGED.key,
                TM_MANAGED_FRACTION.key,
            ]);
            if legacy.is_some() {
                // The network size came from the buffer count: point there first.
                keys.insert(0, SEGMENT_SIZE.key);
                keys.insert(0, LEGACY_BUFFERS);
            } else {
                keys.extend(network_keys());
            }
            return Err(Failure::configuration(
                format!(
                    "Sum of configured Framework Heap Memory ({}), Framework Off-Heap Memory ({}), \
                     Task Off-Heap Memory ({}), Managed Memory ({}) and Network Memory ({}) exceed \
                     configured Total Flink Memory ({}).",
                    human(framework_heap),
                    human(framework_off_heap),
                    human(task_off_heap),
                    human(managed),
                    human(network),
                    human(total_flink)
                ),
                cx.set_keys(&keys),
            ));
        }
        TmFlink {
            framework_heap,
            framework_off_heap,
            task_heap: total_flink - without_task_heap,
            task_off_heap,
            network,
            managed,
        }
    };
    check_total_flink(cx, &flink)?;
    Ok(flink)
}

/// `deriveManagedMemoryAbsoluteOrWithFraction`.
fn managed_size(cx: &Cx<'_>, total_flink: u64) -> Result<u64, Failure> {
    if cx.contains(TM_MANAGED.key) {
        cx.memory(TM_MANAGED)
    } else {
        let range = cx.range_fraction_of(0, FLINK_MAX_BYTES, TM_MANAGED_FRACTION, &[])?;
        cx.derive_with_fraction(total_flink, range)
    }
}

/// `taskmanager.network.numberOfBuffers` (an `int` option, default 2048, gone in Flink 2.0).
const LEGACY_BUFFERS: Key = key("taskmanager.network.numberOfBuffers");
/// `taskmanager.memory.segment-size` (default 32 KiB): the size of one network buffer.
const SEGMENT_SIZE: MemoryOption = memory("taskmanager.memory.segment-size", Some(32 * 1024));

/// The network size Flink 1.x takes from the legacy `taskmanager.network.numberOfBuffers`
/// (`getNetworkMemorySizeWithLegacyConfig`): the count times the segment size, used when that
/// key is set and none of the network min, max and fraction keys (current or deprecated) is.
/// `None` when it does not apply.
fn legacy_network_size(cx: &Cx<'_>) -> Result<Option<u64>, Failure> {
    let applies = cx.legacy_network
        && cx.contains(LEGACY_BUFFERS)
        && !network_keys().iter().any(|k| cx.contains(*k));
    if !applies {
        return Ok(None);
    }
    let Some((present, value)) = cx.raw(LEGACY_BUFFERS) else {
        return Ok(None);
    };
    // `Integer.parseInt`: optional sign, ASCII digits, no whitespace, within `int`.
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    let buffers = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| value.parse::<i32>().ok())
        .flatten()
        .ok_or_else(|| Failure {
            kind: Kind::Other,
            message: format!(
                "Could not parse value '{value}' for key '{}'.",
                LEGACY_BUFFERS.name
            ),
            causes: vec![format!("For input string: \"{value}\"")],
            keys: vec![present.to_string()],
        })?;
    let page = segment_size(cx)?;
    let Ok(buffers) = u64::try_from(buffers) else {
        // `new MemorySize(negative)`.
        return Err(Failure {
            kind: Kind::Other,
            message: "bytes must be >= 0".to_string(),
            causes: Vec::new(),
            keys: vec![present.to_string()],
        });
    };
    Ok(Some(buffers * page))
}

/// `ConfigurationParserUtils.getPageSize`: the segment size, an `int` of at least 4096 bytes
/// and a power of two.
fn segment_size(cx: &Cx<'_>) -> Result<u64, Failure> {
    let keys = cx.set_keys(&[SEGMENT_SIZE.key]);
    let bytes = match cx.raw(SEGMENT_SIZE.key) {
        None => 32 * 1024,
        Some((_, value)) => parse_flink_memory(value).map_err(|cause| Failure {
            kind: Kind::Other,
            message: format!(
                "Could not parse value '{value}' for key '{}'.",
                SEGMENT_SIZE.key.name
            ),
            causes: vec![cause],
            keys: keys.clone(),
        })?,
    };
    let invalid = |why: &str| {
        Failure::configuration(
            format!(
                "Invalid configuration value for {} : {bytes} - {why}",
                SEGMENT_SIZE.key.name
            ),
            keys.clone(),
        )
    };
    if bytes > i32::MAX as u64 {
        return Err(Failure {
            kind: Kind::Other,
            message: format!("Cannot downcast long value {bytes} to integer."),
            causes: Vec::new(),
            keys: keys.clone(),
        });
    }
    if bytes < 4096 {
        return Err(invalid("Minimum memory segment size is 4096"));
    }
    if !bytes.is_power_of_two() {
        return Err(invalid("Memory segment size must be a power of 2."));
    }
    Ok(bytes)
}

/// `getNetworkMemoryRangeFraction`.
fn network_range(cx: &Cx<'_>) -> Result<RangeFraction, Failure> {
    cx.range_fraction(TM_NETWORK_MIN, cx.network_max, TM_NETWORK_FRACTION)
}

/// The "Sum of configured … Task Heap Memory … exceed configured Total Flink Memory" failure.
fn exceeds_with_task_heap(cx: &Cx<'_>, parts: [u64; 5], total_flink: u64, keys: &[Key]) -> Failure {
    let [
        framework_heap,
        framework_off_heap,
        task_heap,
        task_off_heap,
        managed,
    ] = parts;
    Failure::configuration(
        format!(
            "Sum of configured Framework Heap Memory ({}), Framework Off-Heap Memory ({}), Task \
             Heap Memory ({}), Task Off-Heap Memory ({}) and Managed Memory ({}) exceed configured \
             Total Flink Memory ({}).",
            human(framework_heap),
            human(framework_off_heap),
            human(task_heap),
            human(task_off_heap),
            human(managed),
            human(total_flink)
        ),
        cx.set_keys(keys),
    )
}

/// `sanityCheckNetworkMemoryWithExplicitlySetTotalFlinkAndHeapMemory`: the network size left
/// over must lie in the configured range. Configuration errors raised while checking (including
/// reading the range) are wrapped; an unparsable fraction passes through unwrapped, as in Flink.
fn check_derived_network(cx: &Cx<'_>, network: u64, parts: &[Key]) -> Result<(), Failure> {
    let check = || -> Result<(), Failure> {
        if let Some(configured) = legacy_network_size(cx)? {
            if configured != network {
                return Err(Failure::configuration(
                    format!(
                        "Derived Network Memory size ({}) does not match configured Network Memory \
                         size ({}).",
                        human(network),
                        human(configured)
                    ),
                    cx.set_keys(&[LEGACY_BUFFERS, SEGMENT_SIZE.key]),
                ));
            }
            return Ok(());
        }
        let range = network_range(cx)?;
        if network > range.max || network < range.min {
            return Err(Failure::configuration(
                format!(
                    "Derived Network Memory size ({}) is not in configured Network Memory range \
                     [{}, {}].",
                    human(network),
                    human(range.min),
                    human(range.max)
                ),
                Vec::new(),
            ));
        }
        Ok(())
    };
    match check() {
        Ok(()) => Ok(()),
        Err(inner) if inner.kind == Kind::Configuration => {
            let mut keys = parts.to_vec();
            keys.extend(network_keys());
            let mut keys = cx.set_keys(&keys);
            for key in inner.keys {
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            let mut outer = Failure::configuration(
                "If Total Flink, Task Heap and (or) Managed Memory sizes are explicitly configured \
                 then the Network Memory size is the rest of the Total Flink memory after \
                 subtracting all other configured types of memory, but the derived Network Memory \
                 is inconsistent with its configuration."
                    .to_string(),
                keys,
            )
            .caused_by(inner.message);
            outer.causes.extend(inner.causes);
            Err(outer)
        }
        Err(other) => Err(other),
    }
}

/// `sanityCheckTotalFlinkMemory`: with `taskmanager.memory.flink.size` set, the parts must add
/// up to it. Every path that reaches here with it set derives network as the remainder, so this
/// holds by construction; it is kept for parity with Flink.
fn check_total_flink(cx: &Cx<'_>, flink: &TmFlink) -> Result<(), Failure> {
    if !cx.contains(TM_FLINK.key) {
        return Ok(());
    }
    let configured = cx.memory(TM_FLINK)?;
    let derived = tm_total(cx, flink)?;
    if configured == derived {
        return Ok(());
    }
    Err(Failure::configuration(
        format!(
            "Configured and Derived Flink internal memory sizes (total {}) do not add up to the \
             configured Total Flink Memory size ({}). Configured and Derived Flink internal memory \
             sizes are: Framework Heap Memory ({}), Framework Off-Heap Memory ({}), Task Heap \
             Memory ({}), Task Off-Heap Memory ({}), Network Memory ({}), Managed Memory ({}).",
            human(derived),
            human(configured),
            human(flink.framework_heap),
            human(flink.framework_off_heap),
            human(flink.task_heap),
            human(flink.task_off_heap),
            human(flink.network),
            human(flink.managed)
        ),
        cx.set_keys(&tm_fine_grained_keys()),
    ))
}

// ---------------------------------------------------------------------------------------------
// JobManager (`JobManagerFlinkMemoryUtils`)
// ---------------------------------------------------------------------------------------------

fn jm_process(cx: &Cx<'_>) -> Result<JobManagerMemory, Failure> {
    let options = &JM_OPTIONS;
    if cx.contains(JM_HEAP.key) {
        let (heap, off_heap) = jm_from_heap(cx)?;
        let total_flink = cx.add(&[heap, off_heap])?;
        let jvm = cx.jvm_from_total_flink(
            options,
            total_flink,
            &[JM_HEAP.key, JM_OFF_HEAP.key, JM_FLINK.key],
        )?;
        jm_result(cx, heap, off_heap, total_flink, jvm)
    } else if cx.contains(JM_FLINK.key) {
        let total_flink = cx.memory(JM_FLINK)?;
        let (heap, off_heap) = jm_from_total_flink(cx, total_flink, &[JM_FLINK.key])?;
        let jvm = cx.jvm_from_total_flink(options, total_flink, &[JM_FLINK.key])?;
        jm_result(cx, heap, off_heap, total_flink, jvm)
    } else if cx.contains(JM_PROCESS.key) {
        let process = cx.memory(JM_PROCESS)?;
        let jvm = cx.jvm_from_process(options, process)?;
        let total_flink = process - cx.add(&[jvm.metaspace, jvm.overhead])?;
        let mut sources = vec![JM_PROCESS.key, options.metaspace.key];
        sources.extend(options.overhead_keys());
        let (heap, off_heap) = jm_from_total_flink(cx, total_flink, &sources)?;
        jm_result(cx, heap, off_heap, total_flink, jvm)
    } else {
        Err(cx.nothing_configured(options))
    }
}

fn jm_result(
    cx: &Cx<'_>,
    heap: u64,
    off_heap: u64,
    total_flink: u64,
    jvm: JvmParts,
) -> Result<JobManagerMemory, Failure> {
    Ok(JobManagerMemory {
        process: cx.add(&[total_flink, jvm.metaspace, jvm.overhead])?,
        flink: total_flink,
        heap,
        off_heap,
        metaspace: jvm.metaspace,
        overhead: jvm.overhead,
        direct_memory_limit: false,
    })
}

/// `deriveFromRequiredFineGrainedOptions`: the heap is set; with Total Flink Memory also set,
/// off-heap is either checked against it (when set) or derived from it.
fn jm_from_heap(cx: &Cx<'_>) -> Result<(u64, u64), Failure> {
    let heap = cx.memory(JM_HEAP)?;
    let off_heap = cx.memory(JM_OFF_HEAP)?;
    if !cx.contains(JM_FLINK.key) {
        return Ok((heap, off_heap));
    }
    let total_flink = cx.memory(JM_FLINK)?;
    if cx.contains(JM_OFF_HEAP.key) {
        if cx.add(&[heap, off_heap])? != total_flink {
            return Err(Failure::configuration(
                format!(
                    "Sum of the configured JVM Heap Memory ({}) and the configured Off-heap Memory \
                     ({}) does not match the configured Total Flink Memory ({}). Please, make the \
                     configuration consistent or configure only one option: either JVM Heap or \
                     Total Flink Memory.",
                    human(heap),
                    human(off_heap),
                    human(total_flink)
                ),
                cx.set_keys(&[JM_HEAP.key, JM_OFF_HEAP.key, JM_FLINK.key]),
            ));
        }
        return Ok((heap, off_heap));
    }
    if total_flink < heap {
        return Err(Failure::configuration(
            format!(
                "The configured JVM Heap Memory ({}) exceeds the configured Total Flink Memory \
                 ({}). Please, make the configuration consistent or configure only one option: \
                 either JVM Heap or Total Flink Memory.",
                human(heap),
                human(total_flink)
            ),
            cx.set_keys(&[JM_HEAP.key, JM_FLINK.key]),
        ));
    }
    Ok((heap, total_flink - heap))
}

/// `deriveFromTotalFlinkMemory`: the heap is what off-heap leaves, and must be more than zero.
fn jm_from_total_flink(
    cx: &Cx<'_>,
    total_flink: u64,
    sources: &[Key],
) -> Result<(u64, u64), Failure> {
    let off_heap = cx.memory(JM_OFF_HEAP)?;
    if total_flink <= off_heap {
        let mut keys = sources.to_vec();
        keys.push(JM_OFF_HEAP.key);
        return Err(Failure::configuration(
            format!(
                "The configured Total Flink Memory ({}) is less than the configured Off-heap \
                 Memory ({}).",
                human(total_flink),
                human(off_heap)
            ),
            cx.set_keys(&keys),
        ));
    }
    Ok((total_flink - off_heap, off_heap))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CURRENT: (u32, u32) = (1, 20);

    fn config(pairs: &[(&str, &str)]) -> Config {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn tm(pairs: &[(&str, &str)]) -> Result<TaskManagerMemory, MemoryError> {
        derive_task_manager(&config(pairs), CURRENT)
    }

    fn tm_err(pairs: &[(&str, &str)]) -> MemoryError {
        match tm(pairs) {
            Ok(memory) => panic!("expected an error for {pairs:?}, got {memory:?}"),
            Err(error) => error,
        }
    }

    fn jm(pairs: &[(&str, &str)]) -> Result<JobManagerMemory, MemoryError> {
        derive_job_manager(&config(pairs))
    }

    fn jm_err(pairs: &[(&str, &str)]) -> MemoryError {
        match jm(pairs) {
            Ok(memory) => panic!("expected an error for {pairs:?}, got {memory:?}"),
            Err(error) => error,
        }
    }

    fn process(bytes: u64) -> String {
        format!("{bytes}b")
    }

    /// The invariants every successful derivation must satisfy.
    fn assert_tm_adds_up(m: &TaskManagerMemory) {
        let parts = [
            m.framework_heap,
            m.task_heap,
            m.managed,
            m.network,
            m.framework_off_heap,
            m.task_off_heap,
            m.metaspace,
            m.overhead,
        ];
        assert_eq!(
            parts.iter().map(|p| u128::from(*p)).sum::<u128>(),
            u128::from(m.process),
            "{m:?}"
        );
        assert_eq!(m.flink, m.process - m.metaspace - m.overhead, "{m:?}");
    }

    fn assert_jm_adds_up(m: &JobManagerMemory) {
        assert_eq!(
            m.heap + m.off_heap + m.metaspace + m.overhead,
            m.process,
            "{m:?}"
        );
        assert_eq!(m.flink, m.heap + m.off_heap, "{m:?}");
    }

    /// `|exact - sheet MiB|` stays within the few bytes the float fractions and flooring move it.
    fn assert_near_mib(exact: u64, sheet_mib: f64) {
        let sheet = sheet_mib * MIB as f64;
        assert!(
            (exact as f64 - sheet).abs() < 128.0,
            "{exact} bytes is not ≈ {sheet_mib} MiB"
        );
    }

    // -----------------------------------------------------------------------------------------
    // Worked examples (fact sheet §5.5). Exact bytes were computed with Java's BigDecimal and
    // Float semantics (JDK 17), i.e. what Flink itself computes.
    // -----------------------------------------------------------------------------------------

    #[test]
    fn overhead_for_2048_mib_is_the_float_fraction_not_a_tenth() {
        let m = tm(&[("taskmanager.memory.process.size", "2048m")]).unwrap();
        assert_eq!(m.overhead, 214_748_368);
    }

    #[test]
    fn task_manager_worked_examples() {
        // (process MiB, overhead, flink, managed, network, task heap, -Xmx, direct), then the
        // fact sheet's rounded MiB for overhead, managed, network, task heap and -Xmx.
        type Row = (u64, [u64; 7], [f64; 5]);
        let rows: [Row; 4] = [
            (
                1024,
                [
                    201326592, 603979776, 241591914, 67108864, 26843542, 161061270, 201326592,
                ],
                [192.0, 230.4, 64.0, 25.6, 153.6],
            ),
            (
                2048,
                [
                    214748368, 1664299824, 665719939, 166429984, 563714445, 697932173, 300647712,
                ],
                [204.8, 634.88, 158.72, 537.6, 665.6],
            ),
            (
                4096,
                [
                    429496736, 3597035104, 1438814063, 359703515, 1530082070, 1664299798, 493921243,
                ],
                [409.6, 1372.16, 343.04, 1459.2, 1587.2],
            ),
            (
                16384,
                [
                    1073741824,
                    15837691904,
                    6335076856,
                    1583769214,
                    7650410378,
                    7784628106,
                    1717986942,
                ],
                [1024.0, 6041.6, 1510.4, 7296.0, 7424.0],
            ),
        ];
        for (process_mib, exact, sheet) in rows {
            let m = tm(&[(
                "taskmanager.memory.process.size",
                &format!("{process_mib}m"),
            )])
            .unwrap();
            let jvm = m.jvm();
            let [overhead, flink, managed, network, task_heap, xmx, direct] = exact;
            assert_eq!(m.process, process_mib * MIB);
            assert_eq!(m.overhead, overhead, "overhead at {process_mib} MiB");
            assert_eq!(m.metaspace, 256 * MIB);
            assert_eq!(m.flink, flink, "flink at {process_mib} MiB");
            assert_eq!(m.managed, managed, "managed at {process_mib} MiB");
            assert_eq!(m.network, network, "network at {process_mib} MiB");
            assert_eq!(m.task_heap, task_heap, "task heap at {process_mib} MiB");
            assert_eq!(
                (m.framework_heap, m.framework_off_heap, m.task_off_heap),
                (128 * MIB, 128 * MIB, 0)
            );
            assert_eq!((jvm.xmx, jvm.xms), (xmx, xmx));
            assert_eq!(jvm.max_direct, Some(direct));
            assert_eq!(jvm.max_metaspace, 256 * MIB);
            for (value, mib) in [overhead, managed, network, task_heap, xmx]
                .into_iter()
                .zip(sheet)
            {
                assert_near_mib(value, mib);
            }
            assert_tm_adds_up(&m);
        }
    }

    #[test]
    fn network_max_is_one_gib_before_flink_1_17_and_unbounded_after() {
        assert_eq!(network_max_default((1, 15)), GIB);
        assert_eq!(network_max_default((1, 16)), GIB);
        assert_eq!(network_max_default((1, 17)), FLINK_MAX_BYTES);
        assert_eq!(network_max_default((2, 0)), FLINK_MAX_BYTES);
        let cfg = config(&[("taskmanager.memory.process.size", "16384m")]);
        for version in [(1, 15), (1, 16)] {
            let m = derive_task_manager(&cfg, version).unwrap();
            assert_eq!(m.network, GIB);
            assert_eq!(m.task_heap, 8_160_437_768);
            assert_tm_adds_up(&m);
        }
        for version in [(1, 17), (1, 20), (2, 1)] {
            assert_eq!(
                derive_task_manager(&cfg, version).unwrap().network,
                1_583_769_214
            );
        }
        // The deprecated key still sets the maximum.
        let capped = tm(&[
            ("taskmanager.memory.process.size", "16384m"),
            ("taskmanager.network.memory.max", "1g"),
        ])
        .unwrap();
        assert_eq!(capped.network, GIB);
    }

    #[test]
    fn smallest_task_manager_process_size_with_defaults() {
        // ≈ 981.33 MiB: there Total Flink Memory is 559240538 bytes and task heap exactly 0.
        const SMALLEST: u64 = 1_029_002_586;
        let m = tm(&[("taskmanager.memory.process.size", &process(SMALLEST))]).unwrap();
        assert_eq!(
            (m.flink, m.managed, m.network, m.task_heap),
            (559_240_538, 223_696_218, 64 * MIB, 0)
        );
        assert_tm_adds_up(&m);

        let below = tm_err(&[("taskmanager.memory.process.size", &process(SMALLEST - 1))]);
        assert_eq!(
            below.message,
            "TaskManager memory configuration failed: Sum of configured Framework Heap Memory \
             (128.000mb (134217728 bytes)), Framework Off-Heap Memory (128.000mb (134217728 \
             bytes)), Task Off-Heap Memory (0 bytes), Managed Memory (213.333mb (223696218 bytes)) \
             and Network Memory (64.000mb (67108864 bytes)) exceed configured Total Flink Memory \
             (533.333mb (559240537 bytes))."
        );
        assert_eq!(below.keys, ["taskmanager.memory.process.size"]);

        // In whole MiB: 982 derives, 981 does not.
        assert!(tm(&[("taskmanager.memory.process.size", "982m")]).is_ok());
        let mib_below = tm_err(&[("taskmanager.memory.process.size", "981m")]);
        assert!(
            mib_below.message.ends_with(
                "Managed Memory (213.200mb (223556406 bytes)) and Network Memory (64.000mb \
                 (67108864 bytes)) exceed configured Total Flink Memory (533.000mb (558891008 \
                 bytes))."
            ),
            "{}",
            mib_below.message
        );
    }

    #[test]
    fn job_manager_worked_examples() {
        let m = jm(&[("jobmanager.memory.process.size", "1024m")]).unwrap();
        assert_eq!(
            (m.heap, m.off_heap, m.overhead, m.flink),
            (448 * MIB, 128 * MIB, 192 * MIB, 576 * MIB)
        );
        assert_jm_adds_up(&m);

        // 1459.2 MiB, floored by the float fraction of the overhead.
        let m = jm(&[("jobmanager.memory.process.size", "2048m")]).unwrap();
        assert_eq!(m.heap, 1_530_082_096);
        assert_near_mib(m.heap, 1459.2);
        assert_jm_adds_up(&m);

        // JM needs more than 576 MiB: then the heap is what is left above 576.
        let m = jm(&[("jobmanager.memory.process.size", "577m")]).unwrap();
        assert_eq!(m.heap, MIB);
        let error = jm_err(&[("jobmanager.memory.process.size", "576m")]);
        assert_eq!(
            error.message,
            "JobManager memory configuration failed: The configured Total Flink Memory (128.000mb \
             (134217728 bytes)) is less than the configured Off-heap Memory (128.000mb (134217728 \
             bytes))."
        );
        assert_eq!(error.keys, ["jobmanager.memory.process.size"]);
    }

    #[test]
    fn job_manager_jvm_flags() {
        let m = jm(&[("jobmanager.memory.process.size", "1024m")]).unwrap();
        let plain = m.jvm();
        assert_eq!(
            (plain.xmx, plain.xms, plain.max_direct, plain.max_metaspace),
            (448 * MIB, 448 * MIB, None, 256 * MIB)
        );
        assert_eq!(
            plain.to_string(),
            "-Xmx469762048 -Xms469762048 -XX:MaxMetaspaceSize=268435456"
        );
        let with = |value: &str| {
            jm(&[
                ("jobmanager.memory.process.size", "1024m"),
                (JM_DIRECT_MEMORY_LIMIT_KEY, value),
            ])
        };
        let limited = with("TRUE").unwrap().jvm();
        assert_eq!(limited.max_direct, Some(128 * MIB));
        assert_eq!(
            limited.to_string(),
            "-Xmx469762048 -Xms469762048 -XX:MaxDirectMemorySize=134217728 \
             -XX:MaxMetaspaceSize=268435456"
        );
        assert_eq!(with("false").unwrap().jvm().max_direct, None);
        assert_eq!(with("fAlSe").unwrap().jvm().max_direct, None);
        // Flink reads booleans strictly: no other spelling, no whitespace.
        for bad in ["yes", "1", " true", ""] {
            let error = with(bad).unwrap_err();
            assert_eq!(
                error.message,
                format!(
                    "JobManager memory configuration failed: Could not parse value '{bad}' for \
                     key 'jobmanager.memory.enable-jvm-direct-memory-limit'. Caused by: \
                     Unrecognized option for boolean: {bad}. Expected either true or \
                     false(case insensitive)"
                )
            );
            assert_eq!(error.keys, [JM_DIRECT_MEMORY_LIMIT_KEY]);
        }
        // Sizes are checked first, as in Flink.
        let error = jm(&[
            ("jobmanager.memory.process.size", "1m"),
            (JM_DIRECT_MEMORY_LIMIT_KEY, "yes"),
        ])
        .unwrap_err();
        assert!(
            error.message.contains("Sum of configured JVM Metaspace"),
            "{error}"
        );
    }

    // -----------------------------------------------------------------------------------------
    // The other derivation paths
    // -----------------------------------------------------------------------------------------

    #[test]
    fn total_flink_memory_derives_overhead_by_inverse_fraction() {
        // 0.1f / (1 - 0.1f) = 0.11111111295076065 (as Java's Double.toString prints it).
        let small = tm(&[("taskmanager.memory.flink.size", "1024m")]).unwrap();
        assert_eq!((small.overhead, small.process), (192 * MIB, 1_543_503_872));
        assert_eq!((small.managed, small.network), (429_496_736, 107_374_184));
        assert_tm_adds_up(&small);

        let large = tm(&[("taskmanager.memory.flink.size", "8192m")]).unwrap();
        assert_eq!(
            (large.overhead, large.process),
            (984_263_354, 9_842_633_402)
        );
        assert_tm_adds_up(&large);

        let m = jm(&[("jobmanager.memory.flink.size", "1g")]).unwrap();
        assert_eq!(
            (m.heap, m.off_heap, m.overhead),
            (896 * MIB, 128 * MIB, 192 * MIB)
        );
        assert_jm_adds_up(&m);
    }

    #[test]
    fn fine_grained_task_manager_derives_network_by_inverse_fraction() {
        let m = tm(&[
            ("taskmanager.memory.task.heap.size", "1g"),
            ("taskmanager.memory.managed.size", "1g"),
        ])
        .unwrap();
        assert_eq!(
            (m.network, m.flink, m.overhead, m.process),
            (268_435_460, 2_684_354_564, 328_087_785, 3_280_877_805)
        );
        assert_tm_adds_up(&m);

        // With the process size also set, the overhead is whatever is left, if it fits its range.
        let m = tm(&[
            ("taskmanager.memory.task.heap.size", "1g"),
            ("taskmanager.memory.managed.size", "1g"),
            (
                "taskmanager.memory.process.size",
                &process(3_280_877_805 + 1000),
            ),
        ])
        .unwrap();
        assert_eq!(m.overhead, 328_087_785 + 1000);
        assert_tm_adds_up(&m);
    }

    #[test]
    fn fine_grained_wins_over_total_sizes_and_checks_them() {
        let m = tm(&[
            ("taskmanager.memory.task.heap.size", "1g"),
            ("taskmanager.memory.managed.size", "1g"),
            ("taskmanager.memory.flink.size", "3g"),
        ])
        .unwrap();
        assert_eq!(m.network, 3 * GIB - 2304 * MIB);
        assert_eq!(m.flink, 3 * GIB);
        assert_tm_adds_up(&m);
    }

    #[test]
    fn task_heap_with_process_size_leaves_network_as_the_rest() {
        let m = tm(&[
            ("taskmanager.memory.process.size", "4096m"),
            ("taskmanager.memory.task.heap.size", "1g"),
        ])
        .unwrap();
        assert_eq!(m.task_heap, GIB);
        assert_eq!(m.managed, 1_438_814_063);
        assert_eq!(m.network, 3_597_035_104 - 256 * MIB - GIB - 1_438_814_063);
        assert_tm_adds_up(&m);
    }

    #[test]
    fn job_manager_heap_paths() {
        let m = jm(&[("jobmanager.memory.heap.size", "1g")]).unwrap();
        assert_eq!((m.heap, m.off_heap), (GIB, 128 * MIB));
        assert_eq!(m.flink, GIB + 128 * MIB);
        assert_jm_adds_up(&m);

        // Off-heap not set: it becomes Total Flink Memory minus the heap.
        let m = jm(&[
            ("jobmanager.memory.heap.size", "1g"),
            ("jobmanager.memory.flink.size", "1500m"),
        ])
        .unwrap();
        assert_eq!(m.off_heap, 476 * MIB);
        assert_jm_adds_up(&m);

        let error = jm_err(&[
            ("jobmanager.memory.heap.size", "1g"),
            ("jobmanager.memory.off-heap.size", "256m"),
            ("jobmanager.memory.flink.size", "1g"),
        ]);
        assert_eq!(
            error.message,
            "JobManager memory configuration failed: Sum of the configured JVM Heap Memory \
             (1024.000mb (1073741824 bytes)) and the configured Off-heap Memory (256.000mb \
             (268435456 bytes)) does not match the configured Total Flink Memory (1024.000mb \
             (1073741824 bytes)). Please, make the configuration consistent or configure only one \
             option: either JVM Heap or Total Flink Memory."
        );
        assert_eq!(
            error.keys,
            [
                "jobmanager.memory.heap.size",
                "jobmanager.memory.off-heap.size",
                "jobmanager.memory.flink.size"
            ]
        );

        let error = jm_err(&[
            ("jobmanager.memory.heap.size", "2g"),
            ("jobmanager.memory.flink.size", "1g"),
        ]);
        assert_eq!(
            error.message,
            "JobManager memory configuration failed: The configured JVM Heap Memory (2.000gb \
             (2147483648 bytes)) exceeds the configured Total Flink Memory (1024.000mb (1073741824 \
             bytes)). Please, make the configuration consistent or configure only one option: \
             either JVM Heap or Total Flink Memory."
        );
    }

    #[test]
    fn deprecated_keys_are_fallbacks_and_lose_to_current_keys() {
        let m = tm(&[
            ("taskmanager.memory.process.size", "4096m"),
            ("taskmanager.memory.size", "512m"),
            ("taskmanager.network.memory.fraction", "0.2"),
            ("taskmanager.network.memory.min", "128m"),
        ])
        .unwrap();
        assert_eq!(m.managed, 512 * MIB);
        assert_eq!(m.network, 719_407_031); // floor(3597035104 × 0.20000000298023224)
        assert_tm_adds_up(&m);

        let m = tm(&[
            ("taskmanager.memory.process.size", "4096m"),
            ("taskmanager.memory.managed.size", "256m"),
            ("taskmanager.memory.size", "512m"),
        ])
        .unwrap();
        assert_eq!(m.managed, 256 * MIB);

        // A deprecated key is reported as written.
        let error = tm_err(&[
            ("taskmanager.memory.process.size", "4096m"),
            ("taskmanager.network.memory.min", "2g"),
            ("taskmanager.network.memory.max", "1g"),
        ]);
        assert_eq!(
            error.keys,
            [
                "taskmanager.network.memory.min",
                "taskmanager.network.memory.max"
            ]
        );
    }

    // -----------------------------------------------------------------------------------------
    // Every error path
    // -----------------------------------------------------------------------------------------

    #[test]
    fn nothing_configured() {
        let error = tm_err(&[("taskmanager.memory.framework.heap.size", "128m")]);
        assert_eq!(
            error.message,
            "TaskManager memory configuration failed: Either required fine-grained memory \
             (taskmanager.memory.task.heap.size and taskmanager.memory.managed.size), or Total \
             Flink Memory size (Key: 'taskmanager.memory.flink.size' , default: null (fallback \
             keys: [])), or Total Process Memory size (Key: 'taskmanager.memory.process.size' , \
             default: null (fallback keys: [])) need to be configured explicitly."
        );
        assert!(error.keys.is_empty());
        // Task heap alone is not enough.
        assert!(tm(&[("taskmanager.memory.task.heap.size", "1g")]).is_err());

        assert_eq!(
            jm_err(&[]).message,
            "JobManager memory configuration failed: Either required fine-grained memory \
             (jobmanager.memory.heap.size), or Total Flink Memory size (Key: \
             'jobmanager.memory.flink.size' , default: null (fallback keys: [])), or Total Process \
             Memory size (Key: 'jobmanager.memory.process.size' , default: null (fallback keys: \
             [])) need to be configured explicitly."
        );
    }

    #[test]
    fn unparsable_memory_value() {
        let error = tm_err(&[("taskmanager.memory.process.size", "2Gi")]);
        assert_eq!(
            error.message,
            "TaskManager memory configuration failed: Cannot read memory size from config option \
             'taskmanager.memory.process.size'. Caused by: Could not parse value '2Gi' for key \
             'taskmanager.memory.process.size'. Caused by: Memory size unit 'gi' does not match any \
             of the recognized units: (b | bytes) / (k | kb | kibibytes) / (m | mb | mebibytes) / \
             (g | gb | gibibytes) / (t | tb | tebibytes)"
        );
        assert_eq!(error.keys, ["taskmanager.memory.process.size"]);

        let error = jm_err(&[
            ("jobmanager.memory.process.size", "1g"),
            ("jobmanager.memory.jvm-metaspace.size", "lots"),
        ]);
        assert!(error.message.starts_with(
            "JobManager memory configuration failed: Cannot read memory size from config option \
             'jobmanager.memory.jvm-metaspace.size'."
        ));
        assert_eq!(error.keys, ["jobmanager.memory.jvm-metaspace.size"]);
    }

    #[test]
    fn overflowing_values_are_errors_not_panics() {
        let error = tm_err(&[("taskmanager.memory.process.size", "9999999999t")]);
        assert!(error.message.ends_with(
            "Caused by: The value '9999999999t' cannot be re represented as 64bit number of bytes \
             (numeric overflow)."
        ));
        let error = tm_err(&[
            ("taskmanager.memory.task.heap.size", "8000000t"),
            ("taskmanager.memory.managed.size", "8000000t"),
        ]);
        assert!(error.message.contains("long overflow"), "{}", error.message);
        assert_eq!(
            error.keys,
            [
                "taskmanager.memory.task.heap.size",
                "taskmanager.memory.managed.size"
            ]
        );
        // 8388607 TiB plus the defaults still fits a long; a heap within 128 MiB of it does not.
        assert!(jm(&[("jobmanager.memory.heap.size", "8388607t")]).is_ok());
        let error = jm_err(&[("jobmanager.memory.heap.size", "9223372036854775000b")]);
        assert!(error.message.contains("long overflow"), "{}", error.message);
        // The largest representable process size derives fine.
        let m = tm(&[("taskmanager.memory.process.size", &process(FLINK_MAX_BYTES))]).unwrap();
        assert_tm_adds_up(&m);
    }

    #[test]
    fn metaspace_and_overhead_exceed_process() {
        let error = tm_err(&[("taskmanager.memory.process.size", "400m")]);
        assert_eq!(
            error.message,
            "TaskManager memory configuration failed: Sum of configured JVM Metaspace (256.000mb \
             (268435456 bytes)) and JVM Overhead (192.000mb (201326592 bytes)) exceed configured \
             Total Process Memory (400.000mb (419430400 bytes))."
        );
        assert_eq!(error.keys, ["taskmanager.memory.process.size"]);
        let error = jm_err(&[
            ("jobmanager.memory.process.size", "400m"),
            ("jobmanager.memory.jvm-overhead.min", "100m"),
        ]);
        assert_eq!(
            error.keys,
            [
                "jobmanager.memory.process.size",
                "jobmanager.memory.jvm-overhead.min"
            ]
        );
    }

    /// The message a user reported from a real deployment (Confluent Manager for Flink),
    /// reproduced byte for byte from `taskManager.resource.memory: 700m`.
    #[test]
    fn real_world_message_small_task_manager() {
        assert_eq!(
            tm_err(&[("taskmanager.memory.process.size", "700m")]).message,
            "TaskManager memory configuration failed: Sum of configured Framework Heap Memory \
             (128.000mb (134217728 bytes)), Framework Off-Heap Memory (128.000mb (134217728 \
             bytes)), Task Off-Heap Memory (0 bytes), Managed Memory (100.800mb (105696462 bytes)) \
             and Network Memory (64.000mb (67108864 bytes)) exceed configured Total Flink Memory \
             (252.000mb (264241152 bytes))."
        );
    }

    /// apache/streampark#3330 (Flink 1.17): a 1.508 GiB framework heap in a 2.313 GiB Total
    /// Flink Memory.
    #[test]
    fn real_world_message_oversized_framework_heap() {
        let error = derive_task_manager(
            &config(&[
                ("taskmanager.memory.flink.size", "2483027968"),
                ("taskmanager.memory.framework.heap.size", "1619001344b"),
            ]),
            (1, 17),
        )
        .unwrap_err();
        assert_eq!(
            error.message,
            "TaskManager memory configuration failed: Sum of configured Framework Heap Memory \
             (1.508gb (1619001344 bytes)), Framework Off-Heap Memory (128.000mb (134217728 bytes)), \
             Task Off-Heap Memory (0 bytes), Managed Memory (947.200mb (993211202 bytes)) and \
             Network Memory (236.800mb (248302800 bytes)) exceed configured Total Flink Memory \
             (2.313gb (2483027968 bytes))."
        );
        assert_eq!(
            error.keys,
            [
                "taskmanager.memory.flink.size",
                "taskmanager.memory.framework.heap.size"
            ]
        );
    }

    #[test]
    fn fine_grained_sizes_exceed_total_flink_memory() {
        let error = tm_err(&[
            ("taskmanager.memory.task.heap.size", "1g"),
            ("taskmanager.memory.managed.size", "1g"),
            ("taskmanager.memory.flink.size", "2g"),
        ]);
        assert_eq!(
            error.message,
            "TaskManager memory configuration failed: Sum of configured Framework Heap Memory \
             (128.000mb (134217728 bytes)), Framework Off-Heap Memory (128.000mb (134217728 \
             bytes)), Task Heap Memory (1024.000mb (1073741824 bytes)), Task Off-Heap Memory (0 \
             bytes) and Managed Memory (1024.000mb (1073741824 bytes)) exceed configured Total \
             Flink Memory (2.000gb (2147483648 bytes))."
        );
        assert_eq!(
            error.keys,
            [
                "taskmanager.memory.flink.size",
                "taskmanager.memory.task.heap.size",
                "taskmanager.memory.managed.size"
            ]
        );
    }

    #[test]
    fn derived_network_out_of_range() {
        let error = tm_err(&[
            ("taskmanager.memory.task.heap.size", "1g"),
            ("taskmanager.memory.managed.size", "1g"),
            ("taskmanager.memory.flink.size", "2304m"),
        ]);
        assert_eq!(
            error.message,
            "TaskManager memory configuration failed: If Total Flink, Task Heap and (or) Managed \
             Memory sizes are explicitly configured then the Network Memory size is the rest of the \
             Total Flink memory after subtracting all other configured types of memory, but the \
             derived Network Memory is inconsistent with its configuration. Caused by: Derived \
             Network Memory size (0 bytes) is not in configured Network Memory range [64.000mb \
             (67108864 bytes), 8388608.000tb (9223372036854775807 bytes)]."
        );
        // With Flink 1.16 the default maximum of 1 GiB shows up in the range.
        let error = derive_task_manager(
            &config(&[
                ("taskmanager.memory.task.heap.size", "1g"),
                ("taskmanager.memory.managed.size", "1g"),
                ("taskmanager.memory.flink.size", "4g"),
            ]),
            (1, 16),
        )
        .unwrap_err();
        assert!(error.message.ends_with(
            "Caused by: Derived Network Memory size (1.750gb (1879048192 bytes)) is not in \
             configured Network Memory range [64.000mb (67108864 bytes), 1024.000mb (1073741824 \
             bytes)]."
        ));
    }

    #[test]
    fn total_flink_and_process_size_disagree() {
        // The message a user reported, with its double space before the metaspace size.
        let error = tm_err(&[
            ("taskmanager.memory.process.size", "3g"),
            ("taskmanager.memory.flink.size", "4g"),
        ]);
        assert_eq!(
            error.message,
            "TaskManager memory configuration failed: The configured Total Process Memory size \
             (3.000gb (3221225472 bytes)) is less than the sum of the derived Total Flink Memory \
             size (4.000gb (4294967296 bytes)) and the configured or default JVM Metaspace size  \
             (256.000mb (268435456 bytes))."
        );
        assert_eq!(
            error.keys,
            [
                "taskmanager.memory.process.size",
                "taskmanager.memory.flink.size"
            ]
        );

        let error = tm_err(&[
            ("taskmanager.memory.process.size", "6g"),
            ("taskmanager.memory.flink.size", "4g"),
        ]);
        assert_eq!(
            error.message,
            "TaskManager memory configuration failed: Derived JVM Overhead size (1.750gb \
             (1879048192 bytes)) is not in configured JVM Overhead range [192.000mb (201326592 \
             bytes), 1024.000mb (1073741824 bytes)]."
        );

        // Consistent: the overhead is what is left.
        let m = tm(&[
            ("taskmanager.memory.process.size", "5g"),
            ("taskmanager.memory.flink.size", "4g"),
        ])
        .unwrap();
        assert_eq!(m.overhead, 768 * MIB);
        assert_tm_adds_up(&m);
    }

    #[test]
    fn inconsistent_fractions() {
        let error = tm_err(&[
            ("taskmanager.memory.process.size", "4g"),
            ("taskmanager.memory.network.fraction", "1.5"),
        ]);
        assert_eq!(
            error.message,
            "TaskManager memory configuration failed: Inconsistently configured Key: \
             'taskmanager.memory.network.fraction' , default: 0.1 (fallback keys: \
             [{key=taskmanager.network.memory.fraction, isDeprecated=true}]) (1.5) and its min \
             (64.000mb (67108864 bytes)), max (8388608.000tb (9223372036854775807 bytes)) value \
             Caused by: fraction must be in range [0, 1)"
        );
        assert_eq!(error.keys, ["taskmanager.memory.network.fraction"]);

        let error = tm_err(&[
            ("taskmanager.memory.process.size", "4g"),
            ("taskmanager.memory.managed.fraction", "-0.1"),
        ]);
        assert!(error.message.contains(
            "Inconsistently configured Key: 'taskmanager.memory.managed.fraction' , default: 0.4 \
             (fallback keys: []) (-0.10000000149011612) and its min (0 bytes), max (8388608.000tb \
             (9223372036854775807 bytes)) value"
        ));

        let error = jm_err(&[
            ("jobmanager.memory.process.size", "4g"),
            ("jobmanager.memory.jvm-overhead.min", "2g"),
        ]);
        assert!(error.message.ends_with(
            "(0.10000000149011612) and its min (2.000gb (2147483648 bytes)), max (1024.000mb \
             (1073741824 bytes)) value Caused by: min value must be less or equal to max value"
        ));
        assert_eq!(error.keys, ["jobmanager.memory.jvm-overhead.min"]);
    }

    #[test]
    fn unparsable_fraction() {
        let error = tm_err(&[
            ("taskmanager.memory.process.size", "4g"),
            ("taskmanager.memory.network.fraction", "ten percent"),
        ]);
        assert_eq!(
            error.message,
            "TaskManager memory configuration failed: Could not parse value 'ten percent' for key \
             'taskmanager.memory.network.fraction'. Caused by: For input string: \"ten percent\""
        );
        // Java float syntax is accepted as Flink accepts it.
        assert!(
            tm(&[
                ("taskmanager.memory.process.size", "4g"),
                ("taskmanager.memory.network.fraction", " .2f "),
            ])
            .is_ok()
        );
    }

    #[test]
    fn a_fraction_at_a_double_to_string_tie_rounds_as_java_17() {
        // The float 0.798378 is exactly 0.79837799072265625; JDK 17 prints it
        // 0.7983779907226562, and 1 GiB times that is 857251839.99…, not 857251840.
        let m = tm(&[
            ("taskmanager.memory.flink.size", "1g"),
            ("taskmanager.memory.managed.fraction", "0.798378"),
            ("taskmanager.memory.framework.heap.size", "16m"),
            ("taskmanager.memory.framework.off-heap.size", "16m"),
            ("taskmanager.memory.network.max", "16m"),
            ("taskmanager.memory.network.min", "16m"),
        ])
        .unwrap();
        assert_eq!(m.managed, 857_251_839);
    }

    #[test]
    fn legacy_network_buffers_size_the_network_on_flink_1() {
        let with = |pairs: &[(&str, &str)], version| {
            let mut all = vec![("taskmanager.memory.process.size", "2g")];
            all.extend_from_slice(pairs);
            derive_task_manager(&config(&all), version)
        };
        let buffers = [("taskmanager.network.numberOfBuffers", "4096")];
        // 4096 buffers of 32 KiB on 1.x; ignored on 2.x (the option is gone).
        assert_eq!(with(&buffers, (1, 20)).unwrap().network, 128 * MIB);
        assert_eq!(
            with(&buffers, (2, 1)).unwrap().network,
            with(&[], (2, 1)).unwrap().network
        );
        let bigger = [buffers[0], ("taskmanager.memory.segment-size", "64kb")];
        assert_eq!(with(&bigger, (1, 20)).unwrap().network, 256 * MIB);
        // Any network key, current or deprecated, wins over it.
        let both = [buffers[0], ("taskmanager.network.memory.fraction", "0.1")];
        assert_eq!(with(&both, (1, 20)), with(&both[1..], (1, 20)));
        // Flink's refusals.
        let error = with(&[("taskmanager.network.numberOfBuffers", "abc")], (1, 20)).unwrap_err();
        assert_eq!(
            error.message,
            "TaskManager memory configuration failed: Could not parse value 'abc' for key \
             'taskmanager.network.numberOfBuffers'. Caused by: For input string: \"abc\""
        );
        assert_eq!(error.keys, ["taskmanager.network.numberOfBuffers"]);
        let error = with(
            &[buffers[0], ("taskmanager.memory.segment-size", "5000")],
            (1, 20),
        )
        .unwrap_err();
        assert_eq!(
            error.message,
            "TaskManager memory configuration failed: Invalid configuration value for \
             taskmanager.memory.segment-size : 5000 - Memory segment size must be a power of 2."
        );
        assert_eq!(error.keys, ["taskmanager.memory.segment-size"]);
        let error = with(&[("taskmanager.network.numberOfBuffers", "-1")], (1, 20)).unwrap_err();
        assert!(error.message.ends_with("bytes must be >= 0"), "{error}");
        // With Total Flink Memory and task heap set, the rest must equal the buffers' size.
        let error = derive_task_manager(
            &config(&[
                ("taskmanager.memory.flink.size", "1280m"),
                ("taskmanager.memory.task.heap.size", "100m"),
                ("taskmanager.network.numberOfBuffers", "2048"),
            ]),
            (1, 20),
        )
        .unwrap_err();
        assert!(
            error.message.contains(
                "Caused by: Derived Network Memory size (412.000mb (432013304 bytes)) does not \
                 match configured Network Memory size (64.000mb (67108864 bytes))."
            ),
            "{error}"
        );
    }

    #[test]
    fn multiply_matches_java_big_decimal() {
        // BigDecimal.valueOf(bytes).multiply(BigDecimal.valueOf((double) f)).longValue()
        assert_eq!(
            multiply(2_147_483_648, f64::from(0.1f32)),
            Some(214_748_368)
        );
        assert_eq!(multiply(603_979_776, f64::from(0.4f32)), Some(241_591_914));
        assert_eq!(
            multiply(1_342_177_280, 0.1f32 as f64 / (1.0 - 0.1f32 as f64)),
            Some(149_130_811)
        );
        assert_eq!(multiply(FLINK_MAX_BYTES, 0.0), Some(0));
        assert_eq!(multiply(FLINK_MAX_BYTES, 1.0), Some(FLINK_MAX_BYTES));
        assert_eq!(multiply(FLINK_MAX_BYTES, 1.5), None);
        assert_eq!(multiply(FLINK_MAX_BYTES / 9 + 1, 9.0), None);
    }

    // -----------------------------------------------------------------------------------------
    // Properties
    // -----------------------------------------------------------------------------------------

    #[test]
    fn invariants_hold_across_sizes() {
        let mut checked = 0;
        for mib in (500..=65_536u64).step_by(97) {
            for extra in [0, 1, 12_345] {
                let bytes = process(mib * MIB + extra);
                if let Ok(m) = tm(&[("taskmanager.memory.process.size", &bytes)]) {
                    assert_tm_adds_up(&m);
                    checked += 1;
                }
                if let Ok(m) = jm(&[("jobmanager.memory.process.size", &bytes)]) {
                    assert_jm_adds_up(&m);
                }
                for key in [
                    "taskmanager.memory.flink.size",
                    "taskmanager.memory.task.heap.size",
                ] {
                    let pairs = [
                        (key, bytes.as_str()),
                        ("taskmanager.memory.managed.size", "512m"),
                    ];
                    if let Ok(m) = tm(&pairs) {
                        assert_tm_adds_up(&m);
                    }
                }
                if let Ok(m) = jm(&[("jobmanager.memory.heap.size", &bytes)]) {
                    assert_jm_adds_up(&m);
                }
            }
        }
        assert!(checked > 1500);
    }

    const TM_KEYS: &[&str] = &[
        "taskmanager.memory.process.size",
        "taskmanager.memory.flink.size",
        "taskmanager.memory.framework.heap.size",
        "taskmanager.memory.task.heap.size",
        "taskmanager.memory.managed.size",
        "taskmanager.memory.size",
        "taskmanager.memory.managed.fraction",
        "taskmanager.memory.network.min",
        "taskmanager.memory.network.max",
        "taskmanager.memory.network.fraction",
        "taskmanager.network.memory.fraction",
        "taskmanager.memory.framework.off-heap.size",
        "taskmanager.memory.task.off-heap.size",
        "taskmanager.memory.jvm-metaspace.size",
        "taskmanager.memory.jvm-overhead.min",
        "taskmanager.memory.jvm-overhead.max",
        "taskmanager.memory.jvm-overhead.fraction",
    ];

    const JM_KEYS: &[&str] = &[
        "jobmanager.memory.process.size",
        "jobmanager.memory.flink.size",
        "jobmanager.memory.heap.size",
        "jobmanager.memory.off-heap.size",
        "jobmanager.memory.jvm-metaspace.size",
        "jobmanager.memory.jvm-overhead.min",
        "jobmanager.memory.jvm-overhead.max",
        "jobmanager.memory.jvm-overhead.fraction",
    ];

    fn value_strategy() -> impl Strategy<Value = String> {
        prop_oneof![
            (0u64..=FLINK_MAX_BYTES).prop_map(|b| format!("{b}b")),
            (0u64..=70_000).prop_map(|m| format!("{m}m")),
            (0u64..=100).prop_map(|g| format!("{g}g")),
            (0u32..=1000).prop_map(|f| format!("0.{f:03}")),
            "[0-9]{0,22}[ a-zA-Z.]{0,3}",
            ".*",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn process_size_derives_or_errors_and_always_adds_up(bytes in 1u64..=64 * GIB) {
            let cfg = config(&[("taskmanager.memory.process.size", &process(bytes))]);
            for version in [(1, 15), (1, 20)] {
                if let Ok(m) = derive_task_manager(&cfg, version) {
                    assert_tm_adds_up(&m);
                    prop_assert_eq!(m.process, bytes);
                }
            }
            if let Ok(m) = jm(&[("jobmanager.memory.process.size", &process(bytes))]) {
                assert_jm_adds_up(&m);
                prop_assert_eq!(m.process, bytes);
            }
        }

        #[test]
        fn arbitrary_configurations_never_panic(
            tm_pairs in proptest::collection::vec((proptest::sample::select(TM_KEYS), value_strategy()), 0..6),
            jm_pairs in proptest::collection::vec((proptest::sample::select(JM_KEYS), value_strategy()), 0..5),
            minor in 15u32..=20,
        ) {
            let tm_cfg: Config = tm_pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            if let Ok(m) = derive_task_manager(&tm_cfg, (1, minor)) {
                assert_tm_adds_up(&m);
                let _ = m.jvm();
            }
            let jm_cfg: Config = jm_pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            if let Ok(m) = derive_job_manager(&jm_cfg) {
                assert_jm_adds_up(&m);
                let _ = m.jvm();
            }
        }
    }
}
