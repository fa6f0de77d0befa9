"""A PostgreSQL server of the run's own, for runs that need more connections than a shared
server gives (200 racing secretaries each on a connection of their own) or that kill
its backends.

    with private_postgres(max_connections=300) as url:   # postgres://postgres@127.0.0.1:PORT/postgres
        ...

initdb into a temporary directory, started with pg_ctl on a free port, stopped and removed
afterwards. The server binaries are found under /usr/lib/postgresql/*/bin (Debian's
postgresql package). As root, the server runs as the `postgres` user (PostgreSQL refuses
to run as root).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(f"{name} not found: install the postgresql package")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def private_postgres(*, max_connections: int = 300):
    root = Path(tempfile.mkdtemp(prefix="courtvcs-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    run = dict(check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    subprocess.run([*as_postgres, _bin("initdb"), "-D", str(data), "-U", "postgres", "--auth", "trust",
                    "--no-sync"], **run)
    options = (f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={sockets} "
               f"-c max_connections={max_connections} -c shared_buffers=64MB -c fsync=off "
               f"-c synchronous_commit=off -c full_page_writes=off")
    subprocess.run([*as_postgres, _bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
                    "-w", "start"], **run)
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_postgres, _bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        shutil.rmtree(root, ignore_errors=True)
