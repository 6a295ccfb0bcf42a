#!/usr/bin/env bash
# Build and install Noaber: the daemon noaberd, the CLI noaber, the systemd
# unit, the sysusers/tmpfiles snippets and the configuration.
# Run it from anywhere; see --help. deploy/README.md explains the result.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: deploy/install.sh [OPTIONS]

Builds noaberd and noaber (swift build -c release) and installs:
  PREFIX/bin/noaberd, PREFIX/bin/noaber
  /etc/systemd/system/noaberd.service
  /usr/lib/sysusers.d/noaber.conf, /usr/lib/tmpfiles.d/noaber.conf
  /etc/noaber/noaberd.conf          (only if it does not exist yet)
  /etc/noaber/noaberd.conf.example  (always)
  PREFIX/share/doc/noaber/          (README.md, DEPLOY.md)
then, if systemd runs as PID 1, creates the noaber user and directories and
enables and starts noaberd (restarting it if it was running: an upgrade).

Options:
  --prefix DIR    install binaries and docs under DIR (default /usr/local);
                  the unit's ExecStart is rewritten to DIR/bin/noaberd
  --destdir DIR   stage every file under DIR (for packaging); never runs
                  apt-get or touches systemd, and needs no root
  --no-start      enable noaberd but do not start or restart it
  --skip-build    do not build; install the binaries in .build/release
  -h, --help      show this help

Run as root (sudo deploy/install.sh) unless --destdir is given.
EOF
}

die() {
    printf 'install.sh: error: %s\n' "$*" >&2
    exit 1
}
warn() { printf 'install.sh: warning: %s\n' "$*" >&2; }
step() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
# Print a command, then run it.
run() {
    local shown
    shown=$(printf ' %q' "$@")
    printf '    $%s\n' "$shown"
    "$@"
}

PREFIX=/usr/local
DESTDIR=""
START=1
BUILD=1

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix)
            [ $# -ge 2 ] || die "--prefix needs a directory"
            PREFIX=$2
            shift 2
            ;;
        --prefix=*)
            PREFIX=${1#*=}
            shift
            ;;
        --destdir)
            [ $# -ge 2 ] || die "--destdir needs a directory"
            DESTDIR=$2
            shift 2
            ;;
        --destdir=*)
            DESTDIR=${1#*=}
            shift
            ;;
        --no-start)
            START=0
            shift
            ;;
        --skip-build)
            BUILD=0
            shift
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            die "unknown option: $1 (see --help)"
            ;;
    esac
done

