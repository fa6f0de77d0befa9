"""Issue 7: every state-changing API operation, for every role, against objects of its own and
of another court, institution and hearing.

Each request is sent with a body that passes the operation's schema (made from the OpenAPI
document) and runs inside a savepoint that is rolled back, so every cell starts from the
same state. A cell is "deny" when the answer is 401, 403 or 404; "allow" when the person
got past the role and organisation checks: the change was made (2xx) or refused on its
content or by a Rule (400, 409). A 422 means the generated body did not fit the schema:
the cell proves nothing and fails the test. Who may is in expected_writes.py.
"""

import copy
import datetime as dt
import json
import os

import pytest
from django.db import transaction

from courtvcs import kztime
from courtvcs.api import api as ninja_api
from courtvcs.hearings.models import Act, FaultReport, Hearing, Letter
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.test_access import karaganda
from courtvcs.notifications.models import Notification

from .expected_writes import EXPECTED_WRITE, NOT_IN_WRITE_MATRIX
from .matrix import PEOPLE, api_routes

pytestmark = pytest.mark.django_db


def objects(world, api, clock) -> dict:
    """"own": the Kokshetau court's hearings (one ready, one connected with a fault and an
    act); "other": the Karaganda city court's hearing."""
    other = karaganda(world, api)  # booked while its day is still ahead
    ready = Flow(world, api, clock, remote=[world.sizo_room, world.burabay_room])
    live = Flow(world, api, clock, starts_at=ready.starts_at + dt.timedelta(hours=3))
    for flow in (ready, live):
        for step in ("book", "decide", "agree", "request_tests"):
            getattr(flow, step)()
    first_test = (ready.starts_at - dt.timedelta(days=1)).replace(hour=9, minute=30)
    ready.pass_tests(first_test)
    live.pass_tests(first_test + dt.timedelta(hours=1))
    for flow in (ready, live):
        flow.send_letters()
    live.connect()
    fault = api(world.secretary).post(live.url("/faults"), {"description": "No picture"}).json()
    api(world.technician).post(f"/faults/{fault['id']}/resolution",
                               {"fixed": False, "resolution": "The codec is broken"})
    act = api(world.secretary).post(live.url("/acts"), {"fault_id": fault["id"]}).json()
    own = Hearing.objects.get(pk=ready.hearing_id)
    return {
        "own": {"hearing_id": own.pk, "test_session_id": ready.test_ids[0],
                "letter_id": Letter.objects.filter(hearing=own).first().pk,
                "endpoint_id": world.room.pk, "fault_id": FaultReport.objects.get(pk=fault["id"]).pk,
                "act_id": Act.objects.get(pk=act["id"]).pk,
                "notification_id": Notification.objects.filter(recipient=world.secretary).first().pk},
        "other": {"hearing_id": other, "endpoint_id": world.other_room.pk},
    }


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def example(schema: dict, components: dict):
    """The smallest value that fits `schema` (required fields only)."""
    schema = _resolve(schema, components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s, components).get("type") != "null"]
            return example(options[0], components)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object":
        return {name: example(prop, components) for name, prop in schema.get("properties", {}).items()
                if name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date-time":
        return (kztime.now() + dt.timedelta(days=3)).isoformat()
    if schema.get("format") == "date":
        return (kztime.now() + dt.timedelta(days=3)).date().isoformat()
    return "x" * max(schema.get("minLength", 1), 12)


# Where the smallest body would be refused before the person is (a document about no source
# is 400 for whoever sees the hearing), a body that reaches the check of the person.
BODIES = {"api POST /api/hearings/{hearing_id}/documents": {"kind": "protocol_mark"}}


def bodies() -> dict[str, bytes]:
    schema = ninja_api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    made = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            value = example(body["schema"], components) if "schema" in body else {}
            name = f"api {method.upper()} {path}"
            made[name] = json.dumps(BODIES.get(name, value)).encode()
    return made


def outcome(response) -> str:
    status = response.status_code
    assert status < 500, (status, response.content[:300])
    if status in (401, 403, 404):
        return "deny"
    if status == 422:
        return "unfit body"
    return "allow"


def test_write_matrix_every_operation_every_role_own_and_other(world, api, clock, capsys):
    ids = objects(world, api, clock)
    payloads = bodies()
    clients = {name: api(getattr(world, attr) if attr else None).client for name, attr in PEOPLE.items()}
    cells = allows = denies = 0
    wrong, unfit, seen = [], [], {}
    for route in api_routes():
        name = str(route)
        if route.method == "GET" or name in NOT_IN_WRITE_MATRIX:
            continue
        for subject, values in ids.items():
            if (not route.params and subject == "other") or not all(p in values for p in route.params):
                continue
            path = route.path.format(**values)
            for person, client in clients.items():
                cookies = copy.deepcopy(client.cookies)  # a rolled-back session change stays rolled back
                with transaction.atomic():
                    response = client.generic(route.method, path, payloads[name], content_type="application/json")
                    transaction.set_rollback(True)
                client.cookies = cookies
                got = outcome(response)
                seen.setdefault(name, {}).setdefault(subject, {})[person] = got
                if got == "unfit body":
                    unfit.append((name, subject, person, response.content[:200]))
                    continue
                cells += 1
                allows += got == "allow"
                denies += got == "deny"
                should = "allow" if person in EXPECTED_WRITE.get(name, {}).get(subject, set()) else "deny"
                if got != should:
                    wrong.append((name, subject, person, got, should))
    if os.environ.get("ACCESS_MATRIX_DISCOVER"):
        for name, subjects in seen.items():
            print(repr(name), {s: sorted(p for p, g in r.items() if g == "allow") for s, r in subjects.items()})
    wrong_allows = sum(1 for w in wrong if w[3] == "allow")
    with capsys.disabled():
        print(f"\nwrite matrix: {cells} cells, {allows} allows, {denies} denies, "
              f"{wrong_allows} wrong allows, {len(wrong) - wrong_allows} wrong denies")
    assert not unfit, unfit[:5]
    assert wrong_allows == 0, [w for w in wrong if w[3] == "allow"]
    assert not wrong, wrong


def test_every_state_changing_operation_is_in_the_write_matrix():
    named = set(EXPECTED_WRITE) | set(NOT_IN_WRITE_MATRIX)
    missing = [str(r) for r in api_routes() if r.method != "GET" and str(r) not in named]
    assert not missing, f"operations without an entry (tests/access/expected_writes.py): {missing}"
