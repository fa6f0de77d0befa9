"""R24 over the API: the institution's responsible officer suspends VCS there in an
emergency; every hearing with the institution in the period is suspended and its people
are told; while it is in force no new hearing is booked there; once lifted each hearing
goes back to its secretary for review, nothing is cancelled silently.

"Now" is Tuesday 1 December 2026, 09:00 Astana time. The hearings are booked by the
Kokshetau court with the detention centre's VCS room (or another institution's) as their
remote site, and taken as far as the coordinator's agreement (R11), which moves no clock.
"""

import datetime as dt

from courtvcs.audit.models import AuditEntry
from courtvcs.hearings.models import EndpointBooking
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at
from courtvcs.suspensions.choices import SuspensionReason
from courtvcs.suspensions.models import SuspendedHearing, Suspension
from courtvcs.hearings.tests.answers import forbidden, inbox, invalid, not_found, ok, refused

EIGHT = ["mass_riot", "group_disobedience", "escape", "hostage_taking", "natural_disaster",
         "state_of_emergency", "special_regime", "martial_law"]


def events(api, user, hearing_id, kind):
    return [e for e in ok(api(user).get(f"/hearings/{hearing_id}/timeline")) if e["kind"] == kind]


def status_of(api, world, hearing_id):
    return ok(api(world.secretary).get(f"/hearings/{hearing_id}"))["status"]


def declare(api, user, reason="mass_riot", starts_at=None, expected_end_at=None, **extra):
    data = {"reason": reason, **extra}
    if starts_at is not None:
        data["starts_at"] = starts_at.isoformat()
    if expected_end_at is not None:
        data["expected_end_at"] = expected_end_at.isoformat()
    return api(user).post("/suspensions", data)


def lift(api, user, suspension_id):
    return api(user).post(f"/suspensions/{suspension_id}/lift")


def hearing(world, api, clock, starts_at, *, remote=None, case="1-101/2026", courtroom=None,
            state="agreed") -> Flow:
    """A hearing booked and taken to `state` (awaiting_decision or agreed) over the API."""
    flow = Flow(world, api, clock, starts_at=starts_at, remote=remote)
    flow.book(case_number=case, courtroom_id=(courtroom or world.room).pk)
    if state == "agreed":
        flow.decide()
        flow.agree()
    assert flow.detail()["status"] == state
    return flow


def book(api, world, starts_at, remote, case="1-900/2026", courtroom=None):
    return api(world.secretary).post("/hearings", Flow(world, api, None, starts_at=starts_at, remote=remote)
                                     .payload(case_number=case, courtroom_id=(courtroom or world.room2).pk))


# ---- who declares, and for which institution ---------------------------------------------

def test_r24_only_the_institutions_responsible_officer_declares(world, api, clock):
    flow = hearing(world, api, clock, at(3, 10))
    for user in (world.secretary, world.judge, world.coordinator, world.sizo_technician,
                 world.dep_coordinator, world.technician):
        body = forbidden(declare(api, user))
        assert "responsible officer" in body["detail"] and "(R24)" in body["detail"]
    assert not Suspension.objects.exists()
    assert status_of(api, world, flow.hearing_id) == "agreed"

    body = ok(declare(api, world.officer), 201)
    assert body["institution_id"] == world.sizo.pk
    assert body["hearing_ids"] == [flow.hearing_id]


def test_r24_an_officer_declares_for_his_own_institution_only(world, api, clock):
    at_sizo = hearing(world, api, clock, at(3, 10))
    # The other detention centre's officer cannot name ours: the suspension is always his own.
    body = ok(declare(api, world.other_officer, institution_id=world.sizo.pk), 201)
    assert body["institution_id"] == world.other_sizo.pk
    assert body["hearing_ids"] == []
    assert status_of(api, world, at_sizo.hearing_id) == "agreed"
    # Nor does he see or lift a suspension of ours.
    ours = ok(declare(api, world.officer), 201)
    assert [s["id"] for s in ok(api(world.other_officer).get("/suspensions"))] == [body["id"]]
    not_found(lift(api, world.other_officer, ours["id"]))
    assert status_of(api, world, at_sizo.hearing_id) == "suspended"
    assert Suspension.objects.get(pk=ours["id"]).lifted_at is None


# ---- the reason, the start and the expected end ------------------------------------------

