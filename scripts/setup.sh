#!/usr/bin/env bash
# Installs what building and testing Noaber needs on Debian 12 (the Swift toolchain is assumed):
# the SQLite and OpenSSL development files, pkg-config, and the sqlite3/openssl tools the
# interoperability tests use. With --test, also hledger and beancount, whose readings of Noaber's
# journal exports the export tests compare with Noaber's balances, and faketime, which runs a test
# daemon's clock ahead (claims expiring, demurrage periods passing), and openssh-server, whose sshd
# the end-to-end test of `noaber --host ssh://` runs on loopback, and chromium, in which the
# statement page tests render, screenshot and print an html statement, with fonts-liberation2 (Arial's
# widths, which the page's 40 lines to a printed page assume). Installs only what is missing; safe
# to run again.
set -euo pipefail

command -v swift >/dev/null || { echo "setup: swift is not on PATH; install the Swift toolchain first (swift.org/install)" >&2; exit 1; }

needed=(libsqlite3-dev libssl-dev pkg-config sqlite3 openssl python3)
[ "${1:-}" = "--test" ] && needed+=(hledger beancount faketime openssh-client openssh-server chromium fonts-liberation2)
missing=()
for package in "${needed[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
