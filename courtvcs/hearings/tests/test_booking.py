"""R10, R13, R14, R15: booking a hearing by VCS and the technical possibility of a slot.

"Now" is Tuesday 1 December 2026, 09:00 Astana time. A booking holds each endpoint from
the opening of the connection window (30 minutes before the start, R15) to the expected
end, so a hearing ending at 10:00 collides with one starting at 10:20 but not at 10:30.
"""

import pytest

from courtvcs.audit.models import AuditEntry
from courtvcs.orgs.choices import Role
from courtvcs.orgs.models import EndpointStatusChange
from courtvcs.orgs.tests.factories import UserFactory

from ..models import EndpointBooking, Hearing
from .flow import Flow
from .world import at
from courtvcs.hearings.tests.answers import invalid, ok


def refused(response, rule="R10"):
    assert response.status_code == 409, (response.status_code, response.content.decode())
    body = response.json()
    assert body["rule"] == rule, body
    assert body["detail"].startswith(f"{rule}: "), body
    return body


def availability(api, user, *, courtroom, remote=(), starts_at, duration=90):
    return ok(api(user).post("/availability", {
        "courtroom_id": courtroom.pk, "remote_endpoint_ids": [e.pk for e in remote],
        "starts_at": starts_at.isoformat(), "duration_minutes": duration}))


def set_status(api, user, endpoint, status, note=""):
    return api(user).post(f"/endpoints/{endpoint.pk}/status", {"status": status, "note": note})


