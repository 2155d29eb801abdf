//! What is a secret: the one decision every command and format uses.
//!
//! A value is a credential when its name says so (a configuration key, an environment
//! variable, a `-D` system property, a `name=value` pair inside a value or a property of a
//! log configuration named `*password*`, `*secret*`, `*token*`, `*account-key*`, …, whose
//! value is not a file path or a reference (`${…}`, `$(…)`); an argument after `--password`,
//! in the job's or a container's arguments or command), or when it looks like one whatever
//! its name ([`looks_like_secret`]: an AWS access key ID, a PEM private key, a GitHub or
//! Slack token, the password of a URL (`postgres://u:X@h`), an `Authorization:` header or a
//! `Bearer` token, a `password=X` pair in a JDBC URL or a JAAS configuration).
//!
//! Not detected, on purpose: a credential under a neutral name that looks like nothing in
//! particular (a base64 string in `MY_VALUE`): telling it from an id, a hash or a checksum
//! by its entropy flags too much that is not secret; and short flags such as `-p X` (Flink's
//! own `-p` is the parallelism).
//!
//! The `no-plaintext-secrets` rule reports the [`sites`] of an object; the terminal renderer
//! masks the [`shown_spans`] of every file it shows (`check`, `lint`, `import`, `render
//! --check`, whatever the rule's severity); `diff`, `render --check` and `import --dry-run` print rendered objects and
//! specs through [`redact`] and [`redact_yaml`]; [`crate::excerpt::quote`] withholds any value
//! a message quotes that [`looks_like_secret`]. Change the decision here and every output
//! follows.

use crate::source::{FileId, SourceFile, Span};
use crate::tree::{Node, Origin, Value};
use aho_corasick::AhoCorasick;
use std::sync::OnceLock;

/// What is shown instead of a secret.
pub const REDACTED: &str = "<redacted>";

/// Whether a configuration key, variable or property name names a credential: after
/// lower-casing and spelling `_` and `.` as `-`, it contains one of [`SECRET_WORDS`] and does
/// not end in one of [`POINTER_SUFFIXES`] (a path, a type, a switch). Called for every key of
/// every rendered object (it was a tenth of `check`), so it searches all the words in one
/// pass, in place.
pub fn names_secret(name: &str) -> bool {
    // Flink's own options that *reference* Secrets by name (`kubernetes.secrets: name:/path`,
    // `kubernetes.env.secretKeyRef: env:VAR,secret:name,key:k`).
    if matches!(name, "kubernetes.secrets" | "kubernetes.env.secretKeyRef") {
        return false;
    }
    static WORDS: OnceLock<AhoCorasick> = OnceLock::new();
    let words = WORDS.get_or_init(|| {
        // Each word as a name may spell it: `-`, `_` or `.` between its parts.
        let mut spellings: Vec<String> = SECRET_WORDS
            .iter()
            .flat_map(|w| ["-", "_", "."].map(|sep| w.replace('-', sep)))
            .collect();
        spellings.sort();
        spellings.dedup();
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(spellings)
            .expect("fixed words compile")
    });
    if !words.is_match(name) {
        return false;
    }
    let n = name.as_bytes();
    !POINTER_SUFFIXES.iter().any(|suffix| {
        n.len() >= suffix.len()
            && n[n.len() - suffix.len()..]
                .iter()
                .zip(suffix.bytes())
                .all(|(&b, s)| match b {
                    b'_' | b'.' => s == b'-',
                    b => b.to_ascii_lowercase() == s,
                })
    })
}

/// What a name that names a credential contains (spelled lower-case, with `-`).
const SECRET_WORDS: [&str; 13] = [
    "password",
    "passwd",
    "secret",
    "token",
    "access-key",
    "accesskey",
    "api-key",
    "apikey",
    "private-key",
    "account-key",
    "accountkey",
    "credentials",
    "credential",
];

/// How a name that points at a credential, rather than holding it, ends.
const POINTER_SUFFIXES: [&str; 11] = [
    "-file",
    "-path",
    "-location",
    "-dir",
    "-type",
    "-provider",
    "-class",
    "-factory",
    "-enabled",
    "-length",
    "-algorithm",
];

/// Whether a value is a reference rather than the secret itself: empty, a path, a `file:`
/// URI, a `${VAR}` placeholder or a Kubernetes `$(VAR)` variable reference.
pub fn is_reference(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    v.is_empty()
        || v.starts_with('/')
        || v.starts_with("file:")
        || (v.starts_with("${") && v.ends_with('}'))
        || (v.starts_with("$(") && v.ends_with(')'))
}

