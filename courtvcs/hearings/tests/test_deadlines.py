"""The deadlines of R13 and R15 fire on their own, counted in Kazakhstan time.

R13: the test-session request is due by the end of the day after the judge's decision,
and a passed test by the start of the hearing's day. R15: the connection window opens
30 minutes before the start, and 20 minutes before it nobody may still be unconnected.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from courtvcs.hearings.models import Deadline
from courtvcs.hearings.services import deadlines

from .flow import Flow
from .world import at, build_world
from courtvcs.hearings.tests.answers import ok

UTC = dt.UTC
ALERTS = ["deadline_test_request", "deadline_test_session", "window_open", "not_connected"]


def inbox(api, user, kind):
    return [n for n in ok(api(user).get("/notifications"))["items"] if n["kind"] == kind]


def alerts(api, world):
    """Every deadline alert in the court's inboxes, as (username, kind)."""
    people = [world.secretary, world.judge, world.technician, world.office_head, world.bailiff]
    return sorted((u.username, n["kind"]) for u in people
                  for n in ok(api(u).get("/notifications"))["items"] if n["kind"] in ALERTS)


def events(api, flow, kind):
    return [e for e in ok(api(flow.w.secretary).get(flow.url("/timeline"))) if e["kind"] == kind]


def pending(hearing_id) -> dict[str, Deadline]:
    rows = Deadline.objects.filter(hearing_id=hearing_id, status="pending")
    return {d.kind: d for d in rows}


def deadline(hearing_id, kind) -> Deadline:
    return Deadline.objects.filter(hearing_id=hearing_id, kind=kind).latest("id")


def fire_at(clock, moment):
    clock.move_to(moment)
    return deadlines.fire_due(moment)


def decided(world, api, clock, starts_at=None):
    flow = Flow(world, api, clock, starts_at=starts_at or at(5, 10))
    flow.book()
    flow.decide()
    return flow


# ---- (a) R13: the test-session request is due by the end of the next day ---------------

@pytest.mark.parametrize("decided_at", [
    at(1, 23, 30),  # late in the evening: still 1 December in Astana and in UTC
    at(1, 0, 30),   # 30 Nov 19:30 UTC: already 1 December in Astana
    at(1, 0, 0),    # the first minute of 1 December in Astana
    at(1, 23, 59),  # the last minute of 1 December in Astana (18:59 UTC)
])
def test_r13_test_request_is_due_at_the_end_of_the_next_day_in_kazakhstan_time(world, api, clock,
                                                                                 decided_at):
    clock.move_to(decided_at)
    flow = decided(world, api, clock)
    due = pending(flow.hearing_id)["test_request"].due_at
    assert due == at(3, 0) == dt.datetime(2026, 12, 2, 19, 0, tzinfo=UTC)
    assert due != at(2, 0)
    nxt = flow.detail()["next_deadline"]
    assert (nxt["kind"], nxt["due_local"]) == ("test_request", "03.12.2026 00:00")


def test_r13_decision_on_the_evening_before_counts_from_that_day(world, api, clock):
    # 30 Nov 23:30 Astana (18:30 UTC): the next day is 1 December, so due at 2 Dec 00:00.
    clock.move_to(dt.datetime(2026, 11, 30, 18, 30, tzinfo=UTC))
    flow = decided(world, api, clock)
    assert pending(flow.hearing_id)["test_request"].due_at == at(2, 0)


def test_r13_deadlines_planned_when_the_judge_decides(world, api, clock):
    flow = Flow(world, api, clock, starts_at=at(5, 10))
    flow.book()
    assert pending(flow.hearing_id) == {}
    flow.decide()
    due = {kind: d.due_at for kind, d in pending(flow.hearing_id).items()}
    assert due == {"test_request": at(3, 0), "test_session": at(5, 0),
                   "window_opens": at(5, 9, 30), "not_connected": at(5, 9, 40)}


