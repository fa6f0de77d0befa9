"""Signalling across nodes: the relay time of WebRTC signals with 1,000 pages spread over two
courtvcs nodes (uvicorn processes) that share PostgreSQL and Redis.

The hearings, the pages and the talk are those of signalling_load_bench.py (imported, not
copied): N connected hearings (default 250), four pages each (courtroom console, detention
centre, lawyer on mobile VCS, judge's console); every media page sends an ICE candidate per
interval to its two peers in turn; the receiving page compares the send time written in
the signal with its own clock (same machine). Here a hearing's pages are spread as a
balancer would spread them: the courtroom and the judge on one node, the detention centre
and the lawyer on the other (alternating by hearing), so each node holds half the pages
and two of a room's three media links cross between the nodes through Redis while the
third stays within one node. Signals are counted apart by route (within a node, across).

Each node is `python -m tests.e2e.nodes serve` (the multi-node tests' node: uvicorn on
courtvcs.asgi, REDIS_URL, DATABASE_URL), with a channel prefix of its own per run. The
pages run in --page-processes processes of their own (spawn; one asyncio loop each, the
`websockets` client). CPU is read from /proc for each node and from Redis' INFO for Redis.

    .venv/bin/python bench/multinode_signalling_bench.py [--runs 5] [--seconds 10]
        [--clients 1000] [--interval 1.0] [--layer pubsub|queues]
        [--database-url postgres://postgres@127.0.0.1:5432/bench_multinode]
        [--redis-url redis://127.0.0.1:6379/0]

It empties (drops and creates) the database it is given.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import signalling_load_bench as load  # noqa: E402  (its pages, talk and seed)

# Which node holds each seat of a room, for even rooms (odd rooms: the other way round).
SEAT_NODE = {"courtroom": 0, "judge": 0, "remote": 1, "mobile": 1}
ROUTES = ("within", "cross")


# --- the pages: signalling_load_bench's, told which node each of their peers is on ----------
class Tap:
    """The page's WebSocket, noting each counted signal's route before the page reads it."""

    def __init__(self, ws, page: NodePage):
        self.ws, self.page = ws, page

    async def __aiter__(self):
        async for raw in self.ws:
            if '"signal"' in raw[:20]:
                now = time.monotonic_ns()
                message = json.loads(raw)
                data = message["data"]
                if data["w"] == self.page.counting:
                    seat = message["from"].split(".")[0].split("-")[0]
                    route = "within" if self.page.nodes[seat] == self.page.node else "cross"
                    self.page.routes[route].append((now - data["t"]) / 1e6)
            yield raw

    async def send(self, text):
        await self.ws.send(text)

    async def close(self):
        await self.ws.close()


class NodePage(load.Page):
    def __init__(self, node: int, nodes: dict, **spec):
        super().__init__(**spec)
        self.node, self.nodes = node, nodes
        self.routes: dict[str, list[float]] = {r: [] for r in ROUTES}

    @property
    def ws(self):
        return self._ws

    @ws.setter
    def ws(self, value):
        self._ws = value if value is None else Tap(value, self)


_talk = load.talk


async def talk_by_route(pages, window, command, pipe) -> dict:
    for page in pages:
        page.routes = {r: [] for r in ROUTES}
    result = await _talk(pages, window, command, pipe)
    result["routes"] = {r: [x for p in pages for x in p.routes[r]] for r in ROUTES}
    return result


def node_pages_main(spec: dict, pipe) -> None:
    """A pages process: signalling_load_bench's, with pages that know their peers' nodes."""
    load.Page = NodePage
    load.talk = talk_by_route
    load.pages_main(spec, pipe)


# --- the database, the nodes, Redis -----------------------------------------------------------
def fresh_database(url: str) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    if "bench" not in cfg["NAME"]:
        sys.exit(f"database {cfg['NAME']!r}: the benchmark drops its database; give it one whose "
                 "name says bench (e.g. bench_multinode)")
    conninfo = {"host": cfg.get("HOST") or "127.0.0.1", "port": cfg.get("PORT") or 5432,
                "user": cfg.get("USER") or "postgres", "dbname": "postgres"}
    if cfg.get("PASSWORD"):
        conninfo["password"] = cfg["PASSWORD"]
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def seed(args) -> list[dict]:
    """signalling_load_bench's hearings and sessions, in PostgreSQL (Django is set up first,
    so its SQLite file and in-memory layer settings do not apply)."""
    fresh_database(args.database_url)
    os.environ.update({"DATABASE_URL": args.database_url, "DJANGO_SETTINGS_MODULE": "courtvcs.settings",
                       "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
                       # as signalling_load_bench: the staff session limits off (Flow moves the clock)
                       "COURTVCS_SESSION_IDLE_MINUTES": "0", "COURTVCS_SESSION_ABSOLUTE_HOURS": "0"})
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    return load.seed(args.clients // len(load.SEATS))


def node_cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def node_waited_seconds(pid: int) -> float:
    """Seconds the node's event loop (its main thread) was ready to run but had no CPU."""
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[1]) / 1e9


