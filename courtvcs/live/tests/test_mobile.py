"""R17, R20: a participant on mobile VCS joins through a personal link of their own, checks
camera, microphone and network, and waits to be admitted.

The secretary issues links over the page endpoint (HTMX), as the hearing console does; the
participant is an anonymous browser (a Django test Client without a signed-in user).
"""

import asyncio
import base64
import datetime as dt
import hashlib
import json
import logging
import re

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core import mail
from django.test import Client

from courtvcs.audit.models import AuditEntry
from courtvcs.hearings.models import Participant, TimelineEvent
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at
from courtvcs.live.logredact import RedactMobileTokens
from courtvcs.live.models import MobileLink
from courtvcs.live.services import mobile

TOKEN_IN_PAGE = re.compile(r"/m/([A-Za-z0-9_-]+)/")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def booked(world, api, clock, **kwargs) -> Flow:
    flow = Flow(world, api, clock, **kwargs)
    flow.book()
    return flow


def person(flow, role: str) -> Participant:
    return Participant.objects.get(hearing_id=flow.hearing_id, procedural_role=role)


def issue(user, flow, participant, *, htmx: bool = True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return signed_in(user).post(
        f"/live/hearings/{flow.hearing_id}/participants/{participant.pk}/link/", **headers)


def issued_token(world, flow, participant) -> str:
    response = issue(world.secretary, flow, participant)
    assert response.status_code == 200, response.content.decode()
    return TOKEN_IN_PAGE.search(response.content.decode()).group(1)


def revoke(user, link):
    return signed_in(user).post(f"/live/mobile-links/{link.pk}/revoke/", HTTP_HX_REQUEST="true")


def opened(token: str, language: str = "ru") -> tuple[Client, object]:
    browser = Client(HTTP_ACCEPT_LANGUAGE=language)
    return browser, browser.get(f"/m/{token}/")


def test_r17_personal_link_has_at_least_128_random_bits_and_only_its_hash_is_stored(world, api, clock):
    flow = booked(world, api, clock)
    lawyer = person(flow, "defence_lawyer")
    token = issued_token(world, flow, lawyer)

    random_bytes = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(random_bytes) * 8 >= 128
    link = MobileLink.objects.get(participant=lawyer)
    assert link.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    stored = json.dumps(list(MobileLink.objects.values()), default=str)
    assert token not in stored

    tokens = {mobile.issue_link(actor=world.secretary, hearing_id=flow.hearing_id,
                                participant_id=lawyer.pk)[1] for _ in range(20)}
    assert len(tokens) == 20


def test_r17_link_is_bound_to_its_participant_and_hearing(world, api, clock):
    flow = booked(world, api, clock)
    other = booked(world, api, clock, starts_at=at(4, 15), remote=[world.sizo_room])
    lawyer, other_lawyer = person(flow, "defence_lawyer"), person(other, "defence_lawyer")
    token = issued_token(world, flow, lawyer)

    browser, answer = opened(token)
    assert answer.status_code == 302
    link = mobile.link_for_session(browser.session)
    assert (link.hearing_id, link.participant_id) == (flow.hearing_id, lawyer.pk)
    page = browser.get("/live/join/").content.decode()
    assert lawyer.full_name in page and "1-101/2026" in page

    # A participant of one hearing cannot be given a link to another.
    answer = signed_in(world.secretary).post(
        f"/live/hearings/{other.hearing_id}/participants/{lawyer.pk}/link/", HTTP_HX_REQUEST="true")
    assert answer.status_code == 404
    assert not MobileLink.objects.filter(hearing_id=other.hearing_id).exists()
    assert other_lawyer.mobile_links.count() == 0


def test_r17_link_expires_after_the_hearing(world, api, clock):
    flow = booked(world, api, clock)
    token = issued_token(world, flow, person(flow, "defence_lawyer"))
    link = MobileLink.objects.get(participant__procedural_role="defence_lawyer")
    hearing_ends = flow.starts_at + dt.timedelta(minutes=90)
    assert link.expires_at == hearing_ends + dt.timedelta(minutes=settings.COURTVCS_MOBILE_LINK_GRACE_MINUTES)

    clock.move_to(link.expires_at - dt.timedelta(minutes=1))
    browser, answer = opened(token)
    assert answer.status_code == 302
    assert browser.get("/live/join/").status_code == 200

    clock.move_to(link.expires_at + dt.timedelta(minutes=1))
    assert browser.get("/live/join/").status_code == 403      # the session ends with the link
    assert mobile.link_for_session(browser.session) is None
    assert opened(token)[1].status_code == 410


def test_r17_link_stops_opening_when_the_hearing_will_not_be_held(world, api, clock):
    flow = booked(world, api, clock)
    lawyer = person(flow, "defence_lawyer")
    token = issued_token(world, flow, lawyer)
    assert api(world.judge).post(flow.url("/decision"), {"hold_by_vcs": False}).status_code == 200

    assert opened(token)[1].status_code == 410
    answer = issue(world.secretary, flow, lawyer)
    assert answer.status_code == 409
    assert "R17" in answer.content.decode()


def test_r17_revoked_link_no_longer_opens_and_the_session_ends(world, api, clock,
                                                                django_capture_on_commit_callbacks):
    flow = booked(world, api, clock)
    token = issued_token(world, flow, person(flow, "defence_lawyer"))
    browser, _answer = opened(token)
    assert browser.get("/live/join/").status_code == 200
    link = MobileLink.objects.get(participant__procedural_role="defence_lawyer")
    # The call's signalling consumer listens on the link's group.
    layer = get_channel_layer()
    call = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(f"live.mobile.{link.pk}", call)

    with django_capture_on_commit_callbacks(execute=True):
        answer = revoke(world.secretary, link)
    assert answer.status_code == 200
    assert "data-link-state=\"none\"" in answer.content.decode()

    told = async_to_sync(asyncio.wait_for)(layer.receive(call), 2)
    assert told == {"type": "link.revoked"}
    ended = browser.get("/live/join/")
    assert ended.status_code == 403 and 'data-link-page="closed"' in ended.content.decode()
    assert mobile.link_for_session(browser.session) is None
    assert opened(token)[1].status_code == 410
    revoked = TimelineEvent.objects.get(hearing_id=flow.hearing_id, kind="mobile_link_revoked")
    assert (revoked.rule, revoked.actor, revoked.data["link"]) == ("R17", world.secretary, link.pk)
    # Revoking twice is refused, naming the rule.
    again = revoke(world.secretary, link)
    assert again.status_code == 409 and "R17" in again.content.decode()


def test_r17_token_is_exchanged_for_a_session_and_leaves_the_address_bar(world, api, clock):
    flow = booked(world, api, clock)
    token = issued_token(world, flow, person(flow, "defence_lawyer"))
    browser = Client(HTTP_ACCEPT_LANGUAGE="ru")
    browser.get("/live/join/")                              # a session before the link
    before = browser.cookies.get(settings.SESSION_COOKIE_NAME)

    answer = browser.get(f"/m/{token}/")
    assert answer.status_code == 302
    assert answer["Location"] == "/live/join/"
    assert token not in answer["Location"]
    assert answer["Referrer-Policy"] == "same-origin"
    assert "no-store" in answer["Cache-Control"]
    link = MobileLink.objects.get(participant__procedural_role="defence_lawyer")
    assert browser.session[mobile.SESSION_KEY] == link.pk
    assert before is None or browser.cookies[settings.SESSION_COOKIE_NAME].value != before.value

    page = browser.get(answer["Location"])
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert token not in page.content.decode()
    link.refresh_from_db()
    assert link.first_used_at is not None and link.last_used_at is not None


@pytest.mark.parametrize("who, status", [("judge", 403), ("officer", 403), ("technician", 403),
                                         ("other_secretary", 404)])
def test_r17_only_the_court_secretary_issues_links(world, api, clock, who, status):
    flow = booked(world, api, clock)
    lawyer = person(flow, "defence_lawyer")

    answer = issue(getattr(world, who), flow, lawyer)
    assert answer.status_code == status
    assert not MobileLink.objects.exists()
    issued_token(world, flow, lawyer)
    link = MobileLink.objects.get()
    assert revoke(getattr(world, who), link).status_code == status
    link.refresh_from_db()
    assert link.revoked_at is None


def test_r17_the_console_offers_links_to_the_courts_secretary_only(world, api, clock):
    flow = booked(world, api, clock)
    lawyer = person(flow, "defence_lawyer")
    page = signed_in(world.secretary).get(f"/hearings/{flow.hearing_id}/").content.decode()
    assert page.count('data-action="issue_mobile_link"') == 1      # the lawyer, not the defendant
    assert f"/live/hearings/{flow.hearing_id}/participants/{lawyer.pk}/link/" in page
    judges = signed_in(world.judge).get(f"/hearings/{flow.hearing_id}/").content.decode()
    assert 'data-action="issue_mobile_link"' not in judges
    assert 'data-link-state="none"' in judges

    token = issued_token(world, flow, lawyer)
    again = signed_in(world.secretary).get(f"/hearings/{flow.hearing_id}/").content.decode()
    assert token not in again                                 # shown once, at issue
    assert 'data-link-state="issued"' in again and 'data-action="revoke_mobile_link"' in again


def test_r17_link_only_for_a_mobile_vcs_participant(world, api, clock):
    flow = booked(world, api, clock)
    defendant = person(flow, "defendant")                     # at the detention centre

    answer = issue(world.secretary, flow, defendant)
    assert answer.status_code == 409
    assert "R17" in answer.content.decode()
    with pytest.raises(mobile.RuleViolation) as refused:
        mobile.issue_link(actor=world.secretary, hearing_id=flow.hearing_id, participant_id=defendant.pk)
    assert refused.value.rule == "R17"
    assert not MobileLink.objects.exists()


def test_r17_link_is_emailed_and_shown_to_the_secretary_once(world, api, clock,
                                                             django_capture_on_commit_callbacks):
    flow = booked(world, api, clock, remote=[])              # a witness with a phone only, and the lawyer
    witness, lawyer = person(flow, "witness"), person(flow, "defence_lawyer")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        shown = issue(world.secretary, flow, lawyer)
        by_phone = issue(world.secretary, flow, witness)
    token = TOKEN_IN_PAGE.search(shown.content.decode()).group(1)
    [letter] = mail.outbox
    assert letter.to == ["lawyer@example.kz"]
    assert f"http://testserver/m/{token}/" in letter.body
    assert "1-101/2026" in letter.subject and "03.12.2026 10:00" in letter.body
    assert "no-store" in shown["Cache-Control"]
    assert TOKEN_IN_PAGE.search(by_phone.content.decode())    # to be read out or sent by SMS
    issued = TimelineEvent.objects.filter(hearing_id=flow.hearing_id, kind="mobile_link_issued")
    assert [(e.rule, e.data["participant"], e.data["emailed"]) for e in issued] == [
        ("R17", lawyer.pk, True), ("R17", witness.pk, False)]


def test_r17_without_htmx_the_link_is_shown_on_a_page_of_its_own(world, api, clock):
    flow = booked(world, api, clock)
    answer = issue(world.secretary, flow, person(flow, "defence_lawyer"), htmx=False)
    assert answer.status_code == 200
    body = answer.content.decode()
    assert TOKEN_IN_PAGE.search(body) and "<html" in body


def test_r17_issuing_twice_leaves_one_live_link(world, api, clock):
    flow = booked(world, api, clock)
    lawyer = person(flow, "defence_lawyer")
    first = issued_token(world, flow, lawyer)
    second = issued_token(world, flow, lawyer)

    assert MobileLink.objects.filter(participant=lawyer).count() == 2
    [live] = MobileLink.objects.filter(participant=lawyer, revoked_at__isnull=True)
    assert live.token_sha256 == hashlib.sha256(second.encode()).hexdigest()
    assert opened(first)[1].status_code == 410
    assert opened(second)[1].status_code == 302
    replaced = TimelineEvent.objects.filter(kind="mobile_link_issued").last()
    assert replaced.data["replaces"] == [MobileLink.objects.get(revoked_at__isnull=False).pk]


def test_r17_the_token_never_appears_in_audit_entries_timeline_or_logs(world, api, clock, caplog,
                                                                      django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    flow = booked(world, api, clock)
    lawyer = person(flow, "defence_lawyer")
    with django_capture_on_commit_callbacks(execute=True):
        token = issued_token(world, flow, lawyer)
    opened(token)
    link = MobileLink.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        revoke(world.secretary, link)
    assert opened(token)[1].status_code == 410                # a 4xx with the token in its path
    assert opened(token[:-1] + "x")[1].status_code == 404

    records = [json.dumps([e.before, e.after, e.object_id], default=str)
               for e in AuditEntry.objects.filter(hearing_id=flow.hearing_id)]
    records += [json.dumps(e.data, default=str) for e in TimelineEvent.objects.filter(hearing_id=flow.hearing_id)]
    actions = set(AuditEntry.objects.filter(hearing_id=flow.hearing_id).values_list("action", flat=True))
    assert {"mobile_link_issued", "mobile_link_opened", "mobile_link_revoked"} <= actions
    for secret in (token, token[:-1], link.token_sha256):
        assert not any(secret in r for r in records)
        assert secret not in caplog.text
    # The log is really being read: another 404 is logged with its path.
    Client().get("/no-such-page/")
    assert "/no-such-page/" in caplog.text


@pytest.mark.parametrize("language, footer", [
    ("ru", "Время указано по времени Казахстана"),
    ("kk", "Уақыт Қазақстан уақытымен көрсетілген"),
    ("en", "Times are Kazakhstan time"),
])
def test_r17_an_invalid_link_gets_a_404_page_in_the_persons_language(world, language, footer):
    browser = Client(HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5")
    answer = browser.get("/m/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/")
    assert answer.status_code == 404
    body = answer.content.decode()
    assert f'<html lang="{language}">' in body and footer in body
    assert 'data-link-page="invalid"' in body
    assert answer["Referrer-Policy"] == "same-origin"
    assert browser.get("/m/" + "x" * 500 + "/").status_code == 404


def test_r20_precall_page_without_a_link_asks_for_the_personal_link(world):
    answer = Client(HTTP_ACCEPT_LANGUAGE="ru").get("/live/join/")
    assert answer.status_code == 403
    assert 'data-link-page="no_session"' in answer.content.decode()


def test_r20_precall_page_shows_no_other_participants_personal_data(world, api, clock):
    flow = booked(world, api, clock)
    lawyer, defendant = person(flow, "defence_lawyer"), person(flow, "defendant")
    browser, _answer = opened(issued_token(world, flow, lawyer))

    page = browser.get("/live/join/").content.decode()
    assert "1-101/2026" in page and "03.12.2026 10:00" in page
    assert world.court.name in page and lawyer.full_name in page
    for someone_elses in (defendant.full_name, world.judge.display_name, world.secretary.display_name,
                          world.secretary.email, lawyer.phone, lawyer.email):
        assert someone_elses not in page
    # Not a signed-in person: no staff menu, no inbox, no sign-out.
    assert "<nav" not in page and 'id="unread"' not in page and "/signout/" not in page
    # What the checks need: the three boxes, the ICE servers, the way on to the waiting room.
    for check in ("camera", "microphone", "network"):
        assert f'data-check="{check}" data-result="pending"' in page
    assert 'id="ice-servers"' in page and 'href="/live/join/room/"' in page


def test_r17_a_server_access_log_line_keeps_no_token(caplog):
    access = logging.getLogger("test.access")
    access.addFilter(RedactMobileTokens())
    with caplog.at_level(logging.INFO, logger="test.access"):
        access.info('%s - "%s %s HTTP/%s" %d', "10.0.0.7:5123", "GET", "/m/Zx9_secret-Token/", "1.1", 302)
        access.info('"GET /m/Zx9_secret-Token/?utm=sms HTTP/1.1" 302')
        access.info('%s - "%s %s HTTP/%s" %d', "10.0.0.7:5123", "GET", "/live/join/", "1.1", 200)
    assert "Zx9_secret-Token" not in caplog.text
    assert caplog.text.count("/m/[token]/") == 2 and "/live/join/" in caplog.text
