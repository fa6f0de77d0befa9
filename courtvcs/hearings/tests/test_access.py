"""Who sees which hearing and which personal data, and who may change it (R5, R6, R7-R9).

Every action is authorised by the person's role AND by how the person's organisation stands
to the hearing (its court, its presiding judge, its coordinator, a remote site). Personal
data of the participants (names, phone, e-mail, date of birth) is shown only to those who
organise the hearing: the court hearing the case, and each remote site for the people who
take part from it (R20); never to the coordinators, who only agree the slot (R11, R12).

The country is `world`: the Kokshetau court (Akmola region) books hearings with the Akmola
detention centre (world.sizo) and the Burabay court (a remote court) as remote sites; the
Karaganda city court (another region) has its own detention centre (world.other_sizo).
"""

import datetime as dt

import pytest

from courtvcs.audit.models import AuditEntry
from courtvcs.hearings.models import Hearing, Participant, TimelineEvent
from courtvcs.orgs.choices import Role
from courtvcs.orgs.tests.factories import UserFactory

from .flow import Flow
from .world import at
from courtvcs.hearings.tests.answers import forbidden, not_found, ok

DEFENDANT = {"full_name": "Серіков Асқар", "procedural_role": "defendant", "phone": "+7 700 555 55 55",
             "date_of_birth": "1990-05-31"}
WITNESS = {"full_name": "Бурабаев Бек", "procedural_role": "witness", "email": "witness@example.kz",
           "date_of_birth": "1979-03-08"}
LAWYER = {"full_name": "Ахметова Дана", "procedural_role": "defence_lawyer", "mode": "mobile_vcs",
          "phone": "+7 701 111 22 33", "email": "lawyer@example.kz", "date_of_birth": "1985-01-02"}
PERSONAL = ["Серіков", "Бурабаев", "Ахметова", "+7 700 555", "+7 701 111", "witness@example.kz",
            "lawyer@example.kz", "1990-05-31", "1979-03-08", "1985-01-02"]
COURT_STAFF = ["secretary", "judge", "bailiff", "technician", "office_head"]


def our_flow(world, api, clock, *, remote_court=None) -> Flow:
    """Our court's first-instance hearing on 3 December, not booked yet: the defendant at the
    detention centre, a witness at a remote court (Burabay), the lawyer on mobile VCS."""
    w = world
    remote_court = remote_court or w.burabay_room
    return Flow(world, api, clock, remote=[w.sizo_room, remote_court], participants=[
        {**DEFENDANT, "mode": "remote_site", "remote_endpoint_id": w.sizo_room.pk},
        {**WITNESS, "mode": "remote_site", "remote_endpoint_id": remote_court.pk},
        LAWYER])


def ours(world, api, clock, **kwargs) -> Flow:
    flow = our_flow(world, api, clock, **kwargs)
    flow.book()
    return flow


def karaganda(world, api) -> int:
    """A hearing of the Karaganda city court (the other region) with the other detention centre."""
    w = world
    judge = UserFactory(username="karjudge", role=Role.JUDGE, organisation=w.other_court)
    return ok(api(w.other_secretary).post("/hearings", {
        "case_number": "2-555/2026", "category": "civil", "instance": "first",
        "courtroom_id": w.other_room.pk, "judge_id": judge.pk,
        "starts_at": at(3, 14).isoformat(), "duration_minutes": 60,
        "remote_endpoint_ids": [w.other_sizo_room.pk],
        "participants": [{"full_name": "Петров Пётр", "procedural_role": "plaintiff", "mode": "remote_site",
                          "remote_endpoint_id": w.other_sizo_room.pk, "phone": "+7 705 000 00 00"}]}), 201)["id"]


def cassation(world, api) -> int:
    """A cassation hearing of the Supreme Court with the Akmola detention centre (R12)."""
    w = world
    return ok(api(w.supreme_secretary).post("/hearings", {
        "case_number": "6001-26-00-4ук/12", "category": "criminal", "instance": "cassation",
        "courtroom_id": w.supreme_room.pk, "judge_id": w.supreme_judge.pk,
        "starts_at": at(4, 15).isoformat(), "duration_minutes": 60,
        "remote_endpoint_ids": [w.sizo_room.pk],
        "participants": [{"full_name": "Жақсылықов Ерлан", "procedural_role": "convict", "mode": "remote_site",
                          "remote_endpoint_id": w.sizo_room.pk, "phone": "+7 707 000 00 00"}]}), 201)["id"]


