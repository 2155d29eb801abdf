//! "Did you mean" does bounded work, whatever a file or a run asks for: counted, not timed.
//!
//! Every distance computation any suggester makes is counted ([`suggest::comparisons`]), and
//! every search the memo does not answer ([`suggest::searches`]). A file of 25,000 near-miss
//! unknown names must cost exactly what its first twenty cost (each file or object gets
//! [`SUGGESTIONS_PER_FILE`] searches), and the findings beyond say that suggestions stopped;
//! a run of 1,500 files shares [`suggest::SEARCHES_PER_RUN`] searches (at least one each); the
//! same name in many files is searched once. One test function, so no other test in this
//! binary counts at the same time. Searches are remembered across calls: each count starts
//! with the memo emptied.

use flinkform::schema::{self, Format};
use flinkform::source::{FileId, SourceFile, SourceMap};
use flinkform::spec::platform::Platform;
use flinkform::suggest::{self, SUGGESTIONS_PER_FILE};

const MANY: usize = 25_000;

/// The comparisons `f` makes, and what it returns (with nothing remembered from before).
fn counted<T>(f: impl FnOnce() -> T) -> (u64, T) {
    suggest::forget();
    let before = suggest::comparisons();
    let out = f();
    (suggest::comparisons() - before, out)
}

/// The `i`-th (of 45,360) distinct near miss of `parallelism`: its letters at 2, 5 and 8
/// replaced (edit distance at most 3, close enough for a suggestion); the one at 8 never by
/// its own `i`, so no near miss is the real name. Phases pass disjoint ranges of `i`.
fn near_miss(i: usize) -> String {
    const ANY: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    const NOT_I: &[u8] = b"abcdefghjklmnopqrstuvwxyz0123456789";
    let mut name = b"parallelism".to_vec();
    name[2] = ANY[i % 36];
    name[5] = ANY[(i / 36) % 36];
    name[8] = NOT_I[(i / (36 * 36)) % NOT_I.len()];
    String::from_utf8(name).expect("ascii")
}

fn service_with_unknown_job_fields(from: usize, n: usize) -> String {
    let mut s = String::from(
        "apiVersion: flinkform/v1\nkind: FlinkService\nmetadata: { name: a, team: t }\nspec:\n  job:\n    jarURI: local:///a.jar\n",
    );
    for i in from..from + n {
        s.push_str(&format!("    {}: 1\n", near_miss(i)));
    }
    s.push_str("  environments: { prod: {} }\n");
    s
}

fn deployment_with(
    from: usize,
    n: usize,
    section: &str,
    line: impl Fn(usize) -> String,
) -> Vec<u8> {
    let mut s = String::from(
        "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: { name: a, namespace: a }\nspec:\n  flinkVersion: v1_20\n  serviceAccount: a\n",
    );
    s.push_str(section);
    for i in from..from + n {
        s.push_str(&line(i));
    }
    s.into_bytes()
}

fn lint(bytes: Vec<u8>) -> flinkform::diag::Report {
    lint_files(vec![("m.yaml".to_string(), bytes)])
}

fn lint_files(files: Vec<(String, Vec<u8>)>) -> flinkform::diag::Report {
    let mut sources = SourceMap::new();
    flinkform::lint::lint_bytes(
        files,
        &Platform::builtin(),
        &Default::default(),
        &mut sources,
    )
    .expect("lint runs")
}