def test_r24_the_reason_is_one_of_the_eight_situations(world, api, clock):
    assert SuspensionReason.values == EIGHT
    for reason in EIGHT:
        body = ok(declare(api, world.officer, reason=reason, details=f"{reason} in block 3"), 201)
        assert body["reason"] == reason and body["details"] == f"{reason} in block 3"
        ok(lift(api, world.officer, body["id"]))
    assert sorted(Suspension.objects.values_list("reason", flat=True)) == sorted(EIGHT)

    body = invalid(declare(api, world.officer, reason="power_cut"), "reason", status=422)
    assert body["fields"]["reason"].startswith("Choose one of:")
    assert all(f"'{reason}'" in body["fields"]["reason"] for reason in EIGHT)
    body = invalid(api(world.officer).post("/suspensions", {"details": "no reason"}), "reason", status=422)
    assert body["fields"]["reason"] == "This field is required."
    assert Suspension.objects.count() == 8


def test_r24_the_suspension_starts_now_unless_a_start_is_given_and_its_end_may_be_unknown(world, api, clock):
    body = ok(declare(api, world.officer, reason="natural_disaster"), 201)
    assert dt.datetime.fromisoformat(body["starts_at"]) == at(1, 9)
    assert body["expected_end_at"] is None and body["lifted_at"] is None
    ok(lift(api, world.officer, body["id"]))
    # A time without its zone is Kazakhstan time.
    body = ok(api(world.officer).post("/suspensions", {
        "reason": "escape", "starts_at": "2026-12-02T08:00", "expected_end_at": "2026-12-02T20:00"}), 201)
    assert dt.datetime.fromisoformat(body["starts_at"]) == at(2, 8)
    assert dt.datetime.fromisoformat(body["expected_end_at"]) == at(2, 20)


def test_r24_the_expected_end_must_be_after_the_start(world, api, clock):
    flow = hearing(world, api, clock, at(3, 10))
    body = invalid(declare(api, world.officer, starts_at=at(2, 10), expected_end_at=at(2, 9)), "expected_end_at")
    assert body["detail"] == "The expected end must be after the start."
    assert body["fields"] == {"expected_end_at": "After the start."}
    invalid(declare(api, world.officer, starts_at=at(2, 10), expected_end_at=at(2, 10)), "expected_end_at")
    # Without a start, the start is now.
    invalid(declare(api, world.officer, expected_end_at=at(1, 8)), "expected_end_at")
    body = invalid(api(world.officer).post("/suspensions", {"reason": "escape", "starts_at": "tomorrow",
                                                            "expected_end_at": "2026-13-01T10:00"}),
                   "starts_at", status=422)
    assert body["fields"]["starts_at"].startswith("Enter a date and time")
    assert body["fields"]["expected_end_at"].startswith("Enter a date and time")
    assert not Suspension.objects.exists()
    assert status_of(api, world, flow.hearing_id) == "agreed"


def test_r24_field_errors_are_in_the_officers_language(world, api, clock):
    world.officer.language = "ru"
    world.officer.save(update_fields=["language"])
    body = invalid(declare(api, world.officer, starts_at=at(2, 10), expected_end_at=at(2, 9)), "expected_end_at")
    assert body["fields"]["expected_end_at"] == "Позже начала."
    world.officer.language = "kk"
    world.officer.save(update_fields=["language"])
    body = invalid(api(world.officer).post("/suspensions", {}), "reason", status=422)
    assert body["fields"]["reason"] == "Бұл өріс міндетті."


# ---- which hearings are caught -------------------------------------------------------------

def test_r24_suspension_suspends_every_hearing_with_the_institution_in_its_period(world, api, clock):
    agreed = hearing(world, api, clock, at(3, 10))
    undecided = hearing(world, api, clock, at(2, 15), case="1-102/2026", state="awaiting_decision")
    elsewhere = hearing(world, api, clock, at(3, 10), remote=[world.other_sizo_room], case="1-103/2026",
                        courtroom=world.room2)
    later = hearing(world, api, clock, at(8, 10), case="1-104/2026")
    no_institution = hearing(world, api, clock, at(4, 10), remote=[world.burabay_room], case="1-105/2026")

    body = ok(declare(api, world.officer, starts_at=at(1, 9), expected_end_at=at(5, 18)), 201)
    assert sorted(body["hearing_ids"]) == sorted([agreed.hearing_id, undecided.hearing_id])
    assert status_of(api, world, agreed.hearing_id) == "suspended"
    assert status_of(api, world, undecided.hearing_id) == "suspended"
    # Another institution, after the expected end, no institution at all: untouched.
    assert status_of(api, world, elsewhere.hearing_id) == "agreed"
    assert status_of(api, world, later.hearing_id) == "agreed"
    assert status_of(api, world, no_institution.hearing_id) == "agreed"
    # What each had been, for the review.
    assert dict(SuspendedHearing.objects.values_list("hearing_id", "previous_status")) == {
        agreed.hearing_id: "agreed", undecided.hearing_id: "awaiting_decision"}
    # Its pending deadlines stop: nobody is chased to prepare a hearing that cannot be held.
    assert ok(api(world.secretary).get(agreed.url()))["next_deadline"] is None


