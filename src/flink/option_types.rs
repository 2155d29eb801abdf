//! The type of each Flink and operator configuration option that holds a number, by Flink
//! version: what `numbers-in-range` checks a `flinkConfiguration` value against.
//!
//! The data (`config_keys/types.txt`) was read from the options classes of the released
//! `flink-dist` jars and from the operator's option classes; `config_keys/SOURCES.md` says
//! how. An option's type can change between versions (`heartbeat.timeout` was a `Long` of
//! milliseconds before 1.20 and is a `Duration` since), so a lookup takes the deployment's
//! Flink version; without one, every type the option has had is returned and a value is
//! judged against all of them. [`meaning`] reads a value by its option's type, so that two
//! spellings Flink reads alike compare equal.

use crate::flink::duration::{DurationGrammar, parse_duration};
use crate::flink::memory_size::parse_flink_memory;
use crate::flink::version::FlinkVersion;
use std::collections::HashMap;
use std::sync::OnceLock;

const TYPES: &str = include_str!("config_keys/types.txt");

/// What Flink reads an option's value into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionType {
    /// A Java `int`.
    Integer,
    /// A Java `long`.
    Long,
    /// A Java `float`.
    Float,
    /// A Java `double`.
    Double,
    /// A `java.time.Duration`, read back as 64-bit milliseconds.
    Duration,
    /// A `MemorySize`: a 64-bit number of bytes.
    MemorySize,
    /// Anything else (a string, a boolean, an enum, a list, …): no range to check.
    Other,
}

impl OptionType {
    fn parse(text: &str) -> OptionType {
        match text {
            "Integer" => OptionType::Integer,
            "Long" => OptionType::Long,
            "Float" => OptionType::Float,
            "Double" => OptionType::Double,
            "Duration" => OptionType::Duration,
            "MemorySize" => OptionType::MemorySize,
            _ => OptionType::Other,
        }
    }
}

/// An option's types: the type before the first change, then `(from version, type)`.
type History = Vec<((u32, u32), OptionType)>;

fn table() -> &'static HashMap<&'static str, History> {
    static TABLE: OnceLock<HashMap<&'static str, History>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut m = HashMap::new();
        for line in TYPES.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, spec)) = line.split_once('\t') else {
                continue;
            };
            let mut history = Vec::new();
            for (i, part) in spec.split_whitespace().enumerate() {
                let (from, ty) = match part.split_once(':') {
                    Some((v, ty)) => {
                        let Some((a, b)) = v.split_once('.') else {
                            continue;
                        };
                        let (Ok(a), Ok(b)) = (a.parse(), b.parse()) else {
                            continue;
                        };
                        ((a, b), ty)
                    }
                    None if i == 0 => ((0, 0), part),
                    None => continue,
                };
                history.push((from, OptionType::parse(ty)));
            }
            m.insert(key, history);
        }
        m
    })
}

/// The types `key` has: the one of `version`, or, without a version, every type it has had
/// (without repeats). Empty for an option that is not in the table.
pub fn option_types(key: &str, version: Option<FlinkVersion>) -> Vec<OptionType> {
    let Some(history) = table().get(key) else {
        return Vec::new();
    };
    match version {
        Some(v) => history
            .iter()
            .rev()
            .find(|(from, _)| *from <= (v.major, v.minor))
            .or(history.first())
            .map(|(_, t)| vec![*t])
            .unwrap_or_default(),
        None => {
            let mut out: Vec<OptionType> = Vec::new();
            for (_, t) in history {
                if !out.contains(t) {
                    out.push(*t);
                }
            }
            out
        }
    }
}

/// What a configuration value means to Flink, as comparable text: the nanoseconds of a
/// duration, the bytes of a memory size, the number of an integer; `None` when the option has
/// not exactly one type for `version` or the text does not read as it (compare the text then).
pub fn meaning(key: &str, text: &str, version: Option<FlinkVersion>) -> Option<String> {
    let [only] = option_types(key, version)[..] else {
        return None;
    };
    match only {
        OptionType::Duration => parse_duration(text, DurationGrammar::for_key(key, version))
            .ok()
            .map(|d| format!("{} ns", d.nanos())),
        OptionType::MemorySize => parse_flink_memory(text).ok().map(|b| format!("{b} B")),
        // `Integer.parseInt` / `Long.parseLong`: no sign other than `-`/`+`, no spaces.
        OptionType::Integer | OptionType::Long => text.parse::<i64>().ok().map(|n| n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(major: u32, minor: u32) -> Option<FlinkVersion> {
        Some(FlinkVersion { major, minor })
    }

    #[test]
    fn spellings_flink_reads_alike_mean_the_same() {
        let m = |k: &str, t: &str| meaning(k, t, v(1, 20));
        let timeout = "execution.checkpointing.timeout";
        assert_eq!(m(timeout, "600 s"), m(timeout, "10 min"));
        assert_ne!(m(timeout, "600 s"), m(timeout, "11 min"));
        // `mins` is no unit of Flink's: not read, so compared as text.
        assert_eq!(m(timeout, "10 mins"), None);
        let managed = "taskmanager.memory.managed.size";
        assert_eq!(m(managed, "1024m"), m(managed, "1g"));
        assert_eq!(
            m("parallelism.default", "08"),
            m("parallelism.default", "8")
        );
        // Options without a number type, and unknown ones: compared as text.
        assert_eq!(m("state.backend.type", "rocksdb"), None);
        assert_eq!(m("no.such.option", "1"), None);
    }

    #[test]
    fn types_by_version() {
        use OptionType::*;
        assert_eq!(option_types("pipeline.max-parallelism", None), [Integer]);
        assert_eq!(option_types("heartbeat.timeout", v(1, 19)), [Long]);
        assert_eq!(option_types("heartbeat.timeout", v(1, 20)), [Duration]);
        assert_eq!(option_types("heartbeat.timeout", v(2, 2)), [Duration]);
        assert_eq!(option_types("heartbeat.timeout", None), [Long, Duration]);
        assert_eq!(
            option_types("kubernetes.taskmanager.cpu.limit-factor", v(1, 20)),
            [Double]
        );
        assert_eq!(
            option_types("restart-strategy.fixed-delay.attempts", None),
            [Integer]
        );
        assert_eq!(
            option_types("taskmanager.memory.process.size", v(1, 20)),
            [MemorySize]
        );
        assert_eq!(
            option_types("job.autoscaler.metrics.window", None),
            [Duration]
        );
        assert_eq!(option_types("akka.startup-timeout", v(1, 15)), [Other]);
        assert!(option_types("state.backend.type", None).is_empty());
    }
}
