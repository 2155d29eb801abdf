//! The catalogue of documented `flinkConfiguration` keys, and the "did you mean" lookup behind
//! the unknown-key rule.
//!
//! The data lives in plain-text files next to this module (`config_keys/*.txt`), embedded with
//! `include_str!`; `config_keys/SOURCES.md` says where every file came from.
//!
//! * `flink.txt`: Apache Flink keys (1.15 … 2.x) read from Flink's generated option tables and
//!   `*Options.java` files.
//! * `flink-curated.txt`: Flink keys of the same versions that could not be read from a stored
//!   file and were curated by hand (see `SOURCES.md`).
//! * `operator.txt`: Flink Kubernetes Operator keys (`kubernetes.operator.*`, `job.autoscaler.*`).
//! * `deprecated.txt`: `old-key -> new-key` (or `old-key ->` when nothing replaces it).
//! * `families.txt`: prefixes of legitimately open-ended key families
//!   (`metrics.reporter.<name>.*`, `containerized.master.env.*`, `s3.*`, map-typed options, …).
//!
//! Flink keys are case-sensitive: `taskmanager.numberOfTaskslots` is unknown, with the suggestion
//! `taskmanager.numberOfTaskSlots`.
//!
//! Two kinds of key get special treatment:
//! * Keys scoped by the operator's default configuration,
//!   `kubernetes.operator.default-configuration.flink-version.<v>.<key>` and
//!   `kubernetes.operator.default-configuration.namespace.<ns>.<key>`, are looked up as `<key>`; a
//!   status, replacement or suggestion then refers to that inner key.
//! * `$internal.*` keys are written by the operator and by Flink itself (`$internal.application.main`,
//!   `$internal.pipeline.job-id`, …). Setting one by hand overrides what the operator computes, so
//!   they are reported as [`KeyStatus::Unknown`], never with a suggestion.

// hashbrown's default hasher (foldhash) instead of std's SipHash: every configuration key of
// every service is looked up here. The tables are fixed when the catalogue is built, so a
// hostile key can only be looked up, never inserted to make the tables' keys collide.
use hashbrown::{HashMap, HashSet};
use std::sync::OnceLock;

const FLINK: &str = include_str!("config_keys/flink.txt");
const FLINK_CURATED: &str = include_str!("config_keys/flink-curated.txt");
const OPERATOR: &str = include_str!("config_keys/operator.txt");
const DEPRECATED: &str = include_str!("config_keys/deprecated.txt");
const FAMILIES: &str = include_str!("config_keys/families.txt");

/// Prefix of the operator's per-version / per-namespace default configuration.
const DEFAULT_CONFIGURATION: &str = "kubernetes.operator.default-configuration.";
/// Prefix of keys that only Flink and the operator themselves may set.
const INTERNAL: &str = "$internal.";

/// Keys longer than this get no suggestion (bounds the work done on hostile input).
const MAX_SUGGEST_LEN: usize = 256;
/// Keys with more tokens than this get no suggestion.
const MAX_SUGGEST_TOKENS: usize = 32;
/// The lowest similarity (0..=1) at which a suggestion is convincing.
const SUGGEST_THRESHOLD: f64 = 0.78;
/// Whole-string similarity is discounted by this much, so that a key sharing most tokens wins
/// over one that merely looks alike (`pipeline.default-parallelism` → `parallelism.default`,
/// not `pipeline.max-parallelism`).
const STRING_PENALTY: f64 = 0.08;

/// What the catalogue knows about a configuration key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyStatus {
    Known,
    /// A documented key that is deprecated; `replacement` is the key to use instead, if any.
    Deprecated {
        replacement: Option<&'static str>,
    },
    /// Part of an open-ended family such as `metrics.reporter.<name>.*`.
    Family(&'static str),
    /// Not documented for any supported version; `suggestion` is the closest documented key when
    /// one is close enough.
    Unknown {
        suggestion: Option<&'static str>,
    },
}

/// Looks up one `flinkConfiguration` key (already flattened with `.`). Exact and family lookups
/// are hash/prefix lookups; a suggestion is only computed for unknown keys.
pub fn lookup(key: &str) -> KeyStatus {
    match classify(key) {
        KeyStatus::Unknown { .. } => KeyStatus::Unknown {
            suggestion: suggest(key),
        },
        status => status,
    }
}

/// Like [`lookup`], without searching for a suggestion: an unknown key comes back with
/// `suggestion: None`. Callers that report many keys spend a [`crate::suggest::Budget`] on
/// [`suggest`] instead, so a file of thousands of unknown keys stays cheap.
pub fn classify(key: &str) -> KeyStatus {
    let cat = catalogue();
    if let Some(status) = cat.documented(key) {
        return status;
    }
    let inner = strip_default_configuration_scope(key);
    if let Some(status) = inner.and_then(|k| cat.documented(k)) {
        return status;
    }
    let key = inner.unwrap_or(key);
    match cat.family(key) {
        Some(f) if !key.starts_with(INTERNAL) => KeyStatus::Family(f),
        _ => KeyStatus::Unknown { suggestion: None },
    }
}

