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


def test_r14_an_endpoints_history_is_for_its_organisation_and_the_coordinators_of_its_slots(world, api):
    """The history names who changed the status: the detention centre's own technician, its
    region's coordinator (R11) and the Department (R12) read it; another court does not."""
    url = f"/endpoints/{world.sizo_room.pk}/history"
    assert api(world.sizo_technician).post(f"/endpoints/{world.sizo_room.pk}/status",
                                           {"status": "faulty", "note": "codec"}).status_code == 200
    for reader in (world.sizo_technician, world.officer, world.coordinator, world.dep_coordinator):
        body = api(reader).get(url).json()
        assert body["changes"][0]["note"] == "codec", reader.username
    for stranger in (world.secretary, world.other_coordinator, world.other_officer, world.other_secretary):
        answer = api(stranger).get(url)
        assert answer.status_code == 404 and "codec" not in answer.content.decode(), stranger.username
