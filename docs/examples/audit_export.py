#!/usr/bin/env python3
"""Audit a Noaber jsonl export (`noaber export --format jsonl`, FORMAT.md §13).

Written from docs/FORMAT.md (and PROTOCOL.md's `ledger.state`, which §13 refers to) without reading
any Noaber source code. The entries are checked exactly as audit_sqlite.py checks the `entries`
table, by the same code (imported from it): the chain (§4), the rules (§5), every signature with
`openssl`, the Merkle root (§9), reversals included (§2: each mirrors an earlier transaction, once),
and the rules that depend on time (§5 rule 8, §15): claims decided once and before they expire, and
the demurrage schedule, whose charges the replay computes from each entry's committed_at.
Then the header's `state` must equal the replay: the ledger's settings, every key, every account
with its balance, every care category (each list in §13's order), the adjustable `settings` (claim
expiry, and demurrage with §15's next and cursor after the head entry), the row counts, `head_seq`,
and `table_rows`, the rows of every derived table, which must be those the chain explains (§13's
`state` lists no reversal or claim, so the replay checks those and the counts). Its `checkpoint`, and
every checkpoint given with --checkpoint, must be a signed note (§10) whose root is the root of the
first `size` entries of this export.

    python3 audit_export.py ledger.jsonl [--json] [--log-key VERIFIER_KEY] [--checkpoint FILE]...

Exit status and output are audit_sqlite.py's: 0 and "OK: …" when everything holds; 2 and
"FAIL entry N: reason" or "FAIL: reason" at the first failure; 1 on usage or I/O errors.
Where FORMAT.md leaves a choice open, a comment marked "Reading:" says which one this takes.
"""
import argparse, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from audit_sqlite import Bad, need, loads, shape, b64, is_int, add_options, finish, TIME  # noqa: E402

HEX = {n: re.compile(f"[0-9a-f]{{{n}}}") for n in (32, 64, 128)}
ENTRY_FIELDS = {"seq", "id", "kind", "key_id", "payload", "signature", "committed_at",
                "prev_hash", "hash", "postings"}
# §13, PROTOCOL.md: ledger is absent before ledger.init. Reading: categories may be absent too, in
# an export from before categories existed; the chain must then set none. Likewise settings, in an
# export from before ledger.settings existed; the chain must then have no ledger.settings entry.
STATE_FIELDS = ({"head_seq", "entry_rows", "posting_rows", "keys", "accounts"},
                {"ledger", "checkpoint", "categories", "settings", "checkpoint_row", "table_rows"})
# §13: table_rows counts the rows of each derived table of §6 (absent from older exports).
TABLES = ("ledger", "settings", "checkpoint", "merkle_nodes", "claims", "reversals", "personal_data",
          "personal_subjects")


def hexbytes(text, n, what):
    need(type(text) is str and HEX[n].fullmatch(text), f"{what} is not {n} lowercase hex characters")
    return bytes.fromhex(text)


def entry_line(line):
    """§13: one entry line as the columns of §6's entries row, plus its stored postings."""
    e = loads(line, "the line")
    shape(e, "the line", ENTRY_FIELDS)
    need(is_int(e["seq"]), "seq is not an integer")
    need(type(e["payload"]) is str, "payload is not a string")
    # §13: standard base64 with padding (RFC 4648 §4), written the one canonical way.
    payload = b64(e["payload"], "payload")
    ps = e["postings"]
    need(type(ps) is list, "postings is not a list")
    for x in ps:
        shape(x, "a stored posting", {"account", "amount"})
    return (e["seq"], e["id"], e["kind"], e["key_id"], payload,
            hexbytes(e["signature"], 128, "signature"), e["committed_at"],
            hexbytes(e["prev_hash"], 64, "prev_hash"), hexbytes(e["hash"], 64, "hash"),
            [(i, x["account"], x["amount"]) for i, x in enumerate(ps)])


def compare(what, stored, replayed, key, order):
    """Compare a list of objects from `state` with the replay's, matched by their `key` field; none
    may be missing, extra or repeated, and the list is in §13's order: `order` of each object
    increases strictly."""
    need(type(stored) is list and all(type(x) is dict and key in x for x in stored),
         f"state: {what} is not a list of objects with {key}")
    by_id = {x[key]: x for x in stored}
    need(len(by_id) == len(stored), f"state: {what}s list one {key} twice")
    for k in sorted(set(by_id) | set(replayed), key=str):
        need(k in replayed, f"state: {what} has {k}, which the chain does not")
        need(k in by_id, f"state: {what} lacks {k}, which the chain has")
        got, want = by_id[k], replayed[k]
        for field in sorted(set(got) | set(want)):
            need(got.get(field) == want.get(field), f"state: {field} of {what} {k} is "
                 f"{got.get(field, 'absent')!r}, the replay gives {want.get(field, 'absent')!r}")
    ranks = [order(x) for x in stored]
    for a, (x, y) in zip(stored[1:], zip(ranks, ranks[1:])):
        need(x < y, f"state: the {what}s are out of §13's order at {a[key]}")


