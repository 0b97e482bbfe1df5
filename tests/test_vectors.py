"""The vector cache: hits, misses, concurrent writers, a damaged file, and the shipped tier."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import time
from pathlib import Path

import numpy as np
import pytest

from graph.vectors import VectorCache, normalise, text_key


def fake_vectors(texts: list[str]) -> np.ndarray:
    """Deterministic stand-in vectors: the cache stores whatever it is given, so no model is needed."""
    seeds = [int(text_key(t)[:8], 16) for t in texts]
    return np.vstack([np.random.default_rng(s).standard_normal(8) for s in seeds]).astype(np.float32)


def test_miss_then_hit(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "v.sqlite")
    texts = ["Personal care", "Vital signs"]
    found, missing = cache.lookup("m", texts)
    assert found == {} and missing == [0, 1]
    cache.store("m", texts, fake_vectors(texts))
    found, missing = VectorCache(tmp_path / "v.sqlite").lookup("m", ["  Vital   signs ", "Other", "Personal care"])
    assert missing == [1]
    assert np.array_equal(found[0], fake_vectors(["Vital signs"])[0])
    assert np.array_equal(found[2], fake_vectors(["Personal care"])[0])


def test_vectors_are_kept_per_model(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "v.sqlite")
    cache.store("model-a", ["x"], fake_vectors(["x"]))
    assert cache.lookup("model-b", ["x"])[1] == [0]


def test_normalised_text_shares_a_key() -> None:
    assert normalise("Café\u0301  care\n") == normalise("Café\u0301 care")
    assert text_key("a  b") == text_key(" a b ")


def _writer(path: str, start: int, count: int) -> None:
    cache = VectorCache(Path(path))
    for batch in range(start, start + count, 25):
        texts = [f"text {i}" for i in range(batch, batch + 25)]
        cache.store("m", texts, fake_vectors(texts))


def test_two_processes_writing_at_once(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_writer, args=(str(path), start, 400)) for start in (0, 200)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    texts = [f"text {i}" for i in range(600)]
    found, missing = VectorCache(path).lookup("m", texts)
    assert missing == [] and len(found) == 600


def _endless_writer(path: str) -> None:
    cache = VectorCache(Path(path))
    i = 0
    while True:
        texts = [f"killed {j}" for j in range(i, i + 50)]
        cache.store("m", texts, fake_vectors(texts))
        i += 50


def test_killed_writer_leaves_a_readable_cache(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite"
    context = multiprocessing.get_context("fork")
    writer = context.Process(target=_endless_writer, args=(str(path),))
    writer.start()
    deadline = time.monotonic() + 30
    while (not path.exists() or path.stat().st_size < 50_000) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(writer.pid, signal.SIGKILL)
    writer.join()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = db.execute("SELECT count(*) FROM vectors").fetchone()[0]
    assert count % 50 == 0 and count > 0  # whole batches only


def test_damaged_cache_is_set_aside_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = VectorCache(path)
    cache.store("m", ["x"], fake_vectors(["x"]))
    assert cache.lookup("m", ["x"])[1] == []
    assert cache.notices and "damaged" in cache.notices[0]
    assert list(tmp_path.glob("v.sqlite.corrupt-*"))


@pytest.mark.parametrize("model", ["all-MiniLM-L6-v2"])
def test_shipped_vectors_cover_every_bundled_competency(model: str) -> None:
    from graph.shipped import bundled_competency_texts

    found, missing = VectorCache(Path("/nonexistent/v.sqlite")).lookup(model, bundled_competency_texts())
    assert missing == [], "run `make vectors` after changing the bundled competencies"
    assert all(abs(np.linalg.norm(v) - 1) < 1e-4 for v in found.values())
