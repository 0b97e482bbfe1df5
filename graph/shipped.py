"""Write the bundled library's competency vectors into the package (maintainers: `make vectors`, which
runs scripts/build_vectors.py).

Shipping them means the demo and every query on the bundled library find all their vectors without
loading the model; tests/test_embeddings.py checks they still match a fresh encode.
"""

from __future__ import annotations

import io

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


def write_shipped_vectors() -> tuple[int, str, object]:
    """Encode the bundled library's competency texts and write them where the package ships them:
    (how many, the model's name, the file). Raises ValueError, writing nothing, on unusable vectors."""
    encoder = resolve_encoder()
    texts = bundled_competency_texts()
    vectors = encoder.encode(texts)
    if vectors.ndim != 2 or len(vectors) != len(texts) or not np.isfinite(vectors).all():
        raise ValueError(f"{encoder.name} gave unusable vectors {vectors.shape}; nothing written")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, keys=np.array([text_key(t) for t in texts]), vectors=vectors.astype(np.float32))
    path = shipped_path(encoder.name)
    atomic_write_bytes(path, buffer.getvalue())
    return len(texts), encoder.name, path