/// The closest documented (or deprecated) key to `key`, by token and edit-distance similarity,
/// only when the match is convincing. `None` for documented keys, which need no correction.
pub fn suggest(key: &str) -> Option<&'static str> {
    let cat = catalogue();
    let key = strip_default_configuration_scope(key).unwrap_or(key);
    if cat.documented(key).is_some() || key.starts_with(INTERNAL) {
        return None;
    }
    cat.suggest(key)
}

/// The option a key sets: a deprecated or fallback key (`restart-strategy`,
/// `state.backend`) names the same option as its replacement (`restart-strategy.type`,
/// `state.backend.type`), so two keys with one canonical name set one option. Keys without a
/// replacement are their own option.
pub fn canonical(key: &str) -> &str {
    let cat = catalogue();
    let mut current = key;
    // Replacement chains are short (`a -> b -> c` at most); the bound guards against a cycle.
    for _ in 0..8 {
        match cat.deprecated.get(current) {
            Some(Some(next)) => current = next,
            _ => break,
        }
    }
    current
}

/// Number of documented keys: those for which [`lookup`] returns [`KeyStatus::Known`] or
/// [`KeyStatus::Deprecated`].
pub fn known_count() -> usize {
    let cat = catalogue();
    cat.known.len() + cat.deprecated.len()
}

/// Number of deprecated keys.
pub fn deprecated_count() -> usize {
    catalogue().deprecated.len()
}

/// The open-ended family prefixes, longest first.
pub fn family_prefixes() -> &'static [&'static str] {
    &catalogue().families
}

struct Candidate {
    key: &'static str,
    squashed: Vec<char>,
    tokens: Vec<Vec<char>>,
}

struct Catalogue {
    /// Documented, non-deprecated keys.
    known: HashSet<&'static str>,
    /// Deprecated keys and their replacements.
    deprecated: HashMap<&'static str, Option<&'static str>>,
    /// Family prefixes, longest first (so the most specific family wins).
    families: Vec<&'static str>,
    /// Lower-cased key → key, for case mistakes.
    by_lower: HashMap<String, &'static str>,
    /// Lower-cased key without separators → key, for `.`/`-` mix-ups.
    by_squashed: HashMap<String, &'static str>,
    /// Everything a suggestion may point at, in sorted order (for deterministic ties).
    candidates: Vec<Candidate>,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(Catalogue::build)
}

/// The data lines of an embedded file: trimmed, without blank lines and `#` comments.
fn data_lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// `old -> new` / `old ->` lines of `deprecated.txt`.
fn deprecated_entries() -> impl Iterator<Item = (&'static str, Option<&'static str>)> {
    data_lines(DEPRECATED).filter_map(|line| {
        let (old, new) = line.split_once("->")?;
        let new = new.trim();
        Some((old.trim(), (!new.is_empty()).then_some(new)))
    })
}

impl Catalogue {
    fn build() -> Catalogue {
        let deprecated: HashMap<_, _> = deprecated_entries().collect();
        let known: HashSet<&'static str> = data_lines(FLINK)
            .chain(data_lines(FLINK_CURATED))
            .chain(data_lines(OPERATOR))
            .filter(|k| !deprecated.contains_key(k))
            .collect();
        let mut families: Vec<&'static str> = data_lines(FAMILIES).collect();
        families.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));

        let mut all: Vec<&'static str> = known.iter().chain(deprecated.keys()).copied().collect();
        all.sort_unstable();
        all.dedup();

        let mut by_lower = HashMap::new();
        let mut by_squashed = HashMap::new();
        let mut candidates = Vec::with_capacity(all.len());
        for key in all {
            let lower = key.to_lowercase();
            let squashed = squash(&lower);
            // `all` is sorted, so on a clash the alphabetically first key wins.
            by_lower.entry(lower.clone()).or_insert(key);
            by_squashed.entry(squashed.clone()).or_insert(key);
            candidates.push(Candidate {
                key,
                squashed: squashed.chars().collect(),
                tokens: tokens(&lower),
            });
        }
        Catalogue {
            known,
            deprecated,
            families,
            by_lower,
            by_squashed,
            candidates,
        }
    }

    /// The status of a key that is documented or deprecated, exactly as written.
    fn documented(&self, key: &str) -> Option<KeyStatus> {
        if let Some(&replacement) = self.deprecated.get(key) {
            return Some(KeyStatus::Deprecated { replacement });
        }
        self.known.contains(key).then_some(KeyStatus::Known)
    }

    fn family(&self, key: &str) -> Option<&'static str> {
        self.families
            .iter()
            .copied()
            .find(|prefix| key.len() > prefix.len() && key.starts_with(prefix))
    }

    fn suggest(&self, key: &str) -> Option<&'static str> {
        let trimmed = key.trim();
        if trimmed.is_empty() || trimmed.len() > MAX_SUGGEST_LEN {
            return None;
        }
        let lower = trimmed.to_lowercase();
        if let Some(&k) = self.by_lower.get(&lower) {
            return (k != key).then_some(k);
        }
        let squashed = squash(&lower);
        if squashed.is_empty() {
            return None;
        }
        if let Some(&k) = self.by_squashed.get(&squashed) {
            return Some(k);
        }
        let query = tokens(&lower);
        if query.is_empty() || query.len() > MAX_SUGGEST_TOKENS {
            return None;
        }
        // The same unknown key in many specs (or in every cluster's FlinkDeployment) is
        // searched once.
        let found = crate::suggest::remembered(CATALOGUE_SEARCH, key, || {
            self.search(&query, &squashed.chars().collect::<Vec<_>>())
        });
        found.and_then(|i| self.candidates.get(i)).map(|c| c.key)
    }

    /// The index of the best candidate for a key's tokens and squashed form.
    fn search(&self, query: &[Vec<char>], squashed: &[char]) -> Option<usize> {
        let mut best: Option<(f64, usize)> = None;
        for (i, c) in self.candidates.iter().enumerate() {
            // Each token without a partner costs 1, so the difference in token counts bounds
            // the token similarity from above.
            let token_bound = 1.0
                - query.len().abs_diff(c.tokens.len()) as f64
                    / (query.len() + c.tokens.len()) as f64;
            let by_tokens = if token_bound >= SUGGEST_THRESHOLD {
                token_similarity(query, &c.tokens)
            } else {
                0.0
            };
            let score = by_tokens.max(string_similarity(squashed, c) - STRING_PENALTY);
            // Strictly greater: candidates are sorted, so ties go to the alphabetically first key.
            if score >= SUGGEST_THRESHOLD && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, i));
            }
        }
        best.map(|(_, i)| i)
    }
}

