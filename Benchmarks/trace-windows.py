#!/usr/bin/env python3
"""Reads a paced trace (`noaber-bench … --trace T`, file T.session-paced: due ms, latency ms,
lateness ms per read) and prints, per window, the reads, those over 1 ms and the worst: where in
the run the slow reads were, which tells a stall of the machine from a slow daemon throughout.
    Benchmarks/trace-windows.py T.session-paced [--window-ms 100]"""
import sys

path = sys.argv[1]
window = float(sys.argv[sys.argv.index("--window-ms") + 1]) if "--window-ms" in sys.argv else 100.0
buckets = {}
for line in open(path):
    due, latency, _late = (float(x) for x in line.split())
    b = buckets.setdefault(int(due // window), [0, 0, 0.0])
    b[0] += 1
    b[1] += latency > 1.0
    b[2] = max(b[2], latency)
total = sum(b[0] for b in buckets.values())
slow = sum(b[1] for b in buckets.values())
print(f"{total} reads, {slow} over 1 ms ({100 * slow / max(total, 1):.2f} %)")
for index in sorted(buckets):
    reads, over, worst = buckets[index]
    print(f"{index * window:8.0f} ms  {reads:6d} reads  {over:6d} over 1 ms  worst {worst:7.2f} ms")
