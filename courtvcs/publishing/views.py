"""The public schedule of hearings by VCS (R3): a page, a JSON feed and an iCalendar feed
per court. No sign-in; nothing personal; nothing at all about a hearing with a minor or on
the safety ground (R27), which the selectors never read.

The feeds are cheap to poll: `Cache-Control: public, max-age` (COURTVCS_PUBLIC_FEED_MAX_AGE)
and an ETag that is a fingerprint of the published facts (feeds.py), known after the
hearings are read and before the body is made. A display board that sends it back in
If-None-Match is answered 304 without a body being made; a body once made is kept in the
cache under its ETag for the next caller.
"""

import datetime as dt
import json

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from courtvcs import kztime

from . import feeds, selectors
from .choices import PUBLIC_STATE_HELP, TONES, VCS_STATUS_HELP, PublicState, VcsStatus
from .forms import MAX_ID, ScheduleFilter, SchedulePageForm
from .labels import LANGUAGES, words

ONE_DAY = dt.timedelta(days=1)
FEED_CACHE_SECONDS = 24 * 3600


def _today() -> dt.date:
    return kztime.local_date(kztime.now())


# ---- the page -------------------------------------------------------------------------------

@require_safe
def schedule_page(request):
    """The day's hearings by VCS of a court (or of every court), in the visitor's language."""
    today = _today()
    regions = selectors.courts()
    courts = [court for _region, found in regions for court in found]
    data = None
    if request.GET:
        data = request.GET.copy()
        if not data.get("day"):
            data["day"] = today.isoformat()  # the picker shows the day the page shows
    form = SchedulePageForm(data, regions=regions, today=today)
    day, court, groups, status = today, None, [], 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        if form.is_bound:
            day = form.cleaned_data["day"]
            court = next((c for c in courts if c.pk == form.cleaned_data["court"]), None)
        else:
            form = SchedulePageForm(initial={"day": today}, regions=regions, today=today)
        groups = _by_court(selectors.day_schedule(day=day, court_id=court.pk if court else None), courts)
    context = {
        "form": form, "day": day, "today": today, "court": court, "groups": groups,
        "count": sum(len(g["rows"]) for g in groups),
        "regions": [(region, [(c.pk, c.name) for c in found]) for region, found in regions],
        "selected_court": court.pk if court else None,
        "previous_day": day - ONE_DAY, "next_day": day + ONE_DAY,
        "states": [(s.label, PUBLIC_STATE_HELP[s], TONES[s]) for s in PublicState if s != PublicState.CANCELLED],
        "vcs_statuses": [(s.label, VCS_STATUS_HELP[s], TONES[s]) for s in VcsStatus],
        "json_url": reverse("publishing:schedule_json") + "?" + _query(court, day),
        "ics_url": reverse("publishing:calendar", args=[court.pk]) if court else "",
    }
    return render(request, "publishing/schedule.html", context, status=status)


def _query(court, day: dt.date) -> str:
    return (f"court={court.pk}&" if court else "") + f"day={day.isoformat()}"


def _by_court(rows, courts) -> list[dict]:
    """The rows as the page writes them, grouped by court in the order of the court list.
    Every word and time is made here once, not looked up by the template for each row."""
    labels = words()
    order = {c.pk: i for i, c in enumerate(courts)}
    groups: dict[int, dict] = {}
    for row in rows:
        start, end = row.local_start, row.local_end
        group = groups.setdefault(row.court.pk, {"court": row.court, "rows": []})
        group["rows"].append({
            "start": start.strftime("%H:%M"), "start_iso": start.isoformat(),
            "end": end.strftime("%H:%M"), "end_iso": end.isoformat(),
            "room": row.room_number,
            "case": f"{labels['category'][row.category]}, {labels['instance'][row.instance]}",
            "state": row.state, "state_label": labels["state"][row.state], "state_tone": TONES[row.state],
            "vcs": row.vcs, "vcs_label": labels["vcs"][row.vcs], "vcs_tone": TONES[row.vcs],
        })
    return sorted(groups.values(), key=lambda g: order.get(g["court"].pk, len(order)))


# ---- the feeds ------------------------------------------------------------------------------

@require_safe
def schedule_json(request):
    """GET /schedule.json?court=<id>&day=YYYY-MM-DD: the page's hearings as JSON."""
    form = ScheduleFilter(request.GET, today=_today())
    if not form.is_valid():
        fields = {name: " ".join(str(m) for m in messages) for name, messages in form.errors.items()}
        return JsonResponse({"detail": _("Please correct the marked fields."), "fields": fields}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    court_id, day = form.cleaned_data["court"], form.cleaned_data["day"]
    court = None
    if court_id is not None:
        court = selectors.court(court_id)
        if court is None:
            return JsonResponse({"detail": _("There is no such court."),
                                 "fields": {"court": _("There is no such court.")}}, status=404,
                                json_dumps_params={"ensure_ascii": False})
    rows = selectors.day_schedule(day=day, court_id=court_id)
    return _feed(request, rows, "application/json",
                 etag=feeds.json_fingerprint(rows, day=day, court=court),
                 make=lambda: json.dumps(feeds.schedule_json(rows, day=day, court=court),
                                         ensure_ascii=False).encode())


@require_safe
def court_calendar(request, court_id: int):
    """GET /schedule/<court_id>.ics[?lang=kk|ru|en]: a court's hearings by VCS to subscribe to."""
    court = selectors.court(court_id) if court_id <= MAX_ID else None
    if court is None:
        return HttpResponse(_("There is no such court."), status=404, content_type="text/plain; charset=utf-8")
    language = request.GET.get("lang") or translation.get_language() or settings.LANGUAGE_CODE
    if language not in LANGUAGES:
        return HttpResponse(_("Choose the language: %(codes)s.") % {"codes": ", ".join(LANGUAGES)},
                            status=400, content_type="text/plain; charset=utf-8")
    rows = selectors.court_feed(court_id=court.pk, today=_today())
    response = _feed(request, rows, "text/calendar; charset=utf-8",
                     etag=feeds.calendar_fingerprint(rows, court=court, language=language),
                     make=lambda: feeds.court_calendar(rows, court=court, language=language))
    response["Content-Disposition"] = f'inline; filename="court-{court.pk}.ics"'
    if "lang" not in request.GET:
        patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


def _feed(request, rows, content_type: str, *, etag: str, make) -> HttpResponse:
    """304 when the caller holds this ETag already; else the body, made once per ETag."""
    response = HttpResponse(content_type=content_type)
    response["ETag"] = f'"{etag}"'
    changed = max((row.changed_at for row in rows), default=None)
    if changed is not None:
        response["Last-Modified"] = http_date(changed.timestamp())
    patch_cache_control(response, public=True, max_age=settings.COURTVCS_PUBLIC_FEED_MAX_AGE)
    # Public facts: any web page (a court's own site, a display board) may read them.
    response["Access-Control-Allow-Origin"] = "*"
    # Only the ETag decides: Last-Modified does not see a courtroom's equipment change (R14),
    # so If-Modified-Since alone never earns a 304.
    not_modified = get_conditional_response(request, etag=response["ETag"], response=None)
    if not_modified is not None:
        for header in ("ETag", "Last-Modified", "Cache-Control", "Access-Control-Allow-Origin"):
            if header in response:
                not_modified[header] = response[header]
        return not_modified
    key = f"publishing:feed:{etag}"
    body = cache.get(key)
    if body is None:
        body = make()
        cache.set(key, body, FEED_CACHE_SECONDS)
    response.content = body
    return response
