"""Booking benchmark: how courtvcs answers with a country's worth of hearings.

Seeds a country (20 regions, each with a regional court, ten district courts and two
institutions) and N hearings spread over about 400 days, then measures through the real
JSON API (django.test.Client, signed in as the people who do it):

  booking    POST /api/hearings, a free slot, with the technical-possibility check (R10)
  queue      GET  /api/coordinator/queue as a regional coordinator (R11)
  list       GET  /api/hearings as a district court's secretary
  detail     GET  /api/hearings/{id} as that secretary

and the number of SQL queries each call makes with 1,000 hearings and with N hearings,
which must be the same (the selectors read in a fixed number of queries).

    .venv/bin/python bench/booking_bench.py [--hearings 100000] [--database-url URL]

Without --database-url it runs on a fresh SQLite file, var/bench/booking_bench.sqlite3.
A PostgreSQL database is created if missing, migrated and EMPTIED first (see README.md).
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_SQLITE = REPO / "var" / "bench" / "booking_bench.sqlite3"

REGIONS = 20
DISTRICT_COURTS_PER_REGION = 10
INSTITUTIONS_PER_REGION = 2
DAYS = 400
REPETITIONS = 200
SMALL = 1_000
PENDING_SHARE = 0.05

# A day of each endpoint is cut into cells of 90 minutes from 08:30; a hearing starts
# 30 minutes into its cell and lasts at most 60 minutes, so the endpoint is held (from the
# connection window, R15, to the end) inside its cell and two hearings never overlap.
CELL_MINUTES = 90
FIRST_CELL = dt.time(8, 30)
CELLS_PER_DAY = 7
DURATIONS = (15, 30, 45, 60)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hearings", type=int, default=100_000,
                        help="hearings to seed (default 100000)")
    parser.add_argument("--database-url", default="",
                        help="postgres://user@host:port/name; default: a fresh SQLite file")
    parser.add_argument("--repetitions", type=int, default=REPETITIONS,
                        help="timed calls per operation (default 200)")
    parser.add_argument("--wipe", action="store_true",
                        help="empty a PostgreSQL database that holds data and is not named *bench*")
    parser.add_argument("--seed", type=int, default=20261201, help="random seed")
    return parser.parse_args()


def prepare_environment(args: argparse.Namespace) -> str:
    """Point Django at the benchmark's database before anything imports the settings."""
    if args.database_url:
        url = args.database_url
        if not url.startswith(("postgres://", "postgresql://")):
            sys.exit("--database-url must be a PostgreSQL URL (SQLite is the default)")
        ensure_postgres_database(url)
    else:
        BENCH_SQLITE.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{BENCH_SQLITE}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{BENCH_SQLITE}"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "courtvcs.settings"
    # E-mail is sent after the booking commits; the benchmark measures courtvcs, not SMTP.
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(REPO))
    return url


