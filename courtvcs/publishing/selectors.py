"""Read paths of the public schedule, its feeds and the outbox (R3, R27).

Each reads in a fixed number of queries whatever the number of hearings: the hearings
with their court and courtroom in one, the latest test session of each remote site in
another. Nothing personal is read: no case number, no judge, no participant. A hearing
with a minor or on the safety ground (R27) is never read for the public at all.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import translation

from courtvcs import kztime
from courtvcs.hearings.choices import AgreementStatus, FaultStatus, HearingStatus, TestSessionStatus
from courtvcs.hearings.models import AgreementRequest, FaultReport, Hearing, RemoteSite, TestSession
from courtvcs.orgs.choices import COURT_KINDS, OrgKind
from courtvcs.orgs.models import Organisation

from .choices import PUBLISHED_STATUSES
from .models import OutboxEvent
from .operability import public_state, vcs_status

# R27: nothing at all is published about a hearing with a minor or on the safety ground.
PUBLISHABLE = Q(has_minor=False, safety_protected=False)

_FIELDS = ("id", "court_id", "court__code", "court__name_kk", "court__name_ru", "court__name_en",
           "courtroom__room_number", "courtroom__status", "starts_at", "duration_minutes", "category",
           "instance", "status", "updated_at", "open_fault", "sequence", "last_event_at")
_OPEN_FAULT = Exists(FaultReport.objects.filter(hearing=OuterRef("pk"), status=FaultStatus.OPEN))
# The number and time of the hearing's latest change sent to the courts' system: the
# iCalendar SEQUENCE and LAST-MODIFIED (a test result changes no column of the hearing).
_LAST_EVENT = OutboxEvent.objects.filter(hearing=OuterRef("pk")).order_by("-seq")
_SEQUENCE = Coalesce(Subquery(_LAST_EVENT.values("seq")[:1]), Value(0), output_field=IntegerField())
_LAST_EVENT_AT = Subquery(_LAST_EVENT.values("created_at")[:1])
# Each remote site's latest test session that still counts (a new slot cancels the open ones).
_LATEST_TEST = Subquery(TestSession.objects.filter(remote_site=OuterRef("pk"))
                        .exclude(status=TestSessionStatus.CANCELLED)
                        .order_by("-requested_at", "-id").values("status")[:1])
# Courts first by level, then by name, within each region.
_KIND_ORDER = {OrgKind.SUPREME_COURT: 0, OrgKind.REGIONAL_COURT: 1, OrgKind.DISTRICT_COURT: 2}


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One hearing as the public sees it: exactly R3's facts, plus category and instance."""

    id: int
    court: Organisation
    room_number: str
    starts_at: dt.datetime
    duration_minutes: int
    category: str
    instance: str
    status: str          # the workflow's; used to derive the two below, never shown
    state: str | None    # PublicState; None when not published (outbox only)
    vcs: str             # VcsStatus
    changed_at: dt.datetime  # the last change of what is published about it
    sequence: int

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def local_start(self) -> dt.datetime:
        return kztime.local(self.starts_at)

    @property
    def local_end(self) -> dt.datetime:
        return kztime.local(self.ends_at)

    def key(self) -> tuple:
        """Everything published about it, for a feed's ETag."""
        court = self.court
        return (self.id, court.pk, court.code, court.name_kk, court.name_ru, court.name_en, self.room_number,
                self.starts_at.timestamp(), self.duration_minutes, self.category, self.instance, self.state,
                self.vcs, self.changed_at.timestamp(), self.sequence)


def courts() -> list[tuple[str, list[Organisation]]]:
    """Every court by region, in the visitor's language: regions by name, their courts by
    level and name. One query."""
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    regions: dict[str, list[tuple]] = defaultdict(list)
    for pk, code, kind, kk, ru, en, region_kk, region_ru, region_en in (
            Organisation.objects.filter(kind__in=COURT_KINDS).values_list(
                "id", "code", "kind", "name_kk", "name_ru", "name_en", "region__name_kk", "region__name_ru",
                "region__name_en")):
        court = Organisation(id=pk, code=code, kind=kind, name_kk=kk, name_ru=ru, name_en=en)
        region = {"kk": region_kk, "ru": region_ru, "en": region_en}.get(language) or region_ru
        name = {"kk": kk, "ru": ru, "en": en}.get(language) or ru
        regions[region].append((_KIND_ORDER.get(kind, 9), name, pk, court))
    return [(region, [c for *_key, c in sorted(found)]) for region, found in sorted(regions.items())]


def court(court_id: int) -> Organisation | None:
    return Organisation.objects.filter(pk=court_id, kind__in=COURT_KINDS).first()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """A Kazakhstan calendar day as UTC instants [start, end)."""
    return kztime.start_of_local_day(day), kztime.start_of_local_day(day + dt.timedelta(days=1))


