//! Every command block in the documentation (README.md, docs/*.md) runs as written: a
//! ```` ```sh ````, ```` ```bash ```` or ```` ```console ```` block is run by bash in a sandbox
//! (a copy of the example platform, committed to git), with this build's `flinkform` first on
//! `PATH`, and must exit as documented; where a ```` ```console ```` block shows output
//! (`$ command` lines, each followed by what it prints, stdout and stderr as a terminal shows
//! them), that output must match. Blocks of one document run in order in one sandbox, so a
//! walkthrough builds on its earlier steps (a `cd` carries over).
//!
//! HTML comments right before a block say what the reader cannot see (one per line):
//!
//! | comment | meaning |
//! |---|---|
//! | `<!-- not-tested: REASON -->` | the block is not run (a cluster, a network, a build); the reason is required |
//! | `<!-- test-start: example \| empty -->` | a new sandbox from here: the example platform, or an empty folder |
//! | `<!-- test-setup: SHELL -->` | SHELL runs first, in the same shell (e.g. the typo a shown finding is about) |
//! | `<!-- test-exit: N -->` | the block (every command of a console block) exits N instead of 0 |
//! | `<!-- test-file: PATH -->` | (any other block) its text is written to PATH, as the reader would save it |
//!
//! Expected output may use `[..]` for any text within a line and a line `...` for any lines.
//! Nothing is skipped silently: an untagged block that starts with `$ ` must become
//! ```` ```console ````, and an unknown or malformed directive fails the test.
//!
//! Why not trycmd: its Markdown cases run one program with arguments, without a shell, so
//! `cd`, pipes, redirections and `$VARIABLES`, which the documented commands use, would not run
//! as the reader runs them.

#![cfg(unix)] // bash runs the documented commands

use crate::common;

use common::{copy_dir, example, git, manifest_dir};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fenced block of a document, with the directives right before it.
#[derive(Debug)]
struct Block {
    /// `FILE:LINE` of its opening fence.
    at: String,
    lang: String,
    text: String,
    directives: Vec<(String, String)>,
}

impl Block {
    fn directive(&self, key: &str) -> Option<&str> {
        self.directives
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn is_command_block(&self) -> bool {
        matches!(self.lang.as_str(), "sh" | "bash" | "shell" | "console")
    }
}

const DIRECTIVES: [&str; 5] = [
    "not-tested",
    "test-start",
    "test-setup",
    "test-exit",
    "test-file",
];

/// The fenced blocks of a Markdown document, in order.
fn blocks(file: &str, md: &str) -> Vec<Block> {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let mut open: Option<(usize, String, String)> = None;
    for (event, range) in Parser::new(md).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let lang = info.split_whitespace().next().unwrap_or("").to_string();
                open = Some((range.start, lang, String::new()));
            }
            Event::Text(t) => {
                if let Some((_, _, text)) = open.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                let Some((start, lang, text)) = open.take() else {
                    continue;
                };
                let line = md[..start].matches('\n').count() + 1;
                let at = format!("{file}:{line}");
                let directives = directives_before(&md[..start], &at);
                out.push(Block {
                    at,
                    lang,
                    text,
                    directives,
                });
            }
            _ => {}
        }
    }
    out
}

/// The `<!-- key: value -->` lines right before a block (blank lines between are allowed).
/// Any other HTML comment there, an unknown key or an empty value fails.
fn directives_before(before: &str, at: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for line in before.lines().rev() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some(inner) = line
            .strip_prefix("<!--")
            .and_then(|l| l.strip_suffix("-->"))
        else {
            break;
        };
        let (key, value) = inner
            .split_once(':')
            .map(|(k, v)| (k.trim(), v.trim()))
            .unwrap_or((inner.trim(), ""));
        assert!(
            DIRECTIVES.contains(&key),
            "{at}: unknown directive `{key}` before a block (known: {DIRECTIVES:?})"
        );
        assert!(!value.is_empty(), "{at}: `{key}` needs a value");
        found.push((key.to_string(), value.to_string()));
    }
    found.reverse();
    found
}

