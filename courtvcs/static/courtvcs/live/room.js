// A VCS room page: the courtroom console, a remote site, a mobile participant, the judge's
// console (no media) or a side of a test call. The server decides the seat; this module
// joins the call when the hearing is live, shows every site's state and link quality,
// recovers dropped links by itself, and records the hearing from the courtroom (R4).

import { Signalling } from "./signalling.js";
import { linkReport, measureInbound } from "./stats.js";

const $ = (root, sel) => root.querySelector(sel);

export class Room {
  constructor(root, config) {
    this.root = root;
    this.config = config;
    this.t = config.text;
    this.peers = new Map();     // peer id -> {site, label, kind}
    this.tiles = new Map();     // peer id -> tile element
    this.streams = new Map();   // peer id -> MediaStream
    this.plane = null;
    this.localStream = null;
    this.welcome = null;
    this.state = null;
    this.joining = false;
    this.signalling = new Signalling(config.wsPath, {
      onMessage: (m) => this.onMessage(m),
      onOpen: () => this.say(this.t.connected_to_server),
      onClose: (code) => this.onSocketClosed(code),
    });
    this.bindControls();
    setInterval(() => this.report(), 2000);
    window.courtvcsLive = this; // the browser tests read the links from here
  }

  say(text, tone = "") {
    const el = $(this.root, "[data-live-status]");
    if (!el) return;
    el.textContent = text;
    el.dataset.tone = tone;
  }

  // --- messages from the room ----------------------------------------------------------
  async onMessage(m) {
    switch (m.type) {
      case "welcome":
        this.welcome = m;
        this.root.dataset.seat = m.kind;
        await this.onState(m.state);
        if (this.joined) this.signalling.send({ type: "hello" }); // back after a dropped socket
        break;
      case "state":
        if (m.plane && this.welcome) this.welcome.plane = m.plane; // an SFU's room, made as the call starts
        await this.onState(m.state, m.event);
        break;
      case "peer":
        this.peers.set(m.peer, m);
        if (this.joined) {
          this.plane.addPeer(m.peer);
          this.reportLink(m.peer); // a report made while our socket was down was lost
        }
        this.dropOtherPeersOfSite(m.site, m.peer);
        break;
      case "bye":
        if (m.replaced) this.dropPeer(m.peer);
        break;
      case "signal":
        if (this.plane) await this.plane.handleSignal(m.from, m.data);
        break;
      case "site_state":
        this.showSiteState(m.site, m.state);
        break;
      case "quality":
        this.onQuality(m);
        break;
      case "quality_change":
        this.onQualityChange(m);
        break;
      case "muted":
        this.setMic(false);
        this.say(this.t.muted_by_court, "warn");
        break;
      case "restart":
        if (this.plane) this.plane.restartAll();
        break;
      case "replaced":
        this.leave();
        this.say(this.t.replaced, "warn");
        break;
      case "revoked":
        this.leave();
        this.finalSaid = true;
        this.say(this.t.revoked, "bad");
        break;
      case "signed_out":
        this.leave();
        this.finalSaid = true; // the close (4401) that follows adds nothing
        this.say(this.t.signed_out, "bad");
        break;
      case "test_measured":
        this.showTestFigures(m.figures, false);
        break;
      case "test_result":
        this.showTestResult(m);
        break;
      case "error":
        console.warn("room refused a message:", m.code, m.detail);
        break;
      default:
        break;
    }
  }

  onSocketClosed(code) {
    if (code === 4403) this.say(this.t.no_seat, "bad");
    // Signed out while the socket was down: refused on the way back, with the same words.
    else if (code === 4401 && !this.finalSaid) this.say(this.t.signed_out, "bad");
    else if (code !== 4409) this.say(this.t.reconnecting_server, "warn");
  }

  async onState(state, event) {
    const before = this.state;
    this.state = state;
    this.root.dataset.status = state.status;
    this.root.dataset.live = state.live ? "yes" : "no";
    if (event) document.body.dispatchEvent(new CustomEvent("live-refresh", { detail: { event } }));
    if (before && before.status !== state.status) {
      document.body.dispatchEvent(new CustomEvent("live-status", { detail: state }));
    }
    const w = this.welcome;
    if (!w) return;
    if (w.tooManySites && w.media) {
      this.say(this.t.too_many_sites, "bad");
      return;
    }
    if (state.live && w.media) {
      await this.join();
    } else if (!state.live) {
      if (this.joined) this.leave();
      this.say(state.waiting || state.status_label || "", "warn");
      if (w.media && w.kind === "mobile") await this.preview();
    } else {
      this.say(state.status_label || "");
    }
    this.updateRecording();
  }

