"""Cost growth: the booking and the coordinator's timeline at 10k, 100k and 1M hearings.

One PostgreSQL database grows in steps, by adding rows, the way a country's database grows:
the present (four weeks back, six weeks ahead) is seeded once with the first step's
hearings (booking_bench.py's seeding), and every later step adds history in SQL (past
hearings, closed or not held, over about six years, 100,000 per transaction), so a day's
work stays the same while the tables grow. After each step (and
ANALYZE, as autovacuum would) it measures through the real URLs (django.test.Client,
signed in with force_login), as booking_bench.py does:

  booking     POST /api/hearings: a district secretary books a free slot (R10 check)
  board day   GET  /board/?date=D: the regional coordinator's endpoint timeline, one day
  board week  GET  /board/?view=week&date=D: the same, the week
  queue       GET  /api/coordinator/queue: the coordinator's pending agreements (R11)
  day list    GET  /hearings/?date_from=D&date_to=D: the secretary's day
  list        GET  /api/hearings: the secretary's hearings, newest 100

the median and p90 of --repetitions calls, the SQL queries of one call and, by EXPLAIN (ANALYZE, BUFFERS) of each of its reads, the 8 KB pages they touch
and their execution time in PostgreSQL: what the request costs the database, whatever else
runs on the machine. At the end it prints the plan of the query touching most pages of
every request whose pages or median grew more than 3x from the first step to the last.

    .venv/bin/python bench/growth_bench.py [--steps 10000,100000,1000000]
        [--database-url postgres://postgres@127.0.0.1:5432/cv_growth]

The database is created if missing, migrated and EMPTIED first (it must be a benchmark's:
its name contains "bench" or "growth").
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import booking_bench as bb  # noqa: E402  (the country, the hearings, the signed-in actors)

REPO = bb.REPO
EXPLAIN_FILE = REPO / "var" / "bench" / "growth_explain.txt"
PRESENT_BACK, PRESENT_AHEAD = 28, 42          # days of the present, around today
HISTORY_WORKING_DAYS = 1_500                  # about six years before the present
CHUNK = 100_000                               # hearings seeded per transaction
# Four institutions per region (80 VCS rooms): at a million hearings 40 % of them hold an
# institution's room, and the history must keep some room free (about half is taken).
INSTITUTIONS_PER_REGION = 4


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="10000,100000,1000000",
                        help="hearings in the database at each step (default 10000,100000,1000000)")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/cv_growth")
    parser.add_argument("--repetitions", type=int, default=30, help="timed calls per request and step")
    parser.add_argument("--seed", type=int, default=20261201, help="random seed")
    parser.add_argument("--quiet-below", type=float, default=2.5,
                        help="before measuring a step, wait for the load average to fall below this")
    parser.add_argument("--quiet-wait", type=float, default=60, help="... for at most this many seconds")
    args = parser.parse_args()
    args.steps = [int(s) for s in args.steps.split(",")]
    if args.steps != sorted(args.steps) or args.steps[0] < 1_000:
        parser.error("--steps must grow and start at 1000 or more")
    return args


def calendars(today: dt.date) -> tuple["bb.Calendar", "bb.Calendar"]:
    """The present (where bookings and boards happen) and the history before it."""
    present, history = bb.Calendar(today), bb.Calendar(today)
    present.days = [today + dt.timedelta(days=i) for i in range(-PRESENT_BACK, PRESENT_AHEAD + 1)
                    if i != 0 and (today + dt.timedelta(days=i)).weekday() < 5]
    days, day = [], today - dt.timedelta(days=PRESENT_BACK + 1)
    while len(days) < HISTORY_WORKING_DAYS:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    history.days = days[::-1]
    return present, history


HISTORY_SQL = """
CREATE TEMP TABLE bench_gen ON COMMIT DROP AS
WITH r AS (
    SELECT nextval(pg_get_serial_sequence('hearings_hearing', 'id')) AS id,
           1 + floor(random() * %(courts)s)::int AS c, random() AS r_inst, random() AS r_remote,
           random() AS r_room, 1 + floor(random() * %(days)s)::int AS d, floor(random() * 7)::int AS cell,
           (ARRAY[15, 30, 45, 60])[1 + floor(random() * 4)::int] AS duration, random() AS r_status,
           random() AS r_category, random() AS r_instance, 3 + floor(random() * 38)::int AS age
    FROM generate_series(1, %(count)s)
), x AS (
    SELECT r.*, c.court_id, c.kind, c.judge_id, c.secretary_id, c.coordinator_org_id, c.region_coordinator_id,
           c.rooms[1 + floor(r.r_room * cardinality(c.rooms))::int] AS room,
           i.rooms[1 + floor(r.r_remote * cardinality(i.rooms))::int] AS institution_room,
           CASE WHEN r.r_inst < 0.4 THEN i.rooms[1 + floor(r.r_remote * cardinality(i.rooms))::int]
                ELSE (%(all_rooms)s::bigint[])[1 + floor(r.r_remote * %(rooms)s)::int] END AS remote0,
           -- 08:30 in Kazakhstan (UTC+5) is 03:30 UTC; a hearing starts 30 minutes into its cell
           ((%(day_list)s::date[])[r.d] + time '03:30' + (r.cell * 90 + 30) * interval '1 minute')
               AT TIME ZONE 'UTC' AS starts_at
    FROM r JOIN bench_courts c ON c.idx = r.c JOIN bench_institutions i ON i.region = c.region
)
SELECT x.*, CASE WHEN remote0 = room THEN institution_room ELSE remote0 END AS remote,
       CASE WHEN r_status < 0.85 THEN 'closed' WHEN r_status < 0.90 THEN 'not_held'
            WHEN r_status < 0.94 THEN 'cancelled' WHEN r_status < 0.97 THEN 'rejected'
            ELSE 'refused' END AS status,
       starts_at - age * interval '1 day' AS created_at
