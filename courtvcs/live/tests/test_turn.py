"""TURN through coturn (issue 6): each seat gets credentials of its own that last the
hearing's length plus a grace, and the relay reaches public addresses only (R5, R6: the
court's information security; a relay must not become a way into the court's networks).

The coturn tests start a real turnserver with the shipped deploy/coturn/turnserver.conf
(through deploy/coturn/run-turnserver.sh, with a test secret) and talk TURN to it with
aioice, as a browser would. The only options the test adds are where to listen and which
address to relay from. The public peer is a documentation address (198.51.100.n) inside a
network namespace (tests/e2e/network.py), so the shipped denied-peer-ip lines are tested
as shipped, with no allowed-peer-ip exception. Needs coturn (apt-get install coturn); the
public-peer test needs root, iproute2 and iptables, like the browser tests.
"""

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from aioice import stun
from aioice.turn import TurnClientUdpProtocol
from django.conf import settings
from django.utils import timezone

from courtvcs.hearings.models import Hearing, TestSession
from courtvcs.hearings.tests.flow import Flow
from courtvcs.live import seats
from courtvcs.live.media import MeshPlane
from courtvcs.live.tests.test_mobile import booked, issued_token, opened, person
from courtvcs.live.turn import ice_config, turn_password
from tests.coturn import Coturn, require_coturn
from tests.e2e.network import IsolatedHost, can_isolate

DEPLOY = Path(settings.BASE_DIR) / "deploy" / "coturn"
SECRET = "test-" + secrets.token_urlsafe(24)
URL = "turn:turn.test.kz:3478?transport=udp"


