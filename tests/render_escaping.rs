//! Every renderer escapes for its medium, for any message, file name and source text (they may
//! come from a hostile pull request): property tests that parse each output as its consumer
//! does.
//!
//! * workflow commands: the GitHub runner's parser (`tests/runner/workflow_commands.rs`):
//!   one command per finding, the file and the message read back exactly (with control and
//!   bidirectional characters written as visible escapes, as on the terminal), nothing else a
//!   command, no control character but line breaks in the log;
//! * Markdown: a CommonMark/GFM parser: every row has its four cells, the cell reads as the
//!   message, no HTML but line breaks, no link but the rule's documentation;
//! * JUnit: an XML parser: well-formed, the message attribute reads back (minus what XML 1.0
//!   cannot hold);
//! * the terminal: no control character or escape sequence but line breaks and tabs (colour
//!   off);
//! * JSON and SARIF: the message reads back exactly.

use crate::common;

use crate::runner::workflow_commands;

use flinkform::diag::{
    Diagnostic, Report, Severity, github, human, json, junit, markdown, sarif, terminal,
};
use flinkform::source::{SourceFile, SourceMap, Span};
use proptest::prelude::*;

/// Text with what breaks media: line breaks, escapes, Markdown and command syntax.
fn hostile() -> impl Strategy<Value = String> {
    let special = prop::sample::select(vec![
        "\n",
        "\r",
        "\r\n",
        "\t",
        "\u{1b}[2J",
        "\u{1b}]0;title\u{7}",
        "\u{7}",
        "\u{0}",
        "\u{85}",
        "\u{202e}",
        "\u{2028}",
        "\u{fffe}",
        "::",
        "::error::x",
        "##[error]",
        "%",
        "%0A",
        "%25",
        ",",
        ":",
        "|",
        "`",
        "```",
        "<",
        ">",
        "<script>",
        "&",
        "&amp;",
        "[a](http://x)",
        "https://evil.example/x",
        "HTTP://evil.example",
        "ftp://evil.example",
        "www.evil.example",
        "Www.evil.example/a?b=c",
        "a@b.example",
        "mailto:a@b.example",
        "![i](x)",
        "*",
        "_",
        "~~",
        "$x$",
        "#",
        "@team",
        "\\",
        "'",
        "\"",
        "é",
        "💥",
        " ",
        "-",
        "=",
    ]);
    prop::collection::vec(
        prop_oneof![special.prop_map(str::to_string), "[a-z0-9/.]{1,6}"],
        1..8,
    )
    .prop_map(|parts| parts.concat())
}

/// A report of one finding in a file named `file` holding `text`, with `message`.
fn report(file: &str, text: &str, message: &str) -> (Report, SourceMap) {
    let mut sources = SourceMap::new();
    let id = sources.add(SourceFile::new(file, text));
    let end = text.find('\n').unwrap_or(text.len()).min(12);
    let end = (0..=end)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let d = Diagnostic::new("schema", Severity::Error, message).at(Span::new(id, 0, end), message);
    (
        Report {
            diagnostics: vec![d],
            files: 1,
        },
        sources,
    )
}

