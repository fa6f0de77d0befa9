import datetime as dt
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from courtvcs.hearings.access import visible_hearings

from .models import SuspendedHearing, Suspension


def active_q(start: dt.datetime, end: dt.datetime) -> Q:
    """Suspensions in force at some moment of [start, end). The expected end is only an
    expectation: a suspension lasts until the officer lifts it."""
    return Q(starts_at__lt=end) & (Q(lifted_at__isnull=True) | Q(lifted_at__gt=start))


def suspensions_overlapping(institution_ids: Iterable[int], start: dt.datetime, end: dt.datetime):
    ids = list(institution_ids)
    if not ids:
        return Suspension.objects.none()
    return Suspension.objects.filter(active_q(start, end), institution_id__in=ids).select_related("institution")


def suspensions_of(user):
    qs = Suspension.objects.select_related("institution", "declared_by")
    if user.is_superuser:
        return qs
    if user.organisation and user.organisation.is_institution:
        return qs.filter(institution_id=user.organisation_id)
    return qs.filter(hearings__hearing__court_id=user.organisation_id).distinct()


def suspensions_with_hearings(user, *, limit: int = 100) -> QuerySet:
    """R24: the suspensions this person sees, newest first, each with the hearings it caught
    that the person may see (a court sees its own hearings, the institution all of them)."""
    caught = (SuspendedHearing.objects.filter(hearing__in=visible_hearings(user).values("pk"))
              .select_related("hearing__court", "hearing__courtroom").order_by("hearing__starts_at", "id"))
    return (suspensions_of(user).select_related("lifted_by")
            .prefetch_related(Prefetch("hearings", queryset=caught, to_attr="caught"))
            .order_by("-starts_at", "-id")[:limit])
