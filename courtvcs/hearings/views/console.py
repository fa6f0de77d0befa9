"""The hearing page: its state, people, preparation and the hearing-day console (R10-R23).

Every button is an action of the workflow table (states.py); the page shows only the
actions the person may take now, and a refused action comes back with its rule.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courtvcs.errors import NotFound
from courtvcs.pages import Outcome, add_field_errors, attempt, invalid

from .. import selectors
from ..choices import ActStatus, AttendanceResult
from ..events import SITE_EVENTS as LIVE_EVENTS
from ..events import event_label, event_sites
from ..selectors import site_labels
from ..forms_console import ACTIONS, SAME_FORM, make_form
from ..services.hearing_day import SIGNATORY_OF_ROLE

# Per-item actions are drawn next to their item (a fault, an act, a letter, a person).
ITEM_ACTIONS = {"fix_fault", "sign_act", "check_attendance", "acknowledge_letter"}


def _hearing(user, hearing_id: int):
    try:
        return selectors.hearing_page(user, hearing_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _panel_actions(hearing) -> list[str]:
    names = []
    for name in hearing.allowed_actions:
        name = SAME_FORM.get(name, name)
        if name in ACTIONS and name not in names:
            names.append(name)
    return names


def _context(request, hearing, *, outcome: Outcome | None = None, bound=None) -> dict:
    names = _panel_actions(hearing)
    forms = {}
    for name in names:
        if name in ITEM_ACTIONS:
            continue
        forms[name] = bound if bound is not None and bound.action_name == name else \
            make_form(ACTIONS[name], hearing)
    mine = SIGNATORY_OF_ROLE.get(request.user.role)
    for act in hearing.acts.all():
        # R18: each of the three signs once; the button stays for those still to sign.
        act.awaits_me = mine is not None and act.status != ActStatus.SIGNED and \
            all(sig.signatory != mine for sig in act.signatures.all())
    events = list(selectors.timeline(request.user, hearing.pk))
    labels = site_labels(hearing) if any(e.kind in LIVE_EVENTS for e in events) else {}
    for event in events:
        event.label = event_label(event.kind)
        event.sites = event_sites(event, labels) if event.kind in LIVE_EVENTS else ""
    panel = [(ACTIONS[n], forms[n]) for n in names if n in forms]
    return {
        "hearing": hearing, "panel": panel, "has_rare": any(a.rare for a, _f in panel),
        "bound_rare": bound is not None and ACTIONS[bound.action_name].rare,
        "may": set(names), "outcome": outcome, "events": events,
        "attendance_results": AttendanceResult.choices,
        "next_deadline": min(hearing.pending_deadlines, key=lambda d: d.due_at, default=None),
    }


@login_required
def detail(request, hearing_id: int):
    hearing = _hearing(request.user, hearing_id)
    return render(request, "hearings/console.html", _context(request, hearing))


@login_required
def timeline(request, hearing_id: int):
    hearing = _hearing(request.user, hearing_id)
    return render(request, "hearings/console.html#timeline", _context(request, hearing))


@login_required
def console_part(request, hearing_id: int):
    hearing = _hearing(request.user, hearing_id)
    return render(request, "hearings/console.html#console", _context(request, hearing))


@login_required
@require_POST
def act(request, hearing_id: int, action: str):
    hearing = _hearing(request.user, hearing_id)
    console_action = ACTIONS.get(action)
    if console_action is None:
        raise Http404("unknown action")
    form = make_form(console_action, hearing, data=request.POST)
    form.action_name = action
    if not form.is_valid():
        outcome = invalid()
    else:
        outcome = attempt(console_action.run, u=request.user, h=hearing, d=form.cleaned_data, f=form)
        add_field_errors(form, outcome)
    if outcome.ok:
        messages.success(request, _done_message(console_action))
        if not request.htmx:
            return redirect("hearings:detail", hearing_id=hearing.pk)
        hearing = _hearing(request.user, hearing_id)
        return render(request, "hearings/console.html#console", _context(request, hearing))
    hearing = _hearing(request.user, hearing_id)
    template = "hearings/console.html#console" if request.htmx else "hearings/console.html"
    response = render(request, template, _context(request, hearing, outcome=outcome, bound=form))
    response.status_code = outcome.status
    return response  # base.html tells HTMX to swap 4xx answers like this one


def _done_message(console_action):
    return _("Done: %(action)s.") % {"action": console_action.label}


urlpatterns = [
    path("hearings/<int:hearing_id>/", detail, name="detail"),
    path("hearings/<int:hearing_id>/timeline/", timeline, name="timeline"),
    path("hearings/<int:hearing_id>/console/", console_part, name="console_part"),
    path("hearings/<int:hearing_id>/do/<slug:action>/", act, name="act"),
]
