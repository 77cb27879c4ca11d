//! "Did you mean ...?" and "expected one of: ..." helpers shared by all diagnostics.

/// The candidate closest to `given`, if one is close enough to be a likely typo.
///
/// A candidate is close when at most a third of its characters (and at least one) must be
/// edited, swaps of neighbours counting once, or when it differs only in case
/// (`cache` -> `CACHE`). The closest wins; ties go to the first candidate.
pub fn closest<'a, I>(given: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let given_lower = given.to_lowercase();
    candidates
        .into_iter()
        .filter(|candidate| *candidate != given)
        .filter_map(|candidate| {
            let distance = strsim::osa_distance(&given_lower, &candidate.to_lowercase());
            let allowed = (candidate.chars().count() / 3).max(1);
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
}