def same_object(what, got, want):
    """state's object `what` has exactly the replay's fields and values (JSON types too)."""
    need(type(got) is dict, f"state: {what} is not an object")
    for field in sorted(set(got) | set(want)):
        g, w = got.get(field), want.get(field)
        if type(w) is dict and type(g) is dict:
            same_object(f"{what}.{field}", g, w)
        else:
            # A field is there exactly when the replay has it: §13 leaves fields out, never null.
            need((field in got) == (field in want) and type(g) is type(w) and g == w,
                 f"state: {what}.{field} is {'absent' if field not in got else repr(g)}, "
                 f"the replay gives {'absent' if field not in want else repr(w)}")


def check_rows(state, auditor, texts):
    """§13: table_rows gives each derived table the rows the chain explains; checkpoint_row is
    its note's size and root, and a time in §4's form."""
    if "table_rows" in state:
        rows = state["table_rows"]
        shape(rows, "state: table_rows", set(TABLES))
        n, subjects = auditor.n, auditor.personal.subjects if auditor.version == 2 else {}
        want = {"ledger": 0 if auditor.settings is None else 1, "checkpoint": int("checkpoint" in state),
                "merkle_nodes": sum(n >> level for level in range(n.bit_length())),
                "claims": len(auditor.claims), "reversals": len(auditor.reversed),
                "personal_subjects": sum(len(seqs) for seqs in subjects.values()),
                "personal_data": 0 if auditor.version != 2 else texts}
        need(is_int(rows["settings"]) and rows["settings"] in (0, 1), "state: table_rows.settings is not 0 or 1")
        for table, count in want.items():
            need(count is None or (is_int(rows[table]) and rows[table] == count),
                 f"state: table_rows.{table} is {rows[table]!r}, the chain explains {count}")
    if "checkpoint_row" in state:
        row = state["checkpoint_row"]
        shape(row, "state: checkpoint_row", {"tree_size", "root", "signed_at"})
        need("checkpoint" in state, "state: checkpoint_row without a checkpoint")
        size, root = auditor.checkpoint(state["checkpoint"])
        need(row["tree_size"] == size and row["root"] == root.hex(),
             "state: checkpoint_row's tree_size and root are not its note's")
        need(type(row["signed_at"]) is str and TIME.fullmatch(row["signed_at"]),
             "state: checkpoint_row.signed_at is not YYYY-MM-DDTHH:MM:SS.mmmZ")


def check_state(state, auditor, lines, texts=None):
    """§13: the header's state is what the replay of its entries gives."""
    shape(state, "state", *STATE_FIELDS)
    need(is_int(state["head_seq"], 0), "state: head_seq is not a count")
    need(lines == state["head_seq"], f"the export holds {lines} entries, its state's head_seq is "
         f"{state['head_seq']}")
    # §13: entry_rows and posting_rows count the stored rows of §6's entries and postings tables.
    need(state["entry_rows"] == auditor.n, f"state: entry_rows is {state['entry_rows']!r}, "
         f"the chain has {auditor.n} entries")
    need(state["posting_rows"] == auditor.postings, f"state: posting_rows is "
         f"{state['posting_rows']!r}, the chain's transactions have {auditor.postings} postings")
    need(("ledger" in state) == (auditor.settings is not None),
         "state: ledger is present without ledger.init, or absent after it")
    if auditor.settings is not None:
        compare("ledger", [state["ledger"]], {auditor.ledger: auditor.settings}, "ledger_id", lambda x: 0)
    # PROTOCOL.md key.list: revoked_seq is absent while the key is active.
    compare("key", state["keys"], {kid: {"key_id": kid, "public_key": k["public_key"],
            "label": k["label"], "role": k["role"], "added_seq": k["added"],
            **({} if k["revoked"] is None else {"revoked_seq": k["revoked"]})}
            for kid, k in auditor.keys.items()}, "key_id",
            lambda x: (x["added_seq"], x["role"] == "log"))  # §13: entry 1's admin key, then its log key
    # §13: controllers keep the order the last account.open or account.update gave them.
    compare("account", state["accounts"], {a: {"account": a, "kind": x["kind"], "name": x["name"],
            "status": x["status"], "min_balance": x["min"], "balance": x["balance"],
            "controllers": x["controllers"], "opened_seq": x["opened"]}
            for a, x in auditor.accounts.items()}, "account", lambda x: x["account"].encode())
    # §13, PROTOCOL.md category.list: every category as the last category.set left it; [] if none.
    if "categories" in state:
        compare("category", state["categories"], {c: {"category": c, "name": x["name"],
                "hour_rate": x["hour_rate"], "set_seq": x["set"]}
                for c, x in auditor.categories.items()}, "category", lambda x: x["category"].encode())
    else:
        need(not auditor.categories, "state: categories is absent, but the chain sets categories")
    # §13: settings is {"claim_expiry_days", "demurrage", "language", "contact"}, demurrage, language
    # and contact absent when not set, else
    # {"rate_ppm", "period", "account", "next", "cursor"} with §15's state after the head entry.
    if "settings" in state:
        same_object("settings", state["settings"], auditor.settings_state())
    else:
        need(auditor.settings_seq is None,
             f"state: settings is absent, but entry {auditor.settings_seq} is a ledger.settings")
    if "checkpoint" in state:
        need(type(state["checkpoint"]) is str, "state: checkpoint is not a string")
    check_rows(state, auditor, texts)
    return auditor.checkpoint(state["checkpoint"])[0] if "checkpoint" in state else None


