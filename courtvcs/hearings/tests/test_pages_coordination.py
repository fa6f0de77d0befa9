"""The coordinators' pages (R11, R12): the queue of agreement requests with agree / refuse /
propose, and the day and week timeline of every endpoint of the region (the Department:
of the country), through the browser's plain HTTP requests (HTMX and classic posts).

"Now" is Tuesday 1 December 2026, 09:00 Astana time; Flow books 3 December 10:00-11:30 in
courtroom 101 with the detention centre's VCS room, so both are held 09:30-11:30 (R15).
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courtvcs.audit.models import AuditEntry
from courtvcs.orgs.choices import EndpointStatus, Role
from courtvcs.orgs.models import EndpointBlock
from courtvcs.orgs.tests.factories import EndpointFactory, UserFactory
from courtvcs.suspensions.models import Suspension

from ..models import AgreementRequest, EndpointBooking, Hearing
from .flow import Flow
from .world import at

HTMX = {"HTTP_HX_REQUEST": "true"}


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.content.decode()[:3000])
    return response.json()


def page(client, user, url, language="en", **headers):
    client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language, **headers)


def answer(client, user, request_id, what, data=None, htmx=True, language="en"):
    client.force_login(user)
    return client.post(f"/queue/{request_id}/{what}/", data or {}, HTTP_ACCEPT_LANGUAGE=language,
                       **(HTMX if htmx else {}))


def pending_request(hearing_id) -> AgreementRequest:
    return AgreementRequest.objects.get(hearing_id=hearing_id, status="pending")


def row_of(body: str, request_id: int) -> str:
    match = re.search(rf'<tr id="agreement-{request_id}".*?</tr>', body, re.S)
    assert match, body[:3000]
    return match.group(0)


def waiting(world, api, clock, **changes) -> Flow:
    """A first-instance hearing of the Kokshetau court awaiting the regional coordinator (R11)."""
    flow = Flow(world, api, clock)
    flow.book(**changes)
    flow.decide()
    return flow


def cassation(world, api, *, starts_at=None) -> int:
    """A cassation hearing of the Supreme Court awaiting the Department's coordinator (R12)."""
    w = world
    body = ok(api(w.supreme_secretary).post("/hearings", {
        "case_number": "6001-26-00-4ук/12", "category": "criminal", "instance": "cassation",
        "courtroom_id": w.supreme_room.pk, "judge_id": w.supreme_judge.pk,
        "starts_at": (starts_at or at(4, 15)).isoformat(), "duration_minutes": 60,
        "remote_endpoint_ids": [w.sizo_room.pk],
        "participants": [{"full_name": "Жақсылықов Ерлан", "procedural_role": "convict",
                          "mode": "remote_site", "remote_endpoint_id": w.sizo_room.pk}]}), 201)
    ok(api(w.supreme_judge).post(f"/hearings/{body['id']}/decision", {"hold_by_vcs": True}))
    return body["id"]


def karaganda(world, api, *, remote=None, starts_at=None, case_number="2-555/2026") -> int:
    """A hearing of the Karaganda city court (another region), booked and awaiting the judge."""
    w = world
    judge = UserFactory(username="karjudge", role=Role.JUDGE, organisation=w.other_court)
    remote = remote or w.other_sizo_room
    body = ok(api(w.other_secretary).post("/hearings", {
        "case_number": case_number, "category": "civil", "instance": "first",
        "courtroom_id": w.other_room.pk, "judge_id": judge.pk,
        "starts_at": (starts_at or at(3, 14)).isoformat(), "duration_minutes": 60,
        "remote_endpoint_ids": [remote.pk],
        "participants": [{"full_name": "Петров Пётр", "procedural_role": "plaintiff",
                          "mode": "remote_site", "remote_endpoint_id": remote.pk}]}), 201)
    return body["id"]


# ---- who opens the pages ------------------------------------------------------------------

@pytest.mark.parametrize("who", ["secretary", "judge", "bailiff", "technician", "office_head", "officer",
                                 "sizo_technician"])
def test_r11_the_queue_and_the_board_are_only_for_coordinators(world, api, clock, client, who):
    flow = waiting(world, api, clock)
    request = pending_request(flow.hearing_id)
    user = getattr(world, who)
    assert page(client, user, "/queue/").status_code == 403
    assert page(client, user, "/board/").status_code == 403
    assert answer(client, user, request.pk, "agree").status_code == 403
    assert Hearing.objects.get(pk=flow.hearing_id).status == "awaiting_agreement"


