"""The hearing console's mobile-VCS link cell (R17): {% mobile_link_state hearing p user as ml %}."""

from django import template

from ..selectors_mobile import console_state

register = template.Library()


@register.simple_tag
def mobile_link_state(hearing, participant, user) -> dict:
    return console_state(user, hearing, participant)