def appeal(world, api) -> int:
    """An appeal heard by the Akmola regional court itself, where the regional coordinator works."""
    w = world
    return ok(api(w.regional_secretary).post("/hearings", {
        "case_number": "2а-77/2026", "category": "criminal", "instance": "appeal",
        "courtroom_id": w.regional_room.pk, "judge_id": w.regional_judge.pk,
        "starts_at": at(4, 11).isoformat(), "duration_minutes": 60,
        "remote_endpoint_ids": [w.sizo_room.pk],
        "participants": [{"full_name": "Апелляциев Ажар", "procedural_role": "convict", "mode": "remote_site",
                          "remote_endpoint_id": w.sizo_room.pk, "phone": "+7 702 000 00 00",
                          "date_of_birth": "1970-07-07"}]}), 201)["id"]


def listed(api, user) -> set[int]:
    return {h["id"] for h in ok(api(user).get("/hearings", date_from="2026-12-01"))}


def people(api, user, hearing_id) -> dict[str, dict]:
    return {p["full_name"]: p for p in ok(api(user).get(f"/hearings/{hearing_id}"))["participants"]}


def state(hearing_id) -> tuple:
    """What a refused write must leave as it was."""
    return (Hearing.objects.get(pk=hearing_id).status, AuditEntry.objects.count(), TimelineEvent.objects.count(),
            Participant.objects.filter(hearing_id=hearing_id).count())


def refused_to_all(api, hearing_id, path, data, *, forbidden_to=(), hidden_from=()):
    """Each person of `forbidden_to` gets 403 (sees the hearing, may not act), each of
    `hidden_from` 404 (may not even see it); nothing changes."""
    before = state(hearing_id)
    for user in forbidden_to:
        forbidden(api(user).post(path, data))
        assert state(hearing_id) == before, user.username
    for user in hidden_from:
        not_found(api(user).post(path, data))
        assert state(hearing_id) == before, user.username


def entry(hearing_id, action, **filters) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(hearing_id=hearing_id, action=action, **filters))
    assert len(entries) == 1, (action, [(e.action, e.object_type) for e in entries])
    return entries[0]


def status_entry(hearing_id, action, actor, before, after) -> AuditEntry:
    """The audit entry of a status change: who, what, the status before and after."""
    e = entry(hearing_id, action, object_type="hearings.hearing")
    assert e.actor == actor and e.actor_label == f"{actor.username} ({actor.role})"
    assert e.before == {"status": before}
    assert e.after["status"] == after
    return e


# ---- seeing hearings: the list and the detail (R6, R7) -------------------------------------

@pytest.mark.parametrize("who", COURT_STAFF + ["other_judge"])
def test_r7_the_courts_own_people_see_its_hearing_in_the_list_and_the_detail(world, api, clock, who):
    flow = ours(world, api, clock)
    theirs = karaganda(world, api)
    user = getattr(world, who)
    assert listed(api, user) == {flow.hearing_id}
    assert ok(api(user).get(flow.url()))["id"] == flow.hearing_id
    assert theirs not in listed(api, user)


def test_r6_secretary_of_another_court_cannot_see_our_hearing(world, api, clock):
    flow = ours(world, api, clock)
    theirs = karaganda(world, api)
    for who in ("other_secretary", "other_technician", "regional_secretary", "supreme_secretary"):
        user = getattr(world, who)
        not_found(api(user).get(flow.url()))
        not_found(api(user).get(flow.url("/timeline")))
        not_found(api(user).get(flow.url("/audit")))
        assert flow.hearing_id not in listed(api, user), who
    assert listed(api, world.other_secretary) == {theirs}


def test_r6_a_hidden_hearing_looks_the_same_as_one_that_does_not_exist(world, api, clock):
    flow = ours(world, api, clock)
    hidden = not_found(api(world.other_secretary).get(flow.url()))
    missing = not_found(api(world.other_secretary).get(f"/hearings/{flow.hearing_id + 1000}"))
    assert hidden == missing


