"""Tell a hearing's live pages that something happened, after the change is committed.

The signalling consumers of the hearing's room re-read the hearing's state (may media
flow now? is this participant admitted?) and the consoles refresh their timeline. A
live update is a convenience: a failure here is logged and never undoes the change.
"""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def room_of_hearing(hearing_id: int) -> str:
    return f"hearing-{hearing_id}"


def send_to_group(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        # Only code driving an event loop in this very thread gets here (a browser test's
        # own thread); the service's requests and tasks run in threads without one.
        logger.debug("live update to %s skipped: called inside a running event loop", group)
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # the record is safe; live pages catch up on their next poll
        logger.exception("live update to %s failed", group)


def hearing_changed(hearing_id: int, kind: str) -> None:
    transaction.on_commit(lambda: send_to_group(room_of_hearing(hearing_id),
                                                {"type": "room.refresh", "event": kind}))
