"""Issue 7: every API operation and page, for every role, against objects of its own and of
another court, institution and hearing. See matrix.py for what a cell is; EXPECTED_ALLOW
says who may, per route and object; the figure is printed (run with -s) and kept in
docs/security.md."""

import os

import pytest

from courtvcs.documents.tests.helpers import generate
from courtvcs.hearings.models import Hearing, Letter, Participant
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.test_access import karaganda
from courtvcs.notifications.models import Notification

from .expected import EXPECTED_ALLOW, NOT_IN_MATRIX
from .matrix import PEOPLE, api_routes, page_routes


def objects(world, api, clock):
    """Ids for the path parameters: "own" are those of the Kokshetau court's hearing (ready,
    with the Akmola detention centre and the Burabay court as remote sites); "other" those
    of the Karaganda city court (another region, another detention centre)."""
    flow = Flow(world, api, clock, remote=[world.sizo_room, world.burabay_room])
    flow.to("ready")
    other = karaganda(world, api)
    own = Hearing.objects.get(pk=flow.hearing_id)
    letter = Letter.objects.filter(hearing=own).first()
    document = generate(api, world.secretary, own.pk, "letter", letter.pk)[0]
    return {
        "own": {"hearing_id": own.pk, "test_session_id": flow.test_ids[0],
                "letter_id": letter.pk, "document_id": document["id"], "fmt": "pdf",
                "endpoint_id": world.room.pk, "court_id": world.court.pk,
                "participant_id": Participant.objects.filter(hearing=own).first().pk,
                "notification_id": Notification.objects.first().pk},
        "other": {"hearing_id": other, "endpoint_id": world.other_room.pk,
                  "court_id": world.other_court.pk,
                  "participant_id": Participant.objects.filter(hearing_id=other).first().pk},
    }


def outcome(response) -> str:
    status = response.status_code
    assert status < 500, (status, response.content[:300])
    if status == 405:
        return "n/a"
    if status in (401, 403, 404):
        return "deny"
    if status in (301, 302, 303) and "signin" in response.get("Location", ""):
        return "deny"
    if status < 400:
        return "allow"
    return f"other:{status}"


def ask(client, route, path):
    if route.kind == "api":
        if route.method == "GET":
            return client.get(path)
        return client.generic(route.method, path, b"{}", content_type="application/json")
    return client.get(path)


@pytest.mark.django_db
def test_every_route_has_an_access_entry():
    named = set(EXPECTED_ALLOW) | set(NOT_IN_MATRIX)
    missing = [str(r) for r in api_routes() + page_routes() if str(r) not in named]
    assert not missing, f"routes without an access entry (tests/access/expected.py): {missing}"


def test_access_matrix_every_route_every_role_own_and_other(world, api, clock, capsys):
    ids = objects(world, api, clock)
    clients = {name: api(getattr(world, attr) if attr else None).client for name, attr in PEOPLE.items()}
    cells = allows = denies = wrong_allows = wrong_denies = 0
    wrong, seen = [], {}
    for route in api_routes() + page_routes():
        if str(route) in NOT_IN_MATRIX or (route.kind == "api" and route.method != "GET"):
            continue
        for subject, values in ids.items():
            if not route.params and subject == "other":
                continue
            if not all(p in values for p in route.params):
                continue
            path = route.path.format(**values)
            for name, client in clients.items():
                got = outcome(ask(client, route, path))
                seen.setdefault(str(route), {}).setdefault(subject, {})[name] = got
                if got == "n/a":
                    continue
                cells += 1
                expected = EXPECTED_ALLOW.get(str(route), {}).get(subject, set())
                should = "allow" if name in expected else "deny"
                allows += got == "allow"
                denies += got == "deny"
                if got != should:
                    wrong.append((str(route), subject, name, got, should))
                    wrong_allows += got == "allow"
                    wrong_denies += got != "allow"
    if os.environ.get("ACCESS_MATRIX_DISCOVER"):
        for route, subjects in seen.items():
            print(repr(route), {s: sorted(n for n, g in r.items() if g == "allow") for s, r in subjects.items()})
    with capsys.disabled():
        print(f"\naccess matrix: {cells} cells, {allows} allows, {denies} denies, "
              f"{wrong_allows} wrong allows, {wrong_denies} wrong denies")
    assert wrong_allows == 0, [w for w in wrong if w[3] == "allow"]
    assert not wrong, wrong
