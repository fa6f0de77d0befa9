"""Read paths for hearings: each fetches what its screen or API call needs in a fixed
number of queries, whatever the number of hearings."""

import datetime as dt

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from courtvcs.orgs.choices import Role

from . import access
from .choices import DeadlineStatus, FaultStatus, ParticipationMode, TestSessionStatus
from .models import (
    Act, ActSignature, AgreementRequest, AttendanceCheck, Deadline, FaultReport, Hearing, Letter, Participant, RemoteSite,
    TestSession, TimelineEvent,
)
from .states import ACTIONS, COURT

SITES = Prefetch("remote_sites", queryset=RemoteSite.objects.select_related("endpoint__organisation"))
# Unordered on purpose (the schema takes the earliest): "ORDER BY due_at" would lead SQLite,
# which keeps no statistics, to walk every pending deadline through (status, due_at)
# instead of looking up these hearings' through (hearing, status). See bench/README.md.
PENDING = Deadline.objects.filter(status=DeadlineStatus.PENDING).order_by()
PENDING_DEADLINES = Prefetch("deadlines", queryset=PENDING, to_attr="pending_deadlines")


def hearing_list(user, *, date_from: dt.datetime | None = None, date_to: dt.datetime | None = None,
                 status: str | None = None, limit: int = 100, offset: int = 0) -> QuerySet:
    qs = access.visible_hearings(user, Hearing.objects.select_related(
        "court", "courtroom", "judge", "secretary"), starts=(date_from, date_to))
    if date_from:
        qs = qs.filter(starts_at__gte=date_from)
    if date_to:
        qs = qs.filter(starts_at__lt=date_to)
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related(SITES, PENDING_DEADLINES).order_by("starts_at", "id")[offset:offset + limit]


def sees_personal_data(user, hearing: Hearing, rel: set[str]) -> bool:
    """Participants' names and contacts: the court and the remote sites, not coordinators
    (R5), not even a regional coordinator working at the regional court hearing the case."""
    if user.is_superuser:
        return True
    coordinator = user.role in {Role.REGIONAL_COORDINATOR, Role.DEPARTMENT_COORDINATOR}
    return not coordinator and bool(rel - {"coordinator"})


def sees_every_participant(user, hearing: Hearing, rel: set[str]) -> bool:
    """The court hearing the case sees every participant; a remote site only its own (R20)."""
    return sees_personal_data(user, hearing, rel) and (COURT in rel or user.is_superuser)


def hearing_detail(user, hearing_id: int) -> Hearing:
    hearing = access.get_visible(user, hearing_id)
    rel = access.relations(user, hearing)
    participants = Participant.objects.select_related("remote_site__endpoint__organisation")
    if not sees_personal_data(user, hearing, rel):
        participants = participants.none()
    elif not sees_every_participant(user, hearing, rel):
        # A remote site sees only the people who take part from it (also a regional court's
        # secretary, whose relation is "remote" and "coordinator").
        participants = participants.filter(remote_site__endpoint__organisation_id=user.organisation_id)

    prefetch_related_objects([hearing], SITES, PENDING_DEADLINES,
                             Prefetch("participants", queryset=participants),
                             Prefetch("test_sessions", queryset=TestSession.objects.order_by("requested_at", "id")),
                             "letters",
                             Prefetch("faults", queryset=FaultReport.objects.order_by("reported_at", "id")),
                             Prefetch("acts", queryset=Act.objects.prefetch_related("signatures")),
                             Prefetch("agreements", queryset=AgreementRequest.objects.order_by("requested_at", "id")))
    hearing.allowed_actions = allowed_actions(user, hearing, rel)
    return hearing


def hearing_page(user, hearing_id: int) -> Hearing:
    """The hearing page: the detail plus each participant's checks (R20) and letters' recipients."""
    hearing = hearing_detail(user, hearing_id)
    prefetch_related_objects(
        list(hearing.participants.all()),
        Prefetch("attendance_checks", queryset=AttendanceCheck.objects.order_by("-checked_at", "-id")))
    prefetch_related_objects(list(hearing.letters.all()), "recipient_org")
    return hearing


def allowed_actions(user, hearing: Hearing, rel: set[str]) -> list[str]:
    return [a.name for a in ACTIONS.values()
            if (not a.from_states or hearing.status in a.from_states)
            and any(user.role == role and r in rel for role, r in a.actors)]


def timeline(user, hearing_id: int) -> QuerySet:
    hearing = access.get_visible(user, hearing_id)
    return TimelineEvent.objects.filter(hearing=hearing).select_related("actor").order_by("at", "id")


def coordinator_queue(user, *, limit: int = 100) -> QuerySet:
    """R11, R12: agreement requests waiting for this coordinator, oldest first."""
    if user.role not in {Role.REGIONAL_COORDINATOR, Role.DEPARTMENT_COORDINATOR}:
        return AgreementRequest.objects.none()
    return (AgreementRequest.objects.filter(coordinator_org_id=user.organisation_id, status="pending")
            .select_related("hearing__court", "hearing__courtroom", "hearing__judge")
            .prefetch_related(Prefetch("hearing__remote_sites",
                                       queryset=RemoteSite.objects.select_related("endpoint__organisation")),
                              Prefetch("hearing__deadlines", to_attr="pending_deadlines",
                                       queryset=PENDING))
            .order_by("requested_at", "id")[:limit])


