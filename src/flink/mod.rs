//! The Flink domain: memory units, the memory model, and configuration keys by version.
pub mod config_keys;
pub mod duration;
pub mod memory;
pub mod option_types;
pub mod units;
pub mod version;
