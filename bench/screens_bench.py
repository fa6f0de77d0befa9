"""Screens benchmark: the server time of the secretary's day list and of the coordinator's
endpoint timeline (issue 3) for a busy region.

Seeds one region with 300 endpoints (a regional court, 42 district courts, 10 institutions)
and N hearings (default 3,000) in one working week, each in a courtroom of its court with one
remote site, so about two bookings per hearing; plus a small neighbouring region and the
capital (Supreme Court, Department) so the board has something to leave out. Then measures,
through django.test.Client signed in with force_login, the real pages:

  list        GET /hearings/?date_from=D&date_to=D   the secretary's list of one day
  board day   GET /board/?date=D                     the regional coordinator's timeline, a day
  board week  GET /board/?view=week&date=D           the same, the whole week
  queue       GET /queue/                            the coordinator's agreement requests

p50 and p95 (nearest rank) at 1,000 hearings and at N, and the number of SQL queries of each
page at both sizes, which must be the same.

    .venv/bin/python bench/screens_bench.py [--hearings 3000] [--database-url URL]

Without --database-url it runs on a fresh SQLite file, var/bench/screens_bench.sqlite3.
A PostgreSQL database is created if missing, migrated and EMPTIED first; one that already
holds data is refused unless its name contains "bench".
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_SQLITE = REPO / "var" / "bench" / "screens_bench.sqlite3"

REGIONAL_ROOMS = 8
DISTRICT_COURTS = 42
ROOMS_PER_DISTRICT_COURT = 6
INSTITUTIONS = 10
ROOMS_PER_INSTITUTION = 4      # 8 + 42 * 6 + 10 * 4 = 300 endpoints
SMALL = 1_000
REPETITIONS = 50
INSTITUTION_SHARE = 0.2        # hearings with a remote site at an institution of the region

# As in booking_bench.py: each endpoint's day is cut into cells of 90 minutes from 08:30; a
# hearing starts 30 minutes into its cell and lasts at most 60 minutes, so with the connection
# window (R15) it holds its endpoints inside the cell and no endpoint is double-booked.
CELL_MINUTES = 90
FIRST_CELL = dt.time(8, 30)
CELLS_PER_DAY = 7
DURATIONS = (15, 30, 45, 60)
STATUSES = (("awaiting_decision", 10), ("awaiting_agreement", 8), ("agreed", 45), ("ready", 25),
            ("cancelled", 4), ("rejected", 4), ("refused", 4))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hearings", type=int, default=3_000, help="hearings in the week (default 3000)")
    parser.add_argument("--database-url", default="", help="postgres://user@host:port/name; default: SQLite")
    parser.add_argument("--repetitions", type=int, default=REPETITIONS,
                        help=f"timed calls per page and size (default {REPETITIONS})")
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
    """Start from an empty database, as the SQLite run does with a fresh file; never empty
    one that holds data unless it is plainly a benchmark's."""
    from django.core.management import call_command
    from django.db import connection

    from courtvcs.orgs.models import Organisation, User

    name = connection.settings_dict["NAME"]
    if (Organisation.objects.exists() or User.objects.exists()) and "bench" not in name:
        sys.exit(f"database {name!r} holds data and its name does not contain 'bench'; the benchmark "
                 "empties its database. Give it one of its own, e.g. .../bench_screens.")
    call_command("flush", interactive=False, verbosity=0)


# ---- the region -----------------------------------------------------------------------------

class Region:
    """Ids of what the seed made, kept in memory so hearings are generated without queries."""

    def __init__(self):
        self.courts = {}              # court id -> {"rooms", "judge", "secretary", "coordinator_org"}
        self.institution_rooms = []   # VCS rooms of the region's institutions
        self.court_rooms = []         # every courtroom of the region
        self.endpoints = 0
        self.coordinator = None
        self.other_courts = {}        # the neighbouring region's courts, same shape