/// What XML 1.0 can hold of `s`.
fn xml_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t'
            | '\n'
            | '\r'
            | '\u{20}'..='\u{D7FF}'
            | '\u{E000}'..='\u{FFFD}'
            | '\u{10000}'.. => c,
            _ => '\u{FFFD}',
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn workflow_commands_read_back_exactly(file in hostile(), message in hostile()) {
        let (r, sources) = report(&file, "a: 1\n", &message);
        // What the finding says: its text as every diagnostic's is bounded (a quoted part cut
        // at its first line; `flinkform::excerpt`), which each medium must read back exactly.
        let message = r.diagnostics[0].message.clone();
        let a = github::render(&r, &sources, github::Room::FULL, "flinkform check");
        let log = workflow_commands::read_log(&a.text);
        prop_assert_eq!(log.commands.len(), 1, "{}", a.text);
        prop_assert!(log.legacy.is_empty());
        let c = &log.commands[0];
        prop_assert_eq!(&c.name, "error");
        prop_assert_eq!(c.properties.get("file"), Some(&terminal::inline(&file)));
        prop_assert_eq!(c.properties.get("title").map(String::as_str), Some("flinkform schema"));
        let expected = format!("{}\n", terminal::text(&message));
        prop_assert!(c.data.starts_with(&expected), "{:?}", c.data);
        // What the runner shows (the data, the properties) holds no control or bidirectional
        // character but the line breaks and tabs of the message.
        let shown = c.properties.values().chain(std::iter::once(&c.data));
        for text in shown {
            prop_assert!(!text.chars().any(|ch| terminal::is_unsafe(ch) && ch != '\n' && ch != '\t'), "{:?}", text);
        }
        prop_assert!(!a.text.chars().any(|ch| terminal::is_unsafe(ch) && ch != '\n' && ch != '\t'), "{:?}", a.text);
        prop_assert_eq!(workflow_commands::lines(&a.text).len(), 1);
    }

    #[test]
    fn markdown_cells_hold_exactly_the_text(file in hostile(), message in hostile()) {
        let (r, sources) = report(&file, "a: 1\n", &message);
        // What the finding says: its text as every diagnostic's is bounded (a quoted part cut
        // at its first line; `flinkform::excerpt`), which each medium must read back exactly.
        let message = r.diagnostics[0].message.clone();
        let md = markdown::render(&r, &sources, markdown::Options::default());
        let m = common::consumers::check_markdown(&md);
        prop_assert_eq!(m.tables.len(), 1, "{}", md);
        let (head, rows) = &m.tables[0];
        prop_assert_eq!(head.len(), 4);
        prop_assert_eq!(rows.len(), 1);
        // The text as written, less control characters and the zero-width spaces that keep
        // mentions and autolinks from forming (check_markdown checks no link forms).
        let shown = |s: &str| -> String {
            s.chars()
                .filter(|c| !terminal::is_unsafe(*c) && *c != '\u{200B}')
                .collect::<String>()
        };
        let want_message = shown(&message);
        let want_at = format!("{}:1:1", shown(&file));
        prop_assert_eq!(shown(rows[0][3].trim()), want_message.trim(), "{}", md);
        prop_assert_eq!(shown(rows[0][2].trim()), want_at.trim(), "{}", md);
        prop_assert!(m.html.iter().all(|h| h == "<br>"), "{:?}", m.html);
        prop_assert_eq!(m.links.len(), 1);
    }

    #[test]
    fn junit_is_well_formed_and_reads_back(file in hostile(), message in hostile()) {
        let (r, sources) = report(&file, "a: 1\n", &message);
        // What the finding says: its text as every diagnostic's is bounded (a quoted part cut
        // at its first line; `flinkform::excerpt`), which each medium must read back exactly.
        let message = r.diagnostics[0].message.clone();
        let xml = junit::render(&r, &sources, "flinkform", Some(Severity::Warning));
        let doc = roxmltree::Document::parse(&xml).map_err(|e| TestCaseError::fail(format!("{e}: {xml}")))?;
        let failure = doc
            .descendants()
            .find(|n| n.has_tag_name("failure"))
            .ok_or_else(|| TestCaseError::fail("no failure"))?;
        let want_message = xml_text(&message);
        let want_file = xml_text(&file);
        prop_assert_eq!(failure.attribute("message"), Some(want_message.as_str()));
        let case = doc.descendants().find(|n| n.has_tag_name("testcase")).expect("testcase");
        prop_assert_eq!(case.attribute("classname"), Some(want_file.as_str()));
    }

    #[test]
    fn the_terminal_gets_no_control_character(file in hostile(), message in hostile(), text in hostile()) {
        let (r, sources) = report(&file, &format!("{text}\nb: 2\n"), &message);
        let out = human::render(&r, &sources, human::HumanOptions { color: false, width: 100 });
        // Line breaks and tabs are whitespace; every other control character is escaped.
        let bad: Vec<char> = out
            .chars()
            .filter(|c| terminal::is_unsafe(*c) && *c != '\n' && *c != '\t')
            .collect();
        prop_assert!(bad.is_empty(), "{:?} in {:?}", bad, out);
    }

    #[test]
    fn json_and_sarif_read_back_exactly(file in hostile(), message in hostile()) {
        let (r, sources) = report(&file, "a: 1\n", &message);
        // What the finding says: its text as every diagnostic's is bounded (a quoted part cut
        // at its first line; `flinkform::excerpt`), which each medium must read back exactly.
        let message = r.diagnostics[0].message.clone();
        let j: serde_json::Value = serde_json::from_str(&json::render(&r, &sources)).expect("json");
        prop_assert_eq!(j["diagnostics"][0]["message"].as_str(), Some(message.as_str()));
        prop_assert_eq!(j["diagnostics"][0]["file"].as_str(), Some(file.as_str()));
        let key_path = |_: Span| String::new();
        let opts = sarif::Options { version: "0", analysis: "check", platform: "", max_results: 10, key_path: &key_path };
        let s: serde_json::Value = serde_json::from_str(&sarif::render(&r, &sources, &[], &opts)).expect("sarif");
        prop_assert_eq!(s["runs"][0]["results"][0]["message"]["text"].as_str(), Some(message.as_str()));
    }
}

