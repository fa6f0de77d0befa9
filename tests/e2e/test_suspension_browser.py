"""R24 in the browser: the detention centre's officer suspends VCS in an emergency, the
court sees its hearing suspended, the officer lifts it, and the secretary puts the hearing
back for agreement; nothing is cancelled on the way."""

import pytest

from courtvcs.hearings.models import Hearing
from courtvcs.hearings.tests.flow import Flow
from courtvcs.suspensions.models import Suspension

pytestmark = pytest.mark.django_db(transaction=True)


def test_r24_suspension_declared_lifted_and_the_hearing_reviewed_in_the_browser(world, api, clock, person):
    flow = Flow(world, api, clock)
    flow.to("ready")

    officer = person(world.officer, "kk")
    page = officer.go("/suspensions/")
    page.select_option("[name=reason]", "mass_riot")
    page.fill("[name=expected_end_at]", "2026-12-05T18:00")
    officer.shot("declare-form")
    page.click("button.danger")
    page.wait_for_selector("[data-suspension]")
    officer.shot("declared")
    suspension = Suspension.objects.get(institution=world.sizo)
    assert Hearing.objects.get(pk=flow.hearing_id).status == "suspended"

    # The court sees it on the hearing page, in Russian for this secretary.
    secretary = person(world.secretary, "ru")
    spage = secretary.go(f"/hearings/{flow.hearing_id}/")
    spage.wait_for_selector("[data-status=suspended]")
    assert spage.locator("#timeline li[data-kind=suspend]").count() == 1
    secretary.shot("suspended")

    page.click(f"[data-suspension='{suspension.pk}'] button.primary")
    # Not wait_for_function: it evaluates a string, which the pages' CSP (no 'unsafe-eval') refuses.
    page.wait_for_selector(f"[data-suspension='{suspension.pk}'] button.primary", state="detached")
    officer.shot("lifted")
    assert Hearing.objects.get(pk=flow.hearing_id).status == "under_review"

    spage.reload()
    spage.wait_for_selector("[data-status=under_review]")
    spage.click("form[data-action=resume] button")
    spage.wait_for_selector("[data-status=awaiting_agreement]")
    secretary.shot("resumed")
    assert Hearing.objects.get(pk=flow.hearing_id).status == "awaiting_agreement"
