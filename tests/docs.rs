//! Documentation that must not drift from the code: the generated rules reference, and every
//! example in it (a `fires` example makes its rule fire when linted, a `passes` one does not).

use crate::common;

use common::manifest_dir;
use flinkform::policy::{self, docs};
use flinkform::source::{FileId, SourceFile, SourceMap};
use flinkform::spec::platform::Platform;
use flinkform::tree::Node;

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
        "docs/rules.md is stale: run `FLINKFORM_UPDATE_DOCS=1 cargo test --test main docs::`"
    );
}

/// Every rule id with its metadata: a change to a rule's name, default, category, scope or
/// whether it blocks `render` shows here for review (a name is a public interface: platform
/// configs and waivers spell it).
#[test]
fn rule_ids_and_metadata() {
    let rows: Vec<String> = policy::RuleId::ALL
        .iter()
        .map(|id| {
            let m = id.meta();
            format!(
                "{id:?}: {} | {} | {} | kinds {:?} | spec {} | blocks render {} | security {}",
                m.name,
                m.severity.as_str(),
                m.category.as_str(),
                m.kinds,
                m.fires_from_spec,
                m.blocks_render,
                m.security_severity.unwrap_or("-"),
            )
        })
        .collect();
    insta::assert_snapshot!(rows.join("\n"));
    // The ids are the registry, in its order, and name its rules.
    let names: Vec<&str> = policy::RuleId::ALL.iter().map(|id| id.name()).collect();
    let registry: Vec<&str> = policy::registry().iter().map(|r| r.meta().name).collect();
    assert_eq!(names, registry);
    for id in policy::RuleId::ALL {
        assert_eq!(policy::RuleId::from_name(id.name()), Some(*id));
        let m = id.meta();
        // Only policy rules look at objects, and each at some kind; only they can fire from a
        // service spec.
        assert_eq!(
            m.category == policy::Category::Policy,
            !m.kinds.is_empty(),
            "{id:?}: kinds"
        );
        assert!(
            m.category == policy::Category::Policy || !m.fires_from_spec,
            "{id:?}: fires from a spec"
        );
    }
    assert_eq!(policy::RuleId::from_name("no-such-rule"), None);
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

/// An example merged onto the clean document of its kind (each document of a manifest by its
/// `kind`), as YAML.
fn merged(ex: &docs::Example) -> String {
    let file = SourceFile::new("example.yaml", &ex.yaml);
    let docs_in = flinkform::yaml::load_all(FileId(0), &file).unwrap_or_else(|d| {
        panic!(
            "{}: the example is not YAML: {}\n{}",
            ex.rule, d.message, ex.yaml
        )
    });
    let clean_blue_green: &str = &docs::clean_blue_green();
    let base_of = |node: &Node| -> Option<&str> {
        match (ex.view, node.get("kind").and_then(Node::as_str)) {
            (docs::View::Spec, _) => Some(docs::CLEAN_SPEC),
            (docs::View::Manifest, Some("FlinkDeployment")) => Some(docs::CLEAN_DEPLOYMENT),
            (docs::View::Manifest, Some("FlinkSessionJob")) => Some(docs::CLEAN_SESSION_JOB),
            (docs::View::Manifest, Some("FlinkBlueGreenDeployment")) => Some(clean_blue_green),
            _ => None,
        }
    };
    let out: Vec<Node> = docs_in
        .iter()
        .map(|d| match base_of(d) {
            Some(base) => {
                let mut b = flinkform::yaml::load(FileId(1), &SourceFile::new("base.yaml", base))
                    .expect("the clean documents are YAML");
                flinkform::tree::merge(&mut b, d);
                b
            }
            None => d.clone(),
        })
        .collect();
    flinkform::yaml::emit_all(&out)
}

/// The platform config examples are checked with.
fn example_platform(tmp: &std::path::Path) -> Platform {
    let dir = tmp.join("platform");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("flinkform.yaml"), docs::EXAMPLE_PLATFORM).expect("write");
    flinkform::workspace::Workspace::load(&dir)
        .expect("loads")
        .platform
        .expect("the example platform is clean")
}

