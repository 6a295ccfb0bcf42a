#!/usr/bin/env bash
# Builds release binaries, starts a fresh noaberd on a temporary directory, replays the shared
# community-currency workload through it from many connections, and prints figures: accounts and
# transactions per second, latency percentiles, entries per fsync, client-side verify speed, the
# daemon's peak memory, and whether the final balances equal the workload's own digest.
#   Benchmarks/run.sh [--tx N] [--volunteers N] [--connections N]
set -euo pipefail
cd "$(dirname "$0")/.."
tx=20000 volunteers=2000 connections=64
while [ $# -gt 0 ]; do
    case "$1" in
        --tx) tx=$2; shift 2 ;;
        --volunteers) volunteers=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        *) echo "usage: $0 [--tx N] [--volunteers N] [--connections N]" >&2; exit 2 ;;
    esac
done
gen=../shared/bench/gen_workload.py
[ -f "$gen" ] || { echo "run.sh: $gen is missing (it comes with ../shared)" >&2; exit 1; }
scripts/setup.sh
swift build -c release --product noaberd
swift build -c release --product noaber-bench
swift build -c release --product noaber

work=$(mktemp -d /tmp/noaber-bench.XXXXXX)
trap 'kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null; rm -rf "$work"' EXIT
python3 "$gen" --tx "$tx" --volunteers "$volunteers" --format jsonl -o "$work/workload.jsonl"
digest=$(python3 "$gen" --tx "$tx" --volunteers "$volunteers" --summary | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])')

.build/release/noaberd --data "$work/data" --socket "$work/noaberd.sock" --log-level warning --max-connections 1024 &
daemon=$!
for _ in $(seq 100); do [ -S "$work/noaberd.sock" ] && break; sleep 0.1; done

echo "workload: $tx transactions, $volunteers volunteers (gen_workload.py), $connections connections, $(nproc) cores"
.build/release/noaber-bench --socket "$work/noaberd.sock" --workload "$work/workload.jsonl" \
    --connections "$connections" --expect-digest "$digest" --admin-key-out "$work/admin.key"
echo "noaberd peak memory: $(awk '/VmHWM/ {print $2, $3}' /proc/$daemon/status)"

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
