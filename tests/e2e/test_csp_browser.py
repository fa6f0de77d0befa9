"""The Content Security Policy breaks no page: each role's main pages, a hearing console with
its live video and its recording, the booking form's free/busy refresh, the public schedule, the sign-in page
and the mobile pre-call page open in Chromium without a single policy violation; and the
Referrer-Policy lets their forms through the CSRF check."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from courtvcs.hearings.models import Participant
from courtvcs.hearings.tests.flow import Flow
from courtvcs.navigation import menu_for
from courtvcs.orgs.tests.factories import give_second_factor

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ["secretary", "judge", "bailiff", "coordinator", "dep_coordinator", "technician",
         "office_head", "officer", "sizo_technician"]

# Set before any script of each page runs: the page's violations, kept on the window.
WATCH = """window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));"""


class Watcher:
    """Collects one browser context's violations: the DOM events and the console's reports."""

    def __init__(self, context):
        self.found: list[str] = []
        context.add_init_script(WATCH)
        context.on("console", self.console)

    def console(self, message):
        if "Content Security Policy" in message.text:
            self.found.append(f"console: {message.text}")

    def visit(self, page, url: str, settle_ms: int = 400):
        response = page.goto(url)
        page.wait_for_load_state("load")
        page.wait_for_timeout(settle_ms)  # modules, htmx and the live panel start
        self.collect(page, url)
        return response

    def collect(self, page, where: str):
        self.found += [f"{where}: {v}" for v in page.evaluate("window.__violations || []")]
        page.evaluate("window.__violations = []")


def test_no_page_violates_the_content_security_policy(world, api, clock, browser, person, asgi_server):
    flow = Flow(world, api, clock)
    flow.to("in_session")  # the console records (R4): its recorder's worker is under the policy too
    lawyer = Participant.objects.get(hearing_id=flow.hearing_id, procedural_role="defence_lawyer")
    secretary_client = Client()
    secretary_client.force_login(world.secretary)
    issued = secretary_client.post(f"/live/hearings/{flow.hearing_id}/participants/{lawyer.pk}/link/",
                                   HTTP_HX_REQUEST="true")
    token = re.search(r"/m/([A-Za-z0-9_-]+)/", issued.content.decode()).group(1)
    base = asgi_server.url
    opened = []

    # Nobody signed in: the sign-in page, the public schedule, the mobile link's pre-call page.
    context = browser.new_context(locale="ru-RU")
    watcher = Watcher(context)
    try:
        page = context.new_page()
        for path in ("/signin/", "/schedule/"):
            assert watcher.visit(page, base + path).status == 200, path
            opened.append(path)
        watcher.visit(page, f"{base}/m/{token}/")
        page.wait_for_url(re.compile(r"/live/join/$"))
        watcher.collect(page, "pre-call")
        opened.append("pre-call")
        # Its forms still pass the CSRF check: the Referrer-Policy lets the browser send the
        # page's Origin (under "no-referrer" it sends "Origin: null", and gets a 403).
        with page.expect_navigation() as language:
            page.click("form.lang button[value=kk]")
        assert language.value.status == 200
        assert page.get_attribute("html", "lang") == "kk"
    finally:
        context.close()

    for role in ROLES:
        # The authenticator exists before the password is sent: Person makes it only after the
        # click, and a fast server sends a person without one to the enrolment page instead.
        give_second_factor(getattr(world, role))
        someone = person(getattr(world, role), "kk")
        watcher_of_role = Watcher(someone.context)
        paths = ["/", *(reverse(e.url_name) for e in menu_for(someone.user)), f"/hearings/{flow.hearing_id}/"]
        for path in dict.fromkeys(paths):
            response = watcher_of_role.visit(someone.page, base + path)
            if response.status == 404:
                continue  # not every role sees this hearing
            assert response.status == 200, (role, path, response.status)
            opened.append(f"{role} {path}")
        if role == "secretary":
            # The console's live panel (room.js, its plane module, the signalling WebSocket).
            page = someone.page
            watcher_of_role.visit(page, f"{base}/hearings/{flow.hearing_id}/", 1500)
            page.wait_for_selector("[data-live-grid] video")  # room.js ran and shows the camera
            page.wait_for_timeout(6000)  # the recorder's first chunk (5 s) went up
            watcher_of_role.collect(page, "console recording")
            # The booking form's free/busy section reloads when its fields change (no htmx filter).
            page.goto(base + reverse("hearings:book"))
            page.select_option("#id_courtroom_id", index=1)
            page.fill("#id_starts_at", "2026-03-10T10:00")
            page.fill("#id_duration_minutes", "60")
            page.locator("#id_duration_minutes").dispatch_event("change")
            page.wait_for_selector("#availability [data-possible]")
            watcher_of_role.collect(page, "booking form")
        if role == "sizo_technician":
            # A remote site's VCS room page.
            watcher_of_role.visit(someone.page, f"{base}/hearings/{flow.hearing_id}/")
            href = someone.page.get_attribute("a[data-open-room]", "href")
            watcher_of_role.visit(someone.page, base + href, 1500)
            someone.page.wait_for_selector("[data-live-grid] video")
            opened.append("site room")
        watcher.found += watcher_of_role.found
        someone.context.close()  # its live panel's call ends before the next person's begins

    assert len(opened) > 20 and "site room" in opened, opened
    assert watcher.found == [], "\n".join(watcher.found)