def seed_region() -> Region:
    from django.db import transaction

    from courtvcs.orgs.choices import EndpointKind, OrgKind, Role
    from courtvcs.orgs.models import District, Endpoint, Organisation, User
    from courtvcs.orgs.models import Region as RegionModel

    def names(label: str) -> dict:
        return {"name_kk": f"{label} (kk)", "name_ru": f"{label} (ru)", "name_en": label}

    seeded = Region()
    with transaction.atomic():
        capital = RegionModel.objects.create(code="bench-capital", is_city=True, **names("Capital"))
        capital_d = District.objects.create(region=capital, code="bench-capital-d", **names("Capital district"))
        supreme = Organisation.objects.create(code="bench-supreme", kind=OrgKind.SUPREME_COURT, region=capital,
                                              district=capital_d, **names("Supreme Court"))
        department = Organisation.objects.create(code="bench-department", kind=OrgKind.DEPARTMENT, region=capital,
                                                 district=capital_d, parent=supreme, **names("Department"))
        people = [User(username="bench-depcoordinator", role=Role.DEPARTMENT_COORDINATOR, organisation=department)]
        rooms = [Endpoint(organisation=supreme, kind=EndpointKind.COURTROOM, room_number=str(200 + i))
                 for i in range(2)]
        courts = []        # (Organisation, is this the measured region)
        institutions = []
        for main, code, district_courts, institution_count in (
                (True, "bench-main", DISTRICT_COURTS, INSTITUTIONS), (False, "bench-next", 3, 1)):
            region = RegionModel.objects.create(code=code, **names(f"Region {code}"))
            districts = District.objects.bulk_create([
                District(region=region, code=f"{code}-d{d:02}", **names(f"{code} district {d + 1}"))
                for d in range(district_courts)])
            regional = Organisation.objects.create(
                code=f"{code}-regional", kind=OrgKind.REGIONAL_COURT, region=region, district=districts[0],
                parent=supreme, **names(f"Regional court of {code}"))
            children = Organisation.objects.bulk_create([
                Organisation(code=f"{code}-court{d:02}", kind=OrgKind.DISTRICT_COURT, region=region,
                             district=districts[d], parent=regional, **names(f"District court {code}.{d + 1}"))
                for d in range(district_courts)])
            inst = Organisation.objects.bulk_create([
                Organisation(code=f"{code}-inst{i:02}", kind=(OrgKind.DETENTION_CENTRE if i % 2 == 0 else
                                                              OrgKind.CORRECTIONAL_INSTITUTION),
                             region=region, district=districts[i % district_courts],
                             **names(f"Institution {code}.{i + 1}"))
                for i in range(institution_count)])
            courts += [(regional, main)] + [(c, main) for c in children]
            institutions += [(o, main) for o in inst]
            people.append(User(username=f"{code}-coordinator", role=Role.REGIONAL_COORDINATOR,
                               organisation=regional, email=f"{code}-coordinator@bench.local"))
            for court in [regional, *children]:
                count = REGIONAL_ROOMS if court is regional and main else ROOMS_PER_DISTRICT_COURT if main else 2
                rooms += [Endpoint(organisation=court, kind=EndpointKind.COURTROOM, room_number=str(101 + n))
                          for n in range(count)]
            for o in inst:
                rooms += [Endpoint(organisation=o, kind=EndpointKind.VCS_ROOM, room_number=f"VCS-{n + 1}")
                          for n in range(ROOMS_PER_INSTITUTION if main else 1)]
        Endpoint.objects.bulk_create(rooms)
        for court, _main in courts:
            for role in (Role.JUDGE, Role.SECRETARY):
                people.append(User(username=f"{court.code}-{role}", role=role, organisation=court,
                                   email=f"{court.code}-{role}@bench.local", phone="+7 701 000 00 00",
                                   last_name=role.value.title(), first_name=court.code))
        for person in people:
            person.set_unusable_password()
        User.objects.bulk_create(people)

    users = {(u.organisation_id, u.role): u.pk for u in User.objects.all()}
    main_orgs = {c.pk for c, main in courts if main} | {o.pk for o, main in institutions if main}
    seeded.endpoints = sum(1 for e in rooms if e.organisation_id in main_orgs)
    for court, main in courts:
        entry = {"rooms": [e.pk for e in rooms if e.organisation_id == court.pk],
                 "judge": users[(court.pk, Role.JUDGE)], "secretary": users[(court.pk, Role.SECRETARY)],
                 "coordinator_org": court.pk if court.kind == OrgKind.REGIONAL_COURT else court.parent_id}
        (seeded.courts if main else seeded.other_courts)[court.pk] = entry
        if main:
            seeded.court_rooms += entry["rooms"]
            if court.kind == OrgKind.REGIONAL_COURT:
                seeded.coordinator = users[(court.pk, Role.REGIONAL_COORDINATOR)]
    seeded.institution_rooms = [e.pk for e in rooms if e.kind == EndpointKind.VCS_ROOM
                                and e.organisation_id in main_orgs]
    return seeded


# ---- the week of hearings ----------------------------------------------------------------

