"""The vector cache: every text is encoded once per model, ever.

Two tiers. The bundled library's vectors ship precomputed (one .npz per model), so queries on the
bundled library never load the model. Everything else goes to a SQLite file in the workspace, keyed
by model and a hash of the normalised text. SQLite in WAL mode lets two processes read and write at
once; each batch is one transaction, so a killed process leaves the file as it was before the batch.
A file that is not a readable database is set aside and replaced, never trusted.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from frameworks.sources import BUNDLED_LIBRARY

if TYPE_CHECKING:
    import numpy as np

    from graph.embeddings import Encoder

SHIPPED_VECTORS = BUNDLED_LIBRARY / "vectors"
_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key TEXT, dim INTEGER, vec BLOB, PRIMARY KEY (model, key))"


def normalise(text: str) -> str:
    """The form a text is cached under: Unicode NFC, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def text_key(text: str) -> str:
    return hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()


def shipped_path(model: str) -> Path:
    return SHIPPED_VECTORS / f"{model.replace('/', '_').replace(':', '_')}.npz"


class VectorCache:
    """Look vectors up by (model, text); add new ones in batches."""

    def __init__(self, path: Path):
        self.path = path
        self.notices: list[str] = []
        self._shipped: dict[str, dict[str, int]] = {}
        self._shipped_vectors: dict[str, np.ndarray] = {}
        self._db: sqlite3.Connection | None = None

    # -- the shipped tier -------------------------------------------------
    def _shipped_index(self, model: str) -> dict[str, int]:
        if model not in self._shipped:
            import numpy as np

            index: dict[str, int] = {}
            path = shipped_path(model)
            if path.exists():
                with np.load(path) as data:
                    self._shipped_vectors[model] = data["vectors"]
                    index = {str(k): i for i, k in enumerate(data["keys"])}
            self._shipped[model] = index
        return self._shipped[model]

    # -- the SQLite tier ----------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = self._open()
            except sqlite3.DatabaseError:
                aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
                self.path.replace(aside)
                for suffix in ("-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                self.notices.append(f"the vector cache {self.path} was damaged; moved it to {aside.name}")
                self._db = self._open()
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=60000")
            db.execute(_SCHEMA)
            db.execute("SELECT count(*) FROM vectors LIMIT 1").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def lookup(self, model: str, texts: Sequence[str]) -> tuple[dict[int, np.ndarray], list[int]]:
        """Vectors found for texts (by position) and the positions still missing."""
        keys = [text_key(t) for t in texts]
        found: dict[int, np.ndarray] = {}
        shipped = self._shipped_index(model)
        for i, key in enumerate(keys):
            if key in shipped:
                found[i] = self._shipped_vectors[model][shipped[key]]
        missing = [i for i in range(len(texts)) if i not in found]
        if missing and (self.path.exists() or self._db is not None):
            import numpy as np

            rows: list[tuple[str, bytes]] = []
            db = self._connect()
            pending = list(dict.fromkeys(keys[i] for i in missing))
            for start in range(0, len(pending), 500):
                chunk = pending[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows += db.execute(
                    f"SELECT key, vec FROM vectors WHERE model = ? AND key IN ({marks})", [model, *chunk]
                ).fetchall()
            positions: dict[str, list[int]] = {}
            for i in missing:
                positions.setdefault(keys[i], []).append(i)
            for key, blob in rows:
                for i in positions[key]:
                    found[i] = np.frombuffer(blob, dtype=np.float32)
            missing = [i for i in missing if i not in found]
        return found, missing

    def store(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        db = self._connect()
        rows = [
            (model, text_key(t), int(v.shape[0]), v.astype("float32").tobytes())
            for t, v in zip(texts, vectors, strict=True)
        ]
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?, ?, ?)", rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def embed(texts: Sequence[str], encoder: Encoder, cache: VectorCache, progress: bool | None = None) -> np.ndarray:
    """Vectors for texts, from the cache where possible; only missing texts are encoded (and stored)."""
    import numpy as np

    found, missing = cache.lookup(encoder.name, texts)
    if missing:
        unique = list(dict.fromkeys(normalise(texts[i]) for i in missing))
        new = encoder.encode(unique, progress=progress)
        cache.store(encoder.name, unique, new)
        by_text = dict(zip(unique, new, strict=True))
        for i in missing:
            found[i] = by_text[normalise(texts[i])]
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.vstack([found[i] for i in range(len(texts))]).astype(np.float32, copy=False)
