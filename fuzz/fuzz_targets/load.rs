//! Arbitrary bytes as a service spec: decoding, YAML loading and both schemas must never panic,
//! and every span must lie inside the text.
#![no_main]

use flinkform::schema::{self, Format};
use flinkform::source::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (file, _) = flinkform::workspace::decode("fuzz.yaml", data.to_vec());
    match flinkform::yaml::load(FileId(0), &file) {
        Ok(doc) => {
            let _ = schema::violations(Format::Service, &doc, FileId(0), &file.text);
            let _ = schema::violations(Format::Platform, &doc, FileId(0), &file.text);
        }
        Err(d) => {
            let span = d.primary.expect("located").span;
            assert!(span.end as usize <= file.text.len());
        }
    }
});
