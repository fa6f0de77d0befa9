"""Walk a hearing through the procedure over the API, as the people would.

Each step asserts its own success, so a test can start from any state it needs:
`flow = Flow(world, api, clock); flow.book(); flow.decide(); ...` or `flow.to("ready")`.
"""

import datetime as dt

from .world import at


class Flow:
    def __init__(self, world, api, clock, *, starts_at: dt.datetime | None = None, remote=None,
                 participants=None):
        self.w, self.api, self.clock = world, api, clock
        self.starts_at = starts_at or at(3, 10)
        self.remote = remote if remote is not None else [world.sizo_room]
        self.participants = participants
        self.hearing_id = None
        self.test_ids: list[int] = []

    def as_(self, user):
        return self.api(user)

    def payload(self, **changes) -> dict:
        w = self.w
        data = {
            "case_number": "1-101/2026", "category": "criminal", "instance": "first",
            "courtroom_id": w.room.pk, "judge_id": w.judge.pk,
            "starts_at": self.starts_at.isoformat(), "duration_minutes": 90,
            "remote_endpoint_ids": [e.pk for e in self.remote],
            "participants": self.participants if self.participants is not None else [
                {"full_name": "Серіков Асқар", "procedural_role": "defendant", "mode": "remote_site",
                 "remote_endpoint_id": self.remote[0].pk} if self.remote else
                {"full_name": "Иванов Иван", "procedural_role": "witness", "mode": "mobile_vcs",
                 "phone": "+7 701 000 00 00"},
                {"full_name": "Ахметова Дана", "procedural_role": "defence_lawyer", "mode": "mobile_vcs",
                 "phone": "+7 701 111 22 33", "email": "lawyer@example.kz"},
            ],
        }
        data.update(changes)
        return data

    def _ok(self, response, status=200):
        assert response.status_code == status, (response.status_code, response.content.decode())
        return response.json()

    def book(self, **changes) -> dict:
        body = self._ok(self.as_(self.w.secretary).post("/hearings", self.payload(**changes)), 201)
        self.hearing_id = body["id"]
        return body

    def url(self, suffix: str = "") -> str:
        return f"/hearings/{self.hearing_id}{suffix}"

    def decide(self):
        return self._ok(self.as_(self.w.judge).post(self.url("/decision"), {"hold_by_vcs": True}))

    def agree(self, coordinator=None):
        return self._ok(self.as_(coordinator or self.w.coordinator).post(self.url("/agreement"),
                                                                        {"answer": "agree"}))

    def request_tests(self):
        body = self._ok(self.as_(self.w.secretary).post(self.url("/test-sessions")), 201)
        self.test_ids = [t["id"] for t in body]
        return body

    def pass_tests(self, when: dt.datetime | None = None):
        tech = self.as_(self.w.technician)
        when = when or (self.starts_at - dt.timedelta(days=1)).replace(hour=9, minute=30)
        for ts in self.test_ids:
            self._ok(tech.post(f"/test-sessions/{ts}/schedule", {"scheduled_at": when.isoformat()}))
        self.clock.move_to(when)
        for ts in self.test_ids:
            self._ok(tech.post(f"/test-sessions/{ts}/result", {"passed": True, "notes": "ok",
                                                              "figures": {"rtt_ms": 40}}))

    def send_letters(self):
        return self._ok(self.as_(self.w.secretary).post(self.url("/letters")), 201)

    def connect(self):
        self.clock.move_to(self.starts_at - dt.timedelta(minutes=25))
        return self._ok(self.as_(self.w.secretary).post(self.url("/connect")))

    def call_in(self):
        self.clock.move_to(self.starts_at)
        return self._ok(self.as_(self.w.bailiff).post(self.url("/call-in")))

    STEPS = ["book", "decide", "agree", "request_tests", "pass_tests", "send_letters", "connect", "call_in"]
    STATE_AFTER = {"awaiting_decision": "book", "awaiting_agreement": "decide", "agreed": "agree",
                   "tests_requested": "request_tests", "tested": "pass_tests", "ready": "send_letters",
                   "connected": "connect", "in_session": "call_in"}

    def to(self, state: str):
        last = self.STATE_AFTER[state]
        for step in self.STEPS:
            getattr(self, step)()
            if step == last:
                break
        return self.detail()

    def detail(self) -> dict:
        return self._ok(self.as_(self.w.secretary).get(self.url()))
