"""The technical pages in the browser: the test-session queue and fault reports (R13, R16,
R17), the acts to sign (R18) and the letters a remote site receives (R13).

The hearing starts on Thursday 3 December 2026 at 10:00 Astana time with the detention
centre's VCS room as its remote site; its test session must take place before 3 December
00:00 Astana time.
"""


import pytest

from courtvcs.audit.models import AuditEntry

from ..models import Act, ActSignature, FaultReport, Hearing, Letter
from ..models import TestSession as VcsTest  # not a pytest class
from .flow import Flow
from .world import at


def get(client, user, url, language="en", **headers):
    client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language, **headers)


def post(client, user, url, data=None, htmx=True, language="en"):
    client.force_login(user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url, data or {}, HTTP_ACCEPT_LANGUAGE=language, **headers)


def text(response) -> str:
    return response.content.decode()


def refused(response, rule, status=409) -> str:
    body = text(response)
    assert response.status_code == status, (response.status_code, body)
    assert 'id="refusal"' in body and 'role="alert"' in body
    if rule:
        assert f"{rule}:" in body
    return body


def requested(world, api, clock) -> tuple[Flow, VcsTest]:
    flow = Flow(world, api, clock)
    flow.to("tests_requested")
    return flow, VcsTest.objects.get(pk=flow.test_ids[0])


def schedule(client, user, ts, value, **kw):
    return post(client, user, f"/tests/{ts.pk}/schedule/", {f"s{ts.pk}-scheduled_at": value}, **kw)


def record(client, user, ts, passed, notes="", **kw):
    return post(client, user, f"/tests/{ts.pk}/result/",
                {f"r{ts.pk}-passed": "yes" if passed else "no", f"r{ts.pk}-notes": notes}, **kw)


def fault_in_session(world, api, clock, flow=None) -> tuple[Flow, FaultReport]:
    flow = flow or Flow(world, api, clock)
    flow.to("in_session")
    clock.move_to(at(3, 10, 5))
    site = flow.detail()["remote_sites"][0]["id"]
    body = api(world.secretary).post(flow.url("/faults"), {"description": "No picture from the detention centre",
                                                            "remote_site_id": site})
    assert body.status_code == 201, body.content
    return flow, FaultReport.objects.get(pk=body.json()["id"])


def resolve(client, user, fault, fixed, resolution, **kw):
    return post(client, user, f"/faults/{fault.pk}/resolve/",
                {f"f{fault.pk}-fixed": "yes" if fixed else "no", f"f{fault.pk}-resolution": resolution}, **kw)


# ---- the test-session queue (R13) ---------------------------------------------------------

def test_r13_the_technician_sees_the_test_session_queue_with_its_deadline(world, api, clock, client):
    flow, ts = requested(world, api, clock)
    response = get(client, world.technician, "/tests/")
    body = text(response)
    assert response.status_code == 200
    assert f'data-test-session="{ts.pk}"' in body and "1-101/2026" in body
    assert 'data-status="requested"' in body
    assert "03.12.2026 00:00" in body  # the test must be held before the hearing's day begins
    assert f'name="s{ts.pk}-scheduled_at"' in body and 'type="datetime-local"' in body
    assert f'href="/hearings/{flow.hearing_id}/"' in body


def test_r13_the_technician_schedules_the_test_session_from_the_page(world, api, clock, client):
    flow, ts = requested(world, api, clock)
    response = schedule(client, world.technician, ts, "2026-12-02T09:30")
    body = text(response)
    assert response.status_code == 200, body
    assert "<html" not in body and 'id="work"' in body  # HTMX gets the work area only
    ts.refresh_from_db()
    assert ts.status == "scheduled" and ts.scheduled_at == at(2, 9, 30)  # typed in Kazakhstan time
    assert ts.technician == world.technician
    assert 'data-status="scheduled"' in body and "02.12.2026 09:30" in body
    assert "The test session is scheduled." in body
    assert AuditEntry.objects.filter(action="test_session_scheduled", rule="R13").exists()
    # A classic form post is redirected back to the page.
    response = schedule(client, world.technician, ts, "2026-12-02T11:00", htmx=False)
    assert response.status_code == 302 and response["Location"] == "/tests/"
    ts.refresh_from_db()
    assert ts.scheduled_at == at(2, 11)


