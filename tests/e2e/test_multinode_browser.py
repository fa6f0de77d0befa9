"""The live call across two application nodes, in real browsers (issue 6).

Two uvicorn processes (tests/e2e/nodes.py) share the test's PostgreSQL database and Redis,
as two nodes behind a balancer would. The courtroom's console is served by node 1; the
detention centre, on a network of its own (an isolated host), by node 2; the judge watches
from node 2 too. Their signalling, the room's pushes and the secretary's actions cross
between the nodes only through Redis. Skipped on SQLite (one process there).
"""

import datetime as dt

import pytest

from courtvcs.hearings.models import Hearing, TimelineEvent
from courtvcs.hearings.tests.flow import Flow

from tests.e2e.conftest import Person
from tests.e2e.live import LIVE_CHROMIUM_ARGS
from tests.e2e.network import CHROMIUM
from tests.e2e.test_live_call_browser import Watch, receives_from, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def snap(person, name: str) -> None:
    """A screenshot for the artifacts; on a machine too busy to take it the test goes on."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        person.shot(name)
    except PlaywrightTimeout:
        print(f"screenshot {name} skipped: the page took too long to capture")


class At:
    """A node as one browser reaches it (Person wants an object with .url)."""

    def __init__(self, url: str):
        self.url = url


@pytest.fixture
def pages():
    """The pages' console messages and room state, printed when the test fails."""
    w = Watch()
    yield w
    w.dump()


@pytest.fixture
def node_browsers(browser):
    """launch(host=None, origin=None) -> a Chromium for WebRTC, in the root namespace or in
    `host` (then `origin`, the node seen from there, is treated as a secure context)."""
    launched = []

    def launch(host=None, origin=None):
        args, executable = list(LIVE_CHROMIUM_ARGS), CHROMIUM
        if host is not None:
            executable = host.browser_executable()
            args.append(f"--unsafely-treat-insecure-origin-as-secure={origin}")
        launched.append(browser.browser_type.launch(executable_path=executable, args=args))
        return launched[-1]

    yield launch
    for b in reversed(launched):
        try:
            b.close()
        except Exception:  # noqa: BLE001 - a browser that already died is closed enough
            pass


def test_r15_courtroom_on_node_one_and_detention_centre_on_node_two_see_and_hear_each_other(
        world, api, clock, asgi_nodes, isolated_host, node_browsers, request, pages):
    flow = Flow(world, api, clock)
    flow.to("ready")
    clock.move_to(flow.starts_at - dt.timedelta(minutes=25))  # in the connection window (R15)
    hearing = Hearing.objects.get(pk=flow.hearing_id)
    sizo_site = f"remote-{hearing.remote_sites.get().pk}"
    one, two = asgi_nodes(2)
    name = request.node.name

    here = node_browsers()
    sizo_origin = two.url_for(isolated_host.gateway)
    there = node_browsers(isolated_host, sizo_origin)
    secretary = Person(here, one, world.secretary, "kk", name)
    console = pages.add("court@node1", secretary.go(f"/hearings/{hearing.pk}/"))
    console.wait_for_selector("[data-live][data-status=ready]")
    officer = Person(there, At(sizo_origin), world.officer, "ru", name)
    sizo = pages.add("sizo@node2", officer.go(f"/live/hearings/{hearing.pk}/site/"))
    sizo.wait_for_selector("[data-live][data-live=no]")
    judge = Person(here, two, world.judge, "ru", name)
    bench = pages.add("judge@node2", judge.go(f"/hearings/{hearing.pk}/"))
    bench.wait_for_selector("[data-live][data-status=ready]")

    # R15: the secretary connects on node 1; the detention centre on node 2 learns it from
    # the room (a push through Redis) and the two join the call.
    console.click("form[data-action=connect] button")
    console.wait_for_selector("[data-live][data-status=connected]")
    sizo.wait_for_selector("[data-live][data-status=connected]")
    wait_for(lambda: receives_from(console, [sizo_site]), what="courtroom (node 1) decodes the detention centre")
    wait_for(lambda: receives_from(sizo, ["courtroom"]), what="detention centre (node 2) decodes the courtroom")
    console.wait_for_selector(f"[data-site-state='{sizo_site}'][data-state=connected]")
    snap(secretary, "courtroom-on-node-1")
    snap(officer, "detention-centre-on-node-2")

    # The judge's console on node 2 shows the new state without a reload: its status is
    # redrawn only when the room pushes one (from node 1's request, through Redis), never by
    # a poll; the timeline is refreshed by the same push (it also polls, every 30 s).
    bench.wait_for_selector("#console h1 [data-status=connected]", timeout=30_000)
    bench.wait_for_selector("#timeline li[data-kind=connect]", timeout=20_000)
    console.click("form[data-action=call_in] button")
    console.wait_for_selector("[data-live][data-status=in_session]")
    bench.wait_for_selector("#console h1 [data-status=in_session]", timeout=30_000)
    bench.wait_for_selector("#timeline li[data-kind=call_in]", timeout=20_000)
    snap(judge, "judge-on-node-2-sees-call-in")
    # The call goes on in session, both ways.
    wait_for(lambda: receives_from(sizo, ["courtroom"]), what="the detention centre still decodes the courtroom")
    kinds = set(TimelineEvent.objects.filter(hearing=hearing).values_list("kind", flat=True))
    assert {"connect", "site_connected", "call_in"} <= kinds, kinds
