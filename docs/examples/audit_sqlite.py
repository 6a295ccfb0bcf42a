#!/usr/bin/env python3
"""Audit a Noaber ledger's SQLite file, entry format versions 1 and 2 (schema version 13).

Written from docs/FORMAT.md alone, without reading any Noaber source code: it shows that the
document is enough to check a ledger. Only the `entries` table is evidence (FORMAT.md §6): the
script replays it under §4 and §5, checks every signature with the `openssl` command (§7),
computes the Merkle tree's root over the entries' records (§9), and then compares the derived
tables (`postings`, `accounts`, `balances`, `ledger`, `keys`, `categories`, `reversals`, `claims`, `settings`,
`merkle_nodes`, and for version 2 `personal_data` and `personal_subjects`) with the replay. The replay includes the rules that depend on time (§5 rule 8, §15): claims and
their expiry, and the demurrage schedule, whose charges it computes itself before every entry from
the entry's committed_at. When the `checkpoint` table holds a checkpoint, it must be a valid
signed note (§10) whose root is the root of the entries it covers.

    python3 audit_sqlite.py PATH/noaber.sqlite [--json] [--log-key VERIFIER_KEY] [--checkpoint FILE]...

--log-key pins the log key (the verifier key an organisation publishes, §10): checkpoints must then
be signed by it, as a log key the chain names active at the checkpoint's size, and the ledger must
have a checkpoint. --checkpoint names
a checkpoint kept from an earlier audit (`noaber checkpoint --out`); the ledger must still contain
it, i.e. have at least its size and, for that many entries, the same root (§7 "Keep the head").

Exit status: 0 when everything holds; 2 at the first failure ("FAIL entry N: reason", or
"FAIL: reason" for a fault that belongs to no entry: derived tables, checkpoints); 1 on usage or
I/O errors. With --json, "entries", "head" and "root" describe the prefix of the chain that checked
out. Where FORMAT.md leaves a choice open, a comment marked "Reading:" says which one this takes.

audit_export.py imports this file: the Auditor class below knows nothing about SQLite.
"""
import argparse, base64, hashlib, json, os, re, sqlite3, subprocess, sys, tempfile, unicodedata, urllib.parse
from datetime import date, datetime, timedelta

sys.set_int_max_str_digits(0)  # payloads are at most 64 KiB; huge numbers then fail range checks
I64_MIN, I64_MAX = -2**63, 2**63 - 1
# [0-9], never \d: in Python \d also matches non-ASCII digits. "hex" is lowercase (conventions).
HEX32, HEX64 = re.compile(r"[0-9a-f]{32}"), re.compile(r"[0-9a-f]{64}")
ENTRY_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
PART = r"[a-z0-9][a-z0-9._-]*"
ACCOUNT_ID = re.compile(rf"(?=.{{1,64}}\Z){PART}(?::{PART})*")
CODE = re.compile(r"[A-Z0-9]{2,12}")
CATEGORY_ID = re.compile(r"[a-z][a-z0-9-]{0,39}")  # §2 category.set: 1-40 of a-z 0-9 -, first a-z
TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # §2 care_date and a demurrage's period
HOURS = re.compile(r"([0-9]+)(?:\.([0-9]{1,2}))?")  # §2: "01.5" and "1.50" are allowed, as 1.5
TREE_SIZE = re.compile(r"0|[1-9][0-9]*")  # §10: decimal without leading zeros
ROLES = ("admin", "operator", "member", "auditor", "log")
ACCOUNT_KINDS = ("issuer", "member", "merchant")
STATUSES = ("open", "frozen", "closed")
CHANGES = ("status", "min_balance", "controllers", "name")  # §2: an account.update has at least one
PERIODS = ("day", "week", "month")  # §2 ledger.settings: a demurrage's period
LANGUAGES = ("nl", "en")  # §2 ledger.settings: the language statements print in
DEFAULT_EXPIRY_DAYS = 60            # §2 ledger.settings: claim_expiry_days when left out
DAY_MS = 86400000                   # §15: a claim expires claim_expiry_days x 86,400,000 ms after it
EPOCH = datetime(1970, 1, 1)
# §2: each kind's fields besides v/ledger/id/kind, as (required, optional). Others are refused.
SHAPES = {"ledger.init": ({"name", "currency", "hour_rate", "admin_key", "nonce"}, {"log_key"}),
          "key.add": ({"key"}, set()), "key.revoke": ({"key_id"}, {"reason"}),
          "account.open": ({"account", "account_kind", "name", "min_balance", "controllers"}, set()),
          "account.update": ({"account"}, {"status", "min_balance", "controllers", "name", "reason"}),
          "category.set": ({"category", "name", "hour_rate"}, set()),
          "ledger.settings": (set(), {"claim_expiry_days", "demurrage", "language", "contact"}),
          "claim": ({"account", "issuer", "hours", "hour_rate", "amount"}, {"category", "care_date", "memo"}),
          "claim.reject": ({"claim", "reason"}, set()),
          "erase": ({"reason"}, {"account", "entries"}),  # §16, version 2 only
          "credits": ({"issuer", "credits"}, set()),  # §17, version 2 only
          "tx": ({"purpose", "postings"},
                 {"memo", "hours", "hour_rate", "category", "care_date", "claim", "period", "reverses",
                  "reason"})}
# Reading of §2's arrows, as (kinds a tx may take from, kinds it may pay): a transfer moves
# between members and merchants in either direction; a reversal takes from and pays any kind.
PURPOSES = {"credit": ({"issuer"}, {"member"}), "redeem": ({"member"}, {"merchant"}),
            "transfer": ({"member", "merchant"}, {"member", "merchant"}),
            "reversal": (set(ACCOUNT_KINDS), set(ACCOUNT_KINDS)),
            "demurrage": ({"member", "merchant"}, {"issuer"})}
NOT_IN_REVERSAL = ("hours", "hour_rate", "category")  # §2: a reversal carries none of these
ONLY_ON_CREDITS = ("care_date", "claim")              # §2: "only on credits"
# §15: a demurrage carries none of these (and always a period).
NOT_IN_DEMURRAGE = ("memo", "hours", "hour_rate", "category", "care_date", "claim", "reverses", "reason")
CLAIM_FIELDS = ("hours", "hour_rate", "category", "care_date")  # §15: an approval repeats these
# §17: a credit of a batch has these besides id, account and amount, as a credit tx has them.
BATCH_CREDIT_FIELDS = ("hours", "hour_rate", "category", "care_date", "memo")
# §2 "Text fields": each kind's text fields, by path; the character rule holds for each.
TEXT_FIELDS = {"ledger.init": ("name", "currency.name", "admin_key.label", "log_key.label"),
               "key.add": ("key.label",), "key.revoke": ("reason",), "account.open": ("name",),
               "account.update": ("name", "reason"), "category.set": ("name",), "claim": ("memo",),
               "ledger.settings": ("contact",),
               "claim.reject": ("reason",), "tx": ("memo", "reason"), "erase": ("reason",)}
