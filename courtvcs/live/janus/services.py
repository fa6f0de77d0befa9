"""Janus rooms: made on a hearing's first join, placed by load, closed when its session ends.

ensure_room(seat) is idempotent across application nodes: the open room is a row
(JanusRoom, one open per signalling room); a node that loses the race to create it
destroys its own VideoRoom and takes the winner's. A Janus server that restarted lost its
rooms: the same room (id, secret, PIN) is made again on it. Tokens are per page and per
participant, valid for the VideoRoom plugin only and on that room's allowed list; they
carry the room's id as a prefix so closing the room (or the sweep) finds and revokes them.
"""

import logging
import secrets
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum

from courtvcs import kztime
from courtvcs.audit.services import audit_record
from courtvcs.hearings.models import Hearing

from ..models import JanusRoom
from .client import JanusClient, JanusError, JanusServer, pool, server_named

logger = logging.getLogger(__name__)
DESCRIPTION = "courtvcs {room}"


def token_prefix(janus_room_id: int) -> str:
    return f"cv-{janus_room_id}-"


def _load() -> dict[str, int]:
    rows = JanusRoom.objects.filter(closed_at__isnull=True).values("server").annotate(sites=Sum("sites"))
    return {row["server"]: row["sites"] or 0 for row in rows}


def servers_by_load(sites: int) -> list[JanusServer]:
    """The pool, least loaded first (sites carried / capacity); a server the room would
    overfill comes after every server it fits on."""
    load = _load()

    def key(server: JanusServer):
        carried = load.get(server.name, 0)
        return (carried + sites > server.capacity, carried / max(server.capacity, 1), server.name)

    return sorted(pool(), key=key)


def _rec_dir(server: JanusServer, hearing_id: int, room_id: int) -> str:
    base = Path(server.rec_dir or settings.COURTVCS_JANUS_RECORDINGS_DIR)
    path = base / f"hearing-{hearing_id}" / f"room-{room_id}"
    # Janus writes here under its own user and the workers convert and delete as theirs: the
    # folder is the shared group's (docs/deploy.md, "Janus"), never other users'.
    path.mkdir(parents=True, exist_ok=True, mode=0o770)
    return str(path.resolve())


def _create_on(client: JanusClient, row: JanusRoom) -> None:
    client.create_room(room_id=row.janus_room_id, secret=row.secret, pin=row.pin,
                       description=DESCRIPTION.format(room=row.room),
                       publishers=max(row.sites, 2) + 2, record=row.record, rec_dir=row.rec_dir)


def ensure_room(seat) -> JanusRoom:
    """The open Janus room of the seat's call, made (and placed) if there is none."""
    row = JanusRoom.objects.filter(room=seat.room, closed_at__isnull=True).first()
    if row is not None:
        with JanusClient(server_named(row.server)) as client:
            if not client.room_exists(row.janus_room_id):
                logger.warning("Janus room %s was gone from %s: made again", row.room, row.server)
                _create_on(client, row)
        return row
    errors = []
    for server in servers_by_load(seat.expected_sites):
        room_id = secrets.randbelow(2**52) + 1
        record = not seat.is_test and settings.COURTVCS_JANUS_RECORD
        row = JanusRoom(room=seat.room, hearing_id=seat.hearing_id, test_session_id=seat.test_session_id,
                        server=server.name, janus_room_id=room_id, secret=secrets.token_urlsafe(24),
                        pin=secrets.token_urlsafe(12), sites=seat.expected_sites, record=record,
                        rec_dir=_rec_dir(server, seat.hearing_id, room_id) if record else "",
                        created_at=kztime.now())
        with JanusClient(server) as client:
            try:
                _create_on(client, row)
            except JanusError as exc:
                errors.append(f"{server.name}: {exc}")
                logger.warning("Janus server %s refused a room: %s", server.name, exc)
                continue
            try:
                with transaction.atomic():
                    row.save()
                    audit_record(actor=_actor(seat), action="janus_room_created",
                                 obj=Hearing(pk=seat.hearing_id), hearing_id=seat.hearing_id,
                                 after={"room": row.room, "server": row.server, "janus_room": room_id,
                                        "record": record, "sites": row.sites})
            except IntegrityError:
                # Another node made the room meanwhile: use that one.
                client.destroy_room(room_id, row.secret)
                return JanusRoom.objects.get(room=seat.room, closed_at__isnull=True)
        return row
    raise JanusError("no Janus server could make the room: " + "; ".join(errors or ["the pool is empty"]))