/// What [`crate::suggest::remembered`] files catalogue searches under.
const CATALOGUE_SEARCH: u64 = 0x0c0f_1a7a_109e;

/// Edit-distance similarity (0..=1) of two squashed keys; 0 when it cannot make a convincing
/// match (the distance is computed only up to the most such a match may differ).
fn string_similarity(query: &[char], c: &Candidate) -> f64 {
    let max = query.len().max(c.squashed.len());
    if max == 0 {
        return 0.0;
    }
    let allowed = ((1.0 - SUGGEST_THRESHOLD - STRING_PENALTY) * max as f64 + 1e-9).floor() as usize;
    crate::suggest::osa_within(query, &c.squashed, allowed)
        .map_or(0.0, |d| 1.0 - d as f64 / max as f64)
}

/// `kubernetes.operator.default-configuration.flink-version.v1_19+.<key>` → `<key>` (and the same
/// for `namespace.<ns>.`); `None` when `key` is not scoped this way or the scope is malformed.
fn strip_default_configuration_scope(key: &str) -> Option<&str> {
    let rest = key.strip_prefix(DEFAULT_CONFIGURATION)?;
    let inner = if let Some(rest) = rest.strip_prefix("flink-version.") {
        let (version, inner) = rest.split_once('.')?;
        if !is_flink_version(version) {
            return None;
        }
        inner
    } else if let Some(rest) = rest.strip_prefix("namespace.") {
        let (namespace, inner) = rest.split_once('.')?;
        if namespace.is_empty() {
            return None;
        }
        inner
    } else {
        return None;
    };
    (!inner.is_empty()).then_some(inner)
}

/// `v1_18`, `v1_19+`, `v2_0`: the operator's `FlinkVersion` names, optionally with `+`
/// ("this version and newer").
fn is_flink_version(v: &str) -> bool {
    let Some(rest) = v.strip_prefix('v') else {
        return false;
    };
    let rest = rest.strip_suffix('+').unwrap_or(rest);
    let Some((major, minor)) = rest.split_once('_') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(major) && digits(minor)
}

/// The lower-cased key without `.`, `-` and `_`.
fn squash(lower: &str) -> String {
    lower
        .chars()
        .filter(|c| !matches!(c, '.' | '-' | '_'))
        .collect()
}

/// The lower-cased key split on `.`, `-` and `_`.
fn tokens(lower: &str) -> Vec<Vec<char>> {
    lower
        .split(['.', '-', '_'])
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().collect())
        .collect()
}

/// Cost (0 = equal, < 1 = a plausible typo) of matching token `a` with token `b`, or `None` when
/// the two are different words.
fn token_cost(a: &[char], b: &[char]) -> Option<f64> {
    if a == b {
        return Some(0.0);
    }
    let len = a.len().max(b.len());
    // Short tokens (`jm`, `tm`, `dir`) must match exactly or differ by a single appended letter;
    // at most 3 edits are ever allowed.
    let allowed = if len <= 4 { 1 } else { (len / 3).min(3) };
    let dist = crate::suggest::osa_within(a, b, allowed)?;
    let one_edit = len > 3 && dist == 1;
    (len > 4 || one_edit).then(|| dist as f64 / len as f64)
}

