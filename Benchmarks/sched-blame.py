#!/usr/bin/env python3
"""What held the cores while the daemon's and the client's threads waited for one.

    perf sched record -g -o sched.data -- sleep 2.5     # during a run of noaber-bench reads
    Benchmarks/sched-blame.py sched.data DAEMON_PID,CLIENT_PID [MIN_MS]

For every wait of at least MIN_MS (0.5) between a thread of those processes being woken and
running (`perf sched timehist`'s scheduling delay), sums the time each task ran on that core
meanwhile, and prints the tasks that held the cores longest: threads of the two processes by
name and thread id, other processes by name and process id (Benchmarks/README.md, "The read path,
third round").
"""
import collections
import re
import subprocess
import sys


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    data, pids = sys.argv[1], set(sys.argv[2].split(","))
    least = float(sys.argv[3]) if len(sys.argv) > 3 else 0.5
    lines = subprocess.run(
        ["perf", "sched", "timehist", "-i", data], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    # time, cpu, task name [tid/pid], wait, scheduling delay, run time (ms), at each switch-out.
    pattern = re.compile(r"\s*([\d.]+)\s+\[(\d+)\]\s+(.*?)\[(\d+)(?:/(\d+))?\]\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)")
    rows = []
    for line in lines:
        found = pattern.match(line)
        if found:
            at, cpu, name, tid, pid, _, delay, run = found.groups()
            rows.append((float(at), int(cpu), name.strip(), tid, pid or tid, float(delay), float(run)))
    ran = collections.defaultdict(list)
    for at, cpu, name, tid, pid, _, run in rows:
        ran[cpu].append((at - run / 1000, at, name, tid, pid))
    held = collections.Counter()
    waits = 0
    for at, cpu, _, _, pid, delay, run in rows:
        if pid not in pids or delay < least:
            continue
        waits += 1
        start, end = at - (run + delay) / 1000, at - run / 1000
        for began, ended, name, tid, other in ran[cpu]:
            if ended > start and began < end:
                who = f"ours  {name}[{tid}/{other}]" if other in pids else f"other {name}[{other}]"
                held[who] += (min(ended, end) - max(began, start)) * 1000
    print(f"{waits} waits of {least} ms or more for a core; {sum(held.values()):.1f} ms of the cores held by:")
    for who, ms in held.most_common(15):
        print(f"  {ms:8.1f} ms  {who}")


if __name__ == "__main__":
    main()
