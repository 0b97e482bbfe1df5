"""Write the bundled library's competency vectors into the package (maintainers: `make vectors`).

Shipping them means the demo and every query on the bundled library find all their vectors without
loading the model; tests/test_embeddings.py checks they still match a fresh encode.
"""

from __future__ import annotations

import io
import sys

import numpy as np

from frameworks.sources import library_layers
from graph.build import build_graph
from graph.embeddings import resolve_encoder
from graph.matching import competency_text
from graph.store import atomic_write_bytes
from graph.vectors import normalise, shipped_path, text_key


def bundled_competency_texts() -> list[str]:
    from frameworks.loader import load_library

    graph = build_graph(load_library(library_layers()))
    texts = [competency_text(d) for _, d in graph.nodes(data=True) if d["kind"] == "Competency"]
    return sorted(set(normalise(t) for t in texts))


def main() -> None:
    encoder = resolve_encoder()
    texts = bundled_competency_texts()
    vectors = encoder.encode(texts)
    if vectors.ndim != 2 or len(vectors) != len(texts) or not np.isfinite(vectors).all():
        sys.exit(f"error: {encoder.name} gave unusable vectors {vectors.shape}; nothing written")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, keys=np.array([text_key(t) for t in texts]), vectors=vectors.astype(np.float32))
    path = shipped_path(encoder.name)
    atomic_write_bytes(path, buffer.getvalue())
    print(f"wrote {len(texts)} vectors of {encoder.name} to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