def test_r13_a_test_time_after_the_deadline_is_refused_with_the_rule_and_keeps_what_was_typed(
        world, api, clock, client):
    flow, ts = requested(world, api, clock)
    body = refused(schedule(client, world.technician, ts, "2026-12-03T08:00"), "R13")
    assert "no later than one day before" in body
    assert 'value="2026-12-03T08:00"' in body
    ts.refresh_from_db()
    assert ts.status == "requested" and ts.scheduled_at is None
    # Without HTMX the whole page comes back with the same refusal.
    response = schedule(client, world.technician, ts, "2026-12-03T08:00", htmx=False)
    assert "<html" in refused(response, "R13")
    # An empty time is a 400 with the field marked.
    response = schedule(client, world.technician, ts, "")
    assert refused(response, "", status=400).count('aria-invalid="true"') == 1


def test_r13_the_technician_records_a_failed_and_then_a_passed_result(world, api, clock, client):
    flow, ts = requested(world, api, clock)
    schedule(client, world.technician, ts, "2026-12-02T09:30")
    clock.move_to(at(2, 9, 30))
    body = refused(record(client, world.technician, ts, passed=False, notes=""), "", status=400)
    assert "Required for a failed test." in body
    ts.refresh_from_db()
    assert ts.status == "scheduled"

    response = record(client, world.technician, ts, passed=False, notes="No sound from the SIZO")
    body = text(response)
    assert response.status_code == 200, body
    ts.refresh_from_db()
    assert ts.status == "failed" and ts.notes == "No sound from the SIZO"
    assert "The result of the test session is recorded." in body
    assert 'data-status="failed"' in body and "No sound from the SIZO" in body  # among the latest results

    # The secretary asks again; the retest passes.
    assert api(world.secretary).post(flow.url("/test-sessions")).status_code == 201
    retest = VcsTest.objects.filter(hearing_id=flow.hearing_id, status="requested").get()
    assert record(client, world.technician, retest, passed=True, notes="").status_code == 200
    retest.refresh_from_db()
    assert retest.status == "passed" and retest.held_at == at(2, 9, 30)


def test_r13_a_result_after_the_deadline_is_refused_with_the_rule(world, api, clock, client):
    flow, ts = requested(world, api, clock)
    clock.move_to(at(3, 8))
    body = refused(record(client, world.technician, ts, passed=True), "R13")
    assert "no later than one day before the hearing" in body
    assert "Too late" in body
    ts.refresh_from_db()
    assert ts.status == "requested"


def test_r13_the_detention_centres_technician_schedules_its_own_test(world, api, clock, client):
    flow, ts = requested(world, api, clock)
    assert f'name="s{ts.pk}-scheduled_at"' in text(get(client, world.sizo_technician, "/tests/"))
    assert schedule(client, world.sizo_technician, ts, "2026-12-02T15:00").status_code == 200
    ts.refresh_from_db()
    assert ts.scheduled_at == at(2, 15) and ts.technician == world.sizo_technician


def test_r13_the_secretary_follows_requests_and_results_read_only(world, api, clock, client):
    flow, ts = requested(world, api, clock)
    body = text(get(client, world.secretary, "/tests/"))
    assert f'data-test-session="{ts.pk}"' in body and "1-101/2026" in body
    assert "scheduled_at" not in body and "/schedule/" not in body and "/result/" not in body
    assert "You follow these requests and results" in body
    # A post all the same is refused by the workflow (the secretary requests, the technician tests).
    body = refused(schedule(client, world.secretary, ts, "2026-12-02T09:30"), "", status=403)
    assert "do not allow this action" in body
    ts.refresh_from_db()
    assert ts.status == "requested"


def test_r13_another_courts_technician_neither_sees_nor_schedules_the_test(world, api, clock, client):
    flow, ts = requested(world, api, clock)
    body = text(get(client, world.other_technician, "/tests/"))
    assert "1-101/2026" not in body and "No test session is waiting." in body
    assert schedule(client, world.other_technician, ts, "2026-12-02T09:30").status_code == 404
    ts.refresh_from_db()
    assert ts.status == "requested"


@pytest.mark.parametrize("role", ["judge", "bailiff", "coordinator", "office_head"])
def test_r13_the_test_page_is_not_for_other_roles(world, api, clock, client, role):
    flow, ts = requested(world, api, clock)
    assert get(client, getattr(world, role), "/tests/").status_code == 403
    assert schedule(client, getattr(world, role), ts, "2026-12-02T09:30").status_code == 403
    ts.refresh_from_db()
    assert ts.status == "requested"


