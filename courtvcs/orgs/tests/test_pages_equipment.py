"""The equipment board in the browser (R14): the technical specialist keeps the endpoints of
his court or institution operable and says when they are not; the others of the
organisation see the board read-only."""

import pytest

from courtvcs.audit.models import AuditEntry
from courtvcs.hearings.tests.world import at
from courtvcs.orgs.models import EndpointBlock, EndpointStatusChange, User
from courtvcs.orgs.tests.factories import EndpointFactory


def get(client, user, url="/equipment/", language="en", **headers):
    client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language, **headers)


def post(client, user, url, data, htmx=True):
    client.force_login(user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url, data, **headers)


def set_status(client, user, endpoint, status, note="", **kw):
    return post(client, user, f"/equipment/{endpoint.pk}/status/",
                {f"st{endpoint.pk}-status": status, f"st{endpoint.pk}-note": note}, **kw)


def block(client, user, endpoint, starts, ends, reason="Codec firmware update", **kw):
    return post(client, user, f"/equipment/{endpoint.pk}/block/",
                {f"b{endpoint.pk}-starts_at": starts, f"b{endpoint.pk}-ends_at": ends,
                 f"b{endpoint.pk}-reason": reason}, **kw)


def text(response) -> str:
    return response.content.decode()


def test_r14_the_technician_sees_every_endpoint_of_his_court(world, client):
    response = get(client, world.technician)
    body = text(response)
    assert response.status_code == 200
    assert f'data-endpoint="{world.room.pk}"' in body and f'data-endpoint="{world.room2.pk}"' in body
    assert f'data-endpoint="{world.other_room.pk}"' not in body
    assert f'data-endpoint="{world.sizo_room.pk}"' not in body
    assert body.count('data-status="operable"') == 2
    assert f'name="st{world.room.pk}-status"' in body and 'type="datetime-local"' in body


def test_r14_the_technician_marks_an_endpoint_faulty_with_a_note(world, client):
    response = set_status(client, world.technician, world.room, "faulty", "The camera does not start")
    body = text(response)
    assert response.status_code == 200, body
    world.room.refresh_from_db()
    assert world.room.status == "faulty" and world.room.status_changed_at == at(1, 9)
    change = EndpointStatusChange.objects.get(endpoint=world.room)
    assert (change.from_status, change.to_status, change.by, change.note) == (
        "operable", "faulty", world.technician, "The camera does not start")
    assert AuditEntry.objects.filter(action="endpoint_status", rule="R14", object_id=str(world.room.pk)).exists()
    # The board shows the new status, when it changed and who changed it.
    assert 'data-status="faulty"' in body and "01.12.2026 09:00" in body
    assert world.technician.display_name in body and "The camera does not start" in body
    assert "<html" not in body and 'id="board"' in body
    # A classic post is redirected back to the board.
    response = set_status(client, world.technician, world.room, "maintenance", htmx=False)
    assert response.status_code == 302 and response["Location"] == "/equipment/"
    world.room.refresh_from_db()
    assert world.room.status == "maintenance"


def test_r14_the_history_of_an_endpoint_opens_on_demand(world, client, clock):
    set_status(client, world.technician, world.room, "faulty", "Camera")
    clock.move_to(at(1, 11))
    set_status(client, world.technician, world.room, "operable", "Camera replaced")
    block(client, world.technician, world.room, "2026-12-05T09:00", "2026-12-05T13:00")

    response = get(client, world.secretary, f"/equipment/{world.room.pk}/history/", HTTP_HX_REQUEST="true")
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert body.index("Camera replaced") < body.index("01.12.2026 09:00")  # newest first
    assert "05.12.2026 09:00" in body and "Codec firmware update" in body
    # Without JavaScript the same history opens inside the page.
    response = get(client, world.secretary, f"/equipment/{world.room.pk}/history/")
    assert response.status_code == 302 and response["Location"] == f"/equipment/?history={world.room.pk}#e{world.room.pk}"
    assert "Camera replaced" in text(get(client, world.secretary, f"/equipment/?history={world.room.pk}"))
    # Another court's endpoint has no history here.
    assert get(client, world.other_technician, f"/equipment/{world.room.pk}/history/",
               HTTP_HX_REQUEST="true").status_code == 404


