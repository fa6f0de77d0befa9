"""R15, R20: the server restarted in the middle of a hearing.

A hearing is in session; the courtroom console and the detention centre's page are
connected to a courtvcs node (uvicorn). The node is stopped (SIGTERM, as a deployment
does) and started again on the same address. The pages' sockets are closed by the stop;
each page reconnects as room.js does (it says "reconnecting" and tries again) and is
welcomed with the same hearing state as before; the hearing in the database -- status,
participants, timeline -- is as it was, and it goes on (the judge declares a break).
"""

import asyncio
import socket

import pytest

from courtvcs.hearings.models import Hearing
from courtvcs.hearings.tests.flow import Flow
from tests.e2e.nodes import NodeProcess, _spawn, node_environment
from tests.test_multinode import Page, run_async, session_cookie

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class FixedPortNode(NodeProcess):
    """A node that comes back on the port it had, as a restarted service does."""

    def start(self, port: int = 0) -> "FixedPortNode":
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("0.0.0.0", port))
        sock.listen(1024)
        self.port = sock.getsockname()[1]
        self.process = _spawn(["serve", str(sock.fileno())], self.env, self.log_path, [sock.fileno()])
        sock.close()
        return self


def snapshot(hearing_id: int) -> dict:
    hearing = Hearing.objects.get(pk=hearing_id)
    return {"status": hearing.status,
            "participants": list(hearing.participants.order_by("pk").values_list("pk", "full_name")),
            "timeline": list(hearing.timeline.order_by("pk").values_list("pk", "kind"))}


async def reconnect(page: Page, tries: int = 100) -> dict:
    """What room.js does after the socket closes: try again until the server answers."""
    for _attempt in range(tries):
        try:
            return await page.open()
        except OSError:
            await asyncio.sleep(0.3)
    raise AssertionError("the page could not reconnect")


def test_r15_after_a_server_restart_the_pages_reconnect_and_the_hearing_is_intact(world, api, clock, tmp_path):
    flow = Flow(world, api, clock)
    flow.to("in_session")
    before = snapshot(flow.hearing_id)
    env = node_environment(redis_url="", prefix="restart", clock=flow.starts_at)
    node = FixedPortNode(env, "node", tmp_path).start()
    node.wait_ready()
    court = Page(node, flow.hearing_id, session_cookie(world.secretary))
    remote = Page(node, flow.hearing_id, session_cookie(world.officer))

    async def first():
        welcomes = [await court.open(), await remote.open()]
        return [w["state"] for w in welcomes]

    async def after_restart():
        welcomes = [await reconnect(court), await reconnect(remote)]
        return [w["state"] for w in welcomes]

    try:
        states = run_async(first)
        node.stop()
        node = FixedPortNode(env, "node-again", tmp_path).start(node.port)
        node.wait_ready()
        states_again = run_async(after_restart)
    finally:
        node.stop()
        print(node.log_tail())

    assert [s["status"] for s in states] == ["in_session", "in_session"]
    assert states_again == states
    assert snapshot(flow.hearing_id) == before
    # The hearing goes on after the restart: the judge can declare a break (R22).
    response = api(world.judge).post(flow.url("/break"), {"reason": "связь"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "technical_break"
