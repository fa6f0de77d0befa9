// The room's signalling WebSocket: JSON messages, and a page that gets back in by itself.
// A page keeps one peer id for its whole life, so the room knows a reconnecting page is
// the same site and keeps its media links (they may still be up while the socket is down).
//
// Why more than a reconnect with back-off: when a site's network is cut (a cable, a
// detention centre's firewall) nothing tells the browser. The socket stays "open" while
// TCP retransmits into the void, and a new socket's SYN, sent while the link is down, is
// retried only after 1, 3, 7... seconds, so a page could sit idle for seconds after the
// network came back. Instead the page
//   - sends a heartbeat and gives the socket up when nothing is heard for a few seconds;
//   - while the link looks cut (attempts hang rather than fail), gives each attempt only
//     a few times what opening a socket to this server normally takes here, then tries
//     afresh at once, so the first attempt after the network is back goes straight out;
//   - opens a new socket at once when a media link comes back up (`nudge`): the network
//     is back, and the attempt under way may be waiting out a SYN retry.
// An attempt refused at once means the server itself is away (a restart): then the page
// backs off, so a server that restarts is not flooded by its pages.

const PING_EVERY_MS = 2000;
const SILENT_DEAD_MS = 6000;   // nothing heard this long: the socket is dead
const OPEN_TIMEOUT_MS = 10000; // an attempt not open by then is given up
const CUT_MIN_OPEN_MS = 1000;  // while the link looks cut: at least this long per attempt
const CUT_OPEN_FACTOR = 4;     // or this many times the last open's time, if longer
const LOST = 4000;             // our code for a socket given up (silent or never opened)
// 4401 signed out (a revoked personal link, or staff signed out: disabled, sessions ended or
// expired), 4403 no seat, 4409 replaced by a newer page: do not come back.
const FINAL = [4401, 4403, 4409];

export class Signalling {
  constructor(path, { onMessage, onOpen, onClose }) {
    this.path = path;
    this.peerId = crypto.getRandomValues(new Uint32Array(3)).join("").slice(0, 24);
    this.onMessage = onMessage;
    this.onOpen = onOpen || (() => {});
    this.onClose = onClose || (() => {});
    this.attempt = 0;
    this.stopped = false;
    this.cut = false;        // attempts hang: the network between us and the server is down
    this.openMs = 1000;      // how long the last successful open took
    this.heartbeat = setInterval(() => this.beat(), PING_EVERY_MS);
    this.open();
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}${this.path}?peer=${this.peerId}`;
  }

  open() {
    clearTimeout(this.retry);
    const ws = new WebSocket(this.url());
    const startedAt = Date.now();
    ws.startedAt = startedAt;
    this.ws = ws;
    // While cut, each attempt gets little time; a little more every ten attempts, so a
    // server that is only slow to answer still gets its chance.
    const cutPatience = Math.max(CUT_MIN_OPEN_MS, CUT_OPEN_FACTOR * this.openMs) * (1 + Math.floor(this.attempt / 10));
    const patience = this.cut ? Math.min(OPEN_TIMEOUT_MS, cutPatience) : OPEN_TIMEOUT_MS;
    ws.giveUp = setTimeout(() => {
      if (this.ws === ws && ws.readyState === WebSocket.CONNECTING) this.abandon(ws);
    }, patience);
    ws.onopen = () => {
      clearTimeout(ws.giveUp);
      this.openMs = Date.now() - startedAt;
      this.attempt = 0;
      this.cut = false;
      this.lastHeard = Date.now();
      this.onOpen();
    };
    ws.onmessage = (event) => {
      this.lastHeard = Date.now();
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      this.onMessage(message);
    };
    ws.onclose = (event) => {
      clearTimeout(ws.giveUp);
      if (this.ws === ws) this.lost(event.code);
    };
  }

  // Drop a socket without waiting for the browser to notice it is dead.
  abandon(ws) {
    clearTimeout(ws.giveUp);
    ws.onopen = ws.onmessage = ws.onclose = null;
    try { ws.close(); } catch { /* already closing */ }
    if (this.ws === ws) this.lost(LOST);
  }

  lost(code) {
    this.ws = null;
    this.onClose(code);
    if (this.stopped || FINAL.includes(code)) return;
    let delay;
    if (code === LOST) {
      // Silent or never opened: the link is cut, not refused. The hung attempt already
      // waited; the next goes out at once.
      this.cut = true;
      delay = 0;
    } else if (code === 4408) {
      delay = 0; // the server let go of this page's older socket: come back at once
    } else {
      this.cut = false;
      delay = Math.min(10000, 500 * 2 ** this.attempt) * (0.75 + Math.random() / 2);
    }
    this.attempt += 1;
    this.retry = setTimeout(() => this.open(), delay);
  }

  // Something else says the network is back (a media link came up): if the socket is
  // still trying, a fresh attempt now beats one waiting out a SYN retry.
  nudge() {
    if (this.stopped || this.isOpen) return;
    if (this.ws && Date.now() - this.ws.startedAt < 200) return; // fresh enough
    if (this.ws) {
      const stale = this.ws;
      clearTimeout(stale.giveUp);
      stale.onopen = stale.onmessage = stale.onclose = null;
      try { stale.close(); } catch { /* closing */ }
      this.ws = null;
    }
    this.open();
  }

  beat() {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastHeard > SILENT_DEAD_MS) {
      this.abandon(ws);
      return;
    }
    ws.send(JSON.stringify({ type: "ping", t: Date.now() }));
  }

  get isOpen() { return Boolean(this.ws) && this.ws.readyState === WebSocket.OPEN; }

  send(message) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.heartbeat);
    if (this.ws) this.ws.close();
  }
}