class Week:
    """The cells of every endpoint over the five working days of next week, and which are taken."""

    def __init__(self, today: dt.date):
        from courtvcs import kztime

        self.kz = kztime.KZ
        monday = today + dt.timedelta(days=7 - today.weekday())
        self.days = [monday + dt.timedelta(days=i) for i in range(5)]
        self.taken: set[tuple[int, int, int]] = set()

    def start_of(self, day_index: int, cell: int) -> dt.datetime:
        start = dt.datetime.combine(self.days[day_index], FIRST_CELL, tzinfo=self.kz)
        return (start + dt.timedelta(minutes=CELL_MINUTES * cell + 30)).astimezone(dt.UTC)

    def find(self, rng: random.Random, endpoints) -> tuple[int, int] | None:
        cells = [(d, c) for d in range(len(self.days)) for c in range(CELLS_PER_DAY)]
        rng.shuffle(cells)
        for day, cell in cells:
            if all((e, day, cell) not in self.taken for e in endpoints):
                return day, cell
        return None

    def take(self, endpoints, day: int, cell: int) -> None:
        self.taken.update((e, day, cell) for e in endpoints)


def pick(rng: random.Random, weighted) -> str:
    x = rng.uniform(0, sum(w for _s, w in weighted))
    for status, weight in weighted:
        x -= weight
        if x <= 0:
            return status
    return weighted[-1][0]


def seed_hearings(region: Region, week: Week, rng: random.Random, count: int, first: int,
                  courts: dict | None = None) -> dict[str, int]:
    """bulk_create `count` hearings with their remote site, bookings, agreement and deadlines."""
    from django.db import transaction

    from courtvcs import kztime
    from courtvcs.hearings.choices import HOLDING_STATES
    from courtvcs.hearings.models import AgreementRequest, Deadline, EndpointBooking, Hearing, RemoteSite

    courts = courts or region.courts
    court_ids = list(courts)
    now = kztime.now()
    window = dt.timedelta(minutes=30)
    hearings, remotes = [], []
    for n in range(first, first + count):
        for _attempt in range(200):
            court_id = rng.choice(court_ids)
            court = courts[court_id]
            room = rng.choice(court["rooms"])
            pool = region.institution_rooms if rng.random() < INSTITUTION_SHARE or courts is not region.courts \
                else region.court_rooms
            remote = rng.choice(pool)
            if remote in court["rooms"]:
                continue
            slot = week.find(rng, (room, remote))
            if slot is not None:
                break
        else:
            raise SystemExit(f"the week is full after {n - first} hearings: lower --hearings")
        week.take((room, remote), *slot)
        starts_at = week.start_of(*slot)
        status = pick(rng, STATUSES)
        created = now - dt.timedelta(days=rng.randint(2, 20))
        hearings.append(Hearing(
            case_number=f"{rng.choice('123')}-{court_id}-{n}/{week.days[0].year}",
            category=rng.choice(("criminal", "criminal", "civil", "admin_offence")), instance="first",
            court_id=court_id, courtroom_id=room, judge_id=court["judge"], secretary_id=court["secretary"],
            coordinator_org_id=court["coordinator_org"], starts_at=starts_at,
            duration_minutes=rng.choice(DURATIONS), status=status, basis="court_initiative",
            decided_at=None if status in {"awaiting_decision", "rejected"} else created + dt.timedelta(hours=3),
            created_by_id=court["secretary"], created_at=created, updated_at=created))
        remotes.append(remote)

    sites, bookings, agreements, deadlines = [], [], [], []
    with transaction.atomic():
        Hearing.objects.bulk_create(hearings, batch_size=2000)
        for hearing, remote in zip(hearings, remotes):
            sites.append(RemoteSite(hearing_id=hearing.pk, endpoint_id=remote))
            holding = hearing.status in HOLDING_STATES
            bookings += [EndpointBooking(endpoint_id=e, hearing_id=hearing.pk, active=holding,
                                         starts_at=hearing.starts_at - window, ends_at=hearing.ends_at)
                         for e in (hearing.courtroom_id, remote)]
            if hearing.decided_at is not None:
                answer = {"awaiting_agreement": "pending", "refused": "refused",
                          "cancelled": "withdrawn"}.get(hearing.status, "agreed")
                agreements.append(AgreementRequest(
                    hearing_id=hearing.pk, coordinator_org_id=hearing.coordinator_org_id,
                    starts_at=hearing.starts_at, requested_at=hearing.decided_at, status=answer,
                    reason="The channel is taken." if answer == "refused" else "",
                    decided_at=None if answer == "pending" else hearing.decided_at + dt.timedelta(hours=2)))
            if holding:
                deadlines += [
                    Deadline(hearing_id=hearing.pk, kind="window_opens", due_at=hearing.window_opens_at),
                    Deadline(hearing_id=hearing.pk, kind="not_connected",
                             due_at=hearing.starts_at - dt.timedelta(minutes=20))]
        RemoteSite.objects.bulk_create(sites, batch_size=5000)
        EndpointBooking.objects.bulk_create(bookings, batch_size=5000)
        AgreementRequest.objects.bulk_create(agreements, batch_size=5000)
        Deadline.objects.bulk_create(deadlines, batch_size=5000)
    return {"hearings": len(hearings), "bookings": len(bookings), "active bookings":
            sum(b.active for b in bookings), "pending agreements": sum(a.status == "pending" for a in agreements)}


