"""Whole-process wall time of common commands on the bundled library, caches warm; run by hand.

    .venv/bin/python benchmarks/cli_speed.py

Each command runs once to warm the workspace, then 7 times; the median and the worst are printed.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATHWAYS = str(Path(sys.executable).with_name("pathways"))
COMMANDS = [
    ["roles", "list", "--band", "3"],
    ["roles", "show", "healthcare assistant"],
    ["overlap", "healthcare assistant", "care worker"],
    ["similar-roles", "care worker", "--top", "5"],
    ["routes", "healthcare assistant"],
    ["routes", "care worker", "--to", "registered nurse (adult)"],
]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PATHWAYS_WORKSPACE": folder}
        for command in COMMANDS:
            argv = [PATHWAYS, *command, "--format", "json"]
            subprocess.run(argv, env=env, check=True, capture_output=True)
            runs = []
            for _ in range(7):
                started = time.perf_counter()
                subprocess.run(argv, env=env, check=True, capture_output=True)
                runs.append(time.perf_counter() - started)
            print(f"pathways {' '.join(command):45s} median {statistics.median(runs):.3f} s, worst {max(runs):.3f} s")


if __name__ == "__main__":
    main()
