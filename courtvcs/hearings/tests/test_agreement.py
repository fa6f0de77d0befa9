"""R11, R12: the coordinator agrees the date and time of a hearing by VCS (after the
judge's decision, R10).

First- and appeal-instance hearings go to the regional coordinator of the court's region,
who works at the regional court (R2.3, R11); cassation hearings, booked at the Supreme
Court, go to the Department coordinator (R2.2, R12). The coordinator agrees, refuses with a
reason, or proposes another start, which the hearing's secretary accepts or declines.

"Now" is Tuesday 1 December 2026, 09:00 Astana time; the hearing starts on Thursday
3 December at 10:00 and lasts 90 minutes, so its endpoints are held 09:30-11:30 (R15).
"""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from courtvcs.audit.models import AuditEntry
from courtvcs.orgs.choices import Role
from courtvcs.orgs.tests.factories import UserFactory

from ..models import AgreementRequest, Deadline, EndpointBooking
from .flow import Flow
from .world import at
from courtvcs.hearings.tests.answers import forbidden, not_found, ok

PROPOSED = at(4, 14)


def refused(response, rule):
    assert response.status_code == 409, (response.status_code, response.content.decode())
    body = response.json()
    assert body["rule"] == rule, body
    assert body["detail"].startswith(f"{rule}: "), body
    return body


def invalid(response, field):
    assert response.status_code == 400, (response.status_code, response.content.decode())
    body = response.json()
    assert field in body.get("fields", {}), body
    return body


