#!/usr/bin/env bash
# Session reads (`noaber-bench reads --mode session`) against two builds of noaberd, interleaved,
# each run on a fresh daemon: reads/s, latency, CPU per read of the daemon and the client, the
# share of reads over 1 ms, the load average; first in a closed loop (the maximum rate), then paced
# at 30,000 reads/s offered for 3 s (the target's latency, counted from when each read was due). On a shared machine wall-clock figures move by a third
# from run to run; compare the builds side by side, never with figures of another hour.
#   Benchmarks/reads-side-by-side.sh BEFORE_DIR AFTER_DIR [--rounds N] [--per-connection N] [--paced-rate R] [--autogroup]
# Each DIR holds a noaberd; the client is .build/release/noaber-bench, the same for both. With
# --autogroup (root only), the daemon and the client run in a session of their own whose autogroup
# has nice -20: other sessions' processes then barely take the cores from them, while among
# themselves they are scheduled as on a quiet machine (Benchmarks/README.md, "The read path").
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n 7p "$0" >&2; exit 2; }
before=$(cd "$1" && pwd) after=$(cd "$2" && pwd)
shift 2
rounds=3 per=4000 paced=30000 autogroup=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --per-connection) per=$2; shift 2 ;;
        --paced-rate) paced=$2; shift 2 ;;
        --autogroup) autogroup=1; shift ;;
        *) sed -n 7p "$0" >&2; exit 2 ;;
    esac
done
bench=$(pwd)/.build/release/noaber-bench
[ -x "$bench" ] || { echo "build the client first: swift build -c release --product noaber-bench" >&2; exit 1; }

# one LABEL DAEMON: a fresh daemon, one run, its figures on one line.
one() {
    local label=$1 daemon=$2 work
    work=$(mktemp -d /tmp/noaber-reads.XXXXXX)
    "$daemon" --data "$work/data" --socket "$work/s.sock" --log-level warning &
    local pid=$!
    for _ in $(seq 100); do [ -S "$work/s.sock" ] && break; sleep 0.1; done
    local out
    out=$("$bench" reads --socket "$work/s.sock" --daemon-pid "$pid" --mode session --per-connection "$per" \
        --paced-rate "$paced" --trace "$work/trace")
    local slow slowPaced
    slow=$(awk '$2 > 1 {n++} END {printf "%.2f", 100 * n / NR}' "$work/trace.session")
    slowPaced=$(awk '$2 > 1 {n++} END {printf "%.2f", 100 * n / NR}' "$work/trace.session-paced")
    echo "$label load $(cut -d' ' -f1 /proc/loadavg): $(echo "$out" | tr '\n' ' ' | sed 's/  */ /g') reads over 1 ms: $slow % (closed loop), $slowPaced % (paced)"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    rm -rf "$work"
}
export -f one
export bench per paced

for _ in $(seq "$rounds"); do
    for side in before after; do
        daemon=$([ $side = before ] && echo "$before/noaberd" || echo "$after/noaberd")
        if [ -n "$autogroup" ]; then
            setsid bash -c 'echo -20 > /proc/self/autogroup && one "$0" "$1"' "$side" "$daemon"
        else
            one "$side" "$daemon"
        fi
    done
done
