"""Who may sit where in a VCS room, decided by role AND organisation (R15, R17, R20, R13).

A room is a hearing's (the courtroom, its remote sites, its mobile-VCS participants) or a
test session's (the court's technician and the remote site's technician, R13). A seat
says which site a connection speaks for; a person with no seat is not let in.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from courtvcs.hearings import access
from courtvcs.hearings.choices import (
    AttendanceResult, HearingStatus, ParticipationMode, TestSessionStatus,
)
from courtvcs.hearings.models import AttendanceCheck, Hearing, TestSession
from courtvcs.hearings.services.preparation import OPEN_TEST
from courtvcs.hearings.states import COURT, PRESIDING, REMOTE
from courtvcs.orgs.choices import Role

# The hearing's states in which its sites carry audio and video (R15-R22).
LIVE_STATES = frozenset({HearingStatus.CONNECTED, HearingStatus.IN_SESSION,
                         HearingStatus.TECHNICAL_BREAK})
# The states in which the room's pages are open at all (waiting before the connection).
OPEN_STATES = LIVE_STATES | {HearingStatus.READY, HearingStatus.AGREED}
REMOTE_STAFF_ROLES = {Role.INSTITUTION_OFFICER, Role.INSTITUTION_TECHNICIAN, Role.SECRETARY,
                      Role.COURT_TECHNICIAN}
TEST_REMOTE_ROLES = {Role.INSTITUTION_TECHNICIAN, Role.COURT_TECHNICIAN}
COURTROOM, REMOTE_SITE, MOBILE, OBSERVER = "courtroom", "remote", "mobile", "observer"


@dataclass(frozen=True)
class Seat:
    room: str                 # "hearing-12" or "test-5": the signalling group
    hearing_id: int
    site: str                 # "courtroom", "remote-<RemoteSite id>", "mobile-<Participant id>"
    kind: str                 # courtroom | remote | mobile | observer
    label: str                # what the other sites see on the tile: no personal data
    media: bool = True        # observers (the judge's console) see states, send no media
    may_mute_sites: bool = False
    may_reconnect_sites: bool = False
    may_record: bool = False
    reports_sites: bool = False  # this seat's view of the links decides the sites' states
    test_session_id: int | None = None
    user_id: int | None = None
    participant_id: int | None = None
    mobile_link_id: int | None = None
    remote_site_id: int | None = None
    expected_sites: int = 1   # the sites the room will carry: the mesh has a limit
    # When the call is expected to be over: the hearing's expected end, or the moment a
    # test session must be held by. TURN credentials are made to last until then (turn.py).
    call_ends_at: dt.datetime | None = None

    @property
    def is_test(self) -> bool:
        return self.test_session_id is not None


def _courtroom_label(hearing: Hearing) -> str:
    return _("%(court)s, room %(room)s") % {"court": hearing.court.name,
                                             "room": hearing.courtroom.room_number}


def _site_label(site) -> str:
    return f"{site.endpoint.organisation.name}, {site.endpoint.room_number}"


def _expected_sites(hearing: Hearing) -> int:
    mobiles = hearing.participants.filter(mode=ParticipationMode.MOBILE_VCS).count()
    return 1 + hearing.remote_sites.count() + mobiles


def hearing_seat(user, hearing_id: int, mobile_link=None) -> Seat | None:
    """The seat of a signed-in person, or of a mobile-VCS participant by their link."""
    room = f"hearing-{hearing_id}"
    if mobile_link is not None:
        if mobile_link.hearing_id != hearing_id:
            return None
        hearing = Hearing.objects.select_related("court").get(pk=hearing_id)
        participant = mobile_link.participant
        return Seat(room=room, hearing_id=hearing_id, site=f"mobile-{participant.pk}", kind=MOBILE,
                    label=_("%(role)s, mobile VCS") % {"role": participant.get_procedural_role_display()},
                    participant_id=participant.pk, mobile_link_id=mobile_link.pk,
                    expected_sites=_expected_sites(hearing), call_ends_at=hearing.ends_at)
    if user is None or not user.is_authenticated:
        return None
    try:
        hearing = access.get_visible(user, hearing_id)
    except Exception:  # NotFound: not a hearing this person may see
        return None
    rel = access.relations(user, hearing)
    common = {"room": room, "hearing_id": hearing_id, "user_id": user.pk,
              "expected_sites": _expected_sites(hearing), "call_ends_at": hearing.ends_at}
    if COURT in rel and user.role == Role.SECRETARY:
        # The secretary's console is the courtroom's VCS terminal (R15, R19-R22).
        return Seat(site=COURTROOM, kind=COURTROOM, label=_courtroom_label(hearing), may_mute_sites=True,
                    may_reconnect_sites=True, may_record=True, reports_sites=True, **common)
    if PRESIDING in rel or (COURT in rel and user.role in {Role.BAILIFF, Role.COURT_TECHNICIAN,
                                                          Role.OFFICE_HEAD}):
        # The judge presides from the courtroom; the console shows the links and lets the
        # judge mute a site. Other court staff watch the links' states.
        return Seat(site=f"observer-{user.pk}", kind=OBSERVER, label=_courtroom_label(hearing),
                    media=False, may_mute_sites=PRESIDING in rel, **common)
    if REMOTE in rel and user.role in REMOTE_STAFF_ROLES:
        site = hearing.remote_sites.select_related("endpoint__organisation") \
            .filter(endpoint__organisation_id=user.organisation_id).first()
        return Seat(site=f"remote-{site.pk}", kind=REMOTE_SITE, label=_site_label(site),
                    remote_site_id=site.pk, **common)
    return None


def test_seat(user, test_session_id: int) -> Seat | None:
    """R13: the test call joins the court's technician and the remote site's."""
    if user is None or not user.is_authenticated:
        return None
    ts = TestSession.objects.select_related("remote_site__endpoint__organisation", "hearing__court",
                                            "hearing__courtroom").filter(pk=test_session_id).first()
    if ts is None or ts.status == TestSessionStatus.CANCELLED:
        return None
    hearing = ts.hearing
    if not access.visible_hearings(user, hearing_id=hearing.pk).filter(pk=hearing.pk).exists():
        return None
    common = {"room": f"test-{ts.pk}", "hearing_id": hearing.pk, "test_session_id": ts.pk,
              "user_id": user.pk, "expected_sites": 2, "call_ends_at": ts.must_be_held_before}
    if user.organisation_id == hearing.court_id and user.role == Role.COURT_TECHNICIAN:
        return Seat(site=COURTROOM, kind=COURTROOM, label=_courtroom_label(hearing),
                    reports_sites=True, **common)
    site = ts.remote_site
    if user.organisation_id == site.endpoint.organisation_id and user.role in TEST_REMOTE_ROLES:
        return Seat(site=f"remote-{site.pk}", kind=REMOTE_SITE, label=_site_label(site),
                    remote_site_id=site.pk, **common)
    return None


def _admitted(participant_id: int) -> bool:
    last = AttendanceCheck.objects.filter(participant_id=participant_id).order_by("-checked_at", "-id") \
        .values_list("result", flat=True).first()
    return last == AttendanceResult.ADMITTED


def room_state(seat: Seat) -> dict:
    """Whether the seat's media may flow now, and what to tell the person if not."""
    if seat.is_test:
        ts = TestSession.objects.filter(pk=seat.test_session_id).values("status").first()
        live = ts is not None and ts["status"] in OPEN_TEST
        return {"live": live, "status": ts["status"] if ts else "", "waiting": "" if live else
                _("This test session is finished; request a new one to test again.")}
    hearing = Hearing.objects.filter(pk=seat.hearing_id).only("status").first()
    status = hearing.status if hearing else ""
    state = {"live": status in LIVE_STATES, "status": status,
             "status_label": hearing.get_status_display() if hearing else "", "waiting": ""}
    if status not in LIVE_STATES:
        state["waiting"] = _("The court has not connected the sites yet (R15). Keep this page open.") \
            if status in OPEN_STATES else _("The hearing is not held by VCS now.")
    elif seat.kind == MOBILE and not _admitted(seat.participant_id):
        # R20: the secretary checks identity and authority before the participant joins.
        state["live"] = False
        state["waiting"] = _("Please wait: the court secretary will check your identity "
                             "document and let you in (R20).")
    return state
