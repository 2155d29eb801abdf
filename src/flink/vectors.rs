//! Reading the test-vector files beside the grammar modules (`duration_cases.txt`,
//! `memory_size_cases.txt`): one case a line, columns separated by ` | `, `#` comments, and
//! escapes for what a text file cannot show plainly (`\t`, `\n`, `\s` for a space, `\|`,
//! `\\`, `\u{a0}`).

/// The cases of a vector file: (line number, columns), each column unescaped.
pub fn cases(text: &str) -> Vec<(usize, Vec<String>)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(n, line)| {
            let columns = line.split(" | ").map(|c| unescape(c.trim())).collect();
            (n + 1, columns)
        })
        .collect()
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('s') => out.push(' '),
            Some('|') => out.push('|'),
            Some('\\') => out.push('\\'),
            Some('u') => {
                let hex: String = chars
                    .by_ref()
                    .skip_while(|c| *c == '{')
                    .take_while(|c| *c != '}')
                    .collect();
                let code = u32::from_str_radix(&hex, 16).expect("a hex escape");
                out.push(char::from_u32(code).expect("a char"));
            }
            other => panic!("bad escape {other:?} in {text:?}"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        let got = super::cases("# c\n\\s1\\t | \\u{a0}x\\\\\n\n");
        assert_eq!(
            got,
            vec![(2, vec![" 1\t".to_string(), "\u{a0}x\\".to_string()])]
        );
    }
}
