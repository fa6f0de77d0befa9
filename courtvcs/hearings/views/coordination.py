"""The coordinators' pages (R11, R12): the queue of agreement requests and the timeline of
every endpoint of the region (the Department: of the country).

The queue answers each request through `agreement.coordinator_answer`, which decides; on
success the row becomes the answer, on a refusal the row keeps its forms and shows why
(409 naming R11 or R12, 400 next to the field). The board only reads
(`selectors_board.endpoint_board`) and places what it read on a time axis.
"""

import datetime as dt
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from courtvcs import kztime
from courtvcs.errors import NotFound
from courtvcs.orgs.choices import EndpointStatus
from courtvcs.pages import Outcome, add_field_errors, attempt

from .. import selectors, selectors_board
from ..choices import HOLDING_STATES, AgreementStatus, HearingStatus
from ..forms_console import local_datetime, text
from ..services import agreement
from ..services.workflow import agreement_rule
from ..templatetags.hearing_tags import TONES

COORDINATOR_ROLES = selectors_board.COORDINATOR_ROLES


def _require_coordinator(user) -> None:
    if user.role not in COORDINATOR_ROLES:
        raise PermissionDenied(_("This page is not part of your role's work."))


# ---- the queue (R11, R12) -------------------------------------------------------------------

class RefuseForm(forms.Form):
    reason = text(gettext_lazy("Reason for refusing"), required=True)


class ProposeForm(forms.Form):
    proposed_starts_at = local_datetime(gettext_lazy("Another start"))
    reason = text(gettext_lazy("Why another time (optional)"))


class AgreeForm(forms.Form):
    pass


ANSWER_FORMS = {"agree": AgreeForm, "refuse": RefuseForm, "propose": ProposeForm}


@dataclass
class FieldView:
    """What the queue's field template needs of one field (hearings/queue_field.html)."""

    id: str
    name: str
    label: str
    kind: str          # "textarea" or an input type
    required: bool
    value: str = ""
    errors: tuple = ()


def _field_views(form_class, prefix: str, *, bound=None, initial: dict | None = None) -> list[FieldView]:
    """The fields of a row's answer form. An unbound form is described from the class, not
    instantiated: a queue of 100 requests would build 200 forms, and copying their fields
    took a third of the page's time (bench/README.md, screens benchmark)."""
    views = []
    for name, field in form_class.base_fields.items():
        html_name = f"{prefix}-{name}"
        if bound is not None:
            value, errors = bound.data.get(html_name, ""), tuple(bound.errors.get(name, ()))
        else:
            value, errors = (initial or {}).get(name, ""), ()
        kind = "textarea" if isinstance(field.widget, forms.Textarea) else \
            field.widget.attrs.get("type", field.widget.input_type)
        views.append(FieldView(id=f"id_{html_name}", name=html_name, label=str(field.label), kind=kind,
                               required=field.required, value=value, errors=errors))
    return views


def _prepare_row(req, now: dt.datetime, *, bound=None, outcome: Outcome | None = None):
    """What one row of the queue shows: its rule, endpoints, wait, and the answer forms."""
    hearing = req.hearing
    req.rule = agreement_rule(hearing)
    req.requested_end = req.starts_at + dt.timedelta(minutes=hearing.duration_minutes)
    req.sites = list(hearing.remote_sites.all())
    req.next_deadline = min(getattr(hearing, "pending_deadlines", []), key=lambda d: d.due_at, default=None)
    req.waited = now - req.requested_at
    req.pending = req.status == AgreementStatus.PENDING
    # What was typed stays in the form that was refused; the others start afresh.
    failed = bound.answer if bound is not None else ""
    req.refuse_open, req.propose_open = failed == "refuse", failed == "propose"
    req.refuse_fields = _field_views(RefuseForm, f"r{req.pk}", bound=bound if req.refuse_open else None)
    req.propose_fields = _field_views(
        ProposeForm, f"p{req.pk}", bound=bound if req.propose_open else None,
        initial={"proposed_starts_at": f"{kztime.local(req.starts_at):%Y-%m-%dT%H:%M}"})
    req.outcome = outcome
    return req


def _queue_context(request) -> dict:
    now = kztime.now()
    rows = [_prepare_row(req, now) for req in selectors.coordinator_queue(request.user)]
    return {"rows": rows, "now": now}


@login_required
def queue(request):
    _require_coordinator(request.user)
    return render(request, "hearings/queue.html", _queue_context(request))


