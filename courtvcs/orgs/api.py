import datetime as dt

from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from courtvcs.api_types import KzDatetime
from courtvcs.errors import InvalidInput, SecondFactorRequired

from . import reauth, second_factor, selectors, services
from .choices import EndpointKind, EndpointStatus, Language, OrgKind

router = Router(tags=["courts and endpoints"])
auth_router = Router(tags=["sign-in"])


class NamedOut(Schema):
    id: int
    code: str
    name: str


class RegionOut(NamedOut):
    is_city: bool


class DistrictOut(NamedOut):
    region_id: int


class OrganisationOut(NamedOut):
    kind: OrgKind
    region_id: int
    district_id: int
    parent_id: int | None


class EndpointOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    kind: EndpointKind
    room_number: str
    status: EndpointStatus
    status_label: str

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    organisation_id: int | None
    organisation: str | None
    language: str

    @staticmethod
    def resolve_role_label(obj) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_organisation(obj) -> str | None:
        return obj.organisation.name if obj.organisation else None


class LoginIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)
    # Issue 7: the six digits from the person's authenticator app.
    code: str = Field("", max_length=16)


class LanguageIn(Schema):
    language: Language


class StatusIn(Schema):
    status: EndpointStatus
    note: str = Field("", max_length=2000)


class BlockIn(Schema):
    starts_at: KzDatetime
    ends_at: KzDatetime
    reason: str = Field(min_length=1, max_length=255)


class BlockOut(Schema):
    id: int
    endpoint_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str


@auth_router.post("/login", auth=None, response=MeOut)
def sign_in(request, payload: LoginIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise InvalidInput(_("Wrong user name or password."))
    if second_factor.confirmed_device(user) is None:
        raise SecondFactorRequired(_("Set up the authenticator app by signing in once in a browser."),
                                   code="second_factor_enrolment_required")
    if not payload.code:
        raise SecondFactorRequired(_("Enter the code from your authenticator app first."))
    login(request, user)
    if not second_factor.verify(request=request, user=user, code=payload.code):
        logout(request)
        raise SecondFactorRequired(_("The code is wrong or has expired. Enter the current code."))
    get_token(request)  # set the CSRF cookie for the following writes
    return user


class ConfirmIn(Schema):
    password: str = Field(min_length=1, max_length=256)
    code: str = Field(min_length=1, max_length=16)


@auth_router.post("/confirm", response={204: None})
def confirm_sign_in(request, payload: ConfirmIn):
    """Sign in again (password and code) before destroying a recording or signing an act."""
    if not reauth.confirm(request=request, password=payload.password, code=payload.code):
        raise SecondFactorRequired(_("The password or the code is wrong. Enter them again (wait for a new code)."),
                                   code="reauthentication_failed")
    return Status(204, None)


@auth_router.post("/logout", response={204: None})
def sign_out(request):
    logout(request)
    return Status(204, None)


@auth_router.get("/me", response=MeOut)
def me(request):
    return request.user


@auth_router.post("/language", response=MeOut)
def choose_language(request, payload: LanguageIn):
    return services.set_language(actor=request.user, language=payload.language)


@router.get("/regions", response=list[RegionOut], auth=None)
def list_regions(request):
    return selectors.regions()


@router.get("/districts", response=list[DistrictOut], auth=None)
def list_districts(request, region_id: int | None = None):
    return selectors.districts(region_id)


@router.get("/organisations", response=list[OrganisationOut], auth=None)
def list_organisations(request, kind: OrgKind | None = None, region_id: int | None = None,
                       district_id: int | None = None):
    return selectors.organisations(kind=kind, region_id=region_id, district_id=district_id)


@router.get("/endpoints", response=list[EndpointOut])
def list_endpoints(request, organisation_id: int | None = None, region_id: int | None = None,
                   kind: EndpointKind | None = None):
    return selectors.endpoints(organisation_id=organisation_id, region_id=region_id, kind=kind)


@router.post("/endpoints/{endpoint_id}/status", response=EndpointOut)
def change_endpoint_status(request, endpoint_id: int, payload: StatusIn):
    return services.set_endpoint_status(actor=request.user, endpoint_id=endpoint_id,
                                        status=payload.status, note=payload.note)


@router.post("/endpoints/{endpoint_id}/blocks", response={201: BlockOut})
def add_endpoint_block(request, endpoint_id: int, payload: BlockIn):
    return Status(201, services.block_endpoint(actor=request.user, endpoint_id=endpoint_id,
                                        starts_at=payload.starts_at, ends_at=payload.ends_at,
                                        reason=payload.reason))



class StatusChangeOut(Schema):
    at: dt.datetime
    from_status: EndpointStatus
    to_status: EndpointStatus
    note: str
    by: str | None

    @staticmethod
    def resolve_by(obj) -> str | None:
        return obj.by.display_name if obj.by else None


class EndpointHistoryOut(Schema):
    endpoint: EndpointOut
    changes: list[StatusChangeOut]
    blocks: list[BlockOut]


@router.get("/endpoints/{endpoint_id}/history", response=EndpointHistoryOut)
def endpoint_history(request, endpoint_id: int):
    """R14: how the endpoint's operability changed, and its maintenance periods."""
    endpoint = selectors.endpoint_with_history(request.user, endpoint_id)
    return {"endpoint": endpoint, "changes": list(endpoint.status_history.all()),
            "blocks": list(endpoint.blocks.all())}
