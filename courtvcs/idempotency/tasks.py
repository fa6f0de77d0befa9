"""Background work: forget idempotency keys older than their lifetime (24 h by default)."""

from django.tasks import task

from . import services


@task()
def delete_expired_idempotency_keys() -> int:
    return services.delete_expired()
