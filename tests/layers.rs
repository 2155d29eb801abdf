//! Layers depend one way (ARCHITECTURE.md): a module of the library may name (`crate::…`,
//! `super::…` out of its own module) only modules of its own layer or of a layer below. The
//! table below is the map ARCHITECTURE.md draws; an import against it fails here with the
//! file and line.
//!
//! Test code inside `src/` is exempt (see `common::source_code`): a test may build whatever
//! it needs. Comments are not code: a doc link to a higher layer is allowed.

use crate::common;

use common::manifest_dir;
use common::source_code::product_code;
use std::collections::BTreeMap;
use std::path::Path;

/// The library's top-level modules, lowest layer first. A module may use its own layer and
/// the layers before it.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "error",
            "io",
            "layout",
            "limits",
            "plural",
            "progress",
            "source",
            "tree",
            "excerpt",
            "secrets",
            "diag",
            "yaml",
            "suggest",
            "flink_conf",
        ],
    ),
    (
        "facts",
        &["flink", "facts", "crd", "schema", "pod_security"],
    ),
    ("spec", &["spec"]),
    ("load", &["workspace"]),
    ("render", &["render"]),
    ("rendered", &["conformance", "output_folder"]),
    ("policy", &["policy"]),
    ("driver", &["compile"]),
    (
        "commands",
        &[
            "lint",
            "diff",
            "import",
            "scaffold",
            "platform_scaffold",
            "memory_breakdown",
            "change",
        ],
    ),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

/// The module path of a source file below `src/` (`policy/rules/ha.rs` → `policy::rules::ha`).
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if stem != "mod" && stem != "lib" {
            parts.push(stem.to_string());
        }
    }
    parts
}

/// The top-level modules a line of code names, each with the path as written: `crate::x`,
/// and `super::…` chains that leave the file's own top-level module. `macros` maps exported
/// macro names to the module that defines them.
fn targets(
    code: &str,
    module: &[String],
    macros: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let ident_end = |from: usize| {
        code[from..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(code.len(), |i| from + i)
    };
    for (at, _) in code.match_indices("crate::") {
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
            continue; // `$crate::`, `my_crate::`
        }
        let start = at + "crate::".len();
        let end = ident_end(start);
        let name = &code[start..end];
        let target = if code[end..].starts_with('!') {
            macros.get(name).cloned()
        } else {
            Some(name.to_string())
        };
        if let Some(t) = target {
            out.push((t, code[at..end].to_string()));
        }
    }
    for (at, _) in code.match_indices("super::") {
        if at > 0
            && (bytes[at - 1].is_ascii_alphanumeric()
                || bytes[at - 1] == b'_'
                || code[..at].ends_with("super::"))
        {
            continue; // inside a chain counted from its first `super`
        }
        let mut depth = 0;
        let mut rest = &code[at..];
        while let Some(r) = rest.strip_prefix("super::") {
            depth += 1;
            rest = r;
        }
        // `super` from `a::b::c` is `a::b`; leaving `a` means the next name is a top module.
        if depth + 1 > module.len() {
            let start = code.len() - rest.len();
            let end = ident_end(start);
            out.push((code[start..end].to_string(), code[at..end].to_string()));
        }
    }
    out
}

