"""The secretary's booking form (R10) with live availability of the endpoints, and the
court's petitions (R10, R23).

The views parse the forms and call services/booking.create_hearing and
services/agreement.file_petition through `attempt`; every Rule stays in the services.
A refusal comes back with every reason and the form as it was typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from courtvcs.orgs.choices import Role
from courtvcs.pages import Outcome, add_field_errors, attempt

from .. import selectors
from ..choices import Basis
from ..forms_booking import (
    PARTICIPANTS_PREFIX, AvailabilityForm, BookingForm, ParticipantFormSet, PetitionFilingForm,
)
from ..services import agreement, booking

BOOKING_ROLES = {Role.SECRETARY}
# R10, R23: the court's secretary or judge records a petition; the judge decides on it.
PETITION_ROLES = {Role.SECRETARY, Role.JUDGE}
SLOT_FIELDS = ("courtroom_id", "starts_at", "duration_minutes", "remote_endpoint_ids")


def _require_role(user, roles) -> None:
    if user.role not in roles:
        raise PermissionDenied(_("This page is not part of your role's work."))


def _invalid() -> Outcome:
    return Outcome(error=_("Please correct the marked fields."), status=400)


# ---- availability (R10) --------------------------------------------------------------------

def availability(form) -> dict:
    """Whether each endpoint of the slot is free, with every reason it is not (R10).

    The same checks as /api/availability (booking.possibility_problems), asked once for
    the slot as a whole (time reasons, such as R13's day before) and once per endpoint, so
    each endpoint can be marked free or busy. At most nine endpoints: a bounded number of
    queries.
    """
    data = getattr(form, "cleaned_data", {})
    if any(name in form.errors for name in SLOT_FIELDS) or not all(
            data.get(name) for name in ("courtroom_id", "starts_at", "duration_minutes")):
        return {"ready": False}
    remote = [i for i in data.get("remote_endpoint_ids") or [] if i != data["courtroom_id"]]
    ids = [data["courtroom_id"], *dict.fromkeys(remote)]
    slot = {"starts_at": data["starts_at"], "duration_minutes": data["duration_minutes"]}
    general = booking.possibility_problems(endpoints=[], needs_test_session=bool(remote), **slot)
    rows = []
    for endpoint in selectors.endpoints_by_id(ids):
        reasons = [r for r in booking.possibility_problems(endpoints=[endpoint], needs_test_session=False, **slot)
                   if r not in general]
        rows.append({"endpoint": endpoint, "is_courtroom": endpoint.pk == data["courtroom_id"],
                     "reasons": reasons})
    return {"ready": True, "general": general, "rows": rows,
            "possible": not general and not any(row["reasons"] for row in rows)}


@login_required
def book_availability(request):
    """The availability piece of the booking form, asked for by HTMX as the slot changes."""
    _require_role(request.user, BOOKING_ROLES)
    form = AvailabilityForm(request.GET, choices=selectors.booking_choices(request.user))
    form.is_valid()
    return render(request, "hearings/book_page.html#availability", {"availability": availability(form)})


# ---- booking (R10) -------------------------------------------------------------------------

def _initial(request, choices: dict) -> dict:
    """A booking started from a petition (petitions page) comes with its basis and case."""
    initial = {}
    petition_id = request.GET.get("petition", "")
    petition = next((p for p in choices["petitions"] if str(p.pk) == petition_id), None)
    if petition is not None:
        initial = {"basis": Basis.PETITION, "petition_id": petition.pk, "case_number": petition.case_number}
    return initial


def _participants(formset) -> tuple[list, list]:
    """The filled rows as the service takes them, and the forms they came from."""
    rows = formset.filled()
    people = [booking.ParticipantInput(
        full_name=f.cleaned_data["full_name"], procedural_role=f.cleaned_data["procedural_role"],
        mode=f.cleaned_data["mode"], remote_endpoint_id=f.cleaned_data["remote_endpoint_id"],
        phone=f.cleaned_data["phone"].strip(), email=f.cleaned_data["email"].strip()) for _i, f in rows]
    return people, [f for _i, f in rows]


def _put_field_errors(form, participant_forms, outcome: Outcome) -> None:
    """The service names participants' fields "participants.N.field"; N counts filled rows."""
    own = Outcome(fields={})
    for name, message in outcome.fields.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "participants" and parts[1].isdigit() \
                and int(parts[1]) < len(participant_forms):
            target = participant_forms[int(parts[1])]
            target.add_error(parts[2] if parts[2] in target.fields else None, message)
        else:
            own.fields[name] = message
    add_field_errors(form, own)


def _booking_page(request, form, formset, *, outcome: Outcome | None = None, status: int = 200):
    context = {"form": form, "formset": formset, "outcome": outcome,
               "availability": availability(form) if form.is_bound else {"ready": False}}
    return render(request, "hearings/book_page.html", context, status=status)


@login_required
def book(request):
    """R10: the secretary books a hearing by VCS; the judge then decides on it."""
    user = request.user
    _require_role(user, BOOKING_ROLES)
    choices = selectors.booking_choices(user)
    if request.method != "POST":
        form = BookingForm(court=user.organisation, choices=choices, initial=_initial(request, choices))
        formset = ParticipantFormSet(prefix=PARTICIPANTS_PREFIX)
        return _booking_page(request, form, formset)

    form = BookingForm(request.POST, court=user.organisation, choices=choices)
    formset = ParticipantFormSet(request.POST, prefix=PARTICIPANTS_PREFIX, remote=form.chosen_remote())
    if not (form.is_valid() & formset.is_valid()):  # both validated, so every error shows at once
        return _booking_page(request, form, formset, outcome=_invalid(), status=400)
    people, people_forms = _participants(formset)
    data = form.cleaned_data
    outcome = attempt(
        booking.create_hearing, actor=user, case_number=data["case_number"], category=data["category"],
        instance=data["instance"], courtroom_id=data["courtroom_id"], judge_id=data["judge_id"],
        starts_at=data["starts_at"], duration_minutes=data["duration_minutes"],
        remote_endpoint_ids=data["remote_endpoint_ids"], participants=people, basis=data["basis"],
        petition_id=data["petition_id"] if data["basis"] == Basis.PETITION else None)
    if outcome.ok:
        messages.success(request, _("Hearing %(case)s is booked; the judge now decides on holding it by VCS (R10).")
                         % {"case": outcome.result.case_number})
        return redirect("hearings:detail", hearing_id=outcome.result.pk)
    _put_field_errors(form, people_forms, outcome)
    return _booking_page(request, form, formset, outcome=outcome, status=outcome.status)


# ---- petitions (R10, R23) ------------------------------------------------------------------

@login_required
def petitions(request):
    user = request.user
    _require_role(user, PETITION_ROLES)
    places = selectors.petition_places(user)
    outcome = None
    if request.method == "POST":
        form = PetitionFilingForm(request.POST, places=places)
        if form.is_valid():
            outcome = attempt(agreement.file_petition, actor=user, **form.cleaned_data)
            add_field_errors(form, outcome)
        else:
            outcome = _invalid()
        if outcome.ok:
            messages.success(request, _("The petition in case %(case)s is recorded; the judge decides on it.")
                             % {"case": outcome.result.case_number})
            return redirect("hearings:petitions")
    else:
        form = PetitionFilingForm(places=places)
    context = {"form": form, "outcome": outcome, "petitions": list(selectors.court_petitions(user)),
               "may_book": user.role in BOOKING_ROLES}
    return render(request, "hearings/petitions_page.html", context, status=outcome.status if outcome else 200)


urlpatterns = [
    path("hearings/new/", book, name="book"),
    path("hearings/new/availability/", book_availability, name="book_availability"),
    path("petitions/", petitions, name="petitions"),
]
