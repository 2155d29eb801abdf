//! The product code of the crate's own source files, for the tests that check how `src/` is
//! built (the IO edge, the layers).

use std::path::Path;

/// The product code of a source file: without a trailing `#[cfg(test)] mod` block.
pub fn product_code(path: &Path, text: &str) -> String {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    // `#[cfg(test)] mod tests;` declares a `tests.rs` (exempt by its name): look past it.
    let marker = "\n#[cfg(test)]\nmod ";
    let block = text.match_indices(marker).map(|(at, _)| at).find(|&at| {
        let head = &text[at + marker.len()..];
        let line = head.lines().next().unwrap_or_default();
        !line.trim_end().ends_with(';')
    });
    match block {
        Some(at) => {
            let rest = &text[at..];
            // The test module is the last item: its closing brace ends the file.
            let body_end = rest.trim_end().len();
            assert!(
                rest.trim_end().ends_with("\n}"),
                "{}: the test module must be the last item",
                path.display()
            );
            assert!(
                !rest[..body_end - 1].contains("\n}\n\n"),
                "{}: code after the test module",
                path.display()
            );
            text[..at].to_string()
        }
        None => text.to_string(),
    }
}
