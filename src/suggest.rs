//! "Did you mean …?" for keys, enum values and names, with bounded work.
//!
//! A suggestion costs an edit-distance computation per candidate, and a hostile repository
//! can ask for as many suggestions as it has keys (25,000 near misses of `parallelism` in one
//! spec, or 40 in each of 1,500 specs). So the work is bounded:
//! * an input longer than [`MAX_INPUT_CHARS`] gets no suggestion (no typo is that long);
//! * a candidate whose length, or whose letters ([`bag_distance`]), rule out a close enough
//!   match is skipped before any distance is computed, and the distance itself is computed
//!   only up to the most a match may differ ([`osa_within`]: a band around the diagonal, and
//!   an early stop);
//! * each file (or object) gets a [`Budget`] of searches: [`SUGGESTIONS_PER_FILE`] in a run of
//!   up to 50 files, fewer in a larger run so that the run makes at most [`SEARCHES_PER_RUN`]
//!   (but every file at least one: [`plan_run`]). The share depends only on the repository's
//!   size (its specs, or its service folders in the usual layout, counted alike by `check`
//!   and `check PATH`), never on which thread gets there first, so the same repository gets
//!   the same suggestions every time. After that a file's findings say that suggestions
//!   stopped;
//! * a search is remembered by its input and candidates ([`memo`]), so the same unknown key
//!   in a thousand specs (or in the FlinkDeployment of every cluster) is searched once. A
//!   remembered search still spends the budget, so which findings get a suggestion does not
//!   depend on what other threads searched.
//!
//! [`comparisons`] counts the distance computations made (by every suggester in flinkform),
//! so tests can assert bounded work by counting rather than timing.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// The longest input a suggestion is searched for.
pub const MAX_INPUT_CHARS: usize = 64;

/// The most "did you mean" searches for one file or object.
pub const SUGGESTIONS_PER_FILE: usize = 20;

/// The most searches a run's files share (each file gets at least one).
pub const SEARCHES_PER_RUN: usize = 1_000;

/// The most searches remembered (a bound on the memo's memory).
const MEMO_ENTRIES: usize = 100_000;

/// The similarity a candidate must reach (1 - edit distance / longer length).
const THRESHOLD: f64 = 0.7;

static COMPARISONS: AtomicU64 = AtomicU64::new(0);
static PER_FILE: AtomicUsize = AtomicUsize::new(SUGGESTIONS_PER_FILE);
static SEARCHES: AtomicU64 = AtomicU64::new(0);

/// Distance computations made so far in this process, by every suggester (for tests and
/// benchmarks; monotonic).
pub fn comparisons() -> u64 {
    COMPARISONS.load(Ordering::Relaxed)
}

/// Searches made so far in this process (those the memo did not answer; for tests).
pub fn searches() -> u64 {
    SEARCHES.load(Ordering::Relaxed)
}

/// Records one distance computation (suggesters outside this module call it too).
pub fn count_comparison() {
    COMPARISONS.fetch_add(1, Ordering::Relaxed);
}

/// The searches each file (or object) of a run of `files` files may make:
/// [`SUGGESTIONS_PER_FILE`], or an equal share of [`SEARCHES_PER_RUN`] when that is less, but
/// at least one.
pub fn per_file(files: usize) -> usize {
    (SEARCHES_PER_RUN / files.max(1)).clamp(1, SUGGESTIONS_PER_FILE)
}

/// Sets every [`Budget`] made from now on to [`per_file`]`(files)`: called once a run knows
/// how many files it reads, before it validates any.
pub fn plan_run(files: usize) {
    PER_FILE.store(per_file(files), Ordering::Relaxed);
}

/// The note a finding carries once its file's suggestions are used up.
pub fn exhausted_note() -> String {
    let n = PER_FILE.load(Ordering::Relaxed);
    format!(
        "(no suggestion: this file has more than {n} unknown name{}, and only the first get{} one)",
        if n == 1 { "" } else { "s" },
        if n == 1 { "s" } else { "" }
    )
}

/// What a search within a [`Budget`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found<'a> {
    Match(&'a str),
    Nothing,
    /// The budget was used up: no search was made.
    Exhausted,
}

/// The searches one file (or object) may still make.
#[derive(Debug)]
pub struct Budget {
    left: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            left: PER_FILE.load(Ordering::Relaxed),
        }
    }
}

