"""Which workspaces each role has (R7-R9), for the menu and for the page after sign-in."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from courtvcs.orgs.choices import Role


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str | Promise


HEARINGS = Entry("hearings:list", _("Hearings"))
BOOK = Entry("hearings:book", _("Book a hearing"))
PETITIONS = Entry("hearings:petitions", _("Petitions"))
CALL_IN = Entry("hearings:call_in", _("Call-in list"))
QUEUE = Entry("hearings:queue", _("Agreement requests"))
BOARD = Entry("hearings:board", _("Endpoint timeline"))
TESTS = Entry("hearings:tests", _("Test sessions and faults"))
EQUIPMENT = Entry("orgs:equipment", _("Equipment"))
ACTS = Entry("hearings:acts", _("Acts to sign"))
LETTERS = Entry("hearings:letters", _("Letters"))
SUSPENSIONS = Entry("suspensions:list", _("Suspensions"))
INBOX = Entry("notifications:inbox", _("Inbox"))
RECORDINGS = Entry("live:recordings", _("Recordings"))

# The first entry is where the person lands after signing in.
MENUS: dict[str, list[Entry]] = {
    Role.SECRETARY: [HEARINGS, BOOK, PETITIONS, TESTS, ACTS, LETTERS, RECORDINGS, INBOX],
    Role.JUDGE: [HEARINGS, PETITIONS, RECORDINGS, INBOX],
    Role.BAILIFF: [CALL_IN, HEARINGS, INBOX],
    Role.REGIONAL_COORDINATOR: [QUEUE, BOARD, HEARINGS, INBOX],
    Role.DEPARTMENT_COORDINATOR: [QUEUE, BOARD, HEARINGS, INBOX],
    Role.COURT_TECHNICIAN: [TESTS, EQUIPMENT, ACTS, HEARINGS, RECORDINGS, INBOX],
    Role.OFFICE_HEAD: [ACTS, HEARINGS, RECORDINGS, INBOX],
    Role.INSTITUTION_OFFICER: [LETTERS, HEARINGS, SUSPENSIONS, INBOX],
    Role.INSTITUTION_TECHNICIAN: [TESTS, EQUIPMENT, HEARINGS, INBOX],
}


def menu_for(user) -> list[Entry]:
    if not user.is_authenticated:
        return []
    return MENUS.get(user.role, [HEARINGS, INBOX])


def landing_url(user) -> str:
    if user.is_superuser and not user.role:
        return reverse("admin:index")
    return reverse(menu_for(user)[0].url_name)


def workspace(request) -> dict:
    """Template context: the menu and the unread count for the signed-in person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "unread_count": 0}
    from courtvcs.notifications.selectors import unread_count

    path = request.path
    items = [{"url": reverse(entry.url_name), "label": entry.label, "current": False}
             for entry in menu_for(user)]
    # The entry whose address is the longest start of this page's is the current one
    # (/hearings/new/ is "Book a hearing", not "Hearings").
    matching = [item for item in items if path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["current"] = True
    return {"menu": items, "unread_count": unread_count(user)}
