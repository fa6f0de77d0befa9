"""R17, R20 in the browser: a participant on mobile VCS opens the personal link on a phone,
the token leaves the address bar, and the pre-call page checks camera, microphone and
network (Chromium's fake devices) before the way on to the waiting room."""

import re
from pathlib import Path

import pytest
from django.test import Client

from courtvcs.hearings.models import Participant
from courtvcs.hearings.tests.flow import Flow

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"


def test_r17_participant_checks_camera_microphone_and_network_before_joining(
        world, api, clock, browser, live_server, request):
    flow = Flow(world, api, clock)
    flow.book()
    lawyer = Participant.objects.get(hearing_id=flow.hearing_id, procedural_role="defence_lawyer")
    secretary = Client()
    secretary.force_login(world.secretary)
    issued = secretary.post(f"/live/hearings/{flow.hearing_id}/participants/{lawyer.pk}/link/",
                            HTTP_HX_REQUEST="true")
    assert issued.status_code == 200
    token = re.search(r"/m/([A-Za-z0-9_-]+)/", issued.content.decode()).group(1)

    # The participant: no account, a phone-sized browser of their own, in Russian.
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(20_000)
    shots = ARTIFACTS / request.node.name
    shots.mkdir(parents=True, exist_ok=True)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/m/{token}/")
        page.wait_for_url(re.compile(r"/live/join/$"))
        assert token not in page.url
        assert page.get_attribute("html", "lang") == "ru"
        assert "1-101/2026" in page.inner_text("main")
        page.screenshot(path=str(shots / "01-participant-precall.png"), full_page=True)

        page.click("#start-checks")
        for check in ("camera", "microphone", "network"):
            box = page.locator(f'[data-check="{check}"]')
            try:
                page.wait_for_selector(f'[data-check="{check}"][data-result="pass"]')
            except Exception:
                raise AssertionError(f"{check}: {box.get_attribute('data-result')} — "
                                     f"{box.inner_text()}") from None
        assert page.evaluate("document.getElementById('preview').videoWidth") > 0
        page.screenshot(path=str(shots / "02-participant-checks-passed.png"), full_page=True)
        assert page.get_attribute("#continue", "href") == "/live/join/room/"

        # Leaving the page frees the camera and the microphone.
        page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
        assert page.evaluate("document.getElementById('preview').srcObject") is None
    finally:
        context.close()


def test_r17_secretary_issues_a_link_from_the_hearing_page_and_sees_it_once(world, api, clock, person):
    flow = Flow(world, api, clock)
    flow.book()
    lawyer = Participant.objects.get(hearing_id=flow.hearing_id, procedural_role="defence_lawyer")

    secretary = person(world.secretary, "kk")
    page = secretary.go(f"/hearings/{flow.hearing_id}/")
    row = page.locator("tr", has_text=lawyer.full_name)
    row.locator("form[data-action=issue_mobile_link] button").click()
    url = row.locator("input[data-link-url]")
    url.wait_for()
    assert re.search(r"/m/[A-Za-z0-9_-]{43}/$", url.input_value())
    row.locator("button[data-copy]").click()
    secretary.shot("link-issued")

    page.reload()
    row = page.locator("tr", has_text=lawyer.full_name)
    assert row.locator("input[data-link-url]").count() == 0
    assert row.locator("[data-link-state=issued]").count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("form[data-action=revoke_mobile_link] button").click()
    page.wait_for_selector(f"tr:has-text('{lawyer.full_name}') [data-link-state=none]")
    secretary.shot("link-revoked")
