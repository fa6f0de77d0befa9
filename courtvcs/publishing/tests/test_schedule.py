"""R3, R27: the public schedule page and its JSON and iCalendar feeds, as anyone on the
internet gets them: without signing in, by court and Kazakhstan calendar day, with the
court, courtroom, date and time and the VCS status of each hearing, and nothing personal;
nothing at all about a hearing with a minor or on the safety ground.

The hearings of Thursday 3 December are described in scene.py.
"""

import datetime as dt
import re

import icalendar
import pytest
from django.test import Client

from courtvcs.hearings.tests.answers import ok
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at
from courtvcs.orgs.services import set_endpoint_status

from .scene import Scene, thursday


@pytest.fixture
def thu(world, api, clock):
    return thursday(world, api, clock)


@pytest.fixture
def anyone():
    """A browser that never signed in."""
    return Client()


def page(client, language="en", **params):
    return client.get("/schedule/", params, HTTP_ACCEPT_LANGUAGE=language)


def feed(client, **params):
    return client.get("/schedule.json", params, HTTP_ACCEPT_LANGUAGE="en")


def calendar(client, court_id, language=None, **headers):
    query = {"lang": language} if language else {}
    return client.get(f"/schedule/{court_id}.ics", query, **headers)


def starts_on_page(response) -> list[str]:
    """The start of each row, as the page's machine-readable <time> says it."""
    return re.findall(r'<th scope="row"[^>]*><time datetime="([^"]+)">', response.content.decode())


def events(response) -> dict[str, icalendar.Event]:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def uid(hearing_id: int) -> str:
    return f"hearing-{hearing_id}@courtvcs.sud.kz"


# ---- what is published, by court and Kazakhstan day -------------------------------------

def test_r3_the_page_lists_the_courts_hearings_of_the_day_in_kazakhstan_time(world, thu, anyone):
    response = page(anyone, court=world.court.pk, day="2026-12-03")
    assert response.status_code == 200
    # 00:30 on the 3rd is the 2nd in UTC, 01:00 on the 4th is the 3rd in UTC: the Kazakhstan
    # day decides. The cancelled, undecided and R27 hearings are not there.
    assert starts_on_page(response) == [
        "2026-12-03T00:30:00+05:00", "2026-12-03T10:00:00+05:00", "2026-12-03T23:30:00+05:00"]
    body = response.content.decode()
    assert world.court.name_en in body and "room 101" in body and "room 102" in body
    assert "00:30</time>–<time" in body and ">02:00</time>" in body  # start and end, local time
    assert "Criminal, First instance" in body
    assert body.count('data-vcs="test_pending"') == 3  # agreed, no test session held yet
    assert body.count('data-state="scheduled"') == 3
    # The next day shows the hearing at 01:00 on the 4th, and only it.
    assert starts_on_page(page(anyone, court=world.court.pk, day="2026-12-04")) == ["2026-12-04T01:00:00+05:00"]
    assert starts_on_page(page(anyone, court=world.court.pk, day="2026-12-02")) == []


def test_r3_all_courts_show_every_courts_hearings_grouped_by_court(world, thu, anyone):
    body = page(anyone, day="2026-12-03").content.decode()
    assert starts_on_page(page(anyone, day="2026-12-03")) == [
        "2026-12-03T00:30:00+05:00", "2026-12-03T10:00:00+05:00", "2026-12-03T23:30:00+05:00",
        "2026-12-03T10:00:00+05:00"]
    assert f"<caption>{world.court.name_en}</caption>" in body
    assert f"<caption>{world.other_court.name_en}</caption>" in body
    # The other court's hearing is not on our court's page.
    mine = page(anyone, court=world.court.pk, day="2026-12-03").content.decode()
    assert re.findall(r"<caption>(.*?)</caption>", mine) == [world.court.name_en]


def test_r3_the_day_is_today_in_kazakhstan_unless_chosen(world, thu, anyone, clock):
    # 02:00 on Thursday in Astana is still Wednesday 21:00 in UTC.
    clock.move_to(at(3, 2))
    response = page(anyone, court=world.court.pk)
    assert response.status_code == 200
    assert starts_on_page(response)[0] == "2026-12-03T00:30:00+05:00"
    assert 'value="2026-12-03"' in response.content.decode()  # the day picker shows today
    body = page(anyone).content.decode()  # no filters at all: every court, today
    assert "(today)" in body and "2026-12-03T10:00:00+05:00" in body


