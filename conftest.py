"""Fixtures shared by every test: a small country, clients per person, a fixed clock."""

import json

import pytest
import time_machine
from django.db import connection
from django.test import Client

from courtvcs.hearings.tests.world import NOW, build_world


def pytest_collection_modifyitems(config, items):
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL pass of scripts/test)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    # Building the test country hashes ~20 passwords per test; the slow production hasher
    # would dominate the suite's time and proves nothing here.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def audit_checkpoints_in_tmp(tmp_path_factory):
    # A test that runs the audit checkpoint (directly or through catch_up) signs with a key of
    # the run and writes beside it, never into var/ where the embedded service keeps its own.
    from django.conf import settings

    folder = tmp_path_factory.mktemp("audit")
    settings.COURTVCS_AUDIT_CHECKPOINT_DIR = folder / "checkpoints"
    settings.COURTVCS_AUDIT_SIGNING_KEY = folder / "signing-key.pem"


@pytest.fixture(autouse=True, scope="session")
def signing_in_again_is_off_unless_a_test_turns_it_on():
    # Issue 7: signing an act or destroying a recording needs a sign-in within 5 minutes;
    # the suite's flows move the clock by days on one session. The tests of that check
    # (courtvcs/orgs/tests/test_reauthentication.py) turn it on with the settings fixture.
    from django.conf import settings

    settings.COURTVCS_REAUTH_MINUTES = 0


@pytest.fixture(autouse=True, scope="session")
def staff_pass_the_second_factor_in_force_login():
    # Issue 7: client.force_login(user) stands for a member of staff who gave the password
    # and the TOTP code; the sign-in tests walk both steps through the pages.
    from courtvcs.orgs.tests.factories import verify_forced_logins

    verify_forced_logins()


@pytest.fixture
def clock():
    """Freeze "now" at NOW; tests move it with clock.move_to(...)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, clock):
    return build_world()


class ApiClient:
    """A signed-in person talking JSON to /api/, as a browser or script would."""

    def __init__(self, user=None, language: str | None = None):
        self.client = Client()
        self.user = user
        self.language = language
        if user is not None:
            self.client.force_login(user)

    def _headers(self):
        return {"HTTP_ACCEPT_LANGUAGE": self.language} if self.language else {}

    def get(self, path, **params):
        return self.client.get(f"/api{path}", params, **self._headers())

    def post(self, path, data=None, raw: str | None = None):
        body = raw if raw is not None else json.dumps(data if data is not None else {}, default=str)
        return self.client.post(f"/api{path}", body, content_type="application/json", **self._headers())


@pytest.fixture
def api():
    def make(user=None, language=None):
        return ApiClient(user, language)
    return make


@pytest.fixture(autouse=True, scope="session")
def session_limits_off():
    # Issue 7: many tests move the clock on by days on one signed-in client (Flow); the idle
    # and absolute limits are off for them. Tests of the limits turn them on with `settings`.
    from django.conf import settings

    settings.COURTVCS_SESSION_IDLE_MINUTES = 0
    settings.COURTVCS_SESSION_ABSOLUTE_HOURS = 0
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600  # the cookie's own end (12 h in production)
