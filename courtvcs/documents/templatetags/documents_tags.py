"""The way from the hearing page to its case file: {% case_file_link hearing %}."""

from django import template

from ..access import is_court_staff, is_outside_reader

register = template.Library()


@register.inclusion_tag("documents/case_file_link.html", takes_context=True)
def case_file_link(context, hearing):
    """Shown to the court's staff, and to the remote court or institution that has letters
    or notices in it; the page itself checks again."""
    user = context["request"].user
    shown = is_court_staff(user, hearing) or (
        is_outside_reader(user) and user.organisation_id != hearing.court_id)
    return {"hearing": hearing, "shown": shown}