def test_r11_the_regional_coordinator_sees_her_region_only(world, api, clock):
    flow = ours(world, api, clock)
    regional = appeal(world, api)
    theirs = karaganda(world, api)
    top = cassation(world, api)
    # Her region: the district courts' hearings and the regional court's own.
    assert listed(api, world.coordinator) == {flow.hearing_id, regional}
    ok(api(world.coordinator).get(flow.url()))
    ok(api(world.coordinator).get(f"/hearings/{regional}"))
    for hidden in (theirs, top):
        not_found(api(world.coordinator).get(f"/hearings/{hidden}"))
    # The other region's coordinator sees nothing of ours, only her own region.
    assert listed(api, world.other_coordinator) == {theirs}
    for hidden in (flow.hearing_id, regional, top):
        not_found(api(world.other_coordinator).get(f"/hearings/{hidden}"))


def test_r12_the_department_coordinator_sees_cassation_and_the_whole_country(world, api, clock):
    flow = ours(world, api, clock)
    theirs = karaganda(world, api)
    top = cassation(world, api)
    # The code lets the Department coordinate the whole country (access.visible_hearings):
    # she sees the cassation hearing and every region's first-instance hearings too.
    assert listed(api, world.dep_coordinator) == {flow.hearing_id, theirs, top}
    assert ok(api(world.dep_coordinator).get(f"/hearings/{top}"))["instance"] == "cassation"
    ok(api(world.dep_coordinator).get(flow.url()))
    # ... but she agrees only the cassation slot (R12), not a first-instance one (R11).
    ok(api(world.supreme_judge).post(f"/hearings/{top}/decision", {"hold_by_vcs": True}))
    flow.decide()
    assert "agree" in ok(api(world.dep_coordinator).get(f"/hearings/{top}"))["allowed_actions"]
    assert ok(api(world.dep_coordinator).get(flow.url()))["allowed_actions"] == []
    not_found(api(world.coordinator).get(f"/hearings/{top}"))


@pytest.mark.parametrize("who", ["officer", "sizo_technician"])
def test_r7_the_institution_sees_only_hearings_that_involve_it(world, api, clock, who):
    flow = ours(world, api, clock)
    theirs = karaganda(world, api)
    top = cassation(world, api)
    user = getattr(world, who)
    assert listed(api, user) == {flow.hearing_id, top}
    ok(api(user).get(flow.url()))
    not_found(api(user).get(f"/hearings/{theirs}"))
    # The other region's detention centre sees its own hearing and none of ours.
    assert listed(api, world.other_officer) == {theirs}
    not_found(api(world.other_officer).get(flow.url()))
    not_found(api(world.other_officer).get(f"/hearings/{top}"))


def test_r7_the_institutions_list_of_one_day_has_its_hearings_of_that_day_only(world, api, clock):
    """The remote-site part of the list is limited to the days asked for, like the court's."""
    flow = ours(world, api, clock)   # 3 December, the detention centre is a remote site
    top = cassation(world, api)      # 4 December, the same centre
    karaganda(world, api)            # 3 December, another centre
    day = {h["id"] for h in ok(api(world.officer).get("/hearings", date_from="2026-12-03", date_to="2026-12-03"))}
    assert day == {flow.hearing_id}
    day = {h["id"] for h in ok(api(world.officer).get("/hearings", date_from="2026-12-04", date_to="2026-12-04"))}
    assert day == {top}
    assert {h["id"] for h in ok(api(world.officer).get("/hearings", date_from="2026-12-05"))} == set()


def test_r7_a_remote_courts_people_see_the_hearings_where_their_court_is_a_remote_site(world, api, clock):
    flow = ours(world, api, clock)
    theirs = karaganda(world, api)
    burabay_bailiff = UserFactory(username="burabaybailiff", role=Role.BAILIFF, organisation=world.burabay_court)
    for user in (world.burabay_secretary, burabay_bailiff):
        assert listed(api, user) == {flow.hearing_id}
        ok(api(user).get(flow.url()))
        not_found(api(user).get(f"/hearings/{theirs}"))
    # The Burabay secretary acts there as a remote site (she acknowledges the R13 letter), not
    # as the secretary of the court hearing the case.
    flow.decide()
    assert ok(api(world.burabay_secretary).get(flow.url()))["allowed_actions"] == ["acknowledge_letter"]


# ---- personal data of the participants (R5, R6, R20) ---------------------------------------

