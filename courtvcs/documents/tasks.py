"""Background work of the documents (run by `manage.py db_worker`).

R18: the third signature freezes the act's documents as soon as it is committed; when the
PDF library was unavailable then, `freeze_signed_acts` catches up (enqueue it after
restoring the library, or daily).
"""

from django.tasks import task

from . import services


@task()
def freeze_signed_acts() -> int:
    return services.freeze_signed_acts()