def day_schedule(*, day: dt.date, court_id: int | None = None) -> list[ScheduleRow]:
    """The published hearings of a Kazakhstan day, of one court or of all: two queries."""
    start, end = day_bounds(day)
    qs = Hearing.objects.filter(PUBLISHABLE, status__in=PUBLISHED_STATUSES, starts_at__gte=start,
                                starts_at__lt=end)
    if court_id is not None:
        qs = qs.filter(court_id=court_id)
    return _rows(qs)


def court_feed(*, court_id: int, today: dt.date) -> list[ScheduleRow]:
    """A court's calendar: its published hearings from a week ago to three months ahead,
    and the ones cancelled lately after their slot had been agreed, so calendars that
    subscribed drop them (STATUS:CANCELLED). Two queries."""
    days_back, days_ahead = settings.COURTVCS_PUBLIC_FEED_DAYS
    start = kztime.start_of_local_day(today - dt.timedelta(days=days_back))
    end = kztime.start_of_local_day(today + dt.timedelta(days=days_ahead + 1))
    recently = kztime.now() - dt.timedelta(days=settings.COURTVCS_PUBLIC_CANCELLED_DAYS)
    was_agreed = Exists(AgreementRequest.objects.filter(
        hearing=OuterRef("pk"), status__in=[AgreementStatus.AGREED, AgreementStatus.ACCEPTED]))
    cancelled = Q(status=HearingStatus.CANCELLED, updated_at__gte=recently) & Q(was_agreed)
    qs = Hearing.objects.filter(PUBLISHABLE, court_id=court_id, starts_at__gte=start, starts_at__lt=end).filter(
        Q(status__in=PUBLISHED_STATUSES) | cancelled)
    return _rows(qs)


def hearing_facts(hearing_id: int) -> ScheduleRow | None:
    """One hearing in any state, R27 or not, for the outbox to describe: two queries."""
    rows = _rows(Hearing.objects.filter(pk=hearing_id))
    return rows[0] if rows else None


def _rows(qs: QuerySet) -> list[ScheduleRow]:
    hearings = list(qs.annotate(open_fault=_OPEN_FAULT, sequence=_SEQUENCE, last_event_at=_LAST_EVENT_AT)
                    .order_by("court_id", "starts_at", "courtroom__room_number", "id").values_list(*_FIELDS))
    sites = (RemoteSite.objects.filter(hearing__in=qs.order_by().values("pk"))
             .annotate(last_test=_LATEST_TEST).values_list("hearing_id", "last_test"))
    tests: dict[int, list[str | None]] = defaultdict(list)
    for hearing_id, last_test in sites:
        tests[hearing_id].append(last_test)
    court_of: dict[int, Organisation] = {}
    rows = []
    for (pk, court_id, code, name_kk, name_ru, name_en, room, room_status, starts_at, duration, category,
         instance, status, updated_at, open_fault, sequence, last_event_at) in hearings:
        court = court_of.get(court_id)
        if court is None:
            court = court_of[court_id] = Organisation(id=court_id, code=code, name_kk=name_kk,
                                                      name_ru=name_ru, name_en=name_en)
        rows.append(ScheduleRow(
            id=pk, court=court, room_number=room, starts_at=starts_at, duration_minutes=duration,
            category=category, instance=instance, status=status, state=public_state(status),
            vcs=vcs_status(status=status, courtroom_status=room_status, open_fault=open_fault,
                           site_tests=tests.get(pk, ())),
            changed_at=max(updated_at, last_event_at or updated_at), sequence=sequence))
    return rows


def pending_heads() -> QuerySet:
    """Each hearing's earliest unacknowledged outbox event: the only one of it that may be
    sent now (R3: in order per hearing)."""
    earlier = OutboxEvent.objects.filter(hearing_id=OuterRef("hearing_id"), seq__lt=OuterRef("seq"),
                                         delivered_at__isnull=True)
    return OutboxEvent.objects.filter(delivered_at__isnull=True).filter(~Exists(earlier))


def outbox_summary() -> dict[str, object]:
    """What the administrator sees above the outbox: two queries."""
    alert_after = settings.COURTVCS_OUTBOX_ALERT_AFTER_ATTEMPTS
    pending = Q(delivered_at__isnull=True)
    summary = OutboxEvent.objects.aggregate(
        pending=Count("id", filter=pending),
        failing=Count("id", filter=pending & Q(attempts__gte=alert_after)),
        delivered=Count("id", filter=~pending),
        oldest_pending=Min("created_at", filter=pending),
    )
    summary["next_attempt"] = pending_heads().aggregate(at=Min("next_attempt_at"))["at"]
    return summary
