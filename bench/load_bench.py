"""Load benchmark: 200 people at once on one courtvcs server process and PostgreSQL.

Seeds a country (booking_bench.py's: 20 regions, 220 courts, a secretary in each court, a
coordinator at each regional court) with N hearings around today, starts uvicorn serving
courtvcs.asgi:application in a process of its own, and runs U simulated people for D
seconds from one asyncio client (httpx), each with their own session cookie:

  secretaries  their day's hearings   GET  /hearings/?date_from=D&date_to=D
               a hearing's console     GET  /hearings/<id>/
               a booking               POST /api/hearings (R10 check); a share of them on
                                       purpose on a slot already taken (expected: 409 R10),
                                       and a share as two bookings racing for one slot
  coordinators the endpoint timeline   GET  /board/?date=D
               the pending agreements  GET  /queue/
               an agreement            POST /api/hearings/<id>/agreement (agree, R11)

Each person waits a random think time (exponential, mean --think seconds) between two
requests. It prints throughput, p50/p95/p99 per kind and overall, errors (anything but 2xx,
except the expected 409 R10), bookings that should have been refused and were not, the
overlapping active bookings left in the database (overlapping_bookings(), must be []),
the server process's memory (VmRSS) at start and end and its CPU time, and the machine's
load average during the run.

    .venv/bin/python bench/load_bench.py                 # 200 people, 600 s
    .venv/bin/python bench/load_bench.py --short         # 200 people, 60 s
    .venv/bin/python bench/load_bench.py --users 50 --seconds 120 --think 2

The database (default postgres://postgres@127.0.0.1:5432/cv_bench) is created if missing,
migrated and EMPTIED first; its name must contain "bench" or "growth".
"""

import argparse
import asyncio
import collections
import datetime as dt
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import booking_bench as bb  # noqa: E402  (the country and its hearings)
from growth_bench import open_database  # noqa: E402

REPO = bb.REPO
SERVER_LOG = REPO / "var" / "bench" / "load_server.log"
RESULT_FILE = REPO / "var" / "bench" / "load_bench.json"
SECRETARY_MIX = (("day_list", 40), ("console", 40), ("booking", 20))
COORDINATOR_MIX = (("board", 50), ("queue", 35), ("agreement", 15))
COLLIDE_SHARE = 0.10   # bookings made on purpose on a slot already taken
RACE_SHARE = 0.05      # bookings sent twice at once for one free slot (two courtrooms)
KINDS = ("day_list", "console", "booking", "board", "queue", "agreement")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200, help="people at once (default 200)")
    parser.add_argument("--seconds", type=int, default=600, help="length of the run (default 600)")
    parser.add_argument("--short", action="store_true", help="a 60 s run, to check")
    parser.add_argument("--coordinators", type=float, default=0.2,
                        help="share of the people who are coordinators (default 0.2)")
    parser.add_argument("--think", type=float, default=5.0,
                        help="mean think time between a person's requests, s (default 5)")
    parser.add_argument("--hearings", type=int, default=20_000, help="hearings seeded (default 20000)")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/cv_bench")
    parser.add_argument("--max-requests", type=int, default=10,
                        help="requests inside Django at once per process (bench/load_asgi.py; 0: no limit)")
    parser.add_argument("--workers", type=int, default=1,
                        help="uvicorn worker processes (default 1; memory and CPU are summed)")
    parser.add_argument("--seed", type=int, default=20261201, help="random seed")
    args = parser.parse_args()
    if args.short:
        args.seconds = 60
    return args


# ---- the people ---------------------------------------------------------------------------

class Person:
    def __init__(self, role: str, username: str, cookies: dict, csrf: str):
        self.role, self.username, self.cookies, self.csrf = role, username, cookies, csrf
        # secretaries
        self.court: dict = {}
        self.region = 0
        self.hearings: list[int] = []
        # coordinators
        self.pending: list[int] = []


