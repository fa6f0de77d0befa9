"""The WebSocket groups in the access matrix: every person asks for a seat in the room of the
Kokshetau court's hearing ("own", connected) and of the Karaganda court's ("other"). Refused
seats close with 4403 (docs/live.md)."""

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.test_access import karaganda
from courtvcs.live.routing import websocket_urlpatterns
from courtvcs.live.tests.test_signalling import COOKIES, socket

from .matrix import PEOPLE

pytestmark = pytest.mark.django_db(transaction=True)

# Who is seated in a hearing's room: the court's staff (not a judge of the court who does not
# preside) and the remote site's staff (here only the detention centre). The Karaganda
# hearing seats only its own court's and detention centre's people.
SEATED = {"own": {"secretary", "judge", "bailiff", "technician", "office_head", "officer",
                  "sizo_technician"},
          "other": {"other_secretary", "other_technician", "other_officer"}}


def test_every_socket_route_is_in_the_matrix():
    assert [p.pattern.regex.pattern for p in websocket_urlpatterns] == [
        r"^ws/live/(?P<kind>hearing|test)/(?P<object_id>\d{1,12})/$"], "new socket route: add it here"


def test_access_matrix_room_seats_every_role_own_and_other(world, api, clock, capsys):
    other = karaganda(world, api)  # booked before the clock moves to the hearing day
    flow = Flow(world, api, clock)
    flow.to("connected")
    hearings = {"own": flow.hearing_id, "other": other}
    users = {name: getattr(world, attr) if attr else None for name, attr in PEOPLE.items()}
    COOKIES.clear()
    for user in users.values():
        if user is not None:
            client = Client()
            client.force_login(user)
            COOKIES[user.pk] = f"sessionid={client.cookies['sessionid'].value}"
    seen = {}

    async def seat(path, user) -> bool:
        ws = socket(path, user)
        assert await ws.connect() == (True, None)  # refused with the code, after opening
        out = await ws.receive_output()
        seated = out.get("type") != "websocket.close"
        if not seated:
            assert out["code"] == 4403, out
        await ws.disconnect()
        return seated

    async def scenario():
        for subject, hearing_id in hearings.items():
            for name, user in users.items():
                seen[(subject, name)] = await seat(f"/ws/live/hearing/{hearing_id}/", user)

    async_to_sync(scenario)()
    wrong_allows = [k for k, s in seen.items() if s and k[1] not in SEATED[k[0]]]
    wrong_denies = [k for k, s in seen.items() if not s and k[1] in SEATED[k[0]]]
    with capsys.disabled():
        print(f"\nsocket matrix: {len(seen)} cells, {sum(seen.values())} seated, "
              f"{len(wrong_allows)} wrong allows, {len(wrong_denies)} wrong denies")
    assert not wrong_allows, wrong_allows
    assert not wrong_denies, wrong_denies
