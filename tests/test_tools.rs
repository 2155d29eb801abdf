//! The optional tools the tests use (`tests/common/tools.rs`): required in CI, and never
//! skipped by mistake. Tests that need a missing tool are compiled as ignored (`build.rs`), so
//! `cargo test` lists them as `ignored, needs <tool>`; this test is what makes that an error
//! where it must not happen.

use crate::common;

use common::tools::{self, ALL};
use std::io::Write as _;
use std::path::PathBuf;

#[test]
fn every_tool_is_here_in_ci_and_no_test_is_skipped_by_a_stale_build() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let built_without: Vec<&str> = env!("FLINKFORM_TESTS_BUILT_WITHOUT")
        .split(',')
        .filter(|s| !s.is_empty())
        .collect();
    let mut problems = Vec::new();
    let mut skipped = Vec::new();
    for tool in ALL {
        let here = tools::find(&tool, &dir).is_some();
        let required = std::env::var_os(tool.required_by).is_some_and(|v| {
            if tool.required_by == "CI" {
                !v.is_empty()
            } else {
                v == "1"
            }
        });
        let ignored = built_without.contains(&tool.name);
        if !here && required {
            problems.push(format!(
                "{} is required ({} is set) but missing (looked for {}); install it: {}",
                tool.name,
                tool.required_by,
                tools::describe(&tool),
                tool.install
            ));
        } else if here && ignored {
            problems.push(format!(
                "{} is here now, but the tests were built without it, so its tests were skipped: `touch build.rs` and run them again",
                tool.name
            ));
        } else if ignored {
            skipped.push(tool.name);
        }
    }
    // Straight to the terminal (libtest only captures `print!`): the list shows even though
    // this test passes.
    if !skipped.is_empty() {
        let _ = writeln!(
            std::io::stderr(),
            "\nnote: tests that need {} are ignored (not installed when the tests were built; see the README's Development section)",
            skipped.join(", ")
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
