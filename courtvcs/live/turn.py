"""The ICE configuration a browser gets: STUN/TURN servers and the transport policy.

Every media plane asks here (`ice_config(seat)`), so TURN credentials are made in one place.

TURN credentials follow the TURN REST API convention that coturn implements with
`use-auth-secret` (deploy/coturn/turnserver.conf): the username is "<expiry>:<seat id>"
(expiry in Unix seconds), the password base64(HMAC-SHA1(shared secret, username)). coturn
checks them with the same secret and nothing else: no account per person, and a
credential stops working by itself at its expiry, on every request including the
refreshes that keep a relay open. A seat's expiry is its call's expected end (the hearing's
start plus its expected duration) plus COURTVCS_TURN_GRACE_MINUTES.

The password is a secret for the length of the hearing: nothing here logs it, and the seat
id carries no personal data (it names the room and the site, as coturn's log will).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from .seats import Seat


def seat_id(seat: Seat) -> str:
    """What coturn's log shows for an allocation: "hearing-12.remote-3", "test-5.courtroom"."""
    return f"{seat.room}.{seat.site}"


def credential_expiry(seat: Seat, *, now: dt.datetime | None = None) -> dt.datetime:
    """The call's expected end plus the grace; a seat with no known end counts from now."""
    ends_at = seat.call_ends_at or now or timezone.now()
    return ends_at + dt.timedelta(minutes=settings.COURTVCS_TURN_GRACE_MINUTES)


def turn_password(secret: str, username: str) -> str:
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def turn_credentials(seat: Seat, *, now: dt.datetime | None = None) -> tuple[str, str]:
    """(username, password) for one seat, valid until credential_expiry(seat)."""
    expiry = int(credential_expiry(seat, now=now).timestamp())
    username = f"{expiry}:{seat_id(seat)}"
    return username, turn_password(settings.COURTVCS_TURN_SECRET, username)


def ice_config(seat: Seat) -> dict:
    """The RTCConfiguration parts for one seat: {"iceServers": [...], "iceTransportPolicy": ...}.

    Only seats that carry media get TURN credentials: the judge's console watches the
    links' states and needs no relay.
    """
    servers = list(settings.COURTVCS_ICE_SERVERS)
    config: dict = {"iceServers": servers}
    if settings.COURTVCS_TURN_URLS and seat.media:
        username, password = turn_credentials(seat)
        servers.append({"urls": list(settings.COURTVCS_TURN_URLS), "username": username,
                        "credential": password})
        if settings.COURTVCS_ICE_TRANSPORT_POLICY == "relay":
            config["iceTransportPolicy"] = "relay"
    return config
