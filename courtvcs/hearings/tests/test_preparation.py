"""R13: the test-session request, the test session and its result, and the letter.

The hearing in these tests starts on Thursday 3 December 2026 at 10:00 Astana time, so
the test session must take place before 3 Dec 00:00 Astana (2 Dec 19:00 UTC).
"""

import datetime as dt

from courtvcs.audit.models import AuditEntry

from .flow import Flow
from .world import at
from courtvcs.hearings.tests.answers import inbox, ok

UTC = dt.UTC


def refused(response, status=409, rule="R13"):
    assert response.status_code == status, (response.status_code, response.content.decode())
    body = response.json()
    if status == 409:
        assert body["rule"] == rule, body
        assert body["detail"].startswith(f"{rule}: "), body
    return body


def timeline(api, flow, kind):
    events = ok(api(flow.w.secretary).get(flow.url("/timeline")))
    return [e for e in events if e["kind"] == kind]


def two_site_flow(world, api, clock):
    """A hearing with the detention centre and another court as remote sites."""
    return Flow(world, api, clock, remote=[world.sizo_room, world.burabay_room])


def schedule(api, user, test_id, when):
    return api(user).post(f"/test-sessions/{test_id}/schedule", {"scheduled_at": when.isoformat()})


def result(api, user, test_id, passed=True, notes="ok"):
    return api(user).post(f"/test-sessions/{test_id}/result", {"passed": passed, "notes": notes})


# ---- the request ------------------------------------------------------------------------

def test_r13_test_session_request_goes_to_technicians_one_per_remote_site(world, api, clock):
    flow = two_site_flow(world, api, clock)
    flow.book()
    flow.decide()
    body = ok(api(world.secretary).post(flow.url("/test-sessions")), 201)

    sites = {s["endpoint_id"]: s["id"] for s in flow.detail()["remote_sites"]}
    assert sorted(t["remote_site_id"] for t in body) == sorted(sites.values())
    assert len(body) == 2
    for t in body:
        assert t["status"] == "requested"
        assert t["hearing_id"] == flow.hearing_id
        # No later than one day before the hearing: before the hearing's day begins in Astana.
        assert dt.datetime.fromisoformat(t["must_be_held_before"]) == at(3, 0)
        assert dt.datetime.fromisoformat(t["must_be_held_before"]) == dt.datetime(2026, 12, 2, 19, 0,
                                                                                 tzinfo=UTC)
    # The court's technical specialist gets one request per remote site, the detention
    # centre's technician the one for its own room.
    court_items = inbox(api, world.technician, "test_session_requested")
    assert len(court_items) == 2
    assert all(n["hearing_id"] == flow.hearing_id for n in court_items)
    assert "02.12.2026 23:59" in court_items[0]["body"]
    assert len(inbox(api, world.sizo_technician, "test_session_requested")) == 1
    assert inbox(api, world.secretary, "test_session_requested") == []
    # Both are in the technician's queue, soonest deadline first.
    queue = ok(api(world.technician).get("/test-sessions"))
    assert sorted(t["id"] for t in queue) == sorted(t["id"] for t in body)
    events = timeline(api, flow, "test_session_requested")
    assert len(events) == 1 and events[0]["rule"] == "R13"
    assert sorted(events[0]["data"]["sites"]) == sorted(sites.values())
    # One audit row per test session (the timeline event has its own).
    assert AuditEntry.objects.filter(hearing_id=flow.hearing_id, action="test_session_requested",
                                     rule="R13", object_type="hearings.testsession").count() == 2

    # Asking again while both are open adds nothing.
    again = refused(api(world.secretary).post(flow.url("/test-sessions")))
    assert "already" in again["detail"]
    assert len(flow.detail()["test_sessions"]) == 2


def test_r13_only_the_secretary_requests_a_test_session(world, api, clock):
    flow = Flow(world, api, clock)
    flow.book()
    flow.decide()
    for user in [world.judge, world.technician, world.bailiff, world.office_head, world.coordinator,
                 world.officer, world.sizo_technician]:
        r = api(user).post(flow.url("/test-sessions"))
        assert r.status_code == 403, (user.username, r.status_code, r.content)
    # A secretary of another court does not even see the hearing.
    assert api(world.other_secretary).post(flow.url("/test-sessions")).status_code == 404
    assert flow.detail()["test_sessions"] == []
    assert ok(api(world.secretary).post(flow.url("/test-sessions")), 201)[0]["status"] == "requested"


