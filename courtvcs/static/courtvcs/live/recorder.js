/* R4: the courtroom console records the hearing and uploads it in chunks as it goes.

   The audio of every site is mixed with the Web Audio API and the video of every site is
   drawn into a grid on a canvas; MediaRecorder records the canvas and the mix. Because the
   recorder only ever sees those two tracks, sites may come and go (a site reconnects, a
   new remote stream arrives) without stopping it.

   Every `chunkSeconds` the recorder hands over a piece of WebM; the pieces are uploaded in
   order, one at a time, each with its SHA-256, and a failed upload is retried with
   back-off while the next pieces wait in the queue: a piece is never skipped, so the pieces
   stored on the server, in order, are always a playable file. A crashed browser loses at
   most the piece being recorded.

   Usage:
     import { HearingRecorder } from "/static/courtvcs/live/recorder.js";
     const rec = new HearingRecorder({startUrl, csrfToken, onState: (s) => ...});
     rec.addStream("courtroom", localStream, "Courtroom 101");
     await rec.start();          // asks the server for a recording, then records
     rec.addStream("sizo", remoteStream, "SIZO VCS-1");   // at any time
     rec.removeStream("sizo");
     await rec.stop();           // the last pieces are uploaded, then the recording closed

   Stop the recorder before closing the hearing's session: the server refuses pieces for
   a recording that the session's end has already completed.
*/

const MIME_TYPES = ["video/webm;codecs=vp8,opus", "video/webm;codecs=vp9,opus", "video/webm"];
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30000;
// Answers after which sending the same piece again cannot succeed.
const FINAL_STATUSES = new Set([404, 409, 413]);

function pickMimeType() {
  if (typeof MediaRecorder === "undefined") {
    throw new Error("This browser cannot record (no MediaRecorder).");
  }
  const type = MIME_TYPES.find((t) => MediaRecorder.isTypeSupported(t));
  if (!type) { throw new Error("This browser cannot record WebM video."); }
  return type;
}

function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