def test_r13_test_session_deadline_is_the_start_of_the_hearings_day_in_kazakhstan_time(world, api, clock):
    # 5 Dec 04:00 Astana is still 4 December in UTC (23:00); the day that counts is 5 December.
    flow = decided(world, api, clock, starts_at=at(5, 4))
    assert pending(flow.hearing_id)["test_session"].due_at == at(5, 0) == dt.datetime(
        2026, 12, 4, 19, 0, tzinfo=UTC)
    [test] = flow.request_tests()
    assert dt.datetime.fromisoformat(test["must_be_held_before"]) == at(5, 0)


def test_r13_overdue_test_request_alerts_secretary_and_office_head(world, api, clock):
    flow = decided(world, api, clock)
    assert fire_at(clock, at(2, 23, 59)) == 0
    assert alerts(api, world) == []
    assert deadline(flow.hearing_id, "test_request").status == "pending"

    assert fire_at(clock, at(3, 0)) == 1
    assert alerts(api, world) == [("officehead", "deadline_test_request"),
                                  ("secretary", "deadline_test_request")]
    [note] = inbox(api, world.secretary, "deadline_test_request")
    assert note["hearing_id"] == flow.hearing_id
    assert "03.12.2026 00:00" in note["body"]
    row = deadline(flow.hearing_id, "test_request")
    assert (row.status, row.fired_at) == ("fired", at(3, 0))
    [event] = events(api, flow, "deadline_test_request")
    assert event["rule"] == "R13" and event["actor"] is None
    assert dt.datetime.fromisoformat(event["data"]["due_at"]) == at(3, 0)
    # The other deadlines are not due yet.
    assert set(pending(flow.hearing_id)) == {"test_session", "window_opens", "not_connected"}


def test_r13_test_request_in_time_meets_the_deadline(world, api, clock):
    flow = decided(world, api, clock)
    clock.move_to(at(2, 23, 50))
    flow.request_tests()
    row = deadline(flow.hearing_id, "test_request")
    assert (row.status, row.fired_at) == ("met", at(2, 23, 50))
    assert fire_at(clock, at(3, 0, 1)) == 0
    assert alerts(api, world) == []
    assert events(api, flow, "deadline_test_request") == []
    assert deadline(flow.hearing_id, "test_request").status == "met"


# ---- (b) R13: a passed test by the start of the hearing's day --------------------------

def test_r13_no_passed_test_by_the_hearing_day_alerts_secretary_and_technicians(world, api, clock):
    flow = decided(world, api, clock)
    [test_id] = [t["id"] for t in flow.request_tests()]
    clock.move_to(at(2, 11))
    ok(api(world.technician).post(f"/test-sessions/{test_id}/result",
                                  {"passed": False, "notes": "no picture from VCS-1"}))
    assert deadline(flow.hearing_id, "test_session").due_at == at(5, 0)
    assert fire_at(clock, at(4, 23, 59)) == 0

    assert fire_at(clock, at(5, 0)) == 1
    assert alerts(api, world) == [("officehead", "deadline_test_session"),
                                  ("secretary", "deadline_test_session"),
                                  ("technician", "deadline_test_session")]
    assert deadline(flow.hearing_id, "test_session").status == "fired"
    [event] = events(api, flow, "deadline_test_session")
    assert event["rule"] == "R13"


def test_r13_passed_test_meets_the_test_session_deadline(world, api, clock):
    flow = decided(world, api, clock)
    flow.request_tests()
    flow.pass_tests(when=at(4, 16))
    assert deadline(flow.hearing_id, "test_session").status == "met"
    assert fire_at(clock, at(5, 0, 1)) == 0
    assert alerts(api, world) == []


# ---- (c) R15: the connection window ----------------------------------------------------

