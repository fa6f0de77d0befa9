"""Live call benchmark: how long the courtroom waits for a detention centre's picture after
the secretary connects the sites (R15), and how long a detention centre whose network was
cut takes to be seen and to see the courtroom again once its network is back (R22), each
next to the same thing done by a bare WebRTC call between two pages in the same browsers
(the floor), in every run.

Headless Chromium (/usr/bin/chromium, fake camera and microphone) driven by Playwright
against courtvcs served by uvicorn in this process (tests/e2e/live.py: AsgiServer), on a
fresh SQLite file, var/bench/live_call_bench.sqlite3, with the in-memory channel layer.

  join       a detention centre's room page waits for the hearing (status "ready"); the
             secretary clicks "connect" on the hearing console; time from the click to the
             first video frame the courtroom console decodes from the detention centre.
             Floor: two pages, a plain RTCPeerConnection each, offer, answer and candidates
             passed by this script; time from createOffer to the first frame decoded.
  reconnect  the hearing is in session, the detention centre's browser runs on a network
             of its own (tests/e2e/network.py: IsolatedHost); its link is cut for --outage
             seconds, then restored; time from the restore to video frames decoded again
             on both pages (the later of the two, and each). Floor: the same with a bare
             call, on the restore this script calls restartIce() on the offering page and
             relays the new offer, answer and candidates at once; once connected, each page
             restarts its video encoder for a fresh key frame (--floor-restart-only: not).

    .venv/bin/python bench/live_call_bench.py [--runs 10] [--outage 30] [--part join|reconnect|both]
                                              [--floor-restart-only] [--poll-ms 20]

The pages poll getStats every --poll-ms (20) and keep their own timestamps (Date.now()),
so the figures are not limited by how often this script looks. Everything the pages saw
(signalling, negotiation and ICE events, decoded-frame counters, console messages) is
written to var/bench/live_call_bench.json for a closer look.
"""

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VAR = REPO / "var" / "bench"
DB = VAR / "live_call_bench.sqlite3"
RECORDINGS = VAR / "live_call_recordings"
DUMP = VAR / "live_call_bench.json"
CHROMIUM = os.environ.get("COURTVCS_CHROMIUM", "/usr/bin/chromium")
SLOT_HOURS = (10, 12, 14, 16)  # four one-hour hearings a day, two hours apart
MEDIA = "{audio: true, video: {width: 640, height: 360}}"  # what the room page asks for

