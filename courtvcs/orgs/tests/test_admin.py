"""The reference data (courts, institutions, endpoints, people) is kept in Django's admin,
which speaks the same three languages as the rest of courtvcs."""

import pytest

from .factories import UserFactory


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True, organisation=None, role="")


@pytest.mark.parametrize("language, words", [
    ("kk", ["Ұйымдар", "Қызметкерлер"]), ("ru", ["Организации", "Сотрудники"]), ("en", ["Organisations", "People"]),
])
def test_r2_reference_data_is_kept_in_the_admin_in_three_languages(administrator, client, language, words):
    administrator.language = language
    administrator.save(update_fields=["language"])
    client.force_login(administrator)
    body = client.get("/admin/").content.decode()
    for word in words:
        assert word in body
    for path in ("/admin/orgs/organisation/", "/admin/orgs/endpoint/", "/admin/orgs/user/",
                 "/admin/orgs/region/"):
        assert client.get(path).status_code == 200, path


def test_r6_the_admin_is_closed_to_court_staff(world, client):
    client.force_login(world.secretary)
    response = client.get("/admin/")
    assert response.status_code == 302 and "login" in response.url
