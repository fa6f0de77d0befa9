"""The Janus plane against a real Janus (started from deploy/janus, tests/janus.py): rooms
with a secret and a PIN per hearing, per-participant tokens, the room and its tokens gone
when the hearing's session ends, placement on the pool, and the plane chosen per hearing."""

import httpx
import pytest

from courtvcs.audit.models import AuditEntry
from courtvcs.hearings.models import Hearing
from courtvcs.hearings.tests.flow import Flow
from courtvcs.live import seats
from courtvcs.live.janus import JanusPlane
from courtvcs.live.janus import services as rooms
from courtvcs.live.janus.client import JanusClient, pool
from courtvcs.live.janus.config import ConfigError, render
from courtvcs.live.media import media_plane
from courtvcs.live.models import JanusRoom


pytestmark = pytest.mark.django_db(transaction=True)


class Browser:
    """What janus.js does over the Janus API, here over its HTTP transport."""

    def __init__(self, server, token: str | None):
        self.api, self.token = server.api, token
        self.session = self.handle = None

    def post(self, path: str, body: dict) -> dict:
        if self.token is not None:
            body = {**body, "token": self.token}
        return httpx.post(self.api + path, json={"transaction": "t", **body}, timeout=5).json()

    def attach(self) -> dict:
        answer = self.post("", {"janus": "create"})
        if answer["janus"] != "success":
            return answer
        self.session = answer["data"]["id"]
        answer = self.post(f"/{self.session}", {"janus": "attach", "plugin": "janus.plugin.videoroom"})
        if answer["janus"] == "success":
            self.handle = answer["data"]["id"]
        return answer

    def join(self, room: int, pin: str | None, display: str) -> dict:
        body = {"request": "join", "ptype": "publisher", "room": room, "display": display}
        if pin is not None:
            body["pin"] = pin
        if self.token is not None:
            body["token"] = self.token
        self.post(f"/{self.session}/{self.handle}", {"janus": "message", "body": body})
        params = {"maxev": 1} if self.token is None else {"maxev": 1, "token": self.token}
        for _ in range(10):
            event = httpx.get(f"{self.api}/{self.session}", params=params, timeout=35).json()
            if event.get("janus") == "event":
                return event["plugindata"]["data"]
        raise AssertionError("no answer to the join")


def live_hearing(world, api, clock) -> int:
    flow = Flow(world, api, clock)
    flow.to("connected")
    return flow


def test_r15_the_hearing_gets_a_janus_room_with_secret_and_pin_and_a_token_per_participant(
        world, api, clock, janus_pool):
    flow = live_hearing(world, api, clock)
    seat = seats.hearing_seat(world.secretary, flow.hearing_id)
    config = JanusPlane().client_config(seat)
    janus = config["janus"]
    row = JanusRoom.objects.get(room=f"hearing-{flow.hearing_id}", closed_at__isnull=True)
    assert janus["room"] == row.janus_room_id and janus["pin"] == row.pin
    assert "secret" not in janus and row.secret not in str(config)  # the secret stays on the server
    assert janus["url"] == janus_pool.entry()["ws"]
    with JanusClient(pool()[0]) as client:
        assert client.room_exists(row.janus_room_id)
        assert janus["token"] in client.list_tokens()

    # The participant's token and the PIN let a browser in ...
    browser = Browser(janus_pool, janus["token"])
    assert browser.attach()["janus"] == "success"
    assert browser.join(janus["room"], janus["pin"], "courtroom|courtroom.x")["videoroom"] == "joined"
    # ... a wrong PIN does not,
    other = Browser(janus_pool, JanusPlane().client_config(seat)["janus"]["token"])
    other.attach()
    assert "error" in other.join(janus["room"], "0000", "courtroom|courtroom.y")
    # nor a token that was never added, nor no token at all.
    for token in ("cv-1-made-up", None):
        assert Browser(janus_pool, token).attach()["janus"] == "error"
    assert AuditEntry.objects.filter(action="janus_room_created", hearing_id=flow.hearing_id).count() == 1


