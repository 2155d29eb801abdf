//! A spec with tens of thousands of `flinkConfiguration` keys (they fit the 1 MiB limit) is
//! checked with work linear in its keys: counted, not timed. [`tree::work`] counts every
//! lookup, insertion and iterated entry of every map, so an algorithm that walks a map once
//! per key (as the linear lookups did: 53 s for 55,000 keys) multiplies it by the keys. The
//! benchmark times the same case (`bench/run.sh`, `wide-spec`). One test function, so no other
//! test in this binary counts at the same time.

use flinkform::compile::{self, Options};
use flinkform::suggest;
use flinkform::tree;
use std::path::Path;

const PLATFORM: &str = include_str!("fixtures/check/policy/flinkform.yaml");
const SPEC: &str =
    include_str!("../fixtures/example-platform/services/fraud-detector/service.yaml");

/// How much map work per configuration key a check may do: the keys are parsed, merged over
/// the platform defaults, rendered, converted for the CRD schema and read by each rule, a
/// small fixed number of passes (about 20 today), far below a walk per key (thousands).
const WORK_PER_KEY: u64 = 60;

/// The `i`-th distinct near miss of `state.backend.type`: three of its letters replaced, the
/// last never by its own `e`, so none is the real key (nor a family of keys).
fn near_miss(i: usize) -> String {
    const ANY: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    const NOT_E: &[u8] = b"abcdfghijklmnopqrstuvwxyz0123456789";
    let mut key = b"state.backend.type".to_vec();
    key[1] = ANY[i % 36];
    key[8] = ANY[(i / 36) % 36];
    key[17] = NOT_E[(i / (36 * 36)) % NOT_E.len()];
    String::from_utf8(key).expect("ascii")
}

/// A repository of one service whose `flinkConfiguration` has `n` keys made by `key`.
fn repo(dir: &Path, n: usize, key: impl Fn(usize) -> String) {
    std::fs::write(dir.join("flinkform.yaml"), PLATFORM).expect("platform");
    let services = dir.join("services/fraud-detector");
    std::fs::create_dir_all(&services).expect("mkdir");
    let mut conf = String::from("  flinkConfiguration:\n");
    for i in 0..n {
        conf.push_str(&format!("    {}: v\n", key(i)));
    }
    let spec = SPEC.replace("  env:\n", &format!("{conf}  env:\n"));
    assert!(spec.len() < 1 << 20, "the spec fits the size limit");
    std::fs::write(services.join("service.yaml"), spec).expect("spec");
}

/// Map work and suggestion comparisons of `check` on a fresh repository, and its findings by
/// rule.
fn check(n: usize, key: impl Fn(usize) -> String) -> (u64, u64, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    repo(dir.path(), n, key);
    suggest::forget();
    let (work, comparisons) = (tree::work(), suggest::comparisons());
    let c = compile::compile(dir.path(), &Options::default()).expect("check runs");
    let rules = c
        .report
        .diagnostics
        .iter()
        .map(|d| d.rule.clone())
        .collect();
    (
        tree::work() - work,
        suggest::comparisons() - comparisons,
        rules,
    )
}

#[test]
fn checking_a_wide_configuration_does_linear_work() {
    // Keys of an open family (`s3.` is forwarded to the S3 client): known, no finding.
    let family = |i: usize| format!("s3.k{i:05}");
    let (base, _, base_rules) = check(0, family);
    const KEYS: usize = 50_000;
    let (work, _, rules) = check(KEYS, family);
    assert_eq!(rules, base_rules, "family keys add no finding");
    let per_key = (work - base) / KEYS as u64;
    assert!(
        per_key <= WORK_PER_KEY,
        "{per_key} map operations per key ({work} for {KEYS} keys, {base} without)"
    );
    // A walk over the configuration per key would cost 50,000 per key: the bound above
    // catches it. The count is real work: 10 times the keys cost about 10 times as much.
    let (work_tenth, _, _) = check(KEYS / 10, family);
    let ratio = (work - base) as f64 / (work_tenth - base) as f64;
    assert!(
        (9.0..=11.0).contains(&ratio),
        "work grows {ratio}x for 10x the keys"
    );

    // Near misses of a real key: every one is an unknown-config-key finding, but only the
    // file's first searches for a suggestion compare names (the suggestion budget).
    const MISSES: usize = 25_000;
    let (few_work, few_comparisons, few_rules) = check(suggest::SUGGESTIONS_PER_FILE, near_miss);
    let (work, comparisons, rules) = check(MISSES, near_miss);
    let unknown = |rules: &[String]| rules.iter().filter(|r| *r == "unknown-config-key").count();
    assert_eq!(unknown(&few_rules), suggest::SUGGESTIONS_PER_FILE);
    assert_eq!(unknown(&rules), MISSES);
    assert!(few_comparisons > 0, "the first near misses are searched");
    assert_eq!(
        comparisons, few_comparisons,
        "25,000 near misses cost the suggester what 20 do"
    );
    let per_key = (work - few_work) / (MISSES - suggest::SUGGESTIONS_PER_FILE) as u64;
    assert!(
        per_key <= WORK_PER_KEY,
        "{per_key} map operations per near miss ({work} for {MISSES})"
    );
}
