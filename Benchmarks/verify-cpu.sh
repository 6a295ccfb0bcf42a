#!/bin/bash
# The CPU one `noaber verify` costs the client and the daemon, for comparing builds side by side on
# a shared machine (Benchmarks/README.md, "The verify path"): starts BIN/noaberd on a fresh copy of
# DATA (a ledger's data directory, kept from an earlier run), runs BIN/noaber verify against it,
# and prints the wall time, the client's user + system CPU and the daemon's (from /proc/PID/stat).
# usage: Benchmarks/verify-cpu.sh BIN DATA KEY     (KEY: a key that reads everything, e.g. admin)
set -e
B=$1 D=$2 K=$3
W=$(mktemp -d /tmp/verify-cpu.XXXXXX)
cp -r "$D" $W/data
$B/noaberd --data $W/data --socket $W/s.sock --log-level warning & P=$!
trap 'kill -INT $P 2>/dev/null; wait $P 2>/dev/null; rm -rf $W' EXIT
for _ in $(seq 100); do [ -S $W/s.sock ] && break; sleep 0.1; done
cpu() { awk '{print $14 + $15}' /proc/$1/stat; }
before=$(cpu $P)
python3 - "$B/noaber" "$W/s.sock" "$K" <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
out = subprocess.run([sys.argv[1], "verify", "--socket", sys.argv[2], "--key", sys.argv[3]], capture_output=True, text=True)
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
first = (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else ""
print(f"wall {wall:.2f} s, client cpu {usage.ru_utime + usage.ru_stime:.2f} s, exit {out.returncode}: {first}")
PY
echo "daemon cpu $(python3 -c "print(($(cpu $P) - $before) / $(getconf CLK_TCK))") s"
