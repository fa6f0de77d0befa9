"""/metrics while sites are in a live hearing: WebSocket clients, rooms, quality alerts."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from courtvcs.live.tests import test_signalling as signalling
from courtvcs.live.tests.test_signalling import join, next_of

from .scrape import scrape, value

# The consumer's database_sync_to_async would close a test transaction's connection.
pytestmark = pytest.mark.django_db(transaction=True)
# The signalling tests' fixtures: a hearing whose sites are connected, people's sessions.
live_hearing = signalling.live_hearing
signed_in = signalling.signed_in


def test_a_websocket_client_is_counted_while_connected_and_not_after(live_hearing, world):
    path = f"/ws/live/hearing/{live_hearing.hearing_id}/"
    before = scrape()
    courtroom = {"kind": "courtroom", "call": "hearing"}

    async def scenario():
        court, _cw = await join(path, world.secretary)
        judge, _jw = await join(path, world.judge)
        during = await database_sync_to_async(scrape)()
        await court.disconnect()
        await judge.disconnect()
        return during

    during = async_to_sync(scenario)()
    after = scrape()
    base = value(before, "courtvcs_websocket_clients", **courtroom)
    assert value(during, "courtvcs_websocket_clients", **courtroom) == base + 1
    assert value(during, "courtvcs_websocket_clients", kind="observer", call="hearing") == value(
        before, "courtvcs_websocket_clients", kind="observer", call="hearing") + 1
    assert value(during, "courtvcs_rooms_open") == value(before, "courtvcs_rooms_open") + 1
    assert value(during, "courtvcs_hearings_live", status="connected") == 1
    assert value(after, "courtvcs_websocket_clients", **courtroom) == base
    assert value(after, "courtvcs_rooms_open") == value(before, "courtvcs_rooms_open")


def test_r22_a_degraded_link_put_before_the_court_is_counted_as_a_quality_alert(live_hearing, world):
    path = f"/ws/live/hearing/{live_hearing.hearing_id}/"
    before = value(scrape(), "courtvcs_quality_alerts_total", kind="degraded")

    async def scenario():
        court, _cw = await join(path, world.secretary)
        sizo, sw = await join(path, world.officer)
        # The courtroom's browser reports its link to the remote site with a 900 ms round trip.
        await court.send_json_to({"type": "stats", "links": [
            {"peer": sw["peer"], "state": "connected", "rtt_ms": 900.0}]})
        change = await next_of(court, "quality_change")
        for ws in (court, sizo):
            await ws.disconnect()
        return change

    change = async_to_sync(scenario)()
    assert change["kind"] == "degraded" and "rtt" in change["reasons"]
    assert value(scrape(), "courtvcs_quality_alerts_total", kind="degraded") == before + 1