/// The `i`-th (of 45,360) distinct near miss of `taskmanager.numberOfTaskSlots`: three
/// letters of its last word replaced (a suggestion by that word), the `f` never by itself, so
/// no near miss is the real key.
fn slots_near_miss(i: usize) -> String {
    const ANY: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    const NOT_F: &[u8] = b"abcdeghijklmnopqrstuvwxyz0123456789";
    let mut name = b"taskmanager.numberOfTaskSlots".to_vec();
    name[13] = ANY[i % 36];
    name[16] = ANY[(i / 36) % 36];
    name[19] = NOT_F[(i / (36 * 36)) % NOT_F.len()];
    String::from_utf8(name).expect("ascii")
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
    let validate = |from: usize, n: usize| {
        let text = service_with_unknown_job_fields(from, n);
        let file = SourceFile::new("s.yaml", &text);
        let doc = flinkform::yaml::load(FileId(0), &file).expect("yaml");
        counted(|| schema::violations(Format::Service, &doc, FileId(0), &file.text))
    };
    let (few_cost, few) = validate(0, SUGGESTIONS_PER_FILE);
    let (many_cost, many) = validate(0, MANY);
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
    let conf = |from: usize, n: usize| {
        deployment_with(from, n, "  flinkConfiguration:\n", |i| {
            format!("    {}: \"1\"\n", slots_near_miss(i))
        })
    };
    let (few_cost, few) = counted(|| lint(conf(0, SUGGESTIONS_PER_FILE)));
    let (many_cost, many) = counted(|| lint(conf(0, MANY)));
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
    let fields = |from: usize, n: usize| {
        deployment_with(
            from,
            n,
            "  job:\n    jarURI: local:///a.jar\n    upgradeMode: stateless\n    parallelism: 1\n",
            |i| format!("    {}: 1\n", near_miss(i)),
        )
    };
    let (few_cost, _) = counted(|| lint(fields(0, SUGGESTIONS_PER_FILE)));
    let (many_cost, many) = counted(|| lint(fields(0, MANY)));
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

    // 5. A run of more than 1,000 files with distinct near misses in each (the attack, 1,500
    // files × 40 keys of 64 characters, took minutes of CPU) shares the run's searches: one
    // per file, and the rest say so.
    const FILES: usize = 1_100;
    const KEYS: usize = 4;
    let run = |first: usize, distinct: bool| {
        let files: Vec<(String, Vec<u8>)> = (0..FILES)
            .map(|f| {
                let from = if distinct { first + f * KEYS } else { first };
                let bytes = deployment_with(from, KEYS, "  flinkConfiguration:\n", |i| {
                    format!("    {}: \"1\"\n", slots_near_miss(i))
                });
                (format!("m{f:04}.yaml"), bytes)
            })
            .collect();
        let before = suggest::searches();
        let before_cost = suggest::comparisons();
        let report = lint_files(files);
        (
            suggest::searches() - before,
            suggest::comparisons() - before_cost,
            report,
        )
    };
    suggest::forget();
    assert_eq!(suggest::per_file(FILES), 1);
    let (searches, distinct_cost, report) = run(0, true);
    assert_eq!(searches, FILES as u64, "one search per file");
    let h = helps(&report, "unknown-config-key");
    assert_eq!(h.len(), FILES * KEYS, "every key is still reported");
    let suggested = h
        .iter()
        .filter(|h| h.starts_with("did you mean `taskmanager.numberOfTaskSlots`"))
        .count();
    assert_eq!(suggested, FILES);
    let stopped = h
        .iter()
        .filter(|h| h.contains("no suggestion: this file has more than 1 unknown name,"))
        .count();
    assert_eq!(stopped, FILES * (KEYS - 1));
    // The same names in every file: searched once, whatever the number of files. The cost of
    // a search is at most `distinct_cost / FILES` on average; one search here.
    // (Threads that reach the same name at once may each search it: at most one per thread.)
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let (searches, same_cost, again) = run(FILES * KEYS, false);
    assert!(
        (1..=threads).contains(&searches),
        "the memo answers the other files: {searches}"
    );
    assert!(
        same_cost * (FILES as u64) <= distinct_cost * threads * 2,
        "{same_cost} vs {distinct_cost}"
    );
    // Which findings get a suggestion never depends on the memo or the threads: a second run
    // (every search remembered) gives the same report.
    let (searches, _, twice) = run(FILES * KEYS, false);
    assert_eq!(searches, 0);
    let text = |r: &flinkform::diag::Report| {
        r.diagnostics
            .iter()
            .map(|d| format!("{} {} {:?}", d.rule, d.message, d.help))
            .collect::<Vec<_>>()
    };
    assert_eq!(text(&again), text(&twice));
}
