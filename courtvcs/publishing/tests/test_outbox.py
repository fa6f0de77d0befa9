"""R3, R27: the outbox. Every committed change of what is published about a hearing has
its event, written in the same transaction; a rolled-back change has none; a hearing with
a minor or on the safety ground is withdrawn once and then says nothing more.

"Now" is Tuesday 1 December 2026, 09:00 in Astana; the hearing (Flow) is on Thursday the
3rd at 10:00 in room 101 with the detention centre as its remote site.
"""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from courtvcs.hearings.models import Hearing
from courtvcs.hearings.services import adjournment
from courtvcs.hearings.services.workflow import record_event
from courtvcs.hearings.tests.answers import ok
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at

from ..models import OutboxEvent

FACT_KEYS = {"court", "courtroom", "case_number", "category", "instance", "starts_at", "ends_at",
             "duration_minutes", "status", "published", "state", "vcs"}


def outbox(hearing_id: int) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(hearing_id=hearing_id).order_by("seq"))


@pytest.fixture
def flow(world, api, clock):
    return Flow(world, api, clock)


def test_r3_every_committed_change_of_the_published_facts_has_its_event_in_order(world, api, flow):
    flow.to("in_session")
    ok(api(world.secretary).post(flow.url("/close")))
    events = outbox(flow.hearing_id)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.cause for e in events] == [
        "booked", "decide", "agree", "test_session_passed", "send_letters", "connect", "call_in", "close"]
    assert [(e.payload["hearing"]["status"], e.payload["hearing"]["state"], e.payload["hearing"]["vcs"])
            for e in events] == [
        ("awaiting_decision", None, "test_pending"), ("awaiting_agreement", None, "test_pending"),
        ("agreed", "scheduled", "test_pending"), ("agreed", "scheduled", "operational"),
        ("ready", "scheduled", "operational"), ("connected", "in_progress", "operational"),
        ("in_session", "in_progress", "operational"), ("closed", "finished", "operational")]
    assert [e.payload["hearing"]["published"] for e in events] == [False, False] + [True] * 6
    for event in events:
        assert event.kind == "hearing.updated" and event.delivered_at is None and event.attempts == 0
        assert event.payload["event_id"] == str(event.event_id)
        assert (event.payload["hearing_id"], event.payload["seq"], event.payload["cause"]) == (
            flow.hearing_id, event.seq, event.cause)
    # Requesting the test session changed nothing published: no event for it.
    assert "test_session_requested" not in [e.cause for e in events]


def test_r3_the_event_says_what_the_courts_system_needs_and_no_names(world, flow):
    flow.book(case_number="1-777/2026")
    flow.decide()
    flow.agree()
    [*_, agreed] = outbox(flow.hearing_id)
    facts = agreed.payload["hearing"]
    assert set(facts) == FACT_KEYS
    assert facts["court"] == {"id": world.court.pk, "code": world.court.code, "name": {
        "kk": world.court.name_kk, "ru": world.court.name_ru, "en": world.court.name_en}}
    assert facts["courtroom"] == "101" and facts["case_number"] == "1-777/2026"
    assert (facts["starts_at"], facts["ends_at"]) == ("2026-12-03T10:00:00+05:00", "2026-12-03T11:30:00+05:00")
    assert agreed.payload["occurred_at"] == "2026-12-01T09:00:00+05:00"
    text = str(agreed.payload)
    for person in ("Серіков", "Ахметова", "+7 701", "lawyer@", world.judge.last_name, world.secretary.last_name):
        assert person not in text


def test_r3_a_change_that_is_rolled_back_leaves_no_event(world, flow):
    flow.book()
    flow.decide()
    flow.agree()
    before = outbox(flow.hearing_id)
    with pytest.raises(RuntimeError), transaction.atomic():
        adjournment.cancel(actor=world.secretary, hearing_id=flow.hearing_id, reason="Settled.")
        assert outbox(flow.hearing_id)[-1].cause == "cancel"  # written with the change ...
        raise RuntimeError("the request fails after the service returned")
    # ... and gone with it.
    assert outbox(flow.hearing_id) == before
    assert Hearing.objects.get(pk=flow.hearing_id).status == "agreed"
    # The same change committed has its event.
    adjournment.cancel(actor=world.secretary, hearing_id=flow.hearing_id, reason="Settled.")
    last = outbox(flow.hearing_id)[-1]
    assert (last.seq, last.cause, last.payload["hearing"]["status"], last.payload["hearing"]["published"]) == (
        len(before) + 1, "cancel", "cancelled", False)


