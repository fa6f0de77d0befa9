"""Refused access in the log (ASVS 16.3.2), so that probing other courts' hearings leaves a
trace the operators can alert on: every 403 and 404 the API and the pages answer from the
domain's checks (role, organisation, visibility), and every room socket turned away for
want of a seat. A log line, not an audit entry: refusals change nothing, and a flood of them
must not grow the append-only audit log. The request context (docs/deploy.md, "Logs") adds
the request id, user id and path inside a request; `person` and `where` say it outside one.
"""

import logging

from courtvcs.live.logredact import redact

from .logs import current_request, user_id_of

log = logging.getLogger("courtvcs.access")


def refused(status: int, reason: str, *, request=None, person: int | None = None, where: str = "") -> None:
    request = request if request is not None else current_request()
    if request is not None and hasattr(request, "path"):
        person = person if person is not None else user_id_of(request)
        where = where or request.path
    where = redact(where)  # once, for the message and the field alike
    log.warning("access refused (%s) %s: %s", status, where, reason,
                extra={"status": status, "person": person, "where": where})
