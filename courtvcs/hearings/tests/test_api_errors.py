"""R5, R6, R10-R27: whatever reaches the API, the answer is JSON in the caller's language,
and never a server error.

The court staff and the scripts of other systems make mistakes: a field left out, a number
where a date belongs, an id that does not exist, a body that is not JSON at all, a number
too large for any database column. Hypothesis sends random bodies of that kind to every
writing endpoint and random query strings to the reading ones. Whatever it sends, the
answer is below 500 and is JSON with a "detail": 422 naming each wrong field for a wrong
shape, 400 for an unreadable body or well-formed but wrong values, 401/403 for who may,
404 for unknown ids and URLs, and 409 naming the Rule that forbids the action.

Every answer speaks the caller's language: the one chosen in their profile, else the one
their browser asks for (Accept-Language), else Kazakh, the state language.

Each random request runs in a savepoint that is rolled back, so every example meets the
same hearings in the same states.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, given, settings, strategies as st

from .. import models
from .flow import Flow
from .world import at

LANGUAGES = ["kk", "ru", "en"]
# Letters of the Russian and Kazakh alphabets: a Kazakh or Russian answer has some.
CYRILLIC = re.compile("[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")

FUZZ = settings(max_examples=50, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def in_(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


# ---- the answer every request gets ----------------------------------------------------------

def answered(response, language: str):
    """Below 500, JSON, and on an error a "detail" (and for 409 the rule) in `language`."""
    status = response.status_code
    assert status < 500, (status, response.content[:1000])
    if status == 204:
        return None
    assert response["Content-Type"].startswith("application/json"), (status, response.content[:300])
    body = response.json()
    if status < 400:
        return body
    assert isinstance(body, dict), body
    detail = body.get("detail")
    assert isinstance(detail, str) and detail.strip(), body
    if status == 409:
        assert re.fullmatch(r"R\d{1,2}", body.get("rule", "")), body
        assert detail.startswith(f"{body['rule']}: "), body
    if status == 422:
        assert detail == in_(language, "Please correct the marked fields."), (language, body)
        assert body["fields"], body
    fields = body.get("fields", {})
    assert all(isinstance(m, str) and m.strip() for m in fields.values()), body
    if language != "en":  # (English texts may still quote Kazakh and Russian names)
        for text in [detail, *fields.values()]:
            assert CYRILLIC.search(text), (language, body)
    return body


class Caller:
    """A person at the API speaking `language`, chosen in their profile or by their browser.

    With the profile, the browser asks for another language: the profile must win.
    """

    def __init__(self, user, language: str, via: str = "browser"):
        self.client = Client()
        self.language = language
        browser = language
        if user is not None:
            user.language = language if via == "profile" else ""
            user.save(update_fields=["language"])
            self.client.force_login(user)
            if via == "profile":
                browser = next(other for other in LANGUAGES if other != language)
        self.headers = {"HTTP_ACCEPT_LANGUAGE": browser}

    def post(self, path: str, body=None):
        raw = body.raw if isinstance(body, Raw) else json.dumps(body if body is not None else {})
        return self.client.post(f"/api{path}", raw, content_type="application/json", **self.headers)

    def get(self, path: str, params=None):
        return self.client.get(f"/api{path}", params or {}, **self.headers)


def rolled_back(act):
    """Run `act` in a savepoint that is always rolled back: each example starts afresh."""
    with transaction.atomic():
        result = act()
        transaction.set_rollback(True)
    return result


# ---- what a careless person or script sends ---------------------------------------------------

@dataclass(frozen=True)
class Raw:
    """A body sent as it is, not encoded as JSON by the test."""
    raw: str | bytes


ODD_NUMBERS = [0, -1, 1, 987_654, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 10**30, -(10**30)]
ODD_TEXTS = [
    "", " ", "x" * 5000, "\x00", "a\x00b", "\ud800", "null", "true", "1", "abc", "Серіков Асқар",
    "03.12.2026 10:00", "agree", "criminal", "mobile_vcs", "<script>alert(1)</script>", "' OR 1=1 --",
]
ODD_MOMENTS = [
    "0001-01-01T00:00:00+05:00", "0001-01-01T00:00", "9999-12-31T23:59:59-12:00", "9999-12-31T23:00",
    "1999-12-31T23:59+05:00", "2101-01-01T00:00+05:00", "2026-02-30T10:00", "2026-12-03T25:00",
    "2026-12-03T10:00+25:00", "2026-12-03", "03.12.2026 10:00", "now", "", 1_764_730_800,
    "2026-12-01T04:00:00Z", "2026-12-01T09:00+05:00", "2026-11-30T10:00", "2026-12-03T10:00:00.999999+05:00",
]
ODD_DAYS = ["0001-01-01", "9999-12-31", "2026-02-30", "1900-01-01", "2026-12-03T10:00", "31.05.2010", "", 0]
RAW_BODIES = [
    "", "{", "}", "not json", "{'case_number': 1}", "[1,", "NaN", '{"a": NaN}', "1e999", "-Infinity",
    '"\\ud800"', '{"reason": "\\u0000"}', "courtroom_id=1&judge_id=2", "\x00", "[]", "null", "0",
    '{"a": ' * 50 + "1" + "}" * 50, "[" * 5000 + "]" * 5000,
]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from(ODD_NUMBERS), st.floats(),
    st.text(max_size=20), st.sampled_from(ODD_TEXTS + ODD_MOMENTS))
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)
raw_bodies = st.one_of(st.sampled_from(RAW_BODIES), st.text(max_size=30), st.binary(max_size=30)).map(Raw)


def _is_moment(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return "T" in text


def odd_like(value, ids: tuple[int, ...]):
    """A wrong value of the kind a person would mistype for `value`."""
    if isinstance(value, bool):
        return st.sampled_from([None, 0, 1, 2, "true", "yes", "", [], {}, 1.5])
    if isinstance(value, int) or value is None:
        return st.one_of(st.sampled_from(ODD_NUMBERS), st.sampled_from(ids), st.integers(),
                         st.sampled_from(["1", "abc", "", 1.5, 1e300, True, [1], {"id": 1}]))
    if isinstance(value, str) and _is_moment(value):
        return st.sampled_from(ODD_MOMENTS)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return st.sampled_from(ODD_DAYS)
    if isinstance(value, str):
        return st.one_of(st.sampled_from(ODD_TEXTS), st.text(max_size=30))
    if isinstance(value, list):
        return st.lists(st.one_of(st.sampled_from(ODD_NUMBERS), st.sampled_from(ids), scalars), max_size=10)
    return json_values


@st.composite
def spoiled(draw, valid: dict, ids: tuple[int, ...]):
    """`valid` with one field (or several) left out, or replaced by a wrong value of its kind
    or by any JSON at all, nested objects spoiled the same way, unknown fields added.

    Spoiling a single field keeps the rest valid, so the odd value gets past the shape
    checks to the services and the database."""
    keys = list(valid)
    if not keys:
        return draw(st.dictionaries(st.text(max_size=10), scalars, max_size=2))
    if draw(st.booleans()):
        chosen = {draw(st.sampled_from(keys))}
    else:
        chosen = set(draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys))))
    body = {}
    for key, value in valid.items():
        how = draw(st.sampled_from(["odd", "odd", "odd", "any", "drop", "deep"])) if key in chosen else "keep"
        if how == "keep":
            body[key] = value
        elif how == "odd":
            body[key] = draw(odd_like(value, ids))
        elif how == "any":
            body[key] = draw(json_values)
        elif how == "deep" and isinstance(value, dict):
            body[key] = draw(spoiled(value, ids))
        elif how == "deep" and isinstance(value, list) and value and isinstance(value[0], dict):
            body[key] = [draw(spoiled(v, ids)) if draw(st.booleans()) else v for v in value]
        elif how == "deep":
            body[key] = value
    if draw(st.integers(0, 4)) == 0:
        body.update(draw(st.dictionaries(st.text(max_size=10), scalars, min_size=1, max_size=2)))
    return body


def bodies(valid: dict, ids: tuple[int, ...]):
    """Mostly a spoiled valid body, sometimes any JSON at all, sometimes no JSON."""
    return st.one_of(spoiled(valid, ids), spoiled(valid, ids), spoiled(valid, ids), spoiled(valid, ids),
                     json_values, raw_bodies)


def path_ids(valid_id: int):
    """The right id most often; else an unknown, huge, negative or non-numeric one."""
    return st.one_of(st.just(valid_id), st.just(valid_id), st.sampled_from(ODD_NUMBERS),
                     st.text(min_size=1, max_size=8)).map(lambda v: quote(str(v), safe=""))


languages = st.sampled_from(LANGUAGES)
vias = st.sampled_from(["browser", "profile"])


@dataclass(frozen=True)
class Target:
    """One endpoint: who normally calls it, its path ("{}" for the id), a valid body."""
    who: str | None
    path: str
    valid: dict | None = None
    id: int | None = None


def fuzz(world, targets: list[Target], ids: tuple[int, ...]):
    """Random requests to `targets` from the people who normally call them and from others,
    in random languages, each in a savepoint rolled back afterwards."""

    @FUZZ
    @given(data=st.data())
    def one_request(data):
        target = data.draw(st.sampled_from(targets), label="target")
        path = target.path.format(data.draw(path_ids(target.id), label="id")) if target.id else target.path
        body = data.draw(bodies(target.valid or {}, ids), label="body")
        who = data.draw(st.sampled_from([target.who] * 6 + ["secretary", "judge", "officer", None]),
                        label="who")
        language, via = data.draw(languages, label="language"), data.draw(vias, label="via")

        def act():
            caller = Caller(getattr(world, who) if who else None, language, via)
            return answered(caller.post(path, body), language)

        rolled_back(act)

    one_request()


def world_ids(world, *more: int) -> tuple[int, ...]:
    """Ids of things of every kind, so a field meets ids of the wrong kind, and of nothing."""
    return (world.room.pk, world.room2.pk, world.sizo_room.pk, world.other_room.pk, world.court.pk,
            world.sizo.pk, world.judge.pk, world.secretary.pk, world.district.pk, *more, 987_654, 0, -5)


def participant_ids(flow) -> list[int]:
    return [p["id"] for p in flow.detail()["participants"]]


# ---- writing endpoints -----------------------------------------------------------------------

def test_r10_random_booking_bodies_never_cause_a_server_error(world, api, clock):
    """Booking, the availability check, petitions, the judge's decision, participants,
    remote interrogation (R25-R27) and cancelling, before the hearing is agreed."""
    booked = Flow(world, api, clock, starts_at=at(3, 10))
    booked.book()
    interrogation = api(world.secretary).post(booked.url("/interrogations"), {
        "person_name": "Ахметова Дана", "person_role": "witness", "grounds": ["health"],
        "district_id": world.witness_district.pk})
    assert interrogation.status_code == 201, interrogation.content
    w, h = world, booked.hearing_id
    free = Flow(world, api, clock, starts_at=at(4, 10), remote=[w.other_sizo_room])
    targets = [
        Target("secretary", "/hearings", free.payload()),
        Target("secretary", "/availability", {
            "courtroom_id": w.room.pk, "remote_endpoint_ids": [w.sizo_room.pk],
            "starts_at": at(3, 11).isoformat(), "duration_minutes": 60}),
        Target("secretary", "/petitions", {
            "case_number": "1-101/2026", "petitioner_name": "Серіков Асқар", "petitioner_role": "defendant",
            "form": "written", "requested_org_id": w.sizo.pk, "mobile_vcs": False,
            "filed_at": at(1, 8).isoformat()}),
        Target("judge", "/hearings/{}/decision", {"hold_by_vcs": True, "reason": "far away"}, h),
        Target("secretary", "/hearings/{}/participants", {
            "full_name": "Иванов Иван", "procedural_role": "witness", "mode": "mobile_vcs",
            "phone": "+7 701 000 00 00", "email": "ivanov@example.kz", "date_of_birth": "1990-05-31"}, h),
        Target("secretary", "/hearings/{}/interrogations", {
            "person_name": "Ахметова Дана", "person_role": "victim", "grounds": ["minor", "safety"],
            "district_id": w.witness_district.pk, "date_of_birth": "2013-03-04", "note": "school"}, h),
        Target("secretary", "/interrogations/{}/accept", {
            "endpoint_id": w.burabay_room.pk, "phone": "+7 701 222 33 44", "email": "dana@example.kz"},
            interrogation.json()["id"]),
        Target("secretary", "/hearings/{}/cancel", {"reason": "the case was joined"}, h),
    ]
    fuzz(world, targets, world_ids(world, h))


def test_r13_random_agreement_and_preparation_bodies_never_cause_a_server_error(world, api, clock):
    """The coordinator's answer (R11, R12), test sessions, their results and the letters (R13)."""
    w = world
    ready = Flow(world, api, clock, starts_at=at(3, 10))
    ready.to("ready")  # the clock is now 2 December, 09:30
    testing = Flow(world, api, clock, starts_at=at(4, 10), remote=[w.other_sizo_room])
    testing.to("tests_requested")
    waiting = Flow(world, api, clock, starts_at=at(5, 10), remote=[w.burabay_room])
    waiting.to("awaiting_agreement")
    [test_id] = testing.test_ids
    letter_id = ready.detail()["letters"][0]["id"]
    targets = [
        Target("coordinator", "/hearings/{}/agreement", {
            "answer": "propose", "reason": "the channel is busy",
            "proposed_starts_at": at(5, 15).isoformat()}, waiting.hearing_id),
        Target("secretary", "/hearings/{}/proposal", {"accept": True}, waiting.hearing_id),
        Target("secretary", "/hearings/{}/test-sessions", {}, testing.hearing_id),
        Target("technician", "/test-sessions/{}/schedule", {"scheduled_at": at(3, 9).isoformat()}, test_id),
        Target("technician", "/test-sessions/{}/result", {
            "passed": True, "notes": "ok", "figures": {"rtt_ms": 40.5, "loss": 0}}, test_id),
        Target("secretary", "/hearings/{}/letters", {}, testing.hearing_id),
        Target("officer", "/letters/{}/acknowledge", {}, letter_id),
    ]
    fuzz(world, targets, world_ids(world, test_id, letter_id, ready.hearing_id))


