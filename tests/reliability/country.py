"""The country the reliability runs work on: the test world and hearings in many states.

Shared by the tests under tests/reliability and by bench/reliability_bench.py, so the
suite's small runs and the bench's full runs exercise the same code on the same data.
Everything here writes through the JSON API or the services, as people would.
"""

from __future__ import annotations

import secrets

from django.test import Client

from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import NOW, at, build_world

# The states a fuzzer should find hearings in, each reached over the API by Flow.
STATES = ("awaiting_decision", "awaiting_agreement", "agreed", "tests_requested", "tested", "ready",
          "connected", "in_session")


class Api:
    """A signed-in person talking JSON to /api/ through Django's test client."""

    def __init__(self, user=None):
        self.client = Client()
        if user is not None:
            self.client.force_login(user)

    def get(self, path, **params):
        return self.client.get(f"/api{path}", params)

    def post(self, path, data=None):
        return self.client.post(f"/api{path}", data if data is not None else {},
                                content_type="application/json")


def seed_hearings(clock) -> tuple:
    """The world and one hearing in each of STATES; returns (world, {state: hearing id}).

    `clock` is a time_machine traveller: the flows move it to each step's moment. The
    hearings are a day apart, so none stands in another's way (R10); the clock is left at
    the in-session hearing's start.
    """
    clock.move_to(NOW)
    world = build_world()
    ids = {}
    for day, state in enumerate(STATES):
        flow = Flow(world, Api, clock, starts_at=at(3 + day, 10))
        flow.to(state)
        ids[state] = flow.hearing_id
        clock.move_to(NOW)
    return world, ids


def session_cookies(user) -> dict:
    """Cookies of a signed-in browser of `user` for a server sharing this database.

    A CSRF cookie comes with them: send its value as X-CSRFToken on unsafe requests.
    """
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": secrets.token_hex(16)}


