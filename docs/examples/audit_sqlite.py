#!/usr/bin/env python3
"""Audit a Noaber ledger's SQLite file, format version 1.

Written from docs/FORMAT.md alone, without reading any Noaber source code: it shows that the
document is enough to check a ledger. Only the `entries` table is evidence (FORMAT.md §6): the
script replays it under §4 and §5, checks every signature with the `openssl` command (§7), and
then compares the derived `postings` and `accounts` tables with the replay.

    python3 audit_sqlite.py PATH/noaber.sqlite [--json]

Exit status: 0 when everything holds; 2 at the first failure ("FAIL entry N: reason", or
"FAIL: reason" for a derived-table fault that belongs to no entry); 1 on usage or I/O errors.
With --json, "entries" and "head" describe the prefix of the chain that checked out.
Where FORMAT.md leaves a choice open, a comment marked "Reading:" says which one this takes.
"""
import argparse, hashlib, json, os, re, sqlite3, subprocess, sys, tempfile, urllib.parse
from datetime import datetime

sys.set_int_max_str_digits(0)  # payloads are at most 64 KiB; huge numbers then fail range checks
I64_MIN, I64_MAX = -2**63, 2**63 - 1
# [0-9], never \d: in Python \d also matches non-ASCII digits. "hex" is lowercase (conventions).
HEX32, HEX64 = re.compile(r"[0-9a-f]{32}"), re.compile(r"[0-9a-f]{64}")
ENTRY_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
PART = r"[a-z0-9][a-z0-9._-]*"
ACCOUNT_ID = re.compile(rf"(?=.{{1,64}}\Z){PART}(?::{PART})*")
CODE = re.compile(r"[A-Z0-9]{2,12}")
TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")
HOURS = re.compile(r"([0-9]+)(?:\.([0-9]{1,2}))?")  # Reading: "01.5" and "1.50" are allowed
ROLES, ACCOUNT_KINDS = ("admin", "operator", "member", "auditor"), ("issuer", "member", "merchant")
# §2: each kind's fields besides v/ledger/id/kind, as (required, optional). Others are refused.
SHAPES = {"ledger.init": ({"name", "currency", "hour_rate", "admin_key", "nonce"}, set()),
          "key.add": ({"key"}, set()), "key.revoke": ({"key_id"}, {"reason"}),
          "account.open": ({"account", "account_kind", "name", "min_balance", "controllers"}, set()),
          "tx": ({"purpose", "postings"}, {"memo", "hours", "hour_rate"})}
# Reading of §2's arrows, as (kinds a tx may take from, kinds it may pay): a transfer moves
# between members and merchants in either direction.
PURPOSES = {"credit": ({"issuer"}, {"member"}), "redeem": ({"member"}, {"merchant"}),
            "transfer": ({"member", "merchant"}, {"member", "merchant"})}
SPKI = bytes.fromhex("302a300506032b6570032100")
# §2: small-order points, compared with the last byte's top (sign) bit cleared.
SMALL_ORDER = {bytes.fromhex(h) for h in (
    "00" * 32, "01" + "00" * 31,
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "ec" + "ff" * 30 + "7f", "ed" + "ff" * 30 + "7f", "ee" + "ff" * 30 + "7f")}  # §7: raw Ed25519 key -> DER SubjectPublicKeyInfo


class Bad(Exception):
    """A rule does not hold. seq is None for derived-table faults that belong to no entry."""
    def __init__(self, reason, seq=None):
        super().__init__(reason)
        self.reason, self.seq = reason, seq


def need(ok, reason):
    if not ok:
        raise Bad(reason)


def is_int(x, lo=I64_MIN, hi=I64_MAX):
    return type(x) is int and lo <= x <= hi  # type(), not isinstance: JSON true is no integer


def is_text(x, lo=0, hi=None, controls=True):
    # Reading: "characters" are Unicode code points; "control characters" are C0, DEL and C1.
    return type(x) is str and lo <= len(x) <= (len(x) if hi is None else hi) and \
        (controls or not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in x))


