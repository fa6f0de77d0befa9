import datetime as dt

from ninja import Router, Schema

from courtvcs.hearings import access

from .models import AuditEntry

router = Router(tags=["audit"])


class AuditOut(Schema):
    id: int
    at: dt.datetime
    actor_label: str
    action: str
    object_type: str
    object_id: str
    rule: str
    before: dict | None
    after: dict | None


@router.get("/hearings/{hearing_id}/audit", response=list[AuditOut])
def hearing_audit(request, hearing_id: int):
    """Every recorded change of one hearing, for those who may see the hearing."""
    hearing = access.get_visible(request.user, hearing_id)
    return AuditEntry.objects.filter(hearing_id=hearing.pk).order_by("id")
