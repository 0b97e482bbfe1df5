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

from graph.vectors import VectorCache, embed, normalise, text_key


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


class FakeEncoder:
    """A stand-in for the model (loading the real one costs seconds): fake_vectors, counting each call."""

    name = "m"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str], progress: bool | None = None) -> np.ndarray:
        self.calls.append(list(texts))
        return fake_vectors(list(texts))


def _make_read_only(path: Path) -> None:
    """Mark a closed cache read-only the way SQLite itself honours even for root (tests run as root, for
    whom file permissions mean nothing): a rollback journal and a write version above 2 in the header."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=DELETE")
    data = bytearray(path.read_bytes())
    data[18] = 3
    path.write_bytes(bytes(data))


def test_read_only_cache_answers_and_keeps_new_vectors_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite"
    writer = VectorCache(path)
    writer.store("m", ["known"], fake_vectors(["known"]))
    writer.close()
    _make_read_only(path)
    encoder, cache = FakeEncoder(), VectorCache(path)
    vectors = embed(["known", "new text"], encoder, cache)
    assert encoder.calls == [["new text"]]  # the cached vector was read, not re-encoded
    assert np.array_equal(vectors, fake_vectors(["known", "new text"]))
    embed(["another new text"], encoder, cache)  # no second complaint
    notices = cache.take_notices()
    assert len(notices) == 1 and "read-only" in notices[0], notices
    assert cache.take_notices() == []
    assert not list(tmp_path.glob("v.sqlite.corrupt-*")), "a read-only cache is not damaged"


def test_cache_that_cannot_be_written_still_answers(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite"
    writer = VectorCache(path)
    writer.store("m", ["known"], fake_vectors(["known"]))
    writer.close()
    with sqlite3.connect(path) as db:  # journal mode changes: a write that a read-only file refuses
        db.execute("PRAGMA journal_mode=WAL")
    data = bytearray(path.read_bytes())
    data[18] = 3  # SQLite now opens it read-only, and the cache fails as soon as it writes a new vector
    path.write_bytes(bytes(data))
    encoder, cache = FakeEncoder(), VectorCache(path)
    vectors = embed(["known", "new text"], encoder, cache)
    assert encoder.calls == [["new text"]]
    assert np.array_equal(vectors, fake_vectors(["known", "new text"]))
    assert len(cache.take_notices()) == 1


def _store(path: Path, texts: list[str]) -> None:
    cache = VectorCache(path)
    cache.store("m", texts, fake_vectors(texts))
    cache.close()


def test_page_damage_below_a_valid_header_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite"
    texts = [f"text {i}" for i in range(400)]
    _store(path, texts)
    with sqlite3.connect(path) as db:
        try:
            pages = [p for (p,) in db.execute("SELECT pageno FROM dbstat WHERE name = 'vectors' AND pagetype = 'leaf'")]
        except sqlite3.OperationalError:
            pytest.skip("this SQLite has no dbstat table")
        size = db.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    for page in pages:  # the rows' pages only: the header and the index are intact
        data[(page - 1) * size : page * size] = os.urandom(size)
    path.write_bytes(bytes(data))
    encoder, cache = FakeEncoder(), VectorCache(path)
    vectors = embed(texts[:3], encoder, cache)
    assert np.array_equal(vectors, fake_vectors(texts[:3]))
    assert any("damaged" in n for n in cache.take_notices())
    assert list(tmp_path.glob("v.sqlite.corrupt-*"))
    cache.close()
    assert VectorCache(path).lookup("m", texts[:3])[1] == []  # the new file holds them again


@pytest.mark.parametrize(
    ("blob", "dim"),
    [
        (np.ones(5, dtype=np.float32).tobytes(), 5),  # a vector of another size
        (np.ones(8, dtype=np.float32).tobytes()[:-2], 8),  # a truncated one
        (np.full(8, np.nan, dtype=np.float32).tobytes(), 8),  # not a number
        (np.full(8, np.inf, dtype=np.float32).tobytes(), 8),
    ],
    ids=["other-size", "truncated", "nan", "inf"],
)
def test_bad_rows_are_missing_and_replaced(tmp_path: Path, blob: bytes, dim: int) -> None:
    path = tmp_path / "v.sqlite"
    _store(path, ["good", "bad"])
    with sqlite3.connect(path) as db:
        db.execute("UPDATE vectors SET vec = ?, dim = ? WHERE key = ?", [blob, dim, text_key("bad")])
    found, missing = VectorCache(path).lookup("m", ["good", "bad"])
    assert missing == [1] and np.array_equal(found[0], fake_vectors(["good"])[0])
    encoder = FakeEncoder()
    vectors = embed(["good", "bad"], encoder, VectorCache(path))
    assert encoder.calls == [["bad"]] and np.isfinite(vectors).all()
    assert VectorCache(path).lookup("m", ["bad"])[1] == []  # the bad row was replaced


def test_the_cache_answers_on_a_thread_that_did_not_open_it(tmp_path) -> None:
    """The web page asks its one session's questions on worker threads (one at a time); a cache opened on
    the main thread must still read and write there, not be taken for a damaged file."""
    import threading

    import numpy as np

    from graph.vectors import VectorCache

    cache = VectorCache(tmp_path / "v.sqlite")
    cache.store("model", ["first"], np.ones((1, 4), dtype=np.float32))
    outcome: dict[str, object] = {}

    def elsewhere() -> None:
        try:
            cache.store("model", ["second"], np.ones((1, 4), dtype=np.float32))
            found, missing = cache.lookup("model", ["first", "second"])
            outcome["missing"] = missing
        except Exception as err:  # the failure this test exists for
            outcome["error"] = err

    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()
    assert "error" not in outcome and outcome["missing"] == []
    assert not cache.take_notices()