#[test]
fn a_file_name_cannot_inject_a_workflow_command() {
    let file = "services/x\n::error file=evil.yaml::injected\n,title=y:z/service.yaml";
    let (r, sources) = report(file, "a: 1\n", "fine");
    let a = github::render(&r, &sources, github::Room::FULL, "flinkform check");
    assert_eq!(
        a.text,
        "::error file=services/x\\n%3A%3Aerror file=evil.yaml%3A%3Ainjected\\n%2Ctitle=y%3Az/service.yaml,line=1,col=1,endColumn=5,title=flinkform schema::fine%0Ahttps://github.com/flinkform/flinkform/blob/main/docs/rules.md#schema\n"
    );
}

#[test]
fn terminal_escapes_in_a_spec_do_not_reach_the_terminal() {
    // A value that would clear the screen and a comment that would retitle the window.
    let text = "a: \"\u{1b}[2J\u{1b}[H\"\nb: 1 # \u{1b}]0;pwned\u{7}\n";
    let (r, sources) = report(
        "services/\u{1b}[31mred/service.yaml",
        text,
        "bad \u{1b}[8mhidden",
    );
    let out = human::render(
        &r,
        &sources,
        human::HumanOptions {
            color: false,
            width: 100,
        },
    );
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("bad \\u{1b}[8mhidden"), "{out}");
    assert!(
        out.contains("services/\\u{1b}[31mred/service.yaml"),
        "{out}"
    );
    assert!(out.contains("a: \"?[2J?[H\""), "{out}");
}

