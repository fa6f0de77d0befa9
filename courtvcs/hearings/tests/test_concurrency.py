"""R10, R15: secretaries booking at the same moment never double-book an endpoint.

Twenty secretaries' requests arrive together (a barrier releases them at once), each on
its own database connection, as they would on a busy morning. Where they compete for a
courtroom or a remote site in overlapping slots, exactly one hearing is booked and the
others are refused under R10 (the slot is no longer technically possible); where they do
not compete, every one is booked, and none meets a deadlock or a serialisation failure
that would reach the person as a server error. Either way no two active bookings of one
endpoint overlap, the connection window included (R15).

PostgreSQL only: the row locks and the exclusion constraint are what is under test, and
SQLite runs one writer at a time. The test country is committed (transaction=True) so
the threads' own connections can see it.
"""

import dataclasses
import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client

from courtvcs.errors import RuleViolation
from courtvcs.orgs.choices import EndpointKind, OrgKind, Role
from courtvcs.orgs.models import User
from courtvcs.orgs.tests.factories import EndpointFactory, OrganisationFactory, UserFactory

from .. import models
from ..services.booking import ParticipantInput, create_hearing, overlapping_bookings
from .world import at, build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 20


def all_at_once(work, n: int = PEOPLE) -> list:
    """Run work(i) for i in range(n) in n threads released together by a barrier.

    Each thread has its own database connection (Django's are per thread) and closes it
    when done. Returns each thread's ("booked", value), ("refused", RuleViolation) or
    ("failed", exception).
    """
    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def run(i: int) -> None:
        try:
            prepared = work(i, None)  # sign in, read what is needed, before the race
            barrier.wait(timeout=60)
            outcomes[i] = ("booked", work(i, prepared))
        except RuleViolation as refusal:
            outcomes[i] = ("refused", refusal)
        except Exception as error:  # noqa: BLE001 - reported by the test with the others
            outcomes[i] = ("failed", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), name=f"secretary-{i}") for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a booking hung (deadlock?)"
    return outcomes


def kinds(outcomes) -> list[str]:
    return [kind for kind, _value in outcomes]


def no_failures(outcomes) -> None:
    failed = [value for kind, value in outcomes if kind == "failed"]
    assert not failed, failed


def active_bookings(endpoint) -> list:
    return list(models.EndpointBooking.objects.filter(endpoint=endpoint, active=True))


def book(secretary_id: int, *, courtroom, judge, starts_at: dt.datetime, remote=(), participants=()):
    """The booking service, as the API calls it, for a secretary read afresh in this thread."""
    secretary = User.objects.select_related("organisation").get(pk=secretary_id)
    return create_hearing(
        actor=secretary, case_number=f"1-{starts_at:%H%M}/2026", category="criminal", instance="first",
        courtroom_id=courtroom.pk, judge_id=judge.pk, starts_at=starts_at, duration_minutes=90,
        remote_endpoint_ids=[e.pk for e in remote], participants=list(participants))


def test_r10_racing_bookings_of_one_courtroom_yield_exactly_one_hearing(clock):
    world = build_world()

    def work(i, prepared):
        if prepared is None:
            return True
        # Slots a minute apart: every one overlaps every other in room 101 and VCS-1.
        return book(world.secretary.pk, courtroom=world.room, judge=world.judge,
                    starts_at=at(3, 10, i), remote=[world.sizo_room]).pk

    outcomes = all_at_once(work)

    no_failures(outcomes)
    assert kinds(outcomes).count("booked") == 1, kinds(outcomes)
    refusals = [value for kind, value in outcomes if kind == "refused"]
    assert len(refusals) == PEOPLE - 1
    assert {r.rule for r in refusals} == {"R10"}
    [hearing_id] = [value for kind, value in outcomes if kind == "booked"]
    assert list(models.Hearing.objects.values_list("pk", flat=True)) == [hearing_id]
    assert [b.hearing_id for b in active_bookings(world.room)] == [hearing_id]
    assert [b.hearing_id for b in active_bookings(world.sizo_room)] == [hearing_id]
    assert overlapping_bookings() == []


def test_r10_racing_bookings_of_one_remote_site_over_the_api_give_one_201_and_409s(clock):
    """Twenty courtrooms, one detention centre's VCS room, the same morning: the first
    secretary in gets it, the others a JSON refusal naming R10, nobody a server error."""
    world = build_world()
    rooms = [EndpointFactory(organisation=world.court, room_number=f"2{i:02d}") for i in range(PEOPLE)]

    def work(i, client):
        if client is None:
            client = Client()
            client.force_login(world.secretary)
            return client
        response = client.post("/api/hearings", {
            "case_number": f"1-{i}/2026", "category": "criminal", "instance": "first",
            "courtroom_id": rooms[i].pk, "judge_id": world.judge.pk,
            "starts_at": at(3, 10, i).isoformat(), "duration_minutes": 90,
            "remote_endpoint_ids": [world.sizo_room.pk]}, content_type="application/json")
        return response.status_code, response.json()

    outcomes = all_at_once(work)

    no_failures(outcomes)
    answers = [value for _kind, value in outcomes]
    statuses = sorted(status for status, _body in answers)
    assert statuses == [201] + [409] * (PEOPLE - 1), statuses
    for status, body in answers:
        if status == 409:
            assert body["rule"] == "R10", body
            assert any("VCS-1" in reason and "busy" in reason for reason in body["reasons"]), body
    [booked] = [body for status, body in answers if status == 201]
    assert models.Hearing.objects.get().pk == booked["id"]
    assert [b.hearing_id for b in active_bookings(world.sizo_room)] == [booked["id"]]
    assert models.EndpointBooking.objects.filter(active=True).count() == 2  # its courtroom and VCS-1
    assert overlapping_bookings() == []


