//! Arbitrary bytes as a hand-written manifest stream: `lint` (CRD validation and every rule)
//! must never panic.
#![no_main]

use flinkform::source::SourceMap;
use flinkform::spec::platform::Platform;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut sources = SourceMap::new();
    let _ = flinkform::lint::lint_bytes(
        vec![("fuzz.yaml".to_string(), data.to_vec())],
        &Platform::builtin(),
        &Default::default(),
        &mut sources,
    );
});
