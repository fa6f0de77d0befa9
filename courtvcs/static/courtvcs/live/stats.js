// WebRTC statistics as the server's quality scorer reads them (courtvcs/live/quality.py),
// and the test call's measurement (R13).

function inbound(report, kind) {
  for (const s of report.values()) {
    if (s.type === "inbound-rtp" && (s.kind || s.mediaType) === kind) return s;
  }
  return null;
}

function roundTripMs(report) {
  for (const s of report.values()) {
    if (s.type === "candidate-pair" && s.nominated && s.state === "succeeded"
        && typeof s.currentRoundTripTime === "number") return s.currentRoundTripTime * 1000;
  }
  for (const s of report.values()) {
    if (s.type === "remote-inbound-rtp" && typeof s.roundTripTime === "number") return s.roundTripTime * 1000;
  }
  return null;
}

// One link's report: cumulative counters, as getStats gives them.
export async function linkReport(peerId, pc) {
  const report = await pc.getStats();
  const a = inbound(report, "audio");
  const v = inbound(report, "video");
  return {
    peer: peerId,
    state: pc.connectionState,
    rtt_ms: roundTripMs(report),
    audio: a && {
      packetsReceived: a.packetsReceived || 0, packetsLost: Math.max(0, a.packetsLost || 0),
      jitter_ms: (a.jitter || 0) * 1000, totalSamplesReceived: a.totalSamplesReceived || 0,
      concealedSamples: a.concealedSamples || 0,
    },
    video: v && {
      framesDecoded: v.framesDecoded || 0, freezeCount: v.freezeCount || 0,
      totalFreezesDuration: v.totalFreezesDuration || 0, bytesReceived: v.bytesReceived || 0,
      framesPerSecond: v.framesPerSecond ?? null, packetsLost: Math.max(0, v.packetsLost || 0),
      packetsReceived: v.packetsReceived || 0,
    },
  };
}

// R13: what this side received from the other over `seconds`.
export async function measureInbound(pc, seconds) {
  const first = await linkReport("", pc);
  const rtts = [];
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    const rtt = roundTripMs(await pc.getStats());
    if (rtt !== null) rtts.push(rtt);
  }
  const last = await linkReport("", pc);
  const elapsed = (performance.now() - t0) / 1000;
  const d = (k, x) => ((last[k] && last[k][x]) || 0) - ((first[k] && first[k][x]) || 0);
  const lost = d("audio", "packetsLost") + d("video", "packetsLost");
  const got = d("audio", "packetsReceived") + d("video", "packetsReceived");
  const audioLost = d("audio", "packetsLost");
  const audioGot = d("audio", "packetsReceived");
  return {
    seconds: Math.round(elapsed * 10) / 10,
    rtt_ms: rtts.length ? rtts.reduce((x, y) => x + y, 0) / rtts.length : null,
    jitter_ms: last.audio ? last.audio.jitter_ms : null,
    loss_percent: got + lost > 0 ? (100 * lost) / (got + lost) : null,
    audio_loss_percent: audioGot + audioLost > 0 ? (100 * audioLost) / (audioGot + audioLost) : null,
    video_kbps: (d("video", "bytesReceived") * 8) / 1000 / elapsed,
    frame_rate: d("video", "framesDecoded") / elapsed,
  };
}
