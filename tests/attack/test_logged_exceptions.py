"""No log line carries an exception's message where it may quote a caller (issue 17, item 11).

An exception's text can hold a caller's name, an address or a note (a
pydantic error quotes its input, a database error its parameters). The
console writes ``logsafe.brief(exc)`` and the server ``logsafe.describe(exc)``;
this test reads the package's source and fails on a log call that passes the
caught exception itself, unless the handler catches only errors whose text is
ours or the network's.
"""

from __future__ import annotations

import ast
from pathlib import Path

import httpx
import pytest
from pydantic import BaseModel, ValidationError

from umcr_console.logsafe import SafeMessage, brief

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "umcr_console"
LEVELS = {"debug", "info", "warning", "error", "critical", "exception"}
# Handlers of these alone may log the text: the OS's or the network's words, or ours.
SAFE_CATCHES = {"OSError", "TransportError", "httpx.TransportError", "HistoryChanged"}


def _caught(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {ast.unparse(k) for k in kinds if k is not None}


def bare_exceptions_logged(source: str) -> list[int]:
    """Lines of log calls that pass a caught exception's own object as an argument."""
    found: list[int] = []

    def visit(node: ast.AST, names: set[str]) -> None:
        if isinstance(node, ast.ExceptHandler) and node.name and not _caught(node) <= SAFE_CATCHES:
            names = names | {node.name}
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in LEVELS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in {"log", "logger", "logging"}
        ):
            args = [*node.args[1:], *(k.value for k in node.keywords if k.arg != "exc_info")]
            if any(isinstance(a, ast.Name) and a.id in names for a in args):
                found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child, names)

    visit(ast.parse(source), set())
    return found


@pytest.mark.slow
def test_no_log_call_passes_an_exception_whose_text_may_quote_a_caller() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line in bare_exceptions_logged(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "log brief(exc) / describe(exc) instead:\n" + "\n".join(offenders)


def test_the_check_finds_one() -> None:
    source = (
        "try:\n    pass\nexcept ValueError as exc:\n    log.info('bad: %s', exc)\n"
        "try:\n    pass\nexcept OSError as exc:\n    log.info('disk: %s', exc)\n"
    )
    assert bare_exceptions_logged(source) == [4]


class Caller(BaseModel):
    phone: int


def test_brief_leaves_out_what_may_quote_a_caller() -> None:
    with pytest.raises(ValidationError) as invalid:
        Caller(phone="Maria Lopez 213-555-0100")  # type: ignore[arg-type]
    assert "Maria" not in brief(invalid.value)
    assert brief(invalid.value).startswith("ValidationError")
    assert "Maria" not in brief(KeyError("Maria Lopez"))
    # The network's and our own words stay: they are what an engineer debugs with.
    assert "Connection refused" in brief(httpx.ConnectError("[Errno 111] Connection refused"))
    assert "store is full" in brief(SafeMessage("the store is full"))
