"""Random days at court: every role acts in random order over the API, and the Rules hold.

A Hypothesis state machine plays the secretary, the judge, the coordinators, the
technicians, the bailiff, the institution's officer and people with no business in the
hearing, while the clock moves on and the deadline worker fires (R10-R24). After every
step it checks what must never happen, whatever the order of actions:

1. no endpoint is ever double-booked (R10, R15);
2. every hearing is in a state the Rules allow; finished hearings hold no endpoint,
   hearings in progress hold exactly their courtroom and remote sites (R10, R17, R23, R24);
3. every change on a hearing's timeline has its audit entry (R5, R6, R21);
4. no deadline goes by without its alert (R13, R15);
5. no hearing goes to its coordinator, or further, without the judge's decision (R10, R13);
and that no request, whoever sends it, is answered with a server error, and that nobody
the Rules do not name for an action gets it done.

The world is built once; each example runs in a savepoint from NOW and is rolled back.
"""

import datetime as dt
import json
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import Client, override_settings
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import (
    Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule, run_state_machine_as_test,
)

from courtvcs import kztime
from courtvcs.audit.models import AuditEntry
from courtvcs.hearings import access, models
from courtvcs.hearings.choices import FINAL_STATES, HOLDING_STATES, DeadlineStatus
from courtvcs.hearings.choices import HearingStatus as S, TestSessionStatus as TS
from courtvcs.hearings.services import deadlines
from courtvcs.hearings.services.booking import overlapping_bookings
from courtvcs.hearings.states import ACTIONS, REACHABLE_STATES

from .world import NOW, build_world

Hearing, Deadline, TimelineEvent = models.Hearing, models.Deadline, models.TimelineEvent

# States a hearing reaches only after the judge decided to hold it by VCS (R10, R13).
PAST_THE_JUDGE = (ACTIONS["decide"].to_state, S.SLOT_PROPOSED, S.AGREED, S.READY, S.CONNECTED,
                  S.IN_SESSION, S.TECHNICAL_BREAK, S.ADJOURNED, S.CLOSED, S.REFUSED, S.VCS_FAILED,
                  S.NOT_HELD)

# Whatever anyone sends, the answer is one of these: never a server error.
ANSWERS = {200, 201, 204, 400, 403, 404, 409, 422}

PEOPLE = ["secretary", "judge", "other_judge", "bailiff", "technician", "office_head",
          "coordinator", "other_coordinator", "dep_coordinator", "officer", "sizo_technician",
          "other_officer", "other_secretary", "other_technician", "regional_secretary",
          "regional_judge", "supreme_secretary", "supreme_judge", "burabay_secretary"]
REMOTE_ROOMS = ["sizo_room", "other_room", "burabay_room"]

# A handful of slots over the next days, so that bookings collide: (days ahead, hour, minute).
slots = st.tuples(st.integers(1, 3), st.sampled_from([(10, 0), (10, 30), (11, 30), (15, 0)]))
hearing_ids = Bundle("hearings")
# Aimed: act on a hearing whose state allows the action, if there is one; otherwise on the
# drawn hearing whatever its state (and expect a refusal naming the rule).
aims = st.sampled_from([True, True, False])


def slot_start(slot) -> dt.datetime:
    days, (hour, minute) = slot
    day = kztime.local_date(kztime.now()) + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=kztime.KZ)