impl Budget {
    /// Spends one search, if any is left.
    pub fn take(&mut self) -> bool {
        if self.left == 0 {
            return false;
        }
        self.left -= 1;
        true
    }

    /// [`did_you_mean`], if the budget allows another search.
    pub fn did_you_mean<'a>(
        &mut self,
        input: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Found<'a> {
        if !self.take() {
            return Found::Exhausted;
        }
        did_you_mean(input, candidates).map_or(Found::Nothing, Found::Match)
    }
}

type Memo = HashMap<(u64, String), Option<usize>>;

/// Searches remembered: (what was searched among, the input) → the index of the result
/// among the candidates, or `None`. Results are pure functions of the key, so sharing them
/// across threads and runs changes no output.
fn memo() -> &'static Mutex<Memo> {
    static MEMO: OnceLock<Mutex<Memo>> = OnceLock::new();
    MEMO.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Forgets every remembered search (for tests and benchmarks that count the work of a
/// search they made before).
pub fn forget() {
    if let Ok(mut m) = memo().lock() {
        m.clear();
    }
}

/// The remembered result of searching `input` in `among` (an id of the candidates), or the
/// result of `search`, remembered.
pub fn remembered(
    among: u64,
    input: &str,
    search: impl FnOnce() -> Option<usize>,
) -> Option<usize> {
    let key = (among, input.to_string());
    if let Some(hit) = memo().lock().ok().and_then(|m| m.get(&key).copied()) {
        return hit;
    }
    SEARCHES.fetch_add(1, Ordering::Relaxed);
    let found = search();
    if let Ok(mut m) = memo().lock()
        && m.len() < MEMO_ENTRIES
    {
        m.insert(key, found);
    }
    found
}

/// The candidate closest to `input`, when it is close enough to be a likely typo.
/// Case-only differences always match; otherwise the similarity (1 - the optimal string
/// alignment distance (a Damerau-Levenshtein distance: insertions, deletions, substitutions
/// and swaps of neighbours) over the longer length) must reach 0.7 (tuned so `parallelsim`
/// finds `parallelism` but unrelated short words do not match each other). Ties go to the
/// alphabetically first candidate.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    if input.chars().count() > MAX_INPUT_CHARS {
        return None;
    }
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    let mut h = std::hash::DefaultHasher::new();
    candidates.hash(&mut h);
    let found = remembered(h.finish(), input, || search(input, &candidates));
    found.and_then(|i| candidates.get(i).copied())
}

/// [`did_you_mean`] without the memo: the index of the best candidate.
fn search(input: &str, candidates: &[&str]) -> Option<usize> {
    let lower: Vec<char> = input.to_lowercase().chars().collect();
    let mut best: Option<(f64, usize)> = None;
    for (i, c) in candidates.iter().enumerate() {
        if *c == input {
            continue;
        }
        let c_lower: Vec<char> = c.to_lowercase().chars().collect();
        let max = lower.len().max(c_lower.len());
        if max == 0 {
            continue;
        }
        // The most edits a close enough candidate may need.
        let allowed = ((1.0 - THRESHOLD) * max as f64 + 1e-9).floor() as usize;
        let score = if c_lower == lower {
            1.0
        } else {
            match osa_within(&lower, &c_lower, allowed) {
                Some(d) => 1.0 - d as f64 / max as f64,
                None => continue,
            }
        };
        if score >= THRESHOLD
            && best.is_none_or(|(b, bi)| score > b || (score == b && *c < candidates[bi]))
        {
            best = Some((score, i));
        }
    }
    best.map(|(_, i)| i)
}

/// The optimal string alignment distance between `a` and `b` (insertions, deletions,
/// substitutions, and swaps of two neighbours, each 1), if it is at most `max`; `None`
/// otherwise. Costs at most `len(a) × (2·max + 1)` steps (a band around the diagonal, stopping
/// as soon as every cell of a row exceeds `max`), and nothing when the lengths or the letters
/// alone ([`bag_distance`]) rule a match out; counted by [`comparisons`] when it computes.
pub fn osa_within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > max || bag_distance(a, b) > max {
        return None;
    }
    count_comparison();
    let far = max + 1;
    // Three rows of the table over `b`; cells outside the band hold `far`.
    let mut before: Vec<usize> = vec![far; m + 1];
    let mut prev: Vec<usize> = (0..=m).map(|j| if j <= max { j } else { far }).collect();
    let mut cur: Vec<usize> = vec![far; m + 1];
    for i in 1..=n {
        let lo = i.saturating_sub(max).max(1);
        let hi = (i + max).min(m);
        cur.iter_mut().for_each(|c| *c = far);
        cur[0] = if i <= max { i } else { far };
        let mut row_min = cur[0];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(before[j - 2] + 1);
            }
            cur[j] = v.min(far);
            row_min = row_min.min(cur[j]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[m] <= max).then_some(prev[m])
}