def test_r11_the_pages_need_a_signed_in_person(world, client):
    assert client.get("/queue/").status_code == 302
    assert client.get("/board/").status_code == 302


def test_r11_the_regional_coordinator_sees_the_requests_of_her_region(world, api, clock, client):
    flow = waiting(world, api, clock)
    cassation(world, api)
    body = page(client, world.coordinator, "/queue/").content.decode()
    row = row_of(body, pending_request(flow.hearing_id).pk)
    assert "1-101/2026" in row and world.court.name_en in row
    assert "03.12.2026 10:00" in row and "11:30" in row          # the slot asked for, Kazakhstan time
    assert "VCS-1" in row and world.sizo.name_en in row and "101" in row  # the endpoints
    assert 'class="rule">R11<' in row
    assert "0\xa0minutes" in row and "01.12.2026 09:00" in row       # how long it has waited, since when
    assert 'data-answer-button="agree"' in row and 'data-answer-button="refuse"' in row
    assert 'type="datetime-local"' in row
    assert "6001-26-00-4ук/12" not in body                        # cassation goes to the Department (R12)

    clock.move_to(at(2, 11, 30))
    row = row_of(page(client, world.coordinator, "/queue/").content.decode(), pending_request(flow.hearing_id).pk)
    assert "1\xa0day, 2\xa0hours" in row and 'class="waited long"' in row

    assert "1-101/2026" not in page(client, world.other_coordinator, "/queue/").content.decode()
    assert "No request waits for your answer." in page(client, world.other_coordinator, "/queue/").content.decode()


def test_r12_the_department_coordinator_sees_the_cassation_requests(world, api, clock, client):
    waiting(world, api, clock)
    hearing_id = cassation(world, api)
    body = page(client, world.dep_coordinator, "/queue/").content.decode()
    row = row_of(body, pending_request(hearing_id).pk)
    assert "6001-26-00-4ук/12" in row and 'class="rule">R12<' in row and world.supreme.name_en in row
    assert "1-101/2026" not in body                               # first instance: the region's (R11)
    assert "(R12)" in body


# ---- answering from the queue -------------------------------------------------------------

def test_r11_coordinator_agrees_from_the_queue_page(world, api, clock, client):
    flow = waiting(world, api, clock)
    request = pending_request(flow.hearing_id)
    response = answer(client, world.coordinator, request.pk, "agree")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="agreement-{request.pk}"')  # the row, replaced in place
    assert 'data-answer="agreed"' in body and "Agreed: the secretary and the judge are told." in body
    assert 'data-answer-button' not in body                        # nothing left to answer
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("agreed", world.coordinator)
    assert Hearing.objects.get(pk=flow.hearing_id).status == "agreed"
    assert AuditEntry.objects.filter(hearing_id=flow.hearing_id, action="agreement_agree", rule="R11").exists()
    assert "1-101/2026" not in page(client, world.coordinator, "/queue/").content.decode()


def test_r11_refusing_needs_a_reason_shown_next_to_the_field(world, api, clock, client):
    flow = waiting(world, api, clock)
    request = pending_request(flow.hearing_id)
    response = answer(client, world.coordinator, request.pk, "refuse", {f"r{request.pk}-reason": "  "})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Please correct the marked fields." in body and 'class="field has-error"' in body
    assert "<details open>" in body                                # the refusal form stays open
    assert Hearing.objects.get(pk=flow.hearing_id).status == "awaiting_agreement"

    reason = "Зал ВКС СИЗО занят этапированием"
    response = answer(client, world.coordinator, request.pk, "refuse", {f"r{request.pk}-reason": reason})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-answer="refused"' in body and reason in body
    request.refresh_from_db()
    assert (request.status, request.reason) == ("refused", reason)
    assert Hearing.objects.get(pk=flow.hearing_id).status == "refused"
    assert not EndpointBooking.objects.filter(hearing_id=flow.hearing_id, active=True).exists()