@pytest.mark.parametrize("who", ["secretary", "judge"])
def test_r5_personal_data_of_participants_shown_to_the_courts_secretary_and_judge(world, api, clock, who):
    flow = ours(world, api, clock)
    seen = people(api, getattr(world, who), flow.hearing_id)
    assert set(seen) == {DEFENDANT["full_name"], WITNESS["full_name"], LAWYER["full_name"]}
    assert seen[DEFENDANT["full_name"]]["phone"] == DEFENDANT["phone"]
    assert seen[WITNESS["full_name"]]["email"] == WITNESS["email"]
    assert (seen[LAWYER["full_name"]]["phone"], seen[LAWYER["full_name"]]["email"]) == (
        LAWYER["phone"], LAWYER["email"])


def test_r5_date_of_birth_is_kept_but_the_api_shows_it_to_no_one(world, api, clock):
    flow = ours(world, api, clock)
    stored = dict(Participant.objects.filter(hearing_id=flow.hearing_id).values_list("full_name", "date_of_birth"))
    assert stored[LAWYER["full_name"]] == dt.date(1985, 1, 2)
    for user in (world.secretary, world.judge, world.officer):
        body = api(user).get(flow.url()).content.decode()
        assert "date_of_birth" not in body and "1985-01-02" not in body and "1990-05-31" not in body


@pytest.mark.parametrize("who", ["bailiff", "technician", "office_head"])
def test_r5_the_courts_other_staff_see_the_participants_contacts_too(world, api, clock, who):
    # What the code does: every person of the court hearing the case sees the participants'
    # contacts (selectors.sees_personal_data), not only the secretary and the judge.
    flow = ours(world, api, clock)
    seen = people(api, getattr(world, who), flow.hearing_id)
    assert seen[LAWYER["full_name"]]["phone"] == LAWYER["phone"]
    assert len(seen) == 3


@pytest.mark.parametrize("who", ["coordinator", "dep_coordinator"])
def test_r5_personal_data_of_participants_hidden_from_the_coordinator(world, api, clock, who):
    flow = ours(world, api, clock)
    flow.decide()
    user = getattr(world, who)
    detail = ok(api(user).get(flow.url()))
    assert detail["participants"] == []
    for response in (api(user).get(flow.url()), api(user).get("/hearings", date_from="2026-12-01"),
                     api(user).get("/coordinator/queue"), api(user).get(flow.url("/timeline"))):
        text = response.content.decode()
        assert response.status_code == 200 and not [p for p in PERSONAL if p in text]


def test_r5_personal_data_hidden_from_the_regional_coordinator_also_at_her_own_court(world, api, clock):
    # The regional court hears appeals and its coordinator works there: she is still a
    # coordinator, who agrees the slot (R11), not a person organising the hearing.
    hearing_id = appeal(world, api)
    assert ok(api(world.coordinator).get(f"/hearings/{hearing_id}"))["participants"] == []
    assert "Апелляциев Ажар" in people(api, world.regional_secretary, hearing_id)
    assert "Апелляциев Ажар" in people(api, world.regional_judge, hearing_id)


@pytest.mark.parametrize("who", ["officer", "sizo_technician"])
def test_r20_the_institution_sees_the_names_of_its_own_participants_only(world, api, clock, who):
    flow = ours(world, api, clock)
    seen = people(api, getattr(world, who), flow.hearing_id)
    # Its own detainee, to check attendance and identity (R20) - with his contacts as the
    # court entered them; not the witness at the Burabay court, not the lawyer on mobile VCS.
    assert list(seen) == [DEFENDANT["full_name"]]
    assert seen[DEFENDANT["full_name"]]["phone"] == DEFENDANT["phone"]
    text = api(getattr(world, who)).get(flow.url()).content.decode()
    assert not [p for p in ["Бурабаев", "Ахметова", "witness@example.kz", "lawyer@example.kz", "+7 701 111"]
                if p in text]


def test_r20_a_remote_court_sees_the_names_of_the_people_at_its_own_site_only(world, api, clock):
    flow = ours(world, api, clock)
    seen = people(api, world.burabay_secretary, flow.hearing_id)
    assert list(seen) == [WITNESS["full_name"]]
    assert seen[WITNESS["full_name"]]["email"] == WITNESS["email"]


