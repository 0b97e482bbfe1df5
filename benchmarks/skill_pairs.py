"""Precision and recall of the competency matchers on our labelled pair set; run by hand.

    .venv/bin/python benchmarks/skill_pairs.py

For each matcher (embeddings, lexical fallback) it prints precision, recall and F1 at the threshold in
use and the threshold that maximises F1 on this set, and recall by kind of pair (paraphrase, jargon,
cross-sector) and false positives by kind of negative (hard negatives share words, not skills).
"""

from __future__ import annotations

import csv
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.embeddings import resolve_encoder  # noqa: E402
from graph.matching import EMBEDDING_THRESHOLD, LEXICAL_THRESHOLD, EmbeddingMatcher, LexicalMatcher  # noqa: E402
from graph.vectors import VectorCache  # noqa: E402

PAIRS = Path(__file__).parent / "data" / "skill_pairs.csv"


def load_pairs() -> list[dict]:
    with PAIRS.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def scores_for(matcher, pairs: list[dict]) -> np.ndarray:
    return np.array([float(matcher.similarity([p["text_a"]], [p["text_b"]])[0, 0]) for p in pairs])


def metrics(scores: np.ndarray, same: np.ndarray, threshold: float) -> tuple[float, float, float]:
    predicted = scores >= threshold
    tp = int((predicted & same).sum())
    precision = tp / max(1, int(predicted.sum()))
    recall = tp / max(1, int(same.sum()))
    f1 = 0.0 if tp == 0 else 2 * precision * recall / (precision + recall)
    return precision, recall, f1


def report(name: str, scores: np.ndarray, pairs: list[dict], threshold: float) -> None:
    same = np.array([p["label"] == "same" for p in pairs])
    grid = np.round(np.arange(0.30, 0.96, 0.01), 2)
    best = max(grid, key=lambda t: (metrics(scores, same, t)[2], -abs(t - threshold)))
    print(f"\n{name}")
    for label, t in (("threshold in use", threshold), ("best F1 on this set", best)):
        p, r, f = metrics(scores, same, t)
        print(f"  {label:20s} t={t:.2f}  precision {p:.2f}  recall {r:.2f}  F1 {f:.2f}")
    by_kind = defaultdict(list)
    for p, s in zip(pairs, scores, strict=True):
        by_kind[(p["label"], p["kind"])].append(s >= threshold)
    for (label, kind), hits in sorted(by_kind.items()):
        word = "recall" if label == "same" else "false positives"
        print(f"    {label:9s} {kind:13s} n={len(hits):3d}  {word} {np.mean(hits):.2f}")


def main() -> None:
    pairs = load_pairs()
    print(f"{len(pairs)} labelled pairs ({sum(p['label'] == 'same' for p in pairs)} same-skill)")
    with tempfile.TemporaryDirectory() as folder:
        embedding = EmbeddingMatcher(resolve_encoder(), VectorCache(Path(folder) / "v.sqlite"))
        report(f"embeddings ({embedding.encoder.name})", scores_for(embedding, pairs), pairs, EMBEDDING_THRESHOLD)
    report(
        "lexical fallback (rapidfuzz token_set_ratio)", scores_for(LexicalMatcher(), pairs), pairs, LEXICAL_THRESHOLD
    )


if __name__ == "__main__":
    main()