/// A lower bound of any edit distance between `a` and `b`: how many letters one has more of
/// than the other (each insertion, deletion or substitution changes that by at most one, a
/// swap not at all). Linear, no table.
pub fn bag_distance(a: &[char], b: &[char]) -> usize {
    // Letters below 128 are counted in an array (keys are ASCII); others in a map.
    let mut ascii = [0isize; 128];
    let mut other: HashMap<char, isize> = HashMap::new();
    let mut count = |c: char, d: isize| match usize::try_from(u32::from(c)) {
        Ok(i) if i < 128 => ascii[i] += d,
        _ => *other.entry(c).or_default() += d,
    };
    a.iter().for_each(|&c| count(c, 1));
    b.iter().for_each(|&c| count(c, -1));
    let (more, fewer) = ascii
        .iter()
        .chain(other.values())
        .fold((0usize, 0usize), |(p, q), &d| {
            if d > 0 {
                (p + d.unsigned_abs(), q)
            } else {
                (p, q + d.unsigned_abs())
            }
        });
    more.max(fewer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_not_strangers() {
        let keys = [
            "parallelism",
            "upgradeMode",
            "jarURI",
            "entryClass",
            "args",
            "state",
        ];
        assert_eq!(did_you_mean("parallelsim", keys), Some("parallelism"));
        assert_eq!(did_you_mean("upgrademode", keys), Some("upgradeMode"));
        assert_eq!(did_you_mean("jarUri", keys), Some("jarURI"));
        assert_eq!(did_you_mean("memory", keys), None);
    }

    #[test]
    fn long_inputs_get_no_suggestion() {
        let long = format!("parallelism{}", "x".repeat(MAX_INPUT_CHARS));
        assert_eq!(did_you_mean(&long, ["parallelism"]), None);
        // Case-only differences still match up to the limit.
        let at_limit = "A".repeat(MAX_INPUT_CHARS);
        let lower = "a".repeat(MAX_INPUT_CHARS);
        assert_eq!(
            did_you_mean(&at_limit, [lower.as_str()]),
            Some(lower.as_str())
        );
    }

    #[test]
    fn bounded_distance_is_the_distance_within_the_bound() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        for (a, b) in [
            ("parallelism", "parallelsim"),
            ("kitten", "sitting"),
            ("", "abc"),
            ("abc", ""),
            ("ca", "abc"),
            ("flinkconfiguration", "flinkconfigration"),
            ("jarURI", "jarUri"),
        ] {
            let full = strsim::osa_distance(a, b);
            for max in 0..8 {
                let got = osa_within(&chars(a), &chars(b), max);
                assert_eq!(got, (full <= max).then_some(full), "{a} {b} {max}");
            }
        }
        assert_eq!(bag_distance(&chars("abc"), &chars("cab")), 0);
        assert_eq!(bag_distance(&chars("aab"), &chars("abb")), 1);
    }

    #[test]
    fn larger_runs_share_a_bounded_number_of_searches() {
        assert_eq!(per_file(1), SUGGESTIONS_PER_FILE);
        assert_eq!(per_file(50), SUGGESTIONS_PER_FILE);
        assert_eq!(per_file(100), 10);
        assert_eq!(per_file(1_500), 1);
        assert!(per_file(1_500) * 1_500 <= 1_500.max(SEARCHES_PER_RUN));
    }

    #[test]
    fn a_budget_runs_out() {
        let mut b = Budget::default();
        for _ in 0..SUGGESTIONS_PER_FILE {
            assert_eq!(
                b.did_you_mean("parallelsim", ["parallelism"]),
                Found::Match("parallelism")
            );
        }
        assert_eq!(
            b.did_you_mean("parallelsim", ["parallelism"]),
            Found::Exhausted
        );
    }
}
