"""R25-R27 over the API: the court asks for a victim or witness to be questioned remotely.

A request names the person (a victim or a witness, R25), one or more grounds of R27 (a
minor: with the date of birth, under 14 or under 18 on the hearing date), and the district
where the person is or lives; the court of that district is proposed as the remote site
(R26) and, once the court accepts it, joins the hearing.

"Now" is Tuesday 1 December 2026, 09:00 Astana time. The hearing of the Kokshetau court
(district world.district) starts on Thursday 3 December at 10:00 with the detention
centre as its remote site; the witness lives in the Burabay district, whose court is
world.burabay_court.
"""

import datetime as dt

import pytest

from courtvcs.audit.models import AuditEntry
from courtvcs.hearings.models import EndpointBooking, Hearing
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at
from courtvcs.interrogations.choices import Ground
from courtvcs.interrogations.models import InterrogationRequest
from courtvcs.orgs.tests.factories import DistrictFactory
from courtvcs.hearings.tests.answers import forbidden, inbox, invalid, not_found, ok, refused


def events(api, flow, kind):
    return [e for e in ok(api(flow.w.secretary).get(flow.url("/timeline"))) if e["kind"] == kind]


def payload(world, **changes) -> dict:
    data = {"person_name": "Иванова Айгерим", "person_role": "witness", "grounds": ["health"],
            "district_id": world.witness_district.pk}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def ask(api, user, flow, **changes):
    return api(user).post(flow.url("/interrogations"), payload(flow.w, **changes))


def accept(api, user, request_id, **data):
    return api(user).post(f"/interrogations/{request_id}/accept", data)


@pytest.fixture
def flow(world, api, clock):
    flow = Flow(world, api, clock)
    flow.book()
    return flow


# ---- R26: the court of the district where the person is or lives ---------------------------

def test_r26_the_court_of_the_witness_district_is_proposed(world, api, flow):
    body = ok(ask(api, world.secretary, flow), 201)
    assert body["hearing_id"] == flow.hearing_id
    assert body["district_id"] == world.witness_district.pk
    assert body["proposed_court_id"] == world.burabay_court.pk
    assert body["proposed_court"] == world.burabay_court.name
    assert body["remote_site_id"] is None  # proposed, not yet part of the hearing
    assert (body["person_role"], body["grounds"], body["age_band"]) == ("witness", ["health"], "")
    request = InterrogationRequest.objects.get(pk=body["id"])
    assert (request.person_name, request.created_by, request.created_at) == (
        "Иванова Айгерим", world.secretary, at(1, 9))
    assert [s["endpoint_id"] for s in flow.detail()["remote_sites"]] == [world.sizo_room.pk]
    # A victim in the other region: that district's court.
    body = ok(ask(api, world.judge, flow, person_role="victim", district_id=world.other_district.pk), 201)
    assert body["proposed_court_id"] == world.other_court.pk


def test_r26_a_district_without_a_court_of_its_own_gets_a_court_of_its_region(world, api, flow):
    # "The court of the district (region)": Temirtau has no court in this country, Karaganda has.
    temirtau = DistrictFactory(code="karaganda-temirtau", region=world.other_region)
    body = ok(ask(api, world.secretary, flow, district_id=temirtau.pk), 201)
    assert (body["district_id"], body["proposed_court_id"]) == (temirtau.pk, world.other_court.pk)


def test_r26_a_person_in_the_district_of_the_court_hearing_the_case_is_summoned_to_it(world, api, flow):
    """The court of the person's district is the court hearing the case: there is nothing to
    connect, the person comes to the hearing (its own courtroom is no remote site)."""
    body = refused(ask(api, world.secretary, flow, district_id=world.district.pk), "R26")
    assert body["detail"] == (f"R26: {world.court.name} hears the case itself: the person is summoned to the "
                              "hearing in person, not questioned by VCS.")
    # Also when the person's district has no court and the region's court is this one.
    zerendi = DistrictFactory(code="akmola-zerendi", region=world.region)
    refused(ask(api, world.secretary, flow, district_id=zerendi.pk), "R26")
    assert not InterrogationRequest.objects.exists()
    assert [s["endpoint_id"] for s in flow.detail()["remote_sites"]] == [world.sizo_room.pk]