def run_async(scenario) -> None:
    """Run a TURN scenario (no database inside) on an event loop of its own thread. In the
    whole suite (30 November 2026) the main thread was found marked as inside a running
    loop by an earlier test (cause not found yet), where asgiref's async_to_sync refuses."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as worker:
        worker.submit(asyncio.run, scenario()).result()


@pytest.fixture
def turn_settings(settings):
    settings.COURTVCS_TURN_URLS = [URL]
    settings.COURTVCS_TURN_SECRET = SECRET
    settings.COURTVCS_TURN_GRACE_MINUTES = 120
    settings.COURTVCS_ICE_SERVERS = [{"urls": "stun:stun.test.kz:3478"}]
    settings.COURTVCS_ICE_TRANSPORT_POLICY = "all"
    return settings


def turn_server_of(config: dict) -> dict | None:
    return next((s for s in config["iceServers"] if "username" in s), None)


def expiry_of(username: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(username.split(":", 1)[0]), dt.UTC)


# --- the credentials ----------------------------------------------------------------------
def test_r05_turn_credentials_last_the_hearings_length_plus_the_grace(world, api, clock, turn_settings):
    flow = Flow(world, api, clock)
    flow.book()
    hearing = Hearing.objects.get(pk=flow.hearing_id)
    ends = hearing.starts_at + dt.timedelta(minutes=hearing.duration_minutes)

    courtroom = seats.hearing_seat(world.secretary, flow.hearing_id)
    remote = seats.hearing_seat(world.officer, flow.hearing_id)
    config = MeshPlane().client_config(remote)       # what the welcome message carries
    turn = turn_server_of(config)
    assert turn["urls"] == [URL]
    assert config["iceServers"][0] == {"urls": "stun:stun.test.kz:3478"}  # STUN kept
    assert expiry_of(turn["username"]) == ends + dt.timedelta(minutes=120)
    assert turn["username"].endswith(f":hearing-{flow.hearing_id}.{remote.site}")
    # The TURN REST API password: base64(HMAC-SHA1(secret, username)), as coturn checks it.
    expected = base64.b64encode(hmac.new(SECRET.encode(), turn["username"].encode(), hashlib.sha1).digest())
    assert turn["credential"] == expected.decode()

    # Each site its own credential; the judge's console sends no media and gets none.
    assert turn_server_of(ice_config(courtroom))["username"] != turn["username"]
    assert turn_server_of(ice_config(seats.hearing_seat(world.judge, flow.hearing_id))) is None

    # A longer hearing, a longer credential; another grace, another expiry.
    Hearing.objects.filter(pk=hearing.pk).update(duration_minutes=240)
    turn_settings.COURTVCS_TURN_GRACE_MINUTES = 30
    longer = turn_server_of(ice_config(seats.hearing_seat(world.officer, flow.hearing_id)))
    assert expiry_of(longer["username"]) == hearing.starts_at + dt.timedelta(minutes=240 + 30)


def test_r13_turn_credentials_of_a_test_session_last_until_it_must_be_held(world, api, clock, turn_settings):
    flow = Flow(world, api, clock)
    flow.to("tests_requested")
    ts = TestSession.objects.get(pk=flow.test_ids[0])
    seat = seats.test_seat(world.technician, ts.pk)
    turn = turn_server_of(ice_config(seat))
    assert expiry_of(turn["username"]) == ts.must_be_held_before + dt.timedelta(minutes=120)
    assert turn["username"].endswith(f":test-{ts.pk}.courtroom")


def test_r20_the_mobile_precall_check_gets_the_participants_own_turn_credentials(world, api, clock,
                                                                                   turn_settings):
    """The pre-call network check looks for a relay route: it needs credentials to find one."""
    flow = booked(world, api, clock)
    lawyer = person(flow, "defence_lawyer")
    browser, _answer = opened(issued_token(world, flow, lawyer))
    page = browser.get("/live/join/").content.decode()
    servers = json.loads(re.search(r'<script[^>]*id="ice-servers"[^>]*>(.*?)</script>', page, re.S).group(1))
    turn = turn_server_of({"iceServers": servers})
    assert turn["username"].endswith(f":hearing-{flow.hearing_id}.mobile-{lawyer.pk}")
    hearing = Hearing.objects.get(pk=flow.hearing_id)
    assert expiry_of(turn["username"]) == hearing.ends_at + dt.timedelta(minutes=120)


def test_no_turn_configured_gives_the_stun_servers_only(world, api, clock, settings):
    settings.COURTVCS_TURN_URLS = []
    settings.COURTVCS_ICE_SERVERS = [{"urls": "stun:stun.test.kz:3478"}]
    flow = Flow(world, api, clock)
    flow.book()
    config = ice_config(seats.hearing_seat(world.officer, flow.hearing_id))
    assert config == {"iceServers": [{"urls": "stun:stun.test.kz:3478"}]}


def test_sites_that_must_relay_are_told_to_use_the_relay_only(world, api, clock, turn_settings):
    turn_settings.COURTVCS_ICE_TRANSPORT_POLICY = "relay"
    flow = Flow(world, api, clock)
    flow.book()
    config = ice_config(seats.hearing_seat(world.officer, flow.hearing_id))
    assert config["iceTransportPolicy"] == "relay"
    assert turn_server_of(config) is not None


def test_r05_the_turn_password_is_never_logged(world, api, clock, turn_settings, caplog):
    flow = Flow(world, api, clock)
    flow.book()
    with caplog.at_level(logging.DEBUG):
        config = MeshPlane().client_config(seats.hearing_seat(world.officer, flow.hearing_id))
    password = turn_server_of(config)["credential"]
    assert password not in caplog.text and SECRET not in caplog.text


@pytest.mark.parametrize("environment, refused", [
    ({"COURTVCS_TURN_URLS": "turn:turn.test.kz:3478"}, "COURTVCS_TURN_SECRET"),
    ({"COURTVCS_ICE_TRANSPORT_POLICY": "relay"}, "needs COURTVCS_TURN_URLS"),
    ({"COURTVCS_ICE_TRANSPORT_POLICY": "nohost"}, '"all" or "relay"'),
    ({"COURTVCS_TURN_URLS": "turn:turn.test.kz:3478", "COURTVCS_TURN_SECRET": "s3cret"}, None),
])
def test_a_turn_misconfiguration_stops_the_server_at_start(environment, refused, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COURTVCS_TURN", "COURTVCS_ICE"))}
    env.update(environment, DJANGO_SETTINGS_MODULE="courtvcs.settings", COURTVCS_VAR_DIR=str(tmp_path))
    run = subprocess.run([sys.executable, "-c", "from django.conf import settings; print(settings.COURTVCS_TURN_URLS)"],
                         env=env, capture_output=True, text=True, timeout=60, cwd=settings.BASE_DIR)
    if refused is None:
        assert run.returncode == 0 and "turn:turn.test.kz:3478" in run.stdout, run.stderr
    else:
        assert run.returncode != 0 and "ImproperlyConfigured" in run.stderr and refused in run.stderr
        assert "s3cret" not in run.stderr


def test_r05_the_shipped_coturn_config_refuses_private_and_loopback_peers():
    """Every range the relay must not reach is denied by a line of the shipped config."""
    lines = (DEPLOY / "turnserver.conf").read_text().splitlines()
    denied = []
    for line in lines:
        if line.startswith("denied-peer-ip="):
            low, _, high = line.split("=", 1)[1].partition("-")
            denied.append((ipaddress.ip_address(low), ipaddress.ip_address(high or low)))

    def refused(address: str) -> bool:
        ip = ipaddress.ip_address(address)
        return any(low.version == ip.version and low <= ip <= high for low, high in denied)

    must_refuse = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
                   "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "240.0.0.0/4",
                   "::1/128", "fc00::/7", "fe80::/10", "::ffff:0:0/96"]
    # coturn reads an unspecified address at both ends of a range as "any": it refuses all.
    assert not any(low.is_unspecified and high.is_unspecified for low, high in denied)
    for network in map(ipaddress.ip_network, must_refuse):
        assert refused(str(network[0])) and refused(str(network[-1])), network
    for public in ("8.8.8.8", "198.51.100.7", "203.0.113.5", "2a00:1450::1"):
        assert not refused(public), public
    options = {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}
    assert {"use-auth-secret", "fingerprint", "no-cli", "no-multicast-peers", "no-tlsv1", "no-tlsv1_1",
            "user-quota", "total-quota"} <= options
    assert "allow-loopback-peers" not in options and "static-auth-secret" not in options
    assert not any(line.startswith("allowed-peer-ip") for line in lines)


# --- a real coturn --------------------------------------------------------------------------
@dataclass
class Relay:
    server: Coturn
    public_peer: str | None   # a documentation address on a network of its own, if made
    host: IsolatedHost | None


def _ip(*args: str) -> None:
    subprocess.run([shutil.which("ip", path="/usr/sbin:/sbin:/usr/bin:/bin") or "ip", *args],
                   check=True, capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def coturn(tmp_path_factory):
    require_coturn()
    host, public_peer, relay_ip = None, None, "127.0.0.1"
    try:
        if can_isolate()[0]:
            # A "public" peer: 198.51.100.n (TEST-NET-2) inside a namespace of its own, routed
            # over the namespace's veth; coturn relays from this machine's end of the veth.
            host = IsolatedHost().create()
            public_peer = f"198.51.100.{host.subnet}"
            _ip("-n", host.netns, "addr", "add", f"{public_peer}/32", "dev", host.veth_peer)
            _ip("route", "add", f"{public_peer}/32", "dev", host.veth_host)
            relay_ip = host.gateway
        with Coturn(tmp_path_factory.mktemp("coturn"), listen_ip="127.0.0.1", relay_ip=relay_ip) as server:
            yield Relay(server=server, public_peer=public_peer, host=host)
    finally:
        if host is not None:
            host.close()


@pytest.fixture
def turn_secret(coturn, turn_settings):
    turn_settings.COURTVCS_TURN_SECRET = coturn.server.secret
    return coturn.server.secret


class Inbox(asyncio.DatagramProtocol):
    """What comes back through the relay."""

    def __init__(self):
        self.received: asyncio.Queue = asyncio.Queue()

    def datagram_received(self, data, addr):
        self.received.put_nowait((data, addr))


async def allocate(coturn: Relay, username: str, password: str):
    """A TURN allocation, as a browser makes one with the iceServers entry it was given."""
    loop = asyncio.get_running_loop()
    address = coturn.server.address
    transport, client = await loop.create_datagram_endpoint(
        lambda: TurnClientUdpProtocol(address, username=username, password=password,
                                      lifetime=600, channel_refresh_time=500),
        remote_addr=address)
    client.receiver = Inbox()
    try:
        await asyncio.wait_for(client.connect(), 10)
    except BaseException:
        transport.close()
        raise
    return client


async def release(client) -> None:
    await client.delete()


async def error_of(coroutine) -> int | None:
    try:
        await asyncio.wait_for(coroutine, 10)
    except stun.TransactionFailed as exc:
        return exc.response.error_code
    return None


async def create_permission(client, peer: tuple[str, int]):
    request = stun.Message(message_method=stun.Method.CREATE_PERMISSION, message_class=stun.Class.REQUEST)
    request.attributes["XOR-PEER-ADDRESS"] = peer
    return await client.request_with_retry(request)


def seat_ending_at(ends_at: dt.datetime) -> seats.Seat:
    return seats.Seat(room="hearing-7", hearing_id=7, site="remote-3", kind=seats.REMOTE_SITE,
                      label="SIZO, room 1", call_ends_at=ends_at)


def credentials(seat) -> tuple[str, str]:
    turn = turn_server_of(ice_config(seat))
    return turn["username"], turn["credential"]


def test_r05_a_seats_credentials_allocate_a_relay_on_coturn(coturn, turn_secret, turn_settings):
    username, password = credentials(seat_ending_at(timezone.now() + dt.timedelta(minutes=90)))

    async def scenario():
        client = await allocate(coturn, username, password)
        assert client.relayed_address[0] == coturn.server.relay_ip
        await release(client)

    run_async(scenario)
    assert password not in coturn.server.log_text() and turn_secret not in coturn.server.log_text()


def test_r05_expired_or_forged_credentials_are_refused_by_coturn(coturn, turn_secret, turn_settings):
    # A hearing that ended longer ago than the grace: its credentials no longer work.
    ended = timezone.now() - dt.timedelta(minutes=121)
    expired_user, expired_password = credentials(seat_ending_at(ended))
    valid_user, valid_password = credentials(seat_ending_at(timezone.now() + dt.timedelta(minutes=5)))
    # A username whose expiry was pushed later, signed without the secret.
    later = f"{int(time.time()) + 86400}:hearing-7.remote-3"
    forged = turn_password("not-the-secret", later)

    async def scenario():
        assert await error_of(allocate(coturn, expired_user, expired_password)) == 401
        assert await error_of(allocate(coturn, valid_user, valid_password + "x")) == 401
        assert await error_of(allocate(coturn, later, forged)) == 401
        assert await error_of(allocate(coturn, later, valid_password)) == 401

    run_async(scenario)


def test_r22_a_relay_open_at_the_expiry_is_kept_but_no_new_one_is_given(coturn, turn_secret, turn_settings):
    """A hearing that runs past its end plus the grace keeps the relays its sites hold
    (coturn checks the expiry when a session authenticates, not on its refreshes); a page
    that comes to the room after the expiry gets no relay with the old credentials."""
    turn_settings.COURTVCS_TURN_GRACE_MINUTES = 0
    username, password = credentials(seat_ending_at(timezone.now() + dt.timedelta(seconds=3)))

    async def scenario():
        client = await allocate(coturn, username, password)
        client.refresh_task.cancel()
        await asyncio.sleep(4.5)
        request = stun.Message(message_method=stun.Method.REFRESH, message_class=stun.Class.REQUEST)
        request.attributes["LIFETIME"] = 600
        assert await error_of(client.request_with_retry(request)) is None
        assert await error_of(allocate(coturn, username, password)) == 401
        await release(client)

    run_async(scenario)


def test_r05_coturn_refuses_to_relay_to_loopback_and_private_addresses(coturn, turn_secret, turn_settings):
    username, password = credentials(seat_ending_at(timezone.now() + dt.timedelta(minutes=90)))
    # This machine, the court's private networks, carrier-grade NAT, link-local, and this
    # machine's own end of the test network (a private address that is really there).
    refused = ["127.0.0.1", "10.0.0.1", "10.231.0.1", "192.168.1.10", "172.16.5.5", "100.64.0.1",
               "169.254.169.254", "0.0.0.1", "198.18.0.1"]
    if coturn.host is not None:
        refused.append(coturn.host.gateway)

    async def scenario():
        client = await allocate(coturn, username, password)
        try:
            for address in refused:
                assert await error_of(create_permission(client, (address, 9))) == 403, address
                assert await error_of(client.channel_bind(0x4000, (address, 9))) == 403, address
        finally:
            await release(client)

    run_async(scenario)


def test_r05_coturn_relays_to_a_public_address(coturn, turn_secret, turn_settings):
    if coturn.public_peer is None:
        pytest.skip("a public test peer needs a network namespace: " + can_isolate()[1])
    username, password = credentials(seat_ending_at(timezone.now() + dt.timedelta(minutes=90)))
    echo = subprocess.Popen(coturn.host.exec_command(sys.executable, "-c", (
        "import socket, sys\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        f"s.bind(('{coturn.public_peer}', 0))\n"
        "print(s.getsockname()[1], flush=True)\n"
        "while True:\n"
        "    data, addr = s.recvfrom(2048)\n"
        "    s.sendto(b'echo:' + data, addr)\n")), stdout=subprocess.PIPE, text=True)
    try:
        peer = (coturn.public_peer, int(echo.stdout.readline()))

        async def scenario():
            client = await allocate(coturn, username, password)
            try:
                assert await error_of(create_permission(client, peer)) is None
                await client.send_data(b"hearing 1-101/2026", peer)
                data, source = await asyncio.wait_for(client.receiver.received.get(), 5)
                assert (data, source) == (b"echo:hearing 1-101/2026", peer)
            finally:
                await release(client)

        run_async(scenario)
    finally:
        echo.kill()
        echo.wait()
