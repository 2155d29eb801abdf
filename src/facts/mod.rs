//! The facts layer: what a Flink object means, decided once and read by every rule (and by
//! `flinkform memory`) instead of each re-deriving it. It depends on [`crate::flink`] (the
//! grammars and models of Flink and the operator) and [`crate::tree`] only; `policy` and its
//! rules depend on it, never the other way.
//!
//! * [`view`]: a FlinkDeployment or FlinkSessionJob with its flattened configuration;
//! * [`effective`]: the one effective configuration per deployment, memoised on its view;
//! * [`resources`]: which `resource` / `resources` value sizes each JVM.
pub mod effective;
pub mod names;
pub mod resources;
pub mod view;