def test_r20_a_regional_court_as_a_remote_site_sees_only_the_people_at_its_site(world, api, clock):
    # The regional court's secretary works where the region's coordinator does, so she stands
    # to the hearing as "remote" and as "coordinator"; she still sees only her own site's people.
    flow = ours(world, api, clock, remote_court=world.regional_room)
    assert list(people(api, world.regional_secretary, flow.hearing_id)) == [WITNESS["full_name"]]
    assert ok(api(world.coordinator).get(flow.url()))["participants"] == []


def test_r5_the_hearing_audit_shows_no_personal_data_to_coordinators_or_other_sites(world, api, clock):
    flow = ours(world, api, clock)
    flow.decide()
    ok(api(world.secretary).post(flow.url("/participants"), {
        "full_name": "Жаңаев Нұрлан", "procedural_role": "witness", "mode": "mobile_vcs",
        "phone": "+7 708 999 99 99", "email": "new@example.kz", "date_of_birth": "2001-09-09"}), 201)
    added = ["Жаңаев", "+7 708 999", "new@example.kz", "2001-09-09"]
    # The court sees in its audit log what was entered.
    text = api(world.secretary).get(flow.url("/audit")).content.decode()
    assert all(p in text for p in added)
    # The coordinators and the remote sites see that a participant was added, not who.
    for user in (world.coordinator, world.dep_coordinator, world.officer, world.burabay_secretary):
        response = api(user).get(flow.url("/audit"))
        assert response.status_code == 200
        assert "participant_added" in response.content.decode()
        assert not [p for p in added if p in response.content.decode()], user.username


# ---- writes: the wrong role, the right role of another organisation (R6, R8-R13, R15) -----

def test_r10_only_the_presiding_judge_decides_on_vcs(world, api, clock):
    flow = ours(world, api, clock)
    kar_judge = UserFactory(username="karjudge2", role=Role.JUDGE, organisation=world.other_court)
    refused_to_all(api, flow.hearing_id, flow.url("/decision"), {"hold_by_vcs": True},
                   forbidden_to=[world.secretary, world.other_judge, world.bailiff, world.coordinator,
                                 world.officer],
                   hidden_from=[kar_judge, world.regional_judge, world.supreme_judge])
    flow.decide()
    status_entry(flow.hearing_id, "decide", world.judge, "awaiting_decision", "awaiting_agreement")


def test_r11_only_the_coordinator_of_the_region_answers_the_agreement(world, api, clock):
    flow = ours(world, api, clock)
    flow.decide()
    # The Department coordinator sees the hearing (whole country) but does not agree R11 slots.
    refused_to_all(api, flow.hearing_id, flow.url("/agreement"), {"answer": "agree"},
                   forbidden_to=[world.secretary, world.judge, world.office_head, world.dep_coordinator,
                                 world.officer],
                   hidden_from=[world.other_coordinator])
    flow.agree()
    status_entry(flow.hearing_id, "agree", world.coordinator, "awaiting_agreement", "agreed")
    request = entry(flow.hearing_id, "agreement_agree")
    assert request.actor == world.coordinator and request.rule == "R11"
    assert request.before["status"] == "pending" and request.after["status"] == "agreed"
    assert request.after["decided_by"] == world.coordinator.pk


def test_r13_only_the_courts_secretary_requests_the_test_sessions(world, api, clock):
    flow = ours(world, api, clock)
    flow.decide()
    flow.agree()
    refused_to_all(api, flow.hearing_id, flow.url("/test-sessions"), None,
                   forbidden_to=[world.judge, world.technician, world.coordinator, world.officer,
                                 world.burabay_secretary],
                   hidden_from=[world.other_secretary, world.regional_secretary])
    sessions = flow.request_tests()
    assert len(sessions) == 2
    entries = AuditEntry.objects.filter(hearing_id=flow.hearing_id, action="test_session_requested",
                                        object_type="hearings.testsession")
    assert {e.object_id for e in entries} == {str(s["id"]) for s in sessions}
    for e in entries:
        assert e.actor == world.secretary and e.rule == "R13"
        assert e.before is None and e.after["requested_by"] == world.secretary.pk


