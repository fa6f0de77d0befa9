import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

from .models import Suspension


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