#[test]
fn diff_markdown_keeps_spec_text_inside_its_code_blocks() {
    let repo = common::isolated(&common::example());
    common::git(repo.path(), &["init", "-q"]);
    common::git(repo.path(), &["add", "-A"]);
    common::git(repo.path(), &["commit", "-q", "-m", "base"]);
    let spec = repo.path().join("services/fraud-detector/service.yaml");
    let text = std::fs::read_to_string(&spec).expect("spec");
    let text = text
        .replace(
            r#"args: ["--topic", "payments","#,
            r#"args: ["--topic", "payments`````\n```\n<img src=x>\n[click](http://evil)","#,
        )
        .replace(
            "    KAFKA_BOOTSTRAP: kafka.acme.internal:9093\n",
            "    KAFKA_BOOTSTRAP: kafka.acme.internal:9093\n  flinkConfiguration:\n    \"x\\n```\\n<img src=y>\\n[k](http://evil)\": \"1\"\n",
        );
    std::fs::write(&spec, text).expect("write");
    let out = common::flinkform()
        .current_dir(repo.path())
        .args(["diff", "--base", "HEAD", "--format", "markdown"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("  ``````diff\n"),
        "a fence longer than the spec's backticks: {md}"
    );
    let m = common::consumers::check_markdown(&md);
    assert!(m.links.is_empty(), "{:?}", m.links);
    assert!(!m.html.iter().any(|h| h.contains("<img")), "{:?}", m.html);
}

#[test]
fn render_check_and_notes_keep_escapes_from_the_repository_off_the_terminal() {
    let repo = common::isolated(&common::example());
    let stale = repo
        .path()
        .join("rendered/prod-eu-1/fraud-detector/manifests.yaml");
    let text = std::fs::read_to_string(&stale).expect("read");
    std::fs::write(&stale, format!("{text}# \u{1b}[2J\u{1b}]0;pwned\u{7}\n")).expect("write");
    std::fs::write(
        repo.path().join("rendered/prod-eu-1/\u{1b}[8mhidden.yaml"),
        "kind: Hand\n",
    )
    .expect("write");
    let out = common::flinkform()
        .current_dir(repo.path())
        .args(["render", "--check", "--color", "always"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
        "{stdout:?}"
    );
    assert!(
        stdout.contains("# \\u{1b}[2J\\u{1b}]0;pwned\\u{7}"),
        "{stdout}"
    );
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(
        stderr.contains("\\u{1b}[8mhidden.yaml was not generated by flinkform"),
        "{stderr}"
    );
}

#[test]
fn bare_urls_and_addresses_do_not_become_links_on_github() {
    // GitHub's parser (GFM autolinks, here comrak) makes links of these in plain text…
    for text in [
        "https://evil.example/x",
        "www.evil.example",
        "a@b.example",
        "HTTP://evil.example",
    ] {
        let raw = format!("| a |\n|---|\n| {text} |\n");
        assert_eq!(
            common::consumers::gfm_links(&raw).len(),
            1,
            "the consumer sees autolinks: {raw}"
        );
        // …and of none of them in a cell.
        let escaped = format!("| a |\n|---|\n| {} |\n", markdown::cell(text));
        assert_eq!(
            common::consumers::gfm_links(&escaped),
            Vec::<String>::new(),
            "{escaped}"
        );
    }
    // A key holding a URL, through the whole report.
    let (r, sources) = report(
        "services/x/service.yaml",
        "a: 1\n",
        "key `https://evil.example/x` is unknown",
    );
    let md = markdown::render(&r, &sources, markdown::Options::default());
    common::consumers::check_markdown(&md);
}

/// `diff` (human, Markdown) and `import --dry-run` print keys and values from specs: control
/// and bidirectional characters are escaped there as in `check` (they printed U+202E raw).
#[test]
fn diff_and_import_dry_run_escape_control_and_bidi_characters() {
    let repo = common::isolated(&common::example());
    common::git(repo.path(), &["init", "-q"]);
    common::git(repo.path(), &["add", "-A"]);
    common::git(repo.path(), &["commit", "-q", "-m", "base"]);
    let spec = repo.path().join("services/fraud-detector/service.yaml");
    let text = std::fs::read_to_string(&spec).expect("spec");
    let text = text.replace(
        "    KAFKA_BOOTSTRAP: kafka.acme.internal:9093\n",
        "    KAFKA_BOOTSTRAP: kafka.acme.internal:9093\n  flinkConfiguration:\n    \"pipeline.name\\u202E\\e[2J\": \"a\\u202Eb\\e]0;t\\a\"\n",
    );
    std::fs::write(&spec, text).expect("write");
    let unsafe_chars = |s: &str| {
        s.chars()
            .any(|c| terminal::is_unsafe(c) && c != '\n' && c != '\t')
    };
    for format in ["human", "markdown"] {
        let out = common::flinkform()
            .current_dir(repo.path())
            .args(["diff", "--base", "HEAD", "--format", format])
            .output()
            .expect("run");
        assert!(out.status.success(), "{format}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("pipeline.name\\u{202e}"),
            "{format}: {stdout}"
        );
        assert!(!unsafe_chars(&stdout), "{format}: {stdout:?}");
    }
    std::fs::write(
        repo.path().join("legacy.yaml"),
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: { name: legacy, namespace: legacy }\nspec:\n  flinkVersion: v1_20\n  image: flink:1.20.1-java17\n  flinkConfiguration:\n    \"pipeline.name\": \"a\\u202Eb\\e[2J\"\n  jobManager: { resource: { cpu: 1, memory: 2048m } }\n  taskManager: { resource: { cpu: 1, memory: 2048m } }\n  job: { jarURI: local:///opt/flink/usrlib/legacy.jar, parallelism: 2, upgradeMode: savepoint }\n",
    )
    .expect("write");
    let out = common::flinkform()
        .current_dir(repo.path())
        .args(["import", "legacy.yaml", "--team", "shop", "--dry-run"])
        .output()
        .expect("run");
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("kind: FlinkService"), "{all}");
    assert!(all.contains("\\u{202e}"), "{all}");
    assert!(!unsafe_chars(&all), "{all:?}");
}
