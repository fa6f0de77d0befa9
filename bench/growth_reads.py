"""Two reads that grow with history, measured in place on an existing growth database (no
re-seeding): the coordinator's timeline's "may open" column, and the secretary's list with
its remote-site part, each in two forms, by EXPLAIN (ANALYZE, BUFFERS) (8 KB pages touched,
execution ms, best of 5).

    PYTHONPATH=. DATABASE_URL=postgres://postgres@127.0.0.1:5432/cv_growth \
        COURTVCS_DB_POOL_MAX=0 .venv/bin/python bench/growth_reads.py
"""

import datetime as dt
import os

import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courtvcs.settings")
django.setup()
from django.db import connection
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from courtvcs.hearings.models import EndpointBooking, Hearing, RemoteSite
from courtvcs.orgs.models import Endpoint, User
from courtvcs.orgs.choices import Role
from courtvcs.hearings import access

def explain(qs):
    sql, params = qs.query.sql_with_params()
    best = None
    for _ in range(5):
        with connection.cursor() as c:
            c.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
            plan = c.fetchone()[0][0]
        p = plan["Plan"]; pages = p.get("Shared Hit Blocks", 0) + p.get("Shared Read Blocks", 0)
        best = (pages, plan["Execution Time"], p["Actual Rows"]) if best is None or plan["Execution Time"] < best[1] else best
    return best

u = User.objects.filter(role=Role.REGIONAL_COORDINATOR).select_related("organisation").first()
rid = u.organisation.region_id
start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0); end = start + dt.timedelta(days=7)
eids = Endpoint.objects.filter(organisation__region_id=rid).values("pk")
for name, openable in [("before (subquery over region's hearings)", Q(hearing_id__in=access.visible_hearings(u).values("pk"))),
                       ("after (coordinator_org_id per row)", Q(hearing__coordinator_org_id=u.organisation_id))]:
    qs = (EndpointBooking.objects.filter(endpoint_id__in=eids, active=True, starts_at__lt=end, ends_at__gt=start)
          .annotate(openable=ExpressionWrapper(openable, output_field=BooleanField())).order_by("starts_at", "id")
          .values_list("endpoint_id", "starts_at", "ends_at", "hearing_id", "hearing__case_number", "hearing__status", "openable"))
    pages, ms, rows = explain(qs)
    print(f"board week, {name}: rows {rows}, pages {pages}, {ms:.1f} ms (best of 5)")

u = (User.objects.filter(role=Role.COURT_SECRETARY).select_related("organisation").first()
     if hasattr(Role, "COURT_SECRETARY") else None)
if u is None:
    u = User.objects.filter(role__icontains="secretary").first()
org = u.organisation_id
day = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
remote_in = Q(pk__in=RemoteSite.objects.filter(endpoint__organisation_id=org).values("hearing_id"))
remote_exists = Exists(RemoteSite.objects.filter(hearing_id=OuterRef("pk"), endpoint__organisation_id=org))
for label, rq in [("list, IN over every remote site (kept)", remote_in), ("list, EXISTS per row (tried)", remote_exists)]:
    base = Hearing.objects.filter(Q(court_id=org) | rq)
    newest = base.order_by("-starts_at", "-id")[:100]
    daylist = base.filter(starts_at__gte=day, starts_at__lt=day + dt.timedelta(days=1)).order_by("starts_at", "id")
    for name, qs in [("list newest 100", newest), ("day list", daylist)]:
        pages, ms, rows = explain(qs)
        print(f"{label} {name}: rows {rows}, pages {pages}, {ms:.1f} ms (best of 5)")
