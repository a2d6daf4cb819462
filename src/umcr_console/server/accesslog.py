"""The access log names a request's query parameters, never their values.

A value in a URL is whatever a client put there: a token pasted by a
misconfigured client (a browser's EventSource cannot send a header), a
search for a name. The access log is read by operators and shipped to log
stores; the API takes nothing secret in a URL, and the log keeps only what
says which request it was (issue 17, found by the attacker suite).
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

# uvicorn's access record: (client, method, path?query, http version, status).
_PATH_ARG = 2


def without_values(path: str) -> str:
    """``/x?after=5&token=abc`` -> ``/x?after=...&token=...``."""
    base, sep, query = path.partition("?")
    if not sep:
        return path
    names = [name for name, _value in parse_qsl(query, keep_blank_values=True)]
    return base + "?" + "&".join(f"{name[:40]}=..." for name in names[:20])


class QueryValuesFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > _PATH_ARG and isinstance(args[_PATH_ARG], str):
            record.args = (
                *args[:_PATH_ARG],
                without_values(args[_PATH_ARG]),
                *args[_PATH_ARG + 1 :],
            )
        return True
