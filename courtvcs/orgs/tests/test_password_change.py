"""Issue 7: staff change their own password (present password, new one twice, current code);
their other browsers are signed out, this one stays signed in."""

from django.test import Client

from courtvcs.audit.models import AuditEntry
from courtvcs.orgs.models import UserSession

from .factories import PASSWORD, current_code, give_second_factor

PAGE = "/hearings/"
URL = "/signin/password/"
NEW = "Kokshetau-zal-7-kamera"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def signed_in_speaking(user, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    give_second_factor(user)
    return signed_in(user)


def change(client, user, *, old=PASSWORD, new=NEW, again=None, code=None):
    return client.post(URL, {"old_password": old, "new_password1": new, "new_password2": again or new,
                             "code": current_code(user) if code is None else code})


def test_staff_change_their_own_password_and_their_other_browsers_are_signed_out(world):
    user = world.secretary
    give_second_factor(user)
    office, home = signed_in(user), signed_in(user)
    page = office.get(URL)
    assert page.status_code == 200 and "Change my password" in page.content.decode()
    assert 'href="/signin/password/"' in office.get(PAGE).content.decode()  # from every page's header

    response = change(office, user)
    assert response.status_code == 302 and response.url == "/"
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(PASSWORD)
    assert office.get(PAGE).status_code == 200  # this browser stays signed in
    gone = home.get(PAGE)
    assert gone.status_code == 302 and gone.url.startswith("/signin/")
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        office.session.session_key]
    entry = AuditEntry.objects.get(action="password_changed")
    assert entry.actor == user and entry.after == {"other_sessions_ended": 1}
    assert AuditEntry.objects.get(action="sessions_ended").after == {"reason": "password_changed", "sessions": 1}


def test_a_wrong_present_password_a_weak_new_one_or_a_wrong_code_change_nothing(world):
    user = world.secretary
    client = signed_in_speaking(user, "ru")
    cases = [
        (dict(old="not-my-password"), "old_password"),
        (dict(new="12345678"), "new_password2"),
        (dict(again="Kokshetau-zal-8-kamera"), "new_password2"),
        (dict(code="000000"), "code"),
    ]
    for changes, field in cases:
        response = change(client, user, **changes)
        assert response.status_code == 400, changes
        form = response.context["form"]
        assert field in form.errors, (changes, form.errors)
    body = change(client, user, code="000000").content.decode()
    assert "Код неверен или устарел" in body  # in the person's language, next to the field
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="password_changed").exists()
    assert client.get(PAGE).status_code == 200


def test_changing_a_password_needs_a_signed_in_person(db):
    response = Client().get(URL)
    assert response.status_code == 302 and response.url.startswith("/signin/")


def test_the_reasons_a_new_password_is_refused_are_given_in_kazakh(world):
    """Django's own Kazakh catalogue lacks its password texts: ours carries them."""
    user = world.secretary
    client = signed_in_speaking(user, "kk")
    page = client.get(URL).content.decode()
    for text in ("Қазіргі құпиясөз", "Құпиясөзде кемінде 8 таңба болуы тиіс.", "Құпиясөз тек сандардан тұра алмайды."):
        assert text in page
    body = change(client, user, new="12345678", code="000000").content.decode()
    for text in ("Бұл құпиясөз тек сандардан тұрады.", "Бұл құпиясөз тым кең таралған."):
        assert text in body
    for english in ("This password is entirely numeric.", "This password is too common.", "Enter the same password"):
        assert english not in body
