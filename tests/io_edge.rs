//! One IO edge: nothing in `src/` outside `src/io/` touches the file system. Every read and
//! write goes through `flinkform::io`, which is what the trust boundary rests on
//! (docs/reliability.md).
//!
//! Test code inside `src/` is exempt: files named `tests.rs` and the `#[cfg(test)] mod …`
//! block that ends a file build fixtures on disk with `std::fs`, which is not the product
//! reading or writing. (The project keeps test modules last in their file; the check below
//! fails if a file has code after its test module.)

use crate::common;

use common::manifest_dir;
use common::source_code::product_code;
use std::path::Path;

/// Spellings that reach the file system without the IO edge. `.is_file()` / `.is_dir()` are
/// also `FileType` methods (no system call), so they count only on something other than
/// `file_type()`.
const FORBIDDEN: &[&str] = &[
    "std::fs",
    "std::{fs",
    "fs::File",
    "File::open",
    "File::create",
    "OpenOptions",
    "DirBuilder",
    "walkdir",
    "tempfile",
    "temp_dir(",
    ".exists()",
    ".try_exists(",
    ".metadata()",
    ".symlink_metadata()",
    ".read_dir()",
    ".read_link()",
    ".canonicalize()",
    ".is_file()",
    ".is_dir()",
];

fn hits(text: &str) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        for token in FORBIDDEN {
            let mut from = 0;
            while let Some(at) = code[from..].find(token) {
                let start = from + at;
                from = start + token.len();
                if (*token == ".is_file()" || *token == ".is_dir()")
                    && code[..start].ends_with("file_type()")
                {
                    continue;
                }
                out.push((i + 1, *token));
            }
        }
    }
    out
}

#[test]
fn only_the_io_module_touches_the_file_system() {
    let src = manifest_dir().join("src");
    let mut offenders = Vec::new();
    let mut io_hits = 0;
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.expect("walk src");
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("read source");
        let rel = path.strip_prefix(&src).expect("under src");
        if rel.starts_with("io") {
            io_hits += hits(&text).len();
            continue;
        }
        for (line, token) in hits(&product_code(path, &text)) {
            offenders.push(format!("src/{}:{line}: {token}", rel.display()));
        }
    }
    // The scan sees what it looks for: the IO edge itself is full of it.
    assert!(
        io_hits >= 10,
        "the scan found only {io_hits} uses in src/io/"
    );
    assert!(
        offenders.is_empty(),
        "file-system access outside src/io/ (go through flinkform::io):\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_scan_catches_what_it_forbids() {
    let code = "fn f(p: &Path) {\n    let _ = std::fs::read(p);\n    if p.exists() {}\n    if e.file_type().is_file() {}\n    // std::fs in a comment\n}\n";
    assert_eq!(hits(code), [(2, "std::fs"), (3, ".exists()")]);
    let with_tests = "fn a() {}\n\n#[cfg(test)]\nmod tests {\n    fn b() { std::fs::write(\"x\", \"\").unwrap(); }\n}\n";
    assert_eq!(product_code(Path::new("x.rs"), with_tests), "fn a() {}\n");
}