def block(api, user, endpoint, starts_at, ends_at, reason="planned maintenance"):
    return api(user).post(f"/endpoints/{endpoint.pk}/blocks", {
        "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(), "reason": reason})


def one_with(reasons, *needles):
    """The one reason that mentions every needle."""
    found = [r for r in reasons if all(n in r for n in needles)]
    assert len(found) == 1, (needles, reasons)
    return found[0]


# ---- R10: every reason at once ------------------------------------------------------------

def test_r10_booking_refused_names_every_reason_at_once(world, api, clock):
    # Hearing A holds room 101 (and Karaganda's VCS room) from 08:00 (window) to 10:00.
    first = Flow(world, api, clock, starts_at=at(3, 8, 30), remote=[world.other_sizo_room])
    first.book()
    # Then: room 101 breaks (R14), Karaganda court's room 5 goes under maintenance, and
    # the Akmola detention centre closes its VCS room for maintenance from 10:00 to 11:00.
    ok(set_status(api, world.technician, world.room, "faulty", "camera does not start"))
    ok(set_status(api, world.other_technician, world.other_room, "maintenance"))
    ok(block(api, world.sizo_technician, world.sizo_room, at(3, 10), at(3, 11)), 201)

    second = Flow(world, api, clock, starts_at=at(3, 10, 20), remote=[world.sizo_room, world.other_room])
    body = refused(api(world.secretary).post("/hearings", second.payload()))
    reasons = body["reasons"]
    assert len(reasons) == 4, reasons
    assert "R14" in one_with(reasons, "101", "Faulty")
    assert "R14" in one_with(reasons, "5", "Under maintenance")
    one_with(reasons, "VCS-1", "closed for maintenance", "03.12.2026 10:00", "03.12.2026 11:00")
    # Busy from A's window to A's end: B's window opens at 09:50, before A ends (R15).
    one_with(reasons, "101", "busy", "03.12.2026 08:00", "03.12.2026 10:00")
    assert Hearing.objects.count() == 1

    # The availability check gives the same reasons without booking anything.
    check = availability(api, world.secretary, courtroom=world.room,
                         remote=[world.sizo_room, world.other_room], starts_at=at(3, 10, 20))
    assert check["possible"] is False
    assert sorted(check["reasons"]) == sorted(reasons)


def test_r15_connection_window_makes_a_hearing_20_minutes_later_collide(world, api, clock):
    # A: 08:30-10:00 in room 101 with the Akmola detention centre.
    Flow(world, api, clock, starts_at=at(3, 8, 30)).book()
    # B at 10:20 with another remote site: only the courtroom collides, because B's
    # connection window opens at 09:50 while A still holds the room until 10:00.
    late = Flow(world, api, clock, starts_at=at(3, 10, 20), remote=[world.other_sizo_room])
    body = refused(api(world.secretary).post("/hearings", late.payload()))
    assert len(body["reasons"]) == 1
    one_with(body["reasons"], "101", "busy", "03.12.2026 10:00")
    # At 10:30 the window opens exactly when A ends: free.
    free = Flow(world, api, clock, starts_at=at(3, 10, 30), remote=[world.other_sizo_room])
    booked = free.book()
    assert booked["status"] == "awaiting_decision"
    held = EndpointBooking.objects.get(hearing_id=booked["id"], endpoint=world.room, active=True)
    assert (held.starts_at, held.ends_at) == (at(3, 10, 0), at(3, 12, 0))


def test_r15_remote_site_busy_with_another_court_hearing_is_a_reason(world, api, clock):
    # Karaganda books the Akmola detention centre 10:00-11:30 (window from 09:30).
    judge = UserFactory(username="karjudge", role=Role.JUDGE, organisation=world.other_court)
    r = api(world.other_secretary).post("/hearings", Flow(world, api, clock).payload(
        courtroom_id=world.other_room.pk, judge_id=judge.pk))
    assert r.status_code == 201, r.content
    # Akmola wants the same VCS room at 11:45: its window (11:15) opens before 11:30.
    body = refused(api(world.secretary).post("/hearings", Flow(
        world, api, clock, starts_at=at(3, 11, 45)).payload()))
    one_with(body["reasons"], "VCS-1", "busy", "03.12.2026 09:30", "03.12.2026 11:30")
    assert len(body["reasons"]) == 1


def test_r10_start_in_the_past_is_refused(world, api, clock):
    body = refused(api(world.secretary).post("/hearings", Flow(
        world, api, clock, starts_at=at(1, 8)).payload()))
    assert len(body["reasons"]) == 1
    assert "01.12.2026 08:00" in body["reasons"][0]
    assert "passed" in body["reasons"][0]
    assert Hearing.objects.count() == 0


def test_r13_hearing_with_remote_site_cannot_be_set_for_today(world, api, clock):
    body = refused(api(world.secretary).post("/hearings", Flow(
        world, api, clock, starts_at=at(1, 15)).payload()))
    assert len(body["reasons"]) == 1
    assert "R13" in body["reasons"][0]
    # Tomorrow is possible: the test session can still be held today.
    assert Flow(world, api, clock, starts_at=at(2, 15)).book()["status"] == "awaiting_decision"


def test_r13_today_is_counted_in_kazakhstan_time_not_utc(world, api, clock):
    # 1 December 02:00 Astana is still 30 November in UTC; a hearing at 10:00 Astana the
    # same day (05:00 UTC on 1 December) is "today" and must be refused (R13).
    clock.move_to(at(1, 2))
    body = refused(api(world.secretary).post("/hearings", Flow(
        world, api, clock, starts_at=at(1, 10)).payload()))
    assert any("R13" in r for r in body["reasons"]), body


def test_r13_hearing_only_by_mobile_vcs_needs_no_test_session_and_may_be_today(world, api, clock):
    # No remote site means no test session with a court or institution (R13).
    flow = Flow(world, api, clock, starts_at=at(1, 15), remote=[])
    assert flow.book()["remote_sites"] == []


# ---- who books and what ------------------------------------------------------------------

@pytest.mark.parametrize("who", ["judge", "bailiff", "technician", "office_head", "coordinator",
                                 "dep_coordinator", "officer", "sizo_technician"])
def test_r8_only_a_hearing_secretary_books(world, api, clock, who):
    r = api(getattr(world, who)).post("/hearings", Flow(world, api, clock).payload())
    assert r.status_code == 403, r.content
    assert r.json()["detail"]
    assert Hearing.objects.count() == 0


def test_r10_anonymous_cannot_book(world, api, clock):
    r = api().post("/hearings", Flow(world, api, clock).payload())
    assert r.status_code == 401


@pytest.mark.parametrize("room", ["other_room", "regional_room", "sizo_room", "burabay_room"])
def test_r10_courtroom_must_be_of_the_secretarys_own_court(world, api, clock, room):
    remote = [world.other_sizo_room]
    r = api(world.secretary).post("/hearings", Flow(world, api, clock, remote=remote).payload(
        courtroom_id=getattr(world, room).pk))
    invalid(r, "courtroom_id")
    assert Hearing.objects.count() == 0


def test_r10_unknown_courtroom_is_a_field_error(world, api, clock):
    invalid(api(world.secretary).post("/hearings", Flow(world, api, clock).payload(courtroom_id=987654)),
            "courtroom_id")


def test_r10_secretary_of_another_court_cannot_book_our_courtroom(world, api, clock):
    judge = UserFactory(username="karjudge", role=Role.JUDGE, organisation=world.other_court)
    invalid(api(world.other_secretary).post("/hearings", Flow(world, api, clock).payload(
        judge_id=judge.pk)), "courtroom_id")
    assert Hearing.objects.count() == 0


def test_r10_judge_must_be_of_the_same_court(world, api, clock):
    invalid(api(world.secretary).post("/hearings", Flow(world, api, clock).payload(
        judge_id=world.regional_judge.pk)), "judge_id")
    invalid(api(world.secretary).post("/hearings", Flow(world, api, clock).payload(
        judge_id=world.secretary.pk)), "judge_id")


@pytest.mark.parametrize("remote", ["room2", "room"])
def test_r10_remote_site_cannot_be_an_endpoint_of_the_own_court(world, api, clock, remote):
    flow = Flow(world, api, clock, remote=[getattr(world, remote)])
    invalid(api(world.secretary).post("/hearings", flow.payload()), "remote_endpoint_ids")
    assert Hearing.objects.count() == 0


def test_r10_unknown_remote_site_is_a_field_error(world, api, clock):
    flow = Flow(world, api, clock)
    invalid(api(world.secretary).post("/hearings", flow.payload(remote_endpoint_ids=[987654])),
            "remote_endpoint_ids")


def test_r10_remote_sites_of_another_court_and_of_an_institution_are_accepted(world, api, clock):
    flow = Flow(world, api, clock, remote=[world.sizo_room, world.burabay_room, world.other_room])
    body = flow.book()
    assert sorted(s["endpoint_id"] for s in body["remote_sites"]) == sorted(
        [world.sizo_room.pk, world.burabay_room.pk, world.other_room.pk])
    held = set(EndpointBooking.objects.filter(hearing_id=body["id"], active=True)
               .values_list("endpoint_id", flat=True))
    assert held == {world.room.pk, world.sizo_room.pk, world.burabay_room.pk, world.other_room.pk}


def test_r10_hearing_needs_a_remote_site_or_a_mobile_participant(world, api, clock):
    flow = Flow(world, api, clock, remote=[], participants=[
        {"full_name": "Иванов Иван", "procedural_role": "witness", "mode": "courtroom"}])
    invalid(api(world.secretary).post("/hearings", flow.payload()), "remote_endpoint_ids")


def test_r10_mobile_vcs_participant_needs_a_phone_or_an_email(world, api, clock):
    flow = Flow(world, api, clock, participants=[
        {"full_name": "Серіков Асқар", "procedural_role": "defendant", "mode": "remote_site",
         "remote_endpoint_id": world.sizo_room.pk},
        {"full_name": "Ахметова Дана", "procedural_role": "defence_lawyer", "mode": "mobile_vcs"}])
    body = invalid(api(world.secretary).post("/hearings", flow.payload()), "participants.1.phone")
    assert list(body["fields"]) == ["participants.1.phone"]
    assert Hearing.objects.count() == 0
    # An e-mail alone is enough; a malformed one is a shape error on its own field.
    flow.participants[1]["email"] = "not-an-address"
    invalid(api(world.secretary).post("/hearings", flow.payload()), "participants.1.email", status=422)
    flow.participants[1]["email"] = "lawyer@example.kz"
    assert flow.book()["participants"][1]["email"] == "lawyer@example.kz"


def test_r10_participant_at_a_remote_site_must_name_one_of_the_hearings_sites(world, api, clock):
    flow = Flow(world, api, clock, participants=[
        {"full_name": "Серіков Асқар", "procedural_role": "defendant", "mode": "remote_site",
         "remote_endpoint_id": world.other_sizo_room.pk}])
    invalid(api(world.secretary).post("/hearings", flow.payload()), "participants.0.remote_endpoint_id")


# ---- the availability check --------------------------------------------------------------

def test_r10_availability_is_true_when_free_and_false_with_reasons_when_not(world, api, clock):
    free = availability(api, world.secretary, courtroom=world.room, remote=[world.sizo_room],
                        starts_at=at(3, 10))
    assert free == {"possible": True, "reasons": []}
    Flow(world, api, clock, starts_at=at(3, 10)).book()
    busy = availability(api, world.secretary, courtroom=world.room, remote=[world.sizo_room],
                        starts_at=at(3, 11))
    assert busy["possible"] is False
    assert len(busy["reasons"]) == 2  # the courtroom and the detention centre's room
    one_with(busy["reasons"], "101", "busy")
    one_with(busy["reasons"], "VCS-1", "busy")
    # Another courtroom and another institution at the same time: possible.
    other = availability(api, world.secretary, courtroom=world.room2, remote=[world.other_sizo_room],
                         starts_at=at(3, 11))
    assert other["possible"] is True


def test_r10_availability_in_the_past_or_today_is_not_possible(world, api, clock):
    past = availability(api, world.secretary, courtroom=world.room, remote=[world.sizo_room],
                        starts_at=at(1, 8))
    assert past["possible"] is False and len(past["reasons"]) == 1
    today = availability(api, world.secretary, courtroom=world.room, remote=[world.sizo_room],
                         starts_at=at(1, 15))
    assert today["possible"] is False and "R13" in today["reasons"][0]


def test_r10_availability_of_an_unknown_endpoint_is_a_field_error(world, api, clock):
    r = api(world.secretary).post("/availability", {
        "courtroom_id": world.room.pk, "remote_endpoint_ids": [987654],
        "starts_at": at(3, 10).isoformat(), "duration_minutes": 60})
    invalid(r, "remote_endpoint_ids")


def test_r10_availability_needs_a_signed_in_person(world, api, clock):
    r = api().post("/availability", {"courtroom_id": world.room.pk, "starts_at": at(3, 10).isoformat(),
                                      "duration_minutes": 60})
    assert r.status_code == 401


# ---- released endpoints ------------------------------------------------------------------

def test_r10_endpoints_of_a_hearing_refused_by_the_judge_are_free_again(world, api, clock):
    first = Flow(world, api, clock)
    first.book()
    refused(api(world.secretary).post("/hearings", Flow(world, api, clock).payload()))
    body = ok(api(world.judge).post(first.url("/decision"), {"hold_by_vcs": False, "reason": "in person"}))
    assert body["status"] == "rejected"
    assert not EndpointBooking.objects.filter(hearing_id=first.hearing_id, active=True).exists()
    assert availability(api, world.secretary, courtroom=world.room, remote=[world.sizo_room],
                        starts_at=at(3, 10))["possible"] is True
    assert Flow(world, api, clock).book()["status"] == "awaiting_decision"


def test_r10_endpoints_of_a_cancelled_hearing_are_free_again(world, api, clock):
    first = Flow(world, api, clock)
    first.book()
    first.decide()
    body = ok(api(world.secretary).post(first.url("/cancel"), {"reason": "the case was joined"}))
    assert body["status"] == "cancelled"
    assert not EndpointBooking.objects.filter(hearing_id=first.hearing_id, active=True).exists()
    assert Flow(world, api, clock).book()["status"] == "awaiting_decision"


def test_r10_endpoints_of_a_hearing_not_agreed_by_the_coordinator_are_free_again(world, api, clock):
    first = Flow(world, api, clock)
    first.book()
    first.decide()
    ok(api(world.coordinator).post(first.url("/agreement"), {"answer": "refuse",
                                                             "reason": "the channel is overloaded"}))
    assert Flow(world, api, clock).book()["status"] == "awaiting_decision"


# ---- R14: the technical specialist and the endpoint's operability ---------------------------

def test_r14_technician_sets_status_of_own_courts_endpoint_with_history_and_audit(world, api, clock):
    body = ok(set_status(api, world.technician, world.room, "faulty", "the codec does not boot"))
    assert (body["id"], body["status"]) == (world.room.pk, "faulty")
    change = EndpointStatusChange.objects.get(endpoint=world.room)
    assert (change.by, change.from_status, change.to_status, change.note, change.at) == (
        world.technician, "operable", "faulty", "the codec does not boot", at(1, 9))
    entry = AuditEntry.objects.get(action="endpoint_status", object_id=str(world.room.pk))
    assert (entry.actor, entry.rule, entry.before, entry.after) == (
        world.technician, "R14", {"status": "operable"}, {"status": "faulty"})
    history = ok(api(world.secretary).get(f"/endpoints/{world.room.pk}/history"))
    assert history["endpoint"]["status"] == "faulty"
    assert [(c["from_status"], c["to_status"], c["note"]) for c in history["changes"]] == [
        ("operable", "faulty", "the codec does not boot")]
    # A faulty courtroom cannot be booked (R10, R14) ...
    body = refused(api(world.secretary).post("/hearings", Flow(world, api, clock).payload()))
    assert len(body["reasons"]) == 1 and "R14" in body["reasons"][0]
    # ... and can again once it is repaired.
    ok(set_status(api, world.technician, world.room, "operable", "codec replaced"))
    assert EndpointStatusChange.objects.filter(endpoint=world.room).count() == 2
    assert Flow(world, api, clock).book()["status"] == "awaiting_decision"


def test_r14_institution_technician_sets_status_of_its_own_vcs_room(world, api, clock):
    ok(set_status(api, world.sizo_technician, world.sizo_room, "maintenance", "cable works"))
    change = EndpointStatusChange.objects.get(endpoint=world.sizo_room)
    assert (change.by, change.to_status) == (world.sizo_technician, "maintenance")


@pytest.mark.parametrize("who, endpoint", [
    ("technician", "other_room"),          # another court's endpoint
    ("technician", "sizo_room"),           # an institution's endpoint
    ("other_technician", "room"),
    ("sizo_technician", "room"),
    ("secretary", "room"),                 # own court, but not a technical specialist
    ("judge", "room"),
    ("coordinator", "room"),
])
def test_r14_only_the_endpoints_own_technician_changes_its_status(world, api, clock, who, endpoint):
    target = getattr(world, endpoint)
    r = set_status(api, getattr(world, who), target, "faulty")
    assert r.status_code == 403, r.content
    target.refresh_from_db()
    assert target.status == "operable"
    assert not EndpointStatusChange.objects.exists()
    assert not AuditEntry.objects.filter(action="endpoint_status").exists()
    r = block(api, getattr(world, who), target, at(3, 9), at(3, 12))
    assert r.status_code == 403, r.content


def test_r14_status_of_an_unknown_endpoint_is_not_found(world, api, clock):
    r = api(world.technician).post("/endpoints/987654/status", {"status": "faulty"})
    assert r.status_code == 404, r.content


def test_r14_setting_the_same_status_again_adds_no_history(world, api, clock):
    ok(set_status(api, world.technician, world.room, "operable"))
    assert not EndpointStatusChange.objects.exists()


def test_r14_maintenance_block_refuses_bookings_in_its_period(world, api, clock):
    body = ok(block(api, world.technician, world.room, at(3, 9), at(3, 12), "projector replaced"), 201)
    assert body["endpoint_id"] == world.room.pk
    assert AuditEntry.objects.filter(action="endpoint_blocked", actor=world.technician).exists()
    reasons = refused(api(world.secretary).post("/hearings", Flow(world, api, clock).payload()))["reasons"]
    assert len(reasons) == 1
    one_with(reasons, "101", "closed for maintenance", "03.12.2026 09:00", "03.12.2026 12:00")
    # Window at 11:40 for a start at 12:10: still inside the block.
    refused(api(world.secretary).post("/hearings", Flow(world, api, clock, starts_at=at(3, 12, 10)).payload()))
    # A hearing before the block (ends 09:00) and one whose window opens at its end are possible.
    assert Flow(world, api, clock, starts_at=at(3, 7, 30)).book()["status"] == "awaiting_decision"
    assert Flow(world, api, clock, starts_at=at(3, 12, 30),
                remote=[world.other_sizo_room]).book()["status"] == "awaiting_decision"
    history = ok(api(world.secretary).get(f"/endpoints/{world.room.pk}/history"))
    assert [b["reason"] for b in history["blocks"]] == ["projector replaced"]


def test_r14_maintenance_block_must_end_after_it_starts(world, api, clock):
    invalid(block(api, world.technician, world.room, at(3, 12), at(3, 9)), "ends_at")
    invalid(block(api, world.technician, world.room, at(3, 12), at(3, 12)), "ends_at")


# ---- the database's own guard ---------------------------------------------------------------

def test_r10_the_database_refuses_an_overlapping_booking_of_one_endpoint(world, api, clock):
    """Even past the service's checks (a script, the admin), one endpoint is never held twice."""
    from django.db import IntegrityError, transaction

    flow = Flow(world, api, clock)
    flow.book()
    held = EndpointBooking.objects.get(hearing_id=flow.hearing_id, endpoint=world.room, active=True)
    other = Flow(world, api, clock, starts_at=at(4, 10)).book()
    with pytest.raises(IntegrityError), transaction.atomic():
        EndpointBooking.objects.create(endpoint=world.room, hearing_id=other["id"],
                                       starts_at=held.starts_at, ends_at=held.ends_at)
    moved = EndpointBooking.objects.get(hearing_id=other["id"], endpoint=world.room, active=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        EndpointBooking.objects.filter(pk=moved.pk).update(starts_at=held.starts_at, ends_at=held.ends_at)
    # A released booking is history: the slot may be held again.
    EndpointBooking.objects.filter(pk=held.pk).update(active=False)
    EndpointBooking.objects.filter(pk=moved.pk).update(starts_at=held.starts_at, ends_at=held.ends_at)
    assert EndpointBooking.objects.filter(endpoint=world.room, active=True).count() == 1


def test_r10_a_booking_past_the_services_checks_gets_a_409_naming_the_booking_in_the_way(
        world, api, clock, monkeypatch):
    """Code that skips the slot checks (a bug, a script) still cannot double-book: the
    database refuses, and the secretary gets a 409 naming R10 and the booking in the way."""
    from courtvcs.hearings.services import booking

    first = Flow(world, api, clock)
    first.book()
    held = list(EndpointBooking.objects.filter(hearing_id=first.hearing_id, active=True)
                .order_by("starts_at", "pk"))
    assert {b.endpoint for b in held} == {world.room, *first.remote}
    monkeypatch.setattr(booking, "possibility_problems", lambda **kwargs: [])
    hearings_before = Hearing.objects.count()
    second = Flow(world, api, clock)
    body = refused(second.as_(world.secretary).post("/hearings", second.payload()))
    # Every booking in the way: the courtroom and the detention centre's room.
    assert body["conflicts"] == [{
        "booking_id": b.pk, "endpoint_id": b.endpoint_id, "endpoint": str(b.endpoint),
        "hearing_id": first.hearing_id, "starts_at": b.starts_at.isoformat(),
        "ends_at": b.ends_at.isoformat()} for b in held]
    one_with(body["reasons"], str(world.room), "busy")
    # Nothing half-written: no second hearing, the first one's booking untouched.
    assert Hearing.objects.count() == hearings_before
    assert list(EndpointBooking.objects.filter(active=True).order_by("starts_at", "pk")) == held
