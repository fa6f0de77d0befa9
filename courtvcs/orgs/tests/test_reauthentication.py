"""Issue 7: sign in again (password and code) before an action that cannot be undone.

Signing the act of absence of technical possibility (R18) and destroying a recording (R4)
need a full sign-in within the last 5 minutes: a session left open on a courtroom
computer is not enough.
"""

import datetime as dt

import pytest
from django.test import Client

from courtvcs.audit.models import AuditEntry
from courtvcs.hearings.models import ActSignature
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.test_hearing_day import _unfixable, ok
from courtvcs.live.models import Recording
from courtvcs.live.tests.test_recordings import complete_recording

from .factories import PASSWORD, current_code, give_second_factor


@pytest.fixture(autouse=True)
def five_minutes(settings):
    settings.COURTVCS_REAUTH_MINUTES = 5


def signed_in(user) -> Client:
    """A browser that signed in through the pages: password, then the current code."""
    give_second_factor(user)
    client = Client()
    assert client.post("/signin/", {"username": user.username, "password": PASSWORD}).status_code == 302
    assert client.post("/signin/verify/", {"code": current_code(user)}).status_code == 302
    return client


def act_to_sign(world, api, clock) -> int:
    flow = Flow(world, api, clock)
    fault = _unfixable(world, api, flow)
    return ok(api(world.secretary).post(flow.url("/acts"), {"fault_id": fault["id"]}), 201)["id"]


def test_r18_a_signature_needs_a_sign_in_within_five_minutes(world, api, clock):
    act_id = act_to_sign(world, api, clock)
    head = signed_in(world.office_head)
    clock.shift(dt.timedelta(minutes=6))  # the session is still open, the sign-in is old

    refused = head.post(f"/api/acts/{act_id}/sign", content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "reauthentication_required"
    assert not ActSignature.objects.filter(act_id=act_id).exists()

    clock.shift(dt.timedelta(seconds=30))  # a new code: the one used at sign-in cannot be used again
    confirmed = head.post("/api/auth/confirm", {"password": PASSWORD, "code": current_code(world.office_head)},
                          content_type="application/json")
    assert confirmed.status_code == 204
    assert head.post(f"/api/acts/{act_id}/sign", content_type="application/json").status_code == 200
    assert ActSignature.objects.filter(act_id=act_id, signed_by=world.office_head).exists()
    assert AuditEntry.objects.filter(action="reauthenticated", actor=world.office_head).exists()


def test_r18_a_wrong_password_or_code_does_not_confirm_and_is_audited(world, api, clock):
    act_id = act_to_sign(world, api, clock)
    world.office_head.language = "kk"
    world.office_head.save(update_fields=["language"])
    head = signed_in(world.office_head)
    clock.shift(dt.timedelta(minutes=6, seconds=30))
    code = current_code(world.office_head)
    wrong_code = f"{(int(code) + 1) % 1_000_000:06d}"
    for password, given in ((PASSWORD, wrong_code), ("not-the-password", code)):
        answer = head.post("/api/auth/confirm", {"password": password, "code": given},
                           content_type="application/json")
        assert answer.status_code == 403 and answer.json()["code"] == "reauthentication_failed"
        assert answer.json()["detail"].startswith("Құпиясөз немесе код қате")  # in the person's language
    assert head.post(f"/api/acts/{act_id}/sign", content_type="application/json").status_code == 403
    assert AuditEntry.objects.filter(action="reauthentication_failed", actor=world.office_head).count() == 2


def test_r18_the_acts_page_sends_an_old_sign_in_to_confirm_and_back(world, api, clock):
    act_id = act_to_sign(world, api, clock)
    head = signed_in(world.office_head)
    clock.shift(dt.timedelta(minutes=6))
    answer = head.post(f"/acts/{act_id}/sign/")
    assert answer.status_code == 302 and answer.url == "/signin/confirm/?next=%2Facts%2F"
    htmx = head.post(f"/acts/{act_id}/sign/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == "/signin/confirm/?next=%2Facts%2F"
    page = head.get(answer.url, HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 200 and 'type="password"' in page.content.decode()
    clock.shift(dt.timedelta(seconds=30))
    back = head.post("/signin/confirm/", {"password": PASSWORD, "code": current_code(world.office_head),
                                          "next": "/acts/"})
    assert back.status_code == 302 and back.url == "/acts/"
    assert head.post(f"/acts/{act_id}/sign/").status_code == 302
    assert ActSignature.objects.filter(act_id=act_id, signed_by=world.office_head).exists()


def test_r4_destroying_a_recording_needs_a_recent_sign_in(world, api, clock, settings, tmp_path):
    settings.COURTVCS_RECORDINGS_DIR = tmp_path / "recordings"
    _flow, _secretary, recording = complete_recording(world, api, clock)
    head = signed_in(world.office_head)
    clock.shift(dt.timedelta(minutes=6))
    url = f"/live/recordings/{recording.pk}/destroy/"
    answer = head.post(url, {"reason": "Court order no. 17"})
    assert answer.status_code == 302 and answer.url == "/signin/confirm/?next=%2Flive%2Frecordings%2F"
    assert Recording.objects.get(pk=recording.pk).status == "complete"

    clock.shift(dt.timedelta(seconds=30))
    assert head.post("/signin/confirm/", {"password": PASSWORD, "code": current_code(world.office_head),
                                          "next": "/live/recordings/"}).status_code == 302
    assert head.post(url, {"reason": "Court order no. 17"}).status_code == 302
    assert Recording.objects.get(pk=recording.pk).status == "destroyed"
