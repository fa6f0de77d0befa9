"""The hearing day over the API: faults (R16), VCS impossible (R17), the act of absence of
technical possibility (R18), call-in (R19), attendance and identity (R20), the technical
break (R22) and closing (R8).

The hearing starts on Thursday 3 December 2026 at 10:00 Astana time, with the detention
centre's VCS room as its remote site; Flow connects at 09:35 and calls in at 10:00.
"""

import datetime as dt

import pytest
from django.core import mail

from courtvcs.audit.models import AuditEntry
from courtvcs.hearings.models import AttendanceCheck, EndpointBooking

from .flow import Flow
from .world import at
from courtvcs.hearings.tests.answers import forbidden, inbox, ok, refused


def events(api, flow, kind):
    return [e for e in ok(api(flow.w.secretary).get(flow.url("/timeline"))) if e["kind"] == kind]


def person(detail, procedural_role):
    return next(p for p in detail["participants"] if p["procedural_role"] == procedural_role)


def site_of(detail, endpoint):
    return next(s for s in detail["remote_sites"] if s["endpoint_id"] == endpoint.pk)


def busy(api, world, endpoint, starts_at):
    """What the availability check (R10) says keeps `endpoint` busy for a 30-minute slot."""
    courtroom, remote = (world.room, []) if endpoint == world.room else (world.room2, [endpoint.pk])
    body = ok(api(world.secretary).post("/availability", {
        "courtroom_id": courtroom.pk, "remote_endpoint_ids": remote,
        "starts_at": starts_at.isoformat(), "duration_minutes": 30}))
    return [r for r in body["reasons"] if "busy" in r]


def report(api, flow, user=None, description="No picture from the detention centre", site=None):
    data = {"description": description}
    if site is not None:
        data["remote_site_id"] = site
    return api(user or flow.w.secretary).post(flow.url("/faults"), data)


def resolve(api, user, fault_id, fixed, resolution):
    return api(user).post(f"/faults/{fault_id}/resolution", {"fixed": fixed, "resolution": resolution})


def sign(api, user, act_id):
    return api(user).post(f"/acts/{act_id}/sign")


# ---- R16: a fault is reported to the technical specialists -----------------------------

