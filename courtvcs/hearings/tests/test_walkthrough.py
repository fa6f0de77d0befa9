"""A hearing from booking to close over the API, each step by the person the Rules name."""

from courtvcs.audit.models import AuditEntry

from .flow import Flow


def test_r8_r10_r22_hearing_walks_from_booking_to_close(world, api, clock):
    flow = Flow(world, api, clock)
    assert flow.to("in_session")["status"] == "in_session"
    judge, secretary = api(world.judge), api(world.secretary)
    hearing = flow.detail()
    defendant = next(p for p in hearing["participants"] if p["procedural_role"] == "defendant")
    r = api(world.officer).post(flow.url("/attendance"), {
        "participant_id": defendant["id"], "result": "admitted", "document": "ID 012345678",
        "authority": "defendant in person"})
    assert r.status_code == 201, r.content
    assert judge.post(flow.url("/break"), {"reason": "frozen picture"}).json()["status"] == "technical_break"
    assert secretary.post(flow.url("/reconnect")).json()["status"] == "in_session"
    assert secretary.post(flow.url("/close")).json()["status"] == "closed"
    kinds = [e["kind"] for e in secretary.get(flow.url("/timeline")).json()]
    for kind in ["booked", "decide", "agree", "test_session_requested", "send_letters", "connect",
                 "call_in", "attendance_checked", "declare_break", "reconnect", "close"]:
        assert kind in kinds
    assert AuditEntry.objects.filter(hearing_id=flow.hearing_id).count() >= len(kinds)
