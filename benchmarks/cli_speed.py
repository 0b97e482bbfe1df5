"""Whole-process wall time of common commands on the bundled library, caches warm; run by hand.

    .venv/bin/python benchmarks/cli_speed.py                      # this checkout
    .venv/bin/python benchmarks/cli_speed.py --before ../old      # and another checkout, interleaved

Each command (with `--format json` unless it names a format: the routes terminal table is timed too) runs
once to warm its workspace, then in each of --runs rounds (default 5) every command of every checkout
(--before adds another) and the bare `python -c "import numpy, networkx"` (twice) run in a shuffled order,
so a busy moment of this noisy machine weighs on all alike. Medians are printed, each with its ratio to the
bare import's (the routes target is 1.5x). A checkout is run as `python -c "from cli.main import main;
main()"` (the console script) from its own folder, with this venv's packages. Bytecode caching is on for
the runs (as on a user's machine; PYTHONDONTWRITEBYTECODE is dropped), so modules are compiled once, in
the warm-up.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUN = "import sys; sys.argv[0] = 'pathways'; import cli.main as m; getattr(m, 'main', m.cli)()"  # older checkouts: cli
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
    parser.add_argument("--runs", type=int, default=RUNS, help=f"Timed rounds (default {RUNS}).")
    args = parser.parse_args()
    trees = {"now": ROOT, **({"before": args.before.resolve()} if args.before else {})}
    bare_argv = [sys.executable, "-c", "import numpy, networkx"]
    jobs = [(name, tuple(command)) for command in COMMANDS for name in trees]
    with tempfile.TemporaryDirectory() as folder:
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        envs = {name: {**base, "PATHWAYS_WORKSPACE": str(Path(folder) / name)} for name in trees}

        def run(name: str, command: tuple[str, ...]) -> float:
            fmt = [] if "--format" in command else ["--format", "json"]  # JSON unless the command says
            return timed([sys.executable, "-c", RUN, *command, *fmt], trees[name], envs[name])

        for job in jobs:
            run(*job)  # warm the workspace and the bytecode
        bare: list[float] = []
        times: dict[tuple, list[float]] = {job: [] for job in jobs}
        for _ in range(args.runs):  # every command and the bare import in each round, in a shuffled order,
            order = [*jobs, "bare", "bare"]  # so a busy moment of the machine weighs on all alike
            random.shuffle(order)
            for job in order:
                if job == "bare":
                    bare.append(timed(bare_argv, ROOT, base))
                else:
                    times[job].append(run(*job))
        middle = statistics.median(bare)
        for command in COMMANDS:
            figures = ", ".join(
                f"{name} {statistics.median(times[(name, tuple(command))]):.3f} s "
                f"({statistics.median(times[(name, tuple(command))]) / middle:.2f}x)"
                for name in trees
            )
            print(f"pathways {' '.join(command):50s} median: {figures}; bare import {middle:.3f} s")


if __name__ == "__main__":
    main()
