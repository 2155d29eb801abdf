//! What a message may quote of the text it is about: a short excerpt, never a secret.
//!
//! Messages name the value they are about (`` `8G` is ambiguous ``), and every byte of a
//! message reaches the terminal, the job summary, annotations, SARIF and JUnit. A value can be
//! anything a pull request puts in a spec: a private key pasted as one long scalar, ten
//! megabytes of one line. So every message quotes user text through [`quote`], which keeps
//! the first line, at most [`MAX_QUOTE_CHARS`] characters of it, and withholds text that looks
//! like a credential; and [`bound`] caps whole messages as a last line of defence for text
//! that reached a message some other way (an error from a library that quotes its input).
//!
//! Escaping for each medium (terminal control characters, Markdown, XML, workflow commands)
//! is the renderers' job; this module only decides how much may be shown at all.

use std::borrow::Cow;

/// The most characters of one quoted value a message shows.
pub const MAX_QUOTE_CHARS: usize = 100;

/// The most characters of a whole message, help text or label.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// Marks a cut: the quoted text went on.
pub const ELLIPSIS: char = '…';

/// The part of `text` a message may quote: the text itself when it is short and on one line;
/// otherwise its first line cut to [`MAX_QUOTE_CHARS`] characters and followed by `…`.
/// A value that looks like a credential (see [`crate::secrets::looks_like_secret`]) is never
/// shown: the result is [`crate::secrets::REDACTED`].
pub fn quote(text: &str) -> Cow<'_, str> {
    if crate::secrets::looks_like_secret(text) {
        return Cow::Borrowed(crate::secrets::REDACTED);
    }
    let line_end = text.find(['\n', '\r']).unwrap_or(text.len());
    let first = &text[..line_end];
    let cut = first
        .char_indices()
        .nth(MAX_QUOTE_CHARS)
        .map_or(first.len(), |(i, _)| i);
    if cut == text.len() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(cut + ELLIPSIS.len_utf8());
    out.push_str(&text[..cut]);
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

/// A whole message, help text or label as it may be shown: every `` `quoted` `` part passed
/// through [`quote`] (messages quote what they are about in backticks, so a site that forgot
/// to quote is still bounded, and a credential is still withheld), and the whole cut to
/// [`MAX_MESSAGE_CHARS`] characters (with `…`). Every diagnostic's text passes through here.
pub fn bound(text: String) -> String {
    let text = if text.contains('`') {
        requote(&text)
    } else {
        text
    };
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        None => text,
        Some((i, _)) => {
            let mut t = text;
            t.truncate(i);
            t.push(ELLIPSIS);
            t
        }
    }
}

/// `text` cut to `max` characters (with `…`): for text that is not a diagnostic's (an
/// operational error, a note), whose quoted parts are paths the user may need whole.
pub fn cap(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((i, _)) => Cow::Owned(format!("{}{ELLIPSIS}", &text[..i])),
    }
}

/// `text` with the part between each pair of backticks passed through [`quote`]. An
/// unpaired backtick leaves the rest as it is (the length cap still applies).
fn requote(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_MESSAGE_CHARS * 2));
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let after = &after[1..];
        match after.find('`') {
            Some(close) => {
                out.push('`');
                out.push_str(&quote(&after[..close]));
                out.push('`');
                rest = &after[close + 1..];
            }
            None => {
                out.push('`');
                rest = after;
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_quoted_whole() {
        assert_eq!(quote("8G"), "8G");
        assert_eq!(quote(""), "");
        assert!(matches!(quote("parallelism"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_or_multi_line_text_is_cut() {
        let long = "x".repeat(10_000);
        let q = quote(&long);
        assert_eq!(q.chars().count(), MAX_QUOTE_CHARS + 1);
        assert!(q.ends_with(ELLIPSIS));
        assert_eq!(quote("first\nsecond"), "first…");
        assert_eq!(quote("a\r\nb"), "a…");
        // Cuts on character boundaries.
        let wide = "é".repeat(MAX_QUOTE_CHARS * 2);
        assert_eq!(quote(&wide).chars().count(), MAX_QUOTE_CHARS + 1);
    }

    #[test]
    fn credentials_are_never_quoted() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA";
        assert_eq!(quote(pem), crate::secrets::REDACTED);
        assert_eq!(quote("AKIAIOSFODNN7EXAMPLE"), crate::secrets::REDACTED);
    }

    #[test]
    fn messages_are_bounded() {
        assert_eq!(bound("short".into()), "short");
        let b = bound("m".repeat(5_000));
        assert_eq!(b.chars().count(), MAX_MESSAGE_CHARS + 1);
    }

    #[test]
    fn quoted_parts_of_messages_are_excerpts() {
        let long = "k".repeat(500);
        let m = bound(format!("unknown key `{long}`: remove `it`"));
        assert_eq!(
            m,
            format!(
                "unknown key `{}…`: remove `it`",
                "k".repeat(MAX_QUOTE_CHARS)
            )
        );
        let m = bound("value `-----BEGIN EC PRIVATE KEY-----\nMHc` is wrong".to_string());
        assert_eq!(m, "value `<redacted>` is wrong");
        // An unpaired backtick: the rest is left alone, and still capped.
        assert_eq!(bound("a `b".to_string()), "a `b");
        assert_eq!(
            bound(format!("a `{}", "x".repeat(3000))).chars().count(),
            MAX_MESSAGE_CHARS + 1
        );
    }
}
