//! "Did you mean ...?" and "expected one of: ..." helpers shared by all diagnostics.

/// The most candidates [`closest`] compares a name with. A manifest within the loader's limits
/// can declare some 25,000 operations, each with a misspelt name: comparing every one with
/// every other would take hours. Past this many candidates there is no suggestion.
pub const MAX_SUGGESTION_CANDIDATES: usize = 2_000;

/// The candidate closest to `given`, if one is close enough to be a likely typo.
///
/// A candidate is close when at most a third of its characters (and at least one) must be
/// edited, swaps of neighbours counting once, or when it differs only in case
/// (`cache` -> `CACHE`). The closest wins; ties go to the first candidate. With more than
/// [`MAX_SUGGESTION_CANDIDATES`] candidates, none is suggested.
pub fn closest<'a, I>(given: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let candidates: Vec<&'a str> = candidates
        .into_iter()
        .take(MAX_SUGGESTION_CANDIDATES + 1)
        .collect();
    if candidates.len() > MAX_SUGGESTION_CANDIDATES {
        return None;
    }
    let given_lower = given.to_lowercase();
    let given_len = given.chars().count();
    candidates
        .into_iter()
        .filter(|candidate| *candidate != given)
        .filter_map(|candidate| {
            let allowed = (candidate.chars().count() / 3).max(1);
            // Each character more or fewer costs an edit: no need to compute the distance.
            if candidate.chars().count().abs_diff(given_len) > allowed {
                return None;
            }
            let distance = strsim::osa_distance(&given_lower, &candidate.to_lowercase());
            (distance <= allowed).then_some((distance, candidate))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// `did you mean `x`?` for the closest candidate, if any.
pub fn did_you_mean<'a, I>(given: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    closest(given, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// `expected one of: a, b, c`.
pub fn expected_one_of<'a, I>(candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    let list: Vec<&str> = candidates.into_iter().collect();
    format!("expected one of: {}", list.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_and_case_slips() {
        let keys = ["interface", "operation", "parameters", "returns"];
        assert_eq!(closest("paramters", keys), Some("parameters"));
        assert_eq!(closest("Returns", keys), Some("returns"));
        assert_eq!(closest("zzz", keys), None);
        assert_eq!(closest("kye", ["key", "default"]), Some("key"));
        assert_eq!(closest("cache", ["CACHE", "LOGGING"]), Some("CACHE"));
    }

    #[test]
    fn too_many_candidates_give_no_suggestion() {
        let names: Vec<String> = (0..=MAX_SUGGESTION_CANDIDATES)
            .map(|i| format!("op_{i}"))
            .collect();
        assert_eq!(closest("op_1x", names.iter().map(String::as_str)), None);
        let fewer = &names[..MAX_SUGGESTION_CANDIDATES];
        assert_eq!(
            closest("op_1x", fewer.iter().map(String::as_str)),
            Some("op_1")
        );
    }
}
