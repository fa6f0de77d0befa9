"""The room's signalling WebSocket: who gets a seat, relaying, bad input, site states."""

import contextvars
import datetime as dt
import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from .sockets import WebsocketCommunicator
from django.test import Client

from courtvcs.asgi import application
from courtvcs.hearings.models import Hearing, TimelineEvent
from courtvcs.hearings.tests.flow import Flow


# The consumer reaches the database through database_sync_to_async, which closes a
# connection left inside a transaction: on a file or server database that would close the
# test's own. Transactional tests commit instead (as Channels advises for consumer tests).
pytestmark = pytest.mark.django_db(transaction=True)

COOKIES: dict = {}


def cookie_of(user) -> str:
    return COOKIES[user.pk]


@pytest.fixture(autouse=True)
def signed_in(world):
    """Each person's session cookie, made before the async part (sessions are in the DB)."""
    COOKIES.clear()
    for user in (world.secretary, world.officer, world.judge, world.other_secretary,
                 world.other_officer, world.coordinator):
        client = Client()
        client.force_login(user)
        COOKIES[user.pk] = f"sessionid={client.cookies['sessionid'].value}"


def socket(path, user=None, origin="http://testserver", query="") -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode()), (b"host", b"testserver")]
    if user is not None:
        headers.append((b"cookie", cookie_of(user).encode()))
    return WebsocketCommunicator(application, f"{path}?{query}" if query else path, headers=headers)


async def join(path, user, **kw):
    ws = socket(path, user, **kw)
    connected, code = await ws.connect()
    assert connected, code
    welcome = await ws.receive_json_from()
    assert welcome["type"] == "welcome"
    return ws, welcome


async def next_of(ws, kind, timeout=2):
    while True:
        message = await ws.receive_json_from(timeout=timeout)
        if message["type"] == kind:
            return message


async def courtroom_and_centre_in_call(path, world):
    """The courtroom's and the detention centre's pages seated, greeted and seen by each other."""
    court, cw = await join(path, world.secretary, query="peer=courtpage01")
    sizo, sw = await join(path, world.officer, query="peer=sizopage01")
    await court.send_json_to({"type": "hello"})
    await sizo.send_json_to({"type": "hello"})
    await next_of(court, "peer")
    return court, cw, sizo, sw


