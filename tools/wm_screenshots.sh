#!/usr/bin/env bash
# Retake the screenshot set in docs/screenshots/ under a real window manager at
# 1920x1080: a virtual X display (Xvfb), openbox on it, Qt's xcb platform.
#
#   bash tools/wm_screenshots.sh            # from a checkout, on the demo floor
#   WAIT=40 bash tools/wm_screenshots.sh    # a longer live floor first
#
# Needs (Debian 12): apt-get install xvfb openbox libxcb-cursor0 x11-utils
# Runs tools/screenshots.py (console, assign, queue, intake, help, wall), then the
# other tools/*screenshot*.py on the same display; says which failed, if any.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
WAIT=${WAIT:-25}
for tool in Xvfb openbox xdpyinfo; do
    command -v "$tool" >/dev/null || {
        echo "missing $tool: apt-get install xvfb openbox libxcb-cursor0 x11-utils" >&2
        exit 2
    }
done

# A free display number, so two runs (or a desktop) never collide.
number=90
while [ -e "/tmp/.X11-unix/X$number" ] || [ -e "/tmp/.X$number-lock" ]; do
    number=$((number + 1))
done
export DISPLAY=":$number"
Xvfb "$DISPLAY" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
wm=""
cleanup() {
    [ -n "$wm" ] && kill "$wm" 2>/dev/null
    kill "$xvfb" 2>/dev/null
    wait 2>/dev/null
}
trap cleanup EXIT
for _ in $(seq 100); do
    xdpyinfo >/dev/null 2>&1 && break
    sleep 0.1
done
openbox >/dev/null 2>&1 &
wm=$!
sleep 1

export QT_QPA_PLATFORM=xcb
failed=()
"$PYTHON" tools/screenshots.py --wait "$WAIT" || failed+=(screenshots.py)
for script in tools/team_screenshots.py tools/planner_screenshot.py \
    tools/audit_screenshot.py tools/idle_lock_screenshot.py \
    tools/intake_safety_words_screenshot.py tools/intake_history_screenshot.py \
    tools/high_contrast_screenshots.py; do
    [ -f "$script" ] || continue
    "$PYTHON" "$script" || failed+=("$(basename "$script")")
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "all screenshots retaken under openbox at 1920x1080 in docs/screenshots/"