/// (rule, message) of every finding for an example.
fn findings(ex: &docs::Example, tmp: &std::path::Path, i: usize) -> Vec<(String, String)> {
    let text = merged(ex);
    let diagnostics = match ex.view {
        docs::View::Manifest => {
            let mut sources = SourceMap::new();
            flinkform::lint::lint_bytes(
                vec![(format!("{}-example.yaml", ex.rule), text.into_bytes())],
                &example_platform(tmp),
                &Default::default(),
                &mut sources,
            )
            .expect("lint runs")
            .diagnostics
        }
        docs::View::Spec => {
            let repo = tmp.join(format!("repo-{i}"));
            std::fs::create_dir_all(repo.join("services/orders")).expect("mkdir");
            std::fs::write(repo.join("flinkform.yaml"), docs::EXAMPLE_PLATFORM).expect("write");
            std::fs::write(repo.join("services/orders/service.yaml"), &text).expect("write");
            flinkform::compile::compile(&repo, &Default::default())
                .expect("check runs")
                .report
                .diagnostics
        }
    };
    diagnostics
        .into_iter()
        .map(|d| (d.rule, d.message))
        .collect()
}

#[test]
fn every_documented_example_behaves_as_documented() {
    let examples = docs::examples();
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut failures = Vec::new();
    for (i, ex) in examples.iter().enumerate() {
        let found = findings(ex, tmp.path(), i);
        let fired = |rule: &str| found.iter().any(|(r, _)| r == rule);
        let others: Vec<&(String, String)> = found
            .iter()
            .filter(|(r, _)| r != ex.rule && !ex.also.contains(r))
            .collect();
        let ok = if ex.fires {
            fired(ex.rule) && ex.also.iter().all(|a| fired(a)) && others.is_empty()
        } else {
            found.is_empty()
        };
        if !ok {
            failures.push(format!(
                "{} ({:?}, {}): {found:?}\n{}",
                ex.rule,
                ex.view,
                if ex.fires { "fires" } else { "passes" },
                ex.yaml
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} examples misbehave:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Every rule about a document has examples of each kind: as a service spec (unless no spec
    // can make it fire) and as a manifest.
    for r in policy::registry() {
        let meta = r.meta();
        let name = meta.name;
        // Rules about the repository rather than one document: covered by
        // tests/check_fixtures.rs.
        if meta.category != policy::Category::Policy {
            continue;
        }
        let has = |view: docs::View, fires: bool| {
            examples
                .iter()
                .any(|e| e.rule == name && e.view == view && e.fires == fires)
        };
        for fires in [true, false] {
            assert!(
                has(docs::View::Manifest, fires),
                "{name}: no manifest example (fires: {fires})"
            );
            assert_eq!(
                has(docs::View::Spec, fires),
                meta.fires_from_spec,
                "{name}: spec examples (fires: {fires}) and `spec: false` in its declaration disagree"
            );
        }
        if !meta.fires_from_spec {
            assert!(
                r.meta()
                    .explain()
                    .contains("A service spec cannot make this rule fire: "),
                "{name}: its documentation must say why no service spec makes it fire"
            );
        }
    }
}

/// What readers see: plain fences, never the internal tags; a caption on every example.
#[test]
fn readers_see_plain_fences() {
    for r in policy::registry() {
        let m = r.meta();
        let text = docs::explain_text(m);
        for line in text.lines() {
            assert!(
                !line.starts_with("```") || line == "```yaml" || line == "```",
                "{}: fence `{line}`",
                m.name
            );
        }
        // Every example has its caption (which file, which command) just above it.
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if *line == "```yaml" {
                let caption = i.checked_sub(2).map(|c| lines[c]).unwrap_or_default();
                assert!(
                    caption.starts_with("In ") && caption.ends_with(':'),
                    "{}: an example without a caption",
                    m.name
                );
            }
        }
    }
    let md = docs::rules_markdown();
    assert!(!md.contains(",fires") && !md.contains(",passes"));
}
