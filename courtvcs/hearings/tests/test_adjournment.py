"""Adjournment over the API (R23): who adjourns and when, each party's mode for the next
sitting, the oral petition, the new date agreed again; the hearing's timeline as the
material of the protocol mark (R21); the technical specialist's own work (R9).

The hearing starts on Thursday 3 December 2026 at 10:00 Astana time; Flow connects at 09:35
and calls in at 10:00. The next sitting is proposed for Thursday 10 December at 10:00.
"""

import datetime as dt

import pytest

from courtvcs import kztime
from courtvcs.audit.models import AuditEntry
from courtvcs.hearings.models import Adjournment, EndpointBooking, PartyModeChoice, Petition

from .flow import Flow
from .test_hearing_day import attend, busy, events, forbidden, inbox, ok, person, refused, site_of
from .world import at

NEXT = at(10, 10)


def parties_flow(world, api, clock, **kwargs) -> Flow:
    """Four parties: the defendant at the detention centre, the lawyer on mobile VCS, the
    victim in the courtroom with no contacts, the witness in the courtroom with a phone."""
    return Flow(world, api, clock, participants=[
        {"full_name": "Серіков Асқар", "procedural_role": "defendant", "mode": "remote_site",
         "remote_endpoint_id": world.sizo_room.pk},
        {"full_name": "Ахметова Дана", "procedural_role": "defence_lawyer", "mode": "mobile_vcs",
         "phone": "+7 701 111 22 33", "email": "lawyer@example.kz"},
        {"full_name": "Омаров Ержан", "procedural_role": "victim", "mode": "courtroom"},
        {"full_name": "Иванов Иван", "procedural_role": "witness", "mode": "courtroom",
         "phone": "+7 701 000 00 00"},
    ], **kwargs)


def adjourn(api, flow, user=None, **data):
    return api(user or flow.w.judge).post(flow.url("/adjourn"), {"reason": "the interpreter is ill", **data})


def invalid(response, status=400):
    assert response.status_code == status, (response.status_code, response.content.decode())
    return response.json()["fields"]


def latest(inbox_items):
    return max(inbox_items, key=lambda n: n["id"])


# ---- who adjourns, and when ---------------------------------------------------------------

