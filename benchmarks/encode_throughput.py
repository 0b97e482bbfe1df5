"""Encoding throughput of our embedding path against a bare SentenceTransformer.encode; run by hand.

    .venv/bin/python benchmarks/encode_throughput.py

Same texts, same batch size, same model object, fresh cache each round: ours includes hashing the
texts, looking them up and writing the new vectors to the SQLite cache.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.embeddings import BATCH_SIZE, resolve_encoder  # noqa: E402
from graph.vectors import VectorCache, embed  # noqa: E402


def texts(count: int) -> list[str]:
    """Distinct competency-like sentences of realistic length."""
    verbs = ["Supports", "Records", "Checks", "Explains", "Plans", "Reviews", "Reports", "Helps", "Monitors", "Leads"]
    objects = [
        "personal care",
        "fluid intake",
        "blood pressure",
        "medicines",
        "care plans",
        "falls risk",
        "safeguarding concerns",
        "meals and drinks",
        "wound dressings",
        "appointments",
        "daily notes",
    ]
    people = ["older people", "patients on the ward", "people at home", "children and families", "new mothers"]
    return [f"{verbs[i % 10]} {objects[(i // 10) % 11]} for {people[(i // 110) % 5]}, case {i}" for i in range(count)]


def main() -> None:
    encoder = resolve_encoder()
    model = encoder.load()
    sample = texts(2000)
    model.encode(sample[:64], batch_size=BATCH_SIZE)  # warm up
    bare, ours = [], []
    for _ in range(3):
        started = time.perf_counter()
        model.encode(
            sample, batch_size=BATCH_SIZE, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        bare.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            embed(sample, encoder, VectorCache(Path(folder) / "v.sqlite"), progress=False)
            ours.append(time.perf_counter() - started)
    b, o = float(np.median(bare)), float(np.median(ours))
    print(
        f"{len(sample)} texts, batch {BATCH_SIZE}: bare encode {len(sample) / b:.0f} texts/s, "
        f"ours (with cache writes) {len(sample) / o:.0f} texts/s, ours/bare time {o / b:.3f}"
    )
    with tempfile.TemporaryDirectory() as folder:
        cache = VectorCache(Path(folder) / "v.sqlite")
        embed(sample, encoder, cache, progress=False)
        started = time.perf_counter()
        embed(sample, encoder, cache, progress=False)
        print(f"the same texts again, all cached: {1000 * (time.perf_counter() - started):.0f} ms")


if __name__ == "__main__":
    main()
