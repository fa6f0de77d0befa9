"""Signalling benchmark: how fast the room's consumer relays WebRTC signals and turns a
page's getStats report into the live quality the judge's console draws (R15, R22).

In one process (the embedded run: in-memory channel layer, SQLite), a courtroom console,
a detention-centre page and the judge's console join one connected hearing's room through
the real ASGI application (session cookies, Origin check, seats, rate limits), then:

  relay     the courtroom sends a signal to the detention centre, which sends one back:
            one-way relay time = half the round trip (N round trips, one at a time)
  burst     the courtroom sends N signals without waiting: signals per second delivered
  quality   the detention centre sends a stats report about its link; time until the
            judge's console receives the link's quality figures

    .venv/bin/python bench/signalling_bench.py [--round-trips 2000]

It runs on a fresh SQLite file, var/bench/signalling_bench.sqlite3.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DB = REPO / "var" / "bench" / "signalling_bench.sqlite3"


def setup() -> dict:
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
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from courtvcs.orgs.tests.factories import verify_forced_logins

    verify_forced_logins()  # force_login: a member of staff past the TOTP code step (issue 7)
    import time_machine
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from conftest import ApiClient
    from courtvcs.hearings.models import Hearing
    from courtvcs.hearings.tests.flow import Flow
    from courtvcs.hearings.tests.world import NOW, build_world

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The per-connection rate limit protects the server; here it would measure itself.
    settings.COURTVCS_SIGNAL_RATE_PER_SECOND = settings.COURTVCS_SIGNAL_BURST = 10**9
    call_command("migrate", verbosity=0)
    with time_machine.travel(NOW, tick=False) as clock:
        world = build_world()
        flow = Flow(world, lambda user=None, language=None: ApiClient(user, language), clock)
        flow.to("connected")
    cookies = {}
    for name in ("secretary", "officer", "judge"):
        client = Client()
        client.force_login(getattr(world, name))
        cookies[name] = f"sessionid={client.cookies['sessionid'].value}".encode()
    site = Hearing.objects.get(pk=flow.hearing_id).remote_sites.get()
    return {"hearing": flow.hearing_id, "cookies": cookies, "site": f"remote-{site.pk}"}


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def run(ctx: dict, round_trips: int) -> dict:
    from courtvcs.asgi import application
    from courtvcs.live.tests.sockets import WebsocketCommunicator

    path = f"/ws/live/hearing/{ctx['hearing']}/"

    async def join(name):
        ws = WebsocketCommunicator(application, path, headers=[
            (b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000"),
            (b"cookie", ctx["cookies"][name])])
        ok, _ = await ws.connect()
        assert ok, name
        welcome = await ws.receive_json_from()
        return ws, welcome

    async def next_of(ws, kind):
        while True:
            message = await ws.receive_json_from(timeout=5)
            if message["type"] == kind:
                return message

    court, cw = await join("secretary")
    sizo, sw = await join("officer")
    judge, _jw = await join("judge")
    await court.send_json_to({"type": "hello"})
    await sizo.send_json_to({"type": "hello"})
    await next_of(court, "peer")
    await next_of(sizo, "peer")
    offer = {"description": {"type": "offer", "sdp": "v=0\r\n" + "a=x\r\n" * 60}}

    one_way = []
    for _ in range(round_trips):
        t0 = time.perf_counter()
        await court.send_json_to({"type": "signal", "to": sw["peer"], "data": offer})
        await next_of(sizo, "signal")
        await sizo.send_json_to({"type": "signal", "to": cw["peer"], "data": offer})
        await next_of(court, "signal")
        one_way.append((time.perf_counter() - t0) / 2 * 1000)

    burst = round_trips
    t0 = time.perf_counter()
    for _ in range(burst):
        await court.send_json_to({"type": "signal", "to": sw["peer"], "data": {"candidate": None}})
    for _ in range(burst):
        await next_of(sizo, "signal")
    burst_rate = burst / (time.perf_counter() - t0)

    quality = []
    for i in range(200):
        report = {"peer": cw["peer"], "state": "connected", "rtt_ms": 40.0,
                  "audio": {"packetsReceived": 50 * (i + 1), "packetsLost": 0, "jitter_ms": 4.0,
                            "totalSamplesReceived": 96000 * (i + 1), "concealedSamples": 0},
                  "video": {"framesDecoded": 30 * (i + 1), "freezeCount": 0, "totalFreezesDuration": 0,
                            "bytesReceived": 250000 * (i + 1), "framesPerSecond": 15,
                            "packetsLost": 0, "packetsReceived": 240 * (i + 1)}}
        t0 = time.perf_counter()
        await sizo.send_json_to({"type": "stats", "links": [report]})
        await next_of(judge, "quality")
        quality.append((time.perf_counter() - t0) * 1000)
    for ws in (court, sizo, judge):
        await ws.disconnect()
    return {"one_way": one_way, "burst_rate": burst_rate, "quality": quality}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--round-trips", type=int, default=2000)
    args = parser.parse_args()
    ctx = setup()
    from asgiref.sync import async_to_sync

    r = async_to_sync(run)(ctx, args.round_trips)
    print(f"signalling (in-process, SQLite, in-memory channel layer), {args.round_trips} round trips")
    print(f"  relay one-way      p50 {statistics.median(r['one_way']):.2f} ms   "
          f"p99 {pct(r['one_way'], 99):.2f} ms")
    print(f"  burst              {r['burst_rate']:.0f} signals/s delivered")
    print(f"  stats -> quality   p50 {statistics.median(r['quality']):.2f} ms   "
          f"p99 {pct(r['quality'], 99):.2f} ms (report to the judge's console)")


if __name__ == "__main__":
    main()