/// Every `use`/path against the direction of the layers, as `file:line: path (from → to)`,
/// and how many paths to other modules the scan checked.
fn violations(src: &Path) -> (Vec<String>, usize) {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(src).sort_by_file_name() {
        let entry = entry.expect("walk src");
        if entry.path().extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(entry.path()).expect("read source");
            files.push((entry.path().to_path_buf(), text));
        }
    }
    // Exported macros belong to the module that defines them.
    let mut macros = BTreeMap::new();
    for (path, text) in &files {
        let rel = path.strip_prefix(src).expect("under src");
        let Some(top) = module_path(rel).first().cloned() else {
            continue;
        };
        for (at, _) in text.match_indices("macro_rules! ") {
            let name: String = text[at + "macro_rules! ".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            macros.insert(name, top.clone());
        }
    }
    let mut out = Vec::new();
    let mut checked = 0;
    for (path, text) in &files {
        let rel = path.strip_prefix(src).expect("under src");
        let module = module_path(rel);
        let Some(top) = module.first() else { continue };
        // The binary (`main.rs`, `cli/`) sits on top and names the library as `flinkform::`.
        if top == "main" || top == "cli" {
            continue;
        }
        let Some(from) = layer_of(top) else {
            out.push(format!(
                "src/{}: module `{top}` has no layer in tests/layers.rs (add it, and to ARCHITECTURE.md)",
                rel.display()
            ));
            continue;
        };
        for (i, line) in product_code(path, text).lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for (target, written) in targets(code, &module, &macros) {
                if target == *top {
                    continue;
                }
                // The one item of an upper layer every layer may name: a rule's typed id
                // (ARCHITECTURE.md, "Rule ids"). Stages below the policy report findings
                // (YAML, schema, unsafe paths, drift) and name their rule with it.
                if written == "crate::policy" && code.contains("crate::policy::RuleId") {
                    let all_ids = code
                        .match_indices("crate::policy")
                        .all(|(at, _)| code[at..].starts_with("crate::policy::RuleId"));
                    if all_ids {
                        continue;
                    }
                }
                checked += 1;
                match layer_of(&target) {
                    Some(to) if to <= from => {}
                    Some(to) => out.push(format!(
                        "src/{}:{}: `{written}`: {top} ({}) may not depend on {target} ({})",
                        rel.display(),
                        i + 1,
                        LAYERS[from].0,
                        LAYERS[to].0
                    )),
                    None => out.push(format!(
                        "src/{}:{}: `{written}`: module `{target}` has no layer in tests/layers.rs",
                        rel.display(),
                        i + 1
                    )),
                }
            }
        }
    }
    (out, checked)
}

#[test]
fn layers_depend_one_way() {
    let (found, checked) = violations(&manifest_dir().join("src"));
    // The scan sees what it checks: the library names other modules hundreds of times.
    assert!(checked > 300, "the scan checked only {checked} paths");
    assert!(
        found.is_empty(),
        "imports against the layers (ARCHITECTURE.md):\n{}",
        found.join("\n")
    );
}

#[test]
fn every_module_has_a_layer_and_the_map_names_them() {
    // Each top-level module of the library is in the table once, and ARCHITECTURE.md names
    // every one of them, so the map and the check cannot drift apart.
    let lib = std::fs::read_to_string(manifest_dir().join("src/lib.rs")).expect("lib.rs");
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    assert!(declared.len() > 20, "{declared:?}");
    let mut listed: Vec<&str> = LAYERS
        .iter()
        .flat_map(|(_, ms)| ms.iter().copied())
        .collect();
    listed.sort_unstable();
    let mut sorted = declared.clone();
    sorted.sort_unstable();
    assert_eq!(
        listed, sorted,
        "tests/layers.rs lists exactly the modules of src/lib.rs"
    );
    let map = std::fs::read_to_string(manifest_dir().join("ARCHITECTURE.md")).expect("map");
    for m in declared {
        assert!(
            map.contains(&format!("`{m}`")),
            "ARCHITECTURE.md does not name `{m}`"
        );
    }
}

#[test]
fn the_scan_sees_imports_against_the_direction() {
    // A scratch crate: `spec` naming `render` (the cycle this test was written against), by
    // path, through `super::super`, and through a macro `render` exports; `render` naming
    // `spec` is the right way.
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path();
    let write = |rel: &str, text: &str| {
        let path = src.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "spec/platform.rs",
        "use crate::tree::Node;\nfn f() { let _ = crate::render::FLUX_DIR; }\n// crate::render in a comment\nuse super::super::render::x;\nfn g() { crate::emit!(); }\n",
    );
    write("spec/mod.rs", "mod platform;\n");
    write(
        "render/mod.rs",
        "use crate::spec::Resolved;\n#[macro_export]\nmacro_rules! emit { () => {} }\n",
    );
    write("tree.rs", "");
    let (found, checked) = violations(src);
    assert_eq!(checked, 5, "the paths to other modules, comment excluded");
    assert_eq!(
        found,
        [
            "src/spec/platform.rs:2: `crate::render`: spec (spec) may not depend on render (render)",
            "src/spec/platform.rs:4: `super::super::render`: spec (spec) may not depend on render (render)",
            "src/spec/platform.rs:5: `crate::emit`: spec (spec) may not depend on render (render)",
        ]
    );
}