def test_r10_racing_bookings_of_different_free_courtrooms_all_succeed(clock):
    """Twenty courtrooms of one court at the same hour, each with a participant on mobile
    VCS: nothing is shared, so every secretary's booking goes through."""
    world = build_world()
    rooms = [EndpointFactory(organisation=world.court, room_number=f"3{i:02d}") for i in range(PEOPLE)]
    lawyer = ParticipantInput(full_name="Ахметова Дана", procedural_role="defence_lawyer", mode="mobile_vcs",
                              phone="+7 701 111 22 33")

    def work(i, client):
        if client is None:
            client = Client()
            client.force_login(world.secretary)
            return client
        response = client.post("/api/hearings", {
            "case_number": f"1-{i}/2026", "category": "civil", "instance": "first",
            "courtroom_id": rooms[i].pk, "judge_id": world.judge.pk,
            "starts_at": at(3, 10).isoformat(), "duration_minutes": 90, "remote_endpoint_ids": [],
            "participants": [dataclasses.asdict(lawyer)]}, content_type="application/json")
        return response.status_code, response.json()

    outcomes = all_at_once(work)

    no_failures(outcomes)
    assert [status for status, _body in (value for _kind, value in outcomes)] == [201] * PEOPLE, outcomes
    assert models.Hearing.objects.count() == PEOPLE
    for room in rooms:
        assert len(active_bookings(room)) == 1
    assert overlapping_bookings() == []


def test_r10_racing_bookings_sharing_remote_sites_at_different_times_all_succeed(clock):
    """Twenty hearings in twenty courtrooms all take the same two detention centres' VCS
    rooms, one after the other through the day: every booking locks the shared rooms, yet
    none waits forever, fails, or is refused, since no two slots overlap (R10, R15)."""
    world = build_world()
    court = OrganisationFactory(code="akmola-kokshetau-court-2", kind=OrgKind.DISTRICT_COURT,
                                district=world.district, parent=world.regional)
    rooms = [EndpointFactory(organisation=world.court if i % 2 else court, room_number=f"4{i:02d}",
                             kind=EndpointKind.COURTROOM) for i in range(PEOPLE)]
    second_secretary = UserFactory(username="secretary-2", role=Role.SECRETARY, organisation=court)
    second_judge = UserFactory(username="judge-2", role=Role.JUDGE, organisation=court)
    secretaries = [world.secretary if i % 2 else second_secretary for i in range(PEOPLE)]
    judges = [world.judge if i % 2 else second_judge for i in range(PEOPLE)]
    # The window opens 30 minutes before the start and the hearing lasts 90 minutes: slots
    # two hours apart touch without overlapping.
    starts = [at(3, 0) + dt.timedelta(hours=2 * i) for i in range(PEOPLE)]
    # Half the bookings name the rooms in one order, half in the other.
    remotes = [[world.sizo_room, world.other_sizo_room] if i % 2 else [world.other_sizo_room, world.sizo_room]
               for i in range(PEOPLE)]

    def work(i, prepared):
        if prepared is None:
            return True
        return book(secretaries[i].pk, courtroom=rooms[i], judge=judges[i], starts_at=starts[i],
                    remote=remotes[i]).pk

    outcomes = all_at_once(work)

    no_failures(outcomes)
    assert kinds(outcomes) == ["booked"] * PEOPLE, outcomes
    assert models.Hearing.objects.count() == PEOPLE
    assert len(active_bookings(world.sizo_room)) == PEOPLE
    assert len(active_bookings(world.other_sizo_room)) == PEOPLE
    assert overlapping_bookings() == []


def test_r10_a_booking_locks_its_endpoints_and_not_their_organisations(clock):
    """The load benchmark's deadlocks: locking the endpoints also locked their organisations'
    rows (the query joins them), so bookings of different rooms met on the court's and the
    detention centre's rows in opposite orders. Only the endpoints are locked now."""
    from django.db import OperationalError, transaction

    from courtvcs.orgs.models import Endpoint, Organisation

    from ..services.booking import _lock_endpoints

    world = build_world()
    held, release = threading.Event(), threading.Event()

    def booking_in_progress():
        try:
            with transaction.atomic():
                _lock_endpoints([world.room.pk, world.sizo_room.pk])
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=booking_in_progress)
    thread.start()
    try:
        assert held.wait(timeout=30)
        with transaction.atomic():
            for org in (world.room.organisation_id, world.sizo_room.organisation_id):
                try:
                    list(Organisation.objects.select_for_update(nowait=True).filter(pk=org))
                except OperationalError as exc:  # LockNotAvailable
                    pytest.fail(f"organisation {org} locked by a booking: {exc}")
            with pytest.raises(OperationalError):  # the endpoints themselves are held
                list(Endpoint.objects.select_for_update(nowait=True).filter(pk=world.room.pk))
    finally:
        release.set()
        thread.join(timeout=30)