FROM x;

INSERT INTO hearings_hearing (id, case_number, category, instance, starts_at, duration_minutes, status,
    basis, decided_at, has_minor, safety_protected, created_at, updated_at, coordinator_org_id, court_id,
    courtroom_id, created_by_id, judge_id, secretary_id)
SELECT id, '1-' || court_id || '-H' || id || '/' || extract(year FROM starts_at)::int,
       CASE WHEN r_category < 0.5 THEN 'criminal' WHEN r_category < 0.75 THEN 'civil' ELSE 'admin_offence' END,
       CASE WHEN kind = 'regional_court' AND r_instance < 0.6 THEN 'appeal' ELSE 'first' END,
       starts_at, duration, status, 'court_initiative',
       CASE WHEN status = 'rejected' THEN NULL ELSE created_at + interval '3 hours' END,
       false, false, created_at, created_at, coordinator_org_id, court_id, room, secretary_id, judge_id,
       secretary_id
FROM bench_gen;

INSERT INTO hearings_remotesite (connection, hearing_id, endpoint_id)
SELECT %(waiting)s, id, remote FROM bench_gen;

INSERT INTO hearings_endpointbooking (starts_at, ends_at, active, endpoint_id, hearing_id)
SELECT starts_at - interval '30 minutes', starts_at + duration * interval '1 minute', false, e, id
FROM bench_gen, LATERAL (VALUES (room), (remote)) AS endpoints(e);

INSERT INTO hearings_agreementrequest (starts_at, requested_at, status, reason, decided_at,
    coordinator_org_id, decided_by_id, hearing_id)
SELECT starts_at, created_at + interval '3 hours',
       CASE status WHEN 'refused' THEN 'refused' WHEN 'cancelled' THEN 'withdrawn' ELSE 'agreed' END,
       CASE WHEN status = 'refused' THEN 'The coordinator''s endpoint is taken.' ELSE '' END,
       created_at + interval '5 hours', coordinator_org_id, region_coordinator_id, id
FROM bench_gen WHERE status <> 'rejected';
"""


def seed_history(country: "bb.Country", days: list[dt.date], count: int) -> None:
    """`count` past hearings in SQL (generate_series; Python objects would take ten times
    longer): booking_bench's spread (a courtroom of a random court, 40 % a VCS room of an
    institution of the region, else any courtroom; cells of 90 minutes on working days) and
    its past statuses (85 % closed, not held, cancelled, rejected, refused), a remote site,
    two bookings (no longer active) and the coordinator's answer. The past holds no endpoint,
    so the cells need no bookkeeping."""
    from django.db import connection, transaction

    from courtvcs.hearings.choices import SiteConnection

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_courts; DROP TABLE IF EXISTS bench_institutions")
        cursor.execute("CREATE TEMP TABLE bench_courts (idx int, court_id bigint, kind text, region int, "
                       "judge_id bigint, secretary_id bigint, coordinator_org_id bigint, "
                       "region_coordinator_id bigint, rooms bigint[]) ON COMMIT DROP")
        cursor.executemany("INSERT INTO bench_courts VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", [
            (n, court_id, str(c["kind"]), c["region"], c["judge"], c["secretary"], c["coordinator_org"],
             country.regions[c["region"]]["coordinator"], c["rooms"])
            for n, (court_id, c) in enumerate(country.courts.items(), start=1)])
        cursor.execute("CREATE TEMP TABLE bench_institutions (region int, rooms bigint[]) ON COMMIT DROP")
        cursor.executemany("INSERT INTO bench_institutions VALUES (%s, %s)",
                           list(country.institution_rooms.items()))
        cursor.execute(HISTORY_SQL, {"courts": len(country.courts), "days": len(days), "count": count,
                                     "all_rooms": country.all_rooms, "rooms": len(country.all_rooms),
                                     "day_list": days, "waiting": str(SiteConnection.WAITING)})


class Requests(bb.Actors):
    """booking_bench's secretary and coordinator, plus the two screens of the coordinator."""

    def __init__(self, country, calendar, rng):
        super().__init__(country, calendar, rng)
        first = calendar.today + dt.timedelta(days=7)
        self.day = next(d for d in calendar.days if d >= first and d.weekday() == 2)  # a Wednesday

    def page(self, client, url: str):
        response = client.get(url)
        bb.expect(response, 200, url)
        return response

    def board_day(self):
        return self.page(self.coordinator_client, f"/board/?date={self.day}")

    def board_week(self):
        return self.page(self.coordinator_client, f"/board/?view=week&date={self.day}")

    def day_list(self):
        return self.page(self.secretary_client, f"/hearings/?date_from={self.day}&date_to={self.day}")


