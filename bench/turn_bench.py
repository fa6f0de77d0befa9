"""TURN relay through coturn with the shipped config: how long a seat's allocation takes, and
the round trip and loss of media-sized packets relayed for many seats at once.

One turnserver is started from deploy/coturn/turnserver.conf (tests/coturn.py: a fresh
secret, a free port on 127.0.0.1). N seats (default 50) each get credentials from
courtvcs.live.turn.ice_config, exactly as a page does, and allocate a relay at the same time
with aioice (the TURN client). The peer is a UDP echo at a documentation address
(198.51.100.n) in a network namespace (tests/e2e/network.py), so the shipped
denied-peer-ip lines apply as in production. Every seat then sends --rate packets a second
of --size bytes (1,000 bytes at 50/s is ~400 kbit/s, an audio+low video stream) for
--seconds; the echo answers each, and the seat measures the round trip through the relay.
coturn's CPU time over the send phase is read from /proc.

    .venv/bin/python bench/turn_bench.py [--seats 50] [--rate 50] [--size 1000] [--seconds 10]

Needs root (network namespace), coturn (apt-get install coturn) and iproute2.
"""

import argparse
import asyncio
import datetime as dt
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courtvcs.settings")
os.environ.setdefault("COURTVCS_VAR_DIR", str(ROOT / "var" / "bench"))

import django  # noqa: E402

django.setup()

from aioice.turn import TurnClientUdpProtocol  # noqa: E402
from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from courtvcs.live.seats import REMOTE_SITE, Seat  # noqa: E402
from courtvcs.live.turn import ice_config  # noqa: E402
from tests.coturn import Coturn  # noqa: E402
from tests.e2e.network import IsolatedHost, can_isolate  # noqa: E402

ECHO = """
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind((sys.argv[1], 0))
print(s.getsockname()[1], flush=True)
while True:
    data, addr = s.recvfrom(4096)
    s.sendto(data, addr)
"""


class Seats(asyncio.DatagramProtocol):
    """Echoes come back here: (seat, seq, sent_ns) in the first 20 bytes."""

    def __init__(self):
        self.rtts: list[float] = []
        self.received = 0

    def datagram_received(self, data, addr):
        _seat, _seq, sent = struct.unpack("!IIQ", data[:16])
        self.rtts.append((time.perf_counter_ns() - sent) / 1e6)
        self.received += 1


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))] if values else float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(args, server: Coturn, peer: tuple[str, int]) -> None:
    loop = asyncio.get_running_loop()
    inbox = Seats()
    ends = timezone.now() + dt.timedelta(minutes=90)

    async def allocate(i: int):
        seat = Seat(room=f"hearing-{i}", hearing_id=i, site="remote-1", kind=REMOTE_SITE, label="bench",
                    call_ends_at=ends)
        turn = next(s for s in ice_config(seat)["iceServers"] if "username" in s)
        started = time.perf_counter()
        transport, client = await loop.create_datagram_endpoint(
            lambda: TurnClientUdpProtocol(server.address, username=turn["username"], password=turn["credential"],
                                          lifetime=600, channel_refresh_time=500),
            remote_addr=server.address)
        client.receiver = inbox
        await client.connect()
        await client.send_data(b"\0" * 16, peer)  # binds the channel, installs the permission
        return client, (time.perf_counter() - started) * 1000

    made = await asyncio.gather(*(allocate(i) for i in range(args.seats)))
    clients = [c for c, _ in made]
    alloc_ms = [ms for _, ms in made]
    await asyncio.sleep(0.5)
    inbox.rtts.clear()
    inbox.received = 0

    cpu_before, wall_before = cpu_seconds(server.proc.pid), time.perf_counter()
    sent = 0
    padding = b"x" * max(0, args.size - 16)

    async def stream(i: int, client):
        nonlocal sent
        interval = 1 / args.rate
        next_at = time.perf_counter() + (i / args.seats) * interval
        for seq in range(int(args.rate * args.seconds)):
            delay = next_at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await client.send_data(struct.pack("!IIQ", i, seq, time.perf_counter_ns()) + padding, peer)
            sent += 1
            next_at += interval

    await asyncio.gather(*(stream(i, c) for i, c in enumerate(clients)))
    sending = time.perf_counter() - wall_before
    await asyncio.sleep(1.0)  # the last echoes
    cpu = cpu_seconds(server.proc.pid) - cpu_before
    wall = time.perf_counter() - wall_before
    for client in clients:
        await client.delete()

    kbit = args.size * 8 * args.rate / 1000
    print(f"seats {args.seats}, {args.rate} packets/s of {args.size} bytes each way per seat "
          f"(~{kbit:.0f} kbit/s), {args.seconds} s")
    print(f"allocation (credentials from ice_config, Allocate with 401 round, ChannelBind): "
          f"p50 {pct(alloc_ms, 50):.1f} ms, p95 {pct(alloc_ms, 95):.1f} ms, max {max(alloc_ms):.1f} ms "
          f"({args.seats} at once)")
    print(f"relayed round trip: p50 {pct(inbox.rtts, 50):.2f} ms, p95 {pct(inbox.rtts, 95):.2f} ms, "
          f"p99 {pct(inbox.rtts, 99):.2f} ms; echoes {inbox.received}/{sent} "
          f"(lost {100 * (1 - inbox.received / sent):.2f} %)")
    relayed_mbit = 2 * sent * args.size * 8 / 1e6 / sending
    print(f"coturn CPU: {cpu:.2f} s over {wall:.1f} s ({100 * cpu / wall:.0f} % of one core) for "
          f"{relayed_mbit:.1f} Mbit/s relayed while sending (both directions)")
    if inbox.rtts:
        print(f"mean round trip {statistics.mean(inbox.rtts):.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seats", type=int, default=50)
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    ok, reason = can_isolate()
    if not ok:
        sys.exit(reason)
    ip = shutil.which("ip", path="/usr/sbin:/sbin:/usr/bin:/bin") or "ip"
    with IsolatedHost() as host, tempfile.TemporaryDirectory(prefix="turn-bench-") as runtime:
        public = f"198.51.100.{host.subnet}"
        subprocess.run([ip, "-n", host.netns, "addr", "add", f"{public}/32", "dev", host.veth_peer], check=True)
        subprocess.run([ip, "route", "add", f"{public}/32", "dev", host.veth_host], check=True)
        echo = subprocess.Popen(host.exec_command(sys.executable, "-c", ECHO, public),
                                stdout=subprocess.PIPE, text=True)
        try:
            peer = (public, int(echo.stdout.readline()))
            with Coturn(Path(runtime), listen_ip="127.0.0.1", relay_ip=host.gateway) as server:
                settings.COURTVCS_TURN_URLS = [server.url]
                settings.COURTVCS_TURN_SECRET = server.secret
                asyncio.run(run(args, server, peer))
        finally:
            echo.kill()
            echo.wait()


if __name__ == "__main__":
    main()
