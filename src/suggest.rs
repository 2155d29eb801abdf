//! "Did you mean …?" for keys, enum values and names.

/// The candidate closest to `input`, when it is close enough to be a likely typo.
/// Case-only differences always match; otherwise the normalized Damerau-Levenshtein
/// similarity must reach 0.7 (tuned so `parallelsim` finds `parallelism` but unrelated short
/// words do not match each other).
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = input.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        if c == input {
            continue;
        }
        let score = if c.to_lowercase() == lower {
            1.0
        } else {
            strsim::normalized_damerau_levenshtein(&lower, &c.to_lowercase())
        };
        if score >= 0.7 && best.is_none_or(|(b, bc)| score > b || (score == b && c < bc)) {
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
}