def test_r11_coordinator_proposes_another_time_from_the_queue_page(world, api, clock, client):
    flow = waiting(world, api, clock)
    request = pending_request(flow.hearing_id)
    response = answer(client, world.coordinator, request.pk, "propose", {
        f"p{request.pk}-proposed_starts_at": "2026-12-04T11:00", f"p{request.pk}-reason": "утром занято"})
    assert response.status_code == 200, response.content.decode()
    body = response.content.decode()
    assert 'data-answer="proposed"' in body and "04.12.2026 11:00" in body
    request.refresh_from_db()
    assert (request.status, request.proposed_starts_at) == ("proposed", at(4, 11))  # read as Kazakhstan time
    assert Hearing.objects.get(pk=flow.hearing_id).status == "slot_proposed"


def test_r10_a_proposed_time_that_is_not_possible_is_refused_in_the_row(world, api, clock, client):
    flow = waiting(world, api, clock)
    Flow(world, api, clock, starts_at=at(4, 11)).book(courtroom_id=world.room2.pk, case_number="1-202/2026")
    request = pending_request(flow.hearing_id)
    typed = "2026-12-04T11:00"
    response = answer(client, world.coordinator, request.pk, "propose", {f"p{request.pk}-proposed_starts_at": typed})
    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="refusal"' in body and "R10:" in body and "VCS-1" in body and "is busy" in body
    assert f'value="{typed}"' in body                             # what was typed stays
    assert 'data-answer-button="agree"' in body                   # the request can still be answered
    assert Hearing.objects.get(pk=flow.hearing_id).status == "awaiting_agreement"


def test_r11_an_answer_to_a_request_already_answered_is_refused_in_the_row(world, api, clock, client):
    flow = waiting(world, api, clock)
    request = pending_request(flow.hearing_id)
    page(client, world.coordinator, "/queue/")
    flow.agree()                                                  # meanwhile, through the API
    response = answer(client, world.coordinator, request.pk, "refuse", {f"r{request.pk}-reason": "занято"})
    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="refusal"' in body and "R11: This cannot be done while the hearing is “Agreed”." in body
    assert 'data-answer="agreed"' in body                         # the row now says what was answered
    assert Hearing.objects.get(pk=flow.hearing_id).status == "agreed"
    assert AgreementRequest.objects.get(pk=request.pk).status == "agreed"