def test_r16_random_hearing_day_bodies_never_cause_a_server_error(world, api, clock):
    """Connecting (R15), faults and acts (R16-R18), call-in and attendance (R19, R20), the
    technical break (R22), adjournment (R23) and closing (R8), in the middle of a hearing."""
    w = world
    flow = Flow(world, api, clock, starts_at=at(3, 10))
    flow.to("in_session")
    h = flow.hearing_id
    site_id = flow.detail()["remote_sites"][0]["id"]
    fault = api(w.secretary).post(flow.url("/faults"), {"description": "no sound", "remote_site_id": site_id})
    assert fault.status_code == 201, fault.content
    fault_id = fault.json()["id"]
    defendant, lawyer = participant_ids(flow)
    targets = [
        Target("secretary", "/hearings/{}/connect", {}, h),
        Target("secretary", "/hearings/{}/faults", {"description": "no picture", "remote_site_id": site_id},
               h),
        Target("technician", "/faults/{}/resolution", {"fixed": False, "resolution": "the codec is dead"},
               fault_id),
        Target("secretary", "/hearings/{}/acts", {"reason": "no connection", "fault_id": fault_id}, h),
        Target("secretary", "/hearings/{}/attendance", {
            "participant_id": lawyer, "result": "admitted", "document": "ID 012345678",
            "authority": "warrant 12", "note": ""}, h),
        Target("judge", "/hearings/{}/break", {"reason": "frozen picture"}, h),
        Target("secretary", "/hearings/{}/reconnect", {}, h),
        Target("bailiff", "/hearings/{}/call-in", {}, h),
        Target("judge", "/hearings/{}/adjourn", {
            "reason": "a witness is missing",
            "choices": [{"participant_id": defendant, "mode": "vcs_court", "from_org_id": w.sizo.pk,
                         "how_asked": "asked in the hearing"},
                        {"participant_id": lawyer, "mode": "mobile_vcs", "how_asked": "by phone"}],
            "next_starts_at": at(10, 10).isoformat(),
            "oral_petition": {"petitioner_name": "Серіков Асқар", "petitioner_role": "defendant",
                              "requested_org_id": w.sizo.pk, "mobile_vcs": False}}, h),
        Target("secretary", "/hearings/{}/close", {}, h),
    ]
    fuzz(world, targets, world_ids(world, h, site_id, defendant, lawyer))


