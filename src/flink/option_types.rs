//! The type of each Flink and operator configuration option that holds a number, by Flink
//! version: what `numbers-in-range` checks a `flinkConfiguration` value against.
//!
//! The data (`config_keys/types.txt`) was read from the options classes of the released
//! `flink-dist` jars and from the operator's option classes; `config_keys/SOURCES.md` says
//! how. An option's type can change between versions (`heartbeat.timeout` was a `Long` of
//! milliseconds before 1.20 and is a `Duration` since), so a lookup takes the deployment's
//! Flink version; without one, every type the option has had is returned and a value is
//! judged against all of them.

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

#[cfg(test)]
mod tests {
    use super::*;

    fn v(major: u32, minor: u32) -> Option<FlinkVersion> {
        Some(FlinkVersion { major, minor })
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
