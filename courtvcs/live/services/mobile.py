"""Personal links for participants on mobile VCS (R17, R20).

A participant joins from their own phone or laptop through a link that is theirs alone:
256 random bits, bound to one participant of one hearing, working until the hearing's
expected end plus a grace period, revocable by the court's secretary. On first use the
link is exchanged for a session (the address bar then shows /live/join/, not the token),
and every later step re-checks the link, so a revoked or expired link stops at once.

Only the SHA-256 of a token is stored. The token itself is returned once by `issue_link`
(to be shown to the secretary and e-mailed) and is never written to the audit log, the
timeline or a log line.
"""

import datetime as dt
import hashlib
import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from courtvcs import kztime
from courtvcs.audit.services import audit_record
from courtvcs.errors import Forbidden, NotFound, RuleViolation
from courtvcs.hearings import access
from courtvcs.hearings.choices import FINAL_STATES, ParticipationMode
from courtvcs.hearings.models import Hearing
from courtvcs.hearings.services.workflow import record_event
from courtvcs.hearings.states import COURT
from courtvcs.notifications.services import send_email
from courtvcs.orgs.choices import Role

from ..models import MobileLink

log = logging.getLogger(__name__)

RULE = "R17"
# Where the link's id is kept once the token has been exchanged (the pages and the
# signalling consumer read it through `link_for_session`).
SESSION_KEY = "live_mobile_link"
# 32 bytes = 256 random bits (the Rules ask for at least 128), 43 URL-safe characters.
TOKEN_BYTES = 32
# Longer than any token we issue: such a "token" is refused before it is even hashed.
MAX_TOKEN_LENGTH = 128


class LinkClosed(RuleViolation):
    """The link exists but no longer opens: revoked, expired, or its hearing is over."""

    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(RULE, message)