/// The documents whose commands are tested.
fn documents() -> Vec<PathBuf> {
    let mut docs = vec![manifest_dir().join("README.md")];
    let mut more: Vec<PathBuf> = fs::read_dir(manifest_dir().join("docs"))
        .expect("docs/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    more.sort();
    docs.extend(more);
    docs
}

/// Where a document's commands run.
struct Sandbox {
    _dir: tempfile::TempDir,
    home: PathBuf,
    bin: PathBuf,
    cwd: PathBuf,
    summary: PathBuf,
}

impl Sandbox {
    fn new(start: &str, at: &str) -> Sandbox {
        let dir = tempfile::tempdir().expect("tempdir");
        let work = dir.path().join("work");
        fs::create_dir(&work).expect("mkdir");
        match start {
            "example" => {
                copy_dir(&example(), &work);
                git(&work, &["init", "-q", "-b", "main"]);
                git(&work, &["add", "-A"]);
                git(&work, &["commit", "-q", "-m", "example"]);
            }
            "empty" => {}
            other => panic!("{at}: test-start is `example` or `empty`, not `{other}`"),
        }
        let home = dir.path().join("home");
        let bin = dir.path().join("bin");
        fs::create_dir(&home).expect("mkdir");
        fs::create_dir(&bin).expect("mkdir");
        // This build's flinkform, and nothing else of the build, comes first on PATH.
        #[cfg(unix)]
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_flinkform"), bin.join("flinkform"))
            .expect("link flinkform");
        let summary = dir.path().join("step-summary.md");
        Sandbox {
            cwd: work,
            home,
            bin,
            summary,
            _dir: dir,
        }
    }

    /// Runs `script` with bash (`-e -o pipefail`) in the sandbox's current folder, after
    /// `setup`: (exit code, stdout and stderr as one stream). The folder the script ends in is
    /// where the next one starts.
    fn run(&mut self, setup: &str, script: &str) -> (i32, String) {
        let state = self.home.join(".cwd");
        let full = format!(
            "trap 'pwd > \"$DOCS_STATE\"' EXIT\ncd \"$DOCS_CWD\"\n{setup}\nexec 2>&1\n{script}\n"
        );
        let path = std::env::var_os("PATH").unwrap_or_default();
        let path = std::env::join_paths(
            std::iter::once(self.bin.clone()).chain(std::env::split_paths(&path)),
        )
        .expect("PATH");
        let out = Command::new("bash")
            .args(["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", &full])
            .env("PATH", path)
            .env("HOME", &self.home)
            .env("DOCS_CWD", &self.cwd)
            .env("DOCS_STATE", &state)
            .env("DOCS_FIXTURES", manifest_dir().join("tests/fixtures/docs"))
            .env("GITHUB_STEP_SUMMARY", &self.summary)
            .env("COLUMNS", "100")
            .env("FLINKFORM_TODAY", "2026-11-21")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("GIT_DIR")
            .output()
            .expect("run bash");
        if let Ok(cwd) = fs::read_to_string(&state) {
            self.cwd = PathBuf::from(cwd.trim_end_matches('\n'));
        }
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        (out.status.code().unwrap_or(-1), text)
    }

    fn write(&self, rel: &str, text: &str, at: &str) {
        assert!(
            !rel.starts_with('/') && !rel.split('/').any(|c| c == ".."),
            "{at}: test-file must name a path inside the sandbox, not `{rel}`"
        );
        let path = self.cwd.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(path, text).expect("write test-file");
    }
}

/// The `$ ` commands of a console block, each with the output shown after it.
fn console_commands(block: &Block) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut continued = false;
    for line in block.text.lines() {
        if continued {
            let (cmd, _) = out.last_mut().expect("a command");
            cmd.push('\n');
            cmd.push_str(line);
            continued = line.ends_with('\\');
        } else if let Some(cmd) = line.strip_prefix("$ ") {
            out.push((cmd.to_string(), String::new()));
            continued = cmd.ends_with('\\');
        } else {
            let Some((_, shown)) = out.last_mut() else {
                panic!(
                    "{}: a console block starts with `$ COMMAND`, not {line:?}",
                    block.at
                );
            };
            shown.push_str(line);
            shown.push('\n');
        }
    }
    out
}