def prepare_people(args, country: "bb.Country", rng: random.Random) -> list[Person]:
    """Sessions for the secretaries of U*(1-c) courts and the coordinators (two tabs a region
    when there are enough people), with the hearings each will open or agree."""
    from django.conf import settings
    from django.test import Client
    from django.utils.crypto import get_random_string

    from courtvcs import kztime
    from courtvcs.hearings.models import AgreementRequest, Hearing
    from courtvcs.orgs.models import User

    coordinators = round(args.users * args.coordinators)
    secretaries = args.users - coordinators
    court_ids = list(country.courts)
    if secretaries > len(court_ids):
        sys.exit(f"{secretaries} secretaries but only {len(court_ids)} courts: lower --users")
    today = kztime.local_date(kztime.now())
    start = kztime.start_of_local_day(today - dt.timedelta(days=7))
    end = kztime.start_of_local_day(today + dt.timedelta(days=21))

    def person(role: str, user: User) -> Person:
        client = Client()
        client.force_login(user)
        csrf = get_random_string(32)  # the cookie's secret; sent back as X-CSRFToken
        cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
                   settings.CSRF_COOKIE_NAME: csrf}
        return Person(role, user.username, cookies, csrf)

    people = []
    for court_id in rng.sample(court_ids, secretaries):
        court = country.courts[court_id]
        p = person("secretary", User.objects.get(pk=court["secretary"]))
        p.court, p.region = court, court["region"]
        p.hearings = list(Hearing.objects.filter(court_id=court_id, starts_at__gte=start, starts_at__lt=end)
                          .values_list("pk", flat=True))
        people.append(p)
    pending = collections.defaultdict(list)
    for org, hearing in AgreementRequest.objects.filter(status="pending").values_list(
            "coordinator_org_id", "hearing_id").order_by("hearing_id"):
        pending[org].append(hearing)
    tabs = []
    for i in range(coordinators):
        region = country.regions[i % len(country.regions)]
        p = person("coordinator", User.objects.get(pk=region["coordinator"]))
        tabs.append((region["regional"], p))
        people.append(p)
    for org, hearings in pending.items():  # each tab of a region agrees its own share
        own = [p for o, p in tabs if o == org]
        for n, hearing in enumerate(hearings):
            if own:
                own[n % len(own)].pending.append(hearing)
    rng.shuffle(people)
    return people


