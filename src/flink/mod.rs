//! The Flink domain: memory units, the memory model, and configuration keys by version.

pub mod memory;
pub mod units;
