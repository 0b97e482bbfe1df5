"""Rebuild the shipped competency vectors of the bundled library (`make vectors`); run it whenever a
competency's text changes. tests/test_embeddings.py checks the shipped file still matches a fresh encode."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.shipped import write_shipped_vectors  # noqa: E402


def main() -> None:
    try:
        count, model, path = write_shipped_vectors()
    except ValueError as err:
        sys.exit(f"error: {err}")
    print(f"wrote {count} vectors of {model} to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
