"""R3: the administrator sees the outbox (what went, what waits, what keeps failing) and may
have pending events tried again at once; court staff do not see it."""

import datetime as dt

import pytest

from courtvcs import kztime
from courtvcs.audit.models import AuditEntry
from courtvcs.hearings.tests.flow import Flow
from courtvcs.orgs.tests.factories import UserFactory

from ..models import OutboxEvent

URL = "/admin/publishing/outboxevent/"


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True, organisation=None, role="")


def test_r3_the_administrator_sees_the_outbox_and_its_counts(world, api, clock, client, administrator, settings):
    settings.COURTVCS_OUTBOX_ALERT_AFTER_ATTEMPTS = 3
    flow = Flow(world, api, clock)
    flow.book()
    flow.decide()
    flow.agree()
    first = OutboxEvent.objects.order_by("seq").first()
    OutboxEvent.objects.filter(pk=first.pk).update(attempts=4, last_error="HTTP 503: {}")
    client.force_login(administrator)
    body = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Delivery is off (COURTVCS_OUTBOX_URL is empty)" in body
    assert "Pending: 3. Failing (3 attempts or more): 1. Delivered: 0." in body
    assert str(first.event_id) in body and "HTTP 503: {}" in body
    failing = client.get(URL, {"delivery": "failing"}).content.decode()
    assert str(first.event_id) in failing and failing.count("HTTP 503") == 1
    # The page only shows: events are written and settled by the service.
    assert client.get(f"{URL}add/").status_code == 403
    assert client.post(f"{URL}{first.pk}/delete/", {"post": "yes"}).status_code == 403


def test_r3_the_administrator_asks_for_pending_events_to_be_tried_again_now(world, api, clock, client,
                                                                            administrator):
    Flow(world, api, clock).book()
    event = OutboxEvent.objects.get()
    later = kztime.now() + dt.timedelta(minutes=9)
    OutboxEvent.objects.filter(pk=event.pk).update(attempts=7, next_attempt_at=later)
    client.force_login(administrator)
    response = client.post(URL, {"action": "retry_now", "_selected_action": [event.pk]}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "1 event will be tried again now." in response.content.decode()
    event.refresh_from_db()
    assert event.next_attempt_at == kztime.now()
    entry = AuditEntry.objects.get(action="outbox_retry_now")
    assert entry.actor == administrator and entry.hearing_id == event.hearing_id and entry.rule == "R3"


def test_r3_court_staff_do_not_see_the_outbox(world, client):
    client.force_login(world.secretary)
    assert client.get(URL).status_code == 302  # to the admin's own sign-in
