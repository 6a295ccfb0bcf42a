#!/usr/bin/env bash
# Builds release binaries and measures, in one run: the machine's ceiling (Ed25519 sign and verify
# on one and every core through NoaberCrypto, the disk's fsync rate); a fresh noaberd replaying the
# shared community-currency workload from many connections (throughput, latency, growth from the
# first to the last tenth, entries per fsync, online verify, reads at their maximum rate and paced
# at the read target's 30,000/s, peak memory, bytes per entry, and whether the final balances equal
# the workload's own digest); export and offline verify; and a CSV import into a second fresh
# ledger with the verification of what it imported.
# It ends with the targets table: each figure beside its ceiling and target, PASS or FAIL.
#   Benchmarks/run.sh [--tx N] [--volunteers N] [--connections N] [--import-lines N] [--trace PATH]
# --trace writes each paced read's due time and latency to PATH.session-paced and prints where in
# the run the reads over 1 ms were (Benchmarks/trace-windows.py).
set -euo pipefail
cd "$(dirname "$0")/.."
tx=20000 volunteers=2000 connections=64 import_lines=20000 trace=""
while [ $# -gt 0 ]; do
    case "$1" in
        --tx) tx=$2; shift 2 ;;
        --volunteers) volunteers=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --import-lines) import_lines=$2; shift 2 ;;
        --trace) trace=$2; shift 2 ;;
        *) echo "usage: $0 [--tx N] [--volunteers N] [--connections N] [--import-lines N] [--trace PATH]" >&2; exit 2 ;;
    esac
done
gen=../shared/bench/gen_workload.py
[ -f "$gen" ] || { echo "run.sh: $gen is missing (it comes with ../shared)" >&2; exit 1; }
scripts/setup.sh
swift build -c release --product noaberd
swift build -c release --product noaber-bench
swift build -c release --product noaber

work=$(mktemp -d /tmp/noaber-bench.XXXXXX)
daemon="" importer=""
trap 'kill $daemon $importer 2>/dev/null; wait $daemon $importer 2>/dev/null; rm -rf "$work"' EXIT
figures="$work/figures"
bench=.build/release/noaber-bench
$bench ceiling --directory "$work" --figures "$figures"

python3 "$gen" --tx "$tx" --volunteers "$volunteers" --format jsonl -o "$work/workload.jsonl"
digest=$(python3 "$gen" --tx "$tx" --volunteers "$volunteers" --summary | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')

.build/release/noaberd --data "$work/data" --socket "$work/noaberd.sock" --log-level warning --max-connections 1024 &
daemon=$!
for _ in $(seq 100); do [ -S "$work/noaberd.sock" ] && break; sleep 0.1; done

echo "workload: $tx transactions, $volunteers volunteers (gen_workload.py), $connections connections, $(nproc) cores"
$bench workload --socket "$work/noaberd.sock" --workload "$work/workload.jsonl" --figures "$figures" \
    --connections "$connections" --expect-digest "$digest" --admin-key-out "$work/admin.key" --daemon-pid "$daemon" \
    ${trace:+--trace "$trace"}
[ -z "$trace" ] || python3 Benchmarks/trace-windows.py "$trace.session-paced" --window-ms 250
echo "noaberd peak memory: $(awk '/VmHWM/ {print $2, $3}' /proc/$daemon/status)"
echo "daemon_peak_rss_kb $(awk '/VmHWM/ {print $2}' /proc/$daemon/status)" >>"$figures"

# The auditor's side: export the ledger, then verify the export with no daemon, on every core.
# measure CMD…: runs it, then prints its wall time and peak memory (python3 only; no extra tools).
measure() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
out = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.monotonic() - start
if out.returncode != 0:
    sys.exit(f"{sys.argv[1:]} failed: {out.stderr}")
first = (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else ""
print(f"{elapsed:.2f} s, peak memory {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} kB: {first}")
PY
}
echo "export jsonl: $(measure .build/release/noaber export --socket "$work/noaberd.sock" --key "$work/admin.key" --format jsonl --out "$work/ledger.jsonl"); $(du -k "$work/ledger.jsonl" | cut -f1) KiB"
echo "verify --file (offline): $(measure .build/release/noaber verify --file "$work/ledger.jsonl")"

# An import of a month of hours into a second, fresh ledger of entry format 2 (as a care
# organisation's new ledger is), so in `credits` entries of 1000 lines (FORMAT.md §17), then the
# verification of that ledger, both through the real CLI as a coordinator and an auditor would run them.
.build/release/noaberd --data "$work/import" --socket "$work/import.sock" --log-level warning &
importer=$!
for _ in $(seq 100); do [ -S "$work/import.sock" ] && break; sleep 0.1; done
$bench prepare-import --socket "$work/import.sock" --lines "$import_lines" --volunteers "$volunteers" \
    --csv "$work/hours.csv" --coordinator-key-out "$work/coordinator.key" --admin-key-out "$work/import-admin.key"
seconds() { python3 -c 'import sys, time; print(f"{time.time():.3f}")'; }
# CPU seconds a process has used (user + system), from /proc: the client's and the daemon's CPU
# for the import are printed apart, as they compare across runs on a shared machine.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -f "%U %S %M" -o "$work/import-time")
daemon_cpu=$(cpu $importer)
start=$(seconds)
"${timer[@]}" .build/release/noaber import "$work/hours.csv" --socket "$work/import.sock" --issuer org:o001 \
    --key "$work/coordinator.key" | tail -1
end=$(seconds)
daemon_cpu=$(python3 -c "print(f'{$(cpu $importer) - $daemon_cpu:.2f}')")
[ -s "$work/import-time" ] && read -r user system peak <"$work/import-time" &&
    echo "import CPU: noaber $(python3 -c "print(f'{$user + $system:.2f}')") s (peak ${peak} kB), noaberd $daemon_cpu s"
echo "import $import_lines lines (format 2, credits entries): $(python3 -c "print(f'{$end - $start:.2f} s, {$import_lines / ($end - $start):.0f} lines per second')")"
echo "import_lines $import_lines" >>"$figures"
echo "import_seconds $(python3 -c "print($end - $start)")" >>"$figures"
start=$(seconds)
verified=$(.build/release/noaber verify --socket "$work/import.sock" --key "$work/import-admin.key" | head -1)
end=$(seconds)
entries=$(.build/release/noaber status --socket "$work/import.sock" --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["entries"])')
echo "verify the imported ledger, $entries entries ($import_lines credits imported): $(python3 -c "print(f'{$end - $start:.2f} s, {$import_lines / ($end - $start):.0f} credits per second')"): $verified"
echo "imported_entries $entries" >>"$figures"
echo "imported_verify_seconds $(python3 -c "print($end - $start)")" >>"$figures"

echo
$bench targets --figures "$figures"