# ---- the server -----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, workers: int, max_requests: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "courtvcs.settings",
           "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend", "LOG_LEVEL": "WARNING",
           "COURTVCS_BENCH_MAX_REQUESTS": str(max_requests),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), str(REPO / "bench"),
                                                         os.environ.get("PYTHONPATH", "")]))}
    app = "load_asgi:application" if max_requests else "courtvcs.asgi:application"
    env.pop("REDIS_URL", None)
    SERVER_LOG.parent.mkdir(parents=True, exist_ok=True)
    log = SERVER_LOG.open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1",
         "--port", str(port), "--no-access-log", "--log-level", "warning", "--workers", str(workers),
         # As docs/deploy.md says: longer than the client's own idle limit (httpx: 5 s), so
         # the server never closes a connection just as a request is sent on it.
         "--timeout-keep-alive", "75"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(server: subprocess.Popen, base: str) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited ({server.returncode}); see {SERVER_LOG}")
        try:
            if httpx.get(f"{base}/api/regions", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    sys.exit(f"the server did not answer in 60 s; see {SERVER_LOG}")


def processes(pid: int) -> list[int]:
    """The server process and, with --workers, its worker processes."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [pid] + [int(c) for c in children.read_text().split()] if children.exists() else [pid]


def rss_kb(pid: int) -> int:
    total = 0
    for p in processes(pid):
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def cpu_seconds(pid: int) -> float:
    total = 0.0
    for p in processes(pid):
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


# ---- the run --------------------------------------------------------------------------------

class Results:
    def __init__(self):
        self.times = collections.defaultdict(list)     # kind -> ms of every answered request
        self.statuses = collections.defaultdict(collections.Counter)
        self.expected_409 = collections.Counter()      # kind -> 409 naming R10, on purpose or in a race
        self.errors = collections.Counter()            # kind -> unexpected answers and failures
        self.error_samples: list[str] = []
        self.collisions = self.collisions_accepted = 0
        self.races = self.races_both_accepted = self.races_both_refused = 0
        self.booked = 0

    def error(self, kind: str, text: str) -> None:
        self.errors[kind] += 1
        if len(self.error_samples) < 20:
            self.error_samples.append(f"{kind}: {text[:500]}")


class Slots:
    """Free cells of every endpoint (booking_bench's calendar) and the slots taken in the run."""

    def __init__(self, calendar: "bb.Calendar", rng: random.Random):
        self.calendar, self.rng = calendar, rng
        self.earliest = calendar.today + dt.timedelta(days=2)
        self.booked: list[tuple[int, int, int]] = []   # (endpoint, day index, cell) booked in the run

    def free(self, endpoints) -> tuple[int, int] | None:
        slot = self.calendar.find(self.rng, endpoints, from_day=self.earliest)
        if slot is not None:
            self.calendar.take(endpoints, *slot)
        return slot

    def starts_at(self, slot) -> str:
        day = self.calendar.days[slot[0]]
        return self.calendar.start_of(day, slot[1]).astimezone(self.calendar.kz).isoformat()


def booking_body(person: Person, room: int, remote: int, starts_at: str, n: int) -> dict:
    return {
        "case_number": f"1-LOAD-{n}/2026", "category": "criminal", "instance": "first",
        "courtroom_id": room, "judge_id": person.court["judge"], "starts_at": starts_at,
        "duration_minutes": 60, "remote_endpoint_ids": [remote],
        "participants": [
            {"full_name": "Сериков Асхат Болатұлы", "procedural_role": "defendant",
             "mode": "remote_site", "remote_endpoint_id": remote},
            {"full_name": "Ахметова Дана", "procedural_role": "defence_lawyer",
             "mode": "mobile_vcs", "phone": "+7 701 111 22 33"},
        ],
    }


class Run:
    def __init__(self, args, base: str, people: list[Person], country, slots: Slots, days: list[dt.date]):
        self.args, self.base, self.people, self.country, self.slots = args, base, people, country, slots
        self.days = days          # the working days people look at (the next two weeks)
        self.results = Results()
        self.rng = random.Random(args.seed + 1)
        self.numbers = iter(range(1, 10**9))
        self.stop_at = 0.0

    async def request(self, client, kind: str, method: str, url: str, body: dict | None = None):
        """One request, timed; returns (status, parsed JSON or None)."""
        import httpx

        started = time.perf_counter()
        try:
            if method == "GET":
                response = await client.get(url)
            else:
                response = await client.post(url, content=json.dumps(body, ensure_ascii=False),
                                             headers={"Content-Type": "application/json"})
        except httpx.HTTPError as exc:
            self.results.error(kind, f"{type(exc).__name__}: {exc}")
            return None, None
        self.results.times[kind].append((time.perf_counter() - started) * 1000)
        self.results.statuses[kind][response.status_code] += 1
        data = None
        if response.headers.get("content-type", "").startswith("application/json"):
            data = response.json()
        return response.status_code, data

    def check(self, kind: str, status, data, *, refusal_expected: bool = False) -> bool:
        """Count the answer; True if the booking or agreement went through."""
        if status is None:
            return False
        if 200 <= status < 300:
            return True
        if kind == "booking" and status == 409 and (data or {}).get("rule") == "R10":
            if refusal_expected:
                self.results.expected_409[kind] += 1
                return False
        self.results.error(kind, f"{status} {json.dumps(data, ensure_ascii=False) if data else ''}")
        return False

    def pick(self, mix) -> str:
        return bb.pick(self.rng, mix)

    async def person(self, p: Person) -> None:
        import httpx

        headers = {"X-CSRFToken": p.csrf, "Accept-Language": "kk"}
        async with httpx.AsyncClient(base_url=self.base, cookies=p.cookies, headers=headers,
                                     timeout=120, limits=httpx.Limits(max_connections=2)) as client:
            await asyncio.sleep(self.rng.uniform(0, self.args.think))  # people do not start in step
            while time.monotonic() < self.stop_at:
                if p.role == "secretary":
                    await self.secretary(client, p)
                else:
                    await self.coordinator(client, p)
                await asyncio.sleep(self.rng.expovariate(1 / self.args.think) if self.args.think else 0)

    async def secretary(self, client, p: Person) -> None:
        kind = self.pick(SECRETARY_MIX)
        if kind == "day_list":
            day = self.rng.choice(self.days)
            status, data = await self.request(client, kind, "GET", f"/hearings/?date_from={day}&date_to={day}")
            self.check(kind, status, data)
        elif kind == "console" and p.hearings:
            status, data = await self.request(client, kind, "GET", f"/hearings/{self.rng.choice(p.hearings)}/")
            self.check(kind, status, data)
        elif kind == "console":
            return
        else:
            await self.book(client, p)

    def remote_for(self, p: Person) -> int:
        if self.rng.random() < 0.4:
            return self.rng.choice(self.country.institution_rooms[p.region])
        while True:
            remote = self.rng.choice(self.country.all_rooms)
            if remote not in p.court["rooms"]:
                return remote

    async def book(self, client, p: Person) -> None:
        results, roll = self.results, self.rng.random()
        if roll < COLLIDE_SHARE and self.slots.booked:
            # A slot someone has just booked: its remote site is busy then, so R10 refuses.
            remote, day, cell = self.rng.choice(self.slots.booked)
            if remote in p.court["rooms"]:
                return
            room = self.rng.choice(p.court["rooms"])
            body = booking_body(p, room, remote, self.slots.starts_at((day, cell)), next(self.numbers))
            results.collisions += 1
            status, data = await self.request(client, "booking", "POST", "/api/hearings", body)
            if self.check("booking", status, data, refusal_expected=True):
                results.collisions_accepted += 1
            return
        if roll < COLLIDE_SHARE + RACE_SHARE and len(p.court["rooms"]) >= 2:
            # Two bookings at once, two courtrooms, one remote site and slot: one must be refused.
            rooms = self.rng.sample(p.court["rooms"], 2)
            remote = self.remote_for(p)
            slot = self.slots.free((*rooms, remote))
            if slot is None:
                return
            starts_at = self.slots.starts_at(slot)
            results.races += 1
            answers = await asyncio.gather(*(
                self.request(client, "booking", "POST", "/api/hearings",
                             booking_body(p, room, remote, starts_at, next(self.numbers))) for room in rooms))
            accepted = sum(self.check("booking", s, d, refusal_expected=True) for s, d in answers)
            results.booked += accepted
            results.races_both_accepted += accepted == 2
            results.races_both_refused += accepted == 0
            if accepted:
                self.slots.booked.append((remote, *slot))
            return
        room, remote = self.rng.choice(p.court["rooms"]), self.remote_for(p)
        slot = self.slots.free((room, remote))
        if slot is None:
            return
        status, data = await self.request(client, "booking", "POST", "/api/hearings",
                                          booking_body(p, room, remote, self.slots.starts_at(slot),
                                                       next(self.numbers)))
        if self.check("booking", status, data):
            results.booked += 1
            self.slots.booked.append((remote, *slot))
            p.hearings.append(data["id"])

    async def coordinator(self, client, p: Person) -> None:
        kind = self.pick(COORDINATOR_MIX)
        if kind == "agreement" and p.pending:
            hearing = p.pending.pop()
            status, data = await self.request(client, kind, "POST", f"/api/hearings/{hearing}/agreement",
                                              {"answer": "agree"})
            self.check(kind, status, data)
            return
        if kind == "board":
            url = f"/board/?date={self.rng.choice(self.days)}"
        else:
            kind, url = "queue", "/queue/"
        status, data = await self.request(client, kind, "GET", url)
        self.check(kind, status, data)

    async def watch(self, pid: int, samples: list) -> None:
        while time.monotonic() < self.stop_at:
            samples.append((os.getloadavg()[0], rss_kb(pid)))
            await asyncio.sleep(5)

    async def run(self, pid: int) -> tuple[float, list]:
        samples: list = []
        started = time.monotonic()
        self.stop_at = started + self.args.seconds
        await asyncio.gather(self.watch(pid, samples), *(self.person(p) for p in self.people))
        return time.monotonic() - started, samples


# ---- the report -----------------------------------------------------------------------------

def report(args, database: str, run: Run, elapsed: float, samples, rss: tuple[int, int],
           cpu: float, overlaps: list, hearings_made: int) -> dict:
    r = run.results
    answered = sum(len(v) for v in r.times.values())
    everything = [t for v in r.times.values() for t in v]
    rows = []
    for kind in (*KINDS, "all"):
        times = everything if kind == "all" else r.times.get(kind, [])
        if not times:
            continue
        errors = sum(r.errors.values()) if kind == "all" else r.errors[kind]
        expected = sum(r.expected_409.values()) if kind == "all" else r.expected_409[kind]
        rows.append((kind, f"{len(times):,}", f"{len(times) / elapsed:.1f}", f"{bb.percentile(times, 50):.0f}",
                     f"{bb.percentile(times, 95):.0f}", f"{bb.percentile(times, 99):.0f}",
                     f"{max(times):.0f}", str(expected), str(errors)))
    header = ("kind", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "409 R10 expected", "errors")
    loads = [s[0] for s in samples] or [0.0]
    peak_rss = max([s[1] for s in samples] + list(rss))
    server_5xx = sum(n for v in r.statuses.values() for code, n in v.items() if code >= 500)
    print()
    print(f"{database}; {args.workers} server process(es), at most {args.max_requests or 'unlimited'} "
          f"requests in Django at once; {args.users} people "
          f"({round(args.users * args.coordinators)} coordinators), think "
          f"{args.think} s mean, {elapsed:.0f} s; {answered:,} answers, {answered / elapsed:.1f} req/s")
    print("| " + " | ".join(header) + " |")
    print("|---|" + "---:|" * (len(header) - 1))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    print("statuses: " + "; ".join(f"{k} {dict(sorted(v.items()))}" for k, v in sorted(r.statuses.items())))
    print(f"errors: {sum(r.errors.values())} (5xx: {server_5xx})")
    for sample in r.error_samples[:10]:
        print(f"  {sample}")
    print(f"bookings made: {r.booked} (hearings 1-LOAD-* in the database: {hearings_made}); "
          f"on purpose on a taken slot: {r.collisions}, accepted: {r.collisions_accepted}; "
          f"races of two: {r.races}, both accepted: {r.races_both_accepted}, both refused: "
          f"{r.races_both_refused}")
    print(f"double bookings: overlapping_bookings() = {overlaps[:5]}{' ...' if len(overlaps) > 5 else ''} "
          f"({len(overlaps)})")
    print(f"server process: VmRSS {rss[0] / 1024:.0f} MB at start, {rss[1] / 1024:.0f} MB at the end "
          f"(peak sampled {peak_rss / 1024:.0f} MB); CPU {cpu:.0f} s in {elapsed:.0f} s "
          f"({100 * cpu / elapsed:.0f} % of one core), {1000 * cpu / max(answered, 1):.0f} ms per answer")
    print(f"load average (1 min, every 5 s): start {loads[0]:.1f}, mean {sum(loads) / len(loads):.1f}, "
          f"max {max(loads):.1f}, end {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return {"rows": [dict(zip(header, row)) for row in rows], "elapsed": elapsed, "rss_kb": rss,
            "peak_rss_kb": peak_rss, "cpu_s": cpu, "loads": loads, "errors": dict(r.errors),
            "error_samples": r.error_samples, "statuses": {k: dict(v) for k, v in r.statuses.items()},
            "booked": r.booked, "collisions": r.collisions, "collisions_accepted": r.collisions_accepted,
            "races": r.races, "races_both_accepted": r.races_both_accepted, "overlaps": len(overlaps)}


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    database = open_database(args.database_url)
    from django.db import connection, connections

    from courtvcs import kztime
    from courtvcs.hearings.models import Hearing
    from courtvcs.hearings.services.booking import overlapping_bookings

    rng = random.Random(args.seed)
    country = bb.seed_country(rng)
    calendar = bb.Calendar(kztime.local_date(kztime.now()))
    seeded = bb.seed_hearings(country, calendar, rng, args.hearings, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    people = prepare_people(args, country, rng)
    today = calendar.today
    days = [d for d in calendar.days if today < d <= today + dt.timedelta(days=14)]
    print(f"{database}: seeded in {time.perf_counter() - started:.0f} s: {len(country.courts)} courts, {seeded}; "
          f"{sum(p.role == 'secretary' for p in people)} secretaries, "
          f"{sum(p.role == 'coordinator' for p in people)} coordinator tabs, "
          f"{sum(len(p.pending) for p in people)} pending agreements", flush=True)
    connections.close_all()

    port = free_port()
    server = start_server(args.database_url, port, args.workers, args.max_requests)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(server, base)
        rss_start = rss_kb(server.pid)
        cpu_start = cpu_seconds(server.pid)
        print(f"server pid {server.pid} on {base}: VmRSS {rss_start / 1024:.0f} MB; running "
              f"{args.users} people for {args.seconds} s from {dt.datetime.now(dt.UTC):%H:%M:%S} UTC",
              flush=True)
        run = Run(args, base, people, country, Slots(calendar, rng), days)
        elapsed, samples = asyncio.run(run.run(server.pid))
        rss_end = rss_kb(server.pid)
        cpu = cpu_seconds(server.pid) - cpu_start
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    overlaps = overlapping_bookings()
    made = Hearing.objects.filter(case_number__startswith="1-LOAD-").count()
    figures = report(args, database, run, elapsed, samples, (rss_start, rss_end), cpu, overlaps, made)
    RESULT_FILE.write_text(json.dumps({"args": vars(args), **figures}, indent=1, ensure_ascii=False))
    tracebacks = SERVER_LOG.read_text().count("Traceback")
    print(f"server log {SERVER_LOG}: {tracebacks} tracebacks")
    if overlaps or run.results.collisions_accepted or run.results.races_both_accepted or sum(
            run.results.errors.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