def test_r23_only_the_presiding_judge_adjourns(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("in_session")
    for user in (world.secretary, world.other_judge, world.bailiff, world.technician, world.officer,
                 world.coordinator):
        forbidden(adjourn(api, flow, user))
    # Another court's people do not even see the hearing.
    assert adjourn(api, flow, world.other_secretary).status_code == 404
    assert flow.detail()["status"] == "in_session"
    assert not Adjournment.objects.exists()

    clock.move_to(at(3, 10, 30))
    body = ok(adjourn(api, flow))
    assert body["status"] == "adjourned"
    assert {"reschedule", "cancel"} <= set(body["allowed_actions"])
    [row] = Adjournment.objects.all()
    assert (row.hearing_id, row.declared_by_id, row.declared_at) == (flow.hearing_id, world.judge.pk, at(3, 10, 30))
    assert (row.previous_starts_at, row.next_starts_at, row.reason) == (at(3, 10), None, "the interpreter is ill")
    [event] = events(api, flow, "adjourn")
    assert (event["rule"], event["from_status"], event["to_status"]) == ("R23", "in_session", "adjourned")
    assert event["actor"] == world.judge.display_name
    assert event["data"] == {"reason": "the interpreter is ill"}
    # Once adjourned it is not adjourned again.
    refused(adjourn(api, flow), "R23")


@pytest.mark.parametrize("status", ["connected", "in_session", "technical_break"])
def test_r23_the_judge_adjourns_once_connected_in_session_or_in_a_break(world, api, clock, status):
    flow = Flow(world, api, clock)
    flow.to("in_session" if status == "technical_break" else status)
    if status == "technical_break":
        ok(api(world.judge).post(flow.url("/break"), {"reason": "frozen picture"}))
    ok(adjourn(api, flow))
    [event] = events(api, flow, "adjourn")
    assert (event["from_status"], event["to_status"]) == (status, "adjourned")


@pytest.mark.parametrize("status", ["awaiting_decision", "awaiting_agreement", "ready", "closed"])
def test_r23_no_adjournment_before_the_hearing_day_or_after_the_close(world, api, clock, status):
    flow = Flow(world, api, clock)
    flow.to("in_session" if status == "closed" else status)
    if status == "closed":
        ok(api(world.secretary).post(flow.url("/close")))
    refused(adjourn(api, flow, next_starts_at=NEXT.isoformat()), "R23")
    assert flow.detail()["status"] == status
    assert not Adjournment.objects.exists()


# ---- each party's mode for the next sitting -------------------------------------------------

def test_r23_each_party_chooses_its_mode_for_the_next_sitting(world, api, clock):
    flow = parties_flow(world, api, clock)
    detail = flow.to("in_session")
    defendant, lawyer, victim, witness = (person(detail, r)["id"] for r in
                                          ("defendant", "defence_lawyer", "victim", "witness"))
    choices = [
        {"participant_id": defendant, "mode": "vcs_court", "from_org_id": world.sizo.pk, "how_asked": "in the hearing"},
        {"participant_id": lawyer, "mode": "in_person", "how_asked": "by phone"},
        {"participant_id": victim, "mode": "vcs_court", "from_org_id": world.burabay_court.pk,
         "how_asked": "in the hearing"},
        {"participant_id": witness, "mode": "mobile_vcs", "how_asked": "by phone"},
    ]
    detail = ok(adjourn(api, flow, choices=choices))
    assert detail["status"] == "adjourned"

    sizo_site, burabay_site = site_of(detail, world.sizo_room), site_of(detail, world.burabay_room)
    assert burabay_site["organisation_id"] == world.burabay_court.pk  # the court the victim named
    modes = {p["id"]: (p["mode"], p["remote_site_id"]) for p in detail["participants"]}
    assert modes == {
        defendant: ("remote_site", sizo_site["id"]),  # stays at the detention centre
        lawyer: ("courtroom", None),  # comes to the court in person
        victim: ("remote_site", burabay_site["id"]),
        witness: ("mobile_vcs", None),
    }
    # Recorded as the judge found it out, with the means of communication used.
    recorded = {(c.participant_id, c.mode, c.from_org_id, c.how_asked)
                for c in PartyModeChoice.objects.filter(adjournment__hearing_id=flow.hearing_id)}
    assert recorded == {
        (defendant, "vcs_court", world.sizo.pk, "in the hearing"),
        (lawyer, "in_person", None, "by phone"),
        (victim, "vcs_court", world.burabay_court.pk, "in the hearing"),
        (witness, "mobile_vcs", None, "by phone"),
    }
    [event] = events(api, flow, "party_modes")
    assert event["rule"] == "R23" and event["actor"] == world.judge.display_name
    assert event["data"]["choices"] == [
        {"participant": defendant, "mode": "vcs_court", "from_org": world.sizo.pk},
        {"participant": lawyer, "mode": "in_person", "from_org": None},
        {"participant": victim, "mode": "vcs_court", "from_org": world.burabay_court.pk},
        {"participant": witness, "mode": "mobile_vcs", "from_org": None},
    ]
    assert AuditEntry.objects.filter(hearing_id=flow.hearing_id, action="party_modes", rule="R23",
                                     actor=world.judge).count() == 1


def test_r23_an_incomplete_choice_is_refused_field_by_field(world, api, clock):
    flow = parties_flow(world, api, clock)
    detail = flow.to("in_session")
    defendant, lawyer, victim = (person(detail, r)["id"] for r in ("defendant", "defence_lawyer", "victim"))
    other = Flow(world, api, clock, starts_at=at(4, 10))
    stranger = person(other.book(), "defendant")["id"]  # a participant of another hearing

    fields = invalid(adjourn(api, flow, choices=[
        {"participant_id": defendant, "mode": "vcs_court"},  # no court named
        {"participant_id": lawyer, "mode": "vcs_court", "from_org_id": world.court.pk},  # the hearing's own court
        {"participant_id": lawyer, "mode": "vcs_court", "from_org_id": world.department.pk},  # no VCS equipment
        {"participant_id": victim, "mode": "mobile_vcs"},  # no phone and no e-mail to call
        {"participant_id": stranger, "mode": "in_person"},
        {"participant_id": defendant, "mode": "vcs_court", "from_org_id": 999_999},
    ]))
    assert fields == {
        "choices.0.from_org_id": "Name another court or an institution.",
        "choices.1.from_org_id": "Name another court or an institution.",
        "choices.2.from_org_id": "Choose a court or institution with VCS equipment.",
        "choices.3.mode": "Mobile VCS needs the participant's phone or e-mail.",
        "choices.4.participant_id": "Not a participant of this hearing.",
        "choices.5.from_org_id": "Name another court or an institution.",
    }
    # A mode the Rules do not know is a shape error.
    assert "choices.0.mode" in invalid(adjourn(api, flow, choices=[
        {"participant_id": defendant, "mode": "by_pigeon"}]), status=422)

    # Nothing was adjourned or changed.
    detail = flow.detail()
    assert detail["status"] == "in_session"
    assert person(detail, "victim")["mode"] == "courtroom"
    assert [s["endpoint_id"] for s in detail["remote_sites"]] == [world.sizo_room.pk]
    assert not Adjournment.objects.exists() and not PartyModeChoice.objects.exists()
    assert events(api, flow, "adjourn") == []


# ---- the oral petition ----------------------------------------------------------------------

def test_r23_an_oral_petition_is_taken_from_a_petitioner_present_at_the_hearing(world, api, clock):
    flow = parties_flow(world, api, clock)
    detail = flow.to("in_session")
    assert detail["basis"] == "court_initiative"
    victim = person(detail, "victim")["id"]
    clock.move_to(at(3, 10, 5))
    ok(attend(api, world.secretary, flow, victim, document="ID 987654321", authority="victim"), 201)

    clock.move_to(at(3, 10, 30))
    detail = ok(adjourn(api, flow, oral_petition={
        "petitioner_name": " омаров ержан ", "petitioner_role": "victim",
        "requested_org_id": world.burabay_court.pk}))
    assert detail["status"] == "adjourned"
    assert detail["basis"] == "petition"
    [petition] = Petition.objects.all()
    assert (petition.petitioner_name, petition.petitioner_role, petition.form, petition.status) == (
        "омаров ержан", "victim", "oral", "granted")
    assert (petition.court_id, petition.case_number) == (world.court.pk, "1-101/2026")
    assert (petition.requested_org_id, petition.mobile_vcs) == (world.burabay_court.pk, False)
    assert (petition.decided_by_id, petition.decided_at, petition.filed_at) == (world.judge.pk, at(3, 10, 30),
                                                                                at(3, 10, 30))
    assert AuditEntry.objects.filter(hearing_id=flow.hearing_id, action="oral_petition_granted", rule="R23",
                                     object_type="hearings.petition", object_id=str(petition.pk),
                                     actor=world.judge).count() == 1


@pytest.mark.parametrize("checks", [[], ["absent"], ["not_admitted"], ["admitted", "absent"]],
                         ids=["not_checked", "absent", "not_admitted", "left_before_the_adjournment"])
def test_r23_no_oral_petition_from_a_petitioner_who_is_not_present(world, api, clock, checks):
    flow = parties_flow(world, api, clock)
    victim = person(flow.to("in_session"), "victim")["id"]
    for minute, result in enumerate(checks, start=5):
        clock.move_to(at(3, 10, minute))
        document = "ID 987654321" if result == "admitted" else ""
        ok(attend(api, world.secretary, flow, victim, result=result, document=document, authority="victim"), 201)

    body = refused(adjourn(api, flow, oral_petition={
        "petitioner_name": "Омаров Ержан", "petitioner_role": "victim", "mobile_vcs": True}), "R23")
    assert "Омаров Ержан" in body["detail"] and "writing" in body["detail"]
    assert flow.detail()["status"] == "in_session"
    assert not Petition.objects.exists() and not Adjournment.objects.exists()


def test_r23_an_oral_petition_names_a_court_or_mobile_vcs_and_comes_from_a_participant(world, api, clock):
    flow = parties_flow(world, api, clock)
    victim = person(flow.to("in_session"), "victim")["id"]
    ok(attend(api, world.secretary, flow, victim, authority="victim"), 201)

    def oral(**changes):
        return adjourn(api, flow, oral_petition={"petitioner_name": "Омаров Ержан", "petitioner_role": "victim",
                                                 **changes})

    assert invalid(oral()) == {"oral_petition.requested_org_id": "Required unless mobile VCS is asked for."}
    for org_id in (world.court.pk, 999_999):
        assert invalid(oral(requested_org_id=org_id)) == {
            "oral_petition.requested_org_id": "Name another court or an institution."}
    assert "oral_petition.petitioner_role" in invalid(oral(petitioner_role="judge", mobile_vcs=True), status=422)
    # Someone who is not a participant of the hearing is not known to be present.
    refused(oral(petitioner_name="Сәрсенов Болат", mobile_vcs=True), "R23")
    assert not Petition.objects.exists()
    assert flow.detail()["status"] == "in_session"

    assert ok(oral(mobile_vcs=True))["basis"] == "petition"
    assert Petition.objects.get().mobile_vcs is True


# ---- the new slot is agreed again ----------------------------------------------------------

def test_r23_the_new_date_goes_to_the_coordinator_and_needs_a_new_test_session(world, api, clock):
    flow = parties_flow(world, api, clock)
    detail = flow.to("in_session")
    victim = person(detail, "victim")["id"]
    old_agreements = {a["id"] for a in detail["agreements"]}
    assert busy(api, world, world.room, at(3, 10)) and busy(api, world, world.sizo_room, at(3, 10))

    clock.move_to(at(3, 10, 30))
    detail = ok(adjourn(api, flow, next_starts_at=NEXT.isoformat(), choices=[
        {"participant_id": victim, "mode": "vcs_court", "from_org_id": world.burabay_court.pk}]))
    assert detail["status"] == "awaiting_agreement"
    assert dt.datetime.fromisoformat(detail["starts_at"]) == NEXT
    assert detail["starts_local"] == "10.12.2026 10:00"
    assert Adjournment.objects.get().next_starts_at == NEXT

    # The coordinator has the new slot in the queue and is told of it.
    [item] = ok(api(world.coordinator).get("/coordinator/queue"))
    assert item["hearing"]["id"] == flow.hearing_id
    assert dt.datetime.fromisoformat(item["starts_at"]) == NEXT
    assert dt.datetime.fromisoformat(item["requested_at"]) == at(3, 10, 30)
    [new] = [a for a in detail["agreements"] if a["id"] not in old_agreements]
    assert new["status"] == "pending" and dt.datetime.fromisoformat(new["starts_at"]) == NEXT
    assert "10.12.2026 10:00" in latest(inbox(api, world.coordinator, "agreement_requested"))["body"]

    # The old slot's endpoints are free; the new slot's, with the court just named, are held.
    for endpoint in (world.room, world.sizo_room, world.burabay_room):
        assert busy(api, world, endpoint, at(3, 10)) == [], endpoint
        assert busy(api, world, endpoint, NEXT), endpoint
    held = EndpointBooking.objects.filter(hearing_id=flow.hearing_id, active=True)
    assert {b.endpoint_id for b in held} == {world.room.pk, world.sizo_room.pk, world.burabay_room.pk}
    assert {(b.starts_at, b.ends_at) for b in held} == {(at(10, 9, 30), at(10, 11, 30))}

    # A new test session is due (R13): the request by the end of the next day.
    assert detail["next_deadline"]["kind"] == "test_request"
    assert dt.datetime.fromisoformat(detail["next_deadline"]["due_at"]) == at(5, 0)

    [adjourned], [rescheduled] = events(api, flow, "adjourn"), events(api, flow, "reschedule")
    assert (rescheduled["rule"], rescheduled["from_status"], rescheduled["to_status"]) == (
        "R23", "adjourned", "awaiting_agreement")
    assert rescheduled["data"] == {"from": at(3, 10).astimezone(dt.UTC).isoformat(),
                                   "to": NEXT.astimezone(dt.UTC).isoformat()}
    assert adjourned["id"] < rescheduled["id"]

    # The coordinator agrees the new slot as any other.
    assert flow.agree()["status"] == "agreed"


def test_r23_adjourned_without_a_date_the_secretary_or_judge_sets_it_later(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("in_session")
    detail = ok(adjourn(api, flow))
    assert detail["status"] == "adjourned" and detail["next_deadline"] is None
    assert busy(api, world, world.room, at(3, 10)) == [] and busy(api, world, world.sizo_room, at(3, 10)) == []
    assert ok(api(world.coordinator).get("/coordinator/queue")) == []
    assert "The next date will be set later." in latest(inbox(api, world.secretary, "adjourned"))["body"]

    def reschedule(user, when):
        return api(user).post(flow.url("/reschedule"), {"starts_at": when.isoformat()})

    for user in (world.bailiff, world.technician, world.coordinator, world.officer):
        forbidden(reschedule(user, NEXT))
    # Another hearing has taken the courtroom on 10 December: that slot is refused (R10).
    Flow(world, api, clock, starts_at=NEXT, remote=[world.other_sizo_room]).book()
    body = refused(reschedule(world.secretary, NEXT), "R10")
    assert any("101" in r and "busy" in r for r in body["reasons"]), body
    assert flow.detail()["status"] == "adjourned"

    detail = ok(reschedule(world.judge, at(11, 10)))
    assert detail["status"] == "awaiting_agreement"
    assert dt.datetime.fromisoformat(detail["starts_at"]) == at(11, 10)
    [item] = ok(api(world.coordinator).get("/coordinator/queue"))
    assert dt.datetime.fromisoformat(item["starts_at"]) == at(11, 10)
    assert busy(api, world, world.sizo_room, at(11, 10))
    # Rescheduling is for an adjourned hearing only.
    refused(reschedule(world.secretary, at(12, 10)), "R23")


def test_r23_a_busy_new_date_is_refused_and_the_hearing_is_not_adjourned(world, api, clock):
    flow = parties_flow(world, api, clock)
    victim = person(flow.to("in_session"), "victim")["id"]
    # The Karaganda court's room is taken on 10 December by another hearing (our courtroom is free).
    Flow(world, api, clock, starts_at=NEXT, remote=[world.other_room]).book(courtroom_id=world.room2.pk)

    body = refused(adjourn(api, flow, next_starts_at=NEXT.isoformat(), choices=[
        {"participant_id": victim, "mode": "vcs_court", "from_org_id": world.other_court.pk}]), "R10")
    assert any("busy" in r for r in body["reasons"]), body
    detail = flow.detail()
    assert detail["status"] == "in_session"
    assert [s["endpoint_id"] for s in detail["remote_sites"]] == [world.sizo_room.pk]
    assert person(detail, "victim")["mode"] == "courtroom"
    assert not Adjournment.objects.exists()
    assert busy(api, world, world.sizo_room, at(3, 10))  # the day's slot is still held
    assert inbox(api, world.secretary, "adjourned") == []


# ---- who is told, and the audit log -------------------------------------------------------

def test_r23_the_secretary_and_the_remote_sites_are_told_of_the_adjournment(world, api, clock):
    flow = parties_flow(world, api, clock)
    victim = person(flow.to("in_session"), "victim")["id"]
    ok(adjourn(api, flow, next_starts_at=NEXT.isoformat(), choices=[
        {"participant_id": victim, "mode": "vcs_court", "from_org_id": world.burabay_court.pk}]))

    # The secretary, the detention centre's people, and the court the victim will connect from.
    for user in (world.secretary, world.officer, world.sizo_technician, world.burabay_secretary):
        [item] = inbox(api, user, "adjourned")
        assert item["hearing_id"] == flow.hearing_id, user.username
        assert item["subject"] == "Hearing adjourned: case 1-101/2026"
        assert item["body"] == ("The hearing in case 1-101/2026 was adjourned. Next sitting proposed "
                                "for 10.12.2026 10:00. (R23).")
    for user in (world.judge, world.other_officer, world.other_secretary, world.coordinator):
        assert inbox(api, user, "adjourned") == [], user.username
    assert "10.12.2026 10:00" in latest(inbox(api, world.coordinator, "agreement_requested"))["body"]


def test_r23_adjournment_the_oral_petition_and_the_new_date_are_in_the_audit_log(world, api, clock):
    flow = parties_flow(world, api, clock)
    detail = flow.to("in_session")
    witness = person(detail, "witness")["id"]
    ok(attend(api, world.secretary, flow, witness, authority="witness"), 201)
    first_new = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()

    ok(adjourn(api, flow, next_starts_at=NEXT.isoformat(),
               choices=[{"participant_id": witness, "mode": "mobile_vcs", "how_asked": "in the hearing"}],
               oral_petition={"petitioner_name": "Иванов Иван", "petitioner_role": "witness", "mobile_vcs": True}))

    entries = list(AuditEntry.objects.filter(id__gt=first_new, hearing_id=flow.hearing_id))
    assert [(e.action, e.rule, e.actor_id) for e in entries] == [
        ("adjourn", "R23", world.judge.pk),
        ("oral_petition_granted", "R23", world.judge.pk),
        ("party_modes", "R23", world.judge.pk),
        ("reschedule", "R23", world.judge.pk),
        ("agreement_requested", "", world.judge.pk),
    ]
    adjourned, _oral, _modes, rescheduled, _agreement = entries
    assert adjourned.before == {"status": "in_session"}
    assert adjourned.after == {"status": "adjourned", "reason": "the interpreter is ill"}
    assert (rescheduled.before, rescheduled.after["status"]) == ({"status": "adjourned"}, "awaiting_agreement")


# ---- R21: the timeline, the material of the protocol mark -----------------------------------

def test_r21_timeline_holds_every_event_of_the_hearing_in_order(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("in_session")
    detail = flow.detail()
    defendant, lawyer = person(detail, "defendant")["id"], person(detail, "defence_lawyer")["id"]
    site = site_of(detail, world.sizo_room)["id"]
    clock.move_to(at(3, 10, 5))
    ok(attend(api, world.officer, flow, defendant), 201)
    clock.move_to(at(3, 10, 6))
    ok(attend(api, world.secretary, flow, lawyer, document="Lawyer's licence 0042", authority="warrant 17"), 201)
    clock.move_to(at(3, 10, 40))
    ok(api(world.judge).post(flow.url("/break"), {"reason": "frozen picture"}))
    clock.move_to(at(3, 10, 41))
    fault = ok(api(world.secretary).post(flow.url("/faults"), {"description": "No picture", "remote_site_id": site}),
               201)
    clock.move_to(at(3, 10, 50))
    ok(api(world.technician).post(f"/faults/{fault['id']}/resolution", {"fixed": True, "resolution": "Codec restarted"}))
    clock.move_to(at(3, 10, 52))
    ok(api(world.secretary).post(flow.url("/reconnect")))
    clock.move_to(at(3, 11, 20))
    assert ok(api(world.secretary).post(flow.url("/close")))["status"] == "closed"

    timeline = ok(api(world.secretary).get(flow.url("/timeline")))
    w = world
    secretary, judge, technician = w.secretary.display_name, w.judge.display_name, w.technician.display_name
    assert [(e["kind"], e["at_local"], e["actor"], e["rule"], e["from_status"], e["to_status"]) for e in timeline] == [
        ("booked", "01.12.2026 09:00", secretary, "R10", "", "awaiting_decision"),
        ("decide", "01.12.2026 09:00", judge, "R10", "awaiting_decision", "awaiting_agreement"),
        ("agree", "01.12.2026 09:00", w.coordinator.display_name, "R11", "awaiting_agreement", "agreed"),
        ("test_session_requested", "01.12.2026 09:00", secretary, "R13", "", ""),
        ("test_session_scheduled", "01.12.2026 09:00", technician, "R13", "", ""),
        ("test_session_passed", "02.12.2026 09:30", technician, "R13", "", ""),
        ("send_letters", "02.12.2026 09:30", secretary, "R13", "agreed", "ready"),
        ("connect", "03.12.2026 09:35", secretary, "R15", "ready", "connected"),
        ("call_in", "03.12.2026 10:00", w.bailiff.display_name, "R19", "connected", "in_session"),
        ("attendance_checked", "03.12.2026 10:05", w.officer.display_name, "R20", "", ""),
        ("attendance_checked", "03.12.2026 10:06", secretary, "R20", "", ""),
        ("declare_break", "03.12.2026 10:40", judge, "R22", "in_session", "technical_break"),
        ("fault_reported", "03.12.2026 10:41", secretary, "R16", "", ""),
        ("fault_fixed", "03.12.2026 10:50", technician, "R16", "", ""),
        ("reconnect", "03.12.2026 10:52", secretary, "R22", "technical_break", "in_session"),
        ("close", "03.12.2026 11:20", secretary, "R8", "in_session", "closed"),
    ]
    # Each moment is the instant shown: Kazakhstan time, UTC+05:00, in order.
    moments = [dt.datetime.fromisoformat(e["at"]) for e in timeline]
    assert moments == sorted(moments)
    for e, moment in zip(timeline, moments):
        local = kztime.local(moment)
        assert local.utcoffset() == dt.timedelta(hours=5)
        assert local.strftime("%d.%m.%Y %H:%M") == e["at_local"]
    assert moments[-1] == at(3, 11, 20)
    # What the protocol mark says: VCS from the detention centre, mobile VCS for the lawyer (R21).
    assert [e["data"] for e in timeline if e["kind"] == "attendance_checked"] == [
        {"participant": defendant, "result": "admitted", "mode": "remote_site"},
        {"participant": lawyer, "result": "admitted", "mode": "mobile_vcs"},
    ]
    # The judge reads the same timeline; another court does not see it.
    assert ok(api(world.judge).get(flow.url("/timeline"))) == timeline
    assert api(world.other_secretary).get(flow.url("/timeline")).status_code == 404


def test_r21_timeline_of_an_adjourned_hearing_shows_the_adjournment_and_the_new_date(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("in_session")
    clock.move_to(at(3, 10, 30))
    ok(adjourn(api, flow, next_starts_at=NEXT.isoformat()))
    tail = ok(api(world.secretary).get(flow.url("/timeline")))[-3:]
    assert [(e["kind"], e["at_local"], e["actor"], e["rule"], e["from_status"], e["to_status"]) for e in tail] == [
        ("adjourn", "03.12.2026 10:30", world.judge.display_name, "R23", "in_session", "adjourned"),
        ("party_modes", "03.12.2026 10:30", world.judge.display_name, "R23", "", ""),
        ("reschedule", "03.12.2026 10:30", world.judge.display_name, "R23", "adjourned", "awaiting_agreement"),
    ]


# ---- R9: the technical specialist's work --------------------------------------------------

def test_r9_only_the_technical_specialist_records_test_results_and_resolves_faults(world, api, clock):
    flow = Flow(world, api, clock)
    flow.book()
    flow.decide()
    [test_id] = [t["id"] for t in flow.request_tests()]
    ok(api(world.technician).post(f"/test-sessions/{test_id}/schedule", {"scheduled_at": at(2, 11).isoformat()}))
    clock.move_to(at(2, 11))
    for user in (world.secretary, world.judge, world.bailiff, world.office_head, world.officer):
        forbidden(api(user).post(f"/test-sessions/{test_id}/result", {"passed": True, "notes": "seems fine"}))
    assert flow.detail()["test_sessions"][0]["status"] == "scheduled"
    assert ok(api(world.technician).post(f"/test-sessions/{test_id}/result", {"passed": True}))["status"] == "passed"

    flow.agree()
    flow.send_letters()
    flow.connect()
    fault = ok(api(world.secretary).post(flow.url("/faults"), {"description": "No sound"}), 201)
    for user in (world.judge, world.bailiff, world.office_head):
        for fixed in (True, False):  # neither fixed nor declared unfixable (R16, R17)
            forbidden(api(user).post(f"/faults/{fault['id']}/resolution", {"fixed": fixed, "resolution": "x"}))
    assert flow.detail()["faults"][0]["status"] == "open"
    assert flow.detail()["status"] == "connected"
