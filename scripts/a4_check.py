"""Print the adviser's routes sheet to A4 with a real headless Chromium and say whether it holds up on paper.

    .venv/bin/python scripts/a4_check.py ["care worker"] [--keep DIR] [--chromium PATH]

It writes `pathways routes ROLE --format html` to a temporary folder, then prints a copy of it to PDF in
which every step box (and the diagram) carries two invisible 2 px links, one at its top-left corner and
one at its bottom-right. Chromium turns each link into a PDF link annotation on the page where it
landed, with its position, so the PDF itself says how many pages there are, whether a box starts on one
page and ends on another (split), and whether a box reaches past the page's printable width (overflow).
The links are absolutely positioned, so they do not change the layout. One summary line is printed;
the exit code is 1 when a box is split or overflows, 2 when Chromium or the sheet cannot be made.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

MM = 72 / 25.4  # PDF points per millimetre
MARGIN_MM = 15  # the sheet's @page left and right margins
TOLERANCE = 1.5  # points
MARK = "https://a4-check.invalid/"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
]


def pathways() -> list[str]:
    """The CLI of the checkout this script sits in (its venv), else whatever `pathways` is on PATH."""
    here = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "pathways"
    found = str(here) if here.exists() else shutil.which("pathways")
    if not found:
        sys.exit("a4_check: cannot find the pathways command")
    return [found]


def marked(html: str) -> str:
    """The sheet with a top-left and a bottom-right marker link in every step box and the diagram."""
    count = 0

    def open_box(match: re.Match) -> str:
        nonlocal count
        count += 1
        return (
            match.group(0)
            + f'<a class="a4-mark" style="left:0;top:0" href="{MARK}{count}/top"></a>'
            + f'<a class="a4-mark" style="right:0;bottom:0" href="{MARK}{count}/bottom"></a>'
        )

    html = re.sub(r'<(article class="step[^"]*"|section class="diagram"[^>]*)>', open_box, html)
    style = (
        ".step, .diagram { position: relative; }"
        " .a4-mark { position: absolute; display: block; width: 2px; height: 2px; }"
    )
    return html.replace("</style>", style + "</style>", 1)


def print_pdf(chromium: str, page: Path, pdf: Path, profile: Path) -> None:
    command = [chromium, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    if not pdf.exists():
        sys.exit(f"a4_check: chromium did not write the PDF (exit {done.returncode}): {done.stderr[-300:]}")


def read_pdf(data: bytes) -> tuple[list[float], dict[str, tuple[int, list[float]]]]:
    """Page widths in order, and for each marker its page number and rectangle. Chromium's PDFs keep
    page and annotation dictionaries as plain objects (only the content streams are compressed)."""
    objects = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S)}

    def leaves(ref: int) -> list[int]:  # the page tree, in page order
        body = objects[ref]
        if not re.search(rb"/Type\s*/Pages\b", body):
            return [ref]
        refs = re.findall(rb"(\d+) 0 R", re.search(rb"/Kids\s*\[(.*?)\]", body, re.S).group(1))
        return [page for kid in refs for page in leaves(int(kid))]

    root = next(n for n, body in objects.items() if re.search(rb"/Type\s*/Pages\b", body) and b"/Parent" not in body)
    kids = leaves(root)
    widths, marks = [], {}
    for number, page in enumerate(kids, start=1):
        body = objects[page]
        box = [float(x) for x in re.search(rb"/MediaBox\s*\[([^\]]*)\]", body).group(1).split()]
        widths.append(box[2] - box[0])
        annots = re.search(rb"/Annots\s*\[([^\]]*)\]", body)
        for ref in re.findall(rb"(\d+) 0 R", annots.group(1) if annots else b""):
            annot = objects.get(int(ref), b"")
            uri = re.search(rb"/URI\s*\((.*?)\)", annot)
            if uri and uri.group(1).decode().startswith(MARK):
                rect = [float(x) for x in re.search(rb"/Rect\s*\[([^\]]*)\]", annot).group(1).split()]
                marks[uri.group(1).decode()[len(MARK) :]] = (number, rect)
    return widths, marks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("role", nargs="?", default="care worker", help="Start role (default: care worker).")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium", help="Chromium to run.")
    parser.add_argument("--keep", type=Path, help="Folder to keep sheet.html, sheet.pdf and the checked copy in.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="a4-check-") as tmp:
        work = Path(tmp)
        sheet = work / "sheet.html"
        made = subprocess.run(
            [*pathways(), "routes", args.role, "--format", "html", "-o", str(sheet)], capture_output=True, text=True
        )
        if made.returncode:
            print(f"a4_check: the sheet could not be made: {made.stderr.strip()}", file=sys.stderr)
            return 2
        check = work / "sheet-check.html"
        html = sheet.read_text(encoding="utf-8")
        steps = html.count('<article class="step')
        check.write_text(marked(html), encoding="utf-8")
        pdf = work / "sheet.pdf"
        print_pdf(args.chromium, check, pdf, work / "profile")
        widths, marks = read_pdf(pdf.read_bytes())
        boxes = sorted({int(key.split("/")[0]) for key in marks})
        split, wide, right_edges, missing = [], [], [], 0
        for box in boxes:
            if f"{box}/top" not in marks or f"{box}/bottom" not in marks:
                missing += 1
                continue
            (top_page, top), (bottom_page, bottom) = marks[f"{box}/top"], marks[f"{box}/bottom"]
            if top_page != bottom_page:
                split.append(box)
            width = widths[bottom_page - 1]
            right_edges.append(bottom[2])
            if top[0] < MARGIN_MM * MM - TOLERANCE or bottom[2] > width - MARGIN_MM * MM + TOLERANCE:
                wide.append(box)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for name in ("sheet.html", "sheet-check.html", "sheet.pdf"):
                shutil.copy(work / name, args.keep / name)
    a4 = all(abs(w - 210 * MM) < 2 for w in widths)
    edge = max(right_edges, default=0)
    print(
        f"a4_check: {args.role}: {len(widths)} {'A4 ' if a4 else 'non-A4 '}pages, {steps} step boxes;"
        f" split across pages: {len(split)}{' (' + ', '.join(map(str, split)) + ')' if split else ''};"
        f" wider than the printable width: {len(wide)}"
        f" (right edge {edge:.0f} pt of {widths[0] - MARGIN_MM * MM:.0f} pt)"
        + (f"; {missing} boxes without both markers" if missing else "")
    )
    return 1 if split or wide or missing or not a4 else 0


if __name__ == "__main__":
    sys.exit(main())
