import pytest

from .flow import Flow


@pytest.mark.parametrize("category", ["criminal", "admin_offence", "civil"])
def test_r1_hearings_of_each_category_are_booked_by_vcs(world, api, clock, category):
    flow = Flow(world, api, clock)
    assert flow.book(category=category)["category"] == category


def test_r1_unknown_category_is_refused_with_the_field_named(world, api, clock):
    flow = Flow(world, api, clock)
    r = api(world.secretary).post("/hearings", flow.payload(category="family"))
    assert r.status_code == 422
    assert "category" in r.json()["fields"]
