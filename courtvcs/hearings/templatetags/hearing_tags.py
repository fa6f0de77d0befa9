"""Small presentation helpers shared by the hearing screens."""

from django import template

from ..choices import HearingStatus as S

register = template.Library()

# Colour of a state's badge: green when on track, amber when someone must act, red when
# VCS will not (or did not) happen.
TONES = {
    S.AGREED: "ok", S.READY: "ok", S.CONNECTED: "ok", S.IN_SESSION: "ok", S.CLOSED: "ok",
    S.AWAITING_DECISION: "warn", S.AWAITING_AGREEMENT: "warn", S.SLOT_PROPOSED: "warn",
    S.TECHNICAL_BREAK: "warn", S.ADJOURNED: "warn", S.UNDER_REVIEW: "warn", S.SUSPENDED: "warn",
    S.VCS_FAILED: "bad", S.NOT_HELD: "bad", S.REJECTED: "bad", S.REFUSED: "bad", S.CANCELLED: "bad",
}


@register.filter
def status_tone(status: str) -> str:
    return TONES.get(status, "")


@register.inclusion_tag("hearings/status_badge.html")
def status_badge(hearing):
    return {"tone": TONES.get(hearing.status, ""), "label": hearing.get_status_display(),
            "status": hearing.status}