# Installed in every page before its own scripts: records the page's peer connections,
# camera, signalling socket and HTMX requests with Date.now() timestamps, and polls every
# peer connection's getStats for the video frames it has decoded. It only observes.
PROBE = """
(() => {
  if (window.__bench) return;
  const POLL_MS = %(poll_ms)d;
  const b = window.__bench = { events: [], frames: [], seen: new Map(), video: [],
                               lastVideo: new Map(), pcs: [], polls: 0, maxGap: 0 };
  const log = (kind, pc = -1, detail = null) => b.events.push([Date.now(), pc, kind, detail]);
  b.log = log;
  const what = (data) => !data ? null : data.description ? data.description.type
    : data.candidate !== undefined ? "candidate" : null;
  const QUIET = new Set(["stats", "quality", "ping", "pong"]);

  const NativePC = window.RTCPeerConnection;
  if (NativePC) {
    window.RTCPeerConnection = class extends NativePC {
      constructor(...args) {
        super(...args);
        const i = this.__i = b.pcs.length;
        b.pcs.push(this);
        log("pc-new", i);
        const on = (name, f) => this.addEventListener(name, f);
        on("signalingstatechange", () => log("signaling:" + this.signalingState, i));
        on("iceconnectionstatechange", () => log("ice:" + this.iceConnectionState, i));
        on("connectionstatechange", () => log("conn:" + this.connectionState, i));
        on("icegatheringstatechange", () => log("gather:" + this.iceGatheringState, i));
        on("negotiationneeded", () => log("negotiationneeded", i));
        on("track", (e) => log("track:" + e.track.kind, i));
      }
      setLocalDescription(...args) {
        log("setLocal:" + (args[0] && args[0].type ? args[0].type : "implicit"), this.__i);
        const p = super.setLocalDescription(...args);
        p.then(() => log("local:" + (this.localDescription || {}).type, this.__i), () => {});
        return p;
      }
      setRemoteDescription(...args) {
        log("setRemote:" + (args[0] || {}).type, this.__i);
        return super.setRemoteDescription(...args);
      }
      restartIce() {
        log("restartIce", this.__i);
        return super.restartIce();
      }
    };
  }

  const media = navigator.mediaDevices;
  if (media && media.getUserMedia) {
    const gum = media.getUserMedia.bind(media);
    media.getUserMedia = (constraints) => {
      log("gum-start");
      return gum(constraints).then((s) => { log("gum-done"); return s; },
                                   (e) => { log("gum-error", -1, String(e)); throw e; });
    };
  }

  const NativeWS = window.WebSocket;
  window.WebSocket = class extends NativeWS {
    constructor(...args) {
      super(...args);
      log("ws-new");
      this.addEventListener("open", () => log("ws-open"));
      this.addEventListener("close", (e) => log("ws-close", -1, e.code));
      this.addEventListener("message", (e) => {
        let m = {};
        try { m = JSON.parse(e.data); } catch { /* not JSON */ }
        if (QUIET.has(m.type)) return;
        const detail = m.type === "signal" ? what(m.data)
          : (m.type === "state" || m.type === "welcome") && m.state ? m.state.status : null;
        log("ws-in:" + m.type, -1, detail);
      });
    }
    send(data) {
      try {
        const m = JSON.parse(data);
        if (!QUIET.has(m.type)) log("ws-out:" + m.type, -1, m.type === "signal" ? what(m.data) : null);
      } catch { /* not JSON */ }
      return super.send(data);
    }
  };

  document.addEventListener("htmx:beforeRequest", () => log("htmx-send"));
  document.addEventListener("htmx:afterRequest", () => log("htmx-done"));

  // Each video stream's key-frame and loss counters, when they change (and at most every
  // 250 ms otherwise): what a stream waited for when its frames did not come.
  const keep = (now, key, rare, often) => {
    const sig = JSON.stringify(rare);
    const was = b.lastVideo.get(key);
    if (was && was.sig === sig && now - was.t < 250) return;
    b.lastVideo.set(key, { sig, t: now });
    b.video.push([now, key, ...rare, ...often]);
  };
  const poll = async () => {
    for (const pc of b.pcs) {
      if (pc.connectionState === "closed") continue;
      let report;
      try { report = await pc.getStats(); } catch { continue; }
      const now = Date.now();
      // Per received video stream: a renegotiation may start a new one from zero.
      report.forEach((s) => {
        if ((s.kind || s.mediaType) !== "video") return;
        const key = `${pc.__i}/${s.id}`;
        if (s.type === "inbound-rtp") {
          const frames = s.framesDecoded || 0;
          if (b.seen.get(key) !== frames) {
            b.seen.set(key, frames);
            b.frames.push([now, key, frames]);
          }
          keep(now, key, [s.keyFramesDecoded, s.pliCount, s.firCount, s.nackCount],
               [frames, s.framesReceived, s.framesDropped, s.packetsReceived, s.packetsLost]);
        } else if (s.type === "outbound-rtp") {
          keep(now, key, [s.keyFramesEncoded, s.pliCount, s.firCount, s.qualityLimitationReason],
               [s.framesEncoded, s.framesSent, s.packetsSent, s.targetBitrate]);
        }
      });
    }
  };
  // When video frames were decoded after `since`: the first time after it that a stream's
  // framesDecoded was seen above its previous value (0 for a stream new since), or null.
  b.firstGrowth = (since) => {
    const last = new Map();
    for (const [t, key, n] of b.frames) {
      if (t > since && n > (last.get(key) || 0)) return t;
      last.set(key, n);
    }
    return null;
  };
  let last = performance.now();
  const tick = async () => {
    const start = performance.now();
    b.maxGap = Math.max(b.maxGap, start - last);
    last = start;
    b.polls += 1;
    try { await poll(); } catch { /* a page going away */ }
    setTimeout(tick, Math.max(0, POLL_MS - (performance.now() - start)));
  };
  setTimeout(tick, POLL_MS);
})();
"""

