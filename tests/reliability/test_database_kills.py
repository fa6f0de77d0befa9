"""R10, R5: bookings written while PostgreSQL drops the application's connections.

The suite's size of bench/reliability_bench.py's `kill` (1,000 writes): 60 bookings with
the connection terminated (pg_terminate_backend) during about half the writes. Whatever was
answered 201 is in the database with all its rows; no hearing is half-written; the audit
log's entries match the hearings one to one.
"""

import pytest

from courtvcs.hearings.tests.world import build_world

from .killing import book_while_killed, describe

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_r10_bookings_answered_201_survive_killed_connections_and_no_hearing_is_half_written(clock):
    world = build_world()

    result = book_while_killed(world, writes=60, share=0.5)

    assert result.kills > 0, describe(result)
    assert result.statuses[201] > 0, describe(result)
    assert result.answered_but_missing == 0, describe(result)
    assert result.problems == [], describe(result)
    assert result.hearings == result.statuses[201] + result.written_unanswered
