"""Errors as ``application/problem+json`` (RFC 9457), never a stack trace.

Every error the server gives, from a malformed body to a bug, goes through
the handlers here, so a client can always parse it the same way.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..protocol import PROBLEM_JSON, Problem
from .logsafe import describe, safe_traceback

log = logging.getLogger(__name__)

# How many validation errors a 422 names; the rest are summed up.
_MAX_LISTED_ERRORS = 5


class ProblemError(HTTPException):
    """An HTTP error whose problem document names a ``type`` a client acts on."""

    def __init__(
        self,
        status_code: int,
        detail: str,
        problem_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code, detail, headers=headers)
        self.problem_type = problem_type


def problem_response(
    status: int,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    title: str | None = None,
    type_: str | None = None,
) -> JSONResponse:
    body = Problem(
        type=type_ or "about:blank", title=title or _phrase(status), status=status, detail=detail
    )
    return JSONResponse(
        body.model_dump(), status_code=status, headers=headers, media_type=PROBLEM_JSON
    )


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for errors: a Problem body, sent as problem+json.

    Documenting only ``model`` would publish application/json, which the
    server never sends for an error (found by the schemathesis fuzzer).
    """
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    return {code: {"model": Problem, "content": {PROBLEM_JSON: problem}} for code in codes}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def describe_validation(errors: Any) -> str:
    """A short, readable list of what is wrong; never echoes the input itself."""
    parts = []
    for error in list(errors)[:_MAX_LISTED_ERRORS]:
        loc = [str(p) for p in error.get("loc", ()) if p != "body"]
        where = ".".join(loc) or "body"
        message = str(error.get("msg", "invalid"))
        if ctx_error := (error.get("ctx") or {}).get("error"):
            message = f"{message}: {ctx_error}"
        parts.append(f"{where}: {message}")
    more = len(list(errors)) - _MAX_LISTED_ERRORS
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts) or "invalid request"


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return problem_response(422, describe_validation(exc.errors()))


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else _phrase(exc.status_code)
    return problem_response(
        exc.status_code, detail, headers=exc.headers, type_=getattr(exc, "problem_type", None)
    )


async def _database_error(_request: Request, exc: Exception) -> JSONResponse:
    # Busy past the timeout, or unreachable: nothing was stored; a retry is safe.
    log.error("database error: %s", describe(exc))
    return problem_response(
        503,
        "the database is busy or unreachable; nothing was stored, retry shortly",
        headers={"Retry-After": "1"},
    )


async def _unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
    # Frames and exception types only: a message may quote a caller's data.
    log.error("unexpected error: %s\n%s", type(exc).__name__, safe_traceback(exc))
    return problem_response(500, "an unexpected error occurred; it has been logged")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_error)
    # Exception: Starlette's outermost middleware renders it (and re-raises to log).
    app.add_exception_handler(Exception, _unexpected_error)


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with a 413 problem.

    A declared Content-Length over the limit is refused before reading; a
    chunked body is counted as it arrives, and reading stops at the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._too_large()(scope, receive, send)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # Raised inside the endpoint's body read: FastAPI passes an
                    # HTTPException through, and our handler renders it.
                    raise HTTPException(413, self._detail())
            return message

        await self.app(scope, limited_receive, send)

    def _detail(self) -> str:
        return f"the request body is larger than {self.max_bytes} bytes"

    def _too_large(self) -> JSONResponse:
        return problem_response(413, self._detail(), headers={"Connection": "close"})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