/// Whether `actual` is what the documentation shows (`expected`): line by line, trailing
/// spaces aside (editors strip them); `[..]` stands for any text within a line, and a line
/// `...` for any number of lines.
fn matches(expected: &str, actual: &str) -> bool {
    fn lines(s: &str) -> Vec<&str> {
        let mut v: Vec<&str> = s.lines().map(str::trim_end).collect();
        while v.last() == Some(&"") {
            v.pop();
        }
        v
    }
    fn line_matches(pattern: &str, line: &str) -> bool {
        let parts: Vec<&str> = pattern.split("[..]").collect();
        if parts.len() == 1 {
            return pattern == line;
        }
        let Some(mut rest) = line.strip_prefix(parts[0]) else {
            return false;
        };
        let last = parts.len() - 1;
        for (i, part) in parts.iter().enumerate().skip(1) {
            if i == last {
                return rest.ends_with(part);
            }
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
        true
    }
    fn go(e: &[&str], a: &[&str]) -> bool {
        match e.split_first() {
            None => a.is_empty(),
            Some((&"...", rest)) => (0..=a.len()).any(|skip| go(rest, &a[skip..])),
            Some((first, rest)) => {
                a.first().is_some_and(|l| line_matches(first, l)) && go(rest, &a[1..])
            }
        }
    }
    go(&lines(expected), &lines(actual))
}

/// Runs every command block of `doc`; returns how many ran and how many are marked not-tested.
fn run_document(doc: &Path) -> (usize, usize) {
    let name = doc
        .strip_prefix(manifest_dir())
        .expect("in the repository")
        .display()
        .to_string();
    let md = fs::read_to_string(doc).expect("read doc");
    let mut sandbox: Option<Sandbox> = None;
    let (mut ran, mut skipped) = (0, 0);
    for block in blocks(&name, &md) {
        if !block.is_command_block() {
            assert!(
                !block.text.trim_start().starts_with("$ "),
                "{}: a block of commands and their output is ```console, so that it is run",
                block.at
            );
            for key in ["not-tested", "test-exit", "test-setup"] {
                assert!(
                    block.directive(key).is_none(),
                    "{}: `{key}` on a ```{} block, which is not run",
                    block.at,
                    block.lang
                );
            }
        }
        if let Some(reason) = block.directive("not-tested") {
            assert!(
                block.directives.len() == 1,
                "{}: a not-tested block takes no other directive",
                block.at
            );
            assert!(reason.len() > 10, "{}: say why it is not tested", block.at);
            eprintln!("not tested: {} ({reason})", block.at);
            skipped += 1;
            continue;
        }
        if let Some(start) = block.directive("test-start") {
            sandbox = Some(Sandbox::new(start, &block.at));
        }
        let sb = sandbox.get_or_insert_with(|| Sandbox::new("example", &block.at));
        if let Some(path) = block.directive("test-file") {
            sb.write(path, &block.text, &block.at);
            continue;
        }
        if !block.is_command_block() {
            continue;
        }
        let setup = block.directive("test-setup").unwrap_or("");
        let exit: i32 = block.directive("test-exit").map_or(0, |e| {
            e.parse()
                .unwrap_or_else(|_| panic!("{}: test-exit takes a number", block.at))
        });
        ran += 1;
        eprintln!("run: {} ({})", block.at, block.lang);
        if block.lang == "console" {
            let commands = console_commands(&block);
            assert!(!commands.is_empty(), "{}: no `$ ` command", block.at);
            for (i, (command, shown)) in commands.iter().enumerate() {
                let (code, printed) = sb.run(if i == 0 { setup } else { "" }, command);
                assert_eq!(
                    code, exit,
                    "{}: `{command}` exited {code}, the documentation says {exit}:\n{printed}",
                    block.at
                );
                assert!(
                    shown.trim().is_empty() || matches(shown, &printed),
                    "{}: `{command}` prints\n{printed}\nbut the documentation shows\n{shown}",
                    block.at
                );
            }
        } else {
            let (code, printed) = sb.run(setup, &block.text);
            assert_eq!(
                code, exit,
                "{}: exited {code}, the documentation says {exit}:\n{}\n---\n{printed}",
                block.at, block.text
            );
        }
    }
    (ran, skipped)
}

#[test]
fn every_documented_command_runs_as_written() {
    let mut total = 0;
    for doc in documents() {
        let (ran, _) = run_document(&doc);
        total += ran;
    }
    // README, ci, editors, getting-started, migrating, writing-a-service.
    assert!(total >= 15, "only {total} command blocks ran");
}

/// The example workflow, the hook manifest and every document pin flinkform to a placeholder
/// (`vX.Y.Z`, `vX`), a full commit SHA, or a release whose checksums are committed: never to
/// a tag that does not exist (the docs once said `rev: v0.1.0` and `flinkform/flinkform@v1`).
#[test]
fn every_pinned_version_is_a_placeholder_a_sha_or_a_release() {
    let released: Vec<String> = fs::read_dir(manifest_dir().join("dist/checksums"))
        .expect("dist/checksums")
        .filter_map(|e| {
            let name = e.expect("entry").file_name().to_string_lossy().into_owned();
            name.strip_suffix(".sha256").map(str::to_string)
        })
        .collect();
    let ok = |r: &str| {
        r == "vX.Y.Z"
            || r == "vX"
            || (r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit()))
            || released.iter().any(|v| v == r)
            || released
                .iter()
                .any(|v| v.split('.').next() == Some(r) && r.starts_with('v'))
    };
    let mut files = documents();
    files.push(manifest_dir().join("docs/examples/github-workflow.yml"));
    files.push(manifest_dir().join(".pre-commit-hooks.yaml"));
    let mut pins = 0;
    for f in &files {
        let text = fs::read_to_string(f).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let mut refs: Vec<&str> = line
                .match_indices("flinkform/flinkform@")
                .map(|(at, m)| {
                    line[at + m.len()..]
                        .split(|c: char| c.is_whitespace() || "`'\")]".contains(c))
                        .next()
                        .unwrap_or("")
                })
                .collect();
            // `rev:` of a pre-commit repo entry that names flinkform's repository.
            if let Some(rev) = line.trim_start_matches(['#', ' ']).strip_prefix("rev: ")
                && lines[..i]
                    .iter()
                    .rev()
                    .take(2)
                    .any(|l| l.contains("github.com/flinkform/flinkform"))
            {
                refs.push(rev.split_whitespace().next().unwrap_or(""));
            }
            for r in refs {
                pins += 1;
                assert!(
                    ok(r),
                    "{}:{}: `{r}` is neither vX.Y.Z, vX, a commit SHA, nor a release with checksums in dist/checksums",
                    f.display(),
                    i + 1
                );
            }
        }
    }
    assert!(pins >= 3, "only {pins} pins found");
}

