"""Response headers every answer of the API carries (issue 17, the attacker suite).

The answers hold personal data: nothing between the console and the server
(a proxy, a browser's cache on a supervisor's PC) may keep a copy
(``Cache-Control: no-store``, RFC 9111); a browser must not guess a type
(``nosniff``), frame an answer, or send a referrer; and a JSON answer opened
in a browser runs nothing (a CSP that allows nothing). ``/docs`` keeps the
script it needs (Swagger UI) and gets only the headers that cannot stop it.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS: dict[str, str] = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# The field page (issue 24, docs/field.md): its own script, style and worker
# from this origin only; no inline script or style, no eval, no other origin.
FIELD_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_FIELD_PREFIX = "/field"
# The interactive API page loads Swagger UI; everything else is data.
_DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect"})


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path") or ""
        docs = path in _DOCS_PATHS
        field = path == _FIELD_PREFIX or path.startswith(_FIELD_PREFIX + "/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if field:
                    headers["Content-Security-Policy"] = FIELD_CSP
                    # The page's files hold no data: the service worker keeps
                    # them for offline use; revalidated on every load.
                    headers["Cache-Control"] = "no-cache"
                elif not docs:
                    headers["Content-Security-Policy"] = API_CSP
            await send(message)

        await self.app(scope, receive, send_with_headers)
