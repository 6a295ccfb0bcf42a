#!/usr/bin/env bash
# Tests audit_sqlite.py and audit_export.py on FORMAT.md §14's three-entry ledger, built here from
# the document alone: the entries are signed with openssl, stored in an SQLite file laid out as §6
# says and in a jsonl export laid out as §13 says, and the checkpoint is signed as §10 says. Both
# scripts must print OK with §14's root; then each tampered copy must fail with the expected reason.
# Longer chains built the same way cover account.update and care categories (category.set, credits
# at a category's rate, a rate change) and reversals (§2: a credit undone by the operator key, a
# credit undone by its volunteer's key) with their tampered and rule-breaking variants, and the
# rules that depend on time (§15): claims approved, rejected, left open and expired, under the
# default and a changed claim_expiry_days; demurrage on a day and a week schedule, with empty
# periods passed over, missed periods charged in order after downtime, a rate change, a
# min_balance that limits a charge, and a period charged in chunks of 99 accounts with a cursor.
# A file of schema version 6 must carry each posting's care date (§2, §6), and a moved one fails.
# Uses python3, sqlite3, openssl, xxd and base64 only. Exits non-zero on any mismatch.
#
#   bash docs/examples/test_examples.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"

# ---- §14's values ----------------------------------------------------------------------------
L=cbb3d7f2b5a96de2ef752306a3af07b9
ADMIN_ID=21fe31dfa154a261626bf854046fd227
ADMIN_PUB=d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a
LOG_ID=$(printf '%s' 3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c | xxd -r -p | sha256sum | cut -c1-32)
LOG_PUB=3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c
ROOT3=52de9217e82498e7d2e25e8408ebba432c2e0cf250dcf80360f2296bfdc676c0
VKEY=noaber/$L+d973f6df+AT1AF8PoQ4lakrcKp00bfrycmCzPLsSWjMDNVfEq9GYM
seed_pem() { printf '302e020100300506032b657004220420%s' "$1" | xxd -r -p | openssl pkey -inform DER -out "$2"; }
seed_pem 9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60 admin.pem  # RFC 8032 test 1
seed_pem 4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb log.pem    # RFC 8032 test 2
printf '%s' '{"admin_key":{"label":"admin","public_key":"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a","role":"admin"},"currency":{"code":"ZMT","name":"zorgmunt","scale":2},"hour_rate":1000,"id":"example-init","kind":"ledger.init","ledger":"cbb3d7f2b5a96de2ef752306a3af07b9","log_key":{"label":"noaberd log key","public_key":"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c","role":"log"},"name":"Zorgkring Noord","nonce":"000102030405060708090a0b0c0d0e0f","v":1}' > payload1.json
printf '%s' '{"account":"org:zorgkring","account_kind":"issuer","controllers":["21fe31dfa154a261626bf854046fd227"],"id":"example-org","kind":"account.open","ledger":"cbb3d7f2b5a96de2ef752306a3af07b9","min_balance":-100000,"name":"Zorgkring Noord","v":1}' > payload2.json
printf '%s' '{"account":"vol:jan-peeters","account_kind":"member","controllers":["21fe31dfa154a261626bf854046fd227"],"id":"example-jan","kind":"account.open","ledger":"cbb3d7f2b5a96de2ef752306a3af07b9","min_balance":0,"name":"Jan Peeters","v":1}' > payload3.json
# Not in §14: a fourth entry, a credit of 2.5 hours, to test postings, balances and a checkpoint
# that covers only a prefix of the entries.
printf '%s' '{"hour_rate":1000,"hours":"2.5","id":"example-credit","kind":"tx","ledger":"cbb3d7f2b5a96de2ef752306a3af07b9","postings":[{"account":"org:zorgkring","amount":-2500},{"account":"vol:jan-peeters","amount":2500}],"purpose":"credit","v":1}' > payload4.json

sha() { sha256sum | cut -c1-64; }
node() { { printf '\001'; printf '%s%s' "$1" "$2" | xxd -r -p; } | sha; }
b64hex() { printf '%s' "$1" | xxd -r -p | base64; }
prev=$(printf '%064d' 0)
for i in 1 2 3 4; do
  { printf 'noaber:entry:v1\n%s\n' $L; cat payload$i.json; } > message$i.bin                     # §3
  openssl pkeyutl -sign -inkey admin.pem -rawin -in message$i.bin -out sig$i.bin
  printf '%s' "$prev" > prev$i.hex
  { printf 'noaber:chain:v1\n%s\n%s\n%s\n%s\n%s\n' $i "$prev" "2026-01-01T00:00:0$((i - 1)).000Z" $ADMIN_ID \
      "$(xxd -p -c 64 sig$i.bin)"; cat payload$i.json; } > record$i.bin                            # §4, §9
  prev=$(sha < record$i.bin); printf '%s' "$prev" > hash$i.hex
  { printf '\000'; cat record$i.bin; } | sha > leaf$i.hex
done
root3=$(node "$(node "$(cat leaf1.hex)" "$(cat leaf2.hex)")" "$(cat leaf3.hex)")
[ "$root3" = $ROOT3 ] || { echo "the rebuilt size-3 root $root3 is not §14's"; exit 1; }

# A checkpoint (§10): note TEXT_FILE SIGNING_KEY_PEM PUBLIC_KEY_HEX > checkpoint
note() {
  openssl pkeyutl -sign -inkey "$2" -rawin -in "$1" -out note.sig
  local id; id=$({ printf 'noaber/%s\n\001' $L; printf '%s' "$3" | xxd -r -p; } | sha256sum | cut -c1-8)
  cat "$1"; echo; echo "— noaber/$L $({ printf '%s' "$id" | xxd -r -p; cat note.sig; } | base64 -w0)"
}
printf 'noaber/%s\n3\n%s\n' $L "$(b64hex $ROOT3)" > note3.txt
note note3.txt log.pem $LOG_PUB > checkpoint3.txt
grep -q "^— noaber/$L 2XP233xWiSMCAoLRd9WjJ2woPyOGReRJa/0wca9dNvuPU3FFNVjT" checkpoint3.txt ||
  { echo "the rebuilt checkpoint is not §14's"; exit 1; }

# ---- the SQLite file (§6) of entries 1..N, with its checkpoint CHECKPOINT_FILE ----------------
schema() {
    cat <<'SQL'
CREATE TABLE entries (seq INTEGER PRIMARY KEY CHECK (seq >= 1), entry_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL, key_id TEXT NOT NULL, payload BLOB NOT NULL, signature BLOB NOT NULL,
  committed_at TEXT NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL);
CREATE TABLE postings (seq INTEGER NOT NULL, idx INTEGER NOT NULL, account TEXT NOT NULL,
  amount INTEGER NOT NULL, PRIMARY KEY (seq, idx));
CREATE TABLE accounts (account TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,
  min_balance INTEGER NOT NULL, controllers TEXT NOT NULL, status TEXT NOT NULL,
  balance INTEGER NOT NULL, opened_seq INTEGER NOT NULL);
CREATE TABLE merkle_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,
  PRIMARY KEY (level, idx));
CREATE TABLE ledger (singleton INTEGER PRIMARY KEY, ledger_id TEXT NOT NULL, name TEXT NOT NULL,
  currency_code TEXT NOT NULL, currency_name TEXT NOT NULL, scale INTEGER NOT NULL,
  hour_rate INTEGER NOT NULL, admin_key TEXT NOT NULL, entry_version INTEGER NOT NULL);
CREATE TABLE keys (key_id TEXT PRIMARY KEY, public_key BLOB NOT NULL, label TEXT NOT NULL,
  role TEXT NOT NULL, added_seq INTEGER NOT NULL, revoked_seq INTEGER);
CREATE TABLE checkpoint (tree_size INTEGER NOT NULL, root BLOB NOT NULL, note TEXT NOT NULL,
  signed_at TEXT NOT NULL);
CREATE TABLE categories (category TEXT PRIMARY KEY, name TEXT NOT NULL, hour_rate INTEGER NOT NULL,
  set_seq INTEGER NOT NULL);
CREATE TABLE reversals (reversed_id TEXT PRIMARY KEY, reversal_seq INTEGER NOT NULL);
CREATE TABLE claims (claim_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, committed_at TEXT NOT NULL,
  account TEXT NOT NULL, issuer TEXT NOT NULL, hours TEXT NOT NULL, hour_rate INTEGER NOT NULL,
  amount INTEGER NOT NULL, category TEXT, care_date TEXT, memo TEXT, decided_seq INTEGER,
  decision TEXT, reason TEXT);
CREATE TABLE settings (claim_expiry_days INTEGER NOT NULL, demurrage_rate_ppm INTEGER,
  demurrage_period TEXT, demurrage_account TEXT, demurrage_next TEXT, demurrage_cursor TEXT);
CREATE TABLE schema_migrations (version INTEGER NOT NULL, applied_at TEXT NOT NULL);
INSERT INTO schema_migrations VALUES (1, '2026-01-01T00:00:00.000Z'), (2, '2026-01-01T00:00:00.000Z'),
  (3, '2026-01-01T00:00:00.000Z'), (4, '2026-01-01T00:00:00.000Z');
