"""R10, R15: secretaries racing for one courtroom and one detention centre's VCS room.

The suite's size of bench/reliability_bench.py's `race` (200 secretaries x 50 rounds on a
PostgreSQL server of its own): 20 secretaries x 3 rounds on the test database. Each round
exactly one hearing is booked, every other secretary is refused under R10, nobody gets a
server error, and the slot holds one active booking per endpoint.
"""

import pytest

from courtvcs.hearings.tests.world import build_world

from .racing import describe, race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_r10_each_round_of_racing_bookings_has_exactly_one_winner_and_no_server_error(clock):
    world = build_world()

    result = race(world, people=20, rounds=3)

    assert result.rounds_with_one_winner == 3, describe(result, 20)
    assert result.server_errors == 0, describe(result, 20)
    assert result.statuses == {201: 3, 409: 57}, describe(result, 20)
    assert result.problems == []