def test_a_token_of_one_hearing_does_not_open_another_hearings_room(world, api, clock, janus_pool):
    flow = live_hearing(world, api, clock)
    seat = seats.hearing_seat(world.secretary, flow.hearing_id)
    mine = JanusPlane().client_config(seat)["janus"]
    other_seat = seats.Seat(room="hearing-999999", hearing_id=flow.hearing_id, site="courtroom", kind="courtroom",
                            label="x", expected_sites=2)
    other_room = rooms.ensure_room(other_seat)
    browser = Browser(janus_pool, mine["token"])
    browser.attach()
    assert "error" in browser.join(other_room.janus_room_id, other_room.pin, "courtroom|x")


def test_sample_admin_secret_is_refused_and_never_shipped(janus_server, tmp_path):
    answer = httpx.post(janus_server.admin, json={"janus": "list_tokens", "transaction": "t",
                                                  "admin_secret": "janusoverlord"}, timeout=5).json()
    assert answer["janus"] == "error"
    with pytest.raises(ConfigError):
        render(tmp_path / "cfg", admin_secret="janusoverlord", api_secret="x" * 20, room_admin_key="y" * 20)
    # The admin API listens on loopback only.
    assert "127.0.0.1" in janus_server.admin
    text = (janus_server.folder / "etc" / "janus.transport.http.jcfg").read_text()
    assert 'admin_ip = "127.0.0.1"' in text and "janusoverlord" not in text


def test_r15_closing_the_hearing_destroys_its_room_and_revokes_its_tokens(world, api, clock, janus_pool):
    flow = live_hearing(world, api, clock)
    flow.call_in()
    seat = seats.hearing_seat(world.secretary, flow.hearing_id)
    token = JanusPlane().client_config(seat)["janus"]["token"]
    row = JanusRoom.objects.get(room=f"hearing-{flow.hearing_id}")
    assert row.record and row.rec_dir.endswith(f"hearing-{flow.hearing_id}/room-{row.janus_room_id}")

    assert api(world.secretary).post(flow.url("/close")).status_code == 200
    row.refresh_from_db()
    assert row.closed_at is not None
    with JanusClient(pool()[0]) as client:
        assert not client.room_exists(row.janus_room_id)
        assert token not in client.list_tokens()
    assert Browser(janus_pool, token).attach()["janus"] == "error"
    entry = AuditEntry.objects.get(action="janus_room_destroyed", hearing_id=flow.hearing_id)
    assert entry.after["tokens_revoked"] >= 1 and entry.after["reason"] == "closed"


def test_another_node_or_a_restarted_janus_finds_the_same_room(world, api, clock, janus_pool):
    flow = live_hearing(world, api, clock)
    seat = seats.hearing_seat(world.secretary, flow.hearing_id)
    first = rooms.ensure_room(seat)
    assert rooms.ensure_room(seat).pk == first.pk
    with JanusClient(pool()[0]) as client:
        client.destroy_room(first.janus_room_id, first.secret)  # as if Janus had restarted
        again = rooms.ensure_room(seat)
        assert again.pk == first.pk and client.room_exists(first.janus_room_id)


def test_rooms_go_to_the_least_loaded_server_of_the_pool(world, api, clock, janus_pool, settings):
    entry = janus_pool.entry()
    settings.COURTVCS_JANUS_SERVERS = [{**entry, "name": "janus-a", "capacity": 10},
                                       {**entry, "name": "janus-b", "capacity": 10}]
    hearing_id = Flow(world, api, clock).book()["id"]
    placed = []
    for n in range(3):
        seat = seats.Seat(room=f"hearing-{900000 + n}", hearing_id=hearing_id,
                          site="courtroom", kind="courtroom", label="x", expected_sites=4)
        placed.append(rooms.ensure_room(seat).server)
    assert placed[:2] in (["janus-a", "janus-b"], ["janus-b", "janus-a"])
    assert len(set(placed)) == 2


