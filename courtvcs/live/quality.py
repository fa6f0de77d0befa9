"""R22: how good each peer link of a live hearing is, and when to prompt a technical break.

Every browser reports the WebRTC statistics of each of its peer links every REPORT_SECONDS
(cumulative counters, as getStats gives them). One `LinkTracker` per (reporter, peer) link
turns them into figures over the last WINDOW_SECONDS, decides when the link is degraded or
lost, and says when the judge and the secretary must be prompted to declare a technical
break. Pure Python and no I/O: the signalling consumer calls it for every report, so it
must stay cheap (see bench/quality_bench.py).

Thresholds come from settings.COURTVCS_QUALITY (or a dict given to the tracker):

- degraded: over the window, audio packets lost or samples concealed above
  MAX_AUDIO_LOSS_PERCENT, video frozen longer than MAX_FREEZE_SECONDS, round-trip time
  above MAX_RTT_MS, the score below MIN_SCORE, or (while connected, after audio had
  flowed) no audio decoded for PROMPT_AFTER_NO_AUDIO_SECONDS;
- lost: the connection disconnected, failed or closed, or reconnecting after it had been
  connected, or no report for 3 * REPORT_SECONDS;
- prompt_break, once per bad episode: degraded for PROMPT_AFTER_DEGRADED_SECONDS, lost for
  more than PROMPT_AFTER_LOST_SECONDS, or no audio (above). An episode ends when the link is
  neither degraded nor lost again.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

STATES = frozenset({"new", "connecting", "connected", "disconnected", "failed", "closed"})
# A connection in one of these is down whatever came before; "new"/"connecting" is down only
# once the link had been connected (a reconnection), not while it is first set up.
DOWN_STATES = frozenset({"disconnected", "failed", "closed"})

CHANGE_KINDS = ("degraded", "restored", "lost", "recovered", "prompt_break")
REASONS = ("audio_loss", "freeze", "rtt", "score", "lost", "no_audio")

# Bounds of what a browser can honestly report; anything beyond is a bug or an attack.
MAX_COUNTER = 2**53            # JavaScript's largest exact integer
MAX_MILLISECONDS = 600_000.0   # ten minutes of round-trip time or jitter
MAX_SECONDS = 1e9
MAX_FPS = 1000.0
MAX_PEER_LENGTH = 200

_THRESHOLD_KEYS = (
    "REPORT_SECONDS", "WINDOW_SECONDS", "MAX_AUDIO_LOSS_PERCENT", "MAX_FREEZE_SECONDS",
    "MAX_RTT_MS", "MIN_SCORE", "PROMPT_AFTER_DEGRADED_SECONDS", "PROMPT_AFTER_LOST_SECONDS",
    "PROMPT_AFTER_NO_AUDIO_SECONDS",
)


# --- the score ------------------------------------------------------------------------------

def score(rtt_ms: float, jitter_ms: float, loss_percent: float) -> float:
    """A simplified ITU-T G.107 E-model (as LiveKit and PingPlotter use): the R factor, 0-100.

    The effective one-way delay is half the round trip, plus twice the jitter (the jitter
    buffer holds about that much), plus 10 ms for the codec. Delay hurts little up to 160 ms
    and ten times faster beyond; each per cent of packets lost takes 2.5 points.
    """
    delay = rtt_ms / 2.0 + 2.0 * jitter_ms + 10.0
    delay_impairment = delay / 40.0 if delay < 160.0 else (delay - 120.0) / 10.0
    r = 93.2 - delay_impairment - 2.5 * loss_percent
    if r < 0.0:
        return 0.0
    if r > 100.0:
        return 100.0
    return r


def mos(r: float) -> float:
    """The mean opinion score, 1-4.5, of an R factor (ITU-T G.107 Annex B)."""
    if r <= 0.0:
        return 1.0
    if r >= 100.0:
        return 4.5
    value = 1.0 + 0.035 * r + 7e-6 * r * (r - 60.0) * (100.0 - r)
    # The polynomial dips a little below 1 for R under about 6.5.
    return 1.0 if value < 1.0 else value


# --- one report -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AudioStats:
    packets_received: int | None
    packets_lost: int | None
    jitter_ms: float | None
    total_samples_received: int | None
    concealed_samples: int | None


@dataclass(frozen=True, slots=True)
class VideoStats:
    frames_decoded: int | None
    freeze_count: int | None
    total_freezes_duration: float | None
    bytes_received: int | None
    frames_per_second: float | None
    packets_lost: int | None
    packets_received: int | None


@dataclass(frozen=True, slots=True)
class LinkReport:
    peer: str
    state: str
    at: float
    rtt_ms: float | None
    audio: AudioStats | None
    video: VideoStats | None


def _count(stats: dict, key: str, where: str, signed: bool = False) -> int | None:
    value = stats.get(key)
    if value is None:
        return None
    kind = type(value)
    if kind is float:
        # JSON has one number type: accept 12.0 for 12, but nothing fractional.
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError(f"{where}.{key}: not an integer")
        value = int(value)
    elif kind is not int:
        raise ValueError(f"{where}.{key}: not an integer")
    # packetsLost may be negative (duplicates outnumbering losses, W3C webrtc-stats);
    # every other counter only grows from zero.
    low = -MAX_COUNTER if signed else 0
    if not low <= value <= MAX_COUNTER:
        raise ValueError(f"{where}.{key}: out of range")
    return value


def _number(stats: dict, key: str, where: str, high: float) -> float | None:
    value = stats.get(key)
    if value is None:
        return None
    kind = type(value)
    if kind is int:
        value = float(value) if -MAX_COUNTER <= value <= MAX_COUNTER else math.inf
    elif kind is not float:
        raise ValueError(f"{where}.{key}: not a number")
    # NaN fails both comparisons.
    if not 0.0 <= value <= high:
        raise ValueError(f"{where}.{key}: out of range")
    return value


def parse_report(raw: dict, at: float) -> LinkReport:
    """Validate one link's report as a browser sent it; raise ValueError if it is not one."""
    if type(raw) is not dict:
        raise ValueError("report: not an object")
    peer = raw.get("peer")
    if type(peer) is not str or not 0 < len(peer) <= MAX_PEER_LENGTH:
        raise ValueError("peer: not a peer id")
    state = raw.get("state")
    if type(state) is not str or state not in STATES:
        raise ValueError("state: unknown")
    if type(at) not in (int, float) or not math.isfinite(at):
        raise ValueError("at: not a time")

    audio = raw.get("audio")
    if audio is not None:
        if type(audio) is not dict:
            raise ValueError("audio: not an object")
        audio = AudioStats(
            _count(audio, "packetsReceived", "audio"),
            _count(audio, "packetsLost", "audio", signed=True),
            _number(audio, "jitter_ms", "audio", MAX_MILLISECONDS),
            _count(audio, "totalSamplesReceived", "audio"),
            _count(audio, "concealedSamples", "audio"),
        )
    video = raw.get("video")
    if video is not None:
        if type(video) is not dict:
            raise ValueError("video: not an object")
        video = VideoStats(
            _count(video, "framesDecoded", "video"),
            _count(video, "freezeCount", "video"),
            _number(video, "totalFreezesDuration", "video", MAX_SECONDS),
            _count(video, "bytesReceived", "video"),
            _number(video, "framesPerSecond", "video", MAX_FPS),
            _count(video, "packetsLost", "video", signed=True),
            _count(video, "packetsReceived", "video"),
        )
    return LinkReport(
        peer, state, float(at), _number(raw, "rtt_ms", "report", MAX_MILLISECONDS), audio, video
    )


