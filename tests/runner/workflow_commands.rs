//! Workflow commands as the GitHub runner reads them from a step's output
//! (`src/Runner.Common/ActionCommand.cs`, `TryParseV2`): a line whose text after leading
//! blanks starts with `::`; the command and its properties end at the next `::`; the command
//! name ends at the first space; properties are split on `,` and each on its first `=`
//! (empty parts dropped), and the properties string is trimmed; property values are unescaped
//! `%0D %0A %3A %2C %25` in that order, the data `%0D %0A %25`. Lines are split on `\n`,
//! `\r\n` and `\r`, as .NET's `ReadLine` does. After `::stop-commands::TOKEN` nothing is a
//! command until a line `::TOKEN::`.

use std::collections::BTreeMap;

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub name: String,
    pub properties: BTreeMap<String, String>,
    pub data: String,
}

/// An annotation (`error`, `warning` or `notice` command).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub kind: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub title: Option<String>,
    pub message: String,
}

/// The commands the runner registers.
const REGISTERED: &[&str] = &[
    "error",
    "warning",
    "notice",
    "debug",
    "group",
    "endgroup",
    "add-mask",
    "stop-commands",
    "echo",
    "add-matcher",
    "remove-matcher",
    "save-state",
    "set-output",
    "set-env",
    "add-path",
];

fn unescape(s: &str, mappings: &[(&str, &str)]) -> String {
    let mut out = s.to_string();
    for (escaped, token) in mappings {
        out = out.replace(escaped, token);
    }
    out
}

const PROPERTY: &[(&str, &str)] = &[
    ("%0D", "\r"),
    ("%0A", "\n"),
    ("%3A", ":"),
    ("%2C", ","),
    ("%25", "%"),
];
const DATA: &[(&str, &str)] = &[("%0D", "\r"), ("%0A", "\n"), ("%25", "%")];

/// `TryParseV2`.
pub fn parse(line: &str) -> Option<Command> {
    let message = line.trim_start();
    if !message.starts_with("::") {
        return None;
    }
    let end = message[2..].find("::")? + 2;
    let info = &message[2..end];
    let (name, props) = match info.find(' ') {
        Some(i) => (&info[..i], Some(&info[i + 1..])),
        None => (info, None),
    };
    if !REGISTERED.contains(&name) {
        return None;
    }
    let mut properties = BTreeMap::new();
    if let Some(props) = props {
        for p in props.trim().split(',').filter(|p| !p.is_empty()) {
            let mut pair = p.splitn(2, '=').filter(|x| !x.is_empty());
            if let (Some(k), Some(v)) = (pair.next(), pair.next()) {
                properties.insert(k.to_string(), unescape(v, PROPERTY));
            }
        }
    }
    Some(Command {
        name: name.to_string(),
        properties,
        data: unescape(&message[end + 2..], DATA),
    })
}

/// What the runner takes from a stream of output.
#[derive(Debug, Default)]
pub struct Log {
    pub commands: Vec<Command>,
    pub annotations: Vec<Annotation>,
    /// Lines with the old `##[command]` form outside `stop-commands` (it is also parsed).
    pub legacy: Vec<String>,
}

/// The lines of a stream as `ReadLine` splits them.
pub fn lines(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            b'\r' => {
                out.push(&text[start..i]);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

pub fn read_log(text: &str) -> Log {
    let mut log = Log::default();
    let mut stopped: Option<String> = None;
    for line in lines(text) {
        if let Some(token) = &stopped {
            if line.trim() == format!("::{token}::") {
                stopped = None;
            }
            continue;
        }
        let Some(c) = parse(line) else {
            if line.contains("##[") {
                log.legacy.push(line.to_string());
            }
            continue;
        };
        if c.name == "stop-commands" {
            stopped = Some(c.data.clone());
        }
        if matches!(c.name.as_str(), "error" | "warning" | "notice") {
            log.annotations.push(Annotation {
                kind: c.name.clone(),
                file: c.properties.get("file").cloned(),
                line: c.properties.get("line").and_then(|l| l.parse().ok()),
                title: c.properties.get("title").cloned(),
                message: c.data.clone(),
            });
        }
        log.commands.push(c);
    }
    log
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_the_runner() {
        let c =
            parse("  ::error file=a%2Cb%3A.yaml,line=3,title=x y::100%25%0Anext").expect("command");
        assert_eq!(c.name, "error");
        assert_eq!(c.properties["file"], "a,b:.yaml");
        assert_eq!(c.properties["title"], "x y");
        assert_eq!(c.data, "100%\nnext");
        assert!(parse("note: ::error::x").is_none());
        assert!(parse("::unknown::x").is_none());
        let log = read_log("::stop-commands::t1\n::error::hidden\n::t1::\n::warning::shown\n");
        assert_eq!(log.annotations.len(), 1);
        assert_eq!(log.annotations[0].message, "shown");
        assert_eq!(lines("a\r\nb\rc\n"), vec!["a", "b", "c"]);
    }
}
