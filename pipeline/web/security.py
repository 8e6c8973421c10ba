"""The guard in front of every request (pure ASGI, so it costs microseconds).

- Access token (when configured): ``Authorization: Bearer T``, ``X-Minutebook-Token: T`` or the
  ``minutebook_token`` cookie; ``?token=T`` on any page sets the cookie (HttpOnly, SameSite=Strict)
  and redirects to the same address without it. Compared in constant time.
- Cross-site POSTs are refused (an ``Origin`` that is not this server's host).
- Request bodies are limited (``Content-Length`` checked first, then counted as they arrive).
- Security headers on every response: a Content-Security-Policy with no script source at all,
  ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, ``Referrer-Policy: no-referrer``.
"""

from __future__ import annotations

import hmac
from http.cookies import SimpleCookie
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit

COOKIE = "minutebook_token"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

ErrorPage = Callable[[int, str, str], bytes]  # (status, title, message) -> an HTML page


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


class _TooLarge(Exception):
    pass


class Guard:
    def __init__(self, app: Any, *, token: str | None, max_upload: int, error_page: ErrorPage):
        self.app = app
        self.token = token or None
        self.max_upload = max_upload
        self.max_body = max_upload + 256 * 1024  # room for the multipart envelope and form fields
        self.error_page = error_page

    async def __call__(self, scope: dict, receive: Callable[[], Awaitable[dict]], send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        if self.token:
            query = scope.get("query_string", b"").decode("latin-1")
            pairs = parse_qsl(query, keep_blank_values=True)
            given = [v for k, v in pairs if k == "token"]
            if given:
                if self._ok(given[-1]):
                    rest = urlencode([(k, v) for k, v in pairs if k != "token"])
                    location = scope.get("path", "/") + (("?" + rest) if rest else "")
                    cookie = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
                    await self._respond(send_with_headers, 303, b"", extra=[
                        (b"location", location.encode("latin-1", "replace")), (b"set-cookie", cookie.encode())])
                    return
                await self._page(send_with_headers, 401, "Wrong access token",
                                 "The token in the address is not this server's. Open the address printed when "
                                 "minutebook serve started.")
                return
            if not self._authorised(headers):
                await self._page(send_with_headers, 401, "Access token needed",
                                 "This minutebook server needs its access token. Open the address printed when "
                                 "minutebook serve started (it ends with ?token=…).")
                return

        if scope.get("method") == "POST":
            origin = headers.get("origin")
            if origin and origin != "null" and urlsplit(origin).netloc != headers.get("host", ""):
                await self._page(send_with_headers, 403, "Refused",
                                 "A form from another site tried to post to this server.")
                return
            length = headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > self.max_body:
                await self._page(send_with_headers, 413, "File too large",
                                 f"Uploads are limited to {_mb(self.max_upload)}.")
                return

        seen = 0
        started = False

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge()
            return message

        async def tracking_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send_with_headers(message)

        try:
            await self.app(scope, counted, tracking_send)
        except _TooLarge:
            if not started:
                await self._page(send_with_headers, 413, "File too large",
                                 f"Uploads are limited to {_mb(self.max_upload)}.")

    def _ok(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(value.encode("utf-8", "replace"), self.token.encode("utf-8"))

    def _authorised(self, headers: dict[str, str]) -> bool:
        auth = headers.get("authorization", "")
        if auth[:7].lower() == "bearer " and self._ok(auth[7:].strip()):
            return True
        if self._ok(headers.get("x-minutebook-token")):
            return True
        raw = headers.get("cookie")
        if raw:
            try:
                jar = SimpleCookie()
                jar.load(raw)
            except Exception:
                return False
            morsel = jar.get(COOKIE)
            if morsel is not None and self._ok(morsel.value):
                return True
        return False

    async def _page(self, send: Callable, status: int, title: str, message: str) -> None:
        await self._respond(send, status, self.error_page(status, title, message),
                            extra=[(b"content-type", b"text/html; charset=utf-8")])

    @staticmethod
    async def _respond(send: Callable, status: int, body: bytes, extra: list | None = None) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store"),
                                *(extra or [])]})
        await send({"type": "http.response.body", "body": body})