def test_r24_a_hearing_is_caught_if_any_part_of_it_falls_in_the_suspension(world, api, clock):
    early = hearing(world, api, clock, at(3, 8), case="1-101/2026")     # 08:00-09:30
    running = hearing(world, api, clock, at(3, 10), case="1-102/2026")  # 10:00-11:30
    last = hearing(world, api, clock, at(3, 14), case="1-103/2026")     # 14:00-15:30
    body = ok(declare(api, world.officer, starts_at=at(3, 11), expected_end_at=at(3, 14)), 201)
    assert body["hearing_ids"] == [running.hearing_id]
    assert status_of(api, world, early.hearing_id) == "agreed"   # over before the start
    assert status_of(api, world, last.hearing_id) == "agreed"    # starts at the expected end


def test_r24_a_suspension_with_no_expected_end_catches_every_later_hearing(world, api, clock):
    soon = hearing(world, api, clock, at(3, 10), case="1-101/2026")
    far = hearing(world, api, clock, at(28, 10), case="1-102/2026")
    body = ok(declare(api, world.officer, reason="martial_law"), 201)
    assert sorted(body["hearing_ids"]) == sorted([soon.hearing_id, far.hearing_id])


def test_r24_a_hearing_in_session_is_suspended_too(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("in_session")
    body = ok(declare(api, world.officer, reason="hostage_taking"), 201)
    assert body["hearing_ids"] == [flow.hearing_id]
    assert status_of(api, world, flow.hearing_id) == "suspended"
    [event] = events(api, world.secretary, flow.hearing_id, "suspend")
    assert (event["from_status"], event["to_status"]) == ("in_session", "suspended")


# ---- who is told ---------------------------------------------------------------------------

def test_r24_judge_secretary_and_coordinator_are_told_in_their_inbox(world, api, clock):
    flow = hearing(world, api, clock, at(3, 10))
    ok(declare(api, world.officer, reason="group_disobedience"), 201)
    for user in (world.secretary, world.judge, world.coordinator):
        [item] = inbox(api, user, "suspended")
        assert item["hearing_id"] == flow.hearing_id
        assert "1-101/2026" in item["subject"]
        assert world.sizo.name in item["body"] and "Group disobedience of convicts" in item["body"]
        assert "03.12.2026 10:00" in item["body"] and "(R24)" in item["body"]
    for user in (world.other_secretary, world.other_coordinator, world.other_judge, world.officer):
        assert inbox(api, user, "suspended") == []


def test_r24_each_is_told_in_his_own_language(world, api, clock):
    hearing(world, api, clock, at(3, 10))
    world.judge.language, world.secretary.language = "ru", "kk"
    world.judge.save(update_fields=["language"])
    world.secretary.save(update_fields=["language"])
    ok(declare(api, world.officer), 201)
    [item] = inbox(api, world.judge, "suspended")
    assert "Массовые беспорядки" in item["body"]
    [item] = inbox(api, world.secretary, "suspended")
    assert "Жаппай тәртіпсіздіктер" in item["body"]


# ---- no new booking while it is in force ---------------------------------------------------

def test_r24_while_suspended_a_new_booking_with_the_institution_in_the_period_is_refused(world, api, clock):
    suspension = ok(declare(api, world.officer, reason="escape", starts_at=at(2, 9),
                            expected_end_at=at(4, 18)), 201)
    body = refused(book(api, world, at(3, 14), [world.sizo_room]), "R10")
    [reason] = [r for r in body["reasons"] if "R24" in r]
    assert reason == f"VCS at {world.sizo.name} is suspended (Escape) (R24)."
    # The availability check says the same before anyone tries.
    check = ok(api(world.secretary).post("/availability", {
        "courtroom_id": world.room2.pk, "remote_endpoint_ids": [world.sizo_room.pk],
        "starts_at": at(3, 14).isoformat(), "duration_minutes": 90}))
    assert check["possible"] is False and reason in check["reasons"]
    # Before the start, at another institution, or without one: booked.
    ok(book(api, world, at(2, 7), [world.sizo_room], case="1-901/2026"), 201)  # 06:30-08:30, ends before
    ok(book(api, world, at(3, 14), [world.other_sizo_room], case="1-902/2026", courtroom=world.room), 201)
    ok(book(api, world, at(3, 14), [world.burabay_room], case="1-903/2026"), 201)
    # Once lifted, the institution is booked again.
    ok(lift(api, world.officer, suspension["id"]))
    ok(book(api, world, at(3, 17), [world.sizo_room], case="1-904/2026"), 201)


# ---- lifting and the review ----------------------------------------------------------------

def test_r24_lifting_puts_each_hearing_back_for_review_and_cancels_nothing(world, api, clock):
    agreed = hearing(world, api, clock, at(3, 10))
    undecided = hearing(world, api, clock, at(2, 15), case="1-102/2026", state="awaiting_decision")
    suspension = ok(declare(api, world.officer, expected_end_at=at(4, 18)), 201)
    # The endpoints stay held through the suspension: nobody else takes the slot meanwhile.
    assert EndpointBooking.objects.filter(hearing_id=agreed.hearing_id, active=True).count() == 2

    # Nobody but the institution's officer lifts it.
    not_found(lift(api, world.secretary, suspension["id"]))
    not_found(lift(api, world.other_officer, suspension["id"]))
    assert "(R24)" in forbidden(lift(api, world.sizo_technician, suspension["id"]))["detail"]
    # And the secretary cannot resume a hearing still suspended.
    refused(api(world.secretary).post(agreed.url("/resume"), {}), "R24")

    clock.move_to(at(1, 15))
    body = ok(lift(api, world.officer, suspension["id"]))
    assert dt.datetime.fromisoformat(body["lifted_at"]) == at(1, 15)
    for flow in (agreed, undecided):
        detail = ok(api(world.secretary).get(flow.url()))
        assert detail["status"] == "under_review"
        assert detail["status_label"] == "Under review after suspension"
        # The secretary decides: resume it, or cancel it with a reason; nothing happens by itself.
        assert {"resume", "cancel"} <= set(detail["allowed_actions"])
    assert EndpointBooking.objects.filter(hearing_id=agreed.hearing_id, active=True).count() == 2
    for user in (world.secretary, world.judge):
        assert {n["hearing_id"] for n in inbox(api, user, "suspension_lifted")} == {
            agreed.hearing_id, undecided.hearing_id}
    [item] = [n for n in inbox(api, world.secretary, "suspension_lifted") if n["hearing_id"] == agreed.hearing_id]
    assert world.sizo.name in item["body"] and "review" in item["body"] and "(R24)" in item["body"]
    assert "cancelled" not in [e["kind"] for e in ok(api(world.secretary).get(agreed.url("/timeline")))]
    # Lifted once.
    body = refused(lift(api, world.officer, suspension["id"]), "R24")
    assert "already lifted" in body["detail"]


def test_r24_the_secretary_resumes_a_reviewed_hearing_through_the_agreement_again(world, api, clock):
    agreed = hearing(world, api, clock, at(3, 10))
    undecided = hearing(world, api, clock, at(2, 15), case="1-102/2026", state="awaiting_decision")
    suspension = ok(declare(api, world.officer), 201)
    ok(lift(api, world.officer, suspension["id"]))

    # Only the court's secretary resumes.
    for user in (world.judge, world.coordinator, world.officer):
        forbidden(api(user).post(agreed.url("/resume"), {}))
    not_found(api(world.other_secretary).post(agreed.url("/resume"), {}))

    # Decided before: the slot (here a new one) goes to the coordinator again (R11).
    detail = ok(api(world.secretary).post(agreed.url("/resume"), {"starts_at": at(8, 10).isoformat()}))
    assert detail["status"] == "awaiting_agreement"
    assert dt.datetime.fromisoformat(detail["starts_at"]) == at(8, 10)
    assert agreed.agree()["status"] == "agreed"
    # Not decided yet: back to the judge (R10), who is told.
    detail = ok(api(world.secretary).post(undecided.url("/resume"), {}))
    assert detail["status"] == "awaiting_decision"
    assert [n["hearing_id"] for n in inbox(api, world.judge, "decision_requested")].count(undecided.hearing_id) == 2
    [event] = events(api, world.secretary, undecided.hearing_id, "resume_undecided")
    assert (event["from_status"], event["to_status"], event["rule"]) == ("under_review", "awaiting_decision", "R24")


def test_r24_cancelling_a_reviewed_hearing_needs_a_reason_and_tells_everyone(world, api, clock):
    flow = hearing(world, api, clock, at(3, 10))
    suspension = ok(declare(api, world.officer), 201)
    ok(lift(api, world.officer, suspension["id"]))
    invalid(api(world.secretary).post(flow.url("/cancel"), {"reason": "   "}), "reason")
    assert status_of(api, world, flow.hearing_id) == "under_review"
    detail = ok(api(world.secretary).post(flow.url("/cancel"), {"reason": "The defendant was transferred"}))
    assert detail["status"] == "cancelled"
    for user in (world.judge, world.coordinator):
        [item] = inbox(api, user, "cancelled")
        assert "The defendant was transferred" in item["body"]
    assert not EndpointBooking.objects.filter(hearing_id=flow.hearing_id, active=True).exists()


def test_r24_a_hearing_with_two_suspended_institutions_waits_for_both_to_be_lifted(world, api, clock):
    flow = hearing(world, api, clock, at(3, 10), remote=[world.sizo_room, world.other_sizo_room])
    ours = ok(declare(api, world.officer, reason="mass_riot"), 201)
    theirs = ok(declare(api, world.other_officer, reason="natural_disaster"), 201)
    assert ours["hearing_ids"] == [flow.hearing_id]
    assert theirs["hearing_ids"] == [flow.hearing_id]
    assert sorted(SuspendedHearing.objects.values_list("previous_status", flat=True)) == ["agreed", "agreed"]
    first, second = events(api, world.secretary, flow.hearing_id, "suspend")
    assert (first["from_status"], first["to_status"], first["data"]["suspension"]) == (
        "agreed", "suspended", ours["id"])
    assert (second["from_status"], second["to_status"], second["data"]["suspension"]) == (
        "suspended", "suspended", theirs["id"])
    assert len(inbox(api, world.judge, "suspended")) == 2  # told of each institution
    ok(lift(api, world.officer, ours["id"]))
    assert status_of(api, world, flow.hearing_id) == "suspended"  # still suspended at the other one
    assert inbox(api, world.secretary, "suspension_lifted") == []
    refused(api(world.secretary).post(flow.url("/resume"), {}), "R24")
    ok(lift(api, world.other_officer, theirs["id"]))
    assert status_of(api, world, flow.hearing_id) == "under_review"
    assert len(inbox(api, world.secretary, "suspension_lifted")) == 1
    assert ok(api(world.secretary).post(flow.url("/resume"), {}))["status"] == "awaiting_agreement"


def test_r24_the_expected_end_is_only_an_expectation(world, api, clock):
    """The suspension is in force until the officer lifts it, whatever end he expected: new
    bookings stay refused after the expected end, and a hearing after the expected end (not
    caught when the suspension was declared) cannot connect while it is still in force."""
    after_end = hearing(world, api, clock, at(4, 10))
    suspension = ok(declare(api, world.officer, starts_at=at(1, 9), expected_end_at=at(2, 18)), 201)
    assert suspension["hearing_ids"] == []

    clock.move_to(at(3, 9))  # past the expected end, not lifted
    assert Suspension.objects.get(pk=suspension["id"]).lifted_at is None
    body = refused(book(api, world, at(4, 15), [world.sizo_room]), "R10")
    assert any("R24" in r for r in body["reasons"])
    listed = ok(api(world.officer).get("/suspensions"))
    assert [s["id"] for s in listed if s["lifted_at"] is None] == [suspension["id"]]

    after_end.request_tests()
    after_end.pass_tests(at(3, 9, 30))
    after_end.send_letters()
    clock.move_to(at(4, 9, 35))
    body = refused(api(world.secretary).post(after_end.url("/connect")), "R24")
    assert "until the officer lifts it" in body["detail"]

    # Lifted, the hearing connects and the institution is booked again.
    ok(lift(api, world.officer, suspension["id"]))
    assert ok(api(world.secretary).post(after_end.url("/connect")))["status"] == "connected"
    ok(book(api, world, at(5, 15), [world.sizo_room]), 201)


# ---- what the court and the institution see ------------------------------------------------

def test_r24_the_court_sees_the_suspensions_of_its_hearings_and_nobody_else_does(world, api, clock):
    flow = hearing(world, api, clock, at(3, 10))
    suspension = ok(declare(api, world.officer), 201)
    empty = ok(declare(api, world.other_officer), 201)
    for user in (world.officer, world.sizo_technician):
        assert [s["id"] for s in ok(api(user).get("/suspensions"))] == [suspension["id"]]
    [seen] = ok(api(world.secretary).get("/suspensions"))
    assert seen["id"] == suspension["id"] and seen["hearing_ids"] == [flow.hearing_id]
    assert ok(api(world.other_secretary).get("/suspensions")) == []
    assert [s["id"] for s in ok(api(world.other_officer).get("/suspensions"))] == [empty["id"]]


# ---- the record ----------------------------------------------------------------------------

def test_r24_declaring_lifting_and_resuming_are_in_the_audit_log_and_the_timeline(world, api, clock):
    flow = hearing(world, api, clock, at(3, 10))
    suspension = ok(declare(api, world.officer, reason="special_regime", expected_end_at=at(4, 18),
                            details="Regime in the district"), 201)
    clock.move_to(at(1, 12))
    ok(lift(api, world.officer, suspension["id"]))
    clock.move_to(at(1, 13))
    ok(api(world.secretary).post(flow.url("/resume"), {}))

    declared = AuditEntry.objects.get(action="suspension_declared")
    assert (declared.rule, declared.actor_id, declared.object_id) == ("R24", world.officer.pk, str(suspension["id"]))
    assert declared.after["reason"] == "special_regime" and declared.after["details"] == "Regime in the district"
    lifted = AuditEntry.objects.get(action="suspension_lifted")
    assert (lifted.rule, lifted.actor_id) == ("R24", world.officer.pk)
    assert lifted.before["lifted_at"] is None and lifted.after["lifted_at"] is not None

    timeline = ok(api(world.secretary).get(flow.url("/timeline")))
    kinds = [e["kind"] for e in timeline]
    assert kinds.index("suspend") < kinds.index("lift_suspension") < kinds.index("resume")
    suspend, lifted_event, resume = (next(e for e in timeline if e["kind"] == k)
                                     for k in ("suspend", "lift_suspension", "resume"))
    assert (suspend["from_status"], suspend["to_status"], suspend["rule"]) == ("agreed", "suspended", "R24")
    assert suspend["data"] == {"suspension": suspension["id"], "reason": "special_regime"}
    assert suspend["at_local"] == "01.12.2026 09:00"
    assert (lifted_event["from_status"], lifted_event["to_status"]) == ("suspended", "under_review")
    assert lifted_event["data"] == {"suspension": suspension["id"]}
    assert lifted_event["at_local"] == "01.12.2026 12:00"
    assert (resume["from_status"], resume["to_status"], resume["rule"]) == (
        "under_review", "awaiting_agreement", "R24")

    audit = ok(api(world.secretary).get(flow.url("/audit")))
    by_action = {e["action"]: e for e in audit}
    assert by_action["suspend"]["rule"] == "R24"
    assert by_action["suspend"]["before"] == {"status": "agreed"}
    assert by_action["suspend"]["after"]["status"] == "suspended"
    assert by_action["lift_suspension"]["after"]["status"] == "under_review"
    # The institution sees the same record of the hearing it is a remote site of.
    assert "suspend" in [e["action"] for e in ok(api(world.officer).get(flow.url("/audit")))]


def test_r24_a_second_suspension_at_the_same_institution_keeps_the_hearing_until_both_are_lifted(world, api, clock):
    flow = hearing(world, api, clock, at(3, 10))
    first = ok(declare(api, world.officer, reason="mass_riot"), 201)
    second = ok(declare(api, world.officer, reason="escape"), 201)
    assert first["hearing_ids"] == [flow.hearing_id]
    assert SuspendedHearing.objects.filter(hearing_id=flow.hearing_id).count() == 2
    assert second["hearing_ids"] == [flow.hearing_id]
    ok(lift(api, world.officer, first["id"]))
    assert status_of(api, world, flow.hearing_id) == "suspended"
    ok(lift(api, world.officer, second["id"]))
    assert status_of(api, world, flow.hearing_id) == "under_review"
