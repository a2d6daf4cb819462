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

import sys

from umcr_console.demo import run_child_if_requested

HEADLESS_FLAG = "--umcr-headless"

if __name__ == "__main__":
    status = run_child_if_requested()
    if status is None and sys.argv[1:2] == [HEADLESS_FLAG]:
        from umcr_console.sync.headless import main as headless_main

        status = headless_main(sys.argv[2:])
    if status is None:
        from umcr_console.app import main

        status = main()
    sys.exit(status)
