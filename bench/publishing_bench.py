"""Publishing benchmark: the public schedule (R3) on a day with N hearings by VCS.

Seeds a country (20 regions, each with a regional court, 16 district courts and two
institutions: 340 courts) and a day with N hearings by VCS (default 3,000), first 1,000
then the rest, plus the same number on each of a few days around it (--other-days) so the
day's query does not have the table to itself. The hearings are spread over the courts
unevenly, as the work is (a few city courts carry many), in the states of a real day, each
with its remote sites, test sessions, some faults, its outbox history, and a few with a
minor or on the safety ground (R27), which must not be published. Then it measures, through
django.test.Client as an anonymous visitor (no sign-in):

  page, all courts      GET /schedule/?day=D                   every court's hearings that day
  page, one court       GET /schedule/?court=C&day=D           the busiest court
  JSON, all courts      GET /schedule.json?day=D
  JSON, one court       GET /schedule.json?court=C&day=D
  iCalendar, one court  GET /schedule/C.ics?lang=kk             its calendar, -7 .. +90 days
  JSON poll, unchanged  GET /schedule.json?court=C&day=D  with If-None-Match: the 304

A feed's body is kept in the cache under its ETag, so the JSON and iCalendar lines time
the usual case (the hearings read, the fingerprint taken, the body found); the lines
"body made" clear the cache before each call, as after a change of what is published.

p50 and p95 (nearest rank) of each, the number of SQL queries at 1,000 and at N hearings
(which must be the same), and the body size. Then the outbox: 1,000 events of 200 hearings
delivered to a receiver on 127.0.0.1 (http.server in a thread), events per second.

    .venv/bin/python bench/publishing_bench.py [--hearings 3000] [--database-url URL]

Without --database-url it runs on a fresh SQLite file, var/bench/publishing_bench.sqlite3.
A PostgreSQL database is created if missing, migrated and EMPTIED first; one that already
holds data is refused unless its name contains "bench".
"""

import argparse
import datetime as dt
import os
import random
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_SQLITE = REPO / "var" / "bench" / "publishing_bench.sqlite3"

REGIONS = 20
DISTRICT_COURTS_PER_REGION = 16
INSTITUTIONS_PER_REGION = 2
ROOMS_PER_COURT = 6
SMALL = 1_000
REPETITIONS = 50
DURATIONS = (30, 45, 60, 90, 120)
# The states of the hearings of a day, in shares of 1,000.
STATUSES = (("agreed", 300), ("ready", 250), ("connected", 20), ("in_session", 40), ("technical_break", 5),
            ("closed", 150), ("adjourned", 30), ("vcs_failed", 5), ("not_held", 5), ("suspended", 5),
            ("awaiting_decision", 60), ("awaiting_agreement", 60), ("slot_proposed", 10), ("cancelled", 40),
            ("rejected", 10), ("refused", 10))
MINOR_SHARE, SAFETY_SHARE = 0.03, 0.02


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hearings", type=int, default=3_000, help="hearings on the measured day (default 3000)")
    parser.add_argument("--other-days", type=int, default=6,
                        help="days around it seeded with as many hearings each (default 6)")
    parser.add_argument("--database-url", default="", help="postgres://user@host:port/name; default: SQLite")
    parser.add_argument("--repetitions", type=int, default=REPETITIONS,
                        help=f"timed calls per request and size (default {REPETITIONS})")
    parser.add_argument("--seed", type=int, default=20261201, help="random seed")
    return parser.parse_args()


def prepare_environment(args: argparse.Namespace) -> None:
    """Point Django at the benchmark's database before anything imports the settings."""
    if args.database_url:
        if not args.database_url.startswith(("postgres://", "postgresql://")):
            sys.exit("--database-url must be a PostgreSQL URL (SQLite is the default)")
        ensure_postgres_database(args.database_url)
        url = args.database_url
    else:
        BENCH_SQLITE.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{BENCH_SQLITE}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{BENCH_SQLITE}"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "courtvcs.settings"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ["TASKS_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(REPO))


