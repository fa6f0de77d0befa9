"""Passwords: at least 8 characters, not a common one, not one known from breaches."""

import hashlib

import httpx
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from courtvcs.orgs import breached_passwords
from courtvcs.orgs.breached_passwords import listed_in_file, sha1_hex

BREACHED = ["Astana2024!", "Qwerty-Almaty", "sud-kz-parol1", "Zhetysu#777"]


def refusals(password: str) -> list[str]:
    try:
        validate_password(password)
    except ValidationError as exc:
        return [error.code for error in exc.error_list]
    return []


@pytest.fixture
def breached_file(tmp_path, settings):
    """A sorted list in the published form (HASH:COUNT), with neighbours around each entry."""
    lines = [f"{sha1_hex(p)}:{n}" for n, p in enumerate(BREACHED, start=3)]
    lines += [f"{hashlib.sha1(str(i).encode()).hexdigest().upper()}:1" for i in range(5000)]
    path = tmp_path / "pwned.txt"
    path.write_text("\r\n".join(sorted(lines)) + "\r\n")
    settings.COURTVCS_BREACHED_PASSWORDS_FILE = str(path)
    return path


def test_a_password_known_from_a_breach_is_refused(breached_file):
    for password in BREACHED:
        assert "password_breached" in refusals(password), password
    assert refusals("Tobyl-ozeni-2026-kokshe") == []


def test_every_entry_of_the_list_is_found_and_nothing_else(breached_file):
    entries = [line.split(":")[0] for line in breached_file.read_text().split()]
    assert all(listed_in_file(entry, breached_file) for entry in entries[:: 97] + [entries[0], entries[-1]])
    for i in range(200):
        assert not listed_in_file(sha1_hex(f"not-in-the-list-{i}"), breached_file)


def test_short_and_common_passwords_are_refused_in_the_persons_language(settings):
    settings.COURTVCS_BREACHED_PASSWORDS_FILE = ""
    assert "password_too_short" in refusals("Ab1!x")
    assert "password_too_common" in refusals("password123")
    with translation.override("ru"):
        try:
            validate_password("Astana2024!", password_validators=[breached_passwords.BreachedPasswordValidator()])
        except ValidationError:  # pragma: no cover - no list configured, nothing refused
            raise
    with translation.override("kk"):
        message = breached_passwords.BreachedPasswordValidator._refusal().messages[0]
    assert message != "This password has appeared in a data breach and cannot be used. Choose another one."


def test_the_range_api_is_asked_with_five_characters_of_the_hash_only(settings, monkeypatch):
    settings.COURTVCS_BREACHED_PASSWORDS_FILE = ""
    settings.COURTVCS_BREACHED_PASSWORDS_API = "https://passwords.example/range/"
    digest = sha1_hex("Astana2024!")
    asked = []

    def fake_get(url, **kwargs):
        asked.append(url)
        body = f"{digest[5:]}:12\r\n{'0' * 35}:0\r\n"
        return httpx.Response(200, text=body, request=httpx.Request("GET", url))

    monkeypatch.setattr(httpx, "get", fake_get)
    assert "password_breached" in refusals("Astana2024!")
    assert asked == [f"https://passwords.example/range/{digest[:5]}"]
    assert "Astana2024!" not in asked[0] and digest[5:] not in asked[0]


def test_an_unreachable_range_api_does_not_stop_the_password_change(settings, monkeypatch):
    settings.COURTVCS_BREACHED_PASSWORDS_FILE = ""
    settings.COURTVCS_BREACHED_PASSWORDS_API = "https://passwords.example/range/"

    def unreachable(url, **kwargs):
        raise httpx.ConnectTimeout("no route", request=httpx.Request("GET", url))

    monkeypatch.setattr(httpx, "get", unreachable)
    assert refusals("Tobyl-ozeni-2026-kokshe") == []