def test_r24_random_suspension_and_review_bodies_never_cause_a_server_error(world, api, clock):
    """Declaring and lifting a suspension at an institution, then the hearing's review:
    resuming (R24) or, once adjourned, rescheduling (R23)."""
    w = world
    reviewed = Flow(world, api, clock, starts_at=at(3, 10))
    reviewed.to("agreed")
    declared = api(w.officer).post("/suspensions", {"reason": "mass_riot"})
    assert declared.status_code == 201, declared.content
    lifted = api(w.officer).post(f"/suspensions/{declared.json()['id']}/lift")
    assert lifted.status_code == 200, lifted.content
    assert models.Hearing.objects.get(pk=reviewed.hearing_id).status == "under_review"
    ongoing = api(w.other_officer).post("/suspensions", {"reason": "natural_disaster"})
    assert ongoing.status_code == 201, ongoing.content
    targets = [
        Target("officer", "/suspensions", {
            "reason": "hostage_taking", "starts_at": at(1, 9).isoformat(),
            "expected_end_at": at(2, 9).isoformat(), "details": "block 3"}),
        Target("other_officer", "/suspensions/{}/lift", {}, ongoing.json()["id"]),
        Target("secretary", "/hearings/{}/resume", {"starts_at": at(8, 10).isoformat()}, reviewed.hearing_id),
        Target("secretary", "/hearings/{}/reschedule", {"starts_at": at(9, 10).isoformat()},
               reviewed.hearing_id),
    ]
    fuzz(world, targets, world_ids(world, reviewed.hearing_id, declared.json()["id"]))


