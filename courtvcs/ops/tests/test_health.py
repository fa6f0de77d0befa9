"""/healthz and /readyz, as a load balancer and an orchestrator probe them."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from courtvcs.live.media import media_plane

ROOT = Path(__file__).resolve().parents[3]


def closed_port() -> int:
    """A port on this machine where nothing listens (bound, then let go)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The two layers settings.py may configure on Redis (COURTVCS_REDIS_LAYER).
REDIS_LAYERS = ("channels_redis.pubsub.RedisPubSubChannelLayer", "channels_redis.core.RedisChannelLayer")


def redis_layer(url: str, backend: str = REDIS_LAYERS[0]) -> dict:
    return {"default": {"BACKEND": backend, "CONFIG": {"hosts": [url], "prefix": "courtvcs-test"}}}


def test_health_answers_without_the_database():
    # No django_db mark: a query here would fail the test.
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_ready_when_the_database_is_migrated_and_the_layer_answers():
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "migrations": True, "channel_layer": True, "media_plane": True}


@pytest.mark.django_db
@pytest.mark.parametrize("backend", REDIS_LAYERS)
def test_ready_with_redis_answering(settings, backend):
    url = os.environ.get("COURTVCS_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
    settings.CHANNEL_LAYERS = redis_layer(url, backend)
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["channel_layer"]["detail"] == "redis, 1 host(s)"


@pytest.mark.django_db
def test_not_ready_when_redis_is_down(settings):
    settings.CHANNEL_LAYERS = redis_layer(f"redis://127.0.0.1:{closed_port()}/5")
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["channel_layer"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert "127.0.0.1" not in response.content.decode()  # no addresses in the answer


def readyz_with_plane():
    """/readyz with the media plane the test's settings name (the plane is cached)."""
    media_plane.cache_clear()
    try:
        return Client().get("/readyz")
    finally:
        media_plane.cache_clear()


class _PlaneWithServers:
    """A media plane with a server pool whose servers do not answer (the Janus hook)."""

    name = "sfu"

    def max_sites(self):
        return 16

    def ready(self):
        return {"ok": False, "servers": {"sfu-1": False, "sfu-2": True}}


@pytest.mark.django_db
def test_not_ready_when_the_media_plane_says_its_servers_do_not_answer(settings):
    settings.COURTVCS_MEDIA_PLANE = f"{__name__}._PlaneWithServers"
    response = readyz_with_plane()
    assert response.status_code == 503
    assert response.json()["checks"]["media_plane"] == {
        "ok": False, "servers": {"sfu-1": False, "sfu-2": True}, "ms": pytest.approx(0, abs=1000)}


def test_not_ready_when_the_database_does_not_answer():
    """A node whose database is unreachable: its own process, pointed at a closed port."""
    probe = ("import django, json; django.setup(); from django.test import Client; "
             "r = Client().get('/readyz'); print(json.dumps([r.status_code, r.json()]))")
    env = {**os.environ, "DATABASE_URL": f"postgres://courtvcs:secret-pw@127.0.0.1:{closed_port()}/courtvcs",
           "DJANGO_SETTINGS_MODULE": "courtvcs.settings", "LOG_LEVEL": "ERROR"}
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    status, body = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == 503
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["migrations"] == {"ok": False, "detail": "no database", "ms": 0.0}
    assert "secret-pw" not in done.stdout  # the connection string's password stays out


@pytest.mark.django_db
def test_with_the_mesh_and_a_janus_pool_for_large_calls_the_pool_is_checked_too(settings):
    settings.COURTVCS_MEDIA_PLANE = "mesh"
    settings.COURTVCS_JANUS_SERVERS = [{
        "name": "janus-1", "api": f"http://127.0.0.1:{closed_port()}/janus", "admin": "", "ws": "",
        "api_secret": "s", "admin_secret": "s", "room_admin_key": "s"}]
    response = readyz_with_plane()
    assert response.status_code == 503
    check = response.json()["checks"]["media_plane"]
    assert check["ok"] is False
    assert check["planes"]["mesh"]["ok"] is True
    assert check["planes"]["janus"] == {"ok": False, "servers": {"janus-1": False}}


@pytest.mark.django_db
def test_ready_when_every_server_of_the_janus_pool_answers(settings, janus_pool):
    settings.COURTVCS_MEDIA_PLANE = "janus"
    response = readyz_with_plane()
    assert response.status_code == 200, response.content
    check = response.json()["checks"]["media_plane"]
    assert check["ok"] is True and check["servers"] == {janus_pool.entry()["name"]: True}
