"""The suspensions page in the browser (R24): the detention centre's responsible officer
declares a suspension of VCS and lifts it; the hearings it catches are listed with it.

The hearing starts on Thursday 3 December 2026 at 10:00 Astana time with the detention
centre's VCS room as its remote site; "now" is 1 December 09:00.
"""

import pytest

from courtvcs.audit.models import AuditEntry
from courtvcs.hearings.models import Hearing
from courtvcs.hearings.tests.flow import Flow
from courtvcs.hearings.tests.world import at
from courtvcs.suspensions.models import SuspendedHearing, Suspension


def get(client, user, url="/suspensions/", language="en"):
    client.force_login(user)
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language)


def post(client, user, url, data=None, htmx=True):
    client.force_login(user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url, data or {}, **headers)


def declare(client, user, reason="mass_riot", starts="2026-12-01T10:00", ends="2026-12-04T18:00",
            details="Riot in block 3", **kw):
    return post(client, user, "/suspensions/declare/", {"reason": reason, "starts_at": starts,
                                                        "expected_end_at": ends, "details": details}, **kw)


def lift(client, user, suspension, **kw):
    return post(client, user, f"/suspensions/{suspension.pk}/lift/", **kw)


def text(response) -> str:
    return response.content.decode()


def refused(response, rule, status=409) -> str:
    body = text(response)
    assert response.status_code == status, (response.status_code, body)
    assert 'id="refusal"' in body and 'role="alert"' in body
    if rule:
        assert f"{rule}:" in body
    return body


@pytest.fixture
def hearing(world, api, clock):
    flow = Flow(world, api, clock)
    flow.to("agreed")
    return Hearing.objects.get(pk=flow.hearing_id)


def test_r24_the_officer_declares_a_suspension_and_sees_the_hearings_it_caught(world, client, hearing):
    body = text(get(client, world.officer))
    assert 'action="/suspensions/declare/"' in body and 'type="datetime-local"' in body
    assert body.count('<option value="') == 9  # the eight situations of R24 and the empty choice
    assert "No suspension is in force." in body

    response = declare(client, world.officer)
    body = text(response)
    assert response.status_code == 200, body
    suspension = Suspension.objects.get()
    assert (suspension.institution, suspension.reason, suspension.declared_by) == (world.sizo, "mass_riot", world.officer)
    assert suspension.starts_at == at(1, 10) and suspension.expected_end_at == at(4, 18)  # Kazakhstan time
    hearing.refresh_from_db()
    assert hearing.status == "suspended"
    assert SuspendedHearing.objects.filter(suspension=suspension, hearing=hearing).exists()
    # The page lists it in force with the hearing it caught, linked to the hearing page.
    assert "1 hearing is suspended" in body
    assert f'data-suspension="{suspension.pk}"' in body and "Riot in block 3" in body
    assert f'href="/hearings/{hearing.pk}/"' in body and 'data-status="suspended"' in body
    assert "01.12.2026 10:00" in body and "04.12.2026 18:00" in body
    assert AuditEntry.objects.filter(action="suspension_declared", rule="R24").exists()


def test_r24_a_suspension_starts_now_when_no_start_is_given(world, client, hearing):
    response = declare(client, world.officer, reason="natural_disaster", starts="", ends="", htmx=False)
    assert response.status_code == 302 and response["Location"] == "/suspensions/"
    suspension = Suspension.objects.get()
    assert suspension.starts_at == at(1, 9) and suspension.expected_end_at is None
    assert "not known" in text(get(client, world.officer))


def test_r24_an_expected_end_before_the_start_is_refused_next_to_the_field(world, client, hearing):
    body = refused(declare(client, world.officer, starts="2026-12-02T10:00", ends="2026-12-02T09:00"), "",
                   status=400)
    assert "The expected end must be after the start." in body
    assert 'id="id_expected_end_at_error"' in body
    assert 'value="2026-12-02T10:00"' in body and 'value="2026-12-02T09:00"' in body
    assert "Riot in block 3" in body and '<option value="mass_riot" selected>' in body  # what was typed
    assert not Suspension.objects.exists()
    hearing.refresh_from_db()
    assert hearing.status == "agreed"
    # No situation chosen: the field is marked.
    body = refused(declare(client, world.officer, reason=""), "", status=400)
    assert 'id="id_reason_error"' in body


def test_r24_the_officer_lifts_it_and_lifting_twice_is_refused_with_the_rule(world, client, hearing):
    declare(client, world.officer)
    suspension = Suspension.objects.get()
    response = lift(client, world.officer, suspension)
    body = text(response)
    assert response.status_code == 200, body
    suspension.refresh_from_db()
    assert suspension.lifted_by == world.officer and suspension.lifted_at == at(1, 9)
    hearing.refresh_from_db()
    assert hearing.status == "under_review"  # back to the secretary for review
    assert "No suspension is in force." in body and f'data-suspension="{suspension.pk}"' in body
    assert f'action="/suspensions/{suspension.pk}/lift/"' not in body

    body = refused(lift(client, world.officer, suspension), "R24")
    assert "already lifted" in body and f'data-suspension="{suspension.pk}"' in body
    assert "<html" in refused(lift(client, world.officer, suspension, htmx=False), "R24")


def test_r24_only_the_institutions_officer_declares(world, client, hearing):
    for user in (world.sizo_technician, world.secretary):
        body = text(get(client, user))
        assert 'action="/suspensions/declare/"' not in body
        body = refused(declare(client, user), "", status=403)
        assert "(R24)" in body
    assert not Suspension.objects.exists()
    hearing.refresh_from_db()
    assert hearing.status == "agreed"


def test_r24_the_court_sees_the_suspension_of_its_hearing_read_only(world, client, hearing):
    declare(client, world.officer)
    suspension = Suspension.objects.get()
    body = text(get(client, world.secretary))
    assert f'data-suspension="{suspension.pk}"' in body and f'href="/hearings/{hearing.pk}/"' in body
    assert f'action="/suspensions/{suspension.pk}/lift/"' not in body
    assert lift(client, world.secretary, suspension).status_code == 404
    # Another court and another institution do not see it, nor lift it.
    assert f'data-suspension="{suspension.pk}"' not in text(get(client, world.other_secretary))
    assert f'data-suspension="{suspension.pk}"' not in text(get(client, world.other_officer))
    assert lift(client, world.other_officer, suspension).status_code == 404
    suspension.refresh_from_db()
    assert suspension.lifted_at is None


def test_r24_the_institutions_technician_sees_it_but_does_not_lift_it(world, client, hearing):
    declare(client, world.officer)
    suspension = Suspension.objects.get()
    body = text(get(client, world.sizo_technician))
    assert f'data-suspension="{suspension.pk}"' in body
    assert f'action="/suspensions/{suspension.pk}/lift/"' not in body
    body = refused(lift(client, world.sizo_technician, suspension), "", status=403)
    assert "(R24)" in body
    suspension.refresh_from_db()
    assert suspension.lifted_at is None


@pytest.mark.parametrize("language, words", [("kk", "Жаппай тәртіпсіздіктер"), ("ru", "Массовые беспорядки")])
def test_r24_the_suspensions_page_speaks_kazakh_and_russian(world, client, hearing, language, words):
    declare(client, world.officer)
    world.officer.language = language
    world.officer.save(update_fields=["language"])
    body = text(get(client, world.officer, language=language))
    assert f'lang="{language}"' in body
    assert words in body
    assert {"kk": "Тоқтатыла тұрды", "ru": "Приостановлено"}[language] in body  # the hearing's status