def shape(obj, what, required, optional=frozenset()):
    """§2: an object has its fields and no others (Reading: nested objects too)."""
    need(type(obj) is dict, f"{what} is not a JSON object")
    unknown, missing = set(obj) - required - optional, required - set(obj)
    need(not unknown, f"{what} has unknown field(s): {', '.join(sorted(unknown))}")
    need(not missing, f"{what} lacks field(s): {', '.join(sorted(missing))}")


def parse(raw):
    """§2: one JSON object, UTF-8, at most 65,536 bytes, integers only."""
    need(len(raw) <= 65536, "payload is larger than 65,536 bytes")
    def pairs(kv):  # Reading: a repeated name makes the object ambiguous, so it is refused
        need(len({k for k, _ in kv}) == len(kv), "payload repeats a field name")
        return dict(kv)
    def no_float(s):
        raise Bad(f"payload has a non-integer number {s}")
    try:  # decode first: json.loads(bytes) would also accept UTF-16 and UTF-32
        p = json.loads(raw.decode("utf-8"), object_pairs_hook=pairs, parse_float=no_float,
                       parse_constant=no_float)
        json.dumps(p, ensure_ascii=False).encode("utf-8")  # refuses escaped lone surrogates
        return p
    except (ValueError, RecursionError) as e:  # UnicodeError is a ValueError
        raise Bad(f"payload is not valid UTF-8 JSON ({e})")


