"""Reliability at full size (issue 7): racing bookings, API fuzzing, a database that drops
connections mid-write. Each part prints its figures and exits non-zero unless the
zeros hold. The test suite runs the same code (tests/reliability/) at a smaller size.

    .venv/bin/python bench/reliability_bench.py race  [--people 200] [--rounds 50]
    .venv/bin/python bench/reliability_bench.py fuzz  [--max-examples 30] [--people-as secretary,...]
    .venv/bin/python bench/reliability_bench.py kill  [--writes 1000] [--share 0.5]

`race` and `kill` start a PostgreSQL server of their own (tests/reliability/postgres.py:
initdb in a temporary directory, max_connections 300) since 200 connections are more than
a shared server allows and `kill` terminates backends. `fuzz` too unless --database-url
is given (that database is dropped and created); it serves the API from one courtvcs node
(uvicorn, tests/e2e/nodes.py) with the in-memory channel layer.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.reliability.postgres import private_postgres  # noqa: E402


def setup_django(url: str) -> None:
    """Create the database `url` names afresh, point Django at it and migrate."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    admin = {"host": cfg["HOST"], "port": cfg["PORT"], "user": cfg["USER"] or "postgres", "dbname": "postgres"}
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "courtvcs.settings"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # 409s are the expected answers here; the log would only print them all.
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)
    # The country's people get the fast hasher, as in the tests (conftest.py).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"database {cfg['NAME']} at {cfg['HOST']}:{cfg['PORT']}: migrated in "
          f"{time.perf_counter() - started:.0f} s")


def frozen_now():
    import time_machine

    from courtvcs.hearings.tests.world import NOW

    return time_machine.travel(NOW, tick=False)


def cmd_race(args) -> int:
    with private_postgres(max_connections=args.people + 50) as server:
        setup_django(server.rsplit("/", 1)[0] + "/bench_race")
        from courtvcs.hearings.tests.world import build_world
        from tests.reliability.racing import describe, race

        with frozen_now():
            world = build_world()
            started = time.perf_counter()
            result = race(world, people=args.people, rounds=args.rounds)
        print(describe(result, args.people))
        print(f"total {time.perf_counter() - started:.0f} s")
        ok = (result.rounds_with_one_winner == args.rounds and result.server_errors == 0
              and not result.problems)
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


def cmd_fuzz(args) -> int:
    if args.database_url:
        return fuzz_on(args, args.database_url)
    with private_postgres() as server:
        return fuzz_on(args, server.rsplit("/", 1)[0] + "/bench_fuzz")


def fuzz_on(args, url: str) -> int:
    setup_django(url)
    from django.utils import timezone

    from tests.e2e.nodes import NodeProcess, node_environment
    from tests.reliability.country import seed_hearings, session_cookies
    from tests.reliability.fuzzing import describe, fuzz

    with frozen_now() as clock:
        world, ids = seed_hearings(clock)
        people = {name: session_cookies(getattr(world, name)) for name in args.people_as.split(",")}
        now = timezone.now()
    print(f"hearings seeded: {ids}")
    logs = Path(tempfile.mkdtemp(prefix="courtvcs-fuzz-"))
    env = node_environment(redis_url="", prefix="fuzz", clock=now,
                           extra={"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                                  "LOG_LEVEL": "WARNING"})
    node = NodeProcess(env, "node", logs).start()
    try:
        node.wait_ready()
        result = fuzz(node.url, people, max_examples=args.max_examples, report_dir=logs, progress=True)
    finally:
        node.stop()
    print(describe(result))
    print(f"reports and the node's log: {logs}")
    ok = result.server_errors == 0 and not result.reported_server_errors and not result.schema_violations
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


def cmd_kill(args) -> int:
    with private_postgres() as server:
        setup_django(server.rsplit("/", 1)[0] + "/bench_kill")
        import logging

        logging.getLogger("django.request").setLevel(logging.CRITICAL)  # the 500s are counted
        from courtvcs.hearings.tests.world import build_world
        from tests.reliability.killing import book_while_killed, describe

        with frozen_now():
            world = build_world()
            result = book_while_killed(world, writes=args.writes, share=args.share)
        print(describe(result))
        ok = (result.kills > 0 and result.answered_but_missing == 0 and not result.problems
              and result.hearings == result.statuses[201] + result.written_unanswered)
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    race = sub.add_parser("race", help="racing bookings of one slot")
    race.add_argument("--people", type=int, default=200)
    race.add_argument("--rounds", type=int, default=50)
    fuzz = sub.add_parser("fuzz", help="schemathesis against the API")
    fuzz.add_argument("--max-examples", type=int, default=30, help="per operation, phase and person")
    fuzz.add_argument("--people-as", default="secretary,judge,coordinator,officer,technician,bailiff")
    fuzz.add_argument("--database-url", help="default: a PostgreSQL server of its own")
    kill = sub.add_parser("kill", help="bookings while the database drops connections")
    kill.add_argument("--writes", type=int, default=1000)
    kill.add_argument("--share", type=float, default=0.5, help="share of the writes a kill is aimed at")
    args = parser.parse_args()
    return {"race": cmd_race, "fuzz": cmd_fuzz, "kill": cmd_kill}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
