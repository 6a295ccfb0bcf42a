#!/usr/bin/env bash
# Installs what is missing, checks the code's habits (format, imports, sizes), builds, and runs
# the whole test suite: unit tests of every module,
# the hashing vectors from ../shared/vectors, and end-to-end tests that start real noaberd
# processes on temporary sockets and drive them with the real noaber, the fault-injection suites
# among them (kill -9 under load, a full disk, hostile requests), whose figures it restates last,
# and then every fuzz target for 15 seconds (scripts/fuzz.sh).
#
# The 50,000-line import keeps both cores busy for a minute, which would starve the tests that
# wait for a daemon or a fake one to come up; so it runs on its own, after the others.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
# The habits of CONTRIBUTING.md, checked before anything is built: the formatter's lint, the
# dependencies Package.swift declares against the imports, and the size of files and functions.
swift format lint --strict --recursive --parallel Sources Tests Benchmarks Package.swift
python3 scripts/check-imports.py
python3 scripts/check-sizes.py
phase=$SECONDS
swift build --build-tests
built=$((SECONDS - phase))
heavy="fiftyThousandLinesTwiceAndTheSecondRunAddsNothing"
# Tests that measure how promptly the daemon answers under hundreds of hostile connections: run
# one at a time after the others, so that their figures are the daemon's, not a busy machine's.
timed="twoHundredNonReadingClientsKeepMemoryBoundedAndOthersServed|newlineTrickleAndByteAtATimeClientsAreClosedAtTheDeadline"
log=$(mktemp)
fuzz_log=$(mktemp)
trap 'rm -f "$log" "$fuzz_log"' EXIT
set +e
# The fuzz build (optimised, instrumented: minutes) runs beside the main suite, whose end-to-end
# tests spend much of their time waiting on daemons (niced, so that the tests come first); the
# heavy and timed tests come after it.
phase=$SECONDS
nice -n 10 scripts/fuzz.sh --build >"$fuzz_log" 2>&1 &
fuzz_build=$!
swift test --skip-build --skip "$heavy|$timed" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
tested=$((SECONDS - phase))
wait "$fuzz_build"
fuzz_build_status=$?
fuzz_built=$((SECONDS - phase))
phase=$SECONDS
swift test --skip-build --filter "$heavy" 2>&1 | tee -a "$log"
heavy_status=${PIPESTATUS[0]}
swift test --skip-build --no-parallel --filter "$timed" 2>&1 | tee -a "$log"
timed_status=${PIPESTATUS[0]}
serial=$((SECONDS - phase))
# Every fuzz target for a few seconds: a smoke test that the fuzz build links and that no seed
# or past finding breaks a property (the long run is in CONTRIBUTING.md, Fuzzing).
phase=$SECONDS
fuzz_status=$fuzz_build_status
[ "$fuzz_status" -eq 0 ] && { scripts/fuzz.sh 15 >>"$fuzz_log" 2>&1; fuzz_status=$?; }
fuzzed=$((SECONDS - phase))
set -e
# Swift Testing's closing lines, restated in the plain form CI reads.
total=0
for n in $(grep -E "Test run with [0-9]+ tests? .* (passed|failed)" "$log" | sed -E 's/.*Test run with ([0-9]+) tests?.*/\1/'); do
    total=$((total + n))
done
failed=$(grep -E "^✘ Test .* failed after" "$log" | grep -vc "Test run with" || true)
# The fault-injection suites' figures (Tests/EndToEndTests: CrashRoundsTests, FullDiskTests,
# HostileRequestTests), restated together so that CI shows them in one place.
echo "fault injection:"
grep -E "^(kill -9 totals|full disk|hostile requests)|aFullDisk.* skipped" "$log" | sed 's/^/  /' ||
    echo "  no figures: the fault-injection suites did not run"
# The socket server's figures (issue #11): memory under non-reading clients, lockout under slow
# ones, and answers on SIGTERM.
echo "socket server:"
grep -E "^(200 non-reading clients|256 keep-alive|shutdown [0-9]+ ms after|shutdown under load)" "$log" | sed 's/^/  /' ||
    echo "  no figures: the socket server's tests did not run"
echo "fuzzing (scripts/fuzz.sh 15):"
grep -E "^[a-z-]+: [0-9]+ executions|^    [^ |]" "$fuzz_log" | sed 's/^/  /' || {
    echo "  the fuzz build failed:"
    grep -E "error:" "$fuzz_log" | head -5 | sed 's/^/    /'
}
echo "time: build ${built} s; main suite ${tested} s (fuzz build beside it: ${fuzz_built} s);" \
    "import and timed tests ${serial} s; fuzz smoke ${fuzzed} s"
echo "$((total - failed)) passed, $failed failed"
[ "$status" -eq 0 ] && [ "$heavy_status" -eq 0 ] && [ "$timed_status" -eq 0 ] || { echo "swift test failed" >&2; exit 1; }
[ "$total" -gt 0 ] || { echo "no tests ran" >&2; exit 1; }
[ "$fuzz_status" -eq 0 ] || { echo "scripts/fuzz.sh found something (or did not build)" >&2; exit 1; }