def test_r3_a_new_time_is_sent_with_the_change_that_makes_it(world, api, flow, clock):
    flow.to("in_session")
    ok(api(world.judge).post(flow.url("/adjourn"), {
        "reason": "The witness is ill.", "next_starts_at": at(10, 11).isoformat(), "choices": []}))
    causes = [(e.cause, e.payload["hearing"]["starts_at"], e.payload["hearing"]["status"])
              for e in outbox(flow.hearing_id)[-2:]]
    assert causes == [("adjourn", "2026-12-03T10:00:00+05:00", "adjourned"),
                      ("reschedule", "2026-12-10T11:00:00+05:00", "awaiting_agreement")]


def test_r3_r27_a_hearing_becoming_protected_is_withdrawn_once_and_then_silent(world, api, flow):
    flow.book()
    flow.decide()
    flow.agree()
    ok(api(world.secretary).post(flow.url("/interrogations"), {
        "person_name": "Серікова Аружан", "person_role": "victim", "grounds": ["minor"],
        "date_of_birth": "2015-06-01", "district_id": world.witness_district.pk}), 201)
    last = outbox(flow.hearing_id)[-1]
    assert (last.kind, last.cause, last.payload["hearing"]) == ("hearing.withdrawn", "interrogation_requested", None)
    assert "Серікова" not in str(last.payload)
    count = len(outbox(flow.hearing_id))
    # Whatever happens to it afterwards stays inside the court.
    flow.request_tests()
    flow.pass_tests()
    ok(api(world.secretary).post(flow.url("/cancel"), {"reason": "Settled."}))
    assert len(outbox(flow.hearing_id)) == count


def test_r3_r27_safety_ground_withdraws_the_hearing_too(world, api, flow):
    flow.book()
    ok(api(world.secretary).post(flow.url("/interrogations"), {
        "person_name": "Нұрланов Ерлан", "person_role": "witness", "grounds": ["safety"],
        "district_id": world.witness_district.pk}), 201)
    assert [e.kind for e in outbox(flow.hearing_id)] == ["hearing.updated", "hearing.withdrawn"]


def test_r3_events_are_numbered_per_hearing(world, api, clock):
    first, second = Flow(world, api, clock), Flow(world, api, clock, starts_at=at(4, 10))
    first.book()
    second.book()
    first.decide()
    second.decide()
    assert [e.seq for e in outbox(first.hearing_id)] == [1, 2]
    assert [e.seq for e in outbox(second.hearing_id)] == [1, 2]
    with pytest.raises(IntegrityError), transaction.atomic():
        e = outbox(first.hearing_id)[0]
        OutboxEvent.objects.create(hearing_id=e.hearing_id, seq=e.seq, kind=e.kind, cause="x", payload={},
                                   created_at=e.created_at, next_attempt_at=e.created_at)


def test_r3_live_call_noise_sends_nothing(world, flow):
    flow.book()
    hearing = Hearing.objects.get(pk=flow.hearing_id)
    count = len(outbox(flow.hearing_id))
    with transaction.atomic():
        for kind in ("site_connecting", "link_degraded", "participant_added", "letter_acknowledged"):
            record_event(hearing, kind, None, data={"site": "remote-1"})
    assert len(outbox(flow.hearing_id)) == count


def test_r3_the_event_time_is_kazakhstan_time_with_its_offset(world, flow, clock):
    clock.move_to(dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC))  # 04:30 on the 2nd in Astana
    flow.book()
    assert outbox(flow.hearing_id)[0].payload["occurred_at"] == "2026-12-02T04:30:00+05:00"