def when(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def karaganda_judge(world):
    if not hasattr(world, "karaganda_judge"):
        world.karaganda_judge = UserFactory(username="karjudge", role=Role.JUDGE, organisation=world.other_court)
    return world.karaganda_judge


# Where a hearing is booked: (secretary, judge, courtroom, instance, remote site,
# the coordinator who agrees it, the organisation that coordinator works at).
PLACES = {
    "district": lambda w: (w.secretary, w.judge, w.room, "first", w.sizo_room, w.coordinator, w.regional),
    "regional_first": lambda w: (w.regional_secretary, w.regional_judge, w.regional_room, "first",
                                 w.sizo_room, w.coordinator, w.regional),
    "appeal": lambda w: (w.regional_secretary, w.regional_judge, w.regional_room, "appeal", w.sizo_room,
                         w.coordinator, w.regional),
    "karaganda": lambda w: (w.other_secretary, karaganda_judge(w), w.other_room, "first", w.other_sizo_room,
                            w.other_coordinator, w.other_regional),
    "cassation": lambda w: (w.supreme_secretary, w.supreme_judge, w.supreme_room, "cassation", w.sizo_room,
                            w.dep_coordinator, w.department),
}


class Case(Flow):
    """A Flow booked by the secretary of the court named in PLACES and decided by its judge."""

    def __init__(self, world, api, clock, where="district", *, starts_at=None, remote=None):
        (self.secretary, self.judge, self.courtroom, self.instance, site,
         self.coordinator, self.coordinator_org) = PLACES[where](world)
        super().__init__(world, api, clock, starts_at=starts_at, remote=remote or [site])
        self.rule = "R12" if self.instance == "cassation" else "R11"

    def payload(self, **changes) -> dict:
        return super().payload(**{"courtroom_id": self.courtroom.pk, "judge_id": self.judge.pk,
                                  "instance": self.instance, **changes})

    def book(self, **changes) -> dict:
        body = self._ok(self.as_(self.secretary).post("/hearings", self.payload(**changes)), 201)
        self.hearing_id = body["id"]
        return body

    def decide(self):
        return self._ok(self.as_(self.judge).post(self.url("/decision"), {"hold_by_vcs": True}))

    def answer(self, answer, user=None, **data):
        return self.as_(user or self.coordinator).post(self.url("/agreement"), {"answer": answer, **data})

    def propose(self, starts_at=PROPOSED, user=None, reason="the channel is taken that morning"):
        return self.answer("propose", user, reason=reason, proposed_starts_at=starts_at.isoformat())

    def reply(self, accept: bool, user=None):
        return self.as_(user or self.secretary).post(self.url("/proposal"), {"accept": accept})

    def detail(self) -> dict:
        return self._ok(self.as_(self.secretary).get(self.url()))

    def timeline(self, kind: str) -> list[dict]:
        return [e for e in self._ok(self.as_(self.secretary).get(self.url("/timeline"))) if e["kind"] == kind]

    def audit(self, action: str):
        return list(AuditEntry.objects.filter(hearing_id=self.hearing_id, action=action))

    def held(self) -> set:
        """(endpoint, from, to) of every endpoint the hearing holds now."""
        return set(EndpointBooking.objects.filter(hearing_id=self.hearing_id, active=True)
                   .values_list("endpoint_id", "starts_at", "ends_at"))

    def decided(self):
        self.book()
        self.decide()
        return self


def inbox(api, user, kind=None, hearing_id=None):
    items = ok(api(user).get("/notifications"))["items"]
    return [n for n in items if (kind is None or n["kind"] == kind)
            and (hearing_id is None or n["hearing_id"] == hearing_id)]


def queue(api, user) -> list[dict]:
    return ok(api(user).get("/coordinator/queue"))


def queued(api, user) -> set[int]:
    return {item["hearing"]["id"] for item in queue(api, user)}


def agreements(flow) -> list[tuple[str, int]]:
    return [(a["status"], a["coordinator_org_id"]) for a in flow.detail()["agreements"]]


# ---- where the request goes (R11, R12) and when (after the judge's decision, R10) ----------

def _goes_to(world, api, clock, flow):
    """Book, check nobody is asked yet, decide, check only the right coordinator is asked."""
    everyone = [world.coordinator, world.other_coordinator, world.dep_coordinator]
    booked = flow.book()
    assert booked["status"] == "awaiting_decision"
    assert flow.detail()["agreements"] == []
    for coordinator in everyone:
        assert inbox(api, coordinator) == [], coordinator.username
        assert queue(api, coordinator) == [], coordinator.username
    # Before the decision there is nothing to agree: a coordinator's answer names the rule.
    refused(flow.answer("agree"), flow.rule)
    assert flow.detail()["status"] == "awaiting_decision"

    assert flow.decide()["status"] == "awaiting_agreement"
    [request] = flow.detail()["agreements"]
    assert (request["status"], request["coordinator_org_id"]) == ("pending", flow.coordinator_org.pk)
    assert when(request["starts_at"]) == flow.starts_at
    assert when(request["requested_at"]) == at(1, 9)
    [told] = inbox(api, flow.coordinator)
    assert (told["kind"], told["hearing_id"]) == ("agreement_requested", flow.hearing_id)
    assert booked["court"] in told["body"] and "03.12.2026 10:00" in told["body"]
    [item] = queue(api, flow.coordinator)
    assert (item["id"], item["hearing"]["id"], item["status"]) == (request["id"], flow.hearing_id, "pending")
    assert when(item["starts_at"]) == flow.starts_at
    for coordinator in everyone:
        if coordinator != flow.coordinator:
            assert inbox(api, coordinator) == [], coordinator.username
            assert queue(api, coordinator) == [], coordinator.username
    [entry] = flow.audit("agreement_requested")
    assert entry.actor == flow.judge
    assert entry.object_id == str(request["id"])


def test_r11_first_instance_goes_to_the_regional_coordinator_of_the_courts_region(world, api, clock):
    _goes_to(world, api, clock, Case(world, api, clock, "district"))


def test_r11_first_instance_at_the_regional_court_goes_to_its_own_coordinator(world, api, clock):
    _goes_to(world, api, clock, Case(world, api, clock, "regional_first"))


def test_r11_appeal_goes_to_the_regional_coordinator_of_the_courts_region(world, api, clock):
    _goes_to(world, api, clock, Case(world, api, clock, "appeal"))


def test_r11_another_regions_court_goes_to_that_regions_coordinator(world, api, clock):
    _goes_to(world, api, clock, Case(world, api, clock, "karaganda"))


def test_r12_cassation_goes_to_the_department_coordinator(world, api, clock):
    flow = Case(world, api, clock, "cassation")
    _goes_to(world, api, clock, flow)
    assert flow.detail()["instance"] == "cassation"


def test_r11_every_district_court_of_a_region_goes_to_the_same_regional_coordinator(world, api, clock):
    judge = UserFactory(username="burabayjudge", role=Role.JUDGE, organisation=world.burabay_court)
    body = ok(api(world.burabay_secretary).post("/hearings", Flow(world, api, clock).payload(
        courtroom_id=world.burabay_room.pk, judge_id=judge.pk)), 201)
    ok(api(judge).post(f"/hearings/{body['id']}/decision", {"hold_by_vcs": True}))
    assert AgreementRequest.objects.get(hearing_id=body["id"]).coordinator_org == world.regional
    assert queued(api, world.coordinator) == {body["id"]}


@pytest.mark.parametrize("secretary", ["secretary", "regional_secretary"])
def test_r12_only_the_supreme_court_books_a_cassation_hearing(world, api, clock, secretary):
    flow = Case(world, api, clock, "district" if secretary == "secretary" else "appeal")
    invalid(api(getattr(world, secretary)).post("/hearings", flow.payload(instance="cassation")), "instance")
    # ... and the Supreme Court hears no case at first instance.
    invalid(api(world.supreme_secretary).post("/hearings", Case(world, api, clock, "cassation").payload(
        instance="first")), "instance")


def test_r10_a_hearing_the_judge_refuses_to_hold_by_vcs_never_reaches_the_coordinator(world, api, clock):
    flow = Case(world, api, clock)
    flow.book()
    ok(api(world.judge).post(flow.url("/decision"), {"hold_by_vcs": False, "reason": "in person"}))
    assert flow.detail()["agreements"] == []
    assert inbox(api, world.coordinator) == [] and queue(api, world.coordinator) == []
    refused(flow.answer("agree"), "R11")


def test_r10_only_the_presiding_judge_decides_and_opens_the_agreement(world, api, clock):
    flow = Case(world, api, clock)
    flow.book()
    for user in (world.secretary, world.other_judge, world.coordinator):
        forbidden(api(user).post(flow.url("/decision"), {"hold_by_vcs": True}))
    assert not AgreementRequest.objects.exists()
    assert inbox(api, world.coordinator) == []


# ---- the coordinator's queue --------------------------------------------------------------

def _one_of_each(world, api, clock) -> dict[str, int]:
    """A decided hearing of each kind, each on its own day so no endpoint is shared."""
    ids = {}
    for day, where in enumerate(["district", "appeal", "karaganda", "cassation"], start=3):
        ids[where] = Case(world, api, clock, where, starts_at=at(day, 10)).decided().hearing_id
    return ids


def test_r11_regional_coordinator_sees_only_her_regions_requests(world, api, clock):
    ids = _one_of_each(world, api, clock)
    assert queued(api, world.coordinator) == {ids["district"], ids["appeal"]}
    assert queued(api, world.other_coordinator) == {ids["karaganda"]}
    # Oldest request first, and the hearing as the coordinator needs it.
    first = queue(api, world.coordinator)[0]
    assert first["hearing"]["id"] == ids["district"]
    assert first["hearing"]["remote_sites"][0]["endpoint_id"] == world.sizo_room.pk
    assert first["hearing"]["next_deadline"]["kind"] == "test_request"
    # Nobody else has a queue.
    for user in (world.secretary, world.judge, world.officer, world.regional_secretary):
        assert queue(api, user) == [], user.username
    # An answered request leaves the queue.
    ok(api(world.coordinator).post(f"/hearings/{ids['district']}/agreement", {"answer": "agree"}))
    assert queued(api, world.coordinator) == {ids["appeal"]}


def test_r12_department_coordinator_sees_cassation_requests_only(world, api, clock):
    ids = _one_of_each(world, api, clock)
    assert queued(api, world.dep_coordinator) == {ids["cassation"]}
    assert ids["cassation"] not in queued(api, world.coordinator) | queued(api, world.other_coordinator)


def test_r11_queue_takes_as_many_queries_for_ten_hearings_as_for_one(world, api, clock):
    def add(day):
        # Every other hearing has two remote sites, so the prefetches are exercised.
        remote = [world.sizo_room, world.burabay_room] if day % 2 else [world.sizo_room]
        Case(world, api, clock, starts_at=at(day, 10), remote=remote).decided()

    def count():
        client = api(world.coordinator)
        client.get("/coordinator/queue")  # the session is loaded the same way both times
        with CaptureQueriesContext(connection) as queries:
            items = ok(client.get("/coordinator/queue"))
        return len(items), len(queries)

    add(3)
    one, queries_for_one = count()
    for day in range(4, 13):
        add(day)
    ten, queries_for_ten = count()
    assert (one, ten) == (1, 10)
    assert queries_for_ten == queries_for_one, (queries_for_one, queries_for_ten)
    # The session, the user and their authenticator (issue 7), the requests with their
    # hearings, the remote sites, the deadlines.
    assert queries_for_one <= 6, queries_for_one


# ---- agree ----------------------------------------------------------------------------------

def test_r11_agree_makes_the_hearing_agreed_and_tells_the_secretary(world, api, clock):
    flow = Case(world, api, clock).decided()
    held = flow.held()
    clock.move_to(at(1, 11))
    body = ok(flow.answer("agree"))
    assert body["status"] == "agreed"
    [request] = body["agreements"]
    assert request["status"] == "agreed"
    row = AgreementRequest.objects.get(pk=request["id"])
    assert (row.decided_by, row.decided_at) == (world.coordinator, at(1, 11))
    detail = flow.detail()
    assert detail["status"] == "agreed"
    assert "request_test_session" in detail["allowed_actions"]
    assert flow.held() == held  # the slot stays held
    [told] = inbox(api, world.secretary, "agreed")
    assert told["hearing_id"] == flow.hearing_id and "03.12.2026 10:00" in told["body"]
    assert inbox(api, world.judge, "agreed", flow.hearing_id)
    assert queue(api, world.coordinator) == []

    [event] = flow.timeline("agree")
    assert (event["rule"], event["actor"], event["from_status"], event["to_status"]) == (
        "R11", world.coordinator.display_name, "awaiting_agreement", "agreed")
    [entry] = flow.audit("agreement_agree")
    assert (entry.actor, entry.rule, entry.before["status"], entry.after["status"]) == (
        world.coordinator, "R11", "pending", "agreed")
    assert flow.audit("agree")[0].actor == world.coordinator


# ---- refuse ---------------------------------------------------------------------------------

@pytest.mark.parametrize("reason", [None, "", "   "])
def test_r11_refusing_needs_a_reason(world, api, clock, reason):
    flow = Case(world, api, clock).decided()
    data = {} if reason is None else {"reason": reason}
    invalid(flow.answer("refuse", **data), "reason")
    assert flow.detail()["status"] == "awaiting_agreement"
    assert agreements(flow) == [("pending", world.regional.pk)]
    assert flow.timeline("refuse") == [] and flow.audit("agreement_refuse") == []
    assert inbox(api, world.secretary, "refused") == []


def test_r11_refusal_releases_the_endpoints_and_tells_the_secretary_why(world, api, clock):
    flow = Case(world, api, clock).decided()
    reason = "the regional channel is reserved for the plenary session"
    body = ok(flow.answer("refuse", reason=reason))
    assert body["status"] == "refused"
    assert [(a["status"], a["reason"]) for a in body["agreements"]] == [("refused", reason)]
    assert body["next_deadline"] is None
    assert not Deadline.objects.filter(hearing_id=flow.hearing_id, status="pending").exists()
    assert flow.held() == set()
    [told] = inbox(api, world.secretary, "refused")
    assert told["hearing_id"] == flow.hearing_id and reason in told["body"]
    assert reason in inbox(api, world.judge, "refused")[0]["body"]
    # The slot is free: the same courtroom and detention centre at the same time.
    again = Case(world, api, clock).book()
    assert again["status"] == "awaiting_decision"

    [event] = flow.timeline("refuse")
    assert (event["rule"], event["actor"], event["to_status"], event["data"]["reason"]) == (
        "R11", world.coordinator.display_name, "refused", reason)
    [entry] = flow.audit("agreement_refuse")
    assert (entry.actor, entry.rule, entry.after["reason"]) == (world.coordinator, "R11", reason)


# ---- propose another time ---------------------------------------------------------------

def test_r11_proposal_goes_to_the_secretary_and_keeps_the_original_slot_held(world, api, clock):
    flow = Case(world, api, clock).decided()
    held = flow.held()
    body = ok(flow.propose())
    assert (body["status"], body["starts_local"]) == ("slot_proposed", "03.12.2026 10:00")
    [request] = body["agreements"]
    assert request["status"] == "proposed" and when(request["proposed_starts_at"]) == PROPOSED
    assert flow.held() == held
    [told] = inbox(api, world.secretary, "slot_proposed")
    assert "04.12.2026 14:00" in told["body"] and "03.12.2026 10:00" in told["body"]
    assert {"accept_proposal", "decline_proposal"} <= set(flow.detail()["allowed_actions"])
    assert queue(api, world.coordinator) == []

    [event] = flow.timeline("propose")
    assert (event["rule"], event["actor"], event["to_status"]) == (
        "R11", world.coordinator.display_name, "slot_proposed")
    assert when(event["data"]["proposed_starts_at"]) == PROPOSED
    [entry] = flow.audit("agreement_propose")
    assert (entry.actor, entry.rule, entry.after["status"]) == (world.coordinator, "R11", "proposed")


def test_r11_proposal_needs_the_proposed_start(world, api, clock):
    flow = Case(world, api, clock).decided()
    invalid(flow.answer("propose", reason="busy"), "proposed_starts_at")
    assert flow.detail()["status"] == "awaiting_agreement"


def test_r11_secretary_accepts_the_proposal_and_the_hearing_moves(world, api, clock):
    flow = Case(world, api, clock).decided()
    ok(flow.propose())
    clock.move_to(at(1, 12))
    body = ok(flow.reply(True))
    assert (body["status"], body["starts_local"]) == ("agreed", "04.12.2026 14:00")
    assert when(body["starts_at"]) == PROPOSED
    assert [a["status"] for a in body["agreements"]] == ["accepted"]
    # The endpoints are held at the new time (from the window, R15), no longer at the old one.
    assert flow.held() == {(e.pk, at(4, 13, 30), at(4, 15, 30)) for e in (world.room, world.sizo_room)}
    assert Case(world, api, clock).book()["status"] == "awaiting_decision"  # 3 Dec 10:00 is free
    # The deadlines that hang on the start are planned again for the new start (R13, R15).
    # The test-session request stays due by the end of the day after the decision.
    pending = Deadline.objects.filter(hearing_id=flow.hearing_id, status="pending")
    assert sorted((d.kind, d.due_at) for d in pending) == sorted([
        ("test_request", at(3, 0)), ("test_session", at(4, 0)), ("window_opens", at(4, 13, 30)),
        ("not_connected", at(4, 13, 40))])
    assert sorted(Deadline.objects.filter(hearing_id=flow.hearing_id, status="cancelled")
                  .values_list("kind", "due_at")) == sorted([
        ("test_session", at(3, 0)), ("window_opens", at(3, 9, 30)), ("not_connected", at(3, 9, 40))])
    assert "04.12.2026 14:00" in inbox(api, world.judge, "agreed")[0]["body"]

    [moved] = flow.timeline("slot_moved")
    assert when(moved["data"]["from"]) == at(3, 10) and when(moved["data"]["to"]) == PROPOSED
    [event] = flow.timeline("accept_proposal")
    assert (event["rule"], event["actor"], event["from_status"], event["to_status"]) == (
        "R11", world.secretary.display_name, "slot_proposed", "agreed")
    [entry] = flow.audit("proposal_accepted")
    assert (entry.actor, entry.rule) == (world.secretary, "R11")
    assert flow.audit("accept_proposal")[0].actor == world.secretary


def test_r11_secretary_declines_the_proposal_and_the_original_slot_goes_back_to_the_coordinator(
        world, api, clock):
    flow = Case(world, api, clock).decided()
    held = flow.held()
    ok(flow.propose())
    clock.move_to(at(1, 12))
    body = ok(flow.reply(False))
    # What the code does: the proposal is declined and the original slot is put to the
    # coordinator again as a new request, its endpoints still held.
    assert (body["status"], body["starts_local"]) == ("awaiting_agreement", "03.12.2026 10:00")
    declined, again = body["agreements"]
    assert declined["status"] == "declined"
    assert again["status"] == "pending" and when(again["starts_at"]) == at(3, 10)
    assert when(again["requested_at"]) == at(1, 12)
    assert flow.held() == held
    [item] = queue(api, world.coordinator)
    assert item["id"] == again["id"]
    assert len(inbox(api, world.coordinator, "proposal_declined", flow.hearing_id)) == 1
    assert len(inbox(api, world.coordinator, "agreement_requested", flow.hearing_id)) == 2
    # The proposed time was never held: another hearing may take it.
    other = Case(world, api, clock, starts_at=PROPOSED).book()
    assert other["status"] == "awaiting_decision"

    [event] = flow.timeline("decline_proposal")
    assert (event["rule"], event["actor"], event["from_status"], event["to_status"]) == (
        "R11", world.secretary.display_name, "slot_proposed", "awaiting_agreement")
    assert flow.audit("decline_proposal")[0].actor == world.secretary
    assert [e.actor for e in flow.audit("agreement_requested")] == [world.judge, world.secretary]
    # The coordinator answers the new request as any other.
    assert ok(flow.answer("agree"))["status"] == "agreed"


def test_r10_proposing_a_busy_slot_is_refused_naming_the_busy_endpoint(world, api, clock):
    # Another hearing holds courtroom 101 on 4 December 09:30-11:30.
    Case(world, api, clock, starts_at=at(4, 10), remote=[world.other_sizo_room]).book()
    flow = Case(world, api, clock).decided()
    body = refused(flow.propose(at(4, 10, 30)), "R10")
    [reason] = body["reasons"]
    assert "101" in reason and "busy" in reason
    _nothing_proposed(api, world, flow)
    # Its own slot does not count as busy: moving it by an hour is a valid proposal.
    assert ok(flow.propose(at(3, 11)))["status"] == "slot_proposed"


@pytest.mark.parametrize("starts_at, needle", [(at(1, 8), "passed"), (at(1, 15), "R13")])
def test_r10_proposing_a_past_slot_or_one_today_is_refused(world, api, clock, starts_at, needle):
    flow = Case(world, api, clock).decided()
    body = refused(flow.propose(starts_at), "R10")
    [reason] = body["reasons"]
    assert needle in reason
    _nothing_proposed(api, world, flow)


def _nothing_proposed(api, world, flow):
    assert flow.detail()["status"] == "awaiting_agreement"
    assert agreements(flow) == [("pending", world.regional.pk)]
    assert inbox(api, world.secretary, "slot_proposed") == []
    assert flow.audit("agreement_propose") == [] and flow.timeline("propose") == []


def test_r10_accepting_a_proposal_whose_slot_was_taken_meanwhile_is_refused(world, api, clock):
    flow = Case(world, api, clock).decided()
    held = flow.held()
    ok(flow.propose())
    # The proposed slot is not held while the secretary thinks: another hearing takes it.
    Case(world, api, clock, starts_at=PROPOSED, remote=[world.other_sizo_room]).book()
    body = refused(flow.reply(True), "R10")
    assert any("101" in r and "busy" in r for r in body["reasons"]), body
    detail = flow.detail()
    assert (detail["status"], detail["starts_local"]) == ("slot_proposed", "03.12.2026 10:00")
    assert [a["status"] for a in detail["agreements"]] == ["proposed"]
    assert flow.held() == held
    assert flow.audit("proposal_accepted") == []
    # Declining still works: the original slot goes back to the coordinator.
    assert ok(flow.reply(False))["status"] == "awaiting_agreement"


# ---- who answers ----------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["agree", "refuse", "propose"])
def test_r11_coordinator_of_another_region_cannot_answer_nor_see_the_hearing(world, api, clock, answer):
    flow = Case(world, api, clock).decided()
    data = {"reason": "no", "proposed_starts_at": PROPOSED.isoformat()}
    # 404, not 403: the Karaganda coordinator is not even told the Akmola hearing exists (R5).
    not_found(flow.answer(answer, world.other_coordinator, **data))
    not_found(api(world.other_coordinator).get(flow.url()))
    # The Department sees every hearing, but first instance is not its to agree (R11): 403.
    forbidden(flow.answer(answer, world.dep_coordinator, **data))
    # Nor anyone at the court or the remote site (who see the hearing: 403), nor the
    # regional court's secretary, who works beside the coordinator but not on this case.
    for user in (world.secretary, world.judge, world.officer):
        forbidden(flow.answer(answer, user, **data))
    not_found(flow.answer(answer, world.regional_secretary, **data))
    assert flow.detail()["status"] == "awaiting_agreement"
    assert agreements(flow) == [("pending", world.regional.pk)]
    assert not AuditEntry.objects.filter(action__startswith="agreement_", hearing_id=flow.hearing_id
                                         ).exclude(action="agreement_requested").exists()


def test_r12_regional_coordinator_cannot_answer_a_cassation_hearing(world, api, clock):
    flow = Case(world, api, clock, "cassation").decided()
    for coordinator in (world.coordinator, world.other_coordinator):
        not_found(flow.answer("agree", coordinator))
    assert flow.detail()["status"] == "awaiting_agreement"
    body = ok(flow.answer("agree", world.dep_coordinator))
    assert body["status"] == "agreed"


@pytest.mark.parametrize("first", ["agree", "refuse", "propose"])
@pytest.mark.parametrize("where", ["district", "cassation"])
def test_r11_r12_answering_twice_is_refused_naming_the_rule(world, api, clock, first, where):
    flow = Case(world, api, clock, where).decided()
    status = ok(flow.answer(first, reason="the channel is taken", proposed_starts_at=PROPOSED.isoformat())
                )["status"]
    for again in ("agree", "refuse", "propose"):
        body = refused(flow.answer(again, reason="changed my mind", proposed_starts_at=at(5, 10).isoformat()),
                       flow.rule)
        assert body["detail"]
    detail = flow.detail()
    assert detail["status"] == status
    assert len(detail["agreements"]) == 1
    assert len(flow.audit(f"agreement_{first}")) == 1
    assert AuditEntry.objects.filter(hearing_id=flow.hearing_id, action__startswith="agreement_").exclude(
        action="agreement_requested").count() == 1


@pytest.mark.parametrize("who", ["judge", "bailiff", "technician", "office_head", "coordinator", "officer"])
def test_r11_only_the_court_secretary_answers_a_proposal(world, api, clock, who):
    flow = Case(world, api, clock).decided()
    ok(flow.propose())
    for accept in (True, False):
        forbidden(flow.reply(accept, getattr(world, who)))
    # Secretaries of other courts do not see the hearing at all; nor does the Department.
    for user in (world.other_secretary, world.regional_secretary, world.burabay_secretary):
        not_found(flow.reply(True, user))
    forbidden(flow.reply(True, world.dep_coordinator))
    detail = flow.detail()
    assert (detail["status"], detail["starts_local"]) == ("slot_proposed", "03.12.2026 10:00")
    assert ok(flow.reply(True))["status"] == "agreed"


@pytest.mark.parametrize("where", ["district", "cassation"])
def test_r11_r12_answering_a_proposal_twice_or_without_one_is_refused(world, api, clock, where):
    flow = Case(world, api, clock, where).decided()
    # No proposal yet: the hearing waits for the coordinator.
    refused(flow.reply(True), flow.rule)
    refused(flow.reply(False), flow.rule)
    ok(flow.propose())
    assert ok(flow.reply(True))["status"] == "agreed"
    refused(flow.reply(True), flow.rule)
    refused(flow.reply(False), flow.rule)
    detail = flow.detail()
    assert (detail["status"], detail["starts_local"]) == ("agreed", "04.12.2026 14:00")
    assert [a["status"] for a in detail["agreements"]] == ["accepted"]
    assert len(flow.audit("proposal_accepted")) == 1


# ---- the cassation path end to end (R12) ------------------------------------------------------

def test_r12_department_coordinator_proposes_and_the_supreme_court_secretary_accepts(world, api, clock):
    flow = Case(world, api, clock, "cassation").decided()
    ok(flow.propose())
    [told] = inbox(api, world.supreme_secretary, "slot_proposed")
    assert "04.12.2026 14:00" in told["body"]
    assert inbox(api, world.secretary, "slot_proposed") == []
    body = ok(flow.reply(True))
    assert (body["status"], body["starts_local"]) == ("agreed", "04.12.2026 14:00")
    assert flow.held() == {(e.pk, at(4, 13, 30), at(4, 15, 30)) for e in (world.supreme_room, world.sizo_room)}
    # Every step names R12, in the timeline and in the audit log.
    for kind, actor in (("propose", world.dep_coordinator), ("accept_proposal", world.supreme_secretary)):
        [event] = flow.timeline(kind)
        assert (event["rule"], event["actor"]) == ("R12", actor.display_name)
    assert [(e.actor, e.rule) for e in flow.audit("agreement_propose")] == [(world.dep_coordinator, "R12")]
    assert [(e.actor, e.rule) for e in flow.audit("proposal_accepted")] == [(world.supreme_secretary, "R12")]


@pytest.mark.parametrize("answer", ["agree", "refuse"])
def test_r12_department_coordinators_answer_is_in_the_audit_log_and_the_timeline(world, api, clock, answer):
    flow = Case(world, api, clock, "cassation").decided()
    body = ok(flow.answer(answer, reason="the Department's channel is under repair"))
    assert body["status"] == {"agree": "agreed", "refuse": "refused"}[answer]
    [event] = flow.timeline(answer)
    assert (event["rule"], event["actor"]) == ("R12", world.dep_coordinator.display_name)
    [entry] = flow.audit(f"agreement_{answer}")
    assert (entry.actor, entry.rule) == (world.dep_coordinator, "R12")
    kind = {"agree": "agreed", "refuse": "refused"}[answer]
    assert inbox(api, world.supreme_secretary, kind, flow.hearing_id)
    # The Department coordinator reads the same timeline.
    seen = ok(api(world.dep_coordinator).get(flow.url("/timeline")))
    assert answer in [e["kind"] for e in seen]
