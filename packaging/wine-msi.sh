#!/usr/bin/env bash
# The MSI round trip under Wine (issue 20, docs/packaging.md "The installer"),
# after packaging/wine-build.sh made dist/windows/umcr-console:
#
#   1. build the MSI with wixl, and a "newer" one (same bundle, build number + 1);
#   2. msiexec /i ... /qn: files in Program Files, both Start-menu entries, the
#      registry version; the installed console's --self-test; a bad CA setting
#      fails in one line, fast;
#   3. with the server down, the installed console's headless mode leaves one
#      pending action in the outbox of the user's local store (%LOCALAPPDATA%);
#      settings.ini gets a value of the user's;
#   4. the newer MSI over it: one product registered, the new version, the old
#      product code gone, the user's store and settings untouched; self-test;
#   5. a server comes up: the pending action of step 3 reaches it (checked in
#      the server's own database);
#   6. msiexec /x: Program Files and the Start-menu entries gone, the user's
#      data kept.
#
# Needs the project's Linux venv for the server (.venv, made by packaging/ci.sh
# or UMCR_SERVER_PYTHON). Exit status 0 only if every step passed; the log names
# the failing step. Every Wine process has a timeout; wineserver is killed at
# the end.
set -euo pipefail
source "$(dirname "$0")/wine/common.sh"
cd "$ROOT"

BUNDLE="$ROOT/dist/windows/umcr-console"
OUT="$ROOT/dist/windows/msi"
SERVER_PYTHON="${UMCR_SERVER_PYTHON:-$ROOT/.venv/bin/python}"
WORKDIR="$CACHE/msi-roundtrip"
PROGRAM_FILES="$WINEPREFIX/drive_c/Program Files/UMCR Dispatch Console"
WINE_USER="$(whoami)"
# A per-machine MSI's Start-menu entries go to ProgramData on Windows; Wine 8's
# msi puts them in the installing user's Start menu. Either is accepted here
# (the Windows workflow checks ProgramData).
MENUS=(
    "$WINEPREFIX/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/UMCR Dispatch"
    "$WINEPREFIX/drive_c/users/$WINE_USER/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/UMCR Dispatch"
)
USER_DATA="$WINEPREFIX/drive_c/users/$WINE_USER/AppData/Local/UMCR/umcr-console"
EXE='C:\Program Files\UMCR Dispatch Console\umcr-console.exe'
VERSION_KEY='HKLM\Software\UMCR\Dispatch Console'
UNINSTALL_KEY='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall'
USERNAME=dispatcher1
PASSWORD="wine-round-trip-Passphrase-2026"
SERVER_PID=""

stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
finish() {
    local status=$?
    set +e
    stop_server
    on_exit "$status"
}
trap finish EXIT

fail() { echo "== [wine] $*" >&2; return 1; }

msi_property() { # msi_property MSI NAME
    msiinfo export "$1" Property | tr -d '\r' | awk -F'\t' -v n="$2" '$1 == n {print $2}'
}

registry_value() { # registry_value KEY NAME: the data, or nothing
    wrun 60 reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' |
        awk -v n="$2" '$1 == n {print $NF}' || true
}

build_msis() {
    [ -f "$BUNDLE/umcr-console.exe" ] || fail "no bundle at $BUNDLE: run packaging/wine-build.sh first"
    rm -rf "$OUT"
    OLD_MSI="$(bash packaging/build-msi.sh "$BUNDLE" "$OUT" | tail -n 1)"
    OLD_VERSION="$(cat "$OUT/version.txt")"
    # The same bundle as a newer release: what a real upgrade looks like to
    # Windows Installer (a new product code, a higher version, same UpgradeCode).
    NEW_VERSION="$(echo "$OLD_VERSION" | awk -F. '{printf "%d.%d.%d", $1, $2, $3 + 1}')"
    NEW_MSI="$(bash packaging/build-msi.sh "$BUNDLE" "$OUT/newer" "$NEW_VERSION" | tail -n 1)"
    OLD_CODE="$(msi_property "$OLD_MSI" ProductCode)"
    NEW_CODE="$(msi_property "$NEW_MSI" ProductCode)"
    [ -n "$OLD_CODE" ] && [ "$OLD_CODE" != "$NEW_CODE" ] || fail "product codes: $OLD_CODE $NEW_CODE"
    [ "$(msi_property "$OLD_MSI" UpgradeCode)" = "$(msi_property "$NEW_MSI" UpgradeCode)" ] ||
        fail "the two MSIs have different upgrade codes"
    ls -l "$OLD_MSI" "$NEW_MSI"
    echo "MSI $OLD_VERSION $OLD_CODE, newer $NEW_VERSION $NEW_CODE"
}

