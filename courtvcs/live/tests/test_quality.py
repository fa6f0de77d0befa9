import json
import math

import pytest
from django.conf import settings
from hypothesis import given, settings as hypothesis_settings, strategies as st

from courtvcs.live.quality import LinkTracker, mos, parse_report, score

Q = settings.COURTVCS_QUALITY
STEP = Q["REPORT_SECONDS"]


class Browser:
    """One browser's view of one peer link: cumulative getStats counters, as it reports them."""

    def __init__(self):
        self.audio = {"packetsReceived": 0, "packetsLost": 0, "jitter_ms": 4.0,
                      "totalSamplesReceived": 0, "concealedSamples": 0}
        self.video = {"framesDecoded": 0, "freezeCount": 0, "totalFreezesDuration": 0.0,
                      "bytesReceived": 0, "framesPerSecond": 30.0, "packetsLost": 0,
                      "packetsReceived": 0}
        self.at = 0.0

    def report(self, state="connected", rtt_ms=40.0, audio_loss=0.0, concealed=None,
               jitter_ms=4.0, audio=True, fps=30, freeze=0.0, video_bytes=True,
               video_loss=0.0):
        """Advance REPORT_SECONDS with these conditions and return the browser's report."""
        self.at += STEP
        a, v = self.audio, self.video
        if audio:
            packets = 50 * STEP                        # Opus, 20 ms frames
            lost = round(packets * audio_loss / 100)
            a["packetsReceived"] += packets - lost
            a["packetsLost"] += lost
            a["jitter_ms"] = jitter_ms
            samples = 48_000 * STEP
            a["totalSamplesReceived"] += samples
            share = audio_loss if concealed is None else concealed
            a["concealedSamples"] += round(samples * share / 100)
        else:                                          # nothing arrives: all concealed
            a["totalSamplesReceived"] += 48_000 * STEP
            a["concealedSamples"] += 48_000 * STEP
        v["framesDecoded"] += fps * STEP
        if freeze:
            v["freezeCount"] += 1
            v["totalFreezesDuration"] += freeze
        if video_bytes:
            packets = 100 * STEP
            lost = round(packets * video_loss / 100)
            v["packetsReceived"] += packets - lost
            v["packetsLost"] += lost
            v["bytesReceived"] += 125_000 * STEP       # 1 Mbit/s
        v["framesPerSecond"] = float(fps)
        return {"peer": "p-2", "state": state, "rtt_ms": rtt_ms,
                "audio": dict(a), "video": dict(v)}