def test_r26_a_district_with_no_court_gives_a_clear_message(world, api, flow):
    # The capital's district has the Supreme Court and the Department, but no district court.
    capital_district = world.supreme.district
    body = refused(ask(api, world.secretary, flow, district_id=capital_district.pk), "R26")
    assert body["detail"] == "R26: No court is set up for that district."
    body = invalid(ask(api, world.secretary, flow, district_id=987_654), "district_id")
    assert body["fields"]["district_id"] == "Unknown district."
    assert body["detail"] == "Choose the district where the person is or lives."
    body = invalid(ask(api, world.secretary, flow, district_id=None), "district_id", status=422)
    assert body["fields"]["district_id"] == "This field is required."
    assert not InterrogationRequest.objects.exists()


def test_r26_accepting_the_proposed_court_adds_it_as_a_remote_site(world, api, flow):
    request = ok(ask(api, world.secretary, flow), 201)
    # The Burabay court does not see the hearing before it is a remote site of it.
    not_found(api(world.burabay_secretary).get(flow.url()))

    body = ok(accept(api, world.secretary, request["id"], phone="+7 701 555 44 33"))
    assert body["remote_site_id"] is not None
    detail = flow.detail()
    site = next(s for s in detail["remote_sites"] if s["id"] == body["remote_site_id"])
    assert (site["endpoint_id"], site["organisation_id"]) == (world.burabay_room.pk, world.burabay_court.pk)
    witness = next(p for p in detail["participants"] if p["full_name"] == "Иванова Айгерим")
    assert (witness["procedural_role"], witness["mode"], witness["remote_site_id"], witness["phone"]) == (
        "witness", "remote_site", site["id"], "+7 701 555 44 33")
    # The Burabay room is held for the slot; its court is told and now sees the hearing.
    assert EndpointBooking.objects.filter(hearing_id=flow.hearing_id, endpoint=world.burabay_room,
                                          active=True).exists()
    [item] = inbox(api, world.burabay_secretary, "interrogation_requested")
    assert item["hearing_id"] == flow.hearing_id
    assert "Witness" in item["body"] and world.court.name in item["body"] and "(R26)" in item["body"]
    assert ok(api(world.burabay_secretary).get(flow.url()))["id"] == flow.hearing_id
    [event] = events(api, flow, "remote_site_added")
    assert (event["rule"], event["data"]) == ("R26", {"site": site["id"]})

    # Once.
    refused(accept(api, world.secretary, request["id"]), "R26")
    assert len(flow.detail()["remote_sites"]) == 2


def test_r26_an_accepted_court_is_tested_like_every_remote_site(world, api, flow):
    flow.decide()
    flow.agree()
    request = ok(ask(api, world.secretary, flow), 201)
    site = ok(accept(api, world.secretary, request["id"]))["remote_site_id"]
    sessions = flow.request_tests()
    assert sorted(s["remote_site_id"] for s in sessions) == sorted(
        [s["id"] for s in flow.detail()["remote_sites"]])
    assert site in [s["remote_site_id"] for s in sessions]


