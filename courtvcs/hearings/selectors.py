"""Read paths for hearings: each fetches what its screen or API call needs in a fixed
number of queries, whatever the number of hearings."""

import datetime as dt

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from courtvcs.orgs.choices import Role

from . import access
from .choices import DeadlineStatus, TestSessionStatus
from .models import (
    Act, AgreementRequest, Deadline, FaultReport, Hearing, Letter, Participant, RemoteSite,
    TestSession, TimelineEvent,
)
from .states import ACTIONS, REMOTE

SITES = Prefetch("remote_sites", queryset=RemoteSite.objects.select_related("endpoint__organisation"))
# Unordered on purpose (the schema takes the earliest): "ORDER BY due_at" would lead SQLite,
# which keeps no statistics, to walk every pending deadline through (status, due_at)
# instead of looking up these hearings' through (hearing, status). See bench/README.md.
PENDING = Deadline.objects.filter(status=DeadlineStatus.PENDING).order_by()
PENDING_DEADLINES = Prefetch("deadlines", queryset=PENDING, to_attr="pending_deadlines")


def hearing_list(user, *, date_from: dt.datetime | None = None, date_to: dt.datetime | None = None,
                 status: str | None = None, limit: int = 100, offset: int = 0) -> QuerySet:
    qs = access.visible_hearings(user, Hearing.objects.select_related(
        "court", "courtroom", "judge", "secretary"))
    if date_from:
        qs = qs.filter(starts_at__gte=date_from)
    if date_to:
        qs = qs.filter(starts_at__lt=date_to)
    if status:
        qs = qs.filter(status=status)
    return qs.prefetch_related(SITES, PENDING_DEADLINES).order_by("starts_at", "id")[offset:offset + limit]


def sees_personal_data(user, hearing: Hearing, rel: set[str]) -> bool:
    """Participants' names and contacts: the court and the remote sites, not coordinators."""
    return bool(rel - {"coordinator"}) or user.is_superuser


def hearing_detail(user, hearing_id: int) -> Hearing:
    hearing = access.get_visible(user, hearing_id)
    rel = access.relations(user, hearing)
    participants = Participant.objects.select_related("remote_site__endpoint__organisation")
    if not sees_personal_data(user, hearing, rel):
        participants = participants.none()
    elif rel == {REMOTE}:
        # A remote site sees only the people who take part from it.
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
    return (Act.objects.filter(status="awaiting_signatures", hearing__court_id=user.organisation_id)
            .select_related("hearing").prefetch_related("signatures"))
