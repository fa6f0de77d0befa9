from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.errors import NotFound

from .choices import Role

from .models import District, Endpoint, EndpointBlock, EndpointStatusChange, Organisation, Region


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


def endpoint_with_history(user, endpoint_id: int) -> Endpoint:
    """R14: an endpoint's operability history, for those who answer for it or agree its slots.

    The history names the people who changed the status: the endpoint's own organisation
    sees it, and the coordinators who agree VCS slots on it (R11: the region's, R12: the
    Department's). Anyone else gets 404 (the operability itself is on the public schedule, R3).
    """
    endpoint = get_object_or_404(
        Endpoint.objects.select_related("organisation").prefetch_related("status_history__by", "blocks"),
        pk=endpoint_id)
    if not may_see_history(user, endpoint):
        raise NotFound(_("No such endpoint."))
    return endpoint


def may_see_history(user, endpoint: Endpoint) -> bool:
    if user.is_superuser or user.role == Role.DEPARTMENT_COORDINATOR:
        return True
    own = user.organisation_id is not None and user.organisation_id == endpoint.organisation_id
    if own:
        return True
    return (user.role == Role.REGIONAL_COORDINATOR and user.organisation is not None
            and user.organisation.region_id == endpoint.organisation.region_id)


def equipment_board(user) -> QuerySet:
    """R14: every endpoint of the person's organisation with its last status change and its
    current and coming maintenance periods, in three queries whatever their number."""
    last_change = EndpointStatusChange.objects.select_related("by").order_by("-at", "-id")[:1]
    coming = EndpointBlock.objects.filter(ends_at__gt=kztime.now()).order_by("starts_at", "id")
    return (Endpoint.objects.filter(organisation_id=user.organisation_id)
            .prefetch_related(Prefetch("status_history", queryset=last_change, to_attr="last_changes"),
                              Prefetch("blocks", queryset=coming, to_attr="coming_blocks"))
            .order_by("kind", "room_number", "id"))


def endpoint_history_of(user, endpoint_id: int, *, limit: int = 100) -> Endpoint:
    """R14: one endpoint of the person's own organisation with its status changes and blocks."""
    endpoint = Endpoint.objects.filter(pk=endpoint_id, organisation_id=user.organisation_id).first()
    if endpoint is None:
        raise NotFound(_("No such endpoint at your organisation."))
    endpoint.changes = list(endpoint.status_history.select_related("by").order_by("-at", "-id")[:limit])
    endpoint.all_blocks = list(endpoint.blocks.select_related("created_by").order_by("-starts_at", "-id")[:limit])
    return endpoint
