"""Fixtures for the live (WebRTC) browser tests: an ASGI server, hosts on their own
network, and Chromiums started for WebRTC in the root namespace or inside such a host.

    pytestmark = pytest.mark.django_db(transaction=True)

    def test_...(asgi_server, isolated_host, live_browser_factory):
        here = live_browser_factory().new_page()              # root namespace
        there = live_browser_factory(isolated_host).new_page()  # its own network
        here.goto(asgi_server.url + "/signin/")
        there.goto(asgi_server.url_for(isolated_host.gateway) + "/signin/")
        isolated_host.cut(); ...; isolated_host.restore()

`asgi_server` is uvicorn serving courtvcs.asgi.application (HTTP and WebSocket) in a thread
of the test process, on 0.0.0.0 so that hosts reach it through their veth. On SQLite the
run's test database is then a file (see `use_file_sqlite_test_db`), because requests are
served from several threads at once. Imported into conftest.py with `from .live import *`.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time

import pytest

from .network import CHROMIUM, IsolatedHost, can_isolate

__all__ = [
    "LIVE_CHROMIUM_ARGS", "AsgiServer", "asgi_server", "isolated_host_factory",
    "isolated_host", "live_browser_factory", "pytest_collection_finish", "pytest_unconfigure",
]

# Chromium keeps only the LAST --disable-features it is given, and Playwright passes its own
# list first (playwright 1.65's chromiumSwitches): ours repeats that list and adds
# WebRtcHideLocalIpsWithMdns. Without it host candidates are random "<uuid>.local" names,
# which a browser in another network namespace cannot resolve (no mDNS across the veth).
_PLAYWRIGHT_DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect",
    "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled", "PreconnectToSearch",
]
LIVE_CHROMIUM_ARGS = [
    # A camera (test pattern) and a microphone (beeps) without hardware, granted without a prompt.
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    # Real IP addresses in ICE host candidates (see above).
    "--disable-features=" + ",".join([*_PLAYWRIGHT_DISABLED_FEATURES, "WebRtcHideLocalIpsWithMdns"]),
    # Remote <video>/<audio> play without a click.
    "--autoplay-policy=no-user-gesture-required",
    # As root Chromium refuses to start sandboxed (Playwright adds this too, unless asked not to).
    "--no-sandbox",
    "--disable-gpu",
    # The machine's network is closed: no calls home, no QUIC probing, no updates.
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# --- the test database --------------------------------------------------------------------
_db_dir: str | None = None


def use_file_sqlite_test_db() -> str | None:
    """Put the SQLite test database in a file for this run (no-op on PostgreSQL).

    pytest-django's default SQLite test database lives in memory with a shared cache; there
    a write from one thread makes a read or write from another fail at once with "database
    table is locked" (shared-cache table locks ignore the busy timeout). The ASGI server
    serves each request (Django's ThreadSensitiveContext) and each database_sync_to_async
    call on threads of its own, so it needs real files: WAL and the 20 s busy timeout from
    settings then serialise the writers. The test database is made once per run, so this
    applies to the whole run that collects a test using `asgi_server`.
    """
    global _db_dir
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        return None
    test = db.setdefault("TEST", {})
    name = str(test.get("NAME") or "")
    if name and name != ":memory:" and "mode=memory" not in name:
        return name  # someone already chose a file
    _db_dir = tempfile.mkdtemp(prefix="courtvcs-e2e-db-")
    test["NAME"] = os.path.join(_db_dir, "test.sqlite3")
    return test["NAME"]


def pytest_collection_finish(session):
    # Before any test runs, so before pytest-django creates the test database.
    if any("asgi_server" in getattr(item, "fixturenames", ()) for item in session.items):
        use_file_sqlite_test_db()


def pytest_unconfigure(config):
    # After pytest-django has destroyed the test database (its -wal/-shm files may remain).
    if _db_dir:
        shutil.rmtree(_db_dir, ignore_errors=True)


# --- the ASGI server ------------------------------------------------------------------------
def _host_lists(app) -> list[list]:
    """Every list of allowed hosts the running app consults, so a new address reaches all.

    Django reads settings.ALLOWED_HOSTS per request, but channels'
    AllowedHostsOriginValidator keeps the list object it saw when courtvcs.asgi was imported,
    which may be the settings module's own list or a copy made by an override (pytest-django's
    live_server appends its host with modify_settings). Mutating them in place covers both.
    """
    import importlib

    from django.conf import settings

    found = {}
    # Under an override (the `settings` fixture) SETTINGS_MODULE reads None.
    module = settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "courtvcs.settings")
    for hosts in (settings.ALLOWED_HOSTS,
                  getattr(importlib.import_module(module), "ALLOWED_HOSTS", None)):
        if isinstance(hosts, list):
            found[id(hosts)] = hosts
    todo, seen = [app], set()
    while todo:
        obj = todo.pop()
        if obj is None or id(obj) in seen or len(seen) > 50:
            continue
        seen.add(id(obj))
        origins = getattr(obj, "allowed_origins", None)
        if isinstance(origins, list):
            found[id(origins)] = origins
        todo.extend(getattr(obj, name, None) for name in ("application", "inner", "app"))
        mapping = getattr(obj, "application_mapping", None)
        if isinstance(mapping, dict):
            todo.extend(mapping.values())
    return list(found.values())


class AsgiServer:
    """uvicorn serving the project's ASGI application from a thread of the test process."""

    def __init__(self, app=None, host: str = "0.0.0.0"):
        if app is None:
            from courtvcs.asgi import application as app
        self.app, self.host = app, host
        self.port = 0
        self.server = None
        self.thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self._error: BaseException | None = None
        self._added: list[tuple[list, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url_for(self, ip: str) -> str:
        """The server's address as seen from a host that reaches it at `ip` (its gateway)."""
        self.allow_host(ip)
        return f"http://{ip}:{self.port}"

    def ws_url_for(self, ip: str = "127.0.0.1") -> str:
        return self.url_for(ip).replace("http://", "ws://", 1)

    def allow_host(self, host: str) -> None:
        """Admit `host` in the Host header (Django) and in Origin (channels) until stop()."""
        for hosts in _host_lists(self.app):
            if host not in hosts and "*" not in hosts:
                hosts.append(host)
                self._added.append((hosts, host))

    def start(self, timeout: float = 15.0) -> AsgiServer:
        import uvicorn

        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((self.host, 0))
        self.port = self._sock.getsockname()[1]
        config = uvicorn.Config(
            self.app, lifespan="off", log_level="warning", access_log=False,
            # On stop, open WebSockets get a close frame; whatever still hangs after this
            # many seconds is cancelled rather than holding the test's teardown.
            timeout_graceful_shutdown=3,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._serve, name=f"asgi-server-{self.port}",
                                       daemon=True)
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if self._error is not None or not self.thread.is_alive():
                self.stop()
                raise RuntimeError(f"the ASGI server did not start: {self._error!r}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the ASGI server did not start within {timeout} s")
            time.sleep(0.02)
        for host in ("127.0.0.1", "localhost"):
            self.allow_host(host)
        return self

    def _serve(self) -> None:
        try:
            self.server.run(sockets=[self._sock])
        except BaseException as exc:  # SystemExit included: uvicorn exits on a startup failure
            self._error = exc

    def stop(self, timeout: float = 10.0) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True
            self.thread.join(timeout)
            if self.thread.is_alive():
                self.server.force_exit = True
                self.thread.join(timeout)
            if self.thread.is_alive():
                raise RuntimeError(f"the ASGI server thread {self.thread.name} did not stop")
        if self._sock is not None:
            self._sock.close()
        for hosts, host in reversed(self._added):
            if host in hosts:
                hosts.remove(host)
        self._added.clear()

    def __enter__(self) -> AsgiServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@pytest.fixture
def asgi_server(transactional_db):
    """uvicorn serving courtvcs.asgi.application on a free port of 0.0.0.0 for one test.

    .url is http://127.0.0.1:<port>; .url_for(ip) the same server seen from an isolated host
    (pass host.gateway), its address admitted in ALLOWED_HOSTS and the WebSocket Origin check.
    The server's threads open their own database connections, so data the test writes must
    be committed: the fixture makes the test transactional (like live_server).
    """
    server = AsgiServer().start()
    yield server
    server.stop()


# --- hosts on their own network ------------------------------------------------------------
@pytest.fixture
def isolated_host_factory():
    """make() -> a new IsolatedHost; all are removed (rules, veth, namespace) after the test.

    Skips the test when the machine cannot make them (not root, no `ip netns`, no
    iptables), except in CI (CI=true), where that is a broken machine and the test fails.
    """
    hosts: list[IsolatedHost] = []

    def make() -> IsolatedHost:
        ok, reason = can_isolate()
        if not ok:
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI must run the isolated-host browser tests: {reason}", pytrace=False)
            pytest.skip(reason)
        host = IsolatedHost()
        hosts.append(host)
        return host.create()

    yield make
    for host in reversed(hosts):
        host.close()


@pytest.fixture
def isolated_host(isolated_host_factory):
    """One IsolatedHost for the test (10.231.<n>.2 behind gateway 10.231.<n>.1)."""
    return isolated_host_factory()


@pytest.fixture
def live_browser_factory(browser, asgi_server, isolated_host_factory):
    """launch(host=None, *, args=()) -> a Playwright Browser started with LIVE_CHROMIUM_ARGS,
    in the root namespace, or inside `host` (an IsolatedHost) when given. All are closed after
    the test, before its hosts and the server go.

    Inside a host the page's origin is http://10.231.<n>.1:<port>, which is not a secure
    context (WebRTC's getUserMedia needs one): the browser is told to treat that origin
    as secure. The session's Playwright is reused (through the `browser` fixture) because
    one thread can drive only one sync Playwright at a time.
    """
    browsers = []

    def launch(host: IsolatedHost | None = None, *, args=()):
        extra = list(args)
        executable = CHROMIUM
        if host is not None:
            executable = host.browser_executable()
            extra.append(f"--unsafely-treat-insecure-origin-as-secure={asgi_server.url_for(host.gateway)}")
        launched = browser.browser_type.launch(executable_path=executable,
                                               args=[*LIVE_CHROMIUM_ARGS, *extra])
        browsers.append(launched)
        return launched

    yield launch
    for launched in reversed(browsers):
        try:
            launched.close()
        except Exception:  # noqa: BLE001 - a browser that already died is closed enough
            pass
