"""Matchers: how similar two competency texts are, by embeddings or, as a weaker fallback, by words.

A matcher turns two lists of texts into a similarity matrix in [0, 1] and carries the threshold above
which two texts count as the same skill. Both thresholds were chosen on our labelled pair set
(benchmarks/skill_pairs.py; figures in the README).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from graph.embeddings import Encoder, ModelUnavailable, embeddings_available, resolve_encoder
from graph.vectors import VectorCache, embed

if TYPE_CHECKING:
    import numpy as np

EMBEDDING_THRESHOLD = 0.65
LEXICAL_THRESHOLD = 0.60
ANCHOR_MIN = 0.40  # a free text resolves to its nearest anchor competency at this similarity or more
STACKED_MEMO = 4096  # lists of texts whose stacked vectors are kept (a few MB at most)
DISTINCT_CAP = 0.5  # declared-distinct competencies stay below either threshold (0.60 lexical, 0.65)


def competency_text(data: dict) -> str:
    """The text a competency is compared by: its label, statement and alternative terms together.

    Short labels and synonyms help the model match plain words to technical ones (see the README)."""
    label, statement = data["label"].strip(), data["statement"].strip()
    text = statement if statement.lower().startswith(label.lower()) else f"{label}: {statement}"
    keywords = data.get("keywords") or []
    return f"{text} ({', '.join(keywords)})" if keywords else text


@dataclass
class EmbeddingMatcher:
    """Cosine similarity of sentence embeddings.

    Anchors sharpen it. MiniLM scores the same skill in different words only about 0.5 ("supports people
    with washing and dressing" against "assists patients with personal hygiene": 0.47), yet each of those
    texts is nearest to the same curated competency ("Personal care: washing, dressing...", with its
    synonyms). So curated competencies (those with keywords: all of the bundled library's) act as
    anchors: a text that is not an anchor resolves to its nearest anchor when the similarity is at least
    ANCHOR_MIN, and two texts resolving to the same anchor count as the same skill."""

    encoder: Encoder
    cache: VectorCache
    threshold: float = EMBEDDING_THRESHOLD
    kind: str = "embedding"
    anchor_ids: list[str] = field(default_factory=list)
    distinct: set[tuple[str, str]] = field(default_factory=set)  # text pairs never the same skill
    _anchor_vectors: np.ndarray | None = field(default=None, repr=False)
    _memo: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # text -> vector, this process
    _stacked: dict[tuple[str, ...], np.ndarray] = field(default_factory=dict, repr=False)  # texts -> matrix
    _anchor_set: frozenset[str] = field(default_factory=frozenset, repr=False)
    _resolved: dict[str, str | None] = field(default_factory=dict, repr=False)  # free text -> its anchor

    @property
    def description(self) -> dict:
        return {
            "kind": self.kind,
            "model": self.encoder.name,
            "threshold": self.threshold,
            "anchors": len(self.anchor_ids),
            "anchor_min": ANCHOR_MIN,
        }

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            self._memo.update(zip(missing, embed(missing, self.encoder, self.cache), strict=True))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        key = tuple(texts)
        if key not in self._stacked:  # a role's requirements are asked for again and again (routes)
            if len(self._stacked) > STACKED_MEMO:
                self._stacked.clear()
            self._stacked[key] = np.vstack([self._memo[t] for t in texts])
            self._stacked[key].setflags(write=False)  # shared between callers: never changed in place
        return self._stacked[key]

    def set_anchors(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        self.anchor_ids = list(ids)
        self._anchor_vectors = self.vectors(texts) if ids else None
        self._anchor_set = frozenset(self.anchor_ids)
        self._resolved = {}

    def anchor_of(self, ids: Sequence[str], texts: Sequence[str]) -> list[str | None]:
        """Each item's anchor: itself if it is one, else its nearest anchor if close enough, else None.
        A text's resolution is remembered for the process (routes ask about the same texts many times)."""
        if self._anchor_vectors is None or not ids:
            return [None] * len(ids)
        fresh = [
            t for t, cid in zip(texts, ids, strict=True) if cid not in self._anchor_set and t not in self._resolved
        ]
        if fresh:
            fresh = list(dict.fromkeys(fresh))
            sims = cosine(self.vectors(fresh), self._anchor_vectors)
            for text, row in zip(fresh, sims, strict=True):
                b = int(row.argmax())
                self._resolved[text] = self.anchor_ids[b] if row[b] >= ANCHOR_MIN else None
        return [cid if cid in self._anchor_set else self._resolved[t] for cid, t in zip(ids, texts, strict=True)]

    def similarity(self, texts_a: Sequence[str], texts_b: Sequence[str]) -> np.ndarray:
        import numpy as np

        if not texts_a or not texts_b:
            return np.zeros((len(texts_a), len(texts_b)), dtype=np.float32)
        sims = cosine(self.vectors(texts_a), self.vectors(texts_b))
        return keep_apart(np.clip(sims, 0.0, 1.0), texts_a, texts_b, self.distinct)


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b.T for unit vectors, summed in double precision and given back in single precision,
    so a pair scores the same whatever else is compared in the same call (a float32 product's last digit
    depends on the shape of the block; routes look pairs up in a table, other questions compute them)."""
    import numpy as np

    return (a.astype(np.float64, copy=False) @ b.astype(np.float64, copy=False).T).astype(np.float32)


@dataclass
class LexicalMatcher:
    """rapidfuzz token-set similarity: no model needed, but blind to synonyms and easily fooled by
    shared words, so it is labelled as the weaker matcher wherever it is used."""

    threshold: float = LEXICAL_THRESHOLD
    kind: str = "lexical"
    notices: list[str] = field(default_factory=list)
    distinct: set[tuple[str, str]] = field(default_factory=set)  # text pairs never the same skill

    @property
    def description(self) -> dict:
        return {"kind": self.kind, "model": None, "threshold": self.threshold}

    def anchor_of(self, ids: Sequence[str], texts: Sequence[str]) -> list[str | None]:
        return [None] * len(ids)  # words alone are too weak to resolve free text to a competency

    def similarity(self, texts_a: Sequence[str], texts_b: Sequence[str]) -> np.ndarray:
        import numpy as np
        from rapidfuzz import fuzz, process, utils

        if not texts_a or not texts_b:
            return np.zeros((len(texts_a), len(texts_b)), dtype=np.float32)
        scores = process.cdist(
            list(texts_a),
            list(texts_b),
            scorer=fuzz.token_set_ratio,
            processor=utils.default_process,
            dtype=np.float32,
            workers=-1,
        )
        return keep_apart(scores / 100.0, texts_a, texts_b, self.distinct)


def keep_apart(
    sims: np.ndarray, texts_a: Sequence[str], texts_b: Sequence[str], distinct: set[tuple[str, str]]
) -> np.ndarray:
    """Cap at just under the threshold the similarity of pairs the library declares distinct (e.g.
    safeguarding children and safeguarding adults): related, shown as close, never one skill."""
    if not distinct:
        return sims
    firsts = {a for a, _ in distinct}
    rows = [i for i, t in enumerate(texts_a) if t in firsts]
    if rows:
        column = {t: j for j, t in enumerate(texts_b)}
        for i in rows:
            for a, b in distinct:
                if a == texts_a[i] and b in column:
                    sims[i, column[b]] = min(sims[i, column[b]], DISTINCT_CAP)
    return sims


Matcher = EmbeddingMatcher | LexicalMatcher


def choose_matcher(
    needed: Sequence[str],
    workspace: Path,
    no_embeddings: bool = False,
    model: str | None = None,
    anchors: tuple[Sequence[str], Sequence[str]] = ((), ()),
    distinct: Sequence[tuple[str, str]] = (),
) -> tuple[Matcher, list[str]]:
    """The embedding matcher when it can serve `needed` texts, else the lexical one, saying why.
    `anchors` are (ids, texts) of the curated competencies free texts may resolve to; `distinct` the text
    pairs never to count as the same skill."""
    if no_embeddings:
        return LexicalMatcher(distinct=set(distinct)), [
            "using the lexical matcher (--no-embeddings): weaker than embeddings"
        ]
    try:
        encoder = resolve_encoder(model)
    except ModelUnavailable as err:
        return LexicalMatcher(distinct=set(distinct)), [
            f"{err}; using the lexical matcher, which is weaker than embeddings"
        ]
    cache = VectorCache(workspace / "vectors.sqlite")
    if not embeddings_available(encoder):
        _, missing = cache.lookup(encoder.name, list(needed))
        if missing:
            return LexicalMatcher(distinct=set(distinct)), [
                "sentence-transformers is not installed and some texts have no cached vectors; "
                "using the lexical matcher, which is weaker than embeddings"
            ]
    matcher = EmbeddingMatcher(encoder, cache, distinct=set(distinct))
    matcher.set_anchors(*anchors)
    return matcher, cache.take_notices()
