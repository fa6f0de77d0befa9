"""Several application nodes and task workers sharing PostgreSQL and Redis (issue 6).

Real processes: uvicorn nodes serving courtvcs.asgi (tests/e2e/nodes.py) and `manage.py
db_worker` processes, all on the run's PostgreSQL test database and one Redis channel
prefix. Pages are WebSocket clients holding the people's sessions, as the browser tests'
pages do (tests/e2e/test_multinode_browser.py has the same with Chromium and video).
Skipped on SQLite: there the embedded run is one process.
"""

import asyncio
import collections
import datetime as dt
import json
import secrets
import threading
import time

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django_tasks_db.models import DBTaskResult

from courtvcs.hearings.models import Hearing
from courtvcs.hearings.tests.flow import Flow
from courtvcs.notifications.models import Notification
from tests.e2e.nodes import WorkerProcess, node_environment, redis_for_tests
from tests.multinode_tasks import notify_window_open

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CANDIDATE = {"candidate": "candidate:1 1 udp 1677729535 10.231.1.2 51234 typ srflx raddr 0.0.0.0 rport 0",
             "sdpMid": "0", "sdpMLineIndex": 0}


def session_cookie(user) -> str:
    """The cookie of a signed-in session of this person (one browser)."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


class Page:
    """A page's signalling socket to one node, reading what the room sends it."""

    def __init__(self, node, hearing_id: int, cookie: str):
        self.url = f"{node.ws_url_for()}/ws/live/hearing/{hearing_id}/?peer={secrets.token_hex(6)}"
        self.headers = [("Origin", node.url), ("Cookie", cookie)]

    async def open(self):
        from websockets.asyncio.client import connect

        self.inbox: asyncio.Queue = asyncio.Queue()
        self.ws = await connect(self.url, additional_headers=self.headers, open_timeout=30)
        self.reader = asyncio.create_task(self._read())
        return await self.expect("welcome")

    async def _read(self):
        async for raw in self.ws:
            await self.inbox.put(json.loads(raw))

    async def expect(self, kind: str, timeout: float = 30.0, **fields) -> dict:
        """The next message of this type (and these fields); others are passed over."""
        deadline = time.monotonic() + timeout
        passed_over = []
        while True:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise TimeoutError
                message = await asyncio.wait_for(self.inbox.get(), left)
            except TimeoutError:
                raise AssertionError(f"no {kind} {fields or ''} within {timeout} s; passed over: "
                                     f"{passed_over[-5:]}; socket: {self._socket_state()}") from None
            if message.get("type") == kind and all(message.get(k) == v for k, v in fields.items()):
                return message
            passed_over.append(message)

    def _socket_state(self) -> str:
        if not self.reader.done():
            return "open"
        problem = None if self.reader.cancelled() else self.reader.exception()
        return f"closed ({self.ws.close_code} {self.ws.close_reason!r}; {problem!r})"

    async def send(self, message: dict):
        await self.ws.send(json.dumps(message))

    async def close(self):
        await self.ws.close()
        self.reader.cancel()


