"""R3: the outbox is delivered to the courts' information system, against a real HTTP
receiver started by each test (receiver.py) on 127.0.0.1.

The receiver fails, times out and comes back, or is down for an hour: every event still
arrives, exactly once after de-duplication by its id, in order per hearing, with a
signature that verifies, and nothing is lost when the worker stops and starts again.
Time moves with the clock fixture, not by sleeping; only a timeout is really waited for.
"""

import datetime as dt
import socket
import threading
import time
from collections import defaultdict

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from courtvcs import kztime
from courtvcs.audit.models import AuditEntry
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at, build_world

from ..models import OutboxEvent
from ..services import delivery
from .receiver import Receiver

SECRET = "the-courts-shared-secret"


@pytest.fixture
def outbox_to(settings):
    """Point the outbox at a receiver; a short timeout so a hung receiver costs little (but
    not so short that a busy test machine's answer counts as a timeout)."""
    def configure(receiver: Receiver, *, timeout: float = 1.5):
        settings.COURTVCS_OUTBOX_URL = receiver.url
        settings.COURTVCS_OUTBOX_SECRET = SECRET
        settings.COURTVCS_OUTBOX_TIMEOUT_SECONDS = timeout
        return receiver
    return configure


def three_hearings(world, api, clock) -> list[int]:
    """Three hearings, each booked, decided and agreed, one also tested and ready: 11 events.
    (Passing the test moves the clock to Wednesday 09:30.)"""
    flows = [Flow(world, api, clock, starts_at=at(3, 10)),
             Flow(world, api, clock, starts_at=at(3, 13)),
             Flow(world, api, clock, starts_at=at(4, 10))]
    for f in flows:
        f.book()
        f.decide()
        f.agree()
    flows[0].request_tests()
    flows[0].pass_tests()
    flows[0].send_letters()
    return [f.hearing_id for f in flows]


def assert_in_order_per_hearing(receiver: Receiver) -> None:
    """Per hearing, the events arrive by seq, and one is sent only after the one before
    it was acknowledged."""
    acked_seq: dict[int, int] = defaultdict(int)
    acked = set()
    for arrival in receiver.arrivals:
        payload = arrival.payload
        hearing, seq = payload["hearing_id"], payload["seq"]
        assert seq <= acked_seq[hearing] + 1, (hearing, seq, acked_seq[hearing])
        if arrival.answer == "ok" and arrival.event_id not in acked:
            assert seq == acked_seq[hearing] + 1
            acked_seq[hearing] = seq
            acked.add(arrival.event_id)


def deliver_until_done(clock, rounds: int = 30) -> list[delivery.Run]:
    runs = []
    for _ in range(rounds):
        runs.append(delivery.deliver_due())
        if not OutboxEvent.objects.filter(delivered_at__isnull=True).exists():
            return runs
        clock.move_to(kztime.now() + dt.timedelta(minutes=11))  # past any back-off
    raise AssertionError(f"still pending after {rounds} rounds: {runs}")


def test_r3_a_receiver_that_fails_times_out_and_comes_back_gets_every_event_once_in_order(
        world, api, clock, outbox_to):
    ids = three_hearings(world, api, clock)
    events = list(OutboxEvent.objects.order_by("hearing_id", "seq"))
    assert len(events) == 11
    with outbox_to(Receiver(SECRET, script=["fail", "fail", "hang"], hang_seconds=2.5)) as receiver:
        first = delivery.deliver_due()
        # Two 500s and a timeout in a row: the receiver counts as down; the run stops.
        assert (first.delivered, first.failed) == (0, 3)
        assert first.paused_until is not None
        tried = OutboxEvent.objects.filter(attempts=1)
        assert tried.count() == 3
        for event in tried:
            assert event.delivered_at is None
            assert 10 <= (event.next_attempt_at - kztime.now()).total_seconds() <= 10.001
        errors = sorted(e.last_error for e in tried)
        assert errors[:2] == ["HTTP 500: {}", "HTTP 500: {}"]
        assert "timed out" in errors[2]
        # Nothing is tried before the back-off is over ...
        assert delivery.deliver_due().delivered == 0 and len(receiver.arrivals) == 3
        # ... after it, everything goes.
        deliver_until_done(clock)

    assert all(e.delivered_at is not None for e in OutboxEvent.objects.all())
    unique = receiver.unique()
    assert set(unique) == {str(e.event_id) for e in events}   # every event arrived ...
    assert len(receiver.acknowledged) == len(set(receiver.acknowledged)) == 11  # ... acknowledged once
    assert len(receiver.arrivals) == 14  # the three failed attempts came again, with the same ids
    assert_in_order_per_hearing(receiver)
    for hearing_id in ids:
        seqs = [p["seq"] for p in unique.values() if p["hearing_id"] == hearing_id]
        assert seqs == sorted(seqs) == list(range(1, len(seqs) + 1))
    for arrival in receiver.arrivals:
        assert receiver.signature_ok(arrival), arrival
        assert arrival.payload["event_id"] == arrival.event_id
        assert arrival.timestamp.isdigit()