def test_r14_random_endpoint_and_account_bodies_never_cause_a_server_error(world, api, clock):
    """An endpoint's operability and maintenance (R14), signing in, the chosen language and
    the inbox."""
    w = world
    flow = Flow(world, api, clock)
    flow.book()  # the judge now has a notification
    notification = api(w.judge).get("/notifications").json()["items"][0]["id"]
    targets = [
        Target("technician", "/endpoints/{}/status", {"status": "faulty", "note": "the camera"}, w.room.pk),
        Target("technician", "/endpoints/{}/blocks", {
            "starts_at": at(5, 9).isoformat(), "ends_at": at(5, 12).isoformat(), "reason": "new codec"},
            w.room.pk),
        Target(None, "/auth/login", {"username": "secretary", "password": "wrong password"}),
        Target("secretary", "/auth/language", {"language": "kk"}),
        Target("judge", "/notifications/{}/read", {}, notification),
        Target("judge", "/notifications/read-all", {}),
    ]
    fuzz(world, targets, world_ids(world, notification))


# ---- reading endpoints -----------------------------------------------------------------------

QUERY_NAMES = ["date_from", "date_to", "status", "limit", "offset", "region_id", "district_id",
               "organisation_id", "kind", "unacknowledged", "unread_only", "x", ""]
