"""Box tables for a terminal, laid out here rather than by a layout engine.

A route answer's two tables took rich about 50 ms to import and 70 ms to lay out, a third of the whole
command; these few functions draw the same kind of table (a heavy head over light rows, cells folded to
fit the width) in a few milliseconds. Text is never read as markup: what a cell says is what is shown.
Widths are counted in terminal cells, so wide (East Asian) characters and combining marks line up.
"""

from __future__ import annotations

import re
import unicodedata

_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
MIN_COLUMN = 4  # no column is squeezed narrower than this (or its widest heading word)


def display_width(text: str) -> int:
    """How many terminal cells `text` takes: wide characters two; combining marks, variation selectors and
    invisible format characters (zero-width space and joiner, soft hyphen) none."""
    if text.isascii():
        return len(text)
    return sum(_cells(ch) for ch in text)


def _cells(ch: str) -> int:
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _fold(word: str, width: int) -> list[str]:
    """A word longer than the column, cut into pieces that fit."""
    pieces, piece, used = [], "", 0
    for ch in word:
        size = display_width(ch)
        if piece and used + size > width:
            pieces.append(piece)
            piece, used = "", 0
        piece, used = piece + ch, used + size
    return [*pieces, piece]


def wrap(text: str, width: int) -> list[str]:
    """`text` as lines of at most `width` cells: broken between words, a word longer than a line folded,
    its own line breaks kept."""
    lines: list[str] = []
    for paragraph in _BREAKS.split(text):
        line, used = "", 0
        for word in paragraph.replace("\t", " ").split():
            size = display_width(word)
            if line and used + 1 + size <= width:
                line, used = f"{line} {word}", used + 1 + size
                continue
            if line:
                lines.append(line)
            pieces = _fold(word, width) if size > width else [word]
            lines += pieces[:-1]
            line, used = pieces[-1], display_width(pieces[-1])
        lines.append(line)
    return lines


def column_widths(natural: list[int], least: list[int], room: int) -> list[int]:
    """Each column as wide as its content, or, when that does not fit in `room` cells, the widest columns
    cut down to one common width (never below their `least`), the spare cells given back to the widest."""
    if sum(natural) <= room:
        return list(natural)
    floor = [min(n, m) for n, m in zip(natural, least, strict=True)]

    def fitted(cap: int) -> list[int]:
        return [min(n, max(cap, f)) for n, f in zip(natural, floor, strict=True)]

    low, high = 0, max(natural)
    while low < high:  # the widest common cap that fits
        mid = (low + high + 1) // 2
        low, high = (mid, high) if sum(fitted(mid)) <= room else (low, mid - 1)
    widths = fitted(low)
    spare = room - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: -natural[i]):
        if spare <= 0:
            break
        if widths[i] < natural[i]:
            widths[i] += 1
            spare -= 1
    return widths


def box_table(headings: list[str], rows: list[list[str]], width: int) -> str:
    """A table of `headings` over `rows` (text cells), at most `width` cells wide where the columns allow,
    each cell padded by a space and folded to its column."""
    count = len(headings)
    if not count:
        return ""
    natural = [
        max([display_width(line) for text in [heading, *(row[i] for row in rows)] for line in wrap(text, 10**6)])
        for i, heading in enumerate(headings)
    ]
    least = [max([MIN_COLUMN, *(display_width(w) for w in heading.split())]) for heading in headings]
    widths = column_widths(natural, least, max(width - (3 * count + 1), count))

    def rule(left: str, fill: str, join: str, right: str) -> str:
        return left + join.join(fill * (w + 2) for w in widths) + right

    def lines_of(cells: list[str], side: str) -> list[str]:
        wrapped = [wrap(text, w) for text, w in zip(cells, widths, strict=True)]
        out = []
        for k in range(max(len(c) for c in wrapped)):
            parts = []
            for lines, w in zip(wrapped, widths, strict=True):
                text = lines[k] if k < len(lines) else ""
                parts.append(" " + text + " " * (w - display_width(text)) + " ")
            out.append(side + side.join(parts) + side)
        return out

    return "\n".join(
        [
            rule("┏", "━", "┳", "┓"),
            *lines_of(headings, "┃"),
            rule("┡", "━", "╇", "┩"),
            *(line for row in rows for line in lines_of(row, "│")),
            rule("└", "─", "┴", "┘"),
        ]
    )
