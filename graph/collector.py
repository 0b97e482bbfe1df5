"""Pausing Python's cycle collector around work that makes many objects and little garbage.

The collector runs after every few hundred new container objects, and its fuller passes walk every
object still alive: loading the bundled graph and searching routes over it each paid for the graph being
walked again and again (about half their time). Reference counting frees everything as usual while the
collector is paused; cycles left behind are collected once it runs again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """The cycle collector paused for the block (and left as it was found afterwards)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