def test_r3_the_court_is_chosen_from_the_list_of_courts_by_region(world, thu, anyone):
    body = page(anyone).content.decode()
    select = re.search(r'<select name="court"[^>]*>(.*?)</select>', body, re.S).group(1)
    assert f'<optgroup label="{world.region.name_en}">' in select
    for court in (world.court, world.regional, world.other_court, world.supreme):
        assert f'<option value="{court.pk}">{court.name_en}</option>' in select
    assert world.sizo.name_en not in select and world.department.name_en not in select


def test_r3_r27_nothing_personal_and_nothing_of_a_minors_or_protected_hearing_anywhere(world, thu, anyone):
    ids = thu.ids
    answers = []
    for language in ("kk", "ru", "en"):
        answers += [page(anyone, language, court=world.court.pk, day="2026-12-03"),
                    page(anyone, language, day="2026-12-03"),
                    calendar(anyone, world.court.pk, language)]
    answers += [feed(anyone, court=world.court.pk, day="2026-12-03"), feed(anyone, day="2026-12-03")]
    for response in answers:
        assert response.status_code == 200
        text = response.content.decode()
        for secret in thu.secrets["names"] + thu.secrets["cases"] + thu.secrets["r27_times"]:
            assert secret not in text, (response.request["PATH_INFO"], secret)
        assert "@example.kz" not in text and "+7 701" not in text
    listed = {h["id"] for h in feed(anyone, day="2026-12-03").json()["hearings"]}
    assert listed == {ids["night"], ids["morning"], ids["late"], ids["karaganda"]}
    uids = set(events(calendar(anyone, world.court.pk)))
    assert uid(ids["minor"]) not in uids and uid(ids["safety"]) not in uids
    assert uid(ids["undecided"]) not in uids


def test_r3_the_json_feed_gives_the_same_hearings_with_labels_in_three_languages(world, thu, anyone):
    body = ok(feed(anyone, court=world.court.pk, day="2026-12-03"))
    assert body["day"] == "2026-12-03" and body["timezone"] == "Asia/Almaty"
    assert body["court_id"] == world.court.pk
    assert body["courts"] == [{"id": world.court.pk, "code": world.court.code, "name": {
        "kk": world.court.name_kk, "ru": world.court.name_ru, "en": world.court.name_en}}]
    first = body["hearings"][0]
    assert first == {"id": thu.ids["night"], "court_id": world.court.pk, "courtroom": "102",
                     "starts_at": "2026-12-03T00:30:00+05:00", "ends_at": "2026-12-03T02:00:00+05:00",
                     "duration_minutes": 90, "category": "criminal", "instance": "first",
                     "state": "scheduled", "vcs": "test_pending"}
    assert [h["starts_at"][11:16] for h in body["hearings"]] == ["00:30", "10:00", "23:30"]
    assert set(body["labels"]) == {"state", "vcs", "category", "instance"}
    assert set(body["labels"]["vcs"]) == {"operational", "test_pending", "problem"}
    assert body["labels"]["vcs"]["problem"]["en"] == "Problem"
    assert set(body["labels"]["vcs"]["problem"]) == {"kk", "ru", "en"}
    # Every court of the day when no court is given.
    everything = ok(feed(anyone, day="2026-12-03"))
    assert everything["court_id"] is None
    assert {c["id"] for c in everything["courts"]} == {world.court.pk, world.other_court.pk}


# ---- the VCS status ---------------------------------------------------------------------

def vcs_of(client, hearing_id, day="2026-12-03"):
    [row] = [h for h in feed(client, day=day).json()["hearings"] if h["id"] == hearing_id]
    return row["vcs"], row["state"]