def test_r13_a_court_accepted_after_the_letters_is_tested_and_written_to_before_connecting(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("ready")
    [first_letter] = flow.detail()["letters"]
    request = ok(ask(api, world.secretary, flow), 201)
    site = ok(accept(api, world.secretary, request["id"]))["remote_site_id"]
    # The new court has had no test and no letter: the hearing is agreed again, not ready.
    assert flow.detail()["status"] == "agreed"
    [event] = events(api, flow, "site_added_after_letters")
    assert (event["from_status"], event["to_status"], event["rule"]) == ("ready", "agreed", "R13")
    assert event["data"] == {"site": site}
    assert "before the hearing" in refused(api(world.secretary).post(flow.url("/letters")), "R13")["detail"]
    # The test request asks for the new court only: the detention centre's passed test still counts.
    [test] = flow.request_tests()
    assert test["remote_site_id"] == site
    flow.pass_tests()
    # The letter goes to the new court; the detention centre is not written to a second time.
    [letter] = flow.send_letters()
    assert letter["recipient_org_id"] == world.burabay_court.pk
    hearing = flow.detail()
    assert hearing["status"] == "ready"
    assert sorted(x["id"] for x in hearing["letters"]) == sorted([first_letter["id"], letter["id"]])
    assert flow.connect()["status"] == "connected"


def test_r13_no_court_is_added_once_its_test_can_no_longer_be_held(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("ready")
    request = ok(ask(api, world.secretary, flow), 201)
    clock.move_to(at(3, 0, 0))  # the hearing's day: a test had to be held by the day before
    body = refused(accept(api, world.secretary, request["id"]), "R13")
    assert "too late to add this court" in body["detail"]
    assert flow.detail()["status"] == "ready"
    assert len(flow.detail()["remote_sites"]) == 1
    assert InterrogationRequest.objects.get(pk=request["id"]).remote_site_id is None


def test_r26_the_proposed_courts_endpoint_must_be_free_and_its_own(world, api, flow):
    request = ok(ask(api, world.secretary, flow), 201)
    body = invalid(accept(api, world.secretary, request["id"], endpoint_id=world.other_room.pk), "endpoint_id")
    assert body["fields"]["endpoint_id"] == "Choose an endpoint of the proposed court."
    # The Burabay room is taken by another hearing at that time: the slot is not possible (R10).
    busy = Flow(world, api, None, starts_at=at(3, 10), remote=[world.burabay_room])
    ok(api(world.secretary).post("/hearings", busy.payload(case_number="1-8/2026", courtroom_id=world.room2.pk)),
       201)
    body = refused(accept(api, world.secretary, request["id"]), "R10")
    assert any(world.burabay_court.name in r and "busy" in r for r in body["reasons"]), body
    assert InterrogationRequest.objects.get(pk=request["id"]).remote_site_id is None
    assert [s["endpoint_id"] for s in flow.detail()["remote_sites"]] == [world.sizo_room.pk]


# ---- R27: the grounds ------------------------------------------------------------------------

def test_r27_a_request_needs_one_of_the_four_grounds(world, api, flow):
    assert set(Ground.values) == {"health", "safety", "minor", "deadlines"}
    body = refused(ask(api, world.secretary, flow, grounds=[]), "R27")
    assert "at least one of the grounds" in body["detail"]
    body = invalid(ask(api, world.secretary, flow, grounds=None), "grounds", status=422)
    assert body["fields"]["grounds"] == "This field is required."
    body = invalid(ask(api, world.secretary, flow, grounds=["convenience"]), "grounds.0", status=422)
    assert body["fields"]["grounds.0"].startswith("Choose one of:")
    assert all(f"'{g}'" in body["fields"]["grounds.0"] for g in Ground.values)
    assert not InterrogationRequest.objects.exists()

    for grounds in (["health"], ["safety"], ["deadlines"], ["minor"], ["health", "safety", "deadlines"]):
        body = ok(ask(api, world.secretary, flow, grounds=grounds, date_of_birth="2015-06-01"), 201)
        assert body["grounds"] == grounds
    # A ground named twice counts once.
    assert ok(ask(api, world.secretary, flow, grounds=["safety", "safety"]), 201)["grounds"] == ["safety"]


def test_r27_safety_and_minor_grounds_mark_the_hearing(world, api, flow):
    ok(ask(api, world.secretary, flow, grounds=["health"]), 201)
    hearing = Hearing.objects.get(pk=flow.hearing_id)
    assert (hearing.has_minor, hearing.safety_protected) == (False, False)
    ok(ask(api, world.secretary, flow, grounds=["safety"]), 201)
    hearing.refresh_from_db()
    assert (hearing.has_minor, hearing.safety_protected) == (False, True)
    ok(ask(api, world.secretary, flow, grounds=["minor"], date_of_birth="2015-06-01"), 201)
    hearing.refresh_from_db()
    assert (hearing.has_minor, hearing.safety_protected) == (True, True)


def test_r27_minor_ground_needs_the_date_of_birth(world, api, flow):
    body = invalid(ask(api, world.secretary, flow, grounds=["minor"]), "date_of_birth")
    assert body["detail"] == "A minor's date of birth is needed."
    assert body["fields"]["date_of_birth"] == "Required for the ground “minor”."
    body = invalid(ask(api, world.secretary, flow, grounds=["minor", "safety"], date_of_birth="31.05.2015"),
                   "date_of_birth", status=422)
    assert body["fields"]["date_of_birth"] == "Enter a date, e.g. 2010-05-31."
    assert not InterrogationRequest.objects.exists()


@pytest.mark.parametrize("born, band", [
    ("2012-12-04", "under_14"),   # 13 on the hearing date
    ("2012-12-03", "under_18"),   # 14 on the hearing date itself
    ("2008-12-04", "under_18"),   # 17 on the hearing date
    ("2020-02-29", "under_14"),
])
def test_r27_the_minors_age_is_counted_on_the_hearing_date(world, api, flow, born, band):
    body = ok(ask(api, world.secretary, flow, grounds=["minor"], date_of_birth=born), 201)
    assert body["age_band"] == band
    assert InterrogationRequest.objects.get(pk=body["id"]).date_of_birth == dt.date.fromisoformat(born)


@pytest.mark.parametrize("born", ["2008-12-03", "2008-12-02", "1990-01-01"])
def test_r27_a_person_of_18_on_the_hearing_date_is_refused_for_the_minor_ground(world, api, flow, born):
    # 2008-12-02 is 17 today (1 December) but 18 on the hearing date (3 December).
    body = refused(ask(api, world.secretary, flow, grounds=["minor"], date_of_birth=born), "R27")
    assert "not a minor on the hearing date" in body["detail"]
    assert not InterrogationRequest.objects.exists()
    assert Hearing.objects.get(pk=flow.hearing_id).has_minor is False
    # The same person may be questioned remotely on another ground.
    assert ok(ask(api, world.secretary, flow, grounds=["health"], date_of_birth=born), 201)["age_band"] == ""


def test_r27_the_hearing_date_is_the_date_in_kazakhstan(world, api, clock):
    """At 03:00 on 3 December in Astana it is still 2 December in UTC: the birthday counts."""
    early = Flow(world, api, clock, starts_at=at(3, 3))
    early.book()
    assert ok(ask(api, world.secretary, early, grounds=["minor"], date_of_birth="2012-12-03"), 201)[
        "age_band"] == "under_18"
    refused(ask(api, world.secretary, early, grounds=["minor"], date_of_birth="2008-12-03"), "R27")


@pytest.mark.parametrize("born", ["2026-12-02", "2027-01-01"])
def test_r27_a_date_of_birth_in_the_future_is_refused_next_to_the_field(world, api, flow, born):
    body = invalid(ask(api, world.secretary, flow, grounds=["minor"], date_of_birth=born), "date_of_birth")
    assert body["fields"]["date_of_birth"] == "A date of birth cannot be in the future."
    invalid(ask(api, world.secretary, flow, grounds=["health"], date_of_birth=born), "date_of_birth")
    assert not InterrogationRequest.objects.exists()
    # Born today is a minor under 14.
    assert ok(ask(api, world.secretary, flow, grounds=["minor"], date_of_birth="2026-12-01"), 201)[
        "age_band"] == "under_14"


# ---- R25: victims and witnesses only ---------------------------------------------------------

@pytest.mark.parametrize("role", ["defendant", "expert", "defence_lawyer", ""])
def test_r25_only_a_victim_or_a_witness_is_questioned_remotely(world, api, flow, role):
    body = invalid(ask(api, world.secretary, flow, person_role=role), "person_role", status=422)
    message = body["fields"]["person_role"]
    assert message.startswith("Choose one of: ") and "'victim'" in message and "'witness'" in message
    assert not InterrogationRequest.objects.exists()


def test_r25_a_victim_is_questioned_remotely_as_a_victim(world, api, flow):
    request = ok(ask(api, world.secretary, flow, person_role="victim", person_name="Сапарова Жанар"), 201)
    assert request["person_role"] == "victim"
    ok(accept(api, world.secretary, request["id"]))
    victim = next(p for p in flow.detail()["participants"] if p["full_name"] == "Сапарова Жанар")
    assert (victim["procedural_role"], victim["mode"]) == ("victim", "remote_site")
    [item] = inbox(api, world.burabay_secretary, "interrogation_requested")
    assert "Victim" in item["body"]


def test_r25_the_persons_name_is_required(world, api, flow):
    invalid(ask(api, world.secretary, flow, person_name=None), "person_name", status=422)
    body = invalid(ask(api, world.secretary, flow, person_name="И"), "person_name", status=422)
    assert body["fields"]["person_name"] == "Too short."


# ---- who may ask, and for which hearing --------------------------------------------------

def test_r26_the_courts_secretary_or_the_presiding_judge_asks(world, api, flow):
    ok(ask(api, world.secretary, flow), 201)
    ok(ask(api, world.judge, flow), 201)
    # Others who see the hearing may not.
    for user in (world.other_judge, world.bailiff, world.technician, world.office_head, world.coordinator,
                 world.officer, world.sizo_technician):
        forbidden(ask(api, user, flow))
    # Other courts do not even see it.
    for user in (world.other_secretary, world.burabay_secretary, world.regional_secretary):
        not_found(ask(api, user, flow))
    r = api(None).post(flow.url("/interrogations"), payload(world))
    assert r.status_code == 401, r.content
    assert InterrogationRequest.objects.count() == 2


def test_r26_the_courts_secretary_or_the_presiding_judge_accepts(world, api, flow):
    request = ok(ask(api, world.secretary, flow), 201)
    for user in (world.other_judge, world.bailiff, world.officer):
        forbidden(accept(api, user, request["id"]))
    for user in (world.other_secretary, world.burabay_secretary):
        not_found(accept(api, user, request["id"]))
    not_found(accept(api, world.secretary, 987_654))
    assert InterrogationRequest.objects.get(pk=request["id"]).remote_site_id is None
    assert ok(accept(api, world.judge, request["id"]))["remote_site_id"] is not None


def test_r26_no_request_once_the_hearing_is_cancelled(world, api, flow):
    ok(api(world.secretary).post(flow.url("/cancel"), {"reason": "Case withdrawn"}))
    body = refused(ask(api, world.secretary, flow), "R26")
    assert "Cancelled" in body["detail"]


def test_r26_a_request_is_accepted_only_while_the_hearing_can_still_change(world, api, flow):
    request = ok(ask(api, world.secretary, flow), 201)
    ok(api(world.secretary).post(flow.url("/cancel"), {"reason": "Case withdrawn"}))
    refused(accept(api, world.secretary, request["id"]), "R26")
    assert InterrogationRequest.objects.get(pk=request["id"]).remote_site_id is None


# ---- the user's language ---------------------------------------------------------------------

@pytest.mark.parametrize("language, required, minor, role, adult", [
    ("ru", "Обязательное поле.", "Обязательно для основания «несовершеннолетний».",
     "Выберите одно из значений: ", "лицо не является несовершеннолетним (возраст: 26)"),
    ("kk", "Бұл өріс міндетті.", "«Кәмелетке толмаған» негізі үшін міндетті.",
     "Мына мәндердің бірін таңдаңыз: ", "кәмелетке толмаған болып табылмайды (жасы: 26)"),
])
def test_r27_field_errors_are_in_the_users_language(world, api, flow, language, required, minor, role, adult):
    world.secretary.language = language
    world.secretary.save(update_fields=["language"])
    body = invalid(ask(api, world.secretary, flow, district_id=None, person_role="accused"), "district_id",
                   status=422)
    assert body["fields"]["district_id"] == required
    assert body["fields"]["person_role"].startswith(role) and "'witness'" in body["fields"]["person_role"]
    body = invalid(ask(api, world.secretary, flow, grounds=["minor"]), "date_of_birth")
    assert body["fields"]["date_of_birth"] == minor
    body = refused(ask(api, world.secretary, flow, grounds=["minor"], date_of_birth="2000-01-01"), "R27")
    assert adult in body["detail"]


# ---- the record --------------------------------------------------------------------------

def test_r26_the_request_and_its_acceptance_are_in_the_timeline_and_the_audit_log(world, api, flow):
    request = ok(ask(api, world.secretary, flow, grounds=["safety", "health"]), 201)
    [event] = events(api, flow, "interrogation_requested")
    assert event["rule"] == "R26"
    assert event["data"] == {"request": request["id"], "grounds": ["safety", "health"],
                             "proposed_court": world.burabay_court.pk}
    ok(accept(api, world.secretary, request["id"]))

    entry = AuditEntry.objects.get(action="interrogation_requested", object_type="interrogations.interrogationrequest")
    assert (entry.rule, entry.actor_id, entry.hearing_id) == ("R26", world.secretary.pk, flow.hearing_id)
    assert entry.after["person_name"] == "Иванова Айгерим"
    assert AuditEntry.objects.filter(action="interrogation_site_accepted", rule="R26",
                                     hearing_id=flow.hearing_id).count() == 1

    # The court sees who is to be questioned; the institution only that a request was made (R5).
    def personal(user):
        audit = ok(api(user).get(flow.url("/audit")))
        return [e for e in audit if e["object_type"] == "interrogations.interrogationrequest"]
    assert personal(world.secretary)[0]["after"]["person_name"] == "Иванова Айгерим"
    assert [e["after"] for e in personal(world.officer)] == [None, None]
