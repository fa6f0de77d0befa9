// The room's signalling WebSocket: JSON messages, reconnects by itself with back-off.
// A page keeps one peer id for its whole life, so the room knows a reconnecting page is
// the same site and keeps its media links (they may still be up while the socket is down).

export class Signalling {
  constructor(path, { onMessage, onOpen, onClose }) {
    this.path = path;
    this.peerId = crypto.getRandomValues(new Uint32Array(3)).join("").slice(0, 24);
    this.onMessage = onMessage;
    this.onOpen = onOpen || (() => {});
    this.onClose = onClose || (() => {});
    this.attempt = 0;
    this.stopped = false;
    this.open();
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}${this.path}?peer=${this.peerId}`;
  }

  open() {
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.onopen = () => { this.attempt = 0; this.onOpen(); };
    ws.onmessage = (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      this.onMessage(message);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.onClose(event.code);
      // 4401 revoked link, 4403 no seat, 4409 replaced by a newer page: do not come back.
      if (this.stopped || [4401, 4403, 4409].includes(event.code)) return;
      const delay = Math.min(10000, 500 * 2 ** this.attempt) * (0.75 + Math.random() / 2);
      this.attempt += 1;
      this.retry = setTimeout(() => this.open(), delay);
    };
  }

  get isOpen() { return this.ws && this.ws.readyState === WebSocket.OPEN; }

  send(message) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retry);
    if (this.ws) this.ws.close();
  }
}