def _actor(seat):
    if seat.user_id is None:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=seat.user_id).first()


def issue_token(row: JanusRoom) -> str:
    """A new token for one page: VideoRoom only, on this room's allowed list only."""
    token = token_prefix(row.janus_room_id) + secrets.token_urlsafe(24)
    with JanusClient(server_named(row.server)) as client:
        client.add_token(token)
        client.allow(row.janus_room_id, row.secret, [token])
    return token


def revoke_tokens(client: JanusClient, keep_room_ids: set[int] | None = None,
                  room_id: int | None = None) -> int:
    """Remove the tokens of `room_id`, or (sweep) of every room not in `keep_room_ids`."""
    removed = 0
    for token in client.list_tokens():
        if not token.startswith("cv-"):
            continue
        try:
            owner = int(token.split("-")[1])
        except (IndexError, ValueError):
            continue
        if (room_id is not None and owner == room_id) or \
                (room_id is None and keep_room_ids is not None and owner not in keep_room_ids):
            client.remove_token(token)
            removed += 1
    return removed


def close_room(row: JanusRoom, *, actor=None, reason: str = "") -> bool:
    """Destroy the VideoRoom, revoke its tokens, mark it closed, hand its recording on.

    False (and the room stays open, for the sweep) when the server cannot be reached.
    """
    try:
        with JanusClient(server_named(row.server)) as client:
            existed = client.destroy_room(row.janus_room_id, row.secret)
            tokens = revoke_tokens(client, room_id=row.janus_room_id)
    except JanusError as exc:
        logger.warning("Janus room %s on %s not closed yet: %s", row.room, row.server, exc)
        return False
    with transaction.atomic():
        updated = JanusRoom.objects.filter(pk=row.pk, closed_at__isnull=True).update(closed_at=kztime.now())
        if not updated:
            return True  # another node closed it meanwhile
        audit_record(actor=actor, action="janus_room_destroyed", obj=Hearing(pk=row.hearing_id),
                     hearing_id=row.hearing_id,
                     after={"room": row.room, "server": row.server, "janus_room": row.janus_room_id,
                            "existed": existed, "tokens_revoked": tokens, "reason": reason})
    if row.record:
        try:
            from courtvcs.live.services.server_recording import room_finished

            room_finished(hearing_id=row.hearing_id, rec_dir=row.rec_dir, feeds=None)
        except Exception:
            logger.exception("the recording of Janus room %s was not handed on", row.room)
    return True


def close_rooms(room: str, *, actor=None, reason: str = "") -> int:
    """Close every open Janus room of a signalling room ("hearing-12", "test-5")."""
    return sum(close_room(row, actor=actor, reason=reason)
               for row in JanusRoom.objects.filter(room=room, closed_at__isnull=True))


def close_when_committed(room: str, *, reason: str) -> None:
    """After the hearing's change commits: its session ended, so its Janus room goes."""
    if JanusRoom.objects.filter(room=room, closed_at__isnull=True).exists():
        transaction.on_commit(lambda: close_rooms(room, reason=reason))


def sweep() -> dict:
    """Close rooms whose call is over; destroy leftovers and revoke stray tokens on every server."""
    from courtvcs.hearings.choices import TestSessionStatus

    from ..seats import LIVE_STATES

    closed = 0
    open_rows = JanusRoom.objects.filter(closed_at__isnull=True).select_related("hearing", "test_session")
    for row in open_rows:
        if row.test_session_id:
            over = row.test_session.status not in {TestSessionStatus.REQUESTED, TestSessionStatus.SCHEDULED}
        else:
            over = row.hearing.status not in LIVE_STATES
        if over:
            closed += close_room(row, reason="sweep")
    leftovers = tokens = 0
    for server in pool():
        keep = set(JanusRoom.objects.filter(server=server.name, closed_at__isnull=True)
                   .values_list("janus_room_id", flat=True))
        try:
            with JanusClient(server) as client:
                for listed in client.list_rooms():
                    room_id = int(listed.get("room", 0))
                    if room_id in keep or not str(listed.get("description", "")).startswith("courtvcs "):
                        continue
                    old = JanusRoom.objects.filter(server=server.name, janus_room_id=room_id).first()
                    if old is not None and client.destroy_room(room_id, old.secret):
                        leftovers += 1
                tokens += revoke_tokens(client, keep_room_ids=keep)
        except JanusError as exc:
            logger.warning("Janus server %s not swept: %s", server.name, exc)
    return {"closed": closed, "leftovers": leftovers, "tokens": tokens}
