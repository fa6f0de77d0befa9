"""A recorded Janus VideoRoom with real WebRTC publishers, for the server-recording tests (R4).

Janus records only what WebRTC publishers send it, so the .mjr files the tests convert are
made the honest way: a Janus started here (only the HTTP transport and the VideoRoom plugin,
no token auth: this Janus is reached by the test alone, on loopback and the machine's own
address) and Chromium with its fake camera (test pattern) and microphone (beeps), one page
per site, publishing into a room created with `record: true` and its own `rec_dir`.
The signalling is done from Python over Janus' HTTP API; the page only holds the
RTCPeerConnection (non-trickle: the offer carries its candidates, Janus' answer carries its).

    with JanusServer(workdir) as janus:
        files = janus.record_room(browser, rec_dir, sites=["courtroom", "remote-3"], seconds=3)

`publish(browser, api_url, [Publisher(...)], seconds=...)` does the same into a room the
Janus plane made on the project's Janus (tests/janus.py), with the token and PIN it issued.

Run as a script to refresh the small samples the unit tests use:
    .venv/bin/python -m tests.e2e.janus_publish courtvcs/live/tests/data/mjr
"""

from __future__ import annotations

import contextlib
import http.server
import itertools
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

JANUS = shutil.which("janus") or "/usr/bin/janus"
PLUGINS = "/usr/lib/x86_64-linux-gnu/janus/plugins"
TRANSPORTS = "/usr/lib/x86_64-linux-gnu/janus/transports"

PAGE = b"""<!doctype html><meta charset="utf-8"><title>publisher</title>
<script>
window.publish = async () => {
  const stream = await navigator.mediaDevices.getUserMedia(
    {audio: true, video: {width: 320, height: 240, frameRate: 15}});
  const pc = new RTCPeerConnection({iceServers: []});
  for (const track of stream.getTracks()) pc.addTransceiver(track, {direction: "sendonly"});
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((done) => {
    if (pc.iceGatheringState === "complete") return done();
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") done();
    });
  });
  window.pc = pc;
  return pc.localDescription.sdp;
};
window.answer = async (sdp) => {
  await window.pc.setRemoteDescription({type: "answer", sdp});
};
window.sent = async () => {
  let bytes = 0;
  (await window.pc.getStats()).forEach((s) => { if (s.type === "outbound-rtp") bytes += s.bytesSent; });
  return {ice: window.pc.iceConnectionState, bytes};
};
</script>"""


def janus_available() -> bool:
    return os.path.exists(JANUS) and os.path.isdir(PLUGINS)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config(folder: Path, port: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "janus.jcfg").write_text(f"""general: {{
    configs_folder = "{folder}"
    plugins_folder = "{PLUGINS}"
    transports_folder = "{TRANSPORTS}"
    debug_level = 3
    admin_secret = "{secrets.token_hex(16)}"
}}
media: {{
    rtp_port_range = "40000-49999"
}}
nat: {{
    ice_ignore_list = "vmnet,veth,cvh"
}}
plugins: {{
    disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_streaming.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so"
}}
transports: {{
    disable = "libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so,libjanus_websockets.so"
}}
events: {{
    broadcast = false
}}
""")
    (folder / "janus.transport.http.jcfg").write_text(f"""general: {{
    json = "compact"
    base_path = "/janus"
    http = true
    port = {port}
    ip = "127.0.0.1"
    https = false
}}
admin: {{
    admin_http = false
}}
""")
    (folder / "janus.plugin.videoroom.jcfg").write_text("general: {\n}\n")


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the stdlib's name)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def page_server():
    """The publisher page on a free loopback port (a secure context for getUserMedia)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class JanusApi:
    """Janus' HTTP API, as a page of ours would speak it (with its token, if Janus asks one)."""

    def __init__(self, url: str, token: str | None = None):
        self.url, self.token = url.rstrip("/"), token
        self._tx = itertools.count(1)

    def _post(self, path: str, body: dict) -> dict:
        body = {**body, "transaction": f"t{next(self._tx)}"}
        if self.token:
            body["token"] = self.token
        answer = httpx.post(self.url + path, json=body, timeout=10).json()
        if answer.get("janus") == "error":
            raise RuntimeError(f"janus: {answer['error']}")
        return answer

    def handle(self) -> tuple[int, int]:
        session = self._post("", {"janus": "create"})["data"]["id"]
        handle = self._post(f"/{session}", {"janus": "attach",
                                            "plugin": "janus.plugin.videoroom"})["data"]["id"]
        return session, handle

    def keepalive(self, session: int) -> None:
        self._post(f"/{session}", {"janus": "keepalive"})

    def request(self, session: int, handle: int, body: dict, jsep: dict | None = None) -> dict:
        message = {"janus": "message", "body": body, **({"jsep": jsep} if jsep else {})}
        answer = self._post(f"/{session}/{handle}", message)
        if answer.get("janus") == "success":
            return {"data": answer["plugindata"]["data"]}
        # Asynchronous: the result comes as an event on the session's long poll.
        params = {"maxev": 1, **({"token": self.token} if self.token else {})}
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            event = httpx.get(f"{self.url}/{session}", params=params, timeout=35).json()
            if event.get("janus") == "event" and event.get("sender") == handle:
                data = event["plugindata"]["data"]
                if "error" in data:
                    raise RuntimeError(f"videoroom: {data['error']}")
                return {"data": data, "jsep": event.get("jsep")}
        raise RuntimeError("no answer from the videoroom")


