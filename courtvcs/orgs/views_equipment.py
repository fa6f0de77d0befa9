"""The equipment board (R14): every endpoint of the person's court or institution with its
operability, when it last changed and who changed it, its maintenance periods and history.

The technical specialists of the organisation change the status and add maintenance
periods (orgs.services decides, R14); everyone else of the organisation sees the board
read-only, so the secretary knows whether her courtroom works (R3). A person without an
organisation (an administrator) has no board: 403.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from courtvcs.errors import NotFound
from courtvcs.pages import Outcome, add_field_errors, answer, attempt, invalid

from . import selectors, services
from .choices import TECHNICIAN_ROLES, EndpointStatus

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Operability"), choices=EndpointStatus.choices)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class BlockForm(forms.Form):
    starts_at = forms.DateTimeField(label=gettext_lazy("From"), widget=LOCAL_INPUT, input_formats=LOCAL_FORMATS)
    ends_at = forms.DateTimeField(label=gettext_lazy("Until"), widget=LOCAL_INPUT, input_formats=LOCAL_FORMATS)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255)


def _require_organisation(user) -> None:
    if user.organisation_id is None:
        raise PermissionDenied(_("The equipment board belongs to a court or an institution."))


def _history(user, endpoint_id: int):
    try:
        return selectors.endpoint_history_of(user, endpoint_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _context(request, failed=None) -> dict:
    user = request.user
    may_change = user.role in TECHNICIAN_ROLES
    shown = request.GET.get("history", "")
    endpoints = list(selectors.equipment_board(user))
    for e in endpoints:
        e.last_change = e.last_changes[0] if e.last_changes else None
        e.status_form = StatusForm(prefix=f"st{e.pk}", initial={"status": e.status})
        e.block_form = BlockForm(prefix=f"b{e.pk}")
        e.outcome = None
        e.block_open = False
        # Without JavaScript the history opens through ?history=<id>; HTMX loads it on demand.
        e.history = _history(user, e.pk) if shown == str(e.pk) else None
    context = {"endpoints": endpoints, "may_change": may_change, "organisation": user.organisation}
    if failed is not None:
        kind, pk, form, outcome = failed
        target = next((e for e in endpoints if e.pk == pk), None) if may_change else None
        if target is None:
            context["outcome"] = outcome
        else:
            setattr(target, f"{kind}_form", form)
            target.outcome = outcome
            target.block_open = kind == "block"
    return context


def _answer(request, outcome: Outcome, *, done: str, failed):
    return answer(request, outcome, template="orgs/equipment.html", part="board", done=done,
                  url_name="orgs:equipment",
                  context=lambda: _context(request) if outcome.ok else _context(request, failed=failed))


@login_required
def equipment(request):
    _require_organisation(request.user)
    return render(request, "orgs/equipment.html", _context(request))


@login_required
def equipment_history(request, endpoint_id: int):
    _require_organisation(request.user)
    endpoint = _history(request.user, endpoint_id)
    if not request.htmx:
        return redirect(f"{reverse('orgs:equipment')}?history={endpoint.pk}#e{endpoint.pk}")
    return render(request, "orgs/equipment.html#history", {"e": endpoint, "history": endpoint})


@login_required
@require_POST
def equipment_status(request, endpoint_id: int):
    _require_organisation(request.user)
    form = StatusForm(request.POST, prefix=f"st{endpoint_id}")
    if form.is_valid():
        outcome = attempt(services.set_endpoint_status, actor=request.user, endpoint_id=endpoint_id,
                          **form.cleaned_data)
        add_field_errors(form, outcome)
    else:
        outcome = invalid()
    done = ""
    if outcome.ok:
        done = _("%(room)s: %(status)s.") % {"room": outcome.result.room_number,
                                             "status": outcome.result.get_status_display()}
    return _answer(request, outcome, done=done, failed=("status", endpoint_id, form, outcome))


@login_required
@require_POST
def equipment_block(request, endpoint_id: int):
    _require_organisation(request.user)
    form = BlockForm(request.POST, prefix=f"b{endpoint_id}")
    if form.is_valid():
        outcome = attempt(services.block_endpoint, actor=request.user, endpoint_id=endpoint_id,
                          **form.cleaned_data)
        add_field_errors(form, outcome)
    else:
        outcome = invalid()
    return _answer(request, outcome, done=_("The maintenance period is added; the endpoint cannot be booked then."),
                   failed=("block", endpoint_id, form, outcome))


urlpatterns = [
    path("equipment/", equipment, name="equipment"),
    path("equipment/<int:endpoint_id>/history/", equipment_history, name="equipment_history"),
    path("equipment/<int:endpoint_id>/status/", equipment_status, name="equipment_status"),
    path("equipment/<int:endpoint_id>/block/", equipment_block, name="equipment_block"),
]
