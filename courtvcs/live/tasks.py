"""Background work of the live part (run by `manage.py db_worker`).

R4: when a recording is complete, a task is enqueued to run at its keep_until and destroy
it; `destroy_expired_recordings` catches up on any missed while the worker was stopped
(run it daily, or after restoring a backup).
"""

from django.tasks import task

from .services import recordings


@task()
def destroy_recording_when_due(recording_id: int) -> str:
    return recordings.destroy_if_due(recording_id)


@task()
def destroy_expired_recordings() -> int:
    return recordings.destroy_expired()
