//! "Did you mean" suggestions for unknown names: a leaf module, used by
//! parse (unknown fields), check (unknown references), stream (unknown
//! cluster or component) and `maasc help` (unknown command), so none of
//! them imports another stage for it.

/// Levenshtein distance between two short strings.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The closest candidate within a third of the word's length (at least 2 edits).
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let budget = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (distance(word, c), c))
        .filter(|(d, _)| *d <= budget)
        .min()
        .map(|(_, c)| c)
}

/// A hint naming the closest candidate, or listing the known ones.
pub(crate) fn hint_for<'a>(
    word: &str,
    what: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> String {
    match did_you_mean(word, candidates.clone()) {
        Some(c) => format!("did you mean `{c}`?"),
        None => {
            let known: Vec<&str> = candidates.into_iter().take(12).collect();
            if known.is_empty() {
                format!("no {what} is defined")
            } else {
                format!("known {what}s: {}", known.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("premum", ["free", "premium", "enterprise"]),
            Some("premium")
        );
        assert_eq!(did_you_mean("zzz", ["free", "premium"]), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn hint_lists_known_names_when_nothing_is_close() {
        assert_eq!(
            hint_for("xyz", "tier", ["free", "gold"]),
            "known tiers: free, gold"
        );
        assert_eq!(hint_for("xyz", "tier", []), "no tier is defined");
    }
}
