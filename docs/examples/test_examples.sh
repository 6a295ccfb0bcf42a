#!/usr/bin/env bash
# Tests audit_sqlite.py and audit_export.py on FORMAT.md §14's three-entry ledger, built here from
# the document alone: the entries are signed with openssl, stored in an SQLite file laid out as §6
# says and in a jsonl export laid out as §13 says, and the checkpoint is signed as §10 says. Both
# scripts must print OK with §14's root; then each tampered copy must fail with the expected reason.
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
build_db() {  # build_db N CHECKPOINT_FILE OUT
  local n=$1 i level leaves next
  {
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
CREATE TABLE checkpoint (tree_size INTEGER NOT NULL, root BLOB NOT NULL, note TEXT NOT NULL,
  signed_at TEXT NOT NULL);
CREATE TABLE schema_migrations (version INTEGER NOT NULL, applied_at TEXT NOT NULL);
INSERT INTO schema_migrations VALUES (1, '2026-01-01T00:00:00.000Z'), (2, '2026-01-01T00:00:00.000Z');
SQL
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
    # merkle_nodes: every complete subtree, level by level (§6, §9).
    leaves=(); for ((i = 1; i <= n; i++)); do leaves+=("$(cat leaf$i.hex)"); done
    level=0
    while [ ${#leaves[@]} -gt 0 ]; do
      for i in "${!leaves[@]}"; do echo "INSERT INTO merkle_nodes VALUES ($level, $i, X'${leaves[i]}');"; done
      next=(); for ((i = 0; i + 1 < ${#leaves[@]}; i += 2)); do next+=("$(node "${leaves[i]}" "${leaves[i + 1]}")"); done
      leaves=(${next[@]+"${next[@]}"}); level=$((level + 1))
    done
    if [ -n "$2" ]; then
      echo "INSERT INTO checkpoint VALUES ($(sed -n 2p "$2"), X'$(sed -n 3p "$2" | base64 -d | xxd -p -c 32)',"
      echo "  CAST(readfile('$2') AS TEXT), '2026-01-01T00:00:03.000Z');"
    fi
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
    printf '{"exported_at":"2026-01-01T00:00:05.000Z","format":"noaber-export","state":{"accounts":[%s]%s,' "$accounts" "$cp"
    printf '"entry_rows":%s,"head_seq":%s,"keys":[' "$n" "$n"
    printf '{"added_seq":1,"key_id":"%s","label":"admin","public_key":"%s","role":"admin"},' $ADMIN_ID $ADMIN_PUB
    printf '{"added_seq":1,"key_id":"%s","label":"noaberd log key","public_key":"%s","role":"log"}],' "$LOG_ID" $LOG_PUB
    printf '"ledger":{"admin_key":"%s","currency":{"code":"ZMT","name":"zorgmunt","scale":2},"hour_rate":1000,' $ADMIN_ID
    printf '"ledger_id":"%s","name":"Zorgkring Noord"},"posting_rows":%s},"version":1}\n' $L $postings
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

echo "== a fourth entry; the size-3 checkpoint still holds"
build_db 4 checkpoint3.txt four.sqlite
build_export 4 checkpoint3.txt four.jsonl
root4=$(node "$(node "$(cat leaf1.hex)" "$(cat leaf2.hex)")" "$(node "$(cat leaf3.hex)" "$(cat leaf4.hex)")")
OK4="OK: 4 entries, 2 accounts, 2 keys, head $(cat hash4.hex), root $root4, checkpoint 3, kept checkpoint 3"
expect 0 "$OK4" sq four.sqlite --checkpoint checkpoint3.txt
expect 0 "$OK4" ex four.jsonl --checkpoint checkpoint3.txt --log-key "$VKEY"

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
t balance.sqlite "UPDATE accounts SET balance = 100 WHERE account = 'vol:jan-peeters'"
expect 2 "FAIL: balance of vol:jan-peeters is 100, the replay gives 0" sq balance.sqlite

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
sed '1s/"vol:jan-peeters","balance":0/"vol:jan-peeters","balance":7/' good.jsonl > balance.jsonl
expect 2 "FAIL: state: balance of account vol:jan-peeters is 7, the replay gives 0" ex balance.jsonl
# Two versions of history: the auditor kept a size-3 checkpoint of a ledger whose entry 3 differed.
expect 2 "FAIL: kept checkpoint badroot-checkpoint.txt: root is not the root of entries 1 to 3" \
  ex four.jsonl --checkpoint badroot-checkpoint.txt

if [ $failures -ne 0 ]; then echo "$failures case(s) FAILED"; exit 1; fi
echo "all cases passed"