def token_hash(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def link_path(raw_token: str) -> str:
    """The short path of a personal link, as typed from an SMS (/m/<token>/)."""
    return reverse("live:mobile_open", kwargs={"token": raw_token})


def expires_at_for(hearing: Hearing) -> dt.datetime:
    return hearing.ends_at + dt.timedelta(minutes=settings.COURTVCS_MOBILE_LINK_GRACE_MINUTES)


def may_manage_links(user, hearing: Hearing) -> bool:
    """Only the secretary of the court hearing the case issues and revokes links."""
    return (user is not None and user.is_authenticated and user.role == Role.SECRETARY
            and COURT in access.relations(user, hearing))


def closed_reason(link: MobileLink, now: dt.datetime | None = None) -> str:
    """Why the link no longer opens ("revoked", "expired", "hearing_over"), or "" if it does."""
    now = now or kztime.now()
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= now:
        return "expired"
    if link.hearing.status in FINAL_STATES:
        return "hearing_over"
    return ""


def _secretarys_hearing(actor, hearing_id: int) -> Hearing:
    # A hearing the person may not see is "not found" (R6); one they see but may not
    # manage links for is "forbidden". The row lock serialises two issues for one person.
    hearing = access.get_visible(actor, hearing_id, for_update=True)
    if not may_manage_links(actor, hearing):
        raise Forbidden(_("Only the secretary of the court hearing the case issues and revokes "
                          "personal links."))
    return hearing


def _revoke_live(participant_id: int, actor, now: dt.datetime) -> list[int]:
    live = MobileLink.objects.filter(participant_id=participant_id, revoked_at__isnull=True)
    ids = list(live.values_list("pk", flat=True))
    if ids:
        MobileLink.objects.filter(pk__in=ids).update(revoked_at=now, revoked_by=actor)
    return ids


@transaction.atomic
def issue_link(*, actor, hearing_id: int, participant_id: int,
               base_url: str = "") -> tuple[MobileLink, str]:
    """R17, R20: give a mobile-VCS participant a personal link; returns (link, raw token).

    The raw token is shown once and e-mailed to the participant when they gave an e-mail
    (`base_url`, e.g. "https://vcs.sud.kz", makes the e-mailed link absolute). A link the
    participant already had stops working.
    """
    hearing = _secretarys_hearing(actor, hearing_id)
    participant = hearing.participants.filter(pk=participant_id).first()
    if participant is None:
        raise NotFound(_("No such participant in this hearing."))
    if participant.mode != ParticipationMode.MOBILE_VCS:
        raise RuleViolation(RULE, _("A personal link is only for a participant who takes part "
                                    "by mobile VCS."))
    if hearing.status in FINAL_STATES:
        raise RuleViolation(RULE, _("The hearing is “%(status)s”: no link is needed any more.")
                            % {"status": hearing.get_status_display()})
    now = kztime.now()
    expires_at = expires_at_for(hearing)
    if expires_at <= now:
        raise RuleViolation(RULE, _("The hearing's time is over: a link would not open any more."))

    replaced = _revoke_live(participant.pk, actor, now)
    raw_token = secrets.token_urlsafe(TOKEN_BYTES)
    link = MobileLink.objects.create(
        hearing=hearing, participant=participant, token_sha256=token_hash(raw_token),
        created_at=now, created_by=actor, expires_at=expires_at)

    emailed = bool(participant.email and base_url)
    # What is recorded names the link and the person, never the token or its hash.
    facts = {"participant": participant.pk, "link": link.pk, "expires_at": expires_at.isoformat(),
             "replaces": replaced, "emailed": emailed}
    audit_record(actor=actor, action="mobile_link_issued", obj=link, hearing_id=hearing.pk,
                 rule=RULE, after=facts)
    record_event(hearing, "mobile_link_issued", actor, rule=RULE, data=facts)
    if emailed:
        _email_link(hearing, participant.email, base_url.rstrip("/") + link_path(raw_token),
                    expires_at)
    _after_commit_disconnect(replaced)
    return link, raw_token


def _email_link(hearing: Hearing, address: str, url: str, expires_at: dt.datetime) -> None:
    subject = _("Your link to the hearing in case %(case)s") % {"case": hearing.case_number}
    body = _(
        "The court has invited you to take part in the hearing in case %(case)s by mobile VCS.\n\n"
        "Court: %(court)s\nStart: %(start)s (Kazakhstan time)\n\n"
        "Open this personal link on your phone or computer shortly before the start:\n%(url)s\n\n"
        "First check your camera, microphone and connection; then wait until the secretary "
        "has checked your identity and lets you in.\n\n"
        "The link is for you alone: do not pass it on. It works until %(expires)s."
    ) % {"case": hearing.case_number, "court": hearing.court.name,
         "start": kztime.format_local(hearing.starts_at), "url": url,
         "expires": kztime.format_local(expires_at)}
    transaction.on_commit(lambda: send_email(subject, body, [address]))


@transaction.atomic
def revoke_link(*, actor, link_id: int) -> MobileLink:
    """R17: the secretary withdraws a link; open pages and calls on it end at once."""
    hearing_id = MobileLink.objects.filter(pk=link_id).values_list("hearing_id", flat=True).first()
    if hearing_id is None:
        raise NotFound(_("No such link."))
    hearing = _secretarys_hearing(actor, hearing_id)
    link = MobileLink.objects.select_related("participant").get(pk=link_id)
    if link.revoked_at is not None:
        raise RuleViolation(RULE, _("This link has already been revoked."))
    link.revoked_at, link.revoked_by = kztime.now(), actor
    link.save(update_fields=["revoked_at", "revoked_by"])
    link.hearing = hearing
    facts = {"participant": link.participant_id, "link": link.pk}
    audit_record(actor=actor, action="mobile_link_revoked", obj=link, hearing_id=hearing.pk,
                 rule=RULE, before={"revoked_at": None},
                 after={**facts, "revoked_at": link.revoked_at.isoformat()})
    record_event(hearing, "mobile_link_revoked", actor, rule=RULE, data=facts)
    _after_commit_disconnect([link.pk])
    return link


def _after_commit_disconnect(link_ids: list[int]) -> None:
    if link_ids:
        transaction.on_commit(lambda: disconnect_live(link_ids))


def disconnect_live(link_ids: list[int]) -> None:
    """Tell the signalling consumers holding these links to close (group live.mobile.<id>).

    Called after the revocation is committed; the revocation stands even if the channel
    layer cannot be reached (the consumer re-checks the link on every step anyway).
    """
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    for link_id in link_ids:
        try:
            async_to_sync(layer.group_send)(f"live.mobile.{link_id}", {"type": "link.revoked"})
        except Exception:  # noqa: BLE001 - a notification failure must not undo the revocation
            log.warning("could not tell live connections that mobile link %s was revoked",
                        link_id, exc_info=True)


@transaction.atomic
def exchange_token(raw_token: str) -> MobileLink:
    """R17: the participant opens the link; it is exchanged for a session by the caller.

    Unknown token: NotFound. Revoked, expired or its hearing over: LinkClosed (a
    RuleViolation). The lookup is by the token's hash, so no comparison of secrets is
    made in Python that could leak timing.
    """
    link = None
    if raw_token and len(raw_token) <= MAX_TOKEN_LENGTH:
        link = (MobileLink.objects.select_related("hearing__court", "participant")
                .filter(token_sha256=token_hash(raw_token)).first())
    if link is None:
        raise NotFound(_("This link is not valid."))
    now = kztime.now()
    reason = closed_reason(link, now)
    if reason:
        raise LinkClosed(reason, _("This link no longer opens. Ask the court for a new one."))
    first_use = link.first_used_at is None
    link.first_used_at = link.first_used_at or now
    link.last_used_at = now
    link.save(update_fields=["first_used_at", "last_used_at"])
    facts = {"participant": link.participant_id, "link": link.pk}
    # The participant is not a user of the system: the entries have no actor.
    audit_record(actor=None, action="mobile_link_opened", obj=link, hearing_id=link.hearing_id,
                 rule=RULE, after={**facts, "first_use": first_use})
    if first_use:
        record_event(link.hearing, "mobile_link_opened", None, rule=RULE, data=facts)
    return link


def link_for_session(session) -> MobileLink | None:
    """The session's link if it still opens, else None; checked afresh on every call.

    For the pages and for the signalling consumer (through database_sync_to_async, with
    the connection's scope["session"]). Loads the hearing (with its court) and the
    participant.
    """
    link_id = session.get(SESSION_KEY) if session is not None else None
    if not isinstance(link_id, int):
        return None
    link = (MobileLink.objects.select_related("hearing__court", "participant")
            .filter(pk=link_id).first())
    if link is None or closed_reason(link):
        return None
    return link
