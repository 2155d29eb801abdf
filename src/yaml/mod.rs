//! The only module that touches the YAML crate (serde-saphyr, pinned exactly).
//!
//! Loading turns text into a [`Node`] tree whose every key and value carries its byte span.
//! The options are fixed here, once:
//! * booleans are only `true`/`false` (YAML 1.2), so `yes`, `on`, `y` stay strings;
//! * duplicate keys are errors;
//! * merge keys (`<<`) are errors: a spec should say what it means in one place;
//! * comments are not read (nothing keeps them);
//! * the parser's budgets (events, nodes, depth ≤ 64, alias expansion) bound time and memory
//!   on hostile input such as alias bombs or deeply nested brackets.
//!
//! A one-document file is read from the parser's events (`events`) when it uses nothing that
//! needs serde-saphyr's deserializer to read it the same way, and by that deserializer
//! otherwise.

mod block_writer;
mod emit;
mod events;
mod locate;
mod ordered;
mod raw;

pub use emit::{emit, emit_all};
pub use locate::{KeyPaths, key_path};
pub use ordered::{emit_ordered, scalar};

use crate::diag::Diagnostic;
use crate::source::{FileId, SourceFile, Span};
use crate::tree::Node;

/// How deep a document may nest: serde-saphyr's budget, and where [`events`] steps aside.
const MAX_DEPTH: usize = 64;

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        merge_keys: serde_saphyr::MergeKeyPolicy::Error,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
        with_snippet: false,
        emit_comments: false,
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_documents: 1000,
        },
    }
}

/// Loads a file that must hold exactly one document (a service spec, the platform config).
/// An empty file or one holding only comments loads as `null`.
///
/// Most documents are read straight from the parser's events ([`events`]); what that loader
/// declines goes through serde-saphyr's deserializer, which defines the result and words every
/// error.
pub fn load(id: FileId, file: &SourceFile) -> Result<Node, Diagnostic> {
    if let Some(node) = events::load(id, file) {
        return Ok(node);
    }
    load_with_serde(id, file)
}

/// [`load`] by serde-saphyr's deserializer alone.
fn load_with_serde(id: FileId, file: &SourceFile) -> Result<Node, Diagnostic> {
    serde_saphyr::from_str_with_options::<raw::Raw>(&file.text, options())
        .map(|raw| raw.into_node(id, file))
        .map_err(|e| error_diagnostic(&e, id, file))
}

/// Loads every document of a stream (hand-written manifests for `lint`). Empty documents are
/// skipped.
pub fn load_all(id: FileId, file: &SourceFile) -> Result<Vec<Node>, Diagnostic> {
    serde_saphyr::from_str_multiple_with_options::<raw::Raw, Vec<_>>(&file.text, options())
        .map(|docs| {
            docs.into_iter()
                .map(|raw| raw.into_node(id, file))
                .filter(|n| !n.is_null())
                .collect()
        })
        .map_err(|e| error_diagnostic(&e, id, file))
}

fn error_diagnostic(e: &serde_saphyr::Error, id: FileId, file: &SourceFile) -> Diagnostic {
    let e = e.without_snippet();
    let span = e.location().map_or(Span::new(id, 0, 0), |loc| {
        let start = loc
            .span()
            .byte_offset()
            .map(|b| b as usize)
            .unwrap_or_else(|| file.offset_of(loc.line() as usize, loc.column() as usize));
        let len = loc.span().byte_len().unwrap_or(0) as usize;
        // Point at one character at least, so the snippet has something to underline.
        let end = if len > 0 {
            start + len
        } else {
            file.text[start.min(file.text.len())..]
                .chars()
                .next()
                .map_or(start, |c| start + c.len_utf8())
        };
        Span::new(id, start, end)
    });
    let span = match e {
        // The parser reports the character after an offending tab; point at the tab.
        _ if e.to_string().contains("tab")
            && span.start > 0
            && file.text.as_bytes().get(span.start as usize - 1) == Some(&b'\t') =>
        {
            Span::new(id, span.start as usize - 1, span.start as usize)
        }
        // The parser reports the second document's first node; the `---` before it is the
        // text to remove.
        serde_saphyr::Error::MultipleDocuments { .. } => {
            separator_before(file, span.start as usize)
                .map_or(span, |start| Span::new(id, start, start + 3))
        }
        _ => span,
    };
    // A quote left open runs on into the following lines; the parser notices at a later
    // line's indentation. The quote that opened the string is what to fix.
    if e.to_string().contains("multiline quoted scalar")
        && let Some(quote) = opening_quote_before(file, span.start as usize)
    {
        return Diagnostic::error(
            crate::policy::RuleId::YamlSyntax,
            "unclosed quote: this string runs on into the following lines",
        )
        .at(Span::new(id, quote, quote + 1), "opened here")
        .with_secondary(span, "the parser noticed here")
        .with_help("close the quote on the same line, or remove it");
    }
    let (message, help) = describe(e);
    let mut d = Diagnostic::error(crate::policy::RuleId::YamlSyntax, message).at(span, "here");
    if let Some(h) = help {
        d = d.with_help(h);
    }
    d
}

