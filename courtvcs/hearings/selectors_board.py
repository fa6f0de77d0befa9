"""Read paths of the coordinators' screens (R11, R12): the answered row of the queue and
the timeline of every endpoint of a region.

The board is read in a fixed number of queries whatever the number of endpoints and
hearings: the endpoints of the region, their active bookings in the period with the
hearing's case number and status, their maintenance blocks, and the suspensions at its
institutions (R24); for the Department also the list of regions to filter by.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from django.utils.translation import gettext as _

from courtvcs.errors import NotFound
from courtvcs.orgs.choices import INSTITUTION_KINDS, OrgKind, Role
from courtvcs.orgs.models import Endpoint, EndpointBlock, Organisation, Region
from courtvcs.suspensions.models import Suspension
from courtvcs.suspensions.selectors import active_q

from .models import AgreementRequest, EndpointBooking
from .selectors import PENDING, SITES

COORDINATOR_ROLES = {Role.REGIONAL_COORDINATOR, Role.DEPARTMENT_COORDINATOR}


def answered_request(user, request_id: int) -> AgreementRequest:
    """One agreement request put to the coordinator's organisation, in any status, with what
    its row in the queue shows (as `selectors.coordinator_queue` reads it)."""
    if user.role not in COORDINATOR_ROLES:
        raise NotFound(_("No such agreement request."))
    found = (AgreementRequest.objects.filter(pk=request_id, coordinator_org_id=user.organisation_id)
             .select_related("hearing__court", "hearing__courtroom")
             .prefetch_related(Prefetch("hearing__remote_sites", queryset=SITES.queryset),
                               Prefetch("hearing__deadlines", to_attr="pending_deadlines", queryset=PENDING))
             .first())
    if found is None:
        raise NotFound(_("No such agreement request."))
    return found


# ---- the board -----------------------------------------------------------------------------

@dataclass(slots=True)
class Occupation:
    """A booking on the board: when the endpoint is held, by which case, in which state.
    No person's data: the coordinator sees the case number and the status only."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    hearing_id: int
    case_number: str
    status: str
    openable: bool  # whether the coordinator may open the hearing (access.visible_hearings)


@dataclass
class BoardRow:
    endpoint: Endpoint
    bookings: list[Occupation] = field(default_factory=list)
    blocks: list = field(default_factory=list)
    suspensions: list = field(default_factory=list)


@dataclass
class BoardGroup:
    organisation: Organisation
    rows: list[BoardRow] = field(default_factory=list)


@dataclass
class Board:
    start: dt.datetime
    end: dt.datetime
    region: Region | None            # None: the whole country (the Department, unfiltered)
    regions: list[Region]            # what the Department may filter by; [] for a region's coordinator
    groups: list[BoardGroup]

    @property
    def endpoint_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)


def board_region_id(user, region_code: str = "") -> tuple[int | None, list[Region]]:
    """Which region the coordinator's board shows (R2: a regional coordinator coordinates the
    courts of her region; the Department the whole country, or one region it picks)."""
    if user.role == Role.REGIONAL_COORDINATOR:
        return user.organisation.region_id, []
    regions = list(Region.objects.order_by("code"))
    chosen = next((r for r in regions if r.code == region_code), None)
    return (chosen.pk if chosen else None), regions


def endpoint_board(user, *, start: dt.datetime, end: dt.datetime, region_code: str = "") -> Board:
    """R11, R12: every endpoint of the coordinator's region (the Department: the country or
    one region) with what occupies it in [start, end): active bookings, maintenance blocks
    and suspensions. Bookings carry the case number and status only, and whether the
    coordinator may open the hearing (access.visible_hearings)."""
    if user.role not in COORDINATOR_ROLES:
        return Board(start, end, None, [], [])
    region_id, regions = board_region_id(user, region_code)
    in_region = Q(organisation__region_id=region_id) if region_id is not None else Q()

    endpoints = list(Endpoint.objects.filter(in_region).select_related("organisation")
                     .order_by("organisation__kind", "organisation__code", "organisation_id",
                               "kind", "room_number", "id"))
    endpoint_ids = Endpoint.objects.filter(in_region).values("pk")

    # The rule of access.visible_hearings tested on each booking's hearing, not a subquery
    # over all the region's hearings ever (bench/README.md, "Cost growth").
    if user.is_superuser or user.role == Role.DEPARTMENT_COORDINATOR:
        openable = Q(pk__isnull=False)
    else:
        openable = Q(hearing__coordinator_org_id=user.organisation_id)
    # Thousands of bookings in a week of a busy region: read as tuples, not model instances
    # (a booking and its hearing would be two models each; bench/README.md, screens).
    bookings = (EndpointBooking.objects
                .filter(endpoint_id__in=endpoint_ids, active=True, starts_at__lt=end, ends_at__gt=start)
                .annotate(openable=ExpressionWrapper(openable, output_field=BooleanField()))
                .order_by("starts_at", "id")
                .values_list("endpoint_id", "starts_at", "ends_at", "hearing_id", "hearing__case_number",
                             "hearing__status", "openable"))
    blocks = (EndpointBlock.objects.filter(endpoint_id__in=endpoint_ids, starts_at__lt=end, ends_at__gt=start)
              .only("endpoint_id", "starts_at", "ends_at", "reason").order_by("starts_at", "id"))
    institutions = Q(institution__kind__in=INSTITUTION_KINDS)
    if region_id is not None:
        institutions &= Q(institution__region_id=region_id)
    suspensions = (Suspension.objects.filter(active_q(start, end) & institutions)
                   .only("institution_id", "reason", "starts_at", "expected_end_at", "lifted_at")
                   .order_by("starts_at", "id"))

    rows = {e.pk: BoardRow(e) for e in endpoints}
    for endpoint_id, *booking in bookings:
        rows[endpoint_id].bookings.append(Occupation(*booking))
    for block in blocks:
        rows[block.endpoint_id].blocks.append(block)
    by_org: dict[int, list] = {}
    for suspension in suspensions:
        by_org.setdefault(suspension.institution_id, []).append(suspension)

    groups: list[BoardGroup] = []
    for endpoint in endpoints:
        if not groups or groups[-1].organisation.pk != endpoint.organisation_id:
            groups.append(BoardGroup(endpoint.organisation))
        row = rows[endpoint.pk]
        row.suspensions = by_org.get(endpoint.organisation_id, [])
        groups[-1].rows.append(row)
    # Courts from the highest down, then the institutions (the order of OrgKind).
    order = {kind: i for i, kind in enumerate(OrgKind.values)}
    groups.sort(key=lambda g: (order.get(g.organisation.kind, 99), g.organisation.code))
    region = next((r for r in regions if r.pk == region_id), None) if regions else \
        (user.organisation.region if region_id is not None else None)
    return Board(start, end, region, regions, groups)