clean_machine() {
    # A rerun on the same prefix starts like a workstation that never had it.
    if [ -d "$PROGRAM_FILES" ]; then
        wrun 600 msiexec /x "$(winpath "$NEW_MSI")" /qn || true
        wrun 600 msiexec /x "$(winpath "$OLD_MSI")" /qn || true
        rm -rf "$PROGRAM_FILES"
    fi
    rm -rf "$USER_DATA" "$WORKDIR"
    mkdir -p "$WORKDIR"
}

msiexec_logged() { # msiexec_logged NAME ARGS...: msiexec with a verbose log, shown on failure
    local name="$1"
    shift
    local log="$WORKDIR/$name.log"
    if ! wrun 900 msiexec "$@" /qn /l*v "$(winpath "$log")"; then
        iconv -f UTF-16LE -t UTF-8 "$log" 2>/dev/null | tail -n 60 || tail -n 60 "$log"
        fail "msiexec $* failed"
    fi
}

check_installed() { # check_installed VERSION
    [ -f "$PROGRAM_FILES/umcr-console.exe" ] || fail "umcr-console.exe is not in Program Files"
    [ -d "$PROGRAM_FILES/_internal" ] || fail "the bundle's _internal folder is not in Program Files"
    local link menu="" candidate
    for candidate in "${MENUS[@]}"; do
        [ -d "$candidate" ] && menu="$candidate"
    done
    [ -n "$menu" ] || fail "no Start-menu folder UMCR Dispatch"
    for link in "UMCR Dispatch Console.lnk" "UMCR Wall Display.lnk"; do
        [ -f "$menu/$link" ] || fail "no Start-menu entry $link in $menu"
    done
    # The wall's entry starts the same program with --wall (UTF-16 in the .lnk).
    tr -d '\000' <"$menu/UMCR Wall Display.lnk" | grep -aq -- "--wall" ||
        fail "the wall entry lacks --wall"
    echo "Start-menu entries in ${menu#"$WINEPREFIX/drive_c/"}"
    local installed
    installed="$(registry_value "$VERSION_KEY" Version)"
    [ "$installed" = "$1" ] || fail "registry version '$installed', expected $1"
    local files
    files="$(find "$PROGRAM_FILES" -type f | wc -l)"
    echo "installed $1: $files files, $(du -sh "$PROGRAM_FILES" | cut -f1)"
}

install_old() {
    msiexec_logged install /i "$(winpath "$OLD_MSI")"
    check_installed "$OLD_VERSION"
}

self_test_installed() {
    local out="$WORKDIR/self-test.out"
    # The app sets QT_QPA_PLATFORM=offscreen itself for --self-test; Wine does not
    # pass QT_* from Linux, WINEQT_* reaches the program as QT_*.
    WINEQT_QPA_PLATFORM=offscreen wrun 600 "$EXE" --self-test | tee "$out"
    grep -q "SELF-TEST OK" "$out" || fail "the installed console's self-test did not pass"
}

