"""Whole-process wall time of common commands on the bundled library, caches warm; run by hand.

    .venv/bin/python benchmarks/cli_speed.py                      # this checkout
    .venv/bin/python benchmarks/cli_speed.py --before ../old      # and another checkout, interleaved

Each command (with `--format json` unless it names a format: the terminal table is timed once too) runs once
to warm its workspace, then 5 times (--runs) (alternating with the other checkout when
--before is given, so both see the same machine load); medians are printed, each with its ratio to the
bare `python -c "import numpy, networkx"` the routes target is measured against, timed in the same
rounds. A checkout is run as `python -c "from cli.main import main; main()"` from its own folder, with this
venv's packages. Bytecode caching is on for the runs (as on a user's machine; PYTHONDONTWRITEBYTECODE is
dropped), so a checkout's modules are compiled once in the warm-up, not on every run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = "import sys; sys.argv[0] = 'pathways'; from cli.main import main; main()"
COMMANDS = [
    ["roles", "list", "--band", "3"],
    ["roles", "show", "healthcare assistant"],
    ["overlap", "healthcare assistant", "care worker"],
    ["similar-roles", "care worker", "--top", "5"],
    ["routes", "healthcare assistant"],
    ["routes", "care worker", "--to", "registered nurse (adult)"],
    ["routes", "care worker", "--to", "registered nurse (adult)", "--format", "table"],
]
RUNS = 5


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="Another checkout to time alongside this one.")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"Timed runs of each command (default {RUNS}).")
    args = parser.parse_args()
    trees = {"now": ROOT, **({"before": args.before.resolve()} if args.before else {})}
    bare_argv = [sys.executable, "-c", "import numpy, networkx"]
    with tempfile.TemporaryDirectory() as folder:
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        envs = {name: {**base, "PATHWAYS_WORKSPACE": str(Path(folder) / name)} for name in trees}
        for command in COMMANDS:
            fmt = [] if "--format" in command else ["--format", "json"]  # JSON unless the command says
            argv = [sys.executable, "-c", RUN, *command, *fmt]
            for name, tree in trees.items():
                timed(argv, tree, envs[name])  # warm the workspace
            runs: dict[str, list[float]] = {name: [] for name in [*trees, "bare"]}
            for _ in range(args.runs):  # the bare import in the same rounds, so a busy moment weighs on both
                runs["bare"].append(timed(bare_argv, ROOT, base))
                for name, tree in trees.items():
                    runs[name].append(timed(argv, tree, envs[name]))
            bare = statistics.median(runs.pop("bare"))
            figures = ", ".join(
                f"{name} {statistics.median(times):.3f} s ({statistics.median(times) / bare:.2f}x)"
                for name, times in runs.items()
            )
            print(f"pathways {' '.join(command):50s} median: {figures}; bare import {bare:.3f} s")


if __name__ == "__main__":
    main()
