"""What the metrics read from the database when Prometheus scrapes a node.

Both figures are the whole deployment's (every node reads the same database), so every
node reports the same values: dashboards take max() over the nodes, not sum().
"""

import datetime as dt

from django.conf import settings
from django.db.models import Case, Count, F, Min, When
from django_tasks_db.models import DBTaskResult, get_date_max

from courtvcs.hearings.models import Hearing
from courtvcs.live.seats import LIVE_STATES


def task_queue_lag(now: dt.datetime) -> dict[str, float]:
    """Seconds the oldest due task of each queue has waited for a worker (0: none waits).

    A task is due from when it was enqueued, or from its run_after when it has one (the
    backend stores "no run_after" as the largest date). A queue whose workers keep up stays
    near the workers' polling interval.
    """
    lag = {queue: 0.0 for backend in settings.TASKS.values() for queue in backend.get("QUEUES", [])}
    rows = (
        DBTaskResult.objects.ready()
        .annotate(due=Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")))
        .values("queue_name")
        .annotate(oldest=Min("due"))
        .order_by()
    )
    for row in rows:
        lag[row["queue_name"]] = max(0.0, (now - row["oldest"]).total_seconds())
    return lag


def live_hearings() -> dict[str, int]:
    """Hearings in each live state (connected, in session, technical break), across all courts."""
    counts = {str(status): 0 for status in LIVE_STATES}
    rows = Hearing.objects.filter(status__in=LIVE_STATES).values("status").annotate(n=Count("pk")).order_by()
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts
