#!/usr/bin/env bash
# Builds the one fuzz executable (Fuzz/, optimised, with libFuzzer and AddressSanitizer, in
# .build-fuzz so that the normal build is untouched) and runs every target in turn, printing one
# line each:
#   TARGET: N executions, M s, OK|FINDING
#
#   scripts/fuzz.sh [SECONDS]         each target for SECONDS (default 60); CI runs 15
#   scripts/fuzz.sh --runs N          each target for N executions (the long run: 1000000)
#   scripts/fuzz.sh --merge           minimises Fuzz/Corpus/* into itself (then commit it)
#   scripts/fuzz.sh --build           only builds (scripts/test.sh does it beside the tests)
#   FUZZ_TARGETS="payload csv-import" scripts/fuzz.sh ...   only these targets
#   FUZZ_MAX_SECONDS=S scripts/fuzz.sh --runs N   stops a target at S seconds if N takes longer
#   FUZZ_JOBS=2 scripts/fuzz.sh ...   two targets at a time (one per core)
#
# Seeds: Fuzz/Corpus/<target> (committed, from the real formats: scripts/fuzz-seeds.sh), the
# fixed log's signed notes and proofs (written by the executable), and the inputs of past
# findings (Tests/Fixtures/fuzz/<target>). New inputs go to .build-fuzz/corpus/<target>. A finding
# leaves its input in .build-fuzz/findings/; commit it under Tests/Fixtures/fuzz/<target>/, where
# NoaberFuzzChecksTests replays it, and fix the decoder. Exits 1 if any target found something.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=time
limit=60
case "${1:-}" in
    --runs) mode=runs; limit=${2:?--runs needs a count} ;;
    --merge) mode=merge ;;
    --build) mode=build ;;
    "") ;;
    *) limit=$1 ;;
esac
scratch=.build-fuzz
# Optimised: a debug build of Swift and SwiftNIO ran the targets 5 to 10 times slower, which kept
# the long run from a million executions per target.
NOABER_FUZZ=1 swift build -c release --scratch-path "$scratch" --product noaber-fuzz -Xswiftc -sanitize=fuzzer,address
[ "$mode" = build ] && exit 0
fuzzer=$scratch/release/noaber-fuzz
# Swift's crash backtracer would wait on a crashed fuzzer for half a minute per finding.
export SWIFT_BACKTRACE=enable=no
# LeakSanitizer on: a leak is a finding like a crash (Fuzz/lsan.supp says what it must ignore).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/Fuzz/lsan.supp}
seeds=$scratch/seeds
rm -rf "$seeds" && mkdir -p "$seeds" "$scratch/findings"
NOABER_FUZZ_WRITE_SEEDS=$seeds "$fuzzer"
targets=${FUZZ_TARGETS:-$( (NOABER_FUZZ_TARGET=list "$fuzzer" 2>&1 || true) | sed -n 's/.*one of: //p')}

# One target's run, and its line.
fuzz_one() {
    local target=$1 corpus=$scratch/corpus/$1 log=$scratch/$1.log start=$SECONDS code runs verdict budget
    if [ "$mode" = runs ]; then
        budget=(-runs="$limit" ${FUZZ_MAX_SECONDS:+-max_total_time="$FUZZ_MAX_SECONDS"})
    else
        budget=(-max_total_time="$limit")
    fi
    set +e
    NOABER_FUZZ_TARGET=$target "$fuzzer" "${budget[@]}" -print_final_stats=1 -timeout=10 -rss_limit_mb=3072 \
        -artifact_prefix="$scratch/findings/$target-" "$corpus" "Fuzz/Corpus/$target" "$seeds/$target" \
        "Tests/Fixtures/fuzz/$target" >"$log" 2>&1
    code=$?
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    verdict=OK
    [ "$code" -ne 0 ] && verdict=FINDING
    echo "$target: ${runs:-0} executions, $((SECONDS - start)) s, $verdict"
    if [ "$verdict" = FINDING ]; then
        grep -E "^FINDING|ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|^artifact_prefix|Test unit written" "$log" |
            head -5 | sed 's/^/    /'
        return 1
    fi
}

# FUZZ_JOBS targets at a time (default 1): the long run uses one per core.
lanes=${FUZZ_JOBS:-1}
running=0
status=0
for target in $targets; do
    mkdir -p "$scratch/corpus/$target" "$seeds/$target" "Fuzz/Corpus/$target" "Tests/Fixtures/fuzz/$target"
    if [ "$mode" = merge ]; then
        merged=$(mktemp -d)
        NOABER_FUZZ_TARGET=$target "$fuzzer" -merge=1 "$merged" "Fuzz/Corpus/$target" "$scratch/corpus/$target" \
            >/dev/null 2>&1
        rm -rf "Fuzz/Corpus/$target" && mv "$merged" "Fuzz/Corpus/$target"
        echo "$target: $(ls "Fuzz/Corpus/$target" | wc -l) seeds"
        continue
    fi
    if [ "$running" -ge "$lanes" ]; then
        wait -n || status=1
        running=$((running - 1))
    fi
    fuzz_one "$target" &
    running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
    wait -n || status=1
    running=$((running - 1))
done
exit $status