/// Whether a value looks like a credential whatever its name: an AWS access key ID, a PEM
/// private key, a GitHub or Slack token, a URL with a password (`scheme://user:X@host`), an
/// `Authorization:` header or a `Bearer` token, or a `name=value` pair whose name names a
/// credential (`password=X` in a JDBC URL or a JAAS configuration, `-Dx.password=X`).
/// Linear in the value.
pub fn looks_like_secret(value: &str) -> bool {
    if !may_hold_secret(value) {
        return false;
    }
    // One pass finds what each shape needs (an AWS key ID starts `AKIA` or `ASIA`, a GitHub
    // token `gh…` or `github_pat_…`, a Slack token `xox…`, a URL has `://`, a pair `=`, a
    // header `Authorization:` or `Bearer `); only the shapes whose marks are there are
    // searched. The pass ignores case, as the header words do: a mark found in another case
    // only costs its shape's own (case-sensitive) search.
    static MARKS: OnceLock<AhoCorasick> = OnceLock::new();
    let marks = MARKS.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(MARK_WORDS)
            .expect("fixed marks compile")
    });
    // Overlapping, so that no mark hides another (`Authorization://`).
    let mut seen = [false; MARK_WORDS.len()];
    for m in marks.find_overlapping_iter(value) {
        seen[m.pattern().as_usize()] = true;
    }
    let [akia, asia, gh, github, xox, pem, url, pair, header, bearer] = seen;
    let aws = (akia || asia) && aws_key_id(value);
    let token = (gh || github || xox) && has_token(value);
    (pem && value.contains(PEM))
        || aws
        || token
        || (url && url_password(value))
        || ((header || bearer) && authorization(value))
        || (pair && secret_assignment(value))
}

/// What [`looks_like_secret`] looks for first, in the order of its marks.
const MARK_WORDS: [&str; 10] = [
    "AKIA",
    "ASIA",
    "gh",
    "github_pat_",
    "xox",
    PEM,
    "://",
    "=",
    "authorization:",
    "bearer ",
];

/// The end of a PEM private key's header.
const PEM: &str = "PRIVATE KEY-----";

/// Whether a word of `value` is an AWS access key ID: `AKIA` or `ASIA` and 16 upper-case
/// letters or digits.
fn aws_key_id(value: &str) -> bool {
    value.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        w.len() == 20
            && (w.starts_with("AKIA") || w.starts_with("ASIA"))
            && w[4..]
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    })
}

/// Whether a word of `value` is a GitHub or Slack token ([`is_token`]).
fn has_token(value: &str) -> bool {
    value
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(is_token)
}

/// Whether `value` holds a byte that every credential [`looks_like_secret`] recognises
/// needs: `A` (an AWS key ID, a PEM `PRIVATE KEY`), `_` (a GitHub token), `x` (a Slack
/// token), `:` (a URL, an `Authorization:` header), a space (`Bearer X`) or `=` (a
/// `name=value` pair). One pass that rules out most of the strings of a rendered object
/// (names, paths, quantities) before the searches below, each of which is a pass of its own.
fn may_hold_secret(value: &str) -> bool {
    value
        .bytes()
        .any(|b| matches!(b, b'A' | b'_' | b'x' | b':' | b' ' | b'='))
}

/// A GitHub token (`ghp_…`, `gho_…`, `ghu_…`, `ghs_…`, `ghr_…`, `github_pat_…`) or a Slack
/// token (`xoxb-…`: its dashes split it into words, so its prefix is recognised alone).
fn is_token(word: &str) -> bool {
    let github = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]
        .iter()
        .any(|p| word.starts_with(p) && word.len() >= p.len() + 20);
    github || matches!(word, "xoxb" | "xoxp" | "xoxa" | "xoxr" | "xoxs")
}

/// Whether a URL in `value` carries a password: `scheme://user:password@host`.
fn url_password(value: &str) -> bool {
    value.match_indices("://").any(|(i, sep)| {
        let rest = &value[i + sep.len()..];
        let authority = &rest[..rest
            .find(['/', '?', '#', ' ', '"', '\''])
            .unwrap_or(rest.len())];
        authority.rsplit_once('@').is_some_and(|(userinfo, _)| {
            userinfo
                .split_once(':')
                .is_some_and(|(_, password)| !is_reference(password))
        })
    })
}