def test_r14_the_technician_adds_a_maintenance_period(world, client):
    response = block(client, world.technician, world.room2, "2026-12-04T09:00", "2026-12-04T12:00")
    body = text(response)
    assert response.status_code == 200, body
    b = EndpointBlock.objects.get(endpoint=world.room2)
    assert (b.starts_at, b.ends_at, b.reason, b.created_by) == (at(4, 9), at(4, 12), "Codec firmware update",
                                                                 world.technician)
    assert "04.12.2026 09:00" in body and "04.12.2026 12:00" in body


def test_r14_a_period_ending_before_it_starts_is_refused_next_to_the_field(world, client):
    response = block(client, world.technician, world.room2, "2026-12-04T12:00", "2026-12-04T09:00")
    body = text(response)
    assert response.status_code == 400, body
    assert 'id="refusal"' in body and "The end must be after the start." in body
    assert f'id="id_b{world.room2.pk}-ends_at_error"' in body  # the field's own message
    assert 'value="2026-12-04T12:00"' in body and 'value="2026-12-04T09:00"' in body  # what was typed
    assert not EndpointBlock.objects.exists()


def test_r14_others_of_the_court_see_the_board_read_only(world, client):
    set_status(client, world.technician, world.room, "faulty", "Camera")
    for user in (world.secretary, world.judge, world.office_head):
        body = text(get(client, user))
        assert f'data-endpoint="{world.room.pk}"' in body and 'data-status="faulty"' in body
        assert f'name="st{world.room.pk}-status"' not in body and "You see the board read-only." in body
    response = set_status(client, world.secretary, world.room, "operable")
    body = text(response)
    assert response.status_code == 403 and 'id="refusal"' in body and "(R14)" in body
    world.room.refresh_from_db()
    assert world.room.status == "faulty"


def test_r14_a_technician_of_another_organisation_cannot_change_the_endpoint(world, client):
    body = text(get(client, world.sizo_technician))
    assert f'data-endpoint="{world.sizo_room.pk}"' in body and f'data-endpoint="{world.room.pk}"' not in body
    response = set_status(client, world.sizo_technician, world.room, "faulty")
    assert response.status_code == 403 and "(R14)" in text(response)
    response = block(client, world.other_technician, world.room, "2026-12-04T09:00", "2026-12-04T12:00")
    assert response.status_code == 403
    world.room.refresh_from_db()
    assert world.room.status == "operable" and not EndpointBlock.objects.exists()
    assert not EndpointStatusChange.objects.exists()


def test_r14_an_administrator_without_an_organisation_has_no_board(world, client):
    admin = User.objects.create_superuser("root", "root@example.kz", "x")
    assert get(client, admin).status_code == 403


def test_r14_the_board_reads_in_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    set_status(client, world.technician, world.room, "faulty")
    client.force_login(world.technician)
    with django_assert_max_num_queries(12) as first:
        client.get("/equipment/")
    n = len(first)
    for i in range(5):
        EndpointFactory(organisation=world.court, room_number=f"2{i:02d}")
    set_status(client, world.technician, world.room2, "maintenance")
    with django_assert_max_num_queries(n):
        assert text(client.get("/equipment/")).count("data-endpoint=") == 7


@pytest.mark.parametrize("language, words", [("kk", ["Жұмысқа жарамды", "Ақаулы"]),
                                             ("ru", ["Работоспособно", "Неисправно"])])
def test_r14_the_board_speaks_kazakh_and_russian(world, client, language, words):
    set_status(client, world.technician, world.room, "faulty")
    world.technician.language = language
    world.technician.save(update_fields=["language"])
    body = text(get(client, world.technician, language=language))
    assert f'lang="{language}"' in body
    for word in words:
        assert word in body
