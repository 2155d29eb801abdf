//! "Did you mean …?" for keys, enum values and names, with bounded work.
//!
//! A suggestion costs an edit-distance computation per candidate, quadratic in the lengths
//! compared, and a hostile file can ask for as many suggestions as it has keys (25,000 near
//! misses of `parallelism`). So the work is bounded three ways:
//! * an input longer than [`MAX_INPUT_CHARS`] gets no suggestion (no typo is that long);
//! * a candidate whose length alone rules out a close enough match is skipped before any
//!   distance is computed;
//! * each file (or object) gets a [`Budget`] of [`SUGGESTIONS_PER_FILE`] searches; after that its
//!   findings say that suggestions stopped, and cost nothing.
//!
//! [`comparisons`] counts the distance computations made (by every suggester in flinkform),
//! so tests can assert bounded work by counting rather than timing.

use std::sync::atomic::{AtomicU64, Ordering};

/// The longest input a suggestion is searched for.
pub const MAX_INPUT_CHARS: usize = 64;

/// The most "did you mean" searches for one file or object.
pub const SUGGESTIONS_PER_FILE: usize = 20;

/// The similarity a candidate must reach (normalized Damerau-Levenshtein).
const THRESHOLD: f64 = 0.7;

static COMPARISONS: AtomicU64 = AtomicU64::new(0);

/// Distance computations made so far in this process, by every suggester (for tests and
/// benchmarks; monotonic).
pub fn comparisons() -> u64 {
    COMPARISONS.load(Ordering::Relaxed)
}

/// Records one distance computation (suggesters outside this module call it too).
pub fn count_comparison() {
    COMPARISONS.fetch_add(1, Ordering::Relaxed);
}

/// The note a finding carries once its file's suggestions are used up.
pub fn exhausted_note() -> String {
    format!(
        "(no suggestion: this file has more than {SUGGESTIONS_PER_FILE} unknown names, and only the first get one)"
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
            left: SUGGESTIONS_PER_FILE,
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

/// The candidate closest to `input`, when it is close enough to be a likely typo.
/// Case-only differences always match; otherwise the normalized Damerau-Levenshtein
/// similarity must reach 0.7 (tuned so `parallelsim` finds `parallelism` but unrelated short
/// words do not match each other).
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let input_len = input.chars().count();
    if input_len > MAX_INPUT_CHARS {
        return None;
    }
    let lower = input.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        if c == input {
            continue;
        }
        let c_len = c.chars().count();
        // The distance is at least the difference in length, so that difference bounds the
        // similarity from above; a candidate that cannot reach the threshold is skipped.
        let max = input_len.max(c_len);
        if max == 0 || 1.0 - input_len.abs_diff(c_len) as f64 / (max as f64) < THRESHOLD {
            continue;
        }
        let c_lower = c.to_lowercase();
        let score = if c_lower == lower {
            1.0
        } else {
            count_comparison();
            strsim::normalized_damerau_levenshtein(&lower, &c_lower)
        };
        if score >= THRESHOLD && best.is_none_or(|(b, bc)| score > b || (score == b && c < bc)) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
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