async function sha256Hex(buffer) {
  const digest = await crypto.subtle.digest("SHA-256", buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function detailOf(response) {
  try {
    const body = await response.json();
    return body.detail || `HTTP ${response.status}`;
  } catch (e) {
    return `HTTP ${response.status}`;
  }
}

/* A timer that keeps its pace in a background tab: timers in a hidden page are slowed to
   once a second (or once a minute), which would freeze the recorded video, but a worker's
   are not. Falls back to setInterval where workers cannot be made. */
function makeTicker(intervalMs, onTick) {
  try {
    const code = `let t = setInterval(() => postMessage(0), ${intervalMs});
                  onmessage = () => clearInterval(t);`;
    const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
    const worker = new Worker(url);
    URL.revokeObjectURL(url);
    worker.onmessage = onTick;
    return () => { worker.postMessage("stop"); worker.terminate(); };
  } catch (e) {
    const id = setInterval(onTick, intervalMs);
    return () => clearInterval(id);
  }
}

export class HearingRecorder {
  constructor({ startUrl, csrfToken, chunkSeconds = 5, width = 1280, height = 720,
                frameRate = 15, onState = () => {} } = {}) {
    this.startUrl = startUrl;
    this.csrfToken = csrfToken;  // a string, or a function returning the current token
    this.chunkSeconds = chunkSeconds;
    this.width = width;
    this.height = height;
    this.frameRate = frameRate;
    this.onState = onState;

    this.sites = new Map();   // id -> {stream, label, video, audioSource, onAddTrack}
    this.queue = [];          // pieces waiting to be uploaded, in order: {seq, blob}
    this.nextSeq = 0;
    this.uploaded = 0;
    this.error = null;
    this.recording = false;
    this.recordingInfo = null;
    this.uploading = null;    // the running upload loop (a promise), if any

    this.canvas = document.createElement("canvas");
    this.canvas.width = width;
    this.canvas.height = height;
    this.ctx = this.canvas.getContext("2d");
    this.audio = null;
    this.mixOut = null;
    this.mediaRecorder = null;
    this.videoTrack = null;
    this.stopTicker = null;
    this.onBeforeUnload = (event) => {
      if (this.recording || this.queue.length) { event.preventDefault(); event.returnValue = ""; }
    };
  }

  get state() {
    return { recording: this.recording, uploadedChunks: this.uploaded,
             pending: this.queue.length, error: this.error };
  }

  report() {
    try { this.onState(this.state); } catch (e) { console.error(e); }
  }

  token() {
    // The cookie holds the current token: signing in again (in another tab, after the
    // session ran out) replaces it, and the token the page was served with goes stale.
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    if (cookie) { return decodeURIComponent(cookie.slice("csrftoken=".length)); }
    return typeof this.csrfToken === "function" ? this.csrfToken() : this.csrfToken;
  }

  // ---- the sites ------------------------------------------------------------------------

  addStream(id, mediaStream, label = "") {
    if (this.sites.has(id)) { this.removeStream(id); }
    const video = document.createElement("video");
    video.muted = true;          // heard through the mix, not through this element
    video.playsInline = true;
    video.autoplay = true;
    video.srcObject = mediaStream;
    video.play().catch(() => {});
    const site = { stream: mediaStream, label, video, audioSource: null, onAddTrack: null };
    // A site whose audio arrives after its video (or comes back) joins the mix then.
    site.onAddTrack = (event) => {
      if (event.track.kind === "audio") { this.connectAudio(site); }
    };
    mediaStream.addEventListener("addtrack", site.onAddTrack);
    this.sites.set(id, site);
    this.connectAudio(site);
  }

  removeStream(id) {
    const site = this.sites.get(id);
    if (!site) { return; }
    this.sites.delete(id);
    site.stream.removeEventListener("addtrack", site.onAddTrack);
    if (site.audioSource) { site.audioSource.disconnect(); }
    site.video.pause();
    site.video.srcObject = null;
  }

  connectAudio(site) {
    if (!this.audio) { return; }  // connected when the recording starts
    if (site.audioSource) { site.audioSource.disconnect(); site.audioSource = null; }
    if (site.stream.getAudioTracks().length === 0) { return; }
    site.audioSource = this.audio.createMediaStreamSource(site.stream);
    site.audioSource.connect(this.mixOut);
  }

  // ---- the picture ----------------------------------------------------------------------

  draw() {
    const { ctx, width, height } = this;
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, width, height);
    const sites = Array.from(this.sites.values());
    const n = Math.max(sites.length, 1);
    const cols = Math.ceil(Math.sqrt(n));
    const rows = Math.ceil(n / cols);
    const tileW = Math.floor(width / cols);
    const tileH = Math.floor(height / rows);
    sites.forEach((site, i) => {
      const x = (i % cols) * tileW;
      const y = Math.floor(i / cols) * tileH;
      this.drawTile(site, x, y, tileW, tileH);
    });
    if (!sites.length) { this.caption("—", 0, 0, width, height); }
    // The time on every frame: the recording says by itself when each moment happened.
    const stamp = new Date().toLocaleString("ru-RU", { timeZone: "Asia/Almaty" });
    ctx.font = `${Math.round(height / 36)}px sans-serif`;
    const w = ctx.measureText(stamp).width + 16;
    ctx.fillStyle = "rgba(0,0,0,.6)";
    ctx.fillRect(width - w - 8, 8, w, Math.round(height / 36) + 12);
    ctx.fillStyle = "#fff";
    ctx.textBaseline = "top";
    ctx.fillText(stamp, width - w, 14);
  }

  drawTile(site, x, y, w, h) {
    const { ctx } = this;
    const video = site.video;
    const vw = video.videoWidth;
    const vh = video.videoHeight;
    if (video.readyState >= 2 && vw && vh) {
      // Letterboxed: a face is never stretched.
      const scale = Math.min(w / vw, h / vh);
      const dw = Math.round(vw * scale);
      const dh = Math.round(vh * scale);
      ctx.drawImage(video, x + Math.round((w - dw) / 2), y + Math.round((h - dh) / 2), dw, dh);
    } else {
      ctx.fillStyle = "#222";
      ctx.fillRect(x + 2, y + 2, w - 4, h - 4);
    }
    if (site.label) { this.caption(site.label, x, y, w, h); }
  }

  caption(text, x, y, w, h) {
    const { ctx } = this;
    const size = Math.max(12, Math.round(h / 18));
    ctx.font = `${size}px sans-serif`;
    ctx.textBaseline = "bottom";
    const tw = Math.min(ctx.measureText(text).width + 16, w - 16);
    ctx.fillStyle = "rgba(0,0,0,.6)";
    ctx.fillRect(x + 8, y + h - size - 16, tw, size + 10);
    ctx.fillStyle = "#fff";
    ctx.fillText(text, x + 16, y + h - 10, w - 32);
  }

  // ---- recording ------------------------------------------------------------------------

  async start() {
    if (this.recording) { return this.recordingInfo; }
    const mimeType = pickMimeType();
    const response = await fetch(this.startUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.token() },
      body: JSON.stringify({ mime_type: mimeType }),
    });
    if (!response.ok) {
      this.error = await detailOf(response);
      this.report();
      throw new Error(this.error);
    }
    this.recordingInfo = await response.json();
    // 0 for a new recording (a restarted console gets a new one: a second WebM header
    // in the middle of a file would not play); kept general in case that changes.
    this.nextSeq = this.recordingInfo.next_seq || 0;
    this.uploaded = this.nextSeq;
    this.error = null;

    this.audio = new AudioContext();
    this.mixOut = this.audio.createMediaStreamDestination();
    // Without a click first the browser may hold the audio back; do not wait for it forever.
    await Promise.race([this.audio.resume(), sleep(1000)]);
    for (const site of this.sites.values()) { this.connectAudio(site); }

    this.draw();
    this.stopTicker = makeTicker(Math.round(1000 / this.frameRate), () => this.draw());
    this.videoTrack = this.canvas.captureStream(this.frameRate).getVideoTracks()[0];
    const mixed = new MediaStream([this.videoTrack, ...this.mixOut.stream.getAudioTracks()]);

    this.mediaRecorder = new MediaRecorder(mixed, { mimeType,
      videoBitsPerSecond: 1500000, audioBitsPerSecond: 64000 });
    this.mediaRecorder.addEventListener("dataavailable", (event) => {
      if (!event.data || event.data.size === 0) { return; }
      this.queue.push({ seq: this.nextSeq, blob: event.data });
      this.nextSeq += 1;
      this.report();
      this.pump();
    });
    this.mediaRecorder.addEventListener("error", (event) => {
      this.error = (event.error && event.error.message) || "The recorder failed.";
      this.report();
    });
    this.mediaRecorder.start(this.chunkSeconds * 1000);
    this.recording = true;
    window.addEventListener("beforeunload", this.onBeforeUnload);
    this.report();
    return this.recordingInfo;
  }

  /* Upload the queue in order; only one loop runs at a time. */
  pump() {
    if (!this.uploading) {
      this.uploading = this.uploadAll().finally(() => { this.uploading = null; });
    }
    return this.uploading;
  }

  async uploadAll() {
    let delay = RETRY_FIRST_MS;
    while (this.queue.length) {
      const piece = this.queue[0];
      let status = 0;
      let detail = "";
      try {
        if (!piece.buffer) {
          piece.buffer = await piece.blob.arrayBuffer();
          piece.sha256 = await sha256Hex(piece.buffer);
        }
        const response = await fetch(`${this.recordingInfo.upload_url}${piece.seq}/`, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/octet-stream", "X-CSRFToken": this.token(),
                     "X-Chunk-SHA256": piece.sha256 },
          body: piece.buffer,
        });
        status = response.status;
        if (response.ok) {
          this.queue.shift();
          this.uploaded += 1;
          this.error = null;
          delay = RETRY_FIRST_MS;
          this.report();
          continue;
        }
        detail = await detailOf(response);
      } catch (e) {
        detail = e.message || String(e);  // the network is down: keep trying
      }
      this.error = detail;
      this.report();
      if (FINAL_STATUSES.has(status)) {
        // The server will not take this piece (the recording was closed, or the piece is
        // too big): stop recording, keep what is queued, and say why.
        this.halt();
        return;
      }
      await sleep(delay);
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
  }

  halt() {
    if (this.mediaRecorder && this.mediaRecorder.state !== "inactive") {
      try { this.mediaRecorder.stop(); } catch (e) { /* already stopping */ }
    }
    this.teardown();
    this.recording = false;
    this.report();
  }

  teardown() {
    if (this.stopTicker) { this.stopTicker(); this.stopTicker = null; }
    if (this.videoTrack) { this.videoTrack.stop(); this.videoTrack = null; }
    if (this.audio) {
      for (const site of this.sites.values()) {
        if (site.audioSource) { site.audioSource.disconnect(); site.audioSource = null; }
      }
      this.audio.close().catch(() => {});
      this.audio = null;
    }
    if (!this.queue.length) { window.removeEventListener("beforeunload", this.onBeforeUnload); }
  }

  async stop() {
    if (this.mediaRecorder && this.mediaRecorder.state !== "inactive") {
      const stopped = new Promise((resolve) => {
        this.mediaRecorder.addEventListener("stop", resolve, { once: true });
      });
      this.mediaRecorder.stop();   // hands over the last piece, then "stop"
      await stopped;
    }
    this.teardown();
    this.recording = false;
    this.report();
    // The last pieces go up before the recording is closed: transient failures are
    // retried for as long as it takes; a piece the server refuses stops here, still queued.
    await this.pump();
    if (this.queue.length) { throw new Error(this.error || "Pieces of the recording are not stored."); }
    window.removeEventListener("beforeunload", this.onBeforeUnload);
    if (!this.recordingInfo) { return null; }
    const response = await fetch(this.recordingInfo.stop_url, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": this.token() },
    });
    if (!response.ok) {
      this.error = await detailOf(response);
      this.report();
      throw new Error(this.error);
    }
    this.recordingInfo = await response.json();
    this.error = null;
    this.report();
    return this.recordingInfo;
  }
}
