# Shared by packaging/wine-build.sh and packaging/wine-msi.sh (sourced, not run).
#
# Every Wine process runs under `timeout` with stdin from /dev/null and its
# output piped through `cat` (a Windows console program writing to a Unix file
# gets "Invalid handle"); each step is named, timed and, when it fails, named
# again at the end of the log; wineserver is killed on exit, whatever happened.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Everything the Wine build makes: rebuilt from scratch when missing.
CACHE="${UMCR_WINE_CACHE:-$ROOT/build/wine}"
export WINEPREFIX="$CACHE/prefix"
export WINEARCH=win64
export WINEDEBUG=-all
# No Mono or Gecko installer dialogs when the prefix is created; no Linux
# desktop menu entries for what an MSI puts in the Start menu.
export WINEDLLOVERRIDES="mscoree=;mshtml=;winemenubuilder.exe=d"
# No X server: nothing may try to open a window on a display.
unset DISPLAY WAYLAND_DISPLAY
PYDIR="$CACHE/python311"
WHEELS="$CACHE/wheels"
LOGS="$CACHE/logs"
mkdir -p "$LOGS"

CURRENT_STEP="(setup)"
declare -a STEP_TIMES=()

winpath() { # /a/b -> Z:\a\b (Wine maps / to Z:)
    local p
    p="$(realpath -m "$1")"
    printf 'Z:%s' "${p//\//\\}"
}

step() { # step NAME COMMAND...: run, time and name one step
    local name="$1" started=$SECONDS
    shift
    CURRENT_STEP="$name"
    echo "== [wine] $name"
    "$@"
    local took=$((SECONDS - started))
    STEP_TIMES+=("$(printf '%-44s %5d s' "$name" "$took")")
    echo "== [wine] $name: ok in ${took} s"
}

wrun() { # wrun SECONDS PROGRAM ARGS...: one Wine process, bounded in time
    local limit="$1"
    shift
    timeout -k 15 "$limit" wine "$@" </dev/null 2>&1 | cat
    local status=${PIPESTATUS[0]}
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        echo "== [wine] timed out after ${limit} s: $*" >&2
    fi
    return "$status"
}

start_desktop() {
    # Wine starts "explorer.exe /desktop" when a program first needs a window
    # (Qt's event dispatcher makes a hidden one, even offscreen), and that
    # explorer inherits the program's stdout and stderr: pipes that then never
    # reach EOF, so whoever reads them (build.py's self-test, `| cat`) waits
    # forever. Started here first, detached and on /dev/null, it is the
    # desktop every later program finds.
    if ! pgrep -f 'system32.explorer\.exe /desktop' >/dev/null; then
        (setsid wine explorer.exe /desktop </dev/null >/dev/null 2>&1 &)
    fi
    local _
    for _ in $(seq 1 60); do
        pgrep -f 'system32.explorer\.exe /desktop' >/dev/null && return 0
        sleep 1
    done
    echo "Wine's desktop (explorer.exe /desktop) did not start" >&2
    return 1
}

kill_wineserver() {
    if command -v wineserver >/dev/null 2>&1 && [ -d "$WINEPREFIX" ]; then
        timeout 30 wineserver -k >/dev/null 2>&1 || true
        timeout 30 wineserver -w >/dev/null 2>&1 || true
    fi
}

report_times() {
    echo "== [wine] step times"
    local line
    for line in "${STEP_TIMES[@]}"; do echo "   $line"; done
}

on_exit() { # the EXIT trap; on_exit STATUS when called from another trap
    local status=${1:-$?}
    set +e # report everything, whatever fails while cleaning up
    kill_wineserver
    report_times
    if [ "$status" -ne 0 ]; then
        echo "== [wine] FAILED in step: $CURRENT_STEP (exit status $status)" >&2
    fi
    exit "$status"
}

# `timeout` in .ci/run ends a script with SIGTERM: exit through the EXIT trap,
# so wineserver is still killed and the failing step still named.
trap 'exit 143' TERM
trap 'exit 130' INT
