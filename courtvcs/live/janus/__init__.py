"""The Janus SFU media plane: one VideoRoom per hearing (and per test session) on a pool
of Janus servers; browsers publish their camera and microphone to it and subscribe to
every other site's feed (static/courtvcs/live/janus.js). See docs/live.md, "Janus"."""

from django.conf import settings

from ..turn import ice_config


# What each page sends, by the number of sites in the call. Every page decodes every other
# site's video, so the more sites, the fewer frames and bits each sends: a phone on mobile
# data and the courtroom's console then keep up with them all. Up to four sites (what the
# mesh carries too) the camera goes as it is.
SEND_LIMITS = (
    (4, None),
    (8, {"max_fps": 15, "max_kbps": 600}),
    (None, {"max_fps": 12, "max_kbps": 400, "scale_down": 1.5}),
)


def send_limits(sites: int) -> dict | None:
    for most, limits in SEND_LIMITS:
        if most is None or sites <= most:
            return limits
    return None


class JanusPlane:
    name = "janus"

    def max_sites(self) -> int:
        return settings.COURTVCS_JANUS_MAX_SITES

    def client_config(self, seat) -> dict:
        """What a page needs; a media seat of a live call also gets the room, its PIN and a
        token of its own (the room is made on the first join)."""
        from .. import seats
        from .client import server_named
        from .services import ensure_room, issue_token

        config = {"plane": self.name, **ice_config(seat), "maxSites": self.max_sites()}
        if not seat.media or not seats.room_state(seat)["live"]:
            return config
        row = ensure_room(seat)
        config["janus"] = {"url": server_named(row.server).ws, "room": row.janus_room_id, "pin": row.pin,
                           "token": issue_token(row), "site": seat.site}
        if limits := send_limits(seat.expected_sites):
            config["janus"]["send"] = limits
        if row.record:
            # R4: the recording of this page's feed is named after its site (server_recording).
            from ..services.server_recording import note_feed

            config["janus"]["feed"] = note_feed(rec_dir=row.rec_dir, seat=seat)
        return config

    def room_opened(self, room: str) -> None:
        """Rooms are made on the first join (ensure_room), on whichever node it reaches."""

    def room_closed(self, room: str) -> None:
        from .services import close_rooms

        close_rooms(room, reason="closed")

    def ready(self) -> dict:
        """Whether the pool can take calls (for /readyz): ready while at least one server
        answers, since rooms are placed only on servers that take them; each server's answer
        by name, so a server down shows without taking every node out of the balancer."""
        import httpx

        from .client import pool

        answers = {}
        for server in pool():
            try:
                answers[server.name] = httpx.get(f"{server.api.rstrip('/')}/info", timeout=1.5) \
                    .json().get("janus") == "server_info"
            except (httpx.HTTPError, ValueError):
                answers[server.name] = False
        return {"ok": any(answers.values()), "servers": answers}
