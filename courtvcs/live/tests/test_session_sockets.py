"""Issue 7: a room socket follows its person's session: refused once the session has expired,
kept alive while open, closed (4401) when the person is disabled."""

import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.sessions.models import Session
from django.test import Client

from courtvcs.asgi import application
from courtvcs.hearings.tests.flow import Flow
from courtvcs.orgs import sessions

from .sockets import WebsocketCommunicator

# The consumer reaches the database from other threads: transactional tests (see test_signalling).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live_hearing(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("connected")
    return flow


def sign_in(user) -> tuple[Client, str]:
    client = Client()
    client.force_login(user)
    return client, client.cookies["sessionid"].value


def socket(hearing_id: int, session_key: str) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver"),
               (b"cookie", f"sessionid={session_key}".encode())]
    return WebsocketCommunicator(application, f"/ws/live/hearing/{hearing_id}/", headers=headers)


async def next_of(ws, kind):
    while True:
        message = await ws.receive_json_from()
        if message["type"] == kind:
            return message


def test_a_disabled_persons_open_room_socket_is_closed_as_signed_out(live_hearing, world):
    _client, key = sign_in(world.secretary)
    _judge_client, judge_key = sign_in(world.judge)

    def disable():
        world.secretary.is_active = False
        world.secretary.save()

    async def scenario():
        ws, judge = socket(live_hearing.hearing_id, key), socket(live_hearing.hearing_id, judge_key)
        assert (await ws.connect())[0] and (await judge.connect())[0]
        await next_of(ws, "welcome")
        await database_sync_to_async(disable)()
        await next_of(ws, "signed_out")
        assert await ws.receive_output() == {"type": "websocket.close", "code": 4401}
        await judge.send_json_to({"type": "ping", "t": 1})
        await next_of(judge, "pong")  # the colleague's socket stays open
        await judge.disconnect()
        await ws.wait()

    async_to_sync(scenario)()
    assert not Session.objects.filter(session_key=key).exists()


def test_a_room_socket_with_an_expired_session_is_refused(live_hearing, world, clock, settings):
    settings.COURTVCS_SESSION_IDLE_MINUTES = 30
    settings.COURTVCS_SESSION_ABSOLUTE_HOURS = 12
    _stale, stale_key = sign_in(world.secretary)
    clock.shift(dt.timedelta(minutes=31))
    _fresh, fresh_key = sign_in(world.secretary)

    async def scenario():
        refused = socket(live_hearing.hearing_id, stale_key)
        assert await refused.connect() == (True, None)  # the page gets the code: "signed out", no retry
        assert await refused.receive_output() == {"type": "websocket.close", "code": 4401}
        fresh = socket(live_hearing.hearing_id, fresh_key)
        assert (await fresh.connect())[0]
        await fresh.disconnect()

    async_to_sync(scenario)()


def test_an_open_room_page_keeps_its_session_alive(live_hearing, world, clock, settings, monkeypatch):
    settings.COURTVCS_SESSION_IDLE_MINUTES = 30
    settings.COURTVCS_SESSION_ABSOLUTE_HOURS = 12
    monkeypatch.setattr(sessions, "SEEN_EVERY_SECONDS", 0)  # the consumer writes at most once a minute
    client, key = sign_in(world.secretary)

    async def scenario():
        ws = socket(live_hearing.hearing_id, key)
        assert (await ws.connect())[0]
        await next_of(ws, "welcome")
        for _half_hour in range(3):  # 75 minutes with no request but the socket's heartbeat
            clock.shift(dt.timedelta(minutes=25))
            await ws.send_json_to({"type": "ping", "t": 1})
            await ws.send_json_to({"type": "ping", "t": 2})  # answered once the first is done
            while (await next_of(ws, "pong"))["t"] != 2:
                pass
        await ws.disconnect()

    async_to_sync(scenario)()
    assert client.get("/hearings/").status_code == 200


def test_changing_ones_password_closes_the_room_sockets_of_ones_other_browsers_only(live_hearing, world, clock):
    """6.2.3 with 7.4.x: after a password change the other browsers are signed out, their room
    sockets with them (4401); the browser that changed it keeps its hearing page connected."""
    from courtvcs.orgs.tests.factories import PASSWORD, current_code, give_second_factor

    user = world.secretary
    give_second_factor(user)
    home, home_key = sign_in(user)
    office, office_key = sign_in(user)

    def change(client, old, new):
        response = client.post("/signin/password/", {"old_password": old, "new_password1": new,
                                                      "new_password2": new, "code": current_code(user)})
        assert response.status_code == 302, response.content.decode()[-2000:]

    async def scenario():
        other = socket(live_hearing.hearing_id, home_key)
        assert (await other.connect())[0]
        await next_of(other, "welcome")
        await database_sync_to_async(change)(office, PASSWORD, "Kokshetau-zal-7-kamera")
        await next_of(other, "signed_out")
        assert await other.receive_output() == {"type": "websocket.close", "code": 4401}
        await other.wait()

        mine = socket(live_hearing.hearing_id, office_key)
        assert (await mine.connect())[0]
        await next_of(mine, "welcome")
        clock.shift(dt.timedelta(seconds=60))  # a new code: the last one may not be used twice
        await database_sync_to_async(change)(office, "Kokshetau-zal-7-kamera", "Kokshetau-zal-8-kamera")
        await mine.send_json_to({"type": "ping", "t": 1})
        await next_of(mine, "pong")  # still connected
        await mine.disconnect()

    async_to_sync(scenario)()
    assert not Session.objects.filter(session_key=home_key).exists()
    assert Session.objects.filter(session_key=office_key).exists()
