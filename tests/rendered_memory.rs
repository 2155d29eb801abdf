//! What flinkform renders never fails flinkform's own rules (issue 20, item 1): for every memory
//! size a spec may hold (`^[1-9][0-9]*(Mi|Gi|Ti)$`), for the JobManager and the TaskManager,
//! written in the service spec or as a platform default, for operator 1.15 (`resource`) and
//! later operators (`resources`), the rendered manifests linted as hand-written ones (`lint`)
//! and the spec checked (`check`) are clean of the rules that judge what flinkform writes.
//!
//! Which rules judge rendering, and why these:
//! * `memory-matches-limit`: how the memory is spelled (the operator and Kubernetes must read
//!   the same bytes) and that the process size is the pod's limit: flinkform writes both;
//! * `crd-schema`: the shape and types of every field flinkform writes;
//! * `admission`: what the operator's validator would reject (its "resource memory parse
//!   error"), which only the spelling can cause for a valid size;
//! * `resources-defined`: flinkform writes cpu and memory for both JVMs whenever the spec has
//!   them;
//! * `numbers-in-range`: the numbers flinkform writes fit their readers.
//!
//! `memory-model-valid` is not among them: it judges the size itself (Flink cannot start a
//! JobManager in 64 MiB, however it is written). For it the property is that `lint` of the
//! rendered manifest and `check` of the spec agree, so the rendered text means what the spec
//! said.

use crate::common;

use flinkform::compile::{self, Options};
use flinkform::diag::Diagnostic;
use flinkform::source::SourceMap;
use proptest::prelude::*;
use std::path::Path;

const RENDER_RULES: [&str; 5] = [
    "memory-matches-limit",
    "crd-schema",
    "admission",
    "resources-defined",
    "numbers-in-range",
];

/// A platform whose own defaults render clean (tested below), with `{operator}`, `{jm}` and
/// `{tm}` to fill in.
const PLATFORM: &str = r#"apiVersion: flinkform/v1
kind: Platform
spec:
  operator: { version: "{operator}" }
{crds}  images:
    allowedRegistries: [registry.example.com/flink]
  storage:
    checkpoints: s3://flink-{env}/{service}/checkpoints
    savepoints: s3://flink-{env}/{service}/savepoints
    highAvailability: s3://flink-{env}/{service}/ha
  defaults:
    flinkVersion: "1.20"
    image: registry.example.com/flink/orders:1.4.2
    jobManager: { cpu: 1, memory: {jm} }
    taskManager: { cpu: 1, memory: {tm}, slots: 1 }
    stateBackend: rocksdb
    highAvailability: true
    checkpointing: { interval: 60s }
    job: { upgradeMode: savepoint, parallelism: 1 }
  environments:
    prod: { clusters: [prod-1] }
"#;

const SERVICE: &str = r#"apiVersion: flinkform/v1
kind: FlinkService
metadata: { name: orders, team: checkout }
spec:
  job:
    jarURI: local:///opt/flink/usrlib/orders.jar
    entryClass: com.example.Orders
{roles}  environments:
    prod: {}
"#;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Spec,
    Default,
}

#[derive(Debug, Clone)]
struct Case {
    operator: &'static str,
    role: &'static str,
    place: Place,
    memory: String,
}

/// What `check` and `lint` said about one case.
struct Outcome {
    check: Vec<Diagnostic>,
    lint: Vec<Diagnostic>,
    rendered: String,
}

fn write_repo(dir: &Path, case: &Case) {
    let (jm, tm) = match (case.place, case.role) {
        (Place::Default, "jobManager") => (case.memory.as_str(), "2Gi"),
        (Place::Default, _) => ("2Gi", case.memory.as_str()),
        (Place::Spec, _) => ("2Gi", "2Gi"),
    };
    // Operators after 1.15 have the `resources` field: their CRDs come from the operator's
    // main branch (../shared/reference), copied into the repository as a platform would.
    let crds = if case.operator == "1.15" {
        ""
    } else {
        let from = common::shared_reference().join("flink-operator/crds");
        common::copy_dir(&from, &dir.join("crds"));
        "  crds: [crds]\n"
    };
    let platform = PLATFORM
        .replace("{crds}", crds)
        .replace("{operator}", case.operator)
        .replace("{jm}", jm)
        .replace("{tm}", tm);
    let roles = match case.place {
        Place::Spec => format!("  {}: {{ memory: {} }}\n", case.role, case.memory),
        Place::Default => String::new(),
    };
    std::fs::write(dir.join("flinkform.yaml"), platform).expect("write platform");
    let service_dir = dir.join("services/orders");
    std::fs::create_dir_all(&service_dir).expect("mkdir");
    std::fs::write(
        service_dir.join("service.yaml"),
        SERVICE.replace("{roles}", &roles),
    )
    .expect("write spec");
}