def test_r12_a_late_answer_to_a_cassation_request_names_r12(world, api, clock, client):
    hearing_id = cassation(world, api)
    request = pending_request(hearing_id)
    ok(api(world.dep_coordinator).post(f"/hearings/{hearing_id}/agreement", {"answer": "agree"}))
    response = answer(client, world.dep_coordinator, request.pk, "propose",
                      {f"p{request.pk}-proposed_starts_at": "2026-12-07T10:00"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "R12: This cannot be done while the hearing is “Agreed”." in body and "R11" not in body
    assert Hearing.objects.get(pk=hearing_id).status == "agreed"


def test_r12_the_department_agrees_a_cassation_slot_from_the_queue(world, api, clock, client):
    hearing_id = cassation(world, api)
    request = pending_request(hearing_id)
    response = answer(client, world.dep_coordinator, request.pk, "agree")
    assert response.status_code == 200 and 'data-answer="agreed"' in response.content.decode()
    assert Hearing.objects.get(pk=hearing_id).status == "agreed"
    assert AuditEntry.objects.filter(hearing_id=hearing_id, action="agreement_agree", rule="R12").exists()


def test_r11_another_regions_coordinator_cannot_answer_the_request(world, api, clock, client):
    flow = waiting(world, api, clock)
    request = pending_request(flow.hearing_id)
    assert answer(client, world.other_coordinator, request.pk, "agree").status_code == 404
    assert answer(client, world.dep_coordinator, request.pk, "agree").status_code == 404
    assert answer(client, world.coordinator, request.pk, "maybe").status_code == 404
    assert Hearing.objects.get(pk=flow.hearing_id).status == "awaiting_agreement"


def test_r11_without_htmx_the_answer_redirects_back_to_the_queue(world, api, clock, client):
    flow = waiting(world, api, clock)
    request = pending_request(flow.hearing_id)
    response = answer(client, world.coordinator, request.pk, "refuse", {f"r{request.pk}-reason": ""}, htmx=False)
    assert response.status_code == 400
    body = response.content.decode()
    assert "<h1>Agreement requests</h1>" in body and 'class="field has-error"' in body  # the whole page
    response = answer(client, world.coordinator, request.pk, "agree", htmx=False)
    assert response.status_code == 302 and response["Location"] == "/queue/"
    body = client.get("/queue/").content.decode()
    assert "Agreed: the secretary and the judge are told." in body
    assert Hearing.objects.get(pk=flow.hearing_id).status == "agreed"


def test_r11_the_queue_reads_in_a_fixed_number_of_queries(world, api, clock, client):
    waiting(world, api, clock)
    client.force_login(world.coordinator)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/queue/").status_code == 200
    one = len(captured)  # now: the next request empties Django's query log
    for n, (room, remote, start) in enumerate([(world.room2, world.burabay_room, at(3, 10)),
                                               (world.room, world.regional_room, at(4, 10)),
                                               (world.room2, world.sizo_room, at(4, 14))]):
        Flow(world, api, clock, starts_at=start, remote=[remote]).book(
            courtroom_id=room.pk, case_number=f"1-{300 + n}/2026")
        ok(api(world.judge).post(f"/hearings/{Hearing.objects.latest('pk').pk}/decision", {"hold_by_vcs": True}))
    with CaptureQueriesContext(connection) as many:
        body = client.get("/queue/").content.decode()
    assert body.count('data-answer="pending"') == 4
    assert len(many) == one, [q["sql"] for q in many.captured_queries]


# ---- the board --------------------------------------------------------------------------

def track_of(body: str, endpoint) -> str:
    match = re.search(rf'<tr data-endpoint="{endpoint.pk}"[^>]*>.*?</tr>', body, re.S)
    assert match, f"no row for endpoint {endpoint}"
    return match.group(0)


def test_r11_the_board_shows_the_endpoints_and_bookings_of_the_region_only(world, api, clock, client):
    flow = waiting(world, api, clock)
    karaganda(world, api)
    crossing = karaganda(world, api, remote=world.sizo_room, starts_at=at(3, 16), case_number="2-777/2026")
    body = page(client, world.coordinator, "/board/?date=2026-12-03").content.decode()
    for endpoint in (world.room, world.room2, world.regional_room, world.burabay_room, world.sizo_room):
        track_of(body, endpoint)
    for endpoint in (world.other_room, world.other_sizo_room, world.supreme_room):
        assert f'data-endpoint="{endpoint.pk}"' not in body
    assert "2-555/2026" not in body
    room = track_of(body, world.room)
    assert f'href="/hearings/{flow.hearing_id}/"' in room and "<b>1-101/2026</b>" in room
    # Karaganda's hearing holds Akmola's detention centre: seen there, but not hers to open.
    sizo = track_of(body, world.sizo_room)
    assert "<b>2-777/2026</b>" in sizo and f"/hearings/{crossing}/" not in sizo
    assert world.region.name_en in body

    other = page(client, world.other_coordinator, "/board/?date=2026-12-03").content.decode()
    assert "<b>2-555/2026</b>" in track_of(other, world.other_room)
    assert f'data-endpoint="{world.room.pk}"' not in other and "1-101/2026" not in other


def test_r12_the_department_sees_the_whole_country_and_filters_by_region(world, api, clock, client):
    waiting(world, api, clock)
    karaganda(world, api)
    body = page(client, world.dep_coordinator, "/board/?date=2026-12-03").content.decode()
    assert "The whole country" in body
    for endpoint in (world.room, world.other_room, world.supreme_room, world.other_sizo_room):
        track_of(body, endpoint)
    assert "<b>1-101/2026</b>" in body and "<b>2-555/2026</b>" in body
    assert '<select id="board-region" name="region">' in body
    body = page(client, world.dep_coordinator, "/board/?date=2026-12-03&region=karaganda").content.decode()
    assert "<b>2-555/2026</b>" in body and "1-101/2026" not in body
    assert f'data-endpoint="{world.room.pk}"' not in body
    assert '<option value="karaganda" selected>' in body
    # A regional coordinator's board stays on her region whatever the address says.
    body = page(client, world.coordinator, "/board/?date=2026-12-03&region=karaganda").content.decode()
    assert "2-555/2026" not in body and "<b>1-101/2026</b>" in body and "board-region" not in body


def test_r11_the_board_places_and_colours_each_booking_by_state(world, api, clock, client):
    flow = waiting(world, api, clock)                                  # 09:30-11:30, awaiting agreement
    agreed = Flow(world, api, clock, starts_at=at(3, 14), remote=[world.burabay_room])
    agreed.book(courtroom_id=world.room2.pk, case_number="1-202/2026")
    agreed.decide()
    agreed.agree()
    ok(api(world.technician).post(f"/endpoints/{world.room2.pk}/blocks", {
        "starts_at": at(3, 16).isoformat(), "ends_at": at(3, 18).isoformat(), "reason": "замена кодека"}), 201)
    ok(api(world.technician).post(f"/endpoints/{world.room.pk}/status", {"status": "faulty", "note": "нет звука"}))
    Suspension.objects.create(institution=world.sizo, reason="natural_disaster", starts_at=at(3, 13),
                              declared_by=world.officer, declared_at=at(1, 9))

    body = page(client, world.coordinator, "/board/?date=2026-12-03").content.decode()
    room = track_of(body, world.room)
    assert 'class="state-faulty"' in room and 'data-endpoint-status="faulty">Faulty<' in room
    assert ('<a class="bk warn" href="/hearings/%d/" style="left:13.64%%;width:18.18%%"' % flow.hearing_id) in room
    assert 'data-status="awaiting_agreement"' in room and "Awaiting the coordinator&#x27;s agreement" in room
    room2 = track_of(body, world.room2)
    assert "state-" not in room2                                       # operable
    assert '<a class="bk ok"' in room2 and 'data-status="agreed"' in room2 and "<b>1-202/2026</b>" in room2
    assert '<span class="blk" style="left:72.73%;width:18.18%"' in room2 and "Maintenance" in room2
    sizo = track_of(body, world.sizo_room)
    assert '<span class="sus" style="left:45.45%;width:54.55%"' in sizo and "VCS suspended (R24)" in sizo
    free = track_of(body, world.regional_room)
    assert '<td class="track"></td>' in free                           # nothing: free all day
    assert "Free" in body and "Maintenance period" in body and "Booked: Agreed, Ready" in body


def test_r11_the_week_view_shows_seven_days_and_navigates(world, api, clock, client):
    flow = waiting(world, api, clock)
    Flow(world, api, clock, starts_at=at(4, 14), remote=[world.burabay_room]).book(
        courtroom_id=world.room2.pk, case_number="1-202/2026")
    body = page(client, world.coordinator, "/board/?view=week&date=2026-12-03").content.decode()
    assert "30.11.2026" in body and "06.12.2026" in body              # Monday to Sunday
    assert body.count('hx-get="/board/?view=day&amp;date=') == 7 + 1  # a day per column, and "Day"
    assert 'style="--cols: 7"' in body
    # Thursday (day 4 of 7) 09:30-11:30 on a 08:00-19:00 day: (3*11 + 1.5) / 77 hours.
    assert 'style="left:44.81%;width:2.60%"' in track_of(body, world.room)
    assert f'href="/hearings/{flow.hearing_id}/"' in body and "<b>1-202/2026</b>" in body
    assert 'href="/board/?view=week&amp;date=2026-11-26"' in body     # previous week
    assert 'href="/board/?view=week&amp;date=2026-12-10"' in body     # next week
    assert 'href="/board/?view=week&amp;date=2026-12-01"' in body     # this week (today)
    day = page(client, world.coordinator, "/board/?date=2026-12-04").content.decode()
    assert "<b>1-202/2026</b>" in day and "1-101/2026" not in day
    assert 'href="/board/?view=day&amp;date=2026-12-03"' in day and 'href="/board/?view=day&amp;date=2026-12-05"' in day
    # HTMX navigation gets the board alone; a wrong date means today.
    part = page(client, world.coordinator, "/board/?view=week&date=2026-12-03", **HTMX).content.decode()
    assert part.lstrip().startswith('<div id="board"') and "<html" not in part
    today = page(client, world.coordinator, "/board/?date=soon").content.decode()
    assert "01.12.2026" in today and '<span class="now" style="left:9.09%"' in today  # 09:00 on 08:00-19:00


def test_r11_the_board_and_queue_show_no_personal_data(world, api, clock, client):
    waiting(world, api, clock)
    karaganda(world, api, remote=world.sizo_room, starts_at=at(3, 15))
    personal = ["Серіков", "Ахметова", "+7 701", "lawyer@example.kz", "Петров"]
    for url in ("/board/?date=2026-12-03", "/board/?view=week&date=2026-12-03", "/queue/"):
        body = page(client, world.coordinator, url).content.decode()
        assert not [p for p in personal if p in body], url
    body = page(client, world.dep_coordinator, "/board/?view=week&date=2026-12-03").content.decode()
    assert not [p for p in personal if p in body]


def _more_bookings(world, api, clock):
    """Eight more hearings on more endpoints of the region, a maintenance block and a suspension."""
    extra = [EndpointFactory(organisation=world.burabay_court, room_number=f"B{i}") for i in range(3)]
    slots = [(world.room2, world.burabay_room, at(3, 8)), (world.room, world.regional_room, at(3, 13)),
             (world.room2, extra[0], at(3, 11)), (world.room, extra[1], at(3, 16)),
             (world.room2, extra[2], at(4, 9)), (world.room, world.burabay_room, at(4, 12)),
             (world.room2, world.sizo_room, at(4, 15)), (world.room, extra[0], at(5, 10))]
    for n, (room, remote, start) in enumerate(slots):
        Flow(world, api, clock, starts_at=start, remote=[remote]).book(
            courtroom_id=room.pk, case_number=f"1-{400 + n}/2026")
    EndpointBlock.objects.create(endpoint=extra[2], starts_at=at(3, 8), ends_at=at(3, 12), reason="ремонт")
    Suspension.objects.create(institution=world.sizo, reason="natural_disaster", starts_at=at(2, 13),
                              declared_by=world.officer, declared_at=at(1, 9))


@pytest.mark.parametrize("who, url", [
    ("coordinator", "/board/?date=2026-12-03"),
    ("coordinator", "/board/?view=week&date=2026-12-03"),
    ("dep_coordinator", "/board/?view=week&date=2026-12-03"),
    ("dep_coordinator", "/board/?view=week&date=2026-12-03&region=akmola"),
])
def test_r11_the_board_reads_in_a_fixed_number_of_queries(world, api, clock, client,
                                                          django_assert_max_num_queries, who, url):
    waiting(world, api, clock)
    client.force_login(getattr(world, who))
    with CaptureQueriesContext(connection) as captured:
        body = client.get(url).content.decode()
    one = len(captured)  # now: the next request empties Django's query log
    assert body.count('class="bk ') == 2 and one <= 10
    _more_bookings(world, api, clock)
    with django_assert_max_num_queries(one):
        body = client.get(url).content.decode()
    assert body.count('class="bk ') > 2 and 'class="blk"' in body and 'class="sus"' in body


# ---- languages ------------------------------------------------------------------------

@pytest.mark.parametrize("language, texts", [
    ("kk", ["БКБ үйлестірушісінің келісуін күтуде", "Сот отырысының залы", "akmola-kokshetau-court соты"]),
    ("ru", ["Ожидает согласования координатора ВКС", "Зал судебного заседания", "Суд akmola-kokshetau-court"]),
])
def test_r11_the_coordinators_pages_speak_kazakh_and_russian(world, api, clock, client, language, texts):
    flow = waiting(world, api, clock)
    world.room2.status = EndpointStatus.FAULTY
    world.room2.save(update_fields=["status"])
    world.coordinator.language = ""                                   # no choice yet: the browser's language
    world.coordinator.save(update_fields=["language"])
    board = page(client, world.coordinator, "/board/?date=2026-12-03", language=language).content.decode()
    assert f'<html lang="{language}">' in board
    assert not [t for t in texts if t not in board], language
    assert {"kk": "Ақаулы", "ru": "Неисправно"}[language] in track_of(board, world.room2)
    week = page(client, world.coordinator, "/board/?view=week&date=2026-12-03", language=language).content.decode()
    assert {"kk": "Дб 30.11", "ru": "Пн 30.11"}[language] in week      # the days' names in the language
    queue = page(client, world.coordinator, "/queue/", language=language).content.decode()
    assert f'<html lang="{language}">' in queue and texts[2] in queue
    assert {"kk": "Қылмыстық", "ru": "Уголовное"}[language] in row_of(queue, pending_request(flow.hearing_id).pk)
    # Once chosen, the language sticks to the person, whatever the browser asks for.
    world.coordinator.language = language
    world.coordinator.save(update_fields=["language"])
    assert f'<html lang="{language}">' in page(client, world.coordinator, "/queue/", language="en").content.decode()
