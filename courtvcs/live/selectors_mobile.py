"""Reads for the mobile-VCS links (R17): what the hearing console shows next to each person."""

from courtvcs.hearings.choices import FINAL_STATES, ParticipationMode
from courtvcs.hearings.models import Hearing, Participant

from .models import MobileLink
from .services.mobile import may_manage_links

# Kept on the hearing object for one rendering of the console, so that all participants'
# rows cost two queries together rather than two each.
_CACHE = "_live_mobile_console"


def _for_console(user, hearing: Hearing) -> dict:
    cached = getattr(hearing, _CACHE, None)
    if cached is None or cached["user"] != user.pk:
        # Only the court's own staff see the links; the rest need not pay for the query.
        court_staff = user.is_authenticated and user.organisation_id == hearing.court_id
        links = {}
        if court_staff:
            links = {link.participant_id: link for link in
                     MobileLink.objects.filter(hearing=hearing, revoked_at__isnull=True)}
        cached = {"user": user.pk, "court_staff": court_staff, "links": links,
                  "manager": court_staff and may_manage_links(user, hearing)}
        setattr(hearing, _CACHE, cached)
    return cached


def console_state(user, hearing: Hearing, participant: Participant) -> dict:
    """What the console's participant row shows about the person's link, and to whom.

    The court's own staff see whether a link was issued and opened; only the court's
    secretary issues or revokes one, and issues none once the hearing is over.
    """
    if participant.mode != ParticipationMode.MOBILE_VCS:
        return {"visible": False}
    state = _for_console(user, hearing)
    if not state["court_staff"]:
        return {"visible": False}
    return {
        "visible": True,
        "link": state["links"].get(participant.pk),  # the live one: at most one (constraint)
        "may_issue": state["manager"] and hearing.status not in FINAL_STATES,
        "may_revoke": state["manager"],
    }
