// The pre-call check (R17, R20): before waiting to be admitted, a participant on mobile
// VCS sees whether their camera, microphone and network will do for the hearing.
//
// Each result is written on its box as data-result="pass|warn|fail" with a sentence in
// the person's language (the texts come from the page, translated by the server). The
// checks start on a tap: phone browsers allow the microphone's audio processing only
// after one, and the person knows why the browser then asks for the camera.
// Nothing leaves the device but a few requests to /healthz; every track and connection is
// closed when the person leaves the page.

const json = (id) => JSON.parse(document.getElementById(id).textContent);
const TEXT = json("precall-texts");
const ICE_SERVERS = json("ice-servers");
const LIMITS = json("precall-limits");

const live = { stream: null, audio: null, timers: [], pcs: [] };

function report(check, result, message) {
  const box = document.querySelector(`[data-check="${check}"]`);
  box.dataset.result = result;
  box.querySelector("[data-badge]").textContent = TEXT.badge[result] || result;
  box.querySelector("[data-message]").textContent = message;
}

const fill = (template, values) =>
  template.replace(/%\((\w+)\)s/g, (_all, name) => String(values[name] ?? ""));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- camera and microphone -----------------------------------------------------------

function deviceProblem(error) {
  switch (error && error.name) {
    case "NotAllowedError": case "SecurityError": return "denied";
    case "NotFoundError": case "OverconstrainedError": return "missing";
    case "NotReadableError": case "AbortError": return "busy";
    default: return "error";
  }
}

async function openDevices() {
  // Both at once (one permission prompt); if that fails for lack of one device, each
  // alone, so the one that works can still be checked.
  const errors = {};
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio: true, video: true }), errors };
  } catch (error) {
    if (deviceProblem(error) === "denied") {
      return { stream: null, errors: { video: error, audio: error } };
    }
  }
  const tracks = [];
  for (const kind of ["video", "audio"]) {
    try {
      const one = await navigator.mediaDevices.getUserMedia({ [kind]: true });
      tracks.push(...one.getTracks());
    } catch (error) {
      errors[kind] = error;
    }
  }
  return { stream: tracks.length ? new MediaStream(tracks) : null, errors };
}

async function checkCamera(stream, error) {
  const track = stream && stream.getVideoTracks()[0];
  if (!track) {
    report("camera", "fail", TEXT.camera[deviceProblem(error)]);
    return;
  }
  track.addEventListener("ended", () => report("camera", "fail", TEXT.camera.ended));
  const video = document.getElementById("preview");
  video.srcObject = new MediaStream([track]);
  const picture = new Promise((resolve) => {
    if (video.videoWidth > 0) { resolve(true); return; }
    video.addEventListener("loadeddata", () => resolve(video.videoWidth > 0), { once: true });
  });
  video.play().catch(() => {});  // muted, so allowed; "loadeddata" is what counts
  const seen = await Promise.race([picture, sleep(LIMITS.picture_timeout_ms).then(() => false)]);
  if (track.readyState !== "live") return;  // "ended" has already said so
  report("camera", seen ? "pass" : "warn", seen ? TEXT.camera.pass : TEXT.camera.no_picture);
}

async function checkMicrophone(stream, error) {
  const track = stream && stream.getAudioTracks()[0];
  if (!track) {
    report("microphone", "fail", TEXT.microphone[deviceProblem(error)]);
    return;
  }
  track.addEventListener("ended", () => report("microphone", "fail", TEXT.microphone.ended));
  const audio = live.audio;
  if (audio.state !== "running") await audio.resume().catch(() => {});
  const analyser = audio.createAnalyser();
  analyser.fftSize = 1024;
  audio.createMediaStreamSource(new MediaStream([track])).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const meter = document.getElementById("mic-meter");
  const bar = meter.querySelector("span");
  const started = performance.now();
  let heard = false;
  // A timer rather than animation frames: it keeps measuring when the tab is not painted.
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    const rms = Math.sqrt(sum / samples.length);
    // -60 dBFS (silence) .. 0 dBFS (full scale) onto 0..100 %.
    const db = rms > 0 ? 20 * Math.log10(rms) : -100;
    const level = Math.max(0, Math.min(100, Math.round((db + 60) * (100 / 60))));
    bar.style.width = `${level}%`;
    meter.setAttribute("aria-valuenow", String(level));
    if (track.readyState !== "live") return;
    if (!heard && level >= 25) {            // about -45 dBFS: a voice at arm's length
      heard = true;
      report("microphone", "pass", TEXT.microphone.pass);
    } else if (!heard && performance.now() - started > LIMITS.silence_ms) {
      report("microphone", "warn", TEXT.microphone.silent);  // still listening: may yet pass
    }
  }, 60);
  live.timers.push(timer);
}

// ---- network -------------------------------------------------------------------------