def test_r13_no_test_session_before_the_judge_decides(world, api, clock):
    flow = Flow(world, api, clock)
    flow.book()
    refused(api(world.secretary).post(flow.url("/test-sessions")))
    assert flow.detail()["test_sessions"] == []


# ---- scheduling -------------------------------------------------------------------------

def test_r13_test_session_must_be_a_day_before_hearing(world, api, clock):
    """Counted in Kazakhstan time: 2 Dec 23:59 Astana is allowed, 3 Dec 00:00 Astana is not,
    although both are on 2 December in UTC (18:59 and 19:00)."""
    flow = Flow(world, api, clock)
    flow.book()
    flow.decide()
    [test_id] = [t["id"] for t in flow.request_tests()]
    tech = world.technician

    last_minute = at(2, 23, 59)
    assert last_minute == dt.datetime(2026, 12, 2, 18, 59, tzinfo=UTC)
    body = ok(schedule(api, tech, test_id, last_minute))
    assert body["status"] == "scheduled"
    assert dt.datetime.fromisoformat(body["scheduled_at"]) == last_minute

    midnight = at(3, 0)
    assert midnight == dt.datetime(2026, 12, 2, 19, 0, tzinfo=UTC)
    refusal = refused(schedule(api, tech, test_id, midnight))
    assert "03.12.2026 00:00" in refusal["detail"]
    # The same instants written in UTC: 18:59Z is allowed, 19:00Z is the hearing's day.
    refused(api(tech).post(f"/test-sessions/{test_id}/schedule", {"scheduled_at": "2026-12-02T19:00:00Z"}))
    ok(api(tech).post(f"/test-sessions/{test_id}/schedule", {"scheduled_at": "2026-12-02T18:59:00Z"}))
    # A time given without a zone is taken as Kazakhstan time.
    refused(api(tech).post(f"/test-sessions/{test_id}/schedule", {"scheduled_at": "2026-12-03T00:00:00"}))
    # On the hearing's day itself, or after it: refused.
    refused(schedule(api, tech, test_id, at(3, 9)))
    refused(schedule(api, tech, test_id, at(4, 9)))

    [ts] = flow.detail()["test_sessions"]
    assert ts["status"] == "scheduled"
    assert dt.datetime.fromisoformat(ts["scheduled_at"]) == last_minute
    assert AuditEntry.objects.filter(hearing_id=flow.hearing_id, action="test_session_scheduled",
                                     object_type="hearings.testsession").count() == 2
    assert len(inbox(api, world.officer, "test_session_scheduled")) == 2
    assert len(inbox(api, world.secretary, "test_session_scheduled")) == 2


def test_r13_technical_specialist_schedules_not_the_secretary(world, api, clock):
    flow = Flow(world, api, clock)
    flow.book()
    flow.decide()
    [test_id] = [t["id"] for t in flow.request_tests()]
    for user in [world.secretary, world.judge, world.officer]:
        assert schedule(api, user, test_id, at(2, 11)).status_code == 403, user.username
    # Another court's technician cannot see it at all.
    assert schedule(api, world.other_technician, test_id, at(2, 11)).status_code == 404
    # The detention centre's own technician may schedule it, as may the court's.
    assert ok(schedule(api, world.sizo_technician, test_id, at(2, 11)))["status"] == "scheduled"
    assert ok(schedule(api, world.technician, test_id, at(2, 12)))["status"] == "scheduled"


def test_r13_test_session_cannot_be_scheduled_in_the_past(world, api, clock):
    flow = Flow(world, api, clock)
    flow.book()
    flow.decide()
    [test_id] = [t["id"] for t in flow.request_tests()]
    body = schedule(api, world.technician, test_id, at(1, 8))
    assert body.status_code == 400, body.content
    assert "scheduled_at" in body.json()["fields"]


# ---- the result -------------------------------------------------------------------------

def test_r13_result_after_the_deadline_is_refused(world, api, clock):
    flow = two_site_flow(world, api, clock)
    flow.book()
    flow.decide()
    first, second = [t["id"] for t in flow.request_tests()]
    for test_id in (first, second):
        ok(schedule(api, world.technician, test_id, at(2, 23, 30)))

    clock.move_to(at(2, 23, 59))
    assert ok(result(api, world.technician, first))["status"] == "passed"
    clock.move_to(at(3, 0))  # 2 Dec 19:00 UTC: the hearing's day has begun in Astana.
    refused(result(api, world.technician, second))
    statuses = {t["id"]: t["status"] for t in flow.detail()["test_sessions"]}
    assert statuses == {first: "passed", second: "scheduled"}
    # It is too late to ask for another test as well.
    refused(api(world.secretary).post(flow.url("/test-sessions")))


