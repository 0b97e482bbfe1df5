"""The workspace: where the built graph is kept between runs.

Building means parsing and validating every YAML file; a query should not pay for that each time.
The graph is pickled under a key made from the content of every library file (and this code's
format version), so it is rebuilt exactly when a library file changes. Writes go to a temporary file
that is then renamed, so a killed process never leaves half a graph behind.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Sequence
from pathlib import Path

import networkx as nx

from frameworks.sources import Layer

GRAPH_FORMAT = 3  # bump when build_graph's output changes shape
KEEP_GRAPHS = 8


def default_workspace() -> Path:
    """PATHWAYS_WORKSPACE, else the user's cache folder."""
    if os.environ.get("PATHWAYS_WORKSPACE"):
        return Path(os.environ["PATHWAYS_WORKSPACE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hsc-pathways"


def library_key(layers: Sequence[Layer]) -> str:
    """A content hash of every file in every layer, in order."""
    digest = hashlib.sha256(f"graph-format-{GRAPH_FORMAT}".encode())
    for layer in layers:
        digest.update(f"\0layer\0{layer.name}".encode())
        for path in layer.files:
            digest.update(f"\0file\0{path.name}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file so that readers see either the old content or the new, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # the permissions a plain open() would have given
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def load_graph(
    layers: Sequence[Layer], workspace: Path | None = None, rebuild: bool = False
) -> tuple[nx.MultiDiGraph, bool]:
    """The graph for these layers, from the workspace when current; returns (graph, was_built)."""
    workspace = workspace or default_workspace()
    key = library_key(layers)
    cached = workspace / "graphs" / f"{key}.pickle"
    if not rebuild and cached.exists():
        try:
            with cached.open("rb") as handle:
                graph = pickle.load(handle)
            if isinstance(graph, nx.MultiDiGraph) and graph.graph.get("key") == key:
                return graph, False
        except Exception:  # a damaged cache is rebuilt, never trusted
            pass
    from frameworks.loader import load_library  # only a rebuild pays for parsing and validation
    from graph.build import build_graph

    graph = build_graph(load_library(layers))
    graph.graph["key"] = key
    try:
        atomic_write_bytes(cached, pickle.dumps(graph, protocol=pickle.HIGHEST_PROTOCOL))
        _prune(cached.parent, keep=cached)
    except OSError:
        pass  # a read-only workspace still answers queries; it only loses the cache
    return graph, True


def _prune(folder: Path, keep: Path) -> None:
    graphs = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in graphs[KEEP_GRAPHS:]:
        if old != keep:
            old.unlink(missing_ok=True)
