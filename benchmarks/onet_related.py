"""Real-world check of `similar-roles` on O*NET data nobody here wrote; run by hand.

    .venv/bin/python benchmarks/onet_related.py [--no-embeddings]

Loads ../shared/eval/onet_health_social_tasks.csv as a library (30 US health and social-assistance
occupations, one row per task), ranks the other 29 occupations for each by our role overlap, and
compares the ranking with O*NET's own "Related Occupations" that fall inside the 30: mean average
precision and recall at 5 and 10. A TF-IDF cosine over the task texts is printed alongside as the
lexical baseline. Nothing here is tuned to these occupations.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from frameworks.sources import library_layers  # noqa: E402
from graph.crosswalk import all_competency_texts  # noqa: E402
from graph.matching import choose_matcher  # noqa: E402
from graph.overlap_matrix import RequirementTable, SimilaritySource, coverage_matrix  # noqa: E402
from graph.role_ranking import ranking_score  # noqa: E402
from graph.store import load_graph  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"


def average_precision(ranked: list[str], relevant: set[str]) -> float:
    hits, total = 0, 0.0
    for rank, item in enumerate(ranked, start=1):
        if item in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant) if relevant else 0.0


def evaluate(rankings: dict[str, list[str]], truth: dict[str, set[str]]) -> dict[str, float]:
    aps = [average_precision(rankings[o], truth[o]) for o in truth if truth[o]]
    r5 = [len(set(rankings[o][:5]) & truth[o]) / len(truth[o]) for o in truth if truth[o]]
    r10 = [len(set(rankings[o][:10]) & truth[o]) / len(truth[o]) for o in truth if truth[o]]
    return {"MAP": sum(aps) / len(aps), "recall@5": sum(r5) / len(r5), "recall@10": sum(r10) / len(r10)}


def tfidf_rankings(tasks: dict[str, list[str]]) -> dict[str, list[str]]:
    import re

    docs = {o: Counter(re.findall(r"[a-z]+", " ".join(t).lower())) for o, t in tasks.items()}
    df = Counter(w for d in docs.values() for w in d)
    n = len(docs)
    vec = {o: {w: c * math.log(n / df[w]) for w, c in d.items()} for o, d in docs.items()}
    norm = {o: math.sqrt(sum(v * v for v in x.values())) or 1.0 for o, x in vec.items()}

    def cos(a: str, b: str) -> float:
        return sum(v * vec[b].get(w, 0.0) for w, v in vec[a].items()) / (norm[a] * norm[b])

    return {o: sorted((p for p in docs if p != o), key=lambda p: -cos(o, p)) for o in docs}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-embeddings", action="store_true")
    args = parser.parse_args()
    related = json.loads((EVAL / "onet_related.json").read_text())["occupations"]
    ours = {f"onet-{o['code']}" for o in related}
    truth = {f"onet-{o['code']}": {f"onet-{r['code']}" for r in o["related"]} & ours for o in related}

    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        started = time.perf_counter()
        graph, _ = load_graph(library_layers([EVAL / "onet_health_social_tasks.csv"], bundled=False), workspace)
        matcher, notices = choose_matcher(all_competency_texts(graph), workspace, args.no_embeddings)
        roles = sorted(d["id"] for _, d in graph.nodes(data=True) if d["kind"] == "Role")
        table = RequirementTable.from_graph(graph, roles)
        source = SimilaritySource(matcher, table.texts, table.competencies)
        cover = coverage_matrix(table, source)
        profiles = source.profiles(table)
        overlap = np.where(cover + cover.T > 0, 2 * cover * cover.T / np.maximum(cover + cover.T, 1e-12), 0.0)
        score = ranking_score(overlap, None if profiles is None else profiles @ profiles.T)
        elapsed = time.perf_counter() - started
    local = {r: r.split(":", 1)[1] for r in roles}
    rankings = {}
    for i, role in enumerate(roles):
        scores = [(score[i, j], local[roles[j]]) for j in range(len(roles)) if j != i]
        rankings[local[role]] = [name for _, name in sorted(scores, key=lambda s: (-s[0], s[1]))]
    tasks: dict[str, list[str]] = {}
    for _, d in graph.nodes(data=True):
        if d["kind"] == "Role":
            tasks[local[d["id"]]] = [
                graph.nodes[t]["statement"]
                for t in graph.successors(f"role:{d['id']}")
                if graph.nodes[t]["kind"] == "Competency"
            ]
    for notice in notices:
        print(f"note: {notice}")
    print(
        f"{len(roles)} occupations, {len(table.competencies)} task statements; "
        f"matcher {matcher.description}; {elapsed:.1f} s including encoding"
    )
    for name, result in (
        ("similar-roles (ours)", evaluate(rankings, truth)),
        ("TF-IDF baseline", evaluate(tfidf_rankings(tasks), truth)),
    ):
        print(f"  {name:22s} " + "  ".join(f"{k} {v:.3f}" for k, v in result.items()))


if __name__ == "__main__":
    main()
