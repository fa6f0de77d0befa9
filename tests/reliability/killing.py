"""Bookings written while the database keeps dropping the application's connection.

`book_while_killed(world, writes=1000, share=0.5)`: one secretary books `writes` hearings
over the JSON API, one after another, each in a slot of its own (so every one could be
booked); meanwhile another thread, on a connection of its own, terminates the
application's database connection (`pg_terminate_backend`) during about `share` of the
writes, at a random moment within the write (judged by how long the previous one took):
in the middle of the checks, of the inserts, of the commit, or just after. Between
requests the connection is tidied as Django's request cycle does (close_old_connections),
so a request after a kill gets a fresh connection, as it would in the server.

What is then checked (KillResult.problems lists every breach):
- every booking answered 201 is in the database with all its rows;
- every hearing in the database, answered or not, is whole: its courtroom booking, its
  participant, its `booked` timeline event, its audit entry, the judge's inbox item --
  no half-written hearing;
- the audit log's `create_hearing` entries and the hearings match one to one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import queue
import random
import threading
import time
from collections import Counter

import psycopg
from django.db import DatabaseError, close_old_connections, connection
from django.test import Client

from courtvcs.audit.models import AuditEntry
from courtvcs.hearings import models
from courtvcs.notifications.models import Notification
from courtvcs.orgs.tests.factories import EndpointFactory

ROOMS = 20


@dataclasses.dataclass
class KillResult:
    writes: int = 0
    statuses: Counter = dataclasses.field(default_factory=Counter)
    kills: int = 0                 # backends terminated
    hearings: int = 0              # in the database afterwards
    answered_but_missing: int = 0  # 201 answers whose hearing is not there
    written_unanswered: int = 0    # hearings written whose answer was lost (5xx after commit)
    problems: list = dataclasses.field(default_factory=list)
    seconds: float = 0.0


def _slot(i: int) -> tuple[int, dt.datetime]:
    """Write i's courtroom (of ROOMS) and start: two hours apart in each room, which is
    more than a hearing and its connection window (R15)."""
    from courtvcs.hearings.tests.world import at

    return i % ROOMS, at(3, 0) + dt.timedelta(hours=2 * (i // ROOMS))


def _conninfo() -> dict:
    s = connection.settings_dict
    info = {"host": s.get("HOST") or "127.0.0.1", "port": s.get("PORT") or 5432,
            "user": s.get("USER") or "postgres", "dbname": s["NAME"]}
    if s.get("PASSWORD"):
        info["password"] = s["PASSWORD"]
    return info


def book_while_killed(world, *, writes: int, share: float = 0.5, seed: int = 7) -> KillResult:
    result = KillResult()
    rng = random.Random(seed)
    rooms = [EndpointFactory(organisation=world.court, room_number=f"K{i:02d}") for i in range(ROOMS)]
    delays: queue.Queue = queue.Queue()

    def killer() -> None:
        with psycopg.connect(**_conninfo(), autocommit=True) as admin:
            while (delay := delays.get()) is not None:
                time.sleep(delay)
                result.kills += admin.execute(
                    "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend') AS t").fetchone()[0]

    client = Client(raise_request_exception=False)
    client.force_login(world.secretary)
    answered: dict[int, int] = {}
    thread = threading.Thread(target=killer, name="killer", daemon=True)
    started = time.perf_counter()
    thread.start()
    last = 0.1
    try:
        for i in range(writes):
            room, starts_at = _slot(i)
            close_old_connections()
            if rng.random() < share:
                # Somewhere within this write, judging by how long the last one took.
                delays.put(rng.uniform(0, last))
            began = time.perf_counter()
            response = client.post("/api/hearings", {
                "case_number": f"1-{i}/2026", "category": "civil", "instance": "first",
                "courtroom_id": rooms[room].pk, "judge_id": world.judge.pk,
                "starts_at": starts_at.isoformat(), "duration_minutes": 60, "remote_endpoint_ids": [],
                "participants": [{"full_name": "Ахметова Дана", "procedural_role": "defence_lawyer",
                                  "mode": "mobile_vcs", "phone": "+7 701 111 22 33"}]},
                content_type="application/json")
            last = time.perf_counter() - began
            result.statuses[response.status_code] += 1
            if response.status_code == 201:
                answered[response.json()["id"]] = i
            elif response.status_code == 401:
                # The kill landed on the session lookup, which then took the session for
                # gone: sign in again, as the person would.
                _sign_in(client, world.secretary)
            result.writes += 1
    finally:
        delays.put(None)
        thread.join(30)
        result.seconds = time.perf_counter() - started
        connection.close()
    _check(result, world, answered)
    return result


def _sign_in(client, user) -> None:
    for _attempt in range(20):
        close_old_connections()
        try:
            client.force_login(user)
            return
        except DatabaseError:  # killed again on the way in
            connection.close()
    raise RuntimeError("could not sign in again between kills")


def _check(result: KillResult, world, answered: dict[int, int]) -> None:
    hearings = {h.pk: h for h in models.Hearing.objects.filter(created_by=world.secretary)}
    result.hearings = len(hearings)
    missing = set(answered) - set(hearings)
    result.answered_but_missing = len(missing)
    result.written_unanswered = len(set(hearings) - set(answered))
    if missing:
        result.problems.append(f"answered 201 but not in the database: {sorted(missing)[:10]}")

    def per_hearing(queryset, field="hearing_id") -> Counter:
        return Counter(queryset.values_list(field, flat=True))

    ids = list(hearings)
    bookings = per_hearing(models.EndpointBooking.objects.filter(hearing_id__in=ids, active=True))
    participants = per_hearing(models.Participant.objects.filter(hearing_id__in=ids))
    events = per_hearing(models.TimelineEvent.objects.filter(hearing_id__in=ids, kind="booked"))
    inbox = per_hearing(Notification.objects.filter(hearing_id__in=ids, kind="decision_requested",
                                                    recipient=world.judge))
    audit = Counter(int(o) for o in AuditEntry.objects.filter(
        action="create_hearing", object_type__in=_hearing_object_types()).values_list("object_id", flat=True))
    for pk in ids:
        found = (bookings[pk], participants[pk], events[pk], inbox[pk], audit[pk])
        if found != (1, 1, 1, 1, 1):
            result.problems.append(f"hearing {pk} is not whole: (bookings, participants, booked events, "
                                   f"inbox items, audit entries) = {found}")
    strays = set(audit) - set(ids) - _other_hearings(world)
    if strays:
        result.problems.append(f"audit entries for hearings not in the database: {sorted(strays)[:10]}")


def _hearing_object_types() -> set[str]:
    return set(AuditEntry.objects.filter(action="create_hearing").values_list("object_type", flat=True))


def _other_hearings(world) -> set[int]:
    return set(models.Hearing.objects.exclude(created_by=world.secretary).values_list("pk", flat=True))


def describe(result: KillResult) -> str:
    return "\n".join([
        f"{result.writes} booking writes in {result.seconds:.0f} s; {result.kills} backends terminated",
        f"answers: {dict(sorted(result.statuses.items()))}",
        f"hearings in the database: {result.hearings}; answered 201 but missing: "
        f"{result.answered_but_missing}; written but the answer lost: {result.written_unanswered}",
        f"problems: {len(result.problems)}",
        *(f"  {p}" for p in result.problems[:20]),
    ])