bad_ca_fails_fast() {
    local out="$WORKDIR/bad-ca.out" started=$SECONDS status=0
    SSL_CERT_FILE='C:\no\such\ca.pem' wrun 120 "$EXE" --self-test >"$out" 2>&1 || status=$?
    cat "$out"
    [ "$status" -eq 2 ] || fail "a missing SSL_CERT_FILE gave exit status $status, expected 2"
    grep -q '^umcr-console: error: \$SSL_CERT_FILE' "$out" || fail "no one-line error"
    ! grep -q Traceback "$out" || fail "a traceback instead of one line"
    echo "failed as it should, in $((SECONDS - started)) s"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

headless() { # the installed console without a window, as the user: its store in %LOCALAPPDATA%
    wrun "$1" "$EXE" --umcr-headless --db "$STORE_WIN" --url "$URL" \
        --username "$USERNAME" --password "$PASSWORD" "${@:2}"
}

pending_action_offline() {
    PORT="$(free_port)"
    URL="http://127.0.0.1:$PORT"
    # The path the console itself uses for this server (app.store_path).
    local digest
    digest="$(printf '%s' "$URL" | sha256sum | cut -c1-12)"
    STORE="$USER_DATA/stores/$digest.sqlite3"
    STORE_WIN="C:\\users\\$WINE_USER\\AppData\\Local\\UMCR\\umcr-console\\stores\\$digest.sqlite3"
    mkdir -p "$USER_DATA/stores"
    # Nothing listens on PORT: the action can only go to the outbox.
    headless 300 --actions 1 --kinds create --seed 20 --exit-when-made | tee "$WORKDIR/offline.out"
    EVENT_ID="$(sed -n 's/^{"ack":"\([^"]*\)".*/\1/p' "$WORKDIR/offline.out")"
    [ -n "$EVENT_ID" ] || fail "no action was made offline"
    [ -f "$STORE" ] || fail "the store is not at $STORE"
    # A setting of the user's (as the login form or the theme menu writes it).
    printf '[login]\nserver=%s\n\n[window]\ntheme=light\n' "$URL" >>"$USER_DATA/settings.ini"
    snapshot_user_data
    echo "pending: $EVENT_ID in $STORE"
}

snapshot_user_data() {
    (cd "$USER_DATA" && find . -type f ! -path './Logs/*' | LC_ALL=C sort | xargs sha256sum) \
        >"$WORKDIR/user-data.before"
}

user_data_unchanged() {
    (cd "$USER_DATA" && find . -type f ! -path './Logs/*' | LC_ALL=C sort | xargs sha256sum) \
        >"$WORKDIR/user-data.after"
    diff "$WORKDIR/user-data.before" "$WORKDIR/user-data.after" ||
        fail "the user's store or settings changed"
}

upgrade() {
    msiexec_logged upgrade /i "$(winpath "$NEW_MSI")"
    check_installed "$NEW_VERSION"
    if wrun 60 reg query "$UNINSTALL_KEY\\$OLD_CODE" >/dev/null; then
        fail "the old product $OLD_CODE is still registered after the upgrade"
    fi
    wrun 60 reg query "$UNINSTALL_KEY\\$NEW_CODE" >/dev/null || fail "the new product is not registered"
    user_data_unchanged
}

pending_action_syncs() {
    local db="$WORKDIR/server.sqlite3"
    [ -x "$SERVER_PYTHON" ] || fail "no Linux python with the project at $SERVER_PYTHON (run packaging/ci.sh)"
    UMCR_PASSWORD="$PASSWORD" timeout 120 "$SERVER_PYTHON" -m umcr_console.server.cli user add \
        "$USERNAME" --role dispatcher --database "sqlite:///$db" </dev/null
    timeout -k 10 900 "$SERVER_PYTHON" -m umcr_console.server.cli serve --port "$PORT" \
        --database "sqlite:///$db" </dev/null >"$WORKDIR/server.log" 2>&1 &
    SERVER_PID=$!
    local up=0
    for _ in $(seq 1 120); do
        if python3 -c "import urllib.request as u; u.urlopen('$URL/api/v1/health', timeout=2)" 2>/dev/null; then
            up=1
            break
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.5
    done
    [ "$up" = 1 ] || { cat "$WORKDIR/server.log"; fail "the server did not start"; }
    # The upgraded console opens the same store and sends what it kept.
    headless 300 --actions 0 --drain | tee "$WORKDIR/online.out"
    grep -q '^{"ready":.*"pending":1' "$WORKDIR/online.out" || fail "the outbox did not hold 1 action"
    grep -q '^{"done":{[^}]*"pending":0' "$WORKDIR/online.out" || fail "the outbox did not drain"
    local found
    found="$(python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(c.execute('select count(*) from events where event_id = ?', (sys.argv[2],)).fetchone()[0])" "$db" "$EVENT_ID")"
    [ "$found" = 1 ] || fail "event $EVENT_ID is not in the server's database"
    echo "event $EVENT_ID arrived at the server after the upgrade"
    stop_server
    snapshot_user_data # the store now holds it as confirmed: what uninstalling must keep
}

uninstall() {
    msiexec_logged uninstall /x "$(winpath "$NEW_MSI")"
    [ ! -e "$PROGRAM_FILES/umcr-console.exe" ] || fail "umcr-console.exe is still in Program Files"
    [ ! -d "$PROGRAM_FILES/_internal" ] || fail "_internal is still in Program Files"
    local menu
    for menu in "${MENUS[@]}"; do
        [ ! -e "$menu/UMCR Dispatch Console.lnk" ] || fail "the Start-menu entry is still in $menu"
    done
    [ -z "$(registry_value "$VERSION_KEY" Version)" ] || fail "the registry version is still there"
    [ -f "$STORE" ] || fail "uninstalling deleted the user's store"
    user_data_unchanged
    echo "uninstalled; the user's data is still in $USER_DATA"
}

step "build the MSI and a newer one (wixl)" build_msis
step "Wine desktop, detached" start_desktop
step "start from a machine without it" clean_machine
step "install silently (msiexec /i /qn)" install_old
step "self-test the installed console" self_test_installed
step "bad CA setting: one line, exit 2" bad_ca_fails_fast
step "pending action, server down" pending_action_offline
step "upgrade to the newer MSI" upgrade
step "self-test the upgraded console" self_test_installed
step "the pending action syncs after the upgrade" pending_action_syncs
step "uninstall (msiexec /x /qn)" uninstall
echo "== [wine] MSI round trip passed: $(basename "$OLD_MSI") -> $(basename "$NEW_MSI")"