  // --- media -----------------------------------------------------------------------
  async preview() {
    if (this.localStream) return this.localStream;
    try {
      this.localStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
    } catch (err) {
      this.say(this.t.no_camera, "bad");
      throw err;
    }
    this.tile("local", this.t.you, this.localStream, true);
    return this.localStream;
  }

  async join() {
    if (this.joined || this.joining) return;
    this.joining = true;
    try {
      await this.preview();
      // mesh.js exports MeshPlane, an SFU's module (janus.js) exports Plane: same shape.
      const module = await import(`./${this.welcome.plane.plane}.js`);
      const Plane = module.Plane || module.MeshPlane;
      this.plane = new Plane({
        iceServers: this.welcome.plane.iceServers, localStream: this.localStream, config: this.welcome.plane,
        iceTransportPolicy: this.welcome.plane.iceTransportPolicy,
        myPeerId: this.welcome.peer,
        sendSignal: (to, data) => this.signalling.send({ type: "signal", to, data: JSON.parse(JSON.stringify(data)) }),
        onTrack: (peerId, stream) => this.onRemoteStream(peerId, stream),
        onLinkState: (peerId, state) => this.onLinkState(peerId, state),
      });
      this.joined = true;
      this.signalling.send({ type: "hello" });
      for (const peerId of this.peers.keys()) this.plane.addPeer(peerId);
      this.say(this.t.in_call, "ok");
      if (this.welcome.test) this.runTestCall();
    } finally {
      this.joining = false;
    }
  }

  leave() {
    if (this.plane) this.plane.close();
    this.plane = null;
    if (this.joined) this.signalling.send({ type: "leave" });
    this.joined = false;
    for (const peerId of [...this.tiles.keys()]) if (peerId !== "local") this.removeTile(peerId);
    this.updateRecording();
  }

  dropPeer(peerId) {
    if (this.plane) this.plane.removePeer(peerId);
    this.peers.delete(peerId);
    this.removeTile(peerId);
    if (this.recorder) this.recorder.removeStream(peerId);
  }

  dropOtherPeersOfSite(site, keep) {
    for (const [peerId, info] of [...this.peers.entries()]) {
      if (peerId !== keep && info.site === site) this.dropPeer(peerId);
    }
  }

  onRemoteStream(peerId, stream) {
    const info = this.peers.get(peerId) || { label: peerId.split(".")[0], site: peerId.split(".")[0] };
    this.streams.set(peerId, stream);
    this.tile(peerId, info.label, stream, false, info.site);
    if (this.recorder) this.recorder.addStream(peerId, stream, info.label);
  }

  reportLink(peerId) {
    const found = this.plane.connections().find(([id]) => id === peerId);
    const state = found && found[1].connectionState;
    if (state && state !== "new") this.signalling.send({ type: "link", peer: peerId, state });
  }

  onLinkState(peerId, state) {
    const info = this.peers.get(peerId);
    const tile = this.tiles.get(peerId);
    if (tile) tile.dataset.link = state;
    this.signalling.send({ type: "link", peer: peerId, state });
    if (info && this.welcome.kind === "courtroom") {
      const site = { connected: "connected", disconnected: "lost", failed: "lost" }[state] || "connecting";
      this.showSiteState(info.site, site);
    }
    // A link that comes back up says the network is back: the socket need not wait.
    if (state === "connected") this.signalling.nudge();
    if (state === "connected") this.say(this.t.in_call, "ok");
    else if (state === "disconnected" || state === "failed") this.say(this.t.link_lost, "warn");
  }

  tile(id, label, stream, local, site = "") {
    const grid = $(this.root, "[data-live-grid]");
    if (!grid) return;
    let tile = this.tiles.get(id);
    if (!tile) {
      tile = document.createElement("figure");
      tile.className = `tile${local ? " local" : ""}`;
      tile.dataset.peer = id;
      if (site) tile.dataset.site = site;
      tile.innerHTML = "<video autoplay playsinline></video><figcaption></figcaption>";
      grid.append(tile);
      this.tiles.set(id, tile);
    }
    $(tile, "figcaption").textContent = label;
    const video = $(tile, "video");
    video.muted = local; // never play one's own sound back
    if (video.srcObject !== stream) video.srcObject = stream;
    video.play().catch(() => {});
  }

  removeTile(id) {
    const tile = this.tiles.get(id);
    if (tile) tile.remove();
    this.tiles.delete(id);
  }

