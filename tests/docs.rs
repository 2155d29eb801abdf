//! Documentation that must not drift from the code: the generated rules reference, and every
//! example in it (a `fires` example makes its rule fire when linted, a `passes` one does not).

mod common;

use common::manifest_dir;
use flinkform::policy::{self, docs};
use flinkform::source::SourceMap;
use flinkform::spec::platform::Platform;

#[test]
fn rules_reference_is_current() {
    let path = manifest_dir().join("docs/rules.md");
    let generated = docs::rules_markdown();
    if std::env::var("FLINKFORM_UPDATE_DOCS").as_deref() == Ok("1") {
        std::fs::write(&path, &generated).expect("write docs/rules.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is stale: run `FLINKFORM_UPDATE_DOCS=1 cargo test --test docs`"
    );
}

#[test]
fn rule_names_are_kebab_case_unique_and_sorted() {
    let names: Vec<&str> = policy::registry().iter().map(|r| r.meta().name).collect();
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        names, sorted,
        "the registry is sorted and has no duplicates"
    );
    for n in &names {
        assert!(
            n.split('-').all(|p| !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
            "{n}"
        );
        let m = policy::find(n).expect("found").meta();
        let doc = m.explain();
        assert!(!m.summary().is_empty(), "{n}: summary");
        for heading in ["## What it checks", "## Why", "## Fix"] {
            assert!(doc.contains(heading), "{n}: missing `{heading}`");
        }
    }
}

#[test]
fn every_documented_example_behaves_as_documented() {
    let examples = docs::examples();
    assert!(
        examples.len() >= 8,
        "rules document examples: {}",
        examples.len()
    );
    let tmp = tempfile::tempdir().expect("tempdir");
    let platform = Platform::builtin();
    for (i, ex) in examples.iter().enumerate() {
        let path = tmp.path().join(format!("example-{i}.yaml"));
        std::fs::write(&path, &ex.yaml).expect("write example");
        let mut sources = SourceMap::new();
        let report = flinkform::lint::lint(
            &[(format!("{}-example.yaml", ex.rule), path)],
            &platform,
            &Default::default(),
            &mut sources,
        )
        .expect("lint runs");
        let hits: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|d| d.rule == ex.rule)
            .map(|d| d.message.as_str())
            .collect();
        if ex.fires {
            assert!(
                !hits.is_empty(),
                "{}: a `fires` example did not fire:\n{}",
                ex.rule,
                ex.yaml
            );
        } else {
            assert!(
                hits.is_empty(),
                "{}: a `passes` example fired: {hits:?}\n{}",
                ex.rule,
                ex.yaml
            );
        }
    }
    // Every rule with a check has at least one example of each kind.
    for r in policy::registry() {
        let name = r.meta().name;
        if [
            "yaml-syntax",
            "schema",
            "waiver-expired",
            "waiver-unused",
            "policy-config",
            "render-drift",
            "render-blocked",
            "unsafe-path",
            "spec-not-discovered",
        ]
        .contains(&name)
        {
            continue; // about the repository, not a manifest: covered by tests/check_fixtures.rs
        }
        assert!(
            examples.iter().any(|e| e.rule == name && e.fires),
            "{name}: no `fires` example"
        );
        assert!(
            examples.iter().any(|e| e.rule == name && !e.fires),
            "{name}: no `passes` example"
        );
    }
}