/// Whether `value` holds an HTTP `Authorization:` header with a value, or a `Bearer` token:
/// either word (in any case) followed by a word that is not a reference.
fn authorization(value: &str) -> bool {
    static HEADERS: OnceLock<AhoCorasick> = OnceLock::new();
    let headers = HEADERS.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["authorization:", "bearer "])
            .expect("fixed words compile")
    });
    // Every occurrence (neither word can overlap itself or the other). The words are ASCII: a
    // match ends on a character boundary of `value`.
    let mut ends = WordEnds::new(value, |c| c.is_whitespace() || c == '"' || c == '\'');
    headers.find_iter(value).any(|m| {
        let rest = value[m.end()..].trim_start();
        let start = value.len() - rest.len();
        let word = &value[start..ends.end(start)];
        !word.is_empty() && !is_reference(word)
    })
}

/// Where the word at a position ends (at the first delimiter, or the end of the text), asked
/// at positions that only grow. The delimiter found last is kept, so a text holding many
/// headers or pairs is searched once in all: a hostile value of a million `password=/` in a
/// row, searched to its end once per pair, would take minutes.
struct WordEnds<'a> {
    text: &'a str,
    delimiter: fn(char) -> bool,
    /// The last search: where it started, and the first delimiter at or after that.
    last: Option<(usize, usize)>,
}

impl<'a> WordEnds<'a> {
    fn new(text: &'a str, delimiter: fn(char) -> bool) -> Self {
        WordEnds {
            text,
            delimiter,
            last: None,
        }
    }

    /// The end of the word starting at `start` (a character boundary, at or after the last
    /// one asked).
    fn end(&mut self, start: usize) -> usize {
        match self.last {
            // No delimiter between the last start and the one found: none from `start` either.
            Some((from, found)) if from <= start && start <= found => found,
            _ => {
                let found = self.text[start..]
                    .find(self.delimiter)
                    .map_or(self.text.len(), |p| start + p);
                self.last = Some((start, found));
                found
            }
        }
    }
}

/// Whether `value` holds a `name=value` pair (in a JDBC URL, a JAAS configuration, a
/// command line) whose name names a credential and whose value is not a reference:
/// `password=X`, `user.password="X"`, `-Dssl.keystore.password=X`, `AccountKey=X`.
fn secret_assignment(value: &str) -> bool {
    let bytes = value.as_bytes();
    let name_char = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-');
    let mut ends = WordEnds::new(value, |c| {
        c.is_whitespace() || matches!(c, ';' | '&' | ',' | '"' | '\'')
    });
    value.match_indices('=').any(|(i, _)| {
        let start = bytes[..i]
            .iter()
            .rposition(|&b| !name_char(b))
            .map_or(0, |p| p + 1);
        let name = &value[start..i];
        if name.is_empty() || !names_secret(name) {
            return false;
        }
        let rest = value[i + 1..].trim_start_matches(['"', '\'']);
        let start = value.len() - rest.len();
        !is_reference(&value[start..ends.end(start)])
    })
}

/// Whether a log configuration (a `log4j2.properties` or `logback.xml` text) holds a
/// credential: a property named like one (`appender.kafka.password = X`) with a value that is
/// not a reference, or anything that [`looks_like_secret`].
fn log_configuration_holds_secret(text: &str) -> bool {
    looks_like_secret(text)
        || text.lines().any(|line| {
            let line = line.trim();
            if line.starts_with(['#', '!']) {
                return false;
            }
            let Some(at) = line.find(['=', ':']) else {
                return false;
            };
            let (name, value) = (line[..at].trim(), &line[at + 1..]);
            !name.contains(char::is_whitespace) && names_secret(name) && !is_reference(value)
        })
}

/// Whether a value of a named setting is a credential in plain text.
fn named_value_is_secret(name: &str, value: &str) -> bool {
    (names_secret(name) && !is_reference(value)) || looks_like_secret(value)
}

/// Whether JVM options (or any space-separated text) set a secret system property:
/// `-Djavax.net.ssl.keyStorePassword=…`.
fn sets_secret_property(value: &str) -> bool {
    // Most values hold no `-D` at all: one search rules them out before the split.
    memchr::memmem::find(value.as_bytes(), b"-D").is_some()
        && value.split_whitespace().any(|token| {
            token
                .strip_prefix("-D")
                .and_then(|d| d.split_once('='))
                .is_some_and(|(name, v)| names_secret(name) && !is_reference(v))
        })
}

/// Whether the `flinkConfiguration` entry `key: value` (flattened key, value as the operator
/// joins it) holds a credential in plain text.
pub fn config_value_is_secret(key: &str, value: &str) -> bool {
    let jaas = key.ends_with(".jaas.config") && value.to_ascii_lowercase().contains("password=");
    named_value_is_secret(key, value) || jaas || sets_secret_property(value)
}

