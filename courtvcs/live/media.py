"""The media plane behind one small interface, so an SFU can replace the mesh.

The workflow, the signalling consumer and the pages know only `media_plane()`: what a
browser needs to join (`client_config`), how many sites the plane carries, and the
hooks an SFU uses to create and destroy its rooms. The browser side mirrors it:
static/courtvcs/live/<plane>.js exports the same class shape for each plane.
"""

from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from .turn import ice_config


class MediaPlane(Protocol):
    name: str

    def max_sites(self) -> int: ...

    def client_config(self, seat) -> dict: ...

    def room_opened(self, room: str) -> None: ...

    def room_closed(self, room: str) -> None: ...


class MeshPlane:
    """Browser-to-browser WebRTC: every site sends its stream to every other site.

    Nothing runs on the server but signalling; STUN/TURN servers come from settings
    (none are needed when every site is on one network).
    """

    name = "mesh"

    def max_sites(self) -> int:
        return settings.COURTVCS_P2P_MAX_SITES

    def client_config(self, seat) -> dict:
        return {"plane": self.name, **ice_config(seat), "maxSites": self.max_sites()}

    def room_opened(self, room: str) -> None:
        """A mesh has no server-side room."""

    def room_closed(self, room: str) -> None:
        """A mesh has no server-side room."""


PLANES = {"mesh": "courtvcs.live.media.MeshPlane", "janus": "courtvcs.live.janus.JanusPlane"}


@cache
def _plane(path: str) -> MediaPlane:
    return import_string(PLANES.get(path, path))()


def media_plane(seat=None) -> MediaPlane:
    """The deployment's plane (COURTVCS_MEDIA_PLANE: "mesh", "janus" or a class path); for
    a seat whose call has more sites than that plane carries, Janus when a pool of Janus
    servers is configured (every seat of one call gets the same answer)."""
    plane = _plane(settings.COURTVCS_MEDIA_PLANE)
    if (seat is not None and seat.expected_sites > plane.max_sites() and plane.name != "janus"
            and settings.COURTVCS_JANUS_SERVERS):
        return _plane("janus")
    return plane


media_plane.cache_clear = _plane.cache_clear  # callers that change the setting in tests
