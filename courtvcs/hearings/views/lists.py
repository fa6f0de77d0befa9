"""The day lists: every role's hearings with their state and next deadline (R13, R15), and
the bailiff's call-in list for today (R19).

Who sees which hearing is decided by the access-checked selectors; the call-in button
posts to the service hearing_day.call_in, which enforces R19 (the state table).
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courtvcs import kztime
from courtvcs.orgs.choices import Role
from courtvcs.pages import Outcome, attempt

from .. import selectors
from ..choices import HearingStatus
from ..forms_booking import HearingFilterForm
from ..services import hearing_day
from ..states import ACTIONS, COURT

PAGE_SIZE = 100
# R19: the secretary or the bailiff calls the participants in; the bailiff's page.
CALL_IN_ROLES = {Role.BAILIFF, Role.SECRETARY}


def _next_deadline(hearing):
    return min(hearing.pending_deadlines, key=lambda d: d.due_at, default=None)


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@login_required
def hearing_list(request):
    """Today's and upcoming hearings the person may see, by Kazakhstan calendar days."""
    today = kztime.local_date(kztime.now())
    form = HearingFilterForm(request.GET or None, initial={"date_from": today})
    date_from, date_to, status = today, None, None
    if form.is_bound and form.is_valid():
        date_from = form.cleaned_data["date_from"] or today
        date_to = form.cleaned_data["date_to"]
        status = form.cleaned_data["status"] or None
    page = _page_number(request)
    rows = list(selectors.hearing_list(
        request.user, status=status, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE,
        date_from=kztime.start_of_local_day(date_from),
        date_to=kztime.start_of_local_day(date_to + dt.timedelta(days=1)) if date_to else None))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    now = kztime.now()
    for hearing in rows:
        hearing.local_day = kztime.local_date(hearing.starts_at)
        hearing.next_deadline = _next_deadline(hearing)
        hearing.deadline_overdue = hearing.next_deadline is not None and hearing.next_deadline.due_at <= now
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form, "rows": rows, "today": today, "tomorrow": today + dt.timedelta(days=1),
        "page": page, "more": more, "query": query.urlencode(),
        "may_book": request.user.role == Role.SECRETARY,
    }
    template = "hearings/list_page.html#results" if request.htmx and not request.htmx.boosted \
        else "hearings/list_page.html"
    return render(request, template, context)


# ---- call-in (R19) -----------------------------------------------------------------------

def _require_call_in_role(user) -> None:
    if user.role not in CALL_IN_ROLES:
        raise PermissionDenied(_("This page is not part of your role's work."))


def _may_call_in(user, hearing) -> bool:
    """Whether the workflow table gives this person the button now (the service decides)."""
    action = ACTIONS["call_in"]
    return hearing.status in action.from_states and (user.role, COURT) in action.actors


def _call_in_context(request, failed: tuple[int, Outcome] | None = None) -> dict:
    user = request.user
    today = kztime.local_date(kztime.now())
    rows = list(selectors.call_in_list(user, day_start=kztime.start_of_local_day(today),
                                       day_end=kztime.start_of_local_day(today + dt.timedelta(days=1))))
    for hearing in rows:
        hearing.may_call_in = _may_call_in(user, hearing)
        hearing.outcome = None
    # Connected hearings first: those are the ones whose participants are waiting to be called.
    rows.sort(key=lambda h: (h.status != HearingStatus.CONNECTED, h.starts_at, h.pk))
    context = {"rows": rows, "today": today, "outcome": None,
               "connected": sum(1 for h in rows if h.status == HearingStatus.CONNECTED)}
    if failed is not None:
        hearing_id, outcome = failed
        for hearing in rows:
            if hearing.pk == hearing_id:
                hearing.outcome = outcome
                break
        else:
            context["outcome"] = outcome
    return context


@login_required
def call_in_list(request):
    _require_call_in_role(request.user)
    template = "hearings/call_in_page.html#work" if request.htmx else "hearings/call_in_page.html"
    return render(request, template, _call_in_context(request))


@login_required
@require_POST
def call_in(request, hearing_id: int):
    _require_call_in_role(request.user)
    outcome = attempt(hearing_day.call_in, actor=request.user, hearing_id=hearing_id)
    if outcome.ok:
        done = _("Participants of case %(case)s are called into the courtroom.") % {
            "case": outcome.result.case_number}
        if not request.htmx:
            messages.success(request, done)
            return redirect("hearings:call_in")
        context = _call_in_context(request)
        context["done"] = done
        return render(request, "hearings/call_in_page.html#work", context)
    template = "hearings/call_in_page.html#work" if request.htmx else "hearings/call_in_page.html"
    response = render(request, template, _call_in_context(request, failed=(hearing_id, outcome)))
    response.status_code = outcome.status
    return response


urlpatterns = [
    path("hearings/", hearing_list, name="list"),
    path("call-in/", call_in_list, name="call_in"),
    path("call-in/<int:hearing_id>/", call_in, name="call_in_do"),
]