def test_r13_the_test_page_reads_in_a_fixed_number_of_queries(world, api, clock, client,
                                                              django_assert_max_num_queries):
    requested(world, api, clock)
    client.force_login(world.technician)
    with django_assert_max_num_queries(14) as one:
        client.get("/tests/")
    first = len(one)
    second = Flow(world, api, clock, starts_at=at(4, 10))
    second.to("tests_requested")
    third = Flow(world, api, clock, starts_at=at(4, 14), remote=[world.sizo_room, world.burabay_room])
    third.to("tests_requested")
    with django_assert_max_num_queries(first):
        response = client.get("/tests/")
    assert text(response).count("data-test-session=") == 4


@pytest.mark.parametrize("language, words", [("kk", "Өтінім жіберілді"), ("ru", "Заявка направлена")])
def test_r13_the_test_page_speaks_kazakh_and_russian(world, api, clock, client, language, words):
    requested(world, api, clock)
    world.technician.language = language
    world.technician.save(update_fields=["language"])
    body = text(get(client, world.technician, "/tests/", language=language))
    assert f'lang="{language}"' in body
    assert words in body  # the status of the request


# ---- fault reports (R16, R17) -----------------------------------------------------------

def test_r16_the_technician_fixes_a_reported_fault_from_the_page(world, api, clock, client):
    flow, fault = fault_in_session(world, api, clock)
    body = text(get(client, world.technician, "/tests/"))
    assert f'data-fault="{fault.pk}"' in body and "No picture from the detention centre" in body
    assert f'name="f{fault.pk}-resolution"' in body

    response = resolve(client, world.technician, fault, True, "Restarted the codec")
    body = text(response)
    assert response.status_code == 200, body
    fault.refresh_from_db()
    assert fault.status == "fixed" and fault.resolution == "Restarted the codec"
    assert fault.resolved_by == world.technician
    assert f'data-fault="{fault.pk}"' not in body and "No open fault report." in body
    assert Hearing.objects.get(pk=flow.hearing_id).status == "in_session"


def test_r16_the_outcome_needs_what_was_done_and_a_fault_is_resolved_once(world, api, clock, client):
    flow, fault = fault_in_session(world, api, clock)
    body = refused(resolve(client, world.technician, fault, True, ""), "", status=400)
    assert f'data-fault="{fault.pk}"' in body and 'aria-invalid="true"' in body
    fault.refresh_from_db()
    assert fault.status == "open"

    assert resolve(client, world.technician, fault, True, "Cable replaced").status_code == 200
    # The same form sent again from a stale page is refused with the rule.
    body = refused(resolve(client, world.technician, fault, False, "again"), "R16")
    assert "already resolved" in body
    fault.refresh_from_db()
    assert fault.status == "fixed" and fault.resolution == "Cable replaced"


def test_r17_cannot_be_fixed_makes_the_hearing_impossible_by_vcs(world, api, clock, client):
    flow, fault = fault_in_session(world, api, clock)
    response = resolve(client, world.sizo_technician, fault, False, "The codec is broken")
    assert response.status_code == 200, text(response)
    fault.refresh_from_db()
    assert fault.status == "unfixable"
    assert Hearing.objects.get(pk=flow.hearing_id).status == "vcs_failed"


def test_r16_the_secretary_sees_open_faults_without_the_form(world, api, clock, client):
    flow, fault = fault_in_session(world, api, clock)
    body = text(get(client, world.secretary, "/tests/"))
    assert f'data-fault="{fault.pk}"' in body
    assert f'name="f{fault.pk}-resolution"' not in body
    body = refused(resolve(client, world.secretary, fault, True, "I fixed it"), "", status=403)
    fault.refresh_from_db()
    assert fault.status == "open"
    assert f'data-fault="{fault.pk}"' not in text(get(client, world.other_technician, "/tests/"))
    assert resolve(client, world.other_technician, fault, True, "x").status_code == 404


# ---- acts of absence of technical possibility (R18) --------------------------------------