def ensure_postgres_database(url: str) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    conninfo = {"host": cfg.get("HOST") or "127.0.0.1", "port": cfg.get("PORT") or 5432,
                "user": cfg.get("USER") or "postgres", "dbname": "postgres"}
    if cfg.get("PASSWORD"):
        conninfo["password"] = cfg["PASSWORD"]
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def empty_postgres() -> None:
    from django.core.management import call_command
    from django.db import connection

    from courtvcs.orgs.models import Organisation, User

    name = connection.settings_dict["NAME"]
    if (Organisation.objects.exists() or User.objects.exists()) and "bench" not in name:
        sys.exit(f"database {name!r} holds data and its name does not contain 'bench'; the benchmark "
                 "empties its database. Give it one of its own, e.g. .../bench_publishing.")
    call_command("flush", interactive=False, verbosity=0)


# ---- the country --------------------------------------------------------------------------

class Country:
    """Ids of what the seed made, kept in memory so hearings are generated without queries."""

    def __init__(self):
        self.courts: list[dict] = []   # {"id", "rooms", "judge", "secretary", "coordinator_org", "weight"}
        self.vcs_rooms: list[int] = []  # the institutions' VCS rooms
        self.technician = None


def seed_country(rng: random.Random) -> Country:
    from django.db import transaction

    from courtvcs.orgs.choices import EndpointKind, OrgKind, Role
    from courtvcs.orgs.models import District, Endpoint, Organisation, Region, User

    def names(label: str) -> dict:
        return {"name_kk": f"{label} (kk)", "name_ru": f"{label} (ru)", "name_en": label}

    country = Country()
    with transaction.atomic():
        capital = Region.objects.create(code="bench-capital", is_city=True, **names("Capital"))
        capital_d = District.objects.create(region=capital, code="bench-capital-d", **names("Capital district"))
        supreme = Organisation.objects.create(code="bench-supreme", kind=OrgKind.SUPREME_COURT, region=capital,
                                              district=capital_d, **names("Supreme Court"))
        courts, institutions = [supreme], []
        for r in range(REGIONS):
            region = Region.objects.create(code=f"bench-r{r:02}", **names(f"Region {r + 1}"))
            districts = District.objects.bulk_create([
                District(region=region, code=f"bench-r{r:02}-d{d:02}", **names(f"District {r + 1}.{d + 1}"))
                for d in range(DISTRICT_COURTS_PER_REGION)])
            regional = Organisation.objects.create(
                code=f"bench-r{r:02}-regional", kind=OrgKind.REGIONAL_COURT, region=region, district=districts[0],
                parent=supreme, **names(f"Regional court {r + 1}"))
            courts.append(regional)
            courts += Organisation.objects.bulk_create([
                Organisation(code=f"bench-r{r:02}-court{d:02}", kind=OrgKind.DISTRICT_COURT, region=region,
                             district=districts[d], parent=regional, **names(f"District court {r + 1}.{d + 1}"))
                for d in range(DISTRICT_COURTS_PER_REGION)])
            institutions += Organisation.objects.bulk_create([
                Organisation(code=f"bench-r{r:02}-inst{i}", kind=OrgKind.DETENTION_CENTRE, region=region,
                             district=districts[i], **names(f"Detention centre {r + 1}.{i + 1}"))
                for i in range(INSTITUTIONS_PER_REGION)])
        rooms = [Endpoint(organisation=c, kind=EndpointKind.COURTROOM, room_number=str(101 + n))
                 for c in courts for n in range(ROOMS_PER_COURT)]
        rooms += [Endpoint(organisation=o, kind=EndpointKind.VCS_ROOM, room_number=f"VCS-{n + 1}")
                  for o in institutions for n in range(2)]
        Endpoint.objects.bulk_create(rooms)
        people = []
        for court in courts:
            for role in (Role.JUDGE, Role.SECRETARY, Role.COURT_TECHNICIAN):
                people.append(User(username=f"{court.code}-{role}", role=role, organisation=court,
                                   first_name=f"Name-{court.code}", last_name=f"Surname-{role}"))
        for person in people:
            person.set_unusable_password()
        User.objects.bulk_create(people)
    users = {(u.organisation_id, u.role): u.pk for u in User.objects.all()}
    by_court: dict[int, list[int]] = {}
    for e in rooms:
        if e.kind == EndpointKind.COURTROOM:
            by_court.setdefault(e.organisation_id, []).append(e.pk)
        else:
            country.vcs_rooms.append(e.pk)
    # The work is uneven: a few city courts carry many hearings, most courts a handful.
    order = list(courts)
    rng.shuffle(order)
    for rank, court in enumerate(order, start=1):
        country.courts.append({
            "id": court.pk, "rooms": by_court[court.pk], "judge": users[(court.pk, Role.JUDGE)],
            "secretary": users[(court.pk, Role.SECRETARY)],
            "coordinator_org": court.pk if court.kind != OrgKind.DISTRICT_COURT else court.parent_id,
            "weight": 1 / rank ** 0.8})
    country.technician = users[(order[0].pk, Role.COURT_TECHNICIAN)]
    Endpoint.objects.filter(pk__in=rng.sample([e.pk for e in rooms], len(rooms) // 50)).update(status="faulty")
    return country


def pick(rng: random.Random, weighted) -> str:
    x = rng.uniform(0, sum(w for _s, w in weighted))
    for value, weight in weighted:
        x -= weight
        if x <= 0:
            return value
    return weighted[-1][0]


def seed_day(country: Country, day: dt.date, count: int, rng: random.Random, first: int) -> None:
    """bulk_create `count` hearings on `day` with their sites, tests, faults and outbox history."""
    from django.db import transaction

    from courtvcs import kztime
    from courtvcs.hearings.models import FaultReport, Hearing, RemoteSite, TestSession
    from courtvcs.publishing.models import OutboxEvent

    now = kztime.now()
    weights = [c["weight"] for c in country.courts]
    all_rooms = [r for c in country.courts for r in c["rooms"]]
    hearings, plans = [], []
    for n in range(first, first + count):
        court = rng.choices(country.courts, weights)[0]
        minute = rng.randrange(9 * 60, 18 * 60, 5)
        starts_at = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=kztime.KZ)
        status = pick(rng, STATUSES)
        hearings.append(Hearing(
            case_number=f"{rng.choice('123')}-{court['id']}-{n}/{day.year}",
            category=rng.choice(("criminal", "criminal", "civil", "admin_offence")), instance="first",
            court_id=court["id"], courtroom_id=rng.choice(court["rooms"]), judge_id=court["judge"],
            secretary_id=court["secretary"], coordinator_org_id=court["coordinator_org"],
            starts_at=starts_at.astimezone(dt.UTC), duration_minutes=rng.choice(DURATIONS), status=status,
            basis="court_initiative", has_minor=rng.random() < MINOR_SHARE,
            safety_protected=rng.random() < SAFETY_SHARE, created_by_id=court["secretary"],
            created_at=now - dt.timedelta(days=10), updated_at=now - dt.timedelta(days=rng.randint(1, 9))))
        sites = 0 if rng.random() < 0.05 else (2 if rng.random() < 0.1 else 1)
        plans.append((court, [rng.choice(country.vcs_rooms if rng.random() < 0.8 else all_rooms)
                              for _ in range(sites)]))
    with transaction.atomic():
        Hearing.objects.bulk_create(hearings, batch_size=2000)
        sites = []
        for hearing, (_court, remotes) in zip(hearings, plans):
            for endpoint in dict.fromkeys(r for r in remotes if r != hearing.courtroom_id):
                sites.append(RemoteSite(hearing_id=hearing.pk, endpoint_id=endpoint))
        RemoteSite.objects.bulk_create(sites, batch_size=5000)
        tests, faults, events = [], [], []
        by_hearing = {h.pk: h for h in hearings}
        for site in sites:
            hearing = by_hearing[site.hearing_id]
            if hearing.status in {"awaiting_decision", "awaiting_agreement", "slot_proposed", "rejected", "refused"}:
                continue
            result = pick(rng, (("passed", 75), ("failed", 5), ("requested", 15), (None, 5)))
            if result is None:
                continue
            tests.append(TestSession(
                hearing_id=hearing.pk, remote_site_id=site.pk, status=result,
                requested_at=now - dt.timedelta(days=3), requested_by_id=hearing.secretary_id,
                must_be_held_before=kztime.start_of_local_day(day),
                held_at=None if result == "requested" else now - dt.timedelta(days=2)))
        for hearing in hearings:
            if hearing.status in {"connected", "in_session", "technical_break"} and rng.random() < 0.2:
                faults.append(FaultReport(hearing_id=hearing.pk, description="No sound from the remote site.",
                                          reported_at=now, reported_by_id=hearing.secretary_id))
            for seq, cause in enumerate(("booked", "decide", "agree"), start=1):
                events.append(OutboxEvent(
                    hearing_id=hearing.pk, seq=seq, kind="hearing.updated", cause=cause,
                    payload={"hearing_id": hearing.pk, "seq": seq, "cause": cause},
                    created_at=hearing.updated_at, delivered_at=hearing.updated_at,
                    attempts=1, next_attempt_at=hearing.updated_at))
        TestSession.objects.bulk_create(tests, batch_size=5000)
        FaultReport.objects.bulk_create(faults, batch_size=5000)
        OutboxEvent.objects.bulk_create(events, batch_size=5000)


# ---- the measurements -----------------------------------------------------------------------

class Requests:
    def __init__(self, day: dt.date):
        from django.db.models import Count
        from django.test import Client

        from courtvcs.hearings.models import Hearing
        from courtvcs.publishing import selectors

        self.day = day.isoformat()
        start, end = selectors.day_bounds(day)
        self.day_count = Hearing.objects.filter(starts_at__gte=start, starts_at__lt=end).count()
        self.published = len(selectors.day_schedule(day=day))
        busiest = (Hearing.objects.filter(selectors.PUBLISHABLE, status__in=selectors.PUBLISHED_STATUSES,
                                          starts_at__gte=start, starts_at__lt=end)
                   .values("court_id").annotate(n=Count("id")).order_by("-n").first())
        self.court, self.court_count = busiest["court_id"], busiest["n"]
        self.client = Client()
        self.sizes: dict[str, int] = {}
        self.etag = self.get("/schedule.json", "json_court", court=self.court, day=self.day)["ETag"]

    def get(self, url: str, key: str, headers: dict | None = None, expect: int = 200, **params):
        response = self.client.get(url, params, headers=headers or {})
        if response.status_code != expect:
            raise SystemExit(f"{url} {params}: {response.status_code} {response.content.decode()[:500]}")
        self.sizes[key] = len(response.content)
        return response

    def page_all(self):
        return self.get("/schedule/", "page_all", day=self.day)

    def page_court(self):
        return self.get("/schedule/", "page_court", court=self.court, day=self.day)

    def json_all(self):
        return self.get("/schedule.json", "json_all", day=self.day)

    def json_court(self):
        return self.get("/schedule.json", "json_court", court=self.court, day=self.day)

    def ics_court(self):
        return self.get(f"/schedule/{self.court}.ics", "ics_court", lang="kk")

    def json_all_cold(self):
        from django.core.cache import cache

        cache.clear()  # the body is made again, as after a change
        return self.get("/schedule.json", "json_all_cold", day=self.day)

    def ics_court_cold(self):
        from django.core.cache import cache

        cache.clear()
        return self.get(f"/schedule/{self.court}.ics", "ics_court_cold", lang="kk")

    def poll_unchanged(self):
        return self.get("/schedule.json", "poll", headers={"If-None-Match": self.etag}, expect=304,
                        court=self.court, day=self.day)


OPERATIONS = (
    ("page_all", "page, all courts", "page_all"),
    ("page_court", "page, one court", "page_court"),
    ("json_all", "JSON, all courts", "json_all"),
    ("json_all_cold", "JSON, all courts, body made", "json_all_cold"),
    ("json_court", "JSON, one court", "json_court"),
    ("ics_court", "iCalendar, one court", "ics_court"),
    ("ics_court_cold", "iCalendar, one court, body made", "ics_court_cold"),
    ("poll", "JSON poll, unchanged (304)", "poll_unchanged"),
)


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def measure(requests: Requests, repetitions: int, analyse: bool) -> tuple[dict, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if analyse:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counts, figures = {}, {}
    for key, _label, method in OPERATIONS:
        call = getattr(requests, method)
        for _warm in range(3):
            call()
        with CaptureQueriesContext(connection) as ctx:
            call()
        counts[key] = len(ctx)
        samples = []
        for _rep in range(repetitions):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
        figures[key] = (percentile(samples, 50), percentile(samples, 95))
    return counts, figures


def describe_database() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


# ---- the outbox -----------------------------------------------------------------------------

def deliver_outbox(country: Country, rng: random.Random, events: int = 1_000, hearings: int = 200) -> str:
    """`events` pending events of `hearings` hearings delivered to a local receiver."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from django.conf import settings

    from courtvcs import kztime
    from courtvcs.hearings.models import Hearing
    from courtvcs.publishing.models import OutboxEvent
    from courtvcs.publishing.services import delivery

    received = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            received.append(self.headers["X-Courtvcs-Event-Id"])
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.COURTVCS_OUTBOX_URL = f"http://127.0.0.1:{server.server_address[1]}/events"
    settings.COURTVCS_OUTBOX_SECRET = "bench-secret"
    chosen = list(Hearing.objects.order_by("?").values_list("pk", flat=True)[:hearings])
    now = kztime.now()
    pending = []
    for i in range(events):
        hearing_id = chosen[i % hearings]
        pending.append(OutboxEvent(hearing_id=hearing_id, seq=100 + i // hearings, kind="hearing.updated",
                                   cause="agree", created_at=now, next_attempt_at=now,
                                   payload={"hearing_id": hearing_id, "seq": 100 + i // hearings,
                                            "hearing": {"courtroom": "101", "status": "agreed"}}))
    OutboxEvent.objects.bulk_create(pending)
    started = time.perf_counter()
    run = delivery.deliver_due(limit=events * 2)
    elapsed = time.perf_counter() - started
    server.shutdown()
    assert run.delivered == events == len(received) == len(set(received)), (run, len(received))
    return f"{events:,} events of {hearings} hearings delivered in {elapsed:.2f} s: {events / elapsed:,.0f} events/s"


def main() -> None:
    args = parse_args()
    if args.hearings < SMALL:
        sys.exit(f"--hearings must be at least {SMALL}")
    prepare_environment(args)

    import django

    django.setup()
    from django.core.management import call_command

    from courtvcs import kztime

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if args.database_url:
        empty_postgres()
    database = describe_database()
    print(f"database: {database}; migrated in {time.perf_counter() - started:.1f} s")

    rng = random.Random(args.seed)
    started = time.perf_counter()
    country = seed_country(rng)
    today = kztime.local_date(kztime.now())
    day = today + dt.timedelta(days=7)
    others = [day + dt.timedelta(days=d) for d in range(-(args.other_days // 2), args.other_days - args.other_days // 2 + 1)
              if d != 0]
    for n, other in enumerate(others):
        seed_day(country, other, args.hearings, rng, first=(n + 2) * 1_000_000)
    seed_day(country, day, SMALL, rng, first=1)
    print(f"country: {len(country.courts)} courts; {len(others)} other days of {args.hearings:,} hearings; "
          f"seeded in {time.perf_counter() - started:.1f} s")
    analyse = bool(args.database_url)
    requests = Requests(day)
    small = (requests.day_count, requests.published, requests.court_count)
    small_counts, small_times = measure(requests, args.repetitions, analyse)
    small_sizes = dict(requests.sizes)

    seed_day(country, day, args.hearings - SMALL, rng, first=SMALL + 1)
    requests = Requests(day)
    large_counts, large_times = measure(requests, args.repetitions, analyse)

    print()
    print(f"{database}; {args.repetitions} timed calls per request and size after 3 warm-up calls; anonymous "
          f"django.test.Client; day {day:%d.%m.%Y}: {small[0]:,} then {requests.day_count:,} hearings by VCS "
          f"({small[1]:,} then {requests.published:,} published); the busiest court {requests.court}: "
          f"{small[2]} then {requests.court_count} published")
    header = ("request", f"p50@{SMALL:,}", f"p95@{SMALL:,}", f"p50@{args.hearings:,}", f"p95@{args.hearings:,}",
              f"queries@{SMALL:,}", f"queries@{args.hearings:,}", "", "KB@N")
    rows = []
    for key, label, _method in OPERATIONS:
        same = "SAME" if small_counts[key] == large_counts[key] else "DIFFERENT"
        rows.append((label, f"{small_times[key][0]:.1f}", f"{small_times[key][1]:.1f}",
                     f"{large_times[key][0]:.1f}", f"{large_times[key][1]:.1f}",
                     str(small_counts[key]), str(large_counts[key]), same,
                     f"{requests.sizes.get(key, 0) / 1024:.0f} (from {small_sizes.get(key, 0) / 1024:.0f})"))
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip())
    print()
    print("ms: server time through django.test.Client; load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs")
    differing = [key for key, *_ in OPERATIONS if small_counts[key] != large_counts[key]]
    print("query counts:", "DIFFERENT for " + ", ".join(differing) if differing
          else f"SAME at {SMALL:,} and {args.hearings:,} hearings")
    print("outbox:", deliver_outbox(country, rng))
    if differing:
        sys.exit(1)


if __name__ == "__main__":
    main()
