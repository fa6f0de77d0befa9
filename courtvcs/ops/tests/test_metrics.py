"""/metrics as Prometheus scrapes it: what is counted, and who may read it."""

import datetime as dt

import pytest
from django.test import Client

from courtvcs.hearings.tasks import fire_due_deadlines

from .scrape import scrape, value


# Every scrape also reads the database's figures.
pytestmark = pytest.mark.django_db


def test_a_request_is_counted_by_route_and_status_class():
    before = scrape()
    assert Client().get("/healthz").status_code == 200
    assert Client().get("/no-such-page/x").status_code == 404
    after = scrape()
    key = {"method": "GET", "route": "ops:healthz", "status": "2xx"}
    assert value(after, "courtvcs_http_requests_total", **key) == value(
        before, "courtvcs_http_requests_total", **key) + 1
    missing = {"method": "GET", "route": "unmatched", "status": "4xx"}
    assert value(after, "courtvcs_http_requests_total", **missing) == value(
        before, "courtvcs_http_requests_total", **missing) + 1
    assert value(after, "courtvcs_http_request_duration_seconds_count", method="GET", route="ops:healthz") >= 1


def test_metrics_are_refused_without_the_token(settings):
    settings.COURTVCS_METRICS_TOKEN = "s3cret-metrics-token"
    client = Client()
    refused = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert "courtvcs_" not in refused.content.decode()
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    allowed = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")
    assert allowed.status_code == 200
    assert "courtvcs_http_requests_total" in allowed.content.decode()


def test_without_a_token_only_a_direct_scraper_on_the_machine_may_read_metrics(settings):
    settings.COURTVCS_METRICS_TOKEN = ""
    client = Client()
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    # A reverse proxy on the same machine connects from loopback, on a stranger's behalf.
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403


def test_queue_lag_counts_from_when_the_oldest_task_fell_due(clock):
    assert value(scrape(), "courtvcs_task_queue_lag_seconds", queue="default") == 0
    fire_due_deadlines.enqueue()
    clock.shift(dt.timedelta(minutes=5))
    # Not yet due: a task set to run later does not count as waiting.
    fire_due_deadlines.using(run_after=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).enqueue()
    samples = scrape()
    assert value(samples, "courtvcs_task_queue_lag_seconds", queue="default") == pytest.approx(300, abs=1)
    assert value(samples, "courtvcs_metrics_database_up") == 1
