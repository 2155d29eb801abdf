//! Marks tests whose optional tool is missing as ignored, with the reason, so that
//! `cargo test` shows them as `ignored, needs <tool>` instead of passing them without running
//! (libtest cannot skip a test once it runs). For each tool of `tests/common/tools.rs` that is
//! missing when the tests are built it sets the cfg `missing_<name>`; the tests that need it
//! carry `#[cfg_attr(missing_<name>, ignore = "needs <tool>")]`. Nothing of flinkform itself
//! depends on it.
//!
//! Cargo runs this again when `PATH` or `FLINKFORM_SARIF_MULTITOOL` changes, and when
//! `../shared/reference` changes or disappears. A tool installed into a folder already on
//! `PATH` is not noticed: `tests/test_tools.rs` then fails and says to `touch build.rs`.

#[path = "tests/common/tools.rs"]
mod tools;

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=tests/common/tools.rs");
    println!("cargo::rerun-if-env-changed=PATH");
    let mut missing = Vec::new();
    for tool in tools::ALL {
        println!("cargo::rustc-check-cfg=cfg({})", tool.cfg);
        match tools::find(&tool, &dir) {
            Some(found) => {
                if let tools::Lookup::Folder(_) = tool.lookup {
                    println!("cargo::rerun-if-changed={}", found.display());
                }
            }
            None => {
                println!("cargo::rustc-cfg={}", tool.cfg);
                missing.push(tool.name);
            }
        }
        if let tools::Lookup::FileInEnv(var) = tool.lookup {
            println!("cargo::rerun-if-env-changed={var}");
        }
    }
    // For tests/test_tools.rs: what this build marked as ignored.
    println!(
        "cargo::rustc-env=FLINKFORM_TESTS_BUILT_WITHOUT={}",
        missing.join(",")
    );
}
