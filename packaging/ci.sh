#!/usr/bin/env bash
# CI (Linux): build the one-folder bundle with packaging/umcr-console.spec, the
# same spec the Windows workflow uses, and run the bundle's own --self-test
# offscreen (issue 9). Exits non-zero if the build or the self-test fails.
# Writes the measured size and start time to docs/packaging.md (in CI's clone).
#
# Afterwards the bundle is at dist/umcr-console; pass that to the tests as
# UMCR_BUNDLE_DIR so tests/test_resources.py checks the bundle too.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[packaging]"
# One self-test run: the build takes about a minute on 2 cores, the run seconds.
QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/build.py --runs 1
