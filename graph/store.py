"""The workspace: where the built graph is kept between runs, and how every file is written.

Building means parsing and validating every YAML file; a query should not pay for that each time.
The graph is kept as JSON (data only: a tampered file can at worst describe a wrong graph, never run
code) under a key made from the content of every library file (and this code's format version), so it
is rebuilt exactly when a library file changes. Writes go to a temporary file that is then renamed, so a
killed process never leaves half a file behind; `write_output` adds the checks for files a user names.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

import networkx as nx

from frameworks.errors import LibraryError, Problem
from frameworks.sources import Layer
from graph.collector import no_cycle_collection

GRAPH_FORMAT = 9  # bump when build_graph's output (or the cache file's layout) changes shape
KEEP_GRAPHS = 8


def default_workspace(cache_home: str | None = None) -> Path:
    """The folder for built graphs and caches: under `cache_home` (the CLI passes XDG_CACHE_HOME), else
    ~/.cache."""
    return Path(cache_home or Path.home() / ".cache") / "hsc-pathways"


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
    try:  # a file replaced keeps its permissions; a new one gets what a plain open() would have given
        mode = stat.S_IMODE(path.stat().st_mode) if path.is_file() else 0o666 & ~_umask()
    except OSError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, mode)
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


class OutputError(LibraryError):
    """A file the user asked us to write cannot be written there: one line, exit code 2, nothing written."""

    def __init__(self, path: Path | str, message: str):
        super().__init__([Problem(str(path), message)])


_NOT_REGULAR = (
    (stat.S_ISDIR, "is a folder"),
    (stat.S_ISCHR, "is a character device"),
    (stat.S_ISBLK, "is a block device"),
    (stat.S_ISFIFO, "is a named pipe (FIFO)"),
    (stat.S_ISSOCK, "is a socket"),
)


def output_target(path: Path | str, parents: bool = False) -> Path:
    """Where writing the user-named `path` will land, checked before anything is computed.

    A symbolic link is written through: the file it points to is replaced (atomically, beside it) and
    the link stays. Anything that exists and is not a regular file (a folder, a device such as
    /dev/full, a FIFO, a socket) is refused, as is a folder that does not exist (unless `parents`, for
    `import csv --into`) or cannot be written. Raises OutputError."""
    given = Path(path)
    if str(path) == "":
        raise OutputError("''", "an empty file name")
    try:
        target = given.resolve(strict=False) if given.is_symlink() else given
    except (OSError, RuntimeError) as err:  # a loop of links
        raise OutputError(given, f"cannot follow this link ({err})") from None
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as err:
        raise OutputError(given, f"cannot check it ({err.strerror or err})") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        what = next((text for test, text in _NOT_REGULAR if test(info.st_mode)), "is not a regular file")
        via = f" (the link points to {target})" if target != given else ""
        raise OutputError(given, f"{what}{via}; give the name of a regular file to write")
    folder = target.parent
    if not folder.is_dir():
        if folder.exists():
            raise OutputError(given, f"{folder} is not a folder")
        if not parents:
            raise OutputError(given, f"the folder {folder} does not exist")
        return target
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(given, f"the folder {folder} cannot be written to")
    return target


def write_output(path: Path | str, data: bytes, parents: bool = False) -> Path:
    """Write a file the user named (every -o, --plot, --into): checked by `output_target`, then written
    atomically beside its target. Returns where it went; raises OutputError rather than an OSError."""
    target = output_target(path, parents)
    try:
        if parents:
            target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, data)
    except OSError as err:
        raise OutputError(path, f"cannot write it ({err.strerror or err})") from None
    return target


def _graph_bytes(graph: nx.MultiDiGraph) -> bytes:
    document = {
        "graph": graph.graph,
        "nodes": [[node, data] for node, data in graph.nodes(data=True)],
        "edges": [[source, target, key, data] for source, target, key, data in graph.edges(keys=True, data=True)],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _graph_from_bytes(data: bytes) -> nx.MultiDiGraph:
    with no_cycle_collection():  # tens of thousands of new dicts and lists, none of them garbage
        document = json.loads(data)
        graph = nx.MultiDiGraph()
        graph.graph.update(document["graph"])
        graph.add_nodes_from((node, attrs) for node, attrs in document["nodes"])
        _add_keyed_edges(graph, document["edges"])
    return graph


def _add_keyed_edges(graph: nx.MultiDiGraph, edges: list[list]) -> None:
    """Add (source, target, key, data) edges between existing nodes, writing the graph's adjacency dicts
    as MultiDiGraph.add_edge does (one key dict shared by both directions). add_edges_from goes through
    add_edge and the read-only views for every edge: half the time of loading the bundled graph."""
    succ, pred = graph._succ, graph._pred
    for source, target, key, data in edges:
        if source not in succ or target not in succ:
            raise ValueError(f"an edge joins a node the graph does not have ({source} -> {target})")
        keyed = succ[source].get(target)
        if keyed is None:
            keyed = succ[source][target] = pred[target][source] = {}
        keyed[key] = data


def load_graph(
    layers: Sequence[Layer], workspace: Path | None = None, rebuild: bool = False
) -> tuple[nx.MultiDiGraph, bool]:
    """The graph for these layers, from the workspace when current; returns (graph, was_built)."""
    graph, built, _ = load_graph_noting(layers, workspace, rebuild)
    return graph, built


def load_graph_noting(
    layers: Sequence[Layer], workspace: Path | None = None, rebuild: bool = False
) -> tuple[nx.MultiDiGraph, bool, list[str]]:
    """load_graph, plus notices for the user (a damaged cache file that was rebuilt)."""
    workspace = workspace or default_workspace()
    key = library_key(layers)
    cached = workspace / "graphs" / f"{key}.json"
    notices: list[str] = []
    if not rebuild and cached.exists():
        try:
            graph = _graph_from_bytes(cached.read_bytes())
            if graph.graph.get("key") == key:
                return graph, False, notices
            raise ValueError("it is for another library")
        except Exception as err:  # a damaged cache is rebuilt, never trusted
            notices.append(f"the graph cache {cached} was unreadable ({type(err).__name__}); rebuilt it")
    from frameworks.loader import load_library  # only a rebuild pays for parsing and validation
    from graph.build import build_graph

    graph = build_graph(load_library(layers))
    graph.graph["key"] = key
    try:
        data = _graph_bytes(graph)
    except (TypeError, ValueError):  # a value JSON cannot hold: answer from the graph as built, uncached
        return graph, True, notices
    graph = _graph_from_bytes(data)  # what later runs will read, so a fresh build answers the same
    try:
        atomic_write_bytes(cached, data)
        _prune(cached.parent, keep=cached)
    except OSError:
        pass  # a read-only workspace still answers queries; it only loses the cache
    return graph, True, notices


def _prune(folder: Path, keep: Path) -> None:
    for old in folder.glob("*.pickle"):  # caches from before the JSON format: never read again
        old.unlink(missing_ok=True)
    graphs = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in graphs[KEEP_GRAPHS:]:
        if old != keep:
            old.unlink(missing_ok=True)
