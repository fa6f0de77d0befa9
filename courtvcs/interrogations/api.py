from ninja import Status, Field, Router, Schema
from pydantic import EmailStr

from courtvcs.api_types import Birthday

from . import services
from .choices import Ground, PersonRole

router = Router(tags=["remote interrogation (R25-R27)"])


class InterrogationIn(Schema):
    person_name: str = Field(min_length=2, max_length=255)
    person_role: PersonRole
    grounds: list[Ground] = Field(max_length=4)
    district_id: int
    date_of_birth: Birthday | None = None
    note: str = Field("", max_length=2000)


class AcceptIn(Schema):
    endpoint_id: int | None = None
    phone: str = Field("", max_length=32)
    email: EmailStr | None = None


class InterrogationOut(Schema):
    id: int
    hearing_id: int
    person_role: str
    grounds: list[str]
    age_band: str
    district_id: int
    proposed_court_id: int
    proposed_court: str
    remote_site_id: int | None

    @staticmethod
    def resolve_proposed_court(obj) -> str:
        return obj.proposed_court.name


@router.post("/hearings/{hearing_id}/interrogations", response={201: InterrogationOut})
def request_interrogation(request, hearing_id: int, payload: InterrogationIn):
    return Status(201, services.request_interrogation(actor=request.user, hearing_id=hearing_id, **payload.model_dump()))


@router.post("/interrogations/{request_id}/accept", response=InterrogationOut)
def accept(request, request_id: int, payload: AcceptIn):
    return services.accept_proposed_court(actor=request.user, request_id=request_id,
                                          endpoint_id=payload.endpoint_id, phone=payload.phone,
                                          email=payload.email or "")