OPERATIONS = (
    ("booking", "POST /api/hearings (R10 check)", "book"),
    ("board_day", "GET /board/ (coordinator, day)", "board_day"),
    ("board_week", "GET /board/ (coordinator, week)", "board_week"),
    ("queue", "GET /api/coordinator/queue", "queue"),
    ("day_list", "GET /hearings/ (secretary, a day)", "day_list"),
    ("list", "GET /api/hearings (secretary)", "hearing_list"),
)


def quiet_machine(below: float, patience: float) -> None:
    """Wait (at most `patience` s) for the 1-minute load average to fall below `below`:
    the machine is shared, and a step measured while others run is not comparable."""
    deadline = time.monotonic() + patience
    while os.getloadavg()[0] >= below and time.monotonic() < deadline:
        time.sleep(5)


def measure(requests: Requests, repetitions: int, quiet: tuple[float, float]) -> dict[str, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quiet_machine(*quiet)
    figures = {}
    for key, _label, method in OPERATIONS:
        call = getattr(requests, method)
        for _warm in range(3):
            call()
        with CaptureQueriesContext(connection) as ctx:
            call()
        captured = list(ctx.captured_queries)  # the next request empties Django's query log
        pages, executed, heaviest = plan_costs([q["sql"] for q in captured])
        samples = []
        for _rep in range(repetitions):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
        figures[key] = {"p50": bb.percentile(samples, 50), "p90": bb.percentile(samples, 90),
                        "load": os.getloadavg()[0], "queries": len(captured),
                        "sql_ms": sum(float(q["time"]) for q in captured) * 1000,
                        "pages": pages, "executed_ms": executed, "heaviest_pages": heaviest[0],
                        "heaviest_sql": heaviest[1]}
    return figures


def plan_costs(queries: list[str]) -> tuple[int, float, tuple[int, str]]:
    """What the request's reads cost PostgreSQL, whatever else the machine is doing: the
    8 KB pages they touch (shared buffers hit or read) and their execution time, by EXPLAIN
    (ANALYZE, BUFFERS) of each SELECT again (in a transaction rolled back); and the query
    that touches the most pages."""
    from django.db import connection, transaction

    pages, executed, heaviest = 0, 0.0, (0, "")
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in queries:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]
            touched = plan["Plan"].get("Shared Hit Blocks", 0) + plan["Plan"].get("Shared Read Blocks", 0)
            pages += touched
            executed += plan["Execution Time"]
            heaviest = max(heaviest, (touched, sql))
        transaction.set_rollback(True)
    return pages, executed, heaviest


def report_step(figures: dict) -> None:
    print("  measured (p50 ms, load average): " + ", ".join(
        f"{k} {v['p50']:.1f} ({v['load']:.1f})" for k, v in figures.items()), flush=True)


def database_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return cursor.fetchone()[0]


