"""Issue 7: sign-in throttled per account and per address (django-axes); every attempt logged."""

import json

from courtvcs.audit.models import AuditEntry

from .factories import PASSWORD


def _sign_in(client, username, password, address, language="en"):
    return client.post("/signin/", {"username": username, "password": password},
                       REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)


def test_five_wrong_passwords_lock_the_account_from_any_address(world, client):
    for i in range(4):
        assert _sign_in(client, "secretary", "wrong", f"10.0.0.{i + 1}").status_code == 200
    assert _sign_in(client, "secretary", "wrong", "10.0.0.5").status_code == 429  # the fifth
    response = _sign_in(client, "secretary", PASSWORD, "10.9.9.9", language="ru")
    assert response.status_code == 429
    assert "Слишком много неудачных попыток входа" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another person is not locked out by someone guessing the secretary's password.
    assert _sign_in(client, "judge", PASSWORD, "10.9.9.9").status_code == 302


def test_failures_from_one_address_lock_that_address_for_every_account(world, client):
    for name in ("a", "b", "c", "d", "e"):
        _sign_in(client, f"nobody-{name}", "wrong", "10.1.1.1")
    response = _sign_in(client, "judge", PASSWORD, "10.1.1.1", language="kk")
    assert response.status_code == 429
    assert "сәтсіз кіру әрекеттері тым көп" in response.content.decode()
    assert _sign_in(client, "judge", PASSWORD, "10.1.1.2").status_code == 302


def test_the_api_answers_a_locked_sign_in_with_429_and_a_code(world, client):
    def login(password):
        return client.post("/api/auth/login", json.dumps({"username": "secretary", "password": password}),
                           content_type="application/json")

    for _ in range(4):
        assert login("wrong").status_code == 400
    assert login("wrong").status_code == 429
    response = login(PASSWORD)
    assert response.status_code == 429 and response.json()["code"] == "signin_locked"


def test_every_sign_in_success_and_failure_is_audited_without_the_password(world, client):
    _sign_in(client, "secretary", "a-wrong-guess-1", "10.2.2.2")
    _sign_in(client, "no-such-person", "a-wrong-guess-2", "10.2.2.2")
    _sign_in(client, "secretary", PASSWORD, "10.2.2.3")
    failed = AuditEntry.objects.filter(action="signin_failed").order_by("id")
    assert [e.after["username"] for e in failed] == ["secretary", "no-such-person"]
    assert failed[0].after["address"] == "10.2.2.2"
    assert AuditEntry.objects.filter(action="signin_succeeded", actor=world.secretary,
                                     after__address="10.2.2.3").exists()
    everything = json.dumps(list(AuditEntry.objects.values("after", "before")))
    assert "a-wrong-guess" not in everything and PASSWORD not in everything