def run(tracker, browser, seconds, **conditions):
    """Feed reports for `seconds`, with a tick between them; return the changes seen."""
    changes = []
    for _ in range(int(seconds // STEP)):
        raw = browser.report(**conditions)
        changes += [(browser.at, c) for c in tracker.add(parse_report(raw, browser.at))]
        changes += [(browser.at + 1, c) for c in tracker.tick(browser.at + 1)]
    return changes


def silence(tracker, browser, seconds):
    """No report at all for `seconds`: only the timer ticks."""
    changes = []
    for _ in range(int(seconds // STEP)):
        browser.at += STEP
        changes += [(browser.at, c) for c in tracker.tick(browser.at)]
    return changes


def kinds(changes):
    return [c.kind for _, c in changes]


def connected_link(seconds=20):
    tracker, browser = LinkTracker(), Browser()
    assert run(tracker, browser, seconds) == []
    return tracker, browser


# --- the score ------------------------------------------------------------------------------

def test_r22_good_link_scores_above_80():
    assert score(rtt_ms=40, jitter_ms=5, loss_percent=0) > 80
    tracker, _ = connected_link()
    figures = tracker.figures()
    assert figures["score"] > 80
    assert figures["mos"] > 4.0
    assert figures["degraded"] is False and figures["reasons"] == []
    assert figures["audio_loss_percent"] == 0
    assert figures["fps"] == 30
    assert figures["video_kbps"] == 1000


def test_r22_score_is_a_simplified_e_model():
    # delay = rtt/2 + 2*jitter + 10 = 40 ms -> impairment 1; 2 % loss -> 5
    assert score(40, 5, 2) == pytest.approx(93.2 - 1 - 5)
    # above 160 ms of delay the impairment grows ten times faster: delay 260 -> 14
    assert score(500, 0, 0) == pytest.approx(93.2 - 14)
    assert score(0, 0, 100) == 0
    assert score(1000, 100, 50) == 0
    assert score(0, 0, 0) == pytest.approx(93.2 - 0.25)


def test_r22_mos_follows_itu_t_g107_and_stays_between_1_and_4_5():
    assert mos(-5) == 1 and mos(0) == 1 and mos(3) == 1
    assert mos(100) == 4.5 and mos(120) == 4.5
    assert mos(50) == pytest.approx(1 + 0.035 * 50 + 7e-6 * 50 * -10 * 50)
    values = [mos(r / 2) for r in range(0, 201)]
    assert all(1 <= v <= 4.5 for v in values)
    assert values == sorted(values)


# --- degraded -------------------------------------------------------------------------------

def test_r22_link_with_6_percent_audio_loss_is_degraded():
    tracker, browser = connected_link()
    changes = run(tracker, browser, 10, audio_loss=6)
    assert kinds(changes) == ["degraded"]
    assert changes[0][1].reasons == ("audio_loss",)
    figures = tracker.figures()
    assert figures["degraded"] is True
    assert figures["audio_loss_percent"] == 6
    assert figures["reasons"] == ["audio_loss"]


def test_r22_link_with_4_percent_audio_loss_is_not_degraded():
    tracker, browser = connected_link()
    assert run(tracker, browser, 60, audio_loss=4) == []
    assert tracker.figures()["audio_loss_percent"] == 4


def test_r22_audio_concealed_above_the_limit_is_degraded():
    tracker, browser = connected_link()
    changes = run(tracker, browser, 10, concealed=Q["MAX_AUDIO_LOSS_PERCENT"] + 3)
    assert kinds(changes) == ["degraded"]
    assert changes[0][1].reasons == ("audio_loss",)
    assert tracker.figures()["concealed_percent"] == Q["MAX_AUDIO_LOSS_PERCENT"] + 3


def test_r22_video_frozen_over_2_seconds_in_the_window_is_degraded():
    tracker, browser = connected_link()
    assert run(tracker, browser, STEP, freeze=1.5) == []
    changes = run(tracker, browser, STEP, freeze=1.0)
    assert kinds(changes) == ["degraded"]
    assert changes[0][1].reasons == ("freeze",)
    assert tracker.figures()["freeze_seconds"] == 2.5
    # once the freezes leave the 10 s window the link is restored
    assert kinds(run(tracker, browser, Q["WINDOW_SECONDS"])) == ["restored"]


def test_r22_video_that_arrives_but_is_not_decoded_counts_as_frozen_before_the_freeze_ends():
    tracker, browser = connected_link()
    assert run(tracker, browser, STEP, fps=0) == []
    changes = run(tracker, browser, STEP, fps=0)
    assert kinds(changes) == ["degraded"]
    assert changes[0][1].reasons == ("freeze",)
    assert tracker.figures()["freeze_seconds"] == 2 * STEP


def test_r22_round_trip_above_300_ms_is_degraded():
    tracker, browser = connected_link()
    assert run(tracker, browser, 10, rtt_ms=Q["MAX_RTT_MS"] - 20) == []
    changes = run(tracker, browser, 10, rtt_ms=Q["MAX_RTT_MS"] + 100)
    assert kinds(changes) == ["degraded"]
    assert changes[0][1].reasons == ("rtt",)


def test_r22_score_below_the_minimum_is_degraded():
    tracker, browser = connected_link()
    changes = run(tracker, browser, 10, audio_loss=24)
    # the loss fills the 10 s window report by report: past 5 % first, the score later
    assert kinds(changes) == ["degraded"]
    assert changes[0][1].reasons == ("audio_loss",)
    figures = tracker.figures()
    assert figures["score"] < Q["MIN_SCORE"]
    assert figures["reasons"] == ["audio_loss", "score"]


def test_r22_video_loss_scores_the_link_when_there_is_no_audio_track():
    tracker = LinkTracker()
    browser = Browser()
    for _ in range(6):
        raw = browser.report(video_loss=30)
        raw["audio"] = None
        tracker.add(parse_report(raw, browser.at))
    figures = tracker.figures()
    assert figures["audio_loss_percent"] is None
    assert figures["video_loss_percent"] == 30
    assert figures["score"] < Q["MIN_SCORE"]
    assert figures["reasons"] == ["score"]


# --- prompts --------------------------------------------------------------------------------

def test_r22_degraded_for_30_seconds_prompts_a_technical_break_once():
    tracker, browser = connected_link()
    changes = run(tracker, browser, 120, audio_loss=8)
    assert kinds(changes) == ["degraded", "prompt_break"]
    (degraded_at, _), (prompted_at, prompt) = changes
    assert prompted_at - degraded_at == Q["PROMPT_AFTER_DEGRADED_SECONDS"]
    assert prompt.reasons == ("audio_loss",)
    assert prompt.figures["degraded"] is True


def test_r22_degraded_less_than_30_seconds_does_not_prompt():
    tracker, browser = connected_link()
    changes = run(tracker, browser, 20, audio_loss=8) + run(tracker, browser, 30)
    assert kinds(changes) == ["degraded", "restored"]


def test_r22_a_new_bad_episode_after_the_link_was_restored_prompts_again():
    tracker, browser = connected_link()
    first = run(tracker, browser, 40, audio_loss=8)
    good = run(tracker, browser, 20)
    second = run(tracker, browser, 40, rtt_ms=600)
    assert kinds(first) == ["degraded", "prompt_break"]
    assert kinds(good) == ["restored"]
    assert kinds(second) == ["degraded", "prompt_break"]
    assert second[1][1].reasons == ("rtt",)


def test_r22_link_lost_more_than_10_seconds_prompts_a_break():
    tracker, browser = connected_link()
    changes = run(tracker, browser, 30, state="disconnected", audio=False, fps=0,
                  video_bytes=False)
    assert kinds(changes)[0] == "lost"
    prompts = [(at, c) for at, c in changes if c.kind == "prompt_break"]
    assert len(prompts) == 1
    lost_at = changes[0][0]
    assert prompts[0][0] - lost_at > Q["PROMPT_AFTER_LOST_SECONDS"]
    assert prompts[0][0] - lost_at <= Q["PROMPT_AFTER_LOST_SECONDS"] + STEP
    assert prompts[0][1].reasons == ("lost",)
    assert tracker.figures()["lost"] is True and "lost" in tracker.figures()["reasons"]


def test_r22_ice_restart_that_reconnects_within_10_seconds_does_not_prompt():
    tracker, browser = connected_link()
    changes = run(tracker, browser, 6, state="disconnected", audio=False, fps=0,
                  video_bytes=False)
    changes += run(tracker, browser, 2, state="connecting", audio=False, fps=0,
                   video_bytes=False)
    changes += run(tracker, browser, 30)
    assert "prompt_break" not in kinds(changes)
    assert kinds(changes)[0] == "lost"
    assert "recovered" in kinds(changes)
    assert tracker.figures()["state"] == "connected"
    assert tracker.figures()["lost"] is False


def test_r22_link_that_sends_no_reports_is_lost_and_prompts_after_10_seconds():
    tracker, browser = connected_link()
    last_report = browser.at
    changes = silence(tracker, browser, 20)
    assert kinds(changes) == ["lost", "prompt_break"]
    (lost_at, _), (prompted_at, prompt) = changes
    assert lost_at - last_report == 3 * STEP
    assert prompted_at - last_report > Q["PROMPT_AFTER_LOST_SECONDS"]
    assert prompted_at - last_report <= Q["PROMPT_AFTER_LOST_SECONDS"] + STEP
    assert prompt.reasons == ("lost",)
    assert tracker.figures()["stale"] is True
    # reports come back: recovered, and the episode ends
    assert kinds(run(tracker, browser, 20)) == ["recovered"]


def test_r22_link_being_set_up_is_not_lost():
    tracker, browser = LinkTracker(), Browser()
    changes = run(tracker, browser, 8, state="new", audio=False, fps=0, video_bytes=False)
    changes += run(tracker, browser, 20, state="connecting", audio=False, fps=0,
                   video_bytes=False)
    changes += silence(tracker, browser, 20)
    assert "lost" not in kinds(changes)
    assert "prompt_break" not in kinds(changes)


def test_r22_link_that_fails_to_connect_is_lost():
    tracker, browser = LinkTracker(), Browser()
    run(tracker, browser, 4, state="connecting", audio=False, fps=0, video_bytes=False)
    changes = run(tracker, browser, 14, state="failed", audio=False, fps=0, video_bytes=False)
    assert kinds(changes)[0] == "lost"
    assert "prompt_break" in kinds(changes)


def test_r22_no_audio_for_5_seconds_prompts_a_break():
    tracker, browser = connected_link()
    changes = run(tracker, browser, 20, audio=False)
    assert kinds(changes)[:2] == ["degraded", "prompt_break"]
    (degraded_at, degraded), (prompted_at, prompt) = changes[:2]
    silent_from = browser.at - 20
    assert prompted_at - silent_from >= Q["PROMPT_AFTER_NO_AUDIO_SECONDS"]
    assert prompted_at - silent_from <= Q["PROMPT_AFTER_NO_AUDIO_SECONDS"] + STEP
    assert prompt.reasons == ("no_audio",)
    # nothing arriving is concealed at once; "no audio" is added once it lasts
    assert degraded.reasons == ("audio_loss",)
    assert "no_audio" in prompt.figures["reasons"]
    assert kinds(changes).count("prompt_break") == 1


def test_r22_audio_counters_that_stop_moving_prompt_a_break_after_5_seconds():
    tracker, browser = connected_link()
    frozen_audio = dict(browser.audio)
    changes = []
    for _ in range(5):
        raw = browser.report()
        raw["audio"] = dict(frozen_audio)       # no packet, no sample: nothing concealed
        changes += [(browser.at, c) for c in tracker.add(parse_report(raw, browser.at))]
    assert kinds(changes) == ["degraded", "prompt_break"]
    assert changes[0][1].reasons == ("no_audio",) == changes[1][1].reasons
    assert changes[1][0] - (browser.at - 10) == 6


def test_r22_audio_that_does_not_come_back_after_a_reconnection_prompts_a_break():
    tracker, browser = connected_link()
    run(tracker, browser, 4, state="disconnected", audio=False, fps=0, video_bytes=False)
    fresh = Browser()                             # a new peer connection, counters from zero
    fresh.at = browser.at
    changes = []
    for _ in range(4):
        raw = fresh.report()
        raw["audio"] = None                       # no audio track on the new connection
        changes += [(fresh.at, c) for c in tracker.add(parse_report(raw, fresh.at))]
    prompts = [(at, c) for at, c in changes if c.kind == "prompt_break"]
    assert prompts and prompts[0][1].reasons == ("no_audio",)
    reconnected_at = browser.at + STEP
    assert prompts[0][0] - reconnected_at >= Q["PROMPT_AFTER_NO_AUDIO_SECONDS"]


def test_r22_no_audio_before_audio_ever_flowed_does_not_prompt():
    tracker, browser = LinkTracker(), Browser()
    changes = run(tracker, browser, 30, audio=False, concealed=0)
    assert "no_audio" not in tracker.figures()["reasons"]
    assert all(c.reasons != ("no_audio",) for _, c in changes)


def test_r22_lost_then_still_degraded_after_recovery_prompts_only_once():
    tracker, browser = connected_link()
    changes = run(tracker, browser, 14, state="disconnected", audio=False, fps=0,
                  video_bytes=False)
    changes += run(tracker, browser, 40, audio_loss=9)
    assert kinds(changes).count("prompt_break") == 1
    assert kinds(changes).index("prompt_break") < kinds(changes).index("recovered")


def test_r22_counters_reset_after_ice_restart_do_not_count_as_loss():
    tracker, browser = connected_link(40)
    # A new RTCPeerConnection: every counter starts again from zero.
    fresh = Browser()
    fresh.at = browser.at
    changes = run(tracker, fresh, 20)
    assert changes == []
    figures = tracker.figures()
    assert figures["audio_loss_percent"] == 0
    assert figures["concealed_percent"] == 0
    assert figures["freeze_seconds"] == 0
    assert figures["score"] > 80


def test_r22_packets_lost_going_down_by_duplicates_is_not_negative_loss():
    tracker, browser = connected_link()
    raw = browser.report()
    raw["audio"]["packetsLost"] = -3
    tracker.add(parse_report(raw, browser.at))
    assert tracker.figures()["audio_loss_percent"] == 0


def test_r22_tracker_takes_its_thresholds_from_settings_or_a_given_dict():
    assert LinkTracker().max_audio_loss == Q["MAX_AUDIO_LOSS_PERCENT"]
    strict = LinkTracker({**Q, "MAX_AUDIO_LOSS_PERCENT": 1.0})
    browser = Browser()
    changes = run(strict, browser, 10, audio_loss=2)
    assert kinds(changes) == ["degraded"]
    assert LinkTracker({"MAX_RTT_MS": 100}).max_rtt == 100
    assert LinkTracker({"MAX_RTT_MS": 100}).prompt_lost == Q["PROMPT_AFTER_LOST_SECONDS"]


def test_r22_figures_are_json_ready():
    tracker, browser = connected_link()
    run(tracker, browser, 14, state="disconnected", audio=False, fps=0, video_bytes=False)
    for figures in (tracker.figures(), LinkTracker().figures()):
        json.dumps(figures, allow_nan=False)
    assert set(tracker.figures()) >= {
        "score", "mos", "rtt_ms", "jitter_ms", "audio_loss_percent", "concealed_percent",
        "video_loss_percent", "freeze_seconds", "fps", "video_kbps", "state", "degraded",
        "reasons",
    }


# --- reports from an untrusted browser ------------------------------------------------------

def test_r22_a_valid_report_parses_with_unknown_figures_left_empty():
    report = parse_report({"peer": "p-1", "state": "connecting", "rtt_ms": None,
                           "audio": {"packetsReceived": 10, "jitter_ms": None},
                           "video": None}, at=12.5)
    assert report.peer == "p-1" and report.state == "connecting" and report.at == 12.5
    assert report.rtt_ms is None and report.video is None
    assert report.audio.packets_received == 10 and report.audio.packets_lost is None
    assert parse_report({"peer": "p", "state": "connected"}, 0).audio is None


@pytest.mark.parametrize("raw", [
    None, [], "report", {}, {"peer": "p"}, {"state": "connected"},
    {"peer": "", "state": "connected"},
    {"peer": "p" * 1000, "state": "connected"},
    {"peer": 7, "state": "connected"},
    {"peer": "p", "state": "melting"},
    {"peer": "p", "state": "connected", "rtt_ms": -1},
    {"peer": "p", "state": "connected", "rtt_ms": math.nan},
    {"peer": "p", "state": "connected", "rtt_ms": math.inf},
    {"peer": "p", "state": "connected", "rtt_ms": "40"},
    {"peer": "p", "state": "connected", "rtt_ms": True},
    {"peer": "p", "state": "connected", "rtt_ms": 10**400},
    {"peer": "p", "state": "connected", "audio": []},
    {"peer": "p", "state": "connected", "audio": {"packetsReceived": -1}},
    {"peer": "p", "state": "connected", "audio": {"packetsReceived": 1.5}},
    {"peer": "p", "state": "connected", "audio": {"packetsReceived": 2**60}},
    {"peer": "p", "state": "connected", "audio": {"concealedSamples": False}},
    {"peer": "p", "state": "connected", "audio": {"jitter_ms": math.nan}},
    {"peer": "p", "state": "connected", "video": {"totalFreezesDuration": -0.5}},
    {"peer": "p", "state": "connected", "video": {"framesPerSecond": 1e308}},
    {"peer": "p", "state": "connected", "video": {"bytesReceived": 1e300}},
    {"peer": "p", "state": "connected", "video": {"freezeCount": [1]}},
    {"peer": "p", "state": "connected", "video": "on"},
])
def test_r22_malformed_reports_raise_value_error(raw):
    with pytest.raises(ValueError):
        parse_report(raw, at=1.0)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=4),
    max_leaves=12,
)
numbers = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
           | st.lists(st.integers(), max_size=2))
audio_dicts = st.fixed_dictionaries({}, optional={
    key: numbers for key in ("packetsReceived", "packetsLost", "jitter_ms",
                             "totalSamplesReceived", "concealedSamples")})
video_dicts = st.fixed_dictionaries({}, optional={
    key: numbers for key in ("framesDecoded", "freezeCount", "totalFreezesDuration",
                             "bytesReceived", "framesPerSecond", "packetsLost",
                             "packetsReceived")})
near_reports = st.fixed_dictionaries({}, optional={
    "peer": st.text(max_size=300) | json_values,
    "state": st.sampled_from(["new", "connecting", "connected", "disconnected", "failed",
                              "closed", "Connected", ""]) | json_values,
    "rtt_ms": numbers,
    "audio": st.none() | audio_dicts | json_values,
    "video": st.none() | video_dicts | json_values,
})


@hypothesis_settings(max_examples=500, deadline=None)
@given(raw=near_reports | json_values)
def test_r22_malformed_reports_raise_value_error_and_nothing_else(raw):
    try:
        report = parse_report(raw, at=5.0)
    except ValueError:
        return
    # whatever passed is safe to feed to a tracker
    tracker = LinkTracker()
    tracker.add(report)
    tracker.tick(100.0)
    json.dumps(tracker.figures(), allow_nan=False)
