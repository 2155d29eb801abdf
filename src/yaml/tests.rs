use super::*;
use crate::source::SourceFile;

fn parse(text: &str) -> Result<Node, Diagnostic> {
    let f = SourceFile::new("t.yaml", text);
    load(FileId(0), &f)
}

fn err_at(text: &str) -> (String, usize, usize) {
    let f = SourceFile::new("t.yaml", text);
    let d = load(FileId(0), &f).expect_err("should fail");
    let span = d.primary.expect("located").span;
    let lc = f.line_col(span.start as usize);
    (d.message, lc.line, lc.column)
}

#[test]
fn spans_of_keys_and_values() {
    let text = "a: 1\nspec:\n  name: \"x\"\n";
    let f = SourceFile::new("t.yaml", text);
    let n = load(FileId(0), &f).expect("valid");
    let spec = n.get("spec").expect("spec");
    let e = spec.as_map().and_then(|m| m.entry("name")).expect("name");
    assert_eq!(f.slice(e.key_origin.span().expect("key span")), "name");
    assert_eq!(f.slice(e.value.origin.span().expect("value span")), "\"x\"");
}

#[test]
fn strict_booleans_keep_yes_a_string() {
    let n = parse("a: yes\nb: on\nc: true\n").expect("valid");
    assert_eq!(n.get("a").and_then(Node::as_str), Some("yes"));
    assert_eq!(n.get("b").and_then(Node::as_str), Some("on"));
    assert_eq!(n.get("c").and_then(Node::as_bool), Some(true));
}

#[test]
fn duplicate_key_points_at_second() {
    let (msg, line, col) = err_at("a: 1\na: 2\n");
    assert_eq!(msg, "duplicate key `a`");
    assert_eq!((line, col), (2, 1));
}

#[test]
fn merge_key_is_rejected() {
    let (msg, line, col) = err_at("b: &b {x: 1}\nm:\n  <<: *b\n");
    assert_eq!(msg, "merge keys (`<<`) are not allowed");
    assert_eq!((line, col), (3, 3));
}

#[test]
fn tabs_are_rejected_with_location() {
    let (msg, line, col) = err_at("a:\n\tb: 1\n");
    assert!(msg.contains("tabs"), "{msg}");
    assert_eq!((line, col), (2, 1), "points at the tab");
}

#[test]
fn multiple_documents_are_rejected() {
    let (msg, line, col) = err_at("a: 1\n---\nb: 2\n");
    assert_eq!(msg, "this file holds more than one YAML document");
    assert_eq!((line, col), (2, 1), "points at the separator");
}

#[test]
fn alias_bomb_is_bounded() {
    let mut s = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for c in 'b'..='j' {
        s.push_str(&format!(
            "{c}: &{c} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
        prev = c;
    }
    let started = std::time::Instant::now();
    let (msg, _, _) = err_at(&s);
    assert!(msg.contains("limits"), "{msg}");
    // A generous bound that only a runaway expansion could exceed; not a performance test.
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let (msg, line, _) = err_at(&deep);
    assert!(msg.contains("recursion") || msg.contains("limits"), "{msg}");
    assert_eq!(line, 1);
}

#[test]
fn crlf_locations_are_right() {
    let (_, line, col) = err_at("a: 1\r\nb: 2\r\na: 3\r\n");
    assert_eq!((line, col), (3, 1));
}

#[test]
fn empty_file_is_null() {
    assert!(parse("").expect("valid").is_null());
    assert!(parse("# only a comment\n").expect("valid").is_null());
}

#[test]
fn multi_document_streams_load_for_lint() {
    let f = SourceFile::new("t.yaml", "a: 1\n---\n---\nb: 2\n");
    let docs = load_all(FileId(0), &f).expect("valid");
    assert_eq!(docs.len(), 2);
}
