"""A bounded load test of the web page on loopback: 50 concurrent clients for 30 s; run by hand.

    .venv/bin/python benchmarks/web_load.py                    # 50 clients, 30 s
    .venv/bin/python benchmarks/web_load.py --clients 10 --seconds 10

It starts `pathways serve` on a free loopback port in its own process (so the clients do not share the
server's interpreter), waits until it answers, asks every URL once to warm it, then lets each client ask
the role, route and compare pages in turn (a few questions of each, on the bundled library) until the time
is up. It prints, per page, the requests, the errors (any status but 200, or no answer: there must be
none) and the p50 and p95 latency, and exits 1 if there was an error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
RUN = "import sys; sys.argv[0] = 'pathways'; from cli.main import main; main()"
PAGES = {
    "role": [
        "/roles/hsc%3Acare-worker",
        "/roles/healthcare%20assistant",
        "/roles/registered%20nurse%20(adult)",
        "/roles/phlebotomist",
    ],
    "route": [
        "/routes?from=care+worker&to=registered+nurse+%28adult%29",
        "/routes?from=healthcare+assistant",
        "/routes?start=education&education=hsc%3Aa-levels",
    ],
    "compare": [
        "/compare?a=healthcare+assistant&b=care+worker",
        "/compare?a=phlebotomist&b=senior+care+worker",
        "/compare/matrix",
    ],
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    command = [sys.executable, "-c", RUN, "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL)


def wait_until_up(base: str, server: subprocess.Popen, limit: float = 180) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"web_load: the server stopped (exit {server.returncode})")
        try:
            if httpx.get(base + "/api/roles/care-worker", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise SystemExit("web_load: the server did not answer in time")


async def client(
    http: httpx.AsyncClient, number: int, stop: float, times: dict[str, list[float]], errors: dict[str, int]
) -> None:
    """One user: the role, route and compare pages in turn, each time the next question of each."""
    kinds = list(PAGES)
    turn = number
    while time.monotonic() < stop:
        kind = kinds[turn % len(kinds)]
        url = PAGES[kind][(turn // len(kinds)) % len(PAGES[kind])]
        turn += 1
        started = time.perf_counter()
        try:
            response = await http.get(url)
            ok = response.status_code == 200
        except httpx.HTTPError:
            ok = False
        times[kind].append(time.perf_counter() - started)
        if not ok:
            errors[kind] += 1


async def load(base: str, clients: int, seconds: float) -> tuple[dict[str, list[float]], dict[str, int], float]:
    times: dict[str, list[float]] = {kind: [] for kind in PAGES}
    errors = dict.fromkeys(PAGES, 0)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as http:
        for urls in PAGES.values():  # warm: the first question of each kind builds what the rest reuse
            for url in urls:
                (await http.get(url)).raise_for_status()
        started = time.monotonic()
        stop = started + seconds
        await asyncio.gather(*(client(http, n, stop, times, errors) for n in range(clients)))
        return times, errors, time.monotonic() - started


def percentile(values: list[float], share: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    try:
        wait_until_up(base, server)
        times, errors, elapsed = asyncio.run(load(base, args.clients, args.seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = sum(len(t) for t in times.values())
    print(f"web_load: {args.clients} clients for {elapsed:.0f} s on {base}: {total} requests ({total / elapsed:.1f}/s)")
    print(f"{'page':8} {'requests':>9} {'errors':>7} {'p50 s':>7} {'p95 s':>7}")
    for kind, values in times.items():
        p50, p95 = (percentile(values, 0.5), percentile(values, 0.95)) if values else (0.0, 0.0)
        print(f"{kind:8} {len(values):9d} {errors[kind]:7d} {p50:7.2f} {p95:7.2f}")
    return 1 if any(errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
