"""R3: delivering the outbox to the courts' information system (docs/publishing.md).

Each event is POSTed to COURTVCS_OUTBOX_URL, signed with HMAC-SHA256, until a 2xx
answer acknowledges it. Per hearing the events go strictly in order: an event is sent
only once every earlier event of its hearing was acknowledged; hearings do not wait for
each other. A failed attempt is retried after an exponential back-off with jitter
(COURTVCS_OUTBOX_BACKOFF_SECONDS); after a few failures in a row the receiver counts as
down and the run stops until the back-off is over, instead of waiting out a timeout for
every hearing. The same event id goes with every retry: the receiver de-duplicates.

Nothing is lost when the receiver or this service is down: the events stay in the
database until acknowledged, every failure puts a run on the task queue for its retry
time, and `manage.py catch_up` at every start tries everything pending at once.

Concurrent runs are safe on PostgreSQL: an event is held by a row lock (SKIP LOCKED)
while it is posted, so two workers never send it at once and never overtake each other
within a hearing. SQLite has one writer; run one worker there (scripts/run does), and no
transaction stays open during the POST so the pages are never blocked by it.
"""

import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import random
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from courtvcs import kztime
from courtvcs.audit.services import audit_record

from ..models import OutboxEvent
from ..selectors import pending_heads
from .outbox import enqueue_delivery

logger = logging.getLogger(__name__)

BATCH = 50
SIGNATURE_HEADER = "X-Courtvcs-Signature"
EVENT_ID_HEADER = "X-Courtvcs-Event-Id"
TIMESTAMP_HEADER = "X-Courtvcs-Timestamp"


@dataclass
class Attempt:
    ok: bool
    error: str = ""
    next_attempt_at: dt.datetime | None = None


@dataclass
class Run:
    delivered: int = 0
    failed: int = 0
    paused_until: dt.datetime | None = None
    off: str = ""  # why nothing was sent: delivery is off, or no secret

    def as_dict(self) -> dict:
        return {"delivered": self.delivered, "failed": self.failed, "off": self.off,
                "paused_until": self.paused_until.isoformat() if self.paused_until else None}


