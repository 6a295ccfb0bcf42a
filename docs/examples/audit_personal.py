"""Entry format version 2's personal data (FORMAT.md §16 and §5 rule 9), for the audit scripts.

Written from docs/FORMAT.md alone. A version 2 payload holds, in each personal field, the
commitment hex(SHA-256("noaber:personal:v1" 0x00 path 0x00 salt text)); the texts are kept beside
the chain (§6's personal_data table, §13's personal part of an export) until an `erase` removes
them. The replay records every commitment, which accounts each entry touches, and what each
erase covers; `check` then judges the texts found.
"""
import hashlib, re

HEX64 = re.compile(r"[0-9a-f]{64}")
# §2: each personal field's text length, as (fewest, most) characters, by kind and path.
LENGTHS = {("ledger.init", "admin_key.label"): (1, 100), ("ledger.init", "log_key.label"): (1, 100),
           ("key.add", "key.label"): (1, 100), ("key.revoke", "reason"): (0, 500),
           ("account.open", "name"): (1, 200), ("account.update", "name"): (1, 200),
           ("account.update", "reason"): (0, 500), ("claim", "memo"): (0, 500),
           ("claim.reject", "reason"): (1, 500), ("tx", "memo"): (0, 500), ("tx", "reason"): (1, 500)}
# §16's table: each kind's personal fields, by path.
PERSONAL = {"ledger.init": ("admin_key.label", "log_key.label"), "key.add": ("key.label",),
            "key.revoke": ("reason",), "account.open": ("name",), "account.update": ("name", "reason"),
            "claim": ("memo",), "claim.reject": ("reason",), "tx": ("memo", "reason")}


def field(p, path):
    """The value at a dotted path of the payload, or None where it is left out."""
    for part in path.split("."):
        if type(p) is not dict or part not in p:
            return None
        p = p[part]
    return p


def commitment(path, salt, text):
    return hashlib.sha256(b"noaber:personal:v1\x00" + path.encode() + b"\x00" + salt
                          + text.encode()).hexdigest()


class PersonalAudit:
    # The checks of audit_sqlite.py (Bad, need, shape, is_text) are handed in, so that a failure
    # here is the very exception the running script reports.
    def __init__(self, bad, need, shape, is_text, text_problem):
        self.bad, self.need, self.shape, self.is_text = bad, need, shape, is_text
        self.text_problem = text_problem
        self.commitments = {}  # (seq, path) -> commitment
        self.lengths = {}      # (seq, path) -> its text's (fewest, most) characters
        self.paths = {}        # seq -> the paths of its personal fields
        self.by_id = {}        # entry id -> seq, for entries with personal fields
        self.subjects = {}     # account -> seqs of the entries with personal data touching it
        self.erased = {}       # (seq, path) -> the first erase that covers it
        self.erasures = 0

    def record(self, seq, p, claims):
        """A version 2 entry's commitments, and the accounts whose erasure reaches it (§16)."""
        paths = []
        fields = [(path, field(p, path), LENGTHS.get((p["kind"], path))) for path in PERSONAL.get(p["kind"], ())]
        if p["kind"] == "credits":  # §17: each credit's memo, at credits[i].memo
            fields = [(f"credits[{i}].memo", c.get("memo"), (0, 500)) for i, c in enumerate(p["credits"])]
        for path, value, lengths in fields:
            if value is None:
                continue
            self.need(type(value) is str and HEX64.fullmatch(value),
                 f"{path} does not hold a commitment (64 lowercase hex characters, §16)")
            self.commitments[(seq, path)] = value
            self.lengths[(seq, path)] = lengths
            paths.append(path)
        if not paths:
            return
        self.paths[seq], self.by_id[p["id"]] = paths, seq
        kind, accounts = p["kind"], []
        if kind in ("account.open", "account.update"):
            accounts = [p["account"]]
        elif kind == "tx":
            accounts = [x["account"] for x in p["postings"]]
        elif kind == "claim":
            accounts = [p["account"], p["issuer"]]
        elif kind == "credits":
            accounts = [p["issuer"]] + [c["account"] for c in p["credits"]]
        elif kind == "claim.reject" and p["claim"] in claims:
            accounts = [claims[p["claim"]]["account"], claims[p["claim"]]["issuer"]]
        for a in dict.fromkeys(accounts):
            self.subjects.setdefault(a, []).append(seq)

    def erase(self, p, role, seq, accounts):
        """§16 erase: signed by an admin; an account, or earlier entries and their fields."""
        self.need(role == "admin", "erase is not signed by an admin")
        self.need(self.is_text(p["reason"], 1, 500, controls=False), "reason is not 1-500 plain characters")
        self.need(("account" in p) != ("entries" in p), "an erase names an account or entries, one of the two")
        if "account" in p:
            self.need(p["account"] in accounts, f"account {p['account']!r} does not exist")
            covered = [(s, path) for s in self.subjects.get(p["account"], []) for path in self.paths[s]]
        else:
            entries = p["entries"]
            self.need(type(entries) is list and 1 <= len(entries) <= 1000, "entries is not a list of 1-1000")
            covered = []
            for e in entries:
                self.shape(e, "an erased entry", {"id"}, {"fields"})
                self.need(e["id"] in self.by_id, f"entry {e['id']!r} is no earlier entry with personal data")
                s = self.by_id[e["id"]]
                fields = e.get("fields", self.paths[s])
                self.need(type(fields) is list and 1 <= len(fields) <= 16 and len(set(fields)) == len(fields)
                     and all(f in self.paths[s] for f in fields),
                     f"the fields of entry {e['id']} are not distinct personal fields it has")
                covered += [(s, f) for f in fields]
            self.need(len({e["id"] for e in entries}) == len(entries), "an erase names an entry twice")
        for key in covered:
            self.erased.setdefault(key, seq)
        self.erasures += 1

    def check(self, texts):
        """§5 rule 9: texts is {(seq, path): (salt bytes, text)}, each matching its commitment and
        obeying §2's text rules; fails at the first entry (by seq)."""
        failures = []
        for (seq, path), (salt, text) in texts.items():
            want = self.commitments.get((seq, path))
            if want is None:
                failures.append((seq, path, f"a personal text is kept at {path}, where the payload commits to none"))
            elif type(salt) is not bytes or len(salt) != 16 or type(text) is not str \
                    or commitment(path, salt, text) != want:
                failures.append((seq, path, f"the personal text at {path} does not match its commitment"))
            elif (seq, path) in self.erased:
                failures.append((seq, path, f"the personal text at {path} is still kept, although "
                                 f"erase entry {self.erased[(seq, path)]} covers it"))
            elif not self.is_text(text, *self.lengths[(seq, path)], controls=False):
                failures.append((seq, path, f"the personal text at {path} is not %d-%d plain characters"
                                 % self.lengths[(seq, path)]))
            elif self.text_problem(text):  # §2's character rule, a chain rule in version 2
                failures.append((seq, path, f"the personal text at {path} {self.text_problem(text)}"))
        for (seq, path) in self.commitments:
            if (seq, path) not in texts and (seq, path) not in self.erased:
                failures.append((seq, path, f"the personal text at {path} is missing, and no erase covers it"))
        if failures:
            seq, _, reason = min(failures)
            raise self.bad(reason, seq)
