"""Background work of the live part (run by `manage.py db_worker`).

R4: when a recording is complete, a task is enqueued to run at its keep_until and destroy
it; `destroy_expired_recordings` catches up on any missed while the worker was stopped
(run it daily, or after restoring a backup).

R4 with Janus: `attach_room_recordings` converts a destroyed room's .mjr files into one WebM
per site and attaches them to the hearing (services/server_recording.py); it is enqueued by
`server_recording.room_finished` and re-enqueues itself when a feed fails, a few times.

R15 with Janus: `sweep_janus_rooms` closes rooms whose call is over (a test session that
finished, a hearing changed while its Janus server was unreachable), destroys leftover
rooms and revokes stray tokens, then queues itself COURTVCS_JANUS_SWEEP_MINUTES later;
`manage.py catch_up` starts the chain where Janus servers are configured.
"""

from django.conf import settings
from django.tasks import task

from courtvcs import periodic

from .services import recordings, server_recording

JANUS_SWEEP_PATH = "courtvcs.live.tasks.sweep_janus_rooms"


@task()
def destroy_recording_when_due(recording_id: int) -> str:
    return recordings.destroy_if_due(recording_id)


@task()
def destroy_expired_recordings() -> int:
    # The server's recordings too: rooms not attached yet, raw media past the retention.
    server_recording.catch_up()
    return recordings.destroy_expired()


@task()
def attach_room_recordings(hearing_id: int, rec_dir: str, feeds: dict | None = None,
                           attempt: int = 1) -> dict:
    return server_recording.attach(hearing_id=hearing_id, rec_dir=rec_dir, feeds=feeds,
                                   attempt=attempt).as_dict()


@task()
def sweep_janus_rooms() -> dict:
    from .janus.services import sweep

    try:
        return sweep()
    finally:
        if settings.COURTVCS_JANUS_SERVERS:
            periodic.schedule_next(sweep_janus_rooms, JANUS_SWEEP_PATH, settings.COURTVCS_JANUS_SWEEP_MINUTES)
