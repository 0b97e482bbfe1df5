"""`create_app(session)`: the ASGI application behind `pathways serve`.

Read-only by construction: no route writes to the library or the workspace (the session's caches aside).
Request bodies are capped (`max_upload`, 1 MB by default) before anything parses them, responses carry a
strict Content-Security-Policy (everything from this server, nothing inline), and any error ends as a
page with a one-line message, never a stack trace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web import compare, jd, pages, pipeline, planner, teams
from web.errors import Failure, TooLarge
from web.site import _TITLES, LOG, STATIC, Site

if TYPE_CHECKING:
    from pathways.session import Session

MAX_UPLOAD = 1024 * 1024  # bytes: a passport or needs file is a few kilobytes

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def create_app(session: Session, *, max_upload: int = MAX_UPLOAD) -> Starlette:
    """The web application over one library Session (bundled, `--library` layers or `--backend neo4j`)."""
    site = Site(session, max_upload)
    routes = [
        *pages.routes(site),
        *planner.routes(site),
        *compare.routes(site),
        *teams.routes(site),
        *jd.routes(site),
        *pipeline.routes(site),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        message = {404: "There is no page at this address.", 405: "This page cannot be used that way."}
        return site.error_page(request, Failure(status, message.get(status, _TITLES.get(status, "Error"))))

    async def server_error(request: Request, exc: Exception) -> Response:  # a safety net: guard() comes first
        LOG.error("unhandled error on %s", request.url.path, exc_info=exc)
        return site.error_page(request, Failure(500, "Something went wrong on our side. Please try again."))

    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders), Middleware(BodyLimit, site=site)],
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.state.site = site
    return app


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuses a request body over `limit` bytes: at once when Content-Length says so, else as it arrives
    (TooLarge, which the page shows next to the upload field)."""

    def __init__(self, app: ASGIApp, site: Site):
        self.app, self.site, self.limit = app, site, site.max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            return await self._refuse(scope, receive, send)
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise TooLarge(self.message, "passport")
            return message

        await self.app(scope, counted, send)

    @property
    def message(self) -> str:
        return f"the file is too large: at most {self.limit // 1024:,} KB"

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = self.site.error_page(Request(scope, receive), Failure(413, self.message, "passport"))
        await response(scope, receive, send)
