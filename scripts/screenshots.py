"""Take the README's screenshots of the web page with the headless browser the tests use; run by hand.

    .venv/bin/python scripts/screenshots.py   # docs/route-planner.png, role-page.png, role-supply.png, pipeline.png

The app is served by uvicorn in a thread on a free loopback port (the bundled library), and Debian's
Chromium (/usr/bin/chromium, driven by Playwright, no browser download) opens the route planner for a care
worker aiming for registered nurse (adult), a role page, a role page with Kent's workforce figures, and
the pipeline page on its example plan. Each picture is 1100 CSS pixels wide and at
most the height SHOTS gives (the top of the page: the form and the diagram, not every step), so it stays small.
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
WIDTH = 1100
from web.pipeline import EXAMPLE as PIPELINE_EXAMPLE  # noqa: E402 - after the path is set

SHOTS = {  # file: (address, what to wait for and show from the top of, most CSS pixels of the page to show)
    "route-planner.png": ("/routes?from=care+worker&to=registered+nurse+%28adult%29", "body", 1900),
    "role-page.png": ("/roles/hsc%3Ahealthcare-assistant", "body", 1500),
    "role-supply.png": ("/roles/hsc%3Aregistered-nurse-mental-health?area=kent", "body", 1700),
    "pipeline.png": (f"/pipeline?{PIPELINE_EXAMPLE}", "h2#pipeline", 1600),  # the projection, not the form
}


def serve() -> tuple[str, object]:
    """The app on a free loopback port, in a daemon thread; (its address, the uvicorn server)."""
    import uvicorn

    from pathways.session import Session
    from web import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(Session.open()), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise SystemExit("screenshots: the web server did not start")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="Folder for the PNG files.")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    base, server = serve()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            for name, (url, ready, most) in SHOTS.items():
                page.goto(base + url)
                found = page.locator(ready).first
                found.wait_for(timeout=120_000)
                top = int(found.evaluate("e => e.getBoundingClientRect().top + window.scrollY"))
                height = min(most, page.evaluate("document.documentElement.scrollHeight") - top)
                target = args.out / name
                clip = {"x": 0, "y": top, "width": WIDTH, "height": height}
                page.screenshot(path=str(target), clip=clip, full_page=True)
                print(f"wrote {target} ({target.stat().st_size // 1024} KB)")
            browser.close()
    finally:
        server.should_exit = True
    return 0


if __name__ == "__main__":
    sys.exit(main())