def ensure_postgres_database(url: str) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    conninfo = {"host": cfg.get("HOST") or "127.0.0.1", "port": cfg.get("PORT") or 5432,
                "user": cfg.get("USER") or "postgres", "dbname": "postgres"}
    if cfg.get("PASSWORD"):
        conninfo["password"] = cfg["PASSWORD"]
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [cfg["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def reset_postgres(wipe: bool) -> None:
    """Start from an empty database, as the SQLite run does with a fresh file."""
    from django.core.management import call_command
    from django.db import connection

    from courtvcs.orgs.models import Organisation

    name = connection.settings_dict["NAME"]
    if Organisation.objects.exists() and "bench" not in name and not wipe:
        sys.exit(f"database {name!r} holds data; the benchmark empties its database. "
                 "Give it a database of its own (e.g. bench_booking) or pass --wipe.")
    call_command("flush", interactive=False, verbosity=0)


# ---- the country ------------------------------------------------------------------------

class Country:
    """Ids of what the seed made, kept in memory so hearings are generated without queries."""

    def __init__(self):
        self.regions = []          # [{regional, courts: [...], institutions: [...], coordinator}]
        self.courts = {}           # court id -> {kind, region, coordinator_org, rooms, judge, secretary}
        self.institution_rooms = {}  # region index -> [endpoint ids]
        self.all_rooms = []        # every courtroom id


def seed_country(rng: random.Random) -> Country:
    from django.db import transaction

    from courtvcs.orgs.choices import EndpointKind, OrgKind, Role
    from courtvcs.orgs.models import District, Endpoint, Organisation, Region, User

    def names(label: str) -> dict:
        return {"name_kk": label, "name_ru": label, "name_en": label}

    country = Country()
    with transaction.atomic():
        capital = Region.objects.create(code="bench-capital", is_city=True, **names("Capital"))
        capital_district = District.objects.create(region=capital, code="bench-capital-d",
                                                   **names("Capital district"))
        supreme = Organisation.objects.create(code="bench-supreme", kind=OrgKind.SUPREME_COURT,
                                              region=capital, district=capital_district,
                                              **names("Supreme Court"))
        department = Organisation.objects.create(code="bench-department", kind=OrgKind.DEPARTMENT,
                                                 region=capital, district=capital_district,
                                                 parent=supreme, **names("Department"))
        people = [User(username="bench-depcoordinator", role=Role.DEPARTMENT_COORDINATOR,
                       organisation=department, email="depcoordinator@bench.local")]
        court_rows = []  # (Organisation, region index)
        institution_rows = []
        for r in range(REGIONS):
            region = Region.objects.create(code=f"bench-r{r:02}", **names(f"Region {r + 1}"))
            districts = District.objects.bulk_create([
                District(region=region, code=f"bench-r{r:02}-d{d:02}",
                         **names(f"Region {r + 1} district {d + 1}"))
                for d in range(DISTRICT_COURTS_PER_REGION)])
            regional = Organisation.objects.create(
                code=f"bench-r{r:02}-regional", kind=OrgKind.REGIONAL_COURT, region=region,
                district=districts[0], parent=supreme, **names(f"Regional court {r + 1}"))
            court_rows.append((regional, r))
            district_courts = Organisation.objects.bulk_create([
                Organisation(code=f"bench-r{r:02}-court{d:02}", kind=OrgKind.DISTRICT_COURT,
                             region=region, district=districts[d], parent=regional,
                             **names(f"District court {r + 1}.{d + 1}"))
                for d in range(DISTRICT_COURTS_PER_REGION)])
            court_rows += [(c, r) for c in district_courts]
            institutions = Organisation.objects.bulk_create([
                Organisation(code=f"bench-r{r:02}-inst{i}",
                             kind=(OrgKind.DETENTION_CENTRE if i == 0
                                   else OrgKind.CORRECTIONAL_INSTITUTION),
                             region=region, district=districts[i],
                             **names(f"Institution {r + 1}.{i + 1}"))
                for i in range(INSTITUTIONS_PER_REGION)])
            institution_rows += [(o, r) for o in institutions]
            country.regions.append({"regional": regional.pk, "courts": [regional.pk]
                                    + [c.pk for c in district_courts]})

        rooms = []
        for court, _r in court_rows:
            count = 3 if court.kind == OrgKind.REGIONAL_COURT else rng.choice((2, 3))
            rooms += [Endpoint(organisation=court, kind=EndpointKind.COURTROOM,
                               room_number=str(100 + n + 1)) for n in range(count)]
        rooms += [Endpoint(organisation=inst, kind=EndpointKind.VCS_ROOM, room_number="VCS-1")
                  for inst, _r in institution_rows]
        Endpoint.objects.bulk_create(rooms)

        court_roles = (Role.JUDGE, Role.SECRETARY, Role.BAILIFF, Role.COURT_TECHNICIAN,
                       Role.OFFICE_HEAD)
        for court, _r in court_rows:
            for role in court_roles:
                people.append(User(username=f"{court.code}-{role}", role=role, organisation=court,
                                   email=f"{court.code}-{role}@bench.local",
                                   last_name=role.value.title(), first_name=court.code))
            if court.kind == OrgKind.REGIONAL_COURT:
                people.append(User(username=f"{court.code}-coordinator",
                                   role=Role.REGIONAL_COORDINATOR, organisation=court,
                                   email=f"{court.code}-coordinator@bench.local"))
        for inst, _r in institution_rows:
            for role in (Role.INSTITUTION_OFFICER, Role.INSTITUTION_TECHNICIAN):
                people.append(User(username=f"{inst.code}-{role}", role=role, organisation=inst,
                                   email=f"{inst.code}-{role}@bench.local"))
        for person in people:
            person.set_unusable_password()
        User.objects.bulk_create(people)

    users = {(u.organisation_id, u.role): u.pk for u in User.objects.all()}
    for court, r in court_rows:
        own_rooms = [e.pk for e in rooms if e.organisation_id == court.pk]
        country.courts[court.pk] = {
            "kind": court.kind, "region": r, "rooms": own_rooms,
            "coordinator_org": court.pk if court.kind == OrgKind.REGIONAL_COURT else court.parent_id,
            "judge": users[(court.pk, Role.JUDGE)], "secretary": users[(court.pk, Role.SECRETARY)],
        }
        country.all_rooms += own_rooms
    for region in country.regions:
        region["coordinator"] = users[(region["regional"], Role.REGIONAL_COORDINATOR)]
    for inst, r in institution_rows:
        country.institution_rooms.setdefault(r, []).append(
            next(e.pk for e in rooms if e.organisation_id == inst.pk))
    return country


# ---- the hearings -----------------------------------------------------------------------

class Calendar:
    """The cells of every endpoint over DAYS working days, and which are taken."""

    def __init__(self, today: dt.date):
        from courtvcs import kztime

        self.kz = kztime.KZ
        self.today = today
        start = today - dt.timedelta(days=DAYS // 2)
        self.days = [start + dt.timedelta(days=i) for i in range(DAYS)]
        # Courts sit on working days; today is left out so every hearing is plainly past
        # or plainly future.
        self.days = [d for d in self.days if d.weekday() < 5 and d != today]
        self.taken: set[tuple[int, int, int]] = set()

    def start_of(self, day: dt.date, cell: int) -> dt.datetime:
        cell_start = dt.datetime.combine(day, FIRST_CELL, tzinfo=self.kz) + dt.timedelta(
            minutes=CELL_MINUTES * cell)
        return (cell_start + dt.timedelta(minutes=30)).astimezone(dt.UTC)

    def free(self, endpoints, day_index: int, cell: int) -> bool:
        return all((e, day_index, cell) not in self.taken for e in endpoints)

    def take(self, endpoints, day_index: int, cell: int) -> None:
        for e in endpoints:
            self.taken.add((e, day_index, cell))

    def find(self, rng: random.Random, endpoints, *, from_day: dt.date | None = None):
        first = 0 if from_day is None else next(
            i for i, d in enumerate(self.days) if d >= from_day)
        for _try in range(200):
            day_index, cell = rng.randrange(first, len(self.days)), rng.randrange(CELLS_PER_DAY)
            if self.free(endpoints, day_index, cell):
                return day_index, cell
        return None


PAST_STATUSES = (("closed", 85), ("not_held", 5), ("cancelled", 4), ("rejected", 3),
                 ("refused", 3))
FUTURE_STATUSES = (("awaiting_decision", 10), ("awaiting_agreement", 0), ("agreed", 45),
                   ("ready", 20), ("cancelled", 3), ("rejected", 3), ("refused", 2))


def pick(rng: random.Random, weighted) -> str:
    total = sum(w for _s, w in weighted)
    x = rng.uniform(0, total)
    for status, weight in weighted:
        x -= weight
        if x <= 0:
            return status
    return weighted[-1][0]


def seed_hearings(country: Country, calendar: Calendar, rng: random.Random, count: int,
                  first_number: int) -> dict[str, int]:
    """bulk_create `count` hearings with their remote site, bookings, agreement and deadlines."""
    from django.db import transaction

    from courtvcs import kztime
    from courtvcs.hearings.choices import HOLDING_STATES
    from courtvcs.hearings.models import (
        AgreementRequest, Deadline, EndpointBooking, Hearing, RemoteSite,
    )

    now = kztime.now()
    window = dt.timedelta(minutes=30)
    future_days = sum(1 for d in calendar.days if d > calendar.today)
    future_share = future_days / len(calendar.days)
    # ~5% of all hearings wait for the coordinator: a share of the future ones (none when
    # the calendar is all past, as growth_bench.py's history is).
    share = PENDING_SHARE / future_share if future_share else 0.0
    others = sum(w for s, w in FUTURE_STATUSES if s != "awaiting_agreement")
    pending_weight = others * share / (1 - share)
    future = tuple((s, pending_weight if s == "awaiting_agreement" else w)
                   for s, w in FUTURE_STATUSES)
    court_ids = list(country.courts)
    rows = []
    for n in range(first_number, first_number + count):
        for _attempt in range(100):
            court_id = rng.choice(court_ids)
            court = country.courts[court_id]
            room = rng.choice(court["rooms"])
            if rng.random() < 0.4:  # a defendant or convict in an institution of the region
                remote = rng.choice(country.institution_rooms[court["region"]])
            else:  # a party at another court, anywhere in the country
                remote = rng.choice(country.all_rooms)
                if remote in court["rooms"]:
                    continue
            slot = calendar.find(rng, (room, remote))
            if slot is not None:
                break
        else:
            raise SystemExit("the calendar is full: lower --hearings or raise DAYS")
        calendar.take((room, remote), *slot)
        day = calendar.days[slot[0]]
        rows.append((n, court_id, court, room, remote, day, calendar.start_of(day, slot[1])))

    hearings, remotes = [], []
    for n, court_id, court, room, remote, day, starts_at in rows:
        past = day < calendar.today
        status = pick(rng, PAST_STATUSES if past else future)
        regional = court["kind"] == "regional_court"
        created = min(now, starts_at) - dt.timedelta(days=rng.randint(3, 40))
        decided = status not in {"awaiting_decision", "rejected"}
        hearing = Hearing(
            case_number=f"{rng.choice('123')}-{court_id}-{n}/{day.year}",
            category=rng.choice(("criminal", "criminal", "civil", "admin_offence")),
            instance="appeal" if regional and rng.random() < 0.6 else "first",
            court_id=court_id, courtroom_id=room, judge_id=court["judge"],
            secretary_id=court["secretary"], coordinator_org_id=court["coordinator_org"],
            starts_at=starts_at, duration_minutes=rng.choice(DURATIONS), status=status,
            basis="court_initiative", decided_at=created + dt.timedelta(hours=3) if decided else None,
            created_by_id=court["secretary"], created_at=created, updated_at=created)
        hearings.append(hearing)
        remotes.append(remote)

    counts = {"hearings": 0, "remote sites": 0, "bookings": 0, "agreements": 0, "deadlines": 0}
    with transaction.atomic():
        Hearing.objects.bulk_create(hearings, batch_size=2000)
        sites, bookings, agreements, deadlines = [], [], [], []
        for hearing, remote in zip(hearings, remotes):
            sites.append(RemoteSite(hearing_id=hearing.pk, endpoint_id=remote))
            holding = hearing.status in HOLDING_STATES
            for endpoint in (hearing.courtroom_id, remote):
                bookings.append(EndpointBooking(
                    endpoint_id=endpoint, hearing_id=hearing.pk, active=holding,
                    starts_at=hearing.starts_at - window, ends_at=hearing.ends_at))
            answer = {"awaiting_agreement": "pending", "refused": "refused",
                      "cancelled": "withdrawn"}.get(hearing.status, "agreed")
            if hearing.decided_at is not None:
                coordinator = country.regions[country.courts[hearing.court_id]["region"]]
                pending = answer == "pending"
                requested = (max(hearing.decided_at, now - dt.timedelta(hours=rng.randint(1, 120)))
                             if pending else hearing.decided_at)
                agreements.append(AgreementRequest(
                    hearing_id=hearing.pk, coordinator_org_id=hearing.coordinator_org_id,
                    starts_at=hearing.starts_at, requested_at=requested, status=answer,
                    reason="The coordinator's endpoint is taken." if answer == "refused" else "",
                    decided_by_id=None if pending else coordinator["coordinator"],
                    decided_at=None if pending else requested + dt.timedelta(hours=2)))
                if holding and hearing.starts_at > now:
                    deadlines += [
                        Deadline(hearing_id=hearing.pk, kind="test_session",
                                 due_at=kztime.start_of_local_day(kztime.local_date(hearing.starts_at)),
                                 status="met" if hearing.status == "ready" else "pending"),
                        Deadline(hearing_id=hearing.pk, kind="window_opens",
                                 due_at=hearing.window_opens_at),
                        Deadline(hearing_id=hearing.pk, kind="not_connected",
                                 due_at=hearing.starts_at - dt.timedelta(minutes=20)),
                    ]
        RemoteSite.objects.bulk_create(sites, batch_size=5000)
        EndpointBooking.objects.bulk_create(bookings, batch_size=5000)
        AgreementRequest.objects.bulk_create(agreements, batch_size=5000)
        Deadline.objects.bulk_create(deadlines, batch_size=5000)
    counts.update({"hearings": len(hearings), "remote sites": len(sites),
                   "bookings": len(bookings), "agreements": len(agreements),
                   "deadlines": len(deadlines),
                   "pending agreements": sum(a.status == "pending" for a in agreements)})
    return counts


# ---- the measurements -------------------------------------------------------------------

class Actors:
    """The people whose calls are measured, and the slots they book."""

    def __init__(self, country: Country, calendar: Calendar, rng: random.Random):
        from django.db.models import Count
        from django.test import Client

        from courtvcs.hearings.models import AgreementRequest, Hearing
        from courtvcs.orgs.models import User

        # The region with the longest queue, and its busiest district court.
        busiest = (AgreementRequest.objects.filter(status="pending").values("coordinator_org_id")
                   .annotate(n=Count("id")).order_by("-n", "coordinator_org_id").first())
        if busiest is None:
            raise SystemExit("no pending agreement was seeded; raise --hearings")
        region_index = next(i for i, r in enumerate(country.regions)
                            if r["regional"] == busiest["coordinator_org_id"])
        region = country.regions[region_index]
        district_courts = region["courts"][1:]
        court_id = (Hearing.objects.filter(court_id__in=district_courts).values("court_id")
                    .annotate(n=Count("id")).order_by("-n", "court_id").first() or
                    {"court_id": district_courts[0]})["court_id"]
        self.court = country.courts[court_id]
        self.secretary = User.objects.get(pk=self.court["secretary"])
        self.coordinator = User.objects.get(pk=region["coordinator"])
        self.institution_rooms = country.institution_rooms[region_index]
        self.calendar, self.rng = calendar, rng
        self.secretary_client, self.coordinator_client = Client(), Client()
        self.secretary_client.force_login(self.secretary)
        self.coordinator_client.force_login(self.coordinator)
        self.booked = 0
        self.last_hearing_id = self.detail_id = None

    def booking_payload(self) -> dict:
        """A free slot two or more days ahead: a courtroom and an institution's VCS room."""
        earliest = self.calendar.today + dt.timedelta(days=2)
        for _try in range(100):
            room = self.rng.choice(self.court["rooms"])
            remote = self.rng.choice(self.institution_rooms)
            slot = self.calendar.find(self.rng, (room, remote), from_day=earliest)
            if slot is not None:
                break
        else:
            raise SystemExit("no free slot left for the booking benchmark")
        self.calendar.take((room, remote), *slot)
        day = self.calendar.days[slot[0]]
        starts_at = self.calendar.start_of(day, slot[1]).astimezone(self.calendar.kz)
        self.booked += 1
        return {
            "case_number": f"1-BENCH-{self.booked}/{day.year}", "category": "criminal",
            "instance": "first", "courtroom_id": room, "judge_id": self.court["judge"],
            "starts_at": starts_at.isoformat(), "duration_minutes": 60,
            "remote_endpoint_ids": [remote],
            "participants": [
                {"full_name": "Сериков Асхат Болатұлы", "procedural_role": "defendant",
                 "mode": "remote_site", "remote_endpoint_id": remote},
                {"full_name": "Ахметова Дана", "procedural_role": "defence_lawyer",
                 "mode": "mobile_vcs", "phone": "+7 701 111 22 33"},
            ],
        }

    def book(self):
        response = self.secretary_client.post("/api/hearings", json.dumps(self.booking_payload()),
                                              content_type="application/json")
        expect(response, 201, "booking")
        self.last_hearing_id = response.json()["id"]
        return response

    def queue(self):
        response = self.coordinator_client.get("/api/coordinator/queue")
        expect(response, 200, "coordinator queue")
        if not response.json():
            raise SystemExit("the coordinator's queue is empty: nothing would be measured")
        return response

    def hearing_list(self):
        response = self.secretary_client.get("/api/hearings")
        expect(response, 200, "hearing list")
        return response

    def detail(self):
        response = self.secretary_client.get(f"/api/hearings/{self.detail_id}")
        expect(response, 200, "hearing detail")
        return response


def expect(response, status: int, what: str) -> None:
    if response.status_code != status:
        raise SystemExit(f"{what}: expected {status}, got {response.status_code}: "
                         f"{response.content.decode()[:2000]}")


OPERATIONS = (
    ("booking", "POST /api/hearings (R10 check)", "book"),
    ("queue", "GET /api/coordinator/queue", "queue"),
    ("list", "GET /api/hearings (secretary)", "hearing_list"),
    ("detail", "GET /api/hearings/{id}", "detail"),
)


def count_queries(actors: Actors) -> dict[str, int]:
    """Queries per call, after a warm-up call of each so caches do not count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for key, _label, method in OPERATIONS:
        getattr(actors, method)()
        if key == "booking":
            # The detail read is of a hearing booked just now, so it is alike at every size.
            actors.detail_id = actors.last_hearing_id
        with CaptureQueriesContext(connection) as ctx:
            getattr(actors, method)()
        counts[key] = len(ctx.captured_queries)
    return counts


def time_calls(actors: Actors, repetitions: int) -> dict[str, tuple[float, float]]:
    figures = {}
    for key, _label, method in OPERATIONS:
        call = getattr(actors, method)
        for _warm in range(5):
            call()
        samples = []
        for _rep in range(repetitions):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
        figures[key] = (percentile(samples, 50), percentile(samples, 99))
    return figures


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n*q/100)
    return ordered[int(rank) - 1]


def describe_database(url: str) -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        return f"PostgreSQL {version.split()[0]} ({connection.settings_dict['NAME']})"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version} ({Path(connection.settings_dict['NAME']).name})"


def main() -> None:
    args = parse_args()
    if args.hearings < 10:
        sys.exit("--hearings must be at least 10")
    url = prepare_environment(args)

    import django

    django.setup()
    from courtvcs.orgs.tests.factories import verify_forced_logins

    verify_forced_logins()  # force_login: a member of staff past the TOTP code step (issue 7)
    from django.core.management import call_command

    from courtvcs import kztime

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if args.database_url:
        reset_postgres(args.wipe)
    database = describe_database(url)
    print(f"database: {database}; migrated in {time.perf_counter() - started:.1f} s")

    rng = random.Random(args.seed)
    started = time.perf_counter()
    country = seed_country(rng)
    print(f"country: {REGIONS} regions, {len(country.courts)} courts, "
          f"{sum(map(len, country.institution_rooms.values()))} institutions, "
          f"{len(country.all_rooms)} courtrooms; seeded in {time.perf_counter() - started:.1f} s")

    calendar = Calendar(kztime.local_date(kztime.now()))
    small = min(SMALL, args.hearings)
    started = time.perf_counter()
    seeded = seed_hearings(country, calendar, rng, small, 1)
    print(f"seeded {small:,} hearings in {time.perf_counter() - started:.1f} s: {seeded}")
    actors = Actors(country, calendar, rng)
    print(f"measuring as {actors.secretary.username} and {actors.coordinator.username}")
    queries_small = count_queries(actors)

    started = time.perf_counter()
    more = seed_hearings(country, calendar, rng, args.hearings - small, small + 1)
    elapsed = time.perf_counter() - started
    print(f"seeded {args.hearings - small:,} more hearings in {elapsed:.1f} s: {more}")
    if args.database_url:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would, so plans see the real sizes
    queries_large = count_queries(actors)
    timings = time_calls(actors, args.repetitions)

    from courtvcs.hearings.models import Hearing

    total = Hearing.objects.count()
    header = ("database", "hearings", "operation", "p50 ms", "p99 ms", f"queries@{small:,}",
              f"queries@{args.hearings:,}", "")
    lines = []
    for key, label, _method in OPERATIONS:
        p50, p99 = timings[key]
        same = "SAME" if queries_small[key] == queries_large[key] else "DIFFERENT"
        lines.append((database.split(" (")[0], f"{args.hearings:,}", label, f"{p50:.1f}",
                      f"{p99:.1f}", str(queries_small[key]), str(queries_large[key]), same))
    widths = [max(len(row[i]) for row in (header, *lines)) for i in range(len(header))]
    print()
    print(f"{args.repetitions} calls per operation; {total:,} hearings in the database at the end "
          f"({actors.booked} booked by the benchmark); load average "
          + " ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs")
    for row in (header, tuple("-" * w for w in widths), *lines):
        print("  ".join(cell.ljust(w) if i < 3 else cell.rjust(w)
                        for i, (cell, w) in enumerate(zip(row, widths))).rstrip())
    differing = [key for key, *_ in OPERATIONS if queries_small[key] != queries_large[key]]
    print()
    print("query counts:", "DIFFERENT for " + ", ".join(differing) if differing
          else f"SAME at {small:,} and {args.hearings:,} hearings")


if __name__ == "__main__":
    main()