def act_to_sign(world, api, clock) -> tuple[Flow, Act]:
    flow, fault = fault_in_session(world, api, clock)
    assert api(world.technician).post(f"/faults/{fault.pk}/resolution", {
        "fixed": False, "resolution": "The detention centre's codec is broken"}).status_code == 200
    response = api(world.secretary).post(flow.url("/acts"), {"fault_id": fault.pk})
    assert response.status_code == 201, response.content
    return flow, Act.objects.get(pk=response.json()["id"])


def sign(client, user, act, **kw):
    return post(client, user, f"/acts/{act.pk}/sign/", **kw)


def test_r18_the_office_head_sees_the_act_and_who_has_signed_it(world, api, clock, client):
    flow, act = act_to_sign(world, api, clock)
    assert sign(client, world.technician, act).status_code == 200
    response = get(client, world.office_head, "/acts/")
    body = text(response)
    assert response.status_code == 200
    assert f'data-act="{act.pk}"' in body and "The detention centre&#x27;s codec is broken" in body
    assert world.technician.display_name in body  # who has signed already
    assert body.count("Not signed yet") == 2  # the office head and the secretary
    assert f'action="/acts/{act.pk}/sign/"' in body


@pytest.mark.parametrize("order", [("office_head", "secretary", "technician"),
                                   ("secretary", "technician", "office_head")])
def test_r18_three_sign_the_act_from_the_page_in_any_order(world, api, clock, client, order):
    flow, act = act_to_sign(world, api, clock)
    for n, who in enumerate(order, start=1):
        user = getattr(world, who)
        assert f'action="/acts/{act.pk}/sign/"' in text(get(client, user, "/acts/"))
        response = sign(client, user, act)
        body = text(response)
        assert response.status_code == 200, body
        assert ActSignature.objects.filter(act=act).count() == n
        if n < 3:
            assert "Your signature is recorded." in body
            assert f'action="/acts/{act.pk}/sign/"' not in body  # signed: no button for me any more
    act.refresh_from_db()
    assert act.status == "signed"
    assert "The act is signed by all three" in body and f'data-act="{act.pk}"' not in body
    assert Hearing.objects.get(pk=flow.hearing_id).status == "not_held"


def test_r18_the_secretary_and_the_technician_are_led_from_their_page_to_the_act(world, api, clock, client):
    flow, act = act_to_sign(world, api, clock)
    for user in (world.secretary, world.technician):
        assert 'href="/acts/"' in text(get(client, user, "/tests/"))
        assert f'action="/acts/{act.pk}/sign/"' in text(get(client, user, "/acts/"))
    # The detention centre's technician is not one of the three (R18): no link, no act.
    assert 'href="/acts/"' not in text(get(client, world.sizo_technician, "/tests/"))


def test_r18_signing_twice_is_refused_with_the_rule(world, api, clock, client):
    flow, act = act_to_sign(world, api, clock)
    assert sign(client, world.secretary, act).status_code == 200
    body = refused(sign(client, world.secretary, act), "R18")
    assert "already signed" in body
    assert f'data-act="{act.pk}"' in body  # the refusal is shown by its act
    assert ActSignature.objects.filter(act=act).count() == 1
    response = sign(client, world.secretary, act, htmx=False)
    assert "<html" in refused(response, "R18")


def test_r18_the_acts_page_is_for_the_three_signatories_of_the_court(world, api, clock, client):
    flow, act = act_to_sign(world, api, clock)
    for user in (world.judge, world.bailiff, world.officer, world.sizo_technician, world.coordinator):
        assert get(client, user, "/acts/").status_code == 403
        assert sign(client, user, act).status_code == 403
    # Another court's secretary has an acts page, but not this court's act.
    assert f'data-act="{act.pk}"' not in text(get(client, world.other_secretary, "/acts/"))
    assert sign(client, world.other_secretary, act).status_code == 404
    assert not ActSignature.objects.filter(act=act).exists()


@pytest.mark.parametrize("language, words", [("kk", "Қол қоюды күтуде"), ("ru", "Ожидает подписей")])
def test_r18_the_acts_page_speaks_kazakh_and_russian(world, api, clock, client, language, words):
    flow, act = act_to_sign(world, api, clock)
    world.office_head.language = language
    world.office_head.save(update_fields=["language"])
    body = text(get(client, world.office_head, "/acts/", language=language))
    assert f'lang="{language}"' in body and words in body
    assert {"kk": "Сот кеңсесінің басшысы", "ru": "Заведующий канцелярией суда"}[language] in body