def test_r3_the_vcs_status_follows_the_test_sessions_and_the_courtrooms_equipment(world, api, clock, thu, anyone):
    flow_id = thu.ids["morning"]
    assert vcs_of(anyone, flow_id) == ("test_pending", "scheduled")
    tech = api(world.technician)
    [test] = ok(api(world.secretary).post(f"/hearings/{flow_id}/test-sessions"), 201)
    ok(tech.post(f"/test-sessions/{test['id']}/schedule", {"scheduled_at": at(2, 9, 30).isoformat()}))
    assert vcs_of(anyone, flow_id) == ("test_pending", "scheduled")
    clock.move_to(at(2, 9, 30))
    ok(tech.post(f"/test-sessions/{test['id']}/result", {"passed": False, "notes": "No sound from the centre."}))
    assert vcs_of(anyone, flow_id) == ("problem", "scheduled")
    [retest] = ok(api(world.secretary).post(f"/hearings/{flow_id}/test-sessions"), 201)
    assert vcs_of(anyone, flow_id) == ("test_pending", "scheduled")  # the failed one is history now
    ok(tech.post(f"/test-sessions/{retest['id']}/schedule", {"scheduled_at": at(2, 11).isoformat()}))
    clock.move_to(at(2, 11))
    ok(tech.post(f"/test-sessions/{retest['id']}/result", {"passed": True, "notes": "ok"}))
    assert vcs_of(anyone, flow_id) == ("operational", "scheduled")
    # R14: the courtroom's equipment breaks down: every hearing in room 101 shows the problem.
    set_endpoint_status(actor=world.technician, endpoint_id=world.room.pk, status="faulty", note="Camera")
    assert vcs_of(anyone, flow_id) == ("problem", "scheduled")
    assert vcs_of(anyone, thu.ids["late"])[0] == "problem"
    assert vcs_of(anyone, thu.ids["night"])[0] == "test_pending"  # room 102 works
    set_endpoint_status(actor=world.technician, endpoint_id=world.room.pk, status="operable")
    assert vcs_of(anyone, flow_id) == ("operational", "scheduled")


def test_r3_a_hearing_on_the_day_shows_its_state_and_vcs_as_it_goes(world, api, clock):
    anyone = Client()
    flow = Flow(world, api, clock)
    flow.to("in_session")
    assert vcs_of(anyone, flow.hearing_id) == ("operational", "in_progress")
    ok(api(world.judge).post(flow.url("/break"), {"reason": "The centre's link dropped."}))
    assert vcs_of(anyone, flow.hearing_id) == ("problem", "in_progress")
    ok(api(world.secretary).post(flow.url("/reconnect")))
    ok(api(world.secretary).post(flow.url("/close")))
    assert vcs_of(anyone, flow.hearing_id) == ("operational", "finished")
    body = page(anyone, court=world.court.pk, day="2026-12-03").content.decode()
    assert '<span class="status " data-state="finished">Finished</span>' in body


# ---- the iCalendar feed -----------------------------------------------------------------

def test_r3_the_calendar_has_a_stable_event_per_hearing_in_utc_and_drops_the_cancelled(world, api, clock, thu, anyone,
                                                                                         settings):
    ids = thu.ids
    response = calendar(anyone, world.court.pk, "en")
    assert response.status_code == 200
    found = events(response)
    assert set(found) == {uid(ids[k]) for k in ("night", "morning", "noon", "late", "next_day")}
    night = found[uid(ids["night"])]
    assert night.decoded("DTSTART") == dt.datetime(2026, 12, 2, 19, 30, tzinfo=dt.UTC)
    assert night.decoded("DTEND") == dt.datetime(2026, 12, 2, 21, 0, tzinfo=dt.UTC)
    assert str(night["STATUS"]) == "CONFIRMED"
    assert str(night["SUMMARY"]) == "Hearing by videoconference, room 102"
    assert str(night["LOCATION"]) == f"{world.court.name_en}, room 102"
    assert "Starts at 03.12.2026 00:30 Kazakhstan time" in str(night["DESCRIPTION"])
    assert night.decoded("LAST-MODIFIED").tzinfo is not None
    # The cancelled hearing stays a while as CANCELLED, so subscribed calendars drop it.
    assert str(found[uid(ids["noon"])]["STATUS"]) == "CANCELLED"
    # A change of what is published raises its SEQUENCE and LAST-MODIFIED; the UID stays.
    before = found[uid(ids["morning"])]
    [test] = ok(api(world.secretary).post(f"/hearings/{ids['morning']}/test-sessions"), 201)
    ok(api(world.technician).post(f"/test-sessions/{test['id']}/schedule", {"scheduled_at": at(2, 9).isoformat()}))
    clock.move_to(at(2, 9, 10))
    ok(api(world.technician).post(f"/test-sessions/{test['id']}/result", {"passed": False, "notes": "No picture."}))
    after = events(calendar(anyone, world.court.pk, "en"))[uid(ids["morning"])]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("LAST-MODIFIED") == at(2, 9, 10)
    assert "VCS: Problem." in str(after["DESCRIPTION"])
    # Some days after the cancelling (COURTVCS_PUBLIC_CANCELLED_DAYS) it is gone.
    settings.COURTVCS_PUBLIC_CANCELLED_DAYS = 2
    clock.move_to(at(3, 8, 59))
    assert uid(ids["noon"]) in events(calendar(anyone, world.court.pk))
    clock.move_to(at(3, 9, 1))
    assert uid(ids["noon"]) not in events(calendar(anyone, world.court.pk))


