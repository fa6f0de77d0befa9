"""The hearing lists, the call-in list, the booking form and the petitions, through the
browser's plain HTTP requests (HTMX and classic form posts).

"Now" is Tuesday 1 December 2026, 09:00 Astana time (world.NOW).
"""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courtvcs.audit.models import AuditEntry

from ..models import Hearing, Petition
from .flow import Flow
from .test_booking import availability as api_availability
from .test_booking import block, ok, set_status
from .world import at

HTMX = {"HTTP_HX_REQUEST": "true"}


def page(client, user, url, language="en", **params):
    client.force_login(user)
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)


def text(response) -> str:
    return html.unescape(response.content.decode())


def hearing_rows(response) -> list[int]:
    return [int(x) for x in re.findall(r'data-hearing="(\d+)"', response.content.decode())]


def booking_data(world, *, case="2-555/2026", starts="2026-12-03T10:00", duration="90", remote=None,
                 people=None, **changes) -> dict:
    """What the secretary types into the booking form (participants as formset rows)."""
    remote = [world.sizo_room] if remote is None else remote
    people = people if people is not None else [
        {"full_name": "Серіков Асқар", "procedural_role": "defendant", "mode": "remote_site",
         "remote_endpoint_id": str(remote[0].pk) if remote else ""},
        {"full_name": "Ахметова Дана", "procedural_role": "defence_lawyer", "mode": "mobile_vcs",
         "phone": "+7 701 111 22 33", "email": "lawyer@example.kz"},
    ]
    rows = [*people, {}]  # a third row left empty, as the page offers it
    data = {
        "case_number": case, "category": "criminal", "instance": "first", "courtroom_id": str(world.room.pk),
        "judge_id": str(world.judge.pk), "starts_at": starts, "duration_minutes": duration,
        "remote_endpoint_ids": [str(e.pk) for e in remote], "basis": "court_initiative", "petition_id": "",
        "participants-TOTAL_FORMS": str(len(rows)), "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "0", "participants-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for name in ("full_name", "procedural_role", "mode", "remote_endpoint_id", "phone", "email"):
            default = "courtroom" if name == "mode" else ""
            data[f"participants-{i}-{name}"] = row.get(name, default)
    data.update(changes)
    return data


def book(client, user, data, language="en"):
    client.force_login(user)
    return client.post("/hearings/new/", data, HTTP_ACCEPT_LANGUAGE=language)


# ---- the hearing list (R13, R15) -----------------------------------------------------------

def test_r13_the_secretary_sees_upcoming_hearings_with_state_and_next_deadline(world, api, clock, client):
    flow = Flow(world, api, clock)
    flow.book()
    flow.decide()  # R13: from the decision, the test-session request is due by the end of the next day
    response = page(client, world.secretary, "/hearings/")
    assert response.status_code == 200
    body = text(response)
    assert hearing_rows(response) == [flow.hearing_id]
    assert f'href="/hearings/{flow.hearing_id}/"' in body
    assert "1-101/2026" in body and "03.12.2026" in body and ">10:00<" in body
    assert 'data-status="awaiting_agreement"' in body
    assert "Test-session request due (R13)" in body and "03.12.2026 00:00" in body
    assert "room 101" in body and "VCS-1" in body


def test_r5_the_list_shows_each_person_only_the_hearings_their_role_and_organisation_may_see(
        world, api, clock, client):
    flow = Flow(world, api, clock)
    flow.book()
    for user in (world.judge, world.bailiff, world.technician, world.coordinator, world.dep_coordinator,
                 world.officer, world.sizo_technician):
        assert hearing_rows(page(client, user, "/hearings/")) == [flow.hearing_id], user.username
    for user in (world.other_secretary, world.other_coordinator, world.other_officer, world.burabay_secretary):
        response = page(client, user, "/hearings/")
        assert response.status_code == 200
        assert hearing_rows(response) == [], user.username
        assert "No hearings in this period." in text(response)


def test_r13_the_list_starts_today_and_filters_by_dates_and_state(world, api, clock, client):
    early = Flow(world, api, clock, starts_at=at(3, 10))
    early.book()
    late = Flow(world, api, clock, starts_at=at(8, 10), remote=[world.other_sizo_room])
    late.book(case_number="2-202/2026")
    late.decide()
    assert hearing_rows(page(client, world.secretary, "/hearings/")) == [early.hearing_id, late.hearing_id]
    only_third = page(client, world.secretary, "/hearings/", date_from="2026-12-03", date_to="2026-12-03")
    assert hearing_rows(only_third) == [early.hearing_id]
    assert hearing_rows(page(client, world.secretary, "/hearings/", status="awaiting_agreement")) == [late.hearing_id]
    # The HTMX filter answers with the results only, and keeps the person's scope.
    client.force_login(world.secretary)
    partial = client.get("/hearings/", {"date_from": "2026-12-04"}, **HTMX)
    assert hearing_rows(partial) == [late.hearing_id] and "<html" not in partial.content.decode()
    # A day gone by drops off the default list.
    clock.move_to(at(4, 9))
    assert hearing_rows(page(client, world.secretary, "/hearings/")) == [late.hearing_id]


def test_r13_the_list_page_makes_the_same_number_of_queries_for_more_hearings(world, api, clock, client):
    Flow(world, api, clock, starts_at=at(3, 10)).book()
    client.force_login(world.secretary)
    with CaptureQueriesContext(connection) as one:
        client.get("/hearings/")
    for day in (4, 5, 7):
        Flow(world, api, clock, starts_at=at(day, 10)).book(case_number=f"1-{day}/2026")
    with CaptureQueriesContext(connection) as four:
        response = client.get("/hearings/")
    assert len(hearing_rows(response)) == 4
    assert len(four) == len(one), [q["sql"] for q in four.captured_queries]


@pytest.mark.parametrize("language, words", [
    ("kk", ["akmola-sizo соты", "Судьяның шешімін күтуде"]),
    ("ru", ["Суд akmola-sizo", "Ожидает решения судьи"]),
])
def test_r13_the_list_in_kazakh_and_russian(world, api, clock, client, language, words):
    Flow(world, api, clock).book()
    world.judge.language = language  # the language the person chose, over the browser's
    world.judge.save(update_fields=["language"])
    body = text(page(client, world.judge, "/hearings/", language="en"))
    assert f'<html lang="{language}">' in body
    for word in words:
        assert word in body, word


# ---- the call-in list (R19) ----------------------------------------------------------------

def _two_hearings_on_the_3rd(world, api, clock):
    """A at 09:00 stays ready; B at 11:00 gets connected (its window opens at 10:30)."""
    a = Flow(world, api, clock, starts_at=at(3, 9))
    b = Flow(world, api, clock, starts_at=at(3, 11), remote=[world.burabay_room])
    a.book(case_number="1-900/2026")
    b.book(case_number="1-1100/2026", courtroom_id=world.room2.pk)
    for f in (a, b):
        f.decide()
        f.agree()
        f.request_tests()
    for f in (a, b):
        f.pass_tests()
        f.send_letters()
    b.connect()
    return a, b


def test_r19_the_bailiff_sees_todays_hearings_connected_first_and_calls_one_in(world, api, clock, client):
    a, b = _two_hearings_on_the_3rd(world, api, clock)
    response = page(client, world.bailiff, "/call-in/")
    assert response.status_code == 200
    assert hearing_rows(response) == [b.hearing_id, a.hearing_id]  # connected first
    body = text(response)
    assert body.count('data-action="call_in"') == 1
    assert f'action="/call-in/{b.hearing_id}/"' in body and "room 102" in body

    response = client.post(f"/call-in/{b.hearing_id}/", **HTMX)
    assert response.status_code == 200
    assert "Participants of case 1-1100/2026 are called into the courtroom." in text(response)
    assert Hearing.objects.get(pk=b.hearing_id).status == "in_session"
    assert AuditEntry.objects.filter(hearing_id=b.hearing_id, action="call_in").exists()
    assert 'data-action="call_in"' not in text(response)


def test_r19_the_secretary_calls_in_without_htmx_and_is_sent_back_to_the_list(world, api, clock, client):
    _a, b = _two_hearings_on_the_3rd(world, api, clock)
    client.force_login(world.secretary)
    response = client.post(f"/call-in/{b.hearing_id}/", follow=True)
    assert response.redirect_chain == [("/call-in/", 302)]
    assert "are called into the courtroom" in text(response)
    assert Hearing.objects.get(pk=b.hearing_id).status == "in_session"


def test_r19_calling_in_a_hearing_that_is_not_connected_is_refused_with_409(world, api, clock, client):
    a, _b = _two_hearings_on_the_3rd(world, api, clock)
    client.force_login(world.bailiff)
    response = client.post(f"/call-in/{a.hearing_id}/", **HTMX)
    assert response.status_code == 409
    body = text(response)
    assert 'role="alert"' in body and "R19: " in body and "Ready" in body
    assert Hearing.objects.get(pk=a.hearing_id).status == "ready"
    # Without HTMX the whole page comes back with the same refusal.
    response = client.post(f"/call-in/{a.hearing_id}/")
    assert response.status_code == 409 and "R19: " in text(response) and "<html" in text(response)


def test_r19_the_call_in_list_belongs_to_the_bailiff_and_the_secretary_of_the_court(world, api, clock, client):
    _a, b = _two_hearings_on_the_3rd(world, api, clock)
    for user in (world.coordinator, world.judge, world.officer, world.technician):
        assert page(client, user, "/call-in/").status_code == 403, user.username
        assert client.post(f"/call-in/{b.hearing_id}/").status_code == 403
    assert Hearing.objects.get(pk=b.hearing_id).status == "connected"
    # Another court's secretary sees an empty list and cannot call our hearing in.
    response = page(client, world.other_secretary, "/call-in/")
    assert response.status_code == 200 and hearing_rows(response) == []
    assert client.post(f"/call-in/{b.hearing_id}/").status_code == 404
    assert Hearing.objects.get(pk=b.hearing_id).status == "connected"


# ---- the booking form (R10) ----------------------------------------------------------------

def test_r10_the_booking_form_offers_the_courts_rooms_and_judges_and_other_endpoints(world, client):
    response = page(client, world.secretary, "/hearings/new/")
    assert response.status_code == 200
    body = text(response)
    courtroom = re.search(r'<select name="courtroom_id".*?</select>', body, re.S).group(0)
    assert f'value="{world.room.pk}"' in courtroom and f'value="{world.room2.pk}"' in courtroom
    assert f'value="{world.other_room.pk}"' not in courtroom
    judges = re.search(r'<select name="judge_id".*?</select>', body, re.S).group(0)
    assert f'value="{world.judge.pk}"' in judges and f'value="{world.regional_judge.pk}"' not in judges
    remote = re.search(r'<select name="remote_endpoint_ids".*?</select>', body, re.S).group(0)
    assert "<optgroup" in remote and f'value="{world.sizo_room.pk}"' in remote
    assert f'value="{world.room.pk}"' not in remote  # the own court's rooms are not remote sites
    assert body.count('class="participant"') == 3  # two rows and the template for more
    assert 'id="add-participant"' in body and 'type="datetime-local"' in body
    assert 'for="id_case_number"' in body and 'for="endpoint-search"' in body


@pytest.mark.parametrize("who", ["judge", "bailiff", "coordinator", "officer", "technician"])
def test_r8_only_a_secretary_opens_the_booking_form(world, client, who):
    user = getattr(world, who)
    assert page(client, user, "/hearings/new/").status_code == 403
    assert client.post("/hearings/new/", booking_data(world)).status_code == 403
    assert page(client, user, "/hearings/new/availability/").status_code == 403
    assert Hearing.objects.count() == 0


def test_r10_the_secretary_books_a_hearing_from_the_form(world, client):
    response = book(client, world.secretary, booking_data(world))
    hearing = Hearing.objects.get()
    assert response.status_code == 302 and response.url == f"/hearings/{hearing.pk}/"
    assert hearing.case_number == "2-555/2026" and hearing.status == "awaiting_decision"
    assert hearing.starts_at == at(3, 10) and hearing.duration_minutes == 90  # typed in Kazakhstan time
    assert [s.endpoint_id for s in hearing.remote_sites.all()] == [world.sizo_room.pk]
    people = list(hearing.participants.order_by("id"))
    assert [(p.full_name, p.mode) for p in people] == [("Серіков Асқар", "remote_site"),
                                                       ("Ахметова Дана", "mobile_vcs")]
    assert people[0].remote_site.endpoint_id == world.sizo_room.pk
    assert AuditEntry.objects.filter(hearing_id=hearing.pk, action="create_hearing", rule="R10").exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Hearing 2-555/2026 is booked; the judge now decides on holding it by VCS (R10)."]


def test_r10_a_refusal_lists_every_reason_with_409_and_keeps_what_was_typed(world, api, clock, client):
    Flow(world, api, clock, starts_at=at(3, 9, 30), remote=[world.other_sizo_room]).book()  # room 101 busy
    ok(set_status(api, world.sizo_technician, world.sizo_room, "faulty", "no picture"))
    ok(block(api, world.other_technician, world.other_room, at(3, 9), at(3, 12)), 201)
    data = booking_data(world, remote=[world.sizo_room, world.other_room])
    response = book(client, world.secretary, data)
    assert response.status_code == 409
    body = text(response)
    refusal = re.search(r'<div class="refusal" role="alert" id="refusal">(.*?)</div>', body, re.S).group(1)
    assert "R10: VCS is not technically possible for this slot." in refusal
    reasons = re.findall(r"<li>(.*?)</li>", refusal)
    assert len(reasons) == 3, reasons
    assert any("101" in r and "busy" in r for r in reasons)
    assert any("VCS-1" in r and "Faulty" in r and "R14" in r for r in reasons)
    assert any("— 5" in r and "closed for maintenance" in r for r in reasons)
    # What was typed is still there: case, time, sites, participants.
    assert 'value="2-555/2026"' in body and 'value="2026-12-03T10:00"' in body
    assert re.search(rf'<option value="{world.sizo_room.pk}"[^>]*selected', body)
    assert re.search(rf'<option value="{world.other_room.pk}"[^>]*selected', body)
    assert 'value="Серіков Асқар"' in body and 'value="+7 701 111 22 33"' in body
    site = re.search(r'<select name="participants-0-remote_endpoint_id".*?</select>', body, re.S).group(0)
    assert re.search(rf'<option value="{world.sizo_room.pk}" selected>', site)
    # The availability box beside the form explains the same slot endpoint by endpoint.
    assert 'data-possible="no"' in body
    assert Hearing.objects.count() == 1


def test_r10_a_missing_field_is_a_400_shown_next_to_the_field(world, client):
    response = book(client, world.secretary, booking_data(world, case=""))
    assert response.status_code == 400
    body = text(response)
    assert "Please correct the marked fields." in body
    field = re.search(r'<div class="field has-error">(.*?)</div>', body, re.S).group(1)
    assert 'name="case_number"' in field and "This field is required." in field
    assert Hearing.objects.count() == 0


def test_r10_a_service_field_error_lands_on_the_participants_row(world, client):
    people = [{"full_name": "Иванов Иван", "procedural_role": "witness", "mode": "mobile_vcs"}]
    response = book(client, world.secretary, booking_data(world, people=people))
    assert response.status_code == 400
    body = text(response)
    assert "Some participants are not filled in correctly." in body
    row = body.split("<legend>Participant 1</legend>")[1].split("</fieldset>")[0]
    assert "Mobile VCS needs a phone number or an e-mail." in row
    assert 'value="Иванов Иван"' in row
    assert Hearing.objects.count() == 0


def test_r10_a_hearing_on_a_petition_names_the_petition(world, client):
    client.force_login(world.secretary)
    client.post("/petitions/", {"case_number": "2-777/2026", "petitioner_name": "Ким Ольга",
                                "petitioner_role": "witness", "form": "written",
                                "requested_org_id": str(world.sizo.pk)})
    petition = Petition.objects.get()
    form = text(page(client, world.secretary, "/hearings/new/", petition=str(petition.pk)))
    assert 'value="2-777/2026"' in form and re.search(rf'<option value="{petition.pk}" selected>', form)
    response = book(client, world.secretary, booking_data(world, case="2-777/2026", basis="petition", petition_id=""))
    assert response.status_code == 400 and "No such petition of this court." in text(response)
    response = book(client, world.secretary, booking_data(world, case="2-777/2026", basis="petition",
                                                          petition_id=str(petition.pk)))
    assert response.status_code == 302
    assert Hearing.objects.get().petition_id == petition.pk


# ---- availability as the secretary types (R10) ---------------------------------------------

def check(client, user, **params):
    client.force_login(user)
    return client.get("/hearings/new/availability/", params, **HTMX)


def test_r10_availability_marks_each_endpoint_free_or_busy_with_every_reason(world, api, clock, client):
    Flow(world, api, clock, starts_at=at(3, 9, 30), remote=[world.other_sizo_room]).book()
    ok(set_status(api, world.other_technician, world.other_room, "maintenance"))
    response = check(client, world.secretary, courtroom_id=world.room.pk, starts_at="2026-12-03T10:00",
                     duration_minutes=60, remote_endpoint_ids=[world.sizo_room.pk, world.other_room.pk])
    assert response.status_code == 200
    body = text(response)
    assert body.strip().startswith('<section id="availability"') and "<html" not in body
    assert 'data-possible="no"' in body

    def item(endpoint):
        return re.search(rf'<li data-endpoint="{endpoint.pk}" data-free="(yes|no)">(.*?)</li>\s*(?=<li data-endpoint|</ul>\s*</section>)',
                         body, re.S)

    room, sizo, other = item(world.room), item(world.sizo_room), item(world.other_room)
    assert room.group(1) == "no" and "busy from 03.12.2026 09:00 to 03.12.2026 11:00" in room.group(2)
    assert sizo.group(1) == "yes" and "Free" in sizo.group(2)
    assert other.group(1) == "no" and "Under maintenance" in other.group(2)
    # Every reason the API gives for the same slot is on the page, each once.
    api_reasons = api_availability(api, world.secretary, courtroom=world.room,
                                   remote=[world.sizo_room, world.other_room], starts_at=at(3, 10),
                                   duration=60)["reasons"]
    assert len(api_reasons) == 2
    for reason in api_reasons:
        assert body.count(reason) == 1, reason


def test_r10_availability_says_when_the_slot_is_free(world, client):
    body = text(check(client, world.secretary, courtroom_id=world.room.pk, starts_at="2026-12-03T10:00",
                      duration_minutes=60, remote_endpoint_ids=[world.sizo_room.pk]))
    assert 'data-possible="yes"' in body and body.count('data-free="yes"') == 2
    assert "VCS is technically possible for this slot." in body


def test_r13_availability_for_today_names_the_test_session_rule(world, client):
    body = text(check(client, world.secretary, courtroom_id=world.room.pk, starts_at="2026-12-01T15:00",
                      duration_minutes=60, remote_endpoint_ids=[world.sizo_room.pk]))
    assert 'data-possible="no"' in body and "R13: a test session must be held" in body
    assert body.count('data-free="yes"') == 2  # the endpoints themselves are free


def test_r10_availability_waits_until_room_start_and_duration_are_given(world, client):
    body = text(check(client, world.secretary, courtroom_id=world.room.pk, starts_at="", duration_minutes=60))
    assert "Choose the courtroom, the start and the duration" in body and "data-possible" not in body
    # Someone else's courtroom is not a choice of this form.
    body = text(check(client, world.secretary, courtroom_id=world.other_room.pk, starts_at="2026-12-03T10:00",
                      duration_minutes=60))
    assert "data-possible" not in body


# ---- the booking form in the state language and in Russian ---------------------------------

@pytest.mark.parametrize("language, words", [
    ("kk", ["Қылмыстық", "Сотталушы", "Мобильді БКБ", "akmola-sizo соты"]),
    ("ru", ["Уголовное", "Подсудимый", "Мобильная ВКС", "Суд akmola-sizo"]),
])
def test_r10_the_booking_form_in_kazakh_and_russian(world, client, language, words):
    world.secretary.language = language
    world.secretary.save(update_fields=["language"])
    response = page(client, world.secretary, "/hearings/new/", language="en")
    assert response.status_code == 200
    body = text(response)
    assert f'<html lang="{language}">' in body
    for word in words:
        assert word in body, word
    refused = book(client, world.secretary, booking_data(world, case=""), language="en")
    assert refused.status_code == 400 and f'<html lang="{language}">' in text(refused)


# ---- petitions (R10, R23) ------------------------------------------------------------------

def petition_data(world, **changes) -> dict:
    data = {"case_number": "2-321/2026", "petitioner_name": "Омаров Ержан", "petitioner_role": "victim",
            "form": "written", "requested_org_id": str(world.other_court.pk), "filed_at": "2026-11-30T16:00"}
    data.update(changes)
    return data


def test_r10_the_secretary_records_a_petition_and_sees_it_listed(world, client):
    client.force_login(world.secretary)
    response = client.post("/petitions/", petition_data(world), follow=True)
    assert response.redirect_chain == [("/petitions/", 302)]
    petition = Petition.objects.get()
    assert (petition.court_id, petition.requested_org_id, petition.status) == (world.court.pk, world.other_court.pk,
                                                                               "pending")
    assert petition.filed_at == at(30, 16, month=11)
    body = text(response)
    assert "The petition in case 2-321/2026 is recorded; the judge decides on it." in body
    assert f'data-petition="{petition.pk}"' in body and "Омаров Ержан" in body and "30.11.2026 16:00" in body
    assert f'href="/hearings/new/?petition={petition.pk}"' in body


def test_r23_the_judge_records_an_oral_petition_for_mobile_vcs_and_sees_the_courts_petitions(world, client):
    client.force_login(world.judge)
    response = client.post("/petitions/", petition_data(world, form="oral", requested_org_id="", mobile_vcs="on",
                                                         filed_at=""))
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.mobile_vcs and petition.form == "oral" and petition.created_by_id == world.judge.pk
    body = text(page(client, world.judge, "/petitions/"))
    assert f'data-petition="{petition.pk}"' in body and "Mobile VCS" in body
    assert "/hearings/new/?petition=" not in body  # the judge does not book
    # Another court's judge does not see it.
    assert f'data-petition="{petition.pk}"' not in text(page(client, world.regional_judge, "/petitions/"))


def test_r10_a_petition_naming_no_place_and_no_mobile_vcs_is_refused_next_to_the_field(world, client):
    client.force_login(world.secretary)
    response = client.post("/petitions/", petition_data(world, requested_org_id=""))
    assert response.status_code == 400
    body = text(response)
    field = re.search(r'<div class="field has-error">(.*?)</div>', body, re.S).group(1)
    assert 'name="requested_org_id"' in field and "Required unless mobile VCS is asked for." in field
    assert 'value="Омаров Ержан"' in body
    assert Petition.objects.count() == 0


@pytest.mark.parametrize("who", ["bailiff", "coordinator", "officer", "technician"])
def test_r10_petitions_are_the_courts_secretary_and_judge_work(world, client, who):
    assert page(client, getattr(world, who), "/petitions/").status_code == 403
    assert client.post("/petitions/", petition_data(world)).status_code == 403
    assert Petition.objects.count() == 0
