"""Properties that must hold for any input, not just the files we thought of."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frameworks.errors import LibraryError
from frameworks.loader import load_library
from frameworks.sources import library_layers
from graph.export import cypher_literal
from tests.conftest import MINI

YAMLISH = st.text(
    alphabet=st.sampled_from(list("kind:roles namespace\n-{}[],'\"#&*!|>%@`\t0123456789abcXYZé\x00")), max_size=300
)
ROLE_TEMPLATE = (MINI / "roles.yaml").read_text()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(
        YAMLISH, st.builds(lambda cut, junk: ROLE_TEMPLATE[:cut] + junk, st.integers(0, len(ROLE_TEMPLATE)), YAMLISH)
    )
)
def test_any_file_loads_or_fails_with_located_problems(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_library(library_layers([MINI, path], bundled=False))
        except LibraryError as err:
            assert err.problems and all(p.file and p.message for p in err.problems)


def _read_back(literal: str) -> str:
    """Undo Cypher string escaping the way a Cypher parser does."""
    assert literal[0] == literal[-1] == "'"
    out, chars = [], iter(literal[1:-1])
    for ch in chars:
        if ch == "'":
            raise AssertionError("unescaped quote would end the literal early")
        if ch == "\\":
            nxt = next(chars)
            out.append({"n": "\n", "r": "\r"}.get(nxt, nxt))
        else:
            out.append(ch)
    return "".join(out)


@given(st.text())
def test_cypher_string_literals_read_back_unchanged(text: str) -> None:
    assert _read_back(cypher_literal(text)) == text


@settings(max_examples=150, deadline=None)
@given(key=st.sampled_from(["id", "title", "sector", "summary"]), value=st.text(max_size=30))
def test_any_text_in_a_field_fails_with_one_line_problems(key: str, value: str) -> None:
    """Whatever a quoted value holds (line breaks, NUL, lone surrogates), every problem is one printable line."""
    role = {"id": "carer", "title": "Carer", "sector": "social_care", "summary": "Helps."}
    role[key] = value
    fields = "".join(f"    {k}: {json.dumps(v)}\n" for k, v in role.items())
    requirements = "    requirements: [{competency: care.washing, level: 2}]\n"
    text = f"kind: roles\nnamespace: p\nroles:\n  - level: 2\n{fields}{requirements}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "field.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            library = load_library(library_layers([MINI, path], bundled=False))
        except LibraryError as err:
            for problem in err.problems:
                assert len(str(problem).splitlines()) == 1 and str(problem).encode("utf-8")
            return
    loaded = library.roles[f"p:{role['id']}"]
    assert not any(ch in getattr(loaded, key) for ch in "\x00\r\x1b\u2028") and "\n" not in loaded.title
