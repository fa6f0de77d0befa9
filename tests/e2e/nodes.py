"""Several courtvcs nodes for one test: real uvicorn processes sharing PostgreSQL and Redis.

    pytestmark = pytest.mark.django_db(transaction=True)

    def test_...(asgi_nodes):
        one, two = asgi_nodes(2)          # two processes, each on its own free port
        page.goto(one.url + "/signin/")   # http://127.0.0.1:<port>
        there.goto(two.url_for(host.gateway) + "/signin/")

Each node is `courtvcs.asgi:application` in its own process, as in production: its
DATABASE_URL is the run's test database (what the test writes, committed, each node reads),
and its REDIS_URL the run's Redis with a channel prefix of its own, so that two runs on one
Redis do not hear each other (Redis pub/sub ignores the database number). The nodes'
clock starts at the test's "now" (a test that froze or moved its clock is seen from the
nodes as it sees itself) and ticks on from there.

On SQLite the tests using it are skipped: one SQLite file is not what several application
nodes share in production, and the point is that nothing is shared but PostgreSQL and Redis.

Run as `python -m tests.e2e.nodes serve FD` it is a node (what `NodeProcess` starts), as
`python -m tests.e2e.nodes manage db_worker ...` a task worker (`WorkerProcess`), both with
the test's clock and password hashers. bench/multinode_signalling_bench.py starts its nodes
the same way.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

__all__ = ["NodeProcess", "WorkerProcess", "asgi_nodes", "node_environment", "redis_for_tests"]

ROOT = Path(__file__).resolve().parents[2]
# The Redis the multi-node tests use; a database number of its own keeps the queues layer's
# keys apart from other runs (the prefix does that for pub/sub).
TEST_REDIS_URL = os.environ.get("COURTVCS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_for_tests() -> str:
    """TEST_REDIS_URL if Redis answers there; else the test is skipped (failed in CI)."""
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means no Redis for this run
        reason = f"several nodes need Redis at {TEST_REDIS_URL} ({exc}); set COURTVCS_TEST_REDIS_URL"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return TEST_REDIS_URL


def database_url() -> str:
    """The URL of the database this test process uses now (pytest-django's test database)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("several nodes share PostgreSQL; the SQLite pass runs one process "
                    "(runs in the PostgreSQL pass of scripts/test)")
    s = connection.settings_dict
    user = quote(s.get("USER") or "", safe="")
    password = f":{quote(s['PASSWORD'], safe='')}" if s.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def node_environment(*, redis_url: str, prefix: str, clock: dt.datetime | None = None,
                     extra: dict | None = None) -> dict:
    """The environment of a node (or a task worker) of this test run."""
    from django.conf import settings

    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "courtvcs.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "COURTVCS_CHANNEL_PREFIX": prefix,
        # The pages reach a node by whatever address the test gives them (isolated hosts).
        "ALLOWED_HOSTS": "*",
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
        # The test's users were made with its fast hasher (conftest.py).
        "COURTVCS_NODE_PASSWORD_HASHERS": json.dumps(list(settings.PASSWORD_HASHERS)),
        "COURTVCS_RECORDINGS_DIR": str(settings.COURTVCS_RECORDINGS_DIR),
    })
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the nodes run as in production
    if clock is not None:
        env["COURTVCS_NODE_CLOCK"] = clock.isoformat()
    env.update(extra or {})
    return env