# --- Check the options -----------------------------------------------------
case "$PREFIX" in
    /*) ;;
    *) die "--prefix must be an absolute path, got: $PREFIX" ;;
esac
case "$PREFIX" in
    *[[:space:]]*) die "--prefix must not contain whitespace (it goes into ExecStart=)" ;;
esac
# Drop trailing slashes ("/" becomes "", so paths below read "/bin").
while [ "${PREFIX%/}" != "$PREFIX" ]; do PREFIX=${PREFIX%/}; done
case "$PREFIX/" in
    /home/* | /root/* | /run/user/* | /tmp/* | /var/tmp/*)
        warn "noaberd.service hides $PREFIX (ProtectHome=yes, PrivateTmp=yes):" \
            "the service will not be able to run $PREFIX/bin/noaberd"
        ;;
esac

if [ -n "$DESTDIR" ]; then
    # Relative to where the script was called from, not to the repo root.
    case "$DESTDIR" in
        /*) ;;
        *) DESTDIR="$PWD/$DESTDIR" ;;
    esac
    while [ "${DESTDIR%/}" != "$DESTDIR" ]; do DESTDIR=${DESTDIR%/}; done
elif [ "$(id -u)" -ne 0 ]; then
    die "run as root (sudo deploy/install.sh), or stage the files with --destdir DIR"
fi

# --- Go to the repository root -------------------------------------------
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
cd -- "$REPO_ROOT"
[ -f Package.swift ] || die "no Package.swift in $REPO_ROOT; is deploy/ still inside the Noaber repository?"
step "Repository: $REPO_ROOT"
note "prefix: $PREFIX${DESTDIR:+, staging under $DESTDIR}"

BINDIR="$PREFIX/bin"
DOCDIR="$PREFIX/share/doc/noaber"
UNIT_PATH=/etc/systemd/system/noaberd.service
SYSUSERS_PATH=/usr/lib/sysusers.d/noaber.conf
TMPFILES_PATH=/usr/lib/tmpfiles.d/noaber.conf
CONF_DIR=/etc/noaber
CONF_PATH=$CONF_DIR/noaberd.conf

# --- Build and run dependencies (Debian packages) ------------------------
DEPS=(libsqlite3-dev libssl-dev pkg-config)
if [ -n "$DESTDIR" ]; then
    step "Dependencies: skipped (--destdir never runs apt-get)"
elif ! command -v dpkg-query >/dev/null 2>&1; then
    step "Dependencies: no dpkg-query (not Debian?); make sure SQLite 3, OpenSSL (libcrypto) and pkg-config are installed"
else
    missing=()
    for pkg in "${DEPS[@]}"; do
        if [ "$(dpkg-query -W -f="\${Status}" "$pkg" 2>/dev/null || true)" != "install ok installed" ]; then
            missing+=("$pkg")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        step "Dependencies: ${DEPS[*]} already installed"
    else
        step "Dependencies: installing ${missing[*]}"
        run apt-get update
        run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    fi
fi

# --- Build -------------------------------------------------------------------
# --static-swift-stdlib links the Swift runtime and Foundation into the
# binaries, so they do not depend on where the toolchain lives (a toolchain
# under /home would be hidden from the service by ProtectHome=yes).
SWIFT_FLAGS=(-c release --static-swift-stdlib)
if [ "$BUILD" -eq 1 ]; then
    if ! command -v swift >/dev/null 2>&1; then
        die "no 'swift' on PATH. Install a Swift 6.1 or newer toolchain and put its usr/bin on PATH.
  Note that sudo resets PATH; keep yours with:  sudo env \"PATH=\$PATH\" deploy/install.sh
  Or build first as yourself and install the result:
    swift build ${SWIFT_FLAGS[*]} --product noaberd
    swift build ${SWIFT_FLAGS[*]} --product noaber
    sudo deploy/install.sh --skip-build"
    fi
    step "Building with $(command -v swift)"
    run swift build "${SWIFT_FLAGS[@]}" --product noaberd
    run swift build "${SWIFT_FLAGS[@]}" --product noaber
    BUILT=$(swift build "${SWIFT_FLAGS[@]}" --show-bin-path)
else
    BUILT="$REPO_ROOT/.build/release"
    step "Build: skipped (--skip-build); using $BUILT"
fi
for exe in noaberd noaber; do
    if [ ! -f "$BUILT/$exe" ] || [ ! -x "$BUILT/$exe" ]; then
        die "$BUILT/$exe is missing or not executable; build it with: swift build ${SWIFT_FLAGS[*]} --product $exe"
    fi
done

# --- Install files -----------------------------------------------------------
tmp_unit=""
cleanup() {
    if [ -n "$tmp_unit" ]; then rm -f -- "$tmp_unit"; fi
}
trap cleanup EXIT

step "Installing binaries to $DESTDIR$BINDIR"
run install -d -m 0755 "$DESTDIR$BINDIR"
run install -m 0755 "$BUILT/noaberd" "$DESTDIR$BINDIR/noaberd"
run install -m 0755 "$BUILT/noaber" "$DESTDIR$BINDIR/noaber"

step "Installing the systemd unit to $DESTDIR$UNIT_PATH"
run install -d -m 0755 "$DESTDIR${UNIT_PATH%/*}"
if [ "$PREFIX" = /usr/local ]; then
    run install -m 0644 deploy/noaberd.service "$DESTDIR$UNIT_PATH"
else
    # Point ExecStart= (and Documentation=) at the binaries under PREFIX.
    prefix_sed=$(printf '%s' "$PREFIX" | sed -e 's/[\\|&]/\\&/g')
    tmp_unit=$(mktemp)
    note "rewriting /usr/local/ to $PREFIX/ in ExecStart= and Documentation="
    sed -e "/^\(ExecStart\|Documentation\)=/s|/usr/local/|$prefix_sed/|g" \
        deploy/noaberd.service >"$tmp_unit"
    grep -qxF "ExecStart=$BINDIR/noaberd --config $CONF_PATH" "$tmp_unit" ||
        die "could not rewrite ExecStart= in the unit for prefix $PREFIX"
    run install -m 0644 "$tmp_unit" "$DESTDIR$UNIT_PATH"
fi

step "Installing sysusers.d and tmpfiles.d snippets"
run install -d -m 0755 "$DESTDIR${SYSUSERS_PATH%/*}" "$DESTDIR${TMPFILES_PATH%/*}"
run install -m 0644 deploy/noaber.sysusers "$DESTDIR$SYSUSERS_PATH"
run install -m 0644 deploy/noaber.tmpfiles "$DESTDIR$TMPFILES_PATH"

step "Installing configuration in $DESTDIR$CONF_DIR"
run install -d -m 0750 "$DESTDIR$CONF_DIR"
run install -m 0640 deploy/noaberd.conf.example "$DESTDIR$CONF_PATH.example"
if [ -e "$DESTDIR$CONF_PATH" ] || [ -L "$DESTDIR$CONF_PATH" ]; then
    note "keeping the existing $DESTDIR$CONF_PATH (compare it with noaberd.conf.example)"
else
    run install -m 0640 deploy/noaberd.conf.example "$DESTDIR$CONF_PATH"
fi

step "Installing documentation to $DESTDIR$DOCDIR"
run install -d -m 0755 "$DESTDIR$DOCDIR"
if [ -f README.md ]; then
    run install -m 0644 README.md "$DESTDIR$DOCDIR/README.md"
else
    note "no README.md at the repository root; skipped"
fi
run install -m 0644 deploy/README.md "$DESTDIR$DOCDIR/DEPLOY.md"

# The daemon runs as group noaber and must read its configuration.
fix_config_owner() {
    if getent group noaber >/dev/null 2>&1; then
        step "Giving group noaber read access to $CONF_DIR"
        run chown root:noaber "$CONF_DIR" "$CONF_DIR"/noaberd.conf*
    else
        warn "group noaber does not exist yet; after creating it run: chown root:noaber $CONF_DIR $CONF_DIR/noaberd.conf*"
    fi
}

MANUAL_STEPS=(
    "systemd-sysusers $SYSUSERS_PATH"
    "systemd-tmpfiles --create $TMPFILES_PATH"
    "chown root:noaber $CONF_DIR $CONF_DIR/noaberd.conf $CONF_DIR/noaberd.conf.example"
    "systemctl daemon-reload"
)
if [ "$START" -eq 1 ]; then
    MANUAL_STEPS+=("systemctl enable --now noaberd.service")
else
    MANUAL_STEPS+=("systemctl enable noaberd.service")
fi

# --- systemd -----------------------------------------------------------------
if [ -n "$DESTDIR" ]; then
    step "Staged under $DESTDIR; systemd and apt-get left alone (--destdir)"
    note "On the target, after the files are in place (e.g. in a postinst), run:"
    for cmd in "${MANUAL_STEPS[@]}"; do note "  $cmd"; done
    exit 0
fi

if [ -d /run/systemd/system ]; then
    step "Creating the noaber user and group"
    run systemd-sysusers "$SYSUSERS_PATH"
    step "Creating /var/lib/noaber and setting up /etc/noaber"
    run systemd-tmpfiles --create "$TMPFILES_PATH"
    fix_config_owner
    step "Enabling noaberd"
    run systemctl daemon-reload
    if [ "$START" -eq 1 ]; then
        was_active=0
        if systemctl is-active --quiet noaberd.service; then was_active=1; fi
        run systemctl enable --now noaberd.service
        if [ "$was_active" -eq 1 ]; then
            step "Restarting noaberd to run the new binary (it migrates its schema at start)"
            run systemctl restart noaberd.service
        fi
        note "check it with: systemctl status noaberd; journalctl -u noaberd"
    else
        run systemctl enable noaberd.service
        note "not started (--no-start); start it with: systemctl start noaberd"
        if systemctl is-active --quiet noaberd.service; then
            note "noaberd is still running the old binary; restart it with: systemctl restart noaberd"
        fi
    fi
else
    step "systemd is not running as PID 1 (no /run/systemd/system); nothing enabled"
    if getent group noaber >/dev/null 2>&1; then fix_config_owner; fi
    note "Once systemd runs on this machine, run as root:"
    for cmd in "${MANUAL_STEPS[@]}"; do note "  $cmd"; done
fi

step "Done. Let a user use the CLI with: usermod -aG noaber USER (then log in again)"