@dataclass
class Publisher:
    """One site publishing: its room, and what the plane gave it (token, PIN, feed id)."""

    display: str
    room: int
    token: str | None = None
    pin: str | None = None
    feed_id: int | None = None


def publish(browser, api_url: str, publishers: list[Publisher], *, seconds: float) -> None:
    """Each publisher's fake camera and microphone into its room for `seconds`, then unpublish."""
    context = browser.new_context()
    joined = []
    try:
        with page_server() as url:
            for pub in publishers:
                page = context.new_page()
                page.goto(url)
                offer = page.evaluate("window.publish()")
                api = JanusApi(api_url, pub.token)
                s, h = api.handle()
                join = {"request": "joinandconfigure", "room": pub.room, "ptype": "publisher",
                        "display": pub.display, "audio": True, "video": True}
                join.update({k: v for k, v in (("pin", pub.pin), ("id", pub.feed_id),
                                                ("token", pub.token)) if v})
                result = api.request(s, h, join, jsep={"type": "offer", "sdp": offer})
                page.evaluate("(sdp) => window.answer(sdp)", result["jsep"]["sdp"])
                joined.append((page, api, s, h))
            deadline = time.monotonic() + 20
            for page, *_rest in joined:
                while page.evaluate("window.sent()")["ice"] not in ("connected", "completed"):
                    if time.monotonic() > deadline:
                        raise RuntimeError("a publisher's ICE did not connect to Janus")
                    time.sleep(0.1)
            # Janus ends a session silent for 60 s: keep each publisher's alive meanwhile.
            until = time.monotonic() + seconds
            while (left := until - time.monotonic()) > 0:
                time.sleep(min(left, 15))
                for _page, api, s, _h in joined:
                    api.keepalive(s)
            for _page, api, s, h in joined:
                api.request(s, h, {"request": "unpublish"})
    finally:
        context.close()


class JanusServer:
    """One Janus process of our own on a free port (no token auth, loopback only)."""

    def __init__(self, workdir: Path):
        self.workdir = Path(workdir)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/janus"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 20.0) -> JanusServer:
        conf = self.workdir / "conf"
        _config(conf, self.port)
        self.log = (self.workdir / "janus.log").open("wb")
        self.proc = subprocess.Popen([JANUS, f"--configs-folder={conf}", "--disable-colors"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"janus exited ({self.proc.returncode}); see {self.log.name}")
            try:
                if httpx.get(self.url + "/info", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"janus did not answer in {timeout}s; see {self.log.name}")
            time.sleep(0.2)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()

    def __enter__(self) -> JanusServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def record_room(self, browser, rec_dir: Path, *, sites: list, seconds: float = 3.0,
                    room: int | None = None) -> list[Path]:
        """Publish one fake camera+microphone per site into a recorded room for `seconds`,
        destroy the room, and return the .mjr files Janus wrote in `rec_dir`.

        A site is its display name, or (display, feed id) to publish under a feed id chosen
        by the server (as the Janus plane does with server_recording.note_feed)."""
        rec_dir = Path(rec_dir)
        rec_dir.mkdir(parents=True, exist_ok=True)
        room = room or secrets.randbelow(2**31) + 1
        secret = secrets.token_hex(8)
        api = JanusApi(self.url)
        session, handle = api.handle()
        api.request(session, handle, {
            "request": "create", "room": room, "publishers": max(len(sites), 1),
            "record": True, "rec_dir": str(rec_dir), "audiocodec": "opus", "videocodec": "vp8",
            "secret": secret})
        publishers = []
        for site in sites:
            display, feed_id = site if isinstance(site, tuple) else (site, None)
            publishers.append(Publisher(display, room, feed_id=feed_id))
        publish(browser, self.url, publishers, seconds=seconds)
        # Destroying the room closes its recorders: the files are complete after this. (A
        # fresh session: the first may have timed out while the publishers were on.)
        api.request(*api.handle(), {"request": "destroy", "room": room, "secret": secret})
        return sorted(rec_dir.glob("*.mjr"))


def main(out: str) -> None:
    from playwright.sync_api import sync_playwright

    target = Path(out)
    with tempfile.TemporaryDirectory() as tmp, JanusServer(Path(tmp)) as janus, \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            "--no-sandbox", "--disable-gpu"])
        files = janus.record_room(browser, Path(tmp) / "rec", sites=["courtroom", "remote-7"],
                                  seconds=2.5)
        browser.close()
        target.mkdir(parents=True, exist_ok=True)
        for f in files:
            shutil.copy(f, target / f.name)
            print(f.name, f.stat().st_size)


if __name__ == "__main__":
    main(sys.argv[1])