# ---- letters (R13) ------------------------------------------------------------------------

def letter_sent(world, api, clock) -> tuple[Flow, Letter]:
    flow = Flow(world, api, clock)
    flow.to("ready")
    return flow, Letter.objects.get(hearing_id=flow.hearing_id)


def acknowledge(client, user, letter, **kw):
    return post(client, user, f"/letters/{letter.pk}/acknowledge/", **kw)


def test_r13_the_officer_acknowledges_the_letter_from_the_inbox(world, api, clock, client):
    flow, letter = letter_sent(world, api, clock)
    body = text(get(client, world.officer, "/letters/"))
    assert f'data-letter="{letter.pk}"' in body and "not acknowledged yet" in body
    assert f'action="/letters/{letter.pk}/acknowledge/"' in body
    # The hearings with the detention centre link to the hearing page.
    assert f'data-hearing="{flow.hearing_id}"' in body and f'href="/hearings/{flow.hearing_id}/"' in body

    response = acknowledge(client, world.officer, letter)
    body = text(response)
    assert response.status_code == 200, body
    letter.refresh_from_db()
    assert letter.acknowledged_by == world.officer and letter.acknowledged_at is not None
    assert "The letter is acknowledged" in body
    assert f'action="/letters/{letter.pk}/acknowledge/"' not in body
    assert AuditEntry.objects.filter(action="letter_acknowledged", rule="R13").exists()


def test_r13_a_remote_courts_secretary_acknowledges_from_the_letters_page(world, api, clock, client):
    flow = Flow(world, api, clock, remote=[world.burabay_room])
    flow.to("ready")
    letter = Letter.objects.get(hearing_id=flow.hearing_id)
    assert letter.recipient_org == world.burabay_court
    assert f'action="/letters/{letter.pk}/acknowledge/"' in text(get(client, world.burabay_secretary, "/letters/"))
    assert acknowledge(client, world.burabay_secretary, letter, htmx=False)["Location"] == "/letters/"
    letter.refresh_from_db()
    assert letter.acknowledged_by == world.burabay_secretary
    # The court hearing the case wrote the letter; it is not in its own inbox.
    assert f'data-letter="{letter.pk}"' not in text(get(client, world.secretary, "/letters/"))


def test_r13_the_institutions_technician_reads_letters_but_does_not_acknowledge(world, api, clock, client):
    flow, letter = letter_sent(world, api, clock)
    body = text(get(client, world.sizo_technician, "/letters/"))
    assert f'data-letter="{letter.pk}"' in body
    assert f'action="/letters/{letter.pk}/acknowledge/"' not in body
    body = refused(acknowledge(client, world.sizo_technician, letter), "", status=403)
    assert "do not allow this action" in body
    letter.refresh_from_db()
    assert letter.acknowledged_at is None


def test_r13_another_institution_does_not_see_the_letter(world, api, clock, client):
    flow, letter = letter_sent(world, api, clock)
    body = text(get(client, world.other_officer, "/letters/"))
    assert f'data-letter="{letter.pk}"' not in body and "No letters." in body
    assert f'data-hearing="{flow.hearing_id}"' not in body
    assert acknowledge(client, world.other_officer, letter).status_code == 404
    for user in (world.judge, world.office_head, world.coordinator):
        assert get(client, user, "/letters/").status_code == 403
    letter.refresh_from_db()
    assert letter.acknowledged_at is None


@pytest.mark.parametrize("language, words", [("kk", "Өткізуге дайын"), ("ru", "Готово к проведению")])
def test_r13_the_letters_page_speaks_kazakh_and_russian(world, api, clock, client, language, words):
    letter_sent(world, api, clock)
    world.officer.language = language
    world.officer.save(update_fields=["language"])
    body = text(get(client, world.officer, "/letters/", language=language))
    assert f'lang="{language}"' in body and words in body  # the hearing's status


def test_r13_times_on_the_letters_page_are_kazakhstan_time(world, api, clock, client):
    flow, letter = letter_sent(world, api, clock)
    body = text(get(client, world.officer, "/letters/"))
    assert "03.12.2026 10:00" in body
    assert letter.hearing_starts_at == at(3, 10)  # stored in UTC, shown at 10:00 in Astana
