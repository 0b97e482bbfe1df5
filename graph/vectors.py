"""The vector cache: every text is encoded once per model, ever.

Two tiers. The bundled library's vectors ship precomputed (one .npz per model), so queries on the
bundled library never load the model. Everything else goes to a SQLite file in the workspace, keyed
by model and a hash of the normalised text. SQLite in WAL mode lets two processes read and write at
once; each batch is one transaction, so a killed process leaves the file as it was before the batch.
A file that is not a readable database, or whose pages are damaged below a valid header (any query
finds that), is set aside and replaced, never trusted; a row of the wrong size or with non-finite values
counts as missing. A file that cannot be written still answers, and new vectors stay in memory.
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
_MODELS_SCHEMA = "CREATE TABLE IF NOT EXISTS models (model TEXT PRIMARY KEY, dim INTEGER)"  # each model's vector size


def normalise(text: str) -> str:
    """The form a text is cached under: Unicode NFC, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def text_key(text: str) -> str:
    return hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()


def shipped_path(model: str) -> Path:
    return SHIPPED_VECTORS / f"{model.replace('/', '_').replace(':', '_')}.npz"


class VectorCache:
    """Look vectors up by (model, text); add new ones in batches.

    Nothing read is trusted: a row must have the model's dimension and finite values, or it is treated
    as missing (and replaced when re-encoded). A damaged file is set aside and rebuilt. A file that can
    be read but not written (a read-only workspace) still answers; new vectors are then kept only in
    memory. Each of these is said once, through `take_notices()`, for the CLI to print."""

    def __init__(self, path: Path):
        self.path = path
        self.notices: list[str] = []  # everything said so far; take_notices() hands each out once
        self._told = 0
        self._shipped: dict[str, dict[str, int]] = {}
        self._shipped_vectors: dict[str, np.ndarray] = {}
        self._dims: dict[str, int | None] = {}
        self._db: sqlite3.Connection | None = None
        self._read_only = False  # True once writing failed: stop trying, keep new vectors in memory
        self._unusable = False  # True when the file can be neither used nor replaced

    def take_notices(self) -> list[str]:
        """Notices not handed out before (so a caller printing them says each once)."""
        fresh = self.notices[self._told :]
        self._told = len(self.notices)
        return fresh

    def _notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)

    # -- the shipped tier -------------------------------------------------
    def _shipped_index(self, model: str) -> dict[str, int]:
        if model not in self._shipped:
            import numpy as np

            index: dict[str, int] = {}
            path = shipped_path(model)
            if path.exists():
                try:
                    with np.load(path) as data:
                        keys, vectors = data["keys"], data["vectors"]
                    if vectors.ndim != 2 or len(keys) != len(vectors) or not np.isfinite(vectors).all():
                        raise ValueError("inconsistent arrays")
                    self._shipped_vectors[model] = vectors
                    index = {str(k): i for i, k in enumerate(keys)}
                except Exception as err:  # a damaged package file: encode instead, and say so
                    self._notice(f"the shipped vectors {path} are unreadable ({err}); reinstall hsc-pathways")
            self._shipped[model] = index
        return self._shipped[model]

    # -- the SQLite tier ----------------------------------------------------
    def _connect(self) -> sqlite3.Connection | None:
        """The database, opened on first use; None when it cannot be used at all."""
        if self._db is None and not self._unusable:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = self._open()
            except sqlite3.OperationalError:  # cannot write here (or cannot open): read what is there
                self._db = self._open_read_only()
            except sqlite3.DatabaseError:
                self._set_aside()
            except OSError as err:
                self._give_up(f"cannot use the vector cache {self.path} ({err.strerror or err})")
        return self._db

    def _open(self) -> sqlite3.Connection:
        # check_same_thread=False: a web server asks its one session's questions on worker threads, one at a
        # time (web/site.py serialises them), so the connection may be used by a thread that did not open it
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=60000")
            db.execute(_SCHEMA)
            db.execute(_MODELS_SCHEMA)
            db.execute("SELECT count(*) FROM vectors LIMIT 1").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _open_read_only(self) -> sqlite3.Connection | None:
        """The file opened for reading only (as it is, then ignoring a journal we may not touch)."""
        self._read_only = True
        uri = self.path.resolve().as_uri()
        for mode in ("mode=ro", "immutable=1"):
            try:
                db = sqlite3.connect(
                    f"{uri}?{mode}", uri=True, timeout=60, isolation_level=None, check_same_thread=False
                )
            except sqlite3.DatabaseError:
                continue
            try:
                db.execute("SELECT count(*) FROM vectors LIMIT 1").fetchone()
            except sqlite3.OperationalError:
                db.close()
                continue
            except sqlite3.DatabaseError:
                db.close()
                self._give_up(f"the vector cache {self.path} is damaged and read-only; new vectors are not kept")
                return None
            self._notice(f"the vector cache {self.path} is read-only: answering from it; new vectors are not kept")
            return db
        self._give_up(f"cannot open the vector cache {self.path}; new vectors are not kept")
        return None

    def _give_up(self, why: str) -> None:
        self._unusable, self._read_only = True, True
        self._notice(why)

    def _set_aside(self) -> None:
        """Move a damaged file out of the way (kept, for a look) and start a new one."""
        self.close()
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        try:
            self.path.replace(aside)
            for suffix in ("-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        except OSError as err:
            self._give_up(f"the vector cache {self.path} is damaged and cannot be moved ({err.strerror or err})")
            return
        self._dims.clear()
        self._notice(f"the vector cache {self.path} was damaged; moved it to {aside.name} and started a new one")
        try:
            self._db = self._open()
        except (sqlite3.DatabaseError, OSError) as err:
            self._give_up(f"cannot create the vector cache {self.path} ({err})")

    def _model_dim(self, model: str, db: sqlite3.Connection | None) -> int | None:
        """The vector size of a model: from the shipped vectors, else as recorded when vectors were stored."""
        if model in self._shipped_vectors:
            return int(self._shipped_vectors[model].shape[1])
        if model not in self._dims and db is not None:
            try:
                row = db.execute("SELECT dim FROM models WHERE model = ?", [model]).fetchone()
            except sqlite3.OperationalError:  # a read-only file from before the models table
                row = None
            self._dims[model] = int(row[0]) if row else None
        return self._dims.get(model)

    def _read(self, model: str, keys: list[str]) -> list[tuple[str, int, bytes]]:
        db = self._connect()
        if db is None:
            return []
        rows: list[tuple[str, int, bytes]] = []
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows += db.execute(
                    f"SELECT key, dim, vec FROM vectors WHERE model = ? AND key IN ({marks})", [model, *chunk]
                ).fetchall()
        except sqlite3.OperationalError as err:
            self._give_up(f"cannot read the vector cache {self.path} ({err}); new vectors are not kept")
            return []
        except sqlite3.DatabaseError:  # damage below a valid header: only a query finds it
            self._set_aside()
            return []
        return rows

    def lookup(self, model: str, texts: Sequence[str]) -> tuple[dict[int, np.ndarray], list[int]]:
        """Vectors found for texts (by position) and the positions still missing. Only rows of the
        model's dimension with finite values count as found."""
        keys = [text_key(t) for t in texts]
        found: dict[int, np.ndarray] = {}
        shipped = self._shipped_index(model)
        for i, key in enumerate(keys):
            if key in shipped:
                found[i] = self._shipped_vectors[model][shipped[key]]
        missing = [i for i in range(len(texts)) if i not in found]
        if missing and (self.path.exists() or self._db is not None):
            import numpy as np

            rows = self._read(model, list(dict.fromkeys(keys[i] for i in missing)))
            dim = self._model_dim(model, self._db)
            good: dict[str, np.ndarray] = {}
            for key, size, blob in rows:
                if not isinstance(blob, bytes) or len(blob) != 4 * size or size < 1:
                    continue
                vector = np.frombuffer(blob, dtype=np.float32)
                if np.isfinite(vector).all():
                    good[key] = vector
            sizes = {v.shape[0] for v in good.values()}
            if dim is None and len(sizes) > 1:  # no record of the right size: trust none of them
                good = {}
            for i in missing:
                vector = good.get(keys[i])
                if vector is not None and (dim is None or vector.shape[0] == dim):
                    found[i] = vector
            missing = [i for i in missing if i not in found]
        return found, missing

    def store(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Keep vectors for later runs (replacing any bad row); in a read-only cache, keep nothing."""
        if self._read_only:
            return
        db = self._connect()
        if db is None or self._read_only:
            return
        dim = int(vectors.shape[1]) if vectors.ndim == 2 else 0
        rows = [
            (model, text_key(t), int(v.shape[0]), v.astype("float32").tobytes())
            for t, v in zip(texts, vectors, strict=True)
        ]
        for attempt in range(2):
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)", rows)
                    if dim:
                        db.execute("INSERT OR REPLACE INTO models VALUES (?, ?)", [model, dim])
                    db.execute("COMMIT")
                except BaseException:
                    if db.in_transaction:
                        db.execute("ROLLBACK")
                    raise
                if dim:
                    self._dims[model] = dim
                return
            except sqlite3.OperationalError as err:  # read-only, full disk, locked for a minute
                self._read_only = True
                self._notice(f"cannot write the vector cache {self.path} ({err}); new vectors are not kept")
                return
            except sqlite3.DatabaseError as err:
                if attempt:
                    self._give_up(f"cannot write the vector cache {self.path} ({err}); new vectors are not kept")
                    return
                self._set_aside()
                db = self._db
                if db is None:
                    return

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
