"""Compare two roles: how much of each one's requirements the other meets, with the evidence.

GET /compare?a=ROLE&b=ROLE answers like `pathways overlap A B`; its JSON twin, GET /api/overlap?a=&b=,
is that command's `--format json`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pathways.results import as_json
from web import forms
from web.errors import failure_of
from web.site import Site


def routes(site: Site) -> list[Route]:
    return [
        Route("/compare", site.guard(lambda r: compare_page(site, r)), name="compare"),
        Route("/api/overlap", site.guard(lambda r: overlap_api(site, r))),
    ]


async def _pair(site: Site, request: Request) -> tuple[Any, Any, list[str]]:
    """The two roles the form names (Found), each checked against its own field, and any near miss taken."""
    params = request.query_params
    a = forms.text(params, "a", required=True, label="the first role")
    b = forms.text(params, "b", required=True, label="the second role")
    first, second = await site.role_named(a or "", "a"), await site.role_named(b or "", "b")
    return first.value, second.value, [*first.notices, *second.notices]


async def overlap_api(site: Site, request: Request) -> Response:
    """`pathways overlap A B --format json`."""
    a, b, _ = await _pair(site, request)
    asked = await site.ask(lambda s: s.overlap(a.qid, b.qid))
    return JSONResponse(as_json(asked.value, rounded=True))


async def compare_page(site: Site, request: Request) -> Response:
    params = request.query_params
    context: dict[str, Any] = {"values": {k: params.get(k, "") for k in ("a", "b")}, "result": None}
    if not (params.get("a") or params.get("b")):
        return site.page(request, "compare.html", **context)
    try:
        a, b, notices = await _pair(site, request)
        asked = await site.ask(lambda s: s.overlap(a.qid, b.qid))
    except Exception as err:
        failure = failure_of(err)
        if failure is None:
            raise
        return site.page(request, "compare.html", failure.status, error=failure, **context)
    context.update(result=asked.value, a=a, b=b)
    return site.page(request, "compare.html", notices=[*notices, *asked.notices], **context)