@pytest.fixture
def live_hearing(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("connected")
    return flow


def test_r15_anonymous_and_strangers_get_no_seat_in_the_room(live_hearing, world):
    path = f"/ws/live/hearing/{live_hearing.hearing_id}/"

    async def scenario():
        for user in (None, world.other_secretary, world.other_officer, world.coordinator):
            ws = socket(path, user)
            # Opened, then closed with "no seat": a refused handshake would reach the page as
            # 1006, a network cut it retries for ever, with nothing said.
            assert await ws.connect() == (True, None)
            assert await ws.receive_output() == {"type": "websocket.close", "code": 4403}
            await ws.disconnect()

    async_to_sync(scenario)()


def test_r15_staff_who_gave_the_password_but_not_the_code_get_no_seat(live_hearing, world):
    """Issue 7: half signed in (password, no TOTP code yet) is not signed in for the room."""
    from django.contrib import auth
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()  # what the password step leaves: a person, no verified device
    store[auth.SESSION_KEY] = str(world.secretary.pk)
    store[auth.BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[auth.HASH_SESSION_KEY] = world.secretary.get_session_auth_hash()
    store.create()
    path = f"/ws/live/hearing/{live_hearing.hearing_id}/"

    async def scenario():
        ws = WebsocketCommunicator(application, path, headers=[
            (b"origin", b"http://testserver"), (b"host", b"testserver"),
            (b"cookie", f"sessionid={store.session_key}".encode())])
        assert await ws.connect() == (True, None)
        assert await ws.receive_output() == {"type": "websocket.close", "code": 4403}
        await ws.disconnect()
        # The same person with the code given is seated.
        seated, _welcome = await join(path, world.secretary)
        await seated.disconnect()

    async_to_sync(scenario)()


def test_r15_a_page_of_another_origin_cannot_open_the_room(live_hearing, world):
    async def scenario():
        ws = socket(f"/ws/live/hearing/{live_hearing.hearing_id}/", world.secretary,
                    origin="https://evil.example")
        connected, _code = await ws.connect()
        assert not connected

    async_to_sync(scenario)()


def test_r15_courtroom_and_detention_centre_are_seated_and_signals_are_relayed(live_hearing, world):
    path = f"/ws/live/hearing/{live_hearing.hearing_id}/"

    async def scenario():
        court, cw = await join(path, world.secretary, query="peer=courtpage01")
        sizo, sw = await join(path, world.officer, query="peer=sizopage01")
        judge, jw = await join(path, world.judge)
        assert (cw["kind"], cw["site"], cw["state"]["live"], cw["mayRecord"]) == ("courtroom", "courtroom", True, True)
        assert sw["kind"] == "remote" and sw["site"].startswith("remote-") and not sw["mayMute"]
        assert jw["kind"] == "observer" and jw["media"] is False and jw["mayMute"] is True
        await court.send_json_to({"type": "hello"})
        await sizo.send_json_to({"type": "hello"})
        peer = await next_of(court, "peer")
        assert peer["peer"] == sw["peer"] and peer["kind"] == "remote"
        await court.send_json_to({"type": "signal", "to": sw["peer"],
                                  "data": {"description": {"type": "offer", "sdp": "v=0"}}})
        relayed = await next_of(sizo, "signal")
        assert relayed == {"type": "signal", "from": cw["peer"],
                           "data": {"description": {"type": "offer", "sdp": "v=0"}}}
        # The judge's console carries no media: nobody can signal to it.
        await sizo.send_json_to({"type": "signal", "to": jw["peer"], "data": {"candidate": None}})
        assert (await next_of(sizo, "error"))["code"] == "invalid"
        for ws in (court, sizo, judge):
            await ws.disconnect()

    async_to_sync(scenario)()


def test_r22_a_channel_layer_outage_does_not_drop_the_sites_from_the_call(live_hearing, world, monkeypatch):
    """Redis restarting between nodes: the consumers' own sends fail, the sockets stay open."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from courtvcs.live.layers import CourtInMemoryChannelLayer

    path = f"/ws/live/hearing/{live_hearing.hearing_id}/"
    failing: set[str] = set()
    sends, group_sends = CourtInMemoryChannelLayer.send, CourtInMemoryChannelLayer.group_send

    fanning_out = contextvars.ContextVar("fanning_out", default=False)  # the layer's own sends

    async def send(self, channel, message):
        if "send" in failing and not fanning_out.get():
            raise RedisConnectionError("Connection closed by server.")
        return await sends(self, channel, message)

    async def group_send(self, group, message):
        if "group_send" in failing:
            raise RedisConnectionError("Connection closed by server.")
        fanning_out.set(True)
        return await group_sends(self, group, message)

    monkeypatch.setattr(CourtInMemoryChannelLayer, "send", send)
    monkeypatch.setattr(CourtInMemoryChannelLayer, "group_send", group_send)

    async def still_connected(*pages):
        for page in pages:
            await page.send_json_to({"type": "ping", "t": 1})
            assert (await next_of(page, "pong"))["t"] == 1

    async def scenario():
        court, cw, sizo, sw = await courtroom_and_centre_in_call(path, world)
        failing.add("send")  # the answers to a newcomer's greeting are lost
        judge, _jw = await join(path, world.judge)
        await court.send_json_to({"type": "signal", "to": sw["peer"], "data": {"candidate": None}})
        failing.add("group_send")  # and then everything the rooms send
        await court.send_json_to({"type": "hello"})
        await still_connected(court, sizo, judge)
        failing.clear()
        await court.send_json_to({"type": "signal", "to": sw["peer"],
                                  "data": {"description": {"type": "offer", "sdp": "v=0"}}})
        relayed = await next_of(sizo, "signal")
        assert relayed["from"] == cw["peer"] and relayed["data"]["description"]["type"] == "offer"
        for ws in (court, sizo, judge):
            await ws.disconnect()

    async_to_sync(scenario)()


def test_r22_a_page_that_stopped_reading_does_not_cut_off_the_page_signalling_to_it(
        live_hearing, world, monkeypatch, settings):
    """A page's queue full (a loaded browser in a six-site mesh): its message is dropped and
    logged; the sender stays in the call, and the queue is far above Channels' 100."""
    from channels.exceptions import ChannelFull

    from courtvcs.live.layers import CourtInMemoryChannelLayer

    assert settings.CHANNEL_LAYERS["default"]["CONFIG"]["capacity"] >= 1000
    path = f"/ws/live/hearing/{live_hearing.hearing_id}/"
    sends = CourtInMemoryChannelLayer.send
    full: set[str] = set()

    async def send(self, channel, message):
        if message.get("type") in full:
            raise ChannelFull(channel)
        return await sends(self, channel, message)

    monkeypatch.setattr(CourtInMemoryChannelLayer, "send", send)

    async def scenario():
        court, cw, sizo, sw = await courtroom_and_centre_in_call(path, world)
        full.add("peer.signal")  # the detention centre's page has 2000 messages unread
        await court.send_json_to({"type": "signal", "to": sw["peer"], "data": {"candidate": None}})
        await court.send_json_to({"type": "ping", "t": 7})
        assert (await next_of(court, "pong"))["t"] == 7
        full.clear()
        await court.send_json_to({"type": "signal", "to": sw["peer"], "data": {"candidate": None}})
        assert (await next_of(sizo, "signal"))["from"] == cw["peer"]
        for ws in (court, sizo):
            await ws.disconnect()

    async_to_sync(scenario)()


async def closed_with(ws, timeout=2) -> int:
    """The close code the server sent, past any messages still queued before it."""
    while True:
        out = await ws.receive_output(timeout)
        if out["type"] == "websocket.close":
            return out["code"]


def test_r22_a_page_back_on_a_new_socket_keeps_its_place_and_its_site_is_not_lost(live_hearing, world):
    """A cut network leaves the old socket lingering on the server; when the same page comes
    back on a new one, the old is let go without a goodbye, so the courtroom keeps its link."""
    path = f"/ws/live/hearing/{live_hearing.hearing_id}/"

    async def scenario():
        court, cw = await join(path, world.secretary, query="peer=courtpage01")
        old, sw = await join(path, world.officer, query="peer=sizopage01")
        await court.send_json_to({"type": "hello"})
        await old.send_json_to({"type": "hello"})
        assert (await next_of(court, "peer"))["peer"] == sw["peer"]

        back, bw = await join(path, world.officer, query="peer=sizopage01")
        assert bw["peer"] == sw["peer"]
        assert await closed_with(old) == 4408  # no "replaced" notice: the page is the same
        await old.disconnect()
        await back.send_json_to({"type": "hello"})
        # The courtroom answers the new socket's arrival, then its hello: after the second
        # answer the courtroom knows the page is back in the call.
        for _answer in range(2):
            assert (await next_of(back, "peer"))["peer"] == cw["peer"]
        await court.send_json_to({"type": "signal", "to": sw["peer"], "data": {"candidate": None}})
        assert (await next_of(back, "signal"))["from"] == cw["peer"]
        await court.send_json_to({"type": "ping", "t": 1})
        # The courtroom heard no goodbye and no site state for the old socket.
        while (message := await court.receive_json_from())["type"] != "pong":
            assert message["type"] not in {"bye", "site_state"}, message

        # Another page of the same site (a new tab) does replace it, and is told so.
        tab, _tw = await join(path, world.officer, query="peer=sizopage02")
        assert (await next_of(back, "replaced"))["type"] == "replaced"
        assert await closed_with(back) == 4409
        for ws in (court, back, tab):
            await ws.disconnect()

    async_to_sync(scenario)()


def test_r15_remote_site_reported_connected_by_the_courtroom_goes_on_the_timeline(live_hearing, world):
    path = f"/ws/live/hearing/{live_hearing.hearing_id}/"
    site = Hearing.objects.get(pk=live_hearing.hearing_id).remote_sites.get()
    assert site.connection == "connecting"  # R15: one action started connecting every site

    async def scenario():
        court, cw = await join(path, world.secretary)
        sizo, sw = await join(path, world.officer)
        await court.send_json_to({"type": "hello"})
        await sizo.send_json_to({"type": "hello"})
        await next_of(court, "peer")
        await court.send_json_to({"type": "link", "peer": sw["peer"], "state": "connected"})
        assert await next_of(court, "site_state") == {"type": "site_state", "site": f"remote-{site.pk}",
                                                      "state": "connected"}
        await court.send_json_to({"type": "link", "peer": sw["peer"], "state": "failed"})
        assert (await next_of(court, "site_state"))["state"] == "lost"
        # R22: the link being rebuilt (a new media feed connecting) leaves the site lost...
        await court.send_json_to({"type": "link", "peer": sw["peer"], "state": "connecting"})
        # ... until it is up again: then it is reconnected, not connected afresh.
        await court.send_json_to({"type": "link", "peer": sw["peer"], "state": "connected"})
        assert (await next_of(court, "site_state"))["state"] == "connected"
        for ws in (court, sizo):
            await ws.disconnect()

    async_to_sync(scenario)()
    site.refresh_from_db()
    assert site.connection == "connected"
    kinds = list(TimelineEvent.objects.filter(hearing_id=live_hearing.hearing_id, kind__startswith="site_")
                 .values_list("kind", "rule"))
    assert kinds == [("site_connected", "R15"), ("site_lost", "R22"), ("site_reconnected", "R22")]


def test_r15_signalling_survives_malformed_messages_and_answers_each_with_an_error(live_hearing, world):
    path = f"/ws/live/hearing/{live_hearing.hearing_id}/"

    async def scenario():
        court, _w = await join(path, world.secretary)
        bad = ["not json", "[]", json.dumps({"type": 5}), json.dumps({"type": "__class__"}),
               json.dumps({"type": "nonsense"}), json.dumps({"type": "signal", "to": "x"}),
               json.dumps({"type": "stats", "links": "many"}),
               json.dumps({"type": "stats", "links": [{"peer": "remote-1.x", "rtt_ms": "fast"}]}),
               json.dumps({"type": "mute", "site": "../../etc"}), "x" * 70_000]
        for text in bad:
            await court.send_to(text_data=text)
            assert (await next_of(court, "error"))["type"] == "error"
        await court.send_to(bytes_data=b"\x00\x01")
        assert (await next_of(court, "error"))["code"] == "format"
        await court.send_json_to({"type": "ping", "t": 1})
        assert await next_of(court, "pong") == {"type": "pong", "t": 1}
        await court.disconnect()

    async_to_sync(scenario)()


def test_r15_a_flood_of_messages_is_rate_limited_and_then_closed(live_hearing, world, settings):
    settings.COURTVCS_SIGNAL_RATE_PER_SECOND = 1
    settings.COURTVCS_SIGNAL_BURST = 5
    path = f"/ws/live/hearing/{live_hearing.hearing_id}/"

    async def scenario():
        court, _w = await join(path, world.secretary)
        for i in range(60):
            await court.send_json_to({"type": "ping", "t": i})
        answers = []
        while True:
            out = await court.receive_output(timeout=2)
            if out["type"] == "websocket.close":
                assert out["code"] == 4429
                break
            answers.append(json.loads(out["text"]))
        assert sum(1 for a in answers if a["type"] == "pong") == 5
        assert any(a.get("code") == "rate" for a in answers)

    async_to_sync(scenario)()


def test_r22_only_the_court_mutes_a_site_and_the_mute_is_on_the_timeline(live_hearing, world):
    path = f"/ws/live/hearing/{live_hearing.hearing_id}/"

    async def scenario():
        judge, _jw = await join(path, world.judge)
        sizo, sw = await join(path, world.officer)
        await sizo.send_json_to({"type": "mute", "site": "courtroom"})
        assert (await next_of(sizo, "error"))["code"] == "invalid"
        await judge.send_json_to({"type": "mute", "site": sw["site"]})
        assert (await next_of(sizo, "muted"))["by"] == "observer"
        for ws in (judge, sizo):
            await ws.disconnect()

    async_to_sync(scenario)()
    assert TimelineEvent.objects.filter(hearing_id=live_hearing.hearing_id, kind="site_muted",
                                        actor=world.judge).exists()


def test_r15_before_the_connection_the_sites_wait_and_are_told_when_the_court_connects(
        world, api, clock, django_capture_on_commit_callbacks):
    flow = Flow(world, api, clock)
    flow.to("ready")
    # In the connection window already: the in-memory channel layer forgets group members
    # after a day of (frozen, then moved) clock time.
    clock.move_to(flow.starts_at - dt.timedelta(minutes=25))
    path = f"/ws/live/hearing/{flow.hearing_id}/"

    async def scenario(step):
        sizo, sw = await join(path, world.officer)
        assert sw["state"]["live"] is False and "R15" in sw["state"]["waiting"]
        await sizo.send_json_to({"type": "hello"})
        assert (await next_of(sizo, "state"))["state"]["live"] is False
        await step()
        state = await next_of(sizo, "state", timeout=5)
        assert state["state"]["live"] is True and state["event"] == "connect"
        await sizo.disconnect()

    def connect():
        with django_capture_on_commit_callbacks(execute=True):
            flow.connect()

    async_to_sync(scenario)(database_sync_to_async(connect))