/// Whether a container environment variable `name` with the literal `value` holds a
/// credential in plain text.
pub fn env_value_is_secret(name: &str, value: &str) -> bool {
    named_value_is_secret(name, value) || sets_secret_property(value)
}

/// Where a secret sits in an object, and what holds it.
#[derive(Debug, Clone)]
pub struct Site<'a> {
    pub node: &'a Node,
    pub kind: SiteKind<'a>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiteKind<'a> {
    /// A `flinkConfiguration` entry (its flattened key).
    Config(String),
    /// A container environment variable (its name).
    Env(&'a str),
    /// A job argument.
    Arg,
    /// An argument or the command of a pod template's container (its name).
    ContainerArg(&'a str),
    /// A file of `logConfiguration` (its name).
    LogConfiguration(&'a str),
    /// Any other value that [`looks_like_secret`].
    Lookalike,
}

impl<'a> Site<'a> {
    pub fn origin(&self) -> Origin {
        self.node.origin
    }
}

/// The pod templates of a FlinkDeployment.
pub const POD_TEMPLATES: [&[&str]; 3] = [
    &["podTemplate"],
    &["jobManager", "podTemplate"],
    &["taskManager", "podTemplate"],
];

/// The credentials in plain text in a FlinkDeployment or FlinkSessionJob (or in a rendered or
/// hand-written object of another kind): `spec.flinkConfiguration` entries, container `env`
/// values, arguments and commands in the pod templates, `spec.logConfiguration` files and
/// `spec.job.args`, in that order, then every other value anywhere in the object that
/// [`looks_like_secret`].
pub fn sites(object: &Node) -> Vec<Site<'_>> {
    let spec = object.get("spec");
    let mut out = spec.map(section_sites).unwrap_or_default();
    let mut others = Vec::new();
    // A string of `flinkConfiguration` (reached through mappings, not a list, whose items the
    // operator joins) has been judged as a configuration value already, by a test that holds
    // `looks_like_secret`: a lookalike there would be the same site again.
    let config = spec.and_then(|s| s.get("flinkConfiguration"));
    lookalikes_outside(object, config, &mut others);
    for node in others {
        if !out.iter().any(|s| std::ptr::eq(s.node, node)) {
            out.push(Site {
                node,
                kind: SiteKind::Lookalike,
            });
        }
    }
    out
}

/// [`sites`] of a mapping with a FlinkDeployment's `spec` sections: a FlinkDeployment's
/// `spec`, a service spec's `spec` or environment overlay, the platform's `defaults`.
fn section_sites(spec: &Node) -> Vec<Site<'_>> {
    let mut out = Vec::new();
    if let Some(conf) = spec.get("flinkConfiguration") {
        for entry in crate::flink_conf::flatten_config(conf) {
            let (key, value, node) = (entry.key, entry.value, entry.node);
            if config_value_is_secret(&key, &value) {
                out.push(Site {
                    node,
                    kind: SiteKind::Config(key),
                });
            }
        }
    }
    for path in POD_TEMPLATES {
        let Some(pod) = spec.path(path) else { continue };
        for list in ["containers", "initContainers", "ephemeralContainers"] {
            for c in pod
                .path(&["spec", list])
                .and_then(Node::as_seq)
                .unwrap_or_default()
            {
                let container = c.get("name").and_then(Node::as_str).unwrap_or_default();
                for var in c.get("env").and_then(Node::as_seq).unwrap_or_default() {
                    let name = var.get("name").and_then(Node::as_str).unwrap_or_default();
                    let Some(value) = var.get("value") else {
                        continue;
                    };
                    let text = value.scalar_text().unwrap_or_default();
                    if env_value_is_secret(name, &text) {
                        out.push(Site {
                            node: value,
                            kind: SiteKind::Env(name),
                        });
                    }
                }
                for field in ["command", "args"] {
                    let items = c.get(field).and_then(Node::as_seq).unwrap_or_default();
                    for node in argument_sites(items) {
                        out.push(Site {
                            node,
                            kind: SiteKind::ContainerArg(container),
                        });
                    }
                }
            }
        }
    }
    for e in spec
        .get("logConfiguration")
        .and_then(Node::as_map)
        .map(|m| m.iter())
        .into_iter()
        .flatten()
    {
        if e.value
            .scalar_text()
            .is_some_and(|text| log_configuration_holds_secret(&text))
        {
            out.push(Site {
                node: &e.value,
                kind: SiteKind::LogConfiguration(&e.key),
            });
        }
    }
    let args = spec.path(&["job", "args"]).and_then(Node::as_seq);
    for node in argument_sites(args.unwrap_or_default()) {
        out.push(Site {
            node,
            kind: SiteKind::Arg,
        });
    }
    out
}

/// The arguments of a command line (a job's `args`, a container's `command` or `args`) that
/// hold a credential: the value after a flag named like one (`--password X`), an inline one
/// (`--token=X`), a secret `-D` property, and anything that [`looks_like_secret`] (a
/// `password=` in a JAAS configuration or a JDBC URL, an `Authorization:` header).
fn argument_sites(args: &[Node]) -> Vec<&Node> {
    let mut out = Vec::new();
    let mut previous_names_secret = false;
    for a in args {
        let text = a.scalar_text().unwrap_or_default();
        let flag = text.trim_start_matches('-');
        let (name, inline) = match flag.split_once('=') {
            Some((n, val)) => (n, Some(val)),
            None => (flag, None),
        };
        let is_flag = text.starts_with('-');
        let secret_here = match inline {
            Some(val) => names_secret(name) && !is_reference(val),
            None => previous_names_secret && !is_flag && !is_reference(&text),
        };
        if secret_here || looks_like_secret(&text) || sets_secret_property(&text) {
            out.push(a);
        }
        previous_names_secret = is_flag && inline.is_none() && names_secret(name);
    }
    out
}

/// The secret values of a service spec's (or the platform defaults') `env` map
/// (`NAME: value`), which becomes container variables.
fn env_map_sites<'a>(section: &'a Node, out: &mut Vec<&'a Node>) {
    for e in section
        .get("env")
        .and_then(Node::as_map)
        .map(|m| m.iter())
        .into_iter()
        .flatten()
    {
        let secret = match e.value.scalar_text() {
            Some(v) => named_value_is_secret(&e.key, &v) || sets_secret_property(&v),
            // A list or mapping under a credential's name is no reference either.
            None => names_secret(&e.key) && !e.value.is_null(),
        };
        if secret {
            out.push(&e.value);
        }
    }
}

