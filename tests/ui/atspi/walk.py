"""Walk the AT-SPI tree of the running consoles and print it as JSON lines.

Run with the SYSTEM python3 (its pyatspi), inside the test's D-Bus session:
``/usr/bin/python3 walk.py APP_COUNT MIN_WINDOWS TIMEOUT_S``. Waits until
APP_COUNT Qt applications are on the desktop and together show at least
MIN_WINDOWS top-level windows (the tour opens its dialogs after a delay), then
prints one JSON object per accessible: app, window, role, name, states, depth.
"""

import json
import sys
import time

import pyatspi

MAX_NODES = 20000


def apps():
    desktop = pyatspi.Registry.getDesktop(0)
    found = []
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is not None and app.name and "umcr" in app.name.lower():
            found.append(app)
    return found


def walk(app):
    rows = []
    stack = [(app, 0, "")]
    while stack and len(rows) < MAX_NODES:
        node, depth, window = stack.pop()
        try:
            role = node.getRoleName()
            name = node.name or ""
            states = sorted(pyatspi.stateToString(s) for s in node.getState().getStates())
            count = node.childCount
        except Exception as exc:  # a node that went away while walked
            rows.append({"app": app.name, "error": type(exc).__name__})
            continue
        if depth == 1:
            window = name
        rows.append(
            {
                "app": app.name,
                "window": window,
                "role": role,
                "name": name,
                "states": states,
                "depth": depth,
            }
        )
        for i in range(count - 1, -1, -1):
            child = node.getChildAtIndex(i)
            if child is not None:
                stack.append((child, depth + 1, window))
    return rows


def main():
    app_count, min_windows, timeout = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    deadline = time.monotonic() + timeout
    found = []
    while time.monotonic() < deadline:
        found = apps()
        windows = sum(a.childCount for a in found)
        if len(found) >= app_count and windows >= min_windows:
            break
        time.sleep(1)
    time.sleep(2)  # the last dialog lays out
    summary = {"apps": [a.name for a in apps()], "windows": sum(a.childCount for a in apps())}
    print(json.dumps({"summary": summary}), flush=True)
    for app in apps():
        for row in walk(app):
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