def test_r15_only_the_courts_secretary_connects(world, api, clock):
    flow = our_flow(world, api, clock)
    flow.to("ready")
    clock.move_to(flow.starts_at - dt.timedelta(minutes=25))
    refused_to_all(api, flow.hearing_id, flow.url("/connect"), None,
                   forbidden_to=[world.judge, world.bailiff, world.technician, world.officer,
                                 world.burabay_secretary],
                   hidden_from=[world.other_secretary])
    flow.connect()
    status_entry(flow.hearing_id, "connect", world.secretary, "ready", "connected")


def test_r8_only_the_courts_secretary_closes_the_session(world, api, clock):
    flow = our_flow(world, api, clock)
    flow.to("in_session")
    refused_to_all(api, flow.hearing_id, flow.url("/close"), None,
                   forbidden_to=[world.judge, world.bailiff, world.office_head, world.coordinator,
                                 world.officer, world.burabay_secretary],
                   hidden_from=[world.other_secretary, world.other_officer])
    ok(api(world.secretary).post(flow.url("/close")))
    status_entry(flow.hearing_id, "close", world.secretary, "in_session", "closed")


def test_r10_only_the_courts_secretary_adds_a_participant(world, api, clock):
    flow = ours(world, api, clock)
    person = {"full_name": "Жаңаев Нұрлан", "procedural_role": "witness", "mode": "mobile_vcs",
              "phone": "+7 708 999 99 99"}
    refused_to_all(api, flow.hearing_id, flow.url("/participants"), person,
                   forbidden_to=[world.judge, world.bailiff, world.coordinator, world.officer,
                                 world.burabay_secretary],
                   hidden_from=[world.other_secretary, world.other_officer])
    added = ok(api(world.secretary).post(flow.url("/participants"), person), 201)
    e = entry(flow.hearing_id, "participant_added", object_type="hearings.participant")
    assert e.actor == world.secretary and e.object_id == str(added["id"])
    assert e.before is None and e.after["full_name"] == "Жаңаев Нұрлан" and e.after["phone"] == person["phone"]


def test_r6_anonymous_gets_401_on_every_hearings_endpoint(world, api, clock):
    from courtvcs.api import api as ninja_api

    flow = ours(world, api, clock)
    paths = ninja_api.get_openapi_schema(path_prefix="")["paths"]
    calls = [(method, path.replace("{hearing_id}", str(flow.hearing_id)))
             for path, operations in paths.items() if path.startswith("/hearings")
             for method in operations]
    assert len(calls) >= 20 and ("post", f"/hearings/{flow.hearing_id}/decision") in calls
    before = state(flow.hearing_id)
    anonymous = api()
    answers = {(method, path): getattr(anonymous, method)(path).status_code for method, path in calls}
    assert {call: code for call, code in answers.items() if code != 401} == {}
    assert state(flow.hearing_id) == before


def test_r6_every_write_on_the_way_to_the_close_is_in_the_audit_log_with_its_actor(world, api, clock):
    flow = our_flow(world, api, clock)
    close = lambda: ok(api(world.secretary).post(flow.url("/close")))  # noqa: E731
    steps = [  # who, the step, the status before and after (None: the step changes no status)
        (world.secretary, flow.book, None),
        (world.judge, flow.decide, ("awaiting_decision", "awaiting_agreement")),
        (world.coordinator, flow.agree, ("awaiting_agreement", "agreed")),
        (world.secretary, flow.request_tests, None),
        (world.technician, flow.pass_tests, None),
        (world.secretary, flow.send_letters, ("agreed", "ready")),
        (world.secretary, flow.connect, ("ready", "connected")),
        (world.bailiff, flow.call_in, ("connected", "in_session")),
        (world.secretary, close, ("in_session", "closed")),
    ]
    for actor, step, change in steps:
        last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        step()
        new = list(AuditEntry.objects.filter(id__gt=last))
        assert new, actor.username
        for e in new:
            assert e.actor == actor and e.actor_label == f"{actor.username} ({actor.role})", (e.action, e.actor_label)
            assert e.action and e.after, (e.action, e.after)
            assert e.hearing_id == flow.hearing_id
        if change:
            moved = [e for e in new if e.object_type == "hearings.hearing" and e.before]
            assert [(e.before["status"], e.after["status"]) for e in moved] == [change], [e.action for e in new]
    assert Hearing.objects.get(pk=flow.hearing_id).status == "closed"