ODD_QUERY_VALUES = ["", "abc", "-1", "0", "1" * 40, "9999-12-31", "0001-01-01", "2026-02-30",
                    "2026-12-03", "true", "yes", "null", "\x00", "a\x00b", "1e400", "NaN", "[]",
                    "awaiting_decision", "detention_centre", "courtroom", "Кокшетау"]
query_values = st.one_of(st.text(max_size=12), st.sampled_from(ODD_QUERY_VALUES), st.integers().map(str))
queries = st.dictionaries(st.sampled_from(QUERY_NAMES), query_values | st.lists(query_values, max_size=3),
                          max_size=4)


def test_r5_random_query_strings_never_cause_a_server_error(world, api, clock):
    """Lists and pages read with odd filters, unknown ids and anyone at all asking."""
    flow = Flow(world, api, clock)
    flow.book()
    paths = ["/hearings", "/hearings/{}", "/hearings/{}/timeline", "/hearings/{}/audit", "/regions",
             "/districts", "/organisations", "/endpoints", "/endpoints/{}/history", "/letters",
             "/notifications", "/test-sessions", "/acts", "/coordinator/queue", "/suspensions", "/auth/me"]

    @FUZZ
    @given(data=st.data())
    def one_request(data):
        path = data.draw(st.sampled_from(paths), label="path")
        if "{}" in path:
            valid_id = world.room.pk if "endpoints" in path else flow.hearing_id
            path = path.format(data.draw(path_ids(valid_id), label="id"))
        params = data.draw(queries, label="query")
        who = data.draw(st.sampled_from(["secretary", "judge", "technician", "coordinator", "officer", None]),
                        label="who")
        language, via = data.draw(languages, label="language"), data.draw(vias, label="via")

        def act():
            caller = Caller(getattr(world, who) if who else None, language, via)
            return answered(caller.get(path, params), language)

        rolled_back(act)

    one_request()


