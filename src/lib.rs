//! flinkform: a compiler and CI check for Apache Flink on Kubernetes.
//!
//! The pipeline, data flowing one way:
//! discover → load (spanned YAML) → schema → resolve (defaults + overlays, with provenance)
//! → render (objects + provenance) → policy (on rendered objects) → report / write / diff.
//!
//! The library never prints; the `flinkform` binary does.
#![forbid(unsafe_code)]
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod change;
pub mod compile;
pub mod conformance;
pub mod crd;
pub mod diag;
pub mod diff;
pub mod error;
pub mod excerpt;
pub mod facts;
pub mod flink;
pub mod flink_conf;
pub mod import;
pub mod io;
pub mod layout;
pub mod limits;
pub mod lint;
pub mod memory_breakdown;
pub mod output_folder;
pub mod platform_scaffold;
pub mod plural;
pub mod pod_security;
pub mod policy;
pub mod progress;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod secrets;
pub mod source;
pub mod spec;
pub mod suggest;
pub mod tree;

pub mod workspace;
pub mod yaml;
