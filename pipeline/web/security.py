"""The guard in front of every request (pure ASGI, so it costs microseconds).

- Access token (when configured): ``Authorization: Bearer T``, ``X-Minutebook-Token: T`` or the
  ``minutebook_token`` cookie; ``?token=T`` on any page sets the cookie (HttpOnly, SameSite=Lax, so
  that a link to a page from an email or chat opens it when signed in) and redirects to the same
  address without it. Compared in constant time. The stylesheet is served without it (the 401 page
  is styled; the stylesheet holds nothing of the archive).
- Cross-site state changes are refused: a POST (or any method but GET/HEAD/OPTIONS) must carry an
  ``Origin`` naming this server (the ``Host`` it was sent to); when ``Origin`` is ``null`` (a
  sandboxed frame, a ``data:`` page) or missing, the ``Referer`` must name this server; neither:
  refused. The pages' Referrer-Policy is ``same-origin``, so this server's own forms carry both.
- The ``Host`` header must name an allowed host (DNS rebinding): loopback names, the bound
  address, ``--allow-host`` names (IPv6 literals in brackets, ports ignored).
- Request bodies are limited (``Content-Length`` checked first, then counted as they arrive).
- Security headers on every response: a Content-Security-Policy with no script source at all,
  ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, ``Referrer-Policy: same-origin``.
"""

from __future__ import annotations

import hmac
from http.cookies import SimpleCookie
from typing import Any, Awaitable, Callable, Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit

COOKIE = "minutebook_token"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

PUBLIC_PATHS = ("/static/style.css", "/favicon.ico")  # served without the token (nothing of the archive)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
ErrorPage = Callable[[int, str, str], bytes]  # (status, title, message) -> an HTML page


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


def _names_host(url: str | None, host: str) -> bool:
    if not url or url == "null" or not host:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


def host_name(value: str) -> str:
    """The name in a ``Host`` header, without the port: ``example.org``, ``127.0.0.1``, ``[::1]``."""
    v = value.strip().lower()
    if v.startswith("["):
        end = v.find("]")
        return v[: end + 1] if end > 0 else v
    return v.rsplit(":", 1)[0] if v.count(":") == 1 else v


def same_origin(headers: dict[str, str]) -> bool:
    """Whether a state-changing request comes from a page of this server: its ``Origin``, or when
    that is ``null`` or missing its ``Referer``, names the ``Host`` it was sent to (itself checked
    against the allowed hosts)."""
    host = headers.get("host", "")
    origin = headers.get("origin")
    if origin and origin != "null":
        return _names_host(origin, host)
    return _names_host(headers.get("referer"), host)


class _TooLarge(Exception):
    pass


class Guard:
    def __init__(self, app: Any, *, token: str | None, max_upload: int, error_page: ErrorPage,
                 allowed_hosts: Iterable[str] = ("*",)):
        self.app = app
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
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

        if "*" not in self.allowed_hosts and host_name(headers.get("host", "")) not in self.allowed_hosts:
            await self._page(send_with_headers, 400, "Unknown address",
                             "This server does not answer to that host name. Use the address printed when "
                             "minutebook serve started, or start it with --allow-host NAME.")
            return

        if self.token and scope.get("path") not in PUBLIC_PATHS:
            query = scope.get("query_string", b"").decode("latin-1")
            pairs = parse_qsl(query, keep_blank_values=True)
            given = [v for k, v in pairs if k == "token"]
            if given:
                if self._ok(given[-1]):
                    rest = urlencode([(k, v) for k, v in pairs if k != "token"])
                    location = scope.get("path", "/") + (("?" + rest) if rest else "")
                    cookie = f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Lax"
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

        if scope.get("method", "GET") not in SAFE_METHODS:
            if not same_origin(headers):
                await self._page(send_with_headers, 403, "Refused",
                                 "This form was not sent from a page of this server (another site, a sandboxed "
                                 "frame or a program that names no origin). Open the page on this server and "
                                 "send it again.")
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