def test_a_janus_server_down_takes_no_new_rooms_and_the_pool_stays_ready(world, api, clock, janus_pool,
                                                                      settings):
    """One server of the pool stops answering: new hearings go to the others, and the nodes
    stay ready (the dead server is named in /readyz's answer for the operators' alert)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]
    entry = janus_pool.entry()
    dead = {**entry, "name": "janus-down", "capacity": 100,
            "api": f"http://127.0.0.1:{dead_port}/janus", "admin": f"http://127.0.0.1:{dead_port}/admin"}
    # The dead server is the emptiest, so it is tried first.
    settings.COURTVCS_JANUS_SERVERS = [dead, {**entry, "name": "janus-up", "capacity": 1}]
    hearing_id = Flow(world, api, clock).book()["id"]
    seat = seats.Seat(room="hearing-910000", hearing_id=hearing_id, site="courtroom", kind="courtroom",
                      label="x", expected_sites=2)
    assert rooms.ensure_room(seat).server == "janus-up"
    assert JanusPlane().ready() == {"ok": True, "servers": {"janus-down": False, "janus-up": True}}
    settings.COURTVCS_JANUS_SERVERS = [dead]
    assert JanusPlane().ready() == {"ok": False, "servers": {"janus-down": False}}


def test_sweep_closes_rooms_of_hearings_no_longer_live(world, api, clock, janus_pool):
    flow = live_hearing(world, api, clock)
    seat = seats.hearing_seat(world.secretary, flow.hearing_id)
    row = rooms.ensure_room(seat)
    Hearing.objects.filter(pk=flow.hearing_id).update(status="adjourned")  # e.g. a node died mid-change
    assert rooms.sweep()["closed"] == 1
    row.refresh_from_db()
    assert row.closed_at is not None


def test_a_hearing_with_more_sites_than_the_mesh_carries_goes_through_janus(world, api, clock, settings,
                                                                          janus_pool):
    flow = live_hearing(world, api, clock)
    seat = seats.hearing_seat(world.secretary, flow.hearing_id)
    settings.COURTVCS_MEDIA_PLANE = "mesh"
    settings.COURTVCS_P2P_MAX_SITES = seat.expected_sites
    assert media_plane(seat).name == "mesh"
    settings.COURTVCS_P2P_MAX_SITES = seat.expected_sites - 1
    assert media_plane(seat).name == "janus"
    settings.COURTVCS_JANUS_SERVERS = []
    assert media_plane(seat).name == "mesh"  # no pool: the pages say the hearing is too big
    settings.COURTVCS_MEDIA_PLANE = "janus"
    assert media_plane(seat).name == "janus"


def test_r15_the_more_sites_a_janus_call_has_the_less_each_page_sends(world, api, clock, janus_pool):
    """Every page decodes every other site: in a large call each sends fewer frames and bits."""
    import dataclasses

    flow = live_hearing(world, api, clock)
    seat = seats.hearing_seat(world.secretary, flow.hearing_id)

    def send(sites):
        return JanusPlane().client_config(dataclasses.replace(seat, expected_sites=sites))["janus"].get("send")

    assert send(2) is None and send(4) is None  # the camera as it is
    assert send(5) == send(8) == {"max_fps": 15, "max_kbps": 600}
    assert send(9) == send(16) == {"max_fps": 12, "max_kbps": 400, "scale_down": 1.5}


def test_r15_the_worker_sweeps_finished_rooms_on_its_own_every_few_minutes(world, api, clock, janus_pool):
    """No cron needed: catch_up starts the sweep, which closes a finished hearing's room and
    queues its own next run once, however often it is started."""
    from django.core.management import call_command
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from courtvcs import kztime
    from courtvcs.live import tasks

    flow = live_hearing(world, api, clock)
    row = rooms.ensure_room(seats.hearing_seat(world.secretary, flow.hearing_id))
    Hearing.objects.filter(pk=flow.hearing_id).update(status="adjourned")
    call_command("catch_up", verbosity=0)
    first = DBTaskResult.objects.filter(task_path=tasks.JANUS_SWEEP_PATH, status=TaskResultStatus.READY)
    assert first.count() == 1  # started by catch_up
    assert tasks.sweep_janus_rooms.call()["closed"] == 1
    tasks.sweep_janus_rooms.call()
    row.refresh_from_db()
    assert row.closed_at is not None
    later = first.filter(run_after__gt=kztime.now())
    assert later.count() == 1  # one chain, not one per run
