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


@cache
def media_plane() -> MediaPlane:
    return import_string(settings.COURTVCS_MEDIA_PLANE)()
