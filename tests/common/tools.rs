//! The optional tools (and data) some tests need: the real consumers of flinkform's output
//! and the public inputs in `../shared/reference`. One list, read twice:
//!
//! * by `build.rs`, when the tests are built: for each one missing it sets the cfg
//!   `missing_<name>`, and every test that needs it carries
//!   `#[cfg_attr(missing_<name>, ignore = "needs <tool>")]`, so `cargo test` lists it as
//!   `ignored, needs <tool>` and counts it among the ignored, instead of passing it;
//! * by the tests, when they run: [`require`] gives a test its tool or fails it (never
//!   returns early), and `tests/test_tools.rs` fails in CI (`CI` set, or
//!   `FLINKFORM_REQUIRE_SHARED=1` for the shared data) when anything is missing, and anywhere
//!   when something is here that was missing when the tests were built.
//!
//! Standard library only: `build.rs` includes this file.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// How an optional tool is found.
#[derive(Clone, Copy, Debug)]
pub enum Lookup {
    /// An executable of that name on `PATH`.
    OnPath(&'static str),
    /// The file an environment variable names.
    FileInEnv(&'static str),
    /// A folder, relative to the repository's folder.
    Folder(&'static str),
}

#[derive(Clone, Copy, Debug)]
pub struct Tool {
    /// How tests and messages name it.
    pub name: &'static str,
    /// The cfg `build.rs` sets when it is missing.
    pub cfg: &'static str,
    pub lookup: Lookup,
    /// What is required in CI: `CI` (the tools `.ci/run` installs) or
    /// `FLINKFORM_REQUIRE_SHARED` (the shared data, when `.ci/run` finds it).
    pub required_by: &'static str,
    /// How to get it.
    pub install: &'static str,
}

pub const PRE_COMMIT: Tool = Tool {
    name: "pre-commit",
    cfg: "missing_pre_commit",
    lookup: Lookup::OnPath("pre-commit"),
    required_by: "CI",
    install: "pip install pre-commit==4.7.0",
};
pub const CHECK_JSONSCHEMA: Tool = Tool {
    name: "check-jsonschema",
    cfg: "missing_check_jsonschema",
    lookup: Lookup::OnPath("check-jsonschema"),
    required_by: "CI",
    install: "pip install check-jsonschema==0.39.0",
};
pub const SARIF_MULTITOOL: Tool = Tool {
    name: "sarif-multitool",
    cfg: "missing_sarif_multitool",
    lookup: Lookup::FileInEnv("FLINKFORM_SARIF_MULTITOOL"),
    required_by: "CI",
    install: "npm install @microsoft/sarif-multitool@5.7.0, then set FLINKFORM_SARIF_MULTITOOL to node_modules/.bin/sarif-multitool",
};
pub const XMLLINT: Tool = Tool {
    name: "xmllint",
    cfg: "missing_xmllint",
    lookup: Lookup::OnPath("xmllint"),
    required_by: "CI",
    install: "apt-get install libxml2-utils",
};
pub const KUBECTL: Tool = Tool {
    name: "kubectl",
    cfg: "missing_kubectl",
    lookup: Lookup::OnPath("kubectl"),
    required_by: "CI",
    install: "https://kubernetes.io/docs/tasks/tools/ (kubectl kustomize is built in)",
};
pub const STRACE: Tool = Tool {
    name: "strace",
    cfg: "missing_strace",
    lookup: Lookup::OnPath("strace"),
    required_by: "CI",
    install: "apt-get install strace",
};
pub const SCRIPT: Tool = Tool {
    name: "script",
    cfg: "missing_script",
    lookup: Lookup::OnPath("script"),
    required_by: "CI",
    install: "apt-get install bsdutils (util-linux's `script`, for a pseudo-terminal)",
};
pub const PROMTOOL: Tool = Tool {
    name: "promtool",
    cfg: "missing_promtool",
    lookup: Lookup::OnPath("promtool"),
    required_by: "CI",
    install: "apt-get install prometheus (Debian's package has promtool)",
};
pub const PROMETHEUS_OPERATOR_SCHEMA: Tool = Tool {
    name: "@kubernetes-models/prometheus-operator",
    cfg: "missing_prometheus_operator_schema",
    lookup: Lookup::FileInEnv("FLINKFORM_PROMETHEUS_OPERATOR_SCHEMA"),
    required_by: "CI",
    install: "npm install @kubernetes-models/prometheus-operator@6.0.0 (needs node), then set FLINKFORM_PROMETHEUS_OPERATOR_SCHEMA to node_modules/@kubernetes-models/prometheus-operator/package.json",
};
pub const JAVA: Tool = Tool {
    name: "java",
    cfg: "missing_java",
    lookup: Lookup::OnPath("java"),
    required_by: "CI",
    install: "apt-get install openjdk-17-jdk-headless (Flink's own memory code runs in it: tests/flink_oracle.rs)",
};
pub const SHARED_REFERENCE: Tool = Tool {
    name: "../shared/reference",
    cfg: "missing_shared_reference",
    lookup: Lookup::Folder("../shared/reference"),
    required_by: "FLINKFORM_REQUIRE_SHARED",
    install: "check out the shared folder beside the repository",
};

pub const ALL: [Tool; 11] = [
    PRE_COMMIT,
    CHECK_JSONSCHEMA,
    SARIF_MULTITOOL,
    XMLLINT,
    KUBECTL,
    STRACE,
    SCRIPT,
    PROMTOOL,
    PROMETHEUS_OPERATOR_SCHEMA,
    JAVA,
    SHARED_REFERENCE,
];

/// Where `tool` is, seen from the repository folder `manifest_dir` with this process's
/// environment; `None` when it is missing.
pub fn find(tool: &Tool, manifest_dir: &Path) -> Option<PathBuf> {
    match tool.lookup {
        Lookup::OnPath(name) => std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(name))
                .find(|p| is_executable(p))
        }),
        Lookup::FileInEnv(var) => std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_file()),
        Lookup::Folder(rel) => Some(manifest_dir.join(rel)).filter(|p| p.is_dir()),
    }
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

/// The tool for a test that needs it (and is compiled as ignored when it was missing at build
/// time): its path, or a failed test that says what is missing. Never a silent pass.
pub fn require(tool: &Tool) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    find(tool, &dir).unwrap_or_else(|| {
        panic!(
            "{} is missing ({}). It was there when the tests were built, so this test was not \
             marked ignored; rebuild them (`touch build.rs`) to skip it, or install it: {}",
            tool.name,
            describe(tool),
            tool.install
        )
    })
}

/// Where `tool` is looked for, in words.
pub fn describe(tool: &Tool) -> String {
    match tool.lookup {
        Lookup::OnPath(name) => format!("`{name}` on PATH"),
        Lookup::FileInEnv(var) => format!("the file ${var} names"),
        Lookup::Folder(rel) => format!("the folder {rel} beside the repository"),
    }
}
