#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite: unit tests of every module,
# the hashing vectors from ../shared/vectors, and end-to-end tests that start real noaberd
# processes on temporary sockets and drive them with the real noaber.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
swift build --build-tests
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
swift test --skip-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# Swift Testing's closing line, restated in the plain form CI reads.
summary=$(grep -E "Test run with [0-9]+ tests? .* (passed|failed)" "$log" | tail -1)
total=$(sed -E 's/.*Test run with ([0-9]+) tests?.*/\1/' <<<"$summary")
failed=$(grep -E "^✘ Test .* failed after" "$log" | grep -vc "Test run with" || true)
if [ -n "$total" ]; then
    echo "$((total - failed)) passed, $failed failed"
fi
[ "$status" -eq 0 ] || { echo "swift test failed" >&2; exit "$status"; }
[ -n "$total" ] && [ "$total" -gt 0 ] || { echo "no tests ran" >&2; exit 1; }
