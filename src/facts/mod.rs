//! The facts layer: what a Flink object means, decided once and read by every rule (and by
//! `flinkform memory`) instead of each re-deriving it. It depends on [`crate::flink`] (the
//! grammars and models of Flink and the operator) and [`crate::tree`] only; `policy` and its
//! rules depend on it, never the other way.
//!
//! * [`view`]: a FlinkDeployment or FlinkSessionJob with its flattened configuration;
//! * [`blue_green`]: a FlinkBlueGreenDeployment's settings, children and template (seen as the
//!   FlinkDeployment it becomes);
//! * [`effective`]: the one effective configuration per deployment, memoised on its view;
//! * [`resources`]: which `resource` / `resources` value sizes each JVM;
//! * [`storage`]: where a storage URI keeps its data (remote, a mounted claim, node-local);
//! * [`placeholder`]: what a `${…}` means (unknown in `lint`, deployed literally in `check`);
//! * [`dialect`]: whose operator a resource is written for (Apache, EMR on EKS, IBM);
//! * [`names`]: the one grammar of deployment and service names;
//! * [`jvm`]: which configuration keys feed a JVM's command line.
pub mod blue_green;
pub mod dialect;
pub mod effective;
pub mod jvm;
pub mod names;
pub mod placeholder;
pub mod resources;
pub mod storage;
pub mod view;