/// The sections of a source document that hold what becomes a FlinkDeployment's spec: a
/// service spec's `spec` and its environment overlays, the platform's `defaults` and each
/// environment's `defaults`, a manifest's `spec`.
fn document_sections(doc: &Node) -> Vec<&Node> {
    let mut out = Vec::new();
    let Some(spec) = doc.get("spec") else {
        return out;
    };
    match doc.get("kind").and_then(Node::as_str) {
        Some("FlinkService") => {
            out.push(spec);
            for e in spec
                .get("environments")
                .and_then(Node::as_map)
                .map(|m| m.iter())
                .into_iter()
                .flatten()
            {
                out.push(&e.value);
            }
        }
        Some("Platform") => {
            out.extend(spec.get("defaults"));
            for e in spec
                .get("environments")
                .and_then(Node::as_map)
                .map(|m| m.iter())
                .into_iter()
                .flatten()
            {
                out.extend(e.value.get("defaults"));
            }
        }
        _ => out.push(spec),
    }
    out
}

/// Every secret value in one document (a service spec, the platform config, a manifest, a
/// rendered object): the [`sites`] of each of its spec sections, `env` maps, and every string
/// anywhere that [`looks_like_secret`].
fn document_nodes(doc: &Node) -> Vec<&Node> {
    let mut nodes: Vec<&Node> = Vec::new();
    for section in document_sections(doc) {
        nodes.extend(section_sites(section).into_iter().map(|s| s.node));
        env_map_sites(section, &mut nodes);
    }
    lookalikes(doc, &mut nodes);
    nodes
}

/// The source spans of every secret value in one document (see [`document_nodes`]). For a
/// rendered object these are spans in the spec or platform config the values came from.
pub fn document_spans(doc: &Node) -> Vec<Span> {
    let mut out = Vec::new();
    for n in document_nodes(doc) {
        node_spans(n, &mut out);
    }
    out
}

/// The spans of a node and, for a list or mapping (whose own span may be just its opening
/// bracket), of every value in it.
fn node_spans(n: &Node, out: &mut Vec<Span>) {
    out.extend(n.origin.span());
    match &n.value {
        Value::Seq(items) => items.iter().for_each(|i| node_spans(i, out)),
        Value::Map(m) => m.iter().for_each(|e| node_spans(&e.value, out)),
        _ => {}
    }
}