SQL
}
keys_sql() {  # keys_sql PAYLOAD_FILE...: the ledger and keys rows (§6) of the entries 1, 2, … given
  python3 - "$@" <<'PY'
import hashlib, json, sys
q = lambda text: "'" + text.replace("'", "''") + "'"
for seq, path in enumerate(sys.argv[1:], 1):
    with open(path) as f:
        p = json.load(f)
    keys = []
    if p["kind"] == "ledger.init":
        admin, c = p["admin_key"], p["currency"]
        kid = hashlib.sha256(bytes.fromhex(admin["public_key"])).hexdigest()[:32]
        print(f"INSERT INTO ledger VALUES (1, {q(p['ledger'])}, {q(p['name'])}, {q(c['code'])}, {q(c['name'])}, "
              f"{c['scale']}, {p['hour_rate']}, {q(kid)}, {p['v']});")
        keys = [admin] + ([p["log_key"]] if "log_key" in p else [])
    elif p["kind"] == "key.add":
        keys = [p["key"]]
    elif p["kind"] == "key.revoke":
        print(f"UPDATE keys SET revoked_seq = {seq} WHERE key_id = {q(p['key_id'])};")
    for k in keys:
        kid = hashlib.sha256(bytes.fromhex(k["public_key"])).hexdigest()[:32]
        print(f"INSERT INTO keys VALUES ({q(kid)}, X'{k['public_key']}', {q(k['label'])}, {q(k['role'])}, {seq}, NULL);")
PY
}
merkle_sql() {  # merkle_sql LEAF_HEX...: merkle_nodes rows, every complete subtree level by level (§6, §9)
  local leaves=("$@") next i level=0
  while [ ${#leaves[@]} -gt 0 ]; do
    for i in "${!leaves[@]}"; do echo "INSERT INTO merkle_nodes VALUES ($level, $i, X'${leaves[i]}');"; done
    next=(); for ((i = 0; i + 1 < ${#leaves[@]}; i += 2)); do next+=("$(node "${leaves[i]}" "${leaves[i + 1]}")"); done
    leaves=(${next[@]+"${next[@]}"}); level=$((level + 1))
  done
}
checkpoint_sql() {  # checkpoint_sql CHECKPOINT_FILE: the checkpoint table's row
  echo "INSERT INTO checkpoint VALUES ($(sed -n 2p "$1"), X'$(sed -n 3p "$1" | base64 -d | xxd -p -c 32)',"
  echo "  CAST(readfile('$1') AS TEXT), '2026-01-01T00:00:59.000Z');"
}
build_db() {  # build_db N CHECKPOINT_FILE OUT
  local n=$1 i leaves
  {
    schema
    local kinds=(- ledger.init account.open account.open tx) ids=(- example-init example-org example-jan example-credit)
    for ((i = 1; i <= n; i++)); do
      echo "INSERT INTO entries VALUES ($i, '${ids[i]}', '${kinds[i]}', '$ADMIN_ID', readfile('payload$i.json'),"
      echo "  readfile('sig$i.bin'), '2026-01-01T00:00:0$((i - 1)).000Z', X'$(cat prev$i.hex)', X'$(cat hash$i.hex)');"
    done
    local org=0 jan=0
    if [ "$n" -ge 4 ]; then
      echo "INSERT INTO postings VALUES (4, 0, 'org:zorgkring', -2500), (4, 1, 'vol:jan-peeters', 2500);"
      org=-2500 jan=2500
    fi
    [ "$n" -ge 2 ] && echo "INSERT INTO accounts VALUES ('org:zorgkring', 'issuer', 'Zorgkring Noord', -100000, '$ADMIN_ID', 'open', $org, 2);"
    [ "$n" -ge 3 ] && echo "INSERT INTO accounts VALUES ('vol:jan-peeters', 'member', 'Jan Peeters', 0, '$ADMIN_ID', 'open', $jan, 3);"
    leaves=(); for ((i = 1; i <= n; i++)); do leaves+=("$(cat leaf$i.hex)"); done
    keys_sql $(for ((i = 1; i <= n; i++)); do echo payload$i.json; done)
    merkle_sql "${leaves[@]}"
    [ -z "$2" ] || checkpoint_sql "$2"
  } | sqlite3 "$3"
}

# ---- the jsonl export (§13) of entries 1..N, with its checkpoint CHECKPOINT_FILE --------------
build_export() {  # build_export N CHECKPOINT_FILE OUT
  local n=$1 i org=0 jan=0 postings=0 accounts="" cp=""
  local kinds=(- ledger.init account.open account.open tx) ids=(- example-init example-org example-jan example-credit)
  [ "$n" -ge 4 ] && { org=-2500; jan=2500; postings=2; }
  [ "$n" -ge 2 ] && accounts="{\"account\":\"org:zorgkring\",\"balance\":$org,\"controllers\":[\"$ADMIN_ID\"],\"kind\":\"issuer\",\"min_balance\":-100000,\"name\":\"Zorgkring Noord\",\"opened_seq\":2,\"status\":\"open\"}"
  [ "$n" -ge 3 ] && accounts="$accounts,{\"account\":\"vol:jan-peeters\",\"balance\":$jan,\"controllers\":[\"$ADMIN_ID\"],\"kind\":\"member\",\"min_balance\":0,\"name\":\"Jan Peeters\",\"opened_seq\":3,\"status\":\"open\"}"
  [ -n "$2" ] && cp=",\"checkpoint\":\"$(awk '{printf "%s\\n", $0}' "$2")\""
  {
    printf '{"exported_at":"2026-01-01T00:00:05.000Z","format":"noaber-export","state":{"accounts":[%s],"categories":[]%s,' "$accounts" "$cp"
    printf '"entry_rows":%s,"head_seq":%s,"keys":[' "$n" "$n"
    printf '{"added_seq":1,"key_id":"%s","label":"admin","public_key":"%s","role":"admin"},' $ADMIN_ID $ADMIN_PUB
    printf '{"added_seq":1,"key_id":"%s","label":"noaberd log key","public_key":"%s","role":"log"}],' "$LOG_ID" $LOG_PUB
    printf '"ledger":{"admin_key":"%s","currency":{"code":"ZMT","name":"zorgmunt","scale":2},"hour_rate":1000,' $ADMIN_ID
    printf '"ledger_id":"%s","name":"Zorgkring Noord"},"posting_rows":%s,"settings":{"claim_expiry_days":60}},"version":1}\n' $L $postings
    for ((i = 1; i <= n; i++)); do
      local ps='[]'
      [ "$i" = 4 ] && ps='[{"account":"org:zorgkring","amount":-2500},{"account":"vol:jan-peeters","amount":2500}]'
      printf '{"committed_at":"2026-01-01T00:00:0%s.000Z","hash":"%s","id":"%s","key_id":"%s","kind":"%s",' \
        $((i - 1)) "$(cat hash$i.hex)" "${ids[i]}" $ADMIN_ID "${kinds[i]}"
      printf '"payload":"%s","postings":%s,"prev_hash":"%s","seq":%s,"signature":"%s"}\n' \
        "$(base64 -w0 payload$i.json)" "$ps" "$(cat prev$i.hex)" $i "$(xxd -p -c 64 sig$i.bin)"
    done
  } > "$3"
}

# header_edit IN OUT CODE / line_edit IN OUT LINE CODE: IN with its header (h) or its line LINE (e)
# changed by python CODE; loose(b64) spells the same bytes with the unused bits of the last
# character set, which lenient decoders accept.
edit_json() {
  python3 - "$@" <<'PY'
import json, sys
src, out, number, code = sys.argv[1:5]
A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
def loose(b):
    pad = len(b) - len(b.rstrip("="))
    assert pad, "no padding to loosen"
    i = len(b) - pad - 1
    return b[:i] + A[A.index(b[i]) | (3 if pad == 1 else 15)] + b[i + 1:]
with open(src) as f:
    lines = f.read().split("\n")
e = h = json.loads(lines[int(number) - 1])
exec(code)
lines[int(number) - 1] = json.dumps(e, separators=(",", ":"), ensure_ascii=False)
with open(out, "w") as f:
    f.write("\n".join(lines))
PY
}
header_edit() { edit_json "$1" "$2" 1 "$3"; }
line_edit() { edit_json "$@"; }

# ---- expect EXIT_STATUS TEXT COMMAND...: the command exits so and its output contains TEXT ------
failures=0
expect() {
  local want=$1 text=$2 out status=0; shift 2
  out=$("$@" 2>&1) || status=$?
  if [ "$status" = "$want" ] && [[ "$out" == *"$text"* ]]; then
    echo "ok   $*"; echo "     $out"
  else
    echo "FAILED: $*"; echo "     wanted status $want and \"$text\", got status $status: $out"
    failures=$((failures + 1))
  fi
}
sq() { python3 "$HERE/audit_sqlite.py" "$@"; }
ex() { python3 "$HERE/audit_export.py" "$@"; }

build_db 3 checkpoint3.txt good.sqlite
build_export 3 checkpoint3.txt good.jsonl
OK3="OK: 3 entries, 2 accounts, 2 keys, head $(cat hash3.hex), root $ROOT3, checkpoint 3"
echo "== the worked example (§14)"
expect 0 "$OK3" sq good.sqlite
expect 0 "$OK3" ex good.jsonl
expect 0 "$OK3" sq good.sqlite --log-key "$VKEY"
expect 0 "$OK3" ex good.jsonl --log-key "$VKEY" --checkpoint checkpoint3.txt
expect 0 "\"root\": \"$ROOT3\", \"checkpoint\": 3" sq good.sqlite --json

echo "== no categories or reversals: empty tables and [] in the export, or (older files) neither"
sqlite3 good.sqlite "SELECT count(*) FROM categories" | grep -qx 0
sqlite3 good.sqlite "SELECT count(*) FROM reversals" | grep -qx 0
grep -q '"categories":\[\]' good.jsonl
expect 0 "$OK3, 0 categories, 0 reversals" sq good.sqlite
cp good.sqlite nocat.sqlite; sqlite3 nocat.sqlite "DROP TABLE categories; DROP TABLE reversals"
expect 0 "$OK3, 0 categories, 0 reversals" sq nocat.sqlite
sed 's/"categories":\[\],//' good.jsonl > nocat.jsonl
expect 0 "$OK3, 0 categories" ex nocat.jsonl
expect 0 "\"categories\": 0, \"reversals\": 0" ex good.jsonl --json

echo "== no claims or settings: empty tables (schema version 4) and the defaults in the export, or (older files) neither"
sqlite3 good.sqlite "SELECT count(*) FROM claims" | grep -qx 0
sqlite3 good.sqlite "SELECT max(version) FROM schema_migrations" | grep -qx 4
expect 0 "$OK3, 0 categories, 0 reversals, 0 claims, 0 demurrage entries" sq good.sqlite
expect 0 "\"claims\": 0, \"demurrage\": 0, \"settings\": {\"claim_expiry_days\": 60}" sq good.sqlite --json
cp good.sqlite v3.sqlite; sqlite3 v3.sqlite "DROP TABLE claims; DROP TABLE settings; DELETE FROM schema_migrations WHERE version = 4"
expect 0 "$OK3, 0 categories, 0 reversals, 0 claims" sq v3.sqlite
cp good.sqlite nosettings.sqlite; sqlite3 nosettings.sqlite "DROP TABLE settings"
expect 2 "FAIL: the settings table is missing from a schema version 4 file" sq nosettings.sqlite
cp good.sqlite v14.sqlite; sqlite3 v14.sqlite "INSERT INTO schema_migrations VALUES (14, '2026-01-01T00:00:00.000Z')"
expect 2 "FAIL: schema_migrations says version 14, and FORMAT.md describes versions 1 to 13" sq v14.sqlite
cp good.sqlite v13.sqlite; sqlite3 v13.sqlite "INSERT INTO schema_migrations VALUES (13, '2026-01-01T00:00:00.000Z')"
expect 2 "FAIL: the merkle_nodes table has no pos column in a schema version 13 file" sq v13.sqlite
cp good.sqlite v12.sqlite; sqlite3 v12.sqlite "INSERT INTO schema_migrations VALUES (12, '2026-01-01T00:00:00.000Z')"
expect 2 "FAIL: the batch_credits_recent table is missing from a schema version 12 file" sq v12.sqlite
cp good.sqlite v11b.sqlite; sqlite3 v11b.sqlite "INSERT INTO schema_migrations VALUES (11, '2026-01-01T00:00:00.000Z')"
expect 2 "FAIL: the balances table is missing from a schema version 11 file" sq v11b.sqlite
# Version 11 keeps the balances in a table of their own, one row per account.
cp good.sqlite narrow.sqlite; sqlite3 narrow.sqlite "CREATE TABLE balances (account TEXT PRIMARY KEY, balance INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO balances SELECT account, balance FROM accounts; ALTER TABLE accounts DROP COLUMN balance"
expect 0 "$OK3" sq narrow.sqlite
cp narrow.sqlite narrowbalance.sqlite; sqlite3 narrowbalance.sqlite "UPDATE balances SET balance = 100 WHERE account = 'vol:jan-peeters'"
expect 2 "FAIL: balance of vol:jan-peeters is 100, the replay gives 0" sq narrowbalance.sqlite
cp narrow.sqlite narrowextra.sqlite; sqlite3 narrowextra.sqlite "INSERT INTO balances VALUES ('vol:nobody', 0)"
expect 2 "FAIL: the balances table has vol:nobody, which the accounts table lacks" sq narrowextra.sqlite
cp narrow.sqlite narrowmissing.sqlite; sqlite3 narrowmissing.sqlite "DELETE FROM balances WHERE account = 'vol:jan-peeters'"
expect 2 "FAIL: the balances table lacks vol:jan-peeters" sq narrowmissing.sqlite
cp good.sqlite v6.sqlite; sqlite3 v6.sqlite "INSERT INTO schema_migrations VALUES (6, '2026-01-01T00:00:00.000Z')"
expect 2 "FAIL: the postings table has no care_date column in a schema version 6 file" sq v6.sqlite
# The defaults, stated as a row, are the defaults too (§6: "no row means the defaults").
cp good.sqlite defaults.sqlite; sqlite3 defaults.sqlite "INSERT INTO settings VALUES (60, NULL, NULL, NULL, NULL, NULL)"
expect 0 "$OK3" sq defaults.sqlite
cp good.sqlite expiry.sqlite; sqlite3 expiry.sqlite "INSERT INTO settings VALUES (30, NULL, NULL, NULL, NULL, NULL)"
expect 2 "FAIL: claim_expiry_days of the settings table is 30, the replay gives 60" sq expiry.sqlite
sed 's/,"settings":{"claim_expiry_days":60}//' good.jsonl > nosettings.jsonl
expect 0 "$OK3, 0 categories, 0 reversals, 0 claims" ex nosettings.jsonl
sed 's/"settings":{"claim_expiry_days":60}/"settings":{"claim_expiry_days":30}/' good.jsonl > expiry.jsonl
expect 2 "FAIL: state: settings.claim_expiry_days is 30, the replay gives 60" ex expiry.jsonl
sed 's/"settings":{"claim_expiry_days":60}/"settings":{"claim_expiry_days":60,"demurrage":{"account":"org:zorgkring","next":"2026-01-05T00:00:00.000Z","period":"week","rate_ppm":10000}}/' good.jsonl > demstate.jsonl
expect 2 "FAIL: state: settings.demurrage is {'account': 'org:zorgkring'" ex demstate.jsonl

echo "== a fourth entry; the size-3 checkpoint still holds"
build_db 4 checkpoint3.txt four.sqlite
build_export 4 checkpoint3.txt four.jsonl
root4=$(node "$(node "$(cat leaf1.hex)" "$(cat leaf2.hex)")" "$(node "$(cat leaf3.hex)" "$(cat leaf4.hex)")")
OK4="OK: 4 entries, 2 accounts, 2 keys, head $(cat hash4.hex), root $root4, checkpoint 3, kept checkpoint 3"
expect 0 "$OK4" sq four.sqlite --checkpoint checkpoint3.txt
expect 0 "$OK4" ex four.jsonl --checkpoint checkpoint3.txt --log-key "$VKEY"
# Schema version 6 (§6): each posting repeats its transaction's care date (§2): for this credit,
# which names none, the UTC day of its committed_at.
cp four.sqlite care.sqlite
sqlite3 care.sqlite "ALTER TABLE postings ADD COLUMN care_date TEXT; UPDATE postings SET care_date = '2026-01-01';
  INSERT INTO schema_migrations VALUES (5, '2026-01-01T00:00:00.000Z'), (6, '2026-01-01T00:00:00.000Z')"
expect 0 "$OK4" sq care.sqlite --checkpoint checkpoint3.txt
cp care.sqlite moved.sqlite; sqlite3 moved.sqlite "UPDATE postings SET care_date = '2025-12-31' WHERE idx = 1"
expect 2 "FAIL entry 4: the care_date of posting 1 is '2025-12-31', the transaction's care date is '2026-01-01'" sq moved.sqlite
# Schema version 13 (§6): merkle_nodes keyed by pos, the node's last leaf's index · 64 + its level.
cp four.sqlite pos.sqlite
sqlite3 pos.sqlite "CREATE TABLE nodes (pos INTEGER PRIMARY KEY, level INTEGER NOT NULL, idx INTEGER NOT NULL,
  hash BLOB NOT NULL); INSERT INTO nodes SELECT ((((idx + 1) << level) - 1) << 6) + level, level, idx, hash
  FROM merkle_nodes; DROP TABLE merkle_nodes; ALTER TABLE nodes RENAME TO merkle_nodes"
expect 0 "$OK4" sq pos.sqlite --checkpoint checkpoint3.txt
cp pos.sqlite badpos.sqlite; sqlite3 badpos.sqlite "UPDATE merkle_nodes SET pos = 5 WHERE level = 1 AND idx = 0"
expect 2 "FAIL: merkle_nodes has pos 5 at level 1 index 0, not 65" sq badpos.sqlite

echo "== tampered SQLite files"
t() { cp good.sqlite "$1"; sqlite3 "$1" "$2"; }
t payload.sqlite "UPDATE entries SET payload = CAST(replace(CAST(payload AS TEXT), '-100000', '-900000') AS BLOB) WHERE seq = 2"
expect 2 "FAIL entry 2: hash does not match §4" sq payload.sqlite
t drop2.sqlite "DELETE FROM entries WHERE seq = 2"
expect 2 "FAIL entry 2: missing: the entry after seq 1 has seq 3" sq drop2.sqlite
# Cut off the newest entry and fix up every derived table: only the checkpoint still tells.
t cut.sqlite "DELETE FROM entries WHERE seq = 3; DELETE FROM accounts WHERE opened_seq = 3; DELETE FROM merkle_nodes WHERE level = 0 AND idx = 2"
expect 2 "FAIL: checkpoint: tree size 3 is larger than the 2 entries" sq cut.sqlite
# ... and without the checkpoint row, the one the auditor kept tells.
sqlite3 cut.sqlite "DELETE FROM checkpoint"
expect 0 "OK: 2 entries" sq cut.sqlite
expect 2 "FAIL: kept checkpoint checkpoint3.txt: tree size 3 is larger than the 2 entries" sq cut.sqlite --checkpoint checkpoint3.txt
expect 2 "FAIL: checkpoint: there is none to check against --log-key" sq cut.sqlite --log-key "$VKEY"
# A checkpoint whose root is another (the size-2 root), signed by the log key itself.
printf 'noaber/%s\n3\n%s\n' $L "$(b64hex "$(node "$(cat leaf1.hex)" "$(cat leaf2.hex)")")" > badroot.txt
note badroot.txt log.pem $LOG_PUB > badroot-checkpoint.txt
build_db 3 badroot-checkpoint.txt root.sqlite
expect 2 "FAIL: checkpoint: root is not the root of entries 1 to 3" sq root.sqlite
# The root column alone changed: the row no longer matches its note.
t rootcol.sqlite "UPDATE checkpoint SET root = zeroblob(32)"
expect 2 "FAIL: checkpoint: the row's tree_size/root" sq rootcol.sqlite
# The right text, signed by another key: the admin key, which is no log key, with its own key ID ...
note note3.txt admin.pem $ADMIN_PUB > otherkey-checkpoint.txt
build_db 3 otherkey-checkpoint.txt otherkey.sqlite
expect 2 "FAIL: checkpoint: no signature by a log key the chain names active at size 3" sq otherkey.sqlite
# ... or under the log key's key ID.
{ sed -n 1,4p otherkey-checkpoint.txt; echo "— noaber/$L $({ printf d973f6df | xxd -r -p; sed -n 5p otherkey-checkpoint.txt | cut -d' ' -f3 | base64 -d | tail -c 64; } | base64 -w0)"; } > forged-checkpoint.txt
build_db 3 forged-checkpoint.txt forged.sqlite
expect 2 "FAIL: checkpoint: signature of key $LOG_ID does not verify" sq forged.sqlite
# Pinning another key than the one that signed.
expect 2 "FAIL: checkpoint: no signature by the --log-key" sq good.sqlite \
  --log-key "noaber/$L+$({ printf 'noaber/%s\n\001' $L; printf '%s' $ADMIN_PUB | xxd -r -p; } | sha256sum | cut -c1-8)+$(b64hex 01$ADMIN_PUB)"
# Pinning the key that signed, which the chain never names a log key: the pin alone vouches for
# nothing (§10: the key must be both the pinned one and active in the chain).
ADMIN_VKEY="noaber/$L+$({ printf 'noaber/%s\n\001' $L; printf '%s' $ADMIN_PUB | xxd -r -p; } | sha256sum | cut -c1-8)+$(b64hex 01$ADMIN_PUB)"
expect 2 "FAIL: checkpoint: no signature by the --log-key, as a log key the chain names active at size 3" \
  sq otherkey.sqlite --log-key "$ADMIN_VKEY"
t balance.sqlite "UPDATE accounts SET balance = 100 WHERE account = 'vol:jan-peeters'"
expect 2 "FAIL: balance of vol:jan-peeters is 100, the replay gives 0" sq balance.sqlite
# §6: the daemon judges entries by the keys and ledger tables too.
t keyrole.sqlite "UPDATE keys SET role = 'admin' WHERE role = 'log'"
expect 2 "FAIL: role of key $LOG_ID is 'admin', the replay gives 'log'" sq keyrole.sqlite
t keyrevoked.sqlite "UPDATE keys SET revoked_seq = 2 WHERE role = 'log'"
expect 2 "FAIL: revoked_seq of key $LOG_ID is 2, the replay gives None" sq keyrevoked.sqlite
t ledgerrate.sqlite "UPDATE ledger SET hour_rate = 2000"
expect 2 "FAIL: hour_rate of the ledger table is 2000, entry 1 gives 1000" sq ledgerrate.sqlite
t nokeys.sqlite "DROP TABLE keys"
expect 2 "FAIL: the ledger or keys table is missing" sq nokeys.sqlite
# §6: signed_at is no evidence, but it has §4's form.
t signedat.sqlite "UPDATE checkpoint SET signed_at = '2026-01-01 00:00:59'"
expect 2 "FAIL: checkpoint: the row's signed_at '2026-01-01 00:00:59' is not YYYY-MM-DDTHH:MM:SS.mmmZ" sq signedat.sqlite

echo "== tampered exports"
# Entry 2's payload with min_balance -900000 instead of -100000: one byte.
sed "s|$(base64 -w0 payload2.json)|$(sed 's/-100000/-900000/' payload2.json | base64 -w0)|" good.jsonl > payload.jsonl
expect 2 "FAIL entry 2: hash does not match §4" ex payload.jsonl
sed 3d good.jsonl > drop2.jsonl
expect 2 "FAIL entry 2: missing: the entry after seq 1 has seq 3" ex drop2.jsonl
sed 4d good.jsonl > drop3.jsonl
expect 2 "FAIL: the export holds 2 entries, its state's head_seq is 3" ex drop3.jsonl
build_export 3 badroot-checkpoint.txt root.jsonl
expect 2 "FAIL: checkpoint: root is not the root of entries 1 to 3" ex root.jsonl
build_export 3 otherkey-checkpoint.txt otherkey.jsonl
expect 2 "FAIL: checkpoint: no signature by a log key the chain names active at size 3" ex otherkey.jsonl
expect 2 "FAIL: checkpoint: no signature by the --log-key, as a log key the chain names active at size 3" \
  ex otherkey.jsonl --log-key "$ADMIN_VKEY"
# §13: one spelling per value: lowercase hex, canonical base64.
sed "3s/$(cat hash2.hex)/$(tr a-f A-F < hash2.hex)/" good.jsonl > upperhash.jsonl
expect 2 "FAIL entry 2: hash is not 64 lowercase hex characters" ex upperhash.jsonl
header_edit good.jsonl upperkey.jsonl 'h["state"]["keys"][0]["public_key"] = h["state"]["keys"][0]["public_key"].upper()'
expect 2 "FAIL: state: public_key of key $ADMIN_ID is '$(tr a-f A-F <<< $ADMIN_PUB)'" ex upperkey.jsonl
line_edit good.jsonl loosebase64.jsonl 2 'e["payload"] = loose(e["payload"])'
expect 2 "FAIL entry 1: payload is not canonical base64" ex loosebase64.jsonl
# §13: the order of the state's lists: keys by added_seq, entry 1's admin key before its log key.
header_edit good.jsonl keyorder.jsonl 'h["state"]["keys"].reverse()'
expect 2 "FAIL: state: the keys are out of §13's order at $ADMIN_ID" ex keyorder.jsonl
# §13: table_rows counts every derived table's rows: 3 entries make 3 + 1 Merkle nodes.
ROWS='{"checkpoint":1,"claims":0,"ledger":1,"merkle_nodes":4,"personal_data":0,"personal_subjects":0,"reversals":0,"settings":1}'
header_edit good.jsonl rows.jsonl "h['state']['table_rows'] = $ROWS"
expect 0 "$OK3" ex rows.jsonl
header_edit good.jsonl strayrows.jsonl "h['state']['table_rows'] = $ROWS; h['state']['table_rows']['merkle_nodes'] = 5"
expect 2 "FAIL: state: table_rows.merkle_nodes is 5, the chain explains 4" ex strayrows.jsonl
header_edit good.jsonl cprow.jsonl "h['state']['checkpoint_row'] = {'tree_size': 3, 'root': '$ROOT3', 'signed_at': '2026-01-01T00:00:59.000Z'}"
expect 0 "$OK3" ex cprow.jsonl
header_edit good.jsonl badcprow.jsonl "h['state']['checkpoint_row'] = {'tree_size': 2, 'root': '$ROOT3', 'signed_at': '2026-01-01T00:00:59.000Z'}"
expect 2 "FAIL: state: checkpoint_row's tree_size and root are not its note's" ex badcprow.jsonl
sed '1s/"vol:jan-peeters","balance":0/"vol:jan-peeters","balance":7/' good.jsonl > balance.jsonl
expect 2 "FAIL: state: balance of account vol:jan-peeters is 7, the replay gives 0" ex balance.jsonl
# Two versions of history: the auditor kept a size-3 checkpoint of a ledger whose entry 3 differed.
expect 2 "FAIL: kept checkpoint badroot-checkpoint.txt: root is not the root of entries 1 to 3" \
  ex four.jsonl --checkpoint badroot-checkpoint.txt

# ==== account.update (§2, §5.5-§5.7) ===========================================================
# A longer ledger: §14's four entries, an operator and a member key, then a freeze, an unfreeze,
# a rename with new controllers, a new minimum, a new account that is paid, pays back and is
# closed at zero. Each entry is signed by the key named beside it; the derived tables are written
# by hand from §2's rules, and the export is made from the SQLite file's tables.
echo "== account.update"
seed_pem "$(printf 'noaber test operator' | sha)" operator.pem
seed_pem "$(printf 'noaber test member' | sha)" member.pem
pubhex() { openssl pkey -in "$1" -pubout -outform DER | tail -c 32 | xxd -p -c 32; }
keyid() { printf '%s' "$1" | xxd -r -p | sha256sum | cut -c1-32; }
OP_PUB=$(pubhex operator.pem); OP_ID=$(keyid "$OP_PUB")
MEM_PUB=$(pubhex member.pem); MEM_ID=$(keyid "$MEM_PUB")
# pl FILE ID KIND FIELDS: a payload with the common fields (§2) around FIELDS.
pl() { printf '{"id":"%s","kind":"%s","ledger":"%s",%s,"v":1}' "$2" "$3" $L "$4" > "$1"; }
upd() { pl "$1" "$2" account.update "$3"; }
pl u5.json add-operator key.add "\"key\":{\"label\":\"coordinator\",\"public_key\":\"$OP_PUB\",\"role\":\"operator\"}"
pl u6.json add-member key.add "\"key\":{\"label\":\"jan's phone\",\"public_key\":\"$MEM_PUB\",\"role\":\"member\"}"
upd u7.json freeze-jan '"account":"vol:jan-peeters","reason":"on holiday","status":"frozen"'
upd u8.json unfreeze-jan '"account":"vol:jan-peeters","status":"open"'
upd u9.json rename-jan "\"account\":\"vol:jan-peeters\",\"controllers\":[\"$MEM_ID\",\"$ADMIN_ID\"],\"name\":\"Jan Peeters-de Vries\""
upd u10.json org-limit '"account":"org:zorgkring","min_balance":-200000,"reason":"a larger credit line"'
pl u11.json open-piet account.open "\"account\":\"vol:piet\",\"account_kind\":\"member\",\"controllers\":[\"$MEM_ID\"],\"min_balance\":0,\"name\":\"Piet de Boer\""
pl u12.json jan-to-piet tx '"memo":"boodschappen","postings":[{"account":"vol:jan-peeters","amount":-500},{"account":"vol:piet","amount":500}],"purpose":"transfer"'
pl u13.json piet-to-jan tx '"postings":[{"account":"vol:piet","amount":-500},{"account":"vol:jan-peeters","amount":500}],"purpose":"transfer"'
upd u14.json close-piet '"account":"vol:piet","reason":"moved away","status":"closed"'
GOOD=(payload1.json@admin payload2.json@admin payload3.json@admin payload4.json@admin u5.json@admin
      u6.json@admin u7.json@operator u8.json@operator u9.json@admin u10.json@admin u11.json@operator
      u12.json@member u13.json@member u14.json@admin)

# chain DIR PAYLOAD@KEY[@TIME]...: sign each payload with KEY.pem and chain the entries (§3, §4, §9).
# An entry is committed at TIME when given; else at the previous entry's time once an entry had a
# TIME; else at second i - 1 of 2026-01-01. (Ed25519 is deterministic, so signatures are cached.)
mkdir -p sigcache
chain() {
  local d=$1 i=0 spec file key when at="" prev sum; shift
  mkdir -p "$d"; prev=$(printf '%064d' 0)
  for spec in "$@"; do
    i=$((i + 1))
    IFS=@ read -r file key when <<< "$spec"
    cp "$file" "$d/p$i.json"
    { printf 'noaber:entry:v1\n%s\n' $L; cat "$d/p$i.json"; } > "$d/m$i.bin"
    sum=$({ echo "$key"; cat "$d/m$i.bin"; } | sha)
    [ -f "sigcache/$sum" ] || openssl pkeyutl -sign -inkey "$key.pem" -rawin -in "$d/m$i.bin" -out "sigcache/$sum"
    cp "sigcache/$sum" "$d/s$i.bin"
    [ -f "$key.kid" ] || keyid "$(pubhex "$key.pem")" > "$key.kid"
    cp "$key.kid" "$d/k$i"
    printf '%s' "$prev" > "$d/prev$i"
    if [ -n "$when" ]; then at=$when; fi
    if [ -n "$at" ]; then printf '%s' "$at" > "$d/t$i"
    else printf '2026-01-01T%02d:%02d:%02d.000Z' $(((i - 1) / 3600)) $(((i - 1) / 60 % 60)) $(((i - 1) % 60)) > "$d/t$i"; fi
    { printf 'noaber:chain:v1\n%s\n%s\n%s\n%s\n%s\n' $i "$prev" "$(cat "$d/t$i")" "$(cat "$d/k$i")" \
        "$(xxd -p -c 64 "$d/s$i.bin")"; cat "$d/p$i.json"; } > "$d/r$i.bin"
    prev=$(sha < "$d/r$i.bin"); printf '%s' "$prev" > "$d/h$i"
    { printf '\000'; cat "$d/r$i.bin"; } | sha > "$d/leaf$i"
  done
  echo $i > "$d/n"
}
leaves_of() { local i; for ((i = 1; i <= $(cat "$1/n"); i++)); do cat "$1/leaf$i"; echo; done; }
mth() {  # mth LEAF_HEX...: RFC 6962's root (§9)
  if [ $# -eq 1 ]; then echo "$1"; return; fi
  local k=1; while [ $((k * 2)) -lt $# ]; do k=$((k * 2)); done
  node "$(mth "${@:1:k}")" "$(mth "${@:k+1}")"
}
# chain_db DIR OUT ACCOUNTS_SQL [CHECKPOINT_FILE]: §6's tables; postings straight from the payloads.
chain_db() {
  local d=$1 i
  rm -f "$2"
  {
    schema
    for ((i = 1; i <= $(cat "$d/n"); i++)); do
      echo "INSERT INTO entries SELECT $i, json_extract(p, '\$.id'), json_extract(p, '\$.kind'), '$(cat "$d/k$i")', p,"
      echo "  readfile('$d/s$i.bin'), '$(cat "$d/t$i")', X'$(cat "$d/prev$i")', X'$(cat "$d/h$i")' FROM (SELECT readfile('$d/p$i.json') AS p);"
    done
    echo "INSERT INTO postings SELECT e.seq, j.key, json_extract(j.value, '\$.account'), json_extract(j.value, '\$.amount')"
    echo "  FROM entries e, json_each(CAST(e.payload AS TEXT), '\$.postings') j WHERE e.kind = 'tx';"
    echo "$3"
    keys_sql $(for ((i = 1; i <= $(cat "$d/n"); i++)); do echo "$d/p$i.json"; done)
    merkle_sql $(leaves_of "$d")
    [ -z "${4:-}" ] || checkpoint_sql "$4"
  } | sqlite3 "$2"
}
# settings_json DB: §13's state.settings from DB's settings table (no row: the defaults).
settings_json() {
  sqlite3 "$1" "SELECT coalesce((SELECT CASE WHEN demurrage_rate_ppm IS NULL
      THEN json_object('claim_expiry_days', claim_expiry_days)
      ELSE json_object('claim_expiry_days', claim_expiry_days, 'demurrage', json(CASE WHEN demurrage_cursor IS NULL
        THEN json_object('account', demurrage_account, 'next', demurrage_next, 'period', demurrage_period,
                         'rate_ppm', demurrage_rate_ppm)
        ELSE json_object('account', demurrage_account, 'cursor', demurrage_cursor, 'next', demurrage_next,
                         'period', demurrage_period, 'rate_ppm', demurrage_rate_ppm) END)) END
    FROM settings), '{\"claim_expiry_days\":60}')"
}
# chain_export DIR DB OUT KEYS_JSON [CHECKPOINT_FILE]: §13's file, its state from DB's tables.
chain_export() {
  local d=$1 db=$2 i n cp=""
  n=$(cat "$d/n")
  [ -z "${5:-}" ] || cp=",\"checkpoint\":\"$(awk '{printf "%s\\n", $0}' "$5")\""
  {
    printf '{"exported_at":"2026-01-01T00:01:00.000Z","format":"noaber-export","state":{"accounts":%s%s,' \
      "$(sqlite3 "$db" "SELECT json_group_array(json_object('account', account, 'balance', balance,
          'controllers', json('[\"' || replace(controllers, ',', '\",\"') || '\"]'), 'kind', kind,
          'min_balance', min_balance, 'name', name, 'opened_seq', opened_seq, 'status', status))
          FROM (SELECT * FROM accounts ORDER BY account)")" "$cp"
    printf '"categories":%s,' "$(sqlite3 "$db" "SELECT json_group_array(json_object('category', category,
          'hour_rate', hour_rate, 'name', name, 'set_seq', set_seq)) FROM (SELECT * FROM categories ORDER BY category)")"
    printf '"entry_rows":%s,"head_seq":%s,"keys":%s,' "$n" "$n" "$4"
    printf '"ledger":{"admin_key":"%s","currency":{"code":"ZMT","name":"zorgmunt","scale":2},"hour_rate":1000,' $ADMIN_ID
    printf '"ledger_id":"%s","name":"Zorgkring Noord"},"posting_rows":%s,"settings":%s},"version":1}\n' $L \
      "$(sqlite3 "$db" "SELECT count(*) FROM postings")" "$(settings_json "$db")"
    # One query for every entry's id, kind and stored postings (in idx order: the primary key's).
    sqlite3 -separator ' ' "$db" "SELECT e.seq, e.entry_id, e.kind, (SELECT json_group_array(json_object(
        'account', p.account, 'amount', p.amount)) FROM postings p WHERE p.seq = e.seq) FROM entries e ORDER BY e.seq" |
    while read -r i id kind ps; do
      printf '{"committed_at":"%s","hash":"%s","id":"%s","key_id":"%s","kind":"%s",' "$(<"$d/t$i")" \
        "$(<"$d/h$i")" "$id" "$(<"$d/k$i")" "$kind"
      printf '"payload":"%s","postings":%s,"prev_hash":"%s","seq":%s,"signature":"%s"}\n' \
        "$(base64 -w0 "$d/p$i.json")" "$ps" "$(<"$d/prev$i")" $i "$(xxd -p -c 64 "$d/s$i.bin")"
    done
  } > "$3"
}

# The state §2 gives after entry 14: org:zorgkring has its new minimum; vol:jan-peeters, frozen at
# 7 and open again at 8, has its new name and controllers (the order given at 9); vol:piet is closed.
UPD_ACCOUNTS="INSERT INTO accounts VALUES
  ('org:zorgkring', 'issuer', 'Zorgkring Noord', -200000, '$ADMIN_ID', 'open', -2500, 2),
  ('vol:jan-peeters', 'member', 'Jan Peeters-de Vries', 0, '$MEM_ID,$ADMIN_ID', 'open', 2500, 3),
  ('vol:piet', 'member', 'Piet de Boer', 0, '$MEM_ID', 'closed', 0, 11);"
UPD_KEYS="[{\"added_seq\":1,\"key_id\":\"$ADMIN_ID\",\"label\":\"admin\",\"public_key\":\"$ADMIN_PUB\",\"role\":\"admin\"},
{\"added_seq\":1,\"key_id\":\"$LOG_ID\",\"label\":\"noaberd log key\",\"public_key\":\"$LOG_PUB\",\"role\":\"log\"},
{\"added_seq\":5,\"key_id\":\"$OP_ID\",\"label\":\"coordinator\",\"public_key\":\"$OP_PUB\",\"role\":\"operator\"},
{\"added_seq\":6,\"key_id\":\"$MEM_ID\",\"label\":\"jan's phone\",\"public_key\":\"$MEM_PUB\",\"role\":\"member\"}]"
UPD_KEYS=$(printf '%s' "$UPD_KEYS" | tr -d '\n')
chain upd "${GOOD[@]}"
root14=$(mth $(leaves_of upd))
printf 'noaber/%s\n14\n%s\n' $L "$(b64hex "$root14")" > note14.txt
note note14.txt log.pem $LOG_PUB > checkpoint14.txt
chain_db upd upd.sqlite "$UPD_ACCOUNTS" checkpoint14.txt
chain_export upd upd.sqlite upd.jsonl "$UPD_KEYS" checkpoint14.txt
OK14="OK: 14 entries, 3 accounts, 4 keys, head $(cat upd/h14), root $root14, checkpoint 14, kept checkpoint 3"
expect 0 "$OK14" sq upd.sqlite --log-key "$VKEY" --checkpoint checkpoint3.txt
expect 0 "$OK14" ex upd.jsonl --log-key "$VKEY" --checkpoint checkpoint3.txt

echo "== account.update: derived tables that differ from the replay"
tu() { cp upd.sqlite "$1"; sqlite3 "$1" "$2"; }
tu status.sqlite "UPDATE accounts SET status = 'open' WHERE account = 'vol:piet'"
expect 2 "FAIL: status of vol:piet is 'open', the replay gives 'closed'" sq status.sqlite
tu name.sqlite "UPDATE accounts SET name = 'Jan Peeters' WHERE account = 'vol:jan-peeters'"
expect 2 "FAIL: name of vol:jan-peeters is 'Jan Peeters', the replay gives 'Jan Peeters-de Vries'" sq name.sqlite
tu min.sqlite "UPDATE accounts SET min_balance = -100000 WHERE account = 'org:zorgkring'"
expect 2 "FAIL: min_balance of org:zorgkring is -100000, the replay gives -200000" sq min.sqlite
tu ctl.sqlite "UPDATE accounts SET controllers = '$ADMIN_ID' WHERE account = 'vol:jan-peeters'"
expect 2 "FAIL: controllers of vol:jan-peeters are '$ADMIN_ID', the replay gives '$MEM_ID,$ADMIN_ID'" sq ctl.sqlite
# §6: the controllers in the order the payload lists them; the same keys in another order differ.
tu ctlorder.sqlite "UPDATE accounts SET controllers = '$ADMIN_ID,$MEM_ID' WHERE account = 'vol:jan-peeters'"
expect 2 "FAIL: controllers of vol:jan-peeters are '$ADMIN_ID,$MEM_ID', the replay gives '$MEM_ID,$ADMIN_ID'" sq ctlorder.sqlite
tu frozen.sqlite "UPDATE accounts SET status = 'frozen' WHERE account = 'vol:jan-peeters'"
chain_export upd frozen.sqlite frozen.jsonl "$UPD_KEYS" checkpoint14.txt
expect 2 "FAIL: state: status of account vol:jan-peeters is 'frozen', the replay gives 'open'" ex frozen.jsonl
chain_export upd name.sqlite name.jsonl "$UPD_KEYS" checkpoint14.txt
expect 2 "FAIL: state: name of account vol:jan-peeters is 'Jan Peeters', the replay gives 'Jan Peeters-de Vries'" ex name.jsonl

echo "== text rule (§2): a version 1 chain from before it passes, with a warning per text"
# Entry 7 renames Jan with a zero-width space and a right-to-left override, and gives a reason that
# is not in NFC: a version 1 ledger written before the rule may hold both. (A version 2 ledger may
# not, and the daemon refuses both in new entries: Tests/EndToEndTests/TextRuleTests.swift.)
upd b.json disguise '"account":"vol:jan-peeters","name":"Jan\u200b Peeters\u202e","reason":"Bre\u0301e"'
chain txt "${GOOD[@]:0:6}" b.json@admin
chain_db txt txt.sqlite "INSERT INTO accounts VALUES
  ('org:zorgkring', 'issuer', 'Zorgkring Noord', -100000, '$ADMIN_ID', 'open', -2500, 2),
  ('vol:jan-peeters', 'member', 'Jan' || char(8203) || ' Peeters' || char(8238), 0, '$ADMIN_ID', 'open', 2500, 3);"
chain_export txt txt.sqlite txt.jsonl "$UPD_KEYS"
for script in sq ex; do
  file=$([ $script = sq ] && echo txt.sqlite || echo txt.jsonl)
  expect 0 "OK: 7 entries" $script $file
  expect 0 "WARN entry 7: name contains U+200B ZERO WIDTH SPACE, a format character" $script $file
  expect 0 "WARN entry 7: reason is not in NFC" $script $file
done

echo "== account.update: signed entries that break §2's rules (the daemon never stores these)"
# bad NAME SEQ REASON PAYLOAD@KEY...: GOOD's first entries, then the given ones, entry SEQ the last;
# all validly signed and chained. Both scripts must fail at entry SEQ.
# bad_on BASE NAME SEQ REASON PAYLOAD@KEY...: the same, with the array named BASE in place of GOOD.
bad() { bad_on GOOD "$@"; }
bad_on() {
  local -n base=$1; shift
  local name=$1 seq=$2 reason=$3; shift 3
  chain "$name" "${base[@]:0:seq-$#}" "$@"
  chain_db "$name" "$name.sqlite" ""
  chain_export "$name" "$name.sqlite" "$name.jsonl" "[]"
  expect 2 "FAIL entry $seq: $reason" sq "$name.sqlite"
  expect 2 "FAIL entry $seq: $reason" ex "$name.jsonl"
}
upd b.json by-member '"account":"vol:jan-peeters","status":"frozen"'
bad member-signs 7 "account.update is not signed by an admin or operator" b.json@member
upd b.json close-jan '"account":"vol:jan-peeters","status":"closed"'
bad close-nonzero 7 "vol:jan-peeters cannot be closed: its balance is 2500, not 0" b.json@admin
pl b.json pay-frozen tx '"hour_rate":1000,"hours":"1","postings":[{"account":"org:zorgkring","amount":-1000},{"account":"vol:jan-peeters","amount":1000}],"purpose":"credit"'
bad pay-frozen 8 "account vol:jan-peeters is frozen, not open" u7.json@operator b.json@admin
upd b.json open-again '"account":"vol:jan-peeters","status":"open"'
bad same-status 7 "status of vol:jan-peeters is open already" b.json@operator
upd b.json jan-min '"account":"vol:jan-peeters","min_balance":3000'
bad min-above-balance 7 "min_balance 3000 is above the account's balance 2500" b.json@admin
upd b.json org-min '"account":"org:zorgkring","min_balance":100'
bad issuer-min 7 "min_balance is not an integer, <= 0 for an issuer and >= 0 otherwise" b.json@admin
upd b.json why '"account":"vol:jan-peeters","reason":"just checking"'
bad no-change 7 "account.update has none of status, min_balance, controllers, name" b.json@admin
upd b.json log-controls "\"account\":\"vol:jan-peeters\",\"controllers\":[\"$LOG_ID\"]"
bad log-controller 7 "controller $LOG_ID is not a registered, unrevoked key that is neither auditor nor log" b.json@admin
upd b.json bell '"account":"vol:jan-peeters","name":"Jan\u0007"'
bad name-control 7 "name is not 1-200 plain characters" b.json@admin
upd b.json nobody '"account":"vol:nobody","status":"frozen"'
bad no-account 7 "account vol:nobody does not exist" b.json@admin
upd b.json balance '"account":"vol:jan-peeters","balance":0,"name":"Jan"'
bad unknown-field 7 "payload has unknown field(s): balance" b.json@admin
# Without entry 9's new controllers, the member key cannot debit vol:jan-peeters.
bad old-controllers 11 "signing key does not control vol:jan-peeters" u10.json@admin u11.json@operator u12.json@member
upd b.json rename-piet '"account":"vol:piet","name":"Piet"'
bad update-closed 15 "account vol:piet is closed, which is final" b.json@admin
pl b.json pay-closed tx '"postings":[{"account":"vol:jan-peeters","amount":-100},{"account":"vol:piet","amount":100}],"purpose":"transfer"'
bad pay-closed 15 "account vol:piet is closed, not open" b.json@member
# The close checks the balance before it: vol:piet after 12 holds 500.
bad close-paid 13 "vol:piet cannot be closed: its balance is 500, not 0" u14.json@admin

# ==== care categories (§2 category.set, a credit's category; §6 categories; §13 state.categories) =
# GOOD's 14 entries, then two categories, a credit in one at its rate, a new rate and a credit at
# it, a credit at the ledger's rate (no category), a category renamed at the same rate, and an
# account.update that repeats the current name, minimum and controllers (§2 allows that).
echo "== care categories"
catset() { pl "$1" "$2" category.set "$3"; }
catset c15.json cat-boodschappen '"category":"boodschappen","hour_rate":1000,"name":"Boodschappen"'
catset c16.json cat-verzorging '"category":"persoonlijke-verzorging","hour_rate":2000,"name":"Persoonlijke verzorging"'
pl c17.json credit-verzorging tx '"category":"persoonlijke-verzorging","hour_rate":2000,"hours":"1.5","postings":[{"account":"org:zorgkring","amount":-3000},{"account":"vol:jan-peeters","amount":3000}],"purpose":"credit"'
catset c18.json rate-verzorging '"category":"persoonlijke-verzorging","hour_rate":2200,"name":"Persoonlijke verzorging"'
pl c19.json credit-verzorging-2 tx '"category":"persoonlijke-verzorging","hour_rate":2200,"hours":"1","postings":[{"account":"org:zorgkring","amount":-2200},{"account":"vol:jan-peeters","amount":2200}],"purpose":"credit"'
pl c20.json credit-plain tx '"hour_rate":1000,"hours":"0.5","postings":[{"account":"org:zorgkring","amount":-500},{"account":"vol:jan-peeters","amount":500}],"purpose":"credit"'
catset c21.json rename-boodschappen '"category":"boodschappen","hour_rate":1000,"name":"Boodschappen doen"'
upd c22.json same-jan "\"account\":\"vol:jan-peeters\",\"controllers\":[\"$MEM_ID\",\"$ADMIN_ID\"],\"min_balance\":0,\"name\":\"Jan Peeters-de Vries\""
CAT=("${GOOD[@]}" c15.json@admin c16.json@admin c17.json@admin c18.json@admin c19.json@admin
     c20.json@admin c21.json@admin c22.json@operator)
CAT_TABLES="INSERT INTO accounts VALUES
  ('org:zorgkring', 'issuer', 'Zorgkring Noord', -200000, '$ADMIN_ID', 'open', -8200, 2),
  ('vol:jan-peeters', 'member', 'Jan Peeters-de Vries', 0, '$MEM_ID,$ADMIN_ID', 'open', 8200, 3),
  ('vol:piet', 'member', 'Piet de Boer', 0, '$MEM_ID', 'closed', 0, 11);
INSERT INTO categories VALUES ('boodschappen', 'Boodschappen doen', 1000, 21),
  ('persoonlijke-verzorging', 'Persoonlijke verzorging', 2200, 18);"
chain cat "${CAT[@]}"
root22=$(mth $(leaves_of cat))
printf 'noaber/%s\n22\n%s\n' $L "$(b64hex "$root22")" > note22.txt
note note22.txt log.pem $LOG_PUB > checkpoint22.txt
chain_db cat cat.sqlite "$CAT_TABLES" checkpoint22.txt
chain_export cat cat.sqlite cat.jsonl "$UPD_KEYS" checkpoint22.txt
OK22="OK: 22 entries, 3 accounts, 4 keys, head $(cat cat/h22), root $root22, checkpoint 22, kept checkpoint 14, 2 categories"
expect 0 "$OK22" sq cat.sqlite --log-key "$VKEY" --checkpoint checkpoint14.txt
expect 0 "$OK22" ex cat.jsonl --log-key "$VKEY" --checkpoint checkpoint14.txt

echo "== care categories: derived tables and state that differ from the replay"
tc() { cp cat.sqlite "$1"; sqlite3 "$1" "$2"; }
tc catrate.sqlite "UPDATE categories SET hour_rate = 2000 WHERE category = 'persoonlijke-verzorging'"
expect 2 "FAIL: hour_rate of category persoonlijke-verzorging is 2000, the replay gives 2200" sq catrate.sqlite
chain_export cat catrate.sqlite catrate.jsonl "$UPD_KEYS" checkpoint22.txt
expect 2 "FAIL: state: hour_rate of category persoonlijke-verzorging is 2000, the replay gives 2200" ex catrate.jsonl
tc catname.sqlite "UPDATE categories SET name = 'Boodschappen' WHERE category = 'boodschappen'"
expect 2 "FAIL: name of category boodschappen is 'Boodschappen', the replay gives 'Boodschappen doen'" sq catname.sqlite
tc catseq.sqlite "UPDATE categories SET set_seq = 15 WHERE category = 'boodschappen'"
expect 2 "FAIL: set_seq of category boodschappen is 15, the replay gives 21" sq catseq.sqlite
chain_export cat catseq.sqlite catseq.jsonl "$UPD_KEYS" checkpoint22.txt
expect 2 "FAIL: state: set_seq of category boodschappen is 15, the replay gives 21" ex catseq.jsonl
tc catgone.sqlite "DELETE FROM categories WHERE category = 'boodschappen'"
expect 2 "FAIL: the categories table lacks boodschappen, set by the chain" sq catgone.sqlite
chain_export cat catgone.sqlite catgone.jsonl "$UPD_KEYS" checkpoint22.txt
expect 2 "FAIL: state: category lacks boodschappen, which the chain has" ex catgone.jsonl
tc catextra.sqlite "INSERT INTO categories VALUES ('zwemmen', 'Zwemmen', 500, 20)"
expect 2 "FAIL: the categories table has 'zwemmen', which no category.set set" sq catextra.sqlite
tc catdrop.sqlite "DROP TABLE categories"
expect 2 "FAIL: the categories table is missing, but the chain sets categories" sq catdrop.sqlite
sed '1s/"categories":\[[^]]*\],//' cat.jsonl > catdrop.jsonl
expect 2 "FAIL: state: categories is absent, but the chain sets categories" ex catdrop.jsonl
sed '1s/"categories":\[[^]]*\]/"categories":[]/' cat.jsonl > catempty.jsonl
expect 2 "FAIL: state: category lacks boodschappen, which the chain has" ex catempty.jsonl

echo "== care categories: signed entries that break §2's rules (the daemon never stores these)"
catset b.json by-operator '"category":"boodschappen","hour_rate":1000,"name":"Boodschappen"'
bad cat-by-operator 15 "category.set is not signed by an admin" b.json@operator
# A credit at the old rate after the change, in the same category.
pl b.json old-rate tx '"category":"persoonlijke-verzorging","hour_rate":2000,"hours":"1","postings":[{"account":"org:zorgkring","amount":-2000},{"account":"vol:jan-peeters","amount":2000}],"purpose":"credit"'
bad old-rate 19 "hour_rate 2000 is not category persoonlijke-verzorging's current rate 2200" \
  c15.json@admin c16.json@admin c17.json@admin c18.json@admin b.json@admin
# The category's rate without naming the category: the ledger's rate is in force.
pl b.json no-category tx '"hour_rate":2000,"hours":"1","postings":[{"account":"org:zorgkring","amount":-2000},{"account":"vol:jan-peeters","amount":2000}],"purpose":"credit"'
bad no-category 17 "hour_rate 2000 is not the ledger's hour_rate 1000" c15.json@admin c16.json@admin b.json@admin
# A category that no earlier entry set, and a category without hours.
pl b.json unknown-category tx '"category":"zwemmen","hour_rate":1000,"hours":"1","postings":[{"account":"org:zorgkring","amount":-1000},{"account":"vol:jan-peeters","amount":1000}],"purpose":"credit"'
bad unknown-category 15 "category 'zwemmen' was not set by an earlier category.set" b.json@admin
pl b.json category-no-hours tx '"category":"boodschappen","postings":[{"account":"org:zorgkring","amount":-1000},{"account":"vol:jan-peeters","amount":1000}],"purpose":"credit"'
bad category-no-hours 16 "category on a tx without hours" c15.json@admin b.json@admin
# The right rate, but the wrong total.
pl b.json wrong-total tx '"category":"persoonlijke-verzorging","hour_rate":2000,"hours":"1.5","postings":[{"account":"org:zorgkring","amount":-1500},{"account":"vol:jan-peeters","amount":1500}],"purpose":"credit"'
bad wrong-total 17 "credited total != hours x hour_rate" c15.json@admin c16.json@admin b.json@admin
# A no-op set: the same name and rate again.
catset b.json same-again '"category":"persoonlijke-verzorging","hour_rate":2000,"name":"Persoonlijke verzorging"'
bad cat-noop 17 "category persoonlijke-verzorging has this name and hour_rate already" c15.json@admin c16.json@admin b.json@admin
catset b.json upper '"category":"Boodschappen","hour_rate":1000,"name":"Boodschappen"'
bad cat-id 15 "category is not a valid category id" b.json@admin
catset b.json zero-rate '"category":"boodschappen","hour_rate":0,"name":"Boodschappen"'
bad cat-zero-rate 15 "hour_rate is not a positive integer" b.json@admin
catset b.json extra '"category":"boodschappen","hour_rate":1000,"name":"Boodschappen","reason":"x"'
bad cat-unknown-field 15 "payload has unknown field(s): reason" b.json@admin

# ==== reversals (§2 reversals, §5.5, §5.7; §6 reversals) ========================================
# GOOD's 14 entries, then a merchant, a credit of 2 hours undone by the operator key (which controls
# neither account), a credit of half an hour undone by the member key (which controls the one
# account that reversal debits), and a redeem that stays.
echo "== reversals"
ORG_CREDIT='{"account":"org:zorgkring","amount":-2000},{"account":"vol:jan-peeters","amount":2000}'
ORG_BACK='{"account":"org:zorgkring","amount":2000},{"account":"vol:jan-peeters","amount":-2000}'
pl r15.json open-bakker account.open "\"account\":\"shop:bakker\",\"account_kind\":\"merchant\",\"controllers\":[\"$OP_ID\"],\"min_balance\":0,\"name\":\"Bakker Jansen\""
pl r16.json credit-2h tx "\"hour_rate\":1000,\"hours\":\"2\",\"postings\":[$ORG_CREDIT],\"purpose\":\"credit\""
pl r17.json undo-credit-2h tx "\"postings\":[$ORG_BACK],\"purpose\":\"reversal\",\"reason\":\"wrong volunteer\",\"reverses\":\"credit-2h\""
pl r18.json credit-half tx '"hour_rate":1000,"hours":"0.5","postings":[{"account":"org:zorgkring","amount":-500},{"account":"vol:jan-peeters","amount":500}],"purpose":"credit"'
pl r19.json undo-credit-half tx '"memo":"twice","postings":[{"account":"org:zorgkring","amount":500},{"account":"vol:jan-peeters","amount":-500}],"purpose":"reversal","reason":"entered twice","reverses":"credit-half"'
pl r20.json redeem-bread tx '"postings":[{"account":"vol:jan-peeters","amount":-300},{"account":"shop:bakker","amount":300}],"purpose":"redeem"'
REV=("${GOOD[@]}" r15.json@operator r16.json@admin r17.json@operator r18.json@admin r19.json@member r20.json@member)
REV_TABLES="INSERT INTO accounts VALUES
  ('org:zorgkring', 'issuer', 'Zorgkring Noord', -200000, '$ADMIN_ID', 'open', -2500, 2),
  ('vol:jan-peeters', 'member', 'Jan Peeters-de Vries', 0, '$MEM_ID,$ADMIN_ID', 'open', 2200, 3),
  ('vol:piet', 'member', 'Piet de Boer', 0, '$MEM_ID', 'closed', 0, 11),
  ('shop:bakker', 'merchant', 'Bakker Jansen', 0, '$OP_ID', 'open', 300, 15);
INSERT INTO reversals VALUES ('credit-2h', 17), ('credit-half', 19);"
chain rev "${REV[@]}"
root20=$(mth $(leaves_of rev))
printf 'noaber/%s\n20\n%s\n' $L "$(b64hex "$root20")" > note20.txt
note note20.txt log.pem $LOG_PUB > checkpoint20.txt
chain_db rev rev.sqlite "$REV_TABLES" checkpoint20.txt
chain_export rev rev.sqlite rev.jsonl "$UPD_KEYS" checkpoint20.txt
OK20="OK: 20 entries, 4 accounts, 4 keys, head $(cat rev/h20), root $root20, checkpoint 20, kept checkpoint 14, 0 categories, 2 reversals"
expect 0 "$OK20" sq rev.sqlite --log-key "$VKEY" --checkpoint checkpoint14.txt
expect 0 "$OK20" ex rev.jsonl --log-key "$VKEY" --checkpoint checkpoint14.txt
expect 0 "\"reversals\": 2" sq rev.sqlite --json

echo "== reversals: a reversals table that differs from the replay"
tr_() { cp rev.sqlite "$1"; sqlite3 "$1" "$2"; }
tr_ revgone.sqlite "DELETE FROM reversals WHERE reversed_id = 'credit-half'"
expect 2 "FAIL: the reversals table lacks credit-half, reversed by entry 19" sq revgone.sqlite
tr_ revseq.sqlite "UPDATE reversals SET reversal_seq = 18 WHERE reversed_id = 'credit-half'"
expect 2 "FAIL: reversal_seq of credit-half is 18, the replay gives 19" sq revseq.sqlite
tr_ revid.sqlite "UPDATE reversals SET reversed_id = 'redeem-bread' WHERE reversed_id = 'credit-half'"
expect 2 "FAIL: the reversals table lacks credit-half, reversed by entry 19" sq revid.sqlite
tr_ revextra.sqlite "INSERT INTO reversals VALUES ('redeem-bread', 20)"
expect 2 "FAIL: the reversals table has 'redeem-bread', which no reversal reverses" sq revextra.sqlite
tr_ revdrop.sqlite "DROP TABLE reversals"
expect 2 "FAIL: the reversals table is missing, but the chain reverses transactions" sq revdrop.sqlite
# A reversal's derived postings, and the balances, as if the reversal had not happened.
tr_ revpost.sqlite "DELETE FROM postings WHERE seq = 17"
expect 2 "FAIL entry 17: the stored postings differ from the payload's postings" sq revpost.sqlite
sed '1s/"vol:jan-peeters","balance":2200/"vol:jan-peeters","balance":4700/' rev.jsonl > revbalance.jsonl
expect 2 "FAIL: state: balance of account vol:jan-peeters is 4700, the replay gives 2200" ex revbalance.jsonl

echo "== reversals: signed entries that break §2's rules (the daemon never stores these)"
# rv FILE ID FIELDS: a reversal's payload, FIELDS beside the purpose.
rv() { pl "$1" "$2" tx "$3,\"purpose\":\"reversal\""; }
rv b.json again "\"postings\":[$ORG_BACK],\"reason\":\"again\",\"reverses\":\"credit-2h\""
bad_on REV second-reversal 18 "reverses credit-2h, which entry 17 reversed already" b.json@operator
rv b.json undo-undo "\"postings\":[$ORG_CREDIT],\"reason\":\"undo the undo\",\"reverses\":\"undo-credit-2h\""
bad_on REV reversal-of-reversal 18 "reverses undo-credit-2h, which is itself a reversal" b.json@operator
rv b.json wrong-amount '"postings":[{"account":"org:zorgkring","amount":1000},{"account":"vol:jan-peeters","amount":-1000}],"reason":"half","reverses":"credit-2h"'
bad_on REV wrong-amount 17 "postings are not exactly credit-2h's negated, in the same order" b.json@operator
rv b.json wrong-order '"postings":[{"account":"vol:jan-peeters","amount":-2000},{"account":"org:zorgkring","amount":2000}],"reason":"order","reverses":"credit-2h"'
bad_on REV wrong-order 17 "postings are not exactly credit-2h's negated, in the same order" b.json@operator
rv b.json no-reason "\"postings\":[$ORG_BACK],\"reverses\":\"credit-2h\""
bad_on REV no-reason 17 "a reversal has no reason" b.json@operator
rv b.json empty-reason "\"postings\":[$ORG_BACK],\"reason\":\"\",\"reverses\":\"credit-2h\""
bad_on REV empty-reason 17 "reason is not 1-500 plain characters" b.json@operator
rv b.json no-reverses "\"postings\":[$ORG_BACK],\"reason\":\"which?\""
bad_on REV no-reverses 17 "a reversal has no reverses" b.json@operator
pl b.json transfer-reverses tx '"postings":[{"account":"vol:jan-peeters","amount":-100},{"account":"shop:bakker","amount":100}],"purpose":"transfer","reverses":"credit-2h"'
bad_on REV reverses-on-transfer 17 "reverses or reason on a transfer, which is not a reversal" b.json@member
pl b.json redeem-reason tx '"postings":[{"account":"vol:jan-peeters","amount":-100},{"account":"shop:bakker","amount":100}],"purpose":"redeem","reason":"bread"'
bad_on REV reason-on-redeem 17 "reverses or reason on a redeem, which is not a reversal" b.json@member
# vol:jan-peeters spends most of the credit first: undoing it would take the account below 0.
pl b1.json redeem-4000 tx '"postings":[{"account":"vol:jan-peeters","amount":-4000},{"account":"shop:bakker","amount":4000}],"purpose":"redeem"'
rv b.json too-late "\"postings\":[$ORG_BACK],\"reason\":\"wrong volunteer\",\"reverses\":\"credit-2h\""
bad_on REV below-minimum 18 "vol:jan-peeters would go below its min_balance" b1.json@member b.json@operator
rv b.json with-hours "\"hour_rate\":1000,\"hours\":\"2\",\"postings\":[$ORG_BACK],\"reason\":\"x\",\"reverses\":\"credit-2h\""
bad_on REV reversal-hours 17 "a reversal carries hours, hour_rate or category" b.json@operator
rv b.json unknown "\"postings\":[$ORG_BACK],\"reason\":\"x\",\"reverses\":\"no-such-entry\""
bad_on REV reverses-unknown 17 "reverses 'no-such-entry', which is no earlier entry" b.json@operator
rv b.json not-a-tx "\"postings\":[$ORG_BACK],\"reason\":\"x\",\"reverses\":\"open-bakker\""
bad_on REV reverses-account-open 17 "reverses open-bakker, which is not a transaction" b.json@operator
# The transfer at 12 paid vol:piet, closed at 14: a reversal posts to accounts that must be open.
rv b.json undo-12 '"postings":[{"account":"vol:jan-peeters","amount":500},{"account":"vol:piet","amount":-500}],"reason":"x","reverses":"jan-to-piet"'
bad_on REV reverses-into-closed 17 "account vol:piet is closed, not open" b.json@operator
# Undoing the redeem debits shop:bakker, which only the operator key controls; the member key is
# neither its controller nor an admin or operator key.
rv b.json undo-bread '"postings":[{"account":"vol:jan-peeters","amount":300},{"account":"shop:bakker","amount":-300}],"reason":"stale","reverses":"redeem-bread"'
bad_on REV member-reverses 21 "signing key does not control shop:bakker and is no admin or operator key" b.json@member

# ==== claims (§2 claim, claim.reject, a credit's claim and care_date; §15; §6 claims, settings) =====
# GOOD's 14 entries, then over five weeks: a claim that is rejected; a claim in a category whose rate
# changes before the claim is approved, at the claim's rate; a claim left open; a claim approved one
# millisecond before it expires under a claim_expiry_days shortened to 30; and a credit with a
# care_date but no claim. The claims and settings tables are written by hand from §6 and §15.
echo "== claims"
claim() { pl "$1" "$2" claim "$3"; }
lset() { pl "$1" "$2" ledger.settings "$3"; }
cr() { pl "$1" "$2" tx "$3,\"purpose\":\"credit\""; }
JAN_ORG='"account":"vol:jan-peeters","issuer":"org:zorgkring"'
ORG_JAN() { printf '"postings":[{"account":"org:zorgkring","amount":-%s},{"account":"vol:jan-peeters","amount":%s}]' "$1" "$1"; }
claim cl15.json claim-boodschappen "$JAN_ORG,\"amount\":1500,\"care_date\":\"2025-12-31\",\"hour_rate\":1000,\"hours\":\"1.5\",\"memo\":\"boodschappen gedaan\""
catset cl16.json cat-verzorging '"category":"persoonlijke-verzorging","hour_rate":2000,"name":"Persoonlijke verzorging"'
claim cl17.json claim-verzorging "$JAN_ORG,\"amount\":4000,\"category\":\"persoonlijke-verzorging\",\"hour_rate\":2000,\"hours\":\"2\""
catset cl18.json rate-verzorging '"category":"persoonlijke-verzorging","hour_rate":2200,"name":"Persoonlijke verzorging"'
APPROVE_V="\"category\":\"persoonlijke-verzorging\",\"claim\":\"claim-verzorging\",\"hour_rate\":2000,\"hours\":\"2\",$(ORG_JAN 4000)"
cr cl19.json approve-verzorging "$APPROVE_V,\"memo\":\"goedgekeurd\""
pl cl20.json reject-boodschappen claim.reject '"claim":"claim-boodschappen","reason":"buiten ons werkgebied"'
claim cl21.json claim-open "$JAN_ORG,\"amount\":250,\"hour_rate\":1000,\"hours\":\"0.25\""
claim cl22.json claim-late "$JAN_ORG,\"amount\":1000,\"hour_rate\":1000,\"hours\":\"1\",\"memo\":\"\""
lset cl23.json expiry-30 '"claim_expiry_days":30'
cr cl24.json approve-late "\"claim\":\"claim-late\",\"hour_rate\":1000,\"hours\":\"1\",$(ORG_JAN 1000)"
cr cl25.json credit-dated "\"care_date\":\"2026-02-04\",\"hour_rate\":1000,\"hours\":\"1\",$(ORG_JAN 1000)"
CLM=("${GOOD[@]}" cl15.json@member@2026-01-02T09:00:00.000Z cl16.json@admin cl17.json@member@2026-01-02T09:30:00.000Z
     cl18.json@admin@2026-01-03T10:00:00.000Z cl19.json@admin@2026-01-05T08:00:00.000Z cl20.json@admin
     cl21.json@member@2026-01-06T12:00:00.000Z cl22.json@member cl23.json@admin@2026-01-10T00:00:00.000Z
     cl24.json@admin@2026-02-05T11:59:59.999Z cl25.json@admin)
CLM_TABLES="INSERT INTO accounts VALUES
  ('org:zorgkring', 'issuer', 'Zorgkring Noord', -200000, '$ADMIN_ID', 'open', -8500, 2),
  ('vol:jan-peeters', 'member', 'Jan Peeters-de Vries', 0, '$MEM_ID,$ADMIN_ID', 'open', 8500, 3),
  ('vol:piet', 'member', 'Piet de Boer', 0, '$MEM_ID', 'closed', 0, 11);
INSERT INTO categories VALUES ('persoonlijke-verzorging', 'Persoonlijke verzorging', 2200, 18);
INSERT INTO claims VALUES
  ('claim-boodschappen', 15, '2026-01-02T09:00:00.000Z', 'vol:jan-peeters', 'org:zorgkring', '1.5', 1000, 1500,
   NULL, '2025-12-31', 'boodschappen gedaan', 20, 'rejected', 'buiten ons werkgebied'),
  ('claim-verzorging', 17, '2026-01-02T09:30:00.000Z', 'vol:jan-peeters', 'org:zorgkring', '2', 2000, 4000,
   'persoonlijke-verzorging', NULL, NULL, 19, 'approved', NULL),
  ('claim-open', 21, '2026-01-06T12:00:00.000Z', 'vol:jan-peeters', 'org:zorgkring', '0.25', 1000, 250,
   NULL, NULL, NULL, NULL, NULL, NULL),
  ('claim-late', 22, '2026-01-06T12:00:00.000Z', 'vol:jan-peeters', 'org:zorgkring', '1', 1000, 1000,
   NULL, NULL, '', 24, 'approved', NULL);
INSERT INTO settings VALUES (30, NULL, NULL, NULL, NULL, NULL);"
chain clm "${CLM[@]}"
root25=$(mth $(leaves_of clm))
chain_db clm clm.sqlite "$CLM_TABLES"
chain_export clm clm.sqlite clm.jsonl "$UPD_KEYS"
grep -q '"settings":{"claim_expiry_days":30}' clm.jsonl
OK25="OK: 25 entries, 3 accounts, 4 keys, head $(cat clm/h25), root $root25, no checkpoint, 1 category, 0 reversals, 4 claims, 0 demurrage entries"
expect 0 "$OK25" sq clm.sqlite
expect 0 "$OK25" ex clm.jsonl
expect 0 "\"claims\": 4, \"demurrage\": 0, \"settings\": {\"claim_expiry_days\": 30}" ex clm.jsonl --json

echo "== claims: claims and settings tables, and state, that differ from the replay"
tcl() { cp clm.sqlite "$1"; sqlite3 "$1" "$2"; }
tcl cldecision.sqlite "UPDATE claims SET decision = 'approved', reason = NULL WHERE claim_id = 'claim-boodschappen'"
expect 2 "FAIL: decision of claim claim-boodschappen is 'approved', the replay gives 'rejected'" sq cldecision.sqlite
tcl clundecided.sqlite "UPDATE claims SET decided_seq = NULL, decision = NULL WHERE claim_id = 'claim-late'"
expect 2 "FAIL: decided_seq of claim claim-late is None, the replay gives 24" sq clundecided.sqlite
tcl clgone.sqlite "DELETE FROM claims WHERE claim_id = 'claim-open'"
expect 2 "FAIL: the claims table lacks claim-open, the claim of entry 21" sq clgone.sqlite
tcl clextra.sqlite "INSERT INTO claims SELECT 'claim-extra', 22, committed_at, account, issuer, hours, hour_rate, amount,
  category, care_date, memo, NULL, NULL, NULL FROM claims WHERE claim_id = 'claim-late'"
expect 2 "FAIL: the claims table has 'claim-extra', which no claim entry made" sq clextra.sqlite
tcl clamount.sqlite "UPDATE claims SET amount = 2500 WHERE claim_id = 'claim-open'"
expect 2 "FAIL: amount of claim claim-open is 2500, the replay gives 250" sq clamount.sqlite
tcl clmemo.sqlite "UPDATE claims SET memo = NULL WHERE claim_id = 'claim-late'"
expect 2 "FAIL: memo of claim claim-late is None, the replay gives ''" sq clmemo.sqlite
tcl clexpiry.sqlite "UPDATE settings SET claim_expiry_days = 60"
expect 2 "FAIL: claim_expiry_days of the settings table is 60, the replay gives 30" sq clexpiry.sqlite
tcl clnorow.sqlite "DELETE FROM settings"
expect 2 "FAIL: claim_expiry_days of the settings table is 60 (it has no row: the defaults), the replay gives 30" sq clnorow.sqlite
tcl cltworows.sqlite "INSERT INTO settings VALUES (30, NULL, NULL, NULL, NULL, NULL)"
expect 2 "FAIL: the settings table has 2 rows, not at most one" sq cltworows.sqlite
tcl clv3.sqlite "DELETE FROM schema_migrations WHERE version = 4"
expect 2 "FAIL: the chain has claims, which schema version 4 holds, but the file's version is 3" sq clv3.sqlite
chain_export clm clnorow.sqlite clnorow.jsonl "$UPD_KEYS"
expect 2 "FAIL: state: settings.claim_expiry_days is 60, the replay gives 30" ex clnorow.jsonl
sed '1s/,"settings":{"claim_expiry_days":30}//' clm.jsonl > clnosettings.jsonl
expect 2 "FAIL: state: settings is absent, but entry 23 is a ledger.settings" ex clnosettings.jsonl

echo "== claims: signed entries that break §2's and §15's rules (the daemon never stores these)"
APPROVE_B="\"care_date\":\"2025-12-31\",\"claim\":\"claim-boodschappen\",\"hour_rate\":1000,\"hours\":\"1.5\",$(ORG_JAN 1500)"
# Decided twice: approved twice, rejected after its approval, approved after its rejection.
cr b.json approve-again "$APPROVE_V"
bad_on CLM double-approval 20 "claim claim-verzorging was decided (approved) by entry 19 already" b.json@admin
pl b.json reject-approved claim.reject '"claim":"claim-verzorging","reason":"toch niet"'
bad_on CLM reject-approved 20 "claim claim-verzorging was decided (approved) by entry 19 already" b.json@admin
cr b.json approve-rejected "$APPROVE_B"
bad_on CLM approve-rejected 21 "claim claim-boodschappen was decided (rejected) by entry 20 already" b.json@admin
# Expired: exactly 60 days (the default) after the claim, t is no longer before its expiry ...
cr b.json approve-expired "$APPROVE_B"
bad_on CLM expired-default 16 "claim claim-boodschappen expired at 2026-03-03T09:00:00.000Z, 60 days after entry 15" \
  b.json@admin@2026-03-03T09:00:00.000Z
# ... and after entry 23, 30 days after the claim, for an approval and a rejection alike.
cr b.json approve-open "\"claim\":\"claim-open\",\"hour_rate\":1000,\"hours\":\"0.25\",$(ORG_JAN 250)"
bad_on CLM expired-30 25 "claim claim-open expired at 2026-02-05T12:00:00.000Z, 30 days after entry 21" \
  b.json@admin@2026-02-05T12:00:00.000Z
pl b.json reject-open claim.reject '"claim":"claim-open","reason":"te laat"'
bad_on CLM reject-expired 25 "claim claim-open expired at 2026-02-05T12:00:00.000Z, 30 days after entry 21" \
  b.json@admin@2026-02-06T00:00:00.000Z
# The approval at the rate in force (2200) rather than the claim's (2000), or paying another amount.
cr b.json approve-new-rate "\"category\":\"persoonlijke-verzorging\",\"claim\":\"claim-verzorging\",\"hour_rate\":2200,\"hours\":\"2\",$(ORG_JAN 4000)"
bad_on CLM approve-new-rate 19 "hour_rate is 2200, claim claim-verzorging's is 2000" b.json@admin
cr b.json approve-more "\"category\":\"persoonlijke-verzorging\",\"claim\":\"claim-verzorging\",\"hour_rate\":2200,\"hours\":\"2\",$(ORG_JAN 4400)"
bad_on CLM approve-more 19 "postings are not claim claim-verzorging's: org:zorgkring -4000 and vol:jan-peeters 4000, in that order" b.json@admin
cr b.json approve-undated "\"claim\":\"claim-boodschappen\",\"hour_rate\":1000,\"hours\":\"1.5\",$(ORG_JAN 1500)"
bad_on CLM approve-no-care-date 16 "care_date is absent, claim claim-boodschappen's is '2025-12-31'" b.json@admin
# Decided by a key that does not control the issuer.
cr b.json approve-by-member "$APPROVE_B"
bad_on CLM approve-by-member 16 "signing key does not control org:zorgkring" b.json@member
pl b.json reject-by-member claim.reject '"claim":"claim-boodschappen","reason":"nee"'
bad_on CLM reject-by-member 16 "signing key does not control org:zorgkring, the claim's issuer" b.json@member
pl b.json reject-credit claim.reject '"claim":"example-credit","reason":"nee"'
bad_on CLM reject-non-claim 16 "claim 'example-credit' is no earlier claim entry" b.json@admin
pl b.json reject-empty claim.reject '"claim":"claim-boodschappen","reason":""'
bad_on CLM reject-empty-reason 16 "reason is not 1-500 plain characters" b.json@admin
pl b.json transfer-claim tx '"claim":"claim-boodschappen","postings":[{"account":"vol:jan-peeters","amount":-100},{"account":"org:zorgkring","amount":100}],"purpose":"transfer"'
bad_on CLM claim-on-transfer 16 "claim on a transfer, which is not a credit" b.json@member
# Claims themselves.
claim b.json claim-amount "$JAN_ORG,\"amount\":1600,\"hour_rate\":1000,\"hours\":\"1.5\""
bad_on CLM claim-amount 15 "amount 1600 is not hours x hour_rate (1.5 x 1000 = 1500)" b.json@member@2026-01-02T09:00:00.000Z
claim b.json claim-tomorrow "$JAN_ORG,\"amount\":1000,\"care_date\":\"2026-01-03\",\"hour_rate\":1000,\"hours\":\"1\""
bad_on CLM care-date-future 15 "care_date 2026-01-03 is after the entry's day 2026-01-02" b.json@member@2026-01-02T23:59:59.999Z
claim b.json claim-feb-29 "$JAN_ORG,\"amount\":1000,\"care_date\":\"2025-02-29\",\"hour_rate\":1000,\"hours\":\"1\""
bad_on CLM care-date-unreal 15 "care_date 2025-02-29 is not a real calendar day" b.json@member@2026-01-02T09:00:00.000Z
cr b.json credit-tomorrow "\"care_date\":\"2026-01-02\",\"hour_rate\":1000,\"hours\":\"1\",$(ORG_JAN 1000)"
bad_on CLM credit-care-date-future 15 "care_date 2026-01-02 is after the entry's day 2026-01-01" b.json@admin
claim b.json claim-by-operator "$JAN_ORG,\"amount\":1000,\"hour_rate\":1000,\"hours\":\"1\""
bad_on CLM claim-by-operator 15 "signing key does not control vol:jan-peeters" b.json@operator
bad_on CLM claim-by-log 15 "signing key $LOG_ID is a log key, which signs no entry but a demurrage" b.json@log
claim b.json claim-issuer '"account":"org:zorgkring","issuer":"org:zorgkring","amount":1000,"hour_rate":1000,"hours":"1"'
bad_on CLM claim-by-issuer 15 "account org:zorgkring is of kind issuer, not member" b.json@admin
claim b.json claim-old-rate "$JAN_ORG,\"amount\":1000,\"category\":\"persoonlijke-verzorging\",\"hour_rate\":1000,\"hours\":\"1\""
bad_on CLM claim-rate 17 "hour_rate 1000 is not category persoonlijke-verzorging's current rate 2000" b.json@member
lset b.json settings-by-operator '"claim_expiry_days":30'
bad_on CLM settings-by-operator 15 "ledger.settings is not signed by an admin" b.json@operator
lset b.json settings-zero '"claim_expiry_days":0'
bad_on CLM settings-zero 15 "claim_expiry_days is not an integer 1-3650" b.json@admin

# ==== demurrage (§2 ledger.settings, a tx of purpose demurrage; §5 rule 8; §15; §6 settings) =======
# GOOD's 14 entries on Thursday 2026-01-01, a merchant with a min_balance of 990 that is paid 1000, and
# demurrage of 100 ppm a day, which charges nothing on these balances: the credit of Saturday
# 2026-01-03 passes over the empty periods of the 2nd and the 3rd. A weekly 1 % from the next Monday
# (a new period: next is the first Monday after the entry), charged on Monday 2026-01-05 at midnight
# exactly; a rate change to 2 % (the same period keeps next); the period of the 12th charged late, the
# merchant left out (its min_balance allows no charge); after a week of downtime, the missed
# periods of the 19th and the 26th charged in order on the 27th, each on the balances the one before
# left; then a redeem.
echo "== demurrage"
dem() { pl "$1" "$2" tx "\"period\":\"$3\",\"postings\":[$4],\"purpose\":\"demurrage\""; }
DEMUR() { printf '"demurrage":{"account":"org:zorgkring","period":"%s","rate_ppm":%s}' "$1" "$2"; }
pl d15.json open-bakker account.open "\"account\":\"shop:bakker\",\"account_kind\":\"merchant\",\"controllers\":[\"$OP_ID\"],\"min_balance\":990,\"name\":\"Bakker Jansen\""
pl d16.json redeem-1000 tx '"postings":[{"account":"vol:jan-peeters","amount":-1000},{"account":"shop:bakker","amount":1000}],"purpose":"redeem"'
lset d17.json demurrage-daily "$(DEMUR day 100)"
cr d18.json credit-1h "\"hour_rate\":1000,\"hours\":\"1\",$(ORG_JAN 1000)"
lset d19.json demurrage-weekly "\"claim_expiry_days\":30,$(DEMUR week 10000)"
D20='{"account":"shop:bakker","amount":-10},{"account":"vol:jan-peeters","amount":-25},{"account":"org:zorgkring","amount":35}'
dem d20.json demurrage-2026-01-05 2026-01-05 "$D20"
cr d21.json credit-half "\"hour_rate\":1000,\"hours\":\"0.5\",$(ORG_JAN 500)"
lset d22.json demurrage-2pct "\"claim_expiry_days\":30,$(DEMUR week 20000)"
dem d23.json demurrage-2026-01-12 2026-01-12 '{"account":"vol:jan-peeters","amount":-59},{"account":"org:zorgkring","amount":59}'
dem d24.json demurrage-2026-01-19 2026-01-19 '{"account":"vol:jan-peeters","amount":-58},{"account":"org:zorgkring","amount":58}'
dem d25.json demurrage-2026-01-26 2026-01-26 '{"account":"vol:jan-peeters","amount":-57},{"account":"org:zorgkring","amount":57}'
pl d26.json redeem-100 tx '"postings":[{"account":"vol:jan-peeters","amount":-100},{"account":"shop:bakker","amount":100}],"purpose":"redeem"'
DEM=("${GOOD[@]}" d15.json@operator d16.json@member d17.json@admin d18.json@admin@2026-01-03T10:00:00.000Z
     d19.json@admin@2026-01-03T10:00:01.000Z d20.json@log@2026-01-05T00:00:00.000Z d21.json@admin@2026-01-05T09:00:00.000Z
     d22.json@admin@2026-01-06T00:00:00.000Z d23.json@log@2026-01-13T08:00:00.000Z d24.json@log@2026-01-27T00:00:01.000Z
     d25.json@log d26.json@member)
# dem_tables ORG JAN BAKKER SETTINGS_ROW
dem_tables() {
  echo "INSERT INTO accounts VALUES
  ('org:zorgkring', 'issuer', 'Zorgkring Noord', -200000, '$ADMIN_ID', 'open', $1, 2),
  ('vol:jan-peeters', 'member', 'Jan Peeters-de Vries', 0, '$MEM_ID,$ADMIN_ID', 'open', $2, 3),
  ('vol:piet', 'member', 'Piet de Boer', 0, '$MEM_ID', 'closed', 0, 11),
  ('shop:bakker', 'merchant', 'Bakker Jansen', 990, '$OP_ID', 'open', $3, 15);
INSERT INTO settings VALUES ($4);"
}
chain dem "${DEM[@]}"
root26=$(mth $(leaves_of dem))
chain_db dem dem.sqlite "$(dem_tables -3791 2701 1090 "30, 20000, 'week', 'org:zorgkring', '2026-02-02T00:00:00.000Z', NULL")"
chain_export dem dem.sqlite dem.jsonl "$UPD_KEYS"
grep -q '"settings":{"claim_expiry_days":30,"demurrage":{"account":"org:zorgkring","next":"2026-02-02T00:00:00.000Z","period":"week","rate_ppm":20000}}' dem.jsonl
OK26="OK: 26 entries, 4 accounts, 4 keys, head $(cat dem/h26), root $root26, no checkpoint, 0 categories, 0 reversals, 0 claims, 4 demurrage entries"
expect 0 "$OK26" sq dem.sqlite
expect 0 "$OK26" ex dem.jsonl
# The ledger after entry 18: the daily schedule has passed over the 2nd and the 3rd; next is the 4th.
chain dem18 "${DEM[@]:0:18}"
chain_db dem18 dem18.sqlite "$(dem_tables -3500 2500 1000 "60, 100, 'day', 'org:zorgkring', '2026-01-04T00:00:00.000Z', NULL")"
chain_export dem18 dem18.sqlite dem18.jsonl "$UPD_KEYS"
OK18="OK: 18 entries, 4 accounts, 4 keys, head $(cat dem18/h18), root $(mth $(leaves_of dem18)), no checkpoint, 0 categories, 0 reversals, 0 claims, 0 demurrage entries"
expect 0 "$OK18" sq dem18.sqlite
expect 0 "$OK18" ex dem18.jsonl

echo "== demurrage: settings table, state and derived data that differ from the replay"
td() { cp dem.sqlite "$1"; sqlite3 "$1" "$2"; }
td dnext.sqlite "UPDATE settings SET demurrage_next = '2026-01-26T00:00:00.000Z'"
expect 2 "FAIL: demurrage_next of the settings table is '2026-01-26T00:00:00.000Z', the replay gives '2026-02-02T00:00:00.000Z'" sq dnext.sqlite
chain_export dem dnext.sqlite dnext.jsonl "$UPD_KEYS"
expect 2 "FAIL: state: settings.demurrage.next is '2026-01-26T00:00:00.000Z', the replay gives '2026-02-02T00:00:00.000Z'" ex dnext.jsonl
td drate.sqlite "UPDATE settings SET demurrage_rate_ppm = 10000"
expect 2 "FAIL: demurrage_rate_ppm of the settings table is 10000, the replay gives 20000" sq drate.sqlite
td dcursor.sqlite "UPDATE settings SET demurrage_cursor = 'vol:jan-peeters'"
expect 2 "FAIL: demurrage_cursor of the settings table is 'vol:jan-peeters', the replay gives None" sq dcursor.sqlite
chain_export dem dcursor.sqlite dcursor.jsonl "$UPD_KEYS"
expect 2 "FAIL: state: settings.demurrage.cursor is 'vol:jan-peeters', the replay gives absent" ex dcursor.jsonl
sed '1s/"rate_ppm":20000}}/"rate_ppm":20000,"cursor":null}}/' dem.jsonl > dnull.jsonl
expect 2 "FAIL: state: settings.demurrage.cursor is None, the replay gives absent" ex dnull.jsonl
td doff.sqlite "UPDATE settings SET demurrage_rate_ppm = NULL, demurrage_period = NULL, demurrage_account = NULL, demurrage_next = NULL"
expect 2 "FAIL: demurrage_rate_ppm of the settings table is None, the replay gives 20000" sq doff.sqlite
chain_export dem doff.sqlite doff.jsonl "$UPD_KEYS"
expect 2 "FAIL: state: settings.demurrage is absent, the replay gives {'rate_ppm': 20000, 'period': 'week', 'account': 'org:zorgkring', 'next': '2026-02-02T00:00:00.000Z'}" ex doff.jsonl
td dnorow.sqlite "DELETE FROM settings"
expect 2 "FAIL: claim_expiry_days of the settings table is 60 (it has no row: the defaults), the replay gives 30" sq dnorow.sqlite
td dbalance.sqlite "UPDATE accounts SET balance = -3734 WHERE account = 'org:zorgkring'"
expect 2 "FAIL: balance of org:zorgkring is -3734, the replay gives -3791" sq dbalance.sqlite
td dpostings.sqlite "DELETE FROM postings WHERE seq = 23"
expect 2 "FAIL entry 23: the stored postings differ from the payload's postings" sq dpostings.sqlite
cp dem18.sqlite d18next.sqlite; sqlite3 d18next.sqlite "UPDATE settings SET demurrage_next = '2026-01-02T00:00:00.000Z'"
expect 2 "FAIL: demurrage_next of the settings table is '2026-01-02T00:00:00.000Z', the replay gives '2026-01-04T00:00:00.000Z'" sq d18next.sqlite
sed '1s/"next":"2026-01-04T00:00:00.000Z"/"next":"2026-01-03T00:00:00.000Z"/' dem18.jsonl > d18next.jsonl
expect 2 "FAIL: state: settings.demurrage.next is '2026-01-03T00:00:00.000Z', the replay gives '2026-01-04T00:00:00.000Z'" ex d18next.jsonl

echo "== demurrage: signed entries that break §2's and §15's rules (the daemon never stores these)"
dem b.json demurrage-wrong 2026-01-05 '{"account":"shop:bakker","amount":-10},{"account":"vol:jan-peeters","amount":-26},{"account":"org:zorgkring","amount":36}'
bad_on DEM demurrage-amount 20 "postings are not the charges of §15 (rate_ppm 10000, cursor none): posting 1 is vol:jan-peeters -26, the charges give vol:jan-peeters -25" \
  b.json@log@2026-01-05T00:00:00.000Z
bad_on DEM demurrage-by-admin 20 "a demurrage is not signed by a log key" d20.json@admin@2026-01-05T00:00:00.000Z
bad_on DEM demurrage-by-operator 20 "a demurrage is not signed by a log key" d20.json@operator@2026-01-05T00:00:00.000Z
# Any other entry while a period is due: at its very start, a week later, a change of settings.
bad_on DEM credit-while-due 20 "the demurrage of the period starting 2026-01-05 is due (§15), so this entry must be it, not a tx of purpose credit" \
  d21.json@admin@2026-01-05T00:00:00.000Z
bad_on DEM credit-next-week 21 "the demurrage of the period starting 2026-01-12 is due (§15), so this entry must be it, not a tx of purpose credit" \
  d21.json@admin@2026-01-12T00:00:00.000Z
lset b.json monthly "$(DEMUR month 10000)"
bad_on DEM settings-while-due 20 "the demurrage of the period starting 2026-01-05 is due (§15), so this entry must be it, not a ledger.settings" \
  b.json@admin@2026-01-05T01:00:00.000Z
bad_on DEM redeem-while-due 24 "the demurrage of the period starting 2026-01-19 is due (§15), so this entry must be it, not a tx of purpose redeem" \
  d26.json@member@2026-01-27T00:00:01.000Z
# A demurrage one millisecond before its period, a period charged twice, a missed period skipped.
bad_on DEM demurrage-early 20 "a demurrage, but no period is due (the next period starts 2026-01-05, and 2026-01-04T23:59:59.999Z is before it)" \
  d20.json@log@2026-01-04T23:59:59.999Z
dem b.json demurrage-again 2026-01-05 '{"account":"vol:jan-peeters","amount":-24},{"account":"org:zorgkring","amount":24}'
bad_on DEM demurrage-twice 21 "a demurrage, but no period is due (the next period starts 2026-01-12, and 2026-01-05T00:00:01.000Z is before it)" \
  b.json@log@2026-01-05T00:00:01.000Z
bad_on DEM period-skipped 24 "period '2026-01-26' is not 2026-01-19, the start of the period due" d25.json@log@2026-01-27T00:00:01.000Z
dem b.json demurrage-sunday 2026-01-04 "$D20"
bad_on DEM period-wrong 20 "period '2026-01-04' is not 2026-01-05, the start of the period due" b.json@log@2026-01-05T00:00:00.000Z
pl b.json demurrage-memo tx "\"memo\":\"weekly\",\"period\":\"2026-01-05\",\"postings\":[$D20],\"purpose\":\"demurrage\""
bad_on DEM demurrage-memo 20 "a demurrage carries memo" b.json@log@2026-01-05T00:00:00.000Z
# The old rate after entry 22's change, and a charge the merchant's min_balance does not allow.
dem b.json demurrage-old-rate 2026-01-12 '{"account":"vol:jan-peeters","amount":-29},{"account":"org:zorgkring","amount":29}'
bad_on DEM demurrage-old-rate 23 "postings are not the charges of §15 (rate_ppm 20000, cursor none): posting 0 is vol:jan-peeters -29, the charges give vol:jan-peeters -59" \
  b.json@log@2026-01-13T08:00:00.000Z
dem b.json demurrage-below-min 2026-01-12 '{"account":"shop:bakker","amount":-19},{"account":"vol:jan-peeters","amount":-59},{"account":"org:zorgkring","amount":78}'
bad_on DEM demurrage-below-min 23 "postings are not the charges of §15 (rate_ppm 20000, cursor none): posting 0 is shop:bakker -19, the charges give vol:jan-peeters -59" b.json@log@2026-01-13T08:00:00.000Z
# The log key signs nothing else; it cannot be revoked, nor the receiving account frozen, while on.
bad_on DEM log-signs-credit 18 "signing key $LOG_ID is a log key, which signs no entry but a demurrage" d18.json@log@2026-01-03T10:00:00.000Z
pl b1.json revoke-log key.revoke "\"key_id\":\"$LOG_ID\""
bad_on DEM revoke-log 18 "revokes the last active log key while demurrage is on" b1.json@admin
bad_on DEM no-log-key 17 "demurrage is set, but the ledger has no active log key" b1.json@admin d17.json@admin
upd b.json freeze-org '"account":"org:zorgkring","status":"frozen"'
bad_on DEM freeze-receiver 18 "org:zorgkring receives the demurrage, so it cannot be frozen while demurrage is on" b.json@admin
lset b.json demurrage-to-member '"demurrage":{"account":"vol:jan-peeters","period":"week","rate_ppm":100}'
bad_on DEM demurrage-to-member 17 "demurrage account vol:jan-peeters is of kind member, not issuer" b.json@admin
lset b.json demurrage-rate "$(DEMUR week 500001)"
bad_on DEM demurrage-rate 17 "demurrage rate_ppm is not an integer 1-500000" b.json@admin
lset b.json demurrage-fortnight "$(DEMUR fortnight 100)"
bad_on DEM demurrage-period 17 "demurrage period is not day, week or month" b.json@admin
# A monthly schedule set in mid-December: its first period starts on the 1st of January of the next
# year, not a millisecond earlier.
lset b.json demurrage-monthly "$(DEMUR month 10000)"
bad_on DEM monthly-due 18 "the demurrage of the period starting 2027-01-01 is due (§15), so this entry must be it, not a tx of purpose credit" \
  b.json@admin@2026-12-15T00:00:00.000Z d18.json@admin@2027-01-01T00:00:00.000Z
dem b.json2 demurrage-december 2026-12-31 "$D20"
bad_on DEM monthly-early 18 "a demurrage, but no period is due (the next period starts 2027-01-01, and 2026-12-31T23:59:59.999Z is before it)" \
  b.json@admin@2026-12-15T00:00:00.000Z b.json2@log@2026-12-31T23:59:59.999Z

# ==== demurrage in chunks of 99 accounts (§15: "keep the first 99", cursor) ======================
# GOOD's 14 entries, 100 more members paid 10.00 each, and a weekly 1 %: the period of 2026-01-05 has
# 101 charges, so it takes two demurrage entries, the second after the cursor the first leaves.
echo "== demurrage in chunks of 99 accounts"
MEMBERS=()
for ((n = 0; n < 100; n++)); do
  pl k$n.json open-m$n account.open "\"account\":\"vol:m$(printf %03d $n)\",\"account_kind\":\"member\",\"controllers\":[\"$MEM_ID\"],\"min_balance\":0,\"name\":\"Member $n\""
  MEMBERS+=(k$n.json@operator)
done
cr k115.json credit-99 "\"postings\":[{\"account\":\"org:zorgkring\",\"amount\":-99000}$(for ((n = 0; n < 99; n++)); do printf ',{"account":"vol:m%03d","amount":1000}' $n; done)]"
cr k116.json credit-m099 '"postings":[{"account":"org:zorgkring","amount":-1000},{"account":"vol:m099","amount":1000}]'
lset k117.json demurrage-weekly "$(DEMUR week 10000)"
CHUNK98=$(printf '{"account":"vol:jan-peeters","amount":-25}'; for ((n = 0; n < 97; n++)); do printf ',{"account":"vol:m%03d","amount":-10}' $n; done)
dem k118.json demurrage-2026-01-05-a 2026-01-05 "$CHUNK98,{\"account\":\"vol:m097\",\"amount\":-10},{\"account\":\"org:zorgkring\",\"amount\":1005}"
dem k119.json demurrage-2026-01-05-b 2026-01-05 '{"account":"vol:m098","amount":-10},{"account":"vol:m099","amount":-10},{"account":"org:zorgkring","amount":20}'
cr k120.json credit-after "\"hour_rate\":1000,\"hours\":\"1\",$(ORG_JAN 1000)"
CHK=("${GOOD[@]}" "${MEMBERS[@]}" k115.json@admin k116.json@admin k117.json@admin k118.json@log@2026-01-05T00:00:00.000Z
     k119.json@log k120.json@admin@2026-01-05T10:00:00.000Z)
# chk_tables ORG JAN M000-M097 M098-M099 SETTINGS_ROW
chk_tables() {
  echo "INSERT INTO accounts VALUES
  ('org:zorgkring', 'issuer', 'Zorgkring Noord', -200000, '$ADMIN_ID', 'open', $1, 2),
  ('vol:jan-peeters', 'member', 'Jan Peeters-de Vries', 0, '$MEM_ID,$ADMIN_ID', 'open', $2, 3),
  ('vol:piet', 'member', 'Piet de Boer', 0, '$MEM_ID', 'closed', 0, 11);
WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c WHERE n < 99)
INSERT INTO accounts SELECT printf('vol:m%03d', n), 'member', 'Member ' || n, 0, '$MEM_ID', 'open',
  CASE WHEN n < 98 THEN $3 ELSE $4 END, 15 + n FROM c;
INSERT INTO settings VALUES ($5);"
}
chain chk "${CHK[@]}"
chain_db chk chk.sqlite "$(chk_tables -102475 3475 990 990 "60, 10000, 'week', 'org:zorgkring', '2026-01-12T00:00:00.000Z', NULL")"
chain_export chk chk.sqlite chk.jsonl "$UPD_KEYS"
OK120="OK: 120 entries, 103 accounts, 4 keys, head $(cat chk/h120), root $(mth $(leaves_of chk)), no checkpoint, 0 categories, 0 reversals, 0 claims, 2 demurrage entries"
expect 0 "$OK120" sq chk.sqlite
expect 0 "$OK120" ex chk.jsonl
# After the first chunk: the period is still due, and the cursor is its last account.
chain chk118 "${CHK[@]:0:118}"
chain_db chk118 chk118.sqlite "$(chk_tables -101495 2475 990 1000 "60, 10000, 'week', 'org:zorgkring', '2026-01-05T00:00:00.000Z', 'vol:m097'")"
chain_export chk118 chk118.sqlite chk118.jsonl "$UPD_KEYS"
grep -q '"demurrage":{"account":"org:zorgkring","cursor":"vol:m097","next":"2026-01-05T00:00:00.000Z"' chk118.jsonl
OK118="OK: 118 entries, 103 accounts, 4 keys, head $(cat chk118/h118), root $(mth $(leaves_of chk118)), no checkpoint, 0 categories, 0 reversals, 0 claims, 1 demurrage entry"
expect 0 "$OK118" sq chk118.sqlite
expect 0 "$OK118" ex chk118.jsonl
cp chk118.sqlite chk118cursor.sqlite; sqlite3 chk118cursor.sqlite "UPDATE settings SET demurrage_cursor = NULL"
expect 2 "FAIL: demurrage_cursor of the settings table is None, the replay gives 'vol:m097'" sq chk118cursor.sqlite
sed '1s/"cursor":"vol:m097",//' chk118.jsonl > chk118cursor.jsonl
expect 2 "FAIL: state: settings.demurrage.cursor is absent, the replay gives 'vol:m097'" ex chk118cursor.jsonl

echo "== demurrage in chunks: signed entries that break §15's rules (the daemon never stores these)"
bad_on CHK credit-between-chunks 119 "the demurrage of the period starting 2026-01-05 is due (§15), so this entry must be it, not a tx of purpose credit" \
  k120.json@admin@2026-01-05T00:00:00.000Z
dem b.json chunk-restarts 2026-01-05 '{"account":"vol:jan-peeters","amount":-24},{"account":"vol:m098","amount":-10},{"account":"vol:m099","amount":-10},{"account":"org:zorgkring","amount":44}'
bad_on CHK chunk-restarts 119 "postings are not the charges of §15 (rate_ppm 10000, cursor vol:m097): posting 0 is vol:jan-peeters -24, the charges give vol:m098 -10" b.json@log
dem b.json chunk-of-98 2026-01-05 "$CHUNK98,{\"account\":\"org:zorgkring\",\"amount\":995}"
bad_on CHK chunk-of-98 118 "postings are not the charges of §15 (rate_ppm 10000, cursor none): posting 98 is org:zorgkring 995, the charges give vol:m097 -10" b.json@log@2026-01-05T00:00:00.000Z

# Entry format v2 (§16): the commitments of the worked example, with printf and sha256sum alone;
# v2 ledgers and their erasures are audited by these scripts against real daemons in
# Tests/EndToEndTests (ErasureTests, AuditScriptTests).
echo "== entry format v2: commitments (§16)"
commitment() { { printf 'noaber:personal:v1\000%s\000' "$1"; printf '%s' "$2" | xxd -r -p; printf '%s' "$3"; } |
  sha256sum | cut -c1-64; }
expect 0 d23fc46ac1c3f195f00e3e67bb6937db2241b57c3dcc70f692c59965f79e957b \
  commitment memo 000102030405060708090a0b0c0d0e0f 'douchen mevrouw Jansen'
expect 0 797061e6de3d4ac8a7ddb6aab6bac68890fb6ac6b366281b20e981be2f7944ea \
  commitment name 101112131415161718191a1b1c1d1e1f 'Jan Peeters'
# A version 1 ledger keeps its texts in the payloads: a personal text beside it explains nothing.
cp good.sqlite v1personal.sqlite
sqlite3 v1personal.sqlite "CREATE TABLE personal_data (seq INTEGER, path TEXT, salt BLOB, text TEXT);
  INSERT INTO personal_data VALUES (3, 'name', zeroblob(16), 'Jan Peeters')"
expect 2 "FAIL: a version 1 ledger with rows in personal_data" sq v1personal.sqlite

if [ $failures -ne 0 ]; then echo "$failures case(s) FAILED"; exit 1; fi
echo "all cases passed"
