"""Signalling for a VCS room over WebSocket (R15-R22, R13).

One connection per page: the courtroom console, a remote site's VCS page, a mobile-VCS
participant, the judge's console (no media), or a side of a test call. The consumer
admits a connection only to its seat (seats.py: role and organisation, or the
participant's personal link), relays the WebRTC offers, answers and candidates between
the room's peers, keeps each link's quality from the clients' getStats reports
(quality.py), and writes what matters to the hearing's records (services/links.py).

Untrusted input: every message is size-checked, rate-limited (token bucket) and
validated; a bad message gets an error answer, and only a flood closes the socket.
"""

import asyncio
import json
import logging
import re
import secrets
import time
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from courtvcs.ops import metrics as ops_metrics
from courtvcs.ops.refusals import refused
from courtvcs.orgs import sessions as staff_sessions

from . import quality, seats
from .layers import OutageTolerantLayer
from .media import media_plane
from .services import links

logger = logging.getLogger(__name__)

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{6,40}$")
SITE = re.compile(r"^(courtroom|remote-\d+|mobile-\d+)$")
LINK_TO_SITE = {"new": "connecting", "connecting": "connecting", "connected": "connected",
                "disconnected": "lost", "failed": "lost"}
MAX_ERRORS = 50  # bad messages tolerated before the socket is closed
TEST_FIGURES = ("rtt_ms", "jitter_ms", "loss_percent", "video_kbps", "frame_rate",
                "audio_loss_percent", "seconds")


class TokenBucket:
    def __init__(self, rate: float, burst: int):
        self.rate, self.burst = rate, burst
        self.tokens, self.at = float(burst), time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def _language(user, session, headers) -> str:
    if user is not None and getattr(user, "is_authenticated", False) and user.language:
        return user.language
    lang = (session or {}).get("django_language") if session is not None else None
    if lang:
        return lang
    accept = dict(headers).get(b"accept-language", b"").decode("latin-1")
    for code in ("kk", "ru", "en"):
        if accept.lower().startswith(code):
            return code
    return settings.LANGUAGE_CODE


def _resolve(kind: str, object_id: int, user, session, language: str):
    from .services.mobile import link_for_session

    with translation.override(language):
        if kind == "test":
            return seats.test_seat(user, object_id)
        link = None if user is not None and user.is_authenticated else \
            (link_for_session(session) if session is not None else None)
        return seats.hearing_seat(user, object_id, mobile_link=link)


def _room_state(seat, language):
    with translation.override(language):
        return seats.room_state(seat)


def _session_ended(user, session) -> bool:
    """Issue 7: a member of staff whose session passed its idle or absolute limit."""
    return bool(user is not None and user.is_authenticated and staff_sessions.socket_session_ended(session))


def _second_factor_missing(user, session) -> bool:
    """Issue 7: staff who gave the password but not yet the code are not signed in, for the
    rooms either (SecondFactorMiddleware covers HTTP only). As django-otp's middleware: the
    session's device must be a confirmed device of this person."""
    if user is None or not user.is_authenticated:
        return False
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return device is None or device.user_id != user.pk or not device.confirmed


def _session_alive(session) -> bool:
    return staff_sessions.socket_alive(session.session_key if session is not None else None)


def _mobile_link_valid(session) -> bool:
    from .services.mobile import link_for_session

    return link_for_session(session) is not None