class CourtDays(RuleBasedStateMachine):
    world = None  # set by the test: built once, each example rolls back to it
    clock = None

    def __init__(self):
        super().__init__()
        self.w = self.world
        self.clock.move_to(NOW)
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        assert not Hearing.objects.exists()  # the previous example was rolled back
        self.clients: dict[str, Client] = {}
        self.suspension_ids: list[int] = []
        # When the deadline worker last ran, and the newest deadline it could see then.
        self.worker_ran_at: dt.datetime | None = None
        self.worker_saw_upto = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # ---- talking to the API ----------------------------------------------------------

    def client(self, who: str) -> Client:
        if who not in self.clients:
            self.clients[who] = Client()
            self.clients[who].force_login(getattr(self.w, who))
        return self.clients[who]

    def post(self, who: str, path: str, data: dict | None = None):
        response = self.client(who).post(f"/api{path}", json.dumps(data or {}, default=str),
                                         content_type="application/json")
        assert response.status_code in ANSWERS, (who, path, data, response.status_code,
                                                 response.content[:2000])
        if response.status_code >= 400:
            body = response.json()
            assert body.get("detail"), (path, body)
            if response.status_code == 409:
                assert str(body.get("rule", "")).startswith("R"), (path, body)
            if response.status_code == 422:
                assert body.get("fields"), (path, body)
        return response

    def post_wrong(self, who: str, path: str, data: dict | None = None):
        """Someone the Rules do not name for this action: refused, never done."""
        response = self.post(who, path, data)
        assert response.status_code >= 400, (who, path, data, response.status_code,
                                              response.content[:2000])
        return response

    def hearing(self, hearing_id: int) -> Hearing:
        return Hearing.objects.get(pk=hearing_id)

    def tests_of(self, hearing_id: int) -> list[int]:
        return list(models.TestSession.objects.filter(hearing_id=hearing_id).order_by("pk")
                    .values_list("pk", flat=True))

    def aim(self, hearing_id: int, aimed: bool, action: str) -> int:
        states = ACTIONS[action].from_states
        if not aimed or not states or self.hearing(hearing_id).status in states:
            return hearing_id
        other = Hearing.objects.filter(status__in=states).order_by("pk").first()
        return other.pk if other else hearing_id

    def aim_step(self, aimed: bool, options: list, drawn, action_of) -> object:
        """When aimed, the first of the options (from the drawn one on) that some hearing's
        state allows; otherwise the drawn one."""
        if not aimed:
            return drawn
        statuses = set(Hearing.objects.values_list("status", flat=True))
        start = options.index(drawn)
        for option in options[start:] + options[:start]:
            if statuses & ACTIONS[action_of(option)].from_states:
                return option
        return drawn

    def move_clock_to(self, moment: dt.datetime):
        """Time goes on (never back), and the deadline worker catches up."""
        if moment <= kztime.now():
            return
        self.clock.move_to(moment)
        deadlines.fire_due()
        now = kztime.now()
        self.worker_ran_at = now
        newest = Deadline.objects.order_by("-pk").first()
        self.worker_saw_upto = newest.pk if newest else 0
        missed = list(Deadline.objects.filter(status=DeadlineStatus.PENDING, due_at__lte=now)
                      .values_list("pk", "kind", "due_at"))
        assert missed == [], missed

    # ---- booking, decision, agreement (R10-R12) ---------------------------------------

    def booking(self, start: dt.datetime, duration: int, room: str, remote: str) -> dict:
        w = self.w
        site = getattr(w, remote)
        return {
            "case_number": "1-101/2026", "category": "criminal", "instance": "first",
            "courtroom_id": getattr(w, room).pk, "judge_id": w.judge.pk,
            "starts_at": start.isoformat(), "duration_minutes": duration,
            "remote_endpoint_ids": [site.pk],
            "participants": [
                {"full_name": "Серіков Асқар", "procedural_role": "defendant",
                 "mode": "remote_site", "remote_endpoint_id": site.pk},
                {"full_name": "Ахметова Дана", "procedural_role": "defence_lawyer",
                 "mode": "mobile_vcs", "phone": "+7 701 111 22 33"},
            ],
        }

    def book(self, slot, duration, room, remote):
        r = self.post("secretary", "/hearings",
                      self.booking(slot_start(slot), duration, room, remote))
        if r.status_code == 201:
            assert r.json()["status"] == S.AWAITING_DECISION
            return r.json()["id"]
        assert r.status_code == 409, r.content  # the slot is taken, or suspended (R10, R24)
        return multiple()

    @initialize(target=hearing_ids, slot=slots, duration=st.sampled_from([30, 90]),
                room=st.sampled_from(["room", "room2"]), remote=st.sampled_from(REMOTE_ROOMS))
    def secretary_books_first(self, slot, duration, room, remote):
        return self.book(slot, duration, room, remote)

    @rule(target=hearing_ids, slot=slots, duration=st.sampled_from([30, 90]),
          room=st.sampled_from(["room", "room2"]), remote=st.sampled_from(REMOTE_ROOMS))
    def secretary_books(self, slot, duration, room, remote):
        return self.book(slot, duration, room, remote)

    @rule(hearing=hearing_ids, aimed=aims, yes=st.sampled_from([True, True, False]))
    def judge_decides(self, hearing, aimed, yes):
        hearing = self.aim(hearing, aimed, "decide")
        self.post("judge", f"/hearings/{hearing}/decision", {"hold_by_vcs": yes, "reason": "R10"})

    @rule(hearing=hearing_ids, aimed=aims,
          who=st.sampled_from(["coordinator", "coordinator", "coordinator", "dep_coordinator",
                               "other_coordinator"]),
          answer=st.sampled_from(["propose", "agree", "refuse"]), slot=slots)
    def coordinator_answers(self, hearing, aimed, who, answer, slot):
        hearing = self.aim(hearing, aimed, answer)
        data = {"answer": answer, "reason": "Зал занят" if answer == "refuse" else ""}
        if answer == "propose":
            data["proposed_starts_at"] = slot_start(slot).isoformat()
        path = f"/hearings/{hearing}/agreement"
        if who == "coordinator":
            self.post(who, path, data)
        else:  # the Department agrees only cassation slots (R12); another region sees nothing
            self.post_wrong(who, path, data)

    @rule(hearing=hearing_ids, aimed=aims, accept=st.booleans())
    def secretary_answers_proposal(self, hearing, aimed, accept):
        hearing = self.aim(hearing, aimed, "accept_proposal")
        self.post("secretary", f"/hearings/{hearing}/proposal", {"accept": accept})

    # ---- test session and letter (R13) ------------------------------------------------

    @rule(hearing=hearing_ids, aimed=aims)
    def secretary_requests_tests(self, hearing, aimed):
        hearing = self.aim(hearing, aimed, "request_test_session")
        self.post("secretary", f"/hearings/{hearing}/test-sessions")

    @rule(hearing=hearing_ids, aimed=aims, which=st.integers(0, 3),
          who=st.sampled_from(["technician", "sizo_technician", "other_technician"]),
          when=st.sampled_from(["soon", "day_before", "too_late", "past"]))
    def technician_schedules_test(self, hearing, aimed, which, who, when):
        hearing = self.aim(hearing, aimed, "schedule_test_session")
        ids = self.tests_of(hearing)
        if not ids:
            return
        starts_at = self.hearing(hearing).starts_at
        day_before = kztime.local(starts_at - dt.timedelta(days=1)).replace(hour=9, minute=30)
        at = {"soon": kztime.now() + dt.timedelta(minutes=10), "day_before": day_before,
              "too_late": starts_at - dt.timedelta(hours=1),
              "past": kztime.now() - dt.timedelta(hours=1)}[when]
        self.post(who, f"/test-sessions/{ids[which % len(ids)]}/schedule",
                  {"scheduled_at": at.isoformat()})

    @rule(hearing=hearing_ids, aimed=aims, which=st.integers(0, 3), passed=st.booleans(),
          who=st.sampled_from(["technician", "sizo_technician", "other_technician"]))
    def technician_records_test(self, hearing, aimed, which, passed, who):
        hearing = self.aim(hearing, aimed, "record_test_result" if passed else "test_failed")
        ids = self.tests_of(hearing)
        if not ids:
            return
        self.post(who, f"/test-sessions/{ids[which % len(ids)]}/result", {
            "passed": passed, "notes": "" if passed else "нет звука", "figures": {"rtt_ms": 40}})

    @rule(hearing=hearing_ids, aimed=aims,
          who=st.sampled_from(["secretary", "officer", "other_officer"]))
    def letters(self, hearing, aimed, who):
        """The secretary writes to the institution; its officer acknowledges (R13)."""
        if who == "secretary":
            hearing = self.aim(hearing, aimed, "send_letters")
            self.post("secretary", f"/hearings/{hearing}/letters")
            return
        for letter in models.Letter.objects.filter(hearing_id=hearing):
            r = self.post(who, f"/letters/{letter.pk}/acknowledge")
            if who == "other_officer":
                assert r.status_code == 404, r.content

    # ---- the clock and the deadline worker (R13, R15) ---------------------------------

    @rule(hearing=hearing_ids,
          moment=st.sampled_from([5, 15, 45, 120, 360, 1440, "window", "start", "end"]))
    def time_passes(self, hearing, moment):
        """Some minutes to a day go by, or time comes to a hearing's window, start or end."""
        if isinstance(moment, int):
            self.move_clock_to(kztime.now() + dt.timedelta(minutes=moment))
            return
        h = self.hearing(hearing)
        self.move_clock_to({"window": h.starts_at - dt.timedelta(minutes=25), "start": h.starts_at,
                            "end": h.ends_at}[moment])

    # ---- the hearing day (R15-R22) ----------------------------------------------------

    DAY_STEPS = [("secretary", "connect"), ("bailiff", "call_in"), ("secretary", "call_in"),
                 ("officer", "check_attendance"), ("judge", "declare_break"),
                 ("secretary", "reconnect"), ("secretary", "check_attendance"),
                 ("secretary", "close")]

    @rule(hearing=hearing_ids, aimed=aims, step=st.sampled_from(DAY_STEPS))
    def on_the_day(self, hearing, aimed, step):
        """R15 connect, R19 call-in, R20 attendance, R22 break and reconnection, R8 close."""
        who, action = self.aim_step(aimed, self.DAY_STEPS, step, lambda o: o[1])
        hearing = self.aim(hearing, aimed, action)
        data = {}
        if action == "declare_break":
            data = {"reason": "картинка застыла"}
        if action == "check_attendance":
            defendant = self.hearing(hearing).participants.get(procedural_role="defendant")
            data = {"participant_id": defendant.pk, "result": "admitted",
                    "document": "ID 012345678"}
        path = {"call_in": "call-in", "declare_break": "break", "check_attendance": "attendance"}
        self.post(who, f"/hearings/{hearing}/{path.get(action, action)}", data)

    @rule(hearing=hearing_ids, aimed=aims,
          trouble=st.sampled_from(["fixed", "unfixable", "act", "sign"]),
          who=st.sampled_from(["technician", "sizo_technician", "secretary", "office_head",
                               "bailiff"]))
    def technical_trouble(self, hearing, aimed, trouble, who):
        """R16 a fault is fixed; R17 it cannot be; R18 the act and its three signatures."""
        if trouble in {"fixed", "unfixable"}:
            hearing = self.aim(hearing, aimed, "report_fault")
            r = self.post("secretary", f"/hearings/{hearing}/faults", {"description": "нет связи"})
            if r.status_code == 201:
                self.post(who, f"/faults/{r.json()['id']}/resolution",
                          {"fixed": trouble == "fixed", "resolution": "перезагрузили кодек"})
        elif trouble == "act":
            hearing = self.aim(hearing, aimed, "draw_up_act")
            self.post("secretary", f"/hearings/{hearing}/acts", {"reason": "задержка начала"})
        else:
            hearing = self.aim(hearing, aimed, "sign_act")
            for act in models.Act.objects.filter(hearing_id=hearing):
                if who in {"bailiff", "sizo_technician"}:
                    self.post_wrong(who, f"/acts/{act.pk}/sign")
                else:
                    self.post(who, f"/acts/{act.pk}/sign")

    # ---- adjournment, suspension, cancelling (R23, R24) -------------------------------

    CHANGES = [("judge", "adjourn"), ("secretary", "reschedule"), ("secretary", "resume"),
               ("judge", "reschedule"), ("secretary", "cancel"), ("judge", "cancel")]

    @rule(hearing=hearing_ids, aimed=aims, change=st.sampled_from(CHANGES), slot=st.none() | slots)
    def plans_change(self, hearing, aimed, change, slot):
        """The judge adjourns (R23), a new date is set, the hearing resumes after a
        suspension (R24), or it is cancelled with a reason."""
        who, action = self.aim_step(aimed, self.CHANGES, change, lambda o: o[1])
        hearing = self.aim(hearing, aimed, action)
        start = slot_start(slot).isoformat() if slot else None
        data = {"adjourn": {"reason": "неявка", "next_starts_at": start},
                "reschedule": {"starts_at": start or slot_start((2, (15, 0))).isoformat()},
                "resume": {"starts_at": start},
                "cancel": {"reason": "дело прекращено"}}[action]
        self.post(who, f"/hearings/{hearing}/{action}", data)

    @rule(lift=st.booleans(), which=st.integers(0, 3), hours=st.none() | st.sampled_from([2, 30]),
          who=st.sampled_from(["officer", "officer", "other_officer"]))
    def emergency_at_the_institution(self, lift, which, hours, who):
        """R24: the officer suspends VCS at the detention centre, and lifts it later."""
        if lift:
            if not self.suspension_ids:
                return
            path = f"/suspensions/{self.suspension_ids[which % len(self.suspension_ids)]}/lift"
            if who == "other_officer":
                self.post_wrong(who, path)
            else:
                self.post(who, path)
            return
        end = kztime.now() + dt.timedelta(hours=hours) if hours else None
        r = self.post(who, "/suspensions", {"reason": "mass_riot",
                                            "expected_end_at": end.isoformat() if end else None})
        assert r.status_code == 201, r.content
        if who == "officer":
            self.suspension_ids.append(r.json()["id"])
        for hearing_id in r.json()["hearing_ids"]:
            assert self.hearing(hearing_id).status == S.SUSPENDED

    # ---- anyone, anything ------------------------------------------------------------

    def attempt(self, action: str, hearing_id: int) -> tuple[str, dict]:
        h = f"/hearings/{hearing_id}"
        tests = self.tests_of(hearing_id)
        ts = tests[0] if tests else 0
        later = (kztime.now() + dt.timedelta(days=2)).isoformat()
        return {
            "decide": (f"{h}/decision", {"hold_by_vcs": True}),
            "reject": (f"{h}/decision", {"hold_by_vcs": False}),
            "agree": (f"{h}/agreement", {"answer": "agree"}),
            "refuse": (f"{h}/agreement", {"answer": "refuse", "reason": "нет"}),
            "propose": (f"{h}/agreement", {"answer": "propose", "proposed_starts_at": later}),
            "accept_proposal": (f"{h}/proposal", {"accept": True}),
            "decline_proposal": (f"{h}/proposal", {"accept": False}),
            "request_test_session": (f"{h}/test-sessions", {}),
            "schedule_test_session": (f"/test-sessions/{ts}/schedule",
                                      {"scheduled_at": kztime.now().isoformat()}),
            "record_test_result": (f"/test-sessions/{ts}/result", {"passed": True}),
            "send_letters": (f"{h}/letters", {}),
            "connect": (f"{h}/connect", {}),
            "call_in": (f"{h}/call-in", {}),
            "declare_break": (f"{h}/break", {}),
            "reconnect": (f"{h}/reconnect", {}),
            "close": (f"{h}/close", {}),
            "adjourn": (f"{h}/adjourn", {"reason": "x"}),
            "reschedule": (f"{h}/reschedule", {"starts_at": later}),
            "resume": (f"{h}/resume", {}),
            "cancel": (f"{h}/cancel", {"reason": "x"}),
            "draw_up_act": (f"{h}/acts", {"reason": "x"}),
            "report_fault": (f"{h}/faults", {"description": "x"}),
        }[action]

    @rule(hearing=hearing_ids, who=st.sampled_from(PEOPLE), action=st.sampled_from([
        "book", "decide", "reject", "agree", "refuse", "propose", "accept_proposal",
        "decline_proposal", "request_test_session", "schedule_test_session", "record_test_result",
        "send_letters", "connect", "call_in", "declare_break", "reconnect", "close", "adjourn",
        "reschedule", "resume", "cancel", "draw_up_act", "report_fault"]))
    def anyone_tries_anything(self, hearing, who, action):
        """Whoever the Rules do not name for an action is refused it, in any state."""
        user = getattr(self.w, who)
        if action == "book":
            path = "/hearings"
            data = self.booking(slot_start((2, (15, 0))), 90, "room", "sizo_room")
            allowed = who == "secretary"
        else:
            path, data = self.attempt(action, hearing)
            h = self.hearing(hearing)
            # Declining a proposal is the same person's answer as accepting it.
            action = {"decline_proposal": "accept_proposal"}.get(action, action)
            allowed = access.may(user, h, action)
        if allowed:
            self.post(who, path, data)
        else:
            self.post_wrong(who, path, data)

    # ---- people doing their job: the procedure in order -------------------------------

    @rule(hearing=hearing_ids, until=st.sampled_from([
        S.AWAITING_AGREEMENT, S.SLOT_PROPOSED, S.AGREED, S.READY, S.CONNECTED, S.IN_SESSION,
        S.TECHNICAL_BREAK, S.ADJOURNED, S.VCS_FAILED, S.UNDER_REVIEW, S.CLOSED]))
    def procedure_moves_on(self, hearing, until):
        """Everyone does their part, in order, until the hearing is `until` or stuck."""
        for _ in range(12):
            status = self.hearing(hearing).status
            if status == until:
                return
            r = self.detour(hearing, status, until) or self.next_step(hearing)
            if r is None or r.status_code >= 400 or (
                    self.hearing(hearing).status == status and status != S.AGREED):
                return

    def detour(self, hearing_id: int, status: str, until: str):
        """The turns a hearing can take on its way: another time, a break, an adjournment,
        a fault that cannot be fixed, an emergency at the detention centre."""
        path = f"/hearings/{hearing_id}"
        if until == S.UNDER_REVIEW and status in ACTIONS["suspend"].from_states:
            r = self.post("officer", "/suspensions", {"reason": "natural_disaster"})
            return self.post("officer", f"/suspensions/{r.json()['id']}/lift")
        if until == S.SLOT_PROPOSED and status == S.AWAITING_AGREEMENT:
            later = self.hearing(hearing_id).starts_at + dt.timedelta(days=1)
            return self.post("coordinator", f"{path}/agreement",
                             {"answer": "propose", "proposed_starts_at": later.isoformat()})
        if until == S.TECHNICAL_BREAK and status == S.IN_SESSION:
            return self.post("judge", f"{path}/break", {"reason": "звук пропал"})
        if until == S.ADJOURNED and status in {S.CONNECTED, S.IN_SESSION, S.TECHNICAL_BREAK}:
            return self.post("judge", f"{path}/adjourn", {"reason": "неявка свидетеля"})
        if until == S.VCS_FAILED and status in {S.AGREED, S.READY, S.CONNECTED, S.IN_SESSION}:
            r = self.post("secretary", f"{path}/faults", {"description": "нет связи"})
            return r if r.status_code >= 400 else self.post(
                "technician", f"/faults/{r.json()['id']}/resolution",
                {"fixed": False, "resolution": "кодек неисправен"})
        return None

    def next_step(self, hearing_id: int):
        h = self.hearing(hearing_id)
        path = f"/hearings/{hearing_id}"
        if h.status == S.AWAITING_DECISION:
            return self.post("judge", f"{path}/decision", {"hold_by_vcs": True})
        if h.status == S.AWAITING_AGREEMENT:
            return self.post("coordinator", f"{path}/agreement", {"answer": "agree"})
        if h.status == S.SLOT_PROPOSED:
            return self.post("secretary", f"{path}/proposal", {"accept": True})
        if h.status == S.AGREED:
            latest = models.TestSession.objects.filter(hearing=h).order_by("-pk").first()
            if latest is None or latest.status in {TS.FAILED, TS.CANCELLED}:
                return self.post("secretary", f"{path}/test-sessions")
            if latest.status == TS.REQUESTED:
                soon = kztime.now() + dt.timedelta(minutes=5)
                return self.post("technician", f"/test-sessions/{latest.pk}/schedule",
                                 {"scheduled_at": soon.isoformat()})
            if latest.status == TS.SCHEDULED:
                return self.post("technician", f"/test-sessions/{latest.pk}/result",
                                 {"passed": True})
            return self.post("secretary", f"{path}/letters")
        if h.status == S.READY:
            self.move_clock_to(h.starts_at - dt.timedelta(minutes=25))
            return self.post("secretary", f"{path}/connect")
        if h.status == S.CONNECTED:
            self.move_clock_to(h.starts_at)
            return self.post("bailiff", f"{path}/call-in")
        if h.status == S.IN_SESSION:
            return self.post("secretary", f"{path}/close")
        if h.status == S.TECHNICAL_BREAK:
            return self.post("secretary", f"{path}/reconnect")
        if h.status == S.UNDER_REVIEW:
            return self.post("secretary", f"{path}/resume", {})
        if h.status == S.VCS_FAILED:
            act = models.Act.objects.filter(hearing=h).order_by("-pk").first()
            if act is None:
                return self.post("secretary", f"{path}/acts", {"reason": "связь не восстановлена"})
            signed = set(act.signatures.values_list("signatory", flat=True))
            for who in ["secretary", "technician", "office_head"]:
                if who not in signed:  # the signatory's name is the role's
                    return self.post(who, f"/acts/{act.pk}/sign")
        return None

    # ---- what must always hold ------------------------------------------------------

    @invariant()
    def no_endpoint_is_double_booked(self):
        assert overlapping_bookings() == []

    @invariant()
    def every_hearing_is_in_an_allowed_state_and_holds_what_it_should(self):
        held: dict[int, list[int]] = {}
        active = models.EndpointBooking.objects.filter(active=True)
        for hearing_id, endpoint_id in active.values_list("hearing_id", "endpoint_id"):
            held.setdefault(hearing_id, []).append(endpoint_id)
        for h in Hearing.objects.prefetch_related("remote_sites"):
            assert h.status in REACHABLE_STATES, (h.pk, h.status)
            holds = sorted(held.get(h.pk, []))
            if h.status in FINAL_STATES or h.status == S.ADJOURNED:
                assert holds == [], (h.pk, h.status, holds)
            if h.status in HOLDING_STATES:
                endpoints = sorted([h.courtroom_id, *(s.endpoint_id for s in h.remote_sites.all())])
                assert holds == endpoints, (h.pk, h.status, holds, endpoints)

    @invariant()
    def no_hearing_goes_past_the_judge_without_a_decision(self):
        past_the_judge = Hearing.objects.filter(status__in=PAST_THE_JUDGE).exclude(
            timeline__kind="decide").values_list("pk", "status")
        assert list(past_the_judge) == []

    @invariant()
    def every_change_is_audited(self):
        events = {(row["hearing_id"], row["kind"]): row["n"] for row in
                  TimelineEvent.objects.values("hearing_id", "kind").annotate(n=Count("pk"))}
        audited = Counter({(row["hearing_id"], row["action"]): row["n"] for row in
                           AuditEntry.objects.filter(hearing_id__isnull=False)
                           .values("hearing_id", "action").annotate(n=Count("pk"))})
        unaudited = {key: (n, audited[key]) for key, n in events.items() if audited[key] < n}
        assert unaudited == {}, unaudited

    @invariant()
    def no_deadline_is_missed_without_its_alert(self):
        if self.worker_ran_at is not None:
            # Every deadline the worker could see, due when it last ran, was decided then.
            missed = list(Deadline.objects.filter(
                status=DeadlineStatus.PENDING, due_at__lte=self.worker_ran_at,
                pk__lte=self.worker_saw_upto).values_list("pk", "kind"))
            assert missed == [], missed
        fired = Counter(Deadline.objects.filter(status=DeadlineStatus.FIRED)
                        .values_list("hearing_id", "kind"))
        alerts = Counter(TimelineEvent.objects.filter(kind__startswith="deadline_")
                         .values_list("hearing_id", "kind"))
        unalerted = {(hearing_id, kind): n for (hearing_id, kind), n in fired.items()
                     if alerts[(hearing_id, f"deadline_{kind}")] < n}
        assert unalerted == {}, unalerted


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_r10_r24_random_days_at_court_keep_the_rules(clock):
    CourtDays.world = build_world()  # once: each example runs in a savepoint, rolled back
    CourtDays.clock = clock
    run_state_machine_as_test(CourtDays, settings=settings(
        max_examples=80, stateful_step_count=40, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow]))
