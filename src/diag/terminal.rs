//! Text made safe for a terminal (and for a CI log, which renders ANSI sequences too).
//!
//! Source text, messages and file names may come from a hostile pull request. A control
//! character or escape sequence written to a terminal can clear the screen, move the cursor
//! over findings printed before it, retitle the window or hide text; Unicode bidirectional
//! controls reorder what is displayed ("Trojan Source"). Every piece of text the human
//! renderer shows goes through one of these functions; flinkform's own colours are added
//! afterwards by the renderer, so they survive.

/// Whether `c` must not reach a terminal as itself: C0 and C1 controls and DEL (everything
/// Unicode calls a control), and the bidirectional formatting characters.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// One line of text (a file name, a label): every unsafe character, newlines and tabs
/// included, is written as a visible escape (`\n`, `\u{1b}`).
pub fn inline(s: &str) -> String {
    escape(s, |_| false)
}

/// Running text (a message, a help): newlines and tabs stay, every other unsafe character is
/// written as a visible escape.
pub fn text(s: &str) -> String {
    escape(s, |c| c == '\n' || c == '\t')
}

fn escape(s: &str, keep: impl Fn(char) -> bool) -> String {
    if !s.chars().any(is_unsafe) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if keep(c) || !is_unsafe(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.extend(c.escape_unicode()),
        }
    }
    out
}

/// Source text for snippets: every unsafe character is replaced by visible characters of the
/// same length in bytes (`?` for one byte, `¿` for two, `�` for three), so byte spans into the
/// text stay valid. Line breaks (`\n`, and `\r` before `\n`) and tabs stay.
pub fn same_length(s: &str) -> String {
    if !s.chars().any(is_unsafe) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let keep = c == '\n' || c == '\t' || (c == '\r' && chars.peek() == Some(&'\n'));
        if keep || !is_unsafe(c) {
            out.push(c);
            continue;
        }
        out.push_str(match c.len_utf8() {
            1 => "?",
            2 => "¿",
            _ => "\u{FFFD}",
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_visible_and_lengths_kept() {
        assert_eq!(inline("a\nb\u{1b}[2Jc"), "a\\nb\\u{1b}[2Jc");
        assert_eq!(text("a\nb\u{7}\r"), "a\nb\\u{7}\\r");
        assert_eq!(text("x\u{202E}y"), "x\\u{202e}y");
        let src = "a: \u{1b}[2J\u{85}\u{202E}\r\nb\rc\n";
        let safe = same_length(src);
        assert_eq!(safe.len(), src.len());
        assert_eq!(safe, "a: ?[2J¿\u{FFFD}\r\nb?c\n");
        assert!(!safe.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\r'));
        assert_eq!(inline("plain"), "plain");
    }
}