def test_r5_random_urls_under_the_api_never_cause_a_server_error(world, clock):
    parts = st.one_of(st.sampled_from(["hearings", "1", "decision", "api", "..", "%00", "x"]),
                      st.text(min_size=1, max_size=10))

    @FUZZ
    @given(path=st.lists(parts, min_size=1, max_size=4), method=st.sampled_from(["get", "post"]),
           language=languages)
    def one_request(path, method, language):
        url = "/" + "/".join(quote(part, safe="%") for part in path)

        def act():
            caller = Caller(world.secretary, language)
            response = caller.get(url) if method == "get" else caller.post(url, {})
            if response.status_code == 405:
                # A known address with another method: django-ninja's own plain-text answer,
                # with the methods that are allowed.
                assert response["Allow"], response
                return None
            return answered(response, language)

        rolled_back(act)

    one_request()


# ---- the caller's language --------------------------------------------------------------------

REQUIRED = {"kk": "Бұл өріс міндетті.", "ru": "Обязательное поле.", "en": "This field is required."}
WHOLE_NUMBER = {"kk": "Бүтін сан енгізіңіз.", "ru": "Введите целое число.", "en": "Enter a whole number."}
CORRECT_FIELDS = {"kk": "Белгіленген өрістерді түзетіңіз.", "ru": "Исправьте отмеченные поля.",
                  "en": "Please correct the marked fields."}
NOT_POSSIBLE = {"kk": "Бұл уақытқа БКБ өткізудің техникалық мүмкіндігі жоқ.",
                "ru": "На это время отсутствует техническая возможность проведения ВКС.",
                "en": "VCS is not technically possible for this slot."}
ROOM_BUSY = {"kk": ": бос емес, 03.12.2026 09:30 – 03.12.2026 11:30.",
             "ru": ": занято с 03.12.2026 09:30 по 03.12.2026 11:30.",
             "en": " is busy from 03.12.2026 09:30 to 03.12.2026 11:30."}
WINDOW = {"kk": "R15: Байланысты 03.12.2026 09:30 уақытынан бастап, яғни басталуына 30 минут қалғанда "
                "орнатуға болады.",
          "ru": "R15: Соединение можно устанавливать с 03.12.2026 09:30, за 30 минут до начала.",
          "en": "R15: The connection window opens at 03.12.2026 09:30, 30 minutes before the start."}
NOT_JSON = {"kk": "Сұраудың мазмұны жарамды JSON емес.", "ru": "Тело запроса не является корректным JSON.",
            "en": "The request body is not valid JSON."}
NOT_FOUND = {"kk": "Табылмады.", "ru": "Не найдено.", "en": "Not found."}
SIGN_IN = {"kk": "Жүйеге кіріңіз.", "ru": "Войдите в систему.", "en": "Please sign in."}
INVALID = {"kk": "Жарамсыз мән.", "ru": "Недопустимое значение.", "en": "Invalid value."}
CHOOSE_ONE = {"kk": "Мына мәндердің бірін таңдаңыз: ", "ru": "Выберите одно из значений: ",
              "en": "Choose one of: "}

spoken = pytest.mark.parametrize("language, via", [
    ("kk", "browser"), ("ru", "browser"), ("en", "browser"), ("kk", "profile"), ("ru", "profile")])