  // --- own controls -------------------------------------------------------------------
  bindControls() {
    this.root.addEventListener("click", (event) => {
      const button = event.target.closest("[data-control]");
      if (!button) return;
      const what = button.dataset.control;
      if (what === "mic") this.setMic(!this.micOn());
      else if (what === "camera") this.setCamera(!this.cameraOn());
      else if (what === "mute-site") this.signalling.send({ type: "mute", site: button.dataset.site });
      else if (what === "reconnect-site") this.reconnectSite(button.dataset.site);
      else if (what === "declare-break") this.declareBreak(button.dataset.reason || "");
    });
  }

  micOn() { return !!this.localStream && this.localStream.getAudioTracks().some((t) => t.enabled); }
  cameraOn() { return !!this.localStream && this.localStream.getVideoTracks().some((t) => t.enabled); }

  setMic(on) {
    if (this.localStream) this.localStream.getAudioTracks().forEach((t) => { t.enabled = on; });
    const b = $(this.root, "[data-control=mic]");
    if (b) { b.setAttribute("aria-pressed", on ? "false" : "true"); b.textContent = on ? this.t.mute : this.t.unmute; }
  }

  setCamera(on) {
    if (this.localStream) this.localStream.getVideoTracks().forEach((t) => { t.enabled = on; });
    const b = $(this.root, "[data-control=camera]");
    if (b) { b.setAttribute("aria-pressed", on ? "false" : "true"); b.textContent = on ? this.t.camera_off : this.t.camera_on; }
  }

  reconnectSite(site) {
    this.signalling.send({ type: "reconnect", site });
    if (!this.plane) return;
    for (const [peerId, info] of this.peers) {
      if (info.site === site && this.plane.has(peerId)) {
        const link = this.plane.links.get(peerId);
        link.lastRestart = 0;
        link.restart(true);
      }
    }
  }

  declareBreak(reason) {
    const form = document.querySelector("form[data-action=declare_break]");
    if (!form) return;
    const field = form.querySelector("textarea, input[name=reason]");
    if (field && !field.value) field.value = reason;
    form.scrollIntoView({ block: "center" });
    if (field) field.focus();
  }

  // --- sites, quality and prompts (console) -------------------------------------------
  showSiteState(site, state) {
    for (const el of document.querySelectorAll(`[data-site-state="${site}"]`)) {
      el.dataset.state = state;
      el.textContent = this.t.states[state] || state;
      el.className = `status${state === "connected" ? " ok" : state === "lost" ? " bad" : state === "connecting" ? " warn" : ""}`;
    }
  }

  onQuality(m) {
    const key = `${m.sender}>${m.receiver}`;
    const label = `${this.siteLabel(m.sender)} → ${this.siteLabel(m.receiver)}`;
    if (this.graph) {
      this.graph.push(key, label, m.figures);
      this.graph.draw();
    }
    const cell = document.querySelector(`[data-quality="${m.sender}"]`);
    if (cell && m.receiver === "courtroom") {
      cell.textContent = this.describe ? this.describe(m.figures) : `${Math.round(m.figures.score)}`;
      cell.dataset.degraded = m.figures.degraded ? "yes" : "no";
    }
  }

  siteLabel(site) {
    if (site === this.welcome.site) return this.t.here;
    return (this.config.sites[site] || {}).label || site;
  }

  onQualityChange(m) {
    if (m.kind !== "prompt_break") return;
    const banner = $(this.root, "[data-live-prompt]");
    if (!banner) return;
    const reasons = m.reasons.map((r) => this.t.reasons[r] || r).join(", ");
    const site = m.sender === "courtroom" ? m.receiver : m.sender;
    banner.hidden = false;
    $(banner, "[data-prompt-text]").textContent =
      this.t.prompt.replace("%(site)s", this.siteLabel(site)).replace("%(reasons)s", reasons);
    const button = $(banner, "[data-control=declare-break]");
    if (button) button.dataset.reason = `${this.siteLabel(site)}: ${reasons}`;
    banner.dataset.site = site;
  }

  // --- statistics ---------------------------------------------------------------------
  async report() {
    if (!this.plane || !this.signalling.isOpen) return;
    const links = [];
    for (const [peerId, pc] of this.plane.connections()) {
      try { links.push(await linkReport(peerId, pc)); } catch { /* closed meanwhile */ }
    }
    if (links.length) this.signalling.send({ type: "stats", links });
  }