def test_r3_the_calendar_speaks_the_language_asked_for(world, thu, anyone):
    cal = icalendar.Calendar.from_ical(calendar(anyone, world.court.pk, "ru").content)
    assert world.court.name_ru in str(cal["X-WR-CALNAME"])
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Almaty"
    events_ru = [e for e in cal.walk("VEVENT")]
    assert all(str(e["LOCATION"]).startswith(world.court.name_ru) for e in events_ru)
    # Without ?lang the visitor's language (browser or cookie) is used.
    kk = calendar(anyone, world.court.pk, HTTP_ACCEPT_LANGUAGE="kk")
    assert world.court.name_kk in icalendar.Calendar.from_ical(kk.content)["X-WR-CALNAME"]
    assert "Accept-Language" in kk["Vary"]


# ---- cheap polling ----------------------------------------------------------------------

def test_r3_feeds_are_cacheable_and_answer_304_while_nothing_changed(world, api, thu, anyone):
    for url in (f"/schedule.json?court={world.court.pk}&day=2026-12-03", f"/schedule/{world.court.pk}.ics?lang=en"):
        first = anyone.get(url)
        assert first.status_code == 200
        etag = first["ETag"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
        assert "public" in first["Cache-Control"] and "max-age=60" in first["Cache-Control"]
        assert first["Last-Modified"].endswith("GMT")
        assert first["Access-Control-Allow-Origin"] == "*"
        again = anyone.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == etag
    # Something published changes: the same ETag no longer matches.
    before = feed(anyone, court=world.court.pk, day="2026-12-03")["ETag"]
    set_endpoint_status(actor=world.technician, endpoint_id=world.room.pk, status="maintenance")
    after = anyone.get(f"/schedule.json?court={world.court.pk}&day=2026-12-03", HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200 and after["ETag"] != before


def test_r3_the_page_and_feeds_read_in_a_fixed_number_of_queries(world, api, clock, thu, anyone,
                                                                 django_assert_num_queries):
    def measure():
        with django_assert_num_queries(3):  # the courts, the hearings, their remote sites' tests
            page(anyone, day="2026-12-03")
        with django_assert_num_queries(3):  # the court, the hearings, their remote sites' tests
            feed(anyone, court=world.court.pk, day="2026-12-03")
        with django_assert_num_queries(3):
            calendar(anyone, world.court.pk, "en")

    measure()
    more = Scene(world, api, clock)
    for hour in (3, 5, 7):
        flow = more.book(f"extra{hour}", at(3, hour, 0), room=world.room2, remote=world.regional_room)
        flow.request_tests()
    measure()


# ---- bad filters ------------------------------------------------------------------------

@pytest.mark.parametrize("params, field, message", [
    ({"day": "2026-13-45"}, "day", "Give the day as YYYY-MM-DD, e.g. 2026-12-03."),
    ({"day": "03.12.2026"}, "day", "Give the day as YYYY-MM-DD, e.g. 2026-12-03."),
    ({"day": "2031-01-01"}, "day", "Choose a day from 30.11.2025 to 02.12.2027."),
    ({"day": "0001-01-01"}, "day", "Choose a day from 30.11.2025 to 02.12.2027."),
    ({"court": "abc"}, "court", "There is no such court: choose one from the list."),
    ({"court": "999999"}, "court", "There is no such court: choose one from the list."),
    ({"court": "9" * 40}, "court", "There is no such court: choose one from the list."),
])
def test_r3_a_bad_filter_on_the_page_is_a_400_with_the_message_at_the_field(world, anyone, params, field, message):
    response = page(anyone, **params)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert 'class="refusal" role="alert"' in body
    assert re.search(rf'<div class="field has-error">\s*<label for="id_{field}"', body)


@pytest.mark.parametrize("params, status, fields", [
    ({"day": "2026-02-30"}, 400, {"day": "Give the day as YYYY-MM-DD, e.g. 2026-12-03."}),
    ({"day": "9999-12-31"}, 400, {"day": "Choose a day from 30.11.2025 to 02.12.2027."}),
    ({"court": "x"}, 400, {"court": "Give the court's number, e.g. 12."}),
    ({"court": "0"}, 400, {"court": "Ensure this value is greater than or equal to 1."}),
    ({"court": "9" * 40}, 400, {"court": "Ensure this value is less than or equal to 9223372036854775807."}),
    ({"court": "999999"}, 404, {"court": "There is no such court."}),
])
def test_r3_a_bad_filter_on_the_json_feed_is_a_4xx_naming_the_field(world, anyone, params, status, fields):
    response = feed(anyone, **params)
    assert response.status_code == status
    assert response.json()["fields"] == fields


def test_r3_a_bad_calendar_address_is_a_4xx_in_plain_words(world, anyone):
    assert calendar(anyone, 999999).status_code == 404
    assert calendar(anyone, world.sizo.pk).status_code == 404  # an institution has no public calendar
    huge = anyone.get("/schedule/" + "9" * 40 + ".ics", HTTP_ACCEPT_LANGUAGE="ru")
    assert huge.status_code == 404 and huge.content.decode() == "Такого суда нет."
    wrong = calendar(anyone, world.court.pk, "de")
    assert wrong.status_code == 400 and "kk, ru, en" in wrong.content.decode()


# ---- the page as people read it ---------------------------------------------------------

def test_r3_the_page_is_in_the_visitors_language_with_a_legend_and_works_on_a_phone(world, thu, anyone):
    for language, weekday in (("kk", "Бейсенбі"), ("ru", "Четверг"), ("en", "Thursday")):
        body = page(anyone, language, court=world.court.pk, day="2026-12-03").content.decode()
        assert f'<html lang="{language}">' in body
        assert weekday in body
        assert getattr(world.court, f"name_{language}") in body
    body = page(anyone, "en", court=world.court.pk, day="2026-12-03").content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body
    assert 'data-label="Courtroom"' in body and 'data-label="VCS"' in body  # one card per row on a phone
    assert '<label for="id_court">Court:</label>' in body and '<label for="id_day">Day:</label>' in body
    assert "What the statuses mean" in body
    for label in ("Operational", "Test pending", "Problem", "Scheduled", "In progress", "Not held by VCS"):
        assert f">{label}</span></dt>" in body
    assert f'href="/schedule/{world.court.pk}.ics"' in body
    assert f'href="/schedule.json?court={world.court.pk}&amp;day=2026-12-03"' in body
    # The language switcher takes the visitor back to the same court and day.
    switched = anyone.post("/language/", {"language": "ru", "next": f"/schedule/?court={world.court.pk}"})
    assert switched.status_code == 302 and switched["Location"] == f"/schedule/?court={world.court.pk}"
    assert '<html lang="ru">' in anyone.get(switched["Location"]).content.decode()


def test_r3_the_schedule_needs_no_sign_in_and_asks_for_none(world, thu, anyone):
    for url in ("/schedule/", "/schedule.json", f"/schedule/{world.court.pk}.ics"):
        response = anyone.get(url)
        assert response.status_code == 200, url
    assert "Sign in" not in page(anyone).content.decode().split("<main")[1]
    assert anyone.post("/schedule/").status_code == 405
