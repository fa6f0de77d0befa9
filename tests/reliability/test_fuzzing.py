"""The JSON API against its own OpenAPI document, fuzzed by schemathesis with every check.

The suite's size of bench/reliability_bench.py's `fuzz` (four people, 25 examples per
operation and phase, over 10,000 requests): the secretary of the test country, 3
examples per operation, against a courtvcs node (uvicorn) serving the test database,
with a hearing in each state of the procedure. No answer is a server error, and no answer
or accepted request disagrees with the schema (tests/reliability/fuzzing.py says what is
counted how).
"""

import pytest

from .country import seed_hearings, session_cookies
from .fuzzing import describe, fuzz

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_r5_the_api_gives_no_server_error_and_keeps_to_its_schema_under_fuzzing(asgi_nodes, clock, tmp_path):
    world, _ids = seed_hearings(clock)
    people = {"secretary": session_cookies(world.secretary)}
    [node] = asgi_nodes(1)

    result = fuzz(node.url, people, max_examples=3, report_dir=tmp_path, phases="coverage,fuzzing")

    assert result.requests > 500, describe(result)
    assert result.server_errors == 0, describe(result)
    assert result.reported_server_errors == [], describe(result)
    assert result.schema_violations == [], describe(result)
    assert result.errors == [], describe(result)