# --- the tracker ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Change:
    kind: str                      # one of CHANGE_KINDS
    reasons: tuple[str, ...]       # codes from REASONS
    figures: dict = field(compare=False, hash=False)


# Indices into the accumulated counters (one list per link, see _Counters).
A_RECEIVED, A_LOST, A_SAMPLES, A_CONCEALED = 0, 1, 2, 3
V_FRAMES, V_FREEZES, V_FREEZE_SECONDS, V_BYTES, V_LOST, V_RECEIVED = 0, 1, 2, 3, 4, 5
# Which counters only grow: one of them going down means the browser started counting
# afresh (a new RTCPeerConnection, a new receiver). packetsLost may legitimately go down.
_AUDIO_MONOTONE = (True, False, True, True)
_VIDEO_MONOTONE = (True, True, True, True, False, True)


class _Counters:
    """Turns a track's cumulative counters into running totals that survive resets.

    On a reset the new values become the baseline and nothing from that report is counted:
    we cannot tell over how long the new connection gathered them.
    """

    __slots__ = ("previous", "total", "monotone")

    def __init__(self, monotone: tuple[bool, ...]) -> None:
        self.previous: list[Any] | None = None
        self.total = [0.0] * len(monotone)
        self.monotone = monotone

    def update(self, values: tuple) -> list[float] | None:
        """Add one report's values; return the increments, or None after a (re)start."""
        previous = self.previous
        if previous is None:
            self.previous = list(values)
            return None
        for p, v, grows in zip(previous, values, self.monotone):
            if grows and v is not None and p is not None and v < p:
                self.previous = list(values)
                return None
        total = self.total
        increments = [0.0] * len(values)
        for i, v in enumerate(values):
            if v is None:
                continue  # unknown this time: keep the last value, count from it later
            p = previous[i]
            if p is not None:
                increments[i] = v - p
                total[i] += v - p
            previous[i] = v
        return increments


