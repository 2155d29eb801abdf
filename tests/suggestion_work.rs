//! "Did you mean" does bounded work, whatever a file asks for: counted, not timed.
//!
//! Every distance computation any suggester makes is counted ([`suggest::comparisons`]). A
//! file of 25,000 near-miss unknown names must cost exactly what its first twenty cost (each
//! file or object gets [`SUGGESTIONS_PER_FILE`] searches), and the findings beyond say that
//! suggestions stopped. One test function, so no other test in this binary counts at the
//! same time.

use flinkform::schema::{self, Format};
use flinkform::source::{FileId, SourceFile, SourceMap};
use flinkform::spec::platform::Platform;
use flinkform::suggest::{self, SUGGESTIONS_PER_FILE};

const MANY: usize = 25_000;

/// The comparisons `f` makes, and what it returns.
fn counted<T>(f: impl FnOnce() -> T) -> (u64, T) {
    let before = suggest::comparisons();
    let out = f();
    (suggest::comparisons() - before, out)
}

/// The `i`-th (of 45,360) distinct near miss of `parallelism`: its letters at 2, 5 and 8
/// replaced (edit distance at most 3, close enough for a suggestion); the one at 8 never by
/// its own `i`, so no near miss is the real name.
fn near_miss(i: usize) -> String {
    const ANY: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    const NOT_I: &[u8] = b"abcdefghjklmnopqrstuvwxyz0123456789";
    let mut name = b"parallelism".to_vec();
    name[2] = ANY[i % 36];
    name[5] = ANY[(i / 36) % 36];
    name[8] = NOT_I[(i / (36 * 36)) % NOT_I.len()];
    String::from_utf8(name).expect("ascii")
}

fn service_with_unknown_job_fields(n: usize) -> String {
    let mut s = String::from(
        "apiVersion: flinkform/v1\nkind: FlinkService\nmetadata: { name: a, team: t }\nspec:\n  job:\n    jarURI: local:///a.jar\n",
    );
    for i in 0..n {
        s.push_str(&format!("    {}: 1\n", near_miss(i)));
    }
    s.push_str("  environments: { prod: {} }\n");
    s
}

fn deployment_with(n: usize, section: &str, line: impl Fn(usize) -> String) -> Vec<u8> {
    let mut s = String::from(
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: { name: a, namespace: a }\nspec:\n  flinkVersion: v1_20\n  serviceAccount: a\n",
    );
    s.push_str(section);
    for i in 0..n {
        s.push_str(&line(i));
    }
    s.into_bytes()
}

fn lint(bytes: Vec<u8>) -> flinkform::diag::Report {
    let mut sources = SourceMap::new();
    flinkform::lint::lint_bytes(
        vec![("m.yaml".to_string(), bytes)],
        &Platform::builtin(),
        &Default::default(),
        &mut sources,
    )
    .expect("lint runs")
}

fn helps(report: &flinkform::diag::Report, rule: &str) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| d.help.clone().unwrap_or_default())
        .collect()
}

#[test]
fn suggestion_work_is_bounded_per_file() {
    // 1. Unknown fields in a service spec (the schema's "did you mean").
    let validate = |n: usize| {
        let text = service_with_unknown_job_fields(n);
        let file = SourceFile::new("s.yaml", &text);
        let doc = flinkform::yaml::load(FileId(0), &file).expect("yaml");
        counted(|| schema::validate(Format::Service, &doc, FileId(0), &file.text))
    };
    let (few_cost, few) = validate(SUGGESTIONS_PER_FILE);
    let (many_cost, many) = validate(MANY);
    assert!(few_cost > 0, "the first unknown fields are searched");
    assert_eq!(many_cost, few_cost, "25,000 unknown fields cost what 20 do");
    assert_eq!(many.len(), MANY, "every unknown field is still reported");
    let with_suggestion = many
        .iter()
        .filter(|d| d.help.as_deref() == Some("did you mean `parallelism`?"))
        .count();
    assert_eq!(with_suggestion, SUGGESTIONS_PER_FILE);
    assert_eq!(few.len(), SUGGESTIONS_PER_FILE);
    let stopped = many
        .iter()
        .filter(|d| {
            d.help
                .as_deref()
                .is_some_and(|h| h.contains("no suggestion: this file has more than 20"))
        })
        .count();
    assert_eq!(stopped, MANY - SUGGESTIONS_PER_FILE);

    // 2. Unknown flinkConfiguration keys (the catalogue of ~3,000 Flink and operator keys).
    let conf = |n: usize| {
        deployment_with(n, "  flinkConfiguration:\n", |i| {
            format!("    {}: \"1\"\n", near_miss(i))
        })
    };
    let (few_cost, few) = counted(|| lint(conf(SUGGESTIONS_PER_FILE)));
    let (many_cost, many) = counted(|| lint(conf(MANY)));
    assert!(few_cost > 0);
    assert_eq!(many_cost, few_cost, "25,000 unknown keys cost what 20 do");
    assert_eq!(
        helps(&few, "unknown-config-key").len(),
        SUGGESTIONS_PER_FILE
    );
    let many_helps = helps(&many, "unknown-config-key");
    assert_eq!(many_helps.len(), MANY);
    assert_eq!(
        many_helps
            .iter()
            .filter(|h| h.contains("no suggestion: this file has more than 20"))
            .count(),
        MANY - SUGGESTIONS_PER_FILE
    );

    // 3. Unknown fields in a hand-written manifest (the CRD's "did you mean").
    let fields = |n: usize| {
        deployment_with(
            n,
            "  job:\n    jarURI: local:///a.jar\n    upgradeMode: stateless\n    parallelism: 1\n",
            |i| format!("    {}: 1\n", near_miss(i)),
        )
    };
    let (few_cost, _) = counted(|| lint(fields(SUGGESTIONS_PER_FILE)));
    let (many_cost, many) = counted(|| lint(fields(MANY)));
    assert!(few_cost > 0);
    assert_eq!(
        many_cost, few_cost,
        "25,000 unknown CRD fields cost what 20 do"
    );
    assert_eq!(
        many.diagnostics
            .iter()
            .filter(|d| d.rule == "crd-schema")
            .count(),
        MANY
    );

    // 4. Inputs no typo explains cost nothing at all.
    let long = "p".repeat(suggest::MAX_INPUT_CHARS + 1);
    let (cost, found) = counted(|| suggest::did_you_mean(&long, ["parallelism", "jarURI"]));
    assert_eq!((cost, found), (0, None));
}
