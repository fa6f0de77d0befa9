"""The Idempotency-Key header on the POSTs that create hearings, petitions, acts and
signatures: a retry with the same key gets the first answer and no second record."""

import datetime as dt
import json

from courtvcs.documents.tests.helpers import act_drawn_up
from courtvcs.hearings.models import Act, Hearing, Petition
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at
from courtvcs.idempotency import services
from courtvcs.idempotency.models import IdempotencyKey


def post(api, user, path, data, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api(user).client.post(f"/api{path}", json.dumps(data, default=str),
                                 content_type="application/json", **headers)


def petition(world, **changes):
    return {"case_number": "1-101/2026", "petitioner_name": "Серіков Асқар",
            "petitioner_role": "defendant", "form": "written", "requested_org_id": world.sizo.pk,
            "mobile_vcs": False, "filed_at": at(1, 8).isoformat(), **changes}


def test_booking_twice_with_one_key_makes_one_hearing_and_the_same_answer(world, api, clock):
    payload = Flow(world, api, clock).payload()
    first = post(api, world.secretary, "/hearings", payload, key="book-1")
    again = post(api, world.secretary, "/hearings", payload, key="book-1")
    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Hearing.objects.count() == 1


def test_the_same_key_with_another_body_is_refused_422(world, api, clock):
    flow = Flow(world, api, clock)
    assert post(api, world.secretary, "/hearings", flow.payload(), key="k").status_code == 201
    other = post(api, world.secretary, "/hearings", flow.payload(duration_minutes=60), key="k")
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["fields"]
    assert Hearing.objects.count() == 1


def test_petition_twice_with_one_key_is_one_petition(world, api, clock):
    first = post(api, world.secretary, "/petitions", petition(world), key="p-1")
    again = post(api, world.secretary, "/petitions", petition(world), key="p-1")
    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json()
    assert Petition.objects.count() == 1
    # Without the header each POST is its own petition, as before.
    assert post(api, world.secretary, "/petitions", petition(world)).status_code == 201
    assert Petition.objects.count() == 2


def test_keys_belong_to_the_person_who_sent_them(world, api, clock):
    assert post(api, world.secretary, "/petitions", petition(world), key="shared").status_code == 201
    assert post(api, world.judge, "/petitions", petition(world), key="shared").status_code == 201
    assert Petition.objects.count() == 2


def test_act_and_signature_retried_with_their_keys_are_recorded_once(world, api, clock):
    flow, fault, act = act_drawn_up(world, api, clock)
    Act.objects.filter(pk=act["id"]).delete()  # drawn up again below, this time with a key
    first = post(api, world.secretary, flow.url("/acts"), {"fault_id": fault["id"]}, key="act-1")
    retry = post(api, world.secretary, flow.url("/acts"), {"fault_id": fault["id"]}, key="act-1")
    assert first.status_code == retry.status_code == 201, first.content
    assert retry.json() == first.json()
    assert Act.objects.count() == 1
    act_id = first.json()["id"]
    signed = post(api, world.office_head, f"/acts/{act_id}/sign", {}, key="sig-1")
    resigned = post(api, world.office_head, f"/acts/{act_id}/sign", {}, key="sig-1")
    assert signed.status_code == resigned.status_code == 200, signed.content
    assert resigned.json() == signed.json()
    assert len(Act.objects.get(pk=act_id).signatures.all()) == 1


def test_a_key_whose_first_request_is_still_running_answers_409_in_progress(world, api, clock):
    body = json.dumps(petition(world)).encode()
    IdempotencyKey.objects.create(user=world.secretary, key="busy", route="/api/petitions",
                                  request_hash=services.request_hash(route="/api/petitions", body=body))
    answer = api(world.secretary).client.post("/api/petitions", body, content_type="application/json",
                                              HTTP_IDEMPOTENCY_KEY="busy")
    assert answer.status_code == 409
    assert answer["Retry-After"]
    assert Petition.objects.count() == 0


def test_one_row_per_person_and_key_even_when_two_requests_meet(world):
    record, mine = services.claim(user=world.secretary, key="k", route="/api/petitions", digest="a")
    again, also_mine = services.claim(user=world.secretary, key="k", route="/api/petitions", digest="a")
    assert mine and not also_mine and again.pk == record.pk
    assert IdempotencyKey.objects.count() == 1


def test_keys_expire_after_a_day_and_the_task_forgets_them(world, api, clock):
    assert post(api, world.secretary, "/petitions", petition(world), key="old").status_code == 201
    clock.move_to(at(1, 9) + dt.timedelta(hours=23))
    assert services.delete_expired() == 0
    clock.move_to(at(1, 9) + dt.timedelta(hours=25))
    assert services.delete_expired() == 1
    assert post(api, world.secretary, "/petitions", petition(world), key="old").status_code == 201
    assert Petition.objects.count() == 2


def test_an_unusable_key_is_422_not_a_server_error(world, api, clock):
    answer = post(api, world.secretary, "/petitions", petition(world), key="x" * 300)
    assert answer.status_code == 422
    assert Petition.objects.count() == 0