/// Our wording for the parser's errors: the message without the location suffix (the snippet
/// shows it) and advice for the cases users meet.
fn describe(e: &serde_saphyr::Error) -> (String, Option<String>) {
    use serde_saphyr::Error as E;
    match e {
        E::DuplicateMappingKey { .. } => {
            let key = strip_location(&e.to_string())
                .trim_start_matches("duplicate mapping key: ")
                .split(", set DuplicateKeyPolicy")
                .next()
                .unwrap_or_default()
                .to_string();
            (
                format!("duplicate key `{key}`"),
                Some("a key may appear once per mapping; remove or merge the repeated one".into()),
            )
        }
        E::MergeKeyNotAllowed { .. } => (
            "merge keys (`<<`) are not allowed".into(),
            Some("write the values out, or use an anchor and alias for a whole value".into()),
        ),
        E::MultipleDocuments { .. } => (
            "this file holds more than one YAML document".into(),
            Some("a spec file holds exactly one document; remove the `---` separator or split the file".into()),
        ),
        E::Budget { .. } | E::AliasReplayLimitExceeded { .. } | E::AliasExpansionLimitExceeded { .. } | E::AliasReplayStackDepthExceeded { .. } => (
            format!("document exceeds the parser's limits ({})", strip_location(&e.to_string())),
            Some("nesting is limited to 64 levels and alias expansion is bounded; flatten the document or remove repeated aliases".into()),
        ),
        _ => {
            let msg = strip_location(&e.to_string());
            if msg.contains("budget breached") || msg.contains("alias") && msg.contains("limit") {
                return (
                    format!("document exceeds the parser's limits ({msg})"),
                    Some("nesting is limited to 64 levels and alias expansion is bounded; flatten the document or remove repeated aliases".into()),
                );
            }
            let help = if msg.contains("tab") {
                "YAML indentation must use spaces, not tabs"
            } else if msg.contains("recursion limit") {
                "nesting is limited to 64 levels"
            } else if msg.contains("quote") {
                "close the quoted string on the marked line, or remove the opening quote"
            } else if msg.contains("mapping values are not allowed") {
                "quote a value that contains `: `, or fix the indentation of the marked line"
            } else {
                "fix the YAML at the marked position: indentation with spaces, a space after `:`, matching quotes and brackets"
            };
            let help = Some(help.to_string());
            (msg, help)
        }
    }
}

/// Byte offset of the quote that opens the last quoted value before `offset`: a `"` or `'`
/// right after `: ` or `- ` on its line.
fn opening_quote_before(file: &SourceFile, offset: usize) -> Option<usize> {
    let head = file.text.get(..offset)?;
    let mut best = None;
    for (i, c) in head.char_indices() {
        if (c == '"' || c == '\'') && (head[..i].ends_with(": ") || head[..i].ends_with("- ")) {
            best = Some(i);
        }
    }
    best
}

/// Byte offset of the last `---` document separator at a line start before `offset`.
fn separator_before(file: &SourceFile, offset: usize) -> Option<usize> {
    let head = file.text.get(..offset)?;
    if head.starts_with("---") && !head[3..].contains("\n---") {
        return Some(0);
    }
    head.rfind("\n---").map(|i| i + 1)
}

fn strip_location(msg: &str) -> String {
    let msg = msg.lines().next().unwrap_or_default();
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

#[cfg(test)]
mod tests;
