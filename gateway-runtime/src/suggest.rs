//! The closest known name to a misspelt one.

/// The candidate most like `given`, if it is likely a typo of it.
///
/// A candidate is close when at most a third of its characters (and at least one) must be
/// edited, swaps of neighbours counting once, or when it differs only in case.
pub(crate) fn closest<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let given = given.to_lowercase();
    candidates
        .into_iter()
        .filter_map(|candidate| {
            let distance = strsim::osa_distance(&given, &candidate.to_lowercase());
            let allowed = (candidate.chars().count() / 3).max(1);
            (distance <= allowed).then_some((distance, candidate))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn typos_swaps_and_case() {
        assert_eq!(closest("kye", ["key", "default"]), Some("key"));
        assert_eq!(closest("cachee", ["CACHE", "CONFIG"]), Some("CACHE"));
        assert_eq!(closest("gett", ["get", "set"]), Some("get"));
        assert_eq!(closest("xyz", ["key"]), None);
    }
}
