"""Issue 7: staff sign in with a password AND the code from their authenticator app."""

import json
import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from courtvcs.audit.models import AuditEntry
from courtvcs.orgs import second_factor

from .factories import PASSWORD, current_code, give_second_factor


def _password(client, user):
    return client.post("/signin/", {"username": user.username, "password": PASSWORD})


def _code_of(device) -> str:
    totp = TOTP(device.bin_key, step=device.step, digits=device.digits)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_the_password_alone_opens_no_page_and_no_api(world, client):
    give_second_factor(world.secretary)
    response = _password(client, world.secretary)
    assert response.status_code == 302 and response.url.startswith("/signin/verify/")
    page = client.get("/hearings/")
    assert page.status_code == 302 and page.url == "/signin/verify/?next=%2Fhearings%2F"
    api = client.get("/api/auth/me")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    assert client.get("/admin/").status_code == 302


def test_the_current_code_signs_in_and_is_audited(world, client):
    give_second_factor(world.judge)
    _password(client, world.judge)
    response = client.post("/signin/verify/", {"code": current_code(world.judge), "next": "/hearings/"})
    assert response.status_code == 302 and response.url == "/hearings/"
    assert client.get("/hearings/").status_code == 200
    assert AuditEntry.objects.filter(action="second_factor_verified", actor=world.judge).exists()


def test_a_wrong_code_is_refused_in_the_persons_language_and_audited(world, client):
    give_second_factor(world.secretary)
    _password(client, world.secretary)
    wrong = f"{(int(current_code(world.secretary)) + 1) % 1_000_000:06d}"
    response = client.post("/signin/verify/", {"code": wrong}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert client.get("/hearings/").status_code == 302
    assert AuditEntry.objects.filter(action="second_factor_failed", actor=world.secretary).exists()
    assert wrong not in json.dumps(list(AuditEntry.objects.values_list("after", flat=True)))


def test_a_code_used_once_cannot_be_replayed_in_another_browser(world, client, django_user_model):
    from django.test import Client

    give_second_factor(world.secretary)
    code = current_code(world.secretary)
    _password(client, world.secretary)
    assert client.post("/signin/verify/", {"code": code}).status_code == 302
    other = Client()
    _password(other, world.secretary)
    assert other.post("/signin/verify/", {"code": code}).status_code == 200
    assert other.get("/hearings/").status_code == 302


def test_first_sign_in_enrols_the_authenticator_with_a_qr_code_and_a_typed_key(world, client):
    user = world.bailiff
    assert not TOTPDevice.objects.filter(user=user).exists()
    _password(client, user)
    response = client.get("/signin/verify/?next=/call-in/")
    assert response.status_code == 302 and response.url.startswith("/signin/enrol/")
    page = client.get(response.url).content.decode()
    assert "<svg" in page and 'id="manual-key"' in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.get("/call-in/").status_code == 302  # not before the first code
    response = client.post("/signin/enrol/", {"code": _code_of(device), "next": "/call-in/"})
    assert response.status_code == 302 and response.url == "/call-in/"
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/call-in/").status_code == 200
    assert AuditEntry.objects.filter(action="second_factor_enrolled", actor=user).exists()


def test_the_api_login_needs_the_code(world, client, clock):
    give_second_factor(world.secretary)

    def login(**extra):
        return client.post("/api/auth/login", json.dumps(
            {"username": "secretary", "password": PASSWORD, **extra}), content_type="application/json")

    response = login()
    assert response.status_code == 403 and response.json()["code"] == "second_factor_required"
    assert login(code="000000").status_code == 403
    assert client.get("/api/auth/me").status_code in (401, 403)
    clock.shift(2)  # django-otp makes a person wait a little after each wrong code
    response = login(code=current_code(world.secretary))
    assert response.status_code == 200 and response.json()["username"] == "secretary"
    assert client.get("/api/auth/me").status_code == 200


def test_the_api_login_of_a_person_without_an_authenticator_says_to_enrol(world, client):
    response = client.post("/api/auth/login", json.dumps({"username": "secretary", "password": PASSWORD}),
                           content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_enrolment_required"


def test_an_administrators_reset_makes_the_person_enrol_again(world, client):
    from courtvcs.orgs.tests.factories import UserFactory

    admin = UserFactory(username="admin1", is_staff=True, is_superuser=True, role="", organisation=None)
    give_second_factor(world.secretary)
    second_factor.reset_second_factor(actor=admin, user=world.secretary)
    assert not TOTPDevice.objects.filter(user=world.secretary).exists()
    assert AuditEntry.objects.filter(action="second_factor_reset", actor=admin).exists()
    _password(client, world.secretary)
    assert client.get("/signin/verify/").url.startswith("/signin/enrol/")