def test_r13_failed_test_needs_notes(world, api, clock):
    flow = Flow(world, api, clock)
    flow.book()
    flow.decide()
    [test_id] = [t["id"] for t in flow.request_tests()]
    for notes in ["", "   "]:
        r = result(api, world.technician, test_id, passed=False, notes=notes)
        assert r.status_code == 400, r.content
        assert "notes" in r.json()["fields"]
    assert flow.detail()["test_sessions"][0]["status"] == "requested"
    body = ok(result(api, world.technician, test_id, passed=False, notes="  no sound from VCS-1  "))
    assert body["status"] == "failed" and body["notes"] == "no sound from VCS-1"
    assert body["held_at"] is not None
    # A finished test cannot be recorded twice.
    refused(result(api, world.technician, test_id))


def test_r13_failed_test_keeps_hearing_from_ready_until_a_retest_passes(world, api, clock):
    flow = Flow(world, api, clock)
    flow.book()
    flow.decide()
    flow.agree()
    [test_id] = [t["id"] for t in flow.request_tests()]
    clock.move_to(at(2, 9))
    ok(result(api, world.technician, test_id, passed=False, notes="the institution's camera is dark"))
    [note] = inbox(api, world.secretary, "test_session_result")
    assert "the institution's camera is dark" in note["body"]
    assert timeline(api, flow, "test_session_failed")[0]["rule"] == "R13"

    body = refused(api(world.secretary).post(flow.url("/letters")))
    assert "test" in body["detail"]
    hearing = flow.detail()
    assert hearing["status"] == "agreed" and hearing["letters"] == []
    # A retest: the secretary asks again, the technician passes it, then the letters go.
    [retest] = ok(api(world.secretary).post(flow.url("/test-sessions")), 201)
    assert retest["id"] != test_id
    clock.move_to(at(2, 15))
    ok(result(api, world.technician, retest["id"]))
    letters = ok(api(world.secretary).post(flow.url("/letters")), 201)
    assert len(letters) == 1
    assert flow.detail()["status"] == "ready"


def test_r13_failed_test_on_a_ready_hearing_takes_it_back_to_agreed(world, api, clock):
    flow = Flow(world, api, clock)
    assert flow.to("ready")["status"] == "ready"
    [retest] = ok(api(world.secretary).post(flow.url("/test-sessions")), 201)
    clock.move_to(at(2, 16))
    ok(result(api, world.sizo_technician, retest["id"], passed=False, notes="link drops every minute"))

    hearing = flow.detail()
    assert hearing["status"] == "agreed"
    [event] = timeline(api, flow, "test_failed")
    assert (event["from_status"], event["to_status"], event["rule"]) == ("ready", "agreed", "R13")
    assert event["data"]["notes"] == "link drops every minute"
    # Not ready: no new letter until a test passes, and no connecting on the day.
    refused(api(world.secretary).post(flow.url("/letters")))
    clock.move_to(at(3, 9, 35))
    refused(api(world.secretary).post(flow.url("/connect")), rule="R15")


# ---- the letter -------------------------------------------------------------------------

