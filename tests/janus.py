"""A real Janus for the tests, started from the configuration the project ships.

    from tests.janus import janus_server, janus_pool  # noqa: F401 (fixtures)

    def test_...(janus_pool):   # settings.COURTVCS_JANUS_SERVERS points at it
        ...

`janus_server` (one per test session) renders deploy/janus/*.jcfg with fresh random
secrets and free ports into a temporary folder, starts `janus --configs-folder=...`,
waits until its API answers, and stops it at the end. Without /usr/bin/janus the tests
using it are skipped (apt-get install janus); in CI (CI=true) that fails instead.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest


def _no_core_dumps() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

JANUS = os.environ.get("COURTVCS_JANUS", "/usr/bin/janus")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        return s.getsockname()[1]


class JanusProcess:
    def __init__(self, executable: str = JANUS):
        from courtvcs.live.janus.config import new_secrets

        self.executable = executable
        self.folder = Path(tempfile.mkdtemp(prefix="courtvcs-janus-"))
        self.secrets = new_secrets()
        self.http_port, self.admin_port, self.ws_port = free_port(), free_port(), free_port()
        self.proc: subprocess.Popen | None = None
        self.log = self.folder / "janus.log"

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/janus"

    @property
    def admin(self) -> str:
        return f"http://127.0.0.1:{self.admin_port}/admin"

    def entry(self, name: str = "janus-test", **extra) -> dict:
        """This server as an entry of COURTVCS_JANUS_SERVERS."""
        return {"name": name, "api": self.api, "admin": self.admin,
                "ws": f"ws://{{host}}:{self.ws_port}/", **self.secrets, **extra}

    def start(self, timeout: float = 20.0) -> JanusProcess:
        from courtvcs.live.janus.config import render

        render(self.folder / "etc", http_port=self.http_port, admin_port=self.admin_port,
               ws_port=self.ws_port, http_ip="127.0.0.1", ws_ip="0.0.0.0",
               debug_level=os.environ.get("COURTVCS_JANUS_DEBUG", "3"), **self.secrets)
        with open(self.log, "wb") as log:
            # Janus 1.1.2 may die on SIGTRAP while it stops; it would leave a core dump of
            # over 100 GB (sparse) in its working directory: none, and not in the checkout.
            self.proc = subprocess.Popen([self.executable, f"--configs-folder={self.folder / 'etc'}"],
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                         cwd=self.folder, preexec_fn=_no_core_dumps)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"janus exited ({self.proc.returncode}): {self.tail()}")
            try:
                if httpx.get(f"{self.api}/info", timeout=1).json().get("janus") == "server_info":
                    return self
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"janus did not answer within {timeout} s: {self.tail()}")

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        shutil.rmtree(self.folder, ignore_errors=True)


def require_janus() -> None:
    if Path(JANUS).exists():
        return
    reason = f"the Janus tests need {JANUS} (apt-get install janus)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def janus_server():
    """One Janus for the test session, on free ports, with fresh secrets."""
    require_janus()
    server = JanusProcess().start()
    yield server
    server.stop()


@pytest.fixture
def janus_pool(settings, janus_server, tmp_path):
    """settings.COURTVCS_JANUS_SERVERS = [the test Janus]; recordings go to tmp_path."""
    settings.COURTVCS_JANUS_SERVERS = [janus_server.entry()]
    settings.COURTVCS_JANUS_RECORDINGS_DIR = tmp_path / "janus-recordings"
    return janus_server