@spoken
def test_r10_refusal_of_a_busy_courtroom_names_the_rule_in_the_callers_language(world, api, clock,
                                                                               language, via):
    Flow(world, api, clock, starts_at=at(3, 10)).book()
    second = Flow(world, api, clock, starts_at=at(3, 10), remote=[world.other_sizo_room])
    r = Caller(world.secretary, language, via).post("/hearings", second.payload())
    assert r.status_code == 409, r.content.decode()
    body = answered(r, language)
    assert body["rule"] == "R10"
    assert body["detail"] == f"R10: {NOT_POSSIBLE[language]}"
    [reason] = body["reasons"]
    assert reason.endswith(ROOM_BUSY[language]), reason
    assert models.Hearing.objects.count() == 1


@spoken
def test_r15_connecting_before_the_window_names_the_rule_in_the_callers_language(world, api, clock,
                                                                                language, via):
    flow = Flow(world, api, clock, starts_at=at(3, 10))
    flow.to("ready")
    r = Caller(world.secretary, language, via).post(flow.url("/connect"))
    assert r.status_code == 409, r.content.decode()
    body = answered(r, language)
    assert (body["rule"], body["detail"]) == ("R15", WINDOW[language])
    assert flow.detail()["status"] == "ready"


@spoken
def test_r10_field_errors_are_in_the_callers_language(world, api, clock, language, via):
    payload = Flow(world, api, clock).payload(duration_minutes="ninety", category="divorce")
    del payload["case_number"]
    r = Caller(world.secretary, language, via).post("/hearings", payload)
    assert r.status_code == 422, r.content.decode()
    body = answered(r, language)
    assert body["detail"] == CORRECT_FIELDS[language]
    assert body["fields"]["case_number"] == REQUIRED[language]
    assert body["fields"]["duration_minutes"] == WHOLE_NUMBER[language]
    assert body["fields"]["category"].startswith(CHOOSE_ONE[language])
    assert "'criminal'" in body["fields"]["category"]
    assert set(body["fields"]) == {"case_number", "duration_minutes", "category"}
    assert models.Hearing.objects.count() == 0


@spoken
def test_r10_a_body_that_is_not_json_is_refused_in_the_callers_language(world, api, clock, language, via):
    caller = Caller(world.secretary, language, via)
    for raw in ["not json", "{\"case_number\": ", "case_number=1-101%2F2026", b"\xff\xfe\x00"]:
        r = caller.post("/hearings", Raw(raw))
        assert r.status_code == 400, (raw, r.content.decode())
        assert answered(r, language) == {"detail": NOT_JSON[language]}
    assert models.Hearing.objects.count() == 0


@spoken
def test_r5_unknown_url_under_the_api_is_a_json_404_in_the_callers_language(world, api, clock, language, via):
    caller = Caller(world.secretary, language, via)
    for r in [caller.get("/no-such-thing"), caller.post("/hearings/1/no-such-action", {}),
              caller.get("/hearings/"), caller.get("/hearings/1/timeline/extra"),
              caller.client.delete("/api/nowhere", **caller.headers)]:
        assert r.status_code == 404, (r.request["PATH_INFO"], r.content.decode())
        assert answered(r, language) == {"detail": NOT_FOUND[language]}


@pytest.mark.parametrize("language", LANGUAGES)
def test_r5_an_anonymous_caller_is_asked_to_sign_in_in_the_browsers_language(world, api, clock, language):
    r = Caller(None, language).post("/hearings", Flow(world, api, clock).payload())
    assert r.status_code == 401
    assert answered(r, language) == {"detail": SIGN_IN[language]}


