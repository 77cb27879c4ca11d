#!/usr/bin/env bash
# Seeds each target's corpus (fuzz/corpus/<target>, git-ignored) from the test fixtures, so the
# fuzzers start from inputs the suite already knows: manifests and the diagnostics tests' bad
# manifests, the #[operation] UI cases, parameters, and the example service's Lambda events.
# Idempotent: seeds are named by what they come from and rewritten each time.
set -euo pipefail
cd "$(dirname "$0")"
root=..

seed() { # target name < content
    mkdir -p "corpus/$1"
    cat > "corpus/$1/seed-$2"
}

# manifest: every operations.yaml of the repository, and the text of every bad manifest the
# diagnostics tests snapshot (insta keeps it, escaped, on the snapshot's `expression:` line).
while IFS= read -r file; do
    seed manifest "$(echo "${file#"$root"/}" | tr '/' '_')" < "$file"
done < <(find "$root" -name operations.yaml -not -path '*/target/*' -not -path '*/corpus/*')
for snap in "$root"/snapshots/diagnostics/*.snap; do
    expression=$(sed -n 's/^expression: "\(.*\)"$/\1/p' "$snap" | sed 's/\\"/"/g')
    printf '%b' "$expression" | seed manifest "diagnostics_$(basename "$snap" .snap)"
done

# operation_attr: the UI cases (each a function with its attribute) and the shared core
# functions of the build-path and macro-path crates.
for file in "$root"/gateway-runtime/tests/ui/*.rs "$root"/tests/shared/core.rs; do
    seed operation_attr "$(basename "$file")" < "$file"
done

# params and router: the fixture events (a direct invoke's is a parameters object too), and
# the hand-written seeds beside this script.
for file in "$root"/examples/service/tests/events/*.json; do
    seed router "$(basename "$file")" < "$file"
    seed params "event_$(basename "$file")" < "$file"
done
for target in params router; do
    for file in seeds/"$target"/*; do
        seed "$target" "$(basename "$file")" < "$file"
    done
done
