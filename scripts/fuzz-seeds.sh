#!/usr/bin/env bash
# Rebuilds the fuzz targets' seed corpora in Fuzz/Corpus/<target>/ from the real formats: the
# README walkthrough run against a real daemon (its key files, checkpoint, proof, verifier key,
# export, payloads and a request line), the import example of the README, the payloads of
# docs/FORMAT.md, and a CSV of ../shared/bench's workload. Run it after a format changes, then
# minimise with `scripts/fuzz.sh --merge` and commit the result. Needs a debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/Fuzz/Corpus
work=$(mktemp -d)
trap 'kill "$daemon" 2>/dev/null || true; rm -rf "$work"' EXIT
for target in rpc-lines strict-json payload encodings pem-keys signed-note tlog-proof verifier-key export-jsonl csv-import packed-page; do
    mkdir -p "$out/$target"
done

# The walkthrough, as ReadmeTests runs it, with the debug binaries.
cd "$work"
"$root/.build/debug/noaberd" --data ./data --socket ./data/noaberd.sock >daemon.log 2>&1 &
daemon=$!
for _ in $(seq 50); do [ -S data/noaberd.sock ] && break; sleep 0.2; done
awk '/<!-- walkthrough/{on=1; next} on && /^```sh/{inblock=1; next} inblock && /^```/{exit} inblock' \
    "$root/README.md" | grep -v '^export PATH=' >walkthrough.sh
PATH="$root/.build/debug:$PATH" NOABER_SOCKET="$work/data/noaberd.sock" bash -e walkthrough.sh >walkthrough.log 2>&1
cp admin.key "$out/pem-keys/private.pem"
cp admin.key.pub "$out/pem-keys/public.pem"
cp checkpoint.txt "$out/signed-note/checkpoint.txt"
cp jan.tlog-proof "$out/tlog-proof/jan.tlog-proof"
"$root/.build/debug/noaber" status | sed -n 's/^log key *//p' | tr -d '\n' >"$out/verifier-key/log-key.txt"
head -c 4000 ledger.jsonl >/dev/null
cp ledger.jsonl "$out/export-jsonl/walkthrough.jsonl"
# Each entry's payload, as signed; the first line is the header.
python3 - "$work/ledger.jsonl" "$out" <<'PY'
import base64, json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
out = sys.argv[2]
for n, line in enumerate(lines[1:], start=1):
    entry = json.loads(line)
    if "payload" not in entry:
        continue
    payload = base64.b64decode(entry["payload"])
    kind = entry["kind"]
    open(f"{out}/payload/{n:02d}-{kind}.json", "wb").write(payload)
    open(f"{out}/strict-json/{n:02d}-{kind}.json", "wb").write(payload)
    open(f"{out}/encodings/{n:02d}-payload.b64", "w").write(entry["payload"])
    open(f"{out}/encodings/{n:02d}-hash.hex", "w").write(entry["hash"])
    line_out = {"jsonrpc": "2.0", "id": n, "method": "ledger.submit",
                "params": {"payload": entry["payload"], "signature": entry["signature"], "key_id": entry["key_id"]}}
    open(f"{out}/rpc-lines/{n:02d}-submit.jsonl", "w").write(json.dumps(line_out) + "\n")
open(f"{out}/strict-json/header.json", "w").write(lines[0])
PY
cd "$root"

# The README's import example, and the same in Excel's Dutch form.
awk '/^account,date,hours,category,memo,external_id$/{on=1} on && /^```/{exit} on' README.md >"$out/csv-import/readme.csv"
sed 's/,/;/g; s/1\.5/1,5/' "$out/csv-import/readme.csv" >"$out/csv-import/readme-semicolon.csv"
python3 ../shared/bench/gen_workload.py --help >/dev/null 2>&1 &&
    python3 ../shared/bench/gen_workload.py --format csv --orgs 2 --volunteers 5 --shops 2 --tx 20 --seed 1 \
        >"$out/csv-import/bench-workload.csv" 2>/dev/null || rm -f "$out/csv-import/bench-workload.csv"

# docs/FORMAT.md's JSON examples, the worked example among them.
python3 - "$root/docs/FORMAT.md" "$out" <<'PY'
import json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for n, block in enumerate(re.findall(r"```json\n(.*?)```", text, re.S)):
    for m, line in enumerate(l for l in block.splitlines() if l.strip().startswith("{")):
        open(f"{sys.argv[2]}/strict-json/format-{n}-{m}.json", "w").write(line.strip())
        open(f"{sys.argv[2]}/payload/format-{n}-{m}.json", "w").write(line.strip())
PY
printf '{"jsonrpc":"2.0","id":1,"method":"ledger.status","params":{}}\n{"jsonrpc":"2.0","id":"x","method":"nope"}\r\n' \
    >"$out/rpc-lines/status.jsonl"
# The session's read and a short submission, as noaber-bench and the CLI write them, and forms
# the one-pass reader leaves.
printf '%s\n' '{"id":7,"jsonrpc":"2.0","method":"account.get","params":{"account":"vol:jan"}}' \
    '{"id":"a","jsonrpc":"2.0","method":"account.get","params":{"account":"vol:\u006aan"}}' \
    '{"params":{"account":"vol:jan"},"method":"account.get","jsonrpc":"2.0","id":1}' \
    '{"id":1,"jsonrpc":"2.0","method":"account.get","params":{"account":"vol:jan","x":1}}' \
    '{"id":1,"id":2,"jsonrpc":"2.0","method":"ledger.status","params":[1,{"a":null}]}' \
    '{"id":2,"jsonrpc":"2.0","method":"ledger.submit","params":{"key_id":"ab","payload":"e30=","personal":[{"path":"memo","salt":"00","text":"x"}],"signature":"cd"}}' \
    >"$out/rpc-lines/one-pass.jsonl"
echo "seeds in $out:"
for d in "$out"/*/; do echo "  $(basename "$d"): $(ls "$d" | wc -l) files"; done
