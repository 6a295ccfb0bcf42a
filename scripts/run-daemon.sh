#!/usr/bin/env bash
# Installs what is missing, builds release binaries, and runs noaberd on ./data with its socket
# at ./data/noaberd.sock (where `noaber` looks by default). Extra arguments go to noaberd.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product noaberd
swift build -c release --product noaber
echo "noaberd: data in ./data; the CLI is .build/release/noaber (try: export PATH=\"$PWD/.build/release:\$PATH\")"
exec .build/release/noaberd --data ./data "$@"
