"""The ICE configuration a browser gets: STUN/TURN servers and the transport policy.

Every media plane asks here (`ice_config(seat)`), so TURN credentials are made in one place.
"""

from django.conf import settings


def ice_config(seat) -> dict:
    """The RTCConfiguration parts for one seat: {"iceServers": [...]}."""
    return {"iceServers": settings.COURTVCS_ICE_SERVERS}