class NodeProcess:
    """One uvicorn process serving courtvcs on a port of 0.0.0.0 chosen by the kernel."""

    def __init__(self, env: dict, name: str, log_dir: Path):
        self.env, self.name = env, name
        self.log_path = log_dir / f"{name}.log"
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url_for(self, ip: str) -> str:
        """The node's address as seen from a host that reaches this machine at `ip`."""
        return f"http://{ip}:{self.port}"

    def ws_url_for(self, ip: str = "127.0.0.1") -> str:
        return self.url_for(ip).replace("http://", "ws://", 1)

    def start(self) -> NodeProcess:
        # The listening socket is made here and handed over, so the port is never free
        # between choosing it and the node binding it.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("0.0.0.0", 0))
        sock.listen(1024)
        self.port = sock.getsockname()[1]
        self.process = _spawn(["serve", str(sock.fileno())], self.env, self.log_path, [sock.fileno()])
        sock.close()
        return self

    def wait_ready(self, timeout: float = 60.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"node {self.name} exited ({self.process.returncode}):\n{self.log_tail()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=5).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"node {self.name} did not answer within {timeout} s:\n{self.log_tail()}")

    def stop(self, timeout: float = 10.0) -> None:
        _stop(self.process, timeout)

    def log_tail(self, lines: int = 60) -> str:
        return _tail(self.log_path, lines)


class WorkerProcess:
    """`manage.py db_worker` in a process of its own, with the nodes' environment and clock."""

    def __init__(self, env: dict, name: str, log_dir: Path, *args: str):
        self.env, self.name, self.args = env, name, args
        self.worker_id = name
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        self.process = _spawn(["manage", "db_worker", "--worker-id", self.worker_id, "--no-reload",
                               *self.args], self.env, self.log_path)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        _stop(self.process, timeout)

    def log_tail(self, lines: int = 60) -> str:
        return _tail(self.log_path, lines)


def _spawn(argv: list[str], env: dict, log_path: Path, fds: list[int] = ()) -> subprocess.Popen:
    with open(log_path, "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "tests.e2e.nodes", *argv], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, pass_fds=list(fds),
                                start_new_session=True)


def _stop(process: subprocess.Popen | None, timeout: float) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)


def _tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@pytest.fixture
def asgi_nodes(transactional_db, tmp_path):
    """start(n=2, *, clock=None) -> n NodeProcess, serving; all are stopped after the test.

    The nodes share the test database (so the fixture makes the test transactional) and one
    Redis channel prefix. `clock` is the instant the nodes' clocks start from (default: the
    test process's now, frozen or not). Each node's output is printed if the test fails.
    """
    from django.utils import timezone

    redis_url = redis_for_tests()
    prefix = f"courtvcs-test-{os.getpid()}-{secrets.token_hex(4)}"
    started: list[NodeProcess] = []

    def start(n: int = 2, *, clock: dt.datetime | None = None, extra_env: dict | None = None):
        env = node_environment(redis_url=redis_url, prefix=prefix, clock=clock or timezone.now(),
                               extra=extra_env)
        nodes = [NodeProcess(env, f"node{len(started) + i + 1}", tmp_path).start() for i in range(n)]
        started.extend(nodes)
        for node in nodes:
            node.wait_ready()
        return nodes

    yield start
    for node in started:
        node.stop()
    for node in started:
        print(f"--- {node.name} (port {node.port}) ---\n{node.log_tail()}")


def _as_the_test_sees_it() -> None:
    """The test's clock (ticking from its instant) and password hashers, before Django starts."""
    clock = os.environ.get("COURTVCS_NODE_CLOCK")
    if clock:
        import time_machine

        time_machine.travel(dt.datetime.fromisoformat(clock), tick=True).start()
    import django
    from django.conf import settings

    django.setup()
    hashers = os.environ.get("COURTVCS_NODE_PASSWORD_HASHERS")
    if hashers:
        settings.PASSWORD_HASHERS = json.loads(hashers)


def serve(fd: int) -> None:
    """The node: courtvcs.asgi:application under uvicorn on the inherited socket `fd`."""
    _as_the_test_sees_it()
    import uvicorn

    from courtvcs.asgi import application

    uvicorn.run(application, fd=fd, lifespan="off", log_level="warning", access_log=False,
                timeout_graceful_shutdown=3)


def manage(argv: list[str]) -> None:
    _as_the_test_sees_it()
    from django.core.management import call_command

    call_command(*argv)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    else:
        manage(sys.argv[2:])
