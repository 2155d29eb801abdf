//! The view rules read a Flink object through lives in the facts layer
//! ([`crate::facts::view`]); this path stays for the rules that name it.
pub use crate::facts::view::*;