class Auditor:
    def __init__(self, db, tmp):
        self.db, self.tmp = db, tmp
        self.n, self.head, self.at = 0, bytes(32), ""  # entries checked, their head hash and time
        self.ledger = self.hour_rate = None
        self.keys = {}      # key id -> {"role", "revoked", "der" (path of its DER file)}
        self.accounts = {}  # account id -> {"kind", "min", "controllers", "balance"}
        self.ids = set()    # entry ids (§1: unique in a ledger)

    def entry(self, seq, eid, kind, kid, payload, sig, at, prev, h):
        # §5.1 and §4: the entry's place in the chain, and its hash.
        need(seq == self.n + 1, f"missing: the entry after seq {self.n} has seq {seq}")
        need(all(type(b) is bytes for b in (payload, sig, prev, h)), "a BLOB column holds text")
        need(type(kid) is str and HEX32.fullmatch(kid), "key_id is not 32 hex characters")
        need(len(sig) == 64, "signature is not 64 bytes")
        need(prev == self.head, f"prev_hash is not the hash of entry {seq - 1}")
        need(type(at) is str and TIME.fullmatch(at), "committed_at is not YYYY-MM-DDTHH:MM:SS.mmmZ")
        try:
            datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ")
        except ValueError:
            raise Bad(f"committed_at {at} is not a real time")
        need(at >= self.at, f"committed_at {at} is earlier than the previous entry's {self.at}")
        header = f"noaber:chain:v1\n{seq}\n{prev.hex()}\n{at}\n{kid}\n{sig.hex()}\n".encode()
        need(hashlib.sha256(header + payload).digest() == h, "hash does not match §4")
        # §5.2: a payload of one kind, with v = 1. The entry_id and kind columns are not covered
        # by the hash, so they must repeat the signed payload (Reading: FORMAT.md does not say).
        p = parse(payload)
        need(type(p) is dict and type(p.get("kind")) is str and p["kind"] in SHAPES,
             "payload is not an object of a known kind")
        required, optional = SHAPES[p["kind"]]
        shape(p, "payload", required | {"v", "ledger", "id", "kind"}, optional)
        need(is_int(p["v"]) and p["v"] == 1, "v is not 1")
        need(type(p["id"]) is str and ENTRY_ID.fullmatch(p["id"]), "id is not a valid entry id")
        need(p["id"] not in self.ids, f"entry id {p['id']} is used twice")
        need(p["id"] == eid and p["kind"] == kind, "entry_id/kind columns differ from the payload")
        # §5.3: entry 1, and only entry 1, is ledger.init; every payload names this ledger.
        need((seq == 1) == (kind == "ledger.init"), "entry 1, and only entry 1, is ledger.init")
        if seq == 1:
            self.init(p, kid)
        need(p["ledger"] == self.ledger, "payload's ledger is not this ledger's id")
        # §5.4: a key registered and not revoked by an earlier entry signed §3's message.
        signer = self.keys.get(kid)
        need(signer is not None, f"signing key {kid} was not registered by an earlier entry")
        need(not signer["revoked"], f"signing key {kid} was revoked by an earlier entry")
        self.verify(signer["der"], b"noaber:entry:v1\n" + self.ledger.encode() + b"\n" + payload, sig)
        # §5.5-§5.7, per kind (ledger.init was checked above, before its key could verify).
        rules = {"key.add": self.key_add, "key.revoke": self.key_revoke,
                 "account.open": self.account_open, "tx": self.tx}.get(kind)
        postings = (rules and rules(p, kid, signer["role"])) or []  # only tx returns postings
        # §6: the postings table repeats each tx's postings in payload order. Reading: idx
        # counts from 0, as in the databases seen (FORMAT.md does not say).
        stored = self.db.execute("SELECT idx, account, amount FROM postings WHERE seq = ? "
                                 "ORDER BY idx", (seq,)).fetchall()
        need(stored == [(i, a, x) for i, (a, x) in enumerate(postings)],
             "the postings table differs from the payload's postings")
        self.ids.add(p["id"])
        self.n, self.head, self.at = seq, h, at

    def init(self, p, kid):
        need(type(p["ledger"]) is str and HEX32.fullmatch(p["ledger"]), "ledger is not 32 hex chars")
        need(is_text(p["name"], 1, 200, controls=False), "name is not 1-200 plain characters")
        c = p["currency"]
        shape(c, "currency", {"code", "name", "scale"})
        need(type(c["code"]) is str and CODE.fullmatch(c["code"]), "currency code is not 2-12 A-Z0-9")
        need(is_text(c["name"]) and is_int(c["scale"], 0, 8), "currency name or scale is invalid")
        need(is_int(p["hour_rate"], 1), "hour_rate is not a positive integer")
        admin, role = self.new_key(p["admin_key"], "admin_key")
        need(role == "admin", "admin_key's role is not admin")
        need(kid == admin, "ledger.init is not signed by the admin_key it names")
        # §1: the ledger id is derived from the admin key and the nonce.
        need(type(p["nonce"]) is str and HEX32.fullmatch(p["nonce"]), "nonce is not 32 hex chars")
        derived = hashlib.sha256(b"noaber:ledger:v1\n" + bytes.fromhex(p["admin_key"]["public_key"])
                                 + bytes.fromhex(p["nonce"])).hexdigest()[:32]
        need(p["ledger"] == derived, f"ledger id is not the one admin_key and nonce make ({derived})")
        self.ledger, self.hour_rate = p["ledger"], p["hour_rate"]

    def new_key(self, k, what):
        """Register a {public_key, label, role} object; return its key id and role."""
        shape(k, what, {"public_key", "label", "role"})
        need(type(k["public_key"]) is str and HEX64.fullmatch(k["public_key"]),
             f"{what}.public_key is not 64 hex characters")
        need(is_text(k["label"]) and k["role"] in ROLES, f"{what} has a bad label or role")
        raw = bytes.fromhex(k["public_key"])
        need(raw[:31] + bytes([raw[31] & 0x7F]) not in SMALL_ORDER, f"{what}.public_key is a small-order point")
        kid = hashlib.sha256(raw).hexdigest()[:32]  # §1
        need(kid not in self.keys, f"key {kid} is registered twice")  # §5.6
        der = os.path.join(self.tmp, kid + ".der")  # one DER file per key, reused for each entry
        with open(der, "wb") as f:
            f.write(SPKI + raw)
        self.keys[kid] = {"role": k["role"], "revoked": False, "der": der}
        return kid, k["role"]

    def verify(self, der, message, sig):
        msg, sigf = os.path.join(self.tmp, "message.bin"), os.path.join(self.tmp, "sig.bin")
        for path, data in ((msg, message), (sigf, sig)):
            with open(path, "wb") as f:
                f.write(data)
        r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey",
                            der, "-rawin", "-in", msg, "-sigfile", sigf], capture_output=True)
        need(r.returncode == 0, "signature does not verify")

    def key_add(self, p, kid, role):
        need(role == "admin", "key.add is not signed by an admin")
        self.new_key(p["key"], "key")

    def key_revoke(self, p, kid, role):
        need("reason" not in p or is_text(p["reason"]), "reason is not a string")
        need(role == "admin", "key.revoke is not signed by an admin")
        target = self.keys.get(p["key_id"]) if type(p["key_id"]) is str else None
        # Reading: revoking an unknown or an already revoked key is an error.
        need(target is not None and not target["revoked"], "key_id is not a registered, active key")
        admins = sum(k["role"] == "admin" and not k["revoked"] for k in self.keys.values())
        need(target["role"] != "admin" or admins > 1, "revokes the last active admin")
        target["revoked"] = True

    def account_open(self, p, kid, role):
        need(role in ("admin", "operator"), "account.open is not signed by an admin or operator")
        acct, kind, low, ctl = p["account"], p["account_kind"], p["min_balance"], p["controllers"]
        need(type(acct) is str and ACCOUNT_ID.fullmatch(acct), "account is not a valid account id")
        need(kind in ACCOUNT_KINDS and is_text(p["name"]), "account_kind or name is invalid")
        need(is_int(low) and (low <= 0 if kind == "issuer" else low >= 0),
             "min_balance is not an integer, <= 0 for an issuer and >= 0 otherwise")
        need(type(ctl) is list and 1 <= len(ctl) <= 16 and all(type(c) is str for c in ctl),
             "controllers is not a list of 1-16 key ids")
        need(len(set(ctl)) == len(ctl), "controllers lists a key twice")  # Reading: refused
        for c in ctl:  # §5.6
            k = self.keys.get(c)
            need(k and not k["revoked"] and k["role"] != "auditor",
                 f"controller {c} is not a registered, unrevoked, non-auditor key")
        need(acct not in self.accounts, f"account {acct} is opened twice")
        self.accounts[acct] = {"kind": kind, "min": low, "controllers": set(ctl), "balance": 0}

    def tx(self, p, kid, role):
        purpose, ps = p["purpose"], p["postings"]
        need(type(purpose) is str and purpose in PURPOSES, "purpose is not credit, transfer or redeem")
        need(type(ps) is list and 2 <= len(ps) <= 100, "postings is not a list of 2-100")
        for x in ps:  # §5.7: every account exists (Reading: no entry kind closes one)
            shape(x, "posting", {"account", "amount"})
            need(is_int(x["amount"]) and x["amount"] != 0, "an amount is zero or not 64-bit")
            need(type(x["account"]) is str and x["account"] in self.accounts,
                 f"account {x['account']} does not exist")
        postings = [(x["account"], x["amount"]) for x in ps]
        need(len({a for a, _ in postings}) == len(postings), "an account is posted twice")
        need(sum(x for _, x in postings) == 0, "postings do not sum to 0")
        credited = sum(x for _, x in postings if x > 0)
        # With the credited total in range, every partial sum, in any order, is in range too.
        need(credited <= I64_MAX, "postings overflow 64 bits")
        need("memo" not in p or is_text(p["memo"], 0, 500), "memo is not text of up to 500 chars")
        for a, x in postings:
            if x < 0:  # §5.5
                need(kid in self.accounts[a]["controllers"], f"signing key does not control {a}")
            have = self.accounts[a]["kind"]
            need(have in PURPOSES[purpose][x > 0],
                 f"a {purpose} cannot {'pay' if x > 0 else 'take from'} {a} ({have} account)")
        need(("hours" in p) == ("hour_rate" in p), "hours and hour_rate are not present together")
        if "hours" in p:
            need(purpose == "credit", "hours on a tx that is not a credit")
            m = HOURS.fullmatch(p["hours"]) if type(p["hours"]) is str else None
            need(m, "hours is not a decimal with at most two decimals")
            need(is_int(p["hour_rate"]) and p["hour_rate"] == self.hour_rate,
                 "hour_rate is not the ledger's")
            hundredths = int(m[1]) * 100 + int((m[2] or "").ljust(2, "0"))  # integers only
            need(credited * 100 == hundredths * self.hour_rate, "credited total != hours x hour_rate")
        for a, x in postings:
            acct = self.accounts[a]
            acct["balance"] += x
            need(is_int(acct["balance"]), f"balance of {a} overflows 64 bits")
            need(x > 0 or acct["balance"] >= acct["min"], f"{a} would go below its min_balance")
        return postings

    def derived(self):
        """§6: the postings and accounts tables hold exactly what the replay gives."""
        for (seq,) in self.db.execute("SELECT DISTINCT seq FROM postings WHERE seq < 1 OR seq > ?",
                                      (self.n,)):
            raise Bad(f"the postings table has rows for seq {seq}, which is not an entry")
        stored = {r[0]: r[1:] for r in self.db.execute(
            "SELECT account, kind, min_balance, balance FROM accounts")}
        for a in sorted(set(stored) | set(self.accounts)):
            need(a in self.accounts, f"the accounts table has {a}, which no entry opened")
            need(a in stored, f"the accounts table lacks {a}, opened by the chain")
            mine = self.accounts[a]
            need(stored[a][:2] == (mine["kind"], mine["min"]), f"kind or min_balance of {a} differ")
            need(stored[a][2] == mine["balance"],
                 f"balance of {a} is {stored[a][2]}, the replay gives {mine['balance']}")