# The floor's page side: a bare call, one RTCPeerConnection, signals through benchSignal()
# (a binding to this script) and floor.recv(); applied in order, early candidates kept.
FLOOR = """
() => {
  const f = window.floor = { pending: [], queue: Promise.resolve() };
  const send = (m) => window.benchSignal(m);
  f.setup = async () => {
    f.stream = await navigator.mediaDevices.getUserMedia(%(media)s);
    const pc = f.pc = new RTCPeerConnection({ iceServers: [] });
    for (const t of f.stream.getTracks()) pc.addTrack(t, f.stream);
    pc.onicecandidate = ({ candidate }) => send({ candidate: candidate ? candidate.toJSON() : null });
    pc.ontrack = ({ track, streams }) => {
      if (track.kind !== "video") return;
      const v = document.createElement("video");
      v.autoplay = v.muted = v.playsInline = true;
      v.srcObject = streams[0];
      document.body.append(v);
      v.play().catch(() => {});
    };
  };
  f.offer = async (restart) => {
    const at = Date.now();
    window.__bench.log(restart ? "floor-restart" : "floor-offer");
    if (restart) f.pc.restartIce();
    await f.pc.setLocalDescription(await f.pc.createOffer());
    send({ description: f.pc.localDescription.toJSON() });
    return at;
  };
  f.apply = async ({ description, candidate }) => {
    const pc = f.pc;
    if (description) {
      await pc.setRemoteDescription(description);
      if (description.type === "offer") {
        await pc.setLocalDescription(await pc.createAnswer());
        send({ description: pc.localDescription.toJSON() });
      }
      for (const c of f.pending.splice(0)) await pc.addIceCandidate(c).catch(() => {});
    } else if (candidate) {
      if (!pc.remoteDescription) f.pending.push(candidate);
      else await pc.addIceCandidate(candidate);
    }
  };
  // A fresh key frame from this page's camera: the encoder restarts when its encoding is
  // switched off and on again. Sent as soon as the link is connected after the restore, so
  // the other page has a frame it can decode at once: without it, the frames that follow the
  // gap refer to frames lost in it, and the receiver asks for a key frame only 2-3 s later.
  f.newKeyFrame = async () => {
    if (f.keyFrameSent) return;
    f.keyFrameSent = true;
    for (const sender of f.pc.getSenders()) {
      if (!sender.track || sender.track.kind !== "video") continue;
      for (const active of [false, true]) {
        const p = sender.getParameters();
        p.encodings.forEach((e) => { e.active = active; });
        await sender.setParameters(p);
      }
    }
    window.__bench.log("floor-keyframe");
  };
  // Armed before the restore: the link comes back "connected" after it.
  f.keyFrameOnReconnect = () => {
    f.keyFrameSent = false;
    const onState = () => {
      if (f.pc.connectionState !== "connected") return;
      f.pc.removeEventListener("connectionstatechange", onState);
      f.newKeyFrame();
    };
    f.pc.addEventListener("connectionstatechange", onState);
  };
  // Right after the restore: a short cut that the link never noticed leaves it "connected".
  f.keyFrameIfConnected = () => {
    if (f.pc.connectionState === "connected") f.newKeyFrame();
  };
  f.recv = (m) => {
    f.queue = f.queue.then(() => f.apply(m))
      .catch((e) => window.__bench.log("floor-error", -1, String(e)));
  };
}
""" % {"media": MEDIA}


