from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import District, Endpoint, Organisation, Region


def regions() -> QuerySet:
    return Region.objects.all()


def districts(region_id: int | None = None) -> QuerySet:
    qs = District.objects.select_related("region")
    return qs.filter(region_id=region_id) if region_id else qs


def organisations(*, kind: str | None = None, region_id: int | None = None,
                  district_id: int | None = None) -> QuerySet:
    qs = Organisation.objects.select_related("region", "district")
    if kind:
        qs = qs.filter(kind=kind)
    if region_id:
        qs = qs.filter(region_id=region_id)
    if district_id:
        qs = qs.filter(district_id=district_id)
    return qs


def endpoints(*, organisation_id: int | None = None, region_id: int | None = None,
              kind: str | None = None) -> QuerySet:
    qs = Endpoint.objects.select_related("organisation__region")
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    if region_id:
        qs = qs.filter(organisation__region_id=region_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def endpoint_with_history(endpoint_id: int) -> Endpoint:
    return get_object_or_404(
        Endpoint.objects.select_related("organisation").prefetch_related("status_history__by", "blocks"),
        pk=endpoint_id)