def test_r5_an_unknown_browser_language_falls_back_to_kazakh(world, api, clock):
    world.secretary.language = ""
    world.secretary.save(update_fields=["language"])
    client = Client()
    client.force_login(world.secretary)
    for header in ["xx-YY", "*", "", "ru;q=abc,,;", "\x7f"]:
        r = client.post("/api/hearings", "{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE=header)
        assert r.status_code == 422, (header, r.content.decode())
        assert answered(r, "kk")["fields"]["case_number"] == REQUIRED["kk"], header


# ---- values no database column can hold ---------------------------------------------------------

@pytest.mark.parametrize("language", ["kk", "ru"])
def test_r10_values_the_database_cannot_hold_are_refused_on_their_own_field(world, api, clock, language):
    """A NUL character, an integer beyond 64 bits, a year at the calendar's end: the field
    that carries it is named, on SQLite and on PostgreSQL alike, and nothing is booked."""
    caller = Caller(world.secretary, language)
    flow = Flow(world, api, clock)
    for field, value, message in [
        ("case_number", "1-101\x00/2026", INVALID),
        ("courtroom_id", 10**30, WHOLE_NUMBER),
        ("judge_id", -(2**63) - 1, WHOLE_NUMBER),
        ("starts_at", "0001-01-01T00:00:00+05:00", INVALID),
        ("starts_at", "9999-12-31T23:59:00+05:00", INVALID),
    ]:
        r = caller.post("/hearings", flow.payload(**{field: value}))
        assert r.status_code == 422, (field, value, r.content.decode())
        assert answered(r, language)["fields"] == {field: message[language]}, (field, value)
    r = caller.post("/hearings", flow.payload(remote_endpoint_ids=[world.sizo_room.pk, 2**64]))
    assert answered(r, language)["fields"] == {"remote_endpoint_ids.1": WHOLE_NUMBER[language]}
    body = json.dumps(flow.payload(), ensure_ascii=False)
    r = caller.post("/hearings", Raw(body.replace('"Серіков Асқар"', '"\\ud800 Асқар"')))  # a lone surrogate
    assert answered(r, language)["fields"] == {"participants.0.full_name": INVALID[language]}
    assert models.Hearing.objects.count() == 0


def test_r13_test_figures_that_are_not_finite_numbers_are_refused(world, api, clock):
    """NaN or infinity cannot be stored in a JSON column (PostgreSQL refuses them)."""
    flow = Flow(world, api, clock)
    flow.to("tests_requested")
    [test_id] = flow.test_ids
    caller = Caller(world.technician, "ru")
    for figure in ["NaN", "Infinity", "-Infinity", "1e999"]:
        r = caller.post(f"/test-sessions/{test_id}/result",
                        Raw('{"passed": true, "figures": {"rtt_ms": %s}}' % figure))
        assert r.status_code == 422, (figure, r.content.decode())
        assert answered(r, "ru")["fields"] == {"figures.rtt_ms": INVALID["ru"]}, figure
    assert models.TestSession.objects.get(pk=test_id).status == "requested"


@pytest.mark.parametrize("params, field", [
    ({"date_from": "0001-01-01"}, "date_from"), ({"date_to": "9999-12-31"}, "date_to"),
    ({"status": "ready\x00"}, "status"),
])
def test_r5_hearing_list_filters_the_database_cannot_hold_are_field_errors(world, api, clock, params, field):
    r = Caller(world.secretary, "kk").get("/hearings", params)
    assert r.status_code == 422, r.content.decode()
    assert list(answered(r, "kk")["fields"]) == [field]


def test_r5_hearing_list_with_a_huge_offset_is_empty(world, api, clock):
    Flow(world, api, clock).book()
    caller = Caller(world.secretary, "en")
    assert answered(caller.get("/hearings", {"offset": 10**30}), "en") == []
    assert answered(caller.get("/hearings", {"offset": 2**63 - 1, "limit": 2**63}), "en") == []
    assert len(answered(caller.get("/hearings", {"offset": -10**30, "limit": -1}), "en")) == 1


def test_r10_a_database_gone_mid_booking_answers_503_not_500_and_leaves_nothing(world, api, clock,
                                                                                monkeypatch):
    """The database connection dies during a booking (a failover): the secretary is told, in
    her language, that it is not known whether it was saved and to try again; no half-written
    hearing remains."""
    from django.db import OperationalError

    from courtvcs.hearings.services import booking

    def gone(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(booking, "hold_endpoints", gone)
    world.secretary.language = "ru"  # she works in Russian
    world.secretary.save(update_fields=["language"])
    before = models.Hearing.objects.count()
    flow = Flow(world, api, clock)
    response = api(world.secretary).post("/hearings", flow.payload())
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    assert "База данных не ответила" in response.json()["detail"]
    assert "terminating" not in response.content.decode()
    assert models.Hearing.objects.count() == before
