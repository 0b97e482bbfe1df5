"""Vendor the NHS design system (nhsuk-frontend) into web/static/nhsuk/, so the web page fetches nothing at run time.

    python scripts/vendor_frontend.py          # or: make vendor

Runs `npm pack nhsuk-frontend@VERSION` in a temporary folder, and keeps only what the pages use: the compiled
CSS and JS and the icons the CSS points at (no NHS logo or favicon), plus the licence and a VERSION file.
The output is deterministic (no dates), so running it again gives no diff; commit web/static/nhsuk/ as written.

Two changes are made to the CSS, both so that a page never reaches beyond the local server:
- the Frutiger @font-face rules, which load the font from assets.nhs.uk (the font is licensed to NHS
  services and is not in the package), are removed; the CSS's own font stack then falls back to Arial;
- `url(/assets/...)` becomes `url(assets/...)`, relative to the CSS file, so the icons are served from here.
Source-map comments are dropped (the maps are not vendored).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "nhsuk-frontend"
VERSION = "10.6.1"  # pinned: change here, run again, review the diff
ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "web" / "static" / "nhsuk"
DIST = "package/dist/nhsuk"
MAX_BYTES = 1_000_000  # the vendored folder stays small: fail loudly if an upgrade balloons it

# The npm tarball ships no LICENSE file; its package.json says "MIT" and its README's Licence section says
# the code is MIT. This is the MIT text with the copyright line of the upstream repository's LICENSE.
MIT = """MIT License

Copyright (c) 2019 NHS.UK

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

FONT_FACE = re.compile(r"@font-face\{[^}]*https?://[^}]*\}")
SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/|//# sourceMappingURL=\S*")


def pack(folder: Path) -> Path:
    """The package tarball, from the npm registry through npm itself."""
    spec = f"{PACKAGE}@{VERSION}"
    try:
        out = subprocess.run(
            ["npm", "pack", spec, "--json", "--silent"], cwd=folder, check=True, capture_output=True, text=True
        ).stdout
    except FileNotFoundError:
        sys.exit("error: npm is not installed (apt-get install npm)")
    except subprocess.CalledProcessError as err:
        sys.exit(f"error: npm pack {spec} failed: {err.stderr.strip().splitlines()[-1:]}")
    return folder / json.loads(out)[0]["filename"]


def extract(tarball: Path, folder: Path) -> Path:
    with tarfile.open(tarball) as archive:
        archive.extractall(folder, filter="data")
    return folder / DIST


def local_css(text: str) -> str:
    """The CSS with its remote fonts removed and its asset URLs made relative to the CSS file."""
    text = FONT_FACE.sub("", text)
    text = text.replace("url(/assets/", "url(assets/")
    text = SOURCE_MAP.sub("", text).rstrip() + "\n"
    if re.search(r"url\(\s*['\"]?(https?:)?//", text):
        sys.exit("error: the CSS still points outside this server; update local_css()")
    return text


def local_js(text: str) -> str:
    return SOURCE_MAP.sub("", text).rstrip() + "\n"


def licence(package: Path) -> str:
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    readme = (package / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Licence", 1)[-1].split("\n## ", 1)[0].strip()
    return (
        f'{PACKAGE} {meta["version"]} (npm), licence "{meta["license"]}". From its README:\n\n'
        f"{section}\n\n{'-' * 72}\n\n{MIT}"
    )


def vendor() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tarball = pack(folder)
        digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
        dist = extract(tarball, folder)
        if TARGET.exists():
            shutil.rmtree(TARGET)
        (TARGET / "assets").mkdir(parents=True)
        css = (dist / "nhsuk-frontend.min.css").read_text(encoding="utf-8")
        js = (dist / "nhsuk-frontend.min.js").read_text(encoding="utf-8")
        (TARGET / "nhsuk-frontend.min.css").write_text(local_css(css), encoding="utf-8")
        (TARGET / "nhsuk-frontend.min.js").write_text(local_js(js), encoding="utf-8")
        (TARGET / "assets" / "images").mkdir()
        for icon in sorted((dist / "assets" / "images").glob("nhsuk-icon-*.svg")):  # what the CSS draws; no logos
            if icon.name != "nhsuk-icon-mask.svg":
                shutil.copy2(icon, TARGET / "assets" / "images" / icon.name)
        (TARGET / "LICENCE").write_text(licence(folder / "package"), encoding="utf-8")
        (TARGET / "VERSION").write_text(
            f"{PACKAGE} {VERSION}\nnpm tarball sha256 {digest}\n"
            "kept: nhsuk-frontend.min.css (remote fonts removed, asset URLs relative), nhsuk-frontend.min.js, "
            "assets/images/nhsuk-icon-*.svg\nmade by scripts/vendor_frontend.py\n",
            encoding="utf-8",
        )
    size = sum(p.stat().st_size for p in TARGET.rglob("*") if p.is_file())
    files = sum(1 for p in TARGET.rglob("*") if p.is_file())
    if size > MAX_BYTES:
        sys.exit(f"error: {TARGET} is {size:,} bytes, over {MAX_BYTES:,}; keep fewer files")
    print(f"vendored {PACKAGE} {VERSION} into {TARGET.relative_to(ROOT)}: {files} files, {size:,} bytes")


if __name__ == "__main__":
    vendor()
