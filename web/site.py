"""The one Session behind every page, the templates, and the wrapper that turns errors into pages.

A Session builds its graph and matcher lazily and gathers notices as it goes, so it is not safe to ask
from two threads at once: questions are asked one at a time under a lock, in a worker thread so the
event loop keeps serving static files. A request the library refuses is shown with its one-line message
(400/404); anything unexpected is logged here and shown as a plain 500 page, never a stack trace.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from web import supply
from web.errors import BadInput, Failure, NotKnown, failure_of
from web.forms import chosen_template

if TYPE_CHECKING:
    from pathways.session import Session

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
LOG = logging.getLogger("pathways.web")
T = TypeVar("T")

Handler = Callable[[Request], Awaitable[Response]]


@dataclass
class Asked:
    """A question's answer and the notices (a near miss taken, a rebuilt cache) the session gave with it."""

    value: Any
    notices: list[str] = field(default_factory=list)


class Site:
    """What every page shares: the session (asked under a lock), the templates and the navigation."""

    NAVIGATION = (
        ("/", "Find a role"),
        ("/routes", "Route planner"),
        ("/compare", "Compare two roles"),
        ("/team", "Team designer"),
        ("/jd", "Job descriptions"),
        ("/pipeline", "Pipelines"),
    )

    def __init__(self, session: Session, max_upload: int):
        self.session = session
        self.max_upload = max_upload
        self.lock = threading.Lock()
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,  # every template, .svg included: user strings are always escaped
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.tests["web_address"] = web_address
        self.env.globals["chosen_template"] = chosen_template
        supply.install(self.env)
        self._areas: dict[str, tuple[str, str]] | None = None

    # -- asking the library -----------------------------------------------------------------------------
    async def ask(self, question: Callable[[Session], T]) -> Asked:
        """`question(session)` in a worker thread, one at a time; notices are taken even when it fails."""

        def call() -> Asked:
            with self.lock:
                try:
                    return Asked(question(self.session), self.session.take_notices())
                except Exception:
                    self.session.take_notices()
                    raise

        return await run_in_threadpool(call)

    async def role_named(self, name: str, field: str) -> Asked:
        """The role a form field names (Found), or NotKnown pointing at that field."""
        from graph.lookup import NotFound

        if not name.strip():
            raise BadInput("enter a role", field)
        try:
            return await self.ask(lambda s: s.find("Role", name))
        except NotFound as err:
            raise NotKnown(str(err), field) from None

    def areas(self) -> dict[str, tuple[str, str]]:
        """competency id -> (framework name, area name), to group a role's requirements (built once)."""
        if self._areas is None:
            areas: dict[str, tuple[str, str]] = {}
            for row in self.session.frameworks():
                record = self.session.framework(row.id)
                for area in record.areas:
                    for function in area.functions:
                        for competency in function.competencies:
                            areas[competency.id] = (record.name, area.name)
            self._areas = areas
        return self._areas

    # -- answering --------------------------------------------------------------------------------------
    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("notices", [])
        context.setdefault("error", None)
        html = self.env.get_template(template).render(
            request=request, navigation=self.NAVIGATION, path=request.url.path, **context
        )
        return HTMLResponse(html, status_code=status)

    def error_page(self, request: Request, failure: Failure) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": failure.message}, status_code=failure.status)
        return self.page(request, "error.html", failure.status, failure=failure, title=_TITLES.get(failure.status))

    def guard(self, handler: Handler) -> Handler:
        """The handler, with errors a user can act on shown as pages (or JSON) and any other logged and
        shown as a plain 500."""

        @functools.wraps(handler)
        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as err:  # the one place a request's failure is turned into a response
                failure = failure_of(err)
                if failure is None:
                    LOG.exception("error answering %s", request.url.path)
                    failure = Failure(500, "Something went wrong on our side. Please try again.")
                return self.error_page(request, failure)

        return guarded


def web_address(url: object) -> bool:
    """Whether a source's URL may become a link: http(s) only, so a library file cannot plant `javascript:`."""
    return isinstance(url, str) and url.lower().startswith(("https://", "http://"))


_TITLES = {
    400: "There is a problem with what was asked",
    404: "Not found",
    405: "Not allowed",
    413: "The file is too large",
    500: "Sorry, there is a problem with the service",
    503: "The service is not available",
}