def _answered(request, request_id: int):
    try:
        return selectors_board.answered_request(request.user, request_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


DONE = {
    "agree": gettext_lazy("Agreed: the secretary and the judge are told."),
    "refuse": gettext_lazy("Refused: the endpoints are free again; the secretary and the judge are told."),
    "propose": gettext_lazy("Another time is proposed to the secretary."),
}


@login_required
@require_POST
def queue_answer(request, request_id: int, answer: str):
    """R11, R12: agree, refuse with a reason, or propose another start, from the queue."""
    _require_coordinator(request.user)
    if answer not in ANSWER_FORMS:
        raise Http404("unknown answer")
    req = _answered(request, request_id)
    prefix = {"agree": None, "refuse": f"r{req.pk}", "propose": f"p{req.pk}"}[answer]
    form = ANSWER_FORMS[answer](request.POST, prefix=prefix)
    form.answer = answer
    if form.is_valid():
        outcome = attempt(agreement.coordinator_answer, actor=request.user, hearing_id=req.hearing_id,
                          answer=answer, reason=form.cleaned_data.get("reason", ""),
                          proposed_starts_at=form.cleaned_data.get("proposed_starts_at"))
        add_field_errors(form, outcome)
    else:
        outcome = Outcome(error=_("Please correct the marked fields."), status=400)
    now = kztime.now()
    if outcome.ok:
        if not request.htmx:
            messages.success(request, DONE[answer])
            return redirect("hearings:queue")
        row = _prepare_row(_answered(request, request_id), now)
        return render(request, "hearings/queue.html#row", {"req": row, "done": DONE[answer], "now": now})
    row = _prepare_row(_answered(request, request_id), now, bound=form, outcome=outcome)
    if request.htmx:
        response = render(request, "hearings/queue.html#row", {"req": row, "now": now})
    else:
        context = _queue_context(request)
        context["rows"] = [row if r.pk == row.pk else r for r in context["rows"]]
        if all(r.pk != row.pk for r in context["rows"]):
            context["rows"].insert(0, row)
        response = render(request, "hearings/queue.html", context)
    response.status_code = outcome.status
    return response


# ---- the board (R11, R12) -------------------------------------------------------------------

DAY_FROM, DAY_TO = 8, 19          # the working hours shown for each day
HOURS = DAY_TO - DAY_FROM
MIN_WIDTH = 0.4                   # % : a booking outside the hours shown stays visible at the edge


@dataclass
class Column:
    label: str
    date: dt.date | None = None
    url: str = ""


class Axis:
    """Maps a moment to a position (%) on the board: each day shows 08:00-19:00 Kazakhstan
    time, so the nights fold away and a week reads as seven working days side by side."""

    def __init__(self, first_day: dt.date, days: int):
        self.first_day, self.days = first_day, days
        self.scale = 100 / (days * HOURS)

    def offset(self, local: dt.datetime) -> float:
        """The position of a moment given in Kazakhstan time."""
        day = (local.date() - self.first_day).days
        if day < 0:
            return 0.0
        if day >= self.days:
            return 100.0
        hours = min(max(local.hour + local.minute / 60 - DAY_FROM, 0), HOURS)
        return (day * HOURS + hours) * self.scale

    def style(self, local_start: dt.datetime, local_end: dt.datetime) -> tuple[str, bool]:
        """left/width of a period, and whether it falls outside the hours shown (then it keeps
        a sliver at the edge, so that no booking is hidden)."""
        left, right = self.offset(local_start), self.offset(local_end)
        outside = right - left < MIN_WIDTH / 2
        if outside:
            left = min(left, 100 - MIN_WIDTH)
            right = left + MIN_WIDTH
        return f"left:{left:.2f}%;width:{right - left:.2f}%", outside


def _period(request) -> tuple[str, dt.date, dt.date, int]:
    view = "week" if request.GET.get("view") == "week" else "day"
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = kztime.local_date(kztime.now())
    if view == "week":
        first = day - dt.timedelta(days=day.weekday())
        return view, day, first, 7
    return view, day, day, 1


def _columns(view: str, first: dt.date, days: int) -> list[Column]:
    if view == "week":
        return [Column(label="", date=first + dt.timedelta(days=i)) for i in range(days)]
    return [Column(label=f"{h:02}:00") for h in range(DAY_FROM, DAY_TO)]


# The legend: a booking is coloured by its hearing's status; these are the states that hold
# an endpoint (choices.HOLDING_STATES), grouped by the colour of their badge.
def _legend() -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {"ok": [], "warn": [], "bad": []}
    for status in HearingStatus:
        if status in HOLDING_STATES:
            groups.setdefault(TONES.get(status, ""), []).append(status.label)
    return [(tone, labels) for tone, labels in groups.items() if labels]


def _time(moment: dt.datetime) -> str:
    return f"{moment.hour:02}:{moment.minute:02}"


def _day_time(moment: dt.datetime) -> str:
    return f"{moment.day:02}.{moment.month:02} {moment.hour:02}:{moment.minute:02}"


def _board_url(**params) -> str:
    return reverse("hearings:board") + "?" + urlencode({k: v for k, v in params.items() if v})


def _board_context(request) -> dict:
    user = request.user
    view, day, first, days = _period(request)
    start = kztime.start_of_local_day(first)
    end = kztime.start_of_local_day(first + dt.timedelta(days=days))
    board = selectors_board.endpoint_board(user, start=start, end=end, region_code=request.GET.get("region", ""))
    axis = Axis(first, days)
    track = Track(axis, week=view == "week", end=end)
    for group in board.groups:
        for row in group.rows:
            row.out_of_order = row.endpoint.status != EndpointStatus.OPERABLE
            row.track = track.render(row)
    region = board.region.code if board.region and board.regions else ""
    step = dt.timedelta(days=7 if view == "week" else 1)
    today = kztime.local_date(kztime.now())
    columns = _columns(view, first, days)
    for column in columns:
        if column.date:
            column.url = _board_url(view="day", date=column.date.isoformat(), region=region)
    return {
        "board": board, "view": view, "day": day, "first": first, "last": first + dt.timedelta(days=days - 1),
        "columns": columns, "region_code": region, "legend": _legend(),
        "now_style": _now_marker(axis, today, first, days),
        "links": {
            "prev": _board_url(view=view, date=(day - step).isoformat(), region=region),
            "next": _board_url(view=view, date=(day + step).isoformat(), region=region),
            "today": _board_url(view=view, date=today.isoformat(), region=region),
            "day": _board_url(view="day", date=day.isoformat(), region=region),
            "week": _board_url(view="week", date=day.isoformat(), region=region),
        },
    }


class Track:
    """The markup of one endpoint's track: its suspensions, maintenance blocks and bookings
    placed on the axis. A busy region's week holds thousands of bookings; written here with
    plain string formatting it takes a few milliseconds, where a template loop over them took
    most of the page's time (bench/README.md, screens benchmark)."""

    def __init__(self, axis: Axis, *, week: bool, end: dt.datetime):
        self.axis, self.end = axis, end
        self.labels = {status.value: escape(str(status.label)) for status in HearingStatus}
        self.detail_url = reverse("hearings:detail", args=[0]).replace("/0/", "/{}/")
        self.week = week
        self.maintenance = escape(_("Maintenance"))
        self.suspended = escape(_("VCS suspended (R24)"))

    def render(self, row) -> str:
        parts = []
        for s in row.suspensions:
            style, _outside = self.axis.style(kztime.local(s.starts_at), kztime.local(s.lifted_at or self.end))
            parts.append(f'<span class="sus" style="{style}" data-suspension="{s.pk}">{self.suspended}</span>')
        for b in row.blocks:
            start, end = kztime.local(b.starts_at), kztime.local(b.ends_at)
            style, _outside = self.axis.style(start, end)
            parts.append(f'<span class="blk" style="{style}" data-block="{b.pk}">{self.maintenance} '
                         f'<span class="more">{_day_time(start)}–{_day_time(end)} {escape(b.reason)}</span></span>')
        for b in row.bookings:
            start, end = kztime.local(b.starts_at), kztime.local(b.ends_at)
            style, outside = self.axis.style(start, end)
            classes = f"bk {TONES.get(b.status, '')}{' outside' if outside else ''}"
            label = self.labels.get(b.status) or escape(b.status)
            when = f"{_day_time(start) if self.week else _time(start)}–{_time(end)}"
            inner = f'<b>{escape(b.case_number)}</b> {label}<span class="more"> {when}</span>'
            # A link only to the hearings this coordinator may open (access.visible_hearings).
            if b.openable:
                parts.append(f'<a class="{classes}" href="{self.detail_url.format(b.hearing_id)}" style="{style}" '
                             f'data-status="{b.status}">{inner}</a>')
            else:
                parts.append(f'<span class="{classes}" style="{style}" data-status="{b.status}">{inner}</span>')
        return mark_safe("".join(parts))  # every text in it is escaped above


def _now_marker(axis: Axis, today: dt.date, first: dt.date, days: int) -> str:
    """Where "now" falls on the board, when it is on it."""
    if not first <= today < first + dt.timedelta(days=days):
        return ""
    local = kztime.local(kztime.now())
    if not DAY_FROM <= local.hour < DAY_TO:
        return ""
    return f"left:{axis.offset(local):.2f}%"


@login_required
def board(request):
    _require_coordinator(request.user)
    context = _board_context(request)
    template = "hearings/board.html#board" if request.htmx and not request.htmx.boosted else "hearings/board.html"
    return render(request, template, context)


urlpatterns = [
    path("queue/", queue, name="queue"),
    path("queue/<int:request_id>/<slug:answer>/", queue_answer, name="queue_answer"),
    path("board/", board, name="board"),
]