def seed_extras(region: Region, week: Week, rng: random.Random) -> None:
    """What else colours the board: maintenance blocks, two endpoints out of order, a suspension."""
    from courtvcs.orgs.models import Endpoint, EndpointBlock, Organisation, User
    from courtvcs.suspensions.models import Suspension

    kz = week.kz
    blocks = []
    for endpoint in rng.sample(region.court_rooms, 15):
        day = rng.choice(week.days)
        blocks.append(EndpointBlock(endpoint_id=endpoint, reason="planned maintenance",
                                    starts_at=dt.datetime.combine(day, dt.time(8), tzinfo=kz),
                                    ends_at=dt.datetime.combine(day, dt.time(9), tzinfo=kz)))
    EndpointBlock.objects.bulk_create(blocks)
    Endpoint.objects.filter(pk__in=rng.sample(region.court_rooms, 2)).update(status="faulty")
    institution = Organisation.objects.filter(endpoints__pk=region.institution_rooms[0]).first()
    Suspension.objects.create(institution=institution, reason="natural_disaster",
                              starts_at=dt.datetime.combine(week.days[3], dt.time(13), tzinfo=kz),
                              declared_by=User.objects.get(pk=region.coordinator),
                              declared_at=dt.datetime.combine(week.days[0], dt.time(9), tzinfo=kz))


# ---- the measurements -------------------------------------------------------------------

class Pages:
    """The people whose pages are measured, signed in once."""

    def __init__(self, region: Region, week: Week):
        from django.db.models import Count, Q
        from django.test import Client

        from courtvcs import kztime
        from courtvcs.hearings.models import Hearing
        from courtvcs.hearings.views import lists
        from courtvcs.orgs.models import User

        self.day = week.days[2]  # the Wednesday
        start = kztime.start_of_local_day(self.day)
        end = start + dt.timedelta(days=1)
        # The court whose secretary has the most hearings that day (own, or a remote site there).
        busiest = max(region.courts, key=lambda court_id: Hearing.objects.filter(
            Q(court_id=court_id) | Q(remote_sites__endpoint__organisation_id=court_id),
            starts_at__gte=start, starts_at__lt=end).values("pk").distinct().count())
        self.secretary = User.objects.get(pk=region.courts[busiest]["secretary"])
        self.coordinator = User.objects.get(pk=region.coordinator)
        self.secretary_client, self.coordinator_client = Client(), Client()
        self.secretary_client.force_login(self.secretary)
        self.coordinator_client.force_login(self.coordinator)
        # The list page is another helper's; if it were still a placeholder, time its selector
        # and a render of what exists instead (and say so in the table).
        self.list_is_placeholder = hasattr(lists, "placeholder")
        self.day_count = Hearing.objects.filter(starts_at__gte=start, starts_at__lt=end).aggregate(n=Count("pk"))["n"]
        self.sizes: dict[str, int] = {}

    def get(self, client, url: str, key: str, expect_text: str = ""):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code} {response.content.decode()[:2000]}")
        self.sizes[key] = len(response.content)
        if expect_text and expect_text not in response.content.decode():
            raise SystemExit(f"{url}: {expect_text!r} not in the page")
        return response

    def hearing_list(self):
        if self.list_is_placeholder:
            return self._list_by_selector()
        day = self.day.isoformat()
        return self.get(self.secretary_client, f"/hearings/?date_from={day}&date_to={day}", "list")

    def _list_by_selector(self):
        from django.template.loader import render_to_string

        from courtvcs import kztime
        from courtvcs.hearings import selectors

        start = kztime.start_of_local_day(self.day)
        rows = list(selectors.hearing_list(self.secretary, date_from=start, date_to=start + dt.timedelta(days=1)))
        self.sizes["list"] = len(render_to_string("base.html", {"rows": rows}))

    def board_day(self):
        return self.get(self.coordinator_client, f"/board/?date={self.day.isoformat()}", "board_day", 'class="bk ')

    def board_week(self):
        return self.get(self.coordinator_client, f"/board/?view=week&date={self.day.isoformat()}", "board_week",
                        'class="bk ')

    def queue(self):
        return self.get(self.coordinator_client, "/queue/", "queue", 'data-answer="pending"')