async function httpRoundTrips() {
  const times = [];
  let lost = 0;
  for (let i = 0; i < LIMITS.http_rounds; i += 1) {
    const started = performance.now();
    try {
      const answer = await fetch(`${LIMITS.health_url}?probe=${Date.now()}-${i}`, {
        cache: "no-store", credentials: "omit", signal: AbortSignal.timeout(LIMITS.http_timeout_ms),
      });
      await answer.arrayBuffer();
      if (!answer.ok) throw new Error(String(answer.status));
      times.push(performance.now() - started);
    } catch (_error) {
      lost += 1;
    }
  }
  times.sort((a, b) => a - b);
  const median = times.length ? Math.round(times[Math.floor(times.length / 2)]) : null;
  return { median, lost };
}

async function iceGathering() {
  // Gathering candidates for a data channel sends no media: it shows which routes a call
  // could take (host: this network; srflx: through NAT by STUN; relay: through TURN).
  if (!window.RTCPeerConnection) return { types: null };
  const pc = new RTCPeerConnection({ iceServers: ICE_SERVERS });
  live.pcs.push(pc);
  const types = new Set();
  pc.addEventListener("icecandidate", (event) => {
    const candidate = event.candidate;
    if (!candidate || !candidate.candidate) return;
    const type = candidate.type || (/ typ (\w+)/.exec(candidate.candidate) || [])[1];
    if (type) types.add(type);
  });
  const complete = new Promise((resolve) => {
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") resolve();
    });
  });
  try {
    pc.createDataChannel("precall");
    await pc.setLocalDescription(await pc.createOffer());
    await Promise.race([complete, sleep(LIMITS.ice_timeout_ms)]);
  } finally {
    pc.close();
  }
  return { types };
}

function serverKinds() {
  const urls = ICE_SERVERS.flatMap((server) => [].concat(server.urls || server.url || []));
  return { stun: urls.some((u) => /^stuns?:/i.test(u)), turn: urls.some((u) => /^turns?:/i.test(u)) };
}

async function checkNetwork() {
  const [http, ice] = await Promise.all([httpRoundTrips(), iceGathering()]);
  if (http.median === null) {
    report("network", "fail", TEXT.network.offline);
    return;
  }
  if (ice.types === null) {
    report("network", "fail", TEXT.network.no_webrtc);
    return;
  }
  if (ice.types.size === 0) {
    report("network", "fail", TEXT.network.ice_blocked);
    return;
  }
  const wanted = serverKinds();
  const routed = ice.types.has("relay") || (!wanted.turn && ice.types.has("srflx"));
  if ((wanted.turn || wanted.stun) && !routed) {
    report("network", "warn", TEXT.network.no_relay);
  } else if (http.lost > 0) {
    report("network", "warn", TEXT.network.unstable);
  } else if (http.median > LIMITS.rtt_ok_ms) {
    report("network", "warn", fill(TEXT.network.slow, { ms: http.median }));
  } else {
    report("network", "pass", fill(TEXT.network.pass, { ms: http.median }));
  }
}

// ---- the page ------------------------------------------------------------------------

function stopAll() {
  live.timers.forEach(clearInterval);
  live.timers = [];
  if (live.stream) live.stream.getTracks().forEach((track) => track.stop());
  live.stream = null;
  if (live.audio) live.audio.close().catch(() => {});
  live.audio = null;
  live.pcs.forEach((pc) => pc.close());
  live.pcs = [];
  const video = document.getElementById("preview");
  if (video) video.srcObject = null;
}

async function runChecks(button) {
  button.disabled = true;
  stopAll();
  report("camera", "running", TEXT.camera.running);
  report("microphone", "running", TEXT.microphone.running);
  report("network", "running", TEXT.network.running);
  const network = checkNetwork().catch(() => report("network", "fail", TEXT.network.offline));
  if (!window.isSecureContext) {
    report("camera", "fail", TEXT.insecure);
    report("microphone", "fail", TEXT.insecure);
  } else if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    report("camera", "fail", TEXT.unsupported);
    report("microphone", "fail", TEXT.unsupported);
  } else {
    // Made within the tap itself: Safari lets sound be analysed only from a user gesture.
    const Context = window.AudioContext || window.webkitAudioContext;
    live.audio = new Context();
    live.audio.resume().catch(() => {});
    const { stream, errors } = await openDevices();
    live.stream = stream;
    await Promise.all([
      checkCamera(stream, errors.video).catch(() => report("camera", "fail", TEXT.camera.error)),
      checkMicrophone(stream, errors.audio)
        .catch(() => report("microphone", "fail", TEXT.microphone.error)),
    ]);
  }
  await network;
  button.textContent = TEXT.again;
  button.disabled = false;
}

const start = document.getElementById("start-checks");
start.addEventListener("click", () => runChecks(start));
// Leaving the page (the waiting room link, back, closing the tab) frees camera and microphone.
window.addEventListener("pagehide", stopAll);
