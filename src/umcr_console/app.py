"""Composition root of the desktop console: builds the store, sync and windows."""

from __future__ import annotations


def main() -> int:
    """Entry point of ``umcr-console``."""
    raise SystemExit("umcr-console: the desktop console is not built yet (issue 4)")