/// The spans of every secret in the given source files (parsed again; a file that does not
/// parse is masked by lines, see [`redact_yaml`]). Used for the files a report shows.
pub fn file_spans(
    files: impl IntoIterator<Item = FileId>,
    sources: &crate::source::SourceMap,
) -> Vec<Span> {
    let mut out = Vec::new();
    for id in files {
        let file = sources.get(id);
        match crate::yaml::load_all(id, &file) {
            Ok(docs) => {
                for doc in &docs {
                    out.extend(document_spans(doc));
                }
            }
            Err(_) => out.extend(
                line_ranges(&file.text)
                    .into_iter()
                    .map(|(start, end)| Span::new(id, start, end)),
            ),
        }
    }
    out.sort_by_key(|s| (s.file.0, s.start, s.end));
    out.dedup();
    out
}

/// [`file_spans`] of every file a finding points into (primary or secondary): what a
/// renderer that shows source text must mask.
pub fn shown_spans(
    diagnostics: &[crate::diag::Diagnostic],
    sources: &crate::source::SourceMap,
) -> Vec<Span> {
    let shown: std::collections::BTreeSet<FileId> = diagnostics
        .iter()
        .flat_map(|d| d.primary.iter().chain(d.secondary.iter()))
        .map(|l| l.span.file)
        .collect();
    file_spans(shown, sources)
}

/// [`lookalikes`], except the strings that `judged` (a `flinkConfiguration`) holds through
/// mappings.
fn lookalikes_outside<'a>(n: &'a Node, judged: Option<&Node>, out: &mut Vec<&'a Node>) {
    if judged.is_some_and(|j| std::ptr::eq(j, n)) {
        return config_lookalikes(n, out);
    }
    match &n.value {
        Value::Str(s) if looks_like_secret(s) => out.push(n),
        Value::Seq(items) => items
            .iter()
            .for_each(|i| lookalikes_outside(i, judged, out)),
        Value::Map(m) => m
            .iter()
            .for_each(|e| lookalikes_outside(&e.value, judged, out)),
        _ => {}
    }
}

/// The lookalikes of a `flinkConfiguration` that its own test has not judged: those in lists.
fn config_lookalikes<'a>(n: &'a Node, out: &mut Vec<&'a Node>) {
    match &n.value {
        Value::Seq(_) => lookalikes(n, out),
        Value::Map(m) => m.iter().for_each(|e| config_lookalikes(&e.value, out)),
        _ => {}
    }
}

/// Every string in `n` that [`looks_like_secret`], wherever it is.
fn lookalikes<'a>(n: &'a Node, out: &mut Vec<&'a Node>) {
    match &n.value {
        Value::Str(s) if looks_like_secret(s) => out.push(n),
        Value::Seq(items) => items.iter().for_each(|i| lookalikes(i, out)),
        Value::Map(m) => m.iter().for_each(|e| lookalikes(&e.value, out)),
        _ => {}
    }
}

/// Replaces every secret value in a document (see [`document_nodes`]) with [`REDACTED`],
/// keeping origins and structure.
pub fn redact(doc: &mut Node) {
    // Found by a read-only walk, replaced by a mutable one over the same, unchanged tree:
    // node addresses identify them in between (compared, never dereferenced).
    let targets: Vec<*const Node> = document_nodes(doc)
        .into_iter()
        .map(|n| n as *const Node)
        .collect();
    if !targets.is_empty() {
        replace(doc, &targets);
    }
}

/// Replaces the nodes at the given addresses (found by a read-only walk of the same tree).
fn replace(n: &mut Node, targets: &[*const Node]) {
    if targets.contains(&(n as *const Node)) {
        n.value = Value::Str(REDACTED.to_string());
        return;
    }
    match &mut n.value {
        Value::Seq(items) => items.iter_mut().for_each(|i| replace(i, targets)),
        Value::Map(m) => {
            for key in m.keys().map(str::to_string).collect::<Vec<_>>() {
                if let Some(v) = m.get_mut(&key) {
                    replace(v, targets);
                }
            }
        }
        _ => {}
    }
}

/// YAML text (one or more documents: rendered files, printed specs) with every secret value
/// replaced by [`REDACTED`]. Text that does not parse is masked line by line: any line that
/// looks like a credential, or sets a key that names one, and every line of a PEM block.
pub fn redact_yaml(text: &str) -> String {
    let file = SourceFile::new("redact", text);
    let Ok(docs) = crate::yaml::load_all(FileId(0), &file) else {
        return splice(text, line_ranges(text));
    };
    let ranges = docs
        .iter()
        .flat_map(document_spans)
        .map(|s| (s.start as usize, s.end as usize))
        .collect();
    splice(text, ranges)
}

