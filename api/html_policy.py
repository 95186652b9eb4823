"""A Content-Security-Policy on every HTML answer, and which IRIs may become links in our pages.

The views (``/viz/…``) set their own policy: everything forbidden but their hashed inline scripts, and
``frame-ancestors *`` so that any site may embed them in an iframe, as documented. Every other HTML answer
(the query page, resource pages, the API docs) gets one here unless it has one: our pages load only their own
script and style sheet and may not be framed (``frame-ancestors 'none'``: no clickjacking of a token holder).
The API docs pages are FastAPI's, whose Swagger UI and ReDoc load their code from jsDelivr.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGES_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "worker-src blob:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
)
EMBEDDABLE = "frame-ancestors *"  # appended to the views' own policy
_DOCS_PATHS = ("/docs", "/redoc")
LINK_SCHEMES = ("http", "https")


def link_target(url: str) -> str | None:
    """Return ``url`` if a page may link to it (http, https, or a path on this server), else None.

    A stored IRI can be anything (``javascript:…``, ``data:…``); those are shown as text, never as a link.

    Example:
        >>> link_target("https://w3id.org/samverkan/id/actor/a"), link_target("javascript:alert(1)")
        ('https://w3id.org/samverkan/id/actor/a', None)
    """
    if url.startswith("/") and not url.startswith("//"):
        return url
    return url if urlsplit(url).scheme.lower() in LINK_SCHEMES else None


class ContentSecurityPolicy:
    """ASGI middleware: add a Content-Security-Policy to every HTML response that lacks one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the policy to the response's headers when it is HTML without one."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        policy = DOCS_POLICY if path.startswith(_DOCS_PATHS) else PAGES_POLICY

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                html = any(
                    k.lower() == b"content-type" and v.lower().startswith(b"text/html") for k, v in headers
                )
                if html and b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", policy.encode()))
                    headers.append((b"x-content-type-options", b"nosniff"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_policy)


__all__ = ["DOCS_POLICY", "EMBEDDABLE", "PAGES_POLICY", "ContentSecurityPolicy", "link_target"]
