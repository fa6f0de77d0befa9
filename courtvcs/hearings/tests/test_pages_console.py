"""The hearing page (console): what each person sees and may do, through the browser's
plain HTTP requests (HTMX and classic form posts)."""

import datetime as dt

import pytest

from courtvcs.audit.models import AuditEntry

from ..models import Hearing
from .flow import Flow


@pytest.fixture
def page(client):
    def open_as(user, hearing_id, language="en"):
        client.force_login(user)
        return client.get(f"/hearings/{hearing_id}/", HTTP_ACCEPT_LANGUAGE=language)
    return open_as


def post(client, user, hearing_id, action, data=None, htmx=True, language="en"):
    client.force_login(user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(f"/hearings/{hearing_id}/do/{action}/", data or {},
                       HTTP_ACCEPT_LANGUAGE=language, **headers)


def actions_on(response) -> set[str]:
    import re
    return set(re.findall(r'data-action="([a-z_]+)"', response.content.decode()))


def test_r10_the_judge_decides_from_the_hearing_page(world, api, clock, client, page):
    flow = Flow(world, api, clock)
    flow.book()
    assert "decide" in actions_on(page(world.judge, flow.hearing_id))
    assert "decide" not in actions_on(page(world.secretary, flow.hearing_id))

    response = post(client, world.judge, flow.hearing_id, "decide", {"hold_by_vcs": "yes", "reason": ""})
    assert response.status_code == 200
    assert 'data-status="awaiting_agreement"' in response.content.decode()
    assert Hearing.objects.get(pk=flow.hearing_id).status == "awaiting_agreement"
    assert AuditEntry.objects.filter(hearing_id=flow.hearing_id, action="decide").exists()


def test_r10_an_incomplete_form_is_a_400_and_keeps_what_was_typed(world, api, clock, client):
    flow = Flow(world, api, clock)
    flow.to("in_session")
    clock.move_to(flow.starts_at + dt.timedelta(minutes=5))
    response = post(client, world.secretary, flow.hearing_id, "report_fault",
                    {"description": "", "remote_site_id": ""})
    assert response.status_code == 400
    assert "Please correct the marked fields." in response.content.decode()
    assert Hearing.objects.get(pk=flow.hearing_id).faults.count() == 0


def test_r11_the_coordinator_agrees_from_the_hearing_page(world, api, clock, client, page):
    flow = Flow(world, api, clock)
    flow.book()
    flow.decide()
    assert "agree" in actions_on(page(world.coordinator, flow.hearing_id))
    response = post(client, world.coordinator, flow.hearing_id, "agree", {"answer": "agree"})
    assert response.status_code == 200
    assert Hearing.objects.get(pk=flow.hearing_id).status == "agreed"


def test_r15_connecting_too_early_is_refused_with_the_rule_in_the_persons_language(world, api, clock, client):
    flow = Flow(world, api, clock)
    flow.to("ready")
    clock.move_to(flow.starts_at - dt.timedelta(hours=2))
    world.secretary.language = "ru"  # the language she chose, over the browser's
    world.secretary.save(update_fields=["language"])
    response = post(client, world.secretary, flow.hearing_id, "connect", language="en")
    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="refusal"' in body and "R15:" in body
    assert "Соединение" in body  # the rule's message in Russian
    assert Hearing.objects.get(pk=flow.hearing_id).status == "ready"
    # Without HTMX the full page comes back with the same explanation.
    response = post(client, world.secretary, flow.hearing_id, "connect", htmx=False)
    assert response.status_code == 409 and "<html" in response.content.decode()


def test_r8_an_action_the_person_may_not_take_is_refused_and_changes_nothing(world, api, clock, client):
    flow = Flow(world, api, clock)
    flow.to("ready")
    clock.move_to(flow.starts_at - dt.timedelta(minutes=25))
    before = AuditEntry.objects.count()
    response = post(client, world.bailiff, flow.hearing_id, "connect")
    assert response.status_code == 403
    assert Hearing.objects.get(pk=flow.hearing_id).status == "ready"
    assert AuditEntry.objects.count() == before


def test_r6_another_courts_people_do_not_find_the_hearing_page(world, api, clock, client, page):
    flow = Flow(world, api, clock)
    flow.book()
    assert page(world.other_secretary, flow.hearing_id).status_code == 404
    assert post(client, world.other_secretary, flow.hearing_id, "cancel", {"reason": "x"}).status_code == 404
    assert page(world.other_coordinator, flow.hearing_id).status_code == 404
    assert Hearing.objects.get(pk=flow.hearing_id).status == "awaiting_decision"


def test_r5_the_coordinator_sees_the_hearing_but_not_the_participants_contacts(world, api, clock, page):
    flow = Flow(world, api, clock)
    flow.book()
    flow.decide()
    body = page(world.coordinator, flow.hearing_id).content.decode()
    assert "1-101/2026" in body
    assert "+7 701 111 22 33" not in body and "lawyer@example.kz" not in body
    assert "+7 701 111 22 33" in page(world.secretary, flow.hearing_id).content.decode()


def test_r21_the_hearing_page_shows_its_timeline_in_kazakhstan_time(world, api, clock, client):
    flow = Flow(world, api, clock)
    flow.book()
    client.force_login(world.secretary)
    response = client.get(f"/hearings/{flow.hearing_id}/timeline/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and 'id="timeline"' in body and "<html" not in body
    assert 'data-kind="booked"' in body
    assert "01.12.2026 09:00" in body  # booked at 09:00 Astana time (04:00 UTC)


@pytest.mark.parametrize("language, words", [("kk", "Қазір не істей аласыз"), ("ru", "Что можно сделать сейчас")])
def test_r10_the_hearing_page_speaks_kazakh_and_russian(world, api, clock, page, language, words):
    flow = Flow(world, api, clock)
    flow.book()
    world.secretary.language = language
    world.secretary.save(update_fields=["language"])
    body = page(world.secretary, flow.hearing_id, language=language).content.decode()
    assert f'lang="{language}"' in body
    assert words in body


def test_r23_the_judge_adjourns_from_the_page_with_each_partys_mode(world, api, clock, client):
    from ..models import Adjournment

    flow = Flow(world, api, clock)
    flow.to("in_session")
    people = {p.full_name: p for p in Hearing.objects.get(pk=flow.hearing_id).participants.all()}
    defendant, lawyer = people["Серіков Асқар"], people["Ахметова Дана"]
    response = post(client, world.judge, flow.hearing_id, "adjourn", {
        "reason": "The witness is ill",
        f"mode_{defendant.pk}": "vcs_court", f"org_{defendant.pk}": str(world.sizo.pk),
        f"mode_{lawyer.pk}": "mobile_vcs"})
    assert response.status_code == 200, response.content.decode()[:500]
    adjournment = Adjournment.objects.get(hearing_id=flow.hearing_id)
    modes = {c.participant_id: (c.mode, c.from_org_id) for c in adjournment.choices.all()}
    assert modes == {defendant.pk: ("vcs_court", world.sizo.pk), lawyer.pk: ("mobile_vcs", None)}
    assert Hearing.objects.get(pk=flow.hearing_id).status == "adjourned"


def test_r23_by_vcs_from_a_court_without_naming_it_is_shown_next_to_the_field(world, api, clock, client):
    flow = Flow(world, api, clock)
    flow.to("in_session")
    defendant = Hearing.objects.get(pk=flow.hearing_id).participants.get(full_name="Серіков Асқар")
    response = post(client, world.judge, flow.hearing_id, "adjourn", {f"mode_{defendant.pk}": "vcs_court"})
    assert response.status_code == 400
    assert Hearing.objects.get(pk=flow.hearing_id).status == "in_session"