/// `text` with the byte ranges replaced by [`REDACTED`] (overlapping ranges merged).
fn splice(text: &str, mut ranges: Vec<(usize, usize)>) -> String {
    ranges.retain(|(s, e)| s < e && *e <= text.len());
    ranges.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in ranges {
        if end <= at {
            continue;
        }
        let start = start.max(at);
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(REDACTED);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// For text that does not parse: the byte ranges of lines to mask (the value after `key:`
/// where the key names a credential, whole lines that look like one or set a secret `-D`
/// property, every line of a PEM block).
fn line_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut in_pem = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let starts_pem = body.contains("-----BEGIN") && body.contains("PRIVATE KEY");
        let named = body.split_once(':').and_then(|(k, v)| {
            let k = k.trim().trim_start_matches("- ").trim_matches(['"', '\'']);
            let value = v.trim().trim_matches(['"', '\'']);
            named_value_is_secret(k, value).then(|| body.len() - v.len())
        });
        if in_pem || starts_pem || looks_like_secret(body) || sets_secret_property(body) {
            out.push((offset, offset + body.len()));
        } else if let Some(value_start) = named {
            out.push((offset + value_start, offset + body.len()));
        }
        if starts_pem {
            in_pem = true;
        }
        if body.contains("-----END") {
            in_pem = false;
        }
        offset += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The definition [`names_secret`] compares in place: spell the name out, then look.
    fn names_secret_spelled_out(name: &str) -> bool {
        if matches!(name, "kubernetes.secrets" | "kubernetes.env.secretKeyRef") {
            return false;
        }
        let n = name.to_ascii_lowercase().replace(['_', '.'], "-");
        !POINTER_SUFFIXES.iter().any(|p| n.ends_with(p))
            && SECRET_WORDS.iter().any(|w| n.contains(w))
    }

    /// [`looks_like_secret`] without its first passes: every shape searched on every value.
    fn looks_like_secret_ungated(value: &str) -> bool {
        value.contains(PEM)
            || aws_key_id(value)
            || has_token(value)
            || url_password(value)
            || authorization(value)
            || secret_assignment(value)
    }

    /// The definition [`authorization`] searches in one pass: try every position.
    fn authorization_at_every_position(value: &str) -> bool {
        let bytes = value.as_bytes();
        let after = |needle: &str| {
            let n = needle.len();
            (0..bytes.len().saturating_sub(n - 1)).any(|i| {
                if !bytes[i..i + n].eq_ignore_ascii_case(needle.as_bytes()) {
                    return false;
                }
                let rest = value[i + n..].trim_start();
                let word = rest
                    .split(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                    .next()
                    .unwrap_or_default();
                !word.is_empty() && !is_reference(word)
            })
        };
        after("authorization:") || after("bearer ")
    }

    /// A value of a million bytes made of headers or pairs is judged in one pass (searched to
    /// its end once per pair, this test would not finish). Each is judged as written: every
    /// word after a header or pair is a reference, except the last.
    #[test]
    fn a_hostile_value_of_many_pairs_is_judged_in_one_pass() {
        for unit in ["authorization:/", "bearer /", "password=/", "x.password='/"] {
            let many = unit.repeat((1 << 20) / unit.len());
            // Every word is the rest of the text up to its end: a path, a reference.
            assert!(!looks_like_secret(&many), "{unit}");
            assert!(
                looks_like_secret(&format!(
                    "{many} {}hunter2",
                    unit.trim_end_matches(['/', '\''])
                )),
                "{unit}"
            );
        }
    }

    proptest! {
        #[test]
        fn authorization_is_its_definition(
            value in "(Authorization:|AUTHORIZATION:|bearer |Bearer|BEARER  |authorization: bearer |\\$\\{X\\}|\\$\\(Y\\)|/p|x|é| |\"|'|:){0,8}"
        ) {
            prop_assert_eq!(authorization(&value), authorization_at_every_position(&value), "{}", value);
        }

        /// The first passes (bytes, then marks in any case) only skip shapes that cannot
        /// match: the alphabet is every shape's pieces, in both cases, with overlaps.
        #[test]
        fn looks_like_secret_is_every_shape_searched(
            value in "(AKIA|akia|ASIA|IOSFODNN7EXAMPLE|ghp_|GHP_|github_pat_|xoxb|XOXB|-----BEGIN |PRIVATE KEY-----|private key-----|Authorization:|AUTHORIZATION://|bearer |Bearer|s3://|u:pw@h|password=|PASSWORD=|pw|\\$\\{X\\}|0123456789|é| |:|=|_|/|-|\"){0,8}"
        ) {
            prop_assert_eq!(looks_like_secret(&value), looks_like_secret_ungated(&value), "{}", value);
        }

        #[test]
        fn names_secret_is_its_definition(
            name in "([a-zA-Z]{0,4}|PASS|pass|word|WORD|Secret|token|Key|key|api|API|access|ACCOUNT|cred|ential|s|File|PATH|type|é|_|\\.|-){0,8}"
        ) {
            prop_assert_eq!(names_secret(&name), names_secret_spelled_out(&name), "{}", name);
        }
    }

    use super::*;

    #[test]
    fn secret_names() {
        for n in [
            "s3.secret-key",
            "fs.s3a.secret.key",
            "s3.access-key",
            "KAFKA_PASSWORD",
            "security.ssl.keystore-password",
            "API_TOKEN",
        ] {
            assert!(names_secret(n), "{n}");
        }
        for n in [
            "security.ssl.keystore",
            "fs.s3a.aws.credentials.provider",
            "password.file",
            "state.backend.type",
            "KAFKA_USERNAME",
            "kubernetes.secrets",
            "kubernetes.env.secretKeyRef",
        ] {
            assert!(!names_secret(n), "{n}");
        }
    }

    #[test]
    fn secret_values() {
        assert!(looks_like_secret("AKIAIOSFODNN7EXAMPLE"));
        assert!(looks_like_secret("-----BEGIN RSA PRIVATE KEY-----\nabc"));
        assert!(!looks_like_secret("AKIA-not-a-key"));
        // Headers in any case, after non-ASCII text; none without a value or as a reference.
        assert!(looks_like_secret("é AUTHORIZATION: Basic dXNlcjpwYXNz"));
        assert!(looks_like_secret("curl -H 'authorization:token123'"));
        assert!(looks_like_secret("BeArEr abc.def"));
        assert!(!looks_like_secret("Authorization: ${TOKEN}"));
        assert!(!looks_like_secret("bearer "));
        assert!(!looks_like_secret("Bearer"));
        // Each kind needs one of the bytes the first pass looks for.
        assert!(looks_like_secret("xoxb-1234-abcd"));
        assert!(looks_like_secret("ghp_0123456789abcdefghij0123"));
        assert!(looks_like_secret("jdbc:postgresql://db/x?password=hunter2"));
        assert!(!looks_like_secret("flink-main-container"));
        assert!(!looks_like_secret("s3://bucket/path"));
        assert!(sets_secret_property(
            "-Xss1m -Djavax.net.ssl.keyStorePassword=hunter2"
        ));
        assert!(!sets_secret_property(
            "-Djavax.net.ssl.keyStorePassword=${KS_PASS}"
        ));
        assert!(!sets_secret_property("-Dsun.net.inetaddr.ttl=0"));
    }

    const DEPLOYMENT: &str = "\
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
spec:
  flinkConfiguration:
    s3.secret-key: MARKER-conf
    s3: { access-key: MARKER-nested }
    state.backend.type: rocksdb
    env.java.opts.taskmanager: -Djavax.net.ssl.trustStorePassword=MARKER-jvm
  podTemplate:
    spec:
      containers:
        - name: main
          env:
            - { name: DB_PASSWORD, value: MARKER-env }
            - { name: DB_HOST, value: db.internal }
  job:
    args: [--password, MARKER-arg, --token=MARKER-inline, --topic, payments]
  image: AKIAIOSFODNN7EXAMPLE
";

    #[test]
    fn redaction_masks_every_site_and_keeps_the_rest() {
        let file = SourceFile::new("d.yaml", DEPLOYMENT);
        let mut node = crate::yaml::load(FileId(0), &file).expect("yaml");
        redact(&mut node);
        let text = crate::yaml::emit(&node);
        assert!(!text.contains("MARKER"), "{text}");
        assert!(!text.contains("AKIA"), "{text}");
        for kept in ["rocksdb", "db.internal", "payments", "--password"] {
            assert!(text.contains(kept), "{kept}: {text}");
        }
        let masked = redact_yaml(DEPLOYMENT);
        assert!(!masked.contains("MARKER"), "{masked}");
        assert!(masked.contains("s3.secret-key: <redacted>"), "{masked}");
        assert!(masked.contains("db.internal"), "{masked}");
    }

    #[test]
    fn unparsable_text_is_masked_by_line() {
        let text = "a: [\ns3.secret-key: MARKER\nkey: |\n  -----BEGIN RSA PRIVATE KEY-----\n  MARKER2\n  -----END RSA PRIVATE KEY-----\nfine: yes\n";
        let masked = redact_yaml(text);
        assert!(!masked.contains("MARKER"), "{masked}");
        assert!(masked.contains("fine: yes"), "{masked}");
    }
}