def redis_cpu_seconds(client) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


class Pages:
    """A pages process and its pipe."""

    def __init__(self, name: str, pages: list[dict]):
        context = multiprocessing.get_context("spawn")
        self.name = name
        self.pipe, theirs = context.Pipe()
        spec = {"url": "", "origin": "http://127.0.0.1", "pages": pages}
        self.process = context.Process(target=node_pages_main, args=(spec, theirs), name=name)
        self.process.start()
        theirs.close()

    def next(self, expected: str, timeout: float = 600):
        if not self.pipe.poll(timeout):
            raise RuntimeError(f"{self.name}: no answer within {timeout:g} s")
        what, value = self.pipe.recv()
        if what == "failed":
            raise RuntimeError(f"{self.name}: the pages failed: {value}")
        if what != expected:
            raise RuntimeError(f"{self.name}: expected {expected}, got {what}")
        return value

    def close(self) -> None:
        if self.process.is_alive():
            with contextlib.suppress(Exception):
                self.pipe.send({"do": "close"})
                self.next("closed", 60)
            self.process.join(30)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def spread(plan: list[dict], nodes, processes: int) -> list[list[dict]]:
    """Each hearing's pages on their nodes; the hearings dealt to the pages processes."""
    shares: list[list[dict]] = [[] for _ in range(processes)]
    for room, hearing in enumerate(plan):
        layout = {seat: (node + room) % 2 for seat, node in SEAT_NODE.items()}
        for seat in load.SEATS:
            node = nodes[layout[seat]]
            shares[room % processes].append({
                "room": room, "seat": seat, "cookie": hearing["cookies"][seat],
                "path": f"{node.ws_url_for()}{hearing['path']}", "node": layout[seat], "nodes": layout})
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=10.0, help="counted seconds of signals per run")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of signals not counted")
    parser.add_argument("--clients", type=int, default=1000, help="pages, 4 per hearing")
    parser.add_argument("--interval", type=float, default=1.0,
                        help="seconds between two signals of one media page")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--layer", choices=("pubsub", "queues"), default="pubsub",
                        help="the Redis channel layer of the nodes (COURTVCS_REDIS_LAYER)")
    parser.add_argument("--page-processes", type=int, default=2)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_multinode")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    if args.clients % (2 * len(load.SEATS)):
        parser.error(f"--clients must be a multiple of {2 * len(load.SEATS)}")
    load.raise_fd_limit(2 * args.clients + 200)

    import redis

    from tests.e2e.nodes import NodeProcess, node_environment

    t0 = time.monotonic()
    plan = seed(args)
    seeded = time.monotonic() - t0
    redis_client = redis.Redis.from_url(args.redis_url)
    env = node_environment(redis_url=args.redis_url, prefix=f"courtvcs-bench-{secrets.token_hex(4)}",
                           extra={"COURTVCS_REDIS_LAYER": args.layer, "LOG_LEVEL": "WARNING",
                                  "COURTVCS_SESSION_IDLE_MINUTES": "0", "COURTVCS_SESSION_ABSOLUTE_HOURS": "0"})
    env.pop("COURTVCS_NODE_PASSWORD_HASHERS", None)
    print(f"signalling across nodes: {args.clients} pages in {len(plan)} connected hearings over 2 "
          f"nodes (uvicorn processes), PostgreSQL, Redis ({args.layer} layer); each media page sends "
          f"an ICE candidate every {args.interval:g} s; {args.runs} runs of {args.seconds:g} s counted "
          f"(+{args.warmup:g} s not); seeded in {seeded:.1f} s")
    print(f"CPUs: {os.cpu_count()}, load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    rows = []
    with tempfile.TemporaryDirectory(prefix="courtvcs-nodes-") as logs, contextlib.ExitStack() as stack:
        nodes = [NodeProcess(env, f"node{n + 1}", Path(logs)).start() for n in range(2)]
        for node in nodes:
            stack.callback(node.stop)
            node.wait_ready()
        t1 = time.monotonic()
        processes = []
        for n, share in enumerate(spread(plan, nodes, args.page_processes)):
            processes.append(Pages(f"pages-{n + 1}", share))
            stack.callback(processes[-1].close)
        for p in processes:
            p.next("ready")
        print(f"{args.clients} pages connected and joined their rooms in {time.monotonic() - t1:.1f} s "
              f"({args.page_processes} pages processes)")
        print(f"{'run':>3}  {'p50':>8} {'p99':>8}  {'within p50':>10} {'p99':>8}  {'cross p50':>9} {'p99':>8}"
              f"  {'n':>5}  {'node1 CPU':>9} {'node2':>5} {'redis':>5}  {'CPU/signal':>10}  {'CPU wait node1':>14} {'node2':>5}"
              "  load")
        for run in range(args.runs):
            for p in processes:
                p.pipe.send({"do": "talk", "interval": args.interval, "warmup": args.warmup,
                             "seconds": args.seconds, "seed": args.seed + run})
            for p in processes:
                p.next("counting")
            before = [node_cpu_seconds(n.process.pid) for n in nodes], redis_cpu_seconds(redis_client)
            waited = [node_waited_seconds(n.process.pid) for n in nodes]
            for p in processes:
                p.next("stopped")
            after = [node_cpu_seconds(n.process.pid) for n in nodes], redis_cpu_seconds(redis_client)
            waited = [(node_waited_seconds(n.process.pid) - w) / args.seconds
                      for n, w in zip(nodes, waited, strict=True)]
            results = [p.next("result") for p in processes]
            lat = [x for r in results for x in r["latencies"]]
            routes = {k: [x for r in results for x in r["routes"][k]] for k in ROUTES}
            sent = sum(r["sent"] for r in results)
            node_cpu = [(a - b) / args.seconds for a, b in zip(after[0], before[0], strict=True)]
            redis_cpu = (after[1] - before[1]) / args.seconds
            row = {"p50": load.pct(lat, 50), "p99": load.pct(lat, 99), "n": len(lat), "sent": sent,
                   **{f"{k}_{q}": load.pct(v, int(q[1:])) for k, v in routes.items() for q in ("p50", "p99")},
                   "node_cpu": node_cpu, "redis_cpu": redis_cpu, "waited": waited,
                   "cpu_ms": (sum(node_cpu) + redis_cpu) * args.seconds * 1000 / max(1, sent),
                   "errors": [e for r in results for e in r["errors"]], "late": sum(r["late"] for r in results)}
            rows.append(row)
            print(f"{run + 1:>3}  {row['p50']:>5.2f} ms {row['p99']:>5.2f} ms  {row['within_p50']:>7.2f} ms "
                  f"{row['within_p99']:>5.2f} ms  {row['cross_p50']:>6.2f} ms {row['cross_p99']:>5.2f} ms"
                  f"  {row['n']:>5}  {node_cpu[0]:>9.0%} {node_cpu[1]:>5.0%} {redis_cpu:>5.0%}"
                  f"  {row['cpu_ms']:>7.2f} ms  {waited[0]:>14.0%} {waited[1]:>5.0%}  {os.getloadavg()[0]:.2f}")
            if row["n"] != sent or row["errors"] or row["late"]:
                print(f"     {sent} sent, {row['n']} received within {load.DRAIN_SECONDS:g} s of the window's "
                      f"end; {row['late']} of an earlier window; errors: {row['errors'][:3]}")

    def summary(label, values, unit=""):
        return f"{label:<28} median {statistics.median(values):>8.2f}   p90 {load.pct(values, 90):>8.2f} {unit}"

    print(f"\nover {args.runs} runs (median and p90 of the runs' figures)")
    for key, label in (("p50", "all p50"), ("p99", "all p99"), ("within_p50", "within a node p50"),
                       ("within_p99", "within a node p99"), ("cross_p50", "across nodes p50"),
                       ("cross_p99", "across nodes p99")):
        print(summary(label, [r[key] for r in rows], "ms"))
    print(summary("node CPU (each, mean), %", [sum(r["node_cpu"]) * 50 for r in rows], "of one core"))
    print(summary("Redis CPU, %", [r["redis_cpu"] * 100 for r in rows], "of one core"))
    print(summary("CPU per signal (nodes+Redis)", [r["cpu_ms"] for r in rows], "ms"))
    print(summary("CPU wait (each node, mean), %", [sum(r["waited"]) * 50 for r in rows],
                  "of the time: ready to run, no CPU free"))
    print(f"signals counted per run: {rows[0]['sent']}; load average at end: "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