def test_r3_the_same_event_is_the_same_bytes_on_every_retry(world, api, clock, outbox_to):
    flow = Flow(world, api, clock)
    flow.book()
    with outbox_to(Receiver(SECRET, script=["fail"])) as receiver:
        deliver_until_done(clock)
    first, second = receiver.arrivals
    assert first.event_id == second.event_id and first.body == second.body
    assert first.timestamp != second.timestamp and first.signature != second.signature
    assert receiver.signature_ok(first) and receiver.signature_ok(second)
    # A body or timestamp changed on the way does not verify.
    first.body = first.body.replace(b'"booked"', b'"cancel"')
    assert not receiver.signature_ok(first)


def test_r3_one_hearings_trouble_does_not_hold_up_the_others(world, api, clock, outbox_to):
    ids = three_hearings(world, api, clock)
    stuck = ids[1]
    with outbox_to(Receiver(SECRET, answer=lambda p: "fail" if p["hearing_id"] == stuck else "ok")) as receiver:
        run = delivery.deliver_due()
    assert run.failed == 1 and run.delivered == 8
    pending = OutboxEvent.objects.filter(delivered_at__isnull=True)
    assert {e.hearing_id for e in pending} == {stuck}
    # Its later events were not even tried: the first is not acknowledged.
    assert [(e.seq, e.attempts) for e in pending.order_by("seq")] == [(1, 1), (2, 0), (3, 0)]
    assert {a.payload["hearing_id"] for a in receiver.arrivals if a.answer == "fail"} == {stuck}


def test_r3_back_off_doubles_from_10_seconds_to_10_minutes_with_jitter():
    waits = {n: [delivery.backoff(n).total_seconds() for _ in range(200)] for n in range(1, 15)}
    assert all(w == 10 for w in waits[1])
    assert all(16 <= w <= 20 for w in waits[2]) and len(set(waits[2])) > 100
    assert all(256 <= w <= 320 for w in waits[6])
    for n in range(8, 15):
        assert all(480 <= w <= 600 for w in waits[n])
    assert max(max(w) for w in waits.values()) <= 600


def test_r3_a_redirect_is_not_an_acknowledgement(world, api, clock, outbox_to):
    Flow(world, api, clock).book()
    with outbox_to(Receiver(SECRET, script=["redirect"])) as receiver:
        run = delivery.deliver_due()
        assert run.failed == 1
        assert OutboxEvent.objects.get().last_error.startswith("HTTP 302")
        deliver_until_done(clock)
    assert [a.answer for a in receiver.arrivals] == ["redirect", "ok"]


def test_r3_delivery_is_off_without_an_address_and_unsigned_never(world, api, clock, settings):
    Flow(world, api, clock).book()
    settings.COURTVCS_OUTBOX_URL = ""
    assert delivery.deliver_due().off.startswith("delivery is off")
    settings.COURTVCS_OUTBOX_URL, settings.COURTVCS_OUTBOX_SECRET = "http://127.0.0.1:9/", ""
    assert delivery.deliver_due().off.startswith("no secret")
    event = OutboxEvent.objects.get()
    assert (event.attempts, event.delivered_at) == (0, None)  # kept for when it is configured


def test_r3_a_receiver_that_is_not_there_is_a_failure_with_its_reason(world, api, clock, settings):
    Flow(world, api, clock).book()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free now; nothing will listen there
    settings.COURTVCS_OUTBOX_URL, settings.COURTVCS_OUTBOX_SECRET = f"http://127.0.0.1:{port}/", SECRET
    assert delivery.deliver_due().failed == 1
    assert "Connection refused" in OutboxEvent.objects.get().last_error