# --- the database, the people and the hearings ---------------------------------------------
def setup_django(runs_join: int, runs_reconnect: int):
    VAR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(RECORDINGS, ignore_errors=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "courtvcs.settings"
    # The staff session limits are off, as in the test suite: the benchmark moves the clock
    # by days on one signed-in person (Flow), which the 30-minute idle limit would end.
    os.environ["COURTVCS_SESSION_IDLE_MINUTES"] = "0"
    os.environ["COURTVCS_SESSION_ABSOLUTE_HOURS"] = "0"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ["COURTVCS_RECORDINGS_DIR"] = str(RECORDINGS)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made here
    # between runs are plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from courtvcs.orgs.tests.factories import verify_forced_logins

    verify_forced_logins()  # force_login: a member of staff past the TOTP code step (issue 7)
    import time_machine
    from django.conf import settings
    from django.core.management import call_command

    from conftest import ApiClient
    from courtvcs.hearings.tests.flow import Flow
    from courtvcs.hearings.tests.world import NOW, build_world

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.COURTVCS_RECORDINGS_DIR = RECORDINGS
    call_command("migrate", verbosity=0)
    # The server runs in this process, so it shares this clock: it stays where the bench
    # puts it (each run moves it to its hearing's connection window), as in the browser
    # tests. Timers of the signalling (time.monotonic) and of the browsers run for real.
    clock = time_machine.travel(NOW, tick=False).start()
    world = build_world()

    def api(user=None, language=None):
        return ApiClient(user, language)

    # One hearing per run (and one for the warm-up), each in its own one-hour slot between
    # the same courtroom and the detention centre's VCS room, brought to "ready": booked,
    # decided, agreed, tested the day before, letters sent (R10-R15).
    count = 1 + runs_join + runs_reconnect
    flows = []
    for n in range(count):
        day = NOW.date() + dt.timedelta(days=2 + n // len(SLOT_HOURS))
        starts_at = dt.datetime.combine(day, dt.time(SLOT_HOURS[n % len(SLOT_HOURS)]), NOW.tzinfo)
        flow = Flow(world, api, clock, starts_at=starts_at)
        flow.book(duration_minutes=60)
        flow.decide()
        flow.agree()
        flow.request_tests()
        flows.append(flow)
    for flow in flows:  # in order of their slots, so the clock moves forward here
        flow.pass_tests(when=flow.starts_at - dt.timedelta(days=1, minutes=30))
        flow.send_letters()
    return world, clock, flows


def ready_flow(flows, clock):
    """The next prepared hearing, with the clock inside its connection window (R15)."""
    flow = flows.pop(0)
    clock.move_to(flow.starts_at - dt.timedelta(minutes=25))
    return flow


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


# --- real time ---------------------------------------------------------------------------------
def wall_ms() -> float:
    """This machine's real clock in ms (the browsers' Date.now()), whatever time the bench's
    travelling clock shows."""
    import time_machine

    return time_machine.escape_hatch.time.time() * 1000


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# --- pages ---------------------------------------------------------------------------------------
class Page:
    """One page in a context of its own (own cookies, never a background tab), probed."""

    def __init__(self, browser, tag: str, base: str, poll_ms: int, user=None):
        self.tag, self.base = tag, base
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(30_000)
        self.context.add_init_script(PROBE % {"poll_ms": poll_ms})
        self.context.route("**/favicon.ico", lambda route: route.abort())
        if user is not None:
            self.context.add_cookies([{"name": "sessionid", "value": session_cookie(user),
                                       "url": base}])
        self.page = self.context.new_page()
        self.console: list = []
        self.page.on("console", lambda m: self.console.append([wall_ms(), m.type, m.text]))
        self.page.on("pageerror", lambda e: self.console.append([wall_ms(), "pageerror", str(e)]))
        self.page.on("requestfailed", lambda r: self.console.append(
            [wall_ms(), "requestfailed", f"{r.url} {r.failure}"]))

    def go(self, path: str):
        self.page.goto(self.base + path)
        return self

    def probe(self) -> dict:
        # The page's fetches (Resource Timing) join its events: a module imported on the
        # way into the call is fetched then.
        return self.page.evaluate("""() => {
            const t0 = performance.timeOrigin;
            const fetched = performance.getEntriesByType("resource").map((r) =>
                [t0 + r.responseEnd, -1, "fetched", new URL(r.name).pathname.split("/").pop()]);
            const events = [...__bench.events, ...fetched].sort((x, y) => x[0] - y[0]);
            return {events, frames: __bench.frames, video: __bench.video, polls: __bench.polls,
                    maxGap: __bench.maxGap};
        }""")

    def reset_gap(self):
        self.page.evaluate("() => { __bench.maxGap = 0; }")

    def has_event(self, kind: str) -> bool:
        return self.page.evaluate("k => __bench.events.some(e => e[2] === k)", kind)

    def first_frame_after(self, since: float) -> float | None:
        """When video frames were decoded after `since` (ms, Date.now()), or None."""
        return self.page.evaluate("since => __bench.firstGrowth(since)", since)

    def close(self):
        try:
            self.context.close()
        except Exception:  # noqa: BLE001 - a browser that died is closed enough
            pass


def keep(run_dump: dict, *pages: Page, **facts) -> dict:
    """Put what the pages saw (and their console) in the run's record; return the probes."""
    probes = {}
    for p in pages:
        try:
            probes[p.tag] = p.probe()
        except Exception as exc:  # noqa: BLE001 - a page that broke
            probes[p.tag] = {"events": [], "frames": [], "polls": 0, "maxGap": 0.0,
                             "error": str(exc)}
    run_dump.update(facts, probes=probes, console={p.tag: p.console for p in pages})
    return probes


def first_event(events, since: float, *kinds, detail=None) -> float | None:
    for t, _pc, kind, d in events:
        if t >= since and kind in kinds and (detail is None or d == detail):
            return t
    return None


def wait(page, check, timeout: float, what: str, every_ms: int = 100):
    """Wait inside Playwright (so bindings to this script keep being served)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        page.wait_for_timeout(every_ms)


def idle(page, seconds: float):
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        page.wait_for_timeout(min(1000, left * 1000))


# --- the floor: a bare two-page call --------------------------------------------------------------
class BareCall:
    def __init__(self, a: Page, b: Page):
        self.a, self.b = a, b
        self.relayed = 0
        for src, dst in ((a, b), (b, a)):
            src.page.evaluate(FLOOR)
            src.page.expose_binding("benchSignal", self._relay(dst))
        for p in (a, b):
            p.page.evaluate("() => floor.setup()")

    def _relay(self, dst: Page):
        def relay(_source, message):
            self.relayed += 1
            dst.page.evaluate("m => floor.recv(m)", message)
        return relay

    def offer(self, restart=False) -> float:
        return self.a.page.evaluate("r => floor.offer(r)", restart)


# --- join ---------------------------------------------------------------------------------------
JOIN_STEPS_APP = [  # (label, page, event kinds, detail)
    ("court: POST answered (htmx)", "court", ("htmx-done",), None),
    ("court: room says connected", "court", ("ws-in:state",), None),
    ("site: room says connected", "site", ("ws-in:state",), None),
    ("court: camera ready", "court", ("gum-done",), None),
    ("site: camera ready", "site", ("gum-done",), None),
    ("court: mesh.js fetched", "court", ("fetched",), "mesh.js"),
    ("court: hello sent", "court", ("ws-out:hello",), None),
    ("site: hello sent", "site", ("ws-out:hello",), None),
    ("court: other site announced", "court", ("ws-in:peer",), None),
    ("court: peer connection made", "court", ("pc-new",), None),
    ("site: peer connection made", "site", ("pc-new",), None),
    ("offer sent", "both", ("ws-out:signal",), "offer"),
    ("answer sent", "both", ("ws-out:signal",), "answer"),
    ("court: ICE connected", "court", ("ice:connected", "ice:completed"), None),
    ("court: connection connected", "court", ("conn:connected",), None),
]
JOIN_STEPS_FLOOR = [
    ("answer applied", "a", ("setRemote:answer",), None),
    ("ICE connected", "a", ("ice:connected", "ice:completed"), None),
    ("connection connected", "a", ("conn:connected",), None),
    ("video track", "a", ("track:video",), None),
]


def steps_of(spec, probes: dict, since: float) -> dict:
    out = {}
    for label, who, kinds, detail in spec:
        times = [first_event(probes[w]["events"], since, *kinds, detail=detail)
                 for w in (probes if who == "both" else [who])]
        times = [t for t in times if t is not None]
        out[label] = (min(times) - since) / 1000 if times else None
    return out


def join_app(ctx, flows, clock, run_dump) -> dict:
    flow = ready_flow(flows, clock)
    hid, world = flow.hearing_id, ctx["world"]
    court = Page(ctx["browser"], "court", ctx["server"].url, ctx["poll_ms"], world.secretary)
    site = Page(ctx["browser"], "site", ctx["server"].url, ctx["poll_ms"], world.officer)
    try:
        court.go(f"/hearings/{hid}/")
        court.page.wait_for_selector("[data-live][data-status=ready]")
        site.go(f"/live/hearings/{hid}/site/")
        site.page.wait_for_selector("[data-live][data-live=no]")
        for p in (court, site):
            wait(p.page, lambda p=p: p.has_event("ws-in:welcome"), 15, f"{p.tag}: room's welcome")
        idle(court.page, 1.0)  # both pages loaded and quiet
        for p in (court, site):
            p.reset_gap()
        # The secretary's click on "connect" (the button's own click event, which HTMX
        # turns into the POST), timestamped in the page.
        clicked = court.page.evaluate("""() => {
            const at = Date.now();
            __bench.log("click");
            document.querySelector("form[data-action=connect] button").click();
            return at; }""")
        court_at = wait(court.page, lambda: court.first_frame_after(clicked), 30,
                        "the courtroom to decode the detention centre", every_ms=50)
        site_at = wait(site.page, lambda: site.first_frame_after(clicked), 30,
                       "the detention centre to decode the courtroom", every_ms=50)
        probes = keep(run_dump, court, site, hearing=hid, clicked=clicked)
        return {"value": (court_at - clicked) / 1000, "other": (site_at - clicked) / 1000,
                "steps": steps_of(JOIN_STEPS_APP, probes, clicked),
                "max_poll_gap_ms": max(p["maxGap"] for p in probes.values())}
    finally:
        if "probes" not in run_dump:  # a failed run: keep what the pages saw
            keep(run_dump, court, site, hearing=hid)
        court.close()
        site.close()


def join_floor(ctx, run_dump) -> dict:
    url = ctx["server"].url
    a = Page(ctx["browser"], "a", url, ctx["poll_ms"]).go("/healthz")
    b = Page(ctx["browser"], "b", url, ctx["poll_ms"]).go("/healthz")
    try:
        call = BareCall(a, b)
        idle(a.page, 1.0)
        for p in (a, b):
            p.reset_gap()
        started = call.offer()
        a_at = wait(a.page, lambda: a.first_frame_after(started), 30, "floor: a decodes b", 20)
        b_at = wait(a.page, lambda: b.first_frame_after(started), 30, "floor: b decodes a", 20)
        probes = keep(run_dump, a, b, started=started, relayed=call.relayed)
        return {"value": (a_at - started) / 1000, "other": (b_at - started) / 1000,
                "steps": steps_of(JOIN_STEPS_FLOOR, probes, started),
                "max_poll_gap_ms": max(p["maxGap"] for p in probes.values())}
    finally:
        if "probes" not in run_dump:
            keep(run_dump, a, b)
        a.close()
        b.close()


# --- reconnect -----------------------------------------------------------------------------------
RECONNECT_STEPS_APP = [
    ("site: socket open again", "site", ("ws-open",), None),
    ("site: room's welcome", "site", ("ws-in:welcome",), None),
    ("ICE restart called", "both", ("restartIce",), None),
    ("offer sent", "both", ("ws-out:signal",), "offer"),
    ("answer sent", "both", ("ws-out:signal",), "answer"),
    ("court: ICE connected", "court", ("ice:connected", "ice:completed"), None),
    ("site: ICE connected", "site", ("ice:connected", "ice:completed"), None),
]
RECONNECT_STEPS_FLOOR = [
    ("restartIce called", "a", ("restartIce",), None),
    ("answer applied", "a", ("setRemote:answer",), None),
    ("a: ICE connected", "a", ("ice:connected", "ice:completed"), None),
    ("b: ICE connected", "b", ("ice:connected", "ice:completed"), None),
    ("a: encoder restarted (key frame)", "a", ("floor-keyframe",), None),
    ("b: encoder restarted (key frame)", "b", ("floor-keyframe",), None),
]


def outage(ctx, first: Page, seconds: float) -> tuple[float, float]:
    host = ctx["host"]
    host.cut()
    cut_at = wall_ms()
    try:
        idle(first.page, seconds)
    finally:
        host.restore()  # whatever happened, the next run starts with the link up
    return cut_at, wall_ms()  # the link is back by the time iptables returns


def recovered(near: Page, far: Page, since: float, timeout: float) -> dict:
    """When each page decodes video again after `since` (None if not within `timeout`).
    Looked at inside Playwright, so the bindings of a bare call keep being served."""
    at = {near.tag: None, far.tag: None}
    deadline = time.monotonic() + timeout
    while None in at.values() and time.monotonic() < deadline:
        near.page.wait_for_timeout(100)
        for p in (near, far):
            if at[p.tag] is None:
                at[p.tag] = p.first_frame_after(since)
    return at


def reconnect_app(ctx, flows, clock, args, run_dump) -> dict:
    flow = ready_flow(flows, clock)
    flow.connect()
    flow.call_in()  # in session: the courtroom records, as during a hearing
    hid, world, host = flow.hearing_id, ctx["world"], ctx["host"]
    court = Page(ctx["browser"], "court", ctx["server"].url, ctx["poll_ms"], world.secretary)
    site = Page(ctx["isolated_browser"], "site", ctx["server"].url_for(host.gateway), ctx["poll_ms"],
                world.officer)
    try:
        court.go(f"/hearings/{hid}/")
        site.go(f"/live/hearings/{hid}/site/")
        for p in (court, site):
            wait(p.page, lambda p=p: p.first_frame_after(0), 30, f"{p.tag} decodes")
        idle(court.page, args.steady)
        cut_at, restored = outage(ctx, court, args.outage)
        for p in (court, site):
            p.reset_gap()
        at = recovered(court, site, restored, args.give_up)
        probes = keep(run_dump, court, site, hearing=hid, cut=cut_at, restored=restored)
        return recovery_result(at, "court", "site", probes, restored, RECONNECT_STEPS_APP, cut_at)
    finally:
        if "probes" not in run_dump:
            keep(run_dump, court, site, hearing=hid)
        court.close()
        site.close()


def reconnect_floor(ctx, args, run_dump) -> dict:
    host = ctx["host"]
    a = Page(ctx["browser"], "a", ctx["server"].url, ctx["poll_ms"]).go("/healthz")
    b = Page(ctx["isolated_browser"], "b", ctx["server"].url_for(host.gateway),
             ctx["poll_ms"]).go("/healthz")
    try:
        call = BareCall(a, b)
        started = call.offer()
        for p in (a, b):
            wait(a.page, lambda p=p: p.first_frame_after(started), 30, f"floor: {p.tag} decodes")
        idle(a.page, args.steady)
        if not args.floor_restart_only:
            for p in (a, b):
                p.page.evaluate("() => floor.keyFrameOnReconnect()")
        cut_at, restored = outage(ctx, a, args.outage)
        call.offer(restart=True)
        for p in (a, b):
            if not args.floor_restart_only:
                p.page.evaluate("() => floor.keyFrameIfConnected()")
            p.reset_gap()
        at = recovered(a, b, restored, args.give_up)
        probes = keep(run_dump, a, b, cut=cut_at, restored=restored, relayed=call.relayed)
        return recovery_result(at, "a", "b", probes, restored, RECONNECT_STEPS_FLOOR, cut_at)
    finally:
        if "probes" not in run_dump:
            keep(run_dump, a, b)
        a.close()
        b.close()


CUT_STEPS = [  # from the cut
    ("court: link disconnected", "court", ("conn:disconnected",), None),
    ("court: link failed", "court", ("conn:failed",), None),
    ("site: link disconnected", "site", ("conn:disconnected",), None),
    ("site: socket closed", "site", ("ws-close",), None),
]


def recovery_result(at, near, far, probes, restored, spec, cut_at) -> dict:
    each = {k: (v - restored) / 1000 if v else None for k, v in at.items()}
    both = None if None in each.values() else max(each.values())
    during = {tag: sum(1 for t, _pc, kind, _d in p["events"]
                       if cut_at <= t < restored and kind == "restartIce") for tag, p in probes.items()}
    return {"value": both, "near": each[near], "far": each[far],
            "steps": steps_of(spec, probes, restored), "restarts_during_outage": during,
            "cut_steps": steps_of(CUT_STEPS, probes, cut_at) if near == "court" else {},
            "max_poll_gap_ms": max(p["maxGap"] for p in probes.values())}


def attempt(what, fn, *args) -> dict:
    """One measurement; a run that fails (no frames in time, a page that broke) is counted
    as a failure with its reason, and the bench goes on."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - reported with the figures
        print(f"  {what} failed: {type(exc).__name__}: {str(exc).splitlines()[0]}", flush=True)
        return {"value": None, "other": None, "near": None, "far": None, "steps": {},
                "cut_steps": {}, "restarts_during_outage": {}, "max_poll_gap_ms": 0.0,
                "error": f"{type(exc).__name__}: {exc}"}


def ratio(app, floor) -> str:
    return f"x{app / floor:.2f}" if app and floor else "x n/a"


# --- printing ----------------------------------------------------------------------------------
def fmt(v, unit=" s"):
    return "   n/a" if v is None else f"{v:6.3f}{unit}"


def summary_row(label, app, floor):
    app = [v for v in app if v is not None]
    floor = [v for v in floor if v is not None]
    if not app:
        return f"  {label:<46} no value"
    line = f"  {label:<46} {statistics.median(app):7.3f} {pct(app, 90):7.3f}"
    if floor:
        fm, fp = statistics.median(floor), pct(floor, 90)
        line += (f"   {fm:7.3f} {fp:7.3f}   x{statistics.median(app) / fm:5.2f}"
                 f"  x{pct(app, 90) / fp:5.2f}")
    return line


def steps_table(title, results, key="steps"):
    labels = next((list(r[key]) for r in results if r[key]), [])
    print(f"  {title} (median s, from the same start; n/a: did not happen)")
    for label in labels:
        vals = [r[key][label] for r in results if r[key].get(label) is not None]
        print(f"    {label:<40} {fmt(statistics.median(vals)) if vals else '   n/a'}"
              f"   ({len(vals)}/{len(results)} runs)")


# --- main ---------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--outage", type=float, default=30.0, help="seconds the link is cut")
    parser.add_argument("--part", choices=("join", "reconnect", "both"), default="both")
    parser.add_argument("--poll-ms", type=int, default=20, help="the pages' getStats interval")
    parser.add_argument("--steady", type=float, default=3.0,
                        help="seconds of call before the cut")
    parser.add_argument("--floor-restart-only", action="store_true",
                        help="the reconnection floor only restarts ICE (no fresh key frame)")
    parser.add_argument("--give-up", type=float, default=90.0,
                        help="seconds after the restore without frames before a run is a failure")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    do_join, do_reconnect = args.part in ("join", "both"), args.part in ("reconnect", "both")

    t0 = time.monotonic()
    world, clock, flows = setup_django(args.runs if do_join else 0, args.runs if do_reconnect else 0)
    print(f"seeded {len(flows)} hearings in {time.monotonic() - t0:.1f} s", flush=True)

    from playwright.sync_api import sync_playwright

    from tests.e2e.live import LIVE_CHROMIUM_ARGS, AsgiServer
    from tests.e2e.network import IsolatedHost, can_isolate

    dump = {"args": vars(args), "join": [], "reconnect": []}
    loads = []
    server = AsgiServer().start()
    host = None
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=LIVE_CHROMIUM_ARGS)
            ctx = {"world": world, "server": server, "browser": browser, "poll_ms": args.poll_ms}
            version = browser.version
            if do_reconnect:
                ok, reason = can_isolate()
                if not ok:
                    sys.exit(f"the reconnection part needs a network namespace: {reason}")
                host = ctx["host"] = IsolatedHost().create()
                origin = server.url_for(host.gateway)
                ctx["isolated_browser"] = pw.chromium.launch(
                    executable_path=host.browser_executable(),
                    args=[*LIVE_CHROMIUM_ARGS, f"--unsafely-treat-insecure-origin-as-secure={origin}"])

            # Warm-up, not counted: the server's first pages, the browser's first call.
            attempt("warm-up floor", join_floor, ctx, {})
            warm = attempt("warm-up", join_app, ctx, flows, clock, {})
            print(f"warm-up: join {fmt(warm['value'])}", flush=True)

            joins = []
            for n in range(args.runs if do_join else 0):
                record = {"run": n + 1, "app": {}, "floor": {}}
                # Alternate which goes first, so a drift of the machine touches both alike.
                if n % 2:
                    app = attempt("join", join_app, ctx, flows, clock, record["app"])
                    floor = attempt("join floor", join_floor, ctx, record["floor"])
                else:
                    floor = attempt("join floor", join_floor, ctx, record["floor"])
                    app = attempt("join", join_app, ctx, flows, clock, record["app"])
                record["app"].update(result=app)
                record["floor"].update(result=floor)
                dump["join"].append(record)
                joins.append((app, floor))
                loads.append(os.getloadavg()[0])
                print(f"join {n + 1:2d}/{args.runs}: courtroom decodes the site {fmt(app['value'])}"
                      f" after the click (site decodes the courtroom {fmt(app['other'])});"
                      f" floor {fmt(floor['value'])} ({ratio(app['value'], floor['value'])});"
                      f" poll gap max {max(app['max_poll_gap_ms'], floor['max_poll_gap_ms']):.0f} ms;"
                      f" load {os.getloadavg()[0]:.1f}",
                      flush=True)

            recs = []
            for n in range(args.runs if do_reconnect else 0):
                record = {"run": n + 1, "app": {}, "floor": {}}
                if n % 2:
                    app = attempt("reconnect", reconnect_app, ctx, flows, clock, args, record["app"])
                    floor = attempt("reconnect floor", reconnect_floor, ctx, args, record["floor"])
                else:
                    floor = attempt("reconnect floor", reconnect_floor, ctx, args, record["floor"])
                    app = attempt("reconnect", reconnect_app, ctx, flows, clock, args, record["app"])
                record["app"].update(result=app)
                record["floor"].update(result=floor)
                dump["reconnect"].append(record)
                recs.append((app, floor))
                loads.append(os.getloadavg()[0])
                print(f"reconnect {n + 1:2d}/{args.runs}: both ways {fmt(app['value'])} after the"
                      f" restore (courtroom decodes the site {fmt(app['near'])}, site decodes the"
                      f" courtroom {fmt(app['far'])}); floor {fmt(floor['value'])}"
                      f" (a {fmt(floor['near'])}, b {fmt(floor['far'])})"
                      f" {ratio(app['value'], floor['value'])}; load"
                      f" {os.getloadavg()[0]:.1f}", flush=True)
            browser.close()
            if "isolated_browser" in ctx:
                ctx["isolated_browser"].close()
    finally:
        server.stop()
        if host is not None:
            host.close()
        DUMP.write_text(json.dumps(dump))

    print()
    print(f"live call: headless Chromium {version}, fake camera and microphone, uvicorn in this"
          f" process, SQLite, in-memory channel layer; getStats every {args.poll_ms} ms;"
          f" load average {min(loads, default=0):.1f}-{max(loads, default=0):.1f}"
          f" on {os.cpu_count()} CPUs")
    print(f"  {'':<46} {'median':>7} {'p90':>7}   {'floor':>7} {'fl.p90':>7}   {'ratio':>6}"
          f"  {'ratio90':>6}")
    if joins:
        print(f" join, {len(joins)} runs (s): from the click on 'connect' / from createOffer")
        print(summary_row("courtroom decodes the detention centre", [a["value"] for a, _ in joins],
                          [f["value"] for _, f in joins]))
        print(summary_row("detention centre decodes the courtroom", [a["other"] for a, _ in joins],
                          [f["other"] for _, f in joins]))
    if recs:
        floor = "ICE restart only" if args.floor_restart_only else "ICE restart + key frame"
        print(f" reconnect, {len(recs)} runs, {args.outage:g} s cut (s): from the restore;"
              f" floor: {floor}")
        print(summary_row("frames again both ways (the later)", [a["value"] for a, _ in recs],
                          [f["value"] for _, f in recs]))
        print(summary_row("courtroom decodes the detention centre", [a["near"] for a, _ in recs],
                          [f["near"] for _, f in recs]))
        print(summary_row("detention centre decodes the courtroom", [a["far"] for a, _ in recs],
                          [f["far"] for _, f in recs]))
    for part, pairs in (("join", joins), ("reconnect", recs)):
        failed = [sum(1 for r in pair if r["value"] is None) for pair in zip(*pairs)] if pairs else []
        if any(failed):
            print(f"  {part}: {failed[0]} courtvcs run(s) and {failed[1]} floor run(s) without a"
                  " figure (see above); left out of the figures")
    print()
    if joins:
        steps_table("join, courtvcs", [a for a, _ in joins])
        steps_table("join, floor", [f for _, f in joins])
    if recs:
        steps_table("reconnect, courtvcs", [a for a, _ in recs])
        steps_table("reconnect, floor", [f for _, f in recs])
        steps_table("cut, courtvcs (from the cut)", [a for a, _ in recs], key="cut_steps")
        during = [sum(a["restarts_during_outage"].values()) for a, _ in recs]
        print(f"  courtvcs: ICE restarts during the cut, per run: {during}")
    print(f"\nthe pages' timelines: {DUMP.relative_to(REPO)}")


if __name__ == "__main__":
    main()
