"""Whether this node can serve: what /readyz checks (docs/deploy.md, "Health and readiness").

Each check answers {"ok": bool, "ms": float} and, when it helps the operator, a short
fixed "detail": never an exception's text (it may carry a host, a user or a password
from a connection string) and never personal data. A check that fails does not stop the
others, except that migrations are not checked without a database.
"""

import logging
import sys
import time
from collections.abc import Callable
from types import SimpleNamespace

from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

# Migrations once found applied stay applied: the check reads the migration files only
# until then, not at every probe.
_migrations_applied = False


def _timed(check: Callable[[], dict]) -> dict:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:  # a check must answer, whatever broke
        logger.warning("readiness: %s failed (%s)", getattr(check, "__name__", "check"), type(exc).__name__)
        result = {"ok": False, "detail": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def database() -> dict:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def migrations() -> dict:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connections["default"])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            return {"ok": False, "detail": f"{len(plan)} migrations not applied"}
        _migrations_applied = True
    return {"ok": True}


def _redis_hosts(config: dict) -> list[str]:
    hosts = []
    for host in config.get("CONFIG", {}).get("hosts", []):
        if isinstance(host, str):
            hosts.append(host)
        elif isinstance(host, dict) and isinstance(host.get("address"), str):
            hosts.append(host["address"])
    return hosts


def channel_layer() -> dict:
    """The channel layer carries the rooms' signalling between nodes: Redis must answer."""
    import redis

    config = settings.CHANNEL_LAYERS["default"]
    if "channels_redis" not in config["BACKEND"]:
        return {"ok": True, "detail": "in-memory (one node only)"}
    hosts = _redis_hosts(config)
    for url in hosts:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    return {"ok": True, "detail": f"redis, {len(hosts)} host(s)"}


# A call with more sites than any plane carries: media_plane() hands it the plane large calls
# go to (Janus, when the deployment's plane is the mesh and a pool is configured).
_LARGEST_CALL = SimpleNamespace(expected_sites=sys.maxsize)


def _plane_ready(plane) -> dict:
    ready = getattr(plane, "ready", None)
    if ready is None:
        return {"ok": True, "detail": f"{plane.name}: no servers"}
    answer = ready()
    if isinstance(answer, dict):
        return {**answer, "ok": bool(answer.get("ok"))}
    return {"ok": bool(answer), "detail": plane.name}


def media_plane() -> dict:
    """The media plane's servers (the Janus pool): the plane's own ready(), when it has one,
    for the deployment's plane and for the plane that takes the calls too large for it.

    ready() answers a bool, or a JSON-ready dict with "ok" (and e.g. each server's state,
    by name, no addresses needed); it must answer within a second or two.
    """
    from courtvcs.live.media import media_plane as plane_of

    planes = {}
    for plane in (plane_of(), plane_of(_LARGEST_CALL)):
        planes.setdefault(plane.name, plane)
    answers = {name: _plane_ready(plane) for name, plane in planes.items()}
    if len(answers) == 1:
        return next(iter(answers.values()))
    return {"ok": all(answer["ok"] for answer in answers.values()), "planes": answers}


def report() -> tuple[bool, dict]:
    checks = {"database": _timed(database)}
    if checks["database"]["ok"]:
        checks["migrations"] = _timed(migrations)
    else:
        checks["migrations"] = {"ok": False, "detail": "no database", "ms": 0.0}
    checks["channel_layer"] = _timed(channel_layer)
    checks["media_plane"] = _timed(media_plane)
    return all(check["ok"] for check in checks.values()), checks
