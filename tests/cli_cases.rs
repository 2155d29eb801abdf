//! File-driven CLI cases (trycmd): each `tests/cmd/<case>.toml` runs flinkform with its
//! arguments in a sandbox copy of `<case>.in` and compares exit code, stdout and stderr byte
//! for byte with `<case>.stdout` / `<case>.stderr`. `TRYCMD=overwrite cargo test --test
//! cli_cases` rewrites the expectations (review the diff).

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .register_bin("flinkform", trycmd::cargo::cargo_bin!("flinkform"))
        .case("tests/cmd/*.toml");
}