def test_r13_letter_goes_to_each_remote_sites_organisation(world, api, clock):
    flow = two_site_flow(world, api, clock)
    flow.to("tested")
    letters = ok(api(world.secretary).post(flow.url("/letters")), 201)
    by_org = {x["recipient_org_id"]: x for x in letters}
    assert set(by_org) == {world.sizo.pk, world.burabay_court.pk}
    assert all(x["acknowledged_at"] is None for x in letters)
    assert all(dt.datetime.fromisoformat(x["hearing_starts_at"]) == at(3, 10) for x in letters)
    assert flow.detail()["status"] == "ready"

    # Each organisation sees its own letter, in its inbox and among its notifications.
    [sizo_letter] = ok(api(world.officer).get("/letters"))
    assert sizo_letter["id"] == by_org[world.sizo.pk]["id"]
    [court_letter] = ok(api(world.burabay_secretary).get("/letters"))
    assert court_letter["id"] == by_org[world.burabay_court.pk]["id"]
    assert ok(api(world.other_officer).get("/letters")) == []
    assert len(inbox(api, world.officer, "letter")) == 1
    assert len(inbox(api, world.sizo_technician, "letter")) == 1
    assert len(inbox(api, world.burabay_secretary, "letter")) == 1
    assert inbox(api, world.other_officer, "letter") == []

    # Another institution's officer, and this officer for the other court's letter: 404.
    assert api(world.other_officer).post(f"/letters/{sizo_letter['id']}/acknowledge").status_code == 404
    assert api(world.officer).post(f"/letters/{court_letter['id']}/acknowledge").status_code == 404

    clock.move_to(at(2, 11))
    acked = ok(api(world.officer).post(f"/letters/{sizo_letter['id']}/acknowledge"))
    assert dt.datetime.fromisoformat(acked["acknowledged_at"]) == at(2, 11)
    [note] = inbox(api, world.secretary, "letter_acknowledged")
    assert note["hearing_id"] == flow.hearing_id
    [event] = timeline(api, flow, "letter_acknowledged")
    assert event["rule"] == "R13" and event["data"]["letter"] == sizo_letter["id"]
    assert event["actor"]
    assert ok(api(world.officer).get("/letters", unacknowledged=True)) == []
    # Acknowledging again changes nothing and tells nobody twice.
    clock.move_to(at(2, 12))
    again = ok(api(world.officer).post(f"/letters/{sizo_letter['id']}/acknowledge"))
    assert again["acknowledged_at"] == acked["acknowledged_at"]
    assert len(inbox(api, world.secretary, "letter_acknowledged")) == 1
    assert AuditEntry.objects.filter(hearing_id=flow.hearing_id, action="letter_acknowledged",
                                     rule="R13", object_type="hearings.letter").count() == 1


def test_r13_only_the_secretary_sends_letters(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("tested")
    for user in [world.judge, world.technician, world.officer]:
        assert api(user).post(flow.url("/letters")).status_code == 403, user.username
    assert flow.detail()["letters"] == []


def test_r13_adjournment_to_a_new_date_needs_a_new_test(world, api, clock):
    flow = Flow(world, api, clock)
    assert flow.to("in_session")["status"] == "in_session"
    ok(api(world.judge).post(flow.url("/adjourn"), {"reason": "the interpreter is ill",
                                                    "next_starts_at": at(10, 10).isoformat()}))
    hearing = flow.detail()
    assert hearing["status"] == "awaiting_agreement"
    assert dt.datetime.fromisoformat(hearing["starts_at"]) == at(10, 10)
    flow.agree()

    # The test passed on 2 December was for the old date: it does not count any more.
    assert [t["status"] for t in flow.detail()["test_sessions"]] == ["passed"]
    body = refused(api(world.secretary).post(flow.url("/letters")))
    assert "test" in body["detail"]
    assert flow.detail()["status"] == "agreed"

    flow.starts_at = at(10, 10)
    flow.request_tests()
    [new_test] = flow.test_ids
    assert dt.datetime.fromisoformat(flow.detail()["test_sessions"][-1]["must_be_held_before"]) == at(10, 0)
    flow.pass_tests()  # on 9 December
    letters = ok(api(world.secretary).post(flow.url("/letters")), 201)
    assert dt.datetime.fromisoformat(letters[0]["hearing_starts_at"]) == at(10, 10)
    assert flow.detail()["status"] == "ready"
    assert new_test in [t["id"] for t in flow.detail()["test_sessions"] if t["status"] == "passed"]


def test_r13_adjournment_cancels_a_test_still_open_for_the_old_date(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("ready")
    [extra] = ok(api(world.secretary).post(flow.url("/test-sessions")), 201)  # asked, never held
    flow.connect()
    flow.call_in()
    ok(api(world.judge).post(flow.url("/adjourn"), {"reason": "a witness is missing",
                                                    "next_starts_at": at(10, 10).isoformat()}))
    statuses = {t["id"]: t["status"] for t in flow.detail()["test_sessions"]}
    assert statuses[extra["id"]] == "cancelled"
    assert ok(api(world.technician).get("/test-sessions")) == []
    # The old request does not block the new one, which is due before the new date.
    [new] = ok(api(world.secretary).post(flow.url("/test-sessions")), 201)
    assert dt.datetime.fromisoformat(new["must_be_held_before"]) == at(10, 0)