/// `check` on a repository with this case, and `lint` on everything `render` writes for it.
fn run(dir: &Path, case: &Case) -> Outcome {
    write_repo(dir, case);
    let kept = std::sync::Arc::new(compile::KeepFiles::default());
    let options = Options {
        files: Some(kept.clone()),
        ..Options::default()
    };
    let compilation = compile::compile(dir, &options).expect("check and render run");
    drop(options);
    let workspace = &compilation.workspace;
    let files: Vec<(String, Vec<u8>)> = std::sync::Arc::try_unwrap(kept)
        .expect("the run let go of the sink")
        .into_files()
        .into_iter()
        .filter(|f| !f.path.starts_with("flux/"))
        .map(|f| (f.path, f.contents.into_bytes()))
        .collect();
    let rendered = files
        .iter()
        .map(|(_, c)| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("---\n");
    let platform = workspace.platform.as_ref().expect("the platform loads");
    let mut sources = SourceMap::new();
    let options = flinkform::lint::Options {
        platform_root: Some(dir.to_path_buf()),
        ..Default::default()
    };
    let lint =
        flinkform::lint::lint_bytes(files, platform, &options, &mut sources).expect("lint runs");
    Outcome {
        check: compilation.report.diagnostics,
        lint: lint.diagnostics,
        rendered,
    }
}

fn of<'a>(diags: &'a [Diagnostic], rules: &[&str]) -> Vec<(&'a str, &'a str)> {
    diags
        .iter()
        .filter(|d| rules.contains(&d.rule.as_str()))
        .map(|d| (d.rule.as_str(), d.message.as_str()))
        .collect()
}

/// The property, for one case; returns what was said, for more checks.
fn assert_clean(case: &Case) -> Result<Outcome, TestCaseError> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run(tmp.path(), case);
    let field = if case.operator == "1.15" {
        "resource:"
    } else {
        "resources:"
    };
    prop_assert!(out.rendered.contains(field), "{case:?}: no `{field}`");
    let lint = of(&out.lint, &RENDER_RULES);
    prop_assert!(
        lint.is_empty(),
        "{case:?}: lint of the rendered manifests: {lint:?}"
    );
    let check = of(&out.check, &RENDER_RULES);
    prop_assert!(check.is_empty(), "{case:?}: check: {check:?}");
    let model = |d: &[Diagnostic]| of(d, &["memory-model-valid"]).len();
    prop_assert_eq!(
        model(&out.lint),
        model(&out.check),
        "{:?}: lint and check disagree on the memory model",
        case
    );
    Ok(out)
}

/// Memory sizes a spec may hold, with the round numbers people write weighted up.
fn memory() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u64..=100).prop_map(|n| format!("{}Mi", n * 1000)),
        (1u64..=2_000_000).prop_map(|n| format!("{n}Mi")),
        (1u64..=4096).prop_map(|n| format!("{n}Gi")),
        (1u64..=64).prop_map(|n| format!("{n}Ti")),
    ]
}

/// The operator versions to render for: 1.15, and a later one with the `resources` field,
/// whose CRDs come from `../shared/reference` (so the tests that use these need it).
fn operators() -> Vec<&'static str> {
    vec!["1.15", "1.16"]
}

fn case() -> impl Strategy<Value = Case> {
    // Later operators' cases cost more (their CRDs are compiled for `check` and for `lint`):
    // one case in four.
    let operators = operators();
    let operator =
        (0usize..4).prop_map(move |i| operators[if i == 3 { operators.len() - 1 } else { 0 }]);
    (
        operator,
        prop::sample::select(vec!["jobManager", "taskManager"]),
        prop::sample::select(vec![Place::Spec, Place::Default]),
        memory(),
    )
        .prop_map(|(operator, role, place, memory)| Case {
            operator,
            role,
            place,
            memory,
        })
}

proptest! {
    // Each case checks, renders and lints a repository: a few dozen cases cover the units,
    // roles, places and operators; the round sizes of the report are pinned below.
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    #[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
    fn what_flinkform_renders_passes_its_own_rules(case in case()) {
        let _ = assert_clean(&case)?;
    }
}

