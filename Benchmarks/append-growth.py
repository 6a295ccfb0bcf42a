#!/usr/bin/env python3
"""SQLite's side of an append as the ledger grows, without the daemon: the schema of
Sources/NoaberStore/Schema.swift (all its migrations, or the first VERSION of them), the rows LedgerStore.append writes for a two-posting transaction (entry, postings,
balances, Merkle nodes, checkpoint), in groups as the group-commit writer makes them, with
synchronous=FULL. The WAL is checkpointed by this script every ~4 MB, not by SQLite, so that its
pages can be counted: each tenth of the run prints the WAL pages and KiB written per entry (they
repeat exactly from run to run, unlike times on a shared machine) and the process's CPU per entry.

  Benchmarks/append-growth.py DB ENTRIES [GROUP] ["SQL run after the schema; …"]
  VERSION=10 Benchmarks/append-growth.py /tmp/g.sqlite 120000 30   (the schema before version 11:
      two posting indexes, the balances in the accounts rows)
  VERSION=12 …      (the Merkle nodes keyed by (level, idx), as before version 13)
  PAGE_SIZE=2048 Benchmarks/append-growth.py /tmp/g.sqlite 120000 30
  Benchmarks/append-growth.py /tmp/g.sqlite 120000 30 "DROP INDEX postings_by_account"
  NO_BALANCES=1 …   (leave out the balance updates)
  NO_MERKLE=1 …     (leave out the Merkle nodes)
"""
import hashlib
import os
import random
import re
import sqlite3
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
schema = open(os.path.join(root, "Sources/NoaberStore/Schema.swift")).read()
migrations = re.findall(r'sql: """\n(.*?)"""', schema, re.S)[: int(os.environ.get("VERSION", "1000"))]
path, total = sys.argv[1], int(sys.argv[2])
group = int(sys.argv[3]) if len(sys.argv) > 3 else 30
extra = sys.argv[4] if len(sys.argv) > 4 else ""
page = int(os.environ.get("PAGE_SIZE", "4096"))
for name in (path, path + "-wal", path + "-shm"):
    if os.path.exists(name):
        os.remove(name)
db = sqlite3.connect(path, isolation_level=None)
db.execute(f"PRAGMA page_size = {page}")
for pragma in ("journal_mode = WAL", "synchronous = FULL", "secure_delete = ON", "wal_autocheckpoint = 0"):
    db.execute(f"PRAGMA {pragma}")
for sql in migrations:
    db.executescript(sql)
for sql in extra.split(";"):
    if sql.strip():
        db.execute(sql)
# As gen_workload.py's default community: 2,000 volunteers, 20 organisations, 100 shops.
accounts = [f"vol:{i:05d}" for i in range(2000)] + [f"org:{i:03d}" for i in range(20)]
accounts += [f"shop:{i:03d}" for i in range(100)]
# From version 11 the balances are a table of their own, no longer a column of the accounts rows.
narrow = db.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'balances'").fetchone()[0] == 1
update = f"UPDATE {'balances' if narrow else 'accounts'} SET balance = balance + ? WHERE account = ?"
# From version 13 a node's key is pos = last · 64 + level, last the leaf that completes it.
by_pos = any(row[1] == "pos" for row in db.execute("PRAGMA table_info(merkle_nodes)"))
node_insert = ("INSERT INTO merkle_nodes (pos, level, idx, hash) VALUES ((?1 << 6) + ?2, ?2, ?3, ?4)" if by_pos
               else "INSERT INTO merkle_nodes (level, idx, hash) VALUES (?2, ?3, ?4)")
db.execute("BEGIN")
for account in accounts:
    db.execute(
        f"INSERT INTO accounts (account, kind, name, min_balance, controllers, status, opened_seq{'' if narrow else ', balance'})"
        f" VALUES (?, 'member', ?, 0, ?, 'open', 1{'' if narrow else ', 0'})", (account, account, "k" * 64))
    if narrow:
        db.execute("INSERT INTO balances VALUES (?, 0)", (account,))
db.execute("COMMIT")
rng = random.Random(1)
payload, signature = os.urandom(320), os.urandom(64)
balances = not os.environ.get("NO_BALANCES")
merkle = not os.environ.get("NO_MERKLE")
seq, frames, cpu, step = 0, 0, time.process_time(), total // 10
while seq < total:
    db.execute("BEGIN IMMEDIATE")
    for _ in range(group):
        seq += 1
        digest = hashlib.sha256(str(seq).encode()).digest()
        db.execute(
            "INSERT INTO entries VALUES (?, ?, 'tx', ?, ?, ?, '2026-12-07T04:00:00.000Z', ?, ?)",
            (seq, f"T{seq:07d}", "k" * 32, payload, signature, digest, digest))
        for idx, (account, amount) in enumerate(((rng.choice(accounts), -100), (rng.choice(accounts), 100))):
            db.execute(
                "INSERT INTO postings (seq, idx, account, amount, care_date) VALUES (?, ?, ?, ?, '2024-05-01')",
                (seq, idx, account, amount))
            if balances:
                db.execute(update, (amount, account))
        # The leaf, and the node of each subtree this leaf completes.
        level, index = 0, seq - 1
        if merkle:
            db.execute(node_insert, (seq - 1, level, index, digest))
        while merkle and index % 2 == 1:
            level, index = level + 1, index // 2
            db.execute(node_insert, (seq - 1, level, index, digest))
    db.execute("INSERT OR REPLACE INTO checkpoint VALUES (1, ?, ?, ?, '2026-12-07T04:00:00.000Z')", (seq, digest, "n" * 240))
    db.execute("COMMIT")
    wal = (os.path.getsize(path + "-wal") - 32) // (page + 24)
    if wal * page >= 4_096_000:
        frames += wal
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if seq % step < group:
        now = time.process_time()
        print(
            f"{seq:8d} entries: {frames / step:5.1f} WAL pages, {frames * page / step / 1024:5.1f} KiB per entry;"
            f" CPU {1e6 * (now - cpu) / step:4.0f} µs per entry; file {os.path.getsize(path) >> 20} MiB",
            flush=True)
        frames, cpu = 0, now