#[test]
fn expected_output_patterns() {
    assert!(matches("a\nb\n", "a\nb"));
    assert!(matches("a  \nb", "a\nb   \n\n"));
    assert!(!matches("a\nb", "a\nc"));
    assert!(!matches("a", "a\nb"));
    assert!(matches(
        "rendered [..] files into rendered/\n",
        "rendered 24 files into rendered/"
    ));
    assert!(matches("x[..]y[..]z", "x1y2z"));
    assert!(!matches("x[..]y[..]z", "x1z2y"));
    assert!(matches("head\n...\ntail", "head\n1\n2\ntail"));
    assert!(matches("head\n...\ntail", "head\ntail"));
    assert!(!matches("head\n...\ntail", "head\n1"));
}

#[test]
fn blocks_and_their_directives_are_read_from_the_markdown() {
    let md = "text\n\n<!-- test-exit: 1 -->\n<!-- test-setup: touch x -->\n\n```console\n$ flinkform check\nout\n$ a \\\n  b\n```\n\n<!-- a note -->\ntext\n```yaml\nk: v\n```\n";
    let found = blocks("doc.md", md);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].at, "doc.md:6");
    assert_eq!(found[0].lang, "console");
    assert_eq!(
        found[0].directives,
        [
            ("test-exit".to_string(), "1".to_string()),
            ("test-setup".to_string(), "touch x".to_string())
        ]
    );
    assert_eq!(
        console_commands(&found[0]),
        [
            ("flinkform check".to_string(), "out\n".to_string()),
            ("a \\\n  b".to_string(), String::new())
        ]
    );
    assert!(
        found[1].directives.is_empty(),
        "a comment before text is not a directive"
    );
    let typo =
        std::panic::catch_unwind(|| blocks("d.md", "<!-- not tested: x -->\n```sh\nls\n```\n"));
    assert!(typo.is_err(), "an unknown directive fails");
}
