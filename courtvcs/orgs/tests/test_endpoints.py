from courtvcs.audit.models import AuditEntry


def test_r14_endpoint_history_shows_each_status_change_with_who_and_when(world, api):
    tech = api(world.technician)
    assert tech.post(f"/endpoints/{world.room.pk}/status", {"status": "faulty", "note": "camera"}).status_code == 200
    assert tech.post(f"/endpoints/{world.room.pk}/status", {"status": "operable"}).status_code == 200
    body = api(world.secretary).get(f"/endpoints/{world.room.pk}/history").json()
    assert body["endpoint"]["status"] == "operable"
    assert [(c["from_status"], c["to_status"]) for c in body["changes"]] == [
        ("faulty", "operable"), ("operable", "faulty")]
    assert body["changes"][1]["note"] == "camera"
    assert AuditEntry.objects.filter(action="endpoint_status", object_id=str(world.room.pk)).count() == 2


def test_r7_secretary_adds_a_participant_before_the_hearing_day(world, api, clock):
    from courtvcs.hearings.tests.flow import Flow

    flow = Flow(world, api, clock)
    flow.book()
    r = api(world.secretary).post(flow.url("/participants"), {
        "full_name": "Омарова Жанна", "procedural_role": "witness", "mode": "mobile_vcs",
        "email": "w@example.kz"})
    assert r.status_code == 201, r.content
    names = [p["full_name"] for p in flow.detail()["participants"]]
    assert "Омарова Жанна" in names
    r = api(world.bailiff).post(flow.url("/participants"), {
        "full_name": "Кто-то", "procedural_role": "witness", "mode": "courtroom"})
    assert r.status_code == 403
