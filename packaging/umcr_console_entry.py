"""Entry point of the frozen console (PyInstaller runs this as ``__main__``).

A frozen executable cannot run ``python -m umcr_console.server.cli``, so the
``--demo`` and ``--self-test`` server child is this same executable started
with ``umcr_console.demo.CHILD_FLAG`` (see ``demo.child_command``): that
argument runs the embedded server instead of the window.
"""

from __future__ import annotations

import sys

from umcr_console.demo import run_child_if_requested

if __name__ == "__main__":
    status = run_child_if_requested()
    if status is None:
        from umcr_console.app import main

        status = main()
    sys.exit(status)
