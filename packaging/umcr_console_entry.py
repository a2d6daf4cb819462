"""Entry point of the frozen console (PyInstaller runs this as ``__main__``).

A frozen executable cannot run ``python -m umcr_console.server.cli``, so the
``--demo`` and ``--self-test`` server child is this same executable started
with ``umcr_console.demo.CHILD_FLAG`` (see ``demo.child_command``): that
argument runs the embedded server instead of the window.

``--umcr-headless`` runs ``umcr_console.sync.headless`` (a console without a
window: local store, outbox, sync engine) from the installed files; the MSI
round trip uses it to leave a pending action in a user's store before an
upgrade and to sync it after (packaging/wine-msi.sh).
"""

from __future__ import annotations

import os
import sys
import traceback

HEADLESS_FLAG = "--umcr-headless"
EXIT_CRASH = 70  # as umcr_console.ui.crash.EXIT_CRASH (not imported: it needs Qt)


def _nobody_watching() -> bool:
    """A self-test, a headless or server child, an offscreen Qt, CI: no one to click a dialog."""
    flags = {"--self-test", HEADLESS_FLAG, "--umcr-demo-server"}
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    return (
        bool(flags.intersection(sys.argv[1:]))
        or platform in ("offscreen", "minimal")
        or bool(os.environ.get("CI"))
    )


def _run() -> int | None:
    from umcr_console.demo import run_child_if_requested

    status = run_child_if_requested()
    if status is None and sys.argv[1:2] == [HEADLESS_FLAG]:
        from umcr_console.sync.headless import main as headless_main

        status = headless_main(sys.argv[2:])
    if status is None:
        from umcr_console.app import main

        status = main()
    return status


if __name__ == "__main__":
    try:
        status = _run()
    except Exception as exc:
        # An error that escapes the console (a module missing from the bundle,
        # say) would reach PyInstaller's bootloader, which shows it in a
        # dialog in a windowed Windows build: never where nobody is watching.
        if not _nobody_watching():
            raise
        traceback.print_exc()
        print(f"umcr-console: error: {type(exc).__name__}: {exc}", file=sys.stderr)
        status = EXIT_CRASH
    sys.exit(status)
