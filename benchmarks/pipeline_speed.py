"""Pipeline projection at size: every bundled role, every library progression link funded, 10 years, 1,000
Monte Carlo runs; run by hand (the README quotes the figure; the target is under 5 s).

    .venv/bin/python benchmarks/pipeline_speed.py [--runs 1000] [--years 10] [--area kent]

The plan is built in code: each role starts from its own headcount in the area where the library has
one, else 100; turnover is the library's figure for the area, else 10%; each of the library's
progression links is a flow of 5 places a year with 10% attrition (training time from the link), and
the turnover and attrition rates vary between runs (spreads 0.2 and 0.3). The time is Session.pipeline's
(plan checked, figures looked up, projection run and summarised), with the graph already loaded; peak
memory is what Python and numpy allocated during it (tracemalloc).
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.supply import supply_of  # noqa: E402
from pathways.session import Session  # noqa: E402

TARGET_SECONDS = 5.0


def every_role_plan(session: Session, area: str, years: int) -> dict:
    graph = session.graph
    roles = {}
    for _, data in sorted(graph.nodes(data=True)):
        if data.get("kind") != "Role":
            continue
        known = supply_of(graph, data["id"], area)
        own = known.get("headcount")
        figures = {}
        if own is None or own.area != area or own.subject != data["title"]:
            figures["headcount"] = 100
        if "turnover_rate" not in known:
            figures["turnover_rate"] = 0.1
        roles[data["id"]] = figures
    flows = [
        {"from": graph.nodes[a]["id"], "to": graph.nodes[b]["id"], "places": 5, "attrition": 0.1}
        for a, b, key in graph.edges(keys=True)
        if key == "PROGRESSES_TO"
    ]
    return {
        "name": "Every bundled role, every link",
        "area": area,
        "years": years,
        "roles": roles,
        "flows": flows,
        "uncertainty": {"turnover": 0.2, "attrition": 0.3},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--area", default="kent")
    args = parser.parse_args()
    session = Session.open(embeddings=False)
    started = time.perf_counter()
    plan = every_role_plan(session, args.area, args.years)
    print(f"graph loaded and plan built in {time.perf_counter() - started:.2f} s")
    session.pipeline(plan, runs=10, seed=1)  # warm: first imports
    tracemalloc.start()
    started = time.perf_counter()
    result = session.pipeline(plan, runs=args.runs, seed=1)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{len(result.roles)} roles, {len(result.flows)} flows, {result.years} years, {result.runs} runs: "
        f"{seconds:.2f} s, peak {peak / 2**20:.0f} MB ({'under' if seconds < TARGET_SECONDS else 'OVER'} the "
        f"{TARGET_SECONDS:g} s target)"
    )


if __name__ == "__main__":
    main()