def analyse() -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def explain(sql: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a read; a write is only planned (nothing is changed)."""
    from django.db import connection, transaction

    analysing = sql.lstrip().upper().startswith("SELECT")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(("EXPLAIN (ANALYZE, BUFFERS) " if analysing else "EXPLAIN ") + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def print_table(database: str, results: dict[int, dict]) -> None:
    steps = list(results)
    header = ["request"] + [f"p50 ms @{n:,}" for n in steps] + [f"p90 ms @{steps[-1]:,}"] \
        + [f"queries @{n:,}" for n in steps] + [f"pages @{n:,}" for n in steps] \
        + [f"SQL exec ms @{n:,}" for n in steps]
    print()
    print(f"{database}; load average at each step: "
          + ", ".join(f"{max(f['load'] for f in results[n].values()):.1f}" for n in steps)
          + f" (max during its measurements) on {os.cpu_count()} CPUs")
    print("| " + " | ".join(header) + " |")
    print("|---|" + "---:|" * (len(header) - 1))
    for key, label, _method in OPERATIONS:
        row = [label] + [f"{results[n][key]['p50']:.1f}" for n in steps] \
            + [f"{results[steps[-1]][key]['p90']:.1f}"] \
            + [str(results[n][key]["queries"]) for n in steps] \
            + [f"{results[n][key]['pages']:,}" for n in steps] \
            + [f"{results[n][key]['executed_ms']:.1f}" for n in steps]
        print("| " + " | ".join(row) + " |")


def open_database(url: str) -> str:
    """Set Django up on a benchmark's PostgreSQL database, migrated and emptied; its name."""
    name = url.rsplit("/", 1)[-1]
    if "bench" not in name and "growth" not in name:
        sys.exit("the benchmark empties its database: give it one named *bench* or *growth*")
    bb.prepare_environment(argparse.Namespace(database_url=url))

    import django

    django.setup()
    from courtvcs.orgs.tests.factories import verify_forced_logins

    verify_forced_logins()  # force_login: a member of staff past the TOTP code step (issue 7)
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    bb.reset_postgres(wipe=True)
    database = bb.describe_database(url)
    print(f"database: {database}; migrated and emptied in {time.perf_counter() - started:.1f} s", flush=True)
    return database.split(" (")[0]


def main() -> None:
    args = parse_args()
    bb.INSTITUTIONS_PER_REGION = INSTITUTIONS_PER_REGION
    database = open_database(args.database_url)
    from courtvcs import kztime
    from courtvcs.hearings.models import Hearing
    from courtvcs.hearings.services.booking import overlapping_bookings

    rng = random.Random(args.seed)
    country = bb.seed_country(rng)
    present, history = calendars(kztime.local_date(kztime.now()))
    print(f"country: {len(country.courts)} courts, {len(country.all_rooms)} courtrooms, "
          f"{sum(map(len, country.institution_rooms.values()))} institution VCS rooms; present "
          f"{present.days[0]}..{present.days[-1]} ({len(present.days)} working days), history "
          f"{history.days[0]}..{history.days[-1]} ({len(history.days)} working days)", flush=True)

    started = time.perf_counter()
    seeded = bb.seed_hearings(country, present, rng, args.steps[0], 1)
    print(f"step {args.steps[0]:,}: seeded the present in {time.perf_counter() - started:.1f} s: {seeded}",
          flush=True)
    print(f"  ANALYZE {analyse():.1f} s; database {database_size()}", flush=True)
    requests = Requests(country, present, rng)
    print(f"measuring as {requests.secretary.username} and {requests.coordinator.username}, day {requests.day}",
          flush=True)
    results = {args.steps[0]: measure(requests, args.repetitions, (args.quiet_below, args.quiet_wait))}
    report_step(results[args.steps[0]])

    total = Hearing.objects.count()
    for step in args.steps[1:]:
        started = time.perf_counter()
        while total < step:
            chunk = min(CHUNK, step - total)
            seed_history(country, history.days, chunk)
            total = Hearing.objects.count()
        seeding = time.perf_counter() - started
        print(f"step {step:,}: seeded the history up to {total:,} hearings in {seeding:.1f} s; "
              f"ANALYZE {analyse():.1f} s; database {database_size()}", flush=True)
        results[step] = measure(requests, args.repetitions, (args.quiet_below, args.quiet_wait))
        report_step(results[step])

    print_table(database, results)
    first, last = args.steps[0], args.steps[-1]
    lines = []
    for key, label, _method in OPERATIONS:
        a, b = results[first][key], results[last][key]
        if b["pages"] > 3 * a["pages"] or b["p50"] > 3 * a["p50"]:
            lines += [f"== {label}: pages {a['pages']:,} -> {b['pages']:,}, p50 {a['p50']:.1f} -> "
                      f"{b['p50']:.1f} ms; the query touching most pages ({b['heaviest_pages']:,}):",
                      b["heaviest_sql"], "", explain(b["heaviest_sql"]), ""]
    EXPLAIN_FILE.parent.mkdir(parents=True, exist_ok=True)
    EXPLAIN_FILE.write_text("\n".join(lines))
    EXPLAIN_FILE.with_suffix(".json").write_text(json.dumps(results, indent=1))
    print("\n".join(lines) if lines else "no request grew more than 3x")
    bad = overlapping_bookings()
    print(f"overlapping active bookings: {len(bad)}; {requests.booked} booked by the benchmark")
    if bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
