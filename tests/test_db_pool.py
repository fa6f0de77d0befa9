"""PostgreSQL connections are bounded by the pool: many requests at once never hold more than
COURTVCS_DB_POOL_MAX connections of one process, and every one of them gets its answer."""

import threading

import psycopg
import pytest
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


def _connections_to(dbname: str, dsn: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as watcher:
        return watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [dbname]).fetchone()[0]


def test_concurrent_requests_never_hold_more_connections_than_the_pool_max():
    if connection.vendor != "postgresql" or "pool" not in connection.settings_dict["OPTIONS"]:
        pytest.skip("the pool is for PostgreSQL (DATABASE_URL=postgres://...)")
    pool_max = connection.settings_dict["OPTIONS"]["pool"]["max_size"]
    s = connection.settings_dict
    dsn = f"host={s['HOST']} port={s['PORT'] or 5432} user={s['USER']} dbname=postgres"
    users = pool_max * 3
    answers, errors, seen = [], [], [0]
    running = threading.Event()

    def one_user():
        try:
            answers.append(Client().get("/signin/").status_code)
            with connection.cursor() as cur:  # a request that holds its connection a while
                cur.execute("SELECT pg_sleep(0.3)")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()  # back to the pool, as at the end of a request

    def watch():
        while running.is_set():
            seen[0] = max(seen[0], _connections_to(s["NAME"], dsn))

    running.set()
    watcher = threading.Thread(target=watch)
    watcher.start()
    threads = [threading.Thread(target=one_user) for _ in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    running.clear()
    watcher.join(10)

    print(f"{users} requests at once, pool max {pool_max}: at most {seen[0]} connections")
    assert errors == []
    assert answers == [200] * users
    # The test's own connection is one more than the pool's (it was opened the same way).
    assert 0 < seen[0] <= pool_max + 1, seen[0]