def test_r15_window_opening_notifies_the_secretary(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("ready")
    assert fire_at(clock, at(3, 9, 29)) == 0
    assert fire_at(clock, at(3, 9, 30)) == 1
    assert alerts(api, world) == [("secretary", "window_open")]
    assert deadline(flow.hearing_id, "window_opens").status == "fired"
    assert events(api, flow, "deadline_window_opens")[0]["rule"] == "R15"


def test_r15_not_connected_20_minutes_before_alerts_secretary_judge_and_technician(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("ready")
    fire_at(clock, at(3, 9, 30))
    assert fire_at(clock, at(3, 9, 39)) == 0
    assert fire_at(clock, at(3, 9, 40)) == 1
    assert alerts(api, world) == [("judge", "not_connected"), ("secretary", "not_connected"),
                                  ("secretary", "window_open"), ("technician", "not_connected")]
    [event] = events(api, flow, "deadline_not_connected")
    assert event["rule"] == "R15"
    # Connecting late is still allowed, and says it was late.
    clock.move_to(at(3, 9, 45))
    assert ok(api(world.secretary).post(flow.url("/connect")))["status"] == "connected"
    assert events(api, flow, "connect")[0]["data"]["late"] is True


def test_r15_connected_at_25_minutes_before_meets_the_alert(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("ready")
    fire_at(clock, at(3, 9, 30))
    assert flow.connect()["status"] == "connected"  # at 09:35
    assert events(api, flow, "connect")[0]["data"]["late"] is False
    row = deadline(flow.hearing_id, "not_connected")
    assert (row.status, row.fired_at) == ("met", at(3, 9, 35))
    assert fire_at(clock, at(3, 9, 41)) == 0
    assert alerts(api, world) == [("secretary", "window_open")]
    assert events(api, flow, "deadline_not_connected") == []


def test_r15_connecting_before_the_window_is_refused(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("ready")
    clock.move_to(at(3, 9, 29))  # 31 minutes before the start
    r = api(world.secretary).post(flow.url("/connect"))
    assert r.status_code == 409, r.content
    assert r.json()["rule"] == "R15" and "03.12.2026 09:30" in r.json()["detail"]
    assert flow.detail()["status"] == "ready"
    clock.move_to(at(3, 9, 30))
    assert ok(api(world.secretary).post(flow.url("/connect")))["status"] == "connected"


def test_r15_connecting_after_the_end_is_refused(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("ready")
    clock.move_to(at(3, 11, 30))  # 10:00 + 90 minutes
    r = api(world.secretary).post(flow.url("/connect"))
    assert r.status_code == 409, r.content
    assert r.json()["rule"] == "R15"
    assert flow.detail()["status"] == "ready"


# ---- (d) moving and cancelling ---------------------------------------------------------

def test_r13_r15_accepting_a_new_slot_replans_the_deadlines(world, api, clock):
    flow = decided(world, api, clock)
    flow.request_tests()
    before = pending(flow.hearing_id)
    assert set(before) == {"test_session", "window_opens", "not_connected"}
    ok(api(world.coordinator).post(flow.url("/agreement"), {
        "answer": "propose", "reason": "the room is taken", "proposed_starts_at": at(7, 14).isoformat()}))
    assert ok(api(world.secretary).post(flow.url("/proposal"), {"accept": True}))["status"] == "agreed"

    for old in before.values():
        old.refresh_from_db()
        assert old.status == "cancelled", old.kind
    due = {kind: d.due_at for kind, d in pending(flow.hearing_id).items()}
    assert due == {"test_session": at(7, 0), "window_opens": at(7, 13, 30),
                   "not_connected": at(7, 13, 40)}
    # Nothing fires at the old times.
    assert fire_at(clock, at(5, 12)) == 0
    assert alerts(api, world) == []
    assert fire_at(clock, at(7, 0)) == 1
    assert alerts(api, world) == [("officehead", "deadline_test_session"),
                                  ("secretary", "deadline_test_session"),
                                  ("technician", "deadline_test_session")]


def test_r13_r15_cancelling_a_hearing_cancels_its_deadlines(world, api, clock):
    flow = decided(world, api, clock)
    assert len(pending(flow.hearing_id)) == 4
    body = ok(api(world.secretary).post(flow.url("/cancel"), {"reason": "the case was withdrawn"}))
    assert body["status"] == "cancelled" and body["next_deadline"] is None
    assert pending(flow.hearing_id) == {}
    assert set(Deadline.objects.filter(hearing_id=flow.hearing_id).values_list("status", flat=True)) == {
        "cancelled"}
    assert fire_at(clock, at(6, 0)) == 0
    assert alerts(api, world) == []


# ---- (e) idempotence -------------------------------------------------------------------

def test_r13_firing_a_deadline_twice_sends_one_alert(world, api, clock):
    flow = decided(world, api, clock)
    row = pending(flow.hearing_id)["test_request"]
    # Too early: nothing happens, the deadline stays pending.
    assert deadlines.fire(row.pk, at(2, 23)) == "pending"
    assert alerts(api, world) == []

    clock.move_to(at(3, 0, 5))
    assert deadlines.fire_due() == 1
    assert deadlines.fire_due() == 0
    assert deadlines.fire(row.pk) == "fired"
    assert deadlines.fire(row.pk, at(4, 0)) == "fired"
    assert alerts(api, world) == [("officehead", "deadline_test_request"),
                                  ("secretary", "deadline_test_request")]
    assert len(events(api, flow, "deadline_test_request")) == 1
    row.refresh_from_db()
    assert row.fired_at == at(3, 0, 5)
    assert deadlines.fire(10 ** 9) == "missing"


# ---- (f) the task worker ---------------------------------------------------------------

on_the_database_queue = pytest.mark.skipif(
    settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend",
    reason="runs the database task worker (the default TASKS backend)")


def run_worker():
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", "--no-reload",
                 verbosity=0)


@on_the_database_queue
@pytest.mark.django_db(transaction=True)
def test_r13_task_worker_fires_the_overdue_test_request(api, clock):
    world = build_world()
    flow = decided(world, api, clock)
    # Each planned deadline was put on the queue when the decision committed, to run at its time.
    queued = {t.args_kwargs["args"][0]: t for t in DBTaskResult.objects.filter(
        task_path="courtvcs.hearings.tasks.fire_deadline")}
    planned = pending(flow.hearing_id)
    assert set(queued) == {d.pk for d in planned.values()}
    request_row = planned["test_request"]
    assert queued[request_row.pk].run_after == at(3, 0)

    clock.move_to(at(2, 23, 59))
    run_worker()
    assert alerts(api, world) == []
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 0

    clock.move_to(at(3, 0, 1))
    run_worker()
    assert alerts(api, world) == [("officehead", "deadline_test_request"),
                                  ("secretary", "deadline_test_request")]
    done = DBTaskResult.objects.get(pk=queued[request_row.pk].pk)
    assert (done.status, done.return_value) == ("SUCCESSFUL", "fired")
    assert deadline(flow.hearing_id, "test_request").status == "fired"
    [event] = events(api, flow, "deadline_test_request")
    assert event["rule"] == "R13"
    # The later deadlines wait for their time.
    waiting = DBTaskResult.objects.filter(status="READY")
    assert {t.args_kwargs["args"][0] for t in waiting} == {
        d.pk for d in pending(flow.hearing_id).values()}
    assert set(pending(flow.hearing_id)) == {"test_session", "window_opens", "not_connected"}


@on_the_database_queue
@pytest.mark.django_db(transaction=True)
def test_r13_task_worker_leaves_a_met_deadline_silent(api, clock):
    world = build_world()
    flow = decided(world, api, clock)
    clock.move_to(at(2, 10))
    flow.request_tests()
    clock.move_to(at(3, 0, 1))
    run_worker()
    assert alerts(api, world) == []
    assert deadline(flow.hearing_id, "test_request").status == "met"
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1
