"""Signalling under load: the relay time of WebRTC signals with 500 pages connected to one
server process, many hearings at once, next to a bare WebSocket relay on the same server.

One process serves courtvcs's ASGI application with uvicorn over real TCP on 127.0.0.1 (the
embedded run: SQLite file, in-memory channel layer). N connected hearings (default 125) each
have four pages open: the courtroom console (the secretary), the detention centre's VCS room
(the institution's officer), a defence lawyer on mobile VCS (personal link, admitted by the
secretary) and the judge's console (watches, sends no media). The three media pages of every
room say hello and learn each other's peer ids; then, in each run, every media page sends one
ICE candidate per interval (default 1 s) to its two peers in turn. The receiving page compares
the send time written in the signal with its clock (same machine): the one-way relay time,
through both WebSocket connections and the server.

The floor is a bare ASGI relay (no Django, no Channels) served by the same uvicorn settings
in the same process: the same 500 connections in the same rooms, the same hello, the same
signals at the same rate and size, relayed to the named peer. Both servers and their pages
are started once and stay connected, as a day's hearings do; each run then measures courtvcs
and the floor one after the other (alternating which goes first), only one of them talking
at a time.

The pages of each server run in a process of their own (multiprocessing, spawn; one asyncio
loop with the `websockets` client), so that their work does not run on the servers'
interpreter.

    .venv/bin/python bench/signalling_load_bench.py [--runs 10] [--seconds 10] [--clients 500]
        [--interval 1.0] [--profile var/bench/signalling_load.prof]

It runs on a fresh SQLite file, var/bench/signalling_load_bench.sqlite3.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import json
import multiprocessing
import os
import random
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DB = REPO / "var" / "bench" / "signalling_load_bench.sqlite3"
# The pages of one hearing's room, in the order they connect.
SEATS = ("courtroom", "remote", "mobile", "judge")
MEDIA_SEATS = ("courtroom", "remote", "mobile")
# A server-reflexive ICE candidate as Chromium sends it: the commonest signal of a call.
CANDIDATE = {"candidate": "candidate:842163049 1 udp 1677729535 10.231.1.2 51234 typ srflx "
                          "raddr 0.0.0.0 rport 0 generation 0 ufrag sTuv network-cost 999",
             "sdpMid": "0", "sdpMLineIndex": 0, "usernameFragment": "sTuv"}
CONNECTING_AT_ONCE = 50
DRAIN_SECONDS = 15.0  # how long the last signals of a window may take to arrive


# --- the hearings and the people's sessions (server process) ------------------------------
def seed(rooms: int) -> list[dict]:
    """`rooms` connected hearings with their four seats; returns each room's path and cookies."""
    DB.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "courtvcs.settings"
    # The staff session limits are off, as in the test suite: the benchmark moves the clock
    # by days on one signed-in person (Flow), which the 30-minute idle limit would end.
    os.environ["COURTVCS_SESSION_IDLE_MINUTES"] = "0"
    os.environ["COURTVCS_SESSION_ABSOLUTE_HOURS"] = "0"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("REDIS_URL", None)  # the embedded run's in-memory channel layer
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from courtvcs.orgs.tests.factories import give_second_factor, verify_forced_logins

    verify_forced_logins()  # force_login: a member of staff past the TOTP code step (issue 7)
    import secrets

    import time_machine
    from django.conf import settings
    from django.contrib import auth
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from conftest import ApiClient
    from courtvcs.hearings.choices import AttendanceResult
    from courtvcs.hearings.models import AttendanceCheck, Hearing, Participant
    from courtvcs.hearings.services.hearing_day import check_attendance
    from courtvcs.hearings.tests.flow import Flow
    from courtvcs.hearings.tests.world import NOW, build_world
    from courtvcs.live.models import MobileLink
    from courtvcs.live.services import mobile

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    with time_machine.travel(NOW, tick=False) as clock:
        world = build_world()
        flow = Flow(world, lambda user=None, language=None: ApiClient(user, language), clock)
        flow.to("connected")
        first = Hearing.objects.get(pk=flow.hearing_id)
        lawyer = first.participants.get(procedural_role="defence_lawyer")
        # R20: the secretary has checked the lawyer's identity, so the lawyer's media may flow.
        check_attendance(actor=world.secretary, hearing_id=first.pk, participant_id=lawyer.pk,
                         result=AttendanceResult.ADMITTED, document="ID card 012345678")
    admitted = AttendanceCheck.objects.get(participant=lawyer)

    # The other hearings are copies of the first, at the same moment of the same procedure:
    # the signalling reads the hearing, its sites, participants, link and attendance check.
    hearing_ids = [first.pk]
    with transaction.atomic():
        for _ in range(rooms - 1):
            hearing = Hearing.objects.get(pk=first.pk)
            hearing.pk = None
            hearing.save(force_insert=True)
            sites = {}
            for site in first.remote_sites.all():
                old = site.pk
                site.pk, site.hearing = None, hearing
                site.save(force_insert=True)
                sites[old] = site
            for person in Participant.objects.filter(hearing=first):
                is_lawyer = person.pk == lawyer.pk
                person.pk, person.hearing = None, hearing
                person.remote_site = sites.get(person.remote_site_id)
                person.save(force_insert=True)
                if is_lawyer:
                    check = AttendanceCheck.objects.get(pk=admitted.pk)
                    check.pk, check.hearing, check.participant = None, hearing, person
                    check.save(force_insert=True)
            hearing_ids.append(hearing.pk)

        # A personal link for each lawyer (R17). The consumer checks it against the real
        # clock, so it expires a day from now whatever the date of the booked hearing.
        now = timezone.now()
        for hearing_id in hearing_ids:
            person = Participant.objects.get(hearing_id=hearing_id, procedural_role="defence_lawyer")
            MobileLink.objects.create(
                hearing_id=hearing_id, participant=person, created_at=now, created_by=world.secretary,
                token_sha256=mobile.token_hash(secrets.token_urlsafe(mobile.TOKEN_BYTES)),
                expires_at=now + timezone.timedelta(days=1))

    def signed_in(user) -> str:
        # What django.contrib.auth.login stores, one session per page (as one browser each).
        store = SessionStore()
        store[auth.SESSION_KEY] = str(user.pk)
        store[auth.BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[auth.HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[DEVICE_ID_SESSION_KEY] = give_second_factor(user).persistent_id  # and the code (issue 7)
        store.create()
        return store.session_key

    def exchanged(link: MobileLink) -> str:
        # The lawyer opened the personal link: the session holds the link (services/mobile.py).
        store = SessionStore()
        store[mobile.SESSION_KEY] = link.pk
        store.create()
        return store.session_key

    links = {link.hearing_id: link for link in MobileLink.objects.filter(hearing_id__in=hearing_ids)}
    plan = []
    for hearing_id in hearing_ids:
        keys = {"courtroom": signed_in(world.secretary), "remote": signed_in(world.officer),
                "mobile": exchanged(links[hearing_id]), "judge": signed_in(world.judge)}
        plan.append({"hearing": hearing_id, "path": f"/ws/live/hearing/{hearing_id}/",
                     "cookies": {seat: f"{settings.SESSION_COOKIE_NAME}={key}" for seat, key in keys.items()}})
    return plan


# --- the floor: a bare WebSocket relay -------------------------------------------------------
def relay_app():
    """A bare ASGI WebSocket relay with courtvcs's message shapes and nothing else.

    /relay/<room>/<seat>: on connect a welcome with the peer id; "hello" introduces the page
    to the room's other pages that said hello, and them to it; a signal goes to the named peer
    of the same room as {"type": "signal", "from", "data"}, written straight to its socket.
    """
    rooms: dict[str, dict[str, object]] = {}
    said_hello: dict[str, dict[str, str]] = {}

    async def app(scope, receive, send):
        if scope["type"] != "websocket":
            return
        _, _relay, room, seat = scope["path"].split("/")
        peer = f"{seat}.{room}"
        if (await receive())["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        members = rooms.setdefault(room, {})
        hello = said_hello.setdefault(room, {})
        members[peer] = send
        await send({"type": "websocket.send", "text": json.dumps({"type": "welcome", "peer": peer})})
        try:
            while True:
                event = await receive()
                if event["type"] == "websocket.disconnect":
                    break
                message = json.loads(event["text"])
                if message["type"] == "signal":
                    target = members.get(message["to"])
                    if target is not None:
                        await target({"type": "websocket.send", "text": json.dumps(
                            {"type": "signal", "from": peer, "data": message["data"]})})
                elif message["type"] == "hello":
                    for other, site in list(hello.items()):
                        await members[other]({"type": "websocket.send", "text": json.dumps(
                            {"type": "peer", "peer": peer, "site": seat})})
                        await send({"type": "websocket.send", "text": json.dumps(
                            {"type": "peer", "peer": other, "site": site})})
                    hello[peer] = seat
        finally:
            members.pop(peer, None)
            hello.pop(peer, None)

    return app


# --- the pages (client process) --------------------------------------------------------------
class Page:
    def __init__(self, room: int, seat: str, path: str, cookie: str):
        self.room, self.seat, self.path, self.cookie = room, seat, path, cookie
        self.media = seat in MEDIA_SEATS
        self.ws = None
        self.peer = ""
        self.peers: dict[str, str] = {}  # site -> peer id
        self.welcomed = asyncio.Event()
        self.joined = asyncio.Event()
        self.counting = -1  # the window whose signals are counted now (none yet)
        self.latencies: list[float] = []
        self.late = 0  # signals of an earlier window, arrived after it was closed
        self.errors: list[str] = []
        self.sent = 0

    async def read(self):
        try:
            async for raw in self.ws:
                now = time.monotonic_ns()
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "signal":
                    data = message["data"]
                    if data["w"] == self.counting:
                        self.latencies.append((now - data["t"]) / 1e6)
                    elif data["w"]:
                        self.late += 1
                elif kind == "welcome":
                    self.peer = message["peer"]
                    self.welcomed.set()
                elif kind == "peer":
                    self.peers[message["site"]] = message["peer"]
                    if self.media and len(self.peers) >= len(MEDIA_SEATS) - 1:
                        self.joined.set()
                elif kind == "bye":
                    self.peers.pop(message.get("site"), None)
                elif kind in ("error", "replaced", "revoked"):
                    self.errors.append(f"{kind}: {message.get('detail', '')}")
        except Exception as exc:  # a connection the server closed: reported, not raised
            self.errors.append(f"closed: {exc!r}")


async def open_pages(specs: list[dict], url: str, origin: str) -> tuple[list[Page], list, dict]:
    """Connect every page (a few at a time, as pages open over a morning), then say hello."""
    from websockets.asyncio.client import connect

    pages = [Page(**c) for c in specs]
    readers = []
    gate = asyncio.Semaphore(CONNECTING_AT_ONCE)

    async def open_page(page: Page):
        async with gate:
            # Browsers send no pings of their own; the server's keepalive pings stay as set.
            page.ws = await connect(url + page.path, open_timeout=120, ping_interval=None,
                                    max_queue=None,
                                    additional_headers=[("Origin", origin), ("Cookie", page.cookie)])
            readers.append(asyncio.create_task(page.read()))
            await asyncio.wait_for(page.welcomed.wait(), 120)

    t0 = time.monotonic()
    await asyncio.gather(*(open_page(p) for p in pages))
    connected = time.monotonic() - t0
    for page in pages:
        if page.media:
            await page.ws.send(json.dumps({"type": "hello"}))
    await asyncio.wait_for(asyncio.gather(*(p.joined.wait() for p in pages if p.media)), 120)
    return pages, readers, {"connect_s": connected, "join_s": time.monotonic() - t0 - connected}


async def talk(pages: list[Page], window: int, command: dict, pipe) -> dict:
    """One window: every media page sends a candidate per interval to its peers in turn."""
    loop = asyncio.get_running_loop()
    rng = random.Random(command["seed"] * 1000 + window)
    interval, warmup, seconds = command["interval"], command["warmup"], command["seconds"]
    start = loop.time() + 0.2
    counted_from, end = start + warmup, start + warmup + seconds
    for page in pages:
        page.latencies, page.sent, page.late, page.errors, page.counting = [], 0, 0, [], -1

    async def speak(page: Page):
        peers = sorted(page.peers.values())
        at, k = start + rng.uniform(0, interval), 0
        while at < end:
            await asyncio.sleep(max(0.0, at - loop.time()))
            counted = at >= counted_from
            data = {**CANDIDATE, "t": time.monotonic_ns(), "w": window if counted else 0}
            try:
                await page.ws.send(json.dumps({"type": "signal", "to": peers[k % len(peers)], "data": data}))
            except Exception as exc:  # the server closed this page: reported with the window's figures
                page.errors.append(f"send: {exc!r}")
                return
            page.sent += counted
            k, at = k + 1, at + interval

    async def counting():
        await asyncio.sleep(max(0.0, counted_from - loop.time()))
        for page in pages:
            page.counting = window
        pipe.send(("counting", None))

    speakers = [asyncio.create_task(speak(p)) for p in pages if p.media]
    await counting()
    cpu0 = time.process_time()
    await asyncio.gather(*speakers)
    cpu = time.process_time() - cpu0
    pipe.send(("stopped", None))
    sent = sum(p.sent for p in pages)
    deadline = loop.time() + DRAIN_SECONDS
    while sum(len(p.latencies) for p in pages) < sent and loop.time() < deadline:
        await asyncio.sleep(0.05)
    for page in pages:
        page.counting = -1
    return {"latencies": [x for p in pages for x in p.latencies], "sent": sent,
            "late": sum(p.late for p in pages), "errors": [e for p in pages for e in p.errors],
            "pages_cpu": cpu / seconds}


async def pages_loop(spec: dict, pipe) -> None:
    loop = asyncio.get_running_loop()
    pages, readers, timing = await open_pages(spec["pages"], spec["url"], spec["origin"])
    pipe.send(("ready", timing))
    window = 0
    while True:
        command = await loop.run_in_executor(None, pipe.recv)
        if command["do"] == "close":
            break
        window += 1
        pipe.send(("result", await talk(pages, window, command, pipe)))
    await asyncio.gather(*(p.ws.close() for p in pages), return_exceptions=True)
    await asyncio.gather(*readers, return_exceptions=True)
    pipe.send(("closed", None))


def pages_main(spec: dict, pipe) -> None:
    """The pages' process: one asyncio loop holding every connection."""
    raise_fd_limit(len(spec["pages"]) + 100)
    try:
        asyncio.run(pages_loop(spec, pipe))
    except BaseException as exc:
        pipe.send(("failed", repr(exc)))
        raise
    finally:
        pipe.close()


# --- the server side ----------------------------------------------------------------------
def raise_fd_limit(need: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))


def server_class():
    from tests.e2e.live import AsgiServer

    class Server(AsgiServer):
        """The browser tests' uvicorn in a thread, keeping its event loop (for --profile)."""

        loop: asyncio.AbstractEventLoop | None = None

        def _serve(self) -> None:
            serve = self.server.serve

            async def serve_keeping_loop(sockets=None):
                self.loop = asyncio.get_running_loop()
                await serve(sockets=sockets)

            self.server.serve = serve_keeping_loop
            super()._serve()

        def in_loop(self, fn) -> None:
            done = threading.Event()
            self.loop.call_soon_threadsafe(lambda: (fn(), done.set()))
            done.wait(10)

    return Server


class Target:
    """A server in this process and its pages in another, connected and joined."""

    def __init__(self, kind: str, app, pages: list[dict]):
        self.kind = kind
        self.server = server_class()(app, host="127.0.0.1").start()
        self.process = None
        spec = {"url": f"ws://127.0.0.1:{self.server.port}",
                "origin": f"http://127.0.0.1:{self.server.port}", "pages": pages}
        context = multiprocessing.get_context("spawn")
        self.pipe, theirs = context.Pipe()
        try:
            self.process = context.Process(target=pages_main, args=(spec, theirs), name=f"pages-{kind}")
            self.process.start()
            theirs.close()
            self.timing = self._next("ready")
        except BaseException:
            self.close()
            raise

    def _next(self, expected: str, timeout: float = 300):
        if not self.pipe.poll(timeout):
            raise RuntimeError(f"{self.kind}: the pages did not answer within {timeout:g} s")
        what, value = self.pipe.recv()
        if what == "failed":
            raise RuntimeError(f"{self.kind}: the pages failed: {value}")
        if what != expected:
            raise RuntimeError(f"{self.kind}: expected {expected}, got {what}")
        return value

    def talk(self, args, profile: str | None = None) -> dict:
        self.pipe.send({"do": "talk", "interval": args.interval, "warmup": args.warmup,
                        "seconds": args.seconds, "seed": args.seed})
        # cProfile sees every thread of the process (sys.monitoring): the other threads only
        # wait meanwhile (this one on the pipe, the database threads on their queue).
        profiler = cProfile.Profile() if profile else None
        self._next("counting")
        before, waited = resource.getrusage(resource.RUSAGE_SELF), self._waited()
        if profiler:
            self.server.in_loop(profiler.enable)
        self._next("stopped")
        after, waited = resource.getrusage(resource.RUSAGE_SELF), self._waited() - waited
        if profiler:
            self.server.in_loop(profiler.disable)
            profiler.dump_stats(profile)
        result = self._next("result")
        result["server_cpu"] = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) \
            / args.seconds
        result["server_waited"] = waited / args.seconds
        return result

    def _waited(self) -> float:
        """Seconds the server's thread has spent ready to run but waiting for a CPU (Linux)."""
        try:
            with open(f"/proc/self/task/{self.server.thread.native_id}/schedstat") as f:
                return int(f.read().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            return float("nan")

    def close(self) -> None:
        try:
            if self.process is not None and self.process.is_alive():
                self.pipe.send({"do": "close"})
                try:
                    self._next("closed", 60)
                except RuntimeError:
                    pass
                self.process.join(30)
        finally:
            if self.process is not None and self.process.is_alive():
                self.process.kill()
                self.process.join()
            self.server.stop()


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def courtvcs_pages(plan: list[dict], clients: int) -> list[dict]:
    pages = []
    for room, hearing in enumerate(plan):
        for seat in SEATS:
            pages.append({"room": room, "seat": seat, "path": hearing["path"],
                          "cookie": hearing["cookies"][seat]})
    return pages[:clients]


def relay_pages(pages: list[dict]) -> list[dict]:
    # The same pages, cookies and all, addressed to the bare relay's rooms.
    return [{**p, "path": f"/relay/{p['room']}/{p['seat']}"} for p in pages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0, help="counted seconds of signals per run")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of signals not counted")
    parser.add_argument("--clients", type=int, default=500, help="pages, 4 per hearing")
    parser.add_argument("--interval", type=float, default=1.0,
                        help="seconds between two signals of one media page")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", help="write a cProfile of courtvcs's server process during "
                                          "the last run's counted seconds to this file")
    args = parser.parse_args()
    if args.clients % len(SEATS) or args.clients < len(SEATS):
        parser.error(f"--clients must be a multiple of {len(SEATS)} (a room has {len(SEATS)} pages)")
    raise_fd_limit(2 * 2 * args.clients + 200)

    t0 = time.monotonic()
    plan = seed(args.clients // len(SEATS))
    from courtvcs.asgi import application

    pages = courtvcs_pages(plan, args.clients)
    print(f"signalling under load: {args.clients} pages in {len(plan)} connected hearings "
          f"({', '.join(SEATS)}); {len(plan) * len(MEDIA_SEATS)} media pages each send an ICE "
          f"candidate every {args.interval:g} s; uvicorn on 127.0.0.1, SQLite, in-memory channel "
          f"layer; {args.runs} runs of {args.seconds:g} s counted (+{args.warmup:g} s not); "
          f"seeded in {time.monotonic() - t0:.1f} s")
    print(f"CPUs: {os.cpu_count()}, load average at start: "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    rows = []
    with contextlib.ExitStack() as stack:
        targets = {}
        for kind, app, its_pages in (("courtvcs", application, pages),
                                     ("floor", relay_app(), relay_pages(pages))):
            targets[kind] = stack.enter_context(contextlib.closing(Target(kind, app, its_pages)))
            timing = targets[kind].timing
            print(f"{kind}: {args.clients} pages connected in {timing['connect_s']:.1f} s, "
                  f"joined their rooms in {timing['join_s']:.1f} s")
        print(f"{'run':>3}  {'courtvcs p50':>12} {'p99':>9} {'n':>5}  {'floor p50':>9} {'p99':>9} {'n':>5}"
              f"  {'ratio p50':>9} {'p99':>6}  {'server CPU courtvcs':>19} {'floor':>5}"
              f"  {'CPU wait courtvcs':>17} {'floor':>5}  load")
        for run in range(args.runs):
            row = {}
            for kind in (("courtvcs", "floor") if run % 2 == 0 else ("floor", "courtvcs")):
                profile = args.profile if kind == "courtvcs" and run == args.runs - 1 else None
                r = targets[kind].talk(args, profile)
                lat = r["latencies"]
                row[kind] = {"p50": pct(lat, 50) if lat else float("nan"),
                             "p99": pct(lat, 99) if lat else float("nan"), "n": len(lat),
                             "sent": r["sent"], "cpu": r["server_cpu"], "errors": r["errors"],
                             "late": r["late"], "waited": r["server_waited"],
                             "cpu_ms": r["server_cpu"] * args.seconds * 1000 / max(1, r["sent"]),
                             "pages_cpu": r["pages_cpu"]}
            c, f = row["courtvcs"], row["floor"]
            row["ratio"] = {"p50": c["p50"] / f["p50"], "p99": c["p99"] / f["p99"]}
            rows.append(row)
            print(f"{run + 1:>3}  {c['p50']:>9.2f} ms {c['p99']:>6.2f} ms {c['n']:>5}  {f['p50']:>6.2f} ms "
                  f"{f['p99']:>6.2f} ms {f['n']:>5}  {row['ratio']['p50']:>8.2f}x {row['ratio']['p99']:>5.2f}x"
                  f"  {c['cpu']:>19.0%} {f['cpu']:>5.0%}  {c['waited']:>17.0%} {f['waited']:>5.0%}"
                  f"  {os.getloadavg()[0]:.2f}")
            for kind in ("courtvcs", "floor"):
                r = row[kind]
                if r["n"] != r["sent"] or r["errors"] or r["late"]:
                    print(f"     {kind}: {r['sent']} sent, {r['n']} received within {DRAIN_SECONDS:g} s "
                          f"of the window's end; {r['late']} of an earlier window; errors: {r['errors'][:3]}")

    def summary(label, values):
        return f"{label:<24} median {statistics.median(values):>8.2f}   p90 {pct(values, 90):>8.2f}"

    print(f"\nover {args.runs} runs (median and p90 of the runs' figures)")
    for q in ("p50", "p99"):
        print(summary(f"courtvcs {q} ms", [r["courtvcs"][q] for r in rows]))
        print(summary(f"floor {q} ms", [r["floor"][q] for r in rows]))
        print(summary(f"ratio {q}", [r["ratio"][q] for r in rows]) + "   (goal: within 1.5x)")
    print(summary("server CPU courtvcs, %", [r["courtvcs"]["cpu"] * 100 for r in rows]) + "   of one core")
    print(summary("server CPU floor, %", [r["floor"]["cpu"] * 100 for r in rows]) + "   of one core")
    print(summary("CPU per signal courtvcs", [r["courtvcs"]["cpu_ms"] for r in rows]) + "   ms")
    print(summary("CPU per signal floor", [r["floor"]["cpu_ms"] for r in rows]) + "   ms")
    print(summary("pages' CPU (courtvcs), %", [r["courtvcs"]["pages_cpu"] * 100 for r in rows])
          + "   of one core, the other process")
    print(f"signals counted per run: {rows[0]['courtvcs']['sent']}; "
          "load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