def main():
    ap = argparse.ArgumentParser(description="Audit a Noaber SQLite ledger (FORMAT.md v1).")
    ap.error = lambda msg: sys.exit(f"{ap.format_usage()}error: {msg}")  # exit 1, not argparse's 2
    ap.add_argument("db", help="path of noaber.sqlite (best a copy made with .backup)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    if not os.path.isfile(args.db):
        sys.exit(f"error: no such file: {args.db}")
    failure = None
    try:
        db = sqlite3.connect(f"file:{urllib.parse.quote(args.db)}?mode=ro", uri=True)
        with tempfile.TemporaryDirectory() as tmp:
            auditor = Auditor(db, tmp)
            for row in db.execute("SELECT seq, entry_id, kind, key_id, payload, signature, "
                                  "committed_at, prev_hash, hash FROM entries ORDER BY seq"):
                try:
                    auditor.entry(*row)
                except Bad as e:
                    raise Bad(e.reason, auditor.n + 1)  # the entry that should come next
            auditor.derived()
    except Bad as e:
        failure = {"seq": e.seq, "reason": e.reason}
    except (sqlite3.Error, OSError) as e:  # OSError includes a missing openssl
        sys.exit(f"error: {e}")
    head = auditor.head.hex()
    if args.json:
        print(json.dumps({"ok": not failure, "entries": auditor.n, "head": head,
                          "failure": failure}))
    elif failure:
        where = "" if failure["seq"] is None else f" entry {failure['seq']}"
        print(f"FAIL{where}: {failure['reason']}")
    else:
        print(f"OK: {auditor.n} entries, {len(auditor.accounts)} accounts, "
              f"{len(auditor.keys)} keys, head {head}")
    return 2 if failure else 0


if __name__ == "__main__":
    sys.exit(main())