def test_r16_secretary_reports_fault_to_court_and_site_technicians(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("connected")
    site = site_of(flow.detail(), world.sizo_room)
    assert site["connection"] == "connecting"  # until the courtroom's call reports it up

    fault = ok(report(api, flow, site=site["id"]), 201)
    assert fault["status"] == "open"
    assert fault["hearing_id"] == flow.hearing_id
    assert fault["remote_site_id"] == site["id"]
    assert fault["description"] == "No picture from the detention centre"
    assert dt.datetime.fromisoformat(fault["reported_at"]) == at(3, 9, 35)

    # The court's technical specialist and the detention centre's both hear of it at once.
    for technician in (world.technician, world.sizo_technician):
        [item] = inbox(api, technician, "fault_reported")
        assert item["hearing_id"] == flow.hearing_id
        assert "No picture from the detention centre" in item["body"]
        assert "R16" in item["body"]
    # Nobody else's technician, and not the secretary who reported it.
    assert inbox(api, world.other_technician, "fault_reported") == []
    assert inbox(api, world.secretary, "fault_reported") == []

    detail = flow.detail()
    assert site_of(detail, world.sizo_room)["connection"] == "lost"
    assert detail["status"] == "connected"
    assert [f["id"] for f in detail["faults"]] == [fault["id"]]
    [event] = events(api, flow, "fault_reported")
    assert event["rule"] == "R16"
    assert event["data"]["fault"] == fault["id"]
    assert event["data"]["site"] == site["id"]
    assert AuditEntry.objects.filter(hearing_id=flow.hearing_id, action="fault_reported", rule="R16",
                                     object_type="hearings.faultreport").count() == 1


def test_r16_fault_report_needs_a_description_and_a_site_of_the_hearing(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("connected")
    r = report(api, flow, description="")
    assert r.status_code == 422, r.content
    assert "description" in r.json()["fields"]
    r = report(api, flow, description="   ")
    assert r.status_code == 400, r.content
    assert "description" in r.json()["fields"]
    # A remote site of some other hearing (or none at all) is not this hearing's site.
    r = report(api, flow, site=999_999)
    assert r.status_code == 400, r.content
    assert "remote_site_id" in r.json()["fields"]
    # The court's technical specialist may report too; the bailiff tells the secretary instead.
    assert ok(report(api, flow, user=world.technician), 201)["remote_site_id"] is None
    forbidden(report(api, flow, user=world.bailiff))
    forbidden(report(api, flow, user=world.judge))
    assert len(flow.detail()["faults"]) == 1


def test_r16_no_fault_reports_before_the_hearing_is_agreed(world, api, clock):
    flow = Flow(world, api, clock)
    flow.book()
    flow.decide()
    refused(report(api, flow), "R16")


def test_r16_technician_fixes_the_fault_and_the_secretary_is_told(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("connected")
    site = site_of(flow.detail(), world.sizo_room)
    fault = ok(report(api, flow, site=site["id"]), 201)

    # Only a technical specialist says what was done.
    forbidden(resolve(api, world.secretary, fault["id"], True, "restarted"))
    forbidden(resolve(api, world.officer, fault["id"], True, "restarted"))

    clock.move_to(at(3, 9, 42))
    fixed = ok(resolve(api, world.technician, fault["id"], True, "Restarted the codec"))
    assert fixed["status"] == "fixed"
    assert fixed["resolution"] == "Restarted the codec"
    assert dt.datetime.fromisoformat(fixed["resolved_at"]) == at(3, 9, 42)

    [item] = inbox(api, world.secretary, "fault_fixed")
    assert item["hearing_id"] == flow.hearing_id
    detail = flow.detail()
    assert detail["status"] == "connected"
    assert site_of(detail, world.sizo_room)["connection"] == "connected"
    [event] = events(api, flow, "fault_fixed")
    assert event["rule"] == "R16"
    assert event["data"] == {"fault": fault["id"], "resolution": "Restarted the codec"}
    assert AuditEntry.objects.filter(hearing_id=flow.hearing_id, action="fault_fixed", rule="R16").exists()

    # A fault is resolved once.
    refused(resolve(api, world.technician, fault["id"], False, "again"), "R16")
    # The hearing goes on.
    assert flow.call_in()["status"] == "in_session"


def test_r16_the_remote_sites_technician_may_fix_its_own_fault(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("connected")
    site = site_of(flow.detail(), world.sizo_room)
    fault = ok(report(api, flow, site=site["id"]), 201)
    assert ok(resolve(api, world.sizo_technician, fault["id"], True, "Cable replaced"))["status"] == "fixed"
    assert site_of(flow.detail(), world.sizo_room)["connection"] == "connected"
    # Another court's technician does not see the fault's hearing.
    r = resolve(api, world.other_technician, fault["id"], True, "x")
    assert r.status_code == 404, r.content


# ---- R17: the fault cannot be fixed --------------------------------------------------------

def test_r17_unfixable_fault_makes_vcs_impossible_and_tells_everyone(
        world, api, clock, django_capture_on_commit_callbacks):
    participants = [
        {"full_name": "Серіков Асқар", "procedural_role": "defendant", "mode": "remote_site",
         "remote_endpoint_id": world.sizo_room.pk},
        {"full_name": "Ахметова Дана", "procedural_role": "defence_lawyer", "mode": "mobile_vcs",
         "phone": "+7 701 111 22 33", "email": "lawyer@example.kz"},
        {"full_name": "Иванов Иван", "procedural_role": "witness", "mode": "mobile_vcs",
         "phone": "+7 701 000 00 00"},
    ]
    flow = Flow(world, api, clock, participants=participants)
    flow.to("connected")
    fault = ok(report(api, flow, site=site_of(flow.detail(), world.sizo_room)["id"]), 201)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        body = ok(resolve(api, world.technician, fault["id"], False, "The detention centre's codec is broken"))
    assert body["status"] == "unfixable"

    detail = flow.detail()
    assert detail["status"] == "vcs_failed"
    # The organising institution's people, the secretary and the judge are told at once.
    for user in (world.secretary, world.judge, world.officer, world.sizo_technician):
        [item] = inbox(api, user, "vcs_impossible")
        assert item["hearing_id"] == flow.hearing_id
        assert "The detention centre's codec is broken" in item["body"]
    for user in (world.other_officer, world.bailiff, world.coordinator):
        assert inbox(api, user, "vcs_impossible") == []

    # The participants on mobile VCS who gave an e-mail get one; the one with a phone only
    # and the defendant at the detention centre do not.
    to_lawyer = [m for m in mail.outbox if m.to == ["lawyer@example.kz"]]
    assert len(to_lawyer) == 1
    assert "1-101/2026" in to_lawyer[0].subject
    assert "The detention centre's codec is broken" in to_lawyer[0].body
    assert "03.12.2026 10:00" in to_lawyer[0].body

    [failed] = events(api, flow, "vcs_impossible")
    assert failed["rule"] == "R17"
    assert (failed["from_status"], failed["to_status"]) == ("connected", "vcs_failed")
    assert failed["data"]["fault"] == fault["id"]
    [informed] = events(api, flow, "mobile_participants_informed")
    assert informed["rule"] == "R17"
    mobile = {p["id"] for p in detail["participants"] if p["mode"] == "mobile_vcs"}
    assert set(informed["data"]["participants"]) == mobile and len(mobile) == 2
    assert AuditEntry.objects.filter(hearing_id=flow.hearing_id, action="fault_unfixable", rule="R17").exists()


def test_r17_the_remote_sites_technician_may_say_the_fault_cannot_be_fixed(world, api, clock):
    """R17 speaks of "the technical specialist" of the site where the fault is: the detention
    centre's technician, who may fix a fault (R16), may also report that he cannot."""
    flow = Flow(world, api, clock)
    flow.to("connected")
    fault = ok(report(api, flow, site=site_of(flow.detail(), world.sizo_room)["id"]), 201)
    body = ok(resolve(api, world.sizo_technician, fault["id"], False, "Power cut at the detention centre"))
    assert body["status"] == "unfixable"
    assert flow.detail()["status"] == "vcs_failed"
    assert len(inbox(api, world.secretary, "vcs_impossible")) == 1


# ---- R18: the act of absence of technical possibility ----------------------------------------

def _unfixable(world, api, flow):
    flow.to("connected")
    fault = ok(report(api, flow, site=site_of(flow.detail(), world.sizo_room)["id"]), 201)
    ok(resolve(api, world.technician, fault["id"], False, "The detention centre's codec is broken"))
    return fault


@pytest.mark.parametrize("order", [
    ("office_head", "secretary", "technician"),
    ("technician", "office_head", "secretary"),
])
def test_r18_act_from_the_fault_is_signed_by_three_in_any_order(world, api, clock, order):
    flow = Flow(world, api, clock)
    fault = _unfixable(world, api, flow)
    assert busy(api, world, world.room, at(3, 10))
    assert busy(api, world, world.sizo_room, at(3, 10))

    # The reason is taken from the fault's resolution when the secretary gives none.
    act = ok(api(world.secretary).post(flow.url("/acts"), {"fault_id": fault["id"]}), 201)
    assert act["reason"] == "The detention centre's codec is broken"
    assert act["fault_id"] == fault["id"]
    assert act["status"] == "awaiting_signatures"
    assert act["signatures"] == [] and act["signed_at"] is None
    for signer in (world.office_head, world.technician, world.secretary):
        [item] = inbox(api, signer, "act_to_sign")
        assert item["hearing_id"] == flow.hearing_id
    assert [a["id"] for a in ok(api(world.office_head).get("/acts"))] == [act["id"]]
    [drawn] = events(api, flow, "act_drawn_up")
    assert drawn["rule"] == "R18" and drawn["data"] == {"act": act["id"]}

    signers = {"office_head": world.office_head, "secretary": world.secretary,
               "technician": world.technician}
    for n, who in enumerate(order, start=1):
        clock.move_to(at(3, 10, n))
        body = ok(sign(api, signers[who], act["id"]))
        assert [s["signatory"] for s in body["signatures"]] == list(order[:n])
        assert body["signatures"][-1]["signed_by_id"] == signers[who].pk
        if n < 3:
            assert body["status"] == "awaiting_signatures"
            assert flow.detail()["status"] == "vcs_failed"

    assert body["status"] == "signed"
    assert dt.datetime.fromisoformat(body["signed_at"]) == at(3, 10, 3)
    detail = flow.detail()
    assert detail["status"] == "not_held"
    assert detail["acts"][0]["status"] == "signed"
    assert ok(api(world.office_head).get("/acts")) == []
    # The courtroom and the detention centre's room are free again.
    assert not EndpointBooking.objects.filter(hearing_id=flow.hearing_id, active=True).exists()
    assert busy(api, world, world.room, at(3, 10, 30)) == []
    assert busy(api, world, world.sizo_room, at(3, 10, 30)) == []

    signatures = events(api, flow, "act_signature")
    assert [e["data"]["signatory"] for e in signatures] == list(order)
    assert all(e["rule"] == "R18" for e in signatures)
    [done] = events(api, flow, "act_signed")
    assert (done["from_status"], done["to_status"], done["rule"]) == ("vcs_failed", "not_held", "R18")
    assert AuditEntry.objects.filter(hearing_id=flow.hearing_id, action="act_signed_by").count() == 3
    # Nothing more to sign.
    refused(sign(api, world.secretary, act["id"]), "R18")


def test_r18_the_same_signatory_cannot_sign_twice(world, api, clock):
    flow = Flow(world, api, clock)
    _unfixable(world, api, flow)
    act = ok(api(world.secretary).post(flow.url("/acts"), {"reason": "No connection"}), 201)
    assert act["reason"] == "No connection"
    ok(sign(api, world.secretary, act["id"]))
    body = refused(sign(api, world.secretary, act["id"]), "R18")
    assert "already signed" in body["detail"]
    ok(sign(api, world.technician, act["id"]))
    refused(sign(api, world.technician, act["id"]), "R18")
    [current] = flow.detail()["acts"]
    assert sorted(s["signatory"] for s in current["signatures"]) == ["secretary", "technician"]
    assert current["status"] == "awaiting_signatures"
    assert flow.detail()["status"] == "vcs_failed"


def test_r18_only_the_three_named_sign_the_act(world, api, clock):
    flow = Flow(world, api, clock)
    fault = _unfixable(world, api, flow)
    act = ok(api(world.secretary).post(flow.url("/acts"), {"fault_id": fault["id"]}), 201)
    for user in (world.bailiff, world.judge, world.officer, world.sizo_technician):
        forbidden(sign(api, user, act["id"]))
    # Another court's people do not see it at all.
    assert sign(api, world.other_technician, act["id"]).status_code == 404
    assert sign(api, world.secretary, 999_999).status_code == 404
    assert flow.detail()["acts"][0]["signatures"] == []


def test_r18_only_the_secretary_draws_up_the_act_and_one_at_a_time(world, api, clock):
    flow = Flow(world, api, clock)
    _unfixable(world, api, flow)
    for user in (world.technician, world.office_head, world.judge, world.bailiff):
        forbidden(api(user).post(flow.url("/acts"), {"reason": "x"}))
    r = api(world.secretary).post(flow.url("/acts"), {"fault_id": 999_999})
    assert r.status_code == 400 and "fault_id" in r.json()["fields"], r.content
    ok(api(world.secretary).post(flow.url("/acts"), {"reason": "No connection"}), 201)
    refused(api(world.secretary).post(flow.url("/acts"), {"reason": "Again"}), "R18")
    assert len(flow.detail()["acts"]) == 1


@pytest.mark.parametrize("state", ["ready", "connected"])
def test_r18_act_when_the_start_is_delayed_for_other_reasons(world, api, clock, state, django_capture_on_commit_callbacks):
    flow = Flow(world, api, clock)
    flow.to(state)
    clock.move_to(at(3, 10, 20))
    # Without a fault the secretary must say why.
    r = api(world.secretary).post(flow.url("/acts"), {"reason": "  "})
    assert r.status_code == 400, r.content
    assert "reason" in r.json()["fields"]
    assert flow.detail()["status"] == state

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act = ok(api(world.secretary).post(flow.url("/acts"), {
            "reason": "The defendant was not brought to the VCS room"}), 201)
    assert act["fault_id"] is None
    assert act["reason"] == "The defendant was not brought to the VCS room"
    # Drawing up the act is itself R17's news: VCS is impossible, everyone is told.
    assert flow.detail()["status"] == "vcs_failed"
    assert len(inbox(api, world.officer, "vcs_impossible")) == 1
    assert [m.to for m in mail.outbox if m.to == ["lawyer@example.kz"]] == [["lawyer@example.kz"]]

    for signer in (world.technician, world.secretary, world.office_head):
        ok(sign(api, signer, act["id"]))
    assert flow.detail()["status"] == "not_held"
    assert not EndpointBooking.objects.filter(hearing_id=flow.hearing_id, active=True).exists()


# ---- R19: call-in ------------------------------------------------------------------------

@pytest.mark.parametrize("caller", ["secretary", "bailiff"])
def test_r19_secretary_or_bailiff_calls_in_only_once_connected(world, api, clock, caller):
    flow = Flow(world, api, clock)
    flow.to("ready")
    clock.move_to(at(3, 9, 30))
    user = getattr(world, caller)
    body = refused(api(user).post(flow.url("/call-in")), "R19")
    assert "Ready" in body["detail"]
    assert flow.detail()["status"] == "ready"

    flow.connect()
    forbidden(api(world.judge).post(flow.url("/call-in")))
    forbidden(api(world.officer).post(flow.url("/call-in")))
    assert flow.detail()["status"] == "connected"

    clock.move_to(at(3, 10))
    assert ok(api(user).post(flow.url("/call-in")))["status"] == "in_session"
    [event] = events(api, flow, "call_in")
    assert event["rule"] == "R19"
    assert (event["from_status"], event["to_status"]) == ("connected", "in_session")
    assert dt.datetime.fromisoformat(event["at"]) == at(3, 10)
    # Once in session there is nobody left to call in.
    refused(api(user).post(flow.url("/call-in")), "R19")


# ---- R20: attendance, identity and authority ----------------------------------------------

def _two_site_flow(world, api, clock):
    participants = [
        {"full_name": "Серіков Асқар", "procedural_role": "defendant", "mode": "remote_site",
         "remote_endpoint_id": world.sizo_room.pk},
        {"full_name": "Бекова Алия", "procedural_role": "witness", "mode": "remote_site",
         "remote_endpoint_id": world.burabay_room.pk},
        {"full_name": "Ахметова Дана", "procedural_role": "defence_lawyer", "mode": "mobile_vcs",
         "phone": "+7 701 111 22 33", "email": "lawyer@example.kz"},
        {"full_name": "Прокурор Ержан", "procedural_role": "prosecutor", "mode": "courtroom"},
    ]
    flow = Flow(world, api, clock, remote=[world.sizo_room, world.burabay_room], participants=participants)
    flow.to("in_session")
    return flow


def attend(api, user, flow, participant_id, result="admitted", document="ID 012345678",
           authority="defendant in person"):
    return api(user).post(flow.url("/attendance"), {
        "participant_id": participant_id, "result": result, "document": document, "authority": authority})


def test_r20_institution_officer_checks_the_participant_at_his_institution(world, api, clock):
    flow = _two_site_flow(world, api, clock)
    defendant = person(flow.detail(), "defendant")
    clock.move_to(at(3, 10, 5))

    check = ok(attend(api, world.officer, flow, defendant["id"]), 201)
    assert check["participant_id"] == defendant["id"]
    assert check["checked_by_id"] == world.officer.pk
    assert check["checked_by_org_id"] == world.sizo.pk
    assert check["document"] == "ID 012345678"
    assert check["authority"] == "defendant in person"
    assert check["result"] == "admitted"
    assert dt.datetime.fromisoformat(check["checked_at"]) == at(3, 10, 5)
    row = AttendanceCheck.objects.get(pk=check["id"])
    assert (row.hearing_id, row.checked_by_id, row.checked_by_org_id) == (
        flow.hearing_id, world.officer.pk, world.sizo.pk)

    [event] = events(api, flow, "attendance_checked")
    assert event["rule"] == "R20"
    assert event["data"] == {"participant": defendant["id"], "result": "admitted", "mode": "remote_site"}
    assert AuditEntry.objects.filter(hearing_id=flow.hearing_id, action="attendance_checked", rule="R20",
                                     object_type="hearings.attendancecheck").count() == 1


def test_r20_officer_may_not_check_a_mobile_participant_or_one_at_another_site(world, api, clock):
    flow = _two_site_flow(world, api, clock)
    detail = flow.detail()
    lawyer, witness, prosecutor = (person(detail, r) for r in ("defence_lawyer", "witness", "prosecutor"))
    for p in (lawyer, witness, prosecutor):
        refused(attend(api, world.officer, flow, p["id"]), "R20")
    # The remote court checks its own participant, and not the detention centre's.
    ok(attend(api, world.burabay_secretary, flow, witness["id"], authority="witness"), 201)
    refused(attend(api, world.burabay_secretary, flow, person(detail, "defendant")["id"]), "R20")
    # The bailiff, the judge and an officer of an institution not in the hearing do not check.
    forbidden(attend(api, world.bailiff, flow, prosecutor["id"]))
    forbidden(attend(api, world.judge, flow, prosecutor["id"]))
    assert attend(api, world.other_officer, flow, lawyer["id"]).status_code == 404
    r = attend(api, world.secretary, flow, 999_999)
    assert r.status_code == 400 and "participant_id" in r.json()["fields"], r.content
    assert AttendanceCheck.objects.filter(hearing_id=flow.hearing_id).count() == 1


def test_r20_admitting_needs_the_identity_document(world, api, clock):
    flow = _two_site_flow(world, api, clock)
    defendant = person(flow.detail(), "defendant")
    r = attend(api, world.officer, flow, defendant["id"], document="  ")
    assert r.status_code == 400, r.content
    assert "document" in r.json()["fields"]
    r = attend(api, world.officer, flow, defendant["id"], result="welcome")
    assert r.status_code == 422, r.content
    assert "result" in r.json()["fields"]
    assert not AttendanceCheck.objects.filter(hearing_id=flow.hearing_id).exists()
    # Who did not appear, or may not take part, is recorded without a document.
    assert ok(attend(api, world.officer, flow, defendant["id"], result="absent", document=""),
              201)["result"] == "absent"
    assert ok(attend(api, world.officer, flow, defendant["id"], result="not_admitted", document="",
                     authority="power of attorney expired"), 201)["result"] == "not_admitted"


def test_r20_secretary_checks_the_participants_on_mobile_vcs(world, api, clock):
    flow = _two_site_flow(world, api, clock)
    lawyer = person(flow.detail(), "defence_lawyer")
    check = ok(attend(api, world.secretary, flow, lawyer["id"], document="Lawyer's licence 0042",
                      authority="warrant No. 17"), 201)
    assert check["checked_by_id"] == world.secretary.pk
    assert check["checked_by_org_id"] == world.court.pk
    assert (check["document"], check["authority"]) == ("Lawyer's licence 0042", "warrant No. 17")
    assert events(api, flow, "attendance_checked")[0]["data"]["mode"] == "mobile_vcs"


def test_r20_no_identity_check_before_the_connection(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("ready")
    defendant = person(flow.detail(), "defendant")
    refused(attend(api, world.officer, flow, defendant["id"]), "R20")
    flow.connect()
    ok(attend(api, world.officer, flow, defendant["id"]), 201)


# ---- R22: the technical break -------------------------------------------------------------

def test_r22_only_the_presiding_judge_declares_a_technical_break(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("in_session")
    for user in (world.secretary, world.other_judge, world.bailiff, world.technician):
        forbidden(api(user).post(flow.url("/break"), {"reason": "frozen picture"}))
    assert flow.detail()["status"] == "in_session"

    clock.move_to(at(3, 10, 40))
    body = ok(api(world.judge).post(flow.url("/break"), {"reason": "frozen picture"}))
    assert body["status"] == "technical_break"
    [item] = inbox(api, world.secretary, "technical_break")
    assert item["hearing_id"] == flow.hearing_id
    refused(api(world.judge).post(flow.url("/break"), {"reason": "again"}), "R22")

    # The judge does not reconnect: the secretary does.
    forbidden(api(world.judge).post(flow.url("/reconnect")))
    clock.move_to(at(3, 10, 52))
    body = ok(api(world.secretary).post(flow.url("/reconnect")))
    assert body["status"] == "in_session"
    # The sites are connecting again; the courtroom's call reports each one connected.
    assert site_of(body, world.sizo_room)["connection"] == "connecting"
    refused(api(world.secretary).post(flow.url("/reconnect")), "R22")

    [declared] = events(api, flow, "declare_break")
    assert declared["rule"] == "R22"
    assert declared["data"] == {"reason": "frozen picture"}
    assert dt.datetime.fromisoformat(declared["at"]) == at(3, 10, 40)
    assert declared["at_local"] == "03.12.2026 10:40"
    assert (declared["from_status"], declared["to_status"]) == ("in_session", "technical_break")
    [reconnected] = events(api, flow, "reconnect")
    assert reconnected["rule"] == "R22"
    assert reconnected["at_local"] == "03.12.2026 10:52"
    assert (reconnected["from_status"], reconnected["to_status"]) == ("technical_break", "in_session")


def test_r22_reconnecting_restarts_a_lost_sites_link(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("in_session")
    site = site_of(flow.detail(), world.sizo_room)
    ok(report(api, flow, site=site["id"], description="Sound breaks up"), 201)
    assert site_of(flow.detail(), world.sizo_room)["connection"] == "lost"
    ok(api(world.judge).post(flow.url("/break"), {"reason": "Sound breaks up"}))
    assert site_of(ok(api(world.secretary).post(flow.url("/reconnect"))), world.sizo_room)["connection"] == "connecting"


# ---- R8: the secretary ends the session ----------------------------------------------------

def test_r8_secretary_closes_and_the_endpoints_are_released(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("in_session")
    clock.move_to(at(3, 10, 50))
    assert busy(api, world, world.room, at(3, 11))
    assert busy(api, world, world.sizo_room, at(3, 11))
    for user in (world.judge, world.bailiff, world.officer):
        forbidden(api(user).post(flow.url("/close")))

    body = ok(api(world.secretary).post(flow.url("/close")))
    assert body["status"] == "closed"
    assert site_of(body, world.sizo_room)["connection"] == "waiting"
    assert body["next_deadline"] is None
    assert not EndpointBooking.objects.filter(hearing_id=flow.hearing_id, active=True).exists()
    assert busy(api, world, world.room, at(3, 11)) == []
    assert busy(api, world, world.sizo_room, at(3, 11)) == []
    [event] = events(api, flow, "close")
    assert (event["rule"], event["from_status"], event["to_status"]) == ("R8", "in_session", "closed")
    refused(api(world.secretary).post(flow.url("/close")), "R8")


def test_r8_a_hearing_is_closed_only_in_session(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("connected")
    refused(api(world.secretary).post(flow.url("/close")), "R8")
    refused(api(world.judge).post(flow.url("/break"), {}), "R22")
    assert flow.detail()["status"] == "connected"
