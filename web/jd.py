"""The job description builder: one role, or a blend of several with a title and a band; a preview on the
page, then the same document as DOCX or Markdown.

GET /jd?role=ROLE[&blend=ROLE...][&title=T][&band=N|&level=N] answers like `pathways jd ROLE` (or `pathways jd
--blend ROLE ROLE... --title T --band N`); /jd/download?...&format=docx|md gives the file, drawn by the CLI's
own renderer (cli.jd_render: escaped Markdown, python-docx) from the same JSON; /api/jd is `--format json`.
`role` may repeat (as the CLI's ROLE...), and `blend` holds further roles, one a line or repeated.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from frameworks.levels import AFC_BANDS
from pathways.results import as_json
from web import forms
from web.errors import BadInput, failure_of
from web.site import Asked, Site
from web.teams import lines

DOWNLOADS = {  # format -> (media type, file suffix)
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "md": ("text/markdown; charset=utf-8", "md"),
}


def routes(site: Site) -> list[Route]:
    return [
        Route("/jd", site.guard(lambda r: jd_page(site, r)), name="jd"),
        Route("/jd/download", site.guard(lambda r: download(site, r)), name="jd-download"),
        Route("/api/jd", site.guard(lambda r: jd_api(site, r))),
    ]


async def question(site: Site, params: Any) -> dict[str, Any]:
    """Keyword arguments for Session.job_description, checked as `pathways jd` checks its options (a blend
    needs a title; a band or level is for a blend only, and not both), each role looked up against its field."""
    roles = lines(params, "role")
    if not roles:
        raise BadInput("enter a role", "role")
    blend = [*roles[1:], *lines(params, "blend")]
    title = forms.text(params, "title", label="a title")
    band = forms.band(params)
    level = forms.integer(params, "level", 1, 9)
    if blend and not title:
        raise BadInput("a blended role needs a title", "title")
    if (band or level) and not blend:
        raise BadInput("a band or level is for a blended role: add a role to blend with", "band" if band else "level")
    if band and level:
        raise BadInput("give a band or a level, not both", "level")
    await site.role_named(roles[0], "role")
    for name in blend:
        await site.role_named(name, "blend")
    return {"role": roles[0], "blend_with": blend, "title": title if blend else None, "band": band, "level": level}


async def drafted(site: Site, request: Request) -> Asked:
    """The job description the query asks for, as its JSON form (what every renderer reads)."""
    kwargs = await question(site, request.query_params)
    return await site.ask(lambda s: s.job_description(kwargs.pop("role"), **kwargs))


async def jd_api(site: Site, request: Request) -> Response:
    """`pathways jd ROLE --format json`, or `pathways jd --blend ROLE ROLE... --title T --band N --format json`."""
    asked = await drafted(site, request)
    return JSONResponse(as_json(asked.value, rounded=True))


def filename(title: str, suffix: str) -> str:
    """A safe file name from a title (letters, digits and hyphens only, so no header can be forged)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")
    return f"{slug or 'job-description'}.{suffix}"


async def download(site: Site, request: Request) -> Response:
    """The job description as a file to save: DOCX or Markdown, rendered as `pathways jd --format docx|md`."""
    from cli.jd_render import render_docx, render_template

    fmt = request.query_params.get("format", "docx")
    if fmt not in DOWNLOADS:
        raise BadInput(f"format must be docx or md, not '{fmt[:20]}'", "format")
    asked = await drafted(site, request)
    document = as_json(asked.value, rounded=True)
    data = render_docx(document) if fmt == "docx" else render_template(document, "md").encode("utf-8")
    media, suffix = DOWNLOADS[fmt]
    disposition = f'attachment; filename="{filename(document["title"], suffix)}"'
    return Response(data, media_type=media, headers={"content-disposition": disposition})


async def jd_page(site: Site, request: Request) -> Response:
    """The form, and the job description previewed once a role is given, with its download links."""
    from cli.jd_render import pay_text

    params = request.query_params
    context: dict[str, Any] = {
        "values": {k: "\n".join(params.getlist(k))[:2000] if k == "blend" else params.get(k, "")[:200] for k in FIELDS},
        "band_options": [(b, f"Band {b}") for b in AFC_BANDS],
        "level_options": [(str(n), f"Level {n}") for n in range(1, 10)],
        "jd": None,
    }
    if not params.get("role"):
        return site.page(request, "jd.html", **context)
    try:
        asked = await drafted(site, request)
    except Exception as err:
        failure = failure_of(err)
        if failure is None:
            raise
        return site.page(request, "jd.html", failure.status, error=failure, **context)
    document = as_json(asked.value, rounded=True)
    query = urlencode([(k, v) for k, v in params.multi_items() if k in FIELDS and v])
    context.update(jd=document, pay=pay_text(document), query=query)
    return site.page(request, "jd.html", notices=asked.notices, **context)


FIELDS = ("role", "blend", "title", "band", "level")