def check_export(f, auditor):
    """Read the header, replay every entry line, then compare the state and check its checkpoint."""
    def lines():
        for number, line in enumerate(f, 1):
            # §13: every line, the last one too, ends in "\n".
            need(line.endswith(b"\n"), f"line {number} does not end in a newline")
            yield line[:-1]
    rows = lines()
    header = loads(next(rows, None) or b"", "the header")
    shape(header, "the header", {"format", "version", "exported_at", "state"}, {"personal_data"})
    need(header["format"] == "noaber-export" and header["version"] == 1,
         "the header is not format noaber-export, version 1")
    # §13: exported_at is not evidence (nothing signs it); it is only required to be there.
    state = header["state"]
    need(type(state) is dict and is_int(state.get("head_seq"), 0), "state: head_seq is not a count")
    # §13: personal_data is "included" or "omitted" for a version 2 ledger, absent for version 1.
    personal = header.get("personal_data")
    need(personal in (None, "included", "omitted"), "personal_data is not included or omitted")
    count, marker = 0, None
    for line in rows:
        # §13: the personal part starts with its own marker line, after the entries.
        if personal == "included" and line.startswith(b"{") and b'"part"' in line:
            marker = loads(line, "the personal part's marker")
            shape(marker, "the personal part's marker", {"part", "count"})
            need(marker["part"] == "personal-data" and is_int(marker["count"], 0),
                 "the personal part's marker is malformed")
            break
        count += 1
        try:
            need(count <= state["head_seq"], f"line {count + 1} is more than head_seq's "
                 f"{state['head_seq']} entries")
            auditor.entry(*entry_line(line))
        except Bad as e:
            raise Bad(e.reason, auditor.n + 1)  # the entry that should come next
    need((personal is None) == (auditor.version != 2), "personal_data is given exactly for a version 2 ledger")
    if personal == "included":
        need(marker is not None, "the export says it includes personal data, but has no personal part")
        texts = {}
        for line in rows:
            t = loads(line, "a personal text")
            shape(t, "a personal text", {"seq", "path", "salt", "text"})
            need(is_int(t["seq"], 1) and type(t["path"]) is str and type(t["text"]) is str,
                 "a personal text is malformed")
            need((t["seq"], t["path"]) not in texts, f"entry {t['seq']}'s {t['path']} is given twice")
            texts[(t["seq"], t["path"])] = (hexbytes(t["salt"], 32, "salt"), t["text"])
        need(len(texts) == marker["count"], f"the personal part says {marker['count']} texts, "
             f"but holds {len(texts)}")
        auditor.personal.check(texts)
    return check_state(state, auditor, count, len(texts) if personal == "included" else None)


def main():
    ap = argparse.ArgumentParser(description="Audit a Noaber jsonl export (FORMAT.md §13).")
    ap.add_argument("export", help="the file `noaber export --format jsonl` wrote")
    add_options(ap)
    args = ap.parse_args()
    if not os.path.isfile(args.export):
        sys.exit(f"error: no such file: {args.export}")
    with open(args.export, "rb") as f:
        return finish(lambda auditor: check_export(f, auditor), args)


if __name__ == "__main__":
    sys.exit(main())
