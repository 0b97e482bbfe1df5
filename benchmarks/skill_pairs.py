"""Precision and recall of the competency matchers on our labelled pair set; run by hand.

    .venv/bin/python benchmarks/skill_pairs.py

For each matcher it prints precision, recall and F1 at the threshold in use and at the threshold that
maximises F1 on this set, then recall by kind of pair (paraphrase, jargon, cross-sector) and false
positives by kind of negative (hard negatives share words, not skills). Embeddings are measured twice:
on the cosine alone, and as the tool matches free text, with the bundled library's competencies as
anchors (two texts resolving to the same anchor at ANCHOR_MIN or more count as the same skill); the
anchor minimum is swept too.
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

from frameworks.sources import library_layers  # noqa: E402
from graph.crosswalk import anchor_competencies  # noqa: E402
from graph.embeddings import resolve_encoder  # noqa: E402
from graph.matching import (  # noqa: E402
    ANCHOR_MIN,
    EMBEDDING_THRESHOLD,
    LEXICAL_THRESHOLD,
    EmbeddingMatcher,
    LexicalMatcher,
)
from graph.store import load_graph  # noqa: E402
from graph.vectors import VectorCache  # noqa: E402

PAIRS = Path(__file__).parent / "data" / "skill_pairs.csv"


def load_pairs() -> list[dict]:
    with PAIRS.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def scores_for(matcher, pairs: list[dict]) -> np.ndarray:
    return np.array([float(matcher.similarity([p["text_a"]], [p["text_b"]])[0, 0]) for p in pairs])


def metrics(scores: np.ndarray, same: np.ndarray, threshold: float, also: np.ndarray | None = None):
    predicted = scores >= threshold
    if also is not None:
        predicted = predicted | also
    tp = int((predicted & same).sum())
    precision = tp / max(1, int(predicted.sum()))
    recall = tp / max(1, int(same.sum()))
    f1 = 0.0 if tp == 0 else 2 * precision * recall / (precision + recall)
    return precision, recall, f1


def report(name: str, scores: np.ndarray, pairs: list[dict], threshold: float, also: np.ndarray | None = None):
    same = np.array([p["label"] == "same" for p in pairs])
    grid = np.round(np.arange(0.30, 0.96, 0.01), 2)
    best = max(grid, key=lambda t: (metrics(scores, same, t, also)[2], -abs(t - threshold)))
    print(f"\n{name}")
    for label, t in (("threshold in use", threshold), ("best F1 on this set", best)):
        p, r, f = metrics(scores, same, t, also)
        print(f"  {label:20s} t={t:.2f}  precision {p:.2f}  recall {r:.2f}  F1 {f:.2f}")
    predicted = scores >= threshold if also is None else (scores >= threshold) | also
    by_kind = defaultdict(list)
    for p, hit in zip(pairs, predicted, strict=True):
        by_kind[(p["label"], p["kind"])].append(hit)
    for (label, kind), hits in sorted(by_kind.items()):
        word = "recall" if label == "same" else "false positives"
        print(f"    {label:9s} {kind:13s} n={len(hits):3d}  {word} {np.mean(hits):.2f}")


def main() -> None:
    pairs = load_pairs()
    print(f"{len(pairs)} labelled pairs ({sum(p['label'] == 'same' for p in pairs)} same-skill)")
    same = np.array([p["label"] == "same" for p in pairs])
    with tempfile.TemporaryDirectory() as folder:
        embedding = EmbeddingMatcher(resolve_encoder(), VectorCache(Path(folder) / "v.sqlite"))
        scores = scores_for(embedding, pairs)
        report(f"embeddings ({embedding.encoder.name}), cosine alone", scores, pairs, EMBEDDING_THRESHOLD)
        graph, _ = load_graph(library_layers(), Path(folder))
        ids, texts = anchor_competencies(graph)
        anchors = embedding.vectors(texts)
        near_a = embedding.vectors([p["text_a"] for p in pairs]) @ anchors.T
        near_b = embedding.vectors([p["text_b"] for p in pairs]) @ anchors.T
        same_anchor = near_a.argmax(1) == near_b.argmax(1)
        print(f"\n  anchor minimum sweep ({len(ids)} bundled anchors; cosine threshold {EMBEDDING_THRESHOLD}):")
        for low in (0.30, 0.35, 0.40, 0.45, 0.50, 0.55):
            also = same_anchor & (near_a.max(1) >= low) & (near_b.max(1) >= low)
            p, r, f = metrics(scores, same, EMBEDDING_THRESHOLD, also)
            print(f"    anchor_min {low:.2f}  precision {p:.2f}  recall {r:.2f}  F1 {f:.2f}")
        also = same_anchor & (near_a.max(1) >= ANCHOR_MIN) & (near_b.max(1) >= ANCHOR_MIN)
        report(
            f"embeddings with anchors (anchor_min {ANCHOR_MIN}), as the tool matches free text",
            scores,
            pairs,
            EMBEDDING_THRESHOLD,
            also,
        )
    report(
        "lexical fallback (rapidfuzz token_set_ratio)", scores_for(LexicalMatcher(), pairs), pairs, LEXICAL_THRESHOLD
    )


if __name__ == "__main__":
    main()