def run_async(coroutine_function):
    """Run a coroutine in a thread of its own (the test's thread may hold Playwright's loop)."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine_function())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(180)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def wait_for(check, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_r15_courtroom_on_one_node_and_detention_centre_on_another_exchange_signals(
        world, api, clock, asgi_nodes):
    flow = Flow(world, api, clock)
    flow.to("connected")
    hearing = Hearing.objects.get(pk=flow.hearing_id)
    sizo_site = f"remote-{hearing.remote_sites.get().pk}"
    one, two = asgi_nodes(2)
    court = Page(one, hearing.pk, session_cookie(world.secretary))
    sizo = Page(two, hearing.pk, session_cookie(world.officer))

    async def call():
        welcome = await court.open()
        assert welcome["state"]["live"] and welcome["site"] == "courtroom"
        assert (await sizo.open())["site"] == sizo_site
        for page in (court, sizo):
            await page.send({"type": "hello"})
        # Each learns the other's peer id across the nodes (peer.hello / peer.here).
        sizo_peer = (await court.expect("peer", site=sizo_site))["peer"]
        court_peer = (await sizo.expect("peer", site="courtroom"))["peer"]
        # The offer and a candidate go from node 1 to node 2, the answer back.
        await court.send({"type": "signal", "to": sizo_peer,
                          "data": {"description": {"type": "offer", "sdp": "v=0 (offer)"}}})
        await court.send({"type": "signal", "to": sizo_peer, "data": {"candidate": CANDIDATE}})
        offer = await sizo.expect("signal", **{"from": court_peer})
        assert offer["data"]["description"]["type"] == "offer"
        assert (await sizo.expect("signal", **{"from": court_peer}))["data"]["candidate"] == CANDIDATE
        await sizo.send({"type": "signal", "to": court_peer,
                         "data": {"description": {"type": "answer", "sdp": "v=0 (answer)"}}})
        answer = await court.expect("signal", **{"from": sizo_peer})
        assert answer["data"]["description"]["type"] == "answer"
        # The site reports its link up: the courtroom on the other node sees the site connected.
        await sizo.send({"type": "link", "peer": court_peer, "state": "connected"})
        await court.send({"type": "link", "peer": sizo_peer, "state": "connected"})
        await court.expect("site_state", site=sizo_site, state="connected")
        # The detention centre's page closes: the courtroom hears it went.
        await sizo.close()
        bye = await court.expect("bye", peer=sizo_peer)
        assert bye["site"] == sizo_site
        await court.close()

    run_async(call)
    kinds = list(hearing.timeline.values_list("kind", flat=True))
    assert "site_connected" in kinds


def test_r15_a_deadline_fired_by_the_worker_process_reaches_the_pages_on_a_node(
        world, api, clock, asgi_nodes, tmp_path):
    flow = Flow(world, api, clock)
    flow.to("ready")
    # Past the opening of the connection window, nobody has connected yet (R15).
    clock.move_to(flow.starts_at - dt.timedelta(minutes=25))
    hearing = Hearing.objects.get(pk=flow.hearing_id)
    [node] = asgi_nodes(1)
    env = node_environment(redis_url=node.env["REDIS_URL"], prefix=node.env["COURTVCS_CHANNEL_PREFIX"],
                           clock=dt.datetime.now(dt.UTC))
    worker = WorkerProcess(env, "worker", tmp_path, "--interval", "0.2", "--no-startup-delay")

    console = Page(node, hearing.pk, session_cookie(world.secretary))

    async def watch():
        welcome = await console.open()
        assert welcome["state"]["status"] == "ready"
        worker.start()
        # The worker fires the deadline and commits; the console on the node is told at once.
        return await console.expect("state", timeout=60, event="deadline_window_opens")

    try:
        pushed = run_async(watch)
    finally:
        worker.stop()
        print(worker.log_tail())
    assert pushed["state"]["status"] == "ready"
    assert "deadline_window_opens" in hearing.timeline.values_list("kind", flat=True)
    assert Notification.objects.filter(hearing=hearing, kind="window_open",
                                       recipient=world.secretary).count() == 1


def test_two_task_workers_run_every_task_exactly_once(world, api, clock, tmp_path):
    flow = Flow(world, api, clock)
    flow.book()
    redis_url = redis_for_tests()
    env = node_environment(redis_url=redis_url, prefix=f"courtvcs-test-{secrets.token_hex(4)}",
                           clock=dt.datetime.now(dt.UTC))
    workers = [WorkerProcess(env, f"worker-{n}", tmp_path, "--interval", "0.1", "--no-startup-delay")
               for n in (1, 2)]
    total = 300
    try:
        for worker in workers:
            worker.start()
        wait_for(lambda: all("Starting worker" in w.log_tail() for w in workers), what="both workers")
        # All at once, as a morning's deadlines and deliveries come due together.
        with transaction.atomic():
            for n in range(total):
                notify_window_open.enqueue(world.secretary.pk, flow.hearing_id, n)
        queued = DBTaskResult.objects.filter(task_path="tests.multinode_tasks.notify_window_open")
        wait_for(lambda: not queued.filter(status__in=["READY", "RUNNING"]).exists(),
                 timeout=180, what=f"the workers to run {total} tasks")
    finally:
        for worker in workers:
            worker.stop()
    results = queued
    assert results.count() == total
    assert set(results.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert sorted(results.values_list("return_value", flat=True)) == list(range(total))
    # Each was claimed by one worker, once; both workers took a share.
    ran_by = collections.Counter()
    for worker_ids in results.values_list("worker_ids", flat=True):
        assert len(worker_ids) == 1, worker_ids
        ran_by[worker_ids[0]] += 1
    assert set(ran_by) == {"worker-1", "worker-2"}, ran_by
    # What the people see: one notification per task, none twice.
    assert Notification.objects.filter(recipient=world.secretary, kind="window_open").count() == total
    print(f"tasks run by each worker: {dict(ran_by)}")
