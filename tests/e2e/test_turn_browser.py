"""A relay-only call through coturn in real browsers: the courtroom and a detention-centre
room on a network of its own, with COURTVCS_ICE_TRANSPORT_POLICY=relay, so every packet of
the call goes through the TURN server with the seats' own credentials (issue 6, R15).

TEST-ONLY overlay: coturn runs the shipped deploy/coturn/turnserver.conf plus
`allowed-peer-ip=<this machine's end of the test network>`. Both browsers' relays live on
that address (10.231.n.1), and a relay sends to the other relay as its peer; the shipped
config refuses 10.0.0.0/8, as it must in production, where relays have public addresses.
"""

import time

import pytest

from courtvcs.hearings.models import Hearing
from tests.coturn import Coturn
from tests.e2e.conftest import Person
from tests.e2e.test_live_call_browser import Watch, decoding_grows, in_window, receives_from, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def watch():
    pages = Watch()
    yield pages
    pages.dump()  # shown when the test failed

SELECTED_PAIRS = """async () => {
  const out = [];
  for (const link of window.courtvcsLive.plane.links.values()) {
    const stats = await link.pc.getStats();
    let pair = null;
    stats.forEach((r) => { if (r.type === "transport" && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId); });
    if (!pair) stats.forEach((r) => { if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded") pair = r; });
    const local = pair && stats.get(pair.localCandidateId);
    const remote = pair && stats.get(pair.remoteCandidateId);
    out.push({ local: local && local.candidateType, remote: remote && remote.candidateType,
               relayProtocol: local && local.relayProtocol, address: local && local.address,
               bytesReceived: pair && pair.bytesReceived });
  }
  return out;
}"""


def relayed(page) -> list[dict]:
    pairs = page.evaluate(SELECTED_PAIRS)
    return pairs if pairs and all(p["local"] == "relay" and p["remote"] == "relay" for p in pairs) else []


def test_r15_relay_only_call_between_the_courtroom_and_an_isolated_site_through_coturn(
        world, api, clock, asgi_server, live_browser_factory, isolated_host, request, settings, watch,
        tmp_path):
    gateway = isolated_host.gateway
    with Coturn(tmp_path / "coturn", listen_ip=gateway, relay_ip=gateway,
                extra=(f"--allowed-peer-ip={gateway}",)) as turn:
        settings.COURTVCS_TURN_URLS = [turn.url]
        settings.COURTVCS_TURN_SECRET = turn.secret
        settings.COURTVCS_ICE_TRANSPORT_POLICY = "relay"
        flow = in_window(world, api, clock)
        flow.connect()
        flow.call_in()
        hearing = Hearing.objects.get(pk=flow.hearing_id)
        sizo_site = f"remote-{hearing.remote_sites.get().pk}"
        name = request.node.name

        secretary = Person(live_browser_factory(), asgi_server, world.secretary, "ru", name)
        console = watch.add("court", secretary.go(f"/hearings/{hearing.pk}/"))
        there = type("Server", (), {"url": asgi_server.url_for(gateway)})()
        officer = Person(live_browser_factory(isolated_host), there, world.officer, "kk", name)
        sizo = watch.add("sizo", officer.go(f"/live/hearings/{hearing.pk}/site/"))

        # Each page was told to relay only, with credentials of its own seat.
        passwords = []
        for page, seat in ((console, "courtroom"), (sizo, sizo_site)):
            plane = wait_for(lambda page=page: page.evaluate(
                "() => window.courtvcsLive && window.courtvcsLive.welcome && window.courtvcsLive.welcome.plane"),
                timeout=15, what="the welcome message")
            assert plane["iceTransportPolicy"] == "relay", plane
            servers = [s for s in plane["iceServers"] if s.get("username")]
            assert servers and servers[0]["urls"] == [turn.url], plane
            assert servers[0]["username"].endswith(f":hearing-{hearing.pk}.{seat}"), servers
            passwords.append(servers[0]["credential"])

        started = time.monotonic()
        wait_for(lambda: receives_from(console, [sizo_site]), what="courtroom decodes the detention centre")
        wait_for(lambda: receives_from(sizo, ["courtroom"]), what="detention centre decodes the courtroom")
        connected_in = time.monotonic() - started

        # Both ends send and receive through their TURN relays, nothing directly, and the
        # pictures keep coming.
        for page in (console, sizo):
            pairs = wait_for(lambda page=page: relayed(page), timeout=10, what="relay candidate pairs")
            assert all(p["address"] == gateway and p["relayProtocol"] == "udp" for p in pairs), pairs
        assert decoding_grows(console, sizo_site) and decoding_grows(sizo, "courtroom")
        print(f"relay-only call: both sites decoding {connected_in:.1f} s after their welcome")

        # coturn saw each seat under its own time-limited name, and never a password.
        seats = (f"hearing-{hearing.pk}.courtroom", f"hearing-{hearing.pk}.{sizo_site}")

        def log_names_both_seats() -> str:
            text = turn.log_text()
            return text if all(f":{seat}>" in text for seat in seats) else ""

        log = wait_for(log_names_both_seats, timeout=10, what="both seats in coturn's log")
        assert turn.secret not in log and not any(p in log for p in passwords)
