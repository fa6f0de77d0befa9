"""A real coturn for the tests, started from the configuration the project ships.

    with Coturn(runtime_dir, listen_ip="127.0.0.1", relay_ip="127.0.0.1") as turn:
        settings.COURTVCS_TURN_URLS = [turn.url]
        settings.COURTVCS_TURN_SECRET = turn.secret

It runs deploy/coturn/run-turnserver.sh (so deploy/coturn/turnserver.conf as shipped, its
secret handling included) with a fresh random secret, on a free port, adding only where to
listen and which address to relay from, plus whatever `extra` options a test states (and
must say why in its docstring). Without /usr/bin/turnserver a test using it is skipped
(apt-get install coturn); in CI (CI=true) that fails instead.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / "deploy" / "coturn" / "run-turnserver.sh"
TURNSERVER = os.environ.get("COURTVCS_TURNSERVER") or shutil.which("turnserver") or "/usr/bin/turnserver"


def require_coturn() -> None:
    if Path(TURNSERVER).exists():
        return
    message = f"coturn is not installed at {TURNSERVER} (apt-get install coturn)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port(ip: str) -> int:
    """A port free for both UDP and TCP on `ip` (coturn listens on both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((ip, 0))
            port = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind((ip, port))
                except OSError:
                    continue
            return port
    raise RuntimeError(f"no free port on {ip}")


class Coturn:
    def __init__(self, runtime_dir: Path, *, listen_ip: str, relay_ip: str, extra: tuple[str, ...] = ()):
        require_coturn()
        self.runtime_dir, self.listen_ip, self.relay_ip, self.extra = Path(runtime_dir), listen_ip, relay_ip, extra
        self.secret = "test-" + secrets.token_urlsafe(24)
        self.port = free_port(listen_ip)
        self.log = self.runtime_dir / "turnserver.log"
        self.proc: subprocess.Popen | None = None

    @property
    def address(self) -> tuple[str, int]:
        return (self.listen_ip, self.port)

    @property
    def url(self) -> str:
        return f"turn:{self.listen_ip}:{self.port}?transport=udp"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def start(self) -> Coturn:
        self.runtime_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "COURTVCS_TURN_SECRET": self.secret, "COURTVCS_TURN_REALM": "courtvcs-test",
               "COURTVCS_TURN_RUNTIME_DIR": str(self.runtime_dir), "TURNSERVER": TURNSERVER}
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [str(RUN), f"--listening-ip={self.listen_ip}", f"--listening-port={self.port}",
                 f"--relay-ip={self.relay_ip}", "--no-tls", "--no-dtls", *self.extra],
                env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while "Total General servers" not in self.log_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"turnserver did not start:\n{self.log_text()[-3000:]}")
            time.sleep(0.1)
        time.sleep(0.3)  # the listeners open just after that line
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> Coturn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
