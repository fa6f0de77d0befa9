"""R15-R22 in the browser: the hearing day from the hearing page, each person in their
own browser and language. The preparation (R10-R13) is done through the API here; the
booking, agreement and test screens are walked in test_walkthrough_browser.py."""

import datetime as dt

import pytest

from courtvcs.hearings.models import AttendanceCheck, Hearing
from courtvcs.hearings.tests.flow import Flow

pytestmark = pytest.mark.django_db(transaction=True)


def status_of(hearing_id):
    return Hearing.objects.get(pk=hearing_id).status


def test_r15_r20_r22_secretary_runs_the_hearing_day_and_the_judge_declares_a_break(
        world, api, clock, person):
    flow = Flow(world, api, clock)
    flow.to("ready")
    clock.move_to(flow.starts_at - dt.timedelta(minutes=25))

    secretary = person(world.secretary, "kk")
    page = secretary.go(f"/hearings/{flow.hearing_id}/")
    secretary.shot("ready")
    page.click("form[data-action=connect] button")
    page.wait_for_selector("#console h1 [data-status=connected]")
    secretary.shot("connected")
    assert status_of(flow.hearing_id) == "connected"

    # R19 the secretary calls the participants in; R20 checks the defence lawyer on mobile VCS.
    page.click("form[data-action=call_in] button")
    page.wait_for_selector("#console h1 [data-status=in_session]")
    lawyer = next(p for p in Hearing.objects.get(pk=flow.hearing_id).participants.all()
                  if p.mode == "mobile_vcs")
    row = page.locator("tr", has_text=lawyer.full_name)
    row.locator("summary").click()
    row.locator("input[name=document]").fill("ID 012345678")
    row.locator("form[action*=check_attendance] button[type=submit]").click()
    page.wait_for_selector(f"tr:has-text('{lawyer.full_name}') .status.ok")
    check = AttendanceCheck.objects.get(participant=lawyer)
    assert (check.result, check.document, check.checked_by) == ("admitted", "ID 012345678", world.secretary)
    secretary.shot("identity-checked")

    # R22 only the presiding judge declares the technical break (in Russian, his language).
    judge = person(world.judge, "ru")
    jpage = judge.go(f"/hearings/{flow.hearing_id}/")
    jpage.locator("form[data-action=declare_break] textarea").fill("Нет звука из СИЗО")
    jpage.click("form[data-action=declare_break] button")
    jpage.wait_for_selector("#console h1 [data-status=technical_break]")
    judge.shot("break")
    assert "Перерыв по техническим причинам" in jpage.inner_text("h1")

    # The secretary's page shows the break on its timeline without reloading (it polls).
    page.wait_for_selector("#timeline li[data-kind=declare_break]", timeout=12_000)
    page.reload()
    page.click("form[data-action=reconnect] button")
    page.wait_for_selector("#console h1 [data-status=in_session]")
    page.click("form[data-action=close] button")
    page.wait_for_selector("#console h1 [data-status=closed]")
    secretary.shot("closed")
    assert status_of(flow.hearing_id) == "closed"
    kinds = page.locator("#timeline li").evaluate_all("els => els.map(e => e.dataset.kind)")
    for kind in ("connect", "call_in", "attendance_checked", "declare_break", "reconnect", "close"):
        assert kind in kinds


def test_r10_a_refused_action_is_shown_with_its_rule_in_the_persons_language(world, api, clock, person):
    flow = Flow(world, api, clock)
    flow.to("ready")
    # Too early: the connection window (R15) opens 30 minutes before the start.
    clock.move_to(flow.starts_at - dt.timedelta(hours=2))
    secretary = person(world.secretary, "ru")
    page = secretary.go(f"/hearings/{flow.hearing_id}/")
    page.click("form[data-action=connect] button")
    alert = page.wait_for_selector("#refusal")
    secretary.shot("refused")
    assert "R15" in alert.inner_text()
    assert status_of(flow.hearing_id) == "ready"
