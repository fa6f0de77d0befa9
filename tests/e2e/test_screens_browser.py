"""Every role's workspaces open in Kazakh and in Russian, with every field labelled and
the keyboard focus visible (WCAG 2.1 AA basics), and a screenshot of each for review."""

import pytest

from courtvcs.hearings.tests.flow import Flow
from courtvcs.navigation import menu_for

pytestmark = pytest.mark.django_db(transaction=True)

# Form controls a person must be able to name: every one needs a label (or aria-label).
UNLABELLED = """() => [...document.querySelectorAll('main input, main select, main textarea')]
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby') && !el.closest('label'))
  .map(el => el.name || el.id || el.outerHTML.slice(0, 80))"""

ROLES = ["secretary", "judge", "bailiff", "coordinator", "dep_coordinator", "technician",
         "office_head", "officer", "sizo_technician"]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_r7_r8_r9_every_roles_workspaces_open_in_kazakh_and_russian_with_labelled_fields(
        world, api, clock, person, language):
    flow = Flow(world, api, clock)
    flow.to("agreed")
    for role in ROLES:
        user = getattr(world, role)
        someone = person(user, language)
        for entry in [*menu_for(user), None]:
            path = f"/hearings/{flow.hearing_id}/" if entry is None else None
            if entry is not None:
                from django.urls import reverse
                path = reverse(entry.url_name)
            response = someone.page.goto(someone.base + path)
            if entry is None and response.status == 404:
                continue  # not every role sees this hearing
            assert response.status == 200, (role, path, response.status)
            page = someone.page
            assert page.locator("html").get_attribute("lang") == language
            assert page.evaluate(UNLABELLED) == [], (role, path)
            someone.shot(path.strip("/").replace("/", "-") or "home")
        # The keyboard reaches the menu and shows where the focus is.
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("", "none"), role
        someone.context.close()
