from django import template

from ..panel import panel_context
from ..seats import OPEN_STATES, hearing_seat

register = template.Library()


@register.inclusion_tag("live/panel.html", takes_context=True)
def live_panel(context, hearing):
    """The hearing's video on its console, for the court staff who have a seat there."""
    request = context["request"]
    if hearing.status not in OPEN_STATES:
        return {"seat": None}
    seat = hearing_seat(request.user, hearing.pk)
    if seat is None or seat.kind not in {"courtroom", "observer"}:
        return {"seat": None}
    return panel_context(request, seat)


@register.inclusion_tag("live/room_link.html", takes_context=True)
def live_room_link(context, hearing):
    """A remote site's way into its VCS room page from the hearing page."""
    if hearing.status not in OPEN_STATES:
        return {"seat": None}
    seat = hearing_seat(context["request"].user, hearing.pk)
    return {"seat": seat if seat is not None and seat.kind == "remote" else None, "hearing": hearing}