/// Similarity (0..=1) of two token lists, regardless of order: tokens are paired greedily by
/// lowest cost; every unpaired token on either side costs 1.
fn token_similarity(query: &[Vec<char>], candidate: &[Vec<char>]) -> f64 {
    let total = query.len() + candidate.len();
    if total == 0 {
        return 0.0;
    }
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (i, q) in query.iter().enumerate() {
        for (j, c) in candidate.iter().enumerate() {
            if let Some(cost) = token_cost(q, c) {
                pairs.push((cost, i, j));
            }
        }
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut used_q = vec![false; query.len()];
    let mut used_c = vec![false; candidate.len()];
    let mut cost = 0.0;
    let mut paired = 0;
    for (c, i, j) in pairs {
        if !used_q[i] && !used_c[j] {
            used_q[i] = true;
            used_c[j] = true;
            cost += c;
            paired += 1;
        }
    }
    cost += (total - 2 * paired) as f64;
    1.0 - cost / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, SourceFile};
    use crate::tree::{Node, Value};
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    fn unknown(key: &str) -> Option<&'static str> {
        match lookup(key) {
            KeyStatus::Unknown { suggestion } => suggestion,
            other => panic!("`{key}` should be unknown, is {other:?}"),
        }
    }

    #[test]
    fn suggestions_for_common_mistakes() {
        let cases = [
            ("pipeline.default-parallelism", "parallelism.default"),
            (
                "taskmanager.numberOfTaskslots",
                "taskmanager.numberOfTaskSlots",
            ),
            ("state.checkpoint.dir", "state.checkpoints.dir"),
            (
                "execution.checkpointing.intervall",
                "execution.checkpointing.interval",
            ),
            (
                "high-availability.storagedir",
                "high-availability.storageDir",
            ),
            (
                "taskmanager.memory.proces.size",
                "taskmanager.memory.process.size",
            ),
            (
                "taskmanager.numberoftaskslots",
                "taskmanager.numberOfTaskSlots",
            ),
            (
                "taskmanager.number-of-task-slots",
                "taskmanager.numberOfTaskSlots",
            ),
            (
                "jobmanager.memory.process-size",
                "jobmanager.memory.process.size",
            ),
            (
                "execution.checkpointing.unaligned-enabled",
                "execution.checkpointing.unaligned.enabled",
            ),
            (
                "restart-strategy.exponential-delay.multiplier",
                "restart-strategy.exponential-delay.backoff-multiplier",
            ),
            (
                "historyserver.archive.fs.fs.refresh-interval",
                "historyserver.archive.fs.refresh-interval",
            ),
            (
                "kubernetes.operator.periodic.savepoint.intervall",
                "kubernetes.operator.periodic.savepoint.interval",
            ),
            ("job.autoscaler.enable", "job.autoscaler.enabled"),
            ("default.parallelism", "parallelism.default"),
            (
                "state.backend.rocksdb.localdirs",
                "state.backend.rocksdb.localdir",
            ),
        ];
        for (key, want) in cases {
            assert_eq!(unknown(key), Some(want), "suggestion for `{key}`");
            assert_eq!(suggest(key), Some(want), "suggest(`{key}`)");
        }
    }

    #[test]
    fn no_suggestion_for_unrelated_keys() {
        for key in [
            "license.accept",
            "my.application.setting",
            "foo",
            "kafka.bootstrap.servers",
            "log4j.logger.org.apache.kafka",
            // Near misses that would only be noise.
            "taskmanager.slots",
            "kubernetes.taskmanager.memory",
            "state.ttl",
            "checkpointing",
            "parallelism",
        ] {
            assert_eq!(unknown(key), None, "`{key}` should get no suggestion");
        }
    }

    #[test]
    fn documented_keys_need_no_suggestion() {
        assert_eq!(suggest("parallelism.default"), None);
        assert_eq!(suggest("state.checkpoints.dir"), None);
        assert_eq!(suggest("$internal.application.main"), None);
    }

    #[test]
    fn version_dependent_keys_are_documented() {
        for key in [
            // checkpoint storage: 1.20+ names and their pre-1.20 aliases
            "execution.checkpointing.dir",
            "execution.checkpointing.savepoint-dir",
            "execution.checkpointing.storage",
            "execution.checkpointing.incremental",
            "state.checkpoints.dir",
            "state.savepoints.dir",
            "state.checkpoint-storage",
            // state backend
            "state.backend.type",
            "state.backend",
            "state.backend.rocksdb.localdir",
            // high availability
            "high-availability.type",
            "high-availability",
            "high-availability.storageDir",
            "high-availability.cluster-id",
            // JVM options
            "env.java.default-opts.all",
            "env.java.opts.all",
            "env.java.opts",
            "env.java.opts.taskmanager",
            // operator
            "kubernetes.operator.periodic.savepoint.interval",
            "kubernetes.operator.job.upgrade.last-state.max.allowed.checkpoint.age",
            "kubernetes.operator.savepoint.history.max.count",
            // autoscaler, current and legacy prefix
            "job.autoscaler.enabled",
            "job.autoscaler.utilization.target",
            "kubernetes.operator.job.autoscaler.enabled",
            // resources set by the operator
            "kubernetes.jobmanager.cpu.amount",
            "kubernetes.taskmanager.cpu",
            "kubernetes.container.image.ref",
            "taskmanager.memory.process.size",
        ] {
            assert!(
                matches!(lookup(key), KeyStatus::Known | KeyStatus::Deprecated { .. }),
                "`{key}` should be documented, is {:?}",
                lookup(key)
            );
        }
        assert_eq!(lookup("execution.checkpointing.dir"), KeyStatus::Known);
        assert_eq!(lookup("state.backend.type"), KeyStatus::Known);
        assert_eq!(lookup("high-availability.type"), KeyStatus::Known);
        assert_eq!(lookup("env.java.default-opts.all"), KeyStatus::Known);
        assert_eq!(
            lookup("kubernetes.operator.periodic.savepoint.interval"),
            KeyStatus::Known
        );
        assert_eq!(lookup("job.autoscaler.enabled"), KeyStatus::Known);
    }

    #[test]
    fn deprecated_keys_name_their_replacement() {
        let cases = [
            ("state.checkpoints.dir", Some("execution.checkpointing.dir")),
            (
                "state.savepoints.dir",
                Some("execution.checkpointing.savepoint-dir"),
            ),
            ("state.backend", Some("state.backend.type")),
            ("high-availability", Some("high-availability.type")),
            ("env.java.opts", Some("env.java.opts.all")),
            (
                "kubernetes.jobmanager.cpu",
                Some("kubernetes.jobmanager.cpu.amount"),
            ),
            (
                "taskmanager.network.memory.max",
                Some("taskmanager.memory.network.max"),
            ),
            (
                "execution.checkpointing.unaligned",
                Some("execution.checkpointing.unaligned.enabled"),
            ),
            (
                "job.autoscaler.target.utilization",
                Some("job.autoscaler.utilization.target"),
            ),
            (
                "kubernetes.operator.job.autoscaler.enabled",
                Some("job.autoscaler.enabled"),
            ),
            (
                "kubernetes.operator.job.autoscaler.target.utilization",
                Some("job.autoscaler.utilization.target"),
            ),
            (
                "kubernetes.operator.reconciler.reschedule.interval",
                Some("kubernetes.operator.reconcile.interval"),
            ),
            ("web.backpressure.refresh-interval", None),
        ];
        for (key, replacement) in cases {
            assert_eq!(
                lookup(key),
                KeyStatus::Deprecated { replacement },
                "`{key}`"
            );
        }
    }

    #[test]
    fn families() {
        let cases = [
            ("metrics.reporter.prom.factory.class", "metrics.reporter."),
            ("metrics.reporter.prom.port", "metrics.reporter."),
            (
                "containerized.master.env.AWS_REGION",
                "containerized.master.env.",
            ),
            (
                "containerized.taskmanager.env.JAVA_TOOL_OPTIONS",
                "containerized.taskmanager.env.",
            ),
            (
                "kubernetes.jobmanager.annotations.prometheus.io/scrape",
                "kubernetes.jobmanager.annotations.",
            ),
            (
                "kubernetes.taskmanager.node-selector.disk",
                "kubernetes.taskmanager.node-selector.",
            ),
            ("s3.access-key", "s3."),
            ("fs.s3a.endpoint", "fs."),
            ("fs.azure.account.key.x.blob.core.windows.net", "fs."),
            (
                "pipeline.global-job-parameters.topic",
                "pipeline.global-job-parameters.",
            ),
            ("table.exec.mini-batch.enabled", "table."),
            (
                "state.backend.rocksdb.metrics.block-cache-usage",
                "state.backend.rocksdb.metrics.",
            ),
            (
                "kubernetes.operator.metrics.reporter.slf4j.interval",
                "kubernetes.operator.metrics.reporter.",
            ),
            ("external-resource.gpu.amount", "external-resource."),
        ];
        for (key, family) in cases {
            assert_eq!(lookup(key), KeyStatus::Family(family), "`{key}`");
        }
        // A family never hides a documented key, and the bare prefix is not a member.
        assert_eq!(lookup("metrics.reporters"), KeyStatus::Known);
        assert_eq!(lookup("fs.default-scheme"), KeyStatus::Known);
        assert!(matches!(
            lookup("metrics.reporter."),
            KeyStatus::Unknown { .. }
        ));
        assert!(matches!(lookup("s3."), KeyStatus::Unknown { .. }));
        // Typos inside closed sets are still caught.
        assert_eq!(
            unknown("env.java.opts.taskmanger"),
            Some("env.java.opts.taskmanager")
        );
    }

    #[test]
    fn operator_default_configuration_scopes() {
        assert_eq!(
            lookup(
                "kubernetes.operator.default-configuration.flink-version.v1_19+.env.java.default-opts.all"
            ),
            KeyStatus::Known
        );
        assert_eq!(
            lookup(
                "kubernetes.operator.default-configuration.flink-version.v1_18.env.java.opts.all"
            ),
            KeyStatus::Known
        );
        assert_eq!(
            lookup(
                "kubernetes.operator.default-configuration.namespace.team-a.state.checkpoints.dir"
            ),
            KeyStatus::Deprecated {
                replacement: Some("execution.checkpointing.dir")
            }
        );
        assert_eq!(
            lookup(
                "kubernetes.operator.default-configuration.flink-version.v2_0.metrics.reporter.prom.port"
            ),
            KeyStatus::Family("metrics.reporter.")
        );
        assert_eq!(
            lookup(
                "kubernetes.operator.default-configuration.flink-version.v1_20.taskmanager.numberOfTaskslots"
            ),
            KeyStatus::Unknown {
                suggestion: Some("taskmanager.numberOfTaskSlots")
            }
        );
        assert_eq!(
            suggest("kubernetes.operator.default-configuration.namespace.ns.parallelism.defualt"),
            Some("parallelism.default")
        );
        // Malformed scopes are not unwrapped.
        for key in [
            "kubernetes.operator.default-configuration.flink-version.1_18.parallelism.default",
            "kubernetes.operator.default-configuration.flink-version.v1_18",
            "kubernetes.operator.default-configuration.flink-version.v1_18.",
            "kubernetes.operator.default-configuration.namespace..parallelism.default",
            "kubernetes.operator.default-configuration.parallelism.default",
        ] {
            assert!(
                matches!(lookup(key), KeyStatus::Unknown { .. }),
                "`{key}`: {:?}",
                lookup(key)
            );
        }
    }

    #[test]
    fn internal_keys_are_flagged_without_suggestion() {
        assert_eq!(
            lookup("$internal.application.main"),
            KeyStatus::Unknown { suggestion: None }
        );
        assert_eq!(
            lookup("$internal.pipeline.job-id"),
            KeyStatus::Unknown { suggestion: None }
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        let long = "a.".repeat(10_000);
        let many_tokens = "x-".repeat(100);
        for key in [
            "",
            " ",
            ".",
            "..",
            "-",
            "$internal.",
            "ü.ß.é",
            "täskmanager.numberOfTaskSlots",
            "\u{0}",
            "parallelism.default ",
            " parallelism.default",
            long.as_str(),
            many_tokens.as_str(),
            "kubernetes.operator.default-configuration.",
            "kubernetes.operator.default-configuration.flink-version.",
            "kubernetes.operator.default-configuration.flink-version.v.x",
            "kubernetes.operator.default-configuration.namespace.",
        ] {
            let _ = lookup(key);
            let _ = suggest(key);
        }
        assert_eq!(suggest(" parallelism.default"), Some("parallelism.default"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any input: no panic, and a suggestion is always a documented key.
        #[test]
        fn never_panics(key in "\\PC{0,80}", dotted in "[a-zA-Z.$_-]{0,60}") {
            for k in [key.as_str(), dotted.as_str()] {
                if let KeyStatus::Unknown { suggestion: Some(s) } = lookup(k) {
                    proptest::prop_assert!(catalogue().documented(s).is_some(), "{s}");
                }
                if let Some(s) = suggest(k) {
                    proptest::prop_assert!(catalogue().documented(s).is_some(), "{s}");
                }
            }
        }
    }

    // ---- the data files ----------------------------------------------------------------------

    fn check_sorted_unique(name: &str, text: &'static str) {
        let lines: Vec<_> = data_lines(text).collect();
        for w in lines.windows(2) {
            assert!(
                w[0] < w[1],
                "{name}: `{}` and `{}` are not sorted or repeat",
                w[0],
                w[1]
            );
        }
        for l in &lines {
            assert!(
                !l.chars().any(char::is_whitespace) || name == "deprecated.txt",
                "{name}: `{l}`"
            );
        }
        assert!(!lines.is_empty(), "{name} is empty");
        assert!(text.starts_with('#'), "{name} has no header comment");
    }

    #[test]
    fn data_files_are_sorted_and_consistent() {
        check_sorted_unique("flink.txt", FLINK);
        check_sorted_unique("flink-curated.txt", FLINK_CURATED);
        check_sorted_unique("operator.txt", OPERATOR);
        check_sorted_unique("families.txt", FAMILIES);
        check_sorted_unique("deprecated.txt", DEPRECATED);
        assert_eq!(
            deprecated_entries().count(),
            data_lines(DEPRECATED).count(),
            "malformed deprecated.txt line"
        );

        // No key is in two of the key files, and none of them repeats a deprecated key.
        let mut seen = HashSet::new();
        for key in data_lines(FLINK)
            .chain(data_lines(FLINK_CURATED))
            .chain(data_lines(OPERATOR))
        {
            assert!(seen.insert(key), "`{key}` is listed twice");
            assert!(
                !catalogue().deprecated.contains_key(key),
                "`{key}` is also in deprecated.txt"
            );
        }
        // Every replacement is itself documented.
        for (old, new) in deprecated_entries() {
            if let Some(new) = new {
                assert!(
                    matches!(lookup(new), KeyStatus::Known | KeyStatus::Deprecated { .. }),
                    "replacement `{new}` of `{old}` is not documented"
                );
                assert_ne!(old, new);
            }
        }
        for family in data_lines(FAMILIES) {
            assert!(family.ends_with('.'), "family `{family}` must end with `.`");
        }
        assert_eq!(known_count(), seen.len() + deprecated_count());
        assert!(known_count() > 900, "{}", known_count());
        assert!(family_prefixes().len() >= 30);
    }

    /// Documented and family keys are found by lookup alone (how fast is the benchmark's
    /// business, not a test's).
    #[test]
    fn deprecated_keys_name_their_replacement_option() {
        assert_eq!(canonical("restart-strategy"), "restart-strategy.type");
        assert_eq!(canonical("restart-strategy.type"), "restart-strategy.type");
        assert_eq!(canonical("state.backend"), "state.backend.type");
        assert_eq!(
            canonical("state.checkpoints.dir"),
            "execution.checkpointing.dir"
        );
        assert_eq!(canonical("no.such.key"), "no.such.key");
    }

    #[test]
    fn documented_and_family_keys_are_found() {
        assert_eq!(lookup("parallelism.default"), KeyStatus::Known);
        assert_eq!(
            lookup("metrics.reporter.prom.port"),
            KeyStatus::Family("metrics.reporter.")
        );
    }

    // ---- real-world configurations -----------------------------------------------------------

    /// Keys that real users set but that no supported Flink or operator version documents.
    /// Each entry says why; the test fails if one of them becomes documented or disappears.
    const EXPECTED_UNKNOWN: &[(&str, &str)] = &[
        // Amazon EMR on EKS's Flink build (awslabs/data-on-eks examples): vendor options that
        // Apache Flink and the Apache operator do not read.
        (
            "cluster.taskmanager.graceful-decommission.enabled",
            "EMR on EKS extension",
        ),
        (
            "jobmanager.adaptive-scheduler.combined-restart.enabled",
            "EMR on EKS extension",
        ),
        (
            "jobmanager.adaptive-scheduler.combined-restart.window-interval",
            "EMR on EKS extension",
        ),
        (
            "kubernetes.operator.job.autoscaler.autotune.enable",
            "EMR on EKS autoscaler autotuning",
        ),
        (
            "kubernetes.operator.job.autoscaler.autotune.metrics.history.max.count",
            "EMR on EKS autoscaler autotuning",
        ),
        (
            "kubernetes.operator.job.autoscaler.autotune.metrics.restart.count",
            "EMR on EKS autoscaler autotuning",
        ),
        (
            "kubernetes.taskmanager.local-recovery.persistentVolumeClaim.sizeLimit",
            "EMR on EKS local recovery on EBS",
        ),
        (
            "task.local-recovery.ebs.enable",
            "EMR on EKS local recovery on EBS",
        ),
        // IBM Event Automation's Flink distribution: licence acceptance keys of that product.
        ("license.accept", "IBM Event Automation product key"),
        ("license.license", "IBM Event Automation product key"),
        ("license.use", "IBM Event Automation product key"),
        // A research fork of the autoscaler (shafinulh/flink-kubernetes-autoscaling, "Justin").
        (
            "job.autoscaler.cache-hit-rate.min.threshold",
            "research autoscaler fork",
        ),
        ("job.autoscaler.justin.enabled", "research autoscaler fork"),
        (
            "job.autoscaler.memory.max-level",
            "research autoscaler fork",
        ),
        (
            "job.autoscaler.scaling-config.history.max.count",
            "research autoscaler fork",
        ),
        (
            "job.autoscaler.state-latency.threshold",
            "research autoscaler fork",
        ),
        // log4j logger levels put into flinkConfiguration; Flink ignores them (they belong in
        // spec.logConfiguration).
        (
            "log4j.logger.org.apache.flink.cdc.common.data.binary.BinaryRecordData",
            "log4j setting, not a Flink option",
        ),
        (
            "log4j.logger.org.apache.flink.cdc.connectors.iceberg.sink.utils.IcebergTypeUtils",
            "log4j setting, not a Flink option",
        ),
        (
            "log4j.logger.org.apache.flink.cdc.connectors.postgres.source.PostgresEventDeserializer",
            "log4j setting, not a Flink option",
        ),
        // RocksDB DBOptions names; Flink exposes them only through a RocksDBOptionsFactory.
        (
            "state.backend.rocksdb.use-direct-reads",
            "RocksDB option, not a Flink key",
        ),
        (
            "state.backend.rocksdb.use-direct-writes",
            "RocksDB option, not a Flink key",
        ),
        // Genuine mistakes by the authors.
        (
            "pipeline.default-parallelism",
            "typo of parallelism.default",
        ),
        (
            "env.taskmanager.tmp.dirs",
            "not a key; io.tmp.dirs (legacy taskmanager.tmp.dirs)",
        ),
        (
            "historyserver.archive.fs.fs.refresh-interval",
            "typo of historyserver.archive.fs.refresh-interval",
        ),
        (
            "restart-strategy.exponential-delay.multiplier",
            "typo of restart-strategy.exponential-delay.backoff-multiplier",
        ),
        (
            "restart-strategy.exponential-delay.max-attempts",
            "no such option; exponential-delay has attempts-before-reset-backoff",
        ),
        // Copied from old standalone examples: no ConfigOption reads it (queryable state used
        // query.server.ports, later queryable-state.server.ports, and was removed in 2.0).
        ("query.server.port", "legacy example key, never read"),
    ];

    /// `../shared/reference`, for a test marked as needing it (`build.rs` sets
    /// `missing_shared_reference` when it is missing, and the test is then listed as ignored).
    fn shared_reference() -> PathBuf {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference");
        assert!(
            dir.join("real-world").is_dir(),
            "{} is missing, but it was there when the tests were built: rebuild them (`touch build.rs`)",
            dir.display()
        );
        dir
    }

    fn flatten(prefix: &str, node: &Node, out: &mut Vec<String>) {
        match &node.value {
            Value::Map(map) => {
                for e in map.iter() {
                    let key = if prefix.is_empty() {
                        e.key.clone()
                    } else {
                        format!("{prefix}.{}", e.key)
                    };
                    flatten(&key, &e.value, out);
                }
            }
            _ if !prefix.is_empty() => out.push(prefix.to_string()),
            _ => {}
        }
    }

    /// Flink's legacy `flink-conf.yaml` reader (before 1.19): one `key: value` per line, `#`
    /// starts a comment. Used for files that are not valid YAML but that Flink reads anyway.
    fn legacy_flink_conf_keys(text: &str) -> Vec<String> {
        text.lines()
            .filter_map(|line| {
                let conf = line.split('#').next()?.trim();
                let (key, _) = conf.split_once(": ")?;
                let key = key.trim();
                (!key.is_empty()).then(|| key.to_string())
            })
            .collect()
    }

    fn files(dir: &Path) -> Vec<PathBuf> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")));
        files.sort();
        files
    }

    /// (file, key) for every configuration key of the reference corpus.
    fn corpus_keys(root: &Path) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let name = |p: &Path| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        let mut conf_files = files(&root.join("real-world/flink-conf"));
        conf_files.push(root.join("flink-operator/helm-defaults/flink-conf.yaml"));
        for path in conf_files {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let file = SourceFile::new(path.display().to_string(), &text);
            let keys = match crate::yaml::load_all(FileId(0), &file) {
                Ok(docs) => {
                    let mut keys = Vec::new();
                    for doc in &docs {
                        flatten("", doc, &mut keys);
                    }
                    keys
                }
                Err(_) => legacy_flink_conf_keys(&text),
            };
            out.extend(keys.into_iter().map(|k| (name(&path), k)));
        }
        for dir in [
            "real-world/flinkdeployment",
            "real-world/flinksessionjob",
            "flink-operator/examples",
        ] {
            for path in files(&root.join(dir)) {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let file = SourceFile::new(path.display().to_string(), &text);
                let docs = crate::yaml::load_all(FileId(0), &file)
                    .unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
                for doc in &docs {
                    let kind = doc.get("kind").and_then(Node::as_str).unwrap_or_default();
                    if !matches!(kind, "FlinkDeployment" | "FlinkSessionJob") {
                        continue;
                    }
                    if let Some(conf) = doc.path(&["spec", "flinkConfiguration"]) {
                        let mut keys = Vec::new();
                        flatten("", conf, &mut keys);
                        out.extend(keys.into_iter().map(|k| (name(&path), k)));
                    }
                }
            }
        }
        out
    }

    #[test]
    #[cfg_attr(missing_shared_reference, ignore = "needs ../shared/reference")]
    fn real_world_keys_are_documented() {
        let root = shared_reference();
        let corpus = corpus_keys(&root);
        assert!(
            corpus.len() > 300,
            "only {} keys found under {}",
            corpus.len(),
            root.display()
        );
        let expected: BTreeMap<&str, &str> = EXPECTED_UNKNOWN.iter().copied().collect();
        let mut unexpected = BTreeMap::new();
        let mut seen_expected = HashSet::new();
        for (file, key) in &corpus {
            match lookup(key) {
                KeyStatus::Unknown { suggestion } => {
                    if expected.contains_key(key.as_str()) {
                        seen_expected.insert(key.as_str());
                    } else {
                        unexpected
                            .entry(key.clone())
                            .or_insert((file.clone(), suggestion));
                    }
                }
                _ => assert!(
                    !expected.contains_key(key.as_str()),
                    "`{key}` is documented now; drop it from EXPECTED_UNKNOWN"
                ),
            }
        }
        assert!(
            unexpected.is_empty(),
            "undocumented real-world keys: {unexpected:#?}"
        );
        for key in expected.keys() {
            assert!(
                seen_expected.contains(key),
                "`{key}` no longer occurs in the corpus"
            );
        }
    }
}
