// R22: the live graph of the links' quality on the hearing console. One line per peer link
// of its score (0-100) over the last two minutes, the minimum score dashed, the periods when
// a link was degraded or lost shaded in its colour. Plain canvas, no library; importing this
// module touches no DOM, so it can be loaded (and checked) anywhere.

// Okabe-Ito colours: told apart by people with any common colour-vision deficiency.
const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
const WORDS = {
  score: "Score", rtt: "RTT", loss: "loss", fps: "fps", lost: "connection lost",
  degraded: "degraded", unknown: "—",
  reasons: {
    audio_loss: "audio loss", freeze: "video frozen", rtt: "delay", score: "low score",
    lost: "connection lost", no_audio: "no audio",
  },
};

// A short text for a link's figures (a title, an aria-label). `words` lets the page pass
// translated labels (e.g. from json_script); the English ones are the default.
export function describe(figures, words = {}) {
  const w = { ...WORDS, ...words, reasons: { ...WORDS.reasons, ...words.reasons } };
  const f = figures || {};
  const num = (value, digits, unit = "") =>
    typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) + unit : w.unknown;
  const known = [f.audio_loss_percent, f.concealed_percent].filter((v) => typeof v === "number");
  const parts = [
    `${w.score} ${num(f.score, 0)}`,
    `${w.rtt} ${num(f.rtt_ms, 0, " ms")}`,
    `${w.loss} ${num(known.length ? Math.max(...known) : null, 1, " %")}`,
    `${num(f.fps, 0)} ${w.fps}`,
  ];
  const reasons = (f.reasons || []).filter((r) => r !== "lost").map((r) => w.reasons[r] || r);
  if (f.lost) parts.push(w.lost);
  if (f.degraded) parts.push(reasons.length ? `${w.degraded}: ${reasons.join(", ")}` : w.degraded);
  return parts.join(" · ");
}

export class QualityGraph {
  constructor(canvas, { seconds = 120, minScore = 40, now = () => performance.now() } = {}) {
    this.canvas = canvas;
    this.seconds = seconds;
    this.minScore = minScore;
    this.now = now;                 // milliseconds; replaceable for tests
    this.links = new Map();         // linkId -> {label, colour, points: [{t, score, bad}]}
  }

  // Add a link's latest figures (as LinkTracker.figures() gives them) at the current time.
  push(linkId, label, figures) {
    let link = this.links.get(linkId);
    if (!link) {
      link = { label, colour: COLOURS[this.links.size % COLOURS.length], points: [] };
      this.links.set(linkId, link);
    }
    link.label = label;
    link.figures = figures;
    const score = typeof figures?.score === "number" ? figures.score : null;
    link.points.push({ t: this.now(), score, bad: Boolean(figures?.degraded || figures?.lost) });
    const oldest = this.now() - this.seconds * 1000;
    // Keep one point before the window so the line enters it from the left edge.
    while (link.points.length > 2 && link.points[1].t < oldest) link.points.shift();
  }

  remove(linkId) {
    this.links.delete(linkId);
  }

  draw() {
    const canvas = this.canvas;
    const ratio = globalThis.devicePixelRatio || 1;
    const width = canvas.clientWidth || canvas.width;
    const height = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
    if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = "12px system-ui, sans-serif";

    const pad = { left: 30, right: 150, top: 8, bottom: 18 };
    const plotW = Math.max(10, width - pad.left - pad.right);
    const plotH = Math.max(10, height - pad.top - pad.bottom);
    const end = this.now();
    const start = end - this.seconds * 1000;
    const x = (t) => pad.left + ((Math.max(t, start) - start) / (end - start)) * plotW;
    const y = (score) => pad.top + (1 - score / 100) * plotH;

    // Grid and axis labels: 0, 50, 100 and the time marks every 30 s.
    ctx.strokeStyle = "#ddd";
    ctx.fillStyle = "#555";
    ctx.lineWidth = 1;
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const value of [0, 50, 100]) {
      ctx.beginPath();
      ctx.moveTo(pad.left, y(value));
      ctx.lineTo(pad.left + plotW, y(value));
      ctx.stroke();
      ctx.fillText(String(value), pad.left - 4, y(value));
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (let s = 0; s <= this.seconds; s += 30) {
      ctx.fillText(s === 0 ? "0 s" : `−${s} s`, x(end - s * 1000), pad.top + plotH + 4);
    }

    // Degraded or lost periods, shaded per link across the whole height.
    for (const link of this.links.values()) {
      ctx.fillStyle = link.colour;
      ctx.globalAlpha = 0.12;
      const points = link.points;
      for (let i = 0; i < points.length; i++) {
        if (!points[i].bad) continue;
        const next = i + 1 < points.length ? points[i + 1].t : end;
        if (next < start) continue;
        ctx.fillRect(x(points[i].t), pad.top, Math.max(1, x(next) - x(points[i].t)), plotH);
      }
      ctx.globalAlpha = 1;
    }

    // The minimum score: below it a link is degraded.
    ctx.strokeStyle = "#b00020";
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(pad.left, y(this.minScore));
    ctx.lineTo(pad.left + plotW, y(this.minScore));
    ctx.stroke();
    ctx.setLineDash([]);

    // One line per link; a gap where the score was not known.
    const labels = [];
    for (const link of this.links.values()) {
      ctx.strokeStyle = link.colour;
      ctx.lineWidth = 2;
      ctx.beginPath();
      let drawing = false;
      let last = null;
      for (const point of link.points) {
        if (point.score === null) {
          drawing = false;
          continue;
        }
        const px = x(point.t);
        const py = y(point.score);
        if (drawing) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
        drawing = true;
        last = point;
      }
      ctx.stroke();
      const score = last ? Math.round(last.score) : "—";
      labels.push({ y: last ? y(last.score) : y(0), text: `${link.label} ${score}`, link });
    }

    // Labels on the right, at the end of their line, pushed apart so none overlap.
    labels.sort((a, b) => a.y - b.y);
    const gap = 15;
    for (let i = 0; i < labels.length; i++) {
      const above = i > 0 ? labels[i - 1].y + gap : pad.top + 6;
      labels[i].y = Math.max(labels[i].y, above);
    }
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    for (const label of labels) {
      ctx.fillStyle = label.link.colour;
      ctx.fillRect(pad.left + plotW + 6, label.y - 4, 8, 8);
      ctx.fillStyle = "#222";
      ctx.fillText(label.text, pad.left + plotW + 18, label.y, pad.right - 20);
    }
    canvas.setAttribute?.(
      "aria-label",
      [...this.links.values()].map((l) => `${l.label}: ${describe(l.figures)}`).join("; "),
    );
  }
}