# §2: the format characters, as ranges of code points: Unicode 15.1's Cf and U+2028, U+2029. The
# list, not this Python's Unicode version, says which they are.
FORMAT_CHARS = ((0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
                (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E),
                (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
                (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
                (0xE0001, 0xE0001), (0xE0020, 0xE007F))
SPKI = bytes.fromhex("302a300506032b6570032100")  # §7: raw Ed25519 key -> DER SubjectPublicKeyInfo
# §2: small-order points, compared with the last byte's top (sign) bit cleared.
SMALL_ORDER = {bytes.fromhex(h) for h in (
    "00" * 32, "01" + "00" * 31,
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "ec" + "ff" * 30 + "7f", "ed" + "ff" * 30 + "7f", "ee" + "ff" * 30 + "7f")}


class Bad(Exception):
    """A rule does not hold. seq is None for faults that belong to no entry."""
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


def text_problem(x):
    """§2's character rule: what a text breaks (a format character, or not NFC), or None."""
    for c in x:
        if any(lo <= ord(c) <= hi for lo, hi in FORMAT_CHARS):
            return f"contains U+{ord(c):04X} {unicodedata.name(c, '')}".rstrip() + ", a format character"
    # Reading: NFC as this Python's unicodedata computes it; texts of characters older than its
    # Unicode version get the same answer from any version (Unicode's normalization stability).
    return None if unicodedata.normalize("NFC", x) == x else "is not in NFC"


def text_at(p, path):
    """The text at a dotted path of the payload, or None where there is none."""
    for part in path.split("."):
        if type(p) is not dict or part not in p:
            return None
        p = p[part]
    return p if type(p) is str else None


def shape(obj, what, required, optional=frozenset()):
    """§2: an object has its fields and no others (Reading: nested objects too)."""
    need(type(obj) is dict, f"{what} is not a JSON object")
    unknown, missing = set(obj) - required - optional, required - set(obj)
    need(not unknown, f"{what} has unknown field(s): {', '.join(sorted(unknown))}")
    need(not missing, f"{what} lacks field(s): {', '.join(sorted(missing))}")


def loads(raw, what):
    """Strict JSON from UTF-8 bytes: integers only, no repeated names, no lone surrogates."""
    def pairs(kv):  # Reading: a repeated name makes the object ambiguous, so it is refused
        need(len({k for k, _ in kv}) == len(kv), f"{what} repeats a field name")
        return dict(kv)
    def no_float(s):
        raise Bad(f"{what} has a non-integer number {s}")
    try:  # decode first: json.loads(bytes) would also accept UTF-16 and UTF-32
        p = json.loads(raw.decode("utf-8"), object_pairs_hook=pairs, parse_float=no_float,
                       parse_constant=no_float)
        json.dumps(p, ensure_ascii=False).encode("utf-8")  # refuses escaped lone surrogates
        return p
    except (ValueError, RecursionError) as e:  # UnicodeError is a ValueError
        raise Bad(f"{what} is not valid UTF-8 JSON ({e})")


def parse(raw):
    """§2: one JSON object, UTF-8, at most 65,536 bytes, integers only; §17: a credits payload
    at most 262,144."""
    need(len(raw) <= 262144, "payload is larger than 262,144 bytes")
    p = loads(raw, "payload")
    need(len(raw) <= 65536 or (type(p) is dict and p.get("kind") == "credits"),
         "payload is larger than 65,536 bytes")
    return p


def sha256(data):
    return hashlib.sha256(data).digest()


def hours(text):
    """§2's hours in hundredths ("2.5" is 250), more than 0 and at most 100000 hours."""
    m = HOURS.fullmatch(text) if type(text) is str else None
    need(m, "hours is not a decimal with at most two decimals")
    hundredths = int(m[1]) * 100 + int((m[2] or "").ljust(2, "0"))  # integers only
    need(0 < hundredths <= 100000 * 100, "hours is not more than 0 and at most 100000")
    return hundredths


def show(posting):
    """A posting (account, amount) for a message, or "absent"."""
    return "absent" if posting is None else f"{posting[0]} {posting[1]}"


def postings_digest(postings):
    """A short stand-in for a tx's postings [(account, amount)], in order (§2 reversals)."""
    return sha256(json.dumps(postings, ensure_ascii=False).encode("utf-8"))


def merkle_root(leaves, lo=0, hi=None):
    """§9: RFC 6962's MTH over leaf hashes lo..hi-1: split at the largest power of two below n."""
    hi = len(leaves) if hi is None else hi
    if hi - lo == 0:
        return sha256(b"")
    if hi - lo == 1:
        return leaves[lo]
    k = 1 << ((hi - lo - 1).bit_length() - 1)
    return sha256(b"\x01" + merkle_root(leaves, lo, lo + k) + merkle_root(leaves, lo + k, hi))


def key_id_for_note(name, raw):
    """§10: the first 4 bytes of SHA-256(key name ‖ "\\n" ‖ 0x01 ‖ public key)."""
    return sha256(name.encode() + b"\n\x01" + raw)[:4]


def is_weak(raw):
    return raw[:31] + bytes([raw[31] & 0x7F]) in SMALL_ORDER


def millis(at):
    """A committed_at of §4's form as milliseconds since 1970-01-01T00:00:00.000Z (integers only)."""
    d = datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ") - EPOCH
    return (d.days * 86400 + d.seconds) * 1000 + d.microseconds // 1000


def time_text(ms):
    """Milliseconds since 1970 in §4's 24-character form."""
    return (EPOCH + timedelta(milliseconds=ms)).isoformat(timespec="milliseconds") + "Z"


def start_ms(day):
    """§15: a period starts at its day's UTC midnight."""
    return (day - EPOCH.date()).days * DAY_MS


def following_start(period, day):
    """§15: the period start after the one on `day`: the next day, Monday or 1st of the month."""
    try:
        if period == "day":
            return day + timedelta(days=1)
        if period == "week":
            return day + timedelta(days=7)
        return date(day.year + day.month // 12, day.month % 12 + 1, 1)
    except (OverflowError, ValueError):
        raise Bad("the demurrage schedule runs past the year 9999")


def first_start_after(period, ms):
    """§15: the first period start strictly after the instant `ms`."""
    day = EPOCH.date() + timedelta(days=ms // DAY_MS)  # its midnight is at or before ms
    if period == "week":
        day -= timedelta(days=day.weekday())  # the Monday on or before it (weekday(): Monday is 0)
    elif period == "month":
        day = day.replace(day=1)
    return following_start(period, day)  # the start on or before ms, then the one after it


def b64(text, what, size=None):
    """Standard base64 with padding (RFC 4648 §4), written the one canonical way."""
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError:
        raise Bad(f"{what} is not standard base64")
    # §13: other spellings of the same bytes (non-zero pad bits) are refused, as Go's decoder does.
    need(base64.b64encode(data).decode() == text, f"{what} is not canonical base64")
    need(size is None or len(data) == size, f"{what} is not {size} bytes")
    return data


def verifier_key(text):
    """§10: parse `<key name>+<hex key ID>+<base64(0x01 ‖ public key)>` for --log-key.

    Returns (name, raw public key); a malformed key is a usage error (exit 1), not a failed audit."""
    parts = text.split("+", 2)  # §12: split at the first two '+' only; base64 may contain '+'
    if len(parts) != 3 or not parts[0] or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise argparse.ArgumentTypeError("not <name>+<8 hex key ID>+<base64 key>")
    try:
        blob = b64(parts[2], "the key", 33)
    except Bad as e:
        raise argparse.ArgumentTypeError(e.reason)
    if blob[0] != 1:
        raise argparse.ArgumentTypeError("the key's type byte is not 0x01 (Ed25519)")
    if key_id_for_note(parts[0], blob[1:]).hex() != parts[1]:
        raise argparse.ArgumentTypeError("the key ID does not match the name and key")
    if is_weak(blob[1:]):
        raise argparse.ArgumentTypeError("the key is a small-order point")
    return parts[0], blob[1:]


class Auditor:
    """Replays entries one by one (§4, §5), keeping the state and the Merkle leaves (§9), and
    checks checkpoints (§10) against them. It knows nothing of where the entries are stored."""

    def __init__(self, tmp, log_key=None):
        self.tmp, self.log_key = tmp, log_key  # log_key: None, or (name, raw) from --log-key
        self.n, self.head, self.at = 0, bytes(32), ""  # entries checked, their head hash and time
        self.ledger = self.hour_rate = self.settings = None
        self.leaves = []    # §9: leaf hash of entry seq at index seq - 1
        self.keys = {}      # key id -> {"role", "label", "public_key", "added", "revoked", "der"}
        # account id -> {"kind", "name", "status", "min", "controllers", "balance", "opened"}
        self.accounts = {}
        self.categories = {}  # category id -> {"name", "hour_rate", "set"} (set: the last category.set)
        self.ids = set()    # entry ids (§1: unique in a ledger)
        # §2 reversals: per transaction only what the reversal rule needs. entry id -> a digest of
        # its postings, or None for a reversal (which cannot itself be reversed).
        self.txs = {}
        self.reversed = {}  # entry id of a reversed transaction -> seq of the reversal that undid it
        self.care_days = {}  # §2 "The care date of a transaction": entry id -> YYYY-MM-DD
        self.tx_days = {}   # seq -> the same, which §6's postings.care_date repeats (§17: a list,
        # one day per posting row, for a batch of credits)
        self.batch_credits = {}  # §17: credit id -> (seq of its batch, its place in the batch)
        self.postings = 0   # posting rows the chain explains
        # §2 ledger.settings, as the last one left them (or the defaults), and §15's state.
        self.expiry_days, self.settings_seq = DEFAULT_EXPIRY_DAYS, None
        self.demurrage = None  # while on: {"rate_ppm", "period", "account"}
        self.language = self.contact = None  # §2 ledger.settings: how statements print; None if not given
        self.next = self.cursor = None  # §15: next, a period's start day (date); cursor, an account
        self.due = None     # §15: the start day of the period due before the entry being checked
        self.demurrages = 0  # demurrage entries seen
        # §15: claim id -> {"seq", "committed_at", "ms", "account", "issuer", "hours", "hour_rate",
        # "amount", "category", "care_date", "memo", "decided_seq", "decision", "reason"}; a field
        # the claim leaves out is None, as are the last three while it is undecided.
        self.claims = {}
        self.t = None       # committed_at of the entry being checked, in ms (§15's t)
        self.version = None  # §16: entry 1's v, which every entry repeats
        from audit_personal import PersonalAudit  # §16; here, so that it gets this script's Bad
        self.personal = PersonalAudit(Bad, need, shape, is_text, text_problem)
        self.warnings = []  # §2: (seq, reason) for version 1 texts that break the character rule

    def entry(self, seq, eid, kind, kid, payload, sig, at, prev, h, stored):
        """Check entry `seq`; `stored` is the derived postings as [(idx, account, amount)]."""
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
        # §5.8 and §15: before anything else, bring the demurrage schedule to this entry's time.
        self.t = millis(at)
        self.due = self.schedule(self.t)
        # §9: the record is what §4 hashes; the same bytes give the chain's hash and the tree's leaf.
        record = f"noaber:chain:v1\n{seq}\n{prev.hex()}\n{at}\n{kid}\n{sig.hex()}\n".encode() + payload
        need(sha256(record) == h, "hash does not match §4")
        # §5.2: a payload of one kind, with v = 1. §6: the entry_id and kind columns are not
        # covered by the hash, so they must repeat the signed payload.
        p = parse(payload)
        need(type(p) is dict and type(p.get("kind")) is str and p["kind"] in SHAPES,
             "payload is not an object of a known kind")
        required, optional = SHAPES[p["kind"]]
        shape(p, "payload", required | {"v", "ledger", "id", "kind"}, optional)
        # §16: v is 1 or 2, fixed by entry 1; erase exists only in version 2.
        need(is_int(p["v"]) and p["v"] in (1, 2), "v is not 1 or 2")
        if seq == 1:
            self.version = p["v"]
        need(p["v"] == self.version, f"v is {p['v']}, entry 1's is {self.version}")
        need(kind != "erase" or self.version == 2, "erase in a version 1 ledger")
        need(kind != "credits" or self.version == 2, "credits in a version 1 ledger")
        need(type(p["id"]) is str and ENTRY_ID.fullmatch(p["id"]), "id is not a valid entry id")
        need(p["id"] not in self.ids, f"entry id {p['id']} is used twice")
        need(p["id"] == eid and p["kind"] == kind, "entry_id/kind columns differ from the payload")
        # §5.3: entry 1, and only entry 1, is ledger.init; every payload names this ledger.
        need((seq == 1) == (kind == "ledger.init"), "entry 1, and only entry 1, is ledger.init")
        if seq == 1:
            self.init(p, kid)
        need(p["ledger"] == self.ledger, "payload's ledger is not this ledger's id")
        # §5.8, §15: while a period is due, the entry must be its demurrage.
        demurrage = kind == "tx" and p.get("purpose") == "demurrage"
        need(self.due is None or demurrage, f"the demurrage of the period starting {self.due} is due "
             f"(§15), so this entry must be it, not a {kind}"
             + (f" of purpose {p.get('purpose')}" if kind == "tx" else ""))
        # §5.4: a key registered and not revoked by an earlier entry signed §3's message. A log key
        # signs checkpoints and demurrage only. (Entry 1's signer is its admin_key, see init.)
        signer = self.keys.get(kid)
        need(signer is not None, f"signing key {kid} was not registered by an earlier entry")
        need(signer["revoked"] is None, f"signing key {kid} was revoked by an earlier entry")
        need(signer["role"] != "log" or demurrage,
             f"signing key {kid} is a log key, which signs no entry but a demurrage")
        self.verify(signer["der"], b"noaber:entry:v1\n" + self.ledger.encode() + b"\n" + payload, sig)
        # §5.5-§5.7, per kind (ledger.init was checked above, before its key could verify).
        rules = {"key.add": self.key_add, "key.revoke": self.key_revoke,
                 "account.open": self.account_open, "account.update": self.account_update,
                 "category.set": self.category_set, "ledger.settings": self.ledger_settings,
                 "claim": self.claim, "claim.reject": self.claim_reject, "tx": self.tx,
                 "erase": lambda p, kid, role, seq: self.personal.erase(p, role, seq, self.accounts),
                 "credits": self.credits}.get(kind)
        postings = (rules and rules(p, kid, signer["role"], seq)) or []  # only tx and credits post
        self.texts(p, seq)
        # §6: the derived postings repeat each tx's postings in payload order, idx from 0.
        need(list(stored) == [(i, a, x) for i, (a, x) in enumerate(postings)],
             "the stored postings differ from the payload's postings")
        if self.version == 2:
            self.personal.record(seq, p, self.claims)
        self.ids.add(p["id"])
        self.postings += len(postings)
        self.leaves.append(sha256(b"\x00" + record))
        self.n, self.head, self.at = seq, h, at

    def texts(self, p, seq):
        """§2's character rule over every text field: a chain rule in version 2; in version 1, whose
        entries may predate it, a text that breaks it is a warning."""
        for path in TEXT_FIELDS.get(p["kind"], ()):
            text = text_at(p, path)
            problem = text_problem(text) if text is not None else None
            if problem and self.version == 2:
                raise Bad(f"{path} {problem}")
            if problem:
                self.warnings.append((seq, f"{path} {problem}"))

    def init(self, p, kid):
        need(type(p["ledger"]) is str and HEX32.fullmatch(p["ledger"]), "ledger is not 32 hex chars")
        need(is_text(p["name"], 1, 200, controls=False), "name is not 1-200 plain characters")
        c = p["currency"]
        shape(c, "currency", {"code", "name", "scale"})
        need(type(c["code"]) is str and CODE.fullmatch(c["code"]), "currency code is not 2-12 A-Z0-9")
        need(is_text(c["name"], 1, 100, controls=False) and is_int(c["scale"], 0, 8),
             "currency name or scale is invalid")
        need(is_int(p["hour_rate"], 1), "hour_rate is not a positive integer")
        admin, role = self.new_key(p["admin_key"], "admin_key", 1)
        need(role == "admin", "admin_key's role is not admin")
        need(kid == admin, "ledger.init is not signed by the admin_key it names")
        if "log_key" in p:  # §2: optional; the daemon's key for checkpoints from entry 1 on
            shape(p["log_key"], "log_key", {"public_key", "label", "role"})
            # Reading: "differ" means another public key, so a key id new_key has not seen yet.
            need(p["log_key"]["public_key"] != p["admin_key"]["public_key"],
                 "log_key is the admin_key")
            _, role = self.new_key(p["log_key"], "log_key", 1)
            need(role == "log", "log_key's role is not log")
        # §1: the ledger id is derived from the admin key and the nonce.
        need(type(p["nonce"]) is str and HEX32.fullmatch(p["nonce"]), "nonce is not 32 hex chars")
        derived = hashlib.sha256(b"noaber:ledger:v1\n" + bytes.fromhex(p["admin_key"]["public_key"])
                                 + bytes.fromhex(p["nonce"])).hexdigest()[:32]
        need(p["ledger"] == derived, f"ledger id is not the one admin_key and nonce make ({derived})")
        self.ledger, self.hour_rate = p["ledger"], p["hour_rate"]
        self.settings = {"ledger_id": p["ledger"], "name": p["name"], "currency": dict(c),
                         "hour_rate": p["hour_rate"], "admin_key": admin}
        if p["v"] == 2:  # PROTOCOL.md ledger.state: entry_version, absent for version 1
            self.settings["entry_version"] = 2

    def new_key(self, k, what, seq):
        """Register a {public_key, label, role} object; return its key id and role."""
        shape(k, what, {"public_key", "label", "role"})
        need(type(k["public_key"]) is str and HEX64.fullmatch(k["public_key"]),
             f"{what}.public_key is not 64 hex characters")
        need(is_text(k["label"], 1, 100, controls=False) and k["role"] in ROLES,
             f"{what} has a bad label or role")
        raw = bytes.fromhex(k["public_key"])
        need(not is_weak(raw), f"{what}.public_key is a small-order point")
        kid = hashlib.sha256(raw).hexdigest()[:32]  # §1
        need(kid not in self.keys, f"key {kid} is registered twice")  # §5.6
        der = os.path.join(self.tmp, kid + ".der")  # one DER file per key, reused for each entry
        with open(der, "wb") as f:
            f.write(SPKI + raw)
        self.keys[kid] = {"role": k["role"], "label": k["label"], "public_key": k["public_key"],
                          "added": seq, "revoked": None, "der": der}
        return kid, k["role"]

    def verify(self, der, message, sig, what="signature"):
        msg, sigf = os.path.join(self.tmp, "message.bin"), os.path.join(self.tmp, "sig.bin")
        for path, data in ((msg, message), (sigf, sig)):
            with open(path, "wb") as f:
                f.write(data)
        r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey",
                            der, "-rawin", "-in", msg, "-sigfile", sigf], capture_output=True)
        need(r.returncode == 0, f"{what} does not verify")

    def key_add(self, p, kid, role, seq):
        need(role == "admin", "key.add is not signed by an admin")
        self.new_key(p["key"], "key", seq)

    def key_revoke(self, p, kid, role, seq):
        need("reason" not in p or is_text(p["reason"], 0, 500, controls=False),
             "reason is not text of up to 500 characters")
        need(role == "admin", "key.revoke is not signed by an admin")
        target = self.keys.get(p["key_id"]) if type(p["key_id"]) is str else None
        # Reading: revoking an unknown or an already revoked key is an error. Any role may be
        # revoked, a log key too: it then counts for no checkpoint larger than seq - 1 (§10).
        need(target is not None and target["revoked"] is None, "key_id is not a registered, active key")
        admins = sum(k["role"] == "admin" and k["revoked"] is None for k in self.keys.values())
        need(target["role"] != "admin" or admins > 1, "revokes the last active admin")
        # §2: nor, while demurrage is on, the last active log key (§15: it signs the demurrage).
        need(target["role"] != "log" or self.demurrage is None or self.active_log_keys() > 1,
             "revokes the last active log key while demurrage is on")
        target["revoked"] = seq

    def active_log_keys(self):
        return sum(k["role"] == "log" and k["revoked"] is None for k in self.keys.values())

    def account_open(self, p, kid, role, seq):
        need(role in ("admin", "operator"), "account.open is not signed by an admin or operator")
        acct, kind, low, ctl = p["account"], p["account_kind"], p["min_balance"], p["controllers"]
        need(type(acct) is str and ACCOUNT_ID.fullmatch(acct), "account is not a valid account id")
        need(kind in ACCOUNT_KINDS and is_text(p["name"], 1, 200, controls=False),
             "account_kind or name is invalid")
        self.check_min(low, kind, None)
        self.check_controllers(ctl)
        need(acct not in self.accounts, f"account {acct} is opened twice")
        self.accounts[acct] = {"kind": kind, "name": p["name"], "status": "open", "min": low,
                               "controllers": list(ctl), "balance": 0, "opened": seq}

    def check_min(self, low, kind, balance):
        """§2: min_balance is <= 0 for an issuer, >= 0 otherwise; an update's not above the balance."""
        need(is_int(low) and (low <= 0 if kind == "issuer" else low >= 0),
             "min_balance is not an integer, <= 0 for an issuer and >= 0 otherwise")
        need(balance is None or low <= balance,
             f"min_balance {low} is above the account's balance {balance}")

    def check_controllers(self, ctl):
        """§2: 1-16 distinct key ids, each registered, not revoked, neither an auditor's nor a log key."""
        need(type(ctl) is list and 1 <= len(ctl) <= 16 and all(type(c) is str for c in ctl),
             "controllers is not a list of 1-16 key ids")
        need(len(set(ctl)) == len(ctl), "controllers lists a key twice")
        for c in ctl:  # §5.6; §2: log keys cannot control an account, so they can never move coins
            k = self.keys.get(c)
            need(k and k["revoked"] is None and k["role"] not in ("auditor", "log"),
                 f"controller {c} is not a registered, unrevoked key that is neither auditor nor log")

    def account_update(self, p, kid, role, seq):
        """§2 account.update: every field is checked against the account as it was before it."""
        need(role in ("admin", "operator"), "account.update is not signed by an admin or operator")
        acct = p["account"]
        need(type(acct) is str and acct in self.accounts, f"account {acct} does not exist")
        a = self.accounts[acct]
        need(a["status"] != "closed", f"account {acct} is closed, which is final")
        # Reading: a reason alone changes nothing, so it is not enough.
        need(any(f in p for f in CHANGES), "account.update has none of " + ", ".join(CHANGES))
        need("reason" not in p or is_text(p["reason"], 0, 500, controls=False),
             "reason is not text of up to 500 characters")
        if "status" in p:
            need(type(p["status"]) is str and p["status"] in STATUSES,
                 "status is not open, frozen or closed")
            need(p["status"] != a["status"], f"status of {acct} is {a['status']} already")
            need(p["status"] != "closed" or a["balance"] == 0,
                 f"{acct} cannot be closed: its balance is {a['balance']}, not 0")
            # §2: while demurrage is on, its receiving account cannot be frozen or closed.
            need(p["status"] == "open" or self.demurrage is None or self.demurrage["account"] != acct,
                 f"{acct} receives the demurrage, so it cannot be {p['status']} while demurrage is on")
        # §2: min_balance, controllers and name may repeat the current value; only status must
        # differ. Reading: a new minimum may equal the balance ("not above").
        if "min_balance" in p:
            self.check_min(p["min_balance"], a["kind"], a["balance"])
        if "controllers" in p:
            self.check_controllers(p["controllers"])
        need("name" not in p or is_text(p["name"], 1, 200, controls=False),
             "name is not 1-200 plain characters")
        # Only now, with every field checked against the old account, apply them.
        a["status"] = p.get("status", a["status"])
        a["min"] = p.get("min_balance", a["min"])
        a["controllers"] = list(p.get("controllers", a["controllers"]))
        a["name"] = p.get("name", a["name"])

    def category_set(self, p, kid, role, seq):
        """§2 category.set: creates a category or changes its name or rate from this entry on."""
        need(role == "admin", "category.set is not signed by an admin")
        cat, name, rate = p["category"], p["name"], p["hour_rate"]
        need(type(cat) is str and CATEGORY_ID.fullmatch(cat), "category is not a valid category id")
        need(is_text(name, 1, 100, controls=False), "name is not 1-100 plain characters")
        need(is_int(rate, 1), "hour_rate is not a positive integer")
        old = self.categories.get(cat)
        need(old is None or (old["name"], old["hour_rate"]) != (name, rate),
             f"category {cat} has this name and hour_rate already")
        self.categories[cat] = {"name": name, "hour_rate": rate, "set": seq}

    def ledger_settings(self, p, kid, role, seq):
        """§2 ledger.settings: all adjustable settings from this entry on; §15 next and cursor."""
        need(role == "admin", "ledger.settings is not signed by an admin")
        # §2: "a field left out takes its default". Reading: unlike category.set, an entry that
        # states the settings in force already (or no field at all) is allowed.
        days = p.get("claim_expiry_days", DEFAULT_EXPIRY_DAYS)
        need(is_int(days, 1, 3650), "claim_expiry_days is not an integer 1-3650")
        need(p.get("language", "nl") in LANGUAGES, "language is not nl or en")
        need("contact" not in p or is_text(p["contact"], 1, 200, controls=False),
             "contact is not a text of 1 to 200 characters without control characters")
        self.language, self.contact = p.get("language"), p.get("contact")
        if "demurrage" in p:
            d = p["demurrage"]
            shape(d, "demurrage", {"rate_ppm", "period", "account"})
            need(is_int(d["rate_ppm"], 1, 500000), "demurrage rate_ppm is not an integer 1-500000")
            need(type(d["period"]) is str and d["period"] in PERIODS,
                 "demurrage period is not day, week or month")
            self.open_account(d["account"], "issuer", "demurrage account")
            # Reading: "The ledger must have an active log key" holds for a settings entry with a
            # demurrage (it sits in demurrage's row); without one, no log key is needed.
            need(self.active_log_keys() > 0, "demurrage is set, but the ledger has no active log key")
            # §15: the same period keeps next and cursor; a new one (or demurrage newly on) starts
            # at the first period start strictly after t.
            if self.demurrage is None or self.demurrage["period"] != d["period"]:
                self.next, self.cursor = first_start_after(d["period"], self.t), None
            self.demurrage = {"rate_ppm": d["rate_ppm"], "period": d["period"], "account": d["account"]}
        else:  # §15: "One without demurrage ends it."
            self.demurrage = self.next = self.cursor = None
        self.expiry_days, self.settings_seq = days, seq

    def open_account(self, acct, kind, what):
        """An existing account of `kind` with status open, for a claim or the settings."""
        need(type(acct) is str and acct in self.accounts, f"{what} {acct!r} does not exist")
        a = self.accounts[acct]
        need(a["kind"] == kind, f"{what} {acct} is of kind {a['kind']}, not {kind}")
        need(a["status"] == "open", f"{what} {acct} is {a['status']}, not open")
        return a

    def care_date(self, p):
        """§2: care_date is a real calendar day, YYYY-MM-DD, not after the UTC day of committed_at.

        Reading: a credit may carry a care_date with or without hours and with or without a claim
        (§2 says only "only on credits")."""
        if "care_date" in p:
            d = p["care_date"]
            need(type(d) is str and DAY.fullmatch(d), "care_date is not YYYY-MM-DD")
            try:
                date.fromisoformat(d)
            except ValueError:
                raise Bad(f"care_date {d} is not a real calendar day")
            today = time_text(self.t)[:10]
            need(d <= today, f"care_date {d} is after the entry's day {today}")

    def rate_in_force(self, p):
        """§2: the category's current hour_rate when `category` is there, else the ledger's."""
        if "category" in p:
            cat = p["category"]
            need(type(cat) is str and cat in self.categories,
                 f"category {cat!r} was not set by an earlier category.set")
            return self.categories[cat]["hour_rate"], f"category {cat}'s current rate"
        return self.hour_rate, "the ledger's hour_rate"

    def claim(self, p, kid, role, seq):
        """§2 claim: a member's claim on an issuer; it moves no money (§15 decides it later)."""
        self.open_account(p["account"], "member", "account")
        need(kid in self.accounts[p["account"]]["controllers"],
             f"signing key does not control {p['account']}")
        self.open_account(p["issuer"], "issuer", "issuer")
        hundredths = hours(p["hours"])
        rate, whose = self.rate_in_force(p)
        need(is_int(p["hour_rate"]) and p["hour_rate"] == rate,
             f"hour_rate {p['hour_rate']!r} is not {whose} {rate}")
        # §2's hours rule in integers: hours (in hundredths) x hour_rate is 100 x amount.
        whole, cents = divmod(hundredths * rate, 100)
        need(is_int(p["amount"]) and p["amount"] * 100 == hundredths * rate,
             f"amount {p['amount']!r} is not hours x hour_rate "
             f"({p['hours']} x {rate} = {whole}{f'.{cents:02d}' if cents else ''})")
        self.care_date(p)
        need("memo" not in p or is_text(p["memo"], 0, 500, controls=False),
             "memo is not text of up to 500 characters")
        self.claims[p["id"]] = {
            "seq": seq, "committed_at": time_text(self.t), "ms": self.t, "account": p["account"],
            "issuer": p["issuer"], "amount": p["amount"], "memo": p.get("memo"),
            **{f: p.get(f) for f in CLAIM_FIELDS}, "decided_seq": None, "decision": None, "reason": None}

    def pending(self, cid):
        """§15: a claim that a claim.reject or an approving credit may decide at t."""
        need(type(cid) is str and cid in self.claims,
             f"claim {cid!r} is no earlier claim entry")
        c = self.claims[cid]
        need(c["decided_seq"] is None,
             f"claim {cid} was decided ({c['decision']}) by entry {c['decided_seq']} already")
        expiry = c["ms"] + self.expiry_days * DAY_MS  # claim_expiry_days as in force at t
        if self.t >= expiry:  # "valid only when ... t is before its expiry"
            raise Bad(f"claim {cid} expired at {time_text(expiry)}, {self.expiry_days} days after "
                      f"entry {c['seq']}")
        return c

    def claim_reject(self, p, kid, role, seq):
        """§2 claim.reject: turns a pending claim down; signed by a controller of its issuer."""
        cid = p["claim"]
        need(type(cid) is str and cid in self.claims, f"claim {cid!r} is no earlier claim entry")
        issuer = self.claims[cid]["issuer"]
        # §2: the issuer's controllers as they are at the claim.reject, not at the claim; neither
        # account need be open.
        need(kid in self.accounts[issuer]["controllers"],
             f"signing key does not control {issuer}, the claim's issuer")
        c = self.pending(cid)
        need(is_text(p["reason"], 1, 500, controls=False), "reason is not 1-500 plain characters")
        c.update(decided_seq=seq, decision="rejected", reason=p["reason"])

    def charges(self):
        """§15's charges for the period being charged: [(account, charge)], at most 99."""
        rate, out = self.demurrage["rate_ppm"], []
        # Reading: sorted() on account ids (ASCII, §1) is the byte-wise order §15 asks for.
        for a in sorted(self.accounts):
            x = self.accounts[a]
            if x["kind"] in ("member", "merchant") and x["status"] == "open" and \
                    (self.cursor is None or a > self.cursor):
                # Python's // is floor division, and its integers do not overflow.
                charge = min(x["balance"] * rate // 1000000, x["balance"] - x["min"])
                # "leaving out accounts charged 0 (balances <= 0 included)". Reading: a charge below
                # 0 (a balance under a min_balance that account.open set above 0) is left out too.
                if charge > 0:
                    out.append((a, charge))
                    if len(out) == 99:
                        break
        return out

    def schedule(self, t):
        """§15 "Before every entry": bring next to t; return the due period's start day, or None."""
        while self.demurrage is not None and start_ms(self.next) <= t:
            if self.charges():
                return self.next
            # An empty period: next moves to the following start, cursor to none. Nothing changes
            # the balances until this entry, so with cursor none every period up to t is empty
            # too: next moves straight to the first start after t.
            if self.cursor is None:
                self.next = first_start_after(self.demurrage["period"], t)
            else:
                self.next, self.cursor = following_start(self.demurrage["period"], self.next), None
        return None

    def tx(self, p, kid, role, seq):
        purpose, ps = p["purpose"], p["postings"]
        need(type(purpose) is str and purpose in PURPOSES,
             "purpose is not credit, transfer, redeem, reversal or demurrage")
        reversal, demurrage = purpose == "reversal", purpose == "demurrage"
        # §2: reverses and reason are there only and always in a reversal, which has no hours.
        if reversal:
            need("reverses" in p, "a reversal has no reverses")
            need("reason" in p, "a reversal has no reason")
            need(is_text(p["reason"], 1, 500, controls=False), "reason is not 1-500 plain characters")
            need(not any(f in p for f in NOT_IN_REVERSAL),
                 "a reversal carries hours, hour_rate or category")
        else:
            need("reverses" not in p and "reason" not in p,
                 f"reverses or reason on a {purpose}, which is not a reversal")
        # §2: care_date and claim only on credits; period only and always in a demurrage.
        extra = [f for f in ONLY_ON_CREDITS if f in p]
        need(purpose == "credit" or not extra, f"{' and '.join(extra)} on a {purpose}, which is not a credit")
        need(demurrage or "period" not in p, f"period on a {purpose}, which is not a demurrage")
        need(type(ps) is list and 2 <= len(ps) <= 100, "postings is not a list of 2-100")
        for x in ps:  # §5.7: every account exists and is open (not frozen, not closed)
            shape(x, "posting", {"account", "amount"})
            need(is_int(x["amount"]) and x["amount"] != 0, "an amount is zero or not 64-bit")
            need(type(x["account"]) is str and x["account"] in self.accounts,
                 f"account {x['account']} does not exist")
            status = self.accounts[x["account"]]["status"]
            need(status == "open", f"account {x['account']} is {status}, not open")
        postings = [(x["account"], x["amount"]) for x in ps]
        need(len({a for a, _ in postings}) == len(postings), "an account is posted twice")
        need(sum(x for _, x in postings) == 0, "postings do not sum to 0")
        credited = sum(x for _, x in postings if x > 0)
        # With the credited total in range, every partial sum, in any order, is in range too.
        need(credited <= I64_MAX, "postings overflow 64 bits")
        need("memo" not in p or is_text(p["memo"], 0, 500, controls=False),
             "memo is not text of up to 500 characters")
        if reversal:  # §2: the original is an earlier, unreversed transaction that is no reversal
            orig = p["reverses"]
            need(type(orig) is str and orig in self.ids,
                 f"reverses {orig!r}, which is no earlier entry")
            need(orig in self.txs, f"reverses {orig}, which is not a transaction")
            need(self.txs[orig] is not None, f"reverses {orig}, which is itself a reversal")
            need(orig not in self.reversed,
                 f"reverses {orig}, which entry {self.reversed.get(orig)} reversed already")
            # Its postings are the original's, each amount negated, in the same order.
            need(postings_digest([(a, -x) for a, x in postings]) == self.txs[orig],
                 f"postings are not exactly {orig}'s negated, in the same order")
        if demurrage:  # §15: exactly the charges the rules compute, signed by a log key
            self.check_demurrage(p, role, postings)
        claim = None
        if "claim" in p:  # §15: a credit that approves a pending claim repeats it exactly
            claim = self.pending(p["claim"])
            want = [(claim["issuer"], -claim["amount"]), (claim["account"], claim["amount"])]
            need(postings == want, f"postings are not claim {p['claim']}'s: {show(want[0])} and "
                 f"{show(want[1])}, in that order")
            for f in CLAIM_FIELDS:
                got = p.get(f)
                need(type(got) is type(claim[f]) and got == claim[f], f"{f} is "
                     f"{'absent' if got is None else repr(got)}, claim {p['claim']}'s is "
                     f"{'absent' if claim[f] is None else repr(claim[f])}")
        for a, x in postings:
            if x < 0 and not demurrage:  # §5.5: a demurrage needs a log key instead (checked above)
                # An admin or operator key may sign a reversal without controlling.
                may = reversal and role in ("admin", "operator")
                need(kid in self.accounts[a]["controllers"] or may, f"signing key does not control {a}"
                     + (" and is no admin or operator key" if reversal else ""))
            have = self.accounts[a]["kind"]
            need(have in PURPOSES[purpose][x > 0],
                 f"a {purpose} cannot {'pay' if x > 0 else 'take from'} {a} ({have} account)")
        need(("hours" in p) == ("hour_rate" in p), "hours and hour_rate are not present together")
        need("category" not in p or "hours" in p, "category on a tx without hours")
        if "hours" in p:
            need(purpose == "credit", "hours on a tx that is not a credit")
            hundredths = hours(p["hours"])
            # §2: the rate in force is the category's current rate, else the ledger's; §15: an
            # approval's is the claim's, even if the rate in force has changed since.
            if claim is not None:
                rate, whose = claim["hour_rate"], f"claim {p['claim']}'s hour_rate"
            else:
                rate, whose = self.rate_in_force(p)
            need(is_int(p["hour_rate"]) and p["hour_rate"] == rate,
                 f"hour_rate {p['hour_rate']!r} is not {whose} {rate}")
            need(credited * 100 == hundredths * rate, "credited total != hours x hour_rate")
        self.care_date(p)
        for a, x in postings:
            acct = self.accounts[a]
            acct["balance"] += x
            need(is_int(acct["balance"]), f"balance of {a} overflows 64 bits")
            need(x > 0 or acct["balance"] >= acct["min"], f"{a} would go below its min_balance")
        self.txs[p["id"]] = None if reversal else postings_digest(postings)
        # §2: a reversal's care date is that of what it reverses; a credit's its care_date, else
        # (as every other transaction's) the UTC day of its committed_at.
        day = self.care_days[p["reverses"]] if reversal else p.get("care_date", time_text(self.t)[:10])
        self.care_days[p["id"]] = self.tx_days[seq] = day
        if reversal:
            self.reversed[p["reverses"]] = seq
        if claim is not None:
            claim.update(decided_seq=seq, decision="approved")
        if demurrage:
            # §15: cursor is the last charged account; when no charges are left, the period is done.
            self.cursor = postings[-2][0]
            if not self.charges():
                self.next, self.cursor = following_start(self.demurrage["period"], self.next), None
            self.demurrages += 1
        return postings

    def credits(self, p, kid, role, seq):
        """§17: each credit, in order, is the credit tx it stands for, under its own id; the
        derived postings are two per credit."""
        issuer, cs = p["issuer"], p["credits"]
        need(type(cs) is list and 1 <= len(cs) <= 1000, "credits is not a list of 1-1000")
        need(type(issuer) is str, "issuer is not a string")
        seen, postings, days = {p["id"]}, [], []
        for i, c in enumerate(cs):
            try:
                shape(c, f"credits[{i}]", {"id", "account", "amount"}, set(BATCH_CREDIT_FIELDS))
                cid = c["id"]
                need(type(cid) is str and ENTRY_ID.fullmatch(cid), "id is not a valid entry id")
                # §17: a credit id is new to the batch and to the ledger (entry ids included).
                need(cid not in seen and cid not in self.ids, f"id {cid} is used twice")
                need(is_int(c["amount"], 1), "amount is not a positive 64-bit integer")
                need(c["account"] != issuer, "the issuer credits itself")
                tx = {"id": cid, "purpose": "credit",
                      "postings": [{"account": issuer, "amount": -c["amount"]},
                                   {"account": c["account"], "amount": c["amount"]}],
                      **{f: c[f] for f in BATCH_CREDIT_FIELDS if f in c}}
                postings += self.tx(tx, kid, role, seq)
            except Bad as e:
                raise Bad(f"credits[{i}]: {e.reason}")
            seen.add(cid)
            self.ids.add(cid)
            self.batch_credits[cid] = (seq, i)
            days += [self.tx_days[seq]] * 2
        self.tx_days[seq] = days
        return postings

    def check_demurrage(self, p, role, postings):
        """§15 "A demurrage entry": the due period's charges, in order, then their total."""
        need(role == "log", "a demurrage is not signed by a log key")
        # Reading: a demurrage while no period is due is refused (its period must be the due one's).
        need(self.due is not None, "a demurrage, but no period is due (" + (
             "demurrage is off)" if self.demurrage is None else
             f"the next period starts {self.next}, and {time_text(self.t)} is before it)"))
        banned = [f for f in NOT_IN_DEMURRAGE if f in p]
        need(not banned, f"a demurrage carries {', '.join(banned)}")
        need("period" in p, "a demurrage has no period")
        need(p["period"] == self.due.isoformat(),
             f"period {p['period']!r} is not {self.due}, the start of the period due")
        charges = self.charges()
        want = [(a, -c) for a, c in charges] + [(self.demurrage["account"], sum(c for _, c in charges))]
        for i in range(max(len(postings), len(want))):
            got = postings[i] if i < len(postings) else None
            exp = want[i] if i < len(want) else None
            need(got == exp, f"postings are not the charges of §15 (rate_ppm "
                 f"{self.demurrage['rate_ppm']}, cursor {self.cursor or 'none'}): posting {i} is "
                 f"{show(got)}, the charges give {show(exp)}")

    def settings_state(self):
        """§13's state.settings as the replay gives it after the head entry.

        Reading: next, "a UTC instant", is written in §4's 24-character form, like committed_at."""
        out = {"claim_expiry_days": self.expiry_days}
        if self.demurrage is not None:
            out["demurrage"] = {**self.demurrage, "next": time_text(start_ms(self.next))}
            if self.cursor is not None:  # §13: "cursor absent when null"
                out["demurrage"]["cursor"] = self.cursor
        for field in ("language", "contact"):  # §13: absent when the settings entry gave none
            if getattr(self, field) is not None:
                out[field] = getattr(self, field)
        return out

    def root(self, size=None):
        return merkle_root(self.leaves, 0, self.n if size is None else size)

    def checkpoint(self, note, what="checkpoint"):
        """§10: check a signed checkpoint (the note's text) against the replayed chain.

        Returns (tree size, root). Failures name `what`, e.g. "checkpoint" or a kept file."""
        def check(ok, reason):
            need(ok, f"{what}: {reason}")
        check(type(note) is str, "the note is not text")
        # C2SP signed note: the text, a blank line, then signature lines, each ending in "\n".
        text, sep, sigs = note.partition("\n\n")
        check(sep and sigs.endswith("\n"), "not a signed note (text, blank line, signature lines)")
        lines = text.split("\n")
        check(len(lines) == 3, "the text is not exactly three lines (origin, size, root)")
        origin, size_text, root_text = lines
        check(self.ledger is not None and origin == f"noaber/{self.ledger}",
              f"origin {origin!r} is not noaber/<this ledger's id>")
        check(TREE_SIZE.fullmatch(size_text), f"tree size {size_text!r} is not a decimal number")
        size = int(size_text)
        try:
            root = b64(root_text, "root", 32)
        except Bad as e:
            raise Bad(f"{what}: {e.reason}")
        check(size <= self.n, f"tree size {size} is larger than the {self.n} entries")
        mine = self.root(size)
        check(root == mine, f"root is not the root of entries 1 to {size} "
              f"({root.hex()}, the entries give {mine.hex()})")
        # §10: the keys that count are those the chain registers with role log in entries 1..size
        # and does not revoke in entries 1..size; with --log-key, only the one of them that is
        # also the pinned key.
        candidates = {key_id_for_note(origin, bytes.fromhex(k["public_key"])): (k["der"], kid)
                      for kid, k in self.keys.items() if k["role"] == "log" and k["added"] <= size
                      and (k["revoked"] is None or k["revoked"] > size)
                      and (not self.log_key or bytes.fromhex(k["public_key"]) == self.log_key[1])}
        if self.log_key:
            check(self.log_key[0] == origin, f"--log-key is for {self.log_key[0]}, not {origin}")
        verified = False
        for line in sigs[:-1].split("\n"):
            parts = line.split(" ")
            check(len(parts) == 3 and parts[0] == "\u2014" and parts[1] and "+" not in parts[1],
                  f"signature line {line!r} is not '— <name> <base64>'")
            try:
                blob = b64(parts[2], "a signature line")
            except Bad as e:
                raise Bad(f"{what}: {e.reason}")
            # Reading (C2SP signed note): lines of other names or key IDs are other witnesses'
            # and are skipped; a line of a key that counts must verify.
            if parts[1] != origin or len(blob) != 68 or blob[:4] not in candidates:
                continue
            der, kid = candidates[blob[:4]]
            self.verify(der, (text + "\n").encode(), blob[4:], f"{what}: signature of key {kid}")
            verified = True
        check(verified, "no signature by " + ("the --log-key, as a log key the chain names active at "
              f"size {size}" if self.log_key else f"a log key the chain names active at size {size}"))
        return size, root


def check_sqlite(db, auditor):
    """§6: replay `entries`, then compare the derived tables, then the checkpoint table."""
    for row in db.execute("SELECT seq, entry_id, kind, key_id, payload, signature, "
                          "committed_at, prev_hash, hash FROM entries ORDER BY seq"):
        try:
            stored = db.execute("SELECT idx, account, amount FROM postings WHERE seq = ? "
                                "ORDER BY idx", (row[0],)).fetchall()
            auditor.entry(*row, stored)
        except Bad as e:
            raise Bad(e.reason, auditor.n + 1)  # the entry that should come next
    for (seq,) in db.execute("SELECT DISTINCT seq FROM postings WHERE seq < 1 OR seq > ?",
                             (auditor.n,)):
        raise Bad(f"the postings table has rows for seq {seq}, which is not an entry")
    # §6: from schema version 6 on, each posting row repeats its transaction's care date (§2).
    has_care_dates = any(r[1] == "care_date" for r in db.execute("PRAGMA table_info(postings)"))
    if has_care_dates:
        for seq, idx, day in db.execute("SELECT seq, idx, care_date FROM postings ORDER BY seq, idx"):
            want = auditor.tx_days.get(seq)
            if type(want) is list:  # §17: a batch's rows each have their credit's care date
                want = want[idx] if type(idx) is int and 0 <= idx < len(want) else None
            if day != want:
                raise Bad(f"the care_date of posting {idx} is {day!r}, the transaction's care date is "
                          f"{want!r}", seq)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    # §6: from schema version 11 the balances are a table of their own, one row per account;
    # before it, a column of the accounts rows.
    narrow = "balances" in tables
    stored = {r[0]: r[1:] for r in db.execute(
        "SELECT account, kind, name, min_balance, controllers, status, "
        f"{'NULL' if narrow else 'balance'}, opened_seq FROM accounts")}
    if narrow:
        balances = dict(db.execute("SELECT account, balance FROM balances").fetchall())
        for a in sorted(balances):
            need(a in stored, f"the balances table has {a}, which the accounts table lacks")
        for a, row in stored.items():
            need(a in balances, f"the balances table lacks {a}")
            stored[a] = row[:5] + (balances[a],) + row[6:]
    for a in sorted(set(stored) | set(auditor.accounts)):
        need(a in auditor.accounts, f"the accounts table has {a}, which no entry opened")
        need(a in stored, f"the accounts table lacks {a}, opened by the chain")
        mine = auditor.accounts[a]
        kind, name, low, ctl, status, balance, opened = stored[a]
        # §2: status, min_balance, controllers and name are as the last account.update left them.
        for field, got, want in (("kind", kind, mine["kind"]), ("name", name, mine["name"]),
                                 ("status", status, mine["status"]), ("min_balance", low, mine["min"])):
            need(type(got) is type(want) and got == want,
                 f"{field} of {a} is {got!r}, the replay gives {want!r}")
        # §6: the key ids joined by ",", in the order the payload that set them lists them.
        need(type(ctl) is str and ctl == ",".join(mine["controllers"]),
             f"controllers of {a} are {ctl!r}, the replay gives {','.join(mine['controllers'])!r}")
        need(opened == mine["opened"], f"opened_seq of {a} is {opened}, the chain opens it at {mine['opened']}")
        need(balance == mine["balance"], f"balance of {a} is {balance}, the replay gives {mine['balance']}")
    # §6: the daemon judges entries by the ledger and keys tables too, so they equal the replay's.
    need({"ledger", "keys"} <= tables, "the ledger or keys table is missing")
    check_ledger(db, auditor)
    check_keys(db, auditor.keys)
    # Reading: a file of schema version 2 or older has no categories table; its chain then sets none.
    if "categories" in tables:
        check_categories(db, auditor.categories)
    else:
        need(not auditor.categories, "the categories table is missing, but the chain sets categories")
    # Reading: likewise a file without the reversals table; its chain then reverses nothing.
    if "reversals" in tables:
        check_reversals(db, auditor.reversed)
    else:
        need(not auditor.reversed,
             "the reversals table is missing, but the chain reverses transactions")
    # §17: one batch_credits row per credit of a batch (schema version 9 on); from version 12
    # the newest credits' rows are in batch_credits_recent, the two tables one set of rows.
    if "batch_credits" in tables:
        check_batch_credits(db, auditor.batch_credits, "batch_credits_recent" in tables)
    else:
        need(not auditor.batch_credits, "the batch_credits table is missing, but the chain has batches")
    # §6: the schema's version is 6 for this document; version 4 adds the claims and settings
    # tables, version 5 personal_data (§16), version 6 the postings' care_date, version 7
    # restore_guard (neither derived nor evidence, so not read here), version 8 the settings'
    # language and contact, version 9 batch_credits (§17), version 10 its id_hash, version 11 the
    # balances table, version 12 batch_credits_recent, version 13 merkle_nodes' pos.
    version = None
    if "schema_migrations" in tables:
        version = db.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
    need(version is None or (type(version) is int and 1 <= version <= 13),
         f"schema_migrations says version {version!r}, and FORMAT.md describes versions 1 to 13")
    has_pos = "merkle_nodes" in tables and any(
        c[1] == "pos" for c in db.execute("PRAGMA table_info(merkle_nodes)"))
    need(version is None or version < 13 or has_pos,
         f"the merkle_nodes table has no pos column in a schema version {version} file")
    need(version is None or version < 12 or "batch_credits_recent" in tables,
         f"the batch_credits_recent table is missing from a schema version {version} file")
    need(version is None or version < 11 or narrow,
         f"the balances table is missing from a schema version {version} file")
    need(version is None or version < 6 or has_care_dates,
         f"the postings table has no care_date column in a schema version {version} file")
    for table in ("claims", "settings"):
        need(version is None or version < 4 or table in tables,
             f"the {table} table is missing from a schema version {version} file")
    # §16, §6: a version 2 ledger's personal texts, each checked against its commitment.
    if auditor.version == 2:
        need("personal_data" in tables, "a version 2 ledger without the personal_data table")
        texts = {}
        for seq, path, salt, text in db.execute("SELECT seq, path, salt, text FROM personal_data"):
            need((seq, path) not in texts, f"the personal_data table has entry {seq}'s {path} twice")
            texts[(seq, path)] = (salt, text)
        auditor.personal.check(texts)
        need("personal_subjects" in tables, "a version 2 ledger without the personal_subjects table")
        check_subjects(db, auditor.personal.subjects)
    else:
        need("personal_data" not in tables or not db.execute("SELECT 1 FROM personal_data").fetchone(),
             "a version 1 ledger with rows in personal_data")
    # Reading: a file of schema version 3 or older has neither table; its chain then has no claim
    # and no ledger.settings, which only version 4 holds.
    need((version or 0) >= 4 or (not auditor.claims and auditor.settings_seq is None),
         "the chain has " + ("claims" if auditor.claims else "ledger.settings") + ", which schema "
         "version 4 holds, but the file's version is " + ("not recorded" if version is None else str(version)))
    if "claims" in tables:
        check_claims(db, auditor.claims)
    if "settings" in tables:
        check_settings(db, auditor.settings_state(), (version or 0) >= 8)
    sizes = []
    # Reading: a file of schema version 1 has neither table; it then has no tree or checkpoint to check.
    if "merkle_nodes" in tables:
        check_merkle_nodes(db, auditor.leaves, has_pos)
    if "checkpoint" in tables:
        # Reading: §6 keeps "the latest checkpoint"; should the table hold more rows, each is checked.
        for size, root, note, signed_at in db.execute(
                "SELECT tree_size, root, note, signed_at FROM checkpoint ORDER BY tree_size"):
            n, r = auditor.checkpoint(note)
            need((size, root) == (n, r), f"checkpoint: the row's tree_size/root ({size}, "
                 f"{root.hex() if type(root) is bytes else root}) differ from its note's ({n}, {r.hex()})")
            # §6: signed_at is not evidence, but it has §4's form.
            need(type(signed_at) is str and TIME.fullmatch(signed_at),
                 f"checkpoint: the row's signed_at {signed_at!r} is not YYYY-MM-DDTHH:MM:SS.mmmZ")
            sizes.append(n)
    return max(sizes) if sizes else None


LEDGER_COLUMNS = ("ledger_id", "name", "currency_code", "currency_name", "scale", "hour_rate", "admin_key")


def check_ledger(db, auditor):
    """§6: one row once entry 1 is stored, with entry 1's values (none before)."""
    columns = {r[1] for r in db.execute("PRAGMA table_info(ledger)")}
    # §6: entry_version came with schema version 5; a file from before it holds version 1 only.
    version = ", entry_version" if "entry_version" in columns else ", 1"
    rows = db.execute(f"SELECT {', '.join(LEDGER_COLUMNS)}{version} FROM ledger").fetchall()
    s = auditor.settings
    need(len(rows) == (0 if s is None else 1),
         f"the ledger table has {len(rows)} rows, the chain explains {0 if s is None else 1}")
    if s is None:
        return
    c = s["currency"]
    want = (s["ledger_id"], s["name"], c["code"], c["name"], c["scale"], s["hour_rate"], s["admin_key"],
            auditor.version)
    for field, got, w in zip(LEDGER_COLUMNS + ("entry_version",), rows[0], want):
        need(type(got) is type(w) and got == w, f"{field} of the ledger table is {got!r}, entry 1 gives {w!r}")


def check_keys(db, replayed):
    """§6: one row per key ever registered: its raw public key, label, role, added_seq, revoked_seq."""
    stored = {}
    for kid, *row in db.execute(
            "SELECT key_id, public_key, label, role, added_seq, revoked_seq FROM keys"):
        need(kid not in stored, f"the keys table has {kid!r} twice")
        stored[kid] = row
    for k in sorted(set(stored) | set(replayed), key=str):
        need(k in replayed, f"the keys table has {k!r}, which no entry registered")
        need(k in stored, f"the keys table lacks {k}, registered by entry {replayed[k]['added']}")
        mine = replayed[k]
        want = (bytes.fromhex(mine["public_key"]), mine["label"], mine["role"], mine["added"], mine["revoked"])
        for field, got, w in zip(("public_key", "label", "role", "added_seq", "revoked_seq"), stored[k], want):
            need(type(got) is type(w) and got == w, f"{field} of key {k} is {got!r}, the replay gives {w!r}")


def check_subjects(db, replayed):
    """§6, §16: one personal_subjects row per account an entry with personal data touches."""
    stored = set()
    for account, seq in db.execute("SELECT account, seq FROM personal_subjects ORDER BY account, seq"):
        need((account, seq) not in stored, f"the personal_subjects table has ({account}, {seq}) twice")
        stored.add((account, seq))
    mine = {(a, seq) for a, seqs in replayed.items() for seq in seqs}
    for a, seq in sorted(stored | mine, key=lambda x: (str(x[0]), x[1])):
        need((a, seq) in mine, f"the personal_subjects table has ({a}, {seq}), but entry {seq} has no "
             f"personal data touching {a}")
        need((a, seq) in stored, f"the personal_subjects table lacks ({a}, {seq})")


def check_categories(db, replayed):
    """§6: one row per category, as the last category.set left it, and no other rows."""
    stored = {}
    for cat, name, rate, set_seq in db.execute(
            "SELECT category, name, hour_rate, set_seq FROM categories ORDER BY category"):
        need(cat not in stored, f"the categories table has {cat} twice")
        stored[cat] = (name, rate, set_seq)
    for c in sorted(set(stored) | set(replayed), key=str):
        need(c in replayed, f"the categories table has {c!r}, which no category.set set")
        need(c in stored, f"the categories table lacks {c}, set by the chain")
        mine = replayed[c]
        for field, got, want in zip(("name", "hour_rate", "set_seq"), stored[c],
                                    (mine["name"], mine["hour_rate"], mine["set"])):
            need(type(got) is type(want) and got == want,
                 f"{field} of category {c} is {got!r}, the replay gives {want!r}")


def check_reversals(db, replayed):
    """§6: one row per reversed transaction (its entry id) and the seq of the reversal, no others."""
    stored = {}
    for rid, seq in db.execute(
            "SELECT reversed_id, reversal_seq FROM reversals ORDER BY reversal_seq"):
        need(rid not in stored, f"the reversals table has {rid!r} twice")
        stored[rid] = seq
    for r in sorted(set(stored) | set(replayed), key=str):
        need(r in replayed, f"the reversals table has {r!r}, which no reversal reverses")
        need(r in stored, f"the reversals table lacks {r}, reversed by entry {replayed[r]}")
        need(type(stored[r]) is int and stored[r] == replayed[r],
             f"reversal_seq of {r} is {stored[r]!r}, the replay gives {replayed[r]}")


def fnv1a32(text):
    """§6: FNV-1a, 32 bits, of the UTF-8 bytes: a batch_credits row's id_hash (schema version 10)."""
    h = 2166136261
    for byte in text.encode():
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


def check_batch_credits(db, replayed, recent=False):
    """§17: one row per credit of a batch, (credit id, seq of its batch, its place), no others;
    from schema version 10 on, each row's id_hash is its credit id's (§6); from version 12 the
    rows of batch_credits and batch_credits_recent together."""
    stored = {}
    hashed = any(c[1] == "id_hash" for c in db.execute("PRAGMA table_info(batch_credits)"))
    columns = "credit_id, seq, idx" + (", id_hash" if hashed else "")
    rows = f"SELECT {columns} FROM batch_credits"
    if recent:
        rows += f" UNION ALL SELECT {columns} FROM batch_credits_recent"
    for row in db.execute(rows + " ORDER BY 2, 3"):
        cid, seq, idx = row[:3]
        need(not hashed or row[3] == fnv1a32(cid), f"the batch_credits row of {cid!r} has an id_hash not its id's")
        need(cid not in stored, f"the batch_credits table has {cid!r} twice")
        stored[cid] = (seq, idx)
    for c in sorted(set(stored) | set(replayed), key=str):
        need(c in replayed, f"the batch_credits table has {c!r}, which no batch holds")
        need(c in stored, f"the batch_credits table lacks {c}, credit {replayed[c][1]} of entry {replayed[c][0]}")
        need(stored[c] == replayed[c], f"batch_credits row of {c} is {stored[c]!r}, the replay gives {replayed[c]}")


CLAIM_COLUMNS = ("seq", "committed_at", "account", "issuer", "hours", "hour_rate", "amount", "category",
                 "care_date", "memo", "decided_seq", "decision", "reason")


def check_claims(db, replayed):
    """§6: one row per claim, with the entry that decided it, and no other rows.

    Reading: a field the claim leaves out is NULL, and so are decided_seq, decision and reason
    while it is undecided (an expired claim too: §6's decisions are only approved and rejected);
    an approval has no reason, so its reason is NULL."""
    stored = {}
    for row in db.execute(f"SELECT claim_id, {', '.join(CLAIM_COLUMNS)} FROM claims ORDER BY seq"):
        need(row[0] not in stored, f"the claims table has {row[0]!r} twice")
        stored[row[0]] = row[1:]
    for c in sorted(set(stored) | set(replayed), key=str):
        need(c in replayed, f"the claims table has {c!r}, which no claim entry made")
        need(c in stored, f"the claims table lacks {c}, the claim of entry {replayed[c]['seq']}")
        for field, got in zip(CLAIM_COLUMNS, stored[c]):
            want = replayed[c][field]
            need(type(got) is type(want) and got == want,
                 f"{field} of claim {c} is {got!r}, the replay gives {want!r}")


SETTINGS_COLUMNS = ("claim_expiry_days", "demurrage_rate_ppm", "demurrage_period",
                    "demurrage_account", "demurrage_next", "demurrage_cursor", "language", "contact")


def check_settings(db, state, has_language):
    """§6: at most one row, and none means the defaults; the demurrage columns are §15's state
    after the head entry, NULL when off (demurrage_cursor also when there is no cursor); from
    schema version 8 language and contact, NULL where the entry gave none. Before version 8 the
    chain can set neither."""
    columns = SETTINGS_COLUMNS if has_language else SETTINGS_COLUMNS[:6]
    rows = db.execute(f"SELECT {', '.join(columns)} FROM settings").fetchall()
    need(len(rows) <= 1, f"the settings table has {len(rows)} rows, not at most one")
    d = state.get("demurrage", {})
    want = (state["claim_expiry_days"], d.get("rate_ppm"), d.get("period"), d.get("account"),
            d.get("next"), d.get("cursor"), state.get("language"), state.get("contact"))
    got = rows[0] if rows else (DEFAULT_EXPIRY_DAYS,) + (None,) * (len(columns) - 1)
    if not has_language:
        got = tuple(got) + (None, None)  # compared with the replay: it must set neither
    for field, g, w in zip(SETTINGS_COLUMNS, got, want):
        need(type(g) is type(w) and g == w, f"{field} of the settings table is {g!r}"
             + ("" if rows else " (it has no row: the defaults)") + f", the replay gives {w!r}")


def check_merkle_nodes(db, leaves, has_pos):
    """§6: merkle_nodes holds exactly the hash of every complete subtree of the whole tree; from
    schema 13 each row's key pos is (its last leaf's index) · 64 + level."""
    level, expected = 0, list(leaves)
    rows = db.execute("SELECT level, idx, hash" + (", pos" if has_pos else "")
                      + " FROM merkle_nodes ORDER BY level, idx")
    row = next(rows, None)
    while expected:
        for i, h in enumerate(expected):
            need(row is not None and row[:2] == (level, i),
                 f"merkle_nodes lacks level {level} index {i}, or has a row the tree does not")
            need(row[2] == h, f"merkle_nodes has a wrong hash at level {level} index {i}")
            need(not has_pos or row[3] == (((i + 1) << level) - 1) * 64 + level,
                 f"merkle_nodes has pos {row[3] if has_pos else None} at level {level} index {i}, "
                 f"not {(((i + 1) << level) - 1) * 64 + level}")
            row = next(rows, None)
        expected = [sha256(b"\x01" + expected[i] + expected[i + 1])
                    for i in range(0, len(expected) - 1, 2)]
        level += 1
    need(row is None, f"merkle_nodes has level {row and row[0]} index {row and row[1]}, "
         "which is no complete subtree of the entries")


def read_kept(paths):
    """--checkpoint FILE: checkpoints an auditor kept earlier, as text."""
    kept = []
    for path in paths:
        with open(path, "rb") as f:
            try:
                kept.append((path, f.read().decode("utf-8")))
            except UnicodeDecodeError:
                sys.exit(f"error: {path} is not UTF-8 text")
    return kept


def add_options(ap):
    """The options both audit scripts share."""
    ap.error = lambda msg: sys.exit(f"{ap.format_usage()}error: {msg}")  # exit 1, not argparse's 2
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--log-key", type=verifier_key, metavar="VERIFIER_KEY",
                    help="the log key's verifier key (noaber/<ledger id>+<key ID>+<base64>): checkpoints "
                         "must be signed by it, as a log key the chain names active (§10)")
    ap.add_argument("--checkpoint", action="append", default=[], metavar="FILE",
                    help="a checkpoint kept earlier, which the ledger must still contain (repeatable)")


def finish(run, args):
    """Run an audit, check the kept checkpoints and print the outcome; return the exit status.

    run(auditor) does the format's own part and returns the size of its checkpoint (or None)."""
    failure, size, sizes = None, None, []
    try:
        kept = read_kept(args.checkpoint)
        with tempfile.TemporaryDirectory() as tmp:
            auditor = Auditor(tmp, args.log_key)
            try:
                size = run(auditor)
                # Reading: a pinned key says the auditor expects the ledger to show a checkpoint.
                need(size is not None or not args.log_key, "checkpoint: there is none to check "
                     "against --log-key")
                for path, note in kept:
                    sizes.append(auditor.checkpoint(note, f"kept checkpoint {path}")[0])
            except Bad as e:
                failure = {"seq": e.seq, "reason": e.reason}
    except (sqlite3.Error, OSError) as e:  # OSError includes a missing openssl
        sys.exit(f"error: {e}")
    head, root = auditor.head.hex(), auditor.root().hex()
    if args.json:
        print(json.dumps({"ok": not failure, "entries": auditor.n, "head": head, "root": root,
                          "checkpoint": size, "kept": sizes, "categories": len(auditor.categories),
                          "reversals": len(auditor.reversed), "claims": len(auditor.claims),
                          "demurrage": auditor.demurrages, "settings": auditor.settings_state(),
                          "warnings": [{"seq": q, "reason": r} for q, r in auditor.warnings],
                          "failure": failure}))
    elif failure:
        where = "" if failure["seq"] is None else f" entry {failure['seq']}"
        print(f"FAIL{where}: {failure['reason']}")
    else:
        print(f"OK: {auditor.n} entries, {len(auditor.accounts)} accounts, {len(auditor.keys)} keys, "
              f"head {head}, root {root}, " + ("no checkpoint" if size is None else f"checkpoint {size}")
              + "".join(f", kept checkpoint {s}" for s in sizes)
              + f", {len(auditor.categories)} categor{'y' if len(auditor.categories) == 1 else 'ies'}"
              + f", {len(auditor.reversed)} reversal{'' if len(auditor.reversed) == 1 else 's'}"
              + f", {len(auditor.claims)} claim{'' if len(auditor.claims) == 1 else 's'}"
              + f", {auditor.demurrages} demurrage entr{'y' if auditor.demurrages == 1 else 'ies'}")
    if not args.json:
        for seq, reason in auditor.warnings:  # version 1 texts from before §2's character rule
            print(f"WARN entry {seq}: {reason}")
    return 2 if failure else 0


def main():
    ap = argparse.ArgumentParser(description="Audit a Noaber SQLite ledger (FORMAT.md versions 1 and 2).")
    ap.add_argument("db", help="path of noaber.sqlite (best a copy made with .backup)")
    add_options(ap)
    args = ap.parse_args()
    if not os.path.isfile(args.db):
        sys.exit(f"error: no such file: {args.db}")
    db = sqlite3.connect(f"file:{urllib.parse.quote(args.db)}?mode=ro", uri=True)
    return finish(lambda auditor: check_sqlite(db, auditor), args)


if __name__ == "__main__":
    sys.exit(main())
