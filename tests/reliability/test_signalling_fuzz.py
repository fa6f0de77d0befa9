"""R15: the signalling WebSocket against messages Hypothesis makes up.

Each example opens the courtroom console's socket of a connected hearing, sends a batch
of generated messages -- the consumer's own message types and made-up ones, with the
fields the consumer reads (to, data, peer, state, links, site, figures, t) and others,
holding any JSON -- and then a ping. The consumer must answer the ping: an unhandled
exception would end its task, and the communicator would raise it here. Bad messages
may only be answered with an error message (or, past the limit, a close with 4429).

COURTVCS_SIGNAL_FUZZ_EXAMPLES sets the number of examples (default 60; the full run in
bench/README.md used 1,000).
"""

import json
import os

import pytest
from asgiref.sync import async_to_sync
from django.test import Client
from hypothesis import HealthCheck, given, settings, strategies as st

from courtvcs.asgi import application
from courtvcs.hearings.tests.flow import Flow
from courtvcs.live import consumers
from courtvcs.live.tests.sockets import WebsocketCommunicator

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = int(os.environ.get("COURTVCS_SIGNAL_FUZZ_EXAMPLES", "60"))
TYPES = sorted(name[3:] for name in dir(consumers.RoomConsumer) if name.startswith("on_"))
FIELDS = ["to", "data", "peer", "state", "links", "site", "figures", "t", "rtt_ms", "loss", "kind"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8),
                                                                inner, max_size=4),
    max_leaves=12)
messages = st.fixed_dictionaries(
    {"type": st.sampled_from(TYPES) | st.text(max_size=12)},
    optional={field: json_values for field in FIELDS})
raw = messages.map(json.dumps) | st.text(max_size=60) | st.binary(max_size=20).map(lambda b: b.hex())


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(batch=st.lists(raw, min_size=1, max_size=12))
def _fuzz(path: str, cookie: str, batch: list[str]) -> None:
    async def scenario():
        ws = WebsocketCommunicator(application, path, headers=[
            (b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie.encode())])
        connected, code = await ws.connect()
        assert connected, code
        for text in batch:
            await ws.send_to(text_data=text)
        await ws.send_json_to({"type": "ping", "t": "after"})
        while True:
            out = await ws.receive_output(timeout=10)
            if out["type"] == "websocket.close":
                assert out.get("code") == 4429, out
                return
            if json.loads(out["text"]) == {"type": "pong", "t": "after"}:
                break
        await ws.disconnect()

    async_to_sync(scenario)()


def test_r15_made_up_signalling_messages_never_break_the_consumer(world, api, clock, monkeypatch):
    flow = Flow(world, api, clock)
    flow.to("connected")
    client = Client()
    client.force_login(world.secretary)
    monkeypatch.setattr(consumers, "MAX_ERRORS", 10_000)

    _fuzz(f"/ws/live/hearing/{flow.hearing_id}/", f"sessionid={client.cookies['sessionid'].value}")
