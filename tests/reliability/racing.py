"""Many secretaries book the same courtroom and remote site for the same slot at once.

`race(world, people=200, rounds=50)` keeps `people` threads, each with its own database
connection (Django's are per thread) and its own signed-in client. In every round a
barrier releases them together onto POST /api/hearings for one slot (a new slot each
round, so rounds do not meet); the round's answers and the database are then checked:
exactly one 201, every other answer a 409 naming R10, no 5xx, and one active booking of
each endpoint in the slot. Used by tests/reliability/test_racing.py (small) and
bench/reliability_bench.py (full size).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections import Counter

from django.db import connection
from django.test import Client

from courtvcs.hearings import models
from courtvcs.hearings.services.booking import overlapping_bookings
from courtvcs.hearings.tests.world import at


@dataclasses.dataclass
class RaceResult:
    rounds: int = 0
    rounds_with_one_winner: int = 0
    statuses: Counter = dataclasses.field(default_factory=Counter)
    problems: list = dataclasses.field(default_factory=list)   # what went wrong, per round
    round_seconds: list = dataclasses.field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500 or status == 0)


def slot(round_no: int) -> dt.datetime:
    """Round r's slot: two a day (08:00 and 14:00, far enough apart for R15's window)
    on the days after the world's "now"."""
    return at(3, 8) + dt.timedelta(days=round_no // 2, hours=6 * (round_no % 2))


def race(world, *, people: int, rounds: int, timeout: float = 300) -> RaceResult:
    result = RaceResult()
    start = threading.Barrier(people + 1, timeout=timeout)
    done = threading.Barrier(people + 1, timeout=timeout)
    answers: list = [None] * people

    def secretary(i: int) -> None:
        client = Client()
        client.force_login(world.secretary)
        try:
            for r in range(rounds):
                start.wait()
                try:
                    response = client.post("/api/hearings", {
                        "case_number": f"1-{r}-{i}/2026", "category": "criminal", "instance": "first",
                        "courtroom_id": world.room.pk, "judge_id": world.judge.pk,
                        "starts_at": slot(r).isoformat(), "duration_minutes": 90,
                        "remote_endpoint_ids": [world.sizo_room.pk]}, content_type="application/json")
                    body = response.json() if response.headers.get("Content-Type", "").startswith(
                        "application/json") else {}
                    answers[i] = (response.status_code, body)
                except Exception as error:  # noqa: BLE001 - a crash is an answer the round reports
                    answers[i] = (0, {"error": repr(error)})
                done.wait()
        finally:
            connection.close()

    threads = [threading.Thread(target=secretary, args=(i,), name=f"secretary-{i}", daemon=True)
               for i in range(people)]
    for thread in threads:
        thread.start()
    for r in range(rounds):
        answers[:] = [None] * people
        began = time.perf_counter()
        start.wait()
        done.wait()
        result.round_seconds.append(time.perf_counter() - began)
        result.rounds += 1
        statuses = Counter(status for status, _body in answers)
        result.statuses.update(statuses)
        winners = [body for status, body in answers if status == 201]
        refusals = [body for status, body in answers if status == 409]
        problems = []
        if len(winners) != 1:
            problems.append(f"{len(winners)} bookings made")
        if len(refusals) != people - len(winners):
            problems.append(f"answers other than 201/409: {dict(statuses)}")
        if any(body.get("rule") != "R10" for body in refusals):
            problems.append(f"refusals not under R10: {Counter(b.get('rule') for b in refusals)}")
        booked = set(models.EndpointBooking.objects.filter(
            active=True, hearing__starts_at=slot(r)).values_list("endpoint_id", "hearing_id"))
        if winners and booked != {(world.room.pk, winners[0]["id"]), (world.sizo_room.pk, winners[0]["id"])}:
            problems.append(f"active bookings in the slot: {sorted(booked)}")
        if problems:
            result.problems.append((r, problems))
        else:
            result.rounds_with_one_winner += 1
    for thread in threads:
        thread.join(timeout)
    overlaps = overlapping_bookings()
    if overlaps:
        result.problems.append(("end", [f"overlapping bookings: {overlaps}"]))
    return result


def describe(result: RaceResult, people: int) -> str:
    seconds = sorted(result.round_seconds)
    median = seconds[len(seconds) // 2] if seconds else 0.0
    lines = [f"{people} secretaries x {result.rounds} rounds: exactly one booking in "
             f"{result.rounds_with_one_winner}/{result.rounds} rounds",
             f"answers: {dict(sorted(result.statuses.items()))}; server errors: {result.server_errors}",
             f"round time: median {median * 1000:.0f} ms, max {max(seconds, default=0) * 1000:.0f} ms"]
    lines += [f"  round {r}: {'; '.join(p)}" for r, p in result.problems]
    return "\n".join(lines)
