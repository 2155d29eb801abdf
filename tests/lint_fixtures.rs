//! Per-rule fixtures for `lint`: every YAML file under `tests/fixtures/lint/<rule>/` is linted
//! on its own (environment `prod`, or the one a `# lint-env: NAME` line names; operator 1.15,
//! or the release a `# lint-operator: MAJOR.MINOR` line names); the lines where
//! `<rule>` fires must be exactly the lines marked `# expect: <rule>`. A file without such
//! marks is a fixture where the rule must not fire. `compliant.yaml` must yield no finding from
//! any rule.

use crate::common;

use common::manifest_dir;
use flinkform::source::SourceMap;
use flinkform::spec::platform::Platform;
use std::collections::BTreeSet;
use std::path::Path;

fn lint(path: &Path) -> (flinkform::diag::Report, SourceMap) {
    let text = std::fs::read_to_string(path).expect("read fixture");
    let env = text
        .lines()
        .find_map(|l| l.strip_prefix("# lint-env: "))
        .unwrap_or("prod")
        .trim()
        .to_string();
    let mut platform = Platform::builtin();
    if let Some(v) = text
        .lines()
        .find_map(|l| l.strip_prefix("# lint-operator: "))
    {
        let (major, minor) = v
            .trim()
            .split_once('.')
            .expect("# lint-operator: MAJOR.MINOR");
        platform.operator.version = flinkform::tree::Sp::made((
            major.parse().expect("major"),
            minor.parse().expect("minor"),
        ));
    }
    let mut sources = SourceMap::new();
    let options = flinkform::lint::Options {
        env,
        crd_dirs: Vec::new(),
        platform_root: None,
    };
    let shown = path
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let report = flinkform::lint::lint(
        &[(shown, path.to_path_buf())],
        &platform,
        &options,
        &mut sources,
    )
    .expect("lint runs");
    (report, sources)
}

fn lines_of(report: &flinkform::diag::Report, sources: &SourceMap, rule: &str) -> BTreeSet<usize> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .filter_map(|d| d.primary.as_ref())
        .map(|p| {
            sources
                .get(p.span.file)
                .line_col(p.span.start as usize)
                .line
        })
        .collect()
}

#[test]
fn rule_fixtures() {
    let base = manifest_dir().join("tests/fixtures/lint");
    let mut cases = 0;
    for dir in std::fs::read_dir(&base)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
    {
        if !dir.is_dir() {
            continue;
        }
        let rule = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert!(
            flinkform::policy::find(&rule).is_some(),
            "fixture folder {rule} names no rule"
        );
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("dir")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read");
            let expected: BTreeSet<usize> = text
                .lines()
                .enumerate()
                .filter(|(_, l)| {
                    l.split_once("# expect: ")
                        .is_some_and(|(_, r)| r.split(',').any(|r| r.trim() == rule))
                })
                .map(|(i, _)| i + 1)
                .collect();
            let (report, sources) = lint(&file);
            let got = lines_of(&report, &sources, &rule);
            assert_eq!(
                got,
                expected,
                "{}: lines where `{rule}` fires",
                file.display()
            );
            cases += 1;
        }
    }
    assert!(cases >= 3, "found {cases} fixture files");
}

/// Every rule that checks manifests (a policy rule) has a fixture folder where it fires (and
/// `compliant.yaml`, where it does not); only such rules have fixture folders.
#[test]
fn every_manifest_rule_has_fixtures() {
    let base = manifest_dir().join("tests/fixtures/lint");
    let mut missing = Vec::new();
    for r in flinkform::policy::registry() {
        let m = r.meta();
        let dir = base.join(m.name);
        if m.category != flinkform::policy::Category::Policy {
            assert!(
                !dir.exists(),
                "{}: a fixture folder for a rule `lint` does not check objects for (tests/check_fixtures.rs covers it)",
                m.name
            );
            continue;
        }
        let texts: Vec<String> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .map(|e| e.expect("entry").path())
                    .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
                    .map(|p| std::fs::read_to_string(p).expect("read"))
                    .collect()
            })
            .unwrap_or_default();
        let marks = format!("# expect: {}", m.name);
        let fires = texts.iter().any(|t| t.contains(&marks));
        if !fires {
            missing.push(format!("{}: no fixture where it fires", m.name));
        }
    }
    assert!(
        missing.is_empty(),
        "tests/fixtures/lint/<rule>/ needs a `{}` file:\n{}",
        "# expect: <rule>",
        missing.join("\n")
    );
}

#[test]
fn a_compliant_deployment_yields_no_finding() {
    let (report, sources) = lint(&manifest_dir().join("tests/fixtures/lint/compliant.yaml"));
    let found: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| {
            let line = d.primary.as_ref().map_or(0, |p| {
                sources
                    .get(p.span.file)
                    .line_col(p.span.start as usize)
                    .line
            });
            format!("{}:{line} {}", d.rule, d.message)
        })
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}

/// The findings of each rule on its fixtures, rendered for people and as JSON: pins the exact
/// messages, help texts and positions (review changes with `cargo insta review`).
#[test]
fn rule_output_snapshots() {
    let base = manifest_dir().join("tests/fixtures/lint");
    let mut dirs: Vec<_> = std::fs::read_dir(&base)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let rule = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("dir")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        let mut human = String::new();
        let mut json = Vec::new();
        for file in files {
            let (mut report, sources) = lint(&file);
            report.diagnostics.retain(|d| d.rule == rule);
            human.push_str(&flinkform::diag::human::render(
                &report,
                &sources,
                flinkform::diag::human::HumanOptions {
                    color: false,
                    width: 100,
                },
            ));
            let doc: serde_json::Value =
                serde_json::from_str(&flinkform::diag::json::render(&report, &sources))
                    .expect("json");
            json.push(doc["diagnostics"].clone());
        }
        insta::assert_snapshot!(format!("{rule}-human"), human);
        insta::assert_json_snapshot!(format!("{rule}-json"), json);
    }
}