# ---- the task worker: a receiver down for an hour, a restart ------------------------------

on_the_database_queue = pytest.mark.skipif(
    django_settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend",
    reason="runs the database task worker (the default TASKS backend)")


def run_worker():
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", "--no-reload", verbosity=0)


@on_the_database_queue
@pytest.mark.django_db(transaction=True)
def test_r3_a_receiver_down_for_an_hour_and_a_restart_lose_nothing(api, clock, outbox_to, settings):
    settings.COURTVCS_OUTBOX_ALERT_AFTER_ATTEMPTS = 5
    world = build_world()
    back_at = [at(30, 0)]
    down = Receiver(SECRET, answer=lambda p: "down" if kztime.now() < back_at[0] else "ok")
    with outbox_to(down) as receiver:
        ids = three_hearings(world, api, clock)  # each commit puts a delivery run on the queue
        back_at = [kztime.now() + dt.timedelta(hours=1)]
        assert DBTaskResult.objects.filter(task_path="courtvcs.publishing.tasks.deliver_outbox",
                                           status="READY").exists()
        run_worker()
        assert receiver.acknowledged == [] and len(receiver.arrivals) == 3
        # The hour passes; the worker runs whatever is due each minute.
        while kztime.now() < back_at[0] - dt.timedelta(minutes=1):
            clock.move_to(kztime.now() + dt.timedelta(minutes=1))
            run_worker()
        assert OutboxEvent.objects.filter(delivered_at__isnull=True).count() == 11
        head = OutboxEvent.objects.order_by("-attempts").first()
        # 10 s, 20 s, 40 s ... then every 8 to 10 minutes: about a dozen tries, not one a second.
        assert 10 <= head.attempts <= 13
        failing = AuditEntry.objects.filter(action="outbox_delivery_failing")
        assert failing.exists() and failing.first().rule == "R3" and failing.first().actor_label == "system"

        # The service stops and its queue is lost; at the next start catch_up queues a run.
        DBTaskResult.objects.all().delete()
        connection.close()
        clock.move_to(back_at[0] + dt.timedelta(minutes=1))
        call_command("catch_up", verbosity=0)
        run_worker()

    assert OutboxEvent.objects.filter(delivered_at__isnull=True).count() == 0
    assert set(receiver.acknowledged) == {str(e.event_id) for e in OutboxEvent.objects.all()}
    assert len(receiver.acknowledged) == 11
    assert_in_order_per_hearing(receiver)
    assert all(receiver.signature_ok(a) for a in receiver.arrivals)
    assert {p["hearing_id"] for p in receiver.unique().values()} == set(ids)
    assert AuditEntry.objects.filter(action="outbox_delivered_after_failures").exists()


@on_the_database_queue
@pytest.mark.django_db(transaction=True)
def test_r3_each_failure_queues_its_own_retry_at_its_time(api, clock, outbox_to):
    world = build_world()
    with outbox_to(Receiver(SECRET, script=["fail"])):
        Flow(world, api, clock).book()
        run_worker()
        event = OutboxEvent.objects.get()
        assert event.attempts == 1
        retry = DBTaskResult.objects.filter(task_path="courtvcs.publishing.tasks.deliver_outbox",
                                            status="READY").get()
        assert retry.run_after == event.next_attempt_at
        clock.move_to(event.next_attempt_at)
        run_worker()
    event.refresh_from_db()
    assert event.delivered_at == event.next_attempt_at


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_r3_two_workers_at_once_send_each_event_once_and_in_order(api, clock, outbox_to):
    world = build_world()
    ids = three_hearings(world, api, clock)

    def slow(payload):
        time.sleep(0.02)  # long enough for the workers to meet at the same events
        return "ok"

    with outbox_to(Receiver(SECRET, answer=slow), timeout=5) as receiver:
        barrier = threading.Barrier(4)
        results, failures = [], []

        def work():
            try:
                barrier.wait(timeout=30)
                results.append(delivery.deliver_due())
            except Exception as error:  # noqa: BLE001 - reported below
                failures.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert failures == []
    assert sum(r.delivered for r in results) == 11
    assert len(receiver.arrivals) == 11  # not one event twice
    assert len({a.event_id for a in receiver.arrivals}) == 11
    assert_in_order_per_hearing(receiver)
    assert {a.payload["hearing_id"] for a in receiver.arrivals} == set(ids)
