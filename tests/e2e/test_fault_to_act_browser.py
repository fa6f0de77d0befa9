"""R16-R18 in the browser: a fault reported on the day, found unfixable, and the act of
absence of technical possibility signed by its three signatories in their own browsers."""

import datetime as dt

import pytest

from courtvcs.hearings.models import Act, FaultReport, Hearing
from courtvcs.hearings.tests.flow import Flow

pytestmark = pytest.mark.django_db(transaction=True)


def test_r16_r17_r18_fault_to_a_signed_act_in_the_browser(world, api, clock, person):
    flow = Flow(world, api, clock)
    flow.to("connected")
    clock.move_to(flow.starts_at - dt.timedelta(minutes=15))

    secretary = person(world.secretary, "ru")
    page = secretary.go(f"/hearings/{flow.hearing_id}/")
    form = page.locator("form[data-action=report_fault]")
    form.locator("textarea").fill("Нет изображения из СИЗО")
    form.locator("select").select_option(index=1)  # the remote site, not the courtroom
    form.locator("button").click()
    page.wait_for_selector(".fault")
    secretary.shot("fault-reported")
    fault = FaultReport.objects.get(hearing_id=flow.hearing_id)
    assert fault.remote_site is not None and fault.status == "open"

    # R17: the court's technical specialist finds it cannot be fixed.
    technician = person(world.technician, "kk")
    tpage = technician.go(f"/hearings/{flow.hearing_id}/")
    tpage.check(".fault input[name=fixed][value=no]")
    tpage.fill(".fault textarea[name=resolution]", "Канал байланысы жоқ")
    tpage.click(".fault button[type=submit]")
    tpage.wait_for_selector("[data-status=vcs_failed]")
    technician.shot("cannot-be-fixed")
    assert Hearing.objects.get(pk=flow.hearing_id).status == "vcs_failed"

    # R18: the secretary draws up the act from the fault record ...
    page.reload()
    page.click("details.more > summary")
    act_form = page.locator("form[data-action=draw_up_act]")
    act_form.locator("select").select_option(str(fault.pk))
    act_form.locator("button").click()
    page.wait_for_selector("form:has(input[name=act_id])")
    act = Act.objects.get(hearing_id=flow.hearing_id)
    assert act.fault_id == fault.pk

    # ... and the three sign in any order: head of the office, technician, secretary.
    head = person(world.office_head, "kk")
    for who, browser_page in ((head, None), (technician, tpage), (secretary, page)):
        p = browser_page or who.go(f"/hearings/{flow.hearing_id}/")
        p.reload()
        p.click("form:has(input[name=act_id]) button")
        p.wait_for_selector("form:has(input[name=act_id])", state="detached")
        who.shot("signed")
    act.refresh_from_db()
    assert act.status == "signed" and act.signatures.count() == 3
    page.reload()
    page.wait_for_selector("[data-status=not_held]")
    secretary.shot("not-held")
