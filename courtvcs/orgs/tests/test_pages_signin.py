"""Signing in and out, the landing workspace of each role, and the language switch."""

import pytest
from django.urls import reverse

from courtvcs.audit.models import AuditEntry
from courtvcs.navigation import MENUS
from courtvcs.hearings.tests.flow import Flow
from courtvcs.notifications.models import Notification

from .factories import PASSWORD, current_code


@pytest.mark.parametrize("who, lands_on", [
    ("secretary", "/hearings/"), ("judge", "/hearings/"), ("bailiff", "/call-in/"),
    ("coordinator", "/queue/"), ("dep_coordinator", "/queue/"), ("technician", "/tests/"),
    ("office_head", "/acts/"), ("officer", "/letters/"), ("sizo_technician", "/tests/"),
])
def test_r7_each_role_lands_on_its_own_workspace_after_signing_in(world, client, who, lands_on):
    user = getattr(world, who)
    response = client.post("/signin/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url.startswith("/signin/verify/")
    response = client.post("/signin/verify/", {"code": current_code(user), "next": "/"})
    assert response.status_code == 302
    assert client.get("/").url == lands_on
    assert reverse(MENUS[user.role][0].url_name) == lands_on


def test_a_wrong_password_is_explained_in_the_persons_language(world, client):
    response = client.post("/signin/", {"username": "secretary", "password": "nope"},
                           HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_a_signed_in_person(client, db):
    for path in ("/hearings/", "/inbox/", "/hearings/1/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/signin/")


def test_the_chosen_language_sticks_to_the_person_and_is_audited(world, client):
    client.force_login(world.secretary)
    response = client.post("/language/", {"language": "kk", "next": "/inbox/"})
    assert response.status_code == 302 and response.url == "/inbox/"
    world.secretary.refresh_from_db()
    assert world.secretary.language == "kk"
    assert AuditEntry.objects.filter(action="language_set", actor=world.secretary).exists()
    # Another browser (Russian) still gets Kazakh for this person.
    client.logout()
    client.force_login(world.secretary)
    body = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="kk">' in body


def test_the_language_switch_never_sends_the_person_off_site(world, client):
    client.force_login(world.secretary)
    response = client.post("/language/", {"language": "ru", "next": "https://evil.example/"})
    assert response.url == "/"
    response = client.post("/language/", {"language": "xx", "next": "/inbox/"})
    world.secretary.refresh_from_db()
    assert response.status_code == 302 and world.secretary.language == "ru"


def test_sign_out_is_a_post_and_ends_the_session(world, client):
    client.force_login(world.secretary)
    assert client.post("/signout/").status_code == 302
    assert client.get("/inbox/").status_code == 302


def test_the_inbox_shows_unread_items_and_marks_them_read(world, api, clock, client):
    Flow(world, api, clock).book()  # the judge is asked to decide (R10)
    [item] = Notification.objects.filter(recipient=world.judge)
    client.force_login(world.judge)
    body = client.get("/inbox/").content.decode()
    assert f'id="n{item.pk}"' in body and 'class="count">1<' in body
    response = client.post(f"/inbox/{item.pk}/read", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.content.decode()
    item.refresh_from_db()
    assert item.read_at is not None
    # Someone else's notification is not found.
    client.force_login(world.secretary)
    assert client.post(f"/inbox/{item.pk}/read").status_code == 404