class LinkTracker:
    """One peer link's quality as one browser sees it (R22). Feed it with add() and tick()."""

    def __init__(self, thresholds: dict | None = None) -> None:
        if thresholds is None or any(key not in thresholds for key in _THRESHOLD_KEYS):
            from django.conf import settings

            thresholds = {**settings.COURTVCS_QUALITY, **(thresholds or {})}
        self.report_seconds = float(thresholds["REPORT_SECONDS"])
        self.window_seconds = float(thresholds["WINDOW_SECONDS"])
        self.max_audio_loss = float(thresholds["MAX_AUDIO_LOSS_PERCENT"])
        self.max_freeze = float(thresholds["MAX_FREEZE_SECONDS"])
        self.max_rtt = float(thresholds["MAX_RTT_MS"])
        self.min_score = float(thresholds["MIN_SCORE"])
        self.prompt_degraded = float(thresholds["PROMPT_AFTER_DEGRADED_SECONDS"])
        self.prompt_lost = float(thresholds["PROMPT_AFTER_LOST_SECONDS"])
        self.prompt_no_audio = float(thresholds["PROMPT_AFTER_NO_AUDIO_SECONDS"])
        self.stale_after = 3.0 * self.report_seconds

        self._audio = _Counters(_AUDIO_MONOTONE)
        self._video = _Counters(_VIDEO_MONOTONE)
        # (at, audio totals, video totals, rtt_ms, jitter_ms): enough to reach back one window.
        self._samples: deque[tuple] = deque()

        self.state = "new"
        self.last_at: float | None = None
        self.ever_connected = False
        self.connected_since: float | None = None
        self.audio_flowed = False
        self.audio_decoded_at: float | None = None   # the last report with audio decoded
        self.stalled_since: float | None = None      # video arriving but no frame decoded
        self.reported_fps: float | None = None

        self.degraded = False
        self.degraded_since = 0.0
        self.reasons: tuple[str, ...] = ()
        self.lost = False
        self.lost_since = 0.0
        self.stale = False
        self.prompted = False

        # Window figures (None: not known).
        self.rtt_ms: float | None = None
        self.jitter_ms: float | None = None
        self.audio_loss: float | None = None
        self.concealed: float | None = None
        self.video_loss: float | None = None
        self.freeze_seconds: float | None = None
        self.fps: float | None = None
        self.video_kbps: float | None = None
        self.score: float | None = None

    # -- input -------------------------------------------------------------------------------

    def add(self, report: LinkReport) -> list[Change]:
        at = report.at
        if self.last_at is not None and at < self.last_at:
            return []  # out of order: the newer report already counted
        self.last_at = at
        state = self.state = report.state
        self.stale = False
        if state == "connected":
            if self.connected_since is None:
                self.connected_since = at
            self.ever_connected = True
        else:
            self.connected_since = None

        audio_decoded = self._count_audio(report.audio, at)
        self._count_video(report.video, at)
        self._window(report, at)

        changes: list[Change] = []
        if state == "connected":
            if self.lost:
                self.lost = False
                changes.append(Change("recovered", (), self.figures()))
        elif not self.lost and (state in DOWN_STATES or self.ever_connected):
            self.lost = True
            self.lost_since = at
            changes.append(Change("lost", ("lost",), self.figures()))

        reasons = self._degradation(at, audio_decoded)
        self.reasons = reasons
        if reasons and not self.degraded:
            self.degraded = True
            self.degraded_since = at
            changes.append(Change("degraded", reasons, self.figures()))
        elif not reasons and self.degraded:
            self.degraded = False
            changes.append(Change("restored", (), self.figures()))

        self._prompt(at, changes)
        return changes

    def tick(self, now: float) -> list[Change]:
        """Called every REPORT_SECONDS whether or not reports came: silence and time-outs."""
        if self.last_at is None:
            return []
        changes: list[Change] = []
        if not self.stale and now - self.last_at >= self.stale_after:
            self.stale = True
            # A link still being set up that goes quiet has most likely been abandoned.
            if self.ever_connected and not self.lost:
                self.lost = True
                # No report since the last one: that is how long nothing has been heard.
                self.lost_since = self.last_at
                changes.append(Change("lost", ("lost",), self.figures()))
        self._prompt(now, changes)
        return changes

    # -- counters ----------------------------------------------------------------------------

    def _count_audio(self, audio: AudioStats | None, at: float) -> bool:
        """Count the audio counters; return whether audio was decoded since the last report."""
        if audio is None:
            # Keep the last values: if the track comes back on the same connection its
            # counters carry on from them; on a new one they restart and are seen to go down.
            return False
        samples, concealed = audio.total_samples_received, audio.concealed_samples
        increments = self._audio.update(
            (audio.packets_received, audio.packets_lost, samples, concealed)
        )
        if increments is None:
            # The first report, or a restart: samples decoded since the (new) connection
            # started are proof enough that audio flows now.
            decoded = samples is not None and samples - (concealed or 0) > 0
        else:
            decoded = increments[A_SAMPLES] - increments[A_CONCEALED] > 0
        if decoded:
            self.audio_flowed = True
            self.audio_decoded_at = at
        return decoded

    def _count_video(self, video: VideoStats | None, at: float) -> None:
        if video is None:
            self.stalled_since = None
            self.reported_fps = None
            return
        self.reported_fps = video.frames_per_second
        previous_at = self._samples[-1][0] if self._samples else at
        increments = self._video.update((
            video.frames_decoded, video.freeze_count, video.total_freezes_duration,
            video.bytes_received, video.packets_lost, video.packets_received,
        ))
        if increments is None or increments[V_FRAMES] > 0:
            self.stalled_since = None
        elif increments[V_BYTES] > 0 and (video.frames_decoded or 0) > 0:
            # Video still arrives but no frame is decoded: frozen now, although the browser
            # adds it to totalFreezesDuration only when the freeze ends.
            if self.stalled_since is None:
                self.stalled_since = previous_at

    def _window(self, report: LinkReport, at: float) -> None:
        audio = report.audio
        jitter = audio.jitter_ms if audio is not None else None
        samples = self._samples
        samples.append((at, tuple(self._audio.total), tuple(self._video.total),
                        report.rtt_ms, jitter))
        cutoff = at - self.window_seconds
        while len(samples) > 1 and samples[1][0] <= cutoff:
            samples.popleft()
        first_at, first_audio, first_video = samples[0][0], samples[0][1], samples[0][2]
        span = at - first_at
        last_audio, last_video = samples[-1][1], samples[-1][2]

        rtt_sum = jitter_sum = 0.0
        rtt_n = jitter_n = 0
        for sample in samples:
            if sample[0] > cutoff:  # the baseline's gauges belong to the previous window
                if sample[3] is not None:
                    rtt_sum += sample[3]
                    rtt_n += 1
                if sample[4] is not None:
                    jitter_sum += sample[4]
                    jitter_n += 1
        self.rtt_ms = rtt_sum / rtt_n if rtt_n else None
        self.jitter_ms = jitter_sum / jitter_n if jitter_n else None

        # A track missing from this report has no figures now, whatever the window held.
        if audio is None:
            self.audio_loss = self.concealed = None
        else:
            self.audio_loss = _loss_percent(first_audio, last_audio, A_RECEIVED, A_LOST)
            produced = last_audio[A_SAMPLES] - first_audio[A_SAMPLES]
            concealed = last_audio[A_CONCEALED] - first_audio[A_CONCEALED]
            self.concealed = min(100.0, 100.0 * concealed / produced) if produced > 0 else None

        if report.video is None:
            self.video_loss = self.freeze_seconds = self.fps = self.video_kbps = None
        else:
            self.video_loss = _loss_percent(first_video, last_video, V_RECEIVED, V_LOST)
            frozen = last_video[V_FREEZE_SECONDS] - first_video[V_FREEZE_SECONDS]
            if self.stalled_since is not None:
                frozen += at - self.stalled_since
            # A freeze that ends is added whole; only the part inside the window counts.
            self.freeze_seconds = min(frozen, self.window_seconds)
            if span > 0:
                self.fps = (last_video[V_FRAMES] - first_video[V_FRAMES]) / span
                self.video_kbps = (last_video[V_BYTES] - first_video[V_BYTES]) * 8 / span / 1000
            else:
                self.fps, self.video_kbps = self.reported_fps, None

        # The E-model is a model of speech: score the audio's packet loss, or the video's
        # when there is no audio to go by. Concealment is judged on its own (audio_loss).
        loss = self.audio_loss if self.audio_loss is not None else self.video_loss
        if loss is None and self.rtt_ms is None:
            self.score = None
        else:
            self.score = score(self.rtt_ms or 0.0, self.jitter_ms or 0.0, loss or 0.0)

    # -- rules -------------------------------------------------------------------------------

    def _degradation(self, at: float, audio_decoded: bool) -> tuple[str, ...]:
        reasons = []
        limit = self.max_audio_loss
        if (self.audio_loss is not None and self.audio_loss > limit) or (
            self.concealed is not None and self.concealed > limit
        ):
            reasons.append("audio_loss")
        if self.freeze_seconds is not None and self.freeze_seconds > self.max_freeze:
            reasons.append("freeze")
        if self.rtt_ms is not None and self.rtt_ms > self.max_rtt:
            reasons.append("rtt")
        if self.score is not None and self.score < self.min_score:
            reasons.append("score")
        if self._silent_for(at, audio_decoded) >= self.prompt_no_audio:
            reasons.append("no_audio")
        return tuple(reasons)

    def _silent_for(self, at: float, audio_decoded: bool) -> float:
        """How long a connected link whose audio had flowed has decoded none (0 if it has)."""
        if audio_decoded or not self.audio_flowed or self.connected_since is None:
            return 0.0
        # Counted from the last decoded audio, or from the (re)connection if later.
        since = self.connected_since
        if self.audio_decoded_at is not None and self.audio_decoded_at > since:
            since = self.audio_decoded_at
        return at - since

    def _prompt(self, now: float, changes: list[Change]) -> None:
        if not self.degraded and not self.lost:
            self.prompted = False  # the episode is over: the next one prompts again
            return
        if self.prompted:
            return
        reasons: tuple[str, ...] = ()
        if self.lost and now - self.lost_since > self.prompt_lost:
            reasons = ("lost",)
        elif self.degraded and "no_audio" in self.reasons:
            reasons = ("no_audio",)
        elif self.degraded and not self.stale and now - self.degraded_since >= self.prompt_degraded:
            reasons = self.reasons
        if reasons:
            self.prompted = True
            changes.append(Change("prompt_break", reasons, self.figures()))

    # -- output ------------------------------------------------------------------------------

    def figures(self) -> dict:
        """The link's figures over the window, JSON-ready (None where not known)."""
        score_value = self.score
        reasons = self.reasons + ("lost",) if self.lost else self.reasons
        return {
            "score": _round(score_value, 1),
            "mos": _round(mos(score_value), 2) if score_value is not None else None,
            "rtt_ms": _round(self.rtt_ms, 1),
            "jitter_ms": _round(self.jitter_ms, 1),
            "audio_loss_percent": _round(self.audio_loss, 2),
            "concealed_percent": _round(self.concealed, 2),
            "video_loss_percent": _round(self.video_loss, 2),
            "freeze_seconds": _round(self.freeze_seconds, 2),
            "fps": _round(self.fps, 1),
            "video_kbps": _round(self.video_kbps, 1),
            "state": self.state,
            "degraded": self.degraded,
            "lost": self.lost,
            "stale": self.stale,
            "reasons": list(reasons),
        }


def _loss_percent(first, last, received_at: int, lost_at: int) -> float | None:
    """Share of packets lost between two samples of a track's counters."""
    received = last[received_at] - first[received_at]
    # packetsLost may go down (late duplicates): never below no loss at all.
    lost = max(0.0, last[lost_at] - first[lost_at])
    expected = received + lost
    return 100.0 * lost / expected if expected > 0 else None


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
