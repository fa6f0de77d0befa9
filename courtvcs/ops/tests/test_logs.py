"""Structured logs: one JSON object a line with the request's id, no personal data."""

import io
import json
import logging
import logging.config
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from asgiref.sync import async_to_sync

from courtvcs.asgi import application  # here, not in a test: it sets Django's logging up again
from courtvcs.audit.models import AuditEntry
from courtvcs.hearings.tests.flow import Flow
from courtvcs.live.tests.sockets import WebsocketCommunicator
from courtvcs.ops.logs import logging_config

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def json_log(settings):
    """The handler LOG_FORMAT=json configures, writing to a buffer: yields the lines read back."""
    settings.COURTVCS_REQUEST_LOG = True
    config = logging_config("json", "INFO")
    configurator = logging.config.DictConfigurator(config)
    handler = logging.StreamHandler(buffer := io.StringIO())
    handler.setFormatter(configurator.configure_formatter(config["formatters"]["json"]))
    for name in config["handlers"]["console"]["filters"]:
        handler.addFilter(configurator.configure_filter(config["filters"][name]))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # An in-process server started by an earlier test (uvicorn's own logging set-up) leaves its
    # loggers not propagating, or disabled: open them to the root for this test only.
    server_loggers = [logging.getLogger(name) for name in ("uvicorn", "uvicorn.error")]
    kept = [(logger, logger.propagate, logger.disabled, logger.level) for logger in server_loggers]
    for logger in server_loggers:
        logger.propagate, logger.disabled = True, False
        logger.setLevel(logging.NOTSET)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for logger, propagate, disabled, logger_level in kept:
            logger.propagate, logger.disabled = propagate, disabled
            logger.setLevel(logger_level)


def test_a_json_log_line_carries_the_request_id_and_the_user_id_but_no_personal_data(world, json_log):
    secretary = world.secretary
    client = Client()
    client.force_login(secretary)
    response = client.get("/", HTTP_X_REQUEST_ID="lb-7f3a9c")
    assert response["X-Request-ID"] == "lb-7f3a9c"
    lines = [line for line in json_log() if line.get("request_id") == "lb-7f3a9c"]
    assert lines, json_log()
    line = lines[-1]
    assert line["logger"] == "courtvcs.request" and line["level"] == "INFO"
    assert line["user_id"] == secretary.pk
    assert line["path"] == "/" and line["route"] == "home" and line["status"] == response.status_code
    assert line["timestamp"].endswith("+00:00")  # UTC, ISO 8601
    text = json.dumps(lines)
    for personal in (secretary.username, secretary.email, secretary.last_name, secretary.first_name,
                     client.cookies["sessionid"].value):
        if personal:
            assert personal not in text


def test_a_personal_link_token_stays_out_of_the_log(db, json_log):
    Client().get("/m/Zx81-personal-token-abc/", HTTP_X_REQUEST_ID="req-1")
    text = json.dumps(json_log())
    assert "Zx81-personal-token-abc" not in text
    assert '"/m/[token]' in text


def test_a_request_without_a_usable_id_gets_one(db):
    given = Client().get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith a line break")
    made = given["X-Request-ID"]
    assert made != "bad id\nwith a line break" and len(made) == 32
    assert Client().get("/healthz")["X-Request-ID"] != made


def test_log_format_json_turns_the_process_logs_into_json_lines():
    """The environment variable alone, in a fresh process: stderr is JSON, one object a line."""
    probe = ("import django; django.setup(); from django.test import Client; "
             "Client().get('/healthz', HTTP_X_REQUEST_ID='probe-42')")
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "courtvcs.settings"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    request = [line for line in lines if line["logger"] == "courtvcs.request"]
    assert request and request[-1]["request_id"] == "probe-42" and request[-1]["path"] == "/healthz"
    assert request[-1]["user_id"] is None


def test_an_error_answer_logged_by_django_keeps_the_request_id_and_leaves_the_query_out(db, json_log):
    Client().get("/no-such-page/?invite=Qv7-secret", HTTP_X_REQUEST_ID="req-404")
    lines = [line for line in json_log() if line["logger"] == "django.request"]
    assert lines and lines[-1]["request_id"] == "req-404" and lines[-1]["path"] == "/no-such-page/"
    assert "Qv7-secret" not in json.dumps(json_log())


def test_the_servers_websocket_lines_keep_neither_the_browsers_address_nor_the_query(json_log):
    logging.getLogger("uvicorn.error").info('%s - "WebSocket %s" [accepted]', "203.0.113.7:51234",
                                            "/ws/live/hearing/5/?peer=courtpage01")
    line = json_log()[-1]
    assert line["message"] == '- - "WebSocket /ws/live/hearing/5/" [accepted]'
    assert "203.0.113.7" not in json.dumps(line)


# The room consumer reaches the database from other threads: a transactional test, as the
# socket tests are (courtvcs/live/tests/test_signalling.py).
@pytest.mark.django_db(transaction=True)
def test_refused_access_is_logged_with_who_and_where(world, api, clock, json_log):
    """ASVS 16.3.2: probing another court's hearing, or an action the role may not take,
    leaves a warning the operators can alert on (a log line, not an audit entry)."""
    flow = Flow(world, api, clock)
    flow.book()
    assert api(world.other_secretary).get(flow.url()).status_code == 404
    assert api(world.bailiff).post(flow.url("/letters")).status_code == 403

    async def stranger_at_the_room():
        ws = WebsocketCommunicator(application, f"/ws/live/hearing/{flow.hearing_id}/",
                                   headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")])
        assert await ws.connect() == (True, None)
        assert (await ws.receive_output())["code"] == 4403
        await ws.disconnect()

    async_to_sync(stranger_at_the_room)()
    refusals = [line for line in json_log() if line["logger"] == "courtvcs.access"]
    assert [(r["level"], r["status"]) for r in refusals] == [("WARNING", 404), ("WARNING", 403),
                                                            ("WARNING", 4403)]
    probing, forbidden, socket = refusals
    assert probing["person"] == world.other_secretary.pk and probing["where"] == f"/api/hearings/{flow.hearing_id}"
    assert forbidden["person"] == world.bailiff.pk and forbidden["where"].endswith("/letters")
    assert socket["person"] is None and socket["where"] == f"/ws/live/hearing/{flow.hearing_id}/"
    assert not AuditEntry.objects.filter(action__icontains="refus").exists()


