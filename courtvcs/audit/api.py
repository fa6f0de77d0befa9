import datetime as dt

from ninja import Router, Schema

from courtvcs.hearings import access, selectors

from .models import AuditEntry

router = Router(tags=["audit"])

# Entries whose before/after hold personal data of participants (names, contacts, date of
# birth, identity documents, a witness to interrogate): shown only to the court hearing the case (R5).
PERSONAL = {"hearings.participant", "hearings.attendancecheck", "hearings.petition",
            "interrogations.interrogationrequest"}


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
    """Every recorded change of one hearing, for those who may see the hearing; what was
    entered about a participant only for those who see every participant."""
    hearing = access.get_visible(request.user, hearing_id)
    entries = list(AuditEntry.objects.filter(hearing_id=hearing.pk).order_by("id"))
    if not selectors.sees_every_participant(request.user, hearing, access.relations(request.user, hearing)):
        for e in entries:
            if e.object_type in PERSONAL:
                e.before = e.after = None  # only shown, never saved: the log is append-only
    return entries
