"""Loading the shipped reference data (regions, districts, courts, institutions,
endpoints): idempotent, keyed by code, so it can run at every start."""

import json
from pathlib import Path

from django.db import transaction

from .models import District, Endpoint, Organisation, Region

REFERENCE_FILE = Path(__file__).parent / "data" / "reference.json"
NAMES = ("name_kk", "name_ru", "name_en")


@transaction.atomic
def load_reference(path: Path = REFERENCE_FILE) -> dict[str, int]:
    data = json.loads(path.read_text(encoding="utf-8"))
    regions = {}
    for r in data["regions"]:
        regions[r["code"]], _ = Region.objects.update_or_create(
            code=r["code"], defaults={"is_city": r["is_city"], **{n: r[n] for n in NAMES}})
    districts = {}
    for d in data["districts"]:
        districts[d["code"]], _ = District.objects.update_or_create(
            code=d["code"], defaults={"region": regions[d["region"]], **{n: d[n] for n in NAMES}})
    orgs = {}
    # Parents first: organisations are listed in any order, so resolve parents in a second pass.
    for o in data["organisations"]:
        orgs[o["code"]], _ = Organisation.objects.update_or_create(
            code=o["code"], defaults={"kind": o["kind"], "region": regions[o["region"]],
                                      "district": districts[o["district"]], **{n: o[n] for n in NAMES}})
    for o in data["organisations"]:
        parent = orgs.get(o.get("parent") or "")
        if orgs[o["code"]].parent_id != (parent.pk if parent else None):
            orgs[o["code"]].parent = parent
            orgs[o["code"]].save(update_fields=["parent"])
    endpoints = 0
    for e in data["endpoints"]:
        Endpoint.objects.get_or_create(organisation=orgs[e["organisation"]], room_number=e["room_number"],
                                       defaults={"kind": e["kind"]})
        endpoints += 1
    return {"regions": len(regions), "districts": len(districts), "organisations": len(orgs),
            "endpoints": endpoints}