class RoomConsumer(AsyncWebsocketConsumer):
    seat: seats.Seat | None = None

    async def dispatch(self, message):
        # Channels closes stale database connections before every message, a hop to the
        # database thread and back; this consumer reaches the database only through
        # database_sync_to_async, which does that itself. Skipping it halved the CPU a
        # relayed signal costs (bench/signalling_load_bench.py).
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        route = self.scope["url_route"]["kwargs"]
        user, session = self.scope.get("user"), self.scope.get("session")
        self.language = _language(user, session, self.scope.get("headers", []))
        if await database_sync_to_async(_session_ended)(user, session):
            await self._turn_away(staff_sessions.SIGNED_OUT_CLOSE_CODE)
            return
        if await database_sync_to_async(_second_factor_missing)(user, session):
            await self._turn_away(4403)
            return
        self.seat = await database_sync_to_async(_resolve)(route["kind"], int(route["object_id"]), user,
                                                           session, self.language)
        if self.seat is None:
            await self._turn_away(4403)
            return
        self.channel_layer = OutageTolerantLayer(self.channel_layer)
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        client_id = (query.get("peer") or [""])[0]
        if not CLIENT_ID.match(client_id):
            client_id = secrets.token_urlsafe(9)
        self.peer = f"{self.seat.site}.{client_id}"
        self.bucket = TokenBucket(settings.COURTVCS_SIGNAL_RATE_PER_SECOND, settings.COURTVCS_SIGNAL_BURST)
        self.errors = 0
        self.said_hello = False
        self.replaced = False
        self.superseded = False  # the same page came back on a new socket
        self.peers: dict[str, dict] = {}
        self.trackers: dict[str, quality.LinkTracker] = {}
        self.site_states: dict[str, str] = {}
        self.degraded_recorded: dict[str, tuple[float, bool]] = {}  # peer -> (when, still degraded)
        self.site_group = f"{self.seat.room}.site.{self.seat.site}"
        self.groups_joined = [self.seat.room, self.site_group]
        if self.seat.mobile_link_id:
            self.groups_joined.append(f"live.mobile.{self.seat.mobile_link_id}")
        elif self.seat.user_id:
            # Disabling the person (or ending their sessions) closes this socket.
            self.groups_joined.append(staff_sessions.user_group(self.seat.user_id))
        self.alive_at = time.monotonic()  # when the session was last told this socket is open
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        ops_metrics.socket_opened(self.channel_name, self.seat)
        if self.seat.media:
            # One media client per site: the newest page wins (a reload, another tab).
            await self.channel_layer.group_send(self.site_group, {
                "type": "site.replaced", "peer": self.peer, "channel": self.channel_name})
        state = await database_sync_to_async(_room_state)(self.seat, self.language)
        plane = media_plane(self.seat)
        self.was_live = state["live"]
        await self.send_json({
            "type": "welcome", "peer": self.peer, "site": self.seat.site, "kind": self.seat.kind,
            "label": self.seat.label, "media": self.seat.media, "state": state,
            "plane": await self._plane_config(), "test": self.seat.is_test,
            "tooManySites": self.seat.expected_sites > plane.max_sites(),
            "mayMute": self.seat.may_mute_sites, "mayReconnect": self.seat.may_reconnect_sites,
            "mayRecord": self.seat.may_record, "reportSeconds": settings.COURTVCS_QUALITY["REPORT_SECONDS"],
            "testCall": settings.COURTVCS_TEST_CALL if self.seat.is_test else None,
        })
        # Ask who is here, so a console that joins late still sees every site's state.
        await self.channel_layer.group_send(self.seat.room, self._presence("peer.hello", media=False))
        self.ticker = asyncio.create_task(self._tick())

    async def _turn_away(self, code: int) -> None:
        """Open, then close with our code: a handshake refused outright reaches the page as
        1006 (abnormal closure), which it takes for a network cut and retries for ever; with
        the code it says "no seat" or "signed out" and stops. Nothing is sent before the close."""
        user = self.scope.get("user")
        refused(code, "no seat in this room" if code == 4403 else "signed out", where=self.scope.get("path", ""),
                person=user.pk if user is not None and user.is_authenticated else None)
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code):
        if self.seat is None:
            return
        ops_metrics.socket_closed(self.channel_name)
        self.ticker.cancel()
        if not self.superseded:
            # A page that came back on a new socket is still here: saying goodbye for its
            # old socket would make the others forget it (and report its site lost).
            await self.channel_layer.group_send(self.seat.room, {
                "type": "peer.bye", "peer": self.peer, "site": self.seat.site, "replaced": self.replaced})
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    # --- from the browser ---------------------------------------------------------
    async def receive(self, text_data=None, bytes_data=None):
        if not self.bucket.allow():
            return await self._refuse("rate", _("Too many messages; slow down."))
        if bytes_data is not None or text_data is None:
            return await self._refuse("format", _("Messages are JSON text."))
        if len(text_data) > settings.COURTVCS_SIGNAL_MAX_MESSAGE_BYTES:
            return await self._refuse("size", _("The message is too large."))
        try:
            message = json.loads(text_data)
        except ValueError:
            return await self._refuse("format", _("The message is not valid JSON."))
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            return await self._refuse("format", _("A message is an object with a type."))
        handler = getattr(self, f"on_{message['type']}", None) if message["type"].isidentifier() else None
        if handler is None:
            return await self._refuse("type", _("Unknown message type."))
        try:
            await handler(message)
        except (ValueError, TypeError, KeyError) as exc:
            await self._refuse("invalid", _("The message is not valid: %(why)s") % {"why": str(exc)[:200]})

    async def _refuse(self, code: str, detail: str):
        self.errors += 1
        with translation.override(self.language):
            await self.send_json({"type": "error", "code": code, "detail": str(detail)})
        if self.errors > MAX_ERRORS:
            await self.close(code=4429)

    async def on_ping(self, message):
        await self.send_json({"type": "pong", "t": message.get("t")})
        if self.seat.user_id and not self.seat.mobile_link_id \
                and time.monotonic() - self.alive_at >= staff_sessions.SEEN_EVERY_SECONDS:
            # Issue 7: an open room page is activity, so a console open through a hearing
            # keeps its session; a session signed out meanwhile closes the socket.
            self.alive_at = time.monotonic()
            if not await database_sync_to_async(_session_alive)(self.scope.get("session")):
                await self.user_signed_out({})

    async def on_hello(self, message):
        """The page has its camera and microphone and asks to join the call."""
        if not self.seat.media:
            raise ValueError("this seat carries no media")
        state = await database_sync_to_async(_room_state)(self.seat, self.language)
        if not state["live"]:
            return await self.send_json({"type": "state", "state": state})
        if self.seat.expected_sites > media_plane(self.seat).max_sites():
            raise ValueError("too many sites for the media plane")
        self.said_hello = True
        await self.channel_layer.group_send(self.seat.room, self._presence("peer.hello", media=True))

    async def on_leave(self, message):
        """The page stopped its media (the hearing left the live states, or the person hung up)."""
        self.said_hello = False
        await self.channel_layer.group_send(self.seat.room, {
            "type": "peer.bye", "peer": self.peer, "site": self.seat.site, "replaced": True})

    async def on_signal(self, message):
        to, data = message.get("to"), message.get("data")
        if not isinstance(to, str) or to not in self.peers or not self.peers[to]["media"]:
            raise ValueError("unknown peer")
        if not isinstance(data, dict) or not ({"description", "candidate"} & data.keys()):
            raise ValueError("a signal carries a description or a candidate")
        if not self.said_hello:
            raise ValueError("join the call first")
        await self.channel_layer.send(self.peers[to]["channel"],
                                      {"type": "peer.signal", "from": self.peer, "data": data})

    async def on_link(self, message):
        """A peer connection's state changed (RTCPeerConnection.connectionState)."""
        peer, state = message.get("peer"), message.get("state")
        if peer not in self.peers or state not in LINK_TO_SITE and state != "closed":
            raise ValueError("unknown peer or state")
        site = self.peers[peer]["site"]
        if state == "closed" or not self.seat.reports_sites or self.seat.is_test:
            return
        await self._site_state(site, LINK_TO_SITE[state])

    async def _site_state(self, site: str, state: str):
        if not SITE.match(site) or site == "courtroom" or self.site_states.get(site) == state:
            return
        self.site_states[site] = state  # write only changes: reports repeat every 2 s
        recorded = await database_sync_to_async(links.set_site_state)(
            hearing_id=self.seat.hearing_id, site=site, state=state, actor_id=self.seat.user_id)
        if recorded:
            await self.channel_layer.group_send(self.seat.room, {"type": "room.site_state", "site": site,
                                                                 "state": state})

    async def on_stats(self, message):
        reports = message.get("links")
        if not isinstance(reports, list) or len(reports) > 16:
            raise ValueError("links must be a list of at most 16 reports")
        now = time.monotonic()
        for raw in reports:
            report = quality.parse_report(raw, now)
            # The peer id starts with its site: a report about a peer whose signalling is
            # away (its WebSocket dropped, its media may still flow) still counts.
            sender = report.peer.split(".")[0]
            if not SITE.match(sender) or sender == self.seat.site:
                continue
            if report.peer not in self.trackers and len(self.trackers) >= 16:
                self.trackers.pop(next(iter(self.trackers)))
            tracker = self.trackers.setdefault(report.peer, quality.LinkTracker())
            await self._quality_changes(report.peer, tracker.add(report))
            await self.channel_layer.group_send(self.seat.room, {
                "type": "room.quality", "receiver": self.seat.site, "sender": sender,
                "figures": tracker.figures()})
            if self.seat.reports_sites and not self.seat.is_test and report.state in LINK_TO_SITE:
                await self._site_state(sender, LINK_TO_SITE[report.state])

    async def _tick(self):
        period = settings.COURTVCS_QUALITY["REPORT_SECONDS"]
        try:
            while True:
                await asyncio.sleep(period)
                now = time.monotonic()
                for peer, tracker in list(self.trackers.items()):
                    await self._quality_changes(peer, tracker.tick(now))
        except asyncio.CancelledError:
            pass
        except Exception:
            logger.exception("quality tick failed")

    async def _quality_changes(self, peer: str, changes):
        if not changes:
            return
        sender = peer.split(".")[0]
        for change in changes:
            if self.seat.is_test or not self._worth_recording(peer, change.kind):
                continue
            ops_metrics.quality_alert(change.kind)
            await database_sync_to_async(links.record_quality_change)(
                hearing_id=self.seat.hearing_id, reporter=self.seat.site, peer=sender, kind=change.kind,
                reasons=list(change.reasons), figures=change.figures)
            await self.channel_layer.group_send(self.seat.room, {
                "type": "room.quality_change", "kind": change.kind, "receiver": self.seat.site,
                "sender": sender, "reasons": list(change.reasons), "figures": change.figures})

    def _worth_recording(self, peer: str, kind: str) -> bool:
        """Every prompt goes on the timeline; a link hovering at a threshold flips between
        degraded and restored every few seconds, so those go there at most once a minute
        per link, and "restored" only after a "degraded" that was recorded."""
        if kind == "prompt_break":
            return True
        if kind not in links.QUALITY_EVENTS:
            return False
        now = time.monotonic()
        last = self.degraded_recorded.get(peer)
        if kind == "degraded":
            if last is not None and (last[1] or now - last[0] < 60):
                return False
            self.degraded_recorded[peer] = (now, True)
            return True
        if last is None or not last[1]:
            return False
        self.degraded_recorded[peer] = (last[0], False)
        return True

    async def on_mute(self, message):
        """The judge or the secretary mutes a site's microphone (the site may unmute)."""
        site = message.get("site")
        if not self.seat.may_mute_sites or not isinstance(site, str) or not SITE.match(site):
            raise ValueError("you may not mute that site")
        await self.channel_layer.group_send(f"{self.seat.room}.site.{site}",
                                            {"type": "site.mute", "by": self.seat.kind})
        await database_sync_to_async(links.record_court_control)(
            hearing_id=self.seat.hearing_id, actor_id=self.seat.user_id, kind="site_muted", site=site)

    async def on_reconnect(self, message):
        """R22: the secretary reconnects a site by hand: both ends restart ICE."""
        site = message.get("site")
        if not self.seat.may_reconnect_sites or not isinstance(site, str) or not SITE.match(site):
            raise ValueError("you may not reconnect that site")
        await self.channel_layer.group_send(f"{self.seat.room}.site.{site}", {"type": "site.restart"})
        await database_sync_to_async(links.record_court_control)(
            hearing_id=self.seat.hearing_id, actor_id=self.seat.user_id, kind="site_reconnect_requested",
            site=site)

    async def on_test_figures(self, message):
        """R13: one side's measurement of what it received during the test call."""
        figures = message.get("figures")
        if not self.seat.is_test or not isinstance(figures, dict):
            raise ValueError("test figures belong to a test call")
        clean = {}
        for name in TEST_FIGURES:
            value = figures.get(name)
            if value is None:
                continue
            if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value < 1e7:
                raise ValueError(f"{name} must be a non-negative number")
            clean[name] = round(float(value), 2)
        result = await database_sync_to_async(links.record_test_figures)(
            test_session_id=self.seat.test_session_id, side=self.seat.kind, figures=clean,
            actor_id=self.seat.user_id)
        await self.send_json({"type": "test_measured", "figures": clean})
        if result is not None:
            await self.channel_layer.group_send(self.seat.room, {"type": "room.test_result", **result})

    # --- from the room (channel layer) ------------------------------------------------
    def _presence(self, kind: str, *, media: bool) -> dict:
        return {"type": kind, "peer": self.peer, "channel": self.channel_name, "site": self.seat.site,
                "label": self.seat.label, "kind": self.seat.kind, "media": media}

    async def peer_hello(self, event):
        if event["peer"] == self.peer:
            return
        self._remember(event)
        if event["media"]:
            await self.send_json({"type": "peer", **self._public(event)})
        # Answer directly so the newcomer knows who is here (and whether we carry media).
        await self.channel_layer.send(event["channel"], self._presence("peer.here", media=self.said_hello))

    async def peer_here(self, event):
        if event["peer"] == self.peer:
            return
        self._remember(event)
        if event["media"]:
            await self.send_json({"type": "peer", **self._public(event)})

    def _remember(self, event):
        # One connection per site: a page that reconnects or reloads replaces the entry.
        for old in [p for p, info in self.peers.items() if info["site"] == event["site"]]:
            self.peers.pop(old, None)
        self.peers[event["peer"]] = {k: event[k] for k in ("channel", "site", "label", "kind", "media")}

    @staticmethod
    def _public(event) -> dict:
        return {k: event[k] for k in ("peer", "site", "label", "kind")}

    async def peer_signal(self, event):
        await self.send_json({"type": "signal", "from": event["from"], "data": event["data"]})

    async def peer_bye(self, event):
        if event["peer"] == self.peer or event["peer"] not in self.peers:
            return
        self.peers.pop(event["peer"], None)
        await self.send_json({"type": "bye", "peer": event["peer"], "site": event["site"],
                              "replaced": event["replaced"]})
        if self.seat.reports_sites and not self.seat.is_test and not event["replaced"]:
            await self._site_state(event["site"], "lost")

    async def site_replaced(self, event):
        if event.get("channel") == self.channel_name:
            return
        if event["peer"] == self.peer:
            # This page's socket was silently lost and the page is back on a new one; this
            # old socket may linger for a while (a cut TCP connection is not noticed at once).
            self.superseded = True
            await self.close(code=4408)
            return
        self.replaced = True
        await self.send_json({"type": "replaced"})
        await self.close(code=4409)

    async def site_mute(self, event):
        await self.send_json({"type": "muted", "by": event["by"]})

    async def site_restart(self, event):
        await self.send_json({"type": "restart"})

    async def room_refresh(self, event):
        if self.seat.mobile_link_id and not await database_sync_to_async(_mobile_link_valid)(
                self.scope.get("session")):
            return await self.link_revoked(event)
        self.site_states.clear()  # the hearing changed: write the next reported states anew
        state = await database_sync_to_async(_room_state)(self.seat, self.language)
        message = {"type": "state", "state": state, "event": event.get("event", "")}
        if state["live"] and not self.was_live and self.seat.media:
            message["plane"] = await self._plane_config()  # an SFU's room is made when the call starts
        self.was_live = state["live"]
        await self.send_json(message)

    async def _plane_config(self) -> dict:
        """What the seat's page needs from the media plane (an SFU's room, PIN and token:
        made or read in the database and on the media server, so off the event loop)."""
        def config():
            with translation.override(self.language):
                return media_plane(self.seat).client_config(self.seat)

        try:
            return await database_sync_to_async(config)()
        except Exception:
            logger.exception("the media plane could not seat %s in %s", self.seat.site, self.seat.room)
            return {"plane": media_plane(self.seat).name, "error": True}

    async def room_site_state(self, event):
        await self.send_json({"type": "site_state", "site": event["site"], "state": event["state"]})

    async def room_quality(self, event):
        if self.seat.kind in {seats.COURTROOM, seats.OBSERVER}:
            await self.send_json({"type": "quality", **{k: v for k, v in event.items() if k != "type"}})

    async def room_quality_change(self, event):
        if self.seat.kind in {seats.COURTROOM, seats.OBSERVER}:
            await self.send_json({"type": "quality_change", **{k: v for k, v in event.items() if k != "type"}})

    async def room_test_result(self, event):
        await self.send_json({"type": "test_result", **{k: v for k, v in event.items() if k != "type"}})

    async def user_signed_out(self, event):
        """The person was disabled or signed out everywhere (courtvcs.orgs.sessions.end_sessions);
        the session that changed the password keeps its sockets."""
        session = self.scope.get("session")
        if event.get("keep") and session is not None and session.session_key == event["keep"]:
            return
        await self.send_json({"type": "signed_out"})
        await self.close(code=staff_sessions.SIGNED_OUT_CLOSE_CODE)

    async def link_revoked(self, event):
        await self.send_json({"type": "revoked"})
        await self.close(code=4401)

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content, default=str))

