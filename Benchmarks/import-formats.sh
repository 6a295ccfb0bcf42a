#!/bin/bash
# `noaber import` of N lines into a fresh ledger of entry format V (2: `credits` entries of 1000
# lines, FORMAT.md §17; 1: an entry per line), then `noaber verify`, then the same file again.
# 200 volunteers, 1.5 hours a line, a memo on every line. Needs `swift build -c release`.
# usage: Benchmarks/import-formats.sh N V
set -e
N=${1:-20000}; V=${2:-2}
B=$(cd "$(dirname "$0")/.." && pwd)/.build/release
W=$(mktemp -d); cd $W
export NOABER_SOCKET=$W/s.sock
$B/noaberd --data $W/data --socket $W/s.sock --log-level warning & D=$!
trap 'kill $D; wait $D 2>/dev/null; rm -rf $W' EXIT
for _ in $(seq 100); do [ -S $W/s.sock ] && break; sleep 0.1; done
$B/noaber keygen --out admin.key >/dev/null; $B/noaber keygen --out coord.key >/dev/null; $B/noaber keygen --out vol.key >/dev/null
$B/noaber init --admin-key admin.key --name Bench --currency ZMT --currency-name zorgmunt --scale 2 --hour-rate 10.00 --entry-version $V >/dev/null
C=$($B/noaber key add --key admin.key --pub coord.key.pub --label coord --role operator | head -1 | cut -d" " -f1)
VK=$($B/noaber key add --key admin.key --pub vol.key.pub --label vol --role member | head -1 | cut -d" " -f1)
$B/noaber account open org:o001 --key admin.key --kind issuer --name Org --min-balance -100000000000.00 --controller $C >/dev/null
python3 -c 'for i in range(200): print(f"vol:v{i:04d}")' > vols.txt
xargs -P 2 -I{} $B/noaber account open {} --key coord.key --kind member --name "V {}" --controller $VK >/dev/null < vols.txt
python3 - "$N" > hours.csv <<'PY'
import sys
n=int(sys.argv[1])
print("account,date,hours,memo,external_id")
for i in range(n):
    print(f"vol:v{i%200:04d},2026-11-{i%28+1:02d},1.5,bezoek {i},X-{i}")
PY
s=$(date +%s.%N); $B/noaber import hours.csv --issuer org:o001 --key coord.key | tail -1; e=$(date +%s.%N)
echo "import $N lines (format $V): $(python3 -c "print(f'{$e-$s:.2f} s, {$N/($e-$s):.0f} lines/s')")"
ENT=$($B/noaber status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"])')
s=$(date +%s.%N); $B/noaber verify --key admin.key | head -1; e=$(date +%s.%N)
echo "verify $ENT entries ($N credits): $(python3 -c "print(f'{$e-$s:.2f} s, {$N/($e-$s):.0f} credits/s')")"
s=$(date +%s.%N); $B/noaber import hours.csv --issuer org:o001 --key coord.key | tail -1; e=$(date +%s.%N)
echo "rerun: $(python3 -c "print(f'{$e-$s:.2f} s')")"