  // For the browser tests and the technician: what each link decodes now.
  async inbound() {
    const out = {};
    if (!this.plane) return out;
    for (const [peerId, pc] of this.plane.connections()) {
      const r = await linkReport(peerId, pc);
      out[peerId] = { site: (this.peers.get(peerId) || {}).site || peerId.split(".")[0], state: r.state,
        framesDecoded: r.video ? r.video.framesDecoded : 0,
        audioPackets: r.audio ? r.audio.packetsReceived : 0,
        audioSamples: r.audio ? r.audio.totalSamplesReceived : 0 };
    }
    return out;
  }

  // --- recording (R4): the courtroom records while the hearing is in session ---------
  async updateRecording() {
    if (!this.welcome || !this.welcome.mayRecord || !this.config.recordStartUrl) return;
    const want = this.joined && ["in_session", "technical_break"].includes(this.state.status);
    if (want && !this.recorder) {
      const { HearingRecorder } = await import("./recorder.js");
      if (this.recorder) return;
      this.recorder = new HearingRecorder({
        startUrl: this.config.recordStartUrl, csrfToken: this.config.csrfToken,
        chunkSeconds: this.config.chunkSeconds,
        onState: (s) => this.showRecording(s),
      });
      this.recorder.addStream("local", this.localStream, this.t.here);
      for (const [peerId, stream] of this.streams) {
        if (this.tiles.has(peerId)) this.recorder.addStream(peerId, stream, (this.peers.get(peerId) || {}).label || "");
      }
      await this.recorder.start();
    } else if (!want && this.recorder) {
      const recorder = this.recorder;
      this.recorder = null;
      await recorder.stop();
    }
  }

  showRecording(s) {
    const el = $(this.root, "[data-live-recording]");
    if (!el) return;
    el.hidden = false;
    el.dataset.recording = s.recording ? "yes" : "no";
    el.textContent = s.error ? `${this.t.recording_error}: ${s.error}`
      : s.recording ? this.t.recording.replace("%(n)s", s.uploadedChunks) : this.t.recording_stopped;
  }

  // --- the test call (R13) ------------------------------------------------------------
  async runTestCall() {
    if (this.testing) return;
    this.testing = true;
    const out = $(this.root, "[data-test-call]");
    if (out) out.textContent = this.t.test_waiting;
    let pc = null;
    while (!pc) {
      await new Promise((r) => setTimeout(r, 500));
      if (!this.plane) { this.testing = false; return; }
      const found = this.plane.connections().find(([, c]) => c.connectionState === "connected");
      if (found) pc = found[1];
    }
    if (out) out.textContent = this.t.test_measuring;
    await new Promise((r) => setTimeout(r, 2000)); // let the bitrate settle first
    const figures = await measureInbound(pc, this.welcome.testCall.MEASURE_SECONDS);
    this.signalling.send({ type: "test_figures", figures });
  }

  showTestFigures(figures) {
    const out = $(this.root, "[data-test-call]");
    if (!out) return;
    out.dataset.measured = "yes";
    out.textContent = `${this.t.test_measured} ${this.t.test_other_side}`;
  }

  showTestResult(m) {
    const out = $(this.root, "[data-test-call]");
    if (!out) return;
    out.dataset.result = m.passed ? "passed" : "failed";
    const rows = ["court_to_remote", "remote_to_court"].map((dir) => {
      const f = m.figures[dir] || {};
      const n = (v, d = 0) => (typeof v === "number" ? v.toFixed(d) : "—");
      return `<tr><th scope="row">${this.t.directions[dir]}</th><td>${n(f.rtt_ms)}</td><td>${n(f.jitter_ms, 1)}</td>`
        + `<td>${n(f.loss_percent, 2)}</td><td>${n(f.video_kbps)}</td><td>${n(f.frame_rate, 1)}</td></tr>`;
    }).join("");
    out.innerHTML = `<p class="status ${m.passed ? "ok" : "bad"}">${m.passed ? this.t.test_passed : this.t.test_failed}</p>`
      + `<table><thead><tr><th></th>${this.t.figure_heads.map((h) => `<th scope="col">${h}</th>`).join("")}</tr></thead>`
      + `<tbody>${rows}</tbody></table>`;
  }
}

export async function start() {
  const root = document.querySelector("[data-live]");
  const configEl = document.getElementById("live-config");
  if (!root || !configEl) return null;
  const config = JSON.parse(configEl.textContent);
  const room = new Room(root, config);
  const canvas = root.querySelector("canvas[data-live-graph]");
  if (canvas) {
    try {
      const { QualityGraph, describe } = await import("./graph.js");
      room.graph = new QualityGraph(canvas, { seconds: 120, minScore: config.minScore });
      room.describe = describe;
    } catch (err) {
      console.warn("quality graph unavailable", err);
    }
  }
  return room;
}