/// The sizes of the report, in every position, exactly (every role and place on operator 1.15,
/// one of each on later operators); and the platform's own defaults are clean of every rule, so
/// the property above is not vacuous.
#[test]
#[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
fn round_sizes_render_and_check_clean() {
    for operator in operators() {
        let baseline = Case {
            operator,
            role: "taskManager",
            place: Place::Default,
            memory: "2Gi".into(),
        };
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = run(tmp.path(), &baseline);
        let all: Vec<_> = out.check.iter().map(|d| (&d.rule, &d.message)).collect();
        assert!(
            all.is_empty(),
            "{operator}: the baseline is not clean: {all:?}"
        );
        let positions = [
            ("jobManager", Place::Spec),
            ("taskManager", Place::Spec),
            ("jobManager", Place::Default),
            ("taskManager", Place::Default),
        ];
        for (i, n) in [1000, 2000, 3000, 4000, 8000, 10000]
            .into_iter()
            .enumerate()
        {
            for (j, (role, place)) in positions.into_iter().enumerate() {
                if operator != "1.15" && j != i % positions.len() {
                    continue;
                }
                let case = Case {
                    operator,
                    role,
                    place,
                    memory: format!("{n}Mi"),
                };
                let out = assert_clean(&case).unwrap_or_else(|e| panic!("{e}"));
                let all: Vec<_> = out.check.iter().map(|d| (&d.rule, &d.message)).collect();
                assert!(all.is_empty(), "{case:?}: {all:?}");
                assert!(
                    out.rendered.contains(&format!("memory: {n}Mi\n")),
                    "{case:?}: {}",
                    out.rendered
                );
            }
        }
    }
}

/// The help of `memory-matches-limit` about a spelling (`read two ways`, `unreadable memory`):
/// what it says to write differs from what is written, and is itself accepted in that field.
mod help {
    use flinkform::diag::Diagnostic;
    use flinkform::source::SourceMap;
    use proptest::prelude::*;

    fn lint_memory(field: &str, memory: &str) -> Vec<Diagnostic> {
        let sizing = match field {
            "resource" => format!("resource: {{ cpu: 2, memory: \"{memory}\" }}"),
            _ => format!(
                "resources: {{ requests: {{ cpu: 2, memory: \"{memory}\" }}, limits: {{ cpu: 2, memory: \"{memory}\" }} }}"
            ),
        };
        let manifest = format!(
            "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\nmetadata: {{ name: orders, namespace: orders }}\nspec:\n  flinkVersion: v1_20\n  jobManager:\n    resource: {{ cpu: 1, memory: 2Gi }}\n  taskManager:\n    {sizing}\n"
        );
        let mut sources = SourceMap::new();
        flinkform::lint::lint_bytes(
            vec![("m.yaml".into(), manifest.into_bytes())],
            &flinkform::spec::platform::Platform::builtin(),
            &Default::default(),
            &mut sources,
        )
        .expect("lint runs")
        .diagnostics
        .into_iter()
        .filter(|d| {
            d.rule == "memory-matches-limit"
                && d.primary.as_ref().is_some_and(|p| {
                    ["read two ways", "unreadable memory"].contains(&p.message.as_str())
                })
        })
        .collect()
    }

    /// The first `` `…` `` after "write" in a help text.
    fn suggested(help: &str) -> Option<&str> {
        let rest = help.split_once("write `")?.1;
        Some(rest.split_once('`')?.0)
    }

    fn memoryish() -> impl Strategy<Value = String> {
        prop_oneof![
            "[1-9][0-9]{0,5}(Mi|Gi|Ti|Ki|m|k|M|G|T|g|gb|GB|mi|GiB|b)",
            (1u64..=100).prop_map(|n| format!("{}m", n * 1000)),
            (1u64..=100).prop_map(|n| format!("{n}G")),
            "[0-9]{1,4}\\.[0-9]{1,2}(Gi|G|g)",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn never_suggests_what_was_written(
            field in prop::sample::select(vec!["resource", "resources"]),
            memory in memoryish(),
        ) {
            for d in lint_memory(field, &memory) {
                let help = d.help.clone().unwrap_or_default();
                if let Some(s) = suggested(&help) {
                    prop_assert_ne!(s, memory.as_str(), "{}", help);
                    let again = lint_memory(field, s);
                    prop_assert!(again.is_empty(), "{} → {}: {:?}", memory, s, again.iter().map(|d| &d.message).collect::<Vec<_>>());
                }
            }
        }
    }

    /// The cases of the report, exactly.
    #[test]
    fn help_for_flink_mebibytes() {
        let d = lint_memory("resource", "8000m");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "`taskManager.resource.memory: 8000m` is 8000 MiB to the operator, but 8 bytes in Kubernetes notation"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("write `8000Mi`, which both read the same way")
        );
        let d = lint_memory("resource", "1000m");
        assert_eq!(
            d[0].message,
            "`taskManager.resource.memory: 1000m` is 1000 MiB to the operator, but 1 byte in Kubernetes notation"
        );
        let d = lint_memory("resource", "2G");
        assert_eq!(
            d[0].help.as_deref(),
            Some("write `2Gi` (or Flink's `2048m`), which both read the same way")
        );
        assert!(lint_memory("resource", "8000Mi").is_empty());
        assert!(lint_memory("resources", "8000Mi").is_empty());
    }
}
