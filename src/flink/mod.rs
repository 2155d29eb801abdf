//! The Flink domain, one fact per file: Flink's readers of durations ([`duration`]) and memory
//! sizes ([`memory_size`]), Kubernetes quantities ([`quantity`]), the operator's reading of
//! memory ([`operator_memory`]), the spec's one spelling of memory ([`spec_memory`]), Java's
//! number formatting ([`java`]), the operator's own options ([`operator_keys`]), the memory
//! model ([`memory`]), configuration keys and option types by version, and what each operator
//! release has ([`operator`]).
pub mod config_keys;
pub mod duration;
pub mod java;
pub mod memory;
pub mod memory_size;
pub mod operator;
pub mod operator_keys;
pub mod operator_memory;
pub mod option_types;
pub mod quantity;
pub mod spec_memory;
#[cfg(test)]
mod vectors;
pub mod version;