def letters_inbox(user, *, unacknowledged_only: bool = False) -> QuerySet:
    qs = Letter.objects.filter(recipient_org_id=user.organisation_id).select_related(
        "hearing__court", "hearing__courtroom", "remote_site__endpoint")
    if unacknowledged_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs.order_by("-sent_at", "-id")


def test_session_queue(user) -> QuerySet:
    open_ = [TestSessionStatus.REQUESTED, TestSessionStatus.SCHEDULED]
    visible = access.visible_hearings(user).values("pk")
    return (TestSession.objects.filter(status__in=open_, hearing__in=visible)
            .select_related("hearing__court", "remote_site__endpoint__organisation")
            .order_by("must_be_held_before", "id"))


def acts_awaiting_signature(user) -> QuerySet:
    """R18: the acts of the person's court that still wait for a signature, with who signed."""
    return (Act.objects.filter(status="awaiting_signatures", hearing__court_id=user.organisation_id)
            .select_related("hearing__courtroom", "fault")
            .prefetch_related(Prefetch("signatures", queryset=ActSignature.objects.select_related("signed_by"))))


def finished_test_sessions(user, *, limit: int = 50) -> QuerySet:
    """R13: the latest finished test sessions of the hearings this person sees, newest first."""
    done = [TestSessionStatus.PASSED, TestSessionStatus.FAILED]
    visible = access.visible_hearings(user).values("pk")
    return (TestSession.objects.filter(status__in=done, hearing__in=visible)
            .select_related("hearing__court", "hearing__courtroom", "remote_site__endpoint__organisation",
                            "technician")
            .order_by("-held_at", "-id")[:limit])


def open_faults(user) -> QuerySet:
    """R16: the open fault reports of the hearings this person serves, oldest first."""
    visible = access.visible_hearings(user).values("pk")
    return (FaultReport.objects.filter(status=FaultStatus.OPEN, hearing__in=visible)
            .select_related("hearing__court", "hearing__courtroom", "remote_site__endpoint__organisation",
                            "reported_by")
            .order_by("reported_at", "id"))


# ---- the secretary's booking pages and the bailiff's call-in list (R10, R19, R23) -------

def call_in_list(user, *, day_start: dt.datetime, day_end: dt.datetime) -> QuerySet:
    """R19: one day's hearings of the person's own court, in two queries."""
    qs = access.visible_hearings(user, Hearing.objects.select_related("court", "courtroom", "judge"))
    return (qs.filter(court_id=user.organisation_id, starts_at__gte=day_start, starts_at__lt=day_end)
            .prefetch_related(SITES).order_by("starts_at", "id"))


def court_petitions(user, *, limit: int = 200) -> QuerySet:
    """R10, R23: the petitions filed with the person's court, newest first, with their hearings."""
    from .models import Petition

    return (Petition.objects.filter(court_id=user.organisation_id)
            .select_related("requested_org", "decided_by").prefetch_related("hearings")
            .order_by("-filed_at", "-id")[:limit])


def booking_choices(user) -> dict:
    """What the booking form offers (R10): the court's courtrooms and judges, the endpoints
    of other courts and institutions (with their region) and the court's open petitions.
    The service checks each choice again; these only fill the form."""
    from courtvcs.orgs.choices import EndpointKind
    from courtvcs.orgs.models import Endpoint, User

    from .choices import PetitionStatus
    from .models import Petition

    court_id = user.organisation_id
    return {
        "courtrooms": Endpoint.objects.filter(organisation_id=court_id, kind=EndpointKind.COURTROOM)
        .order_by("room_number", "id"),
        "judges": User.objects.filter(organisation_id=court_id, role=Role.JUDGE, is_active=True)
        .order_by("last_name", "first_name", "id"),
        "remote": Endpoint.objects.exclude(organisation_id=court_id).select_related("organisation__region")
        .order_by("organisation__region__code", "organisation__kind", "organisation__code", "room_number", "id"),
        "petitions": Petition.objects.filter(court_id=court_id, status__in=[PetitionStatus.PENDING,
                                                                         PetitionStatus.GRANTED])
        .order_by("-filed_at", "-id")[:100],
    }


def endpoints_by_id(ids) -> list:
    """The endpoints a slot names, with their organisation (for R10's possibility check)."""
    from courtvcs.orgs.models import Endpoint

    found = {e.pk: e for e in Endpoint.objects.filter(pk__in=list(ids)).select_related("organisation")}
    return [found[i] for i in ids if i in found]


def petition_places(user) -> QuerySet:
    """R10: the courts and institutions a petitioner may ask to connect from (not one's own)."""
    from courtvcs.orgs.choices import COURT_KINDS, INSTITUTION_KINDS
    from courtvcs.orgs.models import Organisation

    return (Organisation.objects.filter(kind__in=[*COURT_KINDS, *INSTITUTION_KINDS])
            .exclude(pk=user.organisation_id).select_related("region")
            .order_by("region__code", "kind", "code"))


def site_labels(hearing: Hearing) -> dict[str, str]:
    """The names of the call's sites as the timeline shows them: no participant's name
    (remote sites read the timeline too), a mobile participant by procedural role."""
    labels = {"courtroom": _("courtroom %(room)s") % {"room": hearing.courtroom.room_number}}
    for site in hearing.remote_sites.select_related("endpoint__organisation"):
        labels[f"remote-{site.pk}"] = f"{site.endpoint.organisation.name}, {site.endpoint.room_number}"
    for p in hearing.participants.filter(mode=ParticipationMode.MOBILE_VCS):
        labels[f"mobile-{p.pk}"] = _("%(role)s, mobile VCS") % {"role": p.get_procedural_role_display()}
    return labels
