"""R15, R22: Redis stopped in the middle of a hearing, then started again.

A node runs with a Redis of the test's own (redis-server on a free port, nothing saved;
the machine's Redis is left alone). The courtroom console and the detention centre's
page are connected. Redis is stopped: the node keeps answering (the hearing's JSON, the
judge declaring a break: no server error). Redis comes back on the same port: without
reconnecting, the pages get the next change live (the secretary ends the break, R22,
and both pages are told the hearing is in session again).
"""

import asyncio
import secrets
import shutil
import socket
import subprocess
import time

import httpx
import pytest
import redis

from courtvcs.hearings.tests.flow import Flow
from tests.e2e.nodes import NodeProcess, node_environment
from tests.test_multinode import Page, run_async, session_cookie

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("redis-server did not start")


def wait_for_resubscription(port: int, timeout: float = 60) -> float:
    """Seconds until the node is subscribed again to its hearing groups in the restarted Redis.

    The node's layer finds Redis again on its own (a retry every second); on a busy machine
    that can take longer than any fixed pause, so the test watches Redis itself.
    """
    started = time.monotonic()
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=2)
    try:
        while time.monotonic() - started < timeout:
            try:
                if any(b"__group__" in name for name in client.pubsub_channels()):
                    return time.monotonic() - started
            except redis.ConnectionError:
                pass
            time.sleep(0.2)
    finally:
        client.close()
    raise TimeoutError(f"the node did not subscribe again within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(20)


class Person:
    """A signed-in browser talking to the node over HTTP (session cookie and CSRF token)."""

    def __init__(self, node, user):
        token = secrets.token_hex(16)
        self.client = httpx.Client(base_url=node.url, timeout=30, headers={
            "Cookie": f"{session_cookie(user)}; csrftoken={token}", "X-CSRFToken": token})

    def get(self, path):
        return self.client.get(f"/api{path}")

    def post(self, path, data):
        return self.client.post(f"/api{path}", json=data)


def test_r15_pages_keep_working_without_redis_and_live_updates_come_back_with_it(world, api, clock, tmp_path):
    flow = Flow(world, api, clock)
    flow.to("in_session")
    port = free_port()
    redis = start_redis(port)
    env = node_environment(redis_url=f"redis://127.0.0.1:{port}/0", prefix=f"outage-{secrets.token_hex(4)}",
                           clock=flow.starts_at)
    node = NodeProcess(env, "node", tmp_path).start()
    try:
        node.wait_ready()
        judge, secretary = Person(node, world.judge), Person(node, world.secretary)
        court = Page(node, flow.hearing_id, session_cookie(world.secretary))
        remote = Page(node, flow.hearing_id, session_cookie(world.officer))
        outcome = {}

        async def hearing():
            await court.open()
            await remote.open()
            stop(redis)
            await asyncio.sleep(1)
            outcome["detail"] = await asyncio.to_thread(secretary.get, flow.url())
            outcome["break"] = await asyncio.to_thread(judge.post, flow.url("/break"), {"reason": "связь"})
            outcome["redis"] = await asyncio.to_thread(start_redis, port)
            outcome["resubscribed_in"] = await asyncio.to_thread(wait_for_resubscription, port)
            outcome["reconnect"] = await asyncio.to_thread(secretary.post, flow.url("/reconnect"), {})
            return [await page.expect("state", timeout=60, event="reconnect") for page in (court, remote)]

        pushed = run_async(hearing)
    finally:
        node.stop()
        stop(redis)
        if "redis" in locals().get("outcome", {}):
            stop(outcome["redis"])
        print(node.log_tail(400))

    assert outcome["detail"].status_code == 200, outcome["detail"].text
    assert outcome["break"].status_code == 200, outcome["break"].text
    assert outcome["break"].json()["status"] == "technical_break"
    assert outcome["reconnect"].status_code == 200, outcome["reconnect"].text
    assert [p["state"]["status"] for p in pushed] == ["in_session", "in_session"]
