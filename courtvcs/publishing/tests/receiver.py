"""A real HTTP receiver for the outbox tests: the courts' information system's side.

It listens on 127.0.0.1 on a free port, in a thread, and answers each POST as told: "fail"
(500), "down" (503), "hang" (sleeps longer than the sender waits, then answers 200 to no
one), "redirect" (302) or "ok" (200). It keeps every request as it arrived, verifies its
signature the way docs/publishing.md tells a receiver to, and de-duplicates by event id,
as a receiver must.
"""

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Arrival:
    event_id: str
    timestamp: str
    signature: str
    body: bytes
    answer: str
    at: float  # time.monotonic() when it arrived

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


class Receiver:
    def __init__(self, secret: str, script=(), then: str = "ok", hang_seconds: float = 1.0, answer=None):
        self.secret = secret
        self.script = list(script)
        self.then = then
        self.hang_seconds = hang_seconds
        self.answer = answer  # a function of the payload deciding the answer, if given
        self.arrivals: list[Arrival] = []
        self.acknowledged: list[str] = []  # event ids answered 2xx and not hung up on
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    if receiver.answer is not None:
                        answer = receiver.answer(json.loads(body))
                    else:
                        answer = receiver.script.pop(0) if receiver.script else receiver.then
                    receiver.arrivals.append(Arrival(
                        event_id=self.headers.get("X-Courtvcs-Event-Id", ""),
                        timestamp=self.headers.get("X-Courtvcs-Timestamp", ""),
                        signature=self.headers.get("X-Courtvcs-Signature", ""),
                        body=body, answer=answer, at=time.monotonic()))
                if answer == "hang":
                    time.sleep(receiver.hang_seconds)
                    self._answer(200)  # too late: the sender gave up and will try again
                    return
                status = {"ok": 200, "fail": 500, "down": 503, "redirect": 302}[answer]
                if status == 200:
                    with receiver.lock:
                        receiver.acknowledged.append(self.headers["X-Courtvcs-Event-Id"])
                self._answer(status)

            def _answer(self, status: int):
                try:
                    self.send_response(status)
                    if status == 302:
                        self.send_header("Location", "/elsewhere")
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="outbox-receiver", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/courts/hearings/events"

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ---- what a receiver checks -----------------------------------------------------------

    def signature_ok(self, arrival: Arrival) -> bool:
        expected = hmac.new(self.secret.encode(), arrival.timestamp.encode() + b"." + arrival.body,
                            hashlib.sha256).hexdigest()
        return hmac.compare_digest(f"sha256={expected}", arrival.signature)

    def unique(self) -> dict[str, dict]:
        """The events after de-duplication by event id, in order of first arrival."""
        seen: dict[str, dict] = {}
        for arrival in self.arrivals:
            seen.setdefault(arrival.event_id, arrival.payload)
        return seen
