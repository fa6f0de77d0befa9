"""What schemathesis found against the OpenAPI document, kept found.

Each test is one finding of the fuzzing runs (tests/reliability/test_fuzzing.py,
bench/reliability_bench.py fuzz), fixed in the code: the refusals are in the schema, a
petition naming an organisation that does not exist is a 400 and not a 500, and the API
takes no number for a date and no true/false for an id, as the schema says.
"""

import pytest

from courtvcs.hearings.tests.flow import Flow

pytestmark = pytest.mark.django_db


def test_every_operation_documents_the_refusals_it_may_answer(client):
    schema = client.get("/api/openapi.json").json()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "403", "404", "409", "422"} <= set(operation["responses"]), (method, path)
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_r10_a_petition_naming_an_unknown_organisation_is_refused_on_its_field(world, api):
    for unknown in (0, 987654, False):
        response = api(world.secretary).post("/petitions", {
            "case_number": "1-7/2026", "petitioner_name": "Серіков Асқар", "petitioner_role": "defendant",
            "form": "written", "requested_org_id": unknown})

        assert response.status_code in (400, 422), (unknown, response.content)
        assert "requested_org_id" in response.json()["fields"]


@pytest.mark.parametrize("field, value", [("remote_endpoint_id", False), ("date_of_birth", 0)])
def test_r10_a_participant_with_true_or_false_for_a_site_or_a_number_for_a_birthday_is_refused(
        world, api, clock, field, value):
    flow = Flow(world, api, clock)
    flow.book()

    response = api(world.secretary).post(flow.url("/participants"), {
        "full_name": "Иванов Иван", "procedural_role": "witness", "mode": "courtroom", field: value})

    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]


def test_r10_a_booking_time_given_as_a_number_is_refused(world, api, clock):
    flow = Flow(world, api, clock)

    response = api(world.secretary).post("/hearings", flow.payload(starts_at=1796280000))

    assert response.status_code == 422, response.content
    assert "starts_at" in response.json()["fields"]