OPERATIONS = (
    ("list", "secretary's day list", "hearing_list"),
    ("board_day", "coordinator's board, day", "board_day"),
    ("board_week", "coordinator's board, week", "board_week"),
    ("queue", "coordinator's queue", "queue"),
)


def count_queries(pages: Pages) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for key, _label, method in OPERATIONS:
        getattr(pages, method)()  # warm-up: caches and the session are not counted
        with CaptureQueriesContext(connection) as ctx:
            getattr(pages, method)()
        counts[key] = len(ctx)
    return counts


def time_pages(pages: Pages, repetitions: int) -> dict[str, tuple[float, float]]:
    figures = {}
    for key, _label, method in OPERATIONS:
        call = getattr(pages, method)
        for _warm in range(3):
            call()
        samples = []
        for _rep in range(repetitions):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
        figures[key] = (percentile(samples, 50), percentile(samples, 95))
    return figures


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def describe_database() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def measure(pages: Pages, repetitions: int, analyse: bool) -> tuple[dict, dict]:
    if analyse:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would, so plans see the real sizes
    return count_queries(pages), time_pages(pages, repetitions)


def main() -> None:
    args = parse_args()
    if args.hearings < SMALL:
        sys.exit(f"--hearings must be at least {SMALL}")
    prepare_environment(args)

    import django

    django.setup()
    from courtvcs.orgs.tests.factories import verify_forced_logins

    verify_forced_logins()  # force_login: a member of staff past the TOTP code step (issue 7)
    from django.core.management import call_command

    from courtvcs import kztime

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if args.database_url:
        empty_postgres()
    database = describe_database()
    print(f"database: {database}; migrated in {time.perf_counter() - started:.1f} s")

    rng = random.Random(args.seed)
    region = seed_region()
    week = Week(kztime.local_date(kztime.now()))
    print(f"region: {len(region.courts)} courts, {region.endpoints} endpoints; week "
          f"{week.days[0]:%d.%m.%Y}-{week.days[-1]:%d.%m.%Y}")
    seed_extras(region, week, rng)
    neighbour = seed_hearings(region, week, rng, 200, 900_001, courts=region.other_courts)
    print(f"neighbouring region: {neighbour}")

    seeded = seed_hearings(region, week, rng, SMALL, 1)
    print(f"seeded {seeded}")
    pages = Pages(region, week)
    analyse = bool(args.database_url)
    small_queries, small_times = measure(pages, args.repetitions, analyse)
    small_sizes = dict(pages.sizes)
    small_day = pages.day_count

    more = seed_hearings(region, week, rng, args.hearings - SMALL, SMALL + 1)
    print(f"seeded {more} more")
    pages = Pages(region, week)
    large_queries, large_times = measure(pages, args.repetitions, analyse)

    print()
    print(f"{database}; {args.repetitions} timed calls per page and size after 3 warm-up calls; "
          f"secretary {pages.secretary.username}, coordinator {pages.coordinator.username}; "
          f"day {pages.day:%d.%m.%Y} ({small_day} then {pages.day_count} hearings in the country that day)")
    if pages.list_is_placeholder:
        print("NOTE: hearings:list is still a placeholder; 'list' times selectors.hearing_list + a render of base.html")
    header = ("page", f"p50@{SMALL:,}", f"p95@{SMALL:,}", f"p50@{args.hearings:,}", f"p95@{args.hearings:,}",
              f"queries@{SMALL:,}", f"queries@{args.hearings:,}", "", "KB@N")
    rows = []
    for key, label, _method in OPERATIONS:
        same = "SAME" if small_queries[key] == large_queries[key] else "DIFFERENT"
        rows.append((label, f"{small_times[key][0]:.1f}", f"{small_times[key][1]:.1f}",
                     f"{large_times[key][0]:.1f}", f"{large_times[key][1]:.1f}",
                     str(small_queries[key]), str(large_queries[key]), same,
                     f"{pages.sizes.get(key, 0) / 1024:.0f} (from {small_sizes.get(key, 0) / 1024:.0f})"))
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip())
    differing = [key for key, *_ in OPERATIONS if small_queries[key] != large_queries[key]]
    print()
    print("ms: server time through django.test.Client; load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs")
    print("query counts:", "DIFFERENT for " + ", ".join(differing) if differing
          else f"SAME at {SMALL:,} and {args.hearings:,} hearings")
    if differing:
        sys.exit(1)


if __name__ == "__main__":
    main()