def body_of(event: OutboxEvent) -> bytes:
    """The exact bytes POSTed (the same on every retry)."""
    return json.dumps(event.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 of "<timestamp>.<body>" under the shared secret, hex."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure: doubling from the first figure up to the cap,
    each drawn from its upper fifth so that many failed events do not come back together."""
    first, cap = settings.COURTVCS_OUTBOX_BACKOFF_SECONDS
    ceiling = min(cap, first * 2 ** min(attempts - 1, 32))
    return dt.timedelta(seconds=max(first, random.uniform(0.8 * ceiling, ceiling)))


def deliver_due(*, limit: int = 1000) -> Run:
    """Send what is due, hearing by hearing in order; at most `limit` attempts per run."""
    run = Run()
    url, secret = settings.COURTVCS_OUTBOX_URL, settings.COURTVCS_OUTBOX_SECRET
    if not url:
        run.off = "delivery is off (COURTVCS_OUTBOX_URL is empty)"
        return run
    if not secret:
        logger.error("outbox: COURTVCS_OUTBOX_SECRET is empty; nothing is sent unsigned")
        run.off = "no secret (COURTVCS_OUTBOX_SECRET is empty)"
        return run
    in_a_row = 0
    while run.delivered + run.failed < limit and run.paused_until is None:
        due = list(pending_heads().filter(next_attempt_at__lte=kztime.now())
                   .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:BATCH])
        attempted = 0
        for pk in due:
            if run.delivered + run.failed >= limit:
                break
            attempt = _attempt(pk, url, secret)
            if attempt is None:
                continue  # another worker has it, or it is no longer due
            attempted += 1
            if attempt.ok:
                run.delivered += 1
                in_a_row = 0
                continue
            run.failed += 1
            in_a_row += 1
            if in_a_row >= settings.COURTVCS_OUTBOX_FAILURES_BEFORE_PAUSE:
                run.paused_until = _pause(attempt.next_attempt_at)
                break
        if not attempted:
            break
    if run.delivered + run.failed >= limit:
        enqueue_delivery()  # more to do: go on in a new run
    return run


def catch_up() -> Run:
    """After a start: whatever is pending is due now, whatever its back-off said. The runs
    queued for the retries may be gone with the old process; each failure queues a new one."""
    with transaction.atomic():
        OutboxEvent.objects.filter(delivered_at__isnull=True, next_attempt_at__gt=kztime.now()).update(
            next_attempt_at=kztime.now())
    return deliver_due()


def _row_locks() -> bool:
    return connection.features.has_select_for_update_skip_locked


def _attempt(pk: int, url: str, secret: str) -> Attempt | None:
    if _row_locks():
        with transaction.atomic():
            event = _claim(pk)
            return None if event is None else _settle(event, _post(event, url, secret))
    event = _claim(pk)
    if event is None:
        return None
    result = _post(event, url, secret)
    with transaction.atomic():
        return _settle(event, result)


def _claim(pk: int) -> OutboxEvent | None:
    qs = OutboxEvent.objects.filter(pk=pk, delivered_at__isnull=True, next_attempt_at__lte=kztime.now())
    if _row_locks():
        qs = qs.select_for_update(skip_locked=True)
    event = qs.first()
    if event is None:
        return None
    if OutboxEvent.objects.filter(hearing_id=event.hearing_id, seq__lt=event.seq,
                                  delivered_at__isnull=True).exists():
        return None  # an earlier event of the hearing is still unacknowledged
    return event


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is no acknowledgement: urllib would turn the POST into a GET without a body.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(event: OutboxEvent, url: str, secret: str) -> Attempt:
    body = body_of(event)
    timestamp = str(int(kztime.now().timestamp()))
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "courtvcs-outbox/1",
        EVENT_ID_HEADER: str(event.event_id),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: f"sha256={signature(secret, timestamp, body)}",
    })
    try:
        with _opener.open(request, timeout=settings.COURTVCS_OUTBOX_TIMEOUT_SECONDS) as response:
            if 200 <= response.status < 300:
                return Attempt(ok=True)
            return Attempt(ok=False, error=f"HTTP {response.status}")
    except urllib.error.HTTPError as error:
        try:
            detail = error.read(300).decode("utf-8", "replace").strip()
        except (OSError, http.client.HTTPException):
            detail = ""
        return Attempt(ok=False, error=f"HTTP {error.code}" + (f": {detail}" if detail else ""))
    except urllib.error.URLError as error:
        return Attempt(ok=False, error=f"{type(error.reason).__name__}: {error.reason}")
    except (OSError, http.client.HTTPException, ValueError) as error:  # timeouts, resets, bad URL
        return Attempt(ok=False, error=f"{type(error).__name__}: {error}")


def _settle(event: OutboxEvent, attempt: Attempt) -> Attempt:
    now = kztime.now()
    alert_after = settings.COURTVCS_OUTBOX_ALERT_AFTER_ATTEMPTS
    event.attempts += 1
    if attempt.ok:
        event.delivered_at = now
        if event.attempts > alert_after:
            audit_record(actor=None, action="outbox_delivered_after_failures", obj=event,
                         hearing_id=event.hearing_id, rule="R3",
                         after={"event_id": str(event.event_id), "attempts": event.attempts})
    else:
        event.last_error = attempt.error[:2000]
        event.next_attempt_at = attempt.next_attempt_at = now + backoff(event.attempts)
        if event.attempts % alert_after == 0:
            logger.warning("outbox: event %s of hearing %s failed %s times: %s", event.event_id,
                           event.hearing_id, event.attempts, event.last_error)
            audit_record(actor=None, action="outbox_delivery_failing", obj=event,
                         hearing_id=event.hearing_id, rule="R3",
                         after={"event_id": str(event.event_id), "attempts": event.attempts,
                                "error": event.last_error})
        # The retry's own run, at its time (a run on the queue survives a restart).
        retry_at = event.next_attempt_at
        transaction.on_commit(lambda: enqueue_delivery(retry_at), robust=True)
    event.save(update_fields=["attempts", "delivered_at", "last_error", "next_attempt_at"])
    return attempt


def _pause(until: dt.datetime) -> dt.datetime:
    """The receiver looks down: nothing else is tried before `until` (its run is queued)."""
    with transaction.atomic():
        OutboxEvent.objects.filter(delivered_at__isnull=True, next_attempt_at__lt=until).update(
            next_attempt_at=until)
    logger.warning("outbox: the receiver looks down; next attempt at %s", until.isoformat())
    return until


def retry_now(*, actor, event_ids: list[int]) -> int:
    """An administrator asks for pending events to be tried again at once."""
    with transaction.atomic():
        events = list(OutboxEvent.objects.select_for_update().filter(pk__in=event_ids, delivered_at__isnull=True))
        now = kztime.now()
        for event in events:
            audit_record(actor=actor, action="outbox_retry_now", obj=event, hearing_id=event.hearing_id,
                         rule="R3", before={"next_attempt_at": event.next_attempt_at.isoformat()},
                         after={"next_attempt_at": now.isoformat()})
        OutboxEvent.objects.filter(pk__in=[e.pk for e in events]).update(next_attempt_at=now)
        transaction.on_commit(enqueue_delivery, robust=True)
    return len(events)
