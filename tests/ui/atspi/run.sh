#!/usr/bin/env bash
# Inside a private D-Bus session (dbus-run-session): the AT-SPI bus, the console
# and the wall on the demo floor with the accessibility tour, then the walk.
# Args: PYTHON DATA_DIR WALK_ARGS...  Env: DISPLAY (an Xvfb the test started).
set -u
python="$1"; data="$2"; shift 2
here="$(cd "$(dirname "$0")" && pwd)"
/usr/libexec/at-spi-bus-launcher --launch-immediately &
bus=$!
export QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 QT_QPA_PLATFORM=xcb UMCR_A11Y_TOUR=1
"$python" -m umcr_console.app --demo --data-dir "$data/console" >"$data/console.log" 2>&1 &
console=$!
"$python" -m umcr_console.app --demo --wall --data-dir "$data/wall" >"$data/wall.log" 2>&1 &
wall=$!
/usr/bin/python3 "$here/walk.py" "$@"
status=$?
kill "$console" "$wall" 2>/dev/null
# The consoles stop their demo servers on SIGTERM; give them a moment, then insist.
for _ in $(seq 1 20); do kill -0 "$console" 2>/dev/null || kill -0 "$wall" 2>/dev/null || break; sleep 0.5; done
kill -9 "$console" "$wall" 2>/dev/null
kill "$bus" 2>/dev/null
exit $status
