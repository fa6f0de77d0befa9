import datetime as dt

from ninja import Status, Field, Router, Schema

from courtvcs.api_types import KzDatetime

from . import selectors, services
from .choices import SuspensionReason

router = Router(tags=["suspensions (R24)"])


class SuspensionIn(Schema):
    reason: SuspensionReason
    starts_at: KzDatetime | None = None
    expected_end_at: KzDatetime | None = None
    details: str = Field("", max_length=4000)


class SuspensionOut(Schema):
    id: int
    institution_id: int
    reason: str
    details: str
    starts_at: dt.datetime
    expected_end_at: dt.datetime | None
    lifted_at: dt.datetime | None
    hearing_ids: list[int]

    @staticmethod
    def resolve_hearing_ids(obj) -> list[int]:
        return [link.hearing_id for link in obj.hearings.all()]


@router.post("/suspensions", response={201: SuspensionOut})
def declare(request, payload: SuspensionIn):
    return Status(201, services.declare(actor=request.user, **payload.model_dump()))


@router.post("/suspensions/{suspension_id}/lift", response=SuspensionOut)
def lift(request, suspension_id: int):
    return services.lift(actor=request.user, suspension_id=suspension_id)


@router.get("/suspensions", response=list[SuspensionOut])
def list_suspensions(request):
    return selectors.suspensions_of(request.user).prefetch_related("hearings")
