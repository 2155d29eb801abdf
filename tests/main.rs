//! Every integration test, as one crate: one module per file of tests/ (see Cargo.toml).
//! A new test file is a `mod` line here.

mod common;
/// The GitHub runner emulator (`tests/runner/`): the action tests run the action through it,
/// and the escaping tests read workflow commands back with its parser.
mod runner;
/// The benchmark's repository generator, shared with `examples/synth-repo.rs`.
#[path = "../examples/support/synth.rs"]
mod synth_generator;

mod action;
mod admission_rules;
mod alerts;
mod blue_green;
mod check_fixtures;
mod ci_integration;
mod cli;
mod cli_cases;
mod command_options;
mod corpus;
mod dialects;
mod diff;
mod docs;
mod documented_commands;
mod flink_oracle;
mod flux_version;
mod focus;
mod formats;
mod human_bounds;
mod import;
mod io_edge;
mod layers;
mod layout_migration;
mod lint_fixtures;
mod new_user;
mod onboarding;
mod operator_versions;
mod paths;
mod policy_boundary;
mod policy_check;
mod props;
mod reliability;
mod render;
mod render_escaping;
mod rendered_memory;
mod report_options;
mod safe_writes;
mod security;
mod state_snapshots;
mod synth;
mod test_tools;
mod transitions;
mod trust_boundary;
