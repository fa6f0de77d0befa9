"""Issue 7: a staff session gets a new id at sign-in, ends after 30 idle minutes or 12 hours,
and ends at once everywhere when the person is disabled."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from courtvcs.audit.models import AuditEntry
from courtvcs.orgs import sessions
from courtvcs.orgs.models import UserSession

from .factories import PASSWORD, current_code, give_second_factor

PAGE = "/hearings/"


@pytest.fixture
def limits_on(settings):
    settings.COURTVCS_SESSION_IDLE_MINUTES = 30
    settings.COURTVCS_SESSION_ABSOLUTE_HOURS = 12


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_signing_in_gives_the_browser_a_new_session_id(world, client):
    give_second_factor(world.secretary)
    planted = client.session  # a session id the browser held before (or was given by someone)
    planted["probe"] = 1
    planted.save()
    before = client.cookies["sessionid"].value
    client.post("/signin/", {"username": world.secretary.username, "password": PASSWORD})
    after_password = client.cookies["sessionid"].value
    client.post("/signin/verify/", {"code": current_code(world.secretary), "next": PAGE})
    assert after_password != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.get(PAGE).status_code == 200
    assert UserSession.objects.get(user=world.secretary).session_key == client.cookies["sessionid"].value


def test_a_session_ends_after_30_minutes_without_activity(world, clock, limits_on):
    world.secretary.language = "ru"
    world.secretary.save()
    client = signed_in(world.secretary)
    for minutes in (29, 58, 87):  # each request within 30 minutes of the last one
        clock.shift(dt.timedelta(minutes=29))
        assert client.get(PAGE).status_code == 200, minutes
    clock.shift(dt.timedelta(minutes=30))
    response = client.get(f"{PAGE}?day=2026-03-02")
    assert response.status_code == 302
    assert response.url == "/signin/?next=%2Fhearings%2F%3Fday%3D2026-03-02"
    signin = client.get(response.url)
    assert "Сеанс завершён после 30 минут бездействия" in signin.content.decode()
    assert client.get(PAGE).status_code == 302  # signed out, not only redirected once
    entry = AuditEntry.objects.get(action="session_expired", actor=world.secretary)
    assert entry.after["limit"] == "idle"
    assert not UserSession.objects.filter(user=world.secretary).exists()


def test_after_signing_in_again_the_person_is_back_on_the_page_asked_for(world, clock, limits_on):
    give_second_factor(world.secretary)
    client = signed_in(world.secretary)
    clock.shift(dt.timedelta(minutes=45))
    to_signin = client.get(f"{PAGE}?day=2026-03-02")
    to_code = client.post(to_signin.url, {"username": world.secretary.username, "password": PASSWORD})
    back = client.post(to_code.url, {"code": current_code(world.secretary)})
    assert back.status_code == 302 and back.url == f"{PAGE}?day=2026-03-02"
    assert client.get(back.url).status_code == 200


def test_a_fragment_a_page_reloads_sends_the_whole_page_to_sign_in(world, clock, limits_on):
    client = signed_in(world.secretary)
    clock.shift(dt.timedelta(minutes=31))
    response = client.get("/call-in/", HTTP_HX_REQUEST="true",
                          HTTP_HX_CURRENT_URL="http://testserver/call-in/")
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/signin/?next=%2Fcall-in%2F"


def test_an_expired_session_on_the_sign_in_page_is_signed_out_and_the_page_shown(world, clock, limits_on):
    client = signed_in(world.secretary)
    clock.shift(dt.timedelta(hours=13))
    assert client.get("/signin/").status_code == 200
    assert AuditEntry.objects.get(action="session_expired").after["limit"] == "absolute"


def test_a_session_ends_12_hours_after_sign_in_however_busy(world, clock, limits_on):
    client = signed_in(world.secretary)
    for _step in range(12 * 3 - 1):
        clock.shift(dt.timedelta(minutes=20))
        assert client.get(PAGE).status_code == 200
    clock.shift(dt.timedelta(minutes=20))
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith("/signin/?next=")
    assert "12 hours after you signed in" in client.get(response.url).content.decode()
    assert AuditEntry.objects.get(action="session_expired").after["limit"] == "absolute"


def test_the_api_answers_401_session_expired_in_the_persons_language(world, clock, limits_on, api):
    world.secretary.language = "kk"
    world.secretary.save()
    caller = api(world.secretary)
    clock.shift(dt.timedelta(minutes=31))
    response = caller.get("/auth/me")
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"
    assert "30 минут" in response.json()["detail"]
    assert caller.get("/auth/me").status_code in (401, 403)


def test_the_session_is_written_at_most_once_a_minute(world, clock, limits_on):
    client = signed_in(world.secretary)
    seen = client.session[sessions.SEEN]
    clock.shift(dt.timedelta(seconds=30))
    client.get(PAGE)
    assert client.session[sessions.SEEN] == seen
    clock.shift(dt.timedelta(seconds=31))
    client.get(PAGE)
    assert client.session[sessions.SEEN] > seen


def test_a_session_without_stamps_is_stamped_not_ended(world, clock, limits_on):
    client = signed_in(world.secretary)
    session = client.session
    del session[sessions.STARTED], session[sessions.SEEN]
    session.save()
    clock.shift(dt.timedelta(days=3))
    assert client.get(PAGE).status_code == 200
    assert client.session[sessions.STARTED] == client.session[sessions.SEEN]


def test_limits_set_to_0_are_off(world, clock, settings):
    settings.COURTVCS_SESSION_IDLE_MINUTES = 0
    settings.COURTVCS_SESSION_ABSOLUTE_HOURS = 0
    client = signed_in(world.secretary)
    clock.shift(dt.timedelta(days=3))
    assert client.get(PAGE).status_code == 200


def test_signing_out_forgets_the_session(world):
    client = signed_in(world.secretary)
    assert UserSession.objects.filter(user=world.secretary).count() == 1
    client.post("/signout/")
    assert not UserSession.objects.filter(user=world.secretary).exists()


def test_disabling_a_person_ends_all_their_sessions_and_is_audited(world, django_capture_on_commit_callbacks,
                                                                    django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.kz", PASSWORD)
    office, home = signed_in(world.secretary), signed_in(world.secretary)
    colleague = signed_in(world.judge)
    world.secretary.is_active = False
    world.secretary.changed_by = admin  # as the admin site says (UserAdmin.save_model)
    with django_capture_on_commit_callbacks(execute=True):
        world.secretary.save()
    for client in (office, home):
        response = client.get(PAGE)
        assert response.status_code == 302 and response.url.startswith("/signin/")
    assert colleague.get(PAGE).status_code == 200
    assert not UserSession.objects.filter(user=world.secretary).exists()
    entry = AuditEntry.objects.get(action="sessions_ended")
    assert entry.object_id == str(world.secretary.pk) and entry.actor == admin
    assert entry.after == {"reason": "deactivated", "sessions": 2}


def test_saving_an_active_person_ends_nothing(world):
    client = signed_in(world.secretary)
    world.secretary.phone = "+7 700 000 00 00"
    world.secretary.save()
    assert client.get(PAGE).status_code == 200
    assert not AuditEntry.objects.filter(action="sessions_ended").exists()


def test_sessions_left_to_lapse_are_forgotten_at_the_next_sign_in(world, clock):
    signed_in(world.secretary)
    clock.shift(dt.timedelta(days=15))  # past the cookie's life: that session can never come back
    current = signed_in(world.secretary)
    assert list(UserSession.objects.filter(user=world.secretary).values_list("session_key", flat=True)) \
        == [current.cookies["sessionid"].value]
