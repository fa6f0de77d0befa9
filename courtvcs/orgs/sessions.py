"""Issue 7: how long a member of staff's session lasts, and ending a person's sessions.

A session is stamped at sign-in with when it started and keeps when it was last used
(written at most once a minute). It ends after COURTVCS_SESSION_IDLE_MINUTES without
activity or COURTVCS_SESSION_ABSOLUTE_HOURS after sign-in, whichever comes first (0 turns
a limit off). Activity is any request of the person's browser (pages, the fragments a page
reloads by itself, the API, recording uploads) and an open room WebSocket: the courtroom
console polls its timeline every 30 s and its socket says it is alive once a minute, so a
console open through a hearing keeps its session (the 12 hours still apply).

`end_sessions` ends every session of a person at once (disabling the person calls it) and
closes their open room sockets.
"""

import datetime as dt
import logging
from importlib import import_module

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save, pre_save

from courtvcs import kztime
from courtvcs.audit.services import audit_record

from .models import User, UserSession

log = logging.getLogger("courtvcs.signin")

STARTED = "courtvcs_session_started"  # Unix time of the sign-in
SEEN = "courtvcs_session_seen"        # Unix time of the last activity written
SEEN_EVERY_SECONDS = 60               # last-seen is written at most this often
IDLE, ABSOLUTE = "idle", "absolute"
# The room socket's close code when the person was signed out (disabled, or sessions ended):
# the page does not come back and says so (static/courtvcs/live/signalling.js FINAL).
SIGNED_OUT_CLOSE_CODE = 4401


def user_group(user_id: int) -> str:
    """The channel-layer group of one person's open room sockets."""
    return f"user.{user_id}"


def idle_limit() -> dt.timedelta | None:
    minutes = getattr(settings, "COURTVCS_SESSION_IDLE_MINUTES", 0)
    return dt.timedelta(minutes=minutes) if minutes else None


def absolute_limit() -> dt.timedelta | None:
    hours = getattr(settings, "COURTVCS_SESSION_ABSOLUTE_HOURS", 0)
    return dt.timedelta(hours=hours) if hours else None


def limits_on() -> bool:
    return idle_limit() is not None or absolute_limit() is not None


def stamp(session, now: dt.datetime | None = None) -> None:
    at = (now or kztime.now()).timestamp()
    session[STARTED] = at
    session[SEEN] = at


def limit_passed(session, now: dt.datetime | None = None) -> str | None:
    """IDLE or ABSOLUTE when that limit has passed, else None. An unstamped session (made
    before the limits existed) has passed none: the caller stamps it."""
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:
        return None
    at = (now or kztime.now()).timestamp()
    absolute, idle = absolute_limit(), idle_limit()
    if absolute is not None and at - started >= absolute.total_seconds():
        return ABSOLUTE
    if idle is not None and at - seen >= idle.total_seconds():
        return IDLE
    return None


def note_activity(session, now: dt.datetime | None = None) -> None:
    """Stamp an unstamped session, or move last-seen on if it is a minute old or more
    (so a busy page does not write the session on every request)."""
    now = now or kztime.now()
    if session.get(STARTED) is None or session.get(SEEN) is None:
        stamp(session, now)
    elif now.timestamp() - session[SEEN] >= SEEN_EVERY_SECONDS:
        session[SEEN] = now.timestamp()


def socket_session_ended(session) -> bool:
    """A room socket of a signed-in person: has the session passed a limit? (at connect)"""
    return limits_on() and session is not None and limit_passed(session) is not None


def socket_alive(session_key: str | None) -> bool:
    """An open room socket counts as activity: called at most once a minute by the consumer.

    Reads the session afresh (the request side may have changed it since the socket
    opened) and moves last-seen on. False when the session is gone (signed out, ended).
    """
    if not session_key:
        return False
    from django.contrib.auth import SESSION_KEY

    store = _session_store()(session_key)
    if store.get(SESSION_KEY) is None:
        return False
    if limits_on() and limit_passed(store) is None:
        note_activity(store)
        if store.modified:
            store.save()
    return True


# --- the person's sessions -----------------------------------------------------------------
def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def on_signed_in(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    now = kztime.now()
    stamp(session, now)
    if session.session_key is None:
        session.save()
    # login() has just given the session a new key (Django cycles it at every sign-in).
    UserSession.objects.update_or_create(session_key=session.session_key,
                                         defaults={"user": user, "started_at": now})
    # Sessions left to lapse (never signed out) are forgotten once no cookie can hold them.
    UserSession.objects.filter(user=user, started_at__lt=now - dt.timedelta(
        seconds=settings.SESSION_COOKIE_AGE)).delete()


def on_signed_out(sender, request, user, **kwargs):
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


@transaction.atomic
def end_sessions(user: User, reason: str, actor: User | None, keep: str | None = None) -> int:
    """Sign the person out everywhere: every session deleted, every open room socket closed;
    all but the session `keep` (the browser that changed the password) and its sockets.

    Returns how many sessions were ended. Audited as `sessions_ended` with the reason.
    """
    keys = list(UserSession.objects.filter(user=user).exclude(session_key=keep or "")
                .values_list("session_key", flat=True))
    store = _session_store()
    for key in keys:
        store(key).delete(key)
    UserSession.objects.filter(session_key__in=keys).delete()
    audit_record(actor=actor, action="sessions_ended", obj=user,
                 after={"reason": reason, "sessions": len(keys)})
    log.info("sessions ended", extra={"user_id": user.pk, "reason": reason, "sessions": len(keys)})
    transaction.on_commit(lambda: _close_sockets(user.pk, keep))
    return len(keys)


def _close_sockets(user_id: int, keep: str | None = None) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(user_group(user_id), {"type": "user.signed_out", "keep": keep})
    except Exception:  # the sessions are gone; a socket left open is refused at its next connect
        log.exception("could not close the open sockets of user %s", user_id)


# --- disabling a person ends their sessions ------------------------------------------------
def _remember_deactivation(sender, instance: User, update_fields=None, **kwargs):
    instance._courtvcs_deactivated = False
    if instance.pk is None or instance.is_active or (update_fields is not None
                                                     and "is_active" not in update_fields):
        return
    instance._courtvcs_deactivated = User.objects.filter(pk=instance.pk, is_active=True).exists()


def _end_sessions_of_deactivated(sender, instance: User, created=False, **kwargs):
    if getattr(instance, "_courtvcs_deactivated", False):
        instance._courtvcs_deactivated = False
        # The admin site says who disabled the person (UserAdmin.save_model); code may too.
        end_sessions(instance, "deactivated", getattr(instance, "changed_by", None))


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in, user_logged_out

    user_logged_in.connect(on_signed_in, dispatch_uid="courtvcs-session-stamp")
    user_logged_out.connect(on_signed_out, dispatch_uid="courtvcs-session-forget")
    pre_save.connect(_remember_deactivation, sender=User, dispatch_uid="courtvcs-deactivation-seen")
    post_save.connect(_end_sessions_of_deactivated, sender=User, dispatch_uid="courtvcs-deactivation-ends")
