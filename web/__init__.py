"""The web page for careers advisers and workforce planners (`pathways serve`).

A thin front end on the library API: every page asks one `pathways.session.Session` question and renders
the typed result; every page has a JSON twin under `/api/...` that is exactly the CLI's `--format json`
answer to the same question (`pathways.results.as_json(result, rounded=True)`), so the page, the CLI and
Python callers cannot drift apart.
"""

from web.app import create_app

__all__ = ["create_app"]
